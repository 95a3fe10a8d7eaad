//! Parsing Python with tree-sitter, the matcher's parser. Whether a text is Python at
//! all is CPython's grammar's call (`cpython.rs`); a tree-sitter error alone says only
//! that tree-sitter cannot read it.
//!
//! The parser sees a copy of the source in which a lone CR (old Mac line endings, which
//! CPython accepts) becomes LF: same length, so every byte offset still points into the
//! original. Nothing here changes the bytes that are written back.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(new_parser());
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("tree-sitter-python grammar is compatible with tree-sitter");
    parser
}

/// The bytes the parser sees: `source` with lone CRs turned into LFs and, in a file
/// that is not UTF-8 (a latin-1 file with a coding cookie), every non-ASCII byte turned
/// into `x`, so that `résultat` still reads as one identifier. Same length either way.
pub fn parse_text(source: &[u8]) -> Cow<'_, [u8]> {
    let lone_cr = memchr::memchr_iter(b'\r', source).any(|i| source.get(i + 1) != Some(&b'\n'));
    let not_utf8 = std::str::from_utf8(source).is_err();
    if !lone_cr && !not_utf8 {
        return Cow::Borrowed(source);
    }
    let mut copy = source.to_vec();
    for i in 0..copy.len() {
        if copy[i] == b'\r' && copy.get(i + 1) != Some(&b'\n') {
            copy[i] = b'\n';
        } else if not_utf8 && copy[i] >= 0x80 {
            copy[i] = b'x';
        }
    }
    Cow::Owned(copy)
}

/// Parse `text` (already passed through [`parse_text`]).
pub fn parse(text: &[u8]) -> Tree {
    PARSER.with(|p| {
        let mut parser = p.borrow_mut();
        parser.reset();
        parser
            .parse(text, None)
            .expect("parsing without a timeout or cancellation flag always returns a tree")
    })
}

/// The first error in `tree`, as a byte offset.
pub fn first_error(tree: &Tree) -> Option<usize> {
    first_error_range(tree).map(|r| r.start)
}

/// The bytes of the first ERROR node in `tree` (empty for a MISSING node).
pub fn first_error_range(tree: &Tree) -> Option<Range<usize>> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    // Descend towards the first ERROR or MISSING node; children that contain no error
    // are skipped whole.
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node.byte_range());
        }
        if !cursor.goto_first_child() {
            return Some(node.byte_range());
        }
        while !cursor.node().has_error() {
            if !cursor.goto_next_sibling() {
                return Some(node.byte_range());
            }
        }
    }
}

/// The source text of `node`, lossily decoded.
pub fn node_text<'a>(node: Node<'_>, text: &'a [u8]) -> Cow<'a, str> {
    String::from_utf8_lossy(&text[node.byte_range()])
}

/// Does the node's text equal `s`? (No allocation.)
pub fn text_is(node: Node<'_>, text: &[u8], s: &str) -> bool {
    &text[node.byte_range()] == s.as_bytes()
}

/// Strip parentheses around an expression; comments inside them are skipped.
pub fn unparenthesize(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        let mut c = node.walk();
        let inner: Vec<Node<'_>> = node
            .named_children(&mut c)
            .filter(|n| n.kind() != "comment")
            .collect();
        match inner.as_slice() {
            [only] => node = *only,
            _ => break,
        }
    }
    node
}

/// The operand of an `await` node: its last named child that is not a comment or a
/// line continuation.
pub fn await_operand(node: Node<'_>) -> Option<Node<'_>> {
    let mut c = node.walk();
    let mut operand = node
        .named_children(&mut c)
        .filter(|n| !matches!(n.kind(), "comment" | "line_continuation"))
        .last()?;
    // tree-sitter-python reads `await f() ** 2` as `await (f() ** 2)`; Python binds
    // `await` tighter than `**`, so the operand is the power's leftmost base.
    while operand.kind() == "binary_operator"
        && operand
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "**")
    {
        operand = operand.child_by_field_name("left")?;
    }
    Some(operand)
}

/// A callee written as plain names joined by dots (`root.a.b`): the root and the names
/// after it, in order. `None` when some part is anything else (a call, a subscript).
pub fn name_chain<'t>(callee: Node<'_>, text: &'t [u8]) -> Option<(&'t str, Vec<&'t str>)> {
    let name_of = |n: Node<'_>| std::str::from_utf8(&text[n.byte_range()]).unwrap_or("");
    let mut parts = Vec::new();
    let mut node = callee;
    loop {
        match node.kind() {
            "identifier" => {
                parts.reverse();
                return Some((name_of(node), parts));
            }
            "attribute" => {
                parts.push(name_of(node.child_by_field_name("attribute")?));
                node = node.child_by_field_name("object")?;
            }
            _ => return None,
        }
    }
}

/// Longest callee text shown as it is when it is not a plain chain of names.
const SHOWN_CALLEE: usize = 40;

/// The callee as a person reads it on the line: a chain of names joined by dots
/// (`m.get_client`, whatever blanks the line has around the dots), else its text when
/// that is short and on one line (`pool().get`), else `….NAME`. Bytes that are not
/// UTF-8 (a latin-1 identifier) show as U+FFFD; the name is for messages only.
pub fn written_callee(callee: Node<'_>, last: Node<'_>, text: &[u8]) -> String {
    let text_of = |n: Node<'_>| String::from_utf8_lossy(&text[n.byte_range()]).into_owned();
    let callee = unparenthesize(callee);
    let mut parts = Vec::new();
    let mut node = callee;
    loop {
        match node.kind() {
            "identifier" => {
                parts.push(text_of(node));
                parts.reverse();
                return parts.join(".");
            }
            "attribute" => match (
                node.child_by_field_name("attribute"),
                node.child_by_field_name("object"),
            ) {
                (Some(name), Some(object)) => {
                    parts.push(text_of(name));
                    node = object;
                }
                _ => break,
            },
            _ => break,
        }
    }
    let whole = text_of(callee);
    if whole.chars().count() <= SHOWN_CALLEE && !whole.contains(['\n', '\r', '#']) {
        whole
    } else {
        format!("….{}", text_of(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_cr_becomes_lf_crlf_stays() {
        assert_eq!(&*parse_text(b"a\rb\r\nc"), b"a\nb\r\nc");
        assert!(matches!(parse_text(b"a\r\nb"), Cow::Borrowed(_)));
        assert_eq!(&*parse_text(b"r\xe9s = 1"), b"rxs = 1");
        assert!(matches!(
            parse_text("résultat".as_bytes()),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn finds_first_error() {
        let text = b"x = 1\ny = (\n";
        let tree = parse(text);
        assert!(first_error(&tree).is_some());
        assert_eq!(first_error(&parse(b"x = 1\n")), None);
    }

    #[test]
    fn cr_only_files_parse() {
        let text = parse_text(b"x = 1\r\rasync def f():\r    await g()\r");
        assert_eq!(first_error(&parse(&text)), None);
    }
}
