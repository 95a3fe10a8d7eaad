//! One file, from bytes on disk to a report: read, prefilter, fix, then render or write.
//!
//! Runs on worker threads; returns a [`FileReport`] and prints nothing, so the caller
//! can print reports in path order. A file that cannot be processed becomes a report
//! with the reason; it never stops the run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::embedded::Embedded;
use crate::files::discover::Candidate;
use crate::files::kind::FileKind;
use crate::files::write;
use crate::fix::edit::Edit;
use crate::fix::engine::{self, Located};
use crate::fix::index::{self, Entry, IndexFilter, ProjectIndex};
use crate::fix::matcher::{Action, FileContext};
use crate::fix::prefilter::Prefilter;
use crate::python::modules::ModulePath;
use crate::render;
use crate::setup::settings::{Mode, Settings};

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
    pub absolute: PathBuf,
    pub display: String,
    pub status: Status,
    pub parsed: bool,
    pub findings: Vec<Located>,
    /// The edits found, in file byte offsets (whether or not they were written).
    pub edits: Vec<Edit>,
    /// What goes to stdout for this file (a diff, or check lines).
    pub stdout: Vec<u8>,
    /// Parts of a notebook or document left unchanged because of a problem (a cell
    /// with a syntax error), one line each; they make the exit status 2.
    pub notes: Vec<String>,
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
            edits: Vec::new(),
            stdout: Vec::new(),
            notes: Vec::new(),
        }
    }

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

/// The prefilter's verdict: Python source gets the closer look; a notebook's JSON or a
/// document only the plain one (their blocks get the closer look one by one).
fn worth_parsing(prefilter: &Prefilter, kind: FileKind, source: &[u8]) -> bool {
    match kind {
        FileKind::Python => prefilter.wants_python(source),
        _ => prefilter.wants(source),
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
    if crate::interrupt::interrupted() {
        return FirstLook::default();
    }
    let Ok(source) = std::fs::read(&candidate.path) else {
        return FirstLook {
            wanted: true,
            entries: None,
        };
    };
    if crate::files::read::is_binary(&source) {
        return FirstLook {
            wanted: true,
            entries: None,
        };
    }
    let wanted = worth_parsing(prefilter, candidate.kind, &source);
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

/// Find and fix the matches in `source`, a file of `kind` at `absolute` (a Python file
/// has no notes). The error is the reason the file is skipped.
fn fix_bytes(
    source: &[u8],
    kind: FileKind,
    absolute: &Path,
    settings: &Settings,
    prefilter: &Prefilter,
    index: &ProjectIndex,
) -> Result<Embedded, String> {
    let module = ModulePath::for_file_in(absolute, &settings.src_roots);
    let ctx = FileContext {
        module: module.as_ref(),
        index: Some(index),
        keep_in_raises: settings.keep_in_raises,
    };
    match kind {
        FileKind::Python => Ok(Embedded {
            fixed: engine::fix_source(source, &settings.rules, ctx).map_err(|e| e.to_string())?,
            notes: Vec::new(),
        }),
        kind => crate::embedded::fix_file(kind, source, &settings.rules, ctx, prefilter),
    }
}

pub fn process(
    candidate: &Candidate,
    settings: &Settings,
    prefilter: &Prefilter,
    index: &ProjectIndex,
) -> FileReport {
    let mut report = FileReport::new(candidate.path.clone(), candidate.absolute.clone());
    if crate::interrupt::interrupted() {
        report.status = Status::Skipped(crate::interrupt::SKIPPED.into());
        return report;
    }
    let source = match crate::files::read::read_source(&candidate.path) {
        Ok(s) => s,
        Err(why) => {
            report.status = Status::Skipped(why);
            return report;
        }
    };
    let output = examine(
        &mut report,
        &source,
        candidate.kind,
        settings,
        prefilter,
        index,
    );
    if let (Some(output), Mode::Fix { backup, .. }) = (output, &settings.mode) {
        if let Err(e) =
            write::write_atomically(&candidate.path, &source, &output, backup.as_deref())
        {
            report.status = Status::Skipped(e.to_string());
        }
    }
    report
}

/// Fill `report` for `source`: findings, edits, notes, status, and the diff for `diff`
/// and `patch`. Returns the fixed bytes when they differ from `source`; writing them is
/// the caller's business.
pub fn examine(
    report: &mut FileReport,
    source: &[u8],
    kind: FileKind,
    settings: &Settings,
    prefilter: &Prefilter,
    index: &ProjectIndex,
) -> Option<Vec<u8>> {
    if crate::files::read::is_binary(source) {
        report.status = Status::Skipped("binary file (contains NUL bytes)".into());
        return None;
    }
    if !worth_parsing(prefilter, kind, source) {
        return None;
    }
    report.parsed = true;
    let Embedded { fixed, notes } =
        match fix_bytes(source, kind, &report.absolute, settings, prefilter, index) {
            Ok(f) => f,
            Err(why) => {
                report.status = Status::Skipped(why);
                return None;
            }
        };
    report.findings = fixed.findings;
    report.edits = fixed.edits;
    report.notes = notes;
    if fixed.output == source {
        return None;
    }
    report.status = Status::Changed;
    if let Mode::Diff { .. } | Mode::Patch { .. } = settings.mode {
        let name = crate::paths::relative_bytes(&settings.diff_base, &report.absolute);
        let palette = match settings.mode {
            Mode::Diff { .. } if settings.color => render::diff::Palette::ansi(),
            _ => render::diff::Palette::plain(),
        };
        report.stdout = render::diff::file_diff(&name, source, &fixed.output, &palette);
    }
    Some(fixed.output)
}
