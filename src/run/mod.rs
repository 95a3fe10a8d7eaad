//! Driving a run: the command line to an exit status.
//!
//! A batch run reads every discovered file once in a parallel first pass (the
//! prefilter decides which files are worth parsing, and the few files that may define
//! a rule's function are indexed; the rest of the project, when the paths named are
//! only part of it, is read for the index alone), then processes the wanted files in
//! chunks: workers
//! run each file's pipeline (`file`) and render its output, and the reporter prints
//! the results in path order. Chunks bound memory; order makes the output
//! deterministic. `stdin`, `interactive` and `suggest` are the other drivers; all of
//! them use the same per-file pipeline.

pub mod file;
pub mod interactive;
pub mod job;
pub mod progress;
mod renames;
pub mod reporter;
pub mod stdin;
mod suggest;
mod suggest_checked;
pub mod typecheck;

use std::io::{self, IsTerminal};

use rayon::prelude::*;

use crate::files::discover::{self, Candidate};
use crate::files::project::{self, Project};
use crate::files::sink::write_stdout;
use crate::fix::index::{Known, ProjectIndex};
use crate::fix::rules::RuleKind;
use crate::report::Status;
use crate::setup::cli::{self, Cli};
use crate::setup::settings::{Mode, Settings};
use crate::{exit, interrupt, messages};
use file::Wanted;
use job::Job;
use progress::Progress;
use reporter::Reporter;

/// Files processed between two flushes of ordered output; bounds memory.
const CHUNK: usize = 1024;

/// Run a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    messages::reset();
    if let cli::Command::Completions { shell } = cli.command {
        let mut command = cli::command();
        let mut out = io::stdout().lock();
        clap_complete::generate(shell, &mut command, "unawait", &mut out);
        return exit::OK;
    }
    if let cli::Command::Check { schema: true, .. } = cli.command {
        return match write_stdout(crate::render::json::SCHEMA.as_bytes()) {
            Ok(()) => exit::OK,
            Err(e) => {
                messages::error(format_args!("error: {e:#}"));
                exit::ERROR
            }
        };
    }
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            messages::error(format_args!(
                "error: cannot read the current folder: {}",
                crate::messages::io_reason(&e)
            ));
            return exit::ERROR;
        }
    };
    let settings = match Settings::resolve(cli.command, &cwd, io::stdout().is_terminal()) {
        Ok(s) => s,
        Err(e) => {
            messages::error(format_args!("error: {e:#}"));
            return exit::ERROR;
        }
    };
    match run_with(&settings) {
        Ok(code) => code,
        Err(e) => {
            messages::error(format_args!("error: {e:#}"));
            exit::ERROR
        }
    }
}

/// Run with resolved settings; returns the exit status.
pub fn run_with(settings: &Settings) -> anyhow::Result<u8> {
    if let Some(shown) = &settings.show {
        let text = crate::render::settings::render(shown);
        write_stdout(text.as_bytes())?;
        return Ok(exit::OK);
    }
    if let Some(input) = &settings.stdin {
        return stdin::run(settings, input);
    }
    let found = discover::find(settings);
    let walk_errors = &found.errors;
    for e in walk_errors {
        messages::error(e);
    }
    if found.files.is_empty() && walk_errors.is_empty() {
        let paths: Vec<String> = settings
            .paths
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect();
        let (kinds, docs) = if settings.docs {
            ("Python files, notebooks or docs", "")
        } else {
            (
                "Python files or notebooks",
                "; Markdown and reST files need --docs",
            )
        };
        messages::warning(format_args!(
            "no {kinds} found in {} (after excludes and .gitignore{docs})",
            paths.join(", ")
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()?;
    let mut job = Job::new(settings);
    let files = &found.files;
    match settings.mode {
        Mode::Suggest { .. } if settings.type_check.is_some() => {
            let project = project::around(settings, &found);
            suggest_checked::run(files, &project, &job, settings, &pool)
        }
        Mode::Suggest { .. } => suggest::run(files, &job, settings, &pool),
        _ => {
            let project = project::around(settings, &found);
            for root in &project.roots {
                job.roots.add_project(root);
            }
            job.checked = typecheck::load(settings, &project, files)?;
            batch(files, &project, &mut job, settings, &pool)
        }
    }
}

/// `diff`, `fix`, `patch` and `check` over discovered files, in their project.
fn batch(
    files: &[Candidate],
    project: &Project,
    job: &mut Job<'_>,
    settings: &Settings,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<u8> {
    // First pass: read every file once; index the few that define a rule's function,
    // and keep only the files worth parsing. The project's other files are read for
    // the index only: they are never parsed unless they may define or re-export a
    // rule's function, and never reported.
    let progress = Progress::start(settings, "reading", files.len() + project.others.len());
    let look = |c: &Candidate, own: bool| {
        let look = if own {
            file::first_look(c, job)
        } else {
            file::index_only(c, job)
        };
        progress.tick();
        look
    };
    let (mut looks, mut other_looks): (Vec<file::FirstLook>, Vec<file::FirstLook>) =
        pool.install(|| {
            rayon::join(
                || files.par_iter().map(|c| look(c, true)).collect(),
                || project.others.par_iter().map(|c| look(c, false)).collect(),
            )
        });
    let mut index = ProjectIndex::default();
    for look in other_looks.iter_mut().chain(looks.iter_mut()) {
        if let Some(module) = &look.module {
            index.add(module, look.entries.take().unwrap_or_default());
        }
    }
    // Functions re-exported under other names: the filters learn them, and what they
    // passed over is read again.
    renames::widen(
        job,
        &mut index,
        &mut [
            renames::Looks {
                files: &project.others,
                looks: &mut other_looks,
                own: false,
            },
            renames::Looks {
                files,
                looks: &mut looks,
                own: true,
            },
        ],
        pool,
    );
    let job: &Job<'_> = job;
    let mut out = Reporter::open(settings, job.format.as_deref())?;
    let mut wanted = Vec::new();
    for (candidate, look) in files.iter().zip(looks) {
        if look.wanted {
            wanted.push(Wanted {
                candidate: candidate.clone(),
                module: look.module,
                binary: look.binary,
            });
        }
    }
    // Files that cannot hold a match count as scanned and unchanged.
    out.passed_over(files.len() - wanted.len());

    if let Mode::Fix {
        interactive: true, ..
    } = settings.mode
    {
        drop(progress);
        interactive::review(&wanted, job, settings, &index, &mut out)?;
        return out.finish();
    }
    progress.phase("checking", wanted.len());
    for chunk in wanted.chunks(CHUNK) {
        if interrupt::interrupted() {
            break;
        }
        let reports: Vec<_> = pool.install(|| {
            chunk
                .par_iter()
                .map(|w| {
                    let done = file::process(job, w, &index);
                    progress.tick();
                    done
                })
                .collect()
        });
        for (report, rendered) in reports {
            if matches!(report.status, Status::Interrupted) {
                continue;
            }
            progress.suspend(|| out.report(&report, &rendered))?;
        }
    }
    drop(progress);
    // A skipped file may hold the match.
    if !interrupt::interrupted() && !out.skipped_any() && !files.is_empty() {
        warn_of_unmatched_rules(settings, &index, &out);
    }
    out.finish()
}

/// A function rule that matched no await and names nothing the project defines is
/// most likely misspelt (`-f get_clinet`): say so, and with `--strict` fail the run.
/// Method rules name methods of any class, which the index does not record.
fn warn_of_unmatched_rules(settings: &Settings, index: &ProjectIndex, out: &Reporter<'_>) {
    for rule in settings.rules.iter() {
        if !matches!(rule.kind, RuleKind::Function(_)) || out.matched(rule.name()) {
            continue;
        }
        let why = match index.knows(rule.name()) {
            Known::Defined => continue,
            Known::NotDefined if rule.is_qualified() => {
                let module = rule.name().rsplit_once('.').map_or("", |(m, _)| m);
                format!("`{module}` defines no `{}`", rule.last())
            }
            Known::NotDefined => "no module of the project defines it (misspelt?)".to_string(),
            Known::NoModule(module) => format!("module `{module}` is not in the tree"),
        };
        let message = format!("rule `{}` matched no await, and {why}", rule.name());
        if settings.strict {
            messages::error(format_args!("error: {message}"));
        } else {
            messages::warning(message);
        }
    }
}
