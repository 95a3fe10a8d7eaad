//! String literals as tree-sitter reads them, and which of them are docstrings.
//!
//! A docstring is what Python stores in `__doc__`: a plain string literal (not a bytes
//! literal, not an f-string or t-string, not an implicit concatenation) that is the
//! whole of the first statement of a module, class or function body. Comments before
//! it do not count as statements.

use std::ops::Range;

use tree_sitter::{Node, Tree};

/// A `string` node's parts: the letters before its quote, whether the quote is
/// tripled, and the bytes between the quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The whole literal, prefix and quotes included.
    pub range: Range<usize>,
    /// `r`, `Rb`, `f`...: the bytes before the opening quote.
    pub prefix: Range<usize>,
    pub triple: bool,
    /// Between the quotes.
    pub content: Range<usize>,
}

impl Literal {
    /// The parts of `node`, a `string` node; `None` for any other node, or one without
    /// its quotes (an error in the tree).
    pub fn of(node: Node<'_>, source: &[u8]) -> Option<Literal> {
        if node.kind() != "string" {
            return None;
        }
        let count = node.child_count();
        let start = node.child(0).filter(|n| n.kind() == "string_start")?;
        let end = node
            .child(count.checked_sub(1)?)
            .filter(|n| n.kind() == "string_end")?;
        let opening = &source[start.byte_range()];
        let quotes = opening
            .iter()
            .rev()
            .take_while(|&&b| b == b'"' || b == b'\'')
            .count();
        Some(Literal {
            range: node.byte_range(),
            prefix: start.start_byte()..start.end_byte() - quotes,
            triple: quotes == 3,
            content: start.end_byte()..end.start_byte(),
        })
    }

    fn has(&self, source: &[u8], letters: &[u8]) -> bool {
        source[self.prefix.clone()]
            .iter()
            .any(|b| letters.contains(&b.to_ascii_lowercase()))
    }

    /// A raw literal (`r"..."`): backslashes are themselves.
    pub fn is_raw(&self, source: &[u8]) -> bool {
        self.has(source, b"r")
    }

    /// A bytes literal (`b"..."`).
    pub fn is_bytes(&self, source: &[u8]) -> bool {
        self.has(source, b"b")
    }

    /// An f-string or t-string: its replacement fields are code.
    pub fn is_template(&self, source: &[u8]) -> bool {
        self.has(source, b"ft")
    }
}

/// The first statement of a body: its first named child that is not a comment.
fn first_statement(body: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = body.walk();
    let first = body
        .named_children(&mut cursor)
        .find(|n| n.kind() != "comment");
    first
}

/// Is `node`, a `string` node, a docstring, or a part of one (`"a" "b"` is one)?
/// Parentheses around it do not matter (`("doc")`), as in Python's tree.
pub fn is_docstring(node: Node<'_>, source: &[u8]) -> bool {
    let plain = |n: Node<'_>| {
        Literal::of(n, source).is_some_and(|l| !l.is_bytes(source) && !l.is_template(source))
    };
    let Some(up) = node.parent() else {
        return false;
    };
    if up.kind() == "concatenated_string" {
        let mut cursor = up.walk();
        let all_plain = up.named_children(&mut cursor).all(plain);
        if !all_plain {
            return false;
        }
    } else if !plain(node) {
        return false;
    }
    // Up through the concatenation and parentheses to the statement.
    let mut stmt = up;
    while stmt.kind() == "concatenated_string"
        || (stmt.kind() == "parenthesized_expression" && stmt.named_child_count() == 1)
    {
        let Some(p) = stmt.parent() else {
            return false;
        };
        stmt = p;
    }
    if stmt.kind() != "expression_statement" || stmt.named_child_count() != 1 {
        return false;
    }
    let Some(body) = stmt.parent() else {
        return false;
    };
    let is_body = match body.kind() {
        "module" => true,
        "block" => body.parent().is_some_and(|d| {
            matches!(d.kind(), "function_definition" | "class_definition")
                && d.child_by_field_name("body") == Some(body)
        }),
        _ => false,
    };
    is_body && first_statement(body) == Some(stmt)
}

/// The docstring holding byte `at` of `source`, if any.
pub fn docstring_at<'t>(tree: &'t Tree, source: &[u8], at: usize) -> Option<Node<'t>> {
    let mut node = tree.root_node().descendant_for_byte_range(at, at)?;
    // A leaf inside a string is at most two levels down: string_content or its
    // escape_sequence.
    for _ in 0..3 {
        if node.kind() == "string" {
            return is_docstring(node, source).then_some(node);
        }
        node = node.parent()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::parse;

    /// The texts of the docstrings found at each occurrence of `mark`.
    fn docstrings(src: &str, mark: &str) -> Vec<String> {
        let tree = parse(src.as_bytes());
        src.match_indices(mark)
            .filter_map(|(at, _)| docstring_at(&tree, src.as_bytes(), at))
            .map(|n| src[n.byte_range()].to_string())
            .collect()
    }

    #[test]
    fn first_statements_of_bodies() {
        let src = "#!/usr/bin/env python\n'''M'''\nx = 'N'\nclass C:\n    # c\n    r\"\"\"C\"\"\"\n    def f(self):\n        'F'\n        'N'\n    y = 1\nasync def g():\n    u'G'\nif x:\n    'N'\n@d\ndef h(): 'H'\n";
        assert_eq!(
            docstrings(src, "'"),
            // Each docstring once per quote in it.
            vec![
                "'''M'''", "'''M'''", "'''M'''", "'''M'''", "'''M'''", "'''M'''", "'F'", "'F'",
                "u'G'", "u'G'", "'H'", "'H'"
            ]
        );
        assert_eq!(docstrings(src, "C\""), vec!["r\"\"\"C\"\"\""]);
        // Python's tree has no parentheses, and joins the parts of a concatenation.
        assert_eq!(docstrings("('D')\n", "D"), vec!["'D'"]);
        assert_eq!(
            docstrings("('D'\n 'E')\n", "'"),
            vec!["'D'", "'D'", "'E'", "'E'"]
        );
    }

    #[test]
    fn not_docstrings() {
        for src in [
            "b'D'\n",
            "f'D{x}'\n",
            "'D' f'E'\n",
            "x = 1\n'D'\n",
            "('D', 1)\n",
            "'D'.strip()\n",
            "def f(x='D'):\n    pass\n",
            "lambda: 'D'\n",
        ] {
            assert_eq!(docstrings(src, "D"), Vec::<String>::new(), "{src}");
        }
    }

    #[test]
    fn literal_parts() {
        let src = b"Rb'''a\\n'''\n";
        let tree = parse(src);
        let node = tree.root_node().child(0).unwrap().child(0).unwrap();
        let l = Literal::of(node, src).unwrap();
        assert_eq!(&src[l.prefix.clone()], b"Rb");
        assert_eq!(&src[l.content.clone()], b"a\\n");
        assert!(l.triple && l.is_raw(src) && l.is_bytes(src) && !l.is_template(src));
    }
}
