//! `check --output-format json|github|sarif`, checked by real consumers: the JSON
//! document against its published schema (`schemas/check-output-v1.schema.json`) with
//! the `jsonschema` package from PyPI, and SARIF with Microsoft's SARIF multitool from
//! npm, including its GitHub code-scanning ingestion rules. Both tools are installed by
//! `scripts/install-test-deps.sh`. The fixes both formats carry are applied here and
//! must give exactly what `unawait fix` writes.

use std::path::Path;

use crate::common::*;
use serde_json::Value;

/// A tree with a fix, a kept await, a non-ASCII line, a name that needs escaping,
/// and a file that does not parse.
fn sample() -> Tree {
    let t = Tree::git();
    t.write("app/a.py", SRC);
    t.write(
        "app/uni code.py",
        "from svc import get_manager\n\n\nasync def h():\n    é = (await get_manager(), \"ü\")\n    x = await get_manager()  # unawait: ignore\n    return await old_f(1)\n",
    );
    t.write("app/broken.py", "async def h(:\n    await get_manager()\n");
    t
}

const RULES: &[&str] = &["-f", "get_manager", "--replace-with", "old_f=new_f"];

fn check(t: &Tree, format: &str) -> Run {
    let mut args = vec!["check", "--output-format", format];
    args.extend_from_slice(RULES);
    let run = t.run(&args);
    // broken.py makes the status 2 whatever the findings; stderr is as in the text
    // format.
    run.code(2);
    assert_eq!(
        run.stderr,
        "unawait: app/broken.py: syntax error at 1:13: expected a parameter or the end of the parameter list; file left unchanged\n\
         app/uni code.py:6:9: kept `get_manager()`: line has `# unawait: ignore`\n\
         unawait: 3 files scanned (3 parsed); 2 files to change, 3 awaits to fix; 1 kept (1 ignore-comment); 1 file skipped with errors (1 syntax error)\n",
        "{format}"
    );
    run
}

/// Byte offset of a 1-based line and code-point column in `text`.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let rest = &text[start..];
    rest.char_indices()
        .nth(column as usize - 1)
        .map_or(text.len(), |(i, _)| start + i)
}

/// Apply (start, end, content) edits given in lines and columns.
fn apply(text: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, content) in edits {
        out.replace_range(start..end, &content);
    }
    out
}

/// What `unawait fix` makes of the sample, file by file (only remove-await rules, so
/// that every change is one the formats carry as a fix).
fn fixed_by_unawait() -> Tree {
    let t = sample();
    t.run(&["fix", "-f", "get_manager"]).code(2);
    t
}

fn validate_json(doc: &Path) {
    if let Err(errors) = validate_against_schema("check-output-v1.schema.json", doc) {
        panic!("schema validation failed:\n{errors}");
    }
}

/// An import alias, a module attribute and a method on its receiver: each message names
/// the call as the line writes it, and says when that is an alias of the rule; JSON
/// gives the written callee as `callee`, beside the rule in `function`.
#[test]
fn findings_name_the_callee_as_the_line_writes_it() {
    let t = tree(&[(
        "app.py",
        "import api
from api import get_client as make_client


class Service:
    async def run(self):
        await make_client()
        await api.get_client()
        await self.pool.fetch()
        await make_client()  # unawait: ignore
",
    )]);
    let rules = ["-f", "get_client", "--method", "fetch"];
    let mut args = vec!["check"];
    args.extend(rules);
    t.run(&args).expect(
        1,
        "app.py:7:9: UNA001 `await` on synchronous `make_client()` (alias of rule `get_client`): remove the `await`
app.py:8:9: UNA001 `await` on synchronous `api.get_client()` (rule `get_client`): remove the `await`
app.py:9:9: UNA001 `await` on synchronous `self.pool.fetch()` (rule `fetch`): remove the `await`
",
        &[
            "app.py:10:9: kept `make_client()` (alias of rule `get_client`): line has `# unawait: ignore`",
            "unawait: 1 file scanned (1 parsed); 1 file to change, 3 awaits to fix; 1 kept (1 ignore-comment)",
        ],
    );

    let mut args = vec!["check", "-q", "--output-format", "json"];
    args.extend(rules);
    let run = t.run(&args);
    run.code(1);
    validate_json(Path::new(&t.save_outside("callee.json", &run.stdout)));
    let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
    let named: Vec<(&str, &str, &str)> = doc["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["callee"].as_str().unwrap(),
                f["function"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("make_client", "get_client", "`await` on synchronous `make_client()` (alias of rule `get_client`): remove the `await`"),
            ("api.get_client", "get_client", "`await` on synchronous `api.get_client()` (rule `get_client`): remove the `await`"),
            ("self.pool.fetch", "fetch", "`await` on synchronous `self.pool.fetch()` (rule `fetch`): remove the `await`"),
            ("make_client", "get_client", "`await` on `make_client()` (alias of rule `get_client`) kept: line has `# unawait: ignore`"),
        ]
    );
}

#[test]
fn json_matches_its_schema_and_its_fixes_equal_fix() {
    let t = sample();
    let run = check(&t, "json");
    let doc_path = t.save_outside("check.json", &run.stdout);
    validate_json(Path::new(&doc_path));

    let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let files = doc["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["app/a.py", "app/broken.py", "app/uni code.py"]);
    assert_eq!(files[1]["status"], "skipped");
    assert_eq!(
        files[1]["error"],
        "syntax error at 1:13: expected a parameter or the end of the parameter list; file left unchanged"
    );
    assert_eq!(files[1]["error_kind"], "syntax-error");
    assert_eq!(files[0]["error_kind"], Value::Null);
    assert_eq!(doc["summary"]["files_skipped"], 1);
    assert_eq!(
        doc["summary"]["files_skipped_by_reason"],
        serde_json::json!({"syntax-error": 1})
    );

    let uni = &files[2]["findings"];
    let actions: Vec<&str> = uni
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["remove-await", "kept", "replace-with"]);
    // `    é = (await` — columns count code points: the await starts at column 10.
    assert_eq!(
        uni[0]["location"],
        serde_json::json!({"line": 5, "column": 10})
    );
    assert_eq!(
        uni[0]["end_location"],
        serde_json::json!({"line": 5, "column": 29})
    );
    assert_eq!(uni[1]["kept"]["reason"], "ignore-comment");
    assert_eq!(uni[2]["replacement"], "new_f");
    assert!(uni[2]["fix"].is_null());

    let summary = &doc["summary"];
    assert_eq!(summary["findings"], 3);
    assert_eq!(summary["kept"], 1);
    assert_eq!(summary["files_skipped"], 1);
    assert_eq!(summary["files_with_findings"], 2);

    // The fixes, applied by line and column, give what `fix` writes.
    let fixed = fixed_by_unawait();
    for file in files.iter().filter(|f| f["status"] == "changed") {
        let path = file["path"].as_str().unwrap();
        let before = t.text(path);
        let edits = file["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["action"] == "remove-await")
            .flat_map(|f| f["fix"]["edits"].as_array().unwrap().clone())
            .map(|e| {
                let at = |p: &Value| {
                    offset(
                        &before,
                        p["line"].as_u64().unwrap(),
                        p["column"].as_u64().unwrap(),
                    )
                };
                (
                    at(&e["location"]),
                    at(&e["end_location"]),
                    e["content"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(apply(&before, edits), fixed.text(path), "{path}");
    }
}

#[test]
fn sarif_passes_the_sarif_multitool_with_github_rules_and_its_fixes_equal_fix() {
    let t = sample();
    let run = check(&t, "sarif");
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("check.sarif");
    std::fs::write(&sarif, &run.stdout).unwrap();
    // The validator reads our file: no error, no GitHub-ingestion problem.
    let doc = validate_sarif(&sarif);
    assert_eq!(doc["version"], "2.1.0");
    let run0 = &doc["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    assert_eq!(run0["tool"]["driver"]["rules"][0]["id"], "UNA001");
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(base, format!("file://{}/", t.path().display()));
    let results = run0["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "app/a.py",
            "app/uni%20code.py",
            "app/uni%20code.py",
            "app/uni%20code.py"
        ]
    );
    // The `# unawait: ignore` await is reported as suppressed in the source.
    assert_eq!(results[2]["suppressions"][0]["kind"], "inSource");
    assert!(
        results[3].get("fixes").is_none(),
        "replace-with carries no fix"
    );
    let invocation = &run0["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(
        note["message"]["text"],
        "syntax error at 1:13: expected a parameter or the end of the parameter list; file left unchanged"
    );

    let fixed = fixed_by_unawait();
    for (uri, path) in [
        ("app/a.py", "app/a.py"),
        ("app/uni%20code.py", "app/uni code.py"),
    ] {
        let before = t.text(path);
        let edits = results
            .iter()
            .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .filter_map(|r| r.get("fixes"))
            .flat_map(|f| {
                f[0]["artifactChanges"][0]["replacements"]
                    .as_array()
                    .unwrap()
                    .clone()
            })
            .map(|r| {
                let region = &r["deletedRegion"];
                let n = |k: &str| region[k].as_u64().unwrap();
                (
                    offset(&before, n("startLine"), n("startColumn")),
                    offset(&before, n("endLine"), n("endColumn")),
                    r["insertedContent"]["text"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(apply(&before, edits), fixed.text(path), "{path}");
    }
}

#[test]
fn github_annotations_are_escaped_workflow_commands() {
    let t = Tree::git();
    t.write("src/a,b:c.py", SRC);
    t.write("src/bad\n100%.py", "await get_manager(\n");
    let finding = "::error file=src/a%2Cb%3Ac.py,line=5,col=15,endLine=5,endColumn=34,title=unawait (UNA001)::`await` on synchronous `get_manager()` (rule `get_manager`): remove the `await`\n";
    t.run(&["check", "--output-format", "github", "-f", "get_manager"])
        .expect(
            2,
            format!("{finding}::error file=src/bad%0A100%25.py,title=unawait::src/bad%0A100%25.py: syntax error at 2:1: unexpected EOF while parsing; file left unchanged\n"),
            &[
                // On stderr the name is written as it is, newline and all.
                "unawait: src/bad",
                "100%.py: syntax error at 2:1: unexpected EOF while parsing; file left unchanged",
                "unawait: 2 files scanned (2 parsed); 1 file to change, 1 await to fix; 1 file skipped with errors (1 syntax error)",
            ],
        );
    // From a subfolder, file= stays relative to the repository root, as GitHub wants.
    t.run_in(
        "src",
        &[
            "check",
            "--output-format",
            "github",
            "-f",
            "get_manager",
            "a,b:c.py",
        ],
    )
    .expect(1, finding, &[&summary_to_fix(1)]);
}

#[test]
fn json_on_a_clean_tree_is_a_valid_empty_document() {
    let t = Tree::new();
    t.write("a.py", CLEAN);
    let run = t.run(&["check", "--output-format", "json", "-f", "get_manager"]);
    run.code(0);
    assert_eq!(
        run.stderr,
        "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)\n\
         unawait: 1 file scanned (0 parsed); 0 files to change, 0 awaits to fix\n"
    );
    let doc_path = t.save_outside("empty.json", &run.stdout);
    validate_json(Path::new(&doc_path));
    let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(doc["files"].as_array().unwrap().len(), 0);
    assert_eq!(doc["summary"]["files_scanned"], 1);
}

#[test]
fn the_json_schema_is_printed_by_the_binary() {
    let schema = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas/check-output-v1.schema.json"),
    )
    .unwrap();
    // No rules and no configuration needed.
    Tree::new()
        .run(&["check", "--output-format", "json", "--schema"])
        .expect(0, schema, &[]);
}
