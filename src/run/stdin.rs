//! Editor mode: one file's source on stdin (`unawait fix - --stdin-filename a.py`).
//!
//! `fix` writes the whole fixed source on stdout — or the input unchanged when there is
//! nothing to fix, when the path is excluded, or when the source cannot be fixed (with
//! the reason on stderr and exit status 2), so an editor that replaces its buffer with
//! the output never loses text. `diff`, `patch` and `check` print what they print for a
//! file. Configuration, excludes and the file type follow `--stdin-filename`.
//!
//! Only the one file is read: names imported from elsewhere in the project are resolved
//! as far as the file itself shows (no project index).

use std::io::{self, Read};

use anyhow::Context;

use super::file;
use super::job::Job;
use super::reporter::Reporter;
use crate::exit;
use crate::files::kind::FileKind;
use crate::files::sink::write_stdout;
use crate::fix::index::ProjectIndex;
use crate::messages;
use crate::render::buffer::Buffer;
use crate::report::FileReport;
use crate::setup::settings::{Mode, Settings, StdinInput};

pub fn run(settings: &Settings, input: &StdinInput) -> anyhow::Result<u8> {
    let mut source = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut source)
        .context("cannot read stdin")?;
    let absolute = input
        .absolute
        .clone()
        .unwrap_or_else(|| settings.cwd.join("-"));
    let display = input
        .filename
        .as_deref()
        .map_or_else(|| "-".to_string(), crate::paths::display);
    let fixing = matches!(settings.mode, Mode::Fix { .. });

    if input.absolute.is_some() && settings.excludes.covers(&absolute) {
        if !settings.quiet {
            messages::info(format_args!(
                "{display}: excluded by the configuration; left unchanged"
            ));
        }
        if fixing {
            write_stdout(&source)?;
        }
        return Ok(exit::OK);
    }

    let kind = FileKind::of(&absolute, true, true).unwrap_or(FileKind::Python);
    let mut job = Job::new(settings);
    if fixing {
        // The whole file, fixed or not: this is what replaces the editor's buffer.
        job.format = Some(Box::new(Buffer));
    }
    let mut report = FileReport::new(absolute.clone(), absolute);
    report.display = display;
    let module = job.module_of(&report.absolute);
    let index = ProjectIndex::default();
    let examined = file::examine(&job, report, &source, kind, module.as_ref(), &index);
    let report = examined.report;
    let rendered = file::render(&job, &report, &source, examined.fixed.as_deref());
    let mut out = Reporter::open(settings, job.format.as_deref())?;
    out.report(&report, &rendered)?;
    out.finish()
}
