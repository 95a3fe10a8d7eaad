//! The byte filter that decides which files the index parses.

use std::path::Path;

use aho_corasick::AhoCorasick;

use crate::python::lexical::{is_ident_byte, whole_word};

/// Decides from bytes alone whether a file goes into the index.
pub struct IndexFilter {
    names: AhoCorasick,
    /// Method rules' names, wanted only as `async def NAME`: a class of the tree whose
    /// method is a coroutine keeps the await, and a sync method changes nothing.
    async_methods: Option<AhoCorasick>,
    /// Classes whose methods rules decide on, wanted in a package's `__init__` that
    /// may re-export them.
    classes: Option<AhoCorasick>,
}

impl IndexFilter {
    pub fn new(needles: &[String]) -> Self {
        IndexFilter {
            names: AhoCorasick::new(needles).expect("rule names are short identifiers"),
            async_methods: None,
            classes: None,
        }
    }

    /// Also want the files that define one of `methods` as an `async def`.
    pub fn with_async_methods(mut self, methods: &[String]) -> Self {
        if !methods.is_empty() {
            self.async_methods =
                Some(AhoCorasick::new(methods).expect("rule names are short identifiers"));
        }
        self
    }

    /// Also want the `__init__` files that may re-export one of `classes`.
    pub fn with_classes(mut self, classes: &[String]) -> Self {
        if !classes.is_empty() {
            self.classes =
                Some(AhoCorasick::new(classes).expect("class names are short identifiers"));
        }
        self
    }

    /// Does `source` define one of the names (`def NAME`), or, for a package's
    /// `__init__`, mention one, or define a method rule's name as an `async def`?
    pub fn wants(&self, path: &Path, source: &[u8]) -> bool {
        self.wants_functions(path, source)
            || self.async_methods.as_ref().is_some_and(|methods| {
                any_whole_word(methods, source, |start, _| {
                    preceded_by_async_def(source, start)
                })
            })
    }

    fn wants_functions(&self, path: &Path, source: &[u8]) -> bool {
        let is_init = path.file_stem().is_some_and(|s| s == "__init__");
        // A package's `from .mod import *` re-exports whatever `mod` exports, rule
        // names among them, without naming any.
        if is_init && star_import(source) {
            return true;
        }
        let reexports = |start, end| may_reexport(source, start, end);
        if let Some(classes) = self.classes.as_ref().filter(|_| is_init) {
            if any_whole_word(classes, source, reexports) {
                return true;
            }
        }
        // Whole identifiers only: `get` must not pull in every `def get_thing` or
        // `target`, or a broad rule would parse half the tree twice.
        any_whole_word(&self.names, source, |start, end| {
            preceded_by_def(source, start) || (is_init && reexports(start, end))
        })
    }
}

/// Does some needle of `needles` occur in `source` as a whole identifier at a
/// `start..end` that `wanted` accepts?
fn any_whole_word(
    needles: &AhoCorasick,
    source: &[u8],
    wanted: impl Fn(usize, usize) -> bool,
) -> bool {
    needles
        .find_overlapping_iter(source)
        .filter(|m| whole_word(source, m.start(), m.end()))
        .any(|m| wanted(m.start(), m.end()))
}

/// Could the name at `start..end` of an `__init__` bind it (`import NAME`, `NAME,`,
/// `as NAME`, `"NAME"` in `__all__`, `NAME = ...`, `def NAME`)? Not when it is an
/// attribute (`x.NAME`) or called or dotted (`NAME(`, `NAME.x`): packages mention
/// `.get(` everywhere, and parsing each of them twice would double the work.
fn may_reexport(source: &[u8], start: usize, end: usize) -> bool {
    let before = source[..start]
        .iter()
        .rev()
        .find(|&&b| !matches!(b, b' ' | b'\t'));
    let after = source[end..].iter().find(|&&b| !matches!(b, b' ' | b'\t'));
    before != Some(&b'.') && !matches!(after, Some(b'(' | b'.'))
}

/// Is the name at `at` written as `async def NAME`?
fn preceded_by_async_def(source: &[u8], at: usize) -> bool {
    if !preceded_by_def(source, at) {
        return false;
    }
    let mut i = at;
    while matches!(source[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    // Before `def`: blanks, then `async` as a word.
    let mut j = i - 3;
    let blanks = j;
    while j > 0 && matches!(source[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    j != blanks
        && j >= 5
        && &source[j - 5..j] == b"async"
        && (j == 5 || !is_ident_byte(source[j - 6]))
}

/// Does `source` hold `import *` (blanks allowed between)? Bytes only: one in a
/// string or a comment costs a parse, never a miss.
fn star_import(source: &[u8]) -> bool {
    memchr::memmem::find_iter(source, b"import").any(|at| {
        let rest = &source[at + 6..];
        let gap = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        rest.get(gap) == Some(&b'*')
    })
}

/// Is the name at `at` written as `def NAME`?
fn preceded_by_def(source: &[u8], at: usize) -> bool {
    let mut i = at;
    while i > 0 && matches!(source[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    i != at && i >= 3 && &source[i - 3..i] == b"def" && (i == 3 || !is_ident_byte(source[i - 4]))
}
