//! Command-line tests: the real `unawait` binary run in temporary trees, checking the
//! exit status, stdout, stderr and the files left on disk. One test binary, one module
//! per topic (as ripgrep's `tests/tests.rs` and ruff's `crates/ruff/tests/cli/`), so
//! that the binary is linked once and the helpers in `common` are shared.

mod common;

mod action;
mod bench_smoke;
mod bindings;
mod config;
mod discover;
mod doctests;
mod exit;
mod faults;
mod fix;
mod formats;
mod grammar;
mod hostile;
mod imports;
mod interactive;
mod left;
mod modules;
mod monorepo;
mod notebooks_docs;
mod patch;
mod stars;
mod stdin;
mod suggest;
mod terminal;
