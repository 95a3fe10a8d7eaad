//! `--diagnostics` and `--type-checker` from the command line: the real outputs kept in
//! `tests/fixtures/typecheck/outputs/` (and a live ty) fed to `unawait check` and `fix`
//! on a copy of `tests/fixtures/typecheck/sync_client`: the exact files fixed (CPython
//! parses them), every await left with its reason, JSON against the schema, the
//! intersection with name rules, a stale diagnostic, a malformed file, and ty run again
//! after the fix reporting only what was left.

#[allow(dead_code)]
#[path = "cli/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::*;

const PROJECT: &str = "tests/fixtures/typecheck/sync_client";
const OUTPUTS: &str = "tests/fixtures/typecheck/outputs";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A tree holding a copy of the fixture project, and the recorded `output` (its
/// `/PROJECT` made the tree's path) as `diag.out` beside it.
fn project(output: Option<&str>) -> Tree {
    let t = Tree::new();
    t.copy_from(&repo().join(PROJECT));
    if let Some(name) = output {
        let text = fs::read_to_string(repo().join(OUTPUTS).join(name)).unwrap();
        let root = t.path().canonicalize().unwrap();
        let text = text.replace("/PROJECT", root.to_str().unwrap());
        t.save_outside("diag.out", text.as_bytes());
    }
    t
}

/// Where [`project`] keeps the diagnostics: outside the project, so never scanned.
fn diag_path(t: &Tree) -> String {
    t.outside("diag.out")
}

/// PATH with the pinned checkers first.
fn search_path() -> OsString {
    let venv = test_tool("test-venv/bin/ty");
    let mut dirs = vec![venv.parent().unwrap().to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}

/// The fixture's files, with the awaits ty proves removable gone.
fn fixed_by_ty(file: &str) -> String {
    let original = String::from_utf8(fs::read(repo().join(PROJECT).join(file)).unwrap()).unwrap();
    match file {
        "app/service.py" => original.replace("await ", ""),
        "app/edges.py" => original.replace("return await c.get", "return c.get"),
        "app/kept.py" => original.replace("await maybe_name()", "maybe_name()"),
        "app/old_mac.py" => original.replace("await make_client()", "make_client()"),
        _ => original,
    }
}

const FILES: &[&str] = &[
    "app/client.py",
    "app/edges.py",
    "app/kept.py",
    "app/old_mac.py",
    "app/service.py",
    "tests/test_client.py",
];

/// `(file, line, action or left reason)` of each finding of a `check` JSON document.
fn outcomes(doc: &Value) -> Vec<(String, u64, String)> {
    let mut out = Vec::new();
    for file in doc["files"].as_array().unwrap() {
        for f in file["findings"].as_array().unwrap() {
            let what = match f["action"].as_str().unwrap() {
                "left" => f["left"]["reason"].as_str().unwrap().to_string(),
                "kept" => format!("kept {}", f["kept"]["reason"].as_str().unwrap()),
                other => other.to_string(),
            };
            out.push((
                file["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                what,
            ));
        }
    }
    out
}

fn json_check(t: &Tree, args: &[&str]) -> Value {
    let mut all = vec!["check", "-q", "--output-format", "json"];
    all.extend_from_slice(args);
    let run = t.run(&all);
    assert!(run.code == 1 || run.code == 0, "{}", run.stderr);
    let saved = t.save_outside("check.json", &run.stdout);
    if let Err(errors) = validate_against_schema("check-output-v1.schema.json", Path::new(&saved)) {
        panic!("schema validation failed:\n{errors}");
    }
    serde_json::from_slice(&run.stdout).unwrap()
}

fn row(file: &str, line: u64, what: &str) -> (String, u64, String) {
    (file.to_string(), line, what.to_string())
}

/// What ty's recorded output makes of the fixture, without rules.
fn ty_outcomes() -> Vec<(String, u64, String)> {
    let mut rows = vec![row("app/edges.py", 8, "remove-await")];
    rows.push(row("app/kept.py", 49, "remove-await"));
    for line in [52, 55, 61, 64] {
        rows.push(row("app/kept.py", line, "type-may-be-awaitable"));
    }
    rows.push(row("app/kept.py", 67, "async-context-manager"));
    rows.push(row("app/kept.py", 73, "not-a-call"));
    rows.push(row("app/kept.py", 78, "not-a-call"));
    rows.push(row("app/old_mac.py", 7, "remove-await"));
    for line in [11, 15, 16, 20, 23, 27, 32, 36, 36, 41] {
        rows.push(row("app/service.py", line, "remove-await"));
    }
    rows.push(row("tests/test_client.py", 8, "kept raises-block"));
    rows
}

/// Run ty on the tree; `(file, line)` of each `invalid-await`.
fn ty_again(t: &Tree) -> Vec<(String, u64)> {
    let out = Command::new("ty")
        .args(["check", "--output-format", "gitlab", "--no-progress", "."])
        .env("PATH", search_path())
        .current_dir(t.path())
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut seen: Vec<(String, u64)> = doc
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["check_name"] == "invalid-await")
        .map(|d| {
            (
                d["location"]["path"].as_str().unwrap().to_string(),
                d["location"]["positions"]["begin"]["line"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    seen.sort();
    seen
}

fn assert_fixed_by_ty(t: &Tree) {
    let python = Path::new("python3");
    for file in FILES {
        let now = t.read(file);
        assert_eq!(
            String::from_utf8(now.clone()).unwrap(),
            fixed_by_ty(file),
            "{file}"
        );
        assert!(cpython_parses(python, &now), "{file} no longer parses");
    }
}

/// After the fix, ty reports exactly the awaits left or kept.
fn assert_only_left_remain(t: &Tree) {
    let mut want: Vec<(String, u64)> = ty_outcomes()
        .into_iter()
        .filter(|(_, _, what)| what != "remove-await")
        .map(|(f, l, _)| (f, l))
        .collect();
    want.sort();
    assert_eq!(ty_again(t), want);
}

#[test]
fn ty_output_checked_and_fixed() {
    let t = project(Some("ty.gitlab.json"));
    let diag = diag_path(&t);
    let doc = json_check(&t, &["--diagnostics", &diag]);
    assert_eq!(outcomes(&doc), ty_outcomes());
    let run = t.run(&["check", "--diagnostics", &diag]);
    run.code(1);
    assert!(
        run.out().contains(
            "app/kept.py:67:9: UNA002 `await` on `session()` (flagged by ty: invalid-await) \
             left unchanged: async context manager: use `async with`\n"
        ),
        "{}",
        run.out()
    );
    assert!(
        run.out().contains(
            "app/kept.py:73:9: UNA002 `await` on `self._task` (flagged by ty: invalid-await) \
             left unchanged: operand is not a call\n"
        ),
        "{}",
        run.out()
    );
    let run = t.run(&["fix", "--diagnostics", &diag]);
    run.code(0);
    assert_eq!(
        run.summary(),
        "unawait: 8 files scanned (5 parsed); 4 files changed, 13 awaits fixed; 1 kept (1 \
         raises-block); 7 left (1 async-context-manager, 2 not-a-call, 4 type-may-be-awaitable)"
    );
    assert_fixed_by_ty(&t);
    assert_only_left_remain(&t);
}

#[test]
fn ty_run_end_to_end() {
    let t = project(None);
    let mut cmd = t.cmd(".", &["fix", "--type-checker", "ty"]);
    cmd.env("PATH", search_path());
    let run = Run::from_output(&["fix", "--type-checker", "ty"], cmd.output().unwrap());
    run.code(0);
    assert!(
        run.stderr.contains("unawait: ran `")
            && run
                .stderr
                .contains("check --output-format gitlab --no-progress"),
        "{}",
        run.stderr
    );
    assert_fixed_by_ty(&t);
    assert_only_left_remain(&t);
}

#[test]
fn rules_scope_the_proof() {
    let t = project(Some("ty.gitlab.json"));
    let diag = diag_path(&t);
    let doc = json_check(&t, &["--diagnostics", &diag, "--method", "get"]);
    let got: BTreeMap<(String, u64), Vec<String>> =
        outcomes(&doc)
            .into_iter()
            .fold(BTreeMap::new(), |mut m, (f, l, w)| {
                m.entry((f, l)).or_default().push(w);
                m
            });
    let at = |f: &str, l: u64| got[&(f.to_string(), l)].clone();
    // Flagged and named by the rule: fixed.
    for line in [11, 15, 27, 32, 41] {
        assert_eq!(at("app/service.py", line), vec!["remove-await"], "{line}");
    }
    assert_eq!(
        at("app/service.py", 36),
        vec!["remove-await", "remove-await"]
    );
    assert_eq!(at("app/edges.py", 8), vec!["remove-await"]);
    assert_eq!(at("tests/test_client.py", 8), vec!["kept raises-block"]);
    // Flagged, not a rule's: left, and said.
    for line in [16, 20, 23] {
        assert_eq!(at("app/service.py", line), vec!["not-a-rule"], "{line}");
    }
    assert_eq!(at("app/old_mac.py", 7), vec!["not-a-rule"]);
    assert_eq!(at("app/kept.py", 49), vec!["not-a-rule"]);
    assert_eq!(at("app/kept.py", 67), vec!["async-context-manager"]);
}

#[test]
fn a_rule_the_checker_did_not_flag_is_left() {
    let t = project(Some("ty.gitlab.json"));
    t.write(
        "app/extra.py",
        "from app.client import make_client\n\n\nasync def f(x):\n    await x.get(1)\n",
    );
    let diag = diag_path(&t);
    let doc = json_check(&t, &["--diagnostics", &diag, "--method", "get"]);
    assert!(outcomes(&doc).contains(&row("app/extra.py", 5, "not-flagged")));
}

#[test]
fn a_stale_diagnostic_names_no_await() {
    let t = project(Some("ty.gitlab.json"));
    let service = t.text("app/service.py");
    t.write("app/service.py", format!("\n\n{service}"));
    let diag = diag_path(&t);
    let doc = json_check(&t, &["--diagnostics", &diag]);
    let stale: Vec<_> = outcomes(&doc)
        .into_iter()
        .filter(|(f, _, _)| f == "app/service.py")
        .collect();
    assert_eq!(stale.len(), 10, "{stale:?}");
    assert!(
        stale.iter().all(|(_, _, w)| w == "no-await-here"),
        "{stale:?}"
    );
    let run = t.run(&["fix", "--diagnostics", &diag]);
    run.code(0);
    assert_eq!(t.text("app/service.py"), format!("\n\n{service}"));
    assert!(
        run.stderr.contains(
            "no await at this position — the file changed since the diagnostics were made"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn members_only_checkers_fix_nothing() {
    for name in ["pyright.json", "pyrefly.sarif"] {
        let t = project(Some(name));
        let diag = diag_path(&t);
        let doc = json_check(&t, &["--diagnostics", &diag]);
        let all = outcomes(&doc);
        assert!(!all.is_empty(), "{name}");
        assert!(
            all.iter().all(|(_, _, w)| w == "members-only"
                || w == "not-a-call"
                || w == "kept raises-block"
                || w == "type-may-be-awaitable"
                || w == "async-context-manager"
                || w == "async-iterator"),
            "{name}: {all:?}"
        );
        assert!(all.iter().any(|(_, _, w)| w == "members-only"), "{name}");
    }
}

#[test]
fn mypy_output_fixes_what_it_proves() {
    let t = project(Some("mypy.jsonl"));
    let diag = diag_path(&t);
    let doc = json_check(&t, &["--diagnostics", &diag]);
    let all = outcomes(&doc);
    assert!(all.iter().any(|(_, _, w)| w == "remove-await"), "{all:?}");
    let run = t.run(&["fix", "--diagnostics", &diag]);
    run.code(0);
    for file in FILES {
        assert!(
            cpython_parses(Path::new("python3"), &t.read(file)),
            "{file}"
        );
    }
}

#[test]
fn a_malformed_file_is_a_clear_error() {
    let t = project(None);
    t.save_outside("bad.json", b"{\"version\": 1}");
    let bad = t.outside("bad.json");
    let run = t.run(&["check", "--diagnostics", &bad]);
    run.code(2);
    assert!(
        run.stderr.contains("unknown diagnostics format")
            && run
                .stderr
                .contains("expected ty's GitLab JSON (ty check --output-format gitlab)"),
        "{}",
        run.stderr
    );
    let run = t.run(&["fix", "--diagnostics", &t.outside("missing.json")]);
    run.code(2);
    assert!(
        run.stderr.contains("cannot read the diagnostics"),
        "{}",
        run.stderr
    );
}

#[test]
fn diagnostics_on_stdin_and_files_not_scanned() {
    let t = project(None);
    let text = fs::read(repo().join(OUTPUTS).join("ty.gitlab.json")).unwrap();
    let mut cmd = t.cmd(".", &["check", "--diagnostics", "-", "app/service.py"]);
    cmd.stdin(std::process::Stdio::piped());
    cmd.stdout(std::process::Stdio::piped());
    cmd.stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    let run = Run::from_output(&["check"], out);
    run.code(1);
    assert_eq!(run.checked(), vec!["app/service.py"; 10]);
    assert!(
        run.stderr
            .contains("unawait: 11 await diagnostics of the diagnostics on stdin name files this run does not scan: ignored"),
        "{}",
        run.stderr
    );
}

#[path = "typecheck_cli/suggest.rs"]
mod suggest;
