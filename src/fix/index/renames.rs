//! The other names a rule's function goes by: `from .mod import func as alias` in
//! an `__init__.py` makes `alias` the rule `func`'s function, and the rule `alias`
//! names `func` too. Computed once the index is built; the run widens its filters
//! with the names, and the matcher decides each call by resolution
//! ([`ProjectIndex::same`]), never by the name alone: a function of its own that is
//! merely called `alias` must never match.

use super::{Entry, ProjectIndex};
use crate::fix::rules::{Rule, RuleKind, RuleSet};

/// Another name of a rule's function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    /// The last name a call of it may be written with.
    pub last: String,
    /// The rule, as written.
    pub rule: String,
    /// A qualified name it has under that name (`pkg.alias`): a call matches when it
    /// resolves to the same thing.
    pub via: String,
}

fn last_of(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl ProjectIndex {
    /// The names, other than its own last one, under which the project re-exports the
    /// function `rule` names, or under which it re-exports what `rule` re-exports.
    pub fn other_names(&self, rule: &Rule) -> Vec<Renamed> {
        let last = rule.last();
        let mut out: Vec<Renamed> = Vec::new();
        let push = |out: &mut Vec<Renamed>, name: &str, via: &str| {
            let r = Renamed {
                last: name.to_string(),
                rule: rule.name().to_string(),
                via: via.to_string(),
            };
            if name != last && !out.contains(&r) {
                out.push(r);
            }
        };
        // Where the rule itself leads: `-f alias` names `pkg.mod.func`.
        let starts: Vec<String> = if rule.is_qualified() {
            vec![rule.name().to_string()]
        } else {
            self.files
                .iter()
                .filter(|(_, entries)| matches!(entries.get(last), Some(Entry::Alias(_))))
                .map(|(primary, _)| format!("{primary}.{last}"))
                .collect()
        };
        for start in &starts {
            for name in self.walk(start).names.iter().skip(1) {
                push(&mut out, last_of(name), start);
            }
        }
        // What leads to the rule: `-f func` is also `pkg.alias`.
        for (primary, entries) in &self.files {
            for (name, entry) in entries {
                if name == last || !matches!(entry, Entry::Alias(_)) {
                    continue;
                }
                let q = format!("{primary}.{name}");
                let reaches = if rule.is_qualified() {
                    self.same(&q, rule.name())
                } else {
                    self.walk(&q)
                        .names
                        .iter()
                        .skip(1)
                        .any(|n| last_of(n) == last)
                };
                if reaches {
                    push(&mut out, name, &q);
                }
            }
        }
        out
    }

    /// Record the other names of every function rule of `rules`; returns the last
    /// names not recorded before, so the run knows when to look again.
    pub fn widen(&mut self, rules: &RuleSet) -> Vec<String> {
        let mut found = Vec::new();
        // A rule with an async twin renames the callee, which an alias of it does
        // not import: those stay with their own name.
        let functions = rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Function(_)) && r.twin.is_none());
        for rule in functions {
            for renamed in self.other_names(rule) {
                let known = self.renamed.entry(renamed.last.clone()).or_default();
                if !known.contains(&renamed) {
                    if known.is_empty() && !rules.has_last(&renamed.last) {
                        found.push(renamed.last.clone());
                    }
                    known.push(renamed);
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// The other names of rules' functions whose last name is `last`.
    pub fn renamed(&self, last: &str) -> &[Renamed] {
        self.renamed.get(last).map_or(&[], Vec::as_slice)
    }

    /// Every last name [`ProjectIndex::widen`] recorded, sorted.
    pub fn renamed_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.renamed.keys().cloned().collect();
        out.sort();
        out
    }
}
