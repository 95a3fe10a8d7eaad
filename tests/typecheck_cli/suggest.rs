//! `suggest --diagnostics` and `suggest --type-checker`: the recorded outputs of
//! `tests/fixtures/typecheck/outputs/` (and a live ty) fed to `unawait suggest` on a copy
//! of `tests/fixtures/typecheck/sync_client`: the exact groups of callees, their
//! counts, qualified names, confidence and what `fix --diagnostics` makes of their
//! awaits; the JSON against the schema; the snippet pasted and run; a malformed file;
//! stdin.

use super::*;

/// ty's table of the fixture (its GitLab JSON and its SARIF say the same).
const TY_TABLE: &str = "\
awaits  files  fixed  kept  left  confidence  kind      callee  (defined at)
     9      3      8     1     0  proven      method    app.client.Client.get  (app/client.py:5) [kept: 1 raises-block]
     2      1      2     0     0  proven      function  app.client.make_client  (app/client.py:12)
     2      2      2     0     0  proven      method    app.client.Client.close  (app/client.py:8)
     1      1      0     0     1  review      function  app.kept.either  (app/kept.py:27) [left: 1 type-may-be-awaitable]
     1      1      1     0     0  proven      function  app.kept.maybe_name  (app/kept.py:11)
     1      1      0     0     1  review      function  app.kept.maybe_task  (app/kept.py:15) [left: 1 type-may-be-awaitable]
     1      1      0     0     1  review      function  app.kept.optional_task  (app/kept.py:19) [left: 1 type-may-be-awaitable]
     1      1      0     0     1  review      function  app.kept.session  (flagged at app/kept.py:67) [left: 1 async-context-manager]
     1      1      0     0     1  review      function  make  (flagged at app/kept.py:64) [left: 1 type-may-be-awaitable; unresolved: a call of a parameter or a local, which no rule names]

";

const TY_SNIPPET: &str = "\
# Paste into pyproject.toml (the `review` ones are commented out: check them by hand):
[tool.unawait]
functions = [
    \"app.client.make_client\",
    # \"app.kept.either\",  # review: type-may-be-awaitable
    \"app.kept.maybe_name\",
    # \"app.kept.maybe_task\",  # review: type-may-be-awaitable
    # \"app.kept.optional_task\",  # review: type-may-be-awaitable
    # \"app.kept.session\",  # review: async-context-manager
]
# A method rule matches `.NAME(...)` on any receiver: keep --diagnostics to fix only what the checker flags.
methods = [
    \"close\",
    \"get\",
]
# Or on the command line: -f app.client.make_client -f app.kept.maybe_name --method close --method get
";

const TY_SUMMARY: &str = "unawait: 8 files scanned; 21 flagged awaits: 8 in functions, 11 in \
methods, 2 not calls; 9 callees (4 proven, 5 to review); 1 diagnostic not about an await";

/// `(callee, kind, [awaits, fixed, kept], left reasons with counts, confidence)` of a
/// suggestion.
type Group = (String, String, [u64; 3], String, String);

fn groups(doc: &Value) -> Vec<Group> {
    doc["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let kept: u64 = s["kept"]
                .as_object()
                .unwrap()
                .values()
                .map(|n| n.as_u64().unwrap())
                .sum();
            let left: Vec<String> = s["left"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            (
                s["function"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
                [
                    s["awaits"].as_u64().unwrap(),
                    s["fixed"].as_u64().unwrap(),
                    kept,
                ],
                left.join(", "),
                s["confidence"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn group(callee: &str, kind: &str, counts: [u64; 3], left: &str, confidence: &str) -> Group {
    (
        callee.to_string(),
        kind.to_string(),
        counts,
        left.to_string(),
        confidence.to_string(),
    )
}

/// `suggest --output-format json` with `args`, checked against the schema.
fn json_suggest(t: &Tree, args: &[&str]) -> Value {
    let mut all = vec!["suggest", "-q", "--output-format", "json"];
    all.extend_from_slice(args);
    let run = t.run(&all);
    run.code(0);
    let saved = t.save_outside("suggest.json", &run.stdout);
    if let Err(errors) = validate_against_schema("suggest-output-v1.schema.json", Path::new(&saved))
    {
        panic!("schema validation failed:\n{errors}");
    }
    serde_json::from_slice(&run.stdout).unwrap()
}

#[test]
fn suggest_lists_what_ty_proves_grouped_by_callee() {
    for name in ["ty.gitlab.json", "ty.sarif"] {
        let t = project(Some(name));
        let diag = diag_path(&t);
        t.run(&["suggest", "--diagnostics", &diag]).expect(
            0,
            format!("{TY_TABLE}{TY_SNIPPET}"),
            &[TY_SUMMARY],
        );
    }
}

#[test]
fn suggest_json_has_each_callee_with_its_awaits() {
    let t = project(Some("ty.gitlab.json"));
    let diag = diag_path(&t);
    let doc = json_suggest(&t, &["--diagnostics", &diag]);
    let get = &doc["suggestions"][0];
    assert_eq!(get["function"], "app.client.Client.get");
    assert_eq!(get["rule"], "get");
    assert_eq!(get["class"], "app.client.Client");
    assert_eq!(
        get["defined_at"],
        serde_json::json!({"path": "app/client.py", "line": 5})
    );
    assert_eq!(get["files"], 3);
    assert_eq!(get["kept"], serde_json::json!({"raises-block": 1}));
    let at: Vec<(String, u64, String)> = get["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let what = a["reason"].as_str().or(a["outcome"].as_str()).unwrap();
            (
                a["path"].as_str().unwrap().to_string(),
                a["line"].as_u64().unwrap(),
                what.to_string(),
            )
        })
        .collect();
    let fixed = |line| row("app/service.py", line, "fixed");
    assert_eq!(
        at,
        vec![
            row("app/edges.py", 8, "fixed"),
            fixed(11),
            fixed(15),
            fixed(27),
            fixed(32),
            fixed(36),
            fixed(36),
            fixed(41),
            row("tests/test_client.py", 8, "raises-block"),
        ]
    );
    // The schema can fail: a `proven` entry with a reason, an unknown outcome.
    let invalid = |doc: &Value| {
        let saved = t.save_outside("bad.json", &serde_json::to_vec(doc).unwrap());
        validate_against_schema("suggest-output-v1.schema.json", Path::new(&saved)).is_err()
    };
    let mut bad = doc.clone();
    bad["suggestions"][0]["reasons"] = serde_json::json!(["type-may-be-awaitable"]);
    assert!(invalid(&bad));
    let mut bad = doc.clone();
    bad["suggestions"][0]["flagged"][0]["outcome"] = serde_json::json!("gone");
    assert!(invalid(&bad));
    let make = &doc["suggestions"][8];
    assert_eq!(make["function"], "make");
    assert_eq!(make["rule"], Value::Null);
    assert_eq!(make["defined_at"], Value::Null);
    assert_eq!(
        make["reasons"],
        serde_json::json!(["type-may-be-awaitable", "unresolved"])
    );
    assert_eq!(
        doc["summary"],
        serde_json::json!({
            "files_scanned": 8, "functions": 9, "high": 0, "review": 5, "configured": 0,
            "proven": 4,
            "diagnostics": {"checker": "ty", "flagged_awaits": 21, "in_functions": 8,
                            "in_methods": 11, "not_calls": 2, "not_located": {},
                            "other_diagnostics": 1, "outside": 0},
        })
    );
}

/// The snippet, pasted into the project's pyproject.toml, is read by the next run, and
/// its rules name exactly the awaits ty proves: `check --diagnostics` with them fixes
/// what it fixes without them and leaves no proven await as `not-a-rule`.
#[test]
fn the_snippet_names_every_proven_await() {
    let t = project(Some("ty.gitlab.json"));
    let diag = diag_path(&t);
    let pyproject = t.text("pyproject.toml");
    t.write("pyproject.toml", format!("{pyproject}\n{TY_SNIPPET}"));
    let found = outcomes(&json_check(&t, &["--diagnostics", &diag]));
    assert!(
        !found.iter().any(|(_, _, w)| w == "not-a-rule"),
        "{found:?}"
    );
    let fixed = |rows: &[(String, u64, String)]| -> Vec<(String, u64)> {
        rows.iter()
            .filter(|(_, _, w)| w == "remove-await")
            .map(|(f, l, _)| (f.clone(), *l))
            .collect()
    };
    assert_eq!(fixed(&found), fixed(&ty_outcomes()));
    // Now configured: nothing proven is left to add.
    let run = t.run(&["suggest", "-q", "--diagnostics", &diag]);
    run.code(0);
    assert!(
        run.out().contains(
            "     2      1      2     0     0  configured  function  app.client.make_client  (app/client.py:12)\n"
        ),
        "{}",
        run.out()
    );
    assert!(
        run.out()
            .contains("# No new callee is proven: check each by hand, then\n"),
        "{}",
        run.out()
    );
}

#[test]
fn suggest_with_members_only_checkers_proves_nothing() {
    let t = project(Some("pyright.json"));
    let diag = diag_path(&t);
    let doc = json_suggest(&t, &["--diagnostics", &diag]);
    let review = |callee: &str, kind: &str, n: u64, left: &str| {
        group(callee, kind, [n, 0, 0], &format!("{n} {left}"), "review")
    };
    let members = "members-only";
    assert_eq!(
        groups(&doc),
        vec![
            review("app.client.Client.get", "method", 9, members),
            review("app.client.make_client", "function", 2, members),
            review("app.client.Client.close", "method", 2, members),
            review("app.kept.either", "function", 1, members),
            review("app.kept.maybe_name", "function", 1, members),
            review("app.kept.maybe_task", "function", 1, members),
            // pyright says nothing of `make()` (`Unknown | Result`).
            review("app.kept.numbers", "function", 1, "async-iterator"),
            review("app.kept.optional_task", "function", 1, members),
            review("app.kept.session", "function", 1, "async-context-manager"),
        ]
    );
    assert_eq!(doc["summary"]["diagnostics"]["checker"], "pyright");
    assert_eq!(doc["summary"]["diagnostics"]["flagged_awaits"], 21);

    let t = project(Some("pyrefly.sarif"));
    let diag = diag_path(&t);
    let doc = json_suggest(&t, &["--diagnostics", &diag]);
    let all = groups(&doc);
    assert_eq!(all.len(), 10, "{all:?}");
    assert!(
        all.iter().all(|g| g.4 == "review" && g.2[1] == 0),
        "{all:?}"
    );
    assert!(all.contains(&review("app.kept.numbers", "function", 1, "async-iterator")));
    assert!(all.contains(&review("app.client.Client.get", "method", 9, members)));
    let run = t.run(&["suggest", "--diagnostics", &diag]);
    run.code(0);
    assert!(
        run.out().contains(
            "# No new callee is proven: check each by hand, then\n\
             # uncomment the ones to keep, with the lines around them, and paste them into pyproject.toml:\n\
             # [tool.unawait]\n# functions = [\n"
        ),
        "{}",
        run.out()
    );
    assert_eq!(
        run.stderr,
        "unawait: 8 files scanned; 22 flagged awaits: 9 in functions, 11 in methods, 2 not \
         calls; 10 callees (10 to review); 1 diagnostic not about an await\n"
    );
}

#[test]
fn suggest_with_mypy_names_what_it_cannot_place() {
    let t = project(Some("mypy.jsonl"));
    let diag = diag_path(&t);
    let doc = json_suggest(&t, &["--diagnostics", &diag]);
    let may = "1 type-may-be-awaitable";
    assert_eq!(
        groups(&doc),
        vec![
            group("app.client.Client.get", "method", [7, 6, 1], "", "proven"),
            group(
                "app.client.make_client",
                "function",
                [2, 2, 0],
                "",
                "proven"
            ),
            group("app.client.Client.close", "method", [2, 2, 0], "", "proven"),
            group("app.kept.either", "function", [1, 0, 0], may, "review"),
            group("app.kept.maybe_name", "function", [1, 1, 0], "", "proven"),
            group("app.kept.maybe_task", "function", [1, 0, 0], may, "review"),
            group(
                "app.kept.optional_task",
                "function",
                [1, 0, 0],
                may,
                "review"
            ),
            group(
                "app.kept.session",
                "function",
                [1, 0, 0],
                "1 async-context-manager",
                "review"
            ),
        ]
    );
    assert_eq!(
        doc["summary"]["diagnostics"],
        serde_json::json!({"checker": "mypy", "flagged_awaits": 17, "in_functions": 7,
                           "in_methods": 9, "not_calls": 1,
                           "not_located": {"ambiguous-position": 1},
                           "other_diagnostics": 2, "outside": 0})
    );
    let run = t.run(&["suggest", "-q", "--diagnostics", &diag]);
    run.code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let run = t.run(&["suggest", "--diagnostics", &diag]);
    assert_eq!(
        run.stderr,
        "unawait: 8 files scanned; 17 flagged awaits: 7 in functions, 9 in methods, 1 not a \
         call; 1 diagnostic names no await (1 ambiguous-position); 8 callees (4 proven, 4 to \
         review); 2 diagnostics not about an await\n"
    );
}

#[test]
fn suggest_with_a_malformed_file_is_a_clear_error() {
    let t = project(None);
    t.save_outside("bad.json", b"{\"version\": 1}");
    let run = t.run(&["suggest", "--diagnostics", &t.outside("bad.json")]);
    run.code(2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("unknown diagnostics format")
            && run
                .stderr
                .contains("expected ty's GitLab JSON (ty check --output-format gitlab)"),
        "{}",
        run.stderr
    );
    let run = t.run(&["suggest", "--diagnostics", &t.outside("missing.json")]);
    run.code(2);
    assert!(
        run.stderr.contains("cannot read the diagnostics"),
        "{}",
        run.stderr
    );
}

#[test]
fn suggest_reads_the_diagnostics_on_stdin() {
    let t = project(None);
    let text = fs::read(repo().join(OUTPUTS).join("ty.gitlab.json")).unwrap();
    t.run_stdin(".", &["suggest", "--diagnostics", "-"], &text)
        .expect(0, format!("{TY_TABLE}{TY_SNIPPET}"), &[TY_SUMMARY]);
}

#[test]
fn suggest_runs_ty_itself() {
    let t = project(None);
    let args = ["suggest", "--type-checker", "ty"];
    let mut cmd = t.cmd(".", &args);
    cmd.env("PATH", search_path());
    let run = Run::from_output(&args, cmd.output().unwrap());
    run.code(0);
    assert_eq!(run.out(), format!("{TY_TABLE}{TY_SNIPPET}"));
    assert!(
        run.stderr.starts_with("unawait: ran `")
            && run
                .stderr
                .contains("check --output-format gitlab --no-progress")
            && run.stderr.ends_with(&format!("{TY_SUMMARY}\n")),
        "{}",
        run.stderr
    );
}

#[test]
fn suggest_help_documents_the_flags() {
    let run = Tree::new().run(&["suggest", "--help"]);
    run.code(0);
    let help = run.out().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("--diagnostics <FILE> List the callees of the awaits a type checker flagged")
            && help.contains("confidence `proven`")
            && help.contains("--type-checker <CHECKER> Run this type checker on the scanned files"),
        "{help}"
    );
}

#[test]
fn suggest_says_where_the_rules_go_in_a_configuration_file() {
    let t = project(Some("ty.gitlab.json"));
    let diag = diag_path(&t);
    let pyproject = t.text("pyproject.toml");
    t.write(
        "pyproject.toml",
        format!("{pyproject}\n[tool.unawait]\nfunctions = [\"app.kept.maybe_name\"]\n"),
    );
    let run = t.run(&["suggest", "-q", "--diagnostics", &diag]);
    run.code(0);
    let (table, snippet) = run.out().split_once("\n\n").unwrap();
    assert!(
        table.contains(
            "     1      1      1     0     0  configured  function  app.kept.maybe_name  (app/kept.py:11)"
        ),
        "{table}"
    );
    assert!(
        snippet.starts_with(
            "# Add to [tool.unawait] in pyproject.toml, merging a list into the file's own when \
             it has one (the `review` ones are commented out: check them by hand):\n\
             functions = [\n    \"app.client.make_client\",\n"
        ) && !snippet.contains("\"app.kept.maybe_name\""),
        "{snippet}"
    );
}
