//! One file's diagnostics mapped onto its awaits and judged: an await becomes an edit
//! only when its operand is a call and the reported type is surely not awaitable;
//! every other diagnostic is *left*, with the reason. Whether a rule, a raises block or
//! an ignore comment keeps the await is the fixer's business, not decided here.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::python::parse::{await_operand, parse, parse_text, unparenthesize};

use super::{await_at, classify, locate, Diagnostic, NoAwait, TypeVerdict};

/// Why a diagnostic did not become an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Left {
    NoAwait(NoAwait),
    /// The operand is not a call (`await self._task`).
    NotACall,
    /// The type may be awaitable, or wants another fix.
    Type(TypeVerdict),
}

impl Left {
    pub fn describe(&self) -> String {
        match self {
            Left::NoAwait(n) => n.describe(),
            Left::NotACall => "operand is not a call".to_string(),
            Left::Type(v) => v.describe(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Remove the await.
    Edit,
    Left(Left),
}

/// The diagnostics that name one await (pyright gives one per union member), or one
/// diagnostic that names none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapped {
    /// Indices into the diagnostics given to [`resolve`].
    pub diagnostics: Vec<usize>,
    /// The `await` expression's bytes, when one was found.
    pub await_range: Option<Range<usize>>,
    /// Its operand's bytes, parentheses taken off.
    pub operand: Option<Range<usize>>,
    pub outcome: Outcome,
}

/// The verdict of the diagnostics that name one await. A checker that names the whole
/// type decides (the most careful verdict wins when several do); members named by
/// pyright or pyrefly never prove the await can go.
pub fn judge(diagnostics: &[&Diagnostic]) -> TypeVerdict {
    let typed = |whole: bool| {
        diagnostics
            .iter()
            .filter(move |d| d.checker.names_members_only() != whole)
            .filter_map(|d| Some((d.checker, d.type_text.as_deref()?)))
    };
    let whole: Vec<TypeVerdict> = typed(true).map(|(_, t)| classify(t)).collect();
    if let Some(first) = whole.first() {
        return whole.iter().find(|v| !v.fixes()).unwrap_or(first).clone();
    }
    let mut members: Vec<String> = Vec::new();
    let mut checker = None;
    for (c, t) in typed(false) {
        let verdict = classify(t);
        if !verdict.fixes() {
            return verdict;
        }
        checker.get_or_insert(c);
        if !members.iter().any(|m| m == t) {
            members.push(t.to_string());
        }
    }
    match checker {
        Some(checker) => TypeVerdict::MembersOnly { checker, members },
        None => TypeVerdict::Unknown,
    }
}

/// Map `diagnostics` (all about the file whose bytes are `source`) onto its awaits and
/// judge each await. Sorted by the await's position; diagnostics that name no await
/// come last, in their order.
pub fn resolve(source: &[u8], diagnostics: &[&Diagnostic]) -> Vec<Mapped> {
    let text = parse_text(source);
    let tree = parse(&text);
    let root = tree.root_node();
    let mut by_await: BTreeMap<(usize, usize), (tree_sitter::Node<'_>, Vec<usize>)> =
        BTreeMap::new();
    let mut out = Vec::new();
    let mut gone = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        match locate(source, d).and_then(|l| await_at(root, &text, &l)) {
            Ok(node) => {
                let key = (node.start_byte(), node.end_byte());
                by_await.entry(key).or_insert((node, Vec::new())).1.push(i);
            }
            Err(why) => gone.push(Mapped {
                diagnostics: vec![i],
                await_range: None,
                operand: None,
                outcome: Outcome::Left(Left::NoAwait(why)),
            }),
        }
    }
    for (node, indices) in by_await.into_values() {
        let operand = await_operand(node).map(unparenthesize);
        let outcome = if operand.is_none_or(|o| o.kind() != "call") {
            Outcome::Left(Left::NotACall)
        } else {
            let named: Vec<&Diagnostic> = indices.iter().map(|&i| diagnostics[i]).collect();
            match judge(&named) {
                v if v.fixes() => Outcome::Edit,
                v => Outcome::Left(Left::Type(v)),
            }
        };
        out.push(Mapped {
            diagnostics: indices,
            await_range: Some(node.byte_range()),
            operand: operand.map(|o| o.byte_range()),
            outcome,
        });
    }
    out.extend(gone);
    out
}
