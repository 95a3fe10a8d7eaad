//! The methods of a module's classes in the index, filed as `Class.method`: a call
//! through a class of the tree (`FakeFactory.get_client()`) is decided by its method.

use std::collections::HashMap;

use super::{Entry, ProjectIndex};
use crate::fix::kept::DefSite;
use crate::python::facts::{Binding, FileFacts, OtherKind, ScopeKind};
use crate::python::lines::LineIndex;

/// Add to `out` the methods of the module-level classes among `facts`.
pub(super) fn add_class_methods(
    facts: &FileFacts<'_>,
    display: &str,
    lines: &LineIndex,
    out: &mut HashMap<String, Entry>,
) {
    // The methods of module-level classes, under `Class.method`.
    for (i, scope) in facts.scopes.iter().enumerate() {
        if scope.kind != ScopeKind::Class || scope.parent != Some(0) {
            continue;
        }
        let Some(class) = class_name(facts, i) else {
            continue;
        };
        for (method, bindings) in &scope.bindings {
            let def = bindings.iter().rev().find_map(|b| match b {
                Binding::Def { is_async, at, .. } => Some((*is_async, *at)),
                _ => None,
            });
            if let Some((is_async, at)) = def {
                let site = DefSite::Module {
                    path: display.to_string(),
                    line: lines.line_of(at) + 1,
                };
                out.insert(
                    format!("{class}.{method}"),
                    Entry::Method { is_async, at: site },
                );
            }
        }
    }
}

impl ProjectIndex {
    /// The classes of the index with an `async def` method named as one of
    /// `functions` or `methods` (which keeps the await), not recorded yet by an
    /// earlier call. A package may re-export them (`from .factory import Factory`):
    /// the run then reads the `__init__.py` files that mention them.
    pub fn widen_classes(&mut self, functions: &[String], methods: &[String]) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for (_, entries) in &self.files {
            for (key, entry) in entries {
                let Some((class, method)) = key.split_once('.') else {
                    continue;
                };
                let Entry::Method { is_async, .. } = entry else {
                    continue;
                };
                // Only an `async def` changes what happens to the await: any other
                // method, reached or not, leaves it.
                let decides = *is_async
                    && (functions.iter().any(|f| f == method)
                        || methods.iter().any(|m| m == method));
                if decides && !self.classes.contains(class) && !found.iter().any(|c| c == class) {
                    found.push(class.to_string());
                }
            }
        }
        self.classes.extend(found.iter().cloned());
        found.sort();
        found
    }

    /// Every class [`ProjectIndex::widen_classes`] recorded, sorted.
    pub fn class_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.classes.iter().cloned().collect();
        out.sort();
        out
    }
}

/// The name of the module-level class whose body is scope `i`: the class binding of
/// the module that lies in the scope's bytes.
pub fn class_name(facts: &FileFacts<'_>, i: usize) -> Option<String> {
    let range = &facts.scopes[i].range;
    facts.scopes[0].bindings.iter().find_map(|(name, bs)| {
        bs.iter()
            .any(|b| {
                matches!(b, Binding::Other { kind: OtherKind::Class, at } if range.contains(at))
            })
            .then(|| name.clone())
    })
}
