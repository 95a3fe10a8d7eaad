//! Packaging, driven with the real tools on the other side:
//!
//! - `pip install` of the repository (pyproject.toml, maturin's PEP 517 backend) into a
//!   fresh virtual environment gives a working `unawait` command;
//! - pre-commit (from PyPI) installs the hooks of `.pre-commit-hooks.yaml` from a git
//!   repository holding this working tree and runs them in a sample repository, by
//!   `pre-commit run` and by a real `git commit`;
//! - the README's `.pre-commit-config.yaml` snippet, taken from README.md itself, works as
//!   written once its placeholders are filled in the way the README says;
//! - the README's GitHub workflow, taken from README.md too, runs the action of
//!   `action.yml` (installed with pip from the action's own files, as GitHub downloads
//!   them) through `tests/actions_runner.py`, a stand-in for GitHub's runner, and hands
//!   upload-sarif a valid SARIF file although the check fails;
//! - `maturin sdist` leaves build outputs out;
//! - the root pyproject.toml is not an unawait configuration.
//!
//! The tools come from scripts/install-test-deps.sh (target/test-venv, and the maturin
//! wheel in target/test-wheels so that the isolated builds run offline). The Rust builds
//! inside pip and pre-commit use the `dev` profile and a target folder of their own,
//! target/packaging/cargo, so that later runs only rebuild this crate; they take turns
//! in it (`BuildLock`). Everything the tools write (pre-commit's cache, virtual
//! environments, copies) goes under target/packaging and is removed after the test.

// The helpers of the command-line tests; this file needs only a few of them.
#[allow(dead_code)]
#[path = "cli/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{src_check_line, src_diff, Tree, BIN, CLEAN, FIXED, SRC};

/// The repository (working tree) under test.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A tool installed by scripts/install-test-deps.sh, or a panic saying how to get it.
fn test_venv_tool(name: &str) -> PathBuf {
    common::test_tool(&format!("test-venv/bin/{name}"))
}

/// The folder of wheels the isolated PEP 517 builds install maturin from.
fn wheelhouse() -> PathBuf {
    common::install_test_deps();
    let dir = root().join("target/test-wheels");
    let has_maturin = fs::read_dir(&dir).is_ok_and(|rd| {
        rd.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("maturin-"))
    });
    assert!(
        has_maturin,
        "no maturin wheel in {}: run scripts/install-test-deps.sh",
        dir.display()
    );
    dir
}

/// target/packaging, where every tool here builds and keeps its files.
fn work() -> PathBuf {
    let dir = root().join("target/packaging");
    fs::create_dir_all(dir.join("tmp")).unwrap();
    dir
}

/// The right to build this crate with maturin in target/packaging/cargo, held until
/// dropped.
///
/// maturin (1.16, as scripts/install-test-deps.sh pins it) moves the binary cargo
/// built, `cargo/debug/unawait`, into its own staging folder `cargo/maturin/` while it
/// writes the wheel, and moves it back after. Two builds sharing the target folder at
/// once race: the second one's cargo waits for the first one's lock, then finds the
/// binary up to date and names it, while the first one's maturin has just moved it
/// away; the second fails with "Failed to stage …/debug/unawait -> …/maturin/unawait:
/// No such file or directory". So every test that makes pip or pre-commit build the
/// crate takes this lock first. It is a file lock: it holds between the tests of this
/// binary and between two `cargo test` runs alike, and the system drops it when a test
/// process dies.
struct BuildLock {
    _held: fs::File,
}

impl BuildLock {
    fn take() -> BuildLock {
        let path = work().join("cargo-build.lock");
        let file = fs::File::create(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        file.lock()
            .unwrap_or_else(|e| panic!("cannot lock {}: {e}", path.display()));
        BuildLock { _held: file }
    }
}

/// A temporary folder under target/packaging/tmp, removed when dropped.
fn temp(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(work().join("tmp"))
        .unwrap()
}

/// The environment for a command that builds this crate through pip / maturin: offline
/// (maturin from the wheelhouse), a cheap cargo profile and a reused target folder, and
/// no user configuration of pip, git or virtualenv.
fn build_env(cmd: &mut Command) -> &mut Command {
    let work = work();
    cmd.env("CARGO_TARGET_DIR", work.join("cargo"))
        .env("MATURIN_PEP517_ARGS", "--profile dev")
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", wheelhouse())
        .env("PIP_CONFIG_FILE", "/dev/null")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_NO_CACHE_DIR", "1")
        .env("VIRTUALENV_NO_PERIODIC_UPDATE", "1")
        .env(
            "VIRTUALENV_OVERRIDE_APP_DATA",
            work.join("virtualenv-app-data"),
        )
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "unawait tests")
        .env("GIT_AUTHOR_EMAIL", "tests@unawait.invalid")
        .env("GIT_COMMITTER_NAME", "unawait tests")
        .env("GIT_COMMITTER_EMAIL", "tests@unawait.invalid")
        .env_remove("VIRTUAL_ENV")
        .env_remove("PYTHONHOME")
        .env_remove("PYTHONPATH")
        .env_remove("PIP_REQUIRE_VIRTUALENV")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
}

/// Everything a command printed, for failure messages.
fn shown(out: &Output) -> String {
    format!(
        "exit status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Run `cmd`; panic, showing its output, unless it exits with `code`.
#[track_caller]
fn run(cmd: &mut Command, code: i32) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    assert_eq!(out.status.code(), Some(code), "{cmd:?}\n{}", shown(&out));
    out
}

/// Run git with the build environment in `dir`; panic unless it succeeds.
#[track_caller]
fn git(dir: &Path, args: &[&str]) -> Output {
    run(
        build_env(Command::new("git").args(args).current_dir(dir)),
        0,
    )
}

/// The files of this working tree that git would see (tracked or untracked, not
/// ignored, not deleted), by `/`-separated relative path.
fn working_tree_files() -> Vec<String> {
    let out = run(
        build_env(
            Command::new("git")
                .args([
                    "ls-files",
                    "-z",
                    "--cached",
                    "--others",
                    "--exclude-standard",
                ])
                .current_dir(root()),
        ),
        0,
    );
    let mut files: Vec<String> = out
        .stdout
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8(s.to_vec()).expect("UTF-8 path"))
        .filter(|p| root().join(p).is_file())
        .collect();
    files.sort();
    files.dedup();
    files
}

/// A copy of this working tree (as git sees it) in a new temporary folder: what a user
/// would clone, including the work not committed yet.
fn source_copy() -> tempfile::TempDir {
    let dir = temp("src-");
    for rel in working_tree_files() {
        let to = dir.path().join(&rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(root().join(&rel), &to).unwrap_or_else(|e| panic!("cannot copy {rel}: {e}"));
    }
    assert!(
        dir.path().join("pyproject.toml").is_file()
            && dir.path().join(".pre-commit-hooks.yaml").is_file(),
        "pyproject.toml or .pre-commit-hooks.yaml is missing from the working tree"
    );
    dir
}

/// Every file below `dir` (not in `.git`) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if e.file_name() == ".git" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A Jupyter notebook whose one code cell awaits `get_manager()`, and the same notebook
/// with exactly that `await ` removed.
const NOTEBOOK: &str = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "c1",
   "metadata": {},
   "outputs": [],
   "source": [
    "from svc import get_manager\n",
    "manager = await get_manager()"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

#[test]
fn pip_install_gives_a_working_unawait_command() {
    let _build = BuildLock::take();
    let src = source_copy();
    let before = snapshot(src.path());
    let venv = temp("venv-");
    run(
        build_env(
            Command::new(test_venv_tool("python"))
                .args(["-m", "venv"])
                .arg(venv.path()),
        ),
        0,
    );
    let python = venv.path().join("bin/python");
    run(
        build_env(
            Command::new(&python)
                .args(["-m", "pip", "install"])
                .arg(src.path())
                .current_dir(venv.path()),
        ),
        0,
    );
    // pip built in the source folder: nothing there was added or changed (the cargo
    // target folder is elsewhere, and no wheel or egg-info is left behind).
    assert!(
        snapshot(src.path()) == before,
        "pip install changed the source folder"
    );

    let unawait = venv.path().join("bin/unawait");
    let out = run(Command::new(&unawait).arg("--version"), 0);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("unawait {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = run(
        Command::new(&python).args(["-m", "pip", "show", "unawait"]),
        0,
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{}",
        shown(&out)
    );

    // A real run of the installed command, outside any git repository: the same diff as
    // the binary cargo built, and nothing on disk changes.
    let t = Tree::new();
    t.write("app.py", SRC);
    let diff = |bin: &Path| {
        run(
            Command::new(bin)
                .args(["diff", "-f", "get_manager", "app.py"])
                .current_dir(t.path())
                .env("GIT_CEILING_DIRECTORIES", t.path().parent().unwrap())
                .stdin(Stdio::null()),
            0,
        )
    };
    let out = diff(&unawait);
    assert_eq!(String::from_utf8_lossy(&out.stdout), src_diff("app.py"));
    assert_eq!(out.stdout, diff(Path::new(BIN)).stdout);
    assert_eq!(t.text("app.py"), SRC);
    run(
        Command::new(&unawait)
            .args(["fix", "-q", "-f", "get_manager", "app.py"])
            .current_dir(t.path())
            .stdin(Stdio::null()),
        0,
    );
    assert_eq!(t.text("app.py"), FIXED);
}

/// Write `text` to `rel` under `dir`, making its folders.
fn write_file(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A git repository at `s` that runs the hooks of `pre_commit_config`, with its rules in
/// `pyproject.toml` as the README says, `app/handler.py` (SRC), `app/clean.py` (CLEAN)
/// and the `extra` files, all added.
fn sample_project(s: &Path, pre_commit_config: &str, extra: &[(&str, &str)]) {
    write_file(s, ".pre-commit-config.yaml", pre_commit_config);
    write_file(
        s,
        "pyproject.toml",
        "[project]\nname = \"sample\"\n\n[tool.unawait]\nfunctions = [\"get_manager\"]\n",
    );
    write_file(s, "app/handler.py", SRC);
    write_file(s, "app/clean.py", CLEAN);
    for (rel, text) in extra {
        write_file(s, rel, text);
    }
    git(s, &["init", "-q"]);
    git(s, &["add", "-A"]);
}

/// `pre-commit ARGS` in `s`, with its own home and no colour; its stdout, once it has
/// exited with `code`.
fn run_pre_commit(s: &Path, home: &Path, args: &[&str], code: i32) -> String {
    let out = run(
        build_env(
            Command::new(test_venv_tool("pre-commit"))
                .args(args)
                .current_dir(s)
                .env("PRE_COMMIT_HOME", home)
                .env("PRE_COMMIT_COLOR", "never"),
        ),
        code,
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pre_commit_hooks_check_and_fix() {
    // pre-commit builds the hooks' environment (pip, so maturin) on its first run.
    let _build = BuildLock::take();
    // The hook repository: this working tree, committed in a repository of its own
    // (pre-commit clones `repo` at `rev`, so uncommitted work would be invisible).
    let hooks = source_copy();
    git(hooks.path(), &["init", "-q"]);
    git(hooks.path(), &["add", "-A"]);
    git(
        hooks.path(),
        &["commit", "-q", "--no-verify", "-m", "hooks"],
    );
    let rev = String::from_utf8(git(hooks.path(), &["rev-parse", "HEAD"]).stdout).unwrap();

    // A project that uses them, with its rules in pyproject.toml.
    let sample = temp("sample-");
    let s = sample.path();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: unawait-check\n      - id: unawait-fix\n",
        hooks.path().display(),
        rev.trim()
    );
    sample_project(
        s,
        &config,
        &[
            ("nb.ipynb", NOTEBOOK),
            // Not a Python file: the hooks never see it.
            ("notes.txt", "manager = await get_manager()\n"),
        ],
    );
    let pre_commit_home = temp("pre-commit-home-");
    let pre_commit =
        |args: &[&str], code: i32| run_pre_commit(s, pre_commit_home.path(), args, code);
    let unchanged = snapshot(s);

    // unawait-check: fails, lists the findings in the .py file and in the notebook.
    let out = pre_commit(&["run", "unawait-check", "--all-files"], 1);
    assert!(out.contains("unawait check"), "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains(&src_check_line("app/handler.py")), "{out}");
    assert!(out.contains("nb.ipynb:11:16: UNA001 "), "{out}");
    assert!(
        !out.contains("clean.py:") && !out.contains("notes.txt"),
        "{out}"
    );
    assert!(snapshot(s) == unchanged, "unawait-check changed files");

    // unawait-fix: rewrites the files; pre-commit fails because they changed.
    let out = pre_commit(&["run", "unawait-fix", "--all-files"], 1);
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    assert_eq!(fs::read_to_string(s.join("app/handler.py")).unwrap(), FIXED);
    assert_eq!(
        fs::read_to_string(s.join("nb.ipynb")).unwrap(),
        NOTEBOOK.replacen("= await get_manager", "= get_manager", 1)
    );
    assert_eq!(fs::read_to_string(s.join("app/clean.py")).unwrap(), CLEAN);
    assert_eq!(
        fs::read_to_string(s.join("notes.txt")).unwrap(),
        "manager = await get_manager()\n"
    );

    // Once the fixes are staged, both hooks pass.
    git(s, &["add", "-A"]);
    let out = pre_commit(&["run", "--all-files"], 0);
    assert_eq!(out.matches("Passed").count(), 2, "{out}");

    // At commit time: the hooks see the staged file, block the commit and fix it; the
    // commit of the fixed file goes through.
    pre_commit(&["install"], 0);
    git(s, &["commit", "-q", "-m", "fixed"]);
    write_file(s, "app/late.py", SRC);
    git(s, &["add", "app/late.py"]);
    let out = run(
        build_env(
            Command::new("git")
                .args(["commit", "-m", "late"])
                .current_dir(s)
                .env("PRE_COMMIT_HOME", pre_commit_home.path())
                .env("PRE_COMMIT_COLOR", "never"),
        ),
        1,
    );
    // git sends a hook's output to stderr.
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(&src_check_line("app/late.py")),
        "{}",
        shown(&out)
    );
    assert!(!text.contains("handler.py"), "{}", shown(&out));
    assert_eq!(fs::read_to_string(s.join("app/late.py")).unwrap(), FIXED);
    git(s, &["add", "app/late.py"]);
    git(s, &["commit", "-q", "-m", "late"]);
    let log = git(s, &["log", "--format=%s"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout), "late\nfixed\n");
}

#[test]
fn sdist_leaves_out_the_target_folder() {
    let src = source_copy();
    // A copy has no .git, so .gitignore cannot keep target/ out: pyproject.toml must.
    fs::create_dir_all(src.path().join("target/release")).unwrap();
    fs::write(src.path().join("target/release/junk"), "build output").unwrap();
    let out_dir = temp("sdist-");
    run(
        build_env(
            Command::new(test_venv_tool("maturin"))
                .args(["sdist", "--out"])
                .arg(out_dir.path())
                .current_dir(src.path()),
        ),
        0,
    );
    let tarball = fs::read_dir(out_dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .expect("no .tar.gz written");
    let out = run(Command::new("tar").arg("tzf").arg(&tarball), 0);
    let listing = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = listing
        .lines()
        .map(|l| l.split_once('/').map_or(l, |(_, rest)| rest))
        .collect();
    for want in [
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "src/main.rs",
    ] {
        assert!(names.contains(&want), "{want} not in the sdist:\n{listing}");
    }
    assert!(
        !names.iter().any(|n| n.starts_with("target/")),
        "target/ in the sdist:\n{listing}"
    );
}

#[test]
fn the_root_pyproject_is_not_an_unawait_configuration() {
    let text = fs::read_to_string(root().join("pyproject.toml")).unwrap();
    let doc: toml::Table = text.parse().expect("pyproject.toml is valid TOML");
    let tool = doc.get("tool").and_then(|t| t.as_table());
    assert!(
        tool.is_none_or(|t| !t.contains_key("unawait")),
        "the root pyproject.toml must not have a [tool.unawait] table"
    );

    // unawait passes over it: a project folder holding it (as the repository root
    // does) takes its rules from the unawait.toml above it.
    let t = Tree::new();
    t.write("unawait.toml", "functions = [\"get_manager\"]\n");
    t.write("proj/pyproject.toml", &text);
    t.write("proj/app.py", SRC);
    let r = t.run_in("proj", &["check"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("app.py"));

    // And without any configuration, it changes nothing: the same as no pyproject.toml.
    let with = Tree::new();
    with.write("pyproject.toml", &text);
    with.write("app.py", SRC);
    let without = Tree::new();
    without.write("app.py", SRC);
    let a = with.run(&["check"]);
    let b = without.run(&["check"]);
    assert_eq!((a.code, &a.stdout), (b.code, &b.stdout));
    assert_eq!(
        a.stderr.replace(with.path().to_str().unwrap(), "ROOT"),
        b.stderr.replace(without.path().to_str().unwrap(), "ROOT")
    );
}

/// The body of the fenced block between `<!-- begin snippet: NAME ` and
/// `<!-- end snippet -->` in README.md: what a reader copies.
fn readme_snippet(name: &str) -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let begin = format!("<!-- begin snippet: {name} ");
    let start = readme
        .find(&begin)
        .unwrap_or_else(|| panic!("README.md has no `{begin}` marker"));
    let rest = &readme[start..];
    let end = rest
        .find("<!-- end snippet -->")
        .unwrap_or_else(|| panic!("README.md: snippet {name} has no end marker"));
    let lines: Vec<&str> = rest[..end].lines().skip(1).collect();
    assert!(
        lines.first() == Some(&"```yaml") && lines.last() == Some(&"```"),
        "README.md: snippet {name} is not one ```yaml block:\n{}",
        lines.join("\n")
    );
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `text` with the one occurrence of `placeholder` replaced by `value`; panics unless
/// there is exactly one.
#[track_caller]
fn fill(text: &str, placeholder: &str, value: &str) -> String {
    assert_eq!(
        text.matches(placeholder).count(),
        1,
        "{placeholder} should appear once in:\n{text}"
    );
    text.replace(placeholder, value)
}

/// Run the command the README shows on the line holding `shown` (a command line, with
/// `placeholder` replaced by `value`) and return the first word of its output: the way
/// the README tells a user to find the commit SHA.
fn readme_command_first_word(shown: &str, placeholder: &str, value: &str, cwd: &Path) -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(shown),
        "README.md no longer shows `{shown}`"
    );
    let words: Vec<String> = shown
        .split_whitespace()
        .map(|w| w.replace(placeholder, value))
        .collect();
    let out = run(
        build_env(Command::new(&words[0]).args(&words[1..]).current_dir(cwd)),
        0,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let word = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(word.len(), 40, "not a commit SHA: {text:?}");
    word
}

/// A git repository holding this working tree in one commit (what a user would host and
/// clone), in a new temporary folder.
fn committed_copy() -> tempfile::TempDir {
    let src = source_copy();
    git(src.path(), &["init", "-q"]);
    git(src.path(), &["add", "-A"]);
    git(
        src.path(),
        &["commit", "-q", "--no-verify", "-m", "unawait"],
    );
    src
}

#[test]
fn readme_pre_commit_snippet_works_as_written() {
    let _build = BuildLock::take();
    // This repository, hosted: a bare clone reached by a file:// URL.
    let src = committed_copy();
    let host = temp("host-");
    let hosted = host.path().join("unawait.git");
    git(
        host.path(),
        &[
            "clone",
            "-q",
            "--bare",
            src.path().to_str().unwrap(),
            "unawait.git",
        ],
    );
    let url = format!("file://{}", hosted.display());

    // The README's snippet, with the URL and the SHA that `git ls-remote` prints.
    let snippet = readme_snippet("pre-commit-config");
    let ls_remote = "git ls-remote URL_OF_THIS_REPOSITORY HEAD";
    let sample = temp("sample-");
    let s = sample.path();
    let sha = readme_command_first_word(ls_remote, "URL_OF_THIS_REPOSITORY", &url, s);
    let config_for = |sha: &str| {
        fill(
            &fill(&snippet, "URL_OF_THIS_REPOSITORY", &url),
            "COMMIT_SHA",
            sha,
        )
    };

    // A project that uses it, with its rules in pyproject.toml, as the README says.
    sample_project(s, &config_for(&sha), &[]);
    let pre_commit_home = temp("pre-commit-home-");
    let pre_commit =
        |args: &[&str], code: i32| run_pre_commit(s, pre_commit_home.path(), args, code);

    // `pre-commit install`, then `pre-commit run --all-files`: the fix hook rewrites the
    // file, and pre-commit fails because it changed.
    pre_commit(&["install"], 0);
    assert!(s.join(".git/hooks/pre-commit").is_file());
    let out = pre_commit(&["run", "--all-files"], 1);
    assert!(out.contains("unawait fix"), "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    assert_eq!(fs::read_to_string(s.join("app/handler.py")).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(s.join("app/clean.py")).unwrap(), CLEAN);
    git(s, &["add", "-A"]);
    let out = pre_commit(&["run", "--all-files"], 0);
    assert_eq!(out.matches("Passed").count(), 1, "{out}");

    // A new commit in the hosted repository: `pre-commit autoupdate` moves `rev` to it,
    // the SHA `git ls-remote` prints, and changes nothing else in the file.
    fs::write(src.path().join("NEWS"), "a later commit\n").unwrap();
    git(src.path(), &["add", "NEWS"]);
    git(src.path(), &["commit", "-q", "--no-verify", "-m", "later"]);
    git(
        src.path(),
        &["push", "-q", hosted.to_str().unwrap(), "HEAD"],
    );
    let newer = readme_command_first_word(ls_remote, "URL_OF_THIS_REPOSITORY", &url, s);
    assert_ne!(newer, sha);
    pre_commit(&["autoupdate"], 0);
    assert_eq!(
        fs::read_to_string(s.join(".pre-commit-config.yaml")).unwrap(),
        config_for(&newer)
    );
}

#[test]
fn readme_github_workflow_runs_the_action_and_uploads_the_sarif() {
    let _build = BuildLock::take();
    // This repository, hosted; GitHub downloads an action as the files of the commit
    // named after `@` (no .git), into _actions/OWNER/NAME/REF.
    let src = committed_copy();
    let url = format!("file://{}", src.path().display());
    let runner = temp("runner-");
    let r = runner.path();
    let sha = readme_command_first_word(
        "git ls-remote https://github.com/OWNER/unawait HEAD",
        "https://github.com/OWNER/unawait",
        &url,
        r,
    );
    let action = r.join(format!("_actions/OWNER/unawait/{sha}"));
    fs::create_dir_all(&action).unwrap();
    let archive = git(src.path(), &["archive", "--format=tar", &sha]);
    let mut tar = Command::new("tar")
        .args(["xf", "-"])
        .current_dir(&action)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut tar.stdin.take().unwrap(), &archive.stdout).unwrap();
    assert!(tar.wait().unwrap().success());

    // The workflow as the README shows it, with the SHA filled in.
    let workflow = fill(
        &readme_snippet("github-workflow"),
        "OWNER/unawait@COMMIT_SHA",
        &format!("OWNER/unawait@{sha}"),
    );
    fs::write(r.join("workflow.yml"), &workflow).unwrap();

    // The repository it checks (checked out already: actions/checkout does nothing here).
    let workspace = r.join("work");
    let handler = SRC.replace("get_manager", "get_websocket_manager");
    fs::create_dir_all(workspace.join("app")).unwrap();
    fs::write(workspace.join("app/ws.py"), &handler).unwrap();
    fs::write(workspace.join("app/clean.py"), CLEAN).unwrap();
    git(&workspace, &["init", "-q"]);
    let temp_dir = r.join("temp");
    fs::create_dir_all(&temp_dir).unwrap();
    let summary = r.join("summary.md");
    fs::write(&summary, "").unwrap();

    let out = run(
        build_env(
            Command::new(test_venv_tool("python"))
                .arg(root().join("tests/actions_runner.py"))
                .arg(r.join("workflow.yml"))
                .arg(r.join("report.json"))
                .arg("--action")
                .arg(format!("OWNER/unawait@{sha}={}", action.display()))
                .current_dir(&workspace)
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", &workspace)
                .env("RUNNER_TEMP", &temp_dir)
                .env("GITHUB_STEP_SUMMARY", &summary),
        ),
        1,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // pip's log in a group, then the one annotation.
    assert!(
        stdout.starts_with(&format!(
            "::group::Install unawait from {}\n",
            action.display()
        )),
        "{}",
        shown(&out)
    );
    assert!(stdout.contains("\n::endgroup::\n"), "{}", shown(&out));
    let annotations: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(
        annotations,
        ["::error file=app/ws.py,line=5,col=15,endLine=5,endColumn=44,title=unawait (UNA001)::`await` on synchronous `get_websocket_manager()` (rule `get_websocket_manager`): remove the `await`"],
        "{}",
        shown(&out)
    );

    // The check failed, and upload-sarif, `if: always()`, still got the SARIF file.
    let sarif = temp_dir.join("unawait.sarif");
    let sarif_text = sarif.to_str().unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(r.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        report,
        serde_json::json!({
            "conclusion": "failure",
            "steps": [
                {"id": null, "outcome": "success", "exit_code": 0, "outputs": {}},
                {"id": "unawait", "outcome": "failure", "exit_code": 1, "outputs": {
                    "sarif-file": sarif_text, "findings": "1", "exit-code": "1"}},
                {"id": null, "outcome": "success", "exit_code": 0, "outputs": {}}
            ],
            "uploads": [{"sarif_file": sarif_text}],
            "path": [temp_dir.join("unawait-venv/bin").to_str().unwrap()]
        }),
        "{}",
        shown(&out)
    );
    let doc = common::validate_sarif(&sarif);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/ws.py"
    );
    // The unawait the action installed is the one of this working tree, and the job
    // summary has its summary line.
    let installed = temp_dir.join("unawait-venv/bin/unawait");
    let version = run(Command::new(&installed).arg("--version"), 0);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("unawait {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        fs::read_to_string(&summary).unwrap().contains(
            "\n    unawait: 2 files scanned (1 parsed); 1 file to change, 1 await to fix\n"
        ),
        "{}",
        fs::read_to_string(&summary).unwrap()
    );
    assert_eq!(
        fs::read_to_string(workspace.join("app/ws.py")).unwrap(),
        handler
    );
}
