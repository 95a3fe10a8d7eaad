//! Which `await`s to change, and how.
//!
//! An `await` matches when its operand, without enclosing parentheses, is a call whose
//! callee refers to a rule's function through this file's names (see
//! `docs/contract.md`, "Which calls match"). This module only reads the syntax tree and the facts of the file; it never
//! edits. It must never match an await whose operand is anything but that call
//! (`await f().send()`), and never a name that the file binds to something else.

use std::ops::Range;

use tree_sitter::Node;

use crate::fix::edit::Edit;
use crate::fix::index::{Entry, ProjectIndex};
use crate::fix::kept::{KeptReason, RaisesBlocks};
use crate::fix::left::LeftReason;
use crate::fix::rules::{Rule, RuleSet};
use crate::fix::verdict::{combine, Judged, Verdict};
use crate::python::facts::{Binding, FileFacts, ImportSite};
use crate::python::lines::LineIndex;
use crate::python::modules::ModuleNames;
use crate::python::parse::{await_operand, name_chain, unparenthesize, written_callee};

mod explain;
mod sites;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Delete the `await` keyword.
    RemoveAwait,
    /// Keep the await; rename the callee to the async twin.
    ReplaceWith(String),
    Kept(KeptReason),
    /// Not the rule's function, or not known to be, though the callee's last name is a
    /// rule's: reported, never changed.
    Left(LeftReason),
}

impl Action {
    /// Does this finding change the file (remove the `await`, or rename the callee)?
    pub fn is_change(&self) -> bool {
        matches!(self, Action::RemoveAwait | Action::ReplaceWith(_))
    }
}

/// One matching `await`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The `await` keyword.
    pub keyword: Range<usize>,
    /// The whole await expression.
    pub expr: Range<usize>,
    /// The callee's last identifier (`get_manager` in `await m.get_manager()`).
    pub callee_name: Range<usize>,
    /// The callee as the line writes it, without the arguments: `make_client` for an
    /// alias of the rule `get_client`, `m.get_client`, `self.pool.get` (see
    /// `python::parse::written_callee`). Messages name it; embedded files keep it as it is.
    pub callee: String,
    /// The rule, as written in the configuration, or the method name.
    pub function: String,
    pub action: Action,
    /// For a renamed bare callee: the `from ... import` that bound it.
    pub import: Option<ImportSite>,
    /// The edits that make this finding's change, in the coordinates of the text it
    /// was found in; empty for a kept await. An async twin's fix holds the rename and
    /// the import edit; findings of one file may share an identical import edit.
    pub fix: Vec<Edit>,
}

/// What the file being fixed is, for resolving its imports: per-file inputs.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileContext<'a> {
    /// Its module names, when it is importable.
    pub module: Option<&'a ModuleNames>,
    /// What the rest of the project defines and re-exports.
    pub index: Option<&'a ProjectIndex>,
}

/// How the run treats matches: the same for every file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixOptions {
    /// Keep awaits inside blocks that expect `TypeError`.
    pub keep_in_raises: bool,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            keep_in_raises: true,
        }
    }
}

struct Matcher<'a, 't> {
    rules: &'a RuleSet,
    facts: &'a FileFacts<'t>,
    text: &'a [u8],
    ctx: FileContext<'a>,
    options: FixOptions,
    lines: &'a LineIndex,
    /// Lines carrying `# unawait: ignore`, sorted.
    ignored_lines: Vec<usize>,
    /// The `pytest.raises(TypeError)` blocks.
    raises: RaisesBlocks,
}

impl<'a, 't> Matcher<'a, 't> {
    fn text_of(&self, node: Node<'_>) -> &'a str {
        std::str::from_utf8(&self.text[node.byte_range()]).unwrap_or("")
    }

    fn absolute(&self, module: &str) -> Option<String> {
        match self.ctx.module {
            Some(names) => names.absolute(module),
            // Outside a package only absolute imports resolve.
            None => crate::python::modules::absolute_import(None, module),
        }
    }

    /// Is `last` a rule's last name, or another name a rule's function is
    /// re-exported under?
    fn knows_last(&self, last: &str) -> bool {
        self.rules.has_last(last) || self.ctx.index.is_some_and(|i| !i.renamed(last).is_empty())
    }

    /// The rule whose function `qualified` resolves to under another name than its
    /// own: decided by resolution, never by the name alone.
    fn renamed_rule(&self, lasts: &[&str], qualified: Option<&str>) -> Option<&'a Rule> {
        let (index, q) = (self.ctx.index?, qualified?);
        lasts
            .iter()
            .flat_map(|l| index.renamed(l))
            .find(|r| index.same(q, &r.via))
            .and_then(|r| self.rules.iter().find(|rule| rule.name() == r.rule))
    }

    fn bare_rule(&self, last: &str) -> Option<&'a Rule> {
        self.rules.by_last(last).find(|r| !r.is_qualified())
    }

    /// What a function reached as `last` refers to, given its full name `qualified`
    /// when the file's imports tell it. Re-exports are followed through the index; a
    /// name that ends at an `async def` is never a match.
    fn verdict_for(&self, last: &str, qualified: Option<&str>) -> Verdict<'a> {
        let (chain, def) = match (qualified, self.ctx.index) {
            (Some(q), Some(index)) => index.chain(q),
            (Some(q), None) => (vec![q.to_string()], None),
            (None, _) => (Vec::new(), None),
        };
        let lasts: Vec<&str> = std::iter::once(last)
            .chain(chain.iter().map(|q| q.rsplit('.').next().unwrap_or(q)))
            .collect();
        let relevant = lasts.iter().any(|l| self.knows_last(l));
        if !relevant {
            return Verdict::No;
        }
        let rule = self.naming_rule(last, qualified, &chain);
        match def {
            // An `async def` keeps the await, and says so, only when it could be what a
            // rule names: a qualified rule's unrelated async fake is not its function.
            Some(Entry::Def {
                is_async: true, at, ..
            })
            | Some(Entry::Method { is_async: true, at }) => {
                let bare = chain
                    .iter()
                    .filter_map(|q| q.rsplit('.').next())
                    .any(|l| self.bare_rule(l).is_some());
                return match rule.is_some() || bare {
                    true => Verdict::Async(at.clone()),
                    false => Verdict::AsyncOther(at.clone()),
                };
            }
            // A method of a class: a function rule does not name it.
            Some(Entry::Method { .. }) => return Verdict::No,
            // Nor an attribute of a class or an object of a module of the tree (an
            // inherited method, say): only a module's attribute can be its function.
            None if self.owned(&chain) => return Verdict::No,
            _ => {}
        }
        match rule {
            Some(rule) => self.unless_decorated(rule, def),
            None => Verdict::No,
        }
    }

    /// Does the end of `chain` lie in a class or an object of a module of the tree?
    fn owned(&self, chain: &[String]) -> bool {
        let (Some(index), Some(end)) = (self.ctx.index, chain.last()) else {
            return false;
        };
        index.owner(end).is_some()
    }

    /// The rule that names the function reached as `last` (full name `qualified`,
    /// re-exported along `chain`): a qualified rule whose chain meets the callee's, else
    /// a bare rule of the last name.
    fn naming_rule(
        &self,
        last: &str,
        qualified: Option<&str>,
        chain: &[String],
    ) -> Option<&'a Rule> {
        let qualified_match = self.rules.by_last(last).chain(
            // Through an alias the last name can differ from the rule's.
            chain
                .iter()
                .filter_map(|q| q.rsplit('.').next())
                .filter(|l| *l != last)
                .flat_map(|l| self.rules.by_last(l)),
        );
        for rule in qualified_match.filter(|r| r.is_qualified()) {
            // The rule and the callee name the same function when their chains meet:
            // the same name, re-exported, or spelled through another name of its module.
            let same = match (self.ctx.index, qualified) {
                (Some(index), Some(q)) => index.same(q, rule.name()),
                (None, Some(q)) => q == rule.name(),
                (_, None) => false,
            };
            if same {
                return Some(rule);
            }
        }
        // Re-exported under another name than the rule's (`from .mod import func as
        // alias`): the same function, either way round.
        let lasts: Vec<&str> = std::iter::once(last)
            .chain(chain.iter().map(|q| q.rsplit('.').next().unwrap_or(q)))
            .collect();
        self.renamed_rule(&lasts, qualified)
            .or_else(|| self.bare_rule(last))
    }

    /// `name(...)`.
    fn judge_name(&self, scope: usize, name: &str) -> Verdict<'a> {
        let Some((bound_in, bindings)) = self.facts.resolve_with_scope(scope, name) else {
            // Not bound in this file: a builtin, or a star import brought it.
            if !self.knows_last(name) {
                return Verdict::No;
            }
            // Which star import binds it is not known here (the last one that defines
            // it wins): an `async def` behind any of them keeps the await. A module of
            // the tree whose `__all__` (or the name's `_`) keeps the name to itself
            // does not bring it; a module from outside the tree may.
            let mut from_star = None;
            for m in &self.facts.star_imports {
                let Some(module) = self.absolute(m) else {
                    continue;
                };
                let index = self.ctx.index;
                if index.and_then(|i| i.brings(&module, name)) == Some(false) {
                    continue;
                }
                match self.verdict_for(name, Some(&format!("{module}.{name}"))) {
                    v @ Verdict::Async(_) => return v,
                    Verdict::No => {}
                    v => {
                        from_star.get_or_insert(v);
                    }
                }
            }
            return from_star.unwrap_or_else(|| self.verdict_for(name, None));
        };
        let judged = bindings
            .iter()
            .map(|b| (self.judge_binding(name, bound_in, b), self.binding_site(b)));
        combine(judged.collect())
    }

    /// What one binding of `name`, bound in scope `bound_in`, refers to.
    fn judge_binding(&self, name: &str, bound_in: usize, b: &Binding) -> Verdict<'a> {
        match b {
            Binding::Def {
                is_async: true, at, ..
            } => {
                // Kept only when a rule could name it: a bare rule of its name, or a
                // qualified rule of this module's own function.
                let qualified = match (bound_in, self.ctx.module) {
                    (0, Some(m)) => Some(format!("{}.{name}", m.primary.name)),
                    _ => None,
                };
                match self.naming_rule(name, qualified.as_deref(), &[]) {
                    Some(_) => Verdict::Async(self.here(*at)),
                    None => Verdict::AsyncOther(self.here(*at)),
                }
            }
            Binding::Def {
                is_async: false,
                at,
                decorators,
                fallback,
            } => {
                // The file's own `def` decides on its decorators, not the index.
                let decorated = self.unsafe_decorator_here(decorators, bound_in);
                let qualified = match (bound_in, self.ctx.module) {
                    (0, Some(m)) => Some(format!("{}.{name}", m.primary.name)),
                    _ => None,
                };
                match (decorated, *fallback) {
                    (None, true) => Verdict::StandIn,
                    (decorated, _) => match self.verdict_for(name, qualified.as_deref()) {
                        Verdict::Match(rule) | Verdict::Decorated { rule, .. } => match decorated {
                            Some(decorator) => Verdict::Decorated {
                                rule,
                                decorator,
                                at: self.here(*at),
                            },
                            None => Verdict::Match(rule),
                        },
                        v => v,
                    },
                }
            }
            Binding::From {
                module,
                name: imported,
                ..
            } => {
                let qualified = self.absolute(module).map(|m| format!("{m}.{imported}"));
                self.verdict_for(imported, qualified.as_deref())
            }
            Binding::StandIn {
                awaitable: true,
                at,
            } => Verdict::AsyncMock(self.here(*at)),
            Binding::StandIn { .. } => Verdict::StandIn,
            Binding::Module { .. } | Binding::Other { .. } => Verdict::No,
        }
    }

    /// `root.a.b.last(...)` where the chain is made of plain names.
    fn judge_chain(&self, scope: usize, root: &str, rest: &[&str]) -> Option<Verdict<'a>> {
        let last = *rest.last()?;
        let bindings = self.facts.resolve(scope, root)?;
        // A stand-in for a failed import of the module is judged as itself.
        let stand_in = |b: &Binding| match b {
            Binding::StandIn {
                awaitable: true,
                at,
            } => Some(Verdict::AsyncMock(self.here(*at))),
            Binding::StandIn { .. } => Some(Verdict::StandIn),
            _ => None,
        };
        let modules: Vec<Result<Option<String>, Verdict<'a>>> = bindings
            .iter()
            .map(|b| match b {
                Binding::Module { module } => Some(Ok(Some(module.clone()))),
                Binding::From { module, name, .. } => {
                    let imported = self.absolute(module).map(|m| format!("{m}.{name}"));
                    match imported {
                        // Something of a module of the tree that is no module of it
                        // (an object, a class): not a module attribute.
                        Some(q) if self.imports_no_module(&q) => Some(Err(Verdict::No)),
                        q => Some(Ok(q)),
                    }
                }
                _ => stand_in(b).map(Err),
            })
            .collect::<Option<Vec<_>>>()?;
        if modules.iter().all(Result::is_err) {
            return None;
        }
        // Every binding of the root is an import: this is a module attribute.
        let judged = modules.into_iter().zip(bindings).map(|(module, b)| {
            let verdict = match module {
                Ok(module) => {
                    let qualified = module.map(|m| format!("{m}.{}", rest.join(".")));
                    self.verdict_for(last, qualified.as_deref())
                }
                Err(stand_in) => stand_in,
            };
            (verdict, self.binding_site(b))
        });
        Some(combine(judged.collect::<Vec<Judged<'a>>>()))
    }

    /// The verdict on a call's callee and the node of its last identifier.
    fn judge_callee(&self, scope: usize, callee: Node<'t>) -> Option<(Verdict<'a>, Node<'t>)> {
        let callee = unparenthesize(callee);
        match callee.kind() {
            "identifier" => Some((self.judge_name(scope, self.text_of(callee)), callee)),
            "attribute" => {
                let last_node = callee.child_by_field_name("attribute")?;
                let last = self.text_of(last_node);
                let chain = name_chain(callee, self.text);
                let verdict = chain
                    .filter(|_| self.knows_last(last))
                    .and_then(|(root, parts)| {
                        self.judge_chain(scope, root, &parts)
                            .or_else(|| self.async_method_of_class_here(scope, root, &parts))
                    })
                    .unwrap_or(Verdict::No);
                match verdict {
                    Verdict::No => match self.rules.method(last) {
                        Some(method) => {
                            let verdict = self
                                .async_method_of_class(scope, callee)
                                .unwrap_or(Verdict::Match(method));
                            Some((verdict, last_node))
                        }
                        None => Some((Verdict::No, last_node)),
                    },
                    v => Some((v, last_node)),
                }
            }
            _ => None,
        }
    }

    fn finding(&self, site: crate::python::facts::AwaitSite<'t>) -> Option<Finding> {
        let lines = self.lines;
        let operand = unparenthesize(await_operand(site.node)?);
        if operand.kind() != "call" {
            return None;
        }
        let callee = operand.child_by_field_name("function")?;
        let (verdict, last_node) = self.judge_callee(site.scope, callee)?;
        let keyword = site.node.child(0)?;
        let rule = match verdict {
            Verdict::Match(rule) => rule,
            Verdict::No | Verdict::AsyncOther(_) => {
                // A rule's name, but not (known to be) the rule's function: say so.
                let (why, rule) = self.left(site.scope, callee, last_node)?;
                return Some(Finding {
                    keyword: keyword.byte_range(),
                    expr: site.node.byte_range(),
                    callee_name: last_node.byte_range(),
                    callee: written_callee(callee, last_node, self.text),
                    function: rule.name().to_string(),
                    action: Action::Left(why),
                    import: None,
                    fix: Vec::new(),
                });
            }
            other => {
                // What the name refers to keeps it: reported before any other reason.
                let (why, rule) = other.kept()?;
                return Some(Finding {
                    keyword: keyword.byte_range(),
                    expr: site.node.byte_range(),
                    callee_name: last_node.byte_range(),
                    callee: written_callee(callee, last_node, self.text),
                    function: rule.map_or(self.text_of(last_node), Rule::name).to_string(),
                    action: Action::Kept(why),
                    import: None,
                    fix: Vec::new(),
                });
            }
        };
        let start_line = lines.line_of(keyword.start_byte());
        let end_line = lines.line_of(site.node.end_byte());
        let ignored = self.ignored_lines.binary_search(&start_line).is_ok()
            || self.ignored_lines.binary_search(&end_line).is_ok();
        let in_raises = self.raises.contains(keyword.byte_range());
        let action = if self.facts.skip_file.is_some() {
            Action::Kept(KeptReason::SkipFile)
        } else if ignored {
            Action::Kept(KeptReason::IgnoreComment)
        } else if in_raises && self.options.keep_in_raises {
            Action::Kept(KeptReason::Raises)
        } else {
            match &rule.twin {
                Some(new) => Action::ReplaceWith(new.clone()),
                None => Action::RemoveAwait,
            }
        };
        // A renamed bare name needs its import to bring the new name too.
        let import = match (&action, unparenthesize(callee).kind()) {
            (Action::ReplaceWith(_), "identifier") => self
                .facts
                .resolve(site.scope, self.text_of(last_node))
                .and_then(|bs| {
                    bs.iter().find_map(|b| match b {
                        Binding::From { site, .. } => Some(site.clone()),
                        _ => None,
                    })
                }),
            _ => None,
        };
        Some(Finding {
            keyword: keyword.byte_range(),
            expr: site.node.byte_range(),
            callee_name: last_node.byte_range(),
            callee: written_callee(callee, last_node, self.text),
            function: rule.name().to_string(),
            action,
            import,
            fix: Vec::new(),
        })
    }
}

/// The lines carrying `# unawait: ignore`, sorted, for a binary search.
pub fn ignored_lines(facts: &FileFacts<'_>, lines: &LineIndex) -> Vec<usize> {
    let mut out: Vec<usize> = facts
        .ignore_comments
        .iter()
        .map(|&c| lines.line_of(c))
        .collect();
    out.sort_unstable();
    out
}

/// Every matching await of a file, in source order.
pub fn find(
    facts: &FileFacts<'_>,
    text: &[u8],
    rules: &RuleSet,
    options: FixOptions,
    ctx: FileContext<'_>,
    lines: &LineIndex,
) -> Vec<Finding> {
    let ignored_lines = ignored_lines(facts, lines);
    let raises = RaisesBlocks::new(&facts.raises_blocks);
    let m = Matcher {
        rules,
        facts,
        text,
        ctx,
        options,
        lines,
        ignored_lines,
        raises,
    };
    let mut out: Vec<Finding> = facts.awaits.iter().filter_map(|s| m.finding(*s)).collect();
    out.sort_by_key(|f| f.keyword.start);
    out
}

#[cfg(test)]
mod tests;
