//! The end-of-run summary on stderr: what was scanned, changed, kept and skipped.

use std::collections::BTreeMap;

use crate::fix::matcher::Action;
use crate::run::file::{FileReport, Status};
use crate::setup::settings::Mode;

#[derive(Debug, Default)]
pub struct Summary {
    pub scanned: usize,
    pub parsed: usize,
    pub changed: usize,
    pub edits: usize,
    pub findings: usize,
    pub kept: BTreeMap<&'static str, usize>,
    pub skipped: usize,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        self.scanned += 1;
        self.parsed += usize::from(report.parsed);
        match report.status {
            Status::Changed => {
                self.changed += 1;
                self.edits += report.edits();
            }
            Status::Skipped(_) => self.skipped += 1,
            Status::Unchanged => {}
        }
        for f in &report.findings {
            match &f.finding.action {
                Action::Kept(why) => *self.kept.entry(why.key()).or_default() += 1,
                _ => self.findings += 1,
            }
        }
    }

    pub fn render(&self, mode: &Mode) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let (verb, edits) = match mode {
            Mode::Fix { .. } => ("changed", "fixed"),
            _ => ("to change", "to fix"),
        };
        let mut s = format!(
            "unawait: {} scanned ({} parsed); {} {verb}, {} {edits}",
            plural(self.scanned, "file", "files"),
            self.parsed,
            plural(self.changed, "file", "files"),
            plural(self.edits, "await", "awaits"),
        );
        let kept: usize = self.kept.values().sum();
        if kept > 0 {
            let parts: Vec<String> = self.kept.iter().map(|(k, n)| format!("{n} {k}")).collect();
            s.push_str(&format!("; {kept} kept ({})", parts.join(", ")));
        }
        if self.skipped > 0 {
            s.push_str(&format!(
                "; {} skipped with errors",
                plural(self.skipped, "file", "files")
            ));
        }
        s
    }
}
