//! The one walk over a syntax tree that collects a file's [`FileFacts`].
//!
//! One iterative walk records every scope (module, function, lambda, comprehension,
//! class, PEP 695 type parameters), the names bound in it and how (a `def`, an `async
//! def`, an import, a stand-in for a failed import, anything else), `global`/`nonlocal`
//! declarations, every `await` with the scope Python evaluates it in, the `# unawait:`
//! comments and the bodies of `pytest.raises(TypeError)`-style blocks. The walk never
//! recurses, so deeply nested code cannot overflow the stack.
//!
//! Where Python evaluates things is not always the scope around them in the source: a
//! `def`'s default values are evaluated where the `def` is, its annotations there too
//! (or in its type-parameter scope), a class's bases likewise, and a comprehension's
//! first iterable outside the comprehension. The walk records each such node as
//! evaluated elsewhere, and it must never put an await or a binding of one of them in
//! the scope it only appears inside.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::python::facts::{AwaitSite, Binding, FileFacts, OtherKind, Scope, ScopeKind};
use crate::python::fallback::{catches_import_error, decorators, stand_in};
use crate::python::raises::expects_type_error;

mod bindings;
mod dunder_all;

/// An `except` handler that runs when its `try`'s import fails, open on the current
/// path.
struct Handler<'t> {
    clause: Node<'t>,
    /// The scope of the `try` statement.
    scope: usize,
    /// The bytes of the `try` body.
    body: Range<usize>,
}

struct Collector<'t, 's> {
    text: &'s [u8],
    facts: FileFacts<'t>,
    /// Scopes open along the current path, with the node that opened each; a node
    /// evaluated elsewhere (see the module's comment) opens that scope again.
    stack: Vec<(usize, Node<'t>)>,
    /// Nodes not reached yet that are evaluated in another scope than the one around
    /// them, by node id, with that scope.
    elsewhere: HashMap<usize, usize>,
    /// The `except ImportError:` handlers open along the current path.
    handlers: Vec<Handler<'t>>,
}

impl<'t> Collector<'t, '_> {
    fn current(&self) -> usize {
        self.stack.last().map_or(0, |(s, _)| *s)
    }

    fn name_of(&self, node: Node<'_>) -> String {
        String::from_utf8_lossy(&self.text[node.byte_range()]).into_owned()
    }

    fn bind(&mut self, scope: usize, name: String, binding: Binding) {
        let s = &self.facts.scopes[scope];
        let scope = if s.globals.contains(&name) {
            0
        } else if s.nonlocals.contains(&name) {
            // The binding belongs to an enclosing function, which lookups reach anyway.
            match self.enclosing_binder(scope, &name) {
                Some(outer) => outer,
                None => return,
            }
        } else {
            scope
        };
        self.facts.scopes[scope]
            .bindings
            .entry(name)
            .or_default()
            .push(binding);
    }

    /// The nearest enclosing function scope of `scope` that binds `name`.
    fn enclosing_binder(&self, scope: usize, name: &str) -> Option<usize> {
        let mut current = self.facts.scopes[scope].parent;
        while let Some(s) = current {
            let sc = &self.facts.scopes[s];
            if sc.kind == ScopeKind::Function && sc.bindings.contains_key(name) {
                return Some(s);
            }
            current = sc.parent;
        }
        None
    }

    /// Evaluate `node`, when the walk reaches it, in `scope`.
    fn evaluate_in(&mut self, node: Option<Node<'_>>, scope: usize) {
        if let Some(n) = node {
            self.elsewhere.insert(n.id(), scope);
        }
    }

    /// Is `name`, bound in `scope` now, a fallback: bound in an `except ImportError:`
    /// handler whose `try`, in the same scope, imports the name?
    fn is_fallback(&self, scope: usize, name: &str) -> bool {
        let Some(bindings) = self.facts.scopes[scope].bindings.get(name) else {
            return false;
        };
        self.handlers.iter().any(|h| {
            h.scope == scope
                && bindings.iter().any(|b| match b {
                    Binding::From { site, .. } => {
                        h.body.start <= site.stmt.start && site.stmt.end <= h.body.end
                    }
                    _ => false,
                })
        })
    }

    /// `name = value` where `value` stands in for a failed import, or `None`.
    fn stand_in_binding(&self, scope: usize, assignment: Node<'_>) -> Option<(String, Binding)> {
        if self.handlers.is_empty() {
            return None;
        }
        let left = assignment.child_by_field_name("left")?;
        let right = assignment.child_by_field_name("right")?;
        if left.kind() != "identifier" {
            return None;
        }
        let name = self.name_of(left);
        if !self.is_fallback(scope, &name) {
            return None;
        }
        let awaitable = stand_in(right, self.text)?;
        let at = left.start_byte();
        Some((name, Binding::StandIn { awaitable, at }))
    }

    /// PEP 695 type parameters (`[T: int, *Ts, **P]`): each binds its name, the first
    /// identifier of its part, in `scope`.
    fn bind_type_params(&mut self, scope: usize, params: Node<'_>) {
        let mut c = params.walk();
        let parts: Vec<Node<'_>> = params.named_children(&mut c).collect();
        for part in parts {
            let mut todo = vec![part];
            while let Some(n) = todo.pop() {
                if n.kind() == "identifier" {
                    let name = self.name_of(n);
                    let at = n.start_byte();
                    self.bind(scope, name, other(OtherKind::TypeParameter, at));
                    break;
                }
                let mut c = n.walk();
                let mut kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
                kids.reverse();
                todo.extend(kids);
            }
        }
    }

    /// The scope of a definition's type parameters, opened on `node`, or `None` when it
    /// has none.
    fn open_type_params(&mut self, node: Node<'t>) -> Option<usize> {
        let params = node.child_by_field_name("type_parameters")?;
        let scope = self.open_scope(ScopeKind::TypeParams, node);
        self.bind_type_params(scope, params);
        // Bounds and constraints are evaluated there too.
        self.evaluate_in(Some(params), scope);
        Some(scope)
    }

    /// A parameter list's default values are evaluated in `defaults`, its annotations in
    /// `annotations`; the names bind in the function's own scope.
    fn evaluate_parameters(&mut self, params: Node<'_>, defaults: usize, annotations: usize) {
        let mut c = params.walk();
        let list: Vec<Node<'_>> = params.named_children(&mut c).collect();
        for p in list {
            match p.kind() {
                "default_parameter" | "typed_default_parameter" => {
                    self.evaluate_in(p.child_by_field_name("value"), defaults);
                }
                _ => {}
            }
            self.evaluate_in(p.child_by_field_name("type"), annotations);
        }
    }

    fn open_scope(&mut self, kind: ScopeKind, node: Node<'t>) -> usize {
        let id = self.facts.scopes.len();
        self.facts.scopes.push(Scope {
            kind,
            range: node.byte_range(),
            parent: Some(self.current()),
            bindings: HashMap::new(),
            globals: HashSet::new(),
            nonlocals: HashSet::new(),
        });
        self.stack.push((id, node));
        id
    }

    /// Bind every plain name in an assignment-like target (`a`, `a, (b, *c)`, `[d]`);
    /// attributes and subscripts bind nothing.
    fn bind_targets(&mut self, scope: usize, target: Node<'_>, kind: OtherKind) {
        let mut todo = vec![target];
        while let Some(node) = todo.pop() {
            match node.kind() {
                "identifier" => {
                    let name = self.name_of(node);
                    self.bind(scope, name, other(kind, node.start_byte()));
                }
                "attribute" | "subscript" | "comment" => {}
                _ => {
                    let mut c = node.walk();
                    todo.extend(node.named_children(&mut c));
                }
            }
        }
    }

    fn bind_parameters(&mut self, scope: usize, params: Node<'_>) {
        let mut c = params.walk();
        for p in params.named_children(&mut c) {
            let name_node = match p.kind() {
                "identifier" => Some(p),
                "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
                "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                    let mut c2 = p.walk();
                    let first = p.named_children(&mut c2).find(|n| n.kind() == "identifier");
                    first
                }
                "tuple_pattern" => {
                    self.bind_targets(scope, p, OtherKind::Parameter);
                    None
                }
                _ => None,
            };
            if let Some(n) = name_node {
                // `typed_parameter` may wrap a splat: `*args: int`.
                if n.kind() == "identifier" {
                    let name = self.name_of(n);
                    self.bind(scope, name, other(OtherKind::Parameter, n.start_byte()));
                } else {
                    self.bind_targets(scope, n, OtherKind::Parameter);
                }
            } else if p.kind() == "typed_parameter" {
                self.bind_targets(scope, p.named_child(0).unwrap_or(p), OtherKind::Parameter);
            }
        }
    }

    fn nearest_non_comprehension(&self) -> usize {
        for (s, _) in self.stack.iter().rev() {
            if self.facts.scopes[*s].kind != ScopeKind::Comprehension {
                return *s;
            }
        }
        0
    }

    fn enter(&mut self, node: Node<'t>) {
        if !self.elsewhere.is_empty() {
            if let Some(s) = self.elsewhere.remove(&node.id()) {
                self.stack.push((s, node));
            }
        }
        // Keywords are anonymous nodes that share their kind with the construct
        // (`await`, `lambda`); only named nodes are constructs.
        if !node.is_named() {
            return;
        }
        let scope = self.current();
        match node.kind() {
            "function_definition" => {
                let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
                if let Some(name) = node.child_by_field_name("name") {
                    let n = self.name_of(name);
                    let fallback = !is_async && self.is_fallback(scope, &n);
                    let binding = Binding::Def {
                        is_async,
                        at: name.start_byte(),
                        decorators: decorators(node, self.text),
                        fallback,
                    };
                    self.bind(scope, n, binding);
                }
                let annotations = self.open_type_params(node).unwrap_or(scope);
                let inner = self.open_scope(ScopeKind::Function, node);
                if let Some(params) = node.child_by_field_name("parameters") {
                    self.bind_parameters(inner, params);
                    self.evaluate_parameters(params, scope, annotations);
                }
                self.evaluate_in(node.child_by_field_name("return_type"), annotations);
            }
            "lambda" => {
                let inner = self.open_scope(ScopeKind::Function, node);
                if let Some(params) = node.child_by_field_name("parameters") {
                    self.bind_parameters(inner, params);
                    self.evaluate_parameters(params, scope, scope);
                }
            }
            "class_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let n = self.name_of(name);
                    self.bind(scope, n, other(OtherKind::Class, name.start_byte()));
                }
                let bases = self.open_type_params(node).unwrap_or(scope);
                self.open_scope(ScopeKind::Class, node);
                self.evaluate_in(node.child_by_field_name("superclasses"), bases);
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                self.open_scope(ScopeKind::Comprehension, node);
                // The first iterable is evaluated outside, and passed in.
                let mut c = node.walk();
                let first = node
                    .named_children(&mut c)
                    .find(|n| n.kind() == "for_in_clause");
                if let Some(clause) = first {
                    let mut c = clause.walk();
                    let iterables: Vec<Node<'_>> =
                        clause.children_by_field_name("right", &mut c).collect();
                    for it in iterables {
                        self.evaluate_in(Some(it), scope);
                    }
                }
            }
            "assignment" | "augmented_assignment" | "call"
                if scope == 0 && self.dunder_all(node) =>
            {
                // `__all__ = [...]`: the name is bound as any assignment's is.
                if let Some(left) = node.child_by_field_name("left") {
                    self.bind_targets(scope, left, OtherKind::Assignment);
                }
            }
            "assignment" => match self.stand_in_binding(scope, node) {
                Some((name, binding)) => self.bind(scope, name, binding),
                None => {
                    let kind = match node.child_by_field_name("right") {
                        Some(right) if is_dynamic_import(right, self.text) => {
                            OtherKind::DynamicImport
                        }
                        _ => OtherKind::Assignment,
                    };
                    if let Some(left) = node.child_by_field_name("left") {
                        self.bind_targets(scope, left, kind);
                    }
                }
            },
            "for_in_clause" | "for_statement" | "augmented_assignment" => {
                let kind = match node.kind() {
                    "augmented_assignment" => OtherKind::Assignment,
                    _ => OtherKind::LoopTarget,
                };
                if let Some(left) = node.child_by_field_name("left") {
                    self.bind_targets(scope, left, kind);
                }
            }
            "as_pattern" => {
                // `with x as y`, `except E as y`; case patterns are handled below.
                if let Some(alias) = node.child_by_field_name("alias") {
                    let kind = match node.parent().map(|p| p.kind()) {
                        Some("except_clause") => OtherKind::ExceptTarget,
                        _ => OtherKind::WithTarget,
                    };
                    self.bind_targets(scope, alias, kind);
                }
            }
            "named_expression" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let target = self.nearest_non_comprehension();
                    let n = self.name_of(name);
                    self.bind(target, n, other(OtherKind::Walrus, name.start_byte()));
                }
            }
            "case_clause" => self.bind_case_captures(scope, node),
            "type_alias_statement" => {
                // `type X[T] = ...` binds `X` here, `T` in a scope of its own.
                let left = node.child_by_field_name("left");
                let generic = left
                    .and_then(|l| l.named_child(0))
                    .filter(|g| g.kind() == "generic_type");
                let name = generic.or(left).and_then(|n| {
                    let mut c = n.walk();
                    let first = n.named_children(&mut c).next();
                    first.filter(|i| i.kind() == "identifier")
                });
                if let Some(name) = name {
                    let n = self.name_of(name);
                    self.bind(scope, n, other(OtherKind::TypeAlias, name.start_byte()));
                }
                let params = generic.and_then(|g| {
                    let mut c = g.walk();
                    let found = g
                        .named_children(&mut c)
                        .find(|n| n.kind() == "type_parameter");
                    found
                });
                if let Some(params) = params {
                    let inner = self.open_scope(ScopeKind::TypeParams, node);
                    self.bind_type_params(inner, params);
                }
            }
            "except_clause" if catches_import_error(node, self.text) => {
                let body = node
                    .parent()
                    .filter(|p| p.kind() == "try_statement")
                    .and_then(|t| t.child_by_field_name("body"));
                if let Some(body) = body {
                    self.handlers.push(Handler {
                        clause: node,
                        scope,
                        body: body.byte_range(),
                    });
                }
            }
            "import_statement" => self.bind_import(scope, node),
            "import_from_statement" => self.bind_import_from(scope, node),
            "global_statement" | "nonlocal_statement" => {
                let global = node.kind() == "global_statement";
                let mut c = node.walk();
                let names: Vec<String> = node
                    .named_children(&mut c)
                    .filter(|n| n.kind() == "identifier")
                    .map(|n| self.name_of(n))
                    .collect();
                let s = &mut self.facts.scopes[scope];
                for n in names {
                    if global {
                        s.globals.insert(n);
                    } else {
                        s.nonlocals.insert(n);
                    }
                }
            }
            "await" => self.facts.awaits.push(AwaitSite { node, scope }),
            "comment" => self.comment(node),
            "with_statement" if expects_type_error(node, self.text) => {
                self.facts.raises_blocks.push(node.byte_range());
            }
            _ => {}
        }
    }

    fn comment(&mut self, node: Node<'_>) {
        let text = &self.text[node.byte_range()];
        let body = String::from_utf8_lossy(text);
        // `# noqa  # unawait: ignore` style: any `#`-section of the comment counts.
        for section in body.split('#').map(str::trim) {
            let Some(rest) = section.strip_prefix("unawait:") else {
                continue;
            };
            match rest.trim() {
                "ignore" => self.facts.ignore_comments.push(node.start_byte()),
                "skip-file" if self.facts.skip_file.is_none() => {
                    self.facts.skip_file = Some(node.start_byte())
                }
                _ => {}
            }
        }
    }
}

fn other(kind: OtherKind, at: usize) -> Binding {
    Binding::Other { kind, at }
}

/// Is `value` a call that imports a module named at run time:
/// `importlib.import_module(…)`, `import_module(…)`, `__import__(…)`?
fn is_dynamic_import(value: Node<'_>, text: &[u8]) -> bool {
    let value = crate::python::parse::unparenthesize(value);
    if value.kind() != "call" {
        return false;
    }
    let Some(callee) = value.child_by_field_name("function") else {
        return false;
    };
    let last = match callee.kind() {
        "attribute" => callee.child_by_field_name("attribute"),
        "identifier" => Some(callee),
        _ => None,
    };
    last.is_some_and(|n| {
        matches!(
            &text[n.byte_range()],
            b"import_module" | b"__import__" | b"module_from_spec"
        )
    })
}

/// Walk `tree` once and collect the facts of the file. `text` is what the parser saw.
pub fn collect<'t>(tree: &'t Tree, text: &[u8]) -> FileFacts<'t> {
    let mut col = Collector {
        text,
        facts: FileFacts {
            scopes: vec![Scope {
                kind: ScopeKind::Module,
                range: 0..text.len(),
                parent: None,
                bindings: HashMap::new(),
                globals: HashSet::new(),
                nonlocals: HashSet::new(),
            }],
            awaits: Vec::new(),
            star_imports: Vec::new(),
            dunder_all: crate::python::facts::DunderAll::Absent,
            ignore_comments: Vec::new(),
            skip_file: None,
            raises_blocks: Vec::new(),
        },
        stack: Vec::new(),
        elsewhere: HashMap::new(),
        handlers: Vec::new(),
    };
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        col.enter(node);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            let leaving = cursor.node();
            // A node may have opened more than one scope: `class C[T]`, or a lambda
            // that is a default value.
            while col.stack.last().is_some_and(|(_, n)| *n == leaving) {
                col.stack.pop();
            }
            if col.handlers.last().is_some_and(|h| h.clause == leaving) {
                col.handlers.pop();
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    col.facts
}

#[cfg(test)]
mod tests;
