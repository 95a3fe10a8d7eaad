//! Awaits on a rule's name that unawait leaves unchanged because the call is not
//! (or cannot be shown to be) the rule's function: why, as a [`LeftReason`].
//!
//! A *kept* await is the rule's function and stays for a reason of its own (an `async
//! def`, a comment, a block that expects the `TypeError`). A *left* one is not known
//! to be the rule's function: the name is bound to something else, the receiver is
//! not an import, a qualified rule resolves it elsewhere. Each is reported, so that a
//! run never misses an await on a rule's name without a word.

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
        bound: Option<(String, DefSite)>,
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
                    Some((what, site)) => format!("`{receiver}` ({what}, {site})"),
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
        }
    }

    /// The places in the file being fixed that the reason names, for embedded code
    /// whose lines are not the file's.
    pub fn sites_here_mut(&mut self) -> Vec<&mut usize> {
        let site: Option<&mut DefSite> = match self {
            LeftReason::Shadowed { at, .. } | LeftReason::ClassReceiver { at, .. } => at.as_mut(),
            LeftReason::Receiver { bound, .. } => bound.as_mut().map(|(_, s)| s),
            LeftReason::DynamicImport { at, .. } => Some(at),
            LeftReason::OtherFunction { .. } | LeftReason::Unresolved { .. } => None,
        };
        site.into_iter()
            .filter_map(|s| match s {
                DefSite::Here { line } => Some(line),
                DefSite::Module { .. } => None,
            })
            .collect()
    }
}
