//! What `suggest --diagnostics` finds: the callees of the awaits a type checker flagged,
//! grouped into functions and methods, each with what `fix --diagnostics` makes of its
//! awaits.
//!
//! Each flagged file goes through the fixer itself ([`engine::fix_source_with`], no
//! rules, the checker's diagnostics), so the counts of fixed, kept and left awaits are
//! the fixer's own and the checker's type is judged in one place
//! (`diagnostics::judge`). A callee is named as the tree's index names it: a function
//! by its canonical qualified name, a method by its name and, where the receiver's class
//! can be told from the file (`self` in a class, a local bound once to a call of a class
//! or of a function of the tree that returns only instances of one class, a call of one
//! of those), that class. Nothing here is guessed towards a rule: a callee the file
//! cannot name (a parameter, a local) is listed but never becomes one. It only reports;
//! it never changes a file.

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use super::{configured, Confidence, Survey, Tree};
use crate::diagnostics::Diagnostic;
use crate::fix::checked::Checked;
use crate::fix::engine::{self, SourceError};
use crate::fix::matcher::{Action, FileContext, FixOptions};
use crate::fix::rules::RuleSet;
use crate::python::facts::{qualify, Binding, FileFacts, OtherKind};
use crate::python::modules::ModulePath;
use crate::python::parse::{self, await_operand, name_chain, unparenthesize};
use crate::python::walk;

/// Why a proven callee is still `review`: the file does not say what the callee is (a
/// parameter, a local, a call's result), so no rule can name it.
pub const UNRESOLVED: &str = "unresolved";

/// What `fix --diagnostics` makes of one flagged await.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Fixed,
    /// Kept by design: the kept reason's key (`raises-block`).
    Kept(&'static str),
    /// Left: the left reason's key (`type-may-be-awaitable`).
    Left(&'static str),
}

/// What calling the receiver of a method gives, as the file names it (qualified, not
/// canonical yet).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Receiver {
    /// An instance of this class (`self` in its body).
    Class(String),
    /// What a call of this name returns: an instance of it when it is a class, or of
    /// the one class a function of the tree returns.
    MadeBy(String),
    Unknown,
}

/// An await's callee, as one file names it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Callee {
    /// A name the file resolves through its imports or its own definitions.
    Function(String),
    /// A call of a name the file binds to a parameter or a local, or does not bind,
    /// or of an expression: as written.
    Unresolved(String),
    Method {
        name: String,
        receiver: Receiver,
    },
}

/// One flagged await of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flagged {
    /// 1-based line and column of the `await`.
    pub line: usize,
    pub column: usize,
    callee: Option<Callee>,
    pub outcome: Outcome,
}

/// The flagged awaits of one file, and the diagnostics that name none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFlags {
    /// The file as walked.
    pub path: String,
    /// In the file's order; an await whose operand is not a call has no callee.
    pub awaits: Vec<Flagged>,
    /// Diagnostics that name no await of the file, by the left reason's key: none is
    /// there (`no-await-here`: the file changed since), or the position does not say
    /// which (`ambiguous-position`).
    pub not_located: BTreeMap<&'static str, usize>,
}

/// Run the fixer on one file with its diagnostics and name the callee of every await
/// they flag. `Err` when the file cannot be read as Python.
pub fn flag_file(
    source: &[u8],
    module: Option<&ModulePath>,
    path: &str,
    diagnostics: &[Diagnostic],
    options: FixOptions,
) -> Result<FileFlags, SourceError> {
    let fixed = engine::fix_source_with(
        source,
        &RuleSet::default(),
        options,
        FileContext::default(),
        Some(Checked {
            diagnostics,
            with_rules: false,
        }),
    )?;
    let text = parse::parse_text(source);
    let tree = parse::parse(&text);
    let facts = walk::collect(&tree, &text);
    let namer = Namer {
        root: tree.root_node(),
        text: &text,
        facts: &facts,
        module,
    };
    let mut out = FileFlags {
        path: path.to_string(),
        ..FileFlags::default()
    };
    for f in fixed.findings {
        let outcome = match &f.finding.action {
            Action::RemoveAwait | Action::ReplaceWith(_) => Outcome::Fixed,
            Action::Kept(k) => Outcome::Kept(k.key()),
            Action::Left(l) => Outcome::Left(l.key()),
        };
        let expr = f.finding.expr.clone();
        let Some(site) = facts.awaits.iter().find(|s| s.node.byte_range() == expr) else {
            let key = match outcome {
                Outcome::Left(key) | Outcome::Kept(key) => key,
                Outcome::Fixed => "no-await-here",
            };
            *out.not_located.entry(key).or_default() += 1;
            continue;
        };
        let callee = await_operand(site.node)
            .map(unparenthesize)
            .filter(|o| o.kind() == "call")
            .and_then(|call| call.child_by_field_name("function"))
            .map(|callee| namer.callee(unparenthesize(callee), site.scope));
        out.awaits.push(Flagged {
            line: f.line,
            column: f.col,
            callee,
            outcome,
        });
    }
    Ok(out)
}

/// What one file's names say about a callee.
struct Namer<'a, 't> {
    root: Node<'t>,
    text: &'a [u8],
    facts: &'a FileFacts<'t>,
    module: Option<&'a ModulePath>,
}

impl Namer<'_, '_> {
    fn text_of(&self, n: Node<'_>) -> String {
        let t = String::from_utf8_lossy(&self.text[n.byte_range()]);
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// What the file says `callee` (of a call awaited in `scope`) is.
    fn callee(&self, callee: Node<'_>, scope: usize) -> Callee {
        let Some((root, parts)) = name_chain(callee, self.text) else {
            // `make_client().close`, `pool[0].get`: a method of what the object is.
            let object = callee.child_by_field_name("object");
            let name = callee.child_by_field_name("attribute");
            return match (callee.kind(), object, name) {
                ("attribute", Some(object), Some(name)) => Callee::Method {
                    name: self.text_of(name),
                    receiver: self.made_by(unparenthesize(object), scope),
                },
                _ => Callee::Unresolved(self.text_of(callee)),
            };
        };
        let qualified = || match qualify(self.facts, scope, root, &parts, self.module) {
            Some(q) => Callee::Function(q),
            None => Callee::Unresolved(self.text_of(callee)),
        };
        let method = |receiver: Receiver| Callee::Method {
            name: parts.last().unwrap_or(&root).to_string(),
            receiver,
        };
        let bindings = self.facts.resolve(scope, root).unwrap_or(&[]);
        match bindings.last() {
            Some(Binding::Def { .. } | Binding::From { .. } | Binding::Module { .. }) => {
                qualified()
            }
            // `Client.get(c)`: the class's own method.
            Some(Binding::Other {
                kind: OtherKind::Class,
                ..
            }) if !parts.is_empty() => qualified(),
            _ if parts.is_empty() => Callee::Unresolved(root.to_string()),
            _ if (root == "self" || root == "cls") && parts.len() == 1 => {
                match (super::enclosing_class(callee, self.text), self.module) {
                    (Some(class), Some(m)) => {
                        method(Receiver::Class(format!("{}.{class}", m.name)))
                    }
                    _ => method(Receiver::Unknown),
                }
            }
            Some(only) if bindings.len() == 1 && parts.len() == 1 => {
                method(self.assigned(only, scope))
            }
            _ if root == "self" && parts.len() == 2 => {
                method(self.self_attribute(callee, parts[0]))
            }
            _ => method(Receiver::Unknown),
        }
    }

    /// What `self.attr` holds, when the class around `node` assigns it once, from a
    /// call (`self.client = make_client()` in `__init__`).
    fn self_attribute(&self, node: Node<'_>, attr: &str) -> Receiver {
        let mut class = node;
        while class.kind() != "class_definition" {
            match class.parent() {
                Some(p) => class = p,
                None => return Receiver::Unknown,
            }
        }
        let mut found = Vec::new();
        if let Some(body) = class.child_by_field_name("body") {
            self_assignments(body, self.text, attr.as_bytes(), &mut found);
        }
        let [assignment] = found.as_slice() else {
            return Receiver::Unknown;
        };
        let mut def = *assignment;
        while def.kind() != "function_definition" {
            match def.parent() {
                Some(p) => def = p,
                None => return Receiver::Unknown,
            }
        }
        let scopes = crate::fix::returns::function_scopes(self.facts);
        match (
            scopes.get(&def.start_byte()),
            assignment.child_by_field_name("right"),
        ) {
            (Some(&scope), Some(value)) => self.made_by(unparenthesize(value), scope),
            _ => Receiver::Unknown,
        }
    }

    /// What a name bound by one assignment (`c = make_client()`) holds.
    fn assigned(&self, binding: &Binding, scope: usize) -> Receiver {
        let Binding::Other {
            kind: OtherKind::Assignment,
            at,
        } = binding
        else {
            return Receiver::Unknown;
        };
        let Some(name) = self.root.descendant_for_byte_range(*at, *at + 1) else {
            return Receiver::Unknown;
        };
        let assignment = name.parent().filter(|a| {
            a.kind() == "assignment"
                && a.child_by_field_name("left").map(|l| l.id()) == Some(name.id())
        });
        match assignment.and_then(|a| a.child_by_field_name("right")) {
            Some(value) => self.made_by(unparenthesize(value), scope),
            None => Receiver::Unknown,
        }
    }

    /// What `value` makes, when it is a call of a name the file resolves.
    fn made_by(&self, value: Node<'_>, scope: usize) -> Receiver {
        if value.kind() != "call" {
            return Receiver::Unknown;
        }
        let Some((root, parts)) = value
            .child_by_field_name("function")
            .map(unparenthesize)
            .and_then(|f| name_chain(f, self.text))
        else {
            return Receiver::Unknown;
        };
        match self.facts.resolve(scope, root).and_then(<[Binding]>::last) {
            Some(
                Binding::Def {
                    is_async: false, ..
                }
                | Binding::From { .. }
                | Binding::Module { .. }
                | Binding::Other {
                    kind: OtherKind::Class,
                    ..
                },
            ) => qualify(self.facts, scope, root, &parts, self.module)
                .map_or(Receiver::Unknown, Receiver::MadeBy),
            _ => Receiver::Unknown,
        }
    }
}

/// The assignments `self.attr = ...` under `node`, not in nested classes.
fn self_assignments<'t>(node: Node<'t>, text: &[u8], attr: &[u8], out: &mut Vec<Node<'t>>) {
    let is = |n: Option<Node<'_>>, what: &[u8]| n.is_some_and(|n| &text[n.byte_range()] == what);
    if node.kind() == "assignment" {
        let left = node.child_by_field_name("left");
        if left.is_some_and(|l| {
            l.kind() == "attribute"
                && is(l.child_by_field_name("object"), b"self")
                && is(l.child_by_field_name("attribute"), attr)
        }) {
            out.push(node);
        }
    }
    let mut c = node.walk();
    for child in node.named_children(&mut c) {
        if child.kind() != "class_definition" {
            self_assignments(child, text, attr, out);
        }
    }
}

/// Where a flagged await is, and what the fixer makes of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub outcome: Outcome,
}

/// Function or method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Function,
    Method,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Method => "method",
        }
    }
}

/// A callee the checker flagged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenCallee {
    pub kind: Kind,
    /// As shown: a function's qualified name (`app.client.make_client`), a method with
    /// its receiver's class (`app.client.Client.get`) or without (`.get`), or the callee
    /// as written when the file does not say what it is.
    pub name: String,
    /// What a rule takes (`-f NAME`, `--method NAME`); `None` when no rule can name it.
    pub rule: Option<String>,
    /// A method's receiver class, qualified, when known.
    pub class: Option<String>,
    /// Where it is defined, when it is a synchronous `def` of the tree.
    pub defined_at: Option<(String, usize)>,
    /// Its flagged awaits, in path and line order.
    pub at: Vec<At>,
    pub files: usize,
    pub fixed: usize,
    /// Kept by design, by reason key.
    pub kept: BTreeMap<&'static str, usize>,
    /// Left, by reason key.
    pub left: BTreeMap<&'static str, usize>,
    /// `proven` when the checker proves every flagged await of it not awaitable (each
    /// fixed or kept by design) and a rule can name it; `review` otherwise.
    pub confidence: Confidence,
    /// Why `review`: the left reasons' keys, and [`UNRESOLVED`].
    pub reasons: Vec<&'static str>,
    pub configured: bool,
}

impl ProvenCallee {
    pub fn kept_count(&self) -> usize {
        self.kept.values().sum()
    }

    pub fn left_count(&self) -> usize {
        self.left.values().sum()
    }
}

/// What the checker's diagnostics say, grouped by callee.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvenReport {
    /// Most flagged first, then functions before methods, then by name.
    pub callees: Vec<ProvenCallee>,
    /// Awaits the diagnostics name (several diagnostics of one await count once).
    pub flagged: usize,
    pub in_functions: usize,
    pub in_methods: usize,
    /// Awaits whose operand is not a call (`await self._task`).
    pub not_calls: usize,
    /// Diagnostics that name no await of the file, by reason ([`FileFlags`]).
    pub not_located: BTreeMap<&'static str, usize>,
}

/// Group the flagged awaits of `files` by callee, named through the tree that
/// `surveys` describe; `rules` are the run's (they mark callees `configured`).
pub fn group(files: &[FileFlags], surveys: &[(usize, Survey)], rules: &RuleSet) -> ProvenReport {
    let tree = Tree::gather(surveys);
    let mut report = ProvenReport::default();
    let mut groups: BTreeMap<(Kind, String), ProvenCallee> = BTreeMap::new();
    for file in files {
        for (key, n) in &file.not_located {
            *report.not_located.entry(key).or_default() += n;
        }
        for a in &file.awaits {
            report.flagged += 1;
            let Some(callee) = &a.callee else {
                report.not_calls += 1;
                continue;
            };
            let (kind, name, rule, class) = tree.name(callee);
            match kind {
                Kind::Function => report.in_functions += 1,
                Kind::Method => report.in_methods += 1,
            }
            let g = groups
                .entry((kind, name.clone()))
                .or_insert_with(|| ProvenCallee {
                    defined_at: tree
                        .defs
                        .get(&name)
                        .filter(|_| rule.is_some())
                        .map(|d| (d.path.clone(), d.line)),
                    configured: rule
                        .as_deref()
                        .is_some_and(|r| configured(r, kind == Kind::Method, rules, &tree.index)),
                    kind,
                    name,
                    rule,
                    class,
                    at: Vec::new(),
                    files: 0,
                    fixed: 0,
                    kept: BTreeMap::new(),
                    left: BTreeMap::new(),
                    confidence: Confidence::Proven,
                    reasons: Vec::new(),
                });
            g.at.push(At {
                path: file.path.clone(),
                line: a.line,
                column: a.column,
                outcome: a.outcome,
            });
            match a.outcome {
                Outcome::Fixed => g.fixed += 1,
                Outcome::Kept(k) => *g.kept.entry(k).or_default() += 1,
                Outcome::Left(l) => *g.left.entry(l).or_default() += 1,
            }
        }
    }
    let mut callees: Vec<ProvenCallee> = groups
        .into_values()
        .map(|mut g| {
            g.files = g.at.iter().map(|a| &a.path).collect::<BTreeSet<_>>().len();
            g.reasons = g.left.keys().copied().collect();
            if g.rule.is_none() {
                g.reasons.push(UNRESOLVED);
            }
            if !g.reasons.is_empty() {
                g.confidence = Confidence::Review;
            }
            g
        })
        .collect();
    callees.sort_by(|a, b| {
        b.at.len()
            .cmp(&a.at.len())
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.name.cmp(&b.name))
    });
    report.callees = callees;
    report
}

impl Tree {
    /// A callee's kind, shown name, rule and class.
    fn name(&self, callee: &Callee) -> (Kind, String, Option<String>, Option<String>) {
        match callee {
            Callee::Function(q) => {
                let canonical = self.index.canonical(q);
                match self.defs.get(&canonical) {
                    // A method of a class of the tree, called through the class.
                    Some(d) if d.method => {
                        let (class, name) = canonical.rsplit_once('.').unwrap_or(("", q));
                        (
                            Kind::Method,
                            canonical.clone(),
                            Some(name.to_string()),
                            Some(class.to_string()),
                        )
                    }
                    _ => (Kind::Function, canonical.clone(), Some(canonical), None),
                }
            }
            Callee::Unresolved(written) => (Kind::Function, written.clone(), None, None),
            Callee::Method { name, receiver } => {
                let class = self.class_of(receiver);
                let shown = match &class {
                    Some(c) => format!("{c}.{name}"),
                    None => format!(".{name}"),
                };
                (Kind::Method, shown, Some(name.clone()), class)
            }
        }
    }

    /// The class of the tree an instance of `receiver` is, when the tree says.
    fn class_of(&self, receiver: &Receiver) -> Option<String> {
        let made_by = match receiver {
            Receiver::Class(q) => return Some(self.index.canonical(q)),
            Receiver::MadeBy(q) => self.index.canonical(q),
            Receiver::Unknown => return None,
        };
        if self.classes.contains_key(&made_by) {
            return Some(made_by);
        }
        let returns = &self.defs.get(&made_by)?.returns;
        let classes: BTreeSet<String> = returns
            .iter()
            .map(|r| {
                let c = self.index.canonical(r.as_deref()?);
                self.classes.contains_key(&c).then_some(c)
            })
            .collect::<Option<_>>()?;
        match classes.len() {
            1 => classes.into_iter().next(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
