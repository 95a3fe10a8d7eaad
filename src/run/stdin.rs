//! Editor mode: one file's source on stdin (`unawait fix - --stdin-filename a.py`).
//!
//! `fix` writes the whole fixed source on stdout — or the input unchanged when there is
//! nothing to fix, when the path is excluded, or when the source cannot be fixed (with
//! the reason on stderr and exit status 2), so an editor that replaces its buffer with
//! the output never loses text. `diff`, `patch` and `check` print what they print for a
//! file. Configuration, excludes and the file type follow `--stdin-filename`.
//!
//! With `--stdin-filename`, the rest of the file's project is read for the index, as in
//! a batch run that names the file, with the buffer standing in for the file on disk;
//! without it, only the buffer is read, and imports resolve as far as it shows.

use std::io::{self, Read};

use anyhow::Context;

use super::file;
use super::job::Job;
use super::reporter::Reporter;
use crate::exit;
use crate::files::discover::Candidate;
use crate::files::kind::FileKind;
use crate::files::project;
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
    let mut report = FileReport::new(absolute.clone(), absolute.clone());
    report.display = display;
    let (module, index) = match &input.filename {
        Some(path) => project_index(settings, &mut job, path, &absolute, kind, &source)?,
        None => (None, ProjectIndex::default()),
    };
    let examined = file::examine(&job, report, &source, kind, module.as_ref(), &index);
    let report = examined.report;
    let rendered = file::render(&job, &report, &source, examined.fixed.as_deref());
    let mut out = Reporter::open(settings, job.format.as_deref())?;
    out.report(&report, &rendered)?;
    out.finish()
}

/// The buffer's module names and the index of its project: the project's other files
/// read as a batch run reads them, and the buffer in place of the file on disk.
fn project_index(
    settings: &Settings,
    job: &mut Job<'_>,
    path: &std::path::Path,
    absolute: &std::path::Path,
    kind: FileKind,
    source: &[u8],
) -> anyhow::Result<(Option<crate::python::modules::ModuleNames>, ProjectIndex)> {
    use rayon::prelude::*;
    let project = project::around_file(settings, absolute);
    for root in &project.roots {
        job.roots.add_project(root);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()?;
    let mut looks: Vec<file::FirstLook> = pool.install(|| {
        project
            .others
            .par_iter()
            .map(|c| file::index_only(c, job))
            .collect()
    });
    let mut index = ProjectIndex::default();
    for look in &mut looks {
        if let Some(module) = &look.module {
            index.add(module, look.entries.take().unwrap_or_default());
        }
    }
    let buffer = Candidate {
        path: path.to_path_buf(),
        absolute: absolute.to_path_buf(),
        kind,
    };
    let mut look = file::index_look(&buffer, job, source, true);
    if let Some(module) = &look.module {
        index.add(module, look.entries.take().unwrap_or_default());
    }
    // The buffer may call a rule's function by another name only: the prefilter
    // learns the names (the buffer is examined whatever the first look said).
    super::renames::widen(
        job,
        &mut index,
        &mut [super::renames::Looks {
            files: &project.others,
            looks: &mut looks,
            own: false,
        }],
        &pool,
    );
    Ok((look.module, index))
}
