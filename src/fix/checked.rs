//! Awaits a type checker flagged, made findings: a diagnostic that proves the await
//! removable ([`diagnostics::resolve`] says `Edit`) becomes a `RemoveAwait` with the
//! same edit as a rule's, unless a kept rule applies (skip-file, an ignore comment, a
//! raises block); every other diagnostic is *left* with the checker's reason.
//!
//! With name rules as well, the two are intersected: only an await the checker proves
//! and a rule names is fixed. A proven await that no rule names is left (`not-a-rule`),
//! and a rule's await the checker did not flag is left (`not-flagged`), so that nothing
//! is silent.

use std::ops::Range;

use tree_sitter::Node;

use crate::diagnostics::{self, Checker, Diagnostic, Outcome};
use crate::fix::edit::{await_deletion, Edit};
use crate::fix::kept::{KeptReason, RaisesBlocks};
use crate::fix::left::LeftReason;
use crate::fix::matcher::{Action, Finding, FixOptions};
use crate::python::facts::FileFacts;
use crate::python::lines::LineIndex;
use crate::python::parse::{await_operand, unparenthesize, written_callee};

/// One file's diagnostics, for the fixer.
#[derive(Clone, Copy, Debug)]
pub struct Checked<'a> {
    /// The diagnostics about this file (possibly none: the checker flagged nothing in it).
    pub diagnostics: &'a [Diagnostic],
    /// Does the run have name rules? Then the checker's proofs are scoped to them.
    pub with_rules: bool,
}

/// What a finding made from a diagnostic names as its function: `ty: invalid-await`.
pub fn function_of(d: &Diagnostic) -> String {
    format!("{}: {}", d.checker, d.code)
}

struct Context<'a, 't> {
    source: &'a [u8],
    text: &'a [u8],
    root: Node<'t>,
    facts: &'a FileFacts<'t>,
    lines: &'a LineIndex,
    options: FixOptions,
    ignored_lines: Vec<usize>,
    raises: RaisesBlocks,
}

impl Context<'_, '_> {
    /// What a kept rule makes of an await that would go, or `RemoveAwait`.
    fn action(&self, keyword: Range<usize>, expr: &Range<usize>) -> Action {
        let start_line = self.lines.line_of(keyword.start);
        let end_line = self.lines.line_of(expr.end);
        let ignored = self.ignored_lines.binary_search(&start_line).is_ok()
            || self.ignored_lines.binary_search(&end_line).is_ok();
        if self.facts.skip_file.is_some() {
            Action::Kept(KeptReason::SkipFile)
        } else if ignored {
            Action::Kept(KeptReason::IgnoreComment)
        } else if self.options.keep_in_raises && self.raises.contains(keyword) {
            Action::Kept(KeptReason::Raises)
        } else {
            Action::RemoveAwait
        }
    }

    /// The `await` node of `range`, and its callee as written (the operand's text when
    /// it is not a call).
    fn await_node(&self, range: &Range<usize>) -> Option<(Node<'_>, String, Range<usize>)> {
        let mut node = self
            .root
            .descendant_for_byte_range(range.start, range.end)?;
        while node.kind() != "await" || node.byte_range() != *range {
            node = node.parent()?;
        }
        let operand = unparenthesize(await_operand(node)?);
        Some(match operand.child_by_field_name("function") {
            Some(f) if operand.kind() == "call" => {
                let f = unparenthesize(f);
                let last = match f.kind() {
                    "attribute" => f.child_by_field_name("attribute").unwrap_or(f),
                    _ => f,
                };
                (node, written_callee(f, last, self.text), last.byte_range())
            }
            _ => {
                let t = String::from_utf8_lossy(&self.text[operand.byte_range()]);
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                (node, t, operand.byte_range())
            }
        })
    }

    /// A finding at the start of the diagnostic's line (or the end of the file), for a
    /// diagnostic that names no await.
    fn nowhere(&self, d: &Diagnostic, action: Action) -> Finding {
        let mut at = 0;
        let mut line = 1;
        for (i, &b) in self.source.iter().enumerate() {
            if line >= d.line() {
                break;
            }
            if b == b'\n' {
                line += 1;
                at = i + 1;
            }
        }
        if line < d.line() {
            at = self.source.len();
        }
        Finding {
            keyword: at..at,
            expr: at..at,
            callee_name: at..at,
            callee: String::new(),
            function: function_of(d),
            action,
            import: None,
            fix: Vec::new(),
        }
    }
}

/// Merge the diagnostics of `checked` into the rules' `findings` of one file.
#[allow(clippy::too_many_arguments)]
pub fn merge<'t>(
    source: &[u8],
    text: &[u8],
    root: Node<'t>,
    facts: &FileFacts<'t>,
    lines: &LineIndex,
    options: FixOptions,
    checked: Checked<'_>,
    mut findings: Vec<Finding>,
) -> Vec<Finding> {
    let ignored_lines = crate::fix::matcher::ignored_lines(facts, lines);
    let cx = Context {
        source,
        text,
        root,
        facts,
        lines,
        options,
        ignored_lines,
        raises: RaisesBlocks::new(&facts.raises_blocks),
    };
    let named: Vec<&Diagnostic> = checked.diagnostics.iter().collect();
    let mapped = diagnostics::resolve(source, &named);
    // Which of the rules' findings the checker flagged.
    let mut flagged = vec![false; findings.len()];
    let mut added = Vec::new();
    for m in mapped {
        let first = named[m.diagnostics[0]];
        let checker: Checker = first.checker;
        let Some(range) = m.await_range.clone() else {
            if let Outcome::Left(why) = m.outcome {
                added.push(cx.nowhere(first, Action::Left(LeftReason::Checker { checker, why })));
            }
            continue;
        };
        if let Some(i) = findings.iter().position(|f| f.expr == range) {
            flagged[i] = true;
            let f = &mut findings[i];
            match (m.outcome, &f.action) {
                // Proven, and the rule names it: the rule's own finding stands; one
                // the rule could not resolve (a receiver that is not an import) the
                // checker's proof settles.
                (Outcome::Edit, Action::Left(_)) => {
                    f.action = cx.action(f.keyword.clone(), &f.expr);
                    if f.action == Action::RemoveAwait {
                        f.fix = vec![Edit::delete(await_deletion(source, f.keyword.clone()))];
                    }
                }
                (Outcome::Edit, _) => {}
                // Not proven: a rule's removal waits for the checker's proof.
                (Outcome::Left(why), Action::RemoveAwait | Action::Left(_)) => {
                    f.action = Action::Left(LeftReason::Checker { checker, why });
                    f.fix.clear();
                }
                (Outcome::Left(_), _) => {}
            }
            continue;
        }
        let Some((node, callee, callee_name)) = cx.await_node(&range) else {
            continue;
        };
        let Some(keyword) = node.child(0).map(|k| k.byte_range()) else {
            continue;
        };
        let (action, fix) = match m.outcome {
            Outcome::Edit if checked.with_rules => {
                (Action::Left(LeftReason::NotARule { checker }), Vec::new())
            }
            Outcome::Edit => match cx.action(keyword.clone(), &range) {
                Action::RemoveAwait => (
                    Action::RemoveAwait,
                    vec![Edit::delete(await_deletion(source, keyword.clone()))],
                ),
                kept => (kept, Vec::new()),
            },
            Outcome::Left(why) => (
                Action::Left(LeftReason::Checker { checker, why }),
                Vec::new(),
            ),
        };
        added.push(Finding {
            keyword,
            expr: range,
            callee_name,
            callee,
            function: function_of(first),
            action,
            import: None,
            fix,
        });
    }
    // A rule's removal the checker did not flag is not proven.
    for (f, flagged) in findings.iter_mut().zip(flagged) {
        if !flagged && f.action == Action::RemoveAwait {
            f.action = Action::Left(LeftReason::NotFlagged);
            f.fix.clear();
        }
    }
    findings.extend(added);
    findings.sort_by_key(|f| (f.keyword.start, f.expr.end));
    findings
}
