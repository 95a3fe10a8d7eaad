//! Blocks that expect a `TypeError`: `with pytest.raises(TypeError)` and unittest's
//! `assertRaises(TypeError)`. An await inside one is deliberate: the test checks that
//! the call cannot be awaited.

use tree_sitter::Node;

use crate::python::parse::text_is;

/// Is `with` (a `with` statement) one that expects a `TypeError`:
/// `with pytest.raises(TypeError)`, `with raises((TypeError, ValueError))`,
/// `with self.assertRaises(TypeError)`, `assertRaisesRegex(TypeError, ...)`?
pub fn expects_type_error(with: Node<'_>, text: &[u8]) -> bool {
    let mut c = with.walk();
    let Some(clause) = with
        .named_children(&mut c)
        .find(|n| n.kind() == "with_clause")
    else {
        return false;
    };
    let mut c = clause.walk();
    let items: Vec<Node<'_>> = clause.named_children(&mut c).collect();
    items.into_iter().any(|item| {
        let Some(mut value) = item.child_by_field_name("value") else {
            return false;
        };
        if value.kind() == "as_pattern" {
            match value.named_child(0) {
                Some(v) => value = v,
                None => return false,
            }
        }
        if value.kind() != "call" {
            return false;
        }
        let Some(function) = value.child_by_field_name("function") else {
            return false;
        };
        let last = match function.kind() {
            "identifier" => function,
            "attribute" => match function.child_by_field_name("attribute") {
                Some(a) => a,
                None => return false,
            },
            _ => return false,
        };
        let is_raises = [
            "raises",
            "assertRaises",
            "assertRaisesRegex",
            "assertRaisesRegexp",
        ]
        .iter()
        .any(|n| text_is(last, text, n));
        if !is_raises {
            return false;
        }
        let Some(args) = value.child_by_field_name("arguments") else {
            return false;
        };
        let mut c = args.walk();
        let expected = args.named_children(&mut c).find(|a| {
            a.kind() != "comment"
                && (a.kind() != "keyword_argument"
                    || a.child_by_field_name("name")
                        .is_some_and(|n| text_is(n, text, "expected_exception")))
        });
        expected.is_some_and(|e| mentions_type_error(e, text))
    })
}

fn mentions_type_error(node: Node<'_>, text: &[u8]) -> bool {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if n.kind() == "identifier" && text_is(n, text, "TypeError") {
            return true;
        }
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c));
    }
    false
}
