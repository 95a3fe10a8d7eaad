//! Where the matcher's verdicts point: the lines of bindings, and the decorators of
//! the `def` a call reaches, which may keep its await.

use super::Matcher;
use crate::fix::decorators;
use crate::fix::index::Entry;
use crate::fix::kept::DefSite;
use crate::fix::rules::Rule;
use crate::fix::verdict::Verdict;
use crate::python::facts::{Binding, OtherKind};
use crate::python::parse::{name_chain, unparenthesize};

impl<'a> Matcher<'a, '_> {
    /// `rule`'s function, unless its definition in the index has a decorator that may
    /// make it awaitable.
    pub(super) fn unless_decorated(&self, rule: &'a Rule, def: Option<&Entry>) -> Verdict<'a> {
        let Some(Entry::Def { at, decorators, .. }) = def else {
            return Verdict::Match(rule);
        };
        match decorators::first_unsafe(decorators, self.rules.sync_decorators()) {
            Some(d) => Verdict::Decorated {
                rule,
                decorator: d.written.clone(),
                at: at.clone(),
            },
            None => Verdict::Match(rule),
        }
    }

    /// The first decorator, written `written` on a `def` of this file whose decorators
    /// are read in `scope`, that may make it awaitable.
    pub(super) fn unsafe_decorator_here(&self, written: &[String], scope: usize) -> Option<String> {
        let resolved = decorators::resolve(
            self.facts,
            scope,
            written,
            self.ctx.module.map(|m| &m.primary),
        );
        decorators::first_unsafe(&resolved, self.rules.sync_decorators()).map(|d| d.written.clone())
    }

    /// `from module import name` (`imported` being `module.name` made absolute) binds
    /// something that is not a module although `module` is one of the tree: an
    /// object or a class, whose attributes are not module attributes. A class's
    /// methods are in the index (`Class.method`), and decide on their own.
    pub(super) fn imports_no_module(&self, imported: &str) -> bool {
        let Some(index) = self.ctx.index else {
            return false;
        };
        let parent = imported.rsplit_once('.').map_or("", |(p, _)| p);
        !index.has_module(imported) && index.has_module(parent) && !index.has_attributes(imported)
    }

    /// `C.m(...)` where `C` is a class of this file whose `m` is an `async def`: the
    /// await is needed (kept, naming the method).
    pub(super) fn async_method_of_class_here(
        &self,
        scope: usize,
        root: &str,
        parts: &[&str],
    ) -> Option<Verdict<'a>> {
        let [method] = parts else {
            return None;
        };
        let at = self
            .facts
            .resolve(scope, root)?
            .iter()
            .find_map(|b| match b {
                Binding::Other {
                    kind: OtherKind::Class,
                    at,
                } => Some(*at),
                _ => None,
            })?;
        let body =
            self.facts.scopes.iter().find(|s| {
                s.kind == crate::python::facts::ScopeKind::Class && s.range.contains(&at)
            })?;
        body.bindings.get(*method)?.iter().find_map(|b| match b {
            Binding::Def {
                is_async: true, at, ..
            } => Some(Verdict::Async(self.here(*at))),
            _ => None,
        })
    }

    /// `C.m(...)` or `C(...).m(...)` under a method rule, where `C` is a class of the
    /// tree (this file's, or imported from a module of the tree) whose `m` is an `async
    /// def`: the tree shows the call makes a coroutine, so the await is kept, naming the
    /// method. Any other receiver is left to the method rule.
    pub(super) fn async_method_of_class(
        &self,
        scope: usize,
        callee: tree_sitter::Node<'_>,
    ) -> Option<Verdict<'a>> {
        let method = self.text_of(callee.child_by_field_name("attribute")?);
        let mut object = unparenthesize(callee.child_by_field_name("object")?);
        if object.kind() == "call" {
            object = unparenthesize(object.child_by_field_name("function")?);
        }
        let (root, parts) = name_chain(object, self.text)?;
        if parts.is_empty() {
            if let Some(v) = self.async_method_of_class_here(scope, root, &[method]) {
                return Some(v);
            }
        }
        let index = self.ctx.index?;
        self.facts.resolve(scope, root)?.iter().find_map(|b| {
            let class = match b {
                Binding::From { module, name, .. } => {
                    format!("{}.{name}", self.absolute(module)?)
                }
                Binding::Module { module } => module.clone(),
                _ => return None,
            };
            let mut full = class;
            for part in parts.iter().chain([&method]) {
                full.push('.');
                full.push_str(part);
            }
            match index.chain(&full).1 {
                Some(Entry::Method { is_async: true, at }) => Some(Verdict::Async(at.clone())),
                _ => None,
            }
        })
    }

    pub(super) fn here(&self, at: usize) -> DefSite {
        DefSite::Here {
            line: self.lines.line_of(at) + 1,
        }
    }

    /// Where a binding is in the file, when the facts say.
    pub(super) fn binding_site(&self, b: &Binding) -> Option<DefSite> {
        match b {
            Binding::Def { at, .. } | Binding::StandIn { at, .. } | Binding::Other { at, .. } => {
                Some(self.here(*at))
            }
            Binding::From { site, .. } => Some(self.here(site.item.start)),
            Binding::Module { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::kept::KeptReason;
    use crate::fix::matcher::{find, Action, FileContext, FixOptions};
    use crate::fix::rules::RuleSet;
    use crate::python::lines::LineIndex;
    use crate::python::parse::parse;
    use crate::python::walk::collect;

    /// The action on each matching await of `src`, for the rule `get`, with
    /// `sync-decorators` `configured`.
    fn actions(src: &str, configured: &[&str]) -> Vec<String> {
        let tree = parse(src.as_bytes());
        let facts = collect(&tree, src.as_bytes());
        let lines = LineIndex::new(src.as_bytes());
        let configured: Vec<String> = configured.iter().map(|s| s.to_string()).collect();
        let rules = RuleSet::new(&["get".into()], &[], &[])
            .unwrap()
            .with_sync_decorators(&configured)
            .unwrap();
        let found = find(
            &facts,
            src.as_bytes(),
            &rules,
            FixOptions::default(),
            FileContext::default(),
            &lines,
        );
        found
            .into_iter()
            .map(|f| match f.action {
                Action::Kept(KeptReason::Decorated { decorator, at }) => {
                    format!("decorated @{decorator} {at}")
                }
                Action::Kept(why) => why.describe(),
                Action::Left(why) => format!("left: {}", why.describe()),
                Action::RemoveAwait => "remove".into(),
                Action::ReplaceWith(_) => "rename".into(),
            })
            .collect()
    }

    /// A fallback `def` is a stand-in only when its decorators keep it synchronous; a
    /// module-level `def` is judged on its own decorators, read through the imports.
    #[test]
    fn fallback_and_decorated_defs() {
        let fallback = |decorator: &str| {
            format!(
                "from asgiref.sync import sync_to_async\nimport functools\n\
                 try:\n    from m import get\nexcept ImportError:\n    {decorator}\n    def get(): pass\n\
                 async def f():\n    await get()\n"
            )
        };
        assert_eq!(actions(&fallback("@functools.lru_cache"), &[]), ["remove"]);
        assert_eq!(
            actions(&fallback("@sync_to_async"), &[]),
            ["decorated @sync_to_async line 7"]
        );
        assert_eq!(
            actions(&fallback("@sync_to_async"), &["sync_to_async"]),
            ["remove"]
        );
        let own =
            "import functools as ft\n@ft.cache\ndef get(): pass\nasync def f():\n    await get()\n";
        assert_eq!(actions(own, &[]), ["remove"]);
        let shadowed = "def lru_cache(f): return f\n@lru_cache\ndef get(): pass\nasync def f():\n    await get()\n";
        assert_eq!(actions(shadowed, &[]), ["decorated @lru_cache line 3"]);
    }
}
