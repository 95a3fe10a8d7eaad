//! One file, from bytes on disk to a report: read, prefilter, fix, then render or write.
//!
//! Runs on worker threads; returns a [`FileReport`] and prints nothing, so the caller
//! can print reports in path order. A file that cannot be processed becomes a report
//! with the reason; it never stops the run.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;

use crate::discover::{Candidate, FileKind};
use crate::fixer::{self, Located, SourceError};
use crate::index::{self, Entry, IndexFilter, ProjectIndex};
use crate::matcher::{Action, FileContext};
use crate::modules::ModulePath;
use crate::prefilter::Prefilter;
use crate::render;
use crate::settings::{Mode, Settings};
use crate::write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Nothing to change (possibly never parsed).
    Unchanged,
    /// Written (`fix`) or would be (`diff`, `patch`, `check`).
    Changed,
    /// Not processed, with the reason; makes the exit status 2.
    Skipped(String),
}

#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub display: String,
    pub status: Status,
    pub parsed: bool,
    pub findings: Vec<Located>,
    /// What goes to stdout for this file (a diff, or check lines).
    pub stdout: Vec<u8>,
    /// Parts of a notebook or document left unchanged because of a problem (a cell
    /// with a syntax error), one line each; they make the exit status 2.
    pub notes: Vec<String>,
}

impl FileReport {
    pub fn edits(&self) -> usize {
        if self.status != Status::Changed {
            return 0;
        }
        self.findings
            .iter()
            .filter(|f| !matches!(f.finding.action, Action::Kept(_)))
            .count()
    }
}

/// A short reason for an I/O error, without Rust's `(os error N)` noise.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// What the first pass learned of a file.
#[derive(Debug, Default)]
pub struct FirstLook {
    /// Worth a full look in the second pass (or it failed to read: report it then).
    pub wanted: bool,
    /// Its module-level definitions, when it was indexed.
    pub entries: Option<(String, HashMap<String, Entry>)>,
}

/// First pass over one file: decide whether it needs the second pass, and index it
/// when it may define or re-export a rule's function.
pub fn first_look(
    candidate: &Candidate,
    settings: &Settings,
    prefilter: &Prefilter,
    filter: &IndexFilter,
) -> FirstLook {
    let Ok(source) = std::fs::read(&candidate.path) else {
        return FirstLook {
            wanted: true,
            entries: None,
        };
    };
    if memchr::memchr(0, &source).is_some() {
        return FirstLook {
            wanted: true,
            entries: None,
        };
    }
    let wanted = prefilter.wants(&source);
    let is_python = candidate.kind == FileKind::Python;
    let entries = if is_python && filter.wants(&candidate.path, &source) {
        ModulePath::for_file_in(&candidate.absolute, &settings.src_roots).map(|m| {
            let display = crate::paths::display(&candidate.path);
            let entries = index::file_entries(&m, &display, &source);
            (m.name, entries)
        })
    } else {
        None
    };
    FirstLook { wanted, entries }
}

pub fn process(
    candidate: &Candidate,
    settings: &Settings,
    prefilter: &Prefilter,
    index: &ProjectIndex,
) -> FileReport {
    let display = crate::paths::display(&candidate.path);
    let mut report = FileReport {
        path: candidate.path.clone(),
        display,
        status: Status::Unchanged,
        parsed: false,
        findings: Vec::new(),
        stdout: Vec::new(),
        notes: Vec::new(),
    };
    let source = match std::fs::read(&candidate.path) {
        Ok(s) => s,
        Err(e) => {
            let why = if e.kind() == io::ErrorKind::NotFound {
                "disappeared during the run".into()
            } else if e.raw_os_error() == Some(21) {
                "is a folder".into()
            } else {
                format!("cannot read: {}", io_reason(&e))
            };
            report.status = Status::Skipped(why);
            return report;
        }
    };
    if memchr::memchr(0, &source).is_some() {
        report.status = Status::Skipped("binary file (contains NUL bytes)".into());
        return report;
    }
    if !prefilter.wants(&source) {
        return report;
    }
    report.parsed = true;
    let module = ModulePath::for_file_in(&candidate.absolute, &settings.src_roots);
    let ctx = FileContext {
        module: module.as_ref(),
        index: Some(index),
        keep_in_raises: settings.keep_in_raises,
    };
    let result = match candidate.kind {
        FileKind::Python => fixer::fix_source(&source, &settings.rules, ctx),
        kind => match crate::embedded::fix_file(kind, &source, &settings.rules, ctx, prefilter) {
            Ok(e) => {
                report.notes = e.notes;
                Ok(e.fixed)
            }
            Err(why) => {
                report.status = Status::Skipped(why);
                return report;
            }
        },
    };
    let fixed = match result {
        Ok(f) => f,
        Err(e @ SourceError::Syntax { .. }) | Err(e @ SourceError::Internal(_)) => {
            report.status = Status::Skipped(e.to_string());
            return report;
        }
    };
    report.findings = fixed.findings;
    if fixed.output == source {
        return report;
    }
    report.status = Status::Changed;
    match &settings.mode {
        Mode::Diff { .. } | Mode::Patch { .. } => {
            let name = crate::paths::relative_bytes(&settings.diff_base, &candidate.absolute);
            let palette = match settings.mode {
                Mode::Diff { .. } if settings.color => render::diff::Palette::ansi(),
                _ => render::diff::Palette::plain(),
            };
            report.stdout = render::diff::file_diff(&name, &source, &fixed.output, &palette);
        }
        Mode::Fix { backup } => {
            if let Err(e) =
                write::write_atomically(&candidate.path, &source, &fixed.output, backup.as_deref())
            {
                report.status = Status::Skipped(e.to_string());
            }
        }
        Mode::Check { .. } | Mode::Suggest { .. } => {}
    }
    report
}
