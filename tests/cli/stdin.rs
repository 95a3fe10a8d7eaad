//! Source on stdin, as editors send it: `fix -`, `diff -`, `check -` with
//! `--stdin-filename`, for Python files and notebooks.

use crate::common::*;

fn config(t: &Tree, dir: &str, functions: &str, extra: &str) {
    t.write(
        &format!("{dir}/pyproject.toml"),
        format!("[tool.unawait]\nfunctions = [{functions}]\n{extra}"),
    );
}

#[test]
fn fix_from_stdin_writes_the_whole_fixed_source() {
    let t = Tree::new();
    config(&t, "proj", "\"get_manager\"", "");
    t.mkdir("proj/pkg");
    // The configuration is found from --stdin-filename, not from the current folder.
    let run = t.run_stdin(
        ".",
        &["fix", "-", "--stdin-filename", "proj/pkg/a.py"],
        SRC.as_bytes(),
    );
    run.code(0);
    assert_eq!(run.out(), FIXED);
    assert!(!t.exists("proj/pkg/a.py"), "nothing is written to disk");
    // Nothing to fix: the input comes back unchanged, byte for byte.
    let crlf = CLEAN.replace('\n', "\r\n");
    let run = t.run_stdin(
        ".",
        &["fix", "-q", "-", "--stdin-filename", "proj/pkg/a.py"],
        crlf.as_bytes(),
    );
    run.code(0);
    assert_eq!(run.out(), crlf);
    assert_eq!(run.stderr, "");
}

#[test]
fn stdin_follows_excludes_and_never_loses_the_buffer() {
    let t = Tree::new();
    config(
        &t,
        ".",
        "\"get_manager\"",
        "extend-exclude = [\"legacy\"]\n",
    );
    // Excluded folder: passed through unchanged, exit 0.
    let run = t.run_stdin(
        ".",
        &["fix", "-", "--stdin-filename", "legacy/old/a.py"],
        SRC.as_bytes(),
    );
    run.code(0);
    assert_eq!(run.out(), SRC);
    assert!(
        run.stderr.contains("legacy/old/a.py: excluded"),
        "{}",
        run.stderr
    );
    // A syntax error: the input comes back unchanged, the reason on stderr, exit 2.
    let broken = "async def f(:\n    await get_manager()\n";
    let run = t.run_stdin(
        ".",
        &["fix", "-", "--stdin-filename", "a.py"],
        broken.as_bytes(),
    );
    run.code(2);
    assert_eq!(run.out(), broken);
    assert!(
        run.stderr.contains("a.py: syntax error at 1:13"),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_and_check_from_stdin_use_the_given_name() {
    let t = Tree::git();
    config(&t, ".", "\"get_manager\"", "");
    t.mkdir("app");
    let run = t.run_stdin(
        "app",
        &["diff", "-", "--stdin-filename", "a.py", "--exit-code"],
        SRC.as_bytes(),
    );
    run.code(1);
    assert_eq!(run.out(), src_diff("app/a.py"));
    // The diff applies to the real file with git.
    t.write("app/a.py", SRC);
    let patch = t.save_outside("p.diff", &run.stdout);
    t.git_ok(".", &["apply", &patch]);
    assert_eq!(t.text("app/a.py"), FIXED);

    let run = t.run_stdin(
        "app",
        &["check", "-", "--stdin-filename", "a.py"],
        SRC.as_bytes(),
    );
    run.code(1);
    assert_eq!(run.out(), src_check_line("a.py"));
    // Without a name: `-` in messages, rules from the flags.
    let run = t.run_stdin("app", &["check", "-f", "get_manager", "-"], SRC.as_bytes());
    run.code(1);
    assert_eq!(run.out(), src_check_line("-"));
}

#[test]
fn stdin_refuses_what_makes_no_sense() {
    let t = Tree::new();
    for (args, why) in [
        (&["fix", "-", "a.py", "-f", "g"][..], "cannot be combined"),
        (&["suggest", "-"][..], "not stdin"),
        (&["fix", "-i", "-", "-f", "g"][..], "--interactive"),
        (
            &["check", "a.py", "--stdin-filename", "b.py", "-f", "g"][..],
            "needs `-`",
        ),
    ] {
        let run = t.run_stdin(".", args, b"");
        run.code(2);
        assert!(run.stderr.contains(why), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_notebook_on_stdin_is_fixed_as_a_notebook() {
    let t = Tree::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/embedded/");
    let nb = std::fs::read(format!("{dir}notebook.ipynb")).unwrap();
    let fixed = std::fs::read(format!("{dir}notebook.fixed.ipynb")).unwrap();
    let run = t.run_stdin(
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
    );
    run.code(0);
    assert!(
        run.stdout == fixed,
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
}
