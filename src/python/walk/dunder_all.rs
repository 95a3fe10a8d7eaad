//! How the walk reads a module's `__all__`: what `from module import *` brings.
//!
//! Only literals are read: a list or tuple of plain strings, assigned, `+=`-ed,
//! `.extend`-ed, `.append`-ed, or added together with `+`. Anything else that
//! assigns `__all__` makes it unreadable, and the caller must then assume any public
//! name may be exported; this must never guess a list it cannot read.

use tree_sitter::Node;

use super::Collector;
use crate::python::facts::DunderAll;
use crate::python::parse::text_is;

impl Collector<'_, '_> {
    /// Record what a module-level `node` (an assignment or a call) does to
    /// `__all__`; `false` when it does not touch it.
    pub(super) fn dunder_all(&mut self, node: Node<'_>) -> bool {
        let names = match node.kind() {
            "assignment" | "augmented_assignment" => {
                let Some(left) = node.child_by_field_name("left") else {
                    return false;
                };
                if !(left.kind() == "identifier" && text_is(left, self.text, "__all__")) {
                    return false;
                }
                let plus = node
                    .child_by_field_name("operator")
                    .is_some_and(|op| text_is(op, self.text, "+="));
                let right = node.child_by_field_name("right");
                match right {
                    Some(right) if node.kind() == "assignment" || plus => {
                        strings(right, self.text, true)
                    }
                    // `__all__: list[str]` alone binds nothing.
                    None if node.kind() == "assignment" => return true,
                    _ => None,
                }
            }
            "call" => {
                let Some(function) = node.child_by_field_name("function") else {
                    return false;
                };
                let (Some(object), Some(method)) = (
                    function.child_by_field_name("object"),
                    function.child_by_field_name("attribute"),
                ) else {
                    return false;
                };
                if function.kind() != "attribute"
                    || object.kind() != "identifier"
                    || !text_is(object, self.text, "__all__")
                {
                    return false;
                }
                let args = node.child_by_field_name("arguments");
                let mut c = node.walk();
                let only: Vec<Node<'_>> = args
                    .map(|a| a.named_children(&mut c).collect())
                    .unwrap_or_default();
                match (&self.text[method.byte_range()], only.as_slice()) {
                    (b"extend", [list]) => strings(*list, self.text, true),
                    (b"append", [one]) => strings(*one, self.text, false),
                    // `remove`, `sort`…: they only narrow, reorder or read it, and
                    // a wider list is the safe side.
                    (b"remove" | b"sort" | b"reverse" | b"index" | b"count", _) => {
                        return true;
                    }
                    _ => None,
                }
            }
            _ => return false,
        };
        let all = &mut self.facts.dunder_all;
        *all = match (std::mem::take(all), names) {
            (DunderAll::Unreadable, _) | (_, None) => DunderAll::Unreadable,
            // Several assignments, in branches: any of them may be the one, so the
            // names of all of them are the ones that may be exported.
            (DunderAll::Listed(mut had), Some(new)) => {
                had.extend(new);
                DunderAll::Listed(had)
            }
            (DunderAll::Absent, Some(new)) => DunderAll::Listed(new),
        };
        true
    }
}

/// The strings of a literal list or tuple (`many`), or the one string; `None` when
/// `node` is anything else (a name, a comprehension, an f-string).
fn strings(node: Node<'_>, text: &[u8], many: bool) -> Option<Vec<String>> {
    match node.kind() {
        "parenthesized_expression" => strings(node.named_child(0)?, text, many),
        "list" | "tuple" if many => {
            let mut out = Vec::new();
            let mut c = node.walk();
            for item in node.named_children(&mut c) {
                out.extend(strings(item, text, false)?);
            }
            Some(out)
        }
        "binary_operator" if many => {
            let plus = node
                .child_by_field_name("operator")
                .is_some_and(|op| text_is(op, text, "+"));
            if !plus {
                return None;
            }
            let mut left = strings(node.child_by_field_name("left")?, text, true)?;
            left.extend(strings(node.child_by_field_name("right")?, text, true)?);
            Some(left)
        }
        "string" if !many => string_value(node, text).map(|s| vec![s]),
        _ => None,
    }
}

/// The value of a plain string literal (`"f"`, `'f'`, `r"f"`): no replacement
/// fields, no escapes, no bytes.
fn string_value(node: Node<'_>, text: &[u8]) -> Option<String> {
    let mut value = String::new();
    let mut c = node.walk();
    for part in node.children(&mut c) {
        let bytes = &text[part.byte_range()];
        match part.kind() {
            "string_start" => {
                let prefix = bytes.iter().take_while(|b| b.is_ascii_alphabetic());
                if prefix
                    .into_iter()
                    .any(|b| !matches!(b, b'r' | b'R' | b'u' | b'U'))
                {
                    return None;
                }
            }
            "string_content" if !bytes.contains(&b'\\') => {
                value.push_str(std::str::from_utf8(bytes).ok()?);
            }
            "string_end" => {}
            _ => return None,
        }
    }
    Some(value)
}
