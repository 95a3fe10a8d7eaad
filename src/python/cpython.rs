//! CPython's grammar decides what is Python: a second, CPython-conformant parser (ruff's
//! `ruff_python_parser`) judges every text unawait parses and every text it would write.
//!
//! tree-sitter-python stays the matcher: its tree is the one the walk reads. It is more
//! lenient than CPython in places (Python 2's `print 'x'`, `await await f()`, a form feed
//! that resets an indented line's indentation) and stricter in others (PEP 696 defaults,
//! some line breaks inside brackets). So a text is Python when ruff's parser reads it
//! without an error, and unawait works on it only when tree-sitter reads it too. When
//! only tree-sitter fails, what it cannot read is named from ruff's tree and tokens
//! around tree-sitter's first error. Syntax that only newer Pythons accept (`match` in a
//! file for 3.9) is not an error: some CPython 3 accepts it. Nothing here matches, edits
//! or prints.

use std::cell::RefCell;
use std::ops::Range;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::visitor::transformer::{self, Transformer};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    AtomicNodeIndex, Expr, ExprNoneLiteral, ModModule, Stmt, StmtPass, TypeParam,
};
use ruff_python_parser::{parse_unchecked_source, Parsed};
use ruff_text_size::{Ranged, TextRange};

use super::parse;

/// Why a text cannot be worked on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// CPython rejects it: where (a byte offset) and why, in ruff's words.
    Invalid { at: usize, reason: String },
    /// CPython accepts it, but tree-sitter-python cannot read it: where, and what it
    /// cannot read (`None` when no construct could be named).
    Unreadable {
        at: usize,
        construct: Option<String>,
    },
}

impl Problem {
    /// Where the problem is, as a byte offset in the text judged.
    pub fn at(&self) -> usize {
        match self {
            Problem::Invalid { at, .. } | Problem::Unreadable { at, .. } => *at,
        }
    }
}

/// Judge `text` (already through [`parse::parse_text`]), given the bytes of
/// tree-sitter's first error in it ([`parse::first_error_range`]; `None` when its tree
/// has none).
pub fn judge(text: &[u8], tree_error: Option<Range<usize>>) -> Result<(), Problem> {
    // `parse_text` leaves only UTF-8: a file that is not UTF-8 has its non-ASCII bytes
    // replaced. Should that ever fail, judge a lossy copy rather than nothing.
    let source = String::from_utf8_lossy(text);
    let parsed = parse_unchecked_source(&source, ruff_python_ast::PySourceType::Python);
    let verdict = if let Some(e) = parsed.errors().first() {
        Err(Problem::Invalid {
            at: e.location.start().to_usize(),
            reason: lowercase_first(&e.error.to_string()),
        })
    } else if let Some(error) = tree_error {
        Err(unreadable(&parsed, &source, error))
    } else {
        Ok(())
    };
    drop_flat(parsed);
    verdict
}

/// Nesting up to this deep is dropped as it is; a deeper tree is taken apart first.
const SHALLOW: usize = 1_000;

/// Drop ruff's tree without recursing once per level: a file of 50,000 `a + ` or
/// 10,000 nested calls makes a tree that deep, and its plain drop would overflow the
/// stack (ruff's parser grows its stack; dropping the tree does not). The depth is
/// bounded by the tokens of the longest logical line plus the deepest indentation.
fn drop_flat(parsed: Parsed<ModModule>) {
    let (mut line, mut longest, mut indent, mut deepest) = (0usize, 0usize, 0usize, 0usize);
    for token in parsed.tokens().iter() {
        match token.kind() {
            TokenKind::Newline => line = 0,
            TokenKind::Indent => indent += 1,
            TokenKind::Dedent => indent = indent.saturating_sub(1),
            _ => line += 1,
        }
        longest = longest.max(line);
        deepest = deepest.max(indent);
    }
    if longest + deepest <= SHALLOW {
        return;
    }
    let module = parsed.into_syntax();
    let taken = Dismantle::default();
    taken.stmts.borrow_mut().extend(module.body);
    loop {
        let stmt = taken.stmts.borrow_mut().pop();
        if let Some(mut stmt) = stmt {
            transformer::walk_stmt(&taken, &mut stmt);
            continue;
        }
        let expr = taken.exprs.borrow_mut().pop();
        match expr {
            Some(mut expr) => transformer::walk_expr(&taken, &mut expr),
            None => break,
        }
    }
}

/// Takes each expression and statement it is shown out of its parent (leaving a
/// placeholder), so that every node is dropped with shallow children.
#[derive(Default)]
struct Dismantle {
    exprs: RefCell<Vec<Expr>>,
    stmts: RefCell<Vec<Stmt>>,
}

impl Transformer for Dismantle {
    fn visit_expr(&self, expr: &mut Expr) {
        let placeholder = Expr::NoneLiteral(ExprNoneLiteral::default());
        self.exprs
            .borrow_mut()
            .push(std::mem::replace(expr, placeholder));
    }

    fn visit_stmt(&self, stmt: &mut Stmt) {
        let placeholder = Stmt::Pass(StmtPass {
            node_index: AtomicNodeIndex::default(),
            range: TextRange::default(),
        });
        self.stmts
            .borrow_mut()
            .push(std::mem::replace(stmt, placeholder));
    }
}

/// Parse `text` (raw bytes, not yet through [`parse::parse_text`]) with both parsers and
/// judge it: for texts that are checked before the one parse that fixes them (a
/// notebook's cells).
pub fn check(text: &[u8]) -> Result<(), Problem> {
    let text = parse::parse_text(text);
    judge(&text, parse::first_error_range(&parse::parse(&text)))
}

/// ruff's messages start with a capital (`Expected an expression`); ours continue a
/// sentence.
fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(s[first.len_utf8()..].chars())
            .collect(),
        _ => s.to_string(),
    }
}

/// A construct tree-sitter-python 0.25 is known not to read: where to point, what to
/// call it, and the statement it is in (tree-sitter's error falls inside that).
struct Suspect {
    at: usize,
    construct: String,
    statement: Range<usize>,
}

/// What tree-sitter-python cannot read in `source`, whose first tree-sitter error
/// covers `error` (an ERROR node may cover a whole function): the known construct
/// nearest its start, inside it or in the statement where it starts; else the place
/// alone.
fn unreadable(parsed: &Parsed<ModModule>, source: &str, error: Range<usize>) -> Problem {
    let mut suspects = type_parameter_defaults(parsed.syntax());
    suspects.extend(less_indented_continuations(parsed.tokens(), source));
    let at = error.start;
    let found = suspects
        .into_iter()
        .filter(|s| {
            (error.start..=error.end).contains(&s.at)
                || (s.statement.start..=s.statement.end).contains(&at)
        })
        .min_by_key(|s| s.at.abs_diff(at));
    match found {
        Some(s) => Problem::Unreadable {
            at: s.at,
            construct: Some(s.construct),
        },
        None => Problem::Unreadable {
            at,
            construct: None,
        },
    }
}

/// A ruff range as byte offsets.
fn to_range(r: TextRange) -> Range<usize> {
    r.start().to_usize()..r.end().to_usize()
}

/// PEP 696 defaults (`def f[T = int]()`, Python 3.13), which tree-sitter-python 0.25
/// reads as a syntax error.
fn type_parameter_defaults(module: &ModModule) -> Vec<Suspect> {
    struct Defaults {
        statement: Range<usize>,
        found: Vec<Suspect>,
    }
    impl<'a> Visitor<'a> for Defaults {
        fn visit_stmt(&mut self, stmt: &'a ruff_python_ast::Stmt) {
            let outer = std::mem::replace(&mut self.statement, to_range(stmt.range()));
            visitor::walk_stmt(self, stmt);
            self.statement = outer;
        }
        // Type parameters are never inside an expression: skip them (and their depth).
        fn visit_expr(&mut self, _: &'a ruff_python_ast::Expr) {}
        fn visit_type_param(&mut self, param: &'a TypeParam) {
            let default = match param {
                TypeParam::TypeVar(p) => p.default.as_deref(),
                TypeParam::ParamSpec(p) => p.default.as_deref(),
                TypeParam::TypeVarTuple(p) => p.default.as_deref(),
            };
            if let Some(default) = default {
                self.found.push(Suspect {
                    at: default.start().to_usize(),
                    construct: "the PEP 696 type parameter default".into(),
                    statement: self.statement.clone(),
                });
            }
            visitor::walk_type_param(self, param);
        }
    }
    let mut defaults = Defaults {
        statement: to_range(module.range()),
        found: Vec::new(),
    };
    defaults.visit_body(&module.body);
    defaults.found
}

/// A line inside brackets that is indented less than its statement, after a line that
/// ends with an operator (`if (v :=` + a less-indented `get()):`, `{k:` + a
/// less-indented `v}`): tree-sitter-python 0.25 reads it as a syntax error, CPython
/// ignores indentation inside brackets.
fn less_indented_continuations(tokens: &Tokens, source: &str) -> Vec<Suspect> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    // The statement's first token and its indentation; `None` at a statement's start.
    let mut statement: Option<(usize, usize)> = None;
    // Suspects of the current statement: (at, operator).
    let mut pending: Vec<(usize, &str)> = Vec::new();
    // The last token that is not trivia, and whether a line break inside brackets
    // came after it.
    let mut last: Option<TokenKind> = None;
    let mut last_text = "";
    let mut broken = false;
    for token in tokens.iter() {
        let kind = token.kind();
        let range = token.range();
        match kind {
            TokenKind::Comment => continue,
            TokenKind::NonLogicalNewline => {
                broken |= depth > 0;
                continue;
            }
            TokenKind::Newline | TokenKind::EndOfFile => {
                if let Some((start, _)) = statement.take() {
                    let whole = start..range.end().to_usize();
                    found.extend(pending.drain(..).map(|(at, op)| Suspect {
                        at,
                        construct: format!("the less-indented line after `{op}` inside brackets"),
                        statement: whole.clone(),
                    }));
                }
                pending.clear();
                (depth, last, broken) = (0, None, false);
                continue;
            }
            TokenKind::Indent | TokenKind::Dedent => continue,
            _ => {}
        }
        let start = range.start().to_usize();
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = indent_width(&source[line_start..start]);
        match statement {
            None => statement = Some((start, indent)),
            Some((_, own)) => {
                let ends_line = last.is_some_and(|k| {
                    k.is_operator()
                        && !matches!(
                            k,
                            TokenKind::Comma
                                | TokenKind::Lpar
                                | TokenKind::Lsqb
                                | TokenKind::Lbrace
                                | TokenKind::Rpar
                                | TokenKind::Rsqb
                                | TokenKind::Rbrace
                        )
                });
                if broken && ends_line && indent < own {
                    pending.push((start, last_text));
                }
            }
        }
        match kind {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => depth += 1,
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
        last = Some(kind);
        last_text = &source[range];
        broken = false;
    }
    found
}

/// The indentation of a line's leading blanks as CPython's tokenizer counts it: a tab
/// goes to the next multiple of 8, a form feed starts again from 0.
fn indent_width(blanks: &str) -> usize {
    let mut width = 0;
    for b in blanks.bytes() {
        match b {
            b'\t' => width = (width / 8 + 1) * 8,
            b'\x0c' => width = 0,
            _ => width += 1,
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(src: &str) -> (usize, String) {
        match check(src.as_bytes()) {
            Err(Problem::Invalid { at, reason }) => (at, reason),
            other => panic!("{src:?}: {other:?}"),
        }
    }

    fn unreadable_at(src: &str) -> (usize, Option<String>) {
        match check(src.as_bytes()) {
            Err(Problem::Unreadable { at, construct }) => (at, construct),
            other => panic!("{src:?}: {other:?}"),
        }
    }

    #[test]
    fn python_2_and_double_await_are_invalid() {
        assert_eq!(
            invalid("print 'x'\n"),
            (
                6,
                "simple statements must be separated by newlines or semicolons".into()
            )
        );
        assert_eq!(invalid("exec 'x'\n").0, 5);
        assert_eq!(invalid("x = `1`\n"), (4, "got unexpected token `".into()));
        assert_eq!(invalid("if 1 <> 2: pass\n").0, 6);
        assert_eq!(
            invalid("async def f():\n    await await g()\n"),
            (25, "await expression cannot be used here".into())
        );
    }

    #[test]
    fn a_form_feed_that_ends_the_indentation_is_invalid() {
        assert!(check(b"async def f():\n    await \x0cg()\n    return 1\n").is_ok());
        let (at, reason) = invalid("async def f():\n    \x0cg()\n    return 1\n");
        assert_eq!(at, 20);
        assert_eq!(
            reason,
            "expected an indented block after function definition"
        );
    }

    #[test]
    fn valid_python_is_valid() {
        for src in [
            "",
            "await f()\n",
            "\u{feff}x = 1\r\ny = 2\r\n",
            "x = 1\ry = 2\r",
            "r\u{e9}sultat = 1\n",
            "match x:\n    case [1, *r]:\n        pass\n",
            "def f[T: int, *Ts, **P](x: T) -> T:\n    return x\n",
            "s = f\"{d[\"k\"]} {x!r:>{w}}\"\n",
        ] {
            assert_eq!(check(src.as_bytes()), Ok(()), "{src:?}");
        }
        assert_eq!(check(b"r\xe9sultat = 1\n"), Ok(()), "latin-1");
    }

    #[test]
    fn names_pep_696_defaults() {
        let (at, construct) = unreadable_at("x = 1\ndef f[T = int](x: T) -> T:\n    return x\n");
        assert_eq!(at, 16);
        assert_eq!(
            construct.as_deref(),
            Some("the PEP 696 type parameter default")
        );
        let (at, construct) = unreadable_at("class C[T = int]:\n    pass\n");
        assert_eq!(at, 12);
        assert!(construct.is_some());
    }

    #[test]
    fn names_less_indented_lines_inside_brackets() {
        let src = "async def f():\n    if (v :=\nget()):\n        pass\n";
        let (at, construct) = unreadable_at(src);
        assert_eq!(&src[at..at + 3], "get");
        assert_eq!(
            construct.as_deref(),
            Some("the less-indented line after `:=` inside brackets")
        );
        let src = "async def f(ks):\n    return {k:\nget(k) for k in ks}\n";
        let (at, construct) = unreadable_at(src);
        assert_eq!(&src[at..at + 3], "get");
        assert!(construct.unwrap().contains("`:`"));
        let src = "def f():\n    if x:\n        y = (1 +\n    2)\n";
        let (at, construct) = unreadable_at(src);
        assert_eq!(&src[at..at + 1], "2");
        assert!(construct.unwrap().contains("`+`"));
    }

    #[test]
    fn an_error_near_no_known_construct_is_named_by_its_place() {
        assert_eq!(
            judge(b"x = 1\ny = 2\n", Some(6..7)),
            Err(Problem::Unreadable {
                at: 6,
                construct: None
            })
        );
        // A PEP 696 default far from tree-sitter's error is not blamed for it.
        let src = b"x = 1\ny = 2\ndef f[T = int](): pass\n";
        assert_eq!(
            judge(src, Some(0..1)),
            Err(Problem::Unreadable {
                at: 0,
                construct: None
            })
        );
    }

    #[test]
    fn deep_trees_are_dropped_without_deep_recursion() {
        // On a thread with a small stack, as rayon's workers have: the plain drop of
        // these trees would overflow it.
        let sources = [
            format!("x = {}1\n", "-".repeat(50_000)),
            format!("x = {}1{}\n", "f(".repeat(20_000), ")".repeat(20_000)),
            format!("x = {}1\n", "a + ".repeat(50_000)),
        ];
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                for src in &sources {
                    assert_eq!(check(src.as_bytes()), Ok(()));
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn indentation_counts_tabs_and_form_feeds_as_cpython_does() {
        assert_eq!(indent_width("    "), 4);
        assert_eq!(indent_width("  \t"), 8);
        assert_eq!(indent_width("    \x0c  "), 2);
    }
}
