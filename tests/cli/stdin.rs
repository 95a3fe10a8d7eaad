//! Source on stdin, as editors send it: `fix -`, `diff -`, `check -` with
//! `--stdin-filename`, for Python files and notebooks.

use crate::common::*;

const PYPROJECT: &str = "[tool.unawait]\nfunctions = [\"get_manager\"]\n";

#[test]
fn fix_from_stdin_writes_the_whole_fixed_source() {
    let t = tree(&[("proj/pyproject.toml", PYPROJECT)]);
    t.mkdir("proj/pkg");
    // The configuration is found from --stdin-filename, not from the current folder.
    t.run_stdin(
        ".",
        &["fix", "-", "--stdin-filename", "proj/pkg/a.py"],
        SRC.as_bytes(),
    )
    .expect(0, FIXED, &[&summary_fixed(1)]);
    assert!(!t.exists("proj/pkg/a.py"), "nothing is written to disk");
    // Nothing to fix: the input comes back unchanged, byte for byte.
    let crlf = CLEAN.replace('\n', "\r\n");
    t.run_stdin(
        ".",
        &["fix", "-q", "-", "--stdin-filename", "proj/pkg/a.py"],
        crlf.as_bytes(),
    )
    .expect(0, &crlf, &[]);
}

#[test]
fn stdin_follows_excludes_and_never_loses_the_buffer() {
    let t = tree(&[(
        "pyproject.toml",
        format!("{PYPROJECT}extend-exclude = [\"legacy\"]\n"),
    )]);
    // Excluded folder: passed through unchanged, exit 0.
    t.run_stdin(
        ".",
        &["fix", "-", "--stdin-filename", "legacy/old/a.py"],
        SRC.as_bytes(),
    )
    .expect(
        0,
        SRC,
        &["unawait: legacy/old/a.py: excluded by the configuration; left unchanged"],
    );
    // A syntax error: the input comes back unchanged, the reason on stderr, exit 2.
    let broken = "async def f(:\n    await get_manager()\n";
    t.run_stdin(
        ".",
        &["fix", "-", "--stdin-filename", "a.py"],
        broken.as_bytes(),
    )
    .expect(
        2,
        broken,
        &[
            "unawait: a.py: syntax error at 1:13: expected a parameter or the end of the parameter list; file left unchanged",
            "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 file skipped with errors (1 syntax error)",
        ],
    );
}

#[test]
fn diff_and_check_from_stdin_use_the_given_name() {
    let t = Tree::git();
    t.write("pyproject.toml", PYPROJECT);
    t.mkdir("app");
    let run = t.run_stdin(
        "app",
        &["diff", "-", "--stdin-filename", "a.py", "--exit-code"],
        SRC.as_bytes(),
    );
    run.expect(1, src_diff("app/a.py"), &[&summary_to_fix(1)]);
    // The diff applies to the real file with git.
    t.write("app/a.py", SRC);
    let patch = t.save_outside("p.diff", &run.stdout);
    t.git_ok(".", &["apply", &patch]);
    assert_eq!(t.text("app/a.py"), FIXED);

    t.run_stdin(
        "app",
        &["check", "-", "--stdin-filename", "a.py"],
        SRC.as_bytes(),
    )
    .expect(1, src_check_line("a.py"), &[&summary_to_fix(1)]);
    // Without a name: `-` in messages, rules from the flags.
    t.run_stdin("app", &["check", "-f", "get_manager", "-"], SRC.as_bytes())
        .expect(1, src_check_line("-"), &[&summary_to_fix(1)]);
}

#[test]
fn stdin_refuses_what_makes_no_sense() {
    let t = Tree::new();
    for (args, error) in [
        (
            &["fix", "-", "a.py", "-f", "g"][..],
            "unawait: error: `-` (stdin) cannot be combined with other paths",
        ),
        (
            &["suggest", "-"][..],
            "unawait: error: `suggest` needs a tree to look at, not stdin",
        ),
        (
            &["fix", "-i", "-", "-f", "g"][..],
            "unawait: error: --interactive cannot read the source on stdin",
        ),
        (
            &["check", "a.py", "--stdin-filename", "b.py", "-f", "g"][..],
            "unawait: error: --stdin-filename needs `-` as the path",
        ),
    ] {
        t.run_stdin(".", args, b"").expect(2, "", &[error]);
    }
}

#[test]
fn a_notebook_on_stdin_is_fixed_as_a_notebook() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/embedded/");
    let nb = std::fs::read(format!("{dir}notebook.ipynb")).unwrap();
    let fixed = std::fs::read(format!("{dir}notebook.fixed.ipynb")).unwrap();
    Tree::new()
        .run_stdin(
            ".",
            &[
                "fix",
                "-f",
                "get_manager",
                "-",
                "--stdin-filename",
                "nb.ipynb",
            ],
            &nb,
        )
        .expect(
            0,
            fixed,
            &["unawait: 1 file scanned (1 parsed); 1 file changed, 4 awaits fixed"],
        );
}
