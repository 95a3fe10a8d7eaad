//! Each format read from snippets of the checkers' real output (ty 0.0.108, pyright
//! 1.1.414, mypy 2.4.1, pyrefly 1.5.0 on tests/fixtures/typecheck).

use super::*;

const TY_GITLAB: &str = r#"[
  {
    "check_name": "deprecated",
    "description": "deprecated: The overload of `asynccontextmanager` is deprecated",
    "severity": "minor",
    "fingerprint": "1dc3813e141faef7",
    "location": {"path": "app/kept.py", "positions": {"begin": {"line": 22, "column": 2}, "end": {"line": 22, "column": 21}}}
  },
  {
    "check_name": "invalid-await",
    "description": "invalid-await: `Task[int] | None` is not awaitable",
    "severity": "major",
    "fingerprint": "d0b1ee82935cdbae",
    "location": {"path": "app/kept.py", "positions": {"begin": {"line": 35, "column": 15}, "end": {"line": 35, "column": 27}}}
  }
]"#;

#[test]
fn ty_gitlab() {
    let p = parse(TY_GITLAB).unwrap();
    assert_eq!((p.format, p.ignored), (Format::GitLab, 1));
    assert_eq!(
        p.diagnostics,
        [Diagnostic {
            checker: Checker::Ty,
            path: "app/kept.py".into(),
            span: Span {
                start: Pos {
                    line: 35,
                    column: 14
                },
                end: Pos {
                    line: 35,
                    column: 26
                },
                unit: Unit::CodePoints,
                covers: Covers::Operand,
                bom_counted: false,
            },
            type_text: Some("Task[int] | None".into()),
            message: "`Task[int] | None` is not awaitable".into(),
            code: "invalid-await".into(),
        }]
    );
    assert_eq!(parse("[]").unwrap().diagnostics, []);
}

#[test]
fn pyrefly_code_climate() {
    let text = r#"[{"type": "issue", "check_name": "pyrefly/not-async",
        "description": "Type `Result` is not awaitable", "categories": ["Bug Risk"],
        "location": {"path": "t.py", "positions": {"begin": {"line": 18, "column": 5}, "end": {"line": 18, "column": 20}}},
        "severity": "major", "fingerprint": "5442946d0c2e385f"}]"#;
    let d = &parse(text).unwrap().diagnostics[0];
    assert_eq!(
        (d.checker, d.span.covers),
        (Checker::Pyrefly, Covers::Await)
    );
    assert_eq!((d.span.start.column, d.span.end.column), (4, 19));
    assert_eq!(d.type_text.as_deref(), Some("Result"));
    assert_eq!(d.code, "not-async");
}

const TY_SARIF: &str = r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "runs": [{
    "results": [
      {"level": "error", "locations": [{"physicalLocation": {
        "artifactLocation": {"uri": "file:///tmp/fx/sync%20client/app/service.py"},
        "region": {"endColumn": 54, "endLine": 27, "startColumn": 42, "startLine": 27}}}],
       "message": {"text": "`str` is not awaitable"}, "ruleId": "invalid-await"},
      {"level": "error", "locations": [{"physicalLocation": {
        "artifactLocation": {"uri": "file:///tmp/fx/sync_client/tests/test_client.py"},
        "region": {"endColumn": 14, "endLine": 1, "startColumn": 8, "startLine": 1}}}],
       "message": {"text": "Cannot resolve imported module `pytest`"}, "ruleId": "unresolved-import"}
    ],
    "tool": {"driver": {"informationUri": "https://github.com/astral-sh/ty", "name": "ty", "rules": [], "version": "0.0.108"}}
  }],
  "version": "2.1.0"
}"#;

#[test]
fn ty_sarif_counts_code_points_without_a_column_kind() {
    let p = parse(TY_SARIF).unwrap();
    assert_eq!((p.format, p.ignored), (Format::Sarif, 1));
    let d = &p.diagnostics[0];
    assert_eq!(d.checker, Checker::Ty);
    assert_eq!(d.path, PathBuf::from("/tmp/fx/sync client/app/service.py"));
    assert_eq!(d.span.unit, Unit::CodePoints);
    assert_eq!(d.span.covers, Covers::Operand);
    assert_eq!(
        (d.line(), d.span.start.column, d.span.end.column),
        (27, 41, 53)
    );
    assert_eq!(d.type_text.as_deref(), Some("str"));
}

#[test]
fn pyrefly_sarif() {
    let text = r#"{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
      "runs": [{"tool": {"driver": {"name": "Pyrefly", "version": "1.5.0"}},
        "results": [{"ruleId": "not-async", "ruleIndex": 1, "level": "error",
          "message": {"text": "Type `None` is not awaitable"},
          "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/kept.py"},
            "region": {"startLine": 35, "startColumn": 9, "endLine": 35, "endColumn": 27}}}]}],
        "columnKind": "unicodeCodePoints"}]}"#;
    let d = &parse(text).unwrap().diagnostics[0];
    assert_eq!(
        (d.checker, d.span.covers),
        (Checker::Pyrefly, Covers::Await)
    );
    assert_eq!(d.path, PathBuf::from("app/kept.py"));
    assert_eq!(d.type_text.as_deref(), Some("None"));
    let utf16 = text.replace("unicodeCodePoints", "utf16CodeUnits");
    assert_eq!(parse(&utf16).unwrap().diagnostics[0].span.unit, Unit::Utf16);
    let odd = text.replace("unicodeCodePoints", "bytes");
    assert_eq!(
        parse(&odd).unwrap_err().to_string(),
        "malformed SARIF (ty or pyrefly --output-format sarif): runs[0]: unknown columnKind `bytes`"
    );
}

const PYRIGHT: &str = r#"{
    "version": "1.1.414",
    "time": "1796182364510",
    "generalDiagnostics": [
        {
            "file": "/tmp/fx/sync_client/app/kept.py",
            "severity": "error",
            "message": "\"None\" is not awaitable\n  \"None\" is incompatible with protocol \"Awaitable[_T_co@Awaitable]\"\n    \"__await__\" is not present",
            "range": {"start": {"line": 34, "character": 14}, "end": {"line": 34, "character": 26}},
            "rule": "reportGeneralTypeIssues"
        },
        {
            "file": "/tmp/fx/sync_client/tests/test_client.py",
            "severity": "error",
            "message": "Import \"pytest\" could not be resolved",
            "range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 13}},
            "rule": "reportMissingImports"
        }
    ],
    "summary": {"filesAnalyzed": 5, "errorCount": 2, "warningCount": 0, "informationCount": 0, "timeInSec": 1.01}
}"#;

#[test]
fn pyright_json() {
    let p = parse(PYRIGHT).unwrap();
    assert_eq!((p.format, p.ignored), (Format::Pyright, 1));
    let d = &p.diagnostics[0];
    assert_eq!(d.checker, Checker::Pyright);
    assert_eq!(
        d.span.start,
        Pos {
            line: 35,
            column: 14
        }
    );
    assert_eq!(
        d.span.end,
        Pos {
            line: 35,
            column: 26
        }
    );
    assert_eq!((d.span.unit, d.span.bom_counted), (Unit::Utf16, true));
    assert_eq!(d.type_text.as_deref(), Some("None"));
    assert_eq!(d.message, "\"None\" is not awaitable");
    assert_eq!(d.code, "reportGeneralTypeIssues");
}

const MYPY: &str = r#"{"file": "tests/test_client.py", "line": 1, "column": 0, "end_line": 1, "end_column": 1, "message": "Cannot find implementation or library stub for module named \"pytest\"", "hint": "See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports", "code": "import-not-found", "severity": "error"}
{"file": "app/service.py", "line": 27, "column": 31, "end_line": 27, "end_column": 49, "message": "Incompatible types in \"await\" (actual type \"str\", expected type \"Awaitable[Any]\")", "hint": null, "code": "misc", "severity": "error"}
{"file": "app/kept.py", "line": 35, "column": 8, "end_line": 35, "end_column": 26, "message": "Incompatible types in \"await\" (actual type \"Task[int] | None\", expected type \"Awaitable[Any]\")", "hint": null, "code": "misc", "severity": "error"}
"#;

#[test]
fn mypy_json_lines() {
    let p = parse(MYPY).unwrap();
    assert_eq!((p.format, p.ignored), (Format::Mypy, 1));
    let types: Vec<_> = p
        .diagnostics
        .iter()
        .map(|d| d.type_text.as_deref())
        .collect();
    assert_eq!(types, [Some("str"), Some("Task[int] | None")]);
    let d = &p.diagnostics[0];
    assert_eq!((d.span.unit, d.span.covers), (Unit::Hint, Covers::Await));
    assert_eq!(
        (d.span.start, d.span.end),
        (
            Pos {
                line: 27,
                column: 31
            },
            Pos {
                line: 27,
                column: 49
            }
        )
    );
    // One line alone is mypy too, and so is nothing at all (a clean run).
    let one = MYPY.lines().nth(1).unwrap();
    assert_eq!(parse(one).unwrap().diagnostics.len(), 1);
    assert_eq!(parse("").unwrap().format, Format::Mypy);
    assert_eq!(parse("\n").unwrap().diagnostics, []);
}

#[test]
fn a_literal_type_keeps_its_quotes() {
    let line = r#"{"file": "a.py", "line": 3, "column": 4, "end_line": 3, "end_column": 13, "message": "Incompatible types in \"await\" (actual type \"Literal['a\", b']\", expected type \"Awaitable[Any]\")", "hint": null, "code": "misc", "severity": "error"}"#;
    let d = &parse(line).unwrap().diagnostics[0];
    assert_eq!(d.type_text.as_deref(), Some("Literal['a\", b']"));
}

#[test]
fn unknown_and_broken_files_name_the_formats() {
    let expected = "expected ty's GitLab JSON (ty check --output-format gitlab), SARIF (ty or \
                    pyrefly --output-format sarif), pyright --outputjson or mypy -O json";
    let err = |t: &str| parse(t).unwrap_err().to_string();
    assert_eq!(
        err("hello"),
        format!("the diagnostics are not JSON (expected value at line 1 column 1): {expected}")
    );
    assert_eq!(
        err(r#"{"a": 1, "b": 2}"#),
        format!("unknown diagnostics format (a JSON object with the keys `a`, `b`): {expected}")
    );
    assert_eq!(
        err("42"),
        format!("unknown diagnostics format (a JSON number): {expected}")
    );
    assert_eq!(
        err(r#"{"errors": []}"#),
        format!(
            "unknown diagnostics format (this looks like pyrefly's JSON: run pyrefly with \
             --output-format sarif): {expected}"
        )
    );
    assert_eq!(
        err("app/kept.py:32:15: error[invalid-await] `str | None` is not awaitable\n"),
        format!(
            "the diagnostics are not JSON but ty's text output (run ty with --output-format \
             gitlab): {expected}"
        )
    );
    assert_eq!(
        err("app/service.py:11: error: Incompatible types in \"await\"  [misc]\n"),
        format!(
            "the diagnostics are not JSON but mypy's text output (run mypy with -O json): \
             {expected}"
        )
    );
    assert!(err("  /x/a.py:1:2 - error: \"str\" is not awaitable\n").contains("pyright's text"));
    assert_eq!(
        err(r#"[{"check_name": "invalid-await", "description": "x"}]"#),
        "malformed GitLab Code Quality JSON (ty check --output-format gitlab): issue 1: \
         missing field `location`"
    );
    assert_eq!(
        err(r#"{"generalDiagnostics": [{"file": "a.py", "message": "\"str\" is not awaitable"}]}"#),
        "malformed pyright --outputjson: generalDiagnostics[0]: missing field `range`"
    );
    let mypy_broken = format!("{}\n{{\"file\": \"a.py\"}}\n", MYPY.lines().next().unwrap());
    assert_eq!(
        err(&mypy_broken),
        "malformed mypy -O json: line 2: missing field `line` at line 1 column 16"
    );
    assert!(err(r#"{"runs": [{"results": []}]}"#).starts_with("malformed SARIF"));
    // Another rule's diagnostic is counted, not read: its shape is no concern.
    let other = r#"[{"check_name": "unused-ignore-comment"}]"#;
    assert_eq!(parse(other).unwrap().ignored, 1);
    let other = r#"{"generalDiagnostics": [{"file": "a.py", "message": "m"}]}"#;
    assert_eq!(parse(other).unwrap().ignored, 1);
    let other = r#"{"runs": [{"tool": {"driver": {"name": "ty"}}, "results": [{"ruleId": "x"}]}]}"#;
    assert_eq!(parse(other).unwrap().ignored, 1);
}

#[test]
fn file_uris_become_paths() {
    assert_eq!(uri_path("file:///a/b%20c.py"), PathBuf::from("/a/b c.py"));
    assert_eq!(uri_path("file:///C:/x/y.py"), PathBuf::from("C:/x/y.py"));
    assert_eq!(uri_path("app/k%C3%A9pt.py"), PathBuf::from("app/képt.py"));
    assert_eq!(uri_path("a%2"), PathBuf::from("a%2"));
}
