//! `fix --interactive`: show each change with its context and ask before making it.
//!
//! Files are taken one at a time, in the usual order. Each `await` removal is its own
//! change; a file's async-twin renames and the import they need are one change, since
//! one without the other would break the file. Answers, one per line on stdin: `y`
//! (make it), `n` (skip it), `a` (make it and every later change without asking), `q`
//! (stop; changes already accepted in this file are still written). End of input counts
//! as `q`. The files after a stop are still read, so that the summary counts them and
//! the end says how many changes were never asked about. Accepted changes are written
//! atomically as in plain `fix`, after the same re-parse check.

use std::io::{self, BufRead, Write};

use super::file::{self, Examined, Wanted};
use super::job::Job;
use super::reporter::Reporter;
use crate::embedded::Check;
use crate::files::read::read_source;
use crate::files::write;
use crate::fix::edit::{self, Edit};
use crate::fix::engine::all_edits;
use crate::fix::index::ProjectIndex;
use crate::fix::matcher::Action;
use crate::messages;
use crate::render::diff::{self, Palette};
use crate::report::{FileReport, SkipReason, Status};
use crate::setup::settings::Settings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    All,
    Quit,
}

/// One change offered for review: its edits and what it is.
struct Change {
    edits: Vec<Edit>,
    /// Indexes into the report's findings that this change fixes.
    findings: Vec<usize>,
    title: String,
}

/// Split a file's findings into changes: one per removed `await`, plus one for all
/// the async twins (a twin's import edit may serve several renames, so they go
/// together).
fn changes(report: &FileReport) -> Vec<Change> {
    let mut out = Vec::new();
    let mut twins = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        match &f.finding.action {
            Action::RemoveAwait => out.push(Change {
                edits: f.finding.fix.clone(),
                findings: vec![i],
                title: format!(
                    "{}:{}:{}: remove `await` on `{}()`",
                    report.display, f.line, f.col, f.finding.function
                ),
            }),
            Action::ReplaceWith(_) => twins.push(i),
            Action::Kept(_) | Action::Left(_) => {}
        }
    }
    if let Some(&first) = twins.first() {
        let f = &report.findings[first];
        out.push(Change {
            edits: all_edits(twins.iter().map(|&i| &report.findings[i].finding)),
            title: format!(
                "{}:{}:{}: call the async twins ({} awaits) and import them",
                report.display,
                f.line,
                f.col,
                twins.len()
            ),
            findings: twins,
        });
    }
    out
}

struct Prompter<R> {
    input: R,
    all: bool,
    /// The input ended (the last answer was taken as `q`).
    ended: bool,
}

impl<R: BufRead> Prompter<R> {
    fn ask(&mut self, out: &mut impl Write) -> io::Result<Answer> {
        if self.all {
            return Ok(Answer::Yes);
        }
        loop {
            write!(out, "Apply this change? [y]es, [n]o, [a]ll, [q]uit: ")?;
            out.flush()?;
            let mut line = String::new();
            if self.input.read_line(&mut line)? == 0 {
                writeln!(out)?;
                self.ended = true;
                return Ok(Answer::Quit);
            }
            match line.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return Ok(Answer::Yes),
                "n" | "no" => return Ok(Answer::No),
                "a" | "all" => {
                    self.all = true;
                    return Ok(Answer::All);
                }
                "q" | "quit" => return Ok(Answer::Quit),
                _ => writeln!(out, "Please answer y, n, a or q.")?,
            }
        }
    }
}

/// Review the changes of `wanted` files one by one; reports go to `out`.
pub fn review(
    wanted: &[Wanted],
    job: &Job<'_>,
    settings: &Settings,
    index: &ProjectIndex,
    out: &mut Reporter<'_>,
) -> anyhow::Result<()> {
    let stdin = io::stdin();
    let mut prompter = Prompter {
        input: stdin.lock(),
        all: false,
        ended: false,
    };
    let backup = job.write.as_ref().and_then(|w| w.backup.clone());
    let palette = if settings.color {
        Palette::ansi()
    } else {
        Palette::plain()
    };
    let mut declined = 0;
    // After `q`, the changes still to come: counted, not asked about.
    let mut never_asked = 0;
    let mut quit = false;
    for w in wanted {
        if crate::interrupt::interrupted() {
            break;
        }
        let candidate = &w.candidate;
        let mut report = FileReport::new(candidate.path.clone(), candidate.absolute.clone());
        let source = match read_source(&candidate.path) {
            Ok(s) => s,
            Err(e) => {
                report.status = Status::Skipped(SkipReason::Read(e));
                out.report(&report, &[])?;
                continue;
            }
        };
        let Examined {
            mut report,
            fixed,
            check,
        } = file::examine(
            job,
            report,
            &source,
            candidate.kind,
            w.module.as_ref(),
            index,
        );
        let (Some(_), Some(check)) = (fixed, check) else {
            out.report(&report, &[])?;
            continue;
        };
        let name = crate::paths::relative_bytes(&settings.diff_base, &candidate.absolute);
        let mut accepted: Vec<Edit> = Vec::new();
        let mut fixed: Vec<usize> = Vec::new();
        let mut stdout = io::stdout().lock();
        for change in changes(&report) {
            if quit {
                never_asked += 1;
                continue;
            }
            if !prompter.all {
                let preview = edit::apply(&source, &change.edits)?;
                writeln!(stdout, "{}", change.title)?;
                stdout.write_all(&diff::file_diff(&name, &source, &preview, &palette))?;
            }
            match prompter.ask(&mut stdout)? {
                Answer::Yes | Answer::All => {
                    accepted.extend(change.edits);
                    fixed.extend(change.findings);
                }
                Answer::No => declined += 1,
                Answer::Quit => {
                    declined += 1;
                    quit = true;
                }
            }
        }
        drop(stdout);
        // Keep the kept awaits (they are reported) and the accepted ones.
        let findings = std::mem::take(&mut report.findings);
        report.findings = findings
            .into_iter()
            .enumerate()
            .filter(|(i, f)| !f.finding.action.is_change() || fixed.contains(i))
            .map(|(_, f)| f)
            .collect();
        report.status = Status::Unchanged;
        if !accepted.is_empty() {
            accepted.sort();
            accepted.dedup();
            report.status = match write_accepted(
                &check,
                &candidate.path,
                &source,
                &accepted,
                backup.as_deref(),
            ) {
                Ok(made) => {
                    report.backup = made;
                    Status::Changed
                }
                Err(status) => status,
            };
        }
        if matches!(report.status, Status::Interrupted) {
            break;
        }
        out.report(&report, &[])?;
    }
    if (declined > 0 || never_asked > 0) && !settings.quiet {
        messages::info(not_made(declined, never_asked, prompter.ended));
    }
    Ok(())
}

/// The changes review did not make: `2 changes declined`, then, after a stop,
/// `, 5 never asked (stopped with q)`.
fn not_made(declined: usize, never_asked: usize, input_ended: bool) -> String {
    let s = if declined == 1 { "" } else { "s" };
    let mut line = format!("{declined} change{s} declined");
    if never_asked > 0 {
        let how = if input_ended {
            "the input ended"
        } else {
            "stopped with q"
        };
        line.push_str(&format!(", {never_asked} never asked ({how})"));
    }
    line
}

/// Make the accepted changes through the file's own apply-and-verify (the same check
/// `fix` makes: a re-parse for Python, a read-back of every piece for a notebook or a
/// document), then write atomically. Returns the backup made; the error is the
/// file's status.
fn write_accepted(
    check: &Check,
    path: &std::path::Path,
    source: &[u8],
    accepted: &[Edit],
    backup: Option<&str>,
) -> Result<Option<std::path::PathBuf>, Status> {
    let new = check
        .apply(source, accepted)
        .map_err(|e| Status::Skipped(SkipReason::Source(e)))?;
    write::write_atomically(path, source, &new, backup).map_err(file::write_failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::engine::SourceError;

    #[test]
    fn answers() {
        let mut p = Prompter {
            input: io::Cursor::new("maybe\ny\nno\na\n"),
            all: false,
            ended: false,
        };
        let mut sink = Vec::new();
        assert_eq!(p.ask(&mut sink).unwrap(), Answer::Yes);
        assert!(String::from_utf8_lossy(&sink).contains("Please answer"));
        assert_eq!(p.ask(&mut sink).unwrap(), Answer::No);
        assert_eq!(p.ask(&mut sink).unwrap(), Answer::All);
        // After `all`, nothing more is read.
        assert_eq!(p.ask(&mut sink).unwrap(), Answer::Yes);
        let mut q = Prompter {
            input: io::Cursor::new("q\n"),
            all: false,
            ended: false,
        };
        assert_eq!(q.ask(&mut sink).unwrap(), Answer::Quit);
        assert!(!q.ended);
        assert_eq!(q.ask(&mut sink).unwrap(), Answer::Quit);
        assert!(q.ended, "the end of input is a `q` too");
    }

    #[test]
    fn what_review_did_not_make() {
        assert_eq!(not_made(1, 0, false), "1 change declined");
        assert_eq!(not_made(2, 0, true), "2 changes declined");
        assert_eq!(
            not_made(3, 5, false),
            "3 changes declined, 5 never asked (stopped with q)"
        );
        assert_eq!(
            not_made(1, 1, true),
            "1 change declined, 1 never asked (the input ended)"
        );
    }

    use crate::embedded::fix_file;
    use crate::files::kind::FileKind;
    use crate::fix::matcher::{FileContext, FixOptions};
    use crate::fix::prefilter::Prefilter;
    use crate::fix::rules::RuleSet;

    const NOTEBOOK: &str = r#"{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
 "source": ["x = await get()\n"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
"#;
    const MARKDOWN: &str = "# Use\n\n```python\nx = await get()\n```\n";

    /// The file's fix, and a file at `dir` holding `file`.
    fn fixed(
        kind: FileKind,
        file: &str,
        dir: &tempfile::TempDir,
    ) -> (crate::embedded::FileFix, std::path::PathBuf) {
        let rules = RuleSet::new(&["get".into()], &[], &[]).unwrap();
        let fix = fix_file(
            kind,
            file.as_bytes(),
            &rules,
            FixOptions::default(),
            FileContext::default(),
            &Prefilter::new(&rules),
            false,
        )
        .unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, file).unwrap();
        (fix, path)
    }

    /// Accepted changes go through the file's own check: the whole fix is written as
    /// `fix` writes it, and a file edit that does not do what its piece's edit says (an
    /// edit one byte short) is refused by the read-back, leaving the file alone. Before
    /// the check was shared, interactive review re-parsed plain Python only and would
    /// have written the broken notebook or document.
    fn accepted_changes_are_read_back(kind: FileKind, file: &str) {
        let dir = tempfile::tempdir().unwrap();
        let (fix, path) = fixed(kind, file, &dir);
        let edits = all_edits(fix.findings.iter().map(|l| &l.finding));
        assert_eq!(edits.len(), 1, "{:?}", fix.findings);
        write_accepted(&fix.check, &path, file.as_bytes(), &edits, None).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), fix.output);

        std::fs::write(&path, file).unwrap();
        let Check::Pieces {
            kind,
            pieces,
            mut local,
        } = fix.check
        else {
            panic!("{kind:?} is checked piece by piece");
        };
        let short = Edit::delete(edits[0].range.start..edits[0].range.end - 1);
        local[0].0 = short.clone();
        let check = Check::Pieces {
            kind,
            pieces,
            local,
        };
        let err = write_accepted(&check, &path, file.as_bytes(), &[short], None).unwrap_err();
        assert!(
            matches!(&err, Status::Skipped(SkipReason::Source(SourceError::Internal(why))) if why.contains("does not read back")),
            "{err:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), file);
    }

    #[test]
    fn accepted_changes_in_a_notebook_are_read_back() {
        accepted_changes_are_read_back(FileKind::Notebook, NOTEBOOK);
    }

    #[test]
    fn accepted_changes_in_markdown_are_read_back() {
        accepted_changes_are_read_back(FileKind::Markdown, MARKDOWN);
    }
}
