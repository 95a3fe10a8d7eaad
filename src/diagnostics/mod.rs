//! What a type checker proves about an `await`: its diagnostics read from ty, pyright,
//! mypy or pyrefly output, mapped onto the awaits of a file, and judged by the type the
//! checker reports. This module only reads and judges; it never edits a file (the fixer
//! does), and it keeps an await whenever the reported type is not surely unawaitable.
//!
//! # Formats and their coordinates
//!
//! Measured on ty 0.0.108, pyright 1.1.414, mypy 2.4.1 and pyrefly 1.5.0 (the versions
//! `scripts/install-test-deps.sh` pins), on `tests/fixtures/typecheck`:
//!
//! | format | lines | columns | the range covers |
//! | --- | --- | --- | --- |
//! | ty `--output-format gitlab` (GitLab Code Quality JSON, `check_name: invalid-await`) | 1-based | 1-based, Unicode code points, end exclusive; a BOM is not counted | the operand, without its parentheses |
//! | ty `--output-format sarif` (no `columnKind`) | 1-based | as ty's GitLab JSON | the operand, without its parentheses |
//! | pyrefly `--output-format code-climate` (GitLab JSON, `check_name: pyrefly/not-async`) | 1-based | 1-based code points, end exclusive | the whole `await` expression |
//! | pyrefly `--output-format sarif` (`columnKind: unicodeCodePoints`, rule `not-async`) | 1-based | 1-based code points, end exclusive, no BOM | the whole `await` expression |
//! | pyright `--outputjson` (`reportGeneralTypeIssues`) | 0-based | 0-based **UTF-16** code units, end exclusive; a BOM **is** counted on line 1 | the operand, with its parentheses |
//! | mypy `-O json` (code `misc`) | 1-based | 0-based, of the `await` keyword; wrong on a line with non-ASCII text (off by some bytes) | the whole `await` expression |
//!
//! All four read `\r\n`, `\n` and a lone `\r` as line ends. A SARIF log says its unit in
//! `columnKind`; where it says nothing (ty), code points are assumed, as ty writes them.
//! Since mypy's column is not to be trusted, a mypy diagnostic is located by its lines
//! only, and the await is the one that starts on its first line and ends on its last;
//! the column decides between several only when it points exactly at one's keyword.
//!
//! # What the reported type says
//!
//! ty and mypy name the operand's whole type (`Task[int] | None`). pyright and pyrefly
//! report each member of a union that is not awaitable, as a diagnostic of its own, and
//! never the whole type: for `Task[int] | None` they say only `"None" is not awaitable`,
//! for `CoroutineType[...] | Result` only `Result`. Their diagnostics therefore never
//! prove that an await can go ([`TypeVerdict::MembersOnly`]).

mod judge;
mod locate;
mod parse;
mod run;
mod types;

use std::fmt;
use std::path::{Path, PathBuf};

pub use judge::{judge, resolve, Left, Mapped, Outcome};
pub use locate::{await_at, locate, Located, NoAwait};
pub use parse::{parse, Format, FormatError, Parsed};
pub use run::{find_checker, run_checker, run_checker_with, Ran, RunError};
pub use types::{classify, TypeVerdict};

/// A type checker whose output unawait reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Checker {
    Ty,
    Pyright,
    Mypy,
    Pyrefly,
}

impl Checker {
    pub const ALL: [Checker; 4] = [
        Checker::Ty,
        Checker::Pyright,
        Checker::Mypy,
        Checker::Pyrefly,
    ];

    /// Its command name, as users type it (`ty`, `pyright`, `mypy`, `pyrefly`).
    pub fn name(self) -> &'static str {
        match self {
            Checker::Ty => "ty",
            Checker::Pyright => "pyright",
            Checker::Mypy => "mypy",
            Checker::Pyrefly => "pyrefly",
        }
    }

    /// The checker of a command name.
    pub fn from_name(name: &str) -> Option<Checker> {
        Checker::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Does it report each union member that is not awaitable, instead of the whole
    /// type? (pyright and pyrefly do.)
    pub fn names_members_only(self) -> bool {
        matches!(self, Checker::Pyright | Checker::Pyrefly)
    }
}

impl fmt::Display for Checker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a diagnostic's columns count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Unicode code points (ty, pyrefly, SARIF `unicodeCodePoints`).
    CodePoints,
    /// UTF-16 code units (pyright, SARIF `utf16CodeUnits`).
    Utf16,
    /// A column not to be trusted, given only as a hint (mypy).
    Hint,
}

/// What a diagnostic's range covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Covers {
    /// The awaited operand, with or without its parentheses (ty, pyright).
    Operand,
    /// The whole `await` expression (pyrefly, mypy).
    Await,
}

/// A place in a file as a checker gives it: a 1-based line and a 0-based column in the
/// span's [`Unit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// The range a diagnostic points at, end exclusive, in the checker's own units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
    pub unit: Unit,
    pub covers: Covers,
    /// Do the columns of line 1 count a byte-order mark? (pyright's do.)
    pub bom_counted: bool,
}

/// One diagnostic about an `await`, as the checker wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub checker: Checker,
    /// The file, as the checker wrote it: relative to the folder it ran in (ty, mypy,
    /// pyrefly) or absolute (pyright, ty's SARIF `file://` URIs).
    pub path: PathBuf,
    pub span: Span,
    /// The operand's type as the message gives it (`Task[Unknown] | None`); for pyright
    /// and pyrefly one member of it ([`Checker::names_members_only`]).
    pub type_text: Option<String>,
    /// The message's first line.
    pub message: String,
    /// The rule: `invalid-await`, `reportGeneralTypeIssues`, `misc`, `not-async`.
    pub code: String,
}

impl Diagnostic {
    /// The 1-based line the range starts on.
    pub fn line(&self) -> usize {
        self.span.start.line
    }

    /// The file, for a checker that ran in `root`.
    pub fn path_in(&self, root: &Path) -> PathBuf {
        root.join(&self.path)
    }
}
