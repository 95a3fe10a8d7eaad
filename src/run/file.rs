//! One file's pipeline, from bytes on disk to a report: read, prefilter, fix, then
//! write or render. Batch runs, stdin, interactive review and `suggest` all go through
//! here.
//!
//! Runs on worker threads and prints nothing: it returns the [`FileReport`] and the
//! bytes the file shows on stdout, so the caller can print them in path order. A file
//! that cannot be processed becomes a report with the reason; it never stops the run.

use std::collections::HashMap;

use super::job::Job;
use crate::embedded::{self, Check, FileFix};
use crate::files::discover::Candidate;
use crate::files::kind::FileKind;
use crate::files::read::{is_binary, read_source};
use crate::files::write::{self, WriteError};
use crate::fix::engine;
use crate::fix::index::{self, Entry, ProjectIndex};
use crate::fix::matcher::FileContext;
use crate::fix::suggest::{self, Survey};
use crate::fix::survey_filter::{self, Look};
use crate::python::modules::{ModuleNames, ModulePath};
use crate::render::FileView;
use crate::report::{FileReport, SkipReason, Status};

/// What the first pass learned of a file.
#[derive(Debug, Default)]
pub struct FirstLook {
    /// Worth a full look in the second pass (or it must be reported then: it failed to
    /// read, or it is binary).
    pub wanted: bool,
    pub binary: bool,
    /// Its module names, when it is wanted, indexed or may be a rule's module, and
    /// importable.
    pub module: Option<ModuleNames>,
    /// Its module-level definitions, when it was indexed.
    pub entries: Option<HashMap<String, Entry>>,
    /// It was parsed for the index (its entries may have been taken since).
    pub indexed: bool,
}

/// A file for the second pass, with what the first pass learned of it.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub candidate: Candidate,
    pub module: Option<ModuleNames>,
    pub binary: bool,
}

/// The prefilter's verdict: Python source gets the closer look; a notebook's JSON or a
/// document only the plain one (their blocks get the closer look one by one), as do
/// doctest examples in Python with `docs`.
pub(super) fn worth_parsing(job: &Job<'_>, kind: FileKind, source: &[u8]) -> bool {
    match kind {
        FileKind::Python => {
            job.prefilter.wants_python(source)
                || (job.docs && embedded::doctest::may_hold_examples(source, &job.prefilter))
        }
        _ => job.prefilter.wants(source),
    }
}

/// First pass over one file: decide whether it needs the second pass, and index it
/// when it may define or re-export a rule's function.
pub fn first_look(candidate: &Candidate, job: &Job<'_>) -> FirstLook {
    if crate::interrupt::interrupted() {
        return FirstLook::default();
    }
    let Ok(source) = read_source(&candidate.path) else {
        return FirstLook {
            wanted: true,
            ..FirstLook::default()
        };
    };
    if is_binary(&source) {
        return FirstLook {
            wanted: true,
            binary: true,
            ..FirstLook::default()
        };
    }
    // A file the type checker flagged is parsed whatever the prefilter says.
    let wanted =
        worth_parsing(job, candidate.kind, &source) || job.has_diagnostics(&candidate.absolute);
    let mut look = index_look(candidate, job, &source, wanted);
    look.wanted = wanted;
    look
}

/// The first pass over a file of the project that the run does not process: only
/// whether it goes into the index (the same byte filter), never the prefilter.
pub fn index_only(candidate: &Candidate, job: &Job<'_>) -> FirstLook {
    if crate::interrupt::interrupted() || candidate.kind != FileKind::Python {
        return FirstLook::default();
    }
    match read_source(&candidate.path) {
        Ok(source) if !is_binary(&source) => index_look(candidate, job, &source, false),
        _ => FirstLook::default(),
    }
}

/// The module names and index entries of a file read in the first pass; `wanted`
/// files need their names for the second pass.
pub fn index_look(candidate: &Candidate, job: &Job<'_>, source: &[u8], wanted: bool) -> FirstLook {
    let indexed =
        candidate.kind == FileKind::Python && job.index_filter.wants(&candidate.path, source);
    // Probing the folders for `__init__.py` is done once, here, for both passes; a
    // file that may be a qualified rule's module gets its names too, so that the rule
    // is known under each of them.
    let module = if wanted || indexed || job.may_be_rule_module(&candidate.absolute) {
        job.module_names_of(&candidate.absolute)
    } else {
        None
    };
    let entries = match (&module, indexed) {
        (Some(m), true) => {
            let display = crate::paths::display(&candidate.path);
            Some(index::file_entries(m, &display, source))
        }
        _ => None,
    };
    FirstLook {
        wanted,
        binary: false,
        module,
        indexed: entries.is_some(),
        entries,
    }
}

/// A file examined: its report, and what the fix would make of it.
#[derive(Debug)]
pub struct Examined {
    pub report: FileReport,
    /// The fixed bytes, when they differ from the source.
    pub fixed: Option<Vec<u8>>,
    /// How to apply some of the findings' edits (for interactive review).
    pub check: Option<Check>,
}

/// Find and fix the matches in `source`, a file of `kind` whose module is `module`;
/// fills `report` with findings, notes and status. Writing is the caller's business.
pub fn examine(
    job: &Job<'_>,
    mut report: FileReport,
    source: &[u8],
    kind: FileKind,
    module: Option<&ModuleNames>,
    index: &ProjectIndex,
) -> Examined {
    let examined = |report: FileReport| Examined {
        report,
        fixed: None,
        check: None,
    };
    if is_binary(source) {
        report.status = Status::Skipped(SkipReason::Binary);
        return examined(report);
    }
    if !worth_parsing(job, kind, source) && !job.has_diagnostics(&report.absolute) {
        return examined(report);
    }
    report.parsed = true;
    let ctx = FileContext {
        module,
        index: Some(index),
    };
    // A type checker's diagnostics are about Python files; notebooks and documents
    // keep the rules alone.
    let fix = match job.checked_of(&report.absolute) {
        Some(checked) if kind == FileKind::Python => {
            engine::fix_source_with(source, job.rules, job.options, ctx, Some(checked)).map(
                |fixed| FileFix {
                    findings: fixed.findings,
                    output: fixed.output,
                    notes: Vec::new(),
                    check: Check::Python,
                    mentions: fixed.mentions,
                },
            )
        }
        _ => embedded::fix_file(
            kind,
            source,
            job.rules,
            job.options,
            ctx,
            &job.prefilter,
            job.docs,
        ),
    };
    let FileFix {
        findings,
        output,
        notes,
        check,
        mentions,
    } = match fix {
        Ok(f) => f,
        Err(e) => {
            report.status = Status::Skipped(SkipReason::Source(e));
            return examined(report);
        }
    };
    report.findings = findings;
    report.notes = notes;
    report.mentions = mentions;
    let fixed = (output != source).then_some(output);
    if fixed.is_some() {
        report.status = Status::Changed;
    }
    Examined {
        report,
        fixed,
        check: Some(check),
    }
}

/// What a file shows on stdout in this job's format.
pub fn render(job: &Job<'_>, report: &FileReport, source: &[u8], fixed: Option<&[u8]>) -> Vec<u8> {
    match &job.format {
        Some(format) => format.file(&FileView {
            report,
            source,
            fixed,
        }),
        None => Vec::new(),
    }
}

/// The status of a file whose write failed.
pub fn write_failed(e: WriteError) -> Status {
    match e {
        WriteError::Interrupted => Status::Interrupted,
        e => Status::Skipped(SkipReason::Write(e)),
    }
}

/// The whole pipeline for one file of a batch run: the report, and its stdout bytes.
pub fn process(job: &Job<'_>, wanted: &Wanted, index: &ProjectIndex) -> (FileReport, Vec<u8>) {
    let candidate = &wanted.candidate;
    let mut report = FileReport::new(candidate.path.clone(), candidate.absolute.clone());
    if crate::interrupt::interrupted() {
        report.status = Status::Interrupted;
        return (report, Vec::new());
    }
    if wanted.binary {
        report.status = Status::Skipped(SkipReason::Binary);
        return (report, Vec::new());
    }
    let source = match read_source(&candidate.path) {
        Ok(s) => s,
        Err(e) => {
            report.status = Status::Skipped(SkipReason::Read(e));
            return (report, Vec::new());
        }
    };
    let Examined {
        mut report, fixed, ..
    } = examine(
        job,
        report,
        &source,
        candidate.kind,
        wanted.module.as_ref(),
        index,
    );
    if let (Some(fixed), Some(policy)) = (&fixed, &job.write) {
        let backup = policy.backup.as_deref();
        match write::write_atomically(&candidate.path, &source, fixed, backup) {
            Ok(made) => report.backup = made,
            Err(e) => report.status = write_failed(e),
        }
    }
    let rendered = render(job, &report, &source, fixed.as_deref());
    (report, rendered)
}

/// What `suggest`'s first look learned of a file.
#[derive(Debug, Default)]
pub struct SuggestLook {
    pub module: Option<ModulePath>,
    /// What its bytes say ([`survey_filter::look`]); `None` for what is not readable
    /// Python source.
    pub look: Option<Look>,
    /// Why a Python file could not be looked at: it could not be read, or is binary.
    pub skipped: Option<SkipReason>,
}

/// `suggest`'s first look at one file: its module, and what its bytes say.
pub fn suggest_look(candidate: &Candidate, job: &Job<'_>) -> SuggestLook {
    if candidate.kind != FileKind::Python || crate::interrupt::interrupted() {
        return SuggestLook::default();
    }
    let module = job.module_of(&candidate.absolute);
    let (look, skipped) = match read_source(&candidate.path) {
        Err(e) => (None, Some(SkipReason::Read(e))),
        Ok(source) if is_binary(&source) => (None, Some(SkipReason::Binary)),
        Ok(source) => (Some(survey_filter::look(&source)), None),
    };
    SuggestLook {
        module,
        look,
        skipped,
    }
}

/// `suggest`'s look at one file: read it, and survey it when it may say something.
pub fn survey(candidate: &Candidate, module: Option<&ModulePath>) -> Survey {
    if candidate.kind != FileKind::Python {
        return Survey::default();
    }
    let Ok(source) = read_source(&candidate.path) else {
        return Survey::default();
    };
    let is_init = candidate.path.file_stem().is_some_and(|s| s == "__init__");
    if !suggest::worth_surveying(&source, is_init) || is_binary(&source) {
        return Survey::default();
    }
    let display = crate::paths::display(&candidate.path);
    suggest::survey(&source, module, &display)
}
