//! Where reports go, in path order: problems, kept awaits and the awaits left on a
//! rule's name (the first [`LEFT_LINES`] of them, all with `-v`) to stderr (through
//! `messages`), each file's rendered part to the sink, counts to the summary; and, at
//! the end, what was written where (changed files with `--show-fixes`, backups, the
//! patch file), the summary and the exit status.

use std::collections::HashSet;
use std::io;
use std::path::PathBuf;

use crate::files::sink::Sink;
use crate::fix::matcher::Action;
use crate::python::mentions::Where;
use crate::render::finding::{kept_call, left_call};
use crate::render::summary::{self as lines, Summary};
use crate::render::Format;
use crate::report::{FileReport, Status};
use crate::setup::cli::OutputFormat;
use crate::setup::settings::{Mode, Settings};
use crate::{exit, interrupt, messages};

/// How many awaits left on a rule's name stderr lists without `-v`: a broad rule can
/// leave thousands; the count and the machine-readable outputs are always complete.
pub const LEFT_LINES: usize = 20;

/// When the run exits with status 1 rather than 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FoundWhen {
    /// `check`: an await to fix was found.
    Findings,
    /// `diff --exit-code`, `fix --exit-non-zero-on-fix`: a file changed (or would).
    Changes,
    Never,
}

pub struct Reporter<'f> {
    sink: Sink,
    format: Option<&'f dyn Format>,
    summary: Summary,
    quiet: bool,
    fixing: bool,
    found_when: FoundWhen,
    /// `fix --show-fixes`: the changed files, as shown, with their number of fixes.
    show_fixes: Option<Vec<(String, usize)>>,
    /// `fix --backup`: the suffix, and the backups made so far.
    backups: Option<(String, Vec<PathBuf>)>,
    /// Backups beside a link's target are named relative to this when inside it.
    cwd: PathBuf,
    /// `patch -o FILE`: FILE as given.
    patch_output: Option<PathBuf>,
    /// A file part was written: the next needs the format's separator.
    wrote_part: bool,
    /// stdout was closed by the reader (`| head`): write nothing more.
    stdout_closed: bool,
    /// The rules (as findings name them) that matched an await, whatever was done.
    matched: HashSet<String>,
    /// `-v`: list every left await on stderr.
    verbose: bool,
    /// `check` as text lists the left awaits on stdout: stderr needs no copy.
    left_on_stdout: bool,
    /// Left awaits listed on stderr so far.
    left_listed: usize,
}

impl<'f> Reporter<'f> {
    /// Open the output and write the format's opening.
    pub fn open(settings: &Settings, format: Option<&'f dyn Format>) -> anyhow::Result<Self> {
        let mut out = Reporter {
            sink: Sink::open(&settings.mode, &settings.cwd)?,
            format,
            summary: Summary::default(),
            quiet: settings.quiet,
            verbose: settings.verbose,
            left_on_stdout: matches!(
                settings.mode,
                Mode::Check {
                    format: OutputFormat::Text
                }
            ),
            left_listed: 0,
            fixing: matches!(settings.mode, Mode::Fix { .. }),
            found_when: match settings.mode {
                Mode::Check { .. } => FoundWhen::Findings,
                Mode::Diff { exit_code: true }
                | Mode::Fix {
                    exit_non_zero_on_fix: true,
                    ..
                } => FoundWhen::Changes,
                _ => FoundWhen::Never,
            },
            show_fixes: match settings.mode {
                Mode::Fix {
                    show_fixes: true, ..
                } => Some(Vec::new()),
                _ => None,
            },
            backups: match &settings.mode {
                Mode::Fix {
                    backup: Some(suffix),
                    ..
                } => Some((suffix.clone(), Vec::new())),
                _ => None,
            },
            cwd: settings.cwd.clone(),
            patch_output: match &settings.mode {
                Mode::Patch { output } if output.as_os_str() != "-" => Some(output.clone()),
                _ => None,
            },
            wrote_part: false,
            stdout_closed: false,
            matched: HashSet::new(),
        };
        if let Some(format) = out.format {
            out.write(&format.begin())?;
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
                crate::messages::io_reason(&e)
            )),
        }
    }

    /// Count files that were read but could not hold a match.
    pub fn passed_over(&mut self, files: usize) {
        self.summary.add_passed_over(files);
    }

    /// Print what one file's report says, with its rendered part, and count it.
    pub fn report(&mut self, report: &FileReport, rendered: &[u8]) -> anyhow::Result<()> {
        self.summary.add(report);
        // An await left on a rule's name is not a match of the rule.
        for f in report
            .findings
            .iter()
            .filter(|f| !matches!(f.finding.action, Action::Left(_)))
        {
            if !self.matched.contains(&f.finding.function) {
                self.matched.insert(f.finding.function.clone());
            }
        }
        if let (Some(fixed), Status::Changed) = (&mut self.show_fixes, &report.status) {
            fixed.push((report.display.clone(), report.fixed_count()));
        }
        if let (Some((_, made)), Some(backup)) = (&mut self.backups, &report.backup) {
            // A link's target is absolute: shorter, and as good, from the current folder.
            let shown = backup.strip_prefix(&self.cwd).unwrap_or(backup);
            made.push(shown.to_path_buf());
        }
        if let Status::Skipped(why) = &report.status {
            messages::error(format_args!("{}: {why}", report.display));
        }
        for note in &report.notes {
            messages::error(format_args!("{}: {note}", report.display));
        }
        if !self.quiet {
            for f in &report.findings {
                match &f.finding.action {
                    Action::Kept(why) => messages::line(format_args!(
                        "{}:{}:{}: kept {}: {}",
                        report.display,
                        f.line,
                        f.col,
                        kept_call(f),
                        why.describe()
                    )),
                    Action::Left(why) if !self.left_on_stdout => {
                        if self.verbose || self.left_listed < LEFT_LINES {
                            messages::line(format_args!(
                                "{}:{}:{}: left {}: {}",
                                report.display,
                                f.line,
                                f.col,
                                left_call(f),
                                why.describe()
                            ));
                        }
                        self.left_listed += 1;
                    }
                    _ => {}
                }
            }
            if self.verbose {
                for m in &report.mentions {
                    let place = match m.place {
                        Where::Comment => "a comment",
                        Where::String => "a string",
                        Where::Docstring => "a docstring",
                    };
                    messages::line(format_args!(
                        "{}:{}:{}: `{}(` mentioned in {place}, which is text, not code",
                        report.display, m.line, m.col, m.name
                    ));
                }
            }
        }
        if rendered.is_empty() {
            return Ok(());
        }
        if self.wrote_part {
            let separator = self.format.map_or(&b""[..], |f| f.separator());
            self.write(separator)?;
        }
        self.wrote_part = true;
        self.write(rendered)
    }

    /// Close the output, print the summary, and return the exit status.
    /// Was a file skipped (it may hold what a rule would match)?
    pub fn skipped_any(&self) -> bool {
        self.summary.skipped > 0
    }

    /// Did the rule named `name` match an await in a file reported so far?
    pub fn matched(&self, name: &str) -> bool {
        self.matched.contains(name)
    }

    pub fn finish(mut self) -> anyhow::Result<u8> {
        if interrupt::interrupted() {
            // Dropping the sink removes a half-written patch file.
            drop(self.sink);
            // Files written before the interrupt stay written: say which.
            say_what_was_written(&self.show_fixes, &self.backups, self.quiet);
            messages::line(interrupt::MESSAGE);
            return Ok(interrupt::EXIT);
        }
        if let Some(format) = self.format {
            let closing = format.finish(&self.summary);
            self.write(&closing)?;
        }
        self.sink.finish()?;
        say_what_was_written(&self.show_fixes, &self.backups, self.quiet);
        if !self.quiet {
            if let Some(output) = &self.patch_output {
                messages::line(lines::patch_written(output, self.summary.changed));
            }
            if self.left_listed > LEFT_LINES && !self.verbose {
                messages::line(format_args!(
                    "unawait: {} more awaits left unchanged are not listed; `-v` lists them all",
                    self.left_listed - LEFT_LINES
                ));
            }
            messages::line(self.summary.render(self.fixing));
        }
        let found = match self.found_when {
            FoundWhen::Findings => self.summary.findings > 0,
            FoundWhen::Changes => self.summary.changed > 0,
            FoundWhen::Never => false,
        };
        Ok(if messages::errored() {
            exit::ERROR
        } else if found {
            exit::FOUND
        } else {
            exit::OK
        })
    }
}

/// What `fix` wrote: each changed file (`--show-fixes`, even with `-q`, since it was
/// asked for), then where the backups are.
fn say_what_was_written(
    show_fixes: &Option<Vec<(String, usize)>>,
    backups: &Option<(String, Vec<PathBuf>)>,
    quiet: bool,
) {
    for (display, fixes) in show_fixes.iter().flatten() {
        messages::line(lines::fixed_in(display, *fixes));
    }
    if let Some((suffix, made)) = backups {
        if !made.is_empty() && !quiet {
            messages::line(lines::backups_kept(suffix, made));
        }
    }
}
