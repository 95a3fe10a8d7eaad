//! The one walk over a syntax tree that collects a file's [`FileFacts`].
//!
//! One iterative walk records every scope (module, function, lambda, comprehension,
//! class), the names bound in it and how (a `def`, an `async def`, an import, anything
//! else), `global`/`nonlocal` declarations, every `await`, the `# unawait:` comments and
//! the bodies of `pytest.raises(TypeError)`-style blocks. The walk never recurses, so
//! deeply nested code cannot overflow the stack.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

use crate::python::facts::{AwaitSite, Binding, FileFacts, ImportSite, Scope, ScopeKind};
use crate::python::parse::text_is;
use crate::python::raises::expects_type_error;

struct Collector<'t, 's> {
    text: &'s [u8],
    facts: FileFacts<'t>,
    /// Scopes open along the current path, with the node that opened each.
    stack: Vec<(usize, Node<'t>)>,
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
    fn bind_targets(&mut self, scope: usize, target: Node<'_>) {
        let mut todo = vec![target];
        while let Some(node) = todo.pop() {
            match node.kind() {
                "identifier" => {
                    let name = self.name_of(node);
                    self.bind(scope, name, Binding::Other);
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
                    self.bind_targets(scope, p);
                    None
                }
                _ => None,
            };
            if let Some(n) = name_node {
                // `typed_parameter` may wrap a splat: `*args: int`.
                if n.kind() == "identifier" {
                    let name = self.name_of(n);
                    self.bind(scope, name, Binding::Other);
                } else {
                    self.bind_targets(scope, n);
                }
            } else if p.kind() == "typed_parameter" {
                self.bind_targets(scope, p.named_child(0).unwrap_or(p));
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
                    self.bind(
                        scope,
                        n,
                        Binding::Def {
                            is_async,
                            at: name.start_byte(),
                        },
                    );
                }
                let inner = self.open_scope(ScopeKind::Function, node);
                if let Some(params) = node.child_by_field_name("parameters") {
                    self.bind_parameters(inner, params);
                }
            }
            "lambda" => {
                let inner = self.open_scope(ScopeKind::Function, node);
                if let Some(params) = node.child_by_field_name("parameters") {
                    self.bind_parameters(inner, params);
                }
            }
            "class_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let n = self.name_of(name);
                    self.bind(scope, n, Binding::Other);
                }
                self.open_scope(ScopeKind::Class, node);
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                self.open_scope(ScopeKind::Comprehension, node);
            }
            "for_in_clause" | "for_statement" | "assignment" | "augmented_assignment" => {
                if let Some(left) = node.child_by_field_name("left") {
                    self.bind_targets(scope, left);
                }
            }
            "as_pattern" => {
                // `with x as y`, `except E as y`; case patterns are handled below.
                if let Some(alias) = node.child_by_field_name("alias") {
                    self.bind_targets(scope, alias);
                }
            }
            "named_expression" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let target = self.nearest_non_comprehension();
                    let n = self.name_of(name);
                    self.bind(target, n, Binding::Other);
                }
            }
            "case_clause" => self.bind_case_captures(scope, node),
            "type_alias_statement" => {
                if let Some(left) = node.child_by_field_name("left") {
                    self.bind_targets(scope, left);
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

    fn bind_case_captures(&mut self, scope: usize, clause: Node<'_>) {
        let mut todo = Vec::new();
        let mut c = clause.walk();
        todo.extend(
            clause
                .named_children(&mut c)
                .filter(|n| n.kind() == "case_pattern"),
        );
        while let Some(node) = todo.pop() {
            let parent_kind = node.parent().map(|p| p.kind()).unwrap_or("");
            match node.kind() {
                // A capture is a single bare name: `case x`, `case [a, *rest]`, `k=v`.
                "dotted_name"
                    if node.named_child_count() == 1
                        && matches!(parent_kind, "case_pattern" | "keyword_pattern") =>
                {
                    if !text_is(node, self.text, "_") {
                        let n = self.name_of(node);
                        self.bind(scope, n, Binding::Other);
                    }
                }
                "identifier" if matches!(parent_kind, "splat_pattern" | "as_pattern") => {
                    let n = self.name_of(node);
                    self.bind(scope, n, Binding::Other);
                }
                "dotted_name" | "string" | "integer" | "float" => {}
                _ => {
                    let mut c = node.walk();
                    todo.extend(node.named_children(&mut c));
                }
            }
        }
    }

    fn bind_import(&mut self, scope: usize, node: Node<'_>) {
        let mut c = node.walk();
        let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut c).collect();
        for n in names {
            match n.kind() {
                "dotted_name" => {
                    // `import a.b.c` binds `a`, the top package.
                    if let Some(first) = n.named_child(0) {
                        let top = self.name_of(first);
                        self.bind(scope, top.clone(), Binding::Module { module: top });
                    }
                }
                "aliased_import" => {
                    if let (Some(target), Some(alias)) = (
                        n.child_by_field_name("name"),
                        n.child_by_field_name("alias"),
                    ) {
                        let module = self.name_of(target);
                        let alias = self.name_of(alias);
                        self.bind(scope, alias, Binding::Module { module });
                    }
                }
                _ => {}
            }
        }
    }

    fn bind_import_from(&mut self, scope: usize, node: Node<'_>) {
        let Some(module_node) = node.child_by_field_name("module_name") else {
            return;
        };
        let module: String = self
            .name_of(module_node)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\\')
            .collect();
        let mut c = node.walk();
        if node.children(&mut c).any(|n| n.kind() == "wildcard_import") {
            if scope == 0 {
                self.facts.star_imports.push(module);
            }
            return;
        }
        let mut c = node.walk();
        let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut c).collect();
        let last_item = names.last().map_or(0..0, |n| n.byte_range());
        let mut c = node.walk();
        let parenthesized = node.children(&mut c).any(|n| n.kind() == "(");
        for n in names {
            let (name, bound) = match n.kind() {
                "dotted_name" => {
                    let s = self.name_of(n);
                    (s.clone(), s)
                }
                "aliased_import" => match (
                    n.child_by_field_name("name"),
                    n.child_by_field_name("alias"),
                ) {
                    (Some(target), Some(alias)) => (self.name_of(target), self.name_of(alias)),
                    _ => continue,
                },
                _ => continue,
            };
            self.bind(
                scope,
                bound,
                Binding::From {
                    module: module.clone(),
                    name,
                    site: ImportSite {
                        stmt: node.byte_range(),
                        item: n.byte_range(),
                        last_item: last_item.clone(),
                        parenthesized,
                    },
                },
            );
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
            ignore_comments: Vec::new(),
            skip_file: None,
            raises_blocks: Vec::new(),
        },
        stack: Vec::new(),
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
            if col.stack.last().is_some_and(|(_, n)| *n == leaving) {
                col.stack.pop();
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
mod tests {
    use super::*;
    use crate::python::parse::parse;

    fn with_facts(src: &str, f: impl FnOnce(&FileFacts<'_>)) {
        let tree = parse(src.as_bytes());
        let facts = collect(&tree, src.as_bytes());
        f(&facts);
    }

    fn await_scope_binding(facts: &FileFacts<'_>, i: usize, name: &str) -> Option<Vec<Binding>> {
        let site = facts.awaits[i];
        facts.resolve(site.scope, name).map(|b| b.to_vec())
    }

    #[test]
    fn parameters_and_assignments_shadow() {
        let src = "def f(): pass\nasync def a(f):\n    await f()\nasync def b():\n    f = 1\n    await f()\nasync def c():\n    await f()\n";
        with_facts(src, |facts| {
            assert_eq!(
                await_scope_binding(facts, 0, "f"),
                Some(vec![Binding::Other])
            );
            assert_eq!(
                await_scope_binding(facts, 1, "f"),
                Some(vec![Binding::Other])
            );
            assert_eq!(
                await_scope_binding(facts, 2, "f"),
                Some(vec![Binding::Def {
                    is_async: false,
                    at: 4
                }])
            );
        });
    }

    #[test]
    fn class_body_does_not_enclose_methods() {
        let src = "class C:\n    f = 1\n    async def m(self):\n        await f()\n";
        with_facts(src, |facts| {
            assert_eq!(await_scope_binding(facts, 0, "f"), None)
        });
    }

    #[test]
    fn comprehension_walrus_for_with_except_global() {
        let src =
            "async def a(xs):\n    [await f() for f in xs]\n    with o as f: pass\n    await f()\n\
                   async def b():\n    global f\n    f = 2\n    await f()\n\
                   async def c():\n    try: pass\n    except E as f: pass\n    await f()\n\
                   async def d():\n    if (f := 1): pass\n    await f()\n\
                   async def e():\n    for (x, f) in y: pass\n    await f()\n";
        with_facts(src, |facts| {
            for i in [0, 1, 3, 4, 5] {
                assert_eq!(
                    await_scope_binding(facts, i, "f"),
                    Some(vec![Binding::Other]),
                    "await {i}"
                );
            }
            // `global f` sends both the assignment and the lookup to the module.
            assert_eq!(
                await_scope_binding(facts, 2, "f"),
                Some(vec![Binding::Other])
            );
            assert_eq!(facts.scopes[0].bindings["f"], vec![Binding::Other]);
        });
    }

    #[test]
    fn imports_bind_modules_and_names() {
        let src = "import a.b\nimport c.d as e\nfrom .m import g as h, k\nfrom x import *\n";
        with_facts(src, |facts| {
            let b = &facts.scopes[0].bindings;
            assert_eq!(b["a"], vec![Binding::Module { module: "a".into() }]);
            assert_eq!(
                b["e"],
                vec![Binding::Module {
                    module: "c.d".into()
                }]
            );
            assert_eq!(
                b["h"],
                vec![Binding::From {
                    module: ".m".into(),
                    name: "g".into(),
                    site: ImportSite {
                        stmt: 27..51,
                        item: 42..48,
                        last_item: 50..51,
                        parenthesized: false,
                    },
                }]
            );
            assert_eq!(
                b["k"],
                vec![Binding::From {
                    module: ".m".into(),
                    name: "k".into(),
                    site: ImportSite {
                        stmt: 27..51,
                        item: 50..51,
                        last_item: 50..51,
                        parenthesized: false,
                    },
                }]
            );
            assert_eq!(facts.star_imports, vec!["x".to_string()]);
        });
    }

    #[test]
    fn raises_blocks_and_comments() {
        let src = "# unawait: skip-file\nasync def t(self):\n    with pytest.raises((ValueError, TypeError), match='x'):\n        await f()\n    with self.assertRaises(ValueError):\n        await f()  # unawait: ignore\n";
        with_facts(src, |facts| {
            assert_eq!(facts.raises_blocks.len(), 1);
            assert_eq!(facts.ignore_comments.len(), 1);
            assert_eq!(facts.skip_file, Some(0));
        });
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 5000;
        let src = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        with_facts(&src, |facts| assert_eq!(facts.awaits.len(), 0));
    }
}
