//! What every `check` format says about a finding: the code, the messages, and where
//! the deletion that fixes it lies.
//!
//! Positions are 1-based lines and 1-based columns counted in Unicode code points; an
//! end column points just past the last character, as in SARIF and ruff's JSON.

use crate::fix::engine::Located;
use crate::fix::kept::KeptReason;
use crate::fix::left::LeftReason;
use crate::fix::matcher::Action;

pub const CODE: &str = "UNA001";

/// The last name of the rule (`get_client` for `pkg.api.get_client`).
fn rule_name(f: &Located) -> &str {
    let rule = &f.finding.function;
    rule.rsplit('.').next().unwrap_or(rule)
}

/// Whether the line calls the rule's function by another name: an import alias
/// (`from api import get_client as make_client`) or a renamed re-export.
fn is_alias(f: &Located) -> bool {
    let written = f.finding.callee.rsplit('.').next();
    written != Some(rule_name(f))
}

/// The checker and its rule, for a finding a type checker's diagnostic made (its
/// `function` is written `ty: invalid-await`).
pub fn by_checker(f: &Located) -> Option<&str> {
    let function = f.finding.function.as_str();
    crate::diagnostics::Checker::ALL
        .iter()
        .any(|c| {
            function
                .strip_prefix(c.name())
                .is_some_and(|rest| rest.starts_with(": "))
        })
        .then_some(function)
}

/// The call as the line writes it, then the rule: `` `m.get_client()` (rule
/// `get_client`) ``, or `` `make_client()` (alias of rule `get_client`) ``.
fn call_and_rule(f: &Located) -> String {
    if let Some(checker) = by_checker(f) {
        return format!("`{}()` (flagged by {checker})", f.finding.callee);
    }
    let what = if is_alias(f) { "alias of rule" } else { "rule" };
    format!("`{}()` ({what} `{}`)", f.finding.callee, f.finding.function)
}

/// The call as the line writes it, with the rule only when the line uses another
/// name for it: for notes on kept awaits (`` `m.get()` ``, `` `g()` (alias of rule
/// `get`) ``).
pub fn kept_call(f: &Located) -> String {
    let mut s = format!("`{}()`", f.finding.callee);
    if by_checker(f).is_none()
        && is_alias(f)
        && !matches!(f.finding.action, Action::Kept(KeptReason::AsyncDef { .. }))
    {
        s.push_str(&format!(" (alias of rule `{}`)", f.finding.function));
    }
    s
}

/// The message for a finding that would be fixed; `None` for a kept one.
pub fn message(f: &Located) -> Option<String> {
    match &f.finding.action {
        Action::RemoveAwait if by_checker(f).is_some() => Some(format!(
            "`await` on {}, not awaitable: remove the `await`",
            call_and_rule(f)
        )),
        Action::RemoveAwait => Some(format!(
            "`await` on synchronous {}: remove the `await`",
            call_and_rule(f)
        )),
        Action::ReplaceWith(new) => Some(format!(
            "`await` on synchronous {}: call its async twin `{new}()`",
            call_and_rule(f)
        )),
        Action::Kept(_) | Action::Left(_) => None,
    }
}

pub fn kept_message(f: &Located, why: &KeptReason) -> String {
    format!("`await` on {} kept: {}", kept_call(f), why.describe())
}

/// The code of an await left on a rule's name: a report, not a problem to fix.
pub const LEFT_CODE: &str = "UNA002";

/// The call as the line writes it, and the rule whose name it ends with.
pub fn left_call(f: &Located) -> String {
    if let Some(checker) = by_checker(f) {
        return match &f.finding.action {
            Action::Left(why) if f.finding.callee.is_empty() || why.key() == "not-a-call" => {
                match f.finding.callee.as_str() {
                    "" => format!("a diagnostic of {checker}"),
                    operand => format!("`{operand}` (flagged by {checker})"),
                }
            }
            _ => format!("`{}()` (flagged by {checker})", f.finding.callee),
        };
    }
    format!("`{}()` (rule `{}`)", f.finding.callee, f.finding.function)
}

pub fn left_message(f: &Located, why: &LeftReason) -> String {
    format!(
        "`await` on {} left unchanged: {}",
        left_call(f),
        why.describe()
    )
}

/// Where the deletion that fixes `f` starts and ends, for a finding whose fix removes
/// the `await`: the keyword and the blanks after it, all ASCII on one line, so the end
/// column is the start column plus the deleted length.
pub fn deletion(f: &Located) -> Option<(usize, usize, usize, usize)> {
    match (&f.finding.action, f.finding.fix.as_slice()) {
        (Action::RemoveAwait, [e]) if e.replacement.is_empty() => {
            Some((f.line, f.col, f.line, f.col + e.range.len()))
        }
        _ => None,
    }
}
