//! Rule calls mentioned in text rather than code: in comments, string literals and
//! docstrings (`# call await get() here`, `"use get(x)"`), for the summary and `-v`.
//!
//! A mention is a whole-word `NAME(` for one of the names asked for, with blanks
//! allowed before the `(` and anything before the name (`await get(`, `m.get(`), where
//! the name and its `(` are both inside one comment or one stretch of a string's text.
//! An f-string's replacement fields (`{get(x)}`) are code, not text, and are passed
//! over; a string inside one (`{d["get("]}`) is text again.
//!
//! The scan is cheap where nothing is mentioned: one multi-pattern search of the bytes
//! finds the candidates, and only for a whole-word `NAME(` does the tree say where it
//! is (a descent from the root to the leaf holding it, not a walk of the whole tree).

use aho_corasick::{AhoCorasick, MatchKind};
use tree_sitter::Tree;

use crate::python::docstrings::is_docstring;
use crate::python::lexical::{is_ident_byte, whole_word};

/// What holds a mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Where {
    Comment,
    /// A string literal that is not a docstring (bytes literals included).
    String,
    /// A module's, class's or function's docstring (doctest examples included).
    Docstring,
}

/// A rule's call mentioned in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Byte offset of the name in the source.
    pub at: usize,
    /// The name as found (one of the names asked for).
    pub name: String,
    pub place: Where,
}

/// The names to look for, searched for all at once; build it once per run.
pub struct Scanner {
    names: Vec<String>,
    /// `None` when there is no name to look for.
    search: Option<AhoCorasick>,
}

impl Scanner {
    /// A scanner for `names` (rules' last names and method names; repeats are fine).
    pub fn new(names: &[&str]) -> Scanner {
        let mut names: Vec<String> = names
            .iter()
            .filter(|n| !n.is_empty())
            .map(|n| n.to_string())
            .collect();
        names.sort();
        names.dedup();
        let search = (!names.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&names)
                .expect("rule names are short identifiers")
        });
        Scanner { names, search }
    }

    /// The mentions in `source`, parsed as `tree`, in source order.
    pub fn scan(&self, tree: &Tree, source: &[u8]) -> Vec<Mention> {
        let Some(search) = &self.search else {
            return Vec::new();
        };
        let mut out: Vec<Mention> = Vec::new();
        for m in search.find_overlapping_iter(source) {
            let (at, end) = (m.start(), m.end());
            if out.last().is_some_and(|l| l.at == at) {
                continue;
            }
            if !whole_word(source, at, end) && !after_escape(tree, source, at, end) {
                continue;
            }
            let Some(paren) = paren_after(source, end) else {
                continue;
            };
            if let Some(place) = place_of(tree, source, at, paren) {
                out.push(Mention {
                    at,
                    name: self.names[m.pattern().as_usize()].clone(),
                    place,
                });
            }
        }
        out
    }
}

/// Rule calls mentioned in comments, strings and docstrings of a parsed file: a
/// whole-word `NAME(` (optionally `await ` before it, optional blanks before `(`) where
/// NAME is one of `names` (rule last names and method names). For many files, build a
/// [`Scanner`] once instead.
pub fn mentions(tree: &Tree, source: &[u8], names: &[&str]) -> Vec<Mention> {
    Scanner::new(names).scan(tree, source)
}

/// Is the name at `at..end` a word that follows an escape in a string (`"\\nget(x)"`)?
fn after_escape(tree: &Tree, source: &[u8], at: usize, end: usize) -> bool {
    let ends = source.get(end).is_none_or(|&b| !is_ident_byte(b));
    if !ends || !source[at.saturating_sub(10)..at].contains(&b'\\') {
        return false;
    }
    let escape = tree
        .root_node()
        .descendant_for_byte_range(at - 1, at)
        .filter(|n| n.kind() == "escape_sequence" && n.end_byte() == at);
    escape.is_some()
}

/// The offset of the `(` after a name ending at `end`, past spaces and tabs.
fn paren_after(source: &[u8], end: usize) -> Option<usize> {
    let gap = source[end..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    (source.get(end + gap) == Some(&b'(')).then_some(end + gap)
}

/// Where the name at `at`, with its `(` at `paren`, is mentioned: in a comment or a
/// string's text that holds both; `None` in code.
fn place_of(tree: &Tree, source: &[u8], at: usize, paren: usize) -> Option<Where> {
    let leaf = tree.root_node().descendant_for_byte_range(at, paren + 1)?;
    match leaf.kind() {
        "comment" => Some(Where::Comment),
        // A string's text between its replacement fields; the escapes it holds are its
        // children, so a stretch of text with a `\n` in it is still this node.
        "string_content" => {
            let string = leaf.parent().filter(|s| s.kind() == "string")?;
            Some(if is_docstring(string, source) {
                Where::Docstring
            } else {
                Where::String
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::parse;

    /// (text from the name to the end of its line, place) for each mention.
    fn found(src: &str, names: &[&str]) -> Vec<(String, Where)> {
        let tree = parse(src.as_bytes());
        mentions(&tree, src.as_bytes(), names)
            .into_iter()
            .map(|m| {
                assert_eq!(&src[m.at..m.at + m.name.len()], m.name);
                let line_end = src[m.at..].find('\n').map_or(src.len(), |i| m.at + i);
                (src[m.at..line_end].to_string(), m.place)
            })
            .collect()
    }

    fn s(text: &str, place: Where) -> (String, Where) {
        (text.to_string(), place)
    }

    #[test]
    fn comments() {
        let src = "x = get(1)  # then await get() again\n# get (2)\n#get_x() xget() get\n";
        assert_eq!(
            found(src, &["get"]),
            vec![
                s("get() again", Where::Comment),
                s("get (2)", Where::Comment)
            ]
        );
    }

    #[test]
    fn strings_single_and_triple_quoted() {
        let src = "x = 'await get(1)'\ny = \"\"\"\n  see get\t(2)\n\"\"\"\nz = ('get' '(')\n";
        assert_eq!(
            found(src, &["get"]),
            vec![s("get(1)'", Where::String), s("get\t(2)", Where::String)]
        );
    }

    #[test]
    fn docstrings_are_told_apart() {
        let src = "'''Module: get(1).'''\nclass C:\n    \"\"\"Class: get(2).\"\"\"\n    def f(self):\n        '''>>> await get(3)'''\n        'not a docstring: get(4)'\n    s = 'get(5)'\nasync def g():\n    # get(6)\n    'get(7)'\n";
        assert_eq!(
            found(src, &["get"]),
            vec![
                s("get(1).'''", Where::Docstring),
                s("get(2).\"\"\"", Where::Docstring),
                s("get(3)'''", Where::Docstring),
                s("get(4)'", Where::String),
                s("get(5)'", Where::String),
                s("get(6)", Where::Comment),
                s("get(7)'", Where::Docstring),
            ]
        );
    }

    #[test]
    fn f_string_fields_are_code() {
        let src = "x = f'get(1) {get(2)} {d[\"get(3)\"]} get(4)'\ny = f'''{x:>{get(5)}}'''\n";
        assert_eq!(
            found(src, &["get"]),
            vec![
                s("get(1) {get(2)} {d[\"get(3)\"]} get(4)'", Where::String),
                s("get(3)\"]} get(4)'", Where::String),
                s("get(4)'", Where::String),
            ]
        );
        // An f-string is never a docstring, even in the docstring's place.
        assert_eq!(
            found("f'get(1)'\n", &["get"]),
            vec![s("get(1)'", Where::String)]
        );
    }

    #[test]
    fn byte_strings_are_strings() {
        assert_eq!(
            found("b'get(1)'\nx = rb'''get(2)'''\n", &["get"]),
            vec![s("get(1)'", Where::String), s("get(2)'''", Where::String)]
        );
    }

    #[test]
    fn whole_words_and_calls_only() {
        let src =
            "# m.get(1) get_x(2) xget(3) get 4 get\nx = 'get' 'get_client(5)' \"\\nget(6)\"\n";
        assert_eq!(
            found(src, &["get", "get_client"]),
            vec![
                s("get(1) get_x(2) xget(3) get 4 get", Where::Comment),
                s("get_client(5)' \"\\nget(6)\"", Where::String),
                s("get(6)\"", Where::String),
            ]
        );
    }

    #[test]
    fn a_name_and_its_paren_in_different_places_are_not_a_mention() {
        // The name ends one string and `(` starts the next; code `get(` in between.
        let src = "x = 'get' + '(' + get('x')\ny = '# get' # (\n";
        assert_eq!(found(src, &["get"]), Vec::new());
    }

    #[test]
    fn nothing_to_look_for() {
        let src = "# get(1)\n";
        assert_eq!(found(src, &[]), Vec::new());
        assert_eq!(found(src, &["other"]), Vec::new());
    }
}
