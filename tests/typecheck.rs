//! The type checkers, for real: the pinned ty, pyright, mypy and pyrefly of
//! `scripts/install-test-deps.sh` run on `tests/fixtures/typecheck/sync_client` (a
//! client class gone sync, awaited through attributes, locals, aliases and module
//! attributes; unions with `None`, `Optional[Task]`, an `Awaitable` factory, an async
//! context manager, non-ASCII text, BOM, CRLF and lone-CR files, a raises block), and
//! `unawait::diagnostics` reads what they print and maps every diagnostic to its await.
//!
//! Each checker's output is kept in `tests/fixtures/typecheck/outputs/` (the copy's
//! folder written as `/PROJECT`); a run must print exactly that, so a new pin shows up
//! as a diff. After changing a pin, write them again with
//!
//!     UNAWAIT_BLESS=1 cargo test --test typecheck
//!
//! A checker that is missing fails the test (run `scripts/install-test-deps.sh`).

#[allow(dead_code)]
#[path = "cli/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use unawait::diagnostics::{
    parse, resolve, run_checker_with, Checker, Diagnostic, Format, Outcome, Parsed,
};

const PROJECT: &str = "tests/fixtures/typecheck/sync_client";
const OUTPUTS: &str = "tests/fixtures/typecheck/outputs";
/// How a project's folder is written in the kept outputs.
const PLACEHOLDER: &str = "/PROJECT";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// PATH with the pinned checkers first (installed when missing, or a failure saying
/// how to get them).
fn search_path() -> OsString {
    let venv = common::test_tool("test-venv/bin/ty");
    common::test_tool("test-venv/bin/mypy");
    common::test_tool("test-venv/bin/pyrefly");
    let node = common::test_tool("test-node/node_modules/.bin/pyright");
    let mut dirs = vec![
        venv.parent().unwrap().to_path_buf(),
        node.parent().unwrap().to_path_buf(),
    ];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}

/// A copy of the fixture project, so that nothing the checkers do lands in the
/// repository and the paths they print are the copy's.
fn project_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &target);
            } else {
                fs::copy(e.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&repo().join(PROJECT), dir.path());
    dir
}

/// `text` with `root` written as [`PLACEHOLDER`] and pyright's timings as 0.
fn normalized(text: &str, root: &Path) -> String {
    let timings = ["\"time\": ", "\"timeInSec\": "];
    let mut out = String::new();
    for line in text.replace(root.to_str().unwrap(), PLACEHOLDER).lines() {
        let body = line.trim_start();
        match timings.iter().find(|k| body.starts_with(**k)) {
            Some(key) => {
                let indent = &line[..line.len() - body.len()];
                let comma = if line.ends_with(',') { "," } else { "" };
                out.push_str(&format!("{indent}{key}0{comma}"));
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// One line per await (or per diagnostic that names none): `FILE:LINE OPERAND ×N: OUTCOME`.
fn rows(parsed: &Parsed, root: &Path) -> Vec<String> {
    let mut by_file: BTreeMap<PathBuf, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &parsed.diagnostics {
        let rel = d
            .path
            .strip_prefix(root)
            .or(d.path.strip_prefix(PLACEHOLDER))
            .unwrap_or(&d.path)
            .to_path_buf();
        by_file.entry(rel).or_default().push(d);
    }
    let mut out = Vec::new();
    for (rel, diagnostics) in by_file {
        let source = fs::read(root.join(&rel))
            .unwrap_or_else(|e| panic!("{}: {e}", root.join(&rel).display()));
        for m in resolve(&source, &diagnostics) {
            let line = diagnostics[m.diagnostics[0]].line();
            let operand = m.operand.clone().map_or("?".to_string(), |r| {
                let text = String::from_utf8_lossy(&source[r]).into_owned();
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            });
            let times = match m.diagnostics.len() {
                1 => String::new(),
                n => format!(" ×{n}"),
            };
            let outcome = match &m.outcome {
                Outcome::Edit => "edit".to_string(),
                Outcome::Left(why) => why.describe(),
            };
            out.push(format!(
                "{}:{line} {operand}{times}: {outcome}",
                rel.display()
            ));
        }
    }
    out
}

// What each checker reports on the fixture, mapped and judged.

const TY: &[&str] = &[
    "app/edges.py:8 c.get(note): edit",
    "app/kept.py:49 maybe_name(): edit",
    "app/kept.py:52 maybe_task(): type `Task[int] | None` may be awaitable (`Task[int]`)",
    "app/kept.py:55 optional_task(): type `Task[int] | None` may be awaitable (`Task[int]`)",
    "app/kept.py:61 either(True): type `CoroutineType[Any, Any, None] | Result` may be awaitable (`CoroutineType[Any, Any, None]`)",
    "app/kept.py:64 make(): type `Unknown | Result` may be awaitable (`Unknown`)",
    "app/kept.py:67 session(): async context manager: use `async with`",
    "app/kept.py:73 self._task: operand is not a call",
    "app/kept.py:78 result: operand is not a call",
    "app/old_mac.py:7 make_client().close(): edit",
    "app/service.py:11 self.client.get(key): edit",
    "app/service.py:15 c.get(\"a\"): edit",
    "app/service.py:16 c.close(): edit",
    "app/service.py:20 new_client(): edit",
    "app/service.py:23 client_mod.make_client(): edit",
    "app/service.py:27 c.get(label): edit",
    "app/service.py:32 c.get(\"p\"): edit",
    "app/service.py:36 c.get(\"a\"): edit",
    "app/service.py:36 c.get(\"b\"): edit",
    "app/service.py:41 c.get( \"long\", ): edit",
    "tests/test_client.py:8 make_client().get(\"x\"): edit",
];

/// pyright and pyrefly name members only: nothing is an edit.
fn members_only(checker: &str, members: &str) -> String {
    format!(
        "{checker} names only the members of the type that are not awaitable ({members}); a \
         member it does not name may be awaitable"
    )
}

fn pyright_rows() -> Vec<String> {
    let m = |members: &str| members_only("pyright", members);
    vec![
        format!("app/edges.py:8 c.get(note): {}", m("`str`")),
        format!("app/kept.py:49 maybe_name() ×2: {}", m("`str`, `None`")),
        format!("app/kept.py:52 maybe_task(): {}", m("`None`")),
        format!("app/kept.py:55 optional_task(): {}", m("`None`")),
        format!("app/kept.py:61 either(True): {}", m("`Result`")),
        "app/kept.py:67 session(): async context manager: use `async with`".to_string(),
        "app/kept.py:70 numbers(): async iterator: use `async for`".to_string(),
        "app/kept.py:73 self._task: operand is not a call".to_string(),
        "app/kept.py:78 result: operand is not a call".to_string(),
        format!("app/old_mac.py:7 make_client().close(): {}", m("`None`")),
        format!("app/service.py:11 self.client.get(key): {}", m("`str`")),
        format!("app/service.py:15 c.get(\"a\"): {}", m("`str`")),
        format!("app/service.py:16 c.close(): {}", m("`None`")),
        format!("app/service.py:20 new_client(): {}", m("`Client`")),
        format!(
            "app/service.py:23 client_mod.make_client(): {}",
            m("`Client`")
        ),
        format!("app/service.py:27 c.get(label): {}", m("`str`")),
        format!("app/service.py:32 c.get(\"p\"): {}", m("`str`")),
        format!("app/service.py:36 c.get(\"a\"): {}", m("`str`")),
        format!("app/service.py:36 c.get(\"b\"): {}", m("`str`")),
        format!("app/service.py:41 c.get( \"long\", ): {}", m("`str`")),
        format!(
            "tests/test_client.py:8 make_client().get(\"x\"): {}",
            m("`str`")
        ),
    ]
}

fn pyrefly_rows() -> Vec<String> {
    let mut rows: Vec<String> = pyright_rows()
        .into_iter()
        .map(|r| r.replace("pyright names", "pyrefly names"))
        .collect();
    // pyrefly takes `make=make_result` for the parameter's type, where the others see
    // no type.
    let at = rows
        .iter()
        .position(|r| r.starts_with("app/kept.py:67"))
        .unwrap();
    let make = members_only("pyrefly", "`Result`");
    rows.insert(at, format!("app/kept.py:64 make(): {make}"));
    rows
}

const MYPY: &[&str] = &[
    "app/edges.py:8 c.get(note): edit",
    "app/kept.py:49 maybe_name(): edit",
    "app/kept.py:52 maybe_task(): type `Task[int] | None` may be awaitable (`Task[int]`)",
    "app/kept.py:55 optional_task(): type `Task[int] | None` may be awaitable (`Task[int]`)",
    "app/kept.py:61 either(True): type `CoroutineType[Any, Any, None] | Result` may be awaitable (`CoroutineType[Any, Any, None]`)",
    "app/kept.py:67 session(): async context manager: use `async with`",
    "app/kept.py:73 self._task: operand is not a call",
    "app/old_mac.py:7 make_client().close(): edit",
    "app/service.py:11 self.client.get(key): edit",
    "app/service.py:15 c.get(\"a\"): edit",
    "app/service.py:16 c.close(): edit",
    "app/service.py:20 new_client(): edit",
    "app/service.py:23 client_mod.make_client(): edit",
    "app/service.py:27 c.get(label): edit",
    "app/service.py:32 c.get(\"p\"): edit",
    "app/service.py:41 c.get( \"long\", ): edit",
    // Two awaits on a line with `é` before them, as wide as each other: mypy's column
    // is off there and cannot say which one it means. (A file's diagnostics that name
    // no await come after the others.)
    "app/service.py:36 ?: 2 awaits on line 36 and the checker's column does not say which one",
    "tests/test_client.py:8 make_client().get(\"x\"): edit",
];

/// The expected rows and the counts of other diagnostics, per output.
fn expected(name: &str) -> (Vec<String>, usize) {
    let own = |rows: &[&str]| rows.iter().map(|s| s.to_string()).collect();
    match name {
        // ty: the deprecated `AsyncIterator` return of the context manager.
        "ty.gitlab.json" | "ty.sarif" => (own(TY), 1),
        "pyright.json" => (pyright_rows(), 0),
        // mypy: `close` "does not return a value", twice.
        "mypy.jsonl" => (own(MYPY), 2),
        // pyrefly: the same deprecation as ty.
        "pyrefly.sarif" => (pyrefly_rows(), 1),
        _ => unreachable!("{name}"),
    }
}

/// Check a checker's output against the expected rows and its kept copy.
fn check_output(name: &str, format: Format, output: &str, root: &Path) {
    let parsed = parse(output).unwrap_or_else(|e| panic!("{name}: {e}\n{output}"));
    assert_eq!(parsed.format, format, "{name}");
    let (rows_wanted, ignored) = expected(name);
    assert_eq!(rows(&parsed, root), rows_wanted, "{name}");
    assert_eq!(parsed.ignored, ignored, "{name}: other diagnostics");
    let kept = repo().join(OUTPUTS).join(name);
    let now = normalized(output, root);
    if std::env::var_os("UNAWAIT_BLESS").is_some() {
        fs::create_dir_all(kept.parent().unwrap()).unwrap();
        fs::write(&kept, &now).unwrap();
    } else {
        let before = fs::read_to_string(&kept).unwrap_or_default();
        assert!(
            before == now,
            "{name}: the checker's output differs from {}; if a pin changed, run \
             UNAWAIT_BLESS=1 cargo test --test typecheck and review the diff",
            kept.display()
        );
    }
}

fn run(checker: Checker, name: &str, format: Format) {
    let project = project_copy();
    let search = search_path();
    let ran = run_checker_with(checker, &[], project.path(), Some(&search))
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{checker}: {}", ran.describe());
    check_output(name, format, &ran.output, project.path());
}

#[test]
fn ty_gitlab_for_real() {
    run(Checker::Ty, "ty.gitlab.json", Format::GitLab);
}

#[test]
fn ty_sarif_for_real() {
    let project = project_copy();
    let out = Command::new("ty")
        .args(["check", "--output-format", "sarif", "--no-progress", "."])
        .env("PATH", search_path())
        .current_dir(project.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let output = String::from_utf8(out.stdout).unwrap();
    check_output("ty.sarif", Format::Sarif, &output, project.path());
}

#[test]
fn pyright_for_real() {
    run(Checker::Pyright, "pyright.json", Format::Pyright);
}

#[test]
fn mypy_for_real() {
    run(Checker::Mypy, "mypy.jsonl", Format::Mypy);
}

#[test]
fn pyrefly_for_real() {
    run(Checker::Pyrefly, "pyrefly.sarif", Format::Sarif);
}

/// A checker that is not on PATH runs as `python3 -m NAME`.
#[cfg(unix)]
#[test]
fn mypy_as_a_python_module() {
    use std::os::unix::fs::PermissionsExt;
    let python = common::test_tool("test-venv/bin/python");
    let bin = tempfile::tempdir().unwrap();
    let wrapper = bin.path().join("python3");
    fs::write(
        &wrapper,
        format!("#!/bin/sh\nexec '{}' \"$@\"\n", python.display()),
    )
    .unwrap();
    fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();
    let project = project_copy();
    let ran = run_checker_with(
        Checker::Mypy,
        &[PathBuf::from("app"), PathBuf::from("tests")],
        project.path(),
        Some(bin.path().as_os_str()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let prefix = format!(
        "{} -m mypy -O json --check-untyped-defs ",
        wrapper.display()
    );
    assert!(ran.command.starts_with(&prefix), "{}", ran.command);
    assert!(ran.command.ends_with(" app tests"), "{}", ran.command);
    let parsed = parse(&ran.output).unwrap();
    assert_eq!(rows(&parsed, project.path()), expected("mypy.jsonl").0);
}

/// The kept outputs read the same without running anything.
#[test]
fn kept_outputs() {
    if std::env::var_os("UNAWAIT_BLESS").is_some() {
        return; // the other tests are writing them
    }
    let root = repo().join(PROJECT);
    for (name, format) in [
        ("ty.gitlab.json", Format::GitLab),
        ("ty.sarif", Format::Sarif),
        ("pyright.json", Format::Pyright),
        ("mypy.jsonl", Format::Mypy),
        ("pyrefly.sarif", Format::Sarif),
    ] {
        let text = fs::read_to_string(repo().join(OUTPUTS).join(name)).unwrap();
        let parsed = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.format, format, "{name}");
        let (rows_wanted, ignored) = expected(name);
        assert_eq!(rows(&parsed, &root), rows_wanted, "{name}");
        assert_eq!(parsed.ignored, ignored, "{name}");
    }
}
