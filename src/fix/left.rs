//! Awaits on a rule's name that unawait leaves unchanged because the call is not
//! (or cannot be shown to be) the rule's function: why, as a [`LeftReason`].
//!
//! A *kept* await is the rule's function and stays for a reason of its own (an `async
//! def`, a comment, a block that expects the `TypeError`). A *left* one is not known
//! to be the rule's function: the name is bound to something else, the receiver is
//! not an import, a qualified rule resolves it elsewhere. Each is reported, so that a
//! run never misses an await on a rule's name without a word.

use crate::diagnostics::{self, Checker, NoAwait, TypeVerdict};
use crate::fix::kept::DefSite;

/// Why an await whose callee ends with a rule's name was not matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeftReason {
    /// The name is bound in this file to something that is not the rule's function:
    /// `what` ("a parameter"), at `at`.
    Shadowed { what: String, at: Option<DefSite> },
    /// `receiver.f()` where the receiver is not an import: a variable, a parameter,
    /// `self`, a call's result. `bound` says what the receiver's root is, when the
    /// file binds it.
    Receiver {
        receiver: String,
        method: String,
        bound: Option<(String, Option<DefSite>)>,
    },
    /// `m.f()` where `m` is a module imported at run time (`importlib.import_module`).
    DynamicImport {
        receiver: String,
        method: String,
        at: DefSite,
    },
    /// `C.f()` where `C` is a class: the rule names a function.
    ClassReceiver {
        class: String,
        method: String,
        at: Option<DefSite>,
    },
    /// A qualified rule, and a call that resolves to another function: `resolved`.
    OtherFunction { resolved: String, rule: String },
    /// A qualified rule, and a name this file does not import: a builtin, a name a
    /// star import may bring, or undefined.
    Unresolved { rule: String, star: bool },
    /// A type checker flagged the await, but its diagnostic does not prove that the
    /// await can go (`why`), or names no await of the file as it is now.
    Checker {
        checker: Checker,
        why: diagnostics::Left,
    },
    /// The checker proved the await removable, but no rule of the run names the callee:
    /// with rules, only what they name is fixed.
    NotARule { checker: Checker },
    /// A rule names the callee, but the type checker did not flag this await: with
    /// diagnostics, only what the checker proves is fixed.
    NotFlagged,
}

impl LeftReason {
    /// A short, stable key for summaries and JSON.
    pub fn key(&self) -> &'static str {
        match self {
            LeftReason::Shadowed { .. } => "shadowed",
            LeftReason::Receiver { .. } => "receiver-not-import",
            LeftReason::DynamicImport { .. } => "dynamic-import",
            LeftReason::ClassReceiver { .. } => "class-receiver",
            LeftReason::OtherFunction { .. } => "other-function",
            LeftReason::Unresolved { .. } => "unresolved",
            LeftReason::Checker { why, .. } => match why {
                diagnostics::Left::NoAwait(NoAwait::Gone) => "no-await-here",
                diagnostics::Left::NoAwait(NoAwait::Ambiguous { .. }) => "ambiguous-position",
                diagnostics::Left::NotACall => "not-a-call",
                diagnostics::Left::Type(v) => match v {
                    TypeVerdict::AsyncContextManager { .. } => "async-context-manager",
                    TypeVerdict::AsyncIterator { .. } => "async-iterator",
                    TypeVerdict::MembersOnly { .. } => "members-only",
                    TypeVerdict::Unknown => "no-type",
                    TypeVerdict::MayBeAwaitable { .. } | TypeVerdict::NotAwaitable { .. } => {
                        "type-may-be-awaitable"
                    }
                },
            },
            LeftReason::NotARule { .. } => "not-a-rule",
            LeftReason::NotFlagged => "not-flagged",
        }
    }

    pub fn describe(&self) -> String {
        let at = |at: &Option<DefSite>| at.as_ref().map(|a| format!(" at {a}")).unwrap_or_default();
        match self {
            LeftReason::Shadowed { what, at: site } => {
                format!("the name is bound here to {what}{}, not to the rule's function", at(site))
            }
            LeftReason::Receiver {
                receiver,
                method,
                bound,
            } => {
                let what = match bound {
                    Some((what, Some(site))) => format!("`{receiver}` ({what}, {site})"),
                    Some((what, None)) => format!("`{receiver}` ({what})"),
                    None => format!("`{receiver}`"),
                };
                format!(
                    "the receiver {what} is not an imported module; `--method {method}` would include it"
                )
            }
            LeftReason::DynamicImport {
                receiver,
                method,
                at,
            } => format!(
                "`{receiver}` is a module imported at run time ({at}), which unawait does not follow; `--method {method}` would include it"
            ),
            LeftReason::ClassReceiver { class, method, at: site } => format!(
                "`{class}` is a class{}: the rule names a function; `--method {method}` would include it",
                at(site)
            ),
            LeftReason::OtherFunction { resolved, rule } => {
                format!("the call resolves to `{resolved}`, not to the rule's `{rule}`")
            }
            LeftReason::Unresolved { rule, star } => {
                let why = if *star {
                    "this file does not import it by name (a star import may bring it)"
                } else {
                    "this file does not import it"
                };
                format!("{why}, so the qualified rule `{rule}` cannot tell what it is")
            }
            LeftReason::Checker { why, .. } => why.describe(),
            LeftReason::NotARule { checker } => {
                format!("{checker} proves it is not awaitable, but no rule names the callee")
            }
            LeftReason::NotFlagged => {
                "a rule names it, but the type checker did not flag this await".to_string()
            }
        }
    }

    /// The places in the file being fixed that the reason names, for embedded code
    /// whose lines are not the file's.
    pub fn sites_here_mut(&mut self) -> Vec<&mut usize> {
        let site: Option<&mut DefSite> = match self {
            LeftReason::Shadowed { at, .. } | LeftReason::ClassReceiver { at, .. } => at.as_mut(),
            LeftReason::Receiver { bound, .. } => bound.as_mut().and_then(|(_, s)| s.as_mut()),
            LeftReason::DynamicImport { at, .. } => Some(at),
            LeftReason::OtherFunction { .. }
            | LeftReason::Unresolved { .. }
            | LeftReason::Checker { .. }
            | LeftReason::NotARule { .. }
            | LeftReason::NotFlagged => None,
        };
        site.into_iter()
            .filter_map(|s| match s {
                DefSite::Here { line } => Some(line),
                DefSite::Module { .. } => None,
            })
            .collect()
    }
}
