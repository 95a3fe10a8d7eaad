//! What a person at a terminal sees: the progress line in a real pseudo-terminal
//! (util-linux `script`), `--version`, and shell completions checked by the shells
//! themselves, and `--help`.

use std::process::Command;

use crate::common::*;

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
    // Not a terminal: stderr has no progress line, only the summary.
    let run = t.run(&["check", "-f", "get_manager", "--output-format", "json", "."]);
    run.code(1);
    assert_eq!(
        run.stderr,
        "unawait: 60 files scanned (60 parsed); 60 files to change, 6000 awaits to fix\n"
    );
}

#[test]
fn version_and_completions() {
    let t = Tree::new();
    t.run(&["--version"])
        .expect(0, format!("unawait {}\n", env!("CARGO_PKG_VERSION")), &[]);

    for (shell, checker) in [("bash", "bash"), ("zsh", "zsh"), ("fish", "fish")] {
        let run = t.run(&["completions", shell]);
        run.code(0);
        assert_eq!(run.stderr, "", "{shell}");
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

/// Every subcommand's help has the same layout (one line per flag, the same headings),
/// and `--docs` says what it does in that subcommand's words.
#[test]
fn help_has_one_layout_and_docs_in_each_subcommand_s_words() {
    let t = Tree::new();
    for (sub, verb) in [
        ("diff", "Also diff"),
        ("fix", "Also fix"),
        ("patch", "Also put into the patch the fixes of"),
        ("check", "Also check"),
    ] {
        let r = t.run(&[sub, "--help"]);
        r.code(0);
        let out = r.out();
        for heading in ["Rules:", "Configuration:", "Files:", "Output and speed:"] {
            assert!(out.lines().any(|l| l == heading), "{sub}: {heading}\n{out}");
        }
        let docs = out
            .lines()
            .find(|l| l.trim_start().starts_with("--docs"))
            .unwrap_or_else(|| panic!("{sub}: no --docs\n{out}"));
        assert!(
            docs.ends_with(&format!(
                "{verb} Python blocks in Markdown and reST files found in walks, and doctest examples in docstrings (config `docs`)"
            )),
            "{sub}: {docs}"
        );
        // The short layout: a flag and its help on one line.
        let function = out
            .lines()
            .find(|l| l.contains("--function <NAME>"))
            .unwrap();
        assert!(
            function.contains("A synchronous function"),
            "{sub}: {function}"
        );
    }
}
