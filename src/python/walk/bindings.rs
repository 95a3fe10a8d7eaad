//! How the walk binds imports and `match` captures: the forms that bind names without
//! an assignment.

use tree_sitter::Node;

use super::Collector;
use crate::python::facts::{Binding, ImportSite, OtherKind};
use crate::python::parse::text_is;

impl Collector<'_, '_> {
    pub(super) fn bind_case_captures(&mut self, scope: usize, clause: Node<'_>) {
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
                        let at = node.start_byte();
                        self.bind(scope, n, super::other(OtherKind::MatchCapture, at));
                    }
                }
                "identifier" if matches!(parent_kind, "splat_pattern" | "as_pattern") => {
                    let n = self.name_of(node);
                    let at = node.start_byte();
                    self.bind(scope, n, super::other(OtherKind::MatchCapture, at));
                }
                "dotted_name" | "string" | "integer" | "float" => {}
                _ => {
                    let mut c = node.walk();
                    todo.extend(node.named_children(&mut c));
                }
            }
        }
    }

    pub(super) fn bind_import(&mut self, scope: usize, node: Node<'_>) {
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

    pub(super) fn bind_import_from(&mut self, scope: usize, node: Node<'_>) {
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
}
