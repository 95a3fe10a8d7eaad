//! Running a type checker on the scanned files: found on PATH, else as `python3 -m` /
//! `python -m`, run in the project root with the output format this module reads, its
//! stdout captured. It exits non-zero when it finds errors: that is its answer, not a
//! failure. It never writes into the project: mypy's cache is turned off.
//!
//! | checker | command |
//! | --- | --- |
//! | ty | `ty check --output-format gitlab --no-progress PATHS` |
//! | pyright | `pyright --outputjson PATHS` |
//! | mypy | `mypy -O json --check-untyped-defs --cache-dir=/dev/null PATHS` (unannotated functions are checked too: the awaits to fix are often in them) |
//! | pyrefly | `pyrefly check --output-format sarif PATHS` |

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Checker;

/// A finished run of a checker.
#[derive(Clone, Debug)]
pub struct Ran {
    pub checker: Checker,
    /// What it printed on stdout: the diagnostics.
    pub output: String,
    /// The command, as a person would type it.
    pub command: String,
    pub took: Duration,
}

impl Ran {
    /// `ran `ty check --output-format gitlab --no-progress src` in 0.41 s`
    pub fn describe(&self) -> String {
        format!("ran `{}` in {:.2} s", self.command, self.took.as_secs_f64())
    }
}

#[derive(Debug)]
pub enum RunError {
    /// Neither on PATH nor importable by a Python on PATH.
    NotFound { checker: Checker },
    /// It could not be started.
    Spawn {
        command: String,
        error: std::io::Error,
    },
    /// It ended in a way that is not an answer (a crash, a bad configuration, mypy's
    /// blocking error).
    Failed {
        command: String,
        status: String,
        said: String,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotFound { checker } => write!(
                f,
                "{checker} not found: neither `{checker}` on PATH nor `python3 -m {checker}` \
                 works; install it (`pip install {package}`) or pass its output with \
                 --diagnostics FILE",
                package = checker.name()
            ),
            RunError::Spawn { command, error } => write!(f, "cannot run `{command}`: {error}"),
            RunError::Failed {
                command,
                status,
                said,
            } => write!(f, "`{command}` failed ({status}): {said}"),
        }
    }
}

impl std::error::Error for RunError {}

fn arguments(checker: Checker) -> &'static [&'static str] {
    match checker {
        Checker::Ty => &["check", "--output-format", "gitlab", "--no-progress"],
        Checker::Pyright => &["--outputjson"],
        Checker::Mypy => &["-O", "json", "--check-untyped-defs", NULL_CACHE],
        Checker::Pyrefly => &["check", "--output-format", "sarif"],
    }
}

#[cfg(windows)]
const NULL_CACHE: &str = "--cache-dir=nul";
#[cfg(not(windows))]
const NULL_CACHE: &str = "--cache-dir=/dev/null";

/// The exit statuses that are answers: 0 (nothing found) and 1 (errors found).
fn answered(code: Option<i32>) -> bool {
    matches!(code, Some(0 | 1))
}

/// Run `checker` on `paths` (absolute, or relative to `project_root`, where it runs),
/// looked up on the PATH of this process.
pub fn run_checker(
    checker: Checker,
    paths: &[PathBuf],
    project_root: &Path,
) -> Result<Ran, RunError> {
    run_checker_with(
        checker,
        paths,
        project_root,
        std::env::var_os("PATH").as_deref(),
    )
}

/// [`run_checker`], with the checker looked up on `search` (a PATH value), which the
/// checker gets as its PATH too.
pub fn run_checker_with(
    checker: Checker,
    paths: &[PathBuf],
    project_root: &Path,
    search: Option<&OsStr>,
) -> Result<Ran, RunError> {
    let program = find_checker(checker, search)?;
    let mut argv: Vec<OsString> = program;
    argv.extend(arguments(checker).iter().map(OsString::from));
    if paths.is_empty() {
        argv.push(".".into());
    }
    argv.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    let command = shown(&argv);
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .current_dir(project_root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(search) = search {
        cmd.env("PATH", search);
    }
    let started = Instant::now();
    let out = cmd.output().map_err(|error| RunError::Spawn {
        command: command.clone(),
        error,
    })?;
    let took = started.elapsed();
    let output = String::from_utf8_lossy(&out.stdout).into_owned();
    if !answered(out.status.code()) {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let said = [stderr.trim(), output.trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("it printed nothing");
        return Err(RunError::Failed {
            command,
            status: out.status.to_string(),
            said: tail(said, 20),
        });
    }
    Ok(Ran {
        checker,
        output,
        command,
        took,
    })
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The command that runs `checker`: its program on `search`, else a Python on
/// `search` that can import it (`python3 -m mypy`).
pub fn find_checker(checker: Checker, search: Option<&OsStr>) -> Result<Vec<OsString>, RunError> {
    if let Some(p) = on_path(checker.name(), search) {
        return Ok(vec![p.into_os_string()]);
    }
    for python in ["python3", "python"] {
        let Some(python) = on_path(python, search) else {
            continue;
        };
        let mut probe = Command::new(&python);
        probe
            .args(["-m", checker.name(), "--version"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(search) = search {
            probe.env("PATH", search);
        }
        if probe.status().is_ok_and(|s| s.success()) {
            return Ok(vec![
                python.into_os_string(),
                "-m".into(),
                checker.name().into(),
            ]);
        }
    }
    Err(RunError::NotFound { checker })
}

/// The executable `name` in the folders of `search`.
fn on_path(name: &str, search: Option<&OsStr>) -> Option<PathBuf> {
    let suffixes: &[&str] = if cfg!(windows) {
        &[".exe", ".cmd", ".bat", ""]
    } else {
        &[""]
    };
    std::env::split_paths(search?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .flat_map(|dir| suffixes.iter().map(move |s| dir.join(format!("{name}{s}"))))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// A command line as a person would type it (arguments with blanks or quotes quoted).
fn shown(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| {
            let a = a.to_string_lossy();
            let plain = a
                .chars()
                .all(|c| c.is_alphanumeric() || "-_./=:@%+,".contains(c));
            if plain && !a.is_empty() {
                a.into_owned()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_show_as_typed() {
        let argv: Vec<OsString> = ["mypy", "-O", "json", "my file.py", "it's"]
            .into_iter()
            .map(OsString::from)
            .collect();
        assert_eq!(shown(&argv), r"mypy -O json 'my file.py' 'it'\''s'");
    }

    #[test]
    fn a_missing_checker_says_what_to_do() {
        let empty = tempfile::tempdir().unwrap();
        let err = find_checker(Checker::Ty, Some(empty.path().as_os_str())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ty not found: neither `ty` on PATH nor `python3 -m ty` works; install it \
             (`pip install ty`) or pass its output with --diagnostics FILE"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_checker_that_fails_is_an_error_and_an_answer_is_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = |name: &str, body: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        };
        script("ty", "echo '[]'; exit 1");
        script("mypy", "echo 'mypy: error: bad config' >&2; exit 2");
        let search = dir.path().as_os_str();
        let ran = run_checker_with(Checker::Ty, &[], dir.path(), Some(search)).unwrap();
        assert_eq!(ran.output, "[]\n");
        assert!(ran
            .command
            .ends_with("ty check --output-format gitlab --no-progress ."));
        assert!(ran
            .describe()
            .starts_with(&format!("ran `{}` in ", ran.command)));
        let err = run_checker_with(Checker::Mypy, &[], dir.path(), Some(search)).unwrap_err();
        let said = err.to_string();
        assert!(
            said.ends_with("failed (exit status: 2): mypy: error: bad config"),
            "{said}"
        );
    }
}
