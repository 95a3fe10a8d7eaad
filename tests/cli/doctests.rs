//! Doctest examples in Python docstrings, with `docs`: fixed in place with the file's
//! code, byte-exactly, and read as Python's own `doctest` reads them.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{tree, Tree};
use crate::notebooks_docs::{only_awaits_deleted, position};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/embedded");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap()
}

const RULE: &[&str] = &["-f", "get_manager"];

fn args<'a>(head: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(RULE).copied().collect()
}

/// Every docstring's examples as Python's `doctest` parses them, as JSON: a list per
/// docstring of `[source, want]` pairs.
fn doctest_examples(t: &Tree, path: &str) -> Value {
    let script = r#"
import ast, doctest, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
out = []
for node in ast.walk(tree):
    if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        doc = ast.get_docstring(node, clean=False)
        if doc:
            out.append([[e.source, e.want] for e in doctest.DocTestParser().get_examples(doc)])
print(json.dumps(out))
"#;
    let out = Command::new(crate::common::test_tool("test-venv/bin/python"))
        .args(["-c", script])
        .arg(t.join(path))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn module_class_function_and_raw_docstrings_are_fixed_with_the_code() {
    let original = fixture("doctests.py");
    let expected = fixture("doctests.fixed.py");
    // Four awaits in examples (module, class, raw, escaped) and one in code.
    assert_eq!(
        only_awaits_deleted(original.as_bytes(), expected.as_bytes()),
        5
    );
    let t = tree(&[("pkg/doc.py", &original)]);
    t.run(&args(&["fix", "--docs"])).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 5 awaits fixed; 1 mention in comments and strings (`-v` lists them)"],
    );
    assert_eq!(t.text("pkg/doc.py"), expected);
    t.run(&args(&["check", "--docs"])).code(0);

    // What doctest runs: the same examples, the awaits gone, the expected output
    // (`<Manager from await get_manager()>`, `joined: await ...`) untouched.
    let before = doctest_examples(&tree(&[("a.py", &original)]), "a.py");
    let after = doctest_examples(&t, "pkg/doc.py");
    let part = |v: &Value, k: usize| -> Vec<String> {
        let docstrings = v.as_array().unwrap();
        let examples = docstrings.iter().flat_map(|d| d.as_array().unwrap());
        examples
            .map(|e| e[k].as_str().unwrap().to_string())
            .collect()
    };
    let strip = |s: &String| {
        s.replace("await get_manager", "get_manager")
            .replace("await  get_manager", "get_manager")
            // doctest expands the tab of `await\tget_manager` to the next stop.
            .replace("await       get_manager", "get_manager")
    };
    let sources: Vec<String> = part(&before, 0).iter().map(strip).collect();
    assert_eq!(sources, part(&after, 0));
    assert_ne!(part(&before, 0), part(&after, 0));
    assert_eq!(
        part(&before, 1),
        part(&after, 1),
        "expected output untouched"
    );
    assert!(part(&after, 1).contains(&"<Manager from await get_manager()>\n".to_string()));
    assert_eq!(after.as_array().unwrap().len(), 4, "{after}");
}

#[test]
fn without_docs_docstrings_are_left_alone() {
    let original = fixture("doctests.py");
    let t = tree(&[("doc.py", &original)]);
    t.run(&args(&["fix"])).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed; 8 mentions in comments and strings (`-v` lists them)"],
    );
    assert_eq!(
        t.text("doc.py"),
        original.replace(
            "    manager = await get_manager()",
            "    manager = get_manager()"
        )
    );
    // The same with `docs = false` in the configuration, and `docs = true` reads them.
    let t = tree(&[
        ("doc.py", original.as_str()),
        (
            "unawait.toml",
            "functions = [\"get_manager\"]\ndocs = false\n",
        ),
    ]);
    t.run(&["check"]).expect(
        1,
        format!(
            "doc.py:{}: UNA001 `await` on synchronous `get_manager()` (rule `get_manager`): remove the `await`\n",
            position(&original, "manager = await", 10)
        ),
        &["unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix; 8 mentions in comments and strings (`-v` lists them)"],
    );
    t.write(
        "unawait.toml",
        "functions = [\"get_manager\"]\ndocs = true\n",
    );
    t.run(&["check"]).code(1);
    assert!(t.run(&["check"]).summary().contains("5 awaits to fix"));
}

#[test]
fn json_findings_point_at_the_file_lines() {
    let original = fixture("doctests.py");
    let t = tree(&[("doc.py", &original)]);
    let r = t.run(&args(&["check", "--docs", "--output-format", "json"]));
    r.code(1);
    let doc: Value = serde_json::from_slice(&r.stdout).unwrap();
    let findings = doc["files"][0]["findings"].as_array().unwrap();
    let at = |f: &Value, key: &str| format!("{}:{}", f[key]["line"], f[key]["column"]);
    let got: Vec<String> = findings.iter().map(|f| at(f, "location")).collect();
    let want: Vec<String> = [
        (">>> m = await", 8),
        ("join(await", 5),
        ("print(await", 6),
        ("manager = await", 10),
        ("x = await\\t", 4),
    ]
    .iter()
    .map(|(needle, skip)| position(&original, needle, *skip))
    .collect();
    assert_eq!(got, want);
    // The fix of the escaped one deletes `await\t`: the keyword and the whole escape.
    let escaped = &findings[4]["fix"]["edits"][0];
    assert_eq!(at(escaped, "location"), want[4]);
    let col = escaped["location"]["column"].as_u64().unwrap();
    assert_eq!(
        escaped["end_location"]["column"],
        col + "await\\t".len() as u64
    );
    assert_eq!(escaped["content"], "");
}

#[test]
fn edits_that_do_not_map_are_refused_and_the_rest_fixed() {
    // An await whose deletion crosses a line continuation (`\` at the end of a line
    // inside a docstring joins the lines in its value), an escape left undecoded, and
    // examples CPython rejects (Python 2): the first two are noted, the last passed over
    // in silence; the code and the other docstrings are still fixed.
    let src = "def continued():\n    \"\"\"Continued.\n\n    >>> x = await\\\n get_manager()\n    \"\"\"\n\n\ndef named():\n    \"\"\">>> await get_manager('\\N{EM DASH}')\"\"\"\n\n\ndef old():\n    \"\"\">>> print \"x\"\n    >>> await get_manager()\n    \"\"\"\n\n\ndef fine():\n    \"\"\">>> await get_manager()\"\"\"\n\n\nasync def code():\n    await get_manager()\n";
    let t = tree(&[("a.py", src)]);
    t.run(&args(&["fix", "--docs"])).expect(
        2,
        "",
        &[
            "unawait: a.py: docstring at line 2 at 4:13: an edit does not map onto contiguous bytes of the file; docstring left unchanged",
            "unawait: a.py: docstring at line 10: it holds a `\\N{...}` escape, which unawait does not decode; docstring left unchanged",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 2 awaits fixed",
        ],
    );
    assert_eq!(
        t.text("a.py"),
        src.replace(
            "\"\"\">>> await get_manager()\"\"\"",
            "\"\"\">>> get_manager()\"\"\""
        )
        .replace("    await get_manager()\n", "    get_manager()\n")
    );
}

#[test]
fn a_continuation_before_the_call_maps_and_outputs_stay() {
    // `await \` + newline: the deletion is `await ` alone, raw bytes before the
    // continuation; output lines that look like code are never code.
    let src = "'''\n>>> x = await \\\nget_manager()\n>>> x\nawait get_manager()\n... await get_manager()\n'''\n";
    let t = tree(&[("m.py", src)]);
    t.run(&args(&["fix", "--docs"])).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(t.text("m.py"), src.replacen("await \\", "\\", 1));
}

#[test]
fn twin_imports_in_examples_keep_their_prompts() {
    let src = "def f():\n    \"\"\"\n    >>> from app.ws import (\n    ...     get_manager,\n    ... )\n    >>> x = get_manager\n    >>> await get_manager()\n    \"\"\"\n";
    let t = tree(&[("t.py", src)]);
    t.run(&[
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
        t.text("t.py"),
        src.replace(
            "    ...     get_manager,\n",
            "    ...     get_manager,\n    ...     get_manager_async,\n"
        )
        .replace("await get_manager()", "await get_manager_async()")
    );
}
