//! The methods of a module's classes in the index, filed as `Class.method`: a call
//! through a class of the tree (`FakeFactory.get_client()`) is decided by its method.

use std::collections::HashMap;

use super::Entry;
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
