//! What `unawait suggest` finds: which synchronous functions of the tree are awaited.
//!
//! Reads the tree once: every file with a `def`, a `class` or an `await` is parsed, its
//! module-level and class-level `def`s and its module-level classes recorded, and every
//! awaited call resolved to a qualified name through the file's imports and the
//! project's re-exports. Awaits inside blocks that expect a `TypeError` are deliberate
//! and not counted. What a function returns decides part of its confidence
//! ([`returns`]). It only reports; it never changes a file.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use tree_sitter::Node;

use crate::fix::index::{self, ProjectIndex};
use crate::fix::returns::{self, definition, return_reasons, Class};
use crate::fix::rules::RuleSet;
use crate::fix::survey_filter::{self, Look, Names};
use crate::python::facts::{qualify, Binding, FileFacts};
use crate::python::lines::LineIndex;
use crate::python::modules::ModulePath;
use crate::python::parse::{self, name_chain};
use crate::python::walk;

pub mod proven;

/// Why a suggestion is `review`: the function is decorated (the decorator may make it
/// return a coroutine).
pub const DECORATED: &str = "decorated";
/// A method: a subclass may override it with an `async def`, and `self.f()` is read as
/// the enclosing class's `f`.
pub const METHOD: &str = "method";

/// A synchronous function definition.
#[derive(Clone, Debug)]
struct Def {
    path: String,
    line: usize,
    decorated: bool,
    method: bool,
    /// What each `return CALL(...)` calls: the qualified name, when the file says what
    /// the callee is; `None` when it does not.
    returns: Vec<Option<String>>,
}

/// How sure `suggest` is that a function is synchronous and awaited by mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// A plain function that returns no call, or only instances of plain classes of
    /// the tree: ready to paste into the configuration.
    High,
    /// Decorated, a method, or returning something that may be awaitable: check it by
    /// hand.
    Review,
    /// `suggest --diagnostics`: a type checker proves every flagged await of it not
    /// awaitable.
    Proven,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Review => "review",
            Confidence::Proven => "proven",
        }
    }
}

/// One suggestion.
#[derive(Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The qualified name of the definition.
    pub function: String,
    /// Where it is defined: the file as walked, and the 1-based line of its name.
    pub path: String,
    pub line: usize,
    pub awaits: usize,
    pub files: usize,
    pub confidence: Confidence,
    /// Why the confidence is `review` (empty for `high`): the constants above.
    pub reasons: Vec<&'static str>,
    /// Already named by the rules of the run (the configuration's, or `-f`/`--method`).
    pub configured: bool,
}

fn is_sync_def(node: Node<'_>) -> bool {
    node.kind() == "function_definition" && node.child(0).is_some_and(|c| c.kind() != "async")
}

/// Record the module-level and class-level synchronous `def`s of a file, and its
/// module-level classes, by qualified name.
fn collect_defs(
    root: Node<'_>,
    text: &[u8],
    facts: &FileFacts<'_>,
    module: &ModulePath,
    display: &str,
    lines: &LineIndex,
    out: &mut Survey,
) {
    let name_of = |n: Node<'_>| String::from_utf8_lossy(&text[n.byte_range()]).into_owned();
    let scopes = returns::function_scopes(facts);
    let def = |node: Node<'_>, name: Node<'_>, decorated: bool, method: bool| Def {
        path: display.to_string(),
        line: lines.line_of(name.start_byte()) + 1,
        decorated,
        method,
        returns: returns::returns(node, text, facts, &scopes, Some(module)),
    };
    let mut c = root.walk();
    for top in root.named_children(&mut c) {
        let Some((node, decorated)) = definition(top) else {
            continue;
        };
        let Some(name) = node.child_by_field_name("name") else {
            continue;
        };
        if is_sync_def(node) {
            out.defs.push((
                format!("{}.{}", module.name, name_of(name)),
                def(node, name, decorated, false),
            ));
        } else if node.kind() == "class_definition" {
            let class_name = name_of(name);
            out.classes.push((
                format!("{}.{class_name}", module.name),
                returns::class(node, text, facts, module),
            ));
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
                    out.defs.push((
                        format!("{}.{class_name}.{}", module.name, name_of(mname)),
                        def(m, mname, decorated, true),
                    ));
                }
            }
        }
    }
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
        if (root == "self" || root == "cls") && parts.len() == 1 {
            if let (Some(class), Some(m)) = (enclosing_class(site.node, text), module) {
                out.push(format!("{}.{class}.{}", m.name, parts[0]));
            }
            continue;
        }
        // Only what may be a synchronous function: a `def` (not `async`) or an import.
        let callable = match facts.resolve(site.scope, root).and_then(<[Binding]>::last) {
            Some(Binding::Def { is_async, .. }) => !is_async && parts.is_empty(),
            Some(Binding::From { .. } | Binding::Module { .. }) => true,
            _ => false,
        };
        if callable {
            out.extend(qualify(facts, site.scope, root, &parts, module));
        }
    }
    out
}

/// What one file contributes to the suggestions. `None` fields: nothing to say.
#[derive(Debug, Default)]
pub struct Survey {
    defs: Vec<(String, Def)>,
    classes: Vec<(String, Class)>,
    entries: Option<(String, HashMap<String, index::Entry>)>,
    /// Qualified names of awaited callees.
    awaited: Vec<String>,
    parsed: bool,
    /// Where it does not parse (1-based line and column), when it was parsed.
    syntax_error: Option<(usize, usize)>,
}

impl Survey {
    /// Was the file parsed (it may not have parsed cleanly)?
    pub fn parsed(&self) -> bool {
        self.parsed
    }

    /// Where the file does not parse: it says nothing then.
    pub fn syntax_error(&self) -> Option<(usize, usize)> {
        self.syntax_error
    }
}

/// Is `source` worth a survey: a `def`, a `class` or an `await` in it, or a package's
/// `__init__` (read for its re-exports)?
pub fn worth_surveying(source: &[u8], is_init: bool) -> bool {
    is_init
        || [&b"def"[..], b"class", b"await"]
            .iter()
            .any(|word| memchr::memmem::find(source, word).is_some())
}

/// Survey one Python file: its synchronous `def`s and classes, its index entries and
/// the qualified names it awaits. A file that does not parse says nothing.
pub fn survey(source: &[u8], module: Option<&ModulePath>, display: &str) -> Survey {
    let text = parse::parse_text(source);
    let tree = parse::parse(&text);
    let lines = LineIndex::new(&text);
    if let Some(at) = parse::first_error(&tree) {
        return Survey {
            parsed: true,
            syntax_error: Some(lines.line_col(&text, at)),
            ..Survey::default()
        };
    }
    let facts = walk::collect(&tree, &text);
    let mut result = Survey {
        parsed: true,
        ..Survey::default()
    };
    if let Some(m) = module {
        collect_defs(
            tree.root_node(),
            &text,
            &facts,
            m,
            display,
            &lines,
            &mut result,
        );
        result.entries = Some((
            m.name.clone(),
            index::entries_from_facts(m, display, &facts, &lines),
        ));
    }
    result.awaited = awaited_names(&facts, &text, module);
    result
}

/// Whether a rule of the run already covers `function` (a qualified, canonical name):
/// a bare rule of its name, a qualified rule that resolves to it, or for a method a
/// method rule of its name.
fn configured(function: &str, method: bool, rules: &RuleSet, index: &ProjectIndex) -> bool {
    let last = function.rsplit('.').next().unwrap_or(function);
    (method && rules.method(last).is_some())
        || rules
            .by_last(last)
            .any(|r| !r.is_qualified() || index.canonical(r.name()) == function)
}

/// What the surveys say about the tree as a whole.
struct Tree {
    index: ProjectIndex,
    defs: HashMap<String, Def>,
    classes: HashMap<String, Class>,
}

impl Tree {
    fn gather(results: &[(usize, Survey)]) -> Tree {
        let mut tree = Tree {
            index: ProjectIndex::default(),
            defs: HashMap::new(),
            classes: HashMap::new(),
        };
        for (_, r) in results {
            if let Some((m, e)) = &r.entries {
                tree.index.merge(m.clone(), e.clone());
            }
            for (q, d) in &r.defs {
                tree.defs.insert(q.clone(), d.clone());
            }
            for (q, c) in &r.classes {
                tree.classes.insert(q.clone(), c.clone());
            }
        }
        tree
    }
}

/// The modules whose files the suggestions drawn from `results` depend on: each name
/// on the re-export chain of every awaited callee and every rule, of what the functions
/// they reach return and of the bases of the classes those are, is looked up in its
/// module (`pkg.mod.f`: `pkg.mod`) or, for a method, its class's module (`pkg.mod`
/// for `pkg.mod.C.f`).
/// Names that `names` says cannot end at a function (awaited callees) or a class (what
/// functions return, and bases) of the tree are not followed.
pub fn modules_needed(
    results: &[(usize, Survey)],
    rules: &RuleSet,
    names: &Names,
) -> BTreeSet<String> {
    let tree = Tree::gather(results);
    let mut todo: Vec<String> = results
        .iter()
        .flat_map(|(_, r)| r.awaited.iter())
        .filter(|q| names.may_be_function(q))
        .cloned()
        .chain(rules.iter().map(|r| r.name().to_string()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut needed = BTreeSet::new();
    while let Some(q) = todo.pop() {
        if !seen.insert(q.clone()) {
            continue;
        }
        let (chain, _) = tree.index.chain(&q);
        for name in &chain {
            let mut prefix = name.as_str();
            for _ in 0..2 {
                let Some((module, _)) = prefix.rsplit_once('.') else {
                    break;
                };
                needed.insert(module.to_string());
                prefix = module;
            }
        }
        let end = chain.last().unwrap_or(&q);
        let classes = |q: &&String| names.may_be_class(q);
        if let Some(d) = tree.defs.get(end) {
            todo.extend(d.returns.iter().flatten().filter(classes).cloned());
        }
        if let Some(c) = tree.classes.get(end) {
            todo.extend(c.bases().iter().flatten().filter(classes).cloned());
        }
    }
    needed
}

/// Survey what the suggestions depend on and nothing else, in file order: first the
/// files whose bytes show an await that may reach a `def` of the tree
/// ([`survey_filter::select`]), then, round by round, the files of every module the
/// suggestions drawn so far depend on ([`modules_needed`]) until no new one is needed.
/// `modules[i]` and `looks[i]` are file `i`'s module and byte look; `survey(i)` reads
/// and surveys file `i`.
pub fn survey_selected(
    modules: &[Option<ModulePath>],
    looks: Vec<Option<Look>>,
    survey: impl Fn(usize) -> Survey + Sync,
    rules: &RuleSet,
) -> Vec<(usize, Survey)> {
    let mut files_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in modules.iter().enumerate() {
        if let Some(m) = m {
            files_of.entry(m.name.as_str()).or_default().push(i);
        }
    }
    let tops: HashSet<Vec<u8>> = files_of
        .keys()
        .map(|m| m.split('.').next().unwrap_or(m).as_bytes().to_vec())
        .collect();
    let names = Names::of(&looks);
    let mut next = survey_filter::select(&looks, &tops, &names);
    drop(looks);
    let mut done: BTreeSet<usize> = BTreeSet::new();
    let mut results: Vec<(usize, Survey)> = Vec::new();
    while !next.is_empty() {
        next.retain(|&i| done.insert(i));
        results.par_extend(next.par_iter().map(|&i| (i, survey(i))));
        next = modules_needed(&results, rules, &names)
            .iter()
            .filter_map(|m| files_of.get(m.as_str()))
            .flatten()
            .copied()
            .filter(|i| !done.contains(i))
            .collect();
    }
    results.sort_by_key(|(i, _)| *i);
    results
}

/// Suggestions from the surveys of the files (numbered, to count files), most-awaited
/// first; `rules` are the ones the run already has.
pub fn suggestions(results: &[(usize, Survey)], rules: &RuleSet) -> Vec<Suggestion> {
    let Tree {
        index,
        defs,
        classes,
    } = Tree::gather(results);
    let instances = returns::instances(&classes, &index);
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
                reasons.push(DECORATED);
            }
            if d.method {
                reasons.push(METHOD);
            }
            reasons.extend(return_reasons(&d.returns, &instances, &index));
            Suggestion {
                path: d.path.clone(),
                line: d.line,
                confidence: if reasons.is_empty() {
                    Confidence::High
                } else {
                    Confidence::Review
                },
                configured: configured(&function, d.method, rules, &index),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::returns::{RETURNS_AWAITABLE, RETURNS_CALL, RETURNS_FOREIGN};

    /// The suggestions for `files` (module name, source): function, confidence,
    /// reasons, configured.
    fn suggest(
        files: &[(&str, &str)],
        rules: &RuleSet,
    ) -> Vec<(String, &'static str, Vec<&'static str>, bool)> {
        let surveys: Vec<(usize, Survey)> = files
            .iter()
            .enumerate()
            .map(|(i, (module, source))| {
                let package = module.strip_suffix(".__init__");
                let m = ModulePath {
                    name: package.unwrap_or(module).to_string(),
                    is_package: package.is_some(),
                };
                (
                    i,
                    survey(source.as_bytes(), Some(&m), &format!("{module}.py")),
                )
            })
            .collect();
        suggestions(&surveys, rules)
            .into_iter()
            .map(|s| (s.function, s.confidence.as_str(), s.reasons, s.configured))
            .collect()
    }

    fn high(function: &str) -> (String, &'static str, Vec<&'static str>, bool) {
        (function.to_string(), "high", vec![], false)
    }

    #[test]
    fn instances_of_plain_classes_are_not_awaitable() {
        let source = "import abc\nfrom typing import Generic\n\n\ndef a():\n    def inner():\n        return other()\n    return A(1)\n\n\ndef b():\n    return B[int]() if x else B()\n\n\nclass A(abc.ABC, metaclass=abc.ABCMeta):\n    pass\n\n\nclass B(Generic[T], dict):\n    pass\n\n\nclass C(D):\n    pass\n\n\nclass D(C):\n    pass\n\n\ndef c():\n    return C()\n\n\nasync def use():\n    await a()\n    await b()\n    await c()\n";
        // `b` returns a conditional expression, not a call; the cycle C <-> D ends.
        assert_eq!(
            suggest(&[("m", source)], &RuleSet::default()),
            vec![high("m.a"), high("m.b"), high("m.c")]
        );
    }

    #[test]
    fn instances_that_may_be_awaitable_need_review() {
        let source = "import asyncio\n\n\nclass F:\n    __await__ = iter\n\n\nclass G(Unknown):\n    pass\n\n\nclass H(*bases):\n    pass\n\n\ndef f():\n    return F()\n\n\ndef g():\n    if x:\n        return G()\n    return asyncio.sleep(1)\n\n\ndef h():\n    return H()\n\n\nasync def use():\n    await f()\n    await g()\n    await h()\n";
        assert_eq!(
            suggest(&[("m", source)], &RuleSet::default()),
            vec![
                ("m.f".into(), "review", vec![RETURNS_AWAITABLE], false),
                (
                    "m.g".into(),
                    "review",
                    vec![RETURNS_FOREIGN, RETURNS_CALL],
                    false
                ),
                ("m.h".into(), "review", vec![RETURNS_FOREIGN], false),
            ]
        );
    }

    #[test]
    fn rules_mark_functions_configured() {
        let files = [
            ("pkg.__init__", "from .core import f, g\n"),
            ("pkg.core", "def f():\n    pass\n\n\ndef g():\n    pass\n\n\ndef h():\n    pass\n"),
            ("use", "from pkg import f, g\nfrom pkg.core import h\n\n\nasync def u():\n    await f()\n    await g()\n    await h()\n"),
        ];
        let rules =
            RuleSet::new(&["f".into(), "pkg.g".into(), "other.h".into()], &[], &[]).unwrap();
        let configured: Vec<bool> = suggest(&files, &rules).into_iter().map(|s| s.3).collect();
        assert_eq!(configured, [true, true, false]);
    }
}
