//! Editor and terminal use: source on stdin (`fix -`, `diff -`, `check -`),
//! `fix --interactive` with piped answers, the progress line in a real
//! pseudo-terminal (`script`), `--version`, and shell completions checked by the
//! shells themselves.

mod common;

use std::process::Command;

use common::*;

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

/// Three awaits to remove in two files.
fn review_tree() -> Tree {
    let t = Tree::new();
    config(&t, ".", "\"get_manager\"", "");
    t.write("a.py", SRC);
    t.write(
        "b.py",
        "from svc import get_manager\n\n\nasync def one():\n    return await get_manager()\n\n\nasync def two():\n    return await get_manager()\n",
    );
    t
}

#[test]
fn interactive_writes_only_accepted_changes() {
    let t = review_tree();
    // a.py: yes; b.py: no to the first, yes to the second.
    let run = t.run_stdin(".", &["fix", "--interactive", "--backup"], b"y\nn\ny\n");
    run.code(0);
    assert_eq!(
        run.out()
            .matches("Apply this change? [y]es, [n]o, [a]ll, [q]uit:")
            .count(),
        3
    );
    assert!(run
        .out()
        .contains("a.py:5:15: remove `await` on `get_manager()`"));
    assert!(run
        .out()
        .contains("-    manager = await get_manager()\n+    manager = get_manager()\n"));
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("a.py.orig"), SRC);
    assert_eq!(
        t.text("b.py"),
        "from svc import get_manager\n\n\nasync def one():\n    return await get_manager()\n\n\nasync def two():\n    return get_manager()\n"
    );
    assert!(run.stderr.contains("1 change declined"), "{}", run.stderr);
    assert!(
        run.summary().contains("2 files changed, 2 awaits fixed"),
        "{}",
        run.summary()
    );
}

#[test]
fn interactive_all_and_quit() {
    // `a` accepts everything from there on, without asking again.
    let t = review_tree();
    let run = t.run_stdin(".", &["fix", "-i"], b"a\n");
    run.code(0);
    assert_eq!(run.out().matches("Apply this change?").count(), 1);
    assert!(!t.text("b.py").contains("await"));
    assert_eq!(t.text("a.py"), FIXED);

    // An unknown answer asks again; `q` stops: later files are untouched.
    let t = review_tree();
    let run = t.run_stdin(".", &["fix", "-i"], b"maybe\ny\nq\n");
    run.code(0);
    assert!(run.out().contains("Please answer y, n, a or q."));
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.read("b.py"), review_tree().read("b.py"));

    // End of input is `q`: nothing written.
    let t = review_tree();
    let run = t.run_stdin(".", &["fix", "-i"], b"");
    run.code(0);
    assert_eq!(t.text("a.py"), SRC);
}

/// Run `unawait args` in `t` under a pseudo-terminal (util-linux `script`); returns
/// everything the terminal received.
fn in_terminal(t: &Tree, args: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
        .current_dir(t.path())
        .env("HOME", t.outside("home"))
        .output()
        .expect("util-linux `script` is needed for the terminal tests");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_shows_in_a_terminal_only() {
    let t = Tree::new();
    // Enough parsing for a debug build to run well past the half-second delay.
    let body = "from svc import get_manager\n\n\nasync def f():\n    return await get_manager()\n"
        .repeat(100);
    for i in 0..60 {
        t.write(&format!("pkg/m{i}.py"), &body);
    }
    let screen = in_terminal(
        &t,
        "check -f get_manager --output-format json . > /dev/null",
    );
    assert!(
        screen.contains("unawait: checking ") && screen.contains("/60 files"),
        "no progress line in the terminal:\n{screen:?}"
    );
    // The line is erased before the summary, which is printed whole.
    assert!(
        screen.contains("\r\x1b[Kunawait: 60 files scanned"),
        "{screen:?}"
    );
    // -q: no progress, no summary.
    let screen = in_terminal(
        &t,
        "check -q -f get_manager --output-format json . > /dev/null",
    );
    assert!(!screen.contains("files"), "{screen:?}");
    // Not a terminal: stderr has no progress line.
    let run = t.run(&["check", "-f", "get_manager", "--output-format", "json", "."]);
    assert!(!run.stderr.contains('\r'), "{:?}", run.stderr);
}

#[test]
fn version_and_completions() {
    let t = Tree::new();
    let run = t.run(&["--version"]);
    run.code(0);
    assert_eq!(
        run.out(),
        format!("unawait {}\n", env!("CARGO_PKG_VERSION"))
    );

    for (shell, checker) in [("bash", "bash"), ("zsh", "zsh"), ("fish", "fish")] {
        let run = t.run(&["completions", shell]);
        run.code(0);
        let script = run.out();
        for word in ["diff", "fix", "patch", "check", "suggest", "stdin-filename"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
        // Let the shell itself parse the script when it is installed.
        let path = t.save_outside(&format!("unawait.{shell}"), &run.stdout);
        match Command::new(checker).args(["-n", &path]).output() {
            Ok(out) => assert!(
                out.status.success(),
                "{shell} rejects its completions: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => assert_ne!(shell, "bash", "bash is needed to check completions"),
        }
    }
    // Completions really complete: bash offers the subcommands after `unawait `.
    let path = t.outside("unawait.bash");
    let out = Command::new("bash")
        .args([
            "-c",
            &format!(
                "source {path}; COMP_WORDS=(unawait ch); COMP_CWORD=1; COMP_LINE='unawait ch'; COMP_POINT=10; _unawait unawait ch unawait; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "check\n");
}

#[test]
fn force_exclude_applies_excludes_to_named_files() {
    let t = Tree::new();
    config(
        &t,
        ".",
        "\"get_manager\"",
        "extend-exclude = [\"legacy\"]\n",
    );
    t.write("legacy/old.py", SRC);
    t.write("app/new.py", SRC);
    // As pre-commit calls it: every file named.
    let run = t.run(&["check", "legacy/old.py", "app/new.py"]);
    run.code(1);
    assert_eq!(
        run.out(),
        format!(
            "{}{}",
            src_check_line("app/new.py"),
            src_check_line("legacy/old.py")
        )
    );
    let run = t.run(&["check", "--force-exclude", "legacy/old.py", "app/new.py"]);
    run.code(1);
    assert_eq!(run.out(), src_check_line("app/new.py"));
    let run = t.run(&["check", "--force-exclude", "legacy"]);
    run.code(0);
    assert_eq!(run.out(), "");
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
