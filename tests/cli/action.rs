//! The GitHub Action: `scripts/action.sh`, the step `action.yml` runs, driven here with
//! the environment a GitHub runner gives it (`GITHUB_WORKSPACE`, `RUNNER_TEMP`,
//! `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_PATH`, `GITHUB_ACTION_PATH`) and the
//! binary under test on PATH (`install: none`). It checks the annotations on stdout, the
//! SARIF file (through Microsoft's SARIF multitool, with the GitHub ingestion rules), the
//! step outputs and summary, and the exit status, which comes last: 1 with findings, 0
//! without, 2 on an error, and the SARIF written in every case it can be.
//!
//! `action.yml` itself runs through `tests/actions_runner.py`, a stand-in for the runner
//! (the composite action, its inputs and outputs, `if: always()`, upload-sarif's
//! input). Installing with pip, and the README's workflow, are in tests/packaging.rs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::*;
use serde_json::Value;

/// The repository under test: the action's own folder.
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A runner for one job: the workspace (a git repository), and beside it, outside the
/// workspace, the runner's temporary folder, the files behind `GITHUB_OUTPUT`,
/// `GITHUB_STEP_SUMMARY` and `GITHUB_PATH`, and a bin folder holding `unawait`.
struct Runner {
    workspace: Tree,
    outside: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let workspace = Tree::git();
        let outside = tempfile::Builder::new()
            .prefix("unawait-runner")
            .tempdir()
            .unwrap();
        for dir in ["temp", "bin", "home"] {
            fs::create_dir(outside.path().join(dir)).unwrap();
        }
        for file in ["output", "summary", "path"] {
            fs::write(outside.path().join(file), "").unwrap();
        }
        std::os::unix::fs::symlink(BIN, outside.path().join("bin/unawait")).unwrap();
        Runner { workspace, outside }
    }

    fn at(&self, rel: &str) -> PathBuf {
        self.outside.path().join(rel)
    }

    /// `RUNNER_TEMP`, as a string for the expected texts.
    fn temp(&self) -> String {
        self.at("temp").to_str().unwrap().to_string()
    }

    fn text(&self, rel: &str) -> String {
        fs::read_to_string(self.at(rel)).unwrap()
    }

    /// A command with the runner's environment; `bin` says whether `unawait` is on PATH.
    fn command(&self, program: &Path, bin: bool) -> Command {
        let mut path = String::from("/usr/local/bin:/usr/bin:/bin");
        if bin {
            path = format!("{}:{path}", self.at("bin").display());
        }
        let mut c = Command::new(program);
        c.current_dir(self.workspace.path())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.at("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", self.workspace.path())
            .env("RUNNER_TEMP", self.at("temp"))
            .env("GITHUB_OUTPUT", self.at("output"))
            .env("GITHUB_STEP_SUMMARY", self.at("summary"))
            .env("GITHUB_PATH", self.at("path"))
            .env("GITHUB_ACTION_PATH", repo())
            .stdin(Stdio::null());
        c
    }

    /// Run scripts/action.sh with `inputs` (`UNAWAIT_*` variables, as action.yml sets
    /// them).
    fn script(&self, inputs: &[(&str, &str)], bin: bool) -> Run {
        let mut c = self.command(Path::new("bash"), bin);
        c.arg(repo().join("scripts/action.sh"));
        for (k, v) in inputs {
            c.env(k, v);
        }
        Run::from_output(&["scripts/action.sh"], c.output().unwrap())
    }

    /// What the step left in the runner's temporary folder, by name.
    fn temp_files(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.at("temp"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

const RULES: (&str, &str) = ("UNAWAIT_ARGS", "-f get_manager");
const NONE: (&str, &str) = ("UNAWAIT_INSTALL", "none");

/// The annotation of `SRC` at `path`.
fn annotation(path: &str) -> String {
    format!("::error file={path},line=5,col=15,endLine=5,endColumn=34,title=unawait (UNA001)::`await` on synchronous `get_manager()` (rule `get_manager`): remove the `await`\n")
}

/// The URIs of the SARIF results, in order.
fn result_uris(doc: &Value) -> Vec<String> {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn findings_are_annotated_and_the_sarif_is_written_before_exit_1() {
    let r = Runner::new();
    r.workspace.write("app/a.py", SRC);
    r.workspace.write("app/b.py", SRC);
    r.workspace.write("app/clean.py", CLEAN);
    let sarif = format!("{}/unawait.sarif", r.temp());
    r.script(&[NONE, RULES], true).expect(
        1,
        annotation("app/a.py") + &annotation("app/b.py"),
        &["unawait: 3 files scanned (2 parsed); 2 files to change, 2 awaits to fix"],
    );
    assert_eq!(
        r.text("output"),
        format!("sarif-file={sarif}\nfindings=2\nexit-code=1\n")
    );
    assert_eq!(
        r.text("summary"),
        format!(
            "### unawait check\n\nAwaits to fix: 2 (see the annotations).\n\n    \
             unawait: 3 files scanned (2 parsed); 2 files to change, 2 awaits to fix\n\n\
             SARIF: `{sarif}`\n"
        )
    );
    let doc = validate_sarif(Path::new(&sarif));
    assert_eq!(result_uris(&doc), ["app/a.py", "app/b.py"]);
    assert_eq!(
        doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", r.workspace.path().display())
    );
    // Nothing else is left behind, nothing is added to PATH, no file changed.
    assert_eq!(r.temp_files(), ["unawait.sarif"]);
    assert_eq!(r.text("path"), "");
    assert_eq!(r.workspace.text("app/a.py"), SRC);
}

#[test]
fn a_clean_tree_exits_0_with_an_empty_sarif() {
    let r = Runner::new();
    r.workspace.write("app/clean.py", CLEAN);
    let sarif = format!("{}/unawait.sarif", r.temp());
    r.script(&[NONE, RULES], true).expect(
        0,
        "",
        &[
            "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
            "unawait: 1 file scanned (0 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
    assert_eq!(
        r.text("output"),
        format!("sarif-file={sarif}\nfindings=0\nexit-code=0\n")
    );
    assert_eq!(
        r.text("summary"),
        format!(
            "### unawait check\n\nNo `await` on a synchronous call.\n\n    \
             unawait: 1 file scanned (0 parsed); 0 files to change, 0 awaits to fix\n\n\
             SARIF: `{sarif}`\n"
        )
    );
    let doc = validate_sarif(Path::new(&sarif));
    assert_eq!(result_uris(&doc), Vec::<String>::new());
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn a_file_that_cannot_be_processed_exits_2_and_still_writes_the_sarif() {
    let r = Runner::new();
    r.workspace.write("app/a.py", SRC);
    r.workspace
        .write("app/broken.py", "async def h(:\n    await get_manager()\n");
    let sarif = format!("{}/unawait.sarif", r.temp());
    r.script(&[NONE, RULES], true).expect(
        2,
        annotation("app/a.py")
            + "::error file=app/broken.py,title=unawait::app/broken.py: syntax error at 1:13: expected a parameter or the end of the parameter list; file left unchanged\n",
        &[
            "unawait: app/broken.py: syntax error at 1:13: expected a parameter or the end of the parameter list; file left unchanged",
            "unawait: 2 files scanned (2 parsed); 1 file to change, 1 await to fix; 1 file skipped with errors (1 syntax error)",
        ],
    );
    assert_eq!(
        r.text("output"),
        format!("sarif-file={sarif}\nfindings=1\nexit-code=2\n")
    );
    assert!(
        r.text("summary")
            .contains("\nFailed with exit status 2 (see the log).\n"),
        "{}",
        r.text("summary")
    );
    let doc = validate_sarif(Path::new(&sarif));
    assert_eq!(result_uris(&doc), ["app/a.py"]);
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["message"]["text"],
        "syntax error at 1:13: expected a parameter or the end of the parameter list; file left unchanged"
    );
}

#[test]
fn a_usage_error_exits_2_and_leaves_no_sarif_file() {
    let r = Runner::new();
    r.workspace.write("app/a.py", SRC);
    let sarif = format!("{}/unawait.sarif", r.temp());
    // No rules: neither here nor in a [tool.unawait].
    r.script(&[NONE], true).expect(
        2,
        format!("::error title=unawait::no SARIF written to {sarif} (unawait check exited with status 2)\n"),
        &[&format!(
            "unawait: error: no functions to look for: pass -f NAME (or --method NAME), or set `functions` in [tool.unawait] (no configuration file was found: looked for unawait.toml, and pyproject.toml with [tool.unawait], in {} and every folder above it)",
            r.workspace.path().display()
        )],
    );
    assert_eq!(r.text("output"), "findings=0\nexit-code=2\n");
    assert_eq!(
        r.text("summary"),
        "### unawait check\n\nFailed with exit status 2 (see the log).\n"
    );
    assert_eq!(r.temp_files(), Vec::<String>::new());
}

#[test]
fn paths_args_and_a_relative_sarif_file_are_the_inputs() {
    let r = Runner::new();
    r.workspace.write("app/a.py", SRC);
    r.workspace.write("lib/b.py", SRC);
    r.workspace.write("lib/legacy/c.py", SRC);
    r.workspace.write("other/d.py", SRC);
    // Newlines separate as blanks do (a YAML block scalar in `with:`).
    let run = r.script(
        &[
            NONE,
            ("UNAWAIT_PATHS", "app\nlib"),
            (
                "UNAWAIT_ARGS",
                "-f get_manager\n--exclude   lib/legacy --color never",
            ),
            ("UNAWAIT_SARIF_FILE", "reports/unawait.sarif"),
        ],
        true,
    );
    run.expect(
        1,
        annotation("app/a.py") + &annotation("lib/b.py"),
        &[&summary_to_fix(2)],
    );
    let sarif = r.workspace.join("reports/unawait.sarif");
    assert_eq!(
        r.text("output"),
        format!("sarif-file={}\nfindings=2\nexit-code=1\n", sarif.display())
    );
    let doc = validate_sarif(&sarif);
    assert_eq!(result_uris(&doc), ["app/a.py", "lib/b.py"]);
}

#[test]
fn the_rules_may_come_from_the_projects_pyproject() {
    let r = Runner::new();
    r.workspace.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"get_manager\"]\n",
    );
    r.workspace.write("app/a.py", SRC);
    r.script(&[NONE], true)
        .expect(1, annotation("app/a.py"), &[&summary_to_fix(1)]);
}

#[test]
fn no_unawait_to_run_is_an_error() {
    let r = Runner::new();
    r.workspace.write("app/a.py", SRC);
    r.script(&[NONE, RULES], false).expect(
        2,
        "::error title=unawait::no unawait command on PATH\n",
        &[],
    );
    r.script(&[("UNAWAIT_INSTALL", "brew"), RULES], true)
        .expect(
            2,
            "::error title=unawait::install: unknown method 'brew' (pip or none)\n",
            &[],
        );
    assert_eq!(r.text("output"), "");
}

/// Run `workflow` (YAML) through tests/actions_runner.py, with `uses: me/unawait@v-test`
/// standing for this repository; returns the runner's exit status, stdout, stderr and
/// report.
fn run_workflow(r: &Runner, workflow: &str) -> (Option<i32>, String, String, Value) {
    let file = r.at("workflow.yml");
    fs::write(&file, workflow).unwrap();
    let report = r.at("report.json");
    let out = r
        .command(&test_tool("test-venv/bin/python"), true)
        .arg(repo().join("tests/actions_runner.py"))
        .arg(&file)
        .arg(&report)
        .arg("--action")
        .arg(format!("me/unawait@v-test={}", repo().display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(out.status.code(), Some(3), "actions_runner: {stderr}");
    let report = fs::read(&report).unwrap_or_else(|e| panic!("no report ({e}): {stderr}"));
    let report = serde_json::from_slice(&report).unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        report,
    )
}

#[test]
fn action_yml_hands_the_inputs_to_the_script_and_its_outputs_to_upload_sarif() {
    let r = Runner::new();
    r.workspace.write("app/a.py", SRC);
    r.workspace.write("other/b.py", SRC);
    let (code, stdout, stderr, report) = run_workflow(
        &r,
        "jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: me/unawait@v-test
        id: unawait
        with:
          install: none
          paths: app
          args: -f get_manager
          sarif-file: out/unawait.sarif
      - run: echo not run after a failure
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: ${{ steps.unawait.outputs.sarif-file }}
",
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, annotation("app/a.py"));
    assert_eq!(stderr, format!("{}\n", summary_to_fix(1)));
    let sarif = r.workspace.join("out/unawait.sarif");
    let sarif = sarif.to_str().unwrap();
    assert_eq!(
        report,
        serde_json::json!({
            "conclusion": "failure",
            "steps": [
                {"id": null, "outcome": "success", "exit_code": 0, "outputs": {}},
                {"id": "unawait", "outcome": "failure", "exit_code": 1, "outputs": {
                    "sarif-file": sarif, "findings": "1", "exit-code": "1"}},
                {"id": null, "outcome": "skipped", "exit_code": null, "outputs": {}},
                {"id": null, "outcome": "success", "exit_code": 0, "outputs": {}}
            ],
            "uploads": [{"sarif_file": sarif}],
            "path": []
        })
    );
    let doc = validate_sarif(Path::new(sarif));
    assert_eq!(result_uris(&doc), ["app/a.py"]);
}

#[test]
fn action_yml_defaults_check_the_workspace_and_write_the_sarif_in_runner_temp() {
    let r = Runner::new();
    r.workspace.write("app/a.py", CLEAN);
    let (code, stdout, stderr, report) = run_workflow(
        &r,
        "- uses: me/unawait@v-test
  id: unawait
  with: {install: none, args: -f get_manager}
- run: test \"$(cat \"$SARIF\" | head -c 1)\" = \"{\"
  env:
    SARIF: ${{ steps.unawait.outputs.sarif-file }}
",
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "");
    let sarif = format!("{}/unawait.sarif", r.temp());
    assert_eq!(report["conclusion"], "success");
    assert_eq!(
        report["steps"][0]["outputs"],
        serde_json::json!({"sarif-file": sarif, "findings": "0", "exit-code": "0"})
    );
    assert_eq!(report["steps"][1]["outcome"], "success");
    validate_sarif(Path::new(&sarif));
}
