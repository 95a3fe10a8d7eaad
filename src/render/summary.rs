//! The end-of-run counts: what was scanned, changed, kept and skipped; and the line
//! that says so on stderr.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::fix::matcher::Action;
use crate::report::{FileReport, Status};

#[derive(Debug, Default)]
pub struct Summary {
    pub scanned: usize,
    pub parsed: usize,
    pub changed: usize,
    /// Awaits fixed (or to fix) in changed files.
    pub edits: usize,
    /// Awaits to fix, changed files or not.
    pub findings: usize,
    pub files_with_findings: usize,
    pub kept: BTreeMap<&'static str, usize>,
    pub skipped: usize,
    /// Every file problem (a skipped file, a note), with the file's absolute path.
    pub problems: Vec<(PathBuf, String)>,
}

impl Summary {
    /// Count one file's report.
    pub fn add(&mut self, report: &FileReport) {
        self.scanned += 1;
        self.parsed += usize::from(report.parsed);
        self.edits += report.fixed_count();
        match &report.status {
            Status::Changed => self.changed += 1,
            Status::Skipped(why) => {
                self.skipped += 1;
                self.problems
                    .push((report.absolute.clone(), why.to_string()));
            }
            Status::Unchanged | Status::Interrupted => {}
        }
        for note in &report.notes {
            self.problems.push((report.absolute.clone(), note.clone()));
        }
        let mut to_fix = 0;
        for f in &report.findings {
            match &f.finding.action {
                Action::Kept(why) => *self.kept.entry(why.key()).or_default() += 1,
                _ => to_fix += 1,
            }
        }
        self.findings += to_fix;
        self.files_with_findings += usize::from(to_fix > 0);
    }

    /// Count files that were read but could not hold a match: scanned, unchanged.
    pub fn add_passed_over(&mut self, files: usize) {
        self.scanned += files;
    }

    /// The summary line; `fixing` says whether files were written.
    pub fn render(&self, fixing: bool) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let (verb, edits) = if fixing {
            ("changed", "fixed")
        } else {
            ("to change", "to fix")
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
