//! What a callee refers to: one verdict per binding that may reach the call, and how
//! they combine into the verdict on the call.
//!
//! Python decides at run time which binding a name has when several may reach a call
//! (an `if` with a definition in each branch, a `try` import with an `except
//! ImportError:` fallback). The await goes only when none of them can be awaited and
//! the rule's function is among them; when one can (an `async def`, an import of one,
//! an `AsyncMock`), it is kept and reported with where both are. This module only
//! combines verdicts; the matcher reaches them.

use crate::fix::kept::{Awaitable, DefSite, KeptReason};
use crate::fix::rules::Rule;

/// What a callee, or one binding of its name, refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<'r> {
    /// The rule's function.
    Match(&'r Rule),
    /// The rule's function, a `def` at `at` whose decorator (`decorator`, as written)
    /// may make it awaitable.
    Decorated {
        rule: &'r Rule,
        decorator: String,
        at: DefSite,
    },
    /// An `async def`, and where it is.
    Async(DefSite),
    /// An `async def` that no rule of the run names (under a qualified rule, a test
    /// double of the same name): it keeps the await only beside a binding that is the
    /// rule's function, since either may run; alone it is another function.
    AsyncOther(DefSite),
    /// A stand-in for a failed import that cannot be awaited (`None`, a mock, a lambda,
    /// a fallback `def`): it neither matches nor stands in the way.
    StandIn,
    /// An `AsyncMock` standing in for a failed import, bound at this line.
    AsyncMock(DefSite),
    /// Several bindings, one of which can be awaited.
    MayBeAsync {
        awaitable: Awaitable,
        other: Option<DefSite>,
    },
    /// Not the rule's function.
    No,
}

impl<'r> Verdict<'r> {
    /// Why a call with this verdict is kept, and the rule it matched when it did;
    /// `None` when it is fixed (`Match`) or not a rule's call at all.
    pub fn kept(self) -> Option<(KeptReason, Option<&'r Rule>)> {
        match self {
            Verdict::Async(at) => Some((KeptReason::AsyncDef { at }, None)),
            Verdict::MayBeAsync { awaitable, other } => {
                Some((KeptReason::MayBeAsync { awaitable, other }, None))
            }
            Verdict::Decorated {
                rule,
                decorator,
                at,
            } => Some((KeptReason::Decorated { decorator, at }, Some(rule))),
            Verdict::Match(_)
            | Verdict::StandIn
            | Verdict::AsyncMock(_)
            | Verdict::AsyncOther(_)
            | Verdict::No => None,
        }
    }

    /// Does this verdict make a call the rule's business, kept or fixed?
    fn is_relevant(&self) -> bool {
        matches!(
            self,
            Verdict::Match(_)
                | Verdict::Decorated { .. }
                | Verdict::Async(_)
                | Verdict::MayBeAsync { .. }
        )
    }
}

/// One binding's verdict, and where the binding is in the file when the facts say.
pub type Judged<'r> = (Verdict<'r>, Option<DefSite>);

/// The verdict on a call that `verdicts` (one per binding, in source order) may reach:
///
/// - none is the rule's function (or an `async def`): `No`;
/// - one can be awaited: kept, naming it (an `async def` of this file first, then one
///   elsewhere, then an `AsyncMock`) and, when there is one, another binding that is
///   neither a harmless stand-in nor another way to the same awaitable; with no such
///   other binding, a plain `Async`;
/// - one is not the rule's function: `No`;
/// - one is decorated: the first such;
/// - otherwise the first match. Harmless stand-ins change nothing.
pub fn combine<'r>(verdicts: Vec<Judged<'r>>) -> Verdict<'r> {
    if !verdicts.iter().any(|(v, _)| v.is_relevant()) {
        return Verdict::No;
    }
    let find = |p: &dyn Fn(&Verdict<'r>) -> bool| verdicts.iter().position(|(v, _)| p(v));
    let pick = find(&|v| matches!(v, Verdict::Async(DefSite::Here { .. })))
        .or_else(|| find(&|v| matches!(v, Verdict::Async(_))))
        .or_else(|| find(&|v| matches!(v, Verdict::MayBeAsync { .. })))
        .or_else(|| find(&|v| matches!(v, Verdict::AsyncMock(_))))
        .or_else(|| find(&|v| matches!(v, Verdict::AsyncOther(_))));
    if let Some(i) = pick {
        // Another binding that may be what runs: not a harmless stand-in, and not one
        // more way to the same awaitable (`import m` and `import m.sub` both bind `m`).
        let picked = &verdicts[i].0;
        let other = verdicts
            .iter()
            .enumerate()
            .find(|(j, (v, _))| *j != i && *v != Verdict::StandIn && v != picked)
            .map(|(_, (_, at))| at.clone());
        let mut verdicts = verdicts;
        return match (verdicts.swap_remove(i).0, other) {
            (Verdict::Async(at), None) => Verdict::Async(at),
            (Verdict::Async(at), Some(other)) => Verdict::MayBeAsync {
                awaitable: Awaitable::AsyncDef(at),
                other,
            },
            (Verdict::AsyncOther(at), other) => Verdict::MayBeAsync {
                awaitable: Awaitable::AsyncDef(at),
                other: other.flatten(),
            },
            (Verdict::AsyncMock(at), other) => Verdict::MayBeAsync {
                awaitable: Awaitable::AsyncMock(at),
                other: other.flatten(),
            },
            (v, _) => v,
        };
    }
    if verdicts.iter().any(|(v, _)| *v == Verdict::No) {
        return Verdict::No;
    }
    let mut verdicts: Vec<Verdict<'r>> = verdicts.into_iter().map(|(v, _)| v).collect();
    let first = verdicts
        .iter()
        .position(|v| matches!(v, Verdict::Decorated { .. }))
        .or_else(|| verdicts.iter().position(|v| matches!(v, Verdict::Match(_))));
    first.map_or(Verdict::No, |i| verdicts.swap_remove(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::RuleSet;

    fn name(v: &Verdict<'_>) -> String {
        match v {
            Verdict::Match(r) => format!("match {}", r.name()),
            Verdict::Async(at) => format!("async {at}"),
            Verdict::Decorated { decorator, at, .. } => format!("decorated @{decorator} {at}"),
            Verdict::MayBeAsync { awaitable, other } => {
                let o = other.as_ref().map_or("?".to_string(), |o| o.to_string());
                match awaitable {
                    Awaitable::AsyncDef(at) => format!("may be async {at} or {o}"),
                    Awaitable::AsyncMock(at) => format!("may be AsyncMock {at} or {o}"),
                }
            }
            Verdict::StandIn => "stand-in".into(),
            Verdict::AsyncMock(at) => format!("AsyncMock {at}"),
            Verdict::AsyncOther(at) => format!("other async {at}"),
            Verdict::No => "no".into(),
        }
    }

    #[test]
    fn combine_names_what_may_be_awaited_and_where_the_other_binding_is() {
        let rs = RuleSet::new(&["a".into(), "b".into()], &[], &[]).unwrap();
        let (a, b) = (rs.function("a").unwrap(), rs.function("b").unwrap());
        let here = |line| Some(DefSite::Here { line });
        let there = DefSite::Module {
            path: "m.py".into(),
            line: 2,
        };
        let asy = |line| Verdict::Async(DefSite::Here { line });
        let deco = |line| Verdict::Decorated {
            rule: a,
            decorator: "d".into(),
            at: DefSite::Here { line },
        };
        let mock = |line| Verdict::AsyncMock(DefSite::Here { line });
        let cases: Vec<(Vec<Judged<'_>>, &str)> = vec![
            (vec![], "no"),
            (vec![(Verdict::Match(a), here(1))], "match a"),
            (
                vec![(Verdict::Match(a), here(1)), (Verdict::Match(b), here(2))],
                "match a",
            ),
            (
                vec![(Verdict::Match(a), here(1)), (Verdict::No, None)],
                "no",
            ),
            (
                vec![(Verdict::No, None), (Verdict::Match(a), here(1))],
                "no",
            ),
            // The fallback idiom: an import of the function, and `None` or a mock.
            (
                vec![(Verdict::Match(a), here(2)), (Verdict::StandIn, here(4))],
                "match a",
            ),
            (vec![(Verdict::StandIn, here(4))], "no"),
            (
                vec![(Verdict::No, here(2)), (Verdict::StandIn, here(4))],
                "no",
            ),
            // An AsyncMock only matters beside the function.
            (
                vec![(Verdict::Match(a), here(2)), (mock(4), here(4))],
                "may be AsyncMock line 4 or line 2",
            ),
            (vec![(Verdict::No, here(2)), (mock(4), here(4))], "no"),
            // One async def alone, or beside stand-ins: a plain async def.
            (vec![(asy(3), here(3))], "async line 3"),
            (
                vec![
                    (Verdict::Async(there.clone()), None),
                    (Verdict::Async(there.clone()), None),
                ],
                "async m.py:2",
            ),
            (
                vec![(asy(3), here(3)), (Verdict::StandIn, here(5))],
                "async line 3",
            ),
            // Beside another binding: both named; this file's async def first.
            (
                vec![(Verdict::Match(a), here(1)), (asy(3), here(3))],
                "may be async line 3 or line 1",
            ),
            (
                vec![(Verdict::No, None), (asy(3), here(3))],
                "may be async line 3 or ?",
            ),
            (
                vec![(Verdict::Async(there.clone()), here(1)), (asy(7), here(7))],
                "may be async line 7 or line 1",
            ),
            (
                vec![
                    (Verdict::Match(a), here(1)),
                    (Verdict::Async(there), here(4)),
                ],
                "may be async m.py:2 or line 1",
            ),
            // A decorated def keeps the await unless another binding is not the function.
            (
                vec![(Verdict::Match(a), here(1)), (deco(5), here(5))],
                "decorated @d line 5",
            ),
            (vec![(deco(5), here(5)), (Verdict::No, None)], "no"),
            (
                vec![(deco(5), here(5)), (asy(8), here(8))],
                "may be async line 8 or line 5",
            ),
        ];
        for (verdicts, want) in cases {
            let shown: Vec<String> = verdicts.iter().map(|(v, _)| name(v)).collect();
            assert_eq!(name(&combine(verdicts)), want, "{shown:?}");
        }
    }
}
