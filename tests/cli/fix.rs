//! `unawait fix`: exact bytes, permissions, backups, idempotence, no litter.

use std::fs;

use crate::common::*;

const F: &str = "get_manager";

#[test]
fn fix_removes_exactly_the_await_bytes() {
    let t = tree(&[("a.py", SRC), ("pkg/b.py", SRC), ("pkg/clean.py", CLEAN)]);
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &["unawait: 3 files scanned (2 parsed); 2 files changed, 2 awaits fixed"],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("pkg/b.py"), FIXED);
    assert_eq!(t.text("pkg/clean.py"), CLEAN);
}

#[test]
fn fix_keeps_every_other_byte_crlf_bom_latin1_tabs_no_final_newline() {
    let t = Tree::new();
    let cases: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
        (
            "crlf.py",
            b"from svc import get_manager\r\n\r\nasync def h():\r\n    return await get_manager()\r\n"
                .to_vec(),
            b"from svc import get_manager\r\n\r\nasync def h():\r\n    return get_manager()\r\n"
                .to_vec(),
        ),
        (
            "mixed.py",
            b"from svc import get_manager\n\r\nasync def h():\r\n\tx = await\tget_manager()\n\treturn x\r\n"
                .to_vec(),
            b"from svc import get_manager\n\r\nasync def h():\r\n\tx = get_manager()\n\treturn x\r\n"
                .to_vec(),
        ),
        (
            "bom.py",
            b"\xef\xbb\xbffrom svc import get_manager\n\nasync def h():\n    return await get_manager()\n"
                .to_vec(),
            b"\xef\xbb\xbffrom svc import get_manager\n\nasync def h():\n    return get_manager()\n"
                .to_vec(),
        ),
        (
            "latin1.py",
            b"# -*- coding: latin-1 -*-\nfrom svc import get_manager\n\nasync def h():\n    s = \"caf\xe9\"\n    return await get_manager(s)\n"
                .to_vec(),
            b"# -*- coding: latin-1 -*-\nfrom svc import get_manager\n\nasync def h():\n    s = \"caf\xe9\"\n    return get_manager(s)\n"
                .to_vec(),
        ),
        (
            "nonl.py",
            b"from svc import get_manager\n\nasync def h():\n    return await get_manager()".to_vec(),
            b"from svc import get_manager\n\nasync def h():\n    return get_manager()".to_vec(),
        ),
    ];
    for (name, before, _) in &cases {
        t.write(name, before);
    }
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &["unawait: 5 files scanned (5 parsed); 5 files changed, 5 awaits fixed"],
    );
    for (name, _, after) in &cases {
        assert_eq!(
            String::from_utf8_lossy(&t.read(name)),
            String::from_utf8_lossy(after),
            "{name}"
        );
        assert_eq!(&t.read(name), after, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn fix_keeps_the_file_mode() {
    let t = Tree::new();
    let exe = t.write("exe.py", SRC);
    let private = t.write("private.py", SRC);
    let group = t.write("group.py", SRC);
    let read_only = t.write("read_only.py", SRC);
    set_mode(&read_only, 0o444);
    set_mode(&exe, 0o755);
    set_mode(&private, 0o600);
    set_mode(&group, 0o664);
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &["unawait: 4 files scanned (4 parsed); 4 files changed, 4 awaits fixed"],
    );
    assert_eq!(t.text("exe.py"), FIXED);
    assert_eq!(t.text("private.py"), FIXED);
    assert_eq!(mode(&exe), 0o755);
    assert_eq!(mode(&private), 0o600);
    assert_eq!(mode(&group), 0o664);
    assert_eq!(t.text("read_only.py"), FIXED);
    assert_eq!(mode(&read_only), 0o444);
}

#[cfg(unix)]
#[test]
fn fix_does_not_touch_files_without_changes() {
    use std::os::unix::fs::MetadataExt;
    let t = Tree::new();
    let clean = t.write("clean.py", CLEAN);
    let fixed = t.write("fixed.py", FIXED);
    let before: Vec<(u64, i64, i64)> = [&clean, &fixed]
        .iter()
        .map(|p| {
            let m = fs::metadata(p).unwrap();
            (m.ino(), m.mtime(), m.mtime_nsec())
        })
        .collect();
    t.write("a.py", SRC);
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &["unawait: 3 files scanned (2 parsed); 1 file changed, 1 await fixed"],
    );
    let after: Vec<(u64, i64, i64)> = [&clean, &fixed]
        .iter()
        .map(|p| {
            let m = fs::metadata(p).unwrap();
            (m.ino(), m.mtime(), m.mtime_nsec())
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn backup_writes_orig_with_the_original_bytes() {
    let t = tree(&[("a.py", SRC), ("pkg/b.py", SRC), ("clean.py", CLEAN)]);
    t.run(&["fix", "--backup", "-f", F]).expect(
        0,
        "",
        &[
            "unawait: originals kept as FILE.orig beside the 2 changed files; to remove them: rm -- a.py.orig pkg/b.py.orig",
            "unawait: 3 files scanned (2 parsed); 2 files changed, 2 awaits fixed",
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("a.py.orig"), SRC);
    assert_eq!(t.text("pkg/b.py"), FIXED);
    assert_eq!(t.text("pkg/b.py.orig"), SRC);
    assert!(
        !t.exists("clean.py.orig"),
        "no backup for an unchanged file"
    );
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(
        names,
        ["a.py", "a.py.orig", "clean.py", "pkg/b.py", "pkg/b.py.orig"]
    );
}

/// The note after `fix --backup` names every backup the run made in a command that a
/// shell runs as it is (names quoted), and that removes those and nothing else: not an
/// older `.orig` file, not the backup that a symbolic link's target got, which is named
/// where it is.
#[test]
fn backup_note_gives_a_command_that_removes_exactly_the_new_backups() {
    let t = tree(&[
        ("a.py", SRC),
        ("my dir/it's b.py", SRC),
        ("old.py.orig", "someone else's backup\n"),
        ("clean.py", CLEAN),
        ("real/c.py", SRC),
    ]);
    std::os::unix::fs::symlink("real/c.py", t.join("link.py")).unwrap();
    let note =
        "unawait: originals kept as FILE.orig beside the 3 changed files; to remove them:\n    \
         rm -- a.py.orig real/c.py.orig 'my dir/it'\\''s b.py.orig'";
    let r = t.run(&[
        "fix", "--backup", "-f", F, "a.py", "my dir", "link.py", "clean.py",
    ]);
    r.expect(
        0,
        "",
        &[
            note,
            "unawait: 4 files scanned (3 parsed); 3 files changed, 3 awaits fixed",
        ],
    );
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(
        names,
        [
            "a.py",
            "a.py.orig",
            "clean.py",
            "link.py",
            "my dir/it's b.py",
            "my dir/it's b.py.orig",
            "old.py.orig",
            "real/c.py",
            "real/c.py.orig",
        ]
    );
    let command = note.split_once("to remove them:\n").unwrap().1;
    let sh = std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(t.path())
        .output()
        .unwrap();
    assert!(sh.status.success(), "{command}: {sh:?}");
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(
        names,
        [
            "a.py",
            "clean.py",
            "link.py",
            "my dir/it's b.py",
            "old.py.orig",
            "real/c.py"
        ]
    );
}

/// `--show-fixes`, or `-v`, lists each changed file with its number of fixes after the
/// run, in path order, before the summary; files that did not change are not listed.
/// Asked for by name, the list is printed with `-q` too; `-v` and `-q` contradict.
#[test]
fn show_fixes_lists_each_changed_file_with_its_number_of_fixes() {
    let two = "from svc import get_manager\n\n\nasync def h():\n    await get_manager()\n    return await get_manager()\n";
    let files = [("pkg/b.py", SRC), ("a.py", two), ("clean.py", CLEAN)];
    let listed = [
        "unawait: fixed 2 awaits in a.py",
        "unawait: fixed 1 await in pkg/b.py",
    ];
    let summary = "unawait: 3 files scanned (2 parsed); 2 files changed, 3 awaits fixed";
    for flag in ["--show-fixes", "-v", "--verbose"] {
        let t = tree(&files);
        t.run(&["fix", flag, "-f", F])
            .expect(0, "", &[listed[0], listed[1], summary]);
        assert_eq!(t.text("pkg/b.py"), FIXED, "{flag}");
    }
    tree(&files)
        .run(&["fix", "-q", "--show-fixes", "-f", F])
        .expect(0, "", &listed);
    // Without the flag, nothing is listed.
    tree(&files)
        .run(&["fix", "-f", F])
        .expect(0, "", &[summary]);
    let r = tree(&files).run(&["fix", "-q", "-v", "-f", F]);
    r.code(2);
    assert!(
        r.stderr
            .starts_with("error: the argument '--quiet' cannot be used with '--verbose'\n"),
        "{}",
        r.stderr
    );
    // From stdin, the file is the one `--stdin-filename` names.
    let args = [
        "fix",
        "--show-fixes",
        "-",
        "--stdin-filename",
        "a.py",
        "-f",
        F,
    ];
    Tree::new().run_stdin(".", &args, SRC.as_bytes()).expect(
        0,
        FIXED,
        &["unawait: fixed 1 await in a.py", &summary_fixed(1)],
    );
}

#[test]
fn backup_with_a_custom_suffix() {
    let t = tree(&[("a.py", SRC)]);
    t.run(&["fix", "--backup=.bak", "-f", F]).expect(
        0,
        "",
        &[
            "unawait: original kept as a.py.bak; to remove it: rm -- a.py.bak",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed",
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("a.py.bak"), SRC);
    assert!(!t.exists("a.py.orig"));
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(names, ["a.py", "a.py.bak"]);
}

#[test]
fn backup_of_a_crlf_latin1_file_is_byte_exact() {
    let t = Tree::new();
    let src = b"from svc import get_manager\r\n\r\nasync def h():\r\n    s = '\xe9'\r\n    return await get_manager()";
    t.write("a.py", src);
    t.run(&["fix", "--backup", "-f", F]).expect(
        0,
        "",
        &[
            "unawait: original kept as a.py.orig; to remove it: rm -- a.py.orig",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed",
        ],
    );
    assert_eq!(t.read("a.py.orig"), src);
    assert_eq!(
        t.read("a.py"),
        b"from svc import get_manager\r\n\r\nasync def h():\r\n    s = '\xe9'\r\n    return get_manager()"
    );
}

#[test]
fn existing_backup_is_never_overwritten() {
    let t = tree(&[("a.py", SRC), ("a.py.orig", "precious\n"), ("b.py", SRC)]);
    t.run(&["fix", "--backup", "-f", F]).expect(
        2,
        "",
        &[
            // The backup is named by its walk path (`./`), the file by its shown path.
            "unawait: a.py: backup a.py.orig already exists; not written (move it away and run again)",
            // Only the backup this run made.
            "unawait: original kept as b.py.orig; to remove it: rm -- b.py.orig",
            "unawait: 2 files scanned (2 parsed); 1 file changed, 1 await fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(
        t.text("a.py"),
        SRC,
        "file with an existing backup is left alone"
    );
    assert_eq!(t.text("a.py.orig"), "precious\n");
    assert_eq!(t.text("b.py"), FIXED, "other files are still fixed");
    assert_eq!(t.text("b.py.orig"), SRC);
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(names, ["a.py", "a.py.orig", "b.py", "b.py.orig"]);
}

#[test]
fn a_second_backup_run_does_not_clobber_the_first_backup() {
    let t = tree(&[("a.py", SRC)]);
    t.run(&["fix", "--backup", "-q", "-f", F])
        .expect(0, "", &[]);
    // The fixed file is edited again and gets a new await to fix.
    let again = FIXED.replace("manager = get_manager()", "manager = await get_manager()");
    assert_ne!(again, FIXED);
    t.write("a.py", &again);
    t.run(&["fix", "--backup", "-f", F]).expect(
        2,
        "",
        &[
            "unawait: a.py: backup a.py.orig already exists; not written (move it away and run again)",
            "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(t.text("a.py.orig"), SRC);
    assert_eq!(t.text("a.py"), again);
}

#[test]
fn invalid_backup_suffix_is_a_usage_error() {
    let t = Tree::new();
    t.write("a.py", SRC);
    for bad in ["--backup=", "--backup=x/y"] {
        t.run(&["fix", bad, "-f", F]).expect(
            2,
            "",
            &["unawait: error: --backup suffix must be non-empty and contain no `/`"],
        );
        assert_eq!(t.text("a.py"), SRC, "{bad}");
    }
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(names, ["a.py"]);
}

#[test]
fn fix_is_idempotent_and_check_is_then_clean() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("pkg/b.py", SRC);
    t.write(
        "pkg/t.py",
        "import pytest\nfrom svc import get_manager\n\n\nasync def test_negative():\n    with pytest.raises(TypeError):\n        await get_manager()\n",
    );
    let kept = "pkg/t.py:7:9: kept `get_manager()`: inside a block that expects TypeError";
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &[
            kept,
            "unawait: 3 files scanned (3 parsed); 2 files changed, 2 awaits fixed; 1 kept (1 raises-block)",
        ],
    );
    let once = t.files();
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &[
            kept,
            "unawait: 3 files scanned (3 parsed); 0 files changed, 0 awaits fixed; 1 kept (1 raises-block)",
        ],
    );
    assert_eq!(t.files(), once);
    let nothing_to_fix = [
        kept,
        "unawait: 3 files scanned (3 parsed); 0 files to change, 0 awaits to fix; 1 kept (1 raises-block)",
    ];
    t.run(&["check", "-f", F]).expect(0, "", &nothing_to_fix);
    t.run(&["diff", "--exit-code", "-f", F])
        .expect(0, "", &nothing_to_fix);
}

#[test]
fn fix_leaves_no_temporary_files() {
    let t = Tree::new();
    let mut expected = Vec::new();
    for i in 0..30 {
        let name = format!("d{}/m{i}.py", i % 4);
        t.write(&name, SRC);
        expected.push(name);
    }
    t.write("clean.py", CLEAN);
    expected.push("clean.py".to_string());
    expected.sort();
    t.run(&["fix", "-j", "4", "-f", F]).expect(
        0,
        "",
        &["unawait: 31 files scanned (30 parsed); 30 files changed, 30 awaits fixed"],
    );
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(names, expected);
    for name in &expected {
        if name != "clean.py" {
            assert_eq!(t.text(name), FIXED, "{name}");
        }
    }
}

#[cfg(unix)]
#[test]
fn fix_through_a_symlink_named_on_the_command_line_keeps_the_link() {
    let t = Tree::new();
    t.write("real.py", SRC);
    std::os::unix::fs::symlink("real.py", t.join("link.py")).unwrap();
    t.run(&["fix", "-f", F, "link.py"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert!(fs::symlink_metadata(t.join("link.py"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(t.text("real.py"), FIXED);
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(names, ["link.py", "real.py"]);
}

#[cfg(unix)]
#[test]
fn fix_in_a_read_only_folder_exits_2_and_leaves_the_file() {
    let t = Tree::new();
    t.write("ro/a.py", SRC);
    t.write("b.py", SRC);
    let ro = t.join("ro");
    set_mode(&ro, 0o555);
    if fs::write(ro.join("probe"), "x").is_ok() {
        let _ = fs::remove_file(ro.join("probe"));
        set_mode(&ro, 0o755);
        eprintln!("skipped: a read-only folder is still writable here");
        return;
    }
    let r = t.run(&["fix", "-f", F]);
    set_mode(&ro, 0o755);
    r.expect(
        2,
        "",
        &[
            "unawait: ro/a.py: cannot create a temporary file in the file's folder: permission denied",
            "unawait: 2 files scanned (2 parsed); 1 file changed, 1 await fixed; 1 file skipped with errors",
        ],
    );
    assert_eq!(t.text("ro/a.py"), SRC);
    assert_eq!(t.text("b.py"), FIXED);
}

#[test]
fn fix_output_matches_the_diff() {
    // What `diff` promises is what `fix` does.
    let t = tree(&[("a.py", SRC)]);
    t.run(&["diff", "-q", "-f", F])
        .expect(0, src_diff("a.py"), &[]);
    t.run(&["fix", "-q", "-f", F]).expect(0, "", &[]);
    assert_eq!(t.text("a.py"), FIXED);
}

#[test]
fn killing_fix_midway_leaves_each_file_wholly_old_or_wholly_new() {
    // A bigger file, so that a write is not instantaneous.
    let mut src = String::from("from svc import get_manager\n\n\nasync def h():\n");
    for i in 0..400 {
        src.push_str(&format!("    x{i} = await get_manager()\n"));
    }
    let fixed = src.replace("await get_manager()", "get_manager()");
    for delay_ms in [5u64, 30, 100] {
        let t = Tree::new();
        for i in 0..80 {
            t.write(&format!("d{}/m{i:03}.py", i % 5), &src);
        }
        let mut child = t
            .cmd(".", &["fix", "-q", "-f", F, "-j", "2"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let mut new = 0;
        for (name, bytes) in t.files() {
            if !name.ends_with(".py") {
                // A temporary file may survive a kill; it must not look like Python.
                assert!(name.ends_with(".unawait-tmp"), "{name}");
                continue;
            }
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text == src || text == fixed,
                "{name} is neither old nor new after a kill at {delay_ms} ms"
            );
            new += usize::from(text == fixed);
        }
        // Whatever was left, a second run finishes the job.
        t.run(&["fix", "-q", "-f", F]).expect(0, "", &[]);
        for (name, bytes) in t.files() {
            if name.ends_with(".py") {
                assert_eq!(bytes, fixed.as_bytes(), "{name} (after {new} were done)");
            }
        }
    }
}

#[test]
fn exit_non_zero_on_fix_fails_only_when_something_was_fixed() {
    let t = tree(&[("a.py", SRC)]);
    t.run(&["fix", "--exit-non-zero-on-fix", "-f", "get_manager"])
        .expect(1, "", &[&summary_fixed(1)]);
    assert_eq!(t.text("a.py"), FIXED);
    t.run(&["fix", "--exit-non-zero-on-fix", "-f", "get_manager"])
        .expect(
            0,
            "",
            &[
                "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
                "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed",
            ],
        );
}
