//! Why an await on a rule's name was not matched: the [`LeftReason`] of a callee whose
//! last name is a function rule's but whose verdict is "not the rule's function".
//! Worked out only for such awaits, from the same bindings the verdict came from.

use tree_sitter::Node;

use super::Matcher;
use crate::fix::index::Entry;
use crate::fix::left::LeftReason;
use crate::fix::rules::Rule;
use crate::fix::verdict::Verdict;
use crate::python::facts::{Binding, OtherKind};
use crate::python::modules::{absolute_import, ModulePath};
use crate::python::parse::{name_chain, unparenthesize, written_callee};

impl<'a, 't> Matcher<'a, 't> {
    /// The reason an await on `callee` (whose last identifier is `last_node`) is left,
    /// and the rule it is reported under; `None` when no function rule ends with that
    /// name.
    pub(super) fn left(
        &self,
        scope: usize,
        callee: Node<'t>,
        last_node: Node<'t>,
    ) -> Option<(LeftReason, &'a Rule)> {
        let last = self.text_of(last_node);
        // A reason that depends on a qualified rule names one; else the first rule.
        let rule = self
            .rules
            .by_last(last)
            .find(|r| r.is_qualified())
            .or_else(|| self.rules.by_last(last).next())?;
        let callee = unparenthesize(callee);
        let why = match callee.kind() {
            "identifier" => self.left_name(scope, last, rule),
            "attribute" => self.left_attribute(scope, callee, last_node, rule),
            _ => return None,
        };
        Some((why, rule))
    }

    fn left_name(&self, scope: usize, name: &str, rule: &Rule) -> LeftReason {
        let Some((bound_in, bindings)) = self.facts.resolve_with_scope(scope, name) else {
            // A star import of a module of the tree that does not export the name
            // cannot bring it.
            let star = self.facts.star_imports.iter().any(|m| {
                let brings = self
                    .absolute(m)
                    .and_then(|m| self.ctx.index?.brings(&m, name));
                brings != Some(false)
            });
            return LeftReason::Unresolved {
                rule: rule.name().to_string(),
                star,
            };
        };
        // The first binding that is not the rule's function says why; with none (only
        // stand-ins for a failed import), the first binding.
        let b = bindings
            .iter()
            .find(|b| {
                matches!(
                    self.judge_binding(name, bound_in, b),
                    Verdict::No | Verdict::AsyncOther(_)
                )
            })
            .or_else(|| bindings.first());
        match b {
            Some(Binding::Other { kind, at }) => LeftReason::Shadowed {
                what: kind.describe().to_string(),
                at: Some(self.here(*at)),
            },
            Some(Binding::Module { module }) => LeftReason::Shadowed {
                what: format!("the module `{module}`"),
                at: None,
            },
            Some(Binding::From {
                module,
                name: imported,
                ..
            }) => LeftReason::OtherFunction {
                resolved: self.resolved(module, imported),
                rule: rule.name().to_string(),
            },
            Some(Binding::Def { at, .. }) => match (bound_in, self.longest_name()) {
                (0, Some(m)) => LeftReason::OtherFunction {
                    resolved: format!("{}.{name}", m.name),
                    rule: rule.name().to_string(),
                },
                _ => LeftReason::Shadowed {
                    what: "a `def` of this file".to_string(),
                    at: Some(self.here(*at)),
                },
            },
            Some(Binding::StandIn { at, .. }) => LeftReason::Shadowed {
                what: "a stand-in for a failed import".to_string(),
                at: Some(self.here(*at)),
            },
            None => LeftReason::Unresolved {
                rule: rule.name().to_string(),
                star: false,
            },
        }
    }

    fn left_attribute(
        &self,
        scope: usize,
        callee: Node<'t>,
        last_node: Node<'t>,
        rule: &Rule,
    ) -> LeftReason {
        let method = self.text_of(last_node).to_string();
        let written = written_callee(callee, last_node, self.text);
        let receiver = written
            .strip_suffix(method.as_str())
            .and_then(|r| r.strip_suffix('.'))
            .unwrap_or(&written)
            .to_string();
        let unknown = |bound| LeftReason::Receiver {
            receiver: receiver.clone(),
            method: method.clone(),
            bound,
        };
        let Some((root, parts)) = name_chain(callee, self.text) else {
            return unknown(None);
        };
        let Some(bindings) = self.facts.resolve(scope, root) else {
            return unknown(None);
        };
        let not_import = bindings.iter().find(|b| {
            !matches!(
                b,
                Binding::Module { .. } | Binding::From { .. } | Binding::StandIn { .. }
            )
        });
        match not_import {
            Some(Binding::Other {
                kind: OtherKind::DynamicImport,
                at,
            }) => LeftReason::DynamicImport {
                receiver,
                method,
                at: self.here(*at),
            },
            Some(Binding::Other {
                kind: OtherKind::Class,
                at,
            }) => LeftReason::ClassReceiver {
                class: receiver,
                method,
                at: Some(self.here(*at)),
            },
            Some(Binding::Other { kind, at }) => {
                unknown(Some((kind.describe().to_string(), Some(self.here(*at)))))
            }
            Some(Binding::Def { at, .. }) => {
                unknown(Some(("a function".to_string(), Some(self.here(*at)))))
            }
            _ => {
                // Every binding is an import. Of something that is no module of the
                // tree: a class (whose method it is), or an object.
                for b in bindings {
                    let (attribute, module, n) = match b {
                        Binding::From {
                            module, name: n, ..
                        } => (
                            format!("{}.{}", self.resolved(module, n), parts.join(".")),
                            module,
                            Some(n),
                        ),
                        Binding::Module { module } => {
                            (format!("{module}.{}", parts.join(".")), module, None)
                        }
                        _ => continue,
                    };
                    let (chain, def) = match self.ctx.index {
                        Some(index) => index.chain(&attribute),
                        None => (Vec::new(), None),
                    };
                    if let Some(Entry::Method { at, .. }) = def {
                        return LeftReason::ClassReceiver {
                            class: receiver,
                            method,
                            at: Some(at.clone()),
                        };
                    }
                    // A class of the tree that does not define the method itself (it
                    // inherits it, or assigns it).
                    let owner = chain
                        .last()
                        .and_then(|end| self.ctx.index.and_then(|i| i.owner(end)));
                    if let Some((_, true)) = owner {
                        return LeftReason::ClassReceiver {
                            class: receiver,
                            method,
                            at: self.binding_site(b),
                        };
                    }
                    let absolute =
                        n.and_then(|n| self.absolute(module).map(|m| format!("{m}.{n}")));
                    if owner.is_some() || absolute.is_some_and(|q| self.imports_no_module(&q)) {
                        let what = match (n, &owner) {
                            (Some(_), _) => format!("an object imported from `{module}`"),
                            (None, Some((thing, _))) => {
                                let of = thing.rsplit_once('.').map_or(module.as_str(), |(m, _)| m);
                                format!("an object of the module `{of}`")
                            }
                            (None, None) => format!("an object of the module `{module}`"),
                        };
                        return unknown(Some((what, self.binding_site(b))));
                    }
                }
                // The module attribute resolves to another function than the qualified
                // rule's.
                let rest = parts.join(".");
                let resolved = bindings
                    .iter()
                    .find_map(|b| match b {
                        Binding::Module { module } => Some(format!("{module}.{rest}")),
                        Binding::From {
                            module, name: n, ..
                        } => Some(format!("{}.{rest}", self.resolved(module, n))),
                        _ => None,
                    })
                    .unwrap_or(written);
                LeftReason::OtherFunction {
                    resolved,
                    rule: rule.name().to_string(),
                }
            }
        }
    }

    /// `module.name` of a `from module import name`, absolute when it can be, and
    /// then spelled from the file's longest module name, the one a reader knows best
    /// (`ns.pkg.mod` rather than `mod` in a namespace package).
    fn resolved(&self, module: &str, name: &str) -> String {
        let longest = self.longest_name();
        let absolute = absolute_import(longest.as_ref(), module).or_else(|| self.absolute(module));
        match absolute {
            Some(m) => format!("{m}.{name}"),
            None => format!("{module}.{name}"),
        }
    }

    /// The file's longest module name.
    fn longest_name(&self) -> Option<ModulePath> {
        let names = self.ctx.module?;
        let name = names.all().max_by_key(|n| n.len())?;
        Some(ModulePath {
            name: name.to_string(),
            is_package: names.primary.is_package,
        })
    }
}
