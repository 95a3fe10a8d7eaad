//! The end-of-run counts: what was scanned, changed, kept and skipped; the line that
//! says so on stderr; and the lines before it that say what was written where (the
//! files `fix --show-fixes` changed, the backups, the patch file).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::fix::matcher::Action;
use crate::report::{FileReport, Status};

#[derive(Debug, Default)]
pub struct Summary {
    pub scanned: usize,
    pub parsed: usize,
    pub changed: usize,
    /// Awaits fixed (or to fix) in changed files.
    pub edits: usize,
    /// Awaits to fix, changed files or not.
    pub findings: usize,
    pub files_with_findings: usize,
    pub kept: BTreeMap<&'static str, usize>,
    /// Awaits on a rule's name left unchanged, by [`LeftReason::key`](crate::fix::left::LeftReason::key).
    pub left: BTreeMap<&'static str, usize>,
    /// Rules' calls mentioned in comments, strings and docstrings.
    pub mentions: usize,
    pub skipped: usize,
    /// Skipped files by [`SkipReason::key`](crate::report::SkipReason::key).
    pub skipped_by_reason: BTreeMap<&'static str, usize>,
    /// Every file problem (a skipped file, a note), with the file's absolute path.
    pub problems: Vec<(PathBuf, String)>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The command that removes backups stays on the line when the line is at most this
/// long; else it goes below, wrapped at [`COMMAND_WIDTH`].
const ONE_LINE: usize = 120;
const COMMAND_WIDTH: usize = 88;

impl Summary {
    /// Count one file's report.
    pub fn add(&mut self, report: &FileReport) {
        self.scanned += 1;
        self.parsed += usize::from(report.parsed);
        self.edits += report.fixed_count();
        match &report.status {
            Status::Changed => self.changed += 1,
            Status::Skipped(why) => {
                self.skipped += 1;
                *self.skipped_by_reason.entry(why.key()).or_default() += 1;
                self.problems
                    .push((report.absolute.clone(), why.to_string()));
            }
            Status::Unchanged | Status::Interrupted => {}
        }
        for note in &report.notes {
            self.problems.push((report.absolute.clone(), note.clone()));
        }
        let mut to_fix = 0;
        for f in &report.findings {
            match &f.finding.action {
                Action::Kept(why) => *self.kept.entry(why.key()).or_default() += 1,
                Action::Left(why) => *self.left.entry(why.key()).or_default() += 1,
                Action::RemoveAwait | Action::ReplaceWith(_) => to_fix += 1,
            }
        }
        self.findings += to_fix;
        self.mentions += report.mentions.len();
        self.files_with_findings += usize::from(to_fix > 0);
    }

    /// Awaits on a rule's name left unchanged.
    pub fn left_count(&self) -> usize {
        self.left.values().sum()
    }

    /// Count files that were read but could not hold a match: scanned, unchanged.
    pub fn add_passed_over(&mut self, files: usize) {
        self.scanned += files;
    }

    /// The summary line; `fixing` says whether files were written.
    pub fn render(&self, fixing: bool) -> String {
        let (verb, edits) = if fixing {
            ("changed", "fixed")
        } else {
            ("to change", "to fix")
        };
        let mut s = format!(
            "unawait: {} scanned ({} parsed); {} {verb}, {} {edits}",
            plural(self.scanned, "file", "files"),
            self.parsed,
            plural(self.changed, "file", "files"),
            plural(self.edits, "await", "awaits"),
        );
        let kept: usize = self.kept.values().sum();
        if kept > 0 {
            let parts: Vec<String> = self.kept.iter().map(|(k, n)| format!("{n} {k}")).collect();
            s.push_str(&format!("; {kept} kept ({})", parts.join(", ")));
        }
        let left = self.left_count();
        if left > 0 {
            let parts: Vec<String> = self.left.iter().map(|(k, n)| format!("{n} {k}")).collect();
            s.push_str(&format!("; {left} left ({})", parts.join(", ")));
        }
        if self.mentions > 0 {
            s.push_str(&format!(
                "; {} in comments and strings (`-v` lists them)",
                plural(self.mentions, "mention", "mentions")
            ));
        }
        if self.skipped > 0 {
            s.push_str(&format!(
                "; {} skipped with errors",
                plural(self.skipped, "file", "files")
            ));
            // Syntax errors and the valid Python tree-sitter cannot read, apart: the
            // one is the file's to fix, the other unawait's limit.
            let count = |key| self.skipped_by_reason.get(key).copied().unwrap_or(0);
            let parts: Vec<String> = [
                (count("syntax-error"), "syntax error", "syntax errors"),
                (
                    count("tree-sitter-unreadable"),
                    "unreadable by tree-sitter-python",
                    "unreadable by tree-sitter-python",
                ),
            ]
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| plural(n, one, many))
            .collect();
            if !parts.is_empty() {
                s.push_str(&format!(" ({})", parts.join(", ")));
            }
        }
        s
    }
}

/// `fix --show-fixes`: one changed file and how many awaits were fixed in it.
pub fn fixed_in(display: &str, fixes: usize) -> String {
    format!(
        "unawait: fixed {} in {display}",
        plural(fixes, "await", "awaits")
    )
}

/// `patch -o FILE`: where the patch went and how many files it changes.
pub fn patch_written(output: &Path, files: usize) -> String {
    let output = crate::paths::display(output);
    match files {
        0 => format!("unawait: wrote an empty patch to {output} (nothing to change)"),
        n => format!(
            "unawait: wrote the patch to {output} ({})",
            plural(n, "file", "files")
        ),
    }
}

/// `fix --backup`: where the originals are, and the command that removes exactly the
/// backups this run made (never a pattern that could catch other files), wrapped when
/// long. `backups` is not empty.
pub fn backups_kept(suffix: &str, backups: &[PathBuf]) -> String {
    let words: Option<Vec<String>> = backups
        .iter()
        .map(|b| crate::paths::shell_word(b))
        .collect();
    let (head, them) = match backups {
        [only] => (
            format!("unawait: original kept as {}", crate::paths::display(only)),
            "it",
        ),
        _ => (
            format!(
                "unawait: originals kept as FILE{suffix} beside the {} changed files",
                backups.len()
            ),
            "them",
        ),
    };
    let Some(words) = words else {
        return format!("{head}; some names are not UTF-8, so remove {them} by hand");
    };
    let one_line = format!("{head}; to remove {them}: rm -- {}", words.join(" "));
    if one_line.chars().count() <= ONE_LINE {
        return one_line;
    }
    let mut out = format!("{head}; to remove {them}:\n    rm --");
    let mut width = "    rm --".len();
    for word in words {
        let len = word.chars().count();
        if width + 1 + len + 2 > COMMAND_WIDTH {
            // The next word lines up under the first one.
            out.push_str(" \\\n         ");
            width = "         ".len();
        }
        out.push(' ');
        out.push_str(&word);
        width += 1 + len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::engine::SourceError;
    use crate::report::SkipReason;

    #[test]
    fn syntax_errors_and_what_tree_sitter_cannot_read_are_counted_apart() {
        let skipped = |why: SkipReason| {
            let mut r = FileReport::new(PathBuf::from("a.py"), PathBuf::from("/a.py"));
            r.parsed = true;
            r.status = Status::Skipped(why);
            r
        };
        let syntax = || {
            SkipReason::Source(SourceError::Syntax {
                line: 1,
                col: 7,
                reason: "expected an expression".into(),
            })
        };
        let unreadable = SkipReason::Source(SourceError::Unreadable {
            line: 1,
            col: 11,
            construct: None,
        });
        let mut summary = Summary::default();
        summary.add(&skipped(SkipReason::Binary));
        assert_eq!(
            summary.render(false),
            "unawait: 1 file scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 file skipped with errors"
        );
        summary.add(&skipped(syntax()));
        summary.add(&skipped(syntax()));
        summary.add(&skipped(unreadable));
        assert_eq!(
            summary.render(true),
            "unawait: 4 files scanned (4 parsed); 0 files changed, 0 awaits fixed; \
             4 files skipped with errors (2 syntax errors, 1 unreadable by tree-sitter-python)"
        );
        let keys: Vec<(&str, usize)> = summary.skipped_by_reason.into_iter().collect();
        assert_eq!(
            keys,
            [
                ("binary", 1),
                ("syntax-error", 2),
                ("tree-sitter-unreadable", 1)
            ]
        );
    }

    #[test]
    fn backup_lines_name_every_backup_in_a_command_that_pastes() {
        let paths = |names: &[&str]| names.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            backups_kept(".orig", &paths(&["./a.py.orig"])),
            "unawait: original kept as a.py.orig; to remove it: rm -- a.py.orig"
        );
        assert_eq!(
            backups_kept(".bak", &paths(&["a.py.bak", "my dir/b.py.bak"])),
            "unawait: originals kept as FILE.bak beside the 2 changed files; \
             to remove them: rm -- a.py.bak 'my dir/b.py.bak'"
        );
        let many: Vec<String> = (0..12)
            .map(|i| format!("pkg/module_{i:02}.py.orig"))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let text = backups_kept(".orig", &paths(&many));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "unawait: originals kept as FILE.orig beside the 12 changed files; to remove them:",
                "    rm -- pkg/module_00.py.orig pkg/module_01.py.orig pkg/module_02.py.orig \\",
                "          pkg/module_03.py.orig pkg/module_04.py.orig pkg/module_05.py.orig \\",
                "          pkg/module_06.py.orig pkg/module_07.py.orig pkg/module_08.py.orig \\",
                "          pkg/module_09.py.orig pkg/module_10.py.orig pkg/module_11.py.orig",
            ]
        );
        assert!(
            lines[1..].iter().all(|l| l.len() <= COMMAND_WIDTH),
            "{text}"
        );
    }

    #[test]
    fn patch_and_fix_lines() {
        assert_eq!(
            patch_written(Path::new("./fix.patch"), 2),
            "unawait: wrote the patch to fix.patch (2 files)"
        );
        assert_eq!(
            patch_written(Path::new("fix.patch"), 1),
            "unawait: wrote the patch to fix.patch (1 file)"
        );
        assert_eq!(
            patch_written(Path::new("fix.patch"), 0),
            "unawait: wrote an empty patch to fix.patch (nothing to change)"
        );
        assert_eq!(fixed_in("a.py", 1), "unawait: fixed 1 await in a.py");
        assert_eq!(fixed_in("a.py", 2), "unawait: fixed 2 awaits in a.py");
    }
}
