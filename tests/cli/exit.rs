//! Exit statuses, what goes to stdout and what to stderr, and the `check` text format.

use crate::common::*;

const F: &str = "get_manager";

/// A file that is not valid Python but mentions the rule, so it is parsed.
const SYNTAX_ERROR: &str = "async def broken(:\n    await get_manager()\n";

#[test]
fn check_exits_0_when_nothing_matches() {
    let t = Tree::new();
    t.write("a.py", CLEAN);
    let r = t.run(&["check", "-f", F]);
    r.code(0);
    assert_eq!(r.out(), "");
    assert!(
        r.summary().starts_with("unawait: 1 file scanned"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_exits_1_and_prints_exact_lines_sorted_by_path() {
    let t = Tree::new();
    t.write("z.py", SRC);
    t.write("pkg/b.py", SRC);
    t.write("a.py", SRC);
    t.write("clean.py", CLEAN);
    let r = t.run(&["check", "-f", F]);
    r.code(1);
    assert_eq!(
        r.out(),
        format!(
            "{}{}{}",
            src_check_line("a.py"),
            src_check_line("pkg/b.py"),
            src_check_line("z.py")
        )
    );
}

#[test]
fn check_lines_use_the_path_as_given() {
    let t = Tree::new();
    t.write("pkg/b.py", SRC);
    let r = t.run(&["check", "-f", F, "pkg/b.py"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("pkg/b.py"));
    let r = t.run(&["check", "-f", F, "./pkg"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("pkg/b.py"));
    let r = t.run_in("pkg", &["check", "-f", F]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("b.py"));
}

#[test]
fn check_output_is_sorted_across_several_roots() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("b.py", SRC);
    let r = t.run(&["check", "-f", F, "b.py", "a.py"]);
    r.code(1);
    assert_eq!(
        r.out(),
        format!("{}{}", src_check_line("a.py"), src_check_line("b.py"))
    );
}

#[test]
fn output_is_sorted_by_displayed_path_whatever_the_spelling_of_the_roots() {
    // Regression: files were sorted by the path as typed, so `./b.py` (which is shown
    // as `b.py`) came before `a.py`.
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("b.py", SRC);
    let r = t.run(&["check", "-f", F, "./b.py", "a.py"]);
    r.code(1);
    assert_eq!(
        r.out(),
        format!("{}{}", src_check_line("a.py"), src_check_line("b.py"))
    );
}

#[test]
fn the_same_file_named_twice_is_fixed_once() {
    let t = Tree::new();
    t.write("pkg/a.py", SRC);
    let r = t.run(&["fix", "-f", F, "pkg/a.py", "./pkg/a.py", ".", "pkg"]);
    r.code(0);
    assert_eq!(t.text("pkg/a.py"), FIXED);
    assert!(r.summary().contains("1 file scanned"), "{}", r.stderr);
}

#[test]
fn the_same_file_named_twice_is_reported_once() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["check", "-f", F, "a.py", "./a.py", "."]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
}

#[test]
fn check_with_only_kept_awaits_exits_0_and_notes_them_on_stderr() {
    let t = Tree::new();
    t.write(
        "t.py",
        "import pytest\nfrom svc import get_manager\n\n\nasync def test_negative():\n    with pytest.raises(TypeError):\n        await get_manager()\n",
    );
    let r = t.run(&["check", "-f", F]);
    r.code(0);
    assert_eq!(r.out(), "");
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("t.py:7:9: kept `get_manager`")),
        "{}",
        r.stderr
    );
    assert!(r.summary().contains("1 kept"), "{}", r.stderr);
}

#[test]
fn ignore_comment_is_kept_and_noted_on_stderr() {
    let t = Tree::new();
    let src = "from svc import get_manager\n\n\nasync def h():\n    return await get_manager()  # unawait: ignore\n";
    t.write("a.py", src);
    let r = t.run(&["fix", "-f", F]);
    r.code(0);
    assert_eq!(t.text("a.py"), src);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("a.py:5:12: kept `get_manager`")),
        "{}",
        r.stderr
    );
}

#[test]
fn no_rules_is_a_usage_error() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(2);
    assert_eq!(r.out(), "");
    assert!(r.stderr.contains("no functions"), "{}", r.stderr);
    let r = t.run(&["fix"]);
    r.code(2);
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn invalid_rule_name_is_a_usage_error() {
    let t = Tree::new();
    t.write("a.py", SRC);
    for bad in ["1abc", "a-b", "class", "pkg..get"] {
        let r = t.run(&["check", "-f", bad]);
        r.code(2);
        assert_eq!(r.out(), "");
        assert!(
            r.stderr.contains(&format!("`{bad}`")),
            "{bad}: {}",
            r.stderr
        );
    }
    let r = t.run(&["check", "--method", "obj.send"]);
    r.code(2);
    assert!(r.stderr.contains("obj.send"), "{}", r.stderr);
}

#[test]
fn invalid_rule_name_fails_fix_before_writing_anything() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["fix", "-f", F, "-f", "1abc"]);
    r.code(2);
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn unknown_flag_and_subcommand_are_usage_errors() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["check", "-f", F, "--frobnicate"]);
    r.code(2);
    assert_eq!(r.out(), "");
    let r = t.run(&["frobnicate"]);
    r.code(2);
    let r = t.run(&[]);
    r.code(2);
}

#[test]
fn zero_threads_is_a_usage_error() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["check", "-f", F, "-j", "0"]);
    r.code(2);
    assert_eq!(r.out(), "");
}

#[test]
fn syntax_error_exits_2_and_other_files_are_still_checked() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("bad.py", SYNTAX_ERROR);
    t.write("c.py", SRC);
    let r = t.run(&["check", "-f", F]);
    r.code(2);
    assert_eq!(
        r.out(),
        format!("{}{}", src_check_line("a.py"), src_check_line("c.py"))
    );
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("bad.py"))
        .unwrap_or_else(|| panic!("bad.py not named:\n{}", r.stderr));
    assert!(line.contains("syntax error"), "{line}");
    assert!(r.summary().contains("1 file skipped"), "{}", r.stderr);
}

#[test]
fn syntax_error_exits_2_and_other_files_are_still_fixed() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("bad.py", SYNTAX_ERROR);
    t.write("c.py", SRC);
    let r = t.run(&["fix", "-f", F]);
    r.code(2);
    assert_eq!(r.out(), "");
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("c.py"), FIXED);
    assert_eq!(t.text("bad.py"), SYNTAX_ERROR);
}

#[test]
fn syntax_error_exits_2_and_other_files_are_still_diffed() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("bad.py", SYNTAX_ERROR);
    let r = t.run(&["diff", "-f", F]);
    r.code(2);
    assert_eq!(r.out(), src_diff("a.py"));
    assert!(r.stderr.contains("bad.py"), "{}", r.stderr);
}

#[test]
fn nul_bytes_exit_2_and_other_files_are_still_fixed() {
    let t = Tree::new();
    let binary = b"from svc import get_manager\nasync def h():\n    await get_manager()\x00\n";
    t.write("a.py", SRC);
    t.write("bin.py", binary);
    let r = t.run(&["fix", "-f", F]);
    r.code(2);
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.read("bin.py"), binary);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("bin.py"))
        .unwrap_or_else(|| panic!("bin.py not named:\n{}", r.stderr));
    assert!(line.contains("NUL") || line.contains("binary"), "{line}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_exits_2_and_other_files_are_still_fixed() {
    let t = Tree::new();
    t.write("a.py", SRC);
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
    r.code(2);
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("locked.py"), SRC);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("locked.py"))
        .unwrap_or_else(|| panic!("locked.py not named:\n{}", r.stderr));
    assert!(line.contains("permission denied"), "{line}");
}

#[test]
fn missing_path_exits_2_and_other_paths_are_still_checked() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["check", "-f", F, "nope.py", "a.py"]);
    r.code(2);
    assert_eq!(r.out(), src_check_line("a.py"));
    assert!(
        r.stderr.lines().any(|l| l.contains("nope.py")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_folder_of_clean_files_with_one_error_still_exits_2() {
    // The error must win over "nothing found".
    let t = Tree::new();
    t.write("a.py", CLEAN);
    t.write("bad.py", SYNTAX_ERROR);
    t.run(&["check", "-f", F]).code(2);
    t.run(&["diff", "-f", F]).code(2);
    t.run(&["fix", "-f", F]).code(2);
    let r = t.run(&["patch", "-f", F]);
    r.code(2);
    assert_eq!(r.out(), "");
}

#[test]
fn diff_exit_code_is_1_with_changes_and_0_without() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["diff", "--exit-code", "-f", F]);
    r.code(1);
    assert_eq!(r.out(), src_diff("a.py"));
    // Without --exit-code a diff with changes is still a success.
    let r = t.run(&["diff", "-f", F]);
    r.code(0);
    assert_eq!(r.out(), src_diff("a.py"));
    t.write("a.py", FIXED);
    let r = t.run(&["diff", "--exit-code", "-f", F]);
    r.code(0);
    assert_eq!(r.out(), "");
}

#[test]
fn diff_and_patch_leave_files_alone() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let before = t.files();
    t.run(&["diff", "-f", F]).code(0);
    t.run(&["patch", "-f", F]).code(0);
    t.run(&["check", "-f", F]).code(1);
    assert_eq!(t.files(), before);
}

#[test]
fn stdout_holds_only_the_diff_and_the_summary_goes_to_stderr() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("b.py", CLEAN);
    let r = t.run(&["diff", "-f", F]);
    r.code(0);
    assert_eq!(r.out(), src_diff("a.py"));
    assert!(!r.out().contains("unawait:"));
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("unawait: "), "{}", r.stderr);
    assert!(r.summary().contains("2 files scanned"), "{}", r.stderr);
    assert!(r.summary().contains("1 file to change"), "{}", r.stderr);
    assert!(r.summary().contains("1 await to fix"), "{}", r.stderr);
}

#[test]
fn patch_to_stdout_holds_only_the_patch() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["patch", "-f", F]);
    r.code(0);
    assert_eq!(r.out(), src_diff("a.py"));
    assert!(r.stderr.starts_with("unawait: "), "{}", r.stderr);
}

#[test]
fn fix_prints_nothing_on_stdout_and_a_summary_on_stderr() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["fix", "-f", F]);
    r.code(0);
    assert_eq!(r.out(), "");
    assert!(r.summary().contains("1 file changed"), "{}", r.stderr);
    assert!(r.summary().contains("1 await fixed"), "{}", r.stderr);
}

#[test]
fn check_findings_go_to_stdout_and_notes_to_stderr() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write(
        "t.py",
        "import pytest\nfrom svc import get_manager\n\n\nasync def test_negative():\n    with pytest.raises(TypeError):\n        await get_manager()\n",
    );
    let r = t.run(&["check", "-f", F]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
    assert!(!r.out().contains("kept"));
    let kept: Vec<&str> = r.stderr.lines().filter(|l| l.contains("kept `")).collect();
    assert_eq!(kept.len(), 1, "{}", r.stderr);
    assert!(kept[0].starts_with("t.py:7:9: "), "{}", kept[0]);
}

#[test]
fn quiet_silences_summary_and_kept_notes() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write(
        "t.py",
        "import pytest\nfrom svc import get_manager\n\n\nasync def test_negative():\n    with pytest.raises(TypeError):\n        await get_manager()\n",
    );
    for cmd in ["check", "diff", "patch"] {
        let r = t.run(&[cmd, "-q", "-f", F]);
        assert_eq!(r.stderr, "", "{cmd}");
        assert!(!r.stdout.is_empty(), "{cmd}");
    }
    let r = t.run(&["diff", "--quiet", "-f", F]);
    r.code(0);
    assert_eq!(r.stderr, "");
    assert_eq!(r.out(), src_diff("a.py"));
    let r = t.run(&["fix", "-q", "-f", F]);
    r.code(0);
    assert_eq!(r.stderr, "");
    assert_eq!(r.out(), "");
    assert_eq!(t.text("a.py"), FIXED);
}

#[test]
fn quiet_still_reports_errors() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("bad.py", SYNTAX_ERROR);
    let r = t.run(&["check", "-q", "-f", F]);
    r.code(2);
    assert!(r.stderr.contains("bad.py"), "{}", r.stderr);
    assert!(!r.stderr.contains(" scanned ("), "{}", r.stderr);
    let r = t.run(&["check", "-q", "-f", "1abc"]);
    r.code(2);
    assert!(r.stderr.contains("1abc"), "{}", r.stderr);
}
