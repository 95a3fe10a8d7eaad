//! Fixture tests: one input file per behaviour in `tests/fixtures/`, its output kept byte
//! for byte in `snapshots/<name>.snap`, fixed a second time to prove idempotence, and,
//! for Python files that only lose awaits, judged by CPython (`tests/judge.py`), which
//! checks the edits independently of tree-sitter.
//!
//! Two kinds of fixture:
//!
//! - a `.py` file whose rules are only `-f` and `--method` is fixed through the library
//!   (`fix::engine::fix_source`); its snapshot is the findings and the diff;
//! - every other fixture is run through the real binary, in a temporary folder that holds
//!   it at `tests/fixtures/<file>` (so that paths read as they do here): a `.py` file
//!   with `--replace-with OLD=NEW` (async twins) or `--output-format FORMAT` (the `check`
//!   formats: text, json, github, sarif), a notebook (`.ipynb`), Markdown (`.md`) or reST
//!   (`.rst`). Its snapshot is what `unawait check` prints, on stdout and on stderr, and
//!   what `unawait diff` prints. `fix` must write exactly what that diff says, and a
//!   second `fix` must find nothing to do.
//!
//! Rules for every fixture: functions `get_websocket_manager` and `make_client`, method
//! `fetch_sync`. A header replaces them, and may add `--replace-with OLD=NEW` and
//! `--output-format FORMAT`: `# unawait-test: FLAGS` as the first line of a `.py` file,
//! `<!-- unawait-test: FLAGS -->` as the first line of a `.md` file,
//! `.. unawait-test: FLAGS` as the first line of a `.rst` file, and
//! `"unawait-test": "FLAGS"` in the top-level metadata of a notebook.
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

/// The kinds of file a fixture can be, by extension.
const EXTENSIONS: &[&str] = &["py", "ipynb", "md", "rst"];

/// The binary under test, for the fixtures the library does not fix.
const BIN: &str = env!("CARGO_BIN_EXE_unawait");

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
    decorated_def,
    docs_markdown_blocks,
    docs_rst_blocks,
    evaluation_scopes,
    expression_contexts,
    extra_spaces_and_tabs,
    format_github,
    format_json,
    format_sarif,
    format_text,
    fstring,
    global_nonlocal,
    ignore_comment,
    import_error_fallback,
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
    notebook_code_cells,
    notebook_twin_import,
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
    twin_extends_import,
    twin_module_attribute,
    twin_replaces_unused_import,
    unicode_identifiers,
    walrus_and_loops,
);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot_path(name: &str) -> PathBuf {
    root().join("snapshots").join(format!("{name}.snap"))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One fixture file and the flags its header gives.
struct Fixture {
    name: String,
    /// `tests/fixtures/<name>.<ext>`: where it is, and how the binary is given it.
    rel: String,
    ext: &'static str,
    source: Vec<u8>,
    functions: Vec<String>,
    methods: Vec<String>,
    /// `OLD=NEW` pairs.
    replace_with: Vec<String>,
    output_format: Option<String>,
}

impl Fixture {
    fn load(name: &str) -> Fixture {
        let found: Vec<&'static str> = EXTENSIONS
            .iter()
            .copied()
            .filter(|ext| fixture_file(name, ext).is_file())
            .collect();
        let ext = match found[..] {
            [ext] => ext,
            [] => panic!(
                "{name}: no tests/fixtures/{name}.{{{}}}",
                EXTENSIONS.join(",")
            ),
            _ => panic!("{name}: more than one fixture file: {found:?}"),
        };
        let source = read(&fixture_file(name, ext));
        let mut fixture = Fixture {
            name: name.to_string(),
            rel: format!("tests/fixtures/{name}.{ext}"),
            ext,
            source,
            functions: Vec::new(),
            methods: Vec::new(),
            replace_with: Vec::new(),
            output_format: None,
        };
        match fixture.header() {
            None => {
                fixture.functions = DEFAULT_FUNCTIONS.iter().map(|s| s.to_string()).collect();
                fixture.methods = DEFAULT_METHODS.iter().map(|s| s.to_string()).collect();
            }
            Some(flags) => {
                let mut words = flags.split_whitespace();
                while let Some(flag) = words.next() {
                    let value = words
                        .next()
                        .unwrap_or_else(|| panic!("{name}: `{flag}` needs a value in `{flags}`"))
                        .to_string();
                    match flag {
                        "-f" => fixture.functions.push(value),
                        "--method" => fixture.methods.push(value),
                        "--replace-with" => fixture.replace_with.push(value),
                        "--output-format" => fixture.output_format = Some(value),
                        _ => panic!("{name}: unknown option `{flag}` in `{flags}`"),
                    }
                }
            }
        }
        fixture
    }

    /// The flags of the `unawait-test:` header, in the file type's own comment syntax.
    fn header(&self) -> Option<String> {
        if self.ext == "ipynb" {
            let doc: serde_json::Value = serde_json::from_slice(&self.source)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", self.name));
            return doc["metadata"]["unawait-test"].as_str().map(str::to_string);
        }
        let first_line = self
            .source
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        let first_line = String::from_utf8_lossy(first_line);
        let first_line = first_line.trim_end();
        let flags = match self.ext {
            "py" => first_line.strip_prefix("# unawait-test:"),
            "md" => first_line
                .strip_prefix("<!-- unawait-test:")
                .and_then(|rest| rest.strip_suffix("-->")),
            "rst" => first_line.strip_prefix(".. unawait-test:"),
            other => unreachable!("extension {other}"),
        };
        flags.map(str::to_string)
    }

    /// A Python file with only `-f` and `--method` rules: fixed through the library.
    fn through_library(&self) -> bool {
        self.ext == "py" && self.replace_with.is_empty() && self.output_format.is_none()
    }

    /// A Python file that only loses awaits, so that CPython can judge the result.
    fn judged(&self) -> bool {
        self.ext == "py" && self.replace_with.is_empty()
    }

    fn rules(&self) -> RuleSet {
        RuleSet::new(&self.functions, &self.methods, &[]).expect("fixture rules are valid")
    }

    /// The rule flags for the binary.
    fn rule_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for f in &self.functions {
            args.extend(["-f".to_string(), f.clone()]);
        }
        for m in &self.methods {
            args.extend(["--method".to_string(), m.clone()]);
        }
        for pair in &self.replace_with {
            args.extend(["--replace-with".to_string(), pair.clone()]);
        }
        args
    }
}

fn fixture_file(name: &str, ext: &str) -> PathBuf {
    root().join("tests/fixtures").join(format!("{name}.{ext}"))
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

/// Compare `got` with the snapshot of `name`, or write it under `UPDATE_SNAPSHOTS=1`.
fn assert_snapshot(name: &str, got: &[u8]) {
    let snap = snapshot_path(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&snap, got)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", snap.display()));
        return;
    }
    let want = std::fs::read(&snap).unwrap_or_else(|_| {
        panic!(
            "{name}: no snapshot at {}; create it with \
             `UPDATE_SNAPSHOTS=1 cargo test --test fixtures` and check it by eye. \
             It would be:\n{}",
            snap.display(),
            String::from_utf8_lossy(got)
        )
    });
    assert!(
        want == got,
        "{name}: output differs from {}; {}\n--- got ---\n{}\n\
         (if the change is intended: `UPDATE_SNAPSHOTS=1 cargo test --test fixtures`, \
         then review the snapshot)",
        snap.display(),
        first_difference(&want, got),
        String::from_utf8_lossy(got)
    );
}

fn check_fixture(name: &str) {
    let fixture = Fixture::load(name);
    if fixture.through_library() {
        check_through_library(&fixture);
    } else {
        check_through_binary(&fixture);
    }
}

// ---------------------------------------------------------------------------------
// Fixtures fixed through the library.

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
        Action::Left(why) => format!("left({})", why.key()),
    }
}

/// The snapshot text: findings, then the diff bytes as they are.
fn render(fixture: &Fixture, fixed: &Fixed) -> Vec<u8> {
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
    out.extend_from_slice(&file_diff(
        fixture.rel.as_bytes(),
        &fixture.source,
        &fixed.output,
        &Palette::plain(),
    ));
    out
}

fn check_through_library(fixture: &Fixture) {
    let name = &fixture.name;
    let rules = fixture.rules();
    let fixed = fix(name, &fixture.source, &rules);
    assert_snapshot(name, &render(fixture, &fixed));

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

// ---------------------------------------------------------------------------------
// Fixtures run through the binary.

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// A temporary folder holding one fixture at `tests/fixtures/<file>`, with an empty
/// `unawait.toml` (so that no configuration above the folder applies) and an empty home
/// folder of its own.
struct Sandbox {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
    rel: String,
}

impl Sandbox {
    fn new(fixture: &Fixture) -> Sandbox {
        let sandbox = Sandbox {
            dir: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
            rel: fixture.rel.clone(),
        };
        std::fs::create_dir_all(sandbox.dir.path().join("tests/fixtures")).unwrap();
        std::fs::write(
            sandbox.dir.path().join("unawait.toml"),
            "# A fixture sandbox: the rules come from the flags.\n",
        )
        .unwrap();
        sandbox.write(&fixture.source);
        sandbox
    }

    fn write(&self, bytes: &[u8]) {
        std::fs::write(self.dir.path().join(&self.rel), bytes).unwrap();
    }

    fn read(&self) -> Vec<u8> {
        read(&self.dir.path().join(&self.rel))
    }

    /// `unawait SUBCOMMAND FLAGS... tests/fixtures/<file>` in the folder.
    fn run(&self, subcommand: &str, flags: &[String]) -> Run {
        let out = Command::new(BIN)
            .arg(subcommand)
            .args(flags)
            .arg(&self.rel)
            .current_dir(self.dir.path())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", self.dir.path().parent().unwrap())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null())
            .output()
            .expect("cannot start unawait");
        let run = Run {
            code: out.status.code().expect("unawait was killed by a signal"),
            stdout: out.stdout,
            stderr: out.stderr,
        };
        assert!(
            !String::from_utf8_lossy(&run.stderr).contains("panicked"),
            "unawait {subcommand} {flags:?} panicked:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        run
    }

    /// `text` with the parts that depend on this folder and this build written as
    /// `$ROOT` and `$VERSION`.
    fn normalise(&self, text: &[u8]) -> Vec<u8> {
        // The binary names its current folder as getcwd() gives it: canonical.
        let root = std::fs::canonicalize(self.dir.path()).unwrap();
        let root = root.to_str().unwrap();
        let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
        String::from_utf8_lossy(text)
            .replace(root, "$ROOT")
            .replace(&version, "\"$VERSION\"")
            .into_bytes()
    }
}

/// One section of a binary fixture's snapshot: a header line, then `body` (ending in a
/// newline).
fn section(out: &mut Vec<u8>, header: &str, body: &[u8]) {
    out.extend_from_slice(format!("# {header}\n").as_bytes());
    out.extend_from_slice(body);
    if !body.is_empty() && !body.ends_with(b"\n") {
        out.extend_from_slice(b"\n# (no newline at the end)\n");
    }
}

fn check_through_binary(fixture: &Fixture) {
    let name = &fixture.name;
    let rules = fixture.rule_args();
    let sandbox = Sandbox::new(fixture);

    let mut check_flags = rules.clone();
    if let Some(format) = &fixture.output_format {
        check_flags.extend(["--output-format".to_string(), format.clone()]);
    }
    let check = sandbox.run("check", &check_flags);
    let diff = sandbox.run("diff", &rules);
    let command = |sub: &str, flags: &[String]| {
        let mut words = vec!["unawait", sub];
        words.extend(flags.iter().map(String::as_str));
        words.push(&fixture.rel);
        words.join(" ")
    };
    let mut got = Vec::new();
    section(
        &mut got,
        &format!("{}: exit {}", command("check", &check_flags), check.code),
        &sandbox.normalise(&check.stdout),
    );
    section(&mut got, "stderr", &sandbox.normalise(&check.stderr));
    section(
        &mut got,
        &format!("{}: exit {}", command("diff", &rules), diff.code),
        &diff.stdout,
    );
    assert_snapshot(name, &got);
    assert_eq!(
        sandbox.read(),
        fixture.source,
        "{name}: check or diff wrote"
    );

    // `fix` writes what the diff says: the diff, applied with git to the original,
    // gives the same bytes.
    let fix = sandbox.run("fix", &rules);
    assert_eq!(
        fix.code,
        diff.code,
        "{name}: fix and diff disagree on the exit status:\n{}",
        String::from_utf8_lossy(&fix.stderr)
    );
    let fixed = sandbox.read();
    let applied = Sandbox::new(fixture);
    let patch = applied.home.path().join("fixture.patch");
    std::fs::write(&patch, &diff.stdout).unwrap();
    if !diff.stdout.is_empty() {
        let out = Command::new("git")
            .arg("apply")
            .arg(&patch)
            .current_dir(applied.dir.path())
            .env(
                "GIT_CEILING_DIRECTORIES",
                applied.dir.path().parent().unwrap(),
            )
            .output()
            .expect("cannot start git");
        assert!(
            out.status.success(),
            "{name}: git apply rejects the diff:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        applied.read() == fixed,
        "{name}: fix wrote something else than the diff says:\n--- fix ---\n{}\n--- diff applied ---\n{}",
        String::from_utf8_lossy(&fixed),
        String::from_utf8_lossy(&applied.read())
    );

    // Idempotence: a second run finds nothing to change.
    let again = sandbox.run("diff", &rules);
    assert!(
        again.stdout.is_empty(),
        "{name}: a second run still changes the file:\n{}",
        String::from_utf8_lossy(&again.stdout)
    );
    sandbox.run("fix", &rules);
    assert!(
        sandbox.read() == fixed,
        "{name}: a second fix changes the file"
    );
}

/// The names of the fixture files (`<stem>`, any known extension) in `dir`.
fn fixture_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| EXTENSIONS.iter().any(|ext| x == *ext))
        })
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
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
    let files = fixture_names(&root().join("tests/fixtures"));
    let untested: Vec<&String> = files.iter().filter(|n| !listed.contains(n)).collect();
    assert!(
        untested.is_empty(),
        "fixtures not listed in tests/fixtures.rs `fixtures!`: {untested:?}"
    );
    let mut stems = files.clone();
    stems.dedup();
    assert_eq!(
        stems, files,
        "two fixture files with one name (and two extensions)"
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
        let fixture = Fixture::load(name);
        if !fixture.judged() {
            continue;
        }
        let source = &fixture.source;
        let (removed, after) = if fixture.through_library() {
            let fixed = match fix_source(source, &fixture.rules(), FixOptions::default(), ctx()) {
                Ok(fixed) => fixed,
                Err(e) => {
                    unfixable.push(format!("{name}: {e}"));
                    continue;
                }
            };
            let starts = cpython_line_starts(source);
            let removed: Vec<(usize, usize)> = fixed
                .findings
                .iter()
                .filter(|f| f.finding.action == Action::RemoveAwait)
                .map(|f| cpython_position(source, &starts, f.finding.keyword.start))
                .collect();
            (removed, fixed.output)
        } else {
            removed_by_binary(&fixture)
        };
        manifest.push(judge_entry(dir.path(), name, source, &after, &removed));
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

/// For a fixture run through the binary: CPython's position of each `await` that
/// `check --output-format json` says goes, and the file `fix` writes.
fn removed_by_binary(fixture: &Fixture) -> (Vec<(usize, usize)>, Vec<u8>) {
    let name = &fixture.name;
    let text = std::str::from_utf8(&fixture.source)
        .unwrap_or_else(|_| panic!("{name}: the judge reads JSON columns of UTF-8 sources only"));
    assert!(!text.contains('\r'), "{name}: LF line endings only");
    let sandbox = Sandbox::new(fixture);
    let mut flags = fixture.rule_args();
    flags.extend(["--output-format".to_string(), "json".to_string()]);
    let doc: serde_json::Value = serde_json::from_slice(&sandbox.run("check", &flags).stdout)
        .unwrap_or_else(|e| panic!("{name}: check --output-format json: {e}"));
    let lines: Vec<&str> = text.split('\n').collect();
    let removed = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap().clone())
        .filter(|f| f["action"] == "remove-await")
        .map(|f| {
            // The finding starts at the keyword: a 1-based line and code-point column,
            // where CPython counts UTF-8 bytes.
            let line = f["location"]["line"].as_u64().unwrap() as usize;
            let column = f["location"]["column"].as_u64().unwrap() as usize;
            let prefix: String = lines[line - 1].chars().take(column - 1).collect();
            (line, prefix.len())
        })
        .collect();
    sandbox.run("fix", &fixture.rule_args());
    (removed, sandbox.read())
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
