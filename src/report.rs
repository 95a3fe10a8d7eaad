//! One file's result as plain data: what was found in it, and what happened to it.
//!
//! Workers build a [`FileReport`]; renderers read it; nothing in it is rendered text.

use std::path::PathBuf;

use crate::files::read::ReadError;
use crate::files::write::WriteError;
use crate::fix::engine::{Located, SourceError};

/// Why a file was not processed (or not written). Every one makes the exit status 2.
#[derive(Debug)]
pub enum SkipReason {
    Read(ReadError),
    /// It holds NUL bytes.
    Binary,
    /// A syntax error (by CPython's grammar), valid Python that tree-sitter cannot read,
    /// an unreadable notebook, or a fix that would break the file.
    Source(SourceError),
    Write(WriteError),
}

impl SkipReason {
    /// A short name for the reason, for machine-readable output and the summary's
    /// counts: `read`, `binary`, `write`, or the [`SourceError`]'s (`syntax-error`,
    /// `tree-sitter-unreadable`, ...).
    pub fn key(&self) -> &'static str {
        match self {
            SkipReason::Read(_) => "read",
            SkipReason::Binary => "binary",
            SkipReason::Source(e) => e.key(),
            SkipReason::Write(_) => "write",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Read(e) => e.fmt(f),
            SkipReason::Binary => f.write_str("binary file (contains NUL bytes)"),
            SkipReason::Source(e) => e.fmt(f),
            SkipReason::Write(e) => e.fmt(f),
        }
    }
}

#[derive(Debug)]
pub enum Status {
    /// Nothing to change (possibly never parsed).
    Unchanged,
    /// Written (`fix`) or would be (`diff`, `patch`, `check`).
    Changed,
    /// Not processed, with the reason.
    Skipped(SkipReason),
    /// Not started, or not written, because the run was interrupted: not reported.
    Interrupted,
}

#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub absolute: PathBuf,
    /// The path as messages show it.
    pub display: String,
    pub status: Status,
    pub parsed: bool,
    /// Every matching await, each with its fix (whether or not it was written).
    pub findings: Vec<Located>,
    /// Parts of a notebook or document left unchanged because of a problem (a cell
    /// with a syntax error), one line each; they make the exit status 2.
    pub notes: Vec<String>,
    /// The backup `fix --backup` made of the original, once the file is written.
    pub backup: Option<PathBuf>,
    /// Rules' calls mentioned in comments and strings: counted, and listed with `-v`.
    pub mentions: Vec<crate::fix::engine::TextMention>,
}

impl FileReport {
    /// A report with nothing found yet, for the file at `path` (as found or given).
    pub fn new(path: PathBuf, absolute: PathBuf) -> FileReport {
        FileReport {
            display: crate::paths::display(&path),
            path,
            absolute,
            status: Status::Unchanged,
            parsed: false,
            findings: Vec::new(),
            notes: Vec::new(),
            backup: None,
            mentions: Vec::new(),
        }
    }

    /// Findings that are not kept: awaits the fix removes or renames.
    pub fn to_fix(&self) -> impl Iterator<Item = &Located> {
        self.findings
            .iter()
            .filter(|f| f.finding.action.is_change())
    }

    /// How many awaits were fixed (or would be): none unless the file changed.
    pub fn fixed_count(&self) -> usize {
        match self.status {
            Status::Changed => self.to_fix().count(),
            _ => 0,
        }
    }
}
