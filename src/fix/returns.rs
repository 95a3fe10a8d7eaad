//! What a synchronous function returns, for `suggest`'s confidence: `return C(...)`
//! of a plain class of the tree makes an object that cannot be awaited, so removing the
//! `await` on the function is safe; any other call may return a coroutine or another
//! awaitable. Only reads syntax trees and the facts of one file; it never decides what
//! to change.

use std::collections::HashMap;

use tree_sitter::Node;

use crate::fix::index::ProjectIndex;
use crate::python::facts::{qualify, FileFacts, ScopeKind};
use crate::python::modules::ModulePath;
use crate::python::parse::{self, name_chain};

/// `return CALL(...)` of something that is not a class of the tree: a function may
/// return a coroutine.
pub const RETURNS_CALL: &str = "returns a call";
/// `return C(...)` of a class of the tree that defines `__await__` (itself or through a
/// base in the tree).
pub const RETURNS_AWAITABLE: &str = "returns an awaitable instance";
/// `return C(...)` of a class of the tree with a base from outside it, which may define
/// `__await__`.
pub const RETURNS_FOREIGN: &str = "returns an instance of a class with a base outside the tree";

/// Bases whose instances are never awaitable, read as bare names the file never binds
/// (builtins).
const BUILTIN_BASES: &[&str] = &[
    "object",
    "BaseException",
    "Exception",
    "bytes",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "set",
    "str",
    "tuple",
];

/// Standard-library bases that add no `__await__`, by qualified name.
const STANDARD_BASES: &[&str] = &[
    "abc.ABC",
    "enum.Enum",
    "typing.Generic",
    "typing.NamedTuple",
    "typing.Protocol",
];

/// A module-level class, for what calling it returns.
#[derive(Clone, Debug)]
pub struct Class {
    /// Its body defines or assigns `__await__`.
    awaitable: bool,
    /// Its bases by qualified name (`None`: one the file cannot name), without the
    /// builtin and standard ones that add no `__await__`.
    bases: Vec<Option<String>>,
}

impl Class {
    /// Its bases by qualified name, as the file names them.
    pub fn bases(&self) -> &[Option<String>] {
        &self.bases
    }
}

/// The calls of `return <call>` anywhere in the function's own body (not in nested
/// definitions), in source order.
fn returned_calls(def: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let Some(body) = def.child_by_field_name("body") else {
        return out;
    };
    let mut todo = vec![body];
    while let Some(n) = todo.pop() {
        match n.kind() {
            "function_definition" | "class_definition" | "lambda" => continue,
            "return_statement" => {
                let mut c = n.walk();
                let value = n.named_children(&mut c).find(|x| x.kind() != "comment");
                if let Some(v) = value.map(parse::unparenthesize) {
                    if v.kind() == "call" {
                        out.push(v);
                    }
                }
            }
            _ => {
                let mut c = n.walk();
                todo.extend(n.named_children(&mut c));
            }
        }
    }
    out.sort_by_key(|n| n.start_byte());
    out
}

/// The scope each function definition opened, by the definition's first byte.
pub fn function_scopes(facts: &FileFacts<'_>) -> HashMap<usize, usize> {
    facts
        .scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ScopeKind::Function)
        .map(|(i, s)| (s.range.start, i))
        .collect()
}

/// What each `return CALL(...)` of `def` calls: the qualified name, when the file says
/// what the callee is; `None` when it does not (a local, a call chain, a subscript).
/// `scopes` is [`function_scopes`] of the file.
pub fn returns(
    def: Node<'_>,
    text: &[u8],
    facts: &FileFacts<'_>,
    scopes: &HashMap<usize, usize>,
    module: Option<&ModulePath>,
) -> Vec<Option<String>> {
    let scope = scopes.get(&def.start_byte()).copied();
    returned_calls(def)
        .into_iter()
        .map(|call| {
            let (root, parts) = name_chain(call.child_by_field_name("function")?, text)?;
            qualify(facts, scope?, root, &parts, module)
        })
        .collect()
}

/// A module-level class: whether it defines `__await__`, and its bases.
pub fn class(node: Node<'_>, text: &[u8], facts: &FileFacts<'_>, module: &ModulePath) -> Class {
    let is = |n: Option<Node<'_>>, name: &[u8]| n.is_some_and(|n| &text[n.byte_range()] == name);
    let mut awaitable = false;
    if let Some(body) = node.child_by_field_name("body") {
        let mut c = body.walk();
        for member in body.named_children(&mut c) {
            awaitable |= match definition(member) {
                Some((d, _)) => is(d.child_by_field_name("name"), b"__await__"),
                // `__await__ = __iter__`, as asyncio.Future has it.
                None => {
                    member.kind() == "expression_statement"
                        && member.named_child(0).is_some_and(|a| {
                            a.kind() == "assignment"
                                && is(a.child_by_field_name("left"), b"__await__")
                        })
                }
            };
        }
    }
    let mut bases = Vec::new();
    if let Some(list) = node.child_by_field_name("superclasses") {
        let mut c = list.walk();
        for base in list.named_children(&mut c) {
            // `metaclass=...` and other keywords are not bases.
            if matches!(base.kind(), "keyword_argument" | "comment") {
                continue;
            }
            // `Generic[T]`: the class is what is subscripted.
            let named = match base.kind() {
                "subscript" => base.child_by_field_name("value"),
                _ => Some(base),
            };
            let Some((root, parts)) = named.and_then(|n| name_chain(n, text)) else {
                bases.push(None);
                continue;
            };
            let unbound = facts.resolve(0, root).is_none();
            if unbound && parts.is_empty() && BUILTIN_BASES.contains(&root) {
                continue;
            }
            let q = qualify(facts, 0, root, &parts, Some(module));
            if q.as_deref().is_some_and(|q| STANDARD_BASES.contains(&q)) {
                continue;
            }
            bases.push(q);
        }
    }
    Class { awaitable, bases }
}

/// A definition node and whether it is decorated (`decorated_definition` unwrapped).
pub fn definition(node: Node<'_>) -> Option<(Node<'_>, bool)> {
    match node.kind() {
        "decorated_definition" => node.child_by_field_name("definition").map(|d| (d, true)),
        "function_definition" | "class_definition" => Some((node, false)),
        _ => None,
    }
}

/// What calling a class of the tree gives, from safest to least safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Instance {
    /// An object that cannot be awaited.
    Plain,
    /// A base comes from outside the tree: it may define `__await__`.
    ForeignBase,
    /// The class or a base in the tree defines `__await__`.
    Awaitable,
}

/// What instances of each class of the tree are, following bases through the tree:
/// the least safe of the class's own verdict and its bases'. Verdicts only rise, each
/// at most twice, so this is linear in the classes and bases, cycles included.
pub fn instances(
    classes: &HashMap<String, Class>,
    index: &ProjectIndex,
) -> HashMap<String, Instance> {
    let mut verdict: HashMap<&str, Instance> = HashMap::new();
    let mut subclasses: HashMap<String, Vec<&str>> = HashMap::new();
    for (q, c) in classes {
        let mut v = if c.awaitable {
            Instance::Awaitable
        } else {
            Instance::Plain
        };
        for base in &c.bases {
            let known = base
                .as_deref()
                .map(|b| index.canonical(b))
                .filter(|b| classes.contains_key(b));
            match known {
                Some(b) => subclasses.entry(b).or_default().push(q),
                None => v = v.max(Instance::ForeignBase),
            }
        }
        verdict.insert(q, v);
    }
    let mut todo: Vec<&str> = verdict
        .iter()
        .filter(|(_, v)| **v != Instance::Plain)
        .map(|(q, _)| *q)
        .collect();
    while let Some(q) = todo.pop() {
        let v = verdict[q];
        for &sub in subclasses.get(q).into_iter().flatten() {
            if verdict[sub] < v {
                verdict.insert(sub, v);
                todo.push(sub);
            }
        }
    }
    verdict
        .into_iter()
        .map(|(q, v)| (q.to_string(), v))
        .collect()
}

/// Why what a function returns may be awaitable: nothing when every `return CALL(...)`
/// makes an instance of a plain class of the tree.
/// `instances` is [`instances`] of the tree.
pub fn return_reasons(
    returns: &[Option<String>],
    instances: &HashMap<String, Instance>,
    index: &ProjectIndex,
) -> Vec<&'static str> {
    let mut out = Vec::new();
    for callee in returns {
        let class = callee
            .as_deref()
            .and_then(|q| instances.get(&index.canonical(q)));
        let why = match class {
            None => RETURNS_CALL,
            Some(Instance::Plain) => continue,
            Some(Instance::Awaitable) => RETURNS_AWAITABLE,
            Some(Instance::ForeignBase) => RETURNS_FOREIGN,
        };
        if !out.contains(&why) {
            out.push(why);
        }
    }
    out
}
