//! `unawait diff` and `unawait patch`: headers, paths, patches that apply, colour, and a
//! reader that goes away.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::*;

const F: &str = "get_manager";

/// A file whose only change is on its last line, which has no newline.
const NO_FINAL_NEWLINE: &[u8] =
    b"from svc import get_manager\n\nasync def h():\n    return await get_manager()";

/// Files with everything a patch tool may trip over.
fn tricky_files() -> Vec<(&'static str, Vec<u8>)> {
    let mut far = String::from("from svc import get_manager\n\n\nasync def h():\n");
    for i in 0..40 {
        if i == 1 || i == 30 || i == 38 {
            far.push_str(&format!("    v{i} = await get_manager()\n"));
        } else {
            far.push_str(&format!("    v{i} = {i}\n"));
        }
    }
    vec![
        ("plain.py", SRC.as_bytes().to_vec()),
        ("pkg/sub/deep.py", SRC.as_bytes().to_vec()),
        (
            "crlf.py",
            b"from svc import get_manager\r\n\r\nasync def h():\r\n    return await get_manager()\r\n"
                .to_vec(),
        ),
        (
            "mixed.py",
            b"from svc import get_manager\n\r\nasync def h():\r\n\tx = await get_manager()\n\treturn x\r\n"
                .to_vec(),
        ),
        ("nonl.py", NO_FINAL_NEWLINE.to_vec()),
        (
            "crlf_nonl.py",
            b"from svc import get_manager\r\n\r\nasync def h():\r\n    return await get_manager()"
                .to_vec(),
        ),
        ("my dir/a b.py", SRC.as_bytes().to_vec()),
        (
            "latin1.py",
            b"# -*- coding: latin-1 -*-\nfrom svc import get_manager\n\nasync def h():\n    s = \"caf\xe9\"\n    return await get_manager(s)\n"
                .to_vec(),
        ),
        (
            "bom.py",
            b"\xef\xbb\xbfawait_me = 1\nfrom svc import get_manager\nasync def h():\n    return await get_manager()\n"
                .to_vec(),
        ),
        ("\u{e9}t\u{e9}.py", SRC.as_bytes().to_vec()),
        ("far.py", far.into_bytes()),
        (
            "first_line.py",
            b"async def h(): return await get_manager()\n# tail\n".to_vec(),
        ),
    ]
}

/// The summary of `diff` or `patch` over `tricky_files()`.
const TRICKY_TO_FIX: &str =
    "unawait: 12 files scanned (12 parsed); 12 files to change, 14 awaits to fix";

/// The summary of `fix` over `tricky_files()`.
const TRICKY_FIXED: &str =
    "unawait: 12 files scanned (12 parsed); 12 files changed, 14 awaits fixed";

fn without(mut files: BTreeMap<String, Vec<u8>>, name: &str) -> BTreeMap<String, Vec<u8>> {
    files.remove(name);
    files
}

fn restore(t: &Tree, files: &BTreeMap<String, Vec<u8>>) {
    for (name, bytes) in files {
        t.write(name, bytes);
    }
}

#[test]
fn patch_applies_with_git_apply_and_gives_what_fix_gives() {
    let t = Tree::git();
    for (name, bytes) in tricky_files() {
        t.write(name, bytes);
    }
    let original = t.files();
    // patch -o FILE writes nothing to stdout.
    t.run(&["patch", "-f", F, "-o", "fix.patch"]).expect(
        0,
        "",
        &[
            "unawait: wrote the patch to fix.patch (12 files)",
            TRICKY_TO_FIX,
        ],
    );
    let patch = t.read("fix.patch");
    assert_eq!(
        without(t.files(), "fix.patch"),
        original,
        "patch changes no file"
    );
    // Every file has a change.
    let text = String::from_utf8_lossy(&patch);
    assert_eq!(
        text.matches("diff --git ").count(),
        tricky_files().len(),
        "{text}"
    );
    assert!(contains(&patch, b"\n\\ No newline at end of file\n"));
    assert!(contains(&patch, b"-    return await get_manager()\r\n"));

    t.git_ok(".", &["apply", "--check", "fix.patch"]);
    t.patch_ok(&["-p1", "--dry-run", "-i", "fix.patch"]);
    t.git_ok(".", &["apply", "fix.patch"]);
    let applied = without(t.files(), "fix.patch");
    assert_ne!(applied, original);

    restore(&t, &original);
    assert_eq!(without(t.files(), "fix.patch"), original);
    t.run(&["fix", "-f", F]).expect(0, "", &[TRICKY_FIXED]);
    let fixed = without(t.files(), "fix.patch");
    for (name, bytes) in &fixed {
        assert_eq!(
            String::from_utf8_lossy(&applied[name]),
            String::from_utf8_lossy(bytes),
            "{name}"
        );
    }
    assert_eq!(applied, fixed);
}

#[test]
fn patch_applies_with_gnu_patch_and_gives_what_fix_gives() {
    let t = Tree::git();
    for (name, bytes) in tricky_files() {
        t.write(name, bytes);
    }
    let original = t.files();
    t.run(&["fix", "-f", F]).expect(0, "", &[TRICKY_FIXED]);
    let fixed = t.files();
    restore(&t, &original);

    let r = t.run(&["patch", "-f", F]);
    r.code(0);
    assert_eq!(r.stderr, format!("{TRICKY_TO_FIX}\n"));
    let p = t.save_outside("fix.patch", &r.stdout);
    t.patch_ok(&["-p1", "-i", &p]);
    let patched = t.files();
    for (name, bytes) in &fixed {
        assert_eq!(
            String::from_utf8_lossy(&patched[name]),
            String::from_utf8_lossy(bytes),
            "{name}"
        );
    }
    assert_eq!(
        patched, fixed,
        "GNU patch leaves no .orig/.rej files either"
    );
}

#[test]
fn patch_applies_outside_git_from_the_current_folder() {
    let t = Tree::new();
    for (name, bytes) in tricky_files() {
        t.write(&format!("proj/{name}"), bytes);
    }
    t.run_in("proj", &["patch", "-f", F, "-o", "../fix.patch"])
        .expect(
            0,
            "",
            &[
                "unawait: wrote the patch to ../fix.patch (12 files)",
                TRICKY_TO_FIX,
            ],
        );
    let patch = t.read("fix.patch");
    assert!(patch.starts_with(b"diff --git a/bom.py b/bom.py\n"));
    assert_eq!(
        String::from_utf8_lossy(&patch)
            .matches("diff --git ")
            .count(),
        tricky_files().len()
    );
    let out = std::process::Command::new("patch")
        .args(["-p1", "--dry-run", "-i", "../fix.patch"])
        .current_dir(t.join("proj"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn diff_headers_are_relative_to_the_git_top_level() {
    let t = Tree::git();
    t.write("pkg/a.py", SRC);
    let abs = t.join("pkg/a.py");
    for args in [
        &["diff", "-f", F][..],
        &["diff", "-f", F, "pkg/a.py"],
        &["diff", "-f", F, abs.to_str().unwrap()],
    ] {
        t.run(args)
            .expect(0, src_diff("pkg/a.py"), &[&summary_to_fix(1)]);
    }
}

#[test]
fn diff_from_a_subfolder_of_a_git_repo_uses_top_level_paths() {
    let t = Tree::git();
    t.write("pkg/sub/a.py", SRC);
    t.write("other.py", SRC);
    t.run_in("pkg", &["diff", "-f", F])
        .expect(0, src_diff("pkg/sub/a.py"), &[&summary_to_fix(1)]);
    let r = t.run_in("pkg/sub", &["patch", "-f", F, "../../other.py", "a.py"]);
    r.expect(
        0,
        format!("{}{}", src_diff("other.py"), src_diff("pkg/sub/a.py")),
        &[&summary_to_fix(2)],
    );
    // ... and that patch applies from the top level.
    let p = t.save_outside("sub.patch", &r.stdout);
    t.git_ok(".", &["apply", "--check", &p]);
    t.patch_ok(&["-p1", "--dry-run", "-i", &p]);
    // `check` keeps the path as given.
    t.run_in("pkg", &["check", "-f", F]).expect(
        1,
        src_check_line("sub/a.py"),
        &[&summary_to_fix(1)],
    );
}

#[test]
fn patch_output_file_given_from_a_subfolder_is_relative_to_it() {
    let t = Tree::git();
    t.write("pkg/a.py", SRC);
    t.run_in("pkg", &["patch", "-f", F, "-o", "fix.patch"])
        .expect(
            0,
            "",
            &[
                "unawait: wrote the patch to fix.patch (1 file)",
                &summary_to_fix(1),
            ],
        );
    assert_eq!(t.text("pkg/fix.patch"), src_diff("pkg/a.py"));
    assert!(!t.exists("fix.patch"));
}

#[test]
fn diff_headers_outside_git_are_relative_to_the_current_folder() {
    let t = tree(&[("proj/pkg/a.py", SRC)]);
    let one = summary_to_fix(1);
    let one = [one.as_str()];
    t.run_in("proj", &["diff", "-f", F])
        .expect(0, src_diff("pkg/a.py"), &one);
    t.run_in("proj/pkg", &["diff", "-f", F])
        .expect(0, src_diff("a.py"), &one);
    t.run(&["diff", "-f", F, "proj"])
        .expect(0, src_diff("proj/pkg/a.py"), &one);
}

#[test]
fn diff_header_for_a_file_outside_the_diff_base_is_not_an_absolute_path() {
    // Regression: a file outside the git top level (or, outside git, outside the current
    // folder) got its absolute path glued to the prefix: `a//tmp/.../a.py`.
    for git in [false, true] {
        let t = Tree::new();
        if git {
            t.mkdir("repo");
            t.git_ok("repo", &["init", "-q"]);
        } else {
            t.mkdir("repo");
        }
        t.write("out/a.py", SRC);
        let r = t.run_in("repo", &["diff", "-f", F, "../out/a.py"]);
        r.expect(0, src_diff("../out/a.py"), &[&summary_to_fix(1)]);
    }
}

#[test]
fn diff_of_a_file_without_final_newline_is_marked() {
    let t = Tree::new();
    t.write("nonl.py", NO_FINAL_NEWLINE);
    t.run(&["diff", "-f", F]).expect(
        0,
        "diff --git a/nonl.py b/nonl.py
--- a/nonl.py
+++ b/nonl.py
@@ -1,4 +1,4 @@
 from svc import get_manager
 
 async def h():
-    return await get_manager()
\\ No newline at end of file
+    return get_manager()
\\ No newline at end of file
",
        &[&summary_to_fix(1)],
    );
}

#[test]
fn diff_of_a_crlf_file_keeps_cr_inside_lines() {
    let t = Tree::new();
    t.write(
        "crlf.py",
        b"from svc import get_manager\r\n\r\nasync def h():\r\n    return await get_manager()\r\n",
    );
    t.run(&["diff", "-f", F]).expect(
        0,
        b"diff --git a/crlf.py b/crlf.py\n--- a/crlf.py\n+++ b/crlf.py\n@@ -1,4 +1,4 @@\n from svc import get_manager\r\n \r\n async def h():\r\n-    return await get_manager()\r\n+    return get_manager()\r\n",
        &[&summary_to_fix(1)],
    );
}

#[test]
fn diff_of_a_latin1_file_keeps_the_raw_bytes() {
    let t = Tree::new();
    t.write(
        "l.py",
        b"from svc import get_manager\nasync def h():\n    return await get_manager('\xe9')\n",
    );
    t.run(&["diff", "-f", F]).expect(
        0,
        b"diff --git a/l.py b/l.py\n--- a/l.py\n+++ b/l.py\n@@ -1,3 +1,3 @@\n from svc import get_manager\n async def h():\n-    return await get_manager('\xe9')\n+    return get_manager('\xe9')\n",
        &[&summary_to_fix(1)],
    );
}

#[test]
fn diff_header_for_a_path_with_spaces_ends_labels_with_a_tab() {
    let t = Tree::git();
    t.write("my dir/a b.py", SRC);
    let expected = src_diff("my dir/a b.py")
        .replace("--- a/my dir/a b.py\n", "--- a/my dir/a b.py\t\n")
        .replace("+++ b/my dir/a b.py\n", "+++ b/my dir/a b.py\t\n");
    let r = t.run(&["patch", "-f", F]);
    r.expect(0, expected, &[&summary_to_fix(1)]);
    let p = t.save_outside("s.patch", &r.stdout);
    t.git_ok(".", &["apply", "--check", &p]);
    t.patch_ok(&["-p1", "--dry-run", "-i", &p]);
}

/// `src_diff(name)` with the name in git's quoted form `quoted` (C escapes inside
/// double quotes), as git writes it for unusual names.
fn quoted_src_diff(name: &str, quoted: &str) -> String {
    src_diff(name)
        .replace(&format!("a/{name}"), &format!("\"a/{quoted}\""))
        .replace(&format!("b/{name}"), &format!("\"b/{quoted}\""))
}

#[test]
fn diff_header_quotes_unusual_names_like_git() {
    let t = Tree::git();
    t.write("caf\u{e9}.py", SRC);
    t.write("tab\there.py", SRC);
    t.write("quo\"te.py", SRC);
    // Files in path-byte order.
    let r = t.run(&["patch", "-f", F]);
    r.expect(
        0,
        format!(
            "{}{}{}",
            quoted_src_diff("caf\u{e9}.py", "caf\\303\\251.py"),
            quoted_src_diff("quo\"te.py", "quo\\\"te.py"),
            quoted_src_diff("tab\there.py", "tab\\there.py"),
        ),
        &[&summary_to_fix(3)],
    );
    let p = t.save_outside("q.patch", &r.stdout);
    t.git_ok(".", &["apply", "--check", &p]);
    t.git_ok(".", &["apply", &p]);
    assert_eq!(t.text("caf\u{e9}.py"), FIXED);
    assert_eq!(t.text("tab\there.py"), FIXED);
    assert_eq!(t.text("quo\"te.py"), FIXED);
}

#[cfg(unix)]
#[test]
fn patch_for_a_non_utf8_file_name_applies() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::git();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    std::fs::write(t.path().join(name), SRC).unwrap();
    let r = t.run(&["patch", "-f", F]);
    r.expect(
        0,
        quoted_src_diff("caf\u{e9}.py", "caf\\351.py"),
        &[&summary_to_fix(1)],
    );
    let p = t.save_outside("n.patch", &r.stdout);
    t.patch_ok(&["-p1", "--dry-run", "-i", &p]);
    t.git_ok(".", &["apply", &p]);
    assert_eq!(
        std::fs::read(t.path().join(name)).unwrap(),
        FIXED.as_bytes()
    );
}

#[test]
fn patch_to_a_file_and_to_stdout_are_the_same_bytes() {
    let t = Tree::git();
    for (name, bytes) in tricky_files() {
        t.write(name, bytes);
    }
    let to_stdout = t.run(&["patch", "-f", F]);
    to_stdout.code(0);
    assert_eq!(to_stdout.stderr, format!("{TRICKY_TO_FIX}\n"));
    t.run(&["patch", "-f", F, "-o", "-"])
        .expect(0, &to_stdout.stdout, &[TRICKY_TO_FIX]);
    t.run(&["patch", "-f", F, "--output", "out.patch"]).expect(
        0,
        "",
        &[
            "unawait: wrote the patch to out.patch (12 files)",
            TRICKY_TO_FIX,
        ],
    );
    assert_eq!(t.read("out.patch"), to_stdout.stdout);
    // A patch and a colourless diff are the same thing.
    t.run(&["diff", "-f", F, "--color", "never"])
        .expect(0, &to_stdout.stdout, &[TRICKY_TO_FIX]);
}

#[test]
fn patch_output_file_replaces_an_old_patch_and_leaves_no_temporary_file() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("fix.patch", "stale\n");
    t.run(&["patch", "-f", F, "-o", "fix.patch"]).expect(
        0,
        "",
        &[
            "unawait: wrote the patch to fix.patch (1 file)",
            &summary_to_fix(1),
        ],
    );
    assert_eq!(t.text("fix.patch"), src_diff("a.py"));
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(names, ["a.py", "fix.patch"]);
}

#[cfg(unix)]
#[test]
fn patch_output_file_gets_the_usual_mode_for_a_new_file() {
    // Regression: the patch was written through a temporary file created with mode 0600
    // and renamed into place, so `-o fix.patch` gave a private file where
    // `> fix.patch` gives 0644 (with umask 022).
    let t = Tree::new();
    t.write("a.py", SRC);
    let reference = t.write("reference", "");
    t.run(&["patch", "-f", F, "-o", "fix.patch"]).expect(
        0,
        "",
        &[
            "unawait: wrote the patch to fix.patch (1 file)",
            &summary_to_fix(1),
        ],
    );
    assert_eq!(t.text("fix.patch"), src_diff("a.py"));
    assert_eq!(
        format!("{:o}", mode(&t.join("fix.patch"))),
        format!("{:o}", mode(&reference))
    );
}

#[cfg(unix)]
#[test]
fn patch_output_file_keeps_the_mode_of_the_file_it_replaces() {
    // Regression: an existing 0664 patch file became 0600.
    let t = Tree::new();
    t.write("a.py", SRC);
    let out = t.write("fix.patch", "old\n");
    set_mode(&out, 0o664);
    t.run(&["patch", "-f", F, "-o", "fix.patch"]).expect(
        0,
        "",
        &[
            "unawait: wrote the patch to fix.patch (1 file)",
            &summary_to_fix(1),
        ],
    );
    assert_eq!(t.text("fix.patch"), src_diff("a.py"));
    assert_eq!(format!("{:o}", mode(&out)), "664");
}

#[cfg(unix)]
#[test]
fn patch_output_through_a_symlink_writes_the_target_and_keeps_the_link() {
    // Regression: `-o link` renamed the temporary file over the link, replacing the link
    // with a regular file and leaving its target stale. (Run as root with
    // `-o /dev/full`, the same rename replaced the device node.)
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("patches/real.patch", "old\n");
    std::os::unix::fs::symlink("patches/real.patch", t.join("fix.patch")).unwrap();
    t.run(&["patch", "-f", F, "-o", "fix.patch"]).expect(
        0,
        "",
        &[
            "unawait: wrote the patch to fix.patch (1 file)",
            &summary_to_fix(1),
        ],
    );
    assert!(
        std::fs::symlink_metadata(t.join("fix.patch"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a regular file"
    );
    assert_eq!(t.text("patches/real.patch"), src_diff("a.py"));
}

#[test]
fn patch_that_adds_import_lines_applies_and_gives_what_fix_gives() {
    let t = Tree::git();
    let src = "from svc import (\n    get_manager,\n    other,\n)\n\n\nasync def h():\n    return await get_manager()\n\n\ndef s():\n    return get_manager()\n";
    t.write("a.py", src);
    let args = ["--replace-with", "svc.get_manager=get_manager_async"];
    let p = t.outside("r.patch");
    t.run(&["patch", args[0], args[1], "-o", &p]).expect(
        0,
        "",
        &[
            &format!("unawait: wrote the patch to {p} (1 file)"),
            &summary_to_fix(1),
        ],
    );
    let patch = std::fs::read_to_string(&p).unwrap();
    assert!(patch.contains("@@ -1,11 +1,12 @@\n"), "{patch}");
    assert!(patch.contains("\n+    get_manager_async,\n"), "{patch}");
    t.git_ok(".", &["apply", "--check", &p]);
    t.patch_ok(&["-p1", "--dry-run", "-i", &p]);
    t.git_ok(".", &["apply", &p]);
    let applied = t.text("a.py");
    t.write("a.py", src);
    t.run(&["fix", args[0], args[1]])
        .expect(0, "", &[&summary_fixed(1)]);
    assert_eq!(t.text("a.py"), applied);
    assert!(
        applied.contains("return await get_manager_async()"),
        "{applied}"
    );
}

#[test]
fn patch_with_nothing_to_change_writes_an_empty_patch() {
    let t = Tree::new();
    t.write("a.py", CLEAN);
    t.write("fix.patch", "stale\n");
    t.run(&["patch", "-f", F, "-o", "fix.patch"]).expect(
        0,
        "",
        &[
            "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
            "unawait: wrote an empty patch to fix.patch (nothing to change)",
            "unawait: 1 file scanned (0 parsed); 0 files to change, 0 awaits to fix",
        ],
    );
    assert_eq!(t.text("fix.patch"), "");
}

/// `patch -o FILE` says where the patch went and how many files it changes (the
/// other tests of `-o` check the line too); `-q` drops it with the summary, and a patch
/// on stdout needs no such line.
#[test]
fn patch_to_a_file_says_where_it_wrote_unless_quiet() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("sub/b.py", SRC);
    t.run(&["patch", "-f", F, "-o", "fix.patch"]).expect(
        0,
        "",
        &[
            "unawait: wrote the patch to fix.patch (2 files)",
            &summary_to_fix(2),
        ],
    );
    assert_eq!(
        t.text("fix.patch"),
        [src_diff("a.py"), src_diff("sub/b.py")].concat()
    );
    t.run(&["patch", "-q", "-f", F, "-o", "fix.patch"])
        .expect(0, "", &[]);
}

#[test]
fn patch_into_a_missing_folder_is_an_error() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.run(&["patch", "-f", F, "-o", "no/such/dir/fix.patch"])
        .expect(
            2,
            "",
            &["unawait: error: cannot write no/such/dir/fix.patch: no such file or folder"],
        );
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn color_always_puts_ansi_escapes_in_the_diff() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["diff", "-f", F, "--color", "always"]);
    r.code(0);
    assert_eq!(r.stderr, format!("{}\n", summary_to_fix(1)));
    let out = r.out();
    assert!(out.contains("\x1b["), "{out:?}");
    assert!(
        out.contains("\x1b[31m-    manager = await get_manager()"),
        "{out:?}"
    );
    assert!(
        out.contains("\x1b[32m+    manager = get_manager()"),
        "{out:?}"
    );
    // Without the escapes it is the plain diff.
    let stripped = strip_ansi(out);
    assert_eq!(stripped, src_diff("a.py"));
}

#[test]
fn color_never_and_piped_output_have_no_escapes() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let one = summary_to_fix(1);
    let one = [one.as_str()];
    t.run(&["diff", "-f", F, "--color", "never"])
        .expect(0, src_diff("a.py"), &one);
    t.run(&["diff", "-f", F]).expect(0, src_diff("a.py"), &one);
    t.run(&["diff", "-f", F, "--color", "auto"])
        .expect(0, src_diff("a.py"), &one);
    t.run(&["check", "-f", F])
        .expect(1, src_check_line("a.py"), &one);
}

#[test]
fn patch_output_never_has_colour() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.run(&["patch", "-f", F, "--color", "always"]).expect(
        0,
        src_diff("a.py"),
        &[&summary_to_fix(1)],
    );
    t.run(&["patch", "-f", F, "--color", "always", "-o", "fix.patch"])
        .expect(
            0,
            "",
            &[
                "unawait: wrote the patch to fix.patch (1 file)",
                &summary_to_fix(1),
            ],
        );
    assert_eq!(t.text("fix.patch"), src_diff("a.py"));
}

/// Run the binary with stdout (and stderr) on a terminal, through util-linux
/// `script`; `None` when `script` is not available.
fn on_a_terminal(t: &Tree, args: &str, no_color: bool) -> Option<String> {
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
        .current_dir(t.path())
        .stdin(Stdio::null())
        .env_remove("NO_COLOR");
    if no_color {
        c.env("NO_COLOR", "1");
    }
    let out = c.output().ok()?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("invalid option") || stderr.contains("illegal option") {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_is_automatic_on_a_terminal_unless_no_color() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let Some(tty) = on_a_terminal(&t, "diff -f get_manager", false) else {
        eprintln!("skipped: util-linux `script` is not available");
        return;
    };
    assert!(
        tty.contains("\x1b[31m-    manager = await get_manager()"),
        "{tty:?}"
    );
    let never = on_a_terminal(&t, "diff -f get_manager --color never", false).unwrap();
    assert!(never.contains("-    manager = await"), "{never:?}");
    assert!(!never.contains('\x1b'), "{never:?}");
    let no_color = on_a_terminal(&t, "diff -f get_manager", true).unwrap();
    assert!(no_color.contains("-    manager = await"), "{no_color:?}");
    assert!(!no_color.contains('\x1b'), "{no_color:?}");
    let patch = on_a_terminal(&t, "patch -f get_manager", false).unwrap();
    assert!(patch.contains("-    manager = await"), "{patch:?}");
    assert!(!patch.contains('\x1b'), "{patch:?}");
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn closed_stdout_pipe_does_not_panic() {
    let t = Tree::new();
    // One big diff (far more than a pipe buffer) and many small ones.
    let mut big = String::from("from svc import get_manager\n\n\nasync def h():\n");
    for i in 0..6000 {
        big.push_str(&format!("    x{i} = await get_manager()\n"));
    }
    t.write("a_big.py", &big);
    for i in 0..200 {
        t.write(&format!("m/m{i:03}.py"), SRC);
    }
    for args in [
        vec!["diff", "-f", F],
        vec!["patch", "-f", F],
        vec!["check", "-f", F],
        vec!["diff", "-f", F, "-j", "1"],
    ] {
        let mut child = t
            .cmd(".", &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{args:?}");
        drop(reader);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        let expected = if args[0] == "check" { 1 } else { 0 };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{args:?}: {:?}\n{stderr}",
            out.status
        );
    }
}
