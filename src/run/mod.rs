//! Driving a run: the batch driver over discovered files, stdin, interactive review
//! and `suggest`, and the reporter that prints results in order.

pub mod file;
pub mod interactive;
pub mod progress;
pub mod stdin;
pub mod suggest;

use std::io::{self, IsTerminal, Write};

use rayon::prelude::*;

use crate::exit;
use crate::files::{discover, sink};
use crate::fix::{index, matcher, prefilter};
use crate::render::{self, summary};
use crate::run::file::Status;
use crate::setup::cli::{self, Cli};
use crate::setup::settings::{Mode, Settings};
use crate::{interrupt, run::file as process};

/// Files processed between two flushes of ordered output; bounds memory.
const CHUNK: usize = 1024;

/// Run a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    if let cli::Command::Completions { shell } = cli.command {
        let mut command = <Cli as clap::CommandFactory>::command();
        let mut out = io::stdout().lock();
        clap_complete::generate(shell, &mut command, "unawait", &mut out);
        return exit::OK;
    }
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "unawait: error: cannot read the current folder: {}",
                crate::files::read::io_reason(&e)
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
    if let Some(input) = &settings.stdin {
        return stdin::run(settings, input);
    }
    let (files, walk_errors) = discover::discover(settings);
    let had_error = !walk_errors.is_empty();
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
        out.write_all(text.as_bytes())
            .or_else(crate::files::sink::ignore_broken_pipe)?;
        out.flush()
            .or_else(crate::files::sink::ignore_broken_pipe)?;
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
    let mut out = Output::open(settings)?;
    out.had_error = had_error;

    // First pass: read every file once; index the few that define a rule's function,
    // and keep only the files worth parsing.
    let progress = progress::Progress::start(settings, "reading", files.len());
    let filter = index::IndexFilter::new(&settings.rules.needles());
    let looks: Vec<process::FirstLook> = pool.install(|| {
        files
            .par_iter()
            .map(|c| {
                let look = process::first_look(c, settings, &prefilter, &filter);
                progress.tick();
                look
            })
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
    out.summary.scanned = files.len() - wanted.len();

    if let Mode::Fix {
        interactive: true, ..
    } = settings.mode
    {
        drop(progress);
        interactive::review(&wanted, settings, &prefilter, &project, &mut out)?;
        return out.finish();
    }
    progress.phase("checking", wanted.len());
    for chunk in wanted.chunks(CHUNK) {
        if interrupt::interrupted() {
            break;
        }
        let reports: Vec<process::FileReport> = pool.install(|| {
            chunk
                .par_iter()
                .map(|c| {
                    let report = process::process(c, settings, &prefilter, &project);
                    progress.tick();
                    report
                })
                .collect()
        });
        for report in reports {
            if matches!(&report.status, Status::Skipped(why) if why == interrupt::SKIPPED) {
                continue;
            }
            progress.suspend(|| out.report(report))?;
        }
    }
    drop(progress);
    out.finish()
}

/// Where reports go, in order: notes and kept awaits to stderr, the main output to the
/// sink, counts to the summary; and the exit status at the end.
pub struct Output<'s> {
    settings: &'s Settings,
    sink: sink::Sink,
    check: Option<render::check::CheckRenderer>,
    pub summary: summary::Summary,
    pub had_error: bool,
    stdout_closed: bool,
}

impl<'s> Output<'s> {
    pub fn open(settings: &'s Settings) -> anyhow::Result<Self> {
        let mut out = Output {
            settings,
            sink: sink::Sink::open(settings)?,
            check: match settings.mode {
                Mode::Check { format } => Some(render::check::CheckRenderer::new(
                    format,
                    settings.diff_base.clone(),
                )),
                _ => None,
            },
            summary: summary::Summary::default(),
            had_error: false,
            stdout_closed: false,
        };
        if let Some(check) = &mut out.check {
            let opening = check.begin();
            out.write(&opening)?;
        }
        Ok(out)
    }

    fn write(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        if bytes.is_empty() || self.stdout_closed {
            return Ok(());
        }
        match self.sink.write(bytes) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.stdout_closed = true;
                Ok(())
            }
            Err(e) => Err(anyhow::anyhow!(
                "cannot write output: {}",
                crate::files::read::io_reason(&e)
            )),
        }
    }

    /// Print what one file's report says, and count it.
    pub fn report(&mut self, mut report: process::FileReport) -> anyhow::Result<()> {
        self.summary.add(&report);
        let stderr = io::stderr();
        let mut err = stderr.lock();
        if let Status::Skipped(why) = &report.status {
            self.had_error = true;
            let _ = writeln!(err, "unawait: {}: {why}", report.display);
        }
        for note in &report.notes {
            self.had_error = true;
            let _ = writeln!(err, "unawait: {}: {note}", report.display);
        }
        if !self.settings.quiet {
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
        if let Some(check) = &mut self.check {
            let mut lines = std::mem::take(&mut report.stdout);
            check.file(&report, &mut lines);
            report.stdout = lines;
        }
        self.write(&report.stdout)
    }

    /// Close the output, print the summary, and return the exit status.
    pub fn finish(mut self) -> anyhow::Result<u8> {
        let stderr = io::stderr();
        if interrupt::interrupted() {
            // Dropping the sink removes a half-written patch file.
            drop(self.sink);
            let _ = writeln!(stderr.lock(), "{}", interrupt::MESSAGE);
            return Ok(interrupt::EXIT);
        }
        if let Some(mut check) = self.check.take() {
            let closing = check.finish(&self.summary);
            self.write(&closing)?;
        }
        self.sink.finish()?;
        let settings = self.settings;
        if !settings.quiet {
            let _ = writeln!(stderr.lock(), "{}", self.summary.render(&settings.mode));
        }
        Ok(if self.had_error {
            exit::ERROR
        } else {
            match settings.mode {
                Mode::Check { .. } if self.summary.findings > 0 => exit::FOUND,
                Mode::Diff { exit_code: true } if self.summary.changed > 0 => exit::FOUND,
                _ => exit::OK,
            }
        })
    }
}
