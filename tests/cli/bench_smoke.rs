//! The benchmark harness in small: real PyPI code, fixed by the debug binary, checked
//! by the independent judge (`bench/judge.py`, CPython's `ast` and `tokenize` only).
//!
//! Keeps the harness from rotting: the corpus script, the judge and its self-test all
//! run here. The corpus (a few hundred files of anyio, httpx, starlette, aiohttp,
//! discord.py and fastapi, pinned) is built once into `target/bench-smoke` by
//! `bench/corpus.py --smoke`, which needs PyPI the first time. Only `python3` is used.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::BIN;

/// Names awaited in the smoke corpus: `asyncio.sleep`/`gather`/`wait_for` go, anyio's
/// own `async def sleep` stays, `await super().f()` and
/// `await get_running_loop().run_in_executor(...)` stay, and `send_message` is a method.
const FUNCTIONS: &[&str] = &[
    "sleep",
    "gather",
    "super",
    "get_running_loop",
    "wait_for",
    "get_async_backend",
];
const METHODS: &[&str] = &["send_message", "wait_for"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    eprintln!("{cmd:?} -> {}", out.status);
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The smoke corpus, built on first use.
fn smoke_corpus() -> PathBuf {
    let root = repo().join("target/bench-smoke/ex");
    if !root.join(".complete").is_file() {
        let out = run(Command::new("python3")
            .arg(repo().join("bench/corpus.py"))
            .arg("--smoke")
            .current_dir(repo()));
        assert!(
            out.status.success(),
            "bench/corpus.py --smoke failed (it needs PyPI the first time):\n{}",
            text(&out.stderr)
        );
    }
    assert!(root.join(".complete").is_file());
    root
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else if entry.path().extension().is_some_and(|e| e == "py") {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn rule_args() -> Vec<String> {
    let mut args = Vec::new();
    for f in FUNCTIONS {
        args.extend(["-f".to_string(), f.to_string()]);
    }
    for m in METHODS {
        args.extend(["--method".to_string(), m.to_string()]);
    }
    args
}

/// `N awaits fixed` in unawait's summary.
fn fixed_count(stderr: &str) -> usize {
    let words: Vec<&str> = stderr.split_whitespace().collect();
    words
        .windows(3)
        .find(|w| w[1].starts_with("await") && w[2].starts_with("fixed"))
        .and_then(|w| w[0].parse().ok())
        .unwrap_or_else(|| panic!("no `N awaits fixed` in: {stderr}"))
}

#[test]
fn judge_flags_each_kind_of_wrong_result() {
    let out = run(Command::new("python3")
        .arg(repo().join("bench/judge.py"))
        .arg("--self-test"));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("self-test: 34 passed, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn fix_on_real_code_satisfies_the_independent_judge() {
    let before = smoke_corpus();
    let tmp = tempfile::tempdir().unwrap();
    let after = tmp.path().join("after");
    copy_tree(&before, &after);

    let out = run(Command::new(BIN)
        .arg("fix")
        .arg("--no-ignore")
        .args(rule_args())
        .arg(&after));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let fixed = fixed_count(&stderr);
    assert!(fixed >= 20, "too few edits on the smoke corpus: {stderr}");

    let out = run(Command::new("python3")
        .arg(repo().join("bench/judge.py"))
        .arg("--before")
        .arg(&before)
        .arg("--after")
        .arg(&after)
        .arg("--label")
        .arg("unawait")
        .args(rule_args()));
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "the judge found wrong files:\n{stdout}\n{}",
        text(&out.stderr)
    );
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("judge unawait:"))
        .unwrap_or_else(|| panic!("no summary in: {stdout}"));
    assert!(
        summary.contains(&format!("{fixed} expected edits")),
        "{summary}"
    );
    assert!(summary.contains(" 0 wrong, 0 unjudged"), "{summary}");
}
