//! Which files a run looks at: ignore files, hidden folders, excludes, explicit paths,
//! symbolic links, extensions; and output that is the same whatever the thread count.

use std::path::Path;

use crate::common::*;

const F: &str = "get_manager";

/// `check` in `sub` of `t` sees exactly the copies of `SRC` at `paths` (as shown
/// there), in that order.
#[track_caller]
fn check_sees(t: &Tree, sub: &str, args: &[&str], paths: &[&str]) {
    t.run_in(sub, args)
        .expect(1, src_check_lines(paths), &[&summary_to_fix(paths.len())]);
}

#[test]
fn gitignored_files_are_skipped_in_a_git_repo() {
    let t = Tree::git();
    t.write(".gitignore", "ignored.py\nbuild/\n");
    t.write("a.py", SRC);
    t.write("ignored.py", SRC);
    t.write("pkg/ignored.py", SRC);
    t.write("build/gen.py", SRC);
    t.write("pkg/.gitignore", "local_*.py\n");
    t.write("pkg/local_x.py", SRC);
    t.write("pkg/kept.py", SRC);
    check_sees(&t, ".", &["check", "-f", F], &["a.py", "pkg/kept.py"]);
    t.run(&["fix", "-f", F]).expect(0, "", &[&summary_fixed(2)]);
    assert_eq!(t.text("ignored.py"), SRC);
    assert_eq!(t.text("build/gen.py"), SRC);
    assert_eq!(t.text("pkg/local_x.py"), SRC);
    assert_eq!(t.text("pkg/kept.py"), FIXED);
}

#[test]
fn gitignore_applies_when_run_from_a_subfolder_of_the_repo() {
    let t = Tree::git();
    t.write(".gitignore", "gen/\n");
    t.write("pkg/gen/x.py", SRC);
    t.write("pkg/a.py", SRC);
    check_sees(&t, "pkg", &["check", "-f", F], &["a.py"]);
}

#[test]
fn gitignore_outside_a_git_repo_does_not_apply() {
    // ripgrep's rule: a .gitignore only counts inside a git repository.
    let t = tree(&[
        (".gitignore", "ignored.py\n"),
        ("a.py", SRC),
        ("ignored.py", SRC),
    ]);
    check_sees(&t, ".", &["check", "-f", F], &["a.py", "ignored.py"]);
}

#[test]
fn dot_ignore_files_are_respected_with_or_without_git() {
    for git in [false, true] {
        let t = if git { Tree::git() } else { Tree::new() };
        t.write(".ignore", "skip_me.py\nvendor/\n");
        t.write("a.py", SRC);
        t.write("skip_me.py", SRC);
        t.write("vendor/lib.py", SRC);
        check_sees(&t, ".", &["check", "-f", F], &["a.py"]);
    }
}

#[test]
fn git_info_exclude_is_respected() {
    let t = Tree::git();
    t.write(".git/info/exclude", "private.py\n");
    t.write("a.py", SRC);
    t.write("private.py", SRC);
    check_sees(&t, ".", &["check", "-f", F], &["a.py"]);
}

#[test]
fn hidden_folders_are_skipped() {
    let t = tree(&[
        ("a.py", SRC),
        (".hidden/a.py", SRC),
        ("pkg/.cache/b.py", SRC),
    ]);
    check_sees(&t, ".", &["check", "-f", F], &["a.py"]);
}

#[test]
fn default_excludes_are_skipped() {
    let t = tree(&[("a.py", SRC)]);
    for dir in [
        ".venv",
        "venv",
        "node_modules",
        "pkg/node_modules",
        "lib/site-packages",
        ".tox",
        "__pypackages__",
        "dist",
        "_build",
        "buck-out",
    ] {
        t.write(&format!("{dir}/x.py"), SRC);
    }
    check_sees(&t, ".", &["check", "-f", F], &["a.py"]);
}

#[test]
fn no_ignore_includes_ignored_and_default_excluded_files() {
    let t = Tree::git();
    t.write(".gitignore", "ignored.py\n");
    t.write(".ignore", "dot_ignored.py\n");
    t.write("a.py", SRC);
    t.write("ignored.py", SRC);
    t.write("dot_ignored.py", SRC);
    t.write("node_modules/x.py", SRC);
    t.write("venv/y.py", SRC);
    check_sees(&t, ".", &["check", "-f", F], &["a.py"]);
    check_sees(
        &t,
        ".",
        &["check", "--no-ignore", "-f", F],
        &[
            "a.py",
            "dot_ignored.py",
            "ignored.py",
            "node_modules/x.py",
            "venv/y.py",
        ],
    );
}

#[test]
fn exclude_globs_skip_paths_and_names() {
    let t = tree(&[
        ("a.py", SRC),
        ("legacy/old.py", SRC),
        ("legacy/deep/older.py", SRC),
        ("pkg/api_pb2.py", SRC),
        ("pkg/gen/x.py", SRC),
        ("pkg/keep.py", SRC),
    ]);
    check_sees(
        &t,
        ".",
        &[
            "check",
            "-f",
            F,
            "--exclude",
            "legacy/**",
            "--exclude",
            "*_pb2.py",
            "--exclude",
            "gen",
        ],
        &["a.py", "pkg/keep.py"],
    );
    // --exclude adds to the default excludes.
    t.write("node_modules/x.py", SRC);
    check_sees(
        &t,
        ".",
        &["check", "-f", F, "--exclude", "legacy"],
        &["a.py", "pkg/api_pb2.py", "pkg/gen/x.py", "pkg/keep.py"],
    );
}

#[test]
fn config_exclude_replaces_the_defaults_and_extend_exclude_adds_to_them() {
    let t = tree(&[
        ("a.py", SRC),
        ("legacy/old.py", SRC),
        ("node_modules/x.py", SRC),
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\nexclude = [\"legacy/**\"]\n",
        ),
    ]);
    check_sees(&t, ".", &["check"], &["a.py", "node_modules/x.py"]);
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"get_manager\"]\nextend-exclude = [\"legacy/**\"]\n",
    );
    check_sees(&t, ".", &["check"], &["a.py"]);
}

#[test]
fn config_exclude_is_relative_to_the_config_folder() {
    let t = tree(&[
        (
            "proj/pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\nextend-exclude = [\"legacy/**\"]\n",
        ),
        ("proj/legacy/old.py", SRC),
        ("proj/legacy/deep/older.py", SRC),
        ("proj/src/legacy.py", SRC),
    ]);
    check_sees(&t, "proj", &["check"], &["src/legacy.py"]);
    t.run_in("proj/legacy", &["check"]).expect(
        0,
        "",
        &[
            "unawait: warning: no Python files or notebooks found in `.` (after excludes and .gitignore; Markdown and reST files need --docs)",
            "unawait: 0 files scanned (0 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
}

#[test]
fn exclude_flag_glob_is_relative_to_the_current_folder_not_the_config_folder() {
    // Regression: `--exclude` globs were matched against paths relative to the folder of
    // the configuration file, so from a subfolder `--exclude 'legacy/**'` excluded
    // nothing when the configuration lived in a parent folder.
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\n",
        ),
        ("sub/legacy/old.py", SRC),
        ("sub/b.py", SRC),
    ]);
    check_sees(&t, "sub", &["check", "--exclude", "legacy/**"], &["b.py"]);
}

#[test]
fn config_exclude_applies_when_its_folder_is_given_from_outside() {
    let t = tree(&[
        (
            "proj/pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\nextend-exclude = [\"legacy/**\"]\n",
        ),
        ("proj/legacy/old.py", SRC),
        ("proj/a.py", SRC),
    ]);
    check_sees(&t, ".", &["check", "proj"], &["proj/a.py"]);
}

#[test]
fn an_explicitly_named_ignored_file_is_still_processed() {
    let t = Tree::git();
    t.write(".gitignore", "ignored.py\n");
    t.write("ignored.py", SRC);
    t.write("node_modules/x.py", SRC);
    t.write("legacy/y.py", SRC);
    t.write(".hidden/z.py", SRC);
    check_sees(
        &t,
        ".",
        &[
            "check",
            "-f",
            F,
            "--exclude",
            "legacy",
            "ignored.py",
            "node_modules/x.py",
            "legacy/y.py",
            ".hidden/z.py",
        ],
        &[
            ".hidden/z.py",
            "ignored.py",
            "legacy/y.py",
            "node_modules/x.py",
        ],
    );
    t.run(&["fix", "-f", F, "ignored.py"])
        .expect(0, "", &[&summary_fixed(1)]);
    assert_eq!(t.text("ignored.py"), FIXED);
}

#[test]
fn force_exclude_applies_excludes_to_named_files() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\nextend-exclude = [\"legacy\"]\n",
        ),
        ("legacy/old.py", SRC),
        ("app/new.py", SRC),
    ]);
    // As pre-commit calls it: every file named.
    check_sees(
        &t,
        ".",
        &["check", "legacy/old.py", "app/new.py"],
        &["app/new.py", "legacy/old.py"],
    );
    check_sees(
        &t,
        ".",
        &["check", "--force-exclude", "legacy/old.py", "app/new.py"],
        &["app/new.py"],
    );
    t.run(&["check", "--force-exclude", "legacy"]).expect(
        0,
        "",
        &[
            "unawait: warning: no Python files or notebooks found in `legacy` (after excludes and .gitignore; Markdown and reST files need --docs)",
            "unawait: 0 files scanned (0 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folders_and_files_are_not_followed_during_a_walk() {
    let t = tree(&[("a.py", SRC)]);
    let outside = tree(&[("ext.py", SRC), ("sub/ext2.py", SRC)]);
    std::os::unix::fs::symlink(outside.path(), t.join("linked_dir")).unwrap();
    std::os::unix::fs::symlink(outside.join("ext.py"), t.join("linked_file.py")).unwrap();
    // A loop must not hang the walk.
    std::os::unix::fs::symlink(t.path(), t.join("loop")).unwrap();
    check_sees(&t, ".", &["check", "-f", F], &["a.py"]);
    t.run(&["fix", "-f", F]).expect(0, "", &[&summary_fixed(1)]);
    assert_eq!(outside.text("ext.py"), SRC);
    assert_eq!(outside.text("sub/ext2.py"), SRC);
    assert_eq!(t.text("a.py"), FIXED);
}

#[test]
fn pyi_files_are_included_and_other_files_are_not() {
    let t = Tree::new();
    for name in [
        "a.py",
        "stubs.pyi",
        "notes.txt",
        "ext.pyx",
        "script",
        "a.py.orig",
        "README.md",
    ] {
        t.write(name, SRC);
    }
    check_sees(&t, ".", &["check", "-f", F], &["a.py", "stubs.pyi"]);
    t.run(&["fix", "-f", F]).expect(0, "", &[&summary_fixed(2)]);
    assert_eq!(t.text("stubs.pyi"), FIXED);
    for name in ["notes.txt", "ext.pyx", "script", "a.py.orig", "README.md"] {
        assert_eq!(t.text(name), SRC, "{name}");
    }
}

#[test]
fn an_explicitly_named_script_without_extension_is_processed() {
    let t = tree(&[("bin/tool", format!("#!/usr/bin/env python3\n{SRC}"))]);
    t.run(&["fix", "-f", F, "bin/tool"])
        .expect(0, "", &[&summary_fixed(1)]);
    assert_eq!(
        t.text("bin/tool"),
        format!("#!/usr/bin/env python3\n{FIXED}")
    );
}

/// A tree of 200 files in nested folders, each with fixes and some with kept awaits.
fn big_tree() -> Tree {
    let t = Tree::git();
    for i in 0..200 {
        let path = format!("pkg{}/sub{}/mod{:03}.py", i % 11, i % 3, (i * 37) % 200);
        let mut src = String::from("import pytest\nfrom svc import get_manager\n\n\n");
        for j in 0..(i % 4 + 1) {
            src.push_str(&format!(
                "async def f{j}():\n    x = await get_manager()\n    await x.send({i})\n\n\n"
            ));
        }
        if i % 5 == 0 {
            src.push_str(
                "async def test_neg():\n    with pytest.raises(TypeError):\n        await get_manager()\n",
            );
        }
        t.write(&path, src);
    }
    t
}

#[test]
fn output_is_identical_with_one_thread_and_eight() {
    let t = big_tree();
    for cmd in ["diff", "patch", "check"] {
        let one = t.run(&[cmd, "-f", F, "-j", "1"]);
        let eight = t.run(&[cmd, "-f", F, "-j", "8"]);
        let default = t.run(&[cmd, "-f", F]);
        assert!(!one.stdout.is_empty());
        assert_eq!(one.code, eight.code, "{cmd}");
        assert!(one.stdout == eight.stdout, "{cmd}: stdout differs");
        assert!(one.stdout == default.stdout, "{cmd}: stdout differs");
        assert_eq!(one.stderr, eight.stderr, "{cmd}");
        assert_eq!(one.stderr, default.stderr, "{cmd}");
    }
    // And from run to run.
    let again = t.run(&["diff", "-f", F, "-j", "8"]);
    let first = t.run(&["diff", "-f", F, "-j", "8"]);
    assert!(again.stdout == first.stdout);
}

#[test]
fn output_is_sorted_by_path() {
    let t = big_tree();
    let r = t.run(&["diff", "-f", F, "-j", "8"]);
    r.code(0);
    let paths = diff_paths(r.out());
    assert_eq!(paths.len(), 200);
    let mut sorted = paths.clone();
    sorted.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
    assert_eq!(paths, sorted);
    let mut bytewise = paths.clone();
    bytewise.sort();
    assert_eq!(paths, bytewise);

    let r = t.run(&["check", "-f", F, "-j", "8"]);
    r.code(1);
    let mut last = String::new();
    for p in r.checked() {
        assert!(p >= last, "{p} after {last}");
        last = p;
    }
    // The kept notes on stderr are in path order too.
    let kept: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains(": kept `"))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(kept.len(), 40);
    let mut sorted = kept.clone();
    sorted.sort();
    assert_eq!(kept, sorted);
}

#[test]
fn more_files_than_one_batch_stay_sorted_and_deterministic() {
    // More files than are processed between two flushes of output.
    let t = Tree::new();
    for i in 0..1100 {
        t.write(&format!("d{}/m{:04}.py", i % 13, (i * 7) % 1100), SRC);
    }
    let one = t.run(&["check", "-f", F, "-j", "1"]);
    let eight = t.run(&["check", "-f", F, "-j", "8"]);
    one.code(1);
    assert!(one.stdout == eight.stdout);
    let paths = one.checked();
    assert_eq!(paths.len(), 1100);
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn fix_with_one_thread_and_eight_gives_the_same_files() {
    let a = big_tree();
    let b = big_tree();
    assert_eq!(a.files(), b.files());
    a.run(&["fix", "-f", F, "-j", "1"]).code(0);
    b.run(&["fix", "-f", F, "-j", "8"]).code(0);
    assert_eq!(a.files(), b.files());
}
