//! What `unawait suggest` finds: which synchronous functions of the tree are awaited.
//!
//! Reads the tree once: every file with a `def` or an `await` is parsed, its
//! module-level and class-level `def`s recorded, and every awaited call resolved to a
//! qualified name through the file's imports and the project's re-exports. Awaits
//! inside blocks that expect a `TypeError` are deliberate and not counted. It only
//! reports; it never changes a file.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use tree_sitter::Node;

use crate::fix::index::{self, ProjectIndex};
use crate::python::facts::{Binding, FileFacts};
use crate::python::lines::LineIndex;
use crate::python::modules::{absolute_import, ModulePath};
use crate::python::parse::{self, name_chain};
use crate::python::walk;

/// A synchronous function definition.
#[derive(Clone, Debug)]
struct Def {
    defined_at: String,
    decorated: bool,
    method: bool,
    returns_call: bool,
}

/// How sure `suggest` is that a function is synchronous and awaited by mistake.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A plain `def` that returns no call: ready to paste into the configuration.
    High,
    /// Decorated, a method, or returning a call: check it by hand.
    Review,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Review => "review",
        }
    }
}

/// One suggestion, as printed in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Suggestion {
    pub function: String,
    pub defined_at: String,
    pub awaits: usize,
    pub files: usize,
    pub confidence: Confidence,
    /// Why the confidence is `review` (empty for `high`).
    pub reasons: Vec<&'static str>,
}

fn is_sync_def(node: Node<'_>) -> bool {
    node.kind() == "function_definition" && node.child(0).is_some_and(|c| c.kind() != "async")
}

/// `return <call>` anywhere in the function's own body (not in nested definitions).
fn returns_call(def: Node<'_>) -> bool {
    let Some(body) = def.child_by_field_name("body") else {
        return false;
    };
    let mut todo = vec![body];
    while let Some(n) = todo.pop() {
        match n.kind() {
            "function_definition" | "class_definition" | "lambda" => continue,
            "return_statement" => {
                let mut c = n.walk();
                let value = n.named_children(&mut c).find(|x| x.kind() != "comment");
                if let Some(v) = value {
                    let mut v = v;
                    while v.kind() == "parenthesized_expression" {
                        match v.named_child(0) {
                            Some(inner) => v = inner,
                            None => break,
                        }
                    }
                    if v.kind() == "call" {
                        return true;
                    }
                }
            }
            _ => {
                let mut c = n.walk();
                todo.extend(n.named_children(&mut c));
            }
        }
    }
    false
}

/// A definition node and whether it is decorated (`decorated_definition` unwrapped).
fn definition(node: Node<'_>) -> Option<(Node<'_>, bool)> {
    match node.kind() {
        "decorated_definition" => node.child_by_field_name("definition").map(|d| (d, true)),
        "function_definition" | "class_definition" => Some((node, false)),
        _ => None,
    }
}

fn collect_defs(
    root: Node<'_>,
    text: &[u8],
    module: &str,
    display: &str,
    lines: &LineIndex,
) -> Vec<(String, Def)> {
    let name_of = |n: Node<'_>| String::from_utf8_lossy(&text[n.byte_range()]).into_owned();
    let mut out = Vec::new();
    let mut c = root.walk();
    for top in root.named_children(&mut c) {
        let Some((node, decorated)) = definition(top) else {
            continue;
        };
        let Some(name) = node.child_by_field_name("name") else {
            continue;
        };
        if is_sync_def(node) {
            out.push((
                format!("{module}.{}", name_of(name)),
                Def {
                    defined_at: format!("{display}:{}", lines.line_of(name.start_byte()) + 1),
                    decorated,
                    method: false,
                    returns_call: returns_call(node),
                },
            ));
        } else if node.kind() == "class_definition" {
            let class = name_of(name);
            let Some(body) = node.child_by_field_name("body") else {
                continue;
            };
            let mut c2 = body.walk();
            for member in body.named_children(&mut c2) {
                let Some((m, decorated)) = definition(member) else {
                    continue;
                };
                let Some(mname) = m.child_by_field_name("name") else {
                    continue;
                };
                if is_sync_def(m) {
                    out.push((
                        format!("{module}.{class}.{}", name_of(mname)),
                        Def {
                            defined_at: format!(
                                "{display}:{}",
                                lines.line_of(mname.start_byte()) + 1
                            ),
                            decorated,
                            method: true,
                            returns_call: returns_call(m),
                        },
                    ));
                }
            }
        }
    }
    out
}

/// The module-level class enclosing `node`'s function, if any.
fn enclosing_class<'a>(mut node: Node<'a>, text: &'a [u8]) -> Option<&'a str> {
    while let Some(p) = node.parent() {
        if p.kind() == "class_definition" {
            let at_top = p.parent().is_some_and(|pp| {
                pp.kind() == "module"
                    || (pp.kind() == "decorated_definition"
                        && pp.parent().is_some_and(|m| m.kind() == "module"))
            });
            if !at_top {
                return None;
            }
            return p
                .child_by_field_name("name")
                .and_then(|n| std::str::from_utf8(&text[n.byte_range()]).ok());
        }
        node = p;
    }
    None
}

fn awaited_names(facts: &FileFacts<'_>, text: &[u8], module: Option<&ModulePath>) -> Vec<String> {
    let abs = |m: &str| absolute_import(module, m);
    let raises = crate::fix::kept::RaisesBlocks::new(&facts.raises_blocks);
    let mut out = Vec::new();
    for site in &facts.awaits {
        let at = site.node.start_byte();
        if raises.contains(at..at) {
            continue;
        }
        let Some(operand) = crate::python::parse::await_operand(site.node)
            .map(crate::python::parse::unparenthesize)
        else {
            continue;
        };
        if operand.kind() != "call" {
            continue;
        }
        let Some(callee) = operand.child_by_field_name("function") else {
            continue;
        };
        let Some((root, parts)) = name_chain(callee, text) else {
            continue;
        };
        let rest = |base: String| {
            if parts.is_empty() {
                base
            } else {
                format!("{base}.{}", parts.join("."))
            }
        };
        if (root == "self" || root == "cls") && parts.len() == 1 {
            if let (Some(class), Some(m)) = (enclosing_class(site.node, text), module) {
                out.push(format!("{}.{class}.{}", m.name, parts[0]));
            }
            continue;
        }
        let qualified = match facts.resolve_with_scope(site.scope, root) {
            Some((scope, bindings)) => match bindings.last() {
                Some(Binding::Def {
                    is_async: false, ..
                }) if scope == 0 && parts.is_empty() => {
                    module.map(|m| format!("{}.{root}", m.name))
                }
                Some(Binding::From {
                    module: m, name, ..
                }) => abs(m).map(|a| rest(format!("{a}.{name}"))),
                Some(Binding::Module { module: m }) if !parts.is_empty() => Some(rest(m.clone())),
                _ => None,
            },
            None => None,
        };
        out.extend(qualified);
    }
    out
}

/// What one file contributes to the suggestions. `None` fields: nothing to say.
#[derive(Debug, Default)]
pub struct Survey {
    defs: Vec<(String, Def)>,
    entries: Option<(String, HashMap<String, index::Entry>)>,
    /// Qualified names of awaited callees.
    awaited: Vec<String>,
}

/// Is `source` worth a survey: a `def` or an `await` in it, or a package's
/// `__init__` (read for its re-exports)?
pub fn worth_surveying(source: &[u8], is_init: bool) -> bool {
    is_init
        || memchr::memmem::find(source, b"def").is_some()
        || memchr::memmem::find(source, b"await").is_some()
}

/// Survey one Python file: its synchronous `def`s, its index entries and the
/// qualified names it awaits. A file that does not parse says nothing.
pub fn survey(source: &[u8], module: Option<&ModulePath>, display: &str) -> Survey {
    let text = parse::parse_text(source);
    let tree = parse::parse(&text);
    if parse::first_error(&tree).is_some() {
        return Survey::default();
    }
    let lines = LineIndex::new(&text);
    let facts = walk::collect(&tree, &text);
    let mut result = Survey::default();
    if let Some(m) = module {
        result.defs = collect_defs(tree.root_node(), &text, &m.name, display, &lines);
        result.entries = Some((
            m.name.clone(),
            index::entries_from_facts(m, display, &facts, &lines),
        ));
    }
    result.awaited = awaited_names(&facts, &text, module);
    result
}

/// Suggestions from the surveys of the files (numbered, to count files), most-awaited
/// first.
pub fn suggestions(results: &[(usize, Survey)]) -> Vec<Suggestion> {
    let mut index = ProjectIndex::default();
    let mut defs: HashMap<String, Def> = HashMap::new();
    for (_, r) in results {
        if let Some((m, e)) = &r.entries {
            index.merge(m.clone(), e.clone());
        }
        for (q, d) in &r.defs {
            defs.insert(q.clone(), d.clone());
        }
    }
    let mut counts: BTreeMap<String, (usize, BTreeSet<usize>)> = BTreeMap::new();
    for (file, r) in results {
        for q in &r.awaited {
            let canonical = index.canonical(q);
            if defs.contains_key(&canonical) {
                let e = counts.entry(canonical).or_default();
                e.0 += 1;
                e.1.insert(*file);
            }
        }
    }
    let mut out: Vec<Suggestion> = counts
        .into_iter()
        .map(|(function, (awaits, files))| {
            let d = &defs[&function];
            let mut reasons = Vec::new();
            if d.decorated {
                reasons.push("decorated");
            }
            if d.method {
                reasons.push("method");
            }
            if d.returns_call {
                reasons.push("returns a call");
            }
            Suggestion {
                defined_at: d.defined_at.clone(),
                confidence: if reasons.is_empty() {
                    Confidence::High
                } else {
                    Confidence::Review
                },
                function,
                awaits,
                files: files.len(),
                reasons,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.awaits
            .cmp(&a.awaits)
            .then_with(|| a.function.cmp(&b.function))
    });
    out
}
