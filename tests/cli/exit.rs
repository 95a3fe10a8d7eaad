//! Exit statuses, what goes to stdout and what to stderr, and the `check` text format.

use crate::common::*;

const F: &str = "get_manager";

/// A file that is not valid Python but mentions the rule, so it is parsed.
const SYNTAX_ERROR: &str = "async def broken(:\n    await get_manager()\n";

/// The message for `SYNTAX_ERROR` in `bad.py`.
const BAD_PY: &str = "unawait: bad.py: syntax error at 1:18: expected a parameter or the end of the parameter list; file left unchanged";

/// A negative test that awaits on purpose: kept by default.
const RAISES: &str = "import pytest\nfrom svc import get_manager\n\n\nasync def test_negative():\n    with pytest.raises(TypeError):\n        await get_manager()\n";

/// The note for the await `RAISES` keeps, in `t.py`.
const RAISES_KEPT: &str = "t.py:7:9: kept `get_manager()`: inside a block that expects TypeError";

#[test]
fn check_exits_0_when_nothing_matches() {
    tree(&[("a.py", CLEAN)]).run(&["check", "-f", F]).expect(
        0,
        "",
        &[
            "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
            "unawait: 1 file scanned (0 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
}

#[test]
fn check_exits_1_and_prints_exact_lines_sorted_by_path() {
    let t = tree(&[
        ("z.py", SRC),
        ("pkg/b.py", SRC),
        ("a.py", SRC),
        ("clean.py", CLEAN),
    ]);
    t.run(&["check", "-f", F]).expect(
        1,
        format!(
            "{}{}{}",
            src_check_line("a.py"),
            src_check_line("pkg/b.py"),
            src_check_line("z.py")
        ),
        &["unawait: 4 files scanned (3 parsed); 3 files to change, 3 awaits to fix"],
    );
}

#[test]
fn check_lines_use_the_path_as_given() {
    let t = tree(&[("pkg/b.py", SRC)]);
    let one = ["unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix"];
    t.run(&["check", "-f", F, "pkg/b.py"])
        .expect(1, src_check_line("pkg/b.py"), &one);
    t.run(&["check", "-f", F, "./pkg"])
        .expect(1, src_check_line("pkg/b.py"), &one);
    t.run_in("pkg", &["check", "-f", F])
        .expect(1, src_check_line("b.py"), &one);
}

#[test]
fn check_output_is_sorted_across_several_roots() {
    let t = tree(&[("a.py", SRC), ("b.py", SRC)]);
    t.run(&["check", "-f", F, "b.py", "a.py"]).expect(
        1,
        format!("{}{}", src_check_line("a.py"), src_check_line("b.py")),
        &["unawait: 2 files scanned (2 parsed); 2 files to change, 2 awaits to fix"],
    );
}

#[test]
fn output_is_sorted_by_displayed_path_whatever_the_spelling_of_the_roots() {
    // Regression: files were sorted by the path as typed, so `./b.py` (which is shown
    // as `b.py`) came before `a.py`.
    let t = tree(&[("a.py", SRC), ("b.py", SRC)]);
    t.run(&["check", "-f", F, "./b.py", "a.py"]).expect(
        1,
        format!("{}{}", src_check_line("a.py"), src_check_line("b.py")),
        &["unawait: 2 files scanned (2 parsed); 2 files to change, 2 awaits to fix"],
    );
}

#[test]
fn the_same_file_named_twice_is_fixed_once() {
    let t = tree(&[("pkg/a.py", SRC)]);
    t.run(&["fix", "-f", F, "pkg/a.py", "./pkg/a.py", ".", "pkg"])
        .expect(
            0,
            "",
            &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
        );
    assert_eq!(t.text("pkg/a.py"), FIXED);
}

#[test]
fn the_same_file_named_twice_is_reported_once() {
    tree(&[("a.py", SRC)])
        .run(&["check", "-f", F, "a.py", "./a.py", "."])
        .expect(
            1,
            src_check_line("a.py"),
            &["unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix"],
        );
}

#[test]
fn check_with_only_kept_awaits_exits_0_and_notes_them_on_stderr() {
    tree(&[("t.py", RAISES)]).run(&["check", "-f", F]).expect(
        0,
        "",
        &[
            RAISES_KEPT,
            "unawait: 1 file scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 kept (1 raises-block)",
        ],
    );
}

#[test]
fn ignore_comment_is_kept_and_noted_on_stderr() {
    let src = "from svc import get_manager\n\n\nasync def h():\n    return await get_manager()  # unawait: ignore\n";
    let t = tree(&[("a.py", src)]);
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &[
            "a.py:5:12: kept `get_manager()`: line has `# unawait: ignore`",
            "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 kept (1 ignore-comment)",
        ],
    );
    assert_eq!(t.text("a.py"), src);
}

#[test]
fn no_rules_is_a_usage_error() {
    let t = tree(&[("a.py", SRC)]);
    let error = [format!("unawait: error: no functions to look for: pass -f NAME (or --method NAME), or set `functions` in [tool.unawait] (no configuration file was found: looked for unawait.toml, and pyproject.toml with [tool.unawait], in {} and every folder above it)", t.path().display())];
    let error = [error[0].as_str()];
    t.run(&["check"]).expect(2, "", &error);
    t.run(&["fix"]).expect(2, "", &error);
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn invalid_rule_name_is_a_usage_error() {
    let t = tree(&[("a.py", SRC)]);
    for (bad, why) in [
        ("1abc", "`1` cannot start a Python identifier"),
        ("a-b", "`-` is not allowed in a Python identifier"),
        ("class", "it is a Python keyword"),
        (
            "pkg..get",
            "a dotted name needs a name between each two dots, and at its ends",
        ),
    ] {
        t.run(&["check", "-f", bad]).expect(
            2,
            "",
            &[&format!(
                "unawait: error: invalid function name `{bad}`: {why}"
            )],
        );
    }
    t.run(&["check", "--method", "obj.send"]).expect(
        2,
        "",
        &["unawait: error: invalid method name `obj.send`: `.` is not allowed in a Python identifier"],
    );
}

#[test]
fn invalid_rule_name_fails_fix_before_writing_anything() {
    let t = tree(&[("a.py", SRC)]);
    t.run(&["fix", "-f", F, "-f", "1abc"]).expect(
        2,
        "",
        &["unawait: error: invalid function name `1abc`: `1` cannot start a Python identifier"],
    );
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn unknown_flag_and_subcommand_are_usage_errors() {
    // clap writes these, with a usage text after the first line.
    let t = tree(&[("a.py", SRC)]);
    for (args, first_line) in [
        (
            &["check", "-f", F, "--frobnicate"][..],
            "error: unexpected argument '--frobnicate' found",
        ),
        (
            &["frobnicate"][..],
            "error: unrecognized subcommand 'frobnicate'",
        ),
        (
            &[][..],
            "Remove `await` from calls to synchronous functions in Python code",
        ),
    ] {
        let r = t.run(args);
        r.code(2);
        assert_eq!(r.out(), "", "{args:?}");
        assert_eq!(r.stderr.lines().next(), Some(first_line), "{args:?}");
        assert!(r.stderr.contains("\nUsage: unawait "), "{args:?}");
    }
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn zero_threads_is_a_usage_error() {
    tree(&[("a.py", SRC)])
        .run(&["check", "-f", F, "-j", "0"])
        .expect(2, "", &["unawait: error: --threads must be at least 1"]);
}

#[test]
fn syntax_error_exits_2_and_other_files_are_still_checked() {
    let t = tree(&[("a.py", SRC), ("bad.py", SYNTAX_ERROR), ("c.py", SRC)]);
    t.run(&["check", "-f", F]).expect(
        2,
        format!("{}{}", src_check_line("a.py"), src_check_line("c.py")),
        &[
            BAD_PY,
            "unawait: 3 files scanned (3 parsed); 2 files to change, 2 awaits to fix; 1 file skipped with errors (1 syntax error)",
        ],
    );
}

#[test]
fn syntax_error_exits_2_and_other_files_are_still_fixed() {
    let t = tree(&[("a.py", SRC), ("bad.py", SYNTAX_ERROR), ("c.py", SRC)]);
    t.run(&["fix", "-f", F]).expect(
        2,
        "",
        &[
            BAD_PY,
            "unawait: 3 files scanned (3 parsed); 2 files changed, 2 awaits fixed; 1 file skipped with errors (1 syntax error)",
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("c.py"), FIXED);
    assert_eq!(t.text("bad.py"), SYNTAX_ERROR);
}

#[test]
fn syntax_error_exits_2_and_other_files_are_still_diffed() {
    let t = tree(&[("a.py", SRC), ("bad.py", SYNTAX_ERROR)]);
    t.run(&["diff", "-f", F]).expect(
        2,
        src_diff("a.py"),
        &[
            BAD_PY,
            "unawait: 2 files scanned (2 parsed); 1 file to change, 1 await to fix; 1 file skipped with errors (1 syntax error)",
        ],
    );
}

#[test]
fn nul_bytes_exit_2_and_other_files_are_still_fixed() {
    let binary = b"from svc import get_manager\nasync def h():\n    await get_manager()\x00\n";
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("bin.py", binary);
    t.run(&["fix", "-f", F]).expect(
        2,
        "",
        &[
            "unawait: bin.py: binary file (contains NUL bytes)",
            "unawait: 2 files scanned (1 parsed); 1 file changed, 1 await fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.read("bin.py"), binary);
}

#[cfg(unix)]
#[test]
fn unreadable_file_exits_2_and_other_files_are_still_fixed() {
    let t = tree(&[("a.py", SRC)]);
    let locked = t.write("locked.py", SRC);
    set_mode(&locked, 0o000);
    if std::fs::read(&locked).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): the file is readable anyway.
        set_mode(&locked, 0o644);
        eprintln!("skipped: a mode 000 file is still readable here");
        return;
    }
    let r = t.run(&["fix", "-f", F]);
    set_mode(&locked, 0o644);
    r.expect(
        2,
        "",
        &[
            "unawait: locked.py: cannot read: permission denied",
            "unawait: 2 files scanned (1 parsed); 1 file changed, 1 await fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("locked.py"), SRC);
}

#[test]
fn a_missing_path_is_a_usage_error_before_anything_is_done() {
    let t = tree(&[("a.py", SRC)]);
    t.run(&["fix", "-f", F, "nope.py", "a.py"]).expect(
        2,
        "",
        &["unawait: error: nope.py: no such file or folder; nothing was changed"],
    );
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn a_backup_suffix_after_a_space_gets_a_hint_and_nothing_is_written() {
    let t = tree(&[("src/a.py", SRC)]);
    t.run(&["fix", "-f", F, "--backup", ".bak", "src/"]).expect(
        2,
        "",
        &["unawait: error: .bak: no such file or folder (did you mean `--backup=.bak`? a suffix needs `=`); nothing was changed"],
    );
    assert_eq!(t.text("src/a.py"), SRC);
    assert!(!t.exists("src/a.py.orig"));
}

#[test]
fn a_folder_with_no_python_files_says_so() {
    let t = tree(&[("notes.txt", "await get_manager()\n")]);
    t.run(&["check", "-f", F]).expect(
        0,
        "",
        &[
            "unawait: warning: no Python files or notebooks found in `.` (after excludes and .gitignore; Markdown and reST files need --docs)",
            "unawait: 0 files scanned (0 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
}

#[test]
fn a_folder_of_clean_files_with_one_error_still_exits_2() {
    // The error must win over "nothing found".
    let t = tree(&[("a.py", CLEAN), ("bad.py", SYNTAX_ERROR)]);
    let to_change = [
        BAD_PY,
        "unawait: 2 files scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 file skipped with errors (1 syntax error)",
    ];
    t.run(&["check", "-f", F]).expect(2, "", &to_change);
    t.run(&["diff", "-f", F]).expect(2, "", &to_change);
    t.run(&["patch", "-f", F]).expect(2, "", &to_change);
    t.run(&["fix", "-f", F]).expect(
        2,
        "",
        &[
            BAD_PY,
            "unawait: 2 files scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 file skipped with errors (1 syntax error)",
        ],
    );
}

#[test]
fn diff_exit_code_is_1_with_changes_and_0_without() {
    let t = tree(&[("a.py", SRC)]);
    let one = ["unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix"];
    t.run(&["diff", "--exit-code", "-f", F])
        .expect(1, src_diff("a.py"), &one);
    // Without --exit-code a diff with changes is still a success.
    t.run(&["diff", "-f", F]).expect(0, src_diff("a.py"), &one);
    t.write("a.py", FIXED);
    t.run(&["diff", "--exit-code", "-f", F]).expect(
        0,
        "",
        &[
            "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
            "unawait: 1 file scanned (1 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
}

#[test]
fn diff_and_patch_leave_files_alone() {
    let t = tree(&[("a.py", SRC)]);
    let before = t.files();
    let one = ["unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix"];
    t.run(&["diff", "-f", F]).expect(0, src_diff("a.py"), &one);
    t.run(&["patch", "-f", F]).expect(0, src_diff("a.py"), &one);
    t.run(&["check", "-f", F])
        .expect(1, src_check_line("a.py"), &one);
    assert_eq!(t.files(), before);
}

#[test]
fn stdout_holds_only_the_diff_and_the_summary_goes_to_stderr() {
    tree(&[("a.py", SRC), ("b.py", CLEAN)])
        .run(&["diff", "-f", F])
        .expect(
            0,
            src_diff("a.py"),
            &["unawait: 2 files scanned (1 parsed); 1 file to change, 1 await to fix"],
        );
}

#[test]
fn patch_to_stdout_holds_only_the_patch() {
    tree(&[("a.py", SRC)]).run(&["patch", "-f", F]).expect(
        0,
        src_diff("a.py"),
        &["unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix"],
    );
}

#[test]
fn fix_prints_nothing_on_stdout_and_a_summary_on_stderr() {
    tree(&[("a.py", SRC)]).run(&["fix", "-f", F]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
}

#[test]
fn check_findings_go_to_stdout_and_notes_to_stderr() {
    tree(&[("a.py", SRC), ("t.py", RAISES)])
        .run(&["check", "-f", F])
        .expect(
            1,
            src_check_line("a.py"),
            &[
                RAISES_KEPT,
                "unawait: 2 files scanned (2 parsed); 1 file to change, 1 await to fix; 1 kept (1 raises-block)",
            ],
        );
}

#[test]
fn quiet_silences_summary_and_kept_notes() {
    let t = tree(&[("a.py", SRC), ("t.py", RAISES)]);
    t.run(&["check", "-q", "-f", F])
        .expect(1, src_check_line("a.py"), &[]);
    t.run(&["diff", "-q", "-f", F])
        .expect(0, src_diff("a.py"), &[]);
    t.run(&["diff", "--quiet", "-f", F])
        .expect(0, src_diff("a.py"), &[]);
    t.run(&["patch", "-q", "-f", F])
        .expect(0, src_diff("a.py"), &[]);
    t.run(&["fix", "-q", "-f", F]).expect(0, "", &[]);
    assert_eq!(t.text("a.py"), FIXED);
}

#[test]
fn quiet_still_reports_errors() {
    let t = tree(&[("a.py", SRC), ("bad.py", SYNTAX_ERROR)]);
    t.run(&["check", "-q", "-f", F])
        .expect(2, src_check_line("a.py"), &[BAD_PY]);
    t.run(&["check", "-q", "-f", "1abc"]).expect(
        2,
        "",
        &["unawait: error: invalid function name `1abc`: `1` cannot start a Python identifier"],
    );
}

#[test]
fn a_rule_that_matches_nothing_and_names_nothing_defined_is_reported() {
    let t = tree(&[
        ("app/__init__.py", ""),
        ("app/client.py", "def get_client():\n    return 1\n"),
        (
            "app/use.py",
            "from app.client import get_client\n\n\nasync def main():\n    return await get_client()\n",
        ),
    ]);
    // A typo: defined nowhere, matches nothing. A warning, exit 0; `--strict` fails.
    let typo =
        "rule `get_clinet` matched no await, and no module of the project defines it (misspelt?)";
    let summary = "unawait: 3 files scanned (0 parsed); 0 files to change, 0 awaits to fix";
    t.run(&["check", "-f", "get_clinet"]).expect(
        0,
        "",
        &[&format!("unawait: warning: {typo}"), summary],
    );
    t.run(&["check", "--strict", "-f", "get_clinet"]).expect(
        2,
        "",
        &[&format!("unawait: error: {typo}"), summary],
    );
    // A qualified rule whose module is not in the tree, and one whose module lacks it.
    t.run(&["check", "-f", "app.clients.get_client", "-f", "app.client.get_clinet"])
        .expect(
            0,
            left_line(
                "app/use.py:5:12",
                "get_client",
                "app.clients.get_client",
                "the call resolves to `app.client.get_client`, not to the rule's `app.clients.get_client`",
            ),
            &[
                "unawait: warning: rule `app.clients.get_client` matched no await, and module `app.clients` is not in the tree",
                "unawait: warning: rule `app.client.get_clinet` matched no await, and `app.client` defines no `get_clinet`",
                "unawait: 3 files scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 left (1 other-function)",
            ],
        );
    // Defined but awaited nowhere: nothing to say. A rule that matches is never named.
    let quiet = tree(&[
        ("app/__init__.py", ""),
        ("app/client.py", "def get_client():\n    return 1\n"),
    ]);
    quiet
        .run(&["check", "--strict", "-f", "get_client"])
        .expect(
            0,
            "",
            &["unawait: 2 files scanned (0 parsed); 0 files to change, 0 awaits to fix"],
        );
    t.run(&["check", "--strict", "-f", "app.client.get_client"])
        .code(1);
}
