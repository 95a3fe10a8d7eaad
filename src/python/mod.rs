//! Python source as unawait reads it: the parser (tree-sitter, for the matcher), the
//! CPython-conformant syntax check, what a file binds and awaits, lines and columns,
//! module names, and byte-level lexical helpers.

pub mod cpython;
pub mod docstrings;
pub mod facts;
pub mod fallback;
pub mod lexical;
pub mod lines;
pub mod mentions;
pub mod modules;
pub mod parse;
pub mod raises;
pub mod walk;
