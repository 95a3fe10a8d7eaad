//! Notebooks and documentation, end to end: code cells of `.ipynb` files and Python
//! blocks in Markdown and reST are fixed in place, byte-exactly.
//!
//! The notebook results are also checked with the real `nbformat` (read, validate,
//! compare as JSON), from `target/test-venv` (made by `scripts/install-test-deps.sh`,
//! which the tests run when it is missing).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::Tree;

/// A tree of byte contents (the element type pinned for `&Vec<u8>` and `&[u8]` alike).
fn tree(files: &[(&str, &[u8])]) -> Tree {
    crate::common::tree(files)
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/embedded");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).unwrap()
}

fn read(t: &Tree, path: &str) -> Vec<u8> {
    t.read(path)
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `after` is `before` with some `await`s deleted, each with the spaces or tabs after it
/// (a tab as JSON's `\t` escape), and nothing else; returns how many. (The callees
/// here never start with `a`, so a deletion shows where the bytes first differ.)
pub(crate) fn only_awaits_deleted(before: &[u8], after: &[u8]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < before.len() {
        if j < after.len() && before[i] == after[j] {
            i += 1;
            j += 1;
            continue;
        }
        assert!(
            before[i..].starts_with(b"await"),
            "a change that is not a deleted await at byte {i}: {:?}",
            show(&before[i..before.len().min(i + 20)])
        );
        i += 5;
        loop {
            match &before[i..] {
                [b' ' | b'\t', ..] => i += 1,
                [b'\\', b't', ..] => i += 2,
                _ => break,
            }
        }
        n += 1;
    }
    assert_eq!(j, after.len(), "bytes were added");
    n
}

/// A Python with nbformat (installed by scripts/install-test-deps.sh when missing).
fn python_with_nbformat() -> PathBuf {
    crate::common::test_tool("test-venv/bin/python")
}

/// nbformat reads and validates `fixed`; as JSON it equals `expected`, and it differs
/// from `original` only in the sources of the cells `changed`.
fn nbformat_check(original: &Path, fixed: &Path, expected: &Path, changed: &[usize]) {
    let python = python_with_nbformat();
    let script = r#"
import json, sys
import nbformat
original, fixed, expected, changed = sys.argv[1:]
nb = nbformat.read(fixed, as_version=4)
nbformat.validate(nb)
load = lambda p: json.load(open(p, encoding="utf-8"))
o, f, e = load(original), load(fixed), load(expected)
assert f == e, "fixed notebook differs from the expected one as JSON"
rest = lambda d: {k: v for k, v in d.items() if k != "cells"}
assert rest(o) == rest(f), "notebook metadata changed"
assert len(o["cells"]) == len(f["cells"])
for a, b in zip(o["cells"], f["cells"]):
    assert {k: v for k, v in a.items() if k != "source"} == {k: v for k, v in b.items() if k != "source"}
src = lambda c: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
diff = [i for i, (a, b) in enumerate(zip(o["cells"], f["cells"])) if src(a) != src(b)]
assert diff == json.loads(changed), diff
print("nbformat ok")
"#;
    let out = Command::new(python)
        .args(["-c", script])
        .arg(original)
        .arg(fixed)
        .arg(expected)
        .arg(format!("{changed:?}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nbformat check failed:\n{}{}",
        show(&out.stdout),
        show(&out.stderr)
    );
}

const NB_CONFIG: &[u8] = b"functions = [\"app.ws.get_manager\"]\n";

#[test]
fn notebook_fix_deletes_exactly_the_await_bytes() {
    let original = fixture("notebook.ipynb");
    let expected = fixture("notebook.fixed.ipynb");
    assert_eq!(only_awaits_deleted(&original, &expected), 4);
    let dir = tree(&[("nb.ipynb", &original), ("unawait.toml", NB_CONFIG)]);
    dir.run(&["fix"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 4 awaits fixed"],
    );
    let fixed = read(&dir, "nb.ipynb");
    assert_eq!(show(&fixed), show(&expected));
    assert_eq!(fixed, expected);
    // A second run finds nothing.
    dir.run(&["check"]).expect(
        0,
        "",
        &[
            "unawait: warning: rule `app.ws.get_manager` matched no await, and module `app.ws` is not in the tree",
            "unawait: 1 file scanned (1 parsed); 0 files to change, 0 awaits to fix",
        ],
    );

    let orig_path = dir.join("orig.ipynb");
    std::fs::write(&orig_path, &original).unwrap();
    nbformat_check(
        &orig_path,
        &dir.join("nb.ipynb"),
        &Path::new(FIXTURES).join("notebook.fixed.ipynb"),
        &[1, 2, 4],
    );
}

/// 1-based line and character column of the `nth` occurrence of `needle`, plus `skip`
/// bytes, in `text`.
pub(crate) fn position(text: &str, needle: &str, skip: usize) -> String {
    let at = text.find(needle).unwrap() + skip;
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    format!("{line}:{}", text[start..at].chars().count() + 1)
}

#[test]
fn notebook_findings_point_at_the_notebook_lines() {
    let original = fixture("notebook.ipynb");
    let dir = tree(&[("nb.ipynb", &original), ("unawait.toml", NB_CONFIG)]);
    let text = show(&original);
    let want: String = [
        ("manager = await", 10),
        ("m = await (", 4),
        ("r = await   get", 4),
        ("await\\tget", 0),
    ]
    .iter()
    .map(|(needle, skip)| {
        format!(
            "nb.ipynb:{}: UNA001 `await` on synchronous `get_manager()` (rule `app.ws.get_manager`): remove the `await`\n",
            position(&text, needle, *skip)
        )
    })
    .collect();
    dir.run(&["check"]).expect(
        1,
        want,
        &["unawait: 1 file scanned (1 parsed); 1 file to change, 4 awaits to fix"],
    );
}

#[test]
fn notebook_diff_applies_with_git_apply() {
    let original = fixture("notebook.ipynb");
    let dir = tree(&[("nb.ipynb", &original), ("unawait.toml", NB_CONFIG)]);
    let r = dir.run(&["diff"]);
    r.code(0);
    assert_eq!(
        r.stderr,
        "unawait: 1 file scanned (1 parsed); 1 file to change, 4 awaits to fix\n"
    );
    let diff = r.out();
    assert!(
        diff.starts_with("diff --git a/nb.ipynb b/nb.ipynb\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "\n-    \"manager = await get_manager()\\n\",\n+    \"manager = get_manager()\\n\",\n"
        ),
        "{diff}"
    );
    assert_eq!(read(&dir, "nb.ipynb"), original, "diff changes nothing");
    let target = tree(&[("nb.ipynb", &original), ("fix.patch", diff.as_bytes())]);
    let status = Command::new("git")
        .args(["apply", "fix.patch"])
        .current_dir(target.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(read(&target, "nb.ipynb"), fixture("notebook.fixed.ipynb"));
}

/// A notebook as nbformat writes it (one-space indentation), with these code cells.
fn notebook(cells: &[&str]) -> Vec<u8> {
    let mut s = String::from("{\n \"cells\": [");
    for (i, source) in cells.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "\n  {{\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"id\": \"c{i}\",\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": {source}\n  }}"
        ));
    }
    s.push_str("\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n");
    s.into_bytes()
}

#[test]
fn a_cell_with_a_syntax_error_is_reported_and_the_others_fixed() {
    let nb = notebook(&[
        r#""x = await get_manager()""#,
        r#"["def broken(:\n", "    await get_manager()\n"]"#,
        r#"["files = !ls\n", "obj?\n", "if files:\n", "    %time y = 1\n", "    await get_manager()\n"]"#,
    ]);
    let dir = tree(&[("n.ipynb", &nb)]);
    // A cell left unchanged is an error, named with its cell and line.
    dir.run(&["fix", "-f", "get_manager"]).expect(
        2,
        "",
        &[
            "unawait: n.ipynb: cell 2 at 17:27: syntax error: expected a parameter or the end of the parameter list; cell left unchanged",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 2 awaits fixed",
        ],
    );
    let fixed = show(&read(&dir, "n.ipynb"));
    let want = show(&nb)
        .replace("\"x = await get_manager()\"", "\"x = get_manager()\"")
        .replace(
            "\"    %time y = 1\\n\", \"    await get_manager()",
            "\"    %time y = 1\\n\", \"    get_manager()",
        );
    assert_eq!(fixed, want);
    assert_eq!(only_awaits_deleted(&nb, fixed.as_bytes()), 2);
}

#[test]
fn cells_and_blocks_follow_cpythons_grammar() {
    // As a cell tree-sitter cannot parse: a cell CPython rejects (Python 2, read by
    // tree-sitter), valid Python tree-sitter cannot read, and a cell whose fix CPython
    // would reject are each left unchanged with a note; the other cells are fixed.
    let nb = notebook(&[
        r#""x = await get_manager()""#,
        r#"["print 'x'\n", "await get_manager()\n"]"#,
        r#"["class Box[T = int]:\n", "    pass\n", "await get_manager()\n"]"#,
        r#"["async def h():\n", "    await \fget_manager()\n", "    return 1\n"]"#,
    ]);
    let dir = tree(&[("n.ipynb", &nb)]);
    dir.run(&["fix", "-f", "get_manager"]).expect(
        2,
        "",
        &[
            "unawait: n.ipynb: cell 2 at 17:22: syntax error: simple statements must be separated by newlines or semicolons; cell left unchanged",
            "unawait: n.ipynb: cell 3 at 25:30: tree-sitter-python cannot read the PEP 696 type parameter default, which CPython accepts; cell left unchanged",
            "unawait: n.ipynb: cell 4: the fixed cell would not be valid Python (expected an indented block after function definition); cell left unchanged",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed",
        ],
    );
    let want = show(&nb).replace("\"x = await get_manager()\"", "\"x = get_manager()\"");
    assert_eq!(show(&read(&dir, "n.ipynb")), want);

    // A docs block CPython rejects is an example of something else: passed over
    // silently, as a block tree-sitter cannot parse always was. A block of valid
    // Python that cannot be fixed gets a note.
    let md = "# Guide\n\n```python\nprint 'old'\nawait get_manager()\n```\n\n```python\ndef f[T = int](): pass\nawait get_manager()\n```\n\n```python\nawait get_manager()\n```\n";
    let dir = tree(&[("guide.md", md.as_bytes())]);
    dir.run(&["fix", "--docs", "-f", "get_manager"]).expect(
        2,
        "",
        &[
            "unawait: guide.md: block at line 8 at 9:11: tree-sitter-python cannot read the PEP 696 type parameter default, which CPython accepts; block left unchanged",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed",
        ],
    );
    let want = md.replace(
        "```python\nawait get_manager()\n```",
        "```python\nget_manager()\n```",
    );
    assert_eq!(show(&read(&dir, "guide.md")), want);
}

#[test]
fn cells_share_one_namespace() {
    // An async def in one cell keeps the await in a later one; an import in one cell
    // makes a qualified rule match in another.
    let nb = notebook(&[
        r#""from app.ws import get_manager\nasync def helper():\n    pass\n""#,
        r#""await get_manager()\nawait helper()\n""#,
    ]);
    let dir = tree(&[("n.ipynb", &nb)]);
    let text = show(&nb);
    let call = position(&text, "\"await get_manager", 1);
    let kept = position(&text, "await helper", 0);
    let def_line = position(&text, "async def helper", 0);
    let def_line = def_line.split(':').next().unwrap();
    dir.run(&["check", "-f", "app.ws.get_manager", "-f", "helper"])
        .expect(
            1,
            format!("n.ipynb:{call}: UNA001 `await` on synchronous `get_manager()` (rule `app.ws.get_manager`): remove the `await`\n"),
            &[
                &format!(
                    "n.ipynb:{kept}: kept `helper()`: name refers to an async def at line {def_line}"
                ),
                "unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix; 1 kept (1 async-def)",
            ],
        );
}

#[test]
fn escapes_around_the_await() {
    // `\u0061wait` is the keyword written with an escape: the whole escape goes. An
    // `await ` split over two strings of the source list does not map onto contiguous
    // bytes: that cell is refused.
    let nb = notebook(&[
        r#""\u0061wait get_manager()\n""#,
        r#"["x = await", " get_manager()\n"]"#,
        r#""s = \"\\\"\"; t = await get_manager()  # \ud83d\ude00\n""#,
    ]);
    let dir = tree(&[("n.ipynb", &nb)]);
    dir.run(&["fix", "-f", "get_manager"]).expect(2, "", &["unawait: n.ipynb: cell 2 at 17:20: an edit does not map onto contiguous bytes of the file; cell left unchanged", "unawait: 1 file scanned (1 parsed); 1 file changed, 2 awaits fixed"]);
    let want = show(&nb)
        .replace(r#""\u0061wait get_manager()\n""#, r#""get_manager()\n""#)
        .replace("t = await get_manager()", "t = get_manager()");
    assert_eq!(show(&read(&dir, "n.ipynb")), want);
}

#[test]
fn twin_insertions_are_escaped_into_the_json() {
    let nb = notebook(&[
        r#"["from app.ws import (\n", "    get_manager,\n", ")\n"]"#,
        r#"["x = get_manager\n", "await get_manager()\n"]"#,
    ]);
    let dir = tree(&[("n.ipynb", &nb)]);
    dir.run(&[
        "fix",
        "-f",
        "app.ws.get_manager",
        "--replace-with",
        "app.ws.get_manager=get_manager_async",
    ])
    .expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    let want = show(&nb)
        .replace(
            "\"    get_manager,\\n\"",
            "\"    get_manager,\\n    get_manager_async,\\n\"",
        )
        .replace(
            "\"await get_manager()\\n\"",
            "\"await get_manager_async()\\n\"",
        );
    assert_eq!(show(&read(&dir, "n.ipynb")), want);
}

#[test]
fn a_notebook_that_is_not_json_is_skipped() {
    let dir = tree(&[
        ("bad.ipynb", b"{\"cells\": [await get_manager()]}\n"),
        ("ok.py", b"async def f():\n    await get_manager()\n"),
    ]);
    dir.run(&["fix", "-f", "get_manager"]).expect(
        2,
        "",
        &[
            "unawait: bad.ipynb: not valid JSON (expected a value at 1:12)",
            "unawait: 2 files scanned (2 parsed); 1 file changed, 1 await fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(read(&dir, "ok.py"), b"async def f():\n    get_manager()\n");
}

#[test]
fn other_kernels_and_cell_magics_are_left_alone() {
    let r = br#"{"cells": [{"cell_type": "code", "source": "x <- await get_manager()"}], "metadata": {"kernelspec": {"language": "R"}}, "nbformat": 4, "nbformat_minor": 5}"#;
    let magic = notebook(&[r#""%%time\nawait get_manager()\n""#]);
    let dir = tree(&[("r.ipynb", r), ("m.ipynb", &magic)]);
    dir.run(&["check", "-f", "get_manager"]).expect(
        0,
        "",
        &[
            "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
            "unawait: 2 files scanned (2 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
}

const DOCS_CONFIG: &[u8] = b"functions = [\"get_manager\"]\ndocs = true\n";

#[test]
fn markdown_python_blocks_are_fixed_and_the_rest_untouched() {
    let original = fixture("guide.md");
    let expected = fixture("guide.fixed.md");
    assert_eq!(only_awaits_deleted(&original, &expected), 5);
    let dir = tree(&[("docs/guide.md", &original), ("unawait.toml", DOCS_CONFIG)]);
    dir.run(&["fix"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 5 awaits fixed"],
    );
    assert_eq!(show(&read(&dir, "docs/guide.md")), show(&expected));
}

#[test]
fn markdown_check_lines_and_docs_flag() {
    let original = fixture("guide.md");
    let dir = tree(&[("guide.md", &original)]);
    // Without `docs`, a walk does not even look at Markdown.
    dir.run(&["check", "-f", "get_manager"]).expect(
        0,
        "",
        &[
            "unawait: warning: no Python files or notebooks found in `.` (after excludes and .gitignore; Markdown and reST files need --docs)",
            "unawait: 0 files scanned (0 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
    let text = show(&original);
    let want: String = [
        position(&text, "manager = await", 10),
        position(&text, "x = await", 4),
        position(&text, ">>> m = await", 8),
        position(&text, "...     return await", 15),
        position(&text, "       await", 7),
    ]
    .iter()
    .map(|at| {
        format!(
            "guide.md:{at}: UNA001 `await` on synchronous `get_manager()` (rule `get_manager`): remove the `await`\n"
        )
    })
    .collect();
    dir.run(&["check", "--docs", "-f", "get_manager"]).expect(
        1,
        want,
        &["unawait: 1 file scanned (1 parsed); 1 file to change, 5 awaits to fix"],
    );
}

#[test]
fn docs_are_untouched_without_docs() {
    let md = fixture("guide.md");
    let rst = fixture("guide.rst");
    let dir = tree(&[
        ("guide.md", &md),
        ("guide.rst", &rst),
        ("unawait.toml", b"functions = [\"get_manager\"]\n"),
    ]);
    dir.run(&["fix"]).expect(
        0,
        "",
        &[
            "unawait: warning: no Python files or notebooks found in `.` (after excludes and .gitignore; Markdown and reST files need --docs)",
            "unawait: 0 files scanned (0 parsed); 0 files changed, 0 awaits fixed",
        ],
    );
    assert_eq!(read(&dir, "guide.md"), md);
    assert_eq!(read(&dir, "guide.rst"), rst);
    // Named on the command line, a document is read all the same.
    dir.run(&["fix", "guide.rst"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 3 awaits fixed"],
    );
    assert_eq!(read(&dir, "guide.rst"), fixture("guide.fixed.rst"));
}

#[test]
fn rst_code_blocks_are_dedented_fixed_and_diffed() {
    let original = fixture("guide.rst");
    let expected = fixture("guide.fixed.rst");
    assert_eq!(only_awaits_deleted(&original, &expected), 3);
    let dir = tree(&[("guide.rst", &original), ("unawait.toml", DOCS_CONFIG)]);
    let r = dir.run(&["diff"]);
    r.code(0);
    assert_eq!(
        r.stderr,
        "unawait: 1 file scanned (1 parsed); 1 file to change, 3 awaits to fix\n"
    );
    let diff = r.out();
    let target = tree(&[("guide.rst", &original), ("fix.patch", diff.as_bytes())]);
    let status = Command::new("git")
        .args(["apply", "fix.patch"])
        .current_dir(target.path())
        .status()
        .unwrap();
    assert!(status.success(), "{diff}");
    assert_eq!(show(&read(&target, "guide.rst")), show(&expected));
    dir.run(&["fix"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 3 awaits fixed"],
    );
    assert_eq!(read(&dir, "guide.rst"), expected);
}

#[test]
fn docs_keep_crlf_and_prompts_in_twin_imports() {
    let md = b"Text\r\n\r\n```pycon\r\n>>> from app.ws import (\r\n...     get_manager,\r\n... )\r\n>>> await get_manager()\r\n```\r\n";
    let dir = tree(&[("a.md", md)]);
    dir.run(&[
        "fix",
        "--docs",
        "-f",
        "app.ws.get_manager",
        "--replace-with",
        "app.ws.get_manager=get_manager_async",
    ])
    .expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(
        show(&read(&dir, "a.md")),
        "Text\r\n\r\n```pycon\r\n>>> from app.ws import (\r\n...     get_manager_async,\r\n... )\r\n>>> await get_manager_async()\r\n```\r\n"
    );
}
