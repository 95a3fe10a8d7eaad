//! What the index knows of a rule's own name, for the warning about a rule that
//! matches nothing.

use super::ProjectIndex;

/// What [`ProjectIndex::knows`] of a rule's name.
#[derive(Debug, PartialEq, Eq)]
pub enum Known {
    /// A module of the tree defines or re-exports it.
    Defined,
    /// No module of the tree defines it (for a qualified rule: its module does not).
    NotDefined,
    /// A qualified rule whose module is not in the tree.
    NoModule(String),
}

impl ProjectIndex {
    /// What the index knows of a rule's name (`get` or `pkg.mod.get`), for the warning
    /// about a rule that matches nothing.
    pub fn knows(&self, rule: &str) -> Known {
        match rule.rsplit_once('.') {
            None => {
                if self
                    .files
                    .iter()
                    .any(|(_, entries)| entries.contains_key(rule))
                {
                    Known::Defined
                } else {
                    Known::NotDefined
                }
            }
            Some((module, _)) => {
                if !self.names.contains_key(module) {
                    Known::NoModule(module.to_string())
                } else if self.walk(rule).def.is_some() {
                    Known::Defined
                } else {
                    Known::NotDefined
                }
            }
        }
    }
}
