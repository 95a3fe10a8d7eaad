//! Fixture tests: every `tests/fixtures/*.py` is fixed through the library and compared
//! byte for byte with `snapshots/<name>.snap` (its findings and its diff), fixed a
//! second time to prove idempotence, and finally judged by CPython (`tests/judge.py`),
//! which checks the edits independently of tree-sitter.
//!
//! Rules for every fixture: functions `get_websocket_manager` and `make_client`, method
//! `fetch_sync`; a first line `# unawait-test: -f NAME --method NAME` replaces them.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test --test fixtures` writes the snapshots; read every
//! changed one before committing it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use unawait::fix::engine::{fix_source, Fixed};
use unawait::fix::matcher::{Action, FileContext, FixOptions};
use unawait::fix::rules::RuleSet;
use unawait::render::diff::{file_diff, Palette};

const DEFAULT_FUNCTIONS: &[&str] = &["get_websocket_manager", "make_client"];
const DEFAULT_METHODS: &[&str] = &["fetch_sync"];
const HEADER: &str = "# unawait-test:";

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        /// Every fixture, by file stem.
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];

        /// One test per fixture: snapshot and idempotence.
        mod fixture {
            $(
                #[test]
                fn $name() {
                    super::check_fixture(stringify!($name));
                }
            )*
        }
    };
}

fixtures!(
    alias_import,
    assert_raises_kept,
    await_no_space_paren,
    bom,
    chained_method_kept,
    class_body_does_not_shadow,
    comment_after_await,
    comprehension,
    conditional_import,
    crlf_endings,
    expression_contexts,
    extra_spaces_and_tabs,
    fstring,
    global_nonlocal,
    ignore_comment,
    latin1_cookie,
    latin1_identifier,
    line_continuation,
    match_statement,
    method_rule,
    mixed_line_endings,
    module_attribute,
    multiline_arguments,
    multiple_per_line,
    nested_awaits,
    no_final_newline,
    no_matches,
    parenthesised_call,
    plain_await,
    pytest_raises_kept,
    qualified_rule,
    shadow_assignment,
    shadow_async_def,
    shadow_parameter,
    skip_file,
    star_import,
    star_import_qualified,
    strings_comments_docstrings,
    sync_def_in_file,
    tabs_indent,
    unicode_identifiers,
    walrus_and_loops,
);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_path(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(format!("{name}.py"))
}

fn snapshot_path(name: &str) -> PathBuf {
    root().join("snapshots").join(format!("{name}.snap"))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The rules of a fixture: the defaults, or those of its `# unawait-test:` first line.
fn rules_for(source: &[u8]) -> RuleSet {
    let first_line = source.split(|&b| b == b'\n').next().unwrap_or_default();
    let first_line = String::from_utf8_lossy(first_line);
    let (functions, methods): (Vec<String>, Vec<String>) =
        match first_line.trim_end().strip_prefix(HEADER) {
            None => (
                DEFAULT_FUNCTIONS.iter().map(|s| s.to_string()).collect(),
                DEFAULT_METHODS.iter().map(|s| s.to_string()).collect(),
            ),
            Some(args) => {
                let (mut functions, mut methods) = (Vec::new(), Vec::new());
                let mut words = args.split_whitespace();
                while let Some(flag) = words.next() {
                    let value = words
                        .next()
                        .unwrap_or_else(|| panic!("`{flag}` needs a value in `{first_line}`"));
                    match flag {
                        "-f" => functions.push(value.to_string()),
                        "--method" => methods.push(value.to_string()),
                        _ => panic!("unknown option `{flag}` in `{first_line}`"),
                    }
                }
                (functions, methods)
            }
        };
    RuleSet::new(&functions, &methods, &[]).expect("fixture rules are valid")
}

fn ctx() -> FileContext<'static> {
    FileContext::default()
}

fn fix(name: &str, source: &[u8], rules: &RuleSet) -> Fixed {
    fix_source(source, rules, FixOptions::default(), ctx())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn action_text(action: &Action) -> String {
    match action {
        Action::RemoveAwait => "remove-await".to_string(),
        Action::ReplaceWith(new) => format!("replace-with {new}"),
        Action::Kept(why) => format!("kept({})", why.key()),
    }
}

/// The snapshot text: findings, then the diff bytes as they are.
fn render(name: &str, source: &[u8], fixed: &Fixed) -> Vec<u8> {
    let mut out = b"# findings\n".to_vec();
    for f in &fixed.findings {
        let line = format!(
            "{}:{} {} {}\n",
            f.line,
            f.col,
            action_text(&f.finding.action),
            f.finding.function
        );
        out.extend_from_slice(line.as_bytes());
    }
    out.extend_from_slice(b"# diff\n");
    let label = format!("tests/fixtures/{name}.py");
    out.extend_from_slice(&file_diff(
        label.as_bytes(),
        source,
        &fixed.output,
        &Palette::plain(),
    ));
    out
}

/// Where two snapshots first differ, for the failure message.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let want_lines: Vec<&[u8]> = want.split_inclusive(|&b| b == b'\n').collect();
    let got_lines: Vec<&[u8]> = got.split_inclusive(|&b| b == b'\n').collect();
    let n = want_lines.len().max(got_lines.len());
    for i in 0..n {
        let w = want_lines.get(i).copied();
        let g = got_lines.get(i).copied();
        if w != g {
            let show =
                |l: Option<&[u8]>| l.map_or("<none>".to_string(), |l| l.escape_ascii().to_string());
            return format!(
                "first difference at snapshot line {}:\n  want: {}\n  got:  {}",
                i + 1,
                show(w),
                show(g)
            );
        }
    }
    "no difference".to_string()
}

fn check_fixture(name: &str) {
    let source = read(&fixture_path(name));
    let rules = rules_for(&source);
    let fixed = fix(name, &source, &rules);
    let got = render(name, &source, &fixed);

    let snap = snapshot_path(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&snap, &got)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", snap.display()));
    } else {
        let want = std::fs::read(&snap).unwrap_or_else(|_| {
            panic!(
                "{name}: no snapshot at {}; create it with \
                 `UPDATE_SNAPSHOTS=1 cargo test --test fixtures` and check it by eye. \
                 It would be:\n{}",
                snap.display(),
                String::from_utf8_lossy(&got)
            )
        });
        assert!(
            want == got,
            "{name}: output differs from {}; {}\n--- got ---\n{}\n\
             (if the change is intended: `UPDATE_SNAPSHOTS=1 cargo test --test fixtures`, \
             then review the snapshot)",
            snap.display(),
            first_difference(&want, &got),
            String::from_utf8_lossy(&got)
        );
    }

    // Idempotence: fixing the fixed file finds nothing left to remove, changes nothing.
    let again = fix(name, &fixed.output, &rules);
    let leftover: Vec<String> = again
        .findings
        .iter()
        .filter(|f| f.finding.action == Action::RemoveAwait)
        .map(|f| format!("{}:{} {}", f.line, f.col, f.finding.function))
        .collect();
    assert!(
        leftover.is_empty(),
        "{name}: a second run still removes awaits at {leftover:?}"
    );
    assert!(
        again.output == fixed.output,
        "{name}: a second run changes the fixed file"
    );
}

fn names_in(dir: &Path, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_is_tested_and_every_snapshot_has_a_fixture() {
    let listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    let untested: Vec<String> = names_in(&root().join("tests/fixtures"), "py")
        .into_iter()
        .filter(|n| !listed.contains(n))
        .collect();
    assert!(
        untested.is_empty(),
        "fixtures not listed in tests/fixtures.rs `fixtures!`: {untested:?}"
    );
    let orphans: Vec<String> = names_in(&root().join("snapshots"), "snap")
        .into_iter()
        .filter(|n| !listed.contains(n))
        .collect();
    assert!(
        orphans.is_empty(),
        "snapshots without a fixture (delete them): {orphans:?}"
    );
    let mut sorted = listed.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted, listed,
        "keep `fixtures!` sorted and without duplicates"
    );
}

// ---------------------------------------------------------------------------------
// The CPython judge.

/// Byte offsets where lines start, splitting as CPython does: CRLF, lone CR, LF.
fn cpython_line_starts(source: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    while i < source.len() {
        match source[i] {
            b'\r' if source.get(i + 1) == Some(&b'\n') => {
                i += 2;
                starts.push(i);
            }
            b'\r' | b'\n' => {
                i += 1;
                starts.push(i);
            }
            _ => i += 1,
        }
    }
    starts
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceEncoding {
    Utf8,
    Latin1,
}

/// The encoding a coding cookie on line 1 or 2 declares (PEP 263); only the two that
/// the fixtures use are supported.
fn source_encoding(source: &[u8]) -> SourceEncoding {
    for line in source.split(|&b| b == b'\n' || b == b'\r').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            break;
        }
        let Some(at) = trimmed.find("coding") else {
            continue;
        };
        let rest = &trimmed[at + "coding".len()..];
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        return match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => SourceEncoding::Utf8,
            "latin-1" | "iso-8859-1" | "iso8859-1" | "latin1" => SourceEncoding::Latin1,
            other => panic!("fixture encoding `{other}` is not supported by this test"),
        };
    }
    SourceEncoding::Utf8
}

/// CPython's (lineno, col_offset) of byte `offset`: 1-based line, and the UTF-8 byte
/// offset in the decoded line (a BOM on line 1 is not counted).
fn cpython_position(source: &[u8], starts: &[usize], offset: usize) -> (usize, usize) {
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let mut start = starts[line];
    if line == 0 && source.starts_with(b"\xef\xbb\xbf") {
        start += 3;
    }
    let prefix = &source[start..offset];
    let col = match source_encoding(source) {
        SourceEncoding::Utf8 => prefix.len(),
        SourceEncoding::Latin1 => prefix.iter().map(|&b| if b < 0x80 { 1 } else { 2 }).sum(),
    };
    (line + 1, col)
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Run the judge on a manifest; its exit success and its stdout.
fn run_judge(manifest: &serde_json::Value) -> (bool, String) {
    let mut child = Command::new(python())
        .arg(root().join("tests/judge.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `{}` for tests/judge.py: {e}", python()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(manifest.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        Some(0) => (true, text),
        Some(1) => (false, text),
        other => panic!("tests/judge.py crashed (status {other:?}):\n{text}"),
    }
}

/// Write `before` and `after` into `dir` and make the judge's manifest entry.
fn judge_entry(
    dir: &Path,
    name: &str,
    before: &[u8],
    after: &[u8],
    removed: &[(usize, usize)],
) -> serde_json::Value {
    let before_path = dir.join(format!("{name}.before.py"));
    let after_path = dir.join(format!("{name}.after.py"));
    std::fs::write(&before_path, before).unwrap();
    std::fs::write(&after_path, after).unwrap();
    serde_json::json!({
        "name": name,
        "before_path": before_path,
        "after_path": after_path,
        "removed": removed.iter().map(|&(l, c)| [l, c]).collect::<Vec<_>>(),
    })
}

#[test]
fn cpython_judge_agrees_with_every_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = Vec::new();
    // A fixture that unawait cannot fix fails its own test; the judge checks the rest.
    let mut unfixable = Vec::new();
    for name in FIXTURES {
        let source = read(&fixture_path(name));
        let fixed = match fix_source(&source, &rules_for(&source), FixOptions::default(), ctx()) {
            Ok(fixed) => fixed,
            Err(e) => {
                unfixable.push(format!("{name}: {e}"));
                continue;
            }
        };
        let starts = cpython_line_starts(&source);
        let removed: Vec<(usize, usize)> = fixed
            .findings
            .iter()
            .filter(|f| f.finding.action == Action::RemoveAwait)
            .map(|f| cpython_position(&source, &starts, f.finding.keyword.start))
            .collect();
        manifest.push(judge_entry(
            dir.path(),
            name,
            &source,
            &fixed.output,
            &removed,
        ));
    }
    let judged = manifest.len();
    let (ok, output) = run_judge(&serde_json::Value::Array(manifest));
    assert!(ok, "the CPython judge rejects some fixtures:\n{output}");
    assert!(
        output.contains(&format!("judge: {judged} files ok")),
        "{output}"
    );
    assert!(
        unfixable.is_empty(),
        "judge: {judged} files ok, but unawait could not fix:\n{}",
        unfixable.join("\n")
    );
}

/// The judge must be able to fail: each deliberately wrong edit is rejected on its own.
#[test]
fn cpython_judge_rejects_wrong_edits() {
    let dir = tempfile::tempdir().unwrap();
    let before =
        b"async def a(x):\n    y = (await  # why\n         f())\n    return await g(x), await h\n";
    let right = b"async def a(x):\n    y = (  # why\n         f())\n    return g(x), await h\n";
    // `await` of line 2 is at byte 9 of its line; the one before g(x) at byte 11 of line 4.
    let removed = [(2, 9), (4, 11)];
    let (ok, output) = run_judge(&serde_json::Value::Array(vec![judge_entry(
        dir.path(),
        "right",
        before,
        right,
        &removed,
    )]));
    assert!(ok, "the judge rejects a correct edit:\n{output}");

    // (name, wrong `after`, positions listed as removed)
    type Case<'a> = (&'a str, &'a [u8], &'a [(usize, usize)]);
    let wrong: &[Case<'_>] = &[
        // The comment lost its spacing: same AST, different bytes.
        (
            "comment_spacing",
            b"async def a(x):\n    y = (# why\n         f())\n    return g(x), await h\n",
            &removed,
        ),
        // An extra space removed elsewhere: same AST, different bytes.
        (
            "extra_byte",
            b"async def a(x):\n    y = (  # why\n         f())\n    return g(x),await h\n",
            &removed,
        ),
        // An await that is not listed was removed: the AST differs.
        (
            "unlisted_removal",
            b"async def a(x):\n    y = (  # why\n         f())\n    return g(x), h\n",
            &removed,
        ),
        // A listed await was not removed.
        (
            "listed_but_kept",
            b"async def a(x):\n    y = (  # why\n         f())\n    return await g(x), await h\n",
            &removed,
        ),
        // A position that is not an await.
        ("not_an_await", right, &[(2, 9), (4, 4)]),
        // An await whose operand is not a call (`await h`).
        (
            "not_a_call",
            b"async def a(x):\n    y = (  # why\n         f())\n    return g(x), h\n",
            &[(2, 9), (4, 11), (4, 23)],
        ),
        // The result does not parse.
        (
            "syntax_error",
            b"async def a(x):\n    y = (  # why\n         f()\n    return g(x), await h\n",
            &removed,
        ),
    ];
    for (name, after, removed) in wrong {
        let (ok, output) = run_judge(&serde_json::Value::Array(vec![judge_entry(
            dir.path(),
            name,
            before,
            after,
            removed,
        )]));
        assert!(!ok, "the judge accepts the wrong edit `{name}`:\n{output}");
        assert!(output.starts_with(&format!("{name}: ")), "{name}: {output}");
    }
}

#[test]
fn cpython_positions_follow_cpython_line_splitting() {
    let src = b"\xef\xbb\xbfa\r\nb\rc\n\xc3\xa9 await";
    let starts = cpython_line_starts(src);
    assert_eq!(starts, vec![0, 6, 8, 10]);
    assert_eq!(cpython_position(src, &starts, 3), (1, 0));
    assert_eq!(cpython_position(src, &starts, 8), (3, 0));
    assert_eq!(cpython_position(src, &starts, 13), (4, 3));
    let latin = b"# coding: latin-1\n\xe9 await";
    let starts = cpython_line_starts(latin);
    assert_eq!(cpython_position(latin, &starts, 20), (2, 3));
}
