//! unawait: remove `await` from calls to synchronous functions in Python code.
//!
//! The data flow: discover files → read bytes → prefilter → parse → find matches →
//! edits → verify (re-parse) → render or write → summary and exit status. `run` ties
//! the steps together; each lives in its own module.

pub mod cli;
pub mod config;
pub mod discover;
pub mod edit;
pub mod embedded;
pub mod fixer;
pub mod index;
pub mod lines;
pub mod matcher;
pub mod modules;
pub mod parse;
pub mod paths;
pub mod prefilter;
pub mod process;
pub mod render;
pub mod rules;
pub mod scope;
pub mod settings;
pub mod sink;
pub mod suggest;
pub mod summary;
pub mod twin;
pub mod write;

use std::io::{self, IsTerminal, Write};

use rayon::prelude::*;

use crate::cli::{Cli, OutputFormat};
use crate::process::Status;
use crate::settings::{Mode, Settings};

/// Exit statuses, as SPEC "Output" defines them.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FOUND: u8 = 1;
    pub const ERROR: u8 = 2;
}

/// Files processed between two flushes of ordered output; bounds memory.
const CHUNK: usize = 1024;

pub(crate) fn ignore_broken_pipe(e: io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e)
    }
}

/// Run a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "unawait: error: cannot read the current folder: {}",
                process::io_reason(&e)
            );
            return exit::ERROR;
        }
    };
    let settings = match Settings::resolve(cli.command, &cwd, io::stdout().is_terminal()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("unawait: error: {e:#}");
            return exit::ERROR;
        }
    };
    match run_with(&settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("unawait: error: {e:#}");
            exit::ERROR
        }
    }
}

/// Run with resolved settings; returns the exit status.
pub fn run_with(settings: &Settings) -> anyhow::Result<u8> {
    let (files, walk_errors) = discover::discover(settings);
    let mut had_error = !walk_errors.is_empty();
    let stderr = io::stderr();
    for e in &walk_errors {
        let _ = writeln!(stderr.lock(), "unawait: {e}");
    }
    let prefilter = prefilter::Prefilter::new(&settings.rules);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()?;
    if let Mode::Suggest { format } = settings.mode {
        let suggestions = suggest::suggest(&files, settings, &pool);
        let text = match format {
            cli::SuggestFormat::Text => suggest::render_text(&suggestions),
            cli::SuggestFormat::Json => suggest::render_json(&suggestions),
        };
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes()).or_else(ignore_broken_pipe)?;
        out.flush().or_else(ignore_broken_pipe)?;
        if !settings.quiet {
            let high = suggestions
                .iter()
                .filter(|s| s.confidence == "high")
                .count();
            let _ = writeln!(
                stderr.lock(),
                "unawait: {} files scanned; {} awaited synchronous functions ({high} high confidence)",
                files.len(),
                suggestions.len()
            );
        }
        return Ok(if had_error { exit::ERROR } else { exit::OK });
    }
    let mut sink = sink::Sink::open(settings)?;
    let mut summary = summary::Summary::default();
    let mut stdout_closed = false;

    // First pass: read every file once; index the few that define a rule's function,
    // and keep only the files worth parsing.
    let filter = index::IndexFilter::new(&settings.rules.needles());
    let looks: Vec<process::FirstLook> = pool.install(|| {
        files
            .par_iter()
            .map(|c| process::first_look(c, settings, &prefilter, &filter))
            .collect()
    });
    let mut project = index::ProjectIndex::default();
    let mut wanted = Vec::new();
    for (candidate, look) in files.iter().zip(looks) {
        if let Some((module, entries)) = look.entries {
            project.merge(module, entries);
        }
        if look.wanted {
            wanted.push(candidate.clone());
        }
    }
    // Files that cannot hold a match count as scanned and unchanged.
    summary.scanned = files.len() - wanted.len();

    for chunk in wanted.chunks(CHUNK) {
        let reports: Vec<process::FileReport> = pool.install(|| {
            chunk
                .par_iter()
                .map(|c| process::process(c, settings, &prefilter, &project))
                .collect()
        });
        for mut report in reports {
            summary.add(&report);
            let mut err = stderr.lock();
            if let Status::Skipped(why) = &report.status {
                had_error = true;
                let _ = writeln!(err, "unawait: {}: {why}", report.display);
            }
            for note in &report.notes {
                had_error = true;
                let _ = writeln!(err, "unawait: {}: {note}", report.display);
            }
            if !settings.quiet {
                for f in &report.findings {
                    if let matcher::Action::Kept(why) = &f.finding.action {
                        let _ = writeln!(
                            err,
                            "{}:{}:{}: kept `{}`: {}",
                            report.display,
                            f.line,
                            f.col,
                            f.finding.function,
                            why.describe()
                        );
                    }
                }
            }
            drop(err);
            if let Mode::Check {
                format: OutputFormat::Text,
            } = settings.mode
            {
                render::check::text(&report.display, &report.findings, &mut report.stdout);
            }
            if !report.stdout.is_empty() && !stdout_closed {
                if let Err(e) = sink.write(&report.stdout) {
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        stdout_closed = true;
                    } else {
                        return Err(anyhow::anyhow!(
                            "cannot write output: {}",
                            process::io_reason(&e)
                        ));
                    }
                }
            }
        }
    }
    sink.finish()?;
    if !settings.quiet {
        let _ = writeln!(stderr.lock(), "{}", summary.render(&settings.mode));
    }
    let code = if had_error {
        exit::ERROR
    } else {
        match settings.mode {
            Mode::Check { .. } if summary.findings > 0 => exit::FOUND,
            Mode::Diff { exit_code: true } if summary.changed > 0 => exit::FOUND,
            _ => exit::OK,
        }
    };
    Ok(code)
}
