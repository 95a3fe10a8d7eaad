//! Faults while writing: a full disk, signals in the middle of a large `fix`, and two
//! runs at once. Whatever happens, every file is wholly old or wholly new, and no
//! temporary file is left behind (`docs/contract.md`, "Writing").

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

const F: &str = "get_manager";

/// A file with `n` awaits to remove, and its fixed form.
fn source(n: usize) -> (String, String) {
    let mut src = String::from("from svc import get_manager\n\n\nasync def h():\n");
    for i in 0..n {
        src.push_str(&format!("    x{i} = await get_manager()\n"));
    }
    let fixed = src.replace("await get_manager()", "get_manager()");
    (src, fixed)
}

/// Run `script` with `sh` in a private mount namespace, so a tmpfs mounted there
/// vanishes with it; `None` when this machine does not allow that.
fn in_private_mount(script: &str) -> Option<std::process::Output> {
    let probe = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return None;
    }
    Some(
        Command::new("unshare")
            .args(["-m", "sh", "-c", script])
            .env("UNAWAIT", BIN)
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    )
}

#[test]
fn a_full_disk_keeps_the_original_intact() {
    // Room for the original but not for its fixed copy: the temporary file cannot be
    // written. Then no inode left: the temporary file cannot even be created.
    let (src, _) = source(1500);
    let t = Tree::new();
    let original = t.save_outside("orig.py", src.as_bytes());
    let script = format!(
        r#"set -u
d=$(mktemp -d)
mount -t tmpfs -o size=128k tmpfs "$d" || exit 99
cp '{original}' "$d/a.py"
dd if=/dev/zero of="$d/fill" bs=1k 2>/dev/null
cd "$d"
"$UNAWAIT" fix -f {F} a.py; echo "exit=$?"
cmp -s a.py '{original}' && echo same
ls -A
d=$(mktemp -d)
mount -t tmpfs -o size=1m,nr_inodes=2 tmpfs "$d" || exit 99
cp '{original}' "$d/a.py"
cd "$d"
"$UNAWAIT" fix -f {F} a.py; echo "exit=$?"
cmp -s a.py '{original}' && echo same
ls -A
"#
    );
    let Some(out) = in_private_mount(&script) else {
        eprintln!("skipped: cannot mount a tmpfs here; write.rs simulates a full disk instead");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stdout, "exit=2\nsame\na.py\nfill\nexit=2\nsame\na.py\n",
        "{stderr}"
    );
    assert_eq!(
        stderr,
        "unawait: a.py: cannot write temporary file: no space left on device\n\
         unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 file skipped with errors\n\
         unawait: a.py: cannot create a temporary file in the file's folder: no space left on device\n\
         unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 file skipped with errors\n",
    );
}

/// Fill a tree with `files` files of `src`; returns their names.
fn big_tree(t: &Tree, files: usize, src: &str) -> Vec<String> {
    (0..files)
        .map(|i| {
            let name = format!("d{:02}/m{i:05}.py", i % 20);
            t.write(&name, src);
            name
        })
        .collect()
}

/// Check that every file is wholly old or wholly new, that a backup exists exactly
/// for the new ones (when `backup`), and that no temporary file is left; returns how
/// many are new.
#[track_caller]
fn all_whole(t: &Tree, names: &[String], src: &str, fixed: &str, backup: bool) -> usize {
    let files = t.files();
    let mut new = 0;
    for name in names {
        let bytes = &files[name];
        assert!(
            bytes == src.as_bytes() || bytes == fixed.as_bytes(),
            "{name} is neither old nor new"
        );
        let is_new = bytes == fixed.as_bytes();
        new += usize::from(is_new);
        if backup {
            let orig = files.get(&format!("{name}.orig"));
            if is_new {
                assert_eq!(orig.map(Vec::as_slice), Some(src.as_bytes()), "{name}.orig");
            } else {
                assert!(orig.is_none(), "{name} is old but has a backup");
            }
        }
    }
    let extra = if backup { names.len() } else { 0 };
    let others: Vec<&String> = files
        .keys()
        .filter(|k| !k.ends_with(".py") && !k.ends_with(".py.orig"))
        .collect();
    assert!(others.is_empty(), "left behind: {others:?}");
    assert!(files.len() <= names.len() + extra);
    new
}

/// Start a large `fix`, wait until it has written a file, send `signal`, and check
/// that the run stops cleanly with status 130.
fn interrupt_a_large_fix(signal: &str, backup: bool) {
    let (src, fixed) = source(40);
    let t = Tree::new();
    let names = big_tree(&t, 2500, &src);
    let mut args = vec!["fix", "-q", "-f", F, "-j", "2"];
    if backup {
        args.push("--backup");
    }
    let child = t
        .cmd(".", &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first files in path order are fixed first: wait until one is.
    let first = t.join(&names[0]);
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::read(&first).is_ok_and(|b| b == src.as_bytes()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let new = all_whole(&t, &names, &src, &fixed, backup);
    match out.status.code() {
        Some(130) => {
            assert!(
                stderr.ends_with(
                    "unawait: interrupted; every file written is complete, the files not yet reached are unchanged; run again to finish\n"
                ),
                "{stderr}"
            );
            assert!(new < names.len(), "interrupted, yet every file was done");
            eprintln!("{signal}: {new} of {} files were done", names.len());
        }
        Some(0) => assert_eq!(new, names.len(), "finished, yet some files are old"),
        other => panic!("unexpected exit {other:?} after SIG{signal}:\n{stderr}"),
    }
    // A second run finishes the job.
    let mut args = vec!["fix", "-q", "-f", F];
    if backup {
        args.push("--backup");
    }
    t.run(&args).expect(0, "", &[]);
    assert_eq!(all_whole(&t, &names, &src, &fixed, backup), names.len());
}

#[cfg(unix)]
#[test]
fn sigint_in_a_large_fix_leaves_every_file_whole_and_exits_130() {
    interrupt_a_large_fix("INT", false);
}

#[cfg(unix)]
#[test]
fn sigterm_in_a_large_fix_with_backups_leaves_every_file_whole_and_exits_130() {
    interrupt_a_large_fix("TERM", true);
}

#[test]
fn two_fix_runs_at_once_leave_every_file_valid() {
    let (src, fixed) = source(40);
    let t = Tree::new();
    let names = big_tree(&t, 1500, &src);
    let spawn = || {
        t.cmd(".", &["fix", "-q", "-f", F, "-j", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The run that comes second to a file finds it changed and leaves it.
        assert!(matches!(out.status.code(), Some(0 | 2)), "{stderr}");
        for line in stderr.lines() {
            assert!(
                line.ends_with(": changed on disk during the run; not written"),
                "{line}"
            );
        }
    }
    assert_eq!(all_whole(&t, &names, &src, &fixed, false), names.len());
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &[
            "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
            "unawait: 1500 files scanned (0 parsed); 0 files changed, 0 awaits fixed",
        ],
    );
}
