//! CPython's grammar decides what a syntax error is (`docs/contract.md`, "Checked
//! before it is kept"): a file CPython rejects is skipped, unchanged, whatever
//! tree-sitter makes of it; a fix whose result CPython would reject is refused; valid
//! Python that tree-sitter cannot read is skipped with the construct named, and counted
//! apart from syntax errors.
//!
//! CPython itself (`python3`, and a 3.12+ one when the machine has it) is the judge of
//! the inputs and of the fixes these tests expect.

use std::path::Path;

use crate::common::*;

const F: &str = "get_manager";

/// An await unawait removes, so that every file below is parsed and would change.
const TAIL: &str = "async def h():\n    return await get_manager()\n";

/// The source with every `await get_manager(` made `get_manager(`: what a fix
/// that ignored CPython would write.
fn naive_fix(source: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(source)
        .replace("await \x0cget_manager(", "\x0cget_manager(")
        .replace("await get_manager(", "get_manager(")
        .into_bytes()
}

#[test]
fn files_cpython_rejects_are_skipped_unchanged_whatever_tree_sitter_reads() {
    // tree-sitter-python reads every one of these without an error.
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "await_await.py",
            "async def h():\n    return await await get_manager()\n".into(),
            "syntax error at 2:18: await expression cannot be used here",
        ),
        (
            "backticks.py",
            format!("x = `1`\n{TAIL}"),
            "syntax error at 1:5: got unexpected token `",
        ),
        (
            "exec.py",
            format!("exec 'x = 1'\n{TAIL}"),
            "syntax error at 1:6: simple statements must be separated by newlines or semicolons",
        ),
        (
            "not_equal.py",
            format!("if 1 <> 2:\n    pass\n{TAIL}"),
            "syntax error at 1:7: expected an expression",
        ),
        (
            "octal.py",
            format!("y = 0777\n{TAIL}"),
            "syntax error at 1:5: invalid decimal integer literal",
        ),
        (
            "print.py",
            format!("print 'x'\n{TAIL}"),
            "syntax error at 1:7: simple statements must be separated by newlines or semicolons",
        ),
        (
            "unicode_raw.py",
            format!("z = ur'a'\n{TAIL}"),
            "syntax error at 1:7: simple statements must be separated by newlines or semicolons",
        ),
    ];
    let t = Tree::new();
    for (name, source, _) in &cases {
        t.write(name, source);
    }
    let mut stderr: Vec<String> = cases
        .iter()
        .map(|(name, _, why)| format!("unawait: {name}: {why}; file left unchanged"))
        .collect();
    stderr.push(
        "unawait: 7 files scanned (7 parsed); 0 files changed, 0 awaits fixed; \
         7 files skipped with errors (7 syntax errors)"
            .into(),
    );
    let stderr: Vec<&str> = stderr.iter().map(String::as_str).collect();
    t.run(&["fix", "-f", F]).expect(2, "", &stderr);
    for (name, source, why) in &cases {
        assert_eq!(t.text(name), *source, "{name} is unchanged");
        // CPython rejects the file too, on the line named.
        let line: usize = why["syntax error at ".len()..]
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        match cpython_syntax_error(Path::new("python3"), source.as_bytes()) {
            Some((at, _)) => assert_eq!(at, line, "{name}: CPython's line"),
            None => panic!("{name}: CPython accepts it"),
        }
    }
    // `check` and `diff` skip them the same way, with nothing on stdout.
    t.run(&["check", "-f", F]).code(2);
    assert_eq!(t.run(&["diff", "-f", F]).out(), "");
}

#[test]
fn a_fix_whose_result_cpython_would_reject_is_refused() {
    // A form feed after `await` is blank space inside a line; at the start of one it
    // resets CPython's count of the indentation, so the call would leave the function.
    let ff = b"async def h():\n    await \x0cget_manager()\n    return 1\n";
    let t = Tree::new();
    t.write("ff.py", ff);
    t.write("ok.py", TAIL);
    t.run(&["fix", "-f", F]).expect(
        2,
        "",
        &[
            "unawait: ff.py: the fixed file would not be valid Python (at 2:6: expected an indented block after function definition); file left unchanged",
            "unawait: 2 files scanned (2 parsed); 1 file changed, 1 await fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(t.read("ff.py"), ff);
    assert_eq!(t.read("ok.py"), naive_fix(TAIL.as_bytes()));
    let python = Path::new("python3");
    assert_eq!(cpython_syntax_error(python, ff), None, "the input is valid");
    let (line, msg) = cpython_syntax_error(python, &naive_fix(ff)).expect("the fix is not");
    assert_eq!(
        (line, msg.as_str()),
        (
            2,
            "expected an indented block after function definition on line 1"
        )
    );
    // The JSON says which kind of error it is.
    let r = t.run(&["check", "-f", F, "--output-format", "json", "ff.py"]);
    r.code(2);
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(doc["files"][0]["error_kind"], "fix-invalid");
}

#[test]
fn valid_python_tree_sitter_cannot_read_is_skipped_naming_the_construct() {
    let pep696 = [
        (
            "pep696_class.py",
            format!("class Box[T = int]:\n    pass\n{TAIL}"),
        ),
        (
            "pep696_def.py",
            format!("def first[T = int](x: T) -> T:\n    return x\n{TAIL}"),
        ),
    ];
    let breaks = [
        (
            "dict_colon.py",
            "async def h(ks):\n    return {k:\nget(k) for k in ks}, await get_manager()\n"
                .to_string(),
        ),
        (
            "walrus.py",
            "async def h():\n    if (v :=\nget()):\n        return await get_manager()\n"
                .to_string(),
        ),
    ];
    let t = Tree::git();
    for (name, source) in pep696.iter().chain(&breaks) {
        t.write(name, source);
    }
    let expected = [
        "unawait: dict_colon.py: tree-sitter-python cannot read the less-indented line after `:` inside brackets at 3:1, which CPython accepts; file left unchanged",
        "unawait: pep696_class.py: tree-sitter-python cannot read the PEP 696 type parameter default at 1:15, which CPython accepts; file left unchanged",
        "unawait: pep696_def.py: tree-sitter-python cannot read the PEP 696 type parameter default at 1:15, which CPython accepts; file left unchanged",
        "unawait: walrus.py: tree-sitter-python cannot read the less-indented line after `:=` inside brackets at 3:1, which CPython accepts; file left unchanged",
        "unawait: 4 files scanned (4 parsed); 0 files changed, 0 awaits fixed; 4 files skipped with errors (4 unreadable by tree-sitter-python)",
    ];
    t.run(&["fix", "-f", F]).expect(2, "", &expected);
    for (name, source) in pep696.iter().chain(&breaks) {
        assert_eq!(t.text(name), *source, "{name} is unchanged");
    }
    // CPython accepts every one: 3.11 the line breaks, 3.13 the PEP 696 defaults.
    for (name, source) in &breaks {
        let verdict = cpython_syntax_error(Path::new("python3"), source.as_bytes());
        assert_eq!(verdict, None, "{name}");
    }
    match modern_python() {
        Some(python) if cpython_parses(&python, b"def f[T = int](): pass\n") => {
            for (name, source) in &pep696 {
                assert!(cpython_parses(&python, source.as_bytes()), "{name}");
            }
        }
        _ => eprintln!("skipped the CPython 3.13+ check: no such python found"),
    }
    // JSON counts them apart from syntax errors, and matches its schema.
    t.write("broken.py", format!("print 'x'\n{TAIL}"));
    let r = t.run(&["check", "-f", F, "--output-format", "json"]);
    r.code(2);
    let path = t.save_outside("check.json", &r.stdout);
    validate_against_schema("check-output-v1.schema.json", Path::new(&path)).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(
        doc["summary"]["files_skipped_by_reason"],
        serde_json::json!({"syntax-error": 1, "tree-sitter-unreadable": 4})
    );
    let kinds: Vec<(&str, &str)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["error_kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("broken.py", "syntax-error"),
            ("dict_colon.py", "tree-sitter-unreadable"),
            ("pep696_class.py", "tree-sitter-unreadable"),
            ("pep696_def.py", "tree-sitter-unreadable"),
            ("walrus.py", "tree-sitter-unreadable"),
        ]
    );
    // SARIF and GitHub annotations carry the same reason.
    let sarif = t.run(&["check", "-f", F, "--output-format", "sarif", "walrus.py"]);
    let doc: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let note = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(
        note["message"]["text"],
        expected[3]["unawait: walrus.py: ".len()..]
    );
}

#[test]
fn a_fix_tree_sitter_could_not_read_is_refused() {
    // Removing the await leaves `(v :=` at the end of a line and a less-indented
    // continuation: valid Python, which tree-sitter-python cannot read to check.
    let walrus = "async def h():\n    if (v := await\nget_manager()):\n        pass\n";
    let t = tree(&[("walrus.py", walrus)]);
    t.run(&["fix", "-f", F]).expect(
        2,
        "",
        &[
            "unawait: walrus.py: tree-sitter-python could not read the fixed file (the less-indented line after `:=` inside brackets at 3:1), so the fix cannot be checked; file left unchanged",
            "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(t.text("walrus.py"), walrus);
    let python = Path::new("python3");
    assert_eq!(cpython_syntax_error(python, walrus.as_bytes()), None);
    assert_eq!(
        cpython_syntax_error(python, &naive_fix(walrus.as_bytes())),
        None
    );
}
