//! Shared helpers for the command-line tests: a temporary tree of files, a way to run
//! the real `unawait` binary in it, and small Python sources with known fixes.
//!
//! Every run gets an empty `HOME` and `XDG_CONFIG_HOME`, no `NO_COLOR`, and no
//! system git configuration, so the machine's own settings (a global gitignore, say)
//! cannot change what a test sees.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_unawait");

/// A file with one await to remove, one on a method (kept: not a rule), and one on an
/// attribute of the call (kept: the await belongs to `.send`).
pub const SRC: &str = "from svc import get_manager


async def handler():
    manager = await get_manager()
    await manager.send(\"hi\")
    return await get_manager().send(\"x\")
";

/// `SRC` after the fix: exactly `await ` gone from line 5.
pub const FIXED: &str = "from svc import get_manager


async def handler():
    manager = get_manager()
    await manager.send(\"hi\")
    return await get_manager().send(\"x\")
";

/// `unawait diff` of `SRC` for a file whose diff path is `P`, with `P` replaced.
pub fn src_diff(p: &str) -> String {
    format!(
        "diff --git a/{p} b/{p}
--- a/{p}
+++ b/{p}
@@ -2,6 +2,6 @@
 
 
 async def handler():
-    manager = await get_manager()
+    manager = get_manager()
     await manager.send(\"hi\")
     return await get_manager().send(\"x\")
"
    )
}

/// The `check` line for an await at `at` (`path:line:col`) on a call written
/// `callee()` that `rule` matches: the message names the callee as written, and says
/// when it is an alias of the rule (`gm()` for `get_manager`).
pub fn check_line(at: &str, callee: &str, rule: &str) -> String {
    let last = |s: &str| s.rsplit('.').next().unwrap().to_string();
    let what = if last(callee) == last(rule) {
        "rule"
    } else {
        "alias of rule"
    };
    format!(
        "{at}: UNA001 `await` on synchronous `{callee}()` ({what} `{rule}`): remove the `await`\n"
    )
}

/// The `check` line for an await at `at` on `callee()`, whose last name is `rule`'s,
/// left unchanged for the reason `why` (as `LeftReason::describe` says it).
pub fn left_line(at: &str, callee: &str, rule: &str, why: &str) -> String {
    format!("{at}: UNA002 `await` on `{callee}()` (rule `{rule}`) left unchanged: {why}\n")
}

/// The `check` line for `SRC` at `path`.
pub fn src_check_line(path: &str) -> String {
    format!(
        "{path}:5:15: UNA001 `await` on synchronous `get_manager()` (rule `get_manager`): remove the `await`\n"
    )
}

/// The `check` lines for `SRC` at each of `paths`, in that order.
pub fn src_check_lines(paths: &[&str]) -> String {
    paths.iter().map(|p| src_check_line(p)).collect()
}

/// The summary of `diff`, `patch` or `check` over `n` files like `SRC`.
pub fn summary_to_fix(n: usize) -> String {
    match n {
        1 => "unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix".to_string(),
        n => format!(
            "unawait: {n} files scanned ({n} parsed); {n} files to change, {n} awaits to fix"
        ),
    }
}

/// The summary of `fix` over `n` files like `SRC`.
pub fn summary_fixed(n: usize) -> String {
    match n {
        1 => "unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed".to_string(),
        n => {
            format!("unawait: {n} files scanned ({n} parsed); {n} files changed, {n} awaits fixed")
        }
    }
}

/// A file with no await that any rule matches.
pub const CLEAN: &str = "async def handler(m):
    await m.send(\"get_manager\")  # get_manager() is only named in a string
";

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    /// The command line, for failure messages.
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    /// The run of `unawait args` that gave `out`; panics when it was killed by a signal
    /// or panicked.
    pub fn from_output(args: &[&str], out: Output) -> Run {
        let code = match out.status.code() {
            Some(c) => c,
            None => panic!("unawait {args:?} was killed by a signal: {:?}", out.status),
        };
        let run = Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            code,
            stdout: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "unawait {args:?} panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Panic unless the run exited with `code`, printed exactly `stdout`, and printed
    /// exactly the lines `stderr` (each ending in a newline); the message shows all
    /// three, wanted and got.
    #[track_caller]
    pub fn expect(&self, code: i32, stdout: impl AsRef<[u8]>, stderr: &[&str]) -> &Self {
        let stdout = stdout.as_ref();
        let want_stderr: String = stderr.iter().map(|l| format!("{l}\n")).collect();
        if self.code == code && self.stdout == stdout && self.stderr == want_stderr {
            return self;
        }
        let mark = |same: bool| if same { "" } else { "  <-- differs" };
        panic!(
            "unawait {:?} did not give what was expected\n\
             exit status: want {code}, got {}{}\n\
             --- stdout, want{} ---\n{}\n--- stdout, got ---\n{}\n\
             --- stderr, want{} ---\n{want_stderr}\n--- stderr, got ---\n{}",
            self.args,
            self.code,
            mark(self.code == code),
            mark(self.stdout == stdout),
            String::from_utf8_lossy(stdout),
            String::from_utf8_lossy(&self.stdout),
            mark(self.stderr == want_stderr),
            self.stderr,
        );
    }

    /// stdout as text (panics when it is not UTF-8).
    pub fn out(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("stdout is UTF-8")
    }

    /// Panic, showing everything, unless the exit status is `code`.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            code,
            "unawait {:?}: unexpected exit status\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args,
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        );
        self
    }

    /// The paths of the `check` lines on stdout, in order.
    pub fn checked(&self) -> Vec<String> {
        self.out()
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    }

    /// The summary line (the last stderr line starting with `unawait: ` and a count).
    pub fn summary(&self) -> &str {
        self.stderr
            .lines()
            .rev()
            .find(|l| l.starts_with("unawait: ") && l.contains(" scanned ("))
            .unwrap_or_else(|| panic!("no summary line on stderr:\n{}", self.stderr))
    }
}

/// A temporary folder of files, with its own empty home folder for the runs.
pub struct Tree {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl Tree {
    pub fn new() -> Tree {
        let dir = tempfile::Builder::new()
            .prefix("unawait-cli")
            .tempdir()
            .unwrap();
        let home = tempfile::Builder::new()
            .prefix("unawait-home")
            .tempdir()
            .unwrap();
        // getcwd() in the child gives the canonical path; use the same spelling here.
        let canonical = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(canonical, dir.path(), "temporary folder is not canonical");
        Tree { dir, home }
    }

    /// A tree that is a fresh git repository.
    pub fn git() -> Tree {
        let t = Tree::new();
        t.git_ok(".", &["init", "-q"]);
        t
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Copy every file below the folder `from` into the tree, at the same relative
    /// paths (a fixture project, so that runs may write).
    pub fn copy_from(&self, from: &Path) {
        fn copy(t: &Tree, from: &Path, rel: &str) {
            for e in fs::read_dir(from).unwrap() {
                let e = e.unwrap();
                let name = e.file_name().into_string().unwrap();
                let rel = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                if e.file_type().unwrap().is_dir() {
                    copy(t, &e.path(), &rel);
                } else {
                    t.write(&rel, fs::read(e.path()).unwrap());
                }
            }
        }
        copy(self, from, "");
    }

    /// Write `bytes` at `rel`, creating folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&p, bytes).unwrap();
        p
    }

    /// A path outside the tree (in this tree's own private folder), as a string, for
    /// patch files that must not be scanned or collide with other tests.
    pub fn outside(&self, name: &str) -> String {
        self.home.path().join(name).to_str().unwrap().to_string()
    }

    /// Save `bytes` outside the tree; returns the absolute path.
    pub fn save_outside(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.outside(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    pub fn mkdir(&self, rel: &str) -> PathBuf {
        let p = self.join(rel);
        fs::create_dir_all(&p).unwrap();
        p
    }

    #[track_caller]
    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// `rel` as text.
    #[track_caller]
    pub fn text(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).unwrap()
    }

    pub fn exists(&self, rel: &str) -> bool {
        fs::symlink_metadata(self.join(rel)).is_ok()
    }

    /// Every file below the root (not in `.git`), by `/`-separated relative path.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        collect(self.path(), self.path(), &mut out);
        out
    }

    /// A command for the binary, run in `sub` (relative to the root).
    pub fn cmd(&self, sub: &str, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .current_dir(self.join(sub))
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null());
        c
    }

    /// Run the binary in the root.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(".", args)
    }

    /// Run the binary in `sub`.
    pub fn run_in(&self, sub: &str, args: &[&str]) -> Run {
        let out = self.cmd(sub, args).output().expect("cannot start unawait");
        Run::from_output(args, out)
    }

    /// Run git in `sub`; returns its output whatever the status.
    pub fn git_in(&self, sub: &str, args: &[&str]) -> Output {
        Command::new("git")
            .args(args)
            .current_dir(self.join(sub))
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(Stdio::null())
            .output()
            .expect("cannot start git")
    }

    /// Run git in `sub` and panic unless it succeeds.
    #[track_caller]
    pub fn git_ok(&self, sub: &str, args: &[&str]) -> Output {
        let out = self.git_in(sub, args);
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Run GNU patch in the root and panic unless it succeeds.
    #[track_caller]
    pub fn patch_ok(&self, args: &[&str]) -> Output {
        let out = Command::new("patch")
            .args(args)
            .current_dir(self.path())
            .stdin(Stdio::null())
            .output()
            .expect("cannot start patch");
        assert!(
            out.status.success(),
            "patch {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let ty = entry.file_type().unwrap();
        if ty.is_dir() {
            if entry.file_name() != ".git" {
                collect(root, &path, out);
            }
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = if ty.is_symlink() {
                let target = fs::read_link(&path).unwrap();
                format!("-> {}", target.display()).into_bytes()
            } else {
                fs::read(&path).unwrap()
            };
            out.insert(rel, bytes);
        }
    }
}

/// The file's permission bits.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Does `haystack` contain `needle`?
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The paths in `diff --git a/P b/P` lines of a diff, in order.
pub fn diff_paths(diff: &str) -> Vec<String> {
    diff.lines()
        .filter_map(|l| l.strip_prefix("diff --git a/"))
        .map(|rest| {
            let half = (rest.len() - 3) / 2;
            rest[..half].to_string()
        })
        .collect()
}

impl Tree {
    /// Run the binary in `sub` with `input` on stdin.
    pub fn run_stdin(&self, sub: &str, args: &[&str], input: &[u8]) -> Run {
        use std::io::Write;
        let mut child = self
            .cmd(sub, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start unawait");
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        // A writer thread, so a large input cannot deadlock against a full stdout pipe.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().expect("unawait did not finish");
        writer.join().unwrap();
        Run::from_output(args, out)
    }
}

/// Runs `scripts/install-test-deps.sh` once per test binary, under a lock shared by all
/// of them, so that plain `cargo test` on a fresh clone gets the real tools the tests
/// drive (CI runs the script before the tests; then this returns at once).
pub fn install_test_deps() {
    static DONE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let result = DONE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::create_dir_all(root.join("target")).map_err(|e| e.to_string())?;
        let lock =
            fs::File::create(root.join("target/.test-deps.lock")).map_err(|e| e.to_string())?;
        lock.lock().map_err(|e| e.to_string())?;
        let out = Command::new("bash")
            .arg(root.join("scripts/install-test-deps.sh"))
            .current_dir(root)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run bash: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "scripts/install-test-deps.sh failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A program the tests drive, by its path under `target/` (e.g. `test-venv/bin/python`),
/// installed by `scripts/install-test-deps.sh` (run here when needed). These tests
/// drive real tools and must not pass without them.
#[track_caller]
pub fn test_tool(rel: &str) -> PathBuf {
    install_test_deps();
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(rel);
    assert!(
        p.exists(),
        "{} is missing after scripts/install-test-deps.sh (is npm installed?)",
        p.display()
    );
    p
}

/// A tree holding `files` (path, contents).
pub fn tree<C: AsRef<[u8]>>(files: &[(&str, C)]) -> Tree {
    let t = Tree::new();
    for (path, content) in files {
        t.write(path, content);
    }
    t
}

/// Panic unless the SARIF file at `path` passes Microsoft's SARIF multitool (installed by
/// `scripts/install-test-deps.sh`) with the SARIF and GitHub-ingestion rules, without an
/// error or a GitHub rule result; returns the document.
#[track_caller]
pub fn validate_sarif(path: &Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("validation.sarif");
    let tool = test_tool("test-node/node_modules/.bin/sarif-multitool");
    // The npm wrapper hands its arguments to a shell: lists need their own quotes.
    let out = Command::new(tool)
        .arg("validate")
        .args(["--rule-kind", "\"Gh;Sarif\""])
        .args(["--level", "\"Error;Warning\""])
        .arg(path)
        .arg("-o")
        .arg(&log)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "sarif-multitool failed:\n{said}");
    assert!(said.contains("1 files scanned"), "{said}");
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&log).unwrap()).unwrap();
    let problems: Vec<String> = report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error" || r["ruleId"].as_str().unwrap().starts_with("GH"))
        .map(|r| r.to_string())
        .collect();
    assert!(
        problems.is_empty(),
        "{}: validator errors:\n{}",
        path.display(),
        problems.join("\n")
    );
    serde_json::from_slice(&fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Validate the JSON document at `doc` against `schemas/SCHEMA` with the `jsonschema`
/// package from PyPI (Draft 2020-12, the schema itself checked first); `Err` lists
/// each error with its path in the document.
pub fn validate_against_schema(schema: &str, doc: &Path) -> Result<(), String> {
    let python = test_tool("test-venv/bin/python");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(schema);
    let out = Command::new(python)
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             jsonschema.Draft202012Validator.check_schema(schema)\n\
             errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))\n\
             for e in errors: print(list(e.absolute_path), e.message)\n\
             sys.exit(1 if errors else 0)",
        ])
        .arg(&schema)
        .arg(doc)
        .output()
        .map_err(|e| format!("cannot run python: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A CPython of 3.12 or later, for syntax that 3.11 does not know.
pub fn modern_python() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = ["python3.14", "python3.13", "python3.12"]
        .iter()
        .map(PathBuf::from)
        .collect();
    if let Ok(root) = std::env::var("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| Path::new(&h).join(".pyenv")))
    {
        if let Ok(dirs) = fs::read_dir(root.join("versions")) {
            let mut found: Vec<PathBuf> = dirs
                .filter_map(|d| d.ok())
                .map(|d| d.path().join("bin/python3"))
                .collect();
            found.sort();
            found.reverse();
            candidates.extend(found);
        }
    }
    candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import sys; sys.exit(sys.version_info < (3, 12))"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Does `python` parse `source`?
pub fn cpython_parses(python: &Path, source: &[u8]) -> bool {
    use std::io::Write;
    let mut child = Command::new(python)
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.buffer.read())"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(source).unwrap();
    child.wait().unwrap().success()
}

/// The line and message of CPython's `SyntaxError` for `source` (`python3`, or
/// `python` when given), `None` when it parses.
pub fn cpython_syntax_error(python: &Path, source: &[u8]) -> Option<(usize, String)> {
    use std::io::Write;
    let script = "import ast, sys\ntry:\n    ast.parse(sys.stdin.buffer.read())\nexcept SyntaxError as e:\n    print(e.lineno, e.msg)";
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(source).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{python:?} failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let (line, msg) = text.trim_end().split_once(' ')?;
    Some((line.parse().unwrap(), msg.to_string()))
}
