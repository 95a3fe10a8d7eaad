//! Driving `suggest --diagnostics FILE` / `suggest --type-checker NAME`: the callees
//! of the awaits a type checker flagged, instead of the survey by names.
//!
//! The diagnostics are read (or the checker run) as `fix` reads them
//! (`run::typecheck`). Every Python file of the project is surveyed, for the index that
//! names the callees and the definitions that say what a receiver is: the checker has
//! read them all already, and a name must never be resolved from part of the tree. Each
//! flagged file then goes through the fixer with its diagnostics and no rules, so that
//! what is said to be fixed, kept or left is what `fix --diagnostics` does. Nothing is
//! written.

use rayon::prelude::*;

use super::file;
use super::job::Job;
use super::typecheck;
use crate::files::discover::Candidate;
use crate::files::kind::FileKind;
use crate::files::project::Project;
use crate::files::read::{is_binary, read_source};
use crate::files::sink::write_stdout;
use crate::fix::matcher::FixOptions;
use crate::fix::suggest::proven::{flag_file, group, FileFlags};
use crate::fix::suggest::Survey;
use crate::render::suggest::proven::{self as proven_render, Read};
use crate::report::SkipReason;
use crate::setup::cli::SuggestFormat;
use crate::setup::settings::{Mode, Settings, TypeCheck};
use crate::{exit, messages};

pub fn run(
    files: &[Candidate],
    project: &Project,
    job: &Job<'_>,
    settings: &Settings,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<u8> {
    let Mode::Suggest {
        format,
        config_has_functions,
    } = settings.mode
    else {
        unreachable!("called for `suggest` only");
    };
    let loaded = typecheck::load_counted(settings, project, files)?.unwrap_or_default();
    let all: Vec<&Candidate> = files.iter().chain(&project.others).collect();
    let surveys: Vec<(usize, Survey)> = pool.install(|| {
        all.par_iter()
            .enumerate()
            .map(|(i, c)| (i, file::survey(c, job.module_of(&c.absolute).as_ref())))
            .collect()
    });
    let options = FixOptions {
        keep_in_raises: settings.keep_in_raises,
    };
    let flagged: Vec<Result<FileFlags, String>> = pool.install(|| {
        files
            .par_iter()
            .filter(|c| c.kind == FileKind::Python)
            .filter_map(|c| {
                let diagnostics = loaded.by_file.get(&c.absolute)?;
                let shown = crate::paths::display(&c.path);
                let flags = match read_source(&c.path) {
                    Err(e) => Err(SkipReason::Read(e)),
                    Ok(source) if is_binary(&source) => Err(SkipReason::Binary),
                    Ok(source) => {
                        let module = job.module_of(&c.absolute);
                        flag_file(&source, module.as_ref(), &shown, diagnostics, options)
                            .map_err(SkipReason::Source)
                    }
                };
                Some(flags.map_err(|why| format!("{shown}: {why}")))
            })
            .collect()
    });
    let mut flags = Vec::new();
    for f in flagged {
        match f {
            Ok(f) => flags.push(f),
            Err(why) => messages::error(format_args!("{why}")),
        }
    }
    let report = group(&flags, &surveys, &settings.rules);
    let checker = match &settings.type_check {
        Some(TypeCheck::Run(c)) => Some(c.name().to_string()),
        _ => loaded
            .by_file
            .values()
            .flatten()
            .next()
            .map(|d| d.checker.name().to_string()),
    };
    let read = Read {
        checker,
        files_scanned: files.len(),
        other_diagnostics: loaded.other,
        outside: loaded.outside,
    };
    let text = match format {
        SuggestFormat::Text => {
            let target = super::suggest::config_target(settings, config_has_functions);
            proven_render::render_text(&report, &target)
        }
        SuggestFormat::Json => proven_render::render_json(&report, &read),
    };
    write_stdout(text.as_bytes())?;
    if !settings.quiet {
        messages::line(proven_render::summary(&report, &read));
    }
    Ok(if messages::errored() {
        exit::ERROR
    } else {
        exit::OK
    })
}
