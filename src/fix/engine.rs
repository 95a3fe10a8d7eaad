//! The pure core: source bytes and rules in, findings and fixed bytes out.
//!
//! No file system, no printing. What is Python is CPython's grammar's call
//! ([`cpython`]); tree-sitter's tree is what the matcher reads. An input either rejects
//! or cannot read is refused whole; the fixed source is checked the same way before it
//! is returned, and a fix that either would reject is refused, never written or shown.

use crate::fix::checked::Checked;
use crate::fix::edit::{self, Edit};
use crate::fix::matcher::{self, Action, FileContext, Finding, FixOptions};
use crate::fix::rules::RuleSet;
use crate::python::cpython::{self, Problem};
use crate::python::lines::LineIndex;
use crate::python::parse;
use crate::python::walk;

/// A finding with its position for people (1-based lines, character columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub finding: Finding,
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
}

#[derive(Debug)]
pub struct Fixed {
    /// Every matching await, each with its fix.
    pub findings: Vec<Located>,
    /// The fixed source; equal to the input when there is nothing to change.
    pub output: Vec<u8>,
    /// Rules' calls mentioned in comments, strings and docstrings: text, not code.
    pub mentions: Vec<TextMention>,
}

/// A rule's call mentioned in text (`# then await get()`), where people see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextMention {
    /// 1-based line and column (in code points) of the name.
    pub line: usize,
    pub col: usize,
    pub name: String,
    pub place: crate::python::mentions::Where,
}

/// The edits of every finding, sorted, each once: what applying them all changes.
pub fn all_edits<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Vec<Edit> {
    let mut edits: Vec<Edit> = findings
        .into_iter()
        .flat_map(|f| f.fix.iter().cloned())
        .collect();
    edits.sort();
    edits.dedup();
    edits
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// CPython's grammar rejects the input: where and why. Nothing was changed.
    Syntax {
        line: usize,
        col: usize,
        reason: String,
    },
    /// CPython accepts the input but tree-sitter-python cannot read it: where, and what
    /// (when it can be named). Nothing was changed.
    Unreadable {
        line: usize,
        col: usize,
        construct: Option<String>,
    },
    /// The fixed text would be rejected by CPython (at a line and column of the fixed
    /// text): the fix is refused, nothing was changed.
    FixInvalid {
        line: usize,
        col: usize,
        reason: String,
    },
    /// The fix would be valid Python that tree-sitter-python cannot read, so it could
    /// not be checked: refused, nothing was changed.
    FixUnreadable {
        line: usize,
        col: usize,
        construct: Option<String>,
    },
    /// The fix would break the file: a bug in unawait, reported, never written.
    Internal(String),
    /// The file's format cannot be read (a notebook that is not JSON): the reason.
    Format(String),
}

impl SourceError {
    /// The input's problem, located in `text` (the parser's text).
    fn of_input(problem: Problem, text: &[u8]) -> SourceError {
        let (line, col) = LineIndex::new(text).line_col(text, problem.at());
        match problem {
            Problem::Invalid { reason, .. } => SourceError::Syntax { line, col, reason },
            Problem::Unreadable { construct, .. } => SourceError::Unreadable {
                line,
                col,
                construct,
            },
        }
    }

    /// The fixed text's problem, located in `text` (the fixed text).
    fn of_fix(problem: Problem, text: &[u8]) -> SourceError {
        match SourceError::of_input(problem, text) {
            SourceError::Syntax { line, col, reason } => {
                SourceError::FixInvalid { line, col, reason }
            }
            SourceError::Unreadable {
                line,
                col,
                construct,
            } => SourceError::FixUnreadable {
                line,
                col,
                construct,
            },
            other => other,
        }
    }

    /// A short name for the kind of problem, for machine-readable output.
    pub fn key(&self) -> &'static str {
        match self {
            SourceError::Syntax { .. } => "syntax-error",
            SourceError::Unreadable { .. } => "tree-sitter-unreadable",
            SourceError::FixInvalid { .. } => "fix-invalid",
            SourceError::FixUnreadable { .. } => "fix-unreadable",
            SourceError::Internal(_) => "internal",
            SourceError::Format(_) => "format",
        }
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unchanged = "file left unchanged";
        match self {
            SourceError::Syntax { line, col, reason } => {
                write!(f, "syntax error at {line}:{col}: {reason}; {unchanged}")
            }
            SourceError::Unreadable {
                line,
                col,
                construct,
            } => write!(
                f,
                "tree-sitter-python cannot read {} at {line}:{col}, which CPython accepts; {unchanged}",
                named(construct)
            ),
            SourceError::FixInvalid { line, col, reason } => write!(
                f,
                "the fixed file would not be valid Python (at {line}:{col}: {reason}); {unchanged}"
            ),
            SourceError::FixUnreadable {
                line,
                col,
                construct,
            } => write!(
                f,
                "tree-sitter-python could not read the fixed file ({} at {line}:{col}), so the fix cannot be checked; {unchanged}",
                named(construct)
            ),
            SourceError::Internal(why) => write!(
                f,
                "internal error: {why}; {unchanged} (please report this)"
            ),
            SourceError::Format(why) => f.write_str(why),
        }
    }
}

/// A construct tree-sitter-python cannot read, or `the code` when it has no name.
pub fn named(construct: &Option<String>) -> &str {
    construct.as_deref().unwrap_or("the code")
}

pub use crate::fix::edit::await_deletion;

/// Apply `edits` to Python `source` and check the result as the input was checked:
/// the one way a fix of Python text is made. An edit set that overlaps is refused as an
/// internal error, a result that CPython would reject or tree-sitter could not read is
/// refused as such; nothing is changed.
pub fn apply_checked(source: &[u8], edits: &[Edit]) -> Result<Vec<u8>, SourceError> {
    if edits.is_empty() {
        return Ok(source.to_vec());
    }
    let out = edit::apply(source, edits).map_err(|e| SourceError::Internal(e.to_string()))?;
    let text = parse::parse_text(&out);
    let tree = parse::parse(&text);
    cpython::judge(&text, parse::first_error_range(&tree))
        .map_err(|p| SourceError::of_fix(p, &text))?;
    Ok(out)
}

/// Find and fix every matching await in `source`.
pub fn fix_source(
    source: &[u8],
    rules: &RuleSet,
    options: FixOptions,
    ctx: FileContext<'_>,
) -> Result<Fixed, SourceError> {
    fix_source_with(source, rules, options, ctx, None)
}

/// [`fix_source`], with a type checker's diagnostics of the file when the run has them
/// (see `fix::checked`).
pub fn fix_source_with(
    source: &[u8],
    rules: &RuleSet,
    options: FixOptions,
    ctx: FileContext<'_>,
    checked: Option<Checked<'_>>,
) -> Result<Fixed, SourceError> {
    let text = parse::parse_text(source);
    let tree = parse::parse(&text);
    cpython::judge(&text, parse::first_error_range(&tree))
        .map_err(|p| SourceError::of_input(p, &text))?;
    let lines = LineIndex::new(&text);
    let facts = walk::collect(&tree, &text);
    let mut findings = matcher::find(&facts, &text, rules, options, ctx, &lines);
    for f in &mut findings {
        if f.action == Action::RemoveAwait {
            f.fix = vec![Edit::delete(await_deletion(source, f.keyword.clone()))];
        }
    }
    if let Some(checked) = checked {
        findings = crate::fix::checked::merge(
            source,
            &text,
            tree.root_node(),
            &facts,
            &lines,
            options,
            checked,
            findings,
        );
    }
    crate::fix::twin::attach_fixes(source, &facts, &mut findings);
    let output = apply_checked(source, &all_edits(&findings))?;
    // Positions for people are computed here, where the parser's text is at hand.
    let findings = findings
        .into_iter()
        .map(|finding| {
            let (line, col) = lines.line_col(&text, finding.keyword.start);
            let (end_line, end_col) = lines.line_col(&text, finding.expr.end);
            Located {
                finding,
                line,
                col,
                end_line,
                end_col,
            }
        })
        .collect();
    let names = rules.needles();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mentions = crate::python::mentions::mentions(&tree, &text, &names)
        .into_iter()
        .map(|m| {
            let (line, col) = lines.line_col(&text, m.at);
            TextMention {
                line,
                col,
                name: m.name,
                place: m.place,
            }
        })
        .collect();
    Ok(Fixed {
        findings,
        output,
        mentions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::kept::{DefSite, KeptReason};

    fn rules(functions: &[&str], methods: &[&str]) -> RuleSet {
        let f: Vec<String> = functions.iter().map(|s| s.to_string()).collect();
        let m: Vec<String> = methods.iter().map(|s| s.to_string()).collect();
        RuleSet::new(&f, &m, &[]).unwrap()
    }

    fn ctx() -> FileContext<'static> {
        FileContext::default()
    }

    const OPTIONS: FixOptions = FixOptions {
        keep_in_raises: true,
    };

    fn fix(src: &str, functions: &[&str]) -> String {
        let out = fix_source(src.as_bytes(), &rules(functions, &[]), OPTIONS, ctx()).unwrap();
        String::from_utf8(out.output).unwrap()
    }

    fn fix_m(src: &str, functions: &[&str], methods: &[&str]) -> String {
        let out = fix_source(src.as_bytes(), &rules(functions, methods), OPTIONS, ctx()).unwrap();
        String::from_utf8(out.output).unwrap()
    }

    const G: &[&str] = &["get"];

    #[test]
    fn removes_plain_await() {
        assert_eq!(
            fix("async def a():\n    x = await get()\n", G),
            "async def a():\n    x = get()\n"
        );
    }

    #[test]
    fn spacing_parentheses_and_multiline() {
        assert_eq!(
            fix("async def a():\n    await  \tget(1,\n        2)\n", G),
            "async def a():\n    get(1,\n        2)\n"
        );
        assert_eq!(
            fix("async def a():\n    await (get())\n", G),
            "async def a():\n    (get())\n"
        );
        assert_eq!(
            fix("async def a():\n    x = await(get())\n", G),
            "async def a():\n    x = (get())\n"
        );
        assert_eq!(
            fix("async def a():\n    await ((get)())\n", G),
            "async def a():\n    ((get)())\n"
        );
    }

    #[test]
    fn never_the_outer_expression() {
        for src in [
            "async def a():\n    await get().send()\n",
            "async def a():\n    await get()[0]\n",
            "async def a():\n    await get()()\n",
            "async def a():\n    await other(get())\n",
            "async def a():\n    await gettr()\n",
        ] {
            assert_eq!(fix(src, G), src);
        }
    }

    #[test]
    fn never_strings_comments_docstrings() {
        let src = "async def a():\n    \"\"\"await get()\"\"\"\n    s = 'await get()'  # await get()\n    f = f\"{x} await get()\"\n";
        assert_eq!(fix(src, G), src);
    }

    #[test]
    fn f_strings_and_comprehensions() {
        assert_eq!(
            fix("async def a():\n    print(f\"{await get()}\")\n", G),
            "async def a():\n    print(f\"{get()}\")\n"
        );
        assert_eq!(
            fix("async def a(xs):\n    [await get(x) for x in xs]\n", G),
            "async def a(xs):\n    [get(x) for x in xs]\n"
        );
    }

    #[test]
    fn shadowed_names_are_not_the_function() {
        for src in [
            "async def a(get):\n    await get()\n",
            "async def a():\n    get = make()\n    await get()\n",
            "async def get():\n    pass\nasync def a():\n    await get()\n",
            "async def a(xs):\n    [await get() for get in xs]\n",
        ] {
            assert_eq!(fix(src, G), src, "{src}");
        }
    }

    #[test]
    fn async_def_is_reported_as_kept() {
        let src = "async def get():\n    pass\nasync def a():\n    await get()\n";
        let out = fix_source(src.as_bytes(), &rules(G, &[]), OPTIONS, ctx()).unwrap();
        assert_eq!(out.findings.len(), 1);
        assert_eq!(
            out.findings[0].finding.action,
            Action::Kept(KeptReason::AsyncDef {
                at: DefSite::Here { line: 1 }
            })
        );
    }

    #[test]
    fn aliases_and_module_attributes() {
        let src = "from m import get as g\nimport pkg.mod as M\nimport pkg.sub\nfrom pkg import mod\nasync def a(obj):\n    await g()\n    await M.get()\n    await pkg.sub.get()\n    await mod.get()\n    await obj.get()\n";
        let want = "from m import get as g\nimport pkg.mod as M\nimport pkg.sub\nfrom pkg import mod\nasync def a(obj):\n    g()\n    M.get()\n    pkg.sub.get()\n    mod.get()\n    await obj.get()\n";
        assert_eq!(fix(src, G), want);
    }

    #[test]
    fn methods_match_any_receiver() {
        let src = "async def a(self):\n    await self.get()\n    await make().get()\n";
        assert_eq!(
            fix_m(src, &[], G),
            "async def a(self):\n    self.get()\n    make().get()\n"
        );
    }

    #[test]
    fn kept_in_raises_and_ignore() {
        let src = "async def t():\n    with pytest.raises(TypeError):\n        await get()\n    await get()  # unawait: ignore\n    await get()\n";
        let out = fix_source(src.as_bytes(), &rules(G, &[]), OPTIONS, ctx()).unwrap();
        let actions: Vec<_> = out
            .findings
            .iter()
            .map(|f| f.finding.action.clone())
            .collect();
        assert_eq!(
            actions,
            vec![
                Action::Kept(KeptReason::Raises),
                Action::Kept(KeptReason::IgnoreComment),
                Action::RemoveAwait
            ]
        );
        assert_eq!(out.findings[2].line, 5);
        assert_eq!(out.findings[2].col, 5);
    }

    #[test]
    fn comment_after_keyword_keeps_spacing() {
        assert_eq!(
            fix(
                "async def a():\n    x = (await  # why\n         get())\n",
                G
            ),
            "async def a():\n    x = (  # why\n         get())\n"
        );
        assert_eq!(
            fix(
                "async def a():\n    x = (\n        await  # why\n        get())\n",
                G
            ),
            "async def a():\n    x = (\n        # why\n        get())\n"
        );
    }

    #[test]
    fn line_continuation_stays() {
        assert_eq!(
            fix("async def a():\n    x = await \\\n        get()\n", G),
            "async def a():\n    x = \\\n        get()\n"
        );
    }

    #[test]
    fn syntax_error_is_refused() {
        let err = fix_source(b"def (:\n", &rules(G, &[]), OPTIONS, ctx()).unwrap_err();
        assert!(matches!(err, SourceError::Syntax { line: 1, .. }));
    }

    #[test]
    fn keeps_crlf_bom_latin1_and_missing_newline() {
        let src = b"\xef\xbb\xbf# caf\xe9\r\nasync def a():\r\n\tawait get()";
        let out = fix_source(src, &rules(G, &[]), OPTIONS, ctx()).unwrap();
        assert_eq!(
            out.output,
            b"\xef\xbb\xbf# caf\xe9\r\nasync def a():\r\n\tget()"
        );
    }

    // Async twins (`replace-with`): the rename and the import edit of `fix::twin`.

    fn twin(src: &str) -> String {
        let rules = RuleSet::new(&[], &[], &[("get".into(), "get_async".into())]).unwrap();
        let fixed = fix_source(
            src.as_bytes(),
            &rules,
            FixOptions::default(),
            FileContext::default(),
        );
        String::from_utf8(fixed.unwrap().output).unwrap()
    }

    #[test]
    fn replaces_unused_old_name() {
        assert_eq!(
            twin("from m import get\nasync def a():\n    return await get()\n"),
            "from m import get_async\nasync def a():\n    return await get_async()\n"
        );
    }

    #[test]
    fn keeps_old_name_still_used() {
        assert_eq!(
            twin("from m import get, other\nx = get()\nasync def a():\n    return await get()\n"),
            "from m import get, other, get_async\nx = get()\nasync def a():\n    return await get_async()\n"
        );
    }

    #[test]
    fn multi_line_parenthesised_with_trailing_comma_and_comment() {
        let src = "from m import (\n    get,\n    other,  # note\n)\nget()\nasync def a():\n    await get()\n";
        let want = "from m import (\n    get,\n    other,  # note\n    get_async,\n)\nget()\nasync def a():\n    await get_async()\n";
        assert_eq!(twin(src), want);
    }

    #[test]
    fn one_line_parenthesised() {
        assert_eq!(
            twin("from m import (get, x,)\nget\nasync def a():\n    await get()\n"),
            "from m import (get, x, get_async,)\nget\nasync def a():\n    await get_async()\n"
        );
        assert_eq!(
            twin("from m import (get, x)\nget\nasync def a():\n    await get()\n"),
            "from m import (get, x, get_async)\nget\nasync def a():\n    await get_async()\n"
        );
    }

    #[test]
    fn alias_and_module_attribute() {
        assert_eq!(
            twin("from m import get as g\nasync def a():\n    await g()\n"),
            "from m import get_async\nasync def a():\n    await get_async()\n"
        );
        assert_eq!(
            twin("import m\nasync def a():\n    await m.get()\n"),
            "import m\nasync def a():\n    await m.get_async()\n"
        );
    }

    #[test]
    fn twin_already_imported() {
        assert_eq!(
            twin("from m import get, get_async\nget\nasync def a():\n    await get()\n"),
            "from m import get, get_async\nget\nasync def a():\n    await get_async()\n"
        );
    }

    #[test]
    fn crlf_multi_line() {
        let src =
            "from m import (\r\n    get,\r\n)\r\nget\r\nasync def a():\r\n    await get()\r\n";
        let want = "from m import (\r\n    get,\r\n    get_async,\r\n)\r\nget\r\nasync def a():\r\n    await get_async()\r\n";
        assert_eq!(twin(src), want);
    }
}
