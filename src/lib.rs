//! unawait: remove `await` from calls to synchronous functions in Python code.
//!
//! The data flow: discover files → read bytes → prefilter → parse (tree-sitter for the
//! matcher; ruff's CPython-conformant parser decides what is valid Python) → find
//! matches → edits → verify (both parsers again) → render or write → summary and exit
//! status. The folders follow it: `setup` (flags and configuration), `files` (finding,
//! reading and writing files), `python` (parsing and what a file binds), `fix` (rules,
//! matching, edits), `diagnostics` (what a type checker reports about awaits), `embedded` (Python inside notebooks and docs), `render` (output
//! formats), `run` (driving a run and reporting it).

pub mod diagnostics;
pub mod embedded;
pub mod files;
pub mod fix;
pub mod interrupt;
pub mod messages;
pub mod paths;
pub mod python;
pub mod render;
pub mod report;
pub mod run;
pub mod setup;

pub use run::run;

/// Exit statuses (see the README, "Exit status").
pub mod exit {
    pub const OK: u8 = 0;
    pub const FOUND: u8 = 1;
    pub const ERROR: u8 = 2;
}

#[cfg(test)]
mod layout;
