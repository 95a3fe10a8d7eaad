//! Driving `suggest`: which synchronous functions of the tree are awaited.
//!
//! One parallel pass reads every file once and keeps only what its bytes say: its
//! `def`s, its imports and its awaited calls (`fix::survey_filter`). From those alone
//! the files with an await that may reach a function of the tree are chosen and
//! parsed; then, round by round, the modules their callees resolve through (re-exports,
//! definitions, what those return, the bases of the classes they make). Nothing else is
//! parsed, and no file's text is kept past its look.

use rayon::prelude::*;

use super::file;
use super::job::Job;
use crate::files::discover::Candidate;
use crate::files::sink::write_stdout;
use crate::fix::suggest::{suggestions, survey_selected};
use crate::render::suggest as render;
use crate::setup::cli::SuggestFormat;
use crate::setup::settings::{Mode, Settings};
use crate::{exit, messages};

pub fn run(
    files: &[Candidate],
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
    let first: Vec<file::SuggestLook> = pool.install(|| {
        files
            .par_iter()
            .map(|c| file::suggest_look(c, job))
            .collect()
    });
    // A file that cannot be read is named, as every command names it.
    for (c, l) in files.iter().zip(&first) {
        if let Some(why) = &l.skipped {
            messages::error(format_args!("{}: {why}", crate::paths::display(&c.path)));
        }
    }
    let (modules, looks): (Vec<_>, Vec<_>) = first.into_iter().map(|l| (l.module, l.look)).unzip();
    let surveys = pool.install(|| {
        survey_selected(
            &modules,
            looks,
            |i| file::survey(&files[i], modules[i].as_ref()),
            &settings.rules,
        )
    });
    for (i, survey) in &surveys {
        if let Some((line, col)) = survey.syntax_error() {
            messages::warning(format_args!(
                "{}: syntax error at {line}:{col}; not surveyed",
                crate::paths::display(&files[*i].path)
            ));
        }
    }
    let parsed = surveys.iter().filter(|(_, s)| s.parsed()).count();
    let found = suggestions(&surveys, &settings.rules);
    let text = match format {
        SuggestFormat::Text => {
            let target = config_target(settings, config_has_functions);
            render::render_text(&found, &target)
        }
        SuggestFormat::Json => render::render_json(&found, files.len()),
    };
    write_stdout(text.as_bytes())?;
    if !settings.quiet {
        messages::line(render::summary(&found, files.len(), parsed));
    }
    Ok(if messages::errored() {
        exit::ERROR
    } else {
        exit::OK
    })
}

/// Where the suggested rules go: a new `[tool.unawait]` table, or the configuration file
/// the run read (shown relative to the current folder).
pub(super) fn config_target(settings: &Settings, has_functions: bool) -> render::Target {
    match &settings.config_path {
        None => render::Target::NewTable,
        Some(path) => render::Target::File {
            shown: String::from_utf8_lossy(&crate::paths::relative_bytes(&settings.cwd, path))
                .into_owned(),
            has_functions,
        },
    }
}
