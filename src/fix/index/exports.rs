//! What `from module import *` brings from a module of the tree: its `__all__` when
//! it lists one, else its public names; and the star imports a module makes itself,
//! which re-export another module's names (`from .mod import *` in `__init__.py`).
//!
//! A file the index did not parse says nothing: it may bring any name, as before the
//! index knew of stars. This must never say a star does not bring a name unless the
//! module's own `__all__` (or the name's leading `_`) says so.

use std::collections::HashSet;

use super::{Entry, ProjectIndex};
use crate::python::facts::{DunderAll, FileFacts};

/// The key under which a parsed file's [`Entry::Exports`] travels with its entries:
/// no Python name, so never one of them.
pub(super) const KEY: &str = "*";

/// What one parsed file's star imports and `__all__` are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exports {
    /// The modules it star-imports, absolute, in order.
    pub stars: Vec<String>,
    /// Its `__all__`, when only literals build it.
    pub listed: Option<HashSet<String>>,
}

impl Exports {
    /// Does `from this_module import *` bring `name`?
    pub fn brings(&self, name: &str) -> bool {
        match &self.listed {
            Some(names) => names.contains(name),
            None => !name.starts_with('_'),
        }
    }
}

/// The exports among a file's facts, its star imports resolved by `absolute`.
pub(super) fn of_facts(facts: &FileFacts<'_>, absolute: impl Fn(&str) -> Option<String>) -> Entry {
    Entry::Exports(Exports {
        stars: facts
            .star_imports
            .iter()
            .filter_map(|m| absolute(m))
            .collect(),
        listed: match &facts.dunder_all {
            DunderAll::Listed(names) => Some(names.iter().cloned().collect()),
            DunderAll::Absent | DunderAll::Unreadable => None,
        },
    })
}

impl ProjectIndex {
    /// Does `from module import *` bring `name`? `None` when the module is not one
    /// of the tree's files; else whether any of its files may export it.
    pub fn brings(&self, module: &str, name: &str) -> Option<bool> {
        let files = self.names.get(module)?;
        Some(files.iter().any(|&f| match &self.exports[f] {
            Some(exports) => exports.brings(name),
            None => true,
        }))
    }

    /// The names `name` of file `f` may come from through its star imports, when the
    /// file does not bind it itself: `mod.name` for each star of a `mod` that brings it.
    pub(super) fn through_stars(&self, f: usize, name: &str) -> Vec<String> {
        let Some(exports) = &self.exports[f] else {
            return Vec::new();
        };
        if name.contains('.') {
            return Vec::new();
        }
        exports
            .stars
            .iter()
            .filter(|m| self.brings(m, name) != Some(false))
            .map(|m| format!("{m}.{name}"))
            .collect()
    }
}
