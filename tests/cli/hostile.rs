//! Hostile input and hostile file systems: unawait must never damage or lose a file,
//! never crash, and always say what it skipped and why (`docs/contract.md`,
//! "Files that cannot be processed").
//!
//! Every case runs the real binary and checks the bytes left on disk, the exit status
//! and the message. Faults while writing, signals and concurrent runs are in
//! `faults.rs`.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::*;

const F: &str = "get_manager";

/// `before` with every `await get_manager(` turned into `get_manager(`: the expected
/// fix of sources that hold no other await of the rule.
fn unawaited(before: &[u8]) -> Vec<u8> {
    let needle = b"await get_manager(";
    let mut out = Vec::with_capacity(before.len());
    let mut i = 0;
    while i < before.len() {
        if before[i..].starts_with(needle) {
            out.extend_from_slice(b"get_manager(");
            i += needle.len();
        } else {
            out.push(before[i]);
            i += 1;
        }
    }
    out
}

/// Write each case, run `fix` once over all of them, and check every file's bytes.
#[track_caller]
fn fix_cases(cases: &[(&str, &[u8], &[u8])]) -> Run {
    let t = Tree::new();
    for (name, before, _) in cases {
        t.write(name, before);
    }
    let r = t.run(&["fix", "-f", F]);
    for (name, _, after) in cases {
        let now = t.read(name);
        if after.len() < 2000 {
            assert_eq!(
                String::from_utf8_lossy(&now),
                String::from_utf8_lossy(after),
                "{name}\n{}",
                r.stderr
            );
        }
        assert!(&now == after, "{name} is not as expected\n{}", r.stderr);
    }
    r
}

// ---------------------------------------------------------------- input bytes

#[test]
fn empty_and_blank_files_are_left_alone() {
    let r = fix_cases(&[
        ("empty.py", b"", b""),
        ("newline.py", b"\n", b"\n"),
        ("crlf.py", b"\r\n", b"\r\n"),
        ("bom.py", b"\xef\xbb\xbf", b"\xef\xbb\xbf"),
        ("named.py", b"# get_manager\n", b"# get_manager\n"),
    ]);
    r.expect(
        0,
        "",
        &[
            "unawait: warning: rule `get_manager` matched no await, and no module of the project defines it (misspelt?)",
            "unawait: 5 files scanned (0 parsed); 0 files changed, 0 awaits fixed",
        ],
    );
}

#[test]
fn utf16_source_is_skipped_as_binary() {
    let text = "async def h():\n    await get_manager()\n";
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let r = fix_cases(&[
        ("utf16.py", &utf16, &utf16),
        ("ok.py", SRC.as_bytes(), FIXED.as_bytes()),
    ]);
    r.expect(2, "", &["unawait: utf16.py: binary file (contains NUL bytes)", "unawait: 2 files scanned (1 parsed); 1 file changed, 1 await fixed; 1 file skipped with errors"]);
}

#[test]
fn invalid_utf8_is_edited_as_bytes_and_its_bytes_kept() {
    // unawait never decodes: bytes that are not UTF-8 (with or without a cookie that
    // says UTF-8, or a cookie naming another encoding) pass through untouched.
    let no_cookie = b"s = '\xff\xfe\x80'\nasync def h():\n    return await get_manager()\n";
    let utf8_cookie =
        b"# -*- coding: utf-8 -*-\ns = '\xc3\x28'\nasync def h():\n    return await get_manager()\n";
    let cp1252 = b"# coding: cp1252\n# \x93quoted\x94\nr\xe9sultat = 1\nasync def h():\n    return await get_manager(r\xe9sultat)\n";
    let r = fix_cases(&[
        ("none.py", no_cookie, &unawaited(no_cookie)),
        ("utf8.py", utf8_cookie, &unawaited(utf8_cookie)),
        ("cp1252.py", cp1252, &unawaited(cp1252)),
    ]);
    r.expect(
        0,
        "",
        &["unawait: 3 files scanned (3 parsed); 3 files changed, 3 awaits fixed"],
    );
}

#[test]
fn cr_only_form_feeds_and_tabs_are_kept() {
    let cr = b"from svc import get_manager\r\rasync def h():\r    x = await get_manager()\r    return x\r";
    let ff = b"\x0c\nfrom svc import get_manager\n\x0c\nasync def h():\n\x0c    x = await\x0cget_manager()\n    return x\n";
    let tabs = b"async def h():\n\tif 1:\n\t\treturn await\t\tget_manager()\t# x\n";
    let mixed = b"async def h():\r\n    a = await get_manager()\r    b = await get_manager()\n    return a, b";
    let r = fix_cases(&[
        ("cr.py", cr, &unawaited(cr)),
        // A form feed after the keyword is not a space or tab: it stays.
        (
            "ff.py",
            ff,
            b"\x0c\nfrom svc import get_manager\n\x0c\nasync def h():\n\x0c    x = \x0cget_manager()\n    return x\n",
        ),
        (
            "tabs.py",
            tabs,
            b"async def h():\n\tif 1:\n\t\treturn get_manager()\t# x\n",
        ),
        ("mixed.py", mixed, &unawaited(mixed)),
    ]);
    r.expect(
        0,
        "",
        &["unawait: 4 files scanned (4 parsed); 4 files changed, 5 awaits fixed"],
    );
}

#[test]
fn a_50_mb_file_with_100000_matches_is_fixed_exactly() {
    let pad = "x".repeat(240);
    let mut src = String::from("from svc import get_manager\n\n\nasync def h():\n");
    for i in 0..100_000 {
        src.push_str(&format!(
            "    v{i} = await get_manager({i}, '{pad}')  # {pad}\n"
        ));
    }
    assert!(src.len() > 50_000_000, "{}", src.len());
    let t = Tree::new();
    t.write("big.py", &src);
    let started = std::time::Instant::now();
    let r = t.run(&["fix", "-f", F]);
    eprintln!("50 MB, 100,000 matches: {:?}", started.elapsed());
    r.expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 100000 awaits fixed"],
    );
    assert!(
        t.read("big.py") == unawaited(src.as_bytes()),
        "big.py differs"
    );
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let deep = |open: &str, close: &str, n: usize| {
        format!(
            "async def h():\n    return {}await get_manager(){}\n",
            open.repeat(n),
            close.repeat(n)
        )
    };
    let parens = deep("(", ")", 10_000);
    let brackets = deep("[", "]", 10_000);
    let calls = deep("f(", ")", 10_000);
    let mixed = deep("{[(", ")]}", 4_000);
    let awaits = deep("await ", "", 10_000);
    let sum = format!(
        "async def h():\n    return {}await get_manager()\n",
        "a + ".repeat(50_000)
    );
    let mut blocks = String::from("async def h():\n");
    for depth in 1..=95 {
        blocks.push_str(&format!("{}if x:\n", " ".repeat(depth)));
    }
    blocks.push_str(&format!("{}await get_manager()\n", " ".repeat(96)));
    // A chain of awaits is a syntax error for CPython: skipped, unchanged.
    let r = fix_cases(&[
        (
            "parens.py",
            parens.as_bytes(),
            &unawaited(parens.as_bytes()),
        ),
        (
            "brackets.py",
            brackets.as_bytes(),
            &unawaited(brackets.as_bytes()),
        ),
        ("calls.py", calls.as_bytes(), &unawaited(calls.as_bytes())),
        ("mixed.py", mixed.as_bytes(), &unawaited(mixed.as_bytes())),
        ("awaits.py", awaits.as_bytes(), awaits.as_bytes()),
        ("sum.py", sum.as_bytes(), &unawaited(sum.as_bytes())),
        (
            "blocks.py",
            blocks.as_bytes(),
            &unawaited(blocks.as_bytes()),
        ),
    ]);
    r.expect(
        2,
        "",
        &[
            "unawait: awaits.py: syntax error at 2:60012: await expression cannot be used here; file left unchanged",
            "unawait: 7 files scanned (7 parsed); 6 files changed, 6 awaits fixed; 1 file skipped with errors (1 syntax error)",
        ],
    );
}

#[test]
fn very_long_lines_are_fixed_in_linear_time() {
    // One 1 MB line holding 50,000 matches, and one 4 MB string literal.
    let line = format!(
        "async def h():\n    return [{}]\n",
        "await get_manager(), ".repeat(50_000)
    );
    let literal = format!(
        "async def h():\n    s = '{}'\n    return await get_manager(s)\n",
        "await get_manager() ".repeat(200_000)
    );
    let literal_fixed = literal.replacen("return await get_manager(s)", "return get_manager(s)", 1);
    let r = fix_cases(&[
        ("line.py", line.as_bytes(), &unawaited(line.as_bytes())),
        ("literal.py", literal.as_bytes(), literal_fixed.as_bytes()),
    ]);
    r.expect(
        0,
        "",
        &["unawait: 2 files scanned (2 parsed); 2 files changed, 50001 awaits fixed; 200000 mentions in comments and strings (`-v` lists them)"],
    );
}

#[test]
fn many_ignore_comments_and_raises_blocks_stay_linear() {
    let mut ignored = String::from("async def h():\n");
    let mut raises = String::from("async def t():\n");
    for i in 0..20_000 {
        ignored.push_str(&format!(
            "    v{i} = await get_manager()  # unawait: ignore\n"
        ));
        raises.push_str("    with pytest.raises(TypeError):\n        await get_manager()\n");
    }
    raises.push_str("    await get_manager()\n");
    let raises_fixed = format!(
        "{}    get_manager()\n",
        &raises[..raises.len() - "    await get_manager()\n".len()]
    );
    let r = fix_cases(&[
        ("ignored.py", ignored.as_bytes(), ignored.as_bytes()),
        ("raises.py", raises.as_bytes(), raises_fixed.as_bytes()),
    ]);
    r.code(0);
    assert_eq!(r.out(), "");
    // A note for each kept await, then the summary.
    assert_eq!(r.stderr.lines().count(), 40_001);
    assert_eq!(
        r.summary(),
        "unawait: 2 files scanned (2 parsed); 1 file changed, 1 await fixed; 40000 kept (20000 ignore-comment, 20000 raises-block)"
    );
}

#[test]
fn newer_syntax_is_fixed_or_refused_never_damaged() {
    let fixed: &[(&str, &str)] = &[
        (
            "pep695_class.py",
            "class Box[T]:\n    async def m(self):\n        return await get_manager()\n",
        ),
        (
            "pep695_def.py",
            "def first[T: int, *Ts, **P](x: T) -> T:\n    return x\nasync def h():\n    return await get_manager()\n",
        ),
        (
            "type_stmt.py",
            "type A[T] = list[T]\ntype = 1\nasync def h():\n    return await get_manager()\n",
        ),
        (
            "pep701_quotes.py",
            "async def h(d):\n    s = f\"{d[\"k\"]} {await get_manager()}\"\n",
        ),
        (
            "pep701_nested.py",
            "async def h():\n    s = f\"{f\"{await get_manager()}\"}\"\n",
        ),
        (
            "pep701_comment.py",
            "async def h():\n    s = f\"{await get_manager() # c\n}\"\n",
        ),
        (
            "fstring_spec.py",
            "async def h(x):\n    s = f\"{x:{await get_manager()}}\"\n",
        ),
        (
            "match.py",
            "async def h(cmd):\n    match cmd:\n        case {\"a\": [1, *rest]} if rest:\n            return await get_manager()\n        case Point(x=0) | None:\n            pass\n        case _:\n            match = 1\n    return await get_manager()\n",
        ),
        (
            "except_star.py",
            "async def h():\n    try:\n        pass\n    except* ValueError:\n        return await get_manager()\n",
        ),
    ];
    // Text that only looks like code inside PEP 701 f-strings: never touched.
    let untouched: &[(&str, &str)] = &[
        (
            "pep701_text.py",
            "async def h(d):\n    s = f\"{d[\"k\"]} await get_manager() {d[\"j\"]}\"\n",
        ),
        (
            "pep701_text2.py",
            "async def h():\n    s = f\"{\"a\"} await get_manager() {\"b\"}\"\n",
        ),
        (
            "pep701_spec.py",
            "async def h(x):\n    s = f\"{x:{\"await get_manager()\"}}\"\n",
        ),
        (
            "pep701_comment_text.py",
            "async def h(x):\n    s = f\"{x # await get_manager()\n}\"\n",
        ),
        (
            "braces.py",
            "async def h(x):\n    s = f\"{x!r} {{await get_manager()}}\"\n",
        ),
    ];
    // PEP 696 type parameter defaults (3.13): tree-sitter-python 0.25 does not know
    // them, so the file is refused, naming them, and left as it is.
    let refused = "def f[T = int](x: T) -> T:\n    return x\nasync def h():\n    return await get_manager()\n";

    let mut cases: Vec<(&str, Vec<u8>, Vec<u8>)> = Vec::new();
    for (name, src) in fixed {
        cases.push((name, src.as_bytes().to_vec(), unawaited(src.as_bytes())));
    }
    for (name, src) in untouched {
        cases.push((name, src.as_bytes().to_vec(), src.as_bytes().to_vec()));
    }
    cases.push((
        "pep696.py",
        refused.as_bytes().to_vec(),
        refused.as_bytes().to_vec(),
    ));
    let borrowed: Vec<(&str, &[u8], &[u8])> =
        cases.iter().map(|(n, b, a)| (*n, &b[..], &a[..])).collect();
    let r = fix_cases(&borrowed);
    r.expect(2, "", &["unawait: pep696.py: tree-sitter-python cannot read the PEP 696 type parameter default at 1:11, which CPython accepts; file left unchanged", "unawait: 15 files scanned (15 parsed); 9 files changed, 10 awaits fixed; 5 mentions in comments and strings (`-v` lists them); 1 file skipped with errors (1 unreadable by tree-sitter-python)"]);
    match modern_python() {
        Some(python) => {
            for (name, before, after) in &cases {
                assert!(cpython_parses(&python, before), "{name}: test input");
                assert!(cpython_parses(&python, after), "{name}: fixed output");
            }
        }
        None => eprintln!("skipped the CPython 3.12+ check: no such python found"),
    }
}

// ---------------------------------------------------------------- files and folders

/// Run the binary as the unprivileged user `nobody` when the tests run as root, so
/// that mode bits apply; `None` when that cannot be done here.
#[cfg(unix)]
fn run_as_nobody(t: &Tree, args: &[&str]) -> Option<Run> {
    let id = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&id.stdout).trim() != "0" {
        return Some(t.run(args));
    }
    // Hand the tree (and the folders above it that are private) to nobody.
    fn give(p: &Path) {
        let _ = std::os::unix::fs::lchown(p, Some(65534), Some(65534));
        if fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
            for e in fs::read_dir(p).unwrap() {
                give(&e.unwrap().path());
            }
        }
    }
    give(t.path());
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(BIN)
        .args(args)
        .current_dir(t.path())
        .env("HOME", t.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::null())
        .output();
    let out = match out {
        Ok(o) if o.status.code() != Some(127) => o,
        _ => return None,
    };
    Some(Run::from_output(args, out))
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_and_read_only_folders_are_reported() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let locked = t.write("locked.py", SRC);
    t.write("closed/inner.py", SRC);
    t.write("ro/b.py", SRC);
    if run_as_nobody(&t, &["--version"]).is_none() {
        eprintln!("skipped: cannot run as an unprivileged user here");
        return;
    }
    set_mode(&locked, 0o000);
    set_mode(&t.join("closed"), 0o000);
    set_mode(&t.join("ro"), 0o555);
    let r = run_as_nobody(&t, &["fix", "-f", F]).unwrap();
    set_mode(&locked, 0o644);
    set_mode(&t.join("closed"), 0o755);
    set_mode(&t.join("ro"), 0o755);
    r.expect(2, "", &["unawait: ./closed: permission denied", "unawait: locked.py: cannot read: permission denied", "unawait: ro/b.py: cannot create a temporary file in the file's folder: permission denied", "unawait: 3 files scanned (2 parsed); 1 file changed, 1 await fixed; 2 files skipped with errors"]);
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("locked.py"), SRC);
    assert_eq!(t.text("closed/inner.py"), SRC);
    assert_eq!(t.text("ro/b.py"), SRC);
    let names: Vec<String> = t.files().into_keys().collect();
    assert_eq!(names, ["a.py", "closed/inner.py", "locked.py", "ro/b.py"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_named_on_the_command_line_are_reported() {
    let t = Tree::new();
    t.write("a.py", SRC);
    std::os::unix::fs::symlink("self.py", t.join("self.py")).unwrap();
    std::os::unix::fs::symlink("ping.py", t.join("pong.py")).unwrap();
    std::os::unix::fs::symlink("pong.py", t.join("ping.py")).unwrap();
    std::os::unix::fs::symlink("gone.py", t.join("dangling.py")).unwrap();
    // During a walk links are not followed: no message, no hang.
    t.run(&["check", "-f", F])
        .expect(1, src_check_line("a.py"), &[&summary_to_fix(1)]);
    let r = t.run(&["fix", "-f", F, "self.py", "ping.py", "dangling.py", "a.py"]);
    r.expect(
        2,
        "",
        &[
            "unawait: self.py: too many levels of symbolic links",
            "unawait: ping.py: too many levels of symbolic links",
            "unawait: dangling.py: no such file or folder",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed",
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert!(fs::read_link(t.join("self.py")).is_ok());
}

#[cfg(unix)]
#[test]
fn a_link_named_through_a_linked_folder_is_the_same_file() {
    let t = Tree::new();
    t.write("pkg/a.py", SRC);
    std::os::unix::fs::symlink("pkg", t.join("alias")).unwrap();
    let abs = t.join("pkg/a.py");
    let r = t.run(&[
        "fix",
        "-f",
        F,
        "pkg/a.py",
        "alias/a.py",
        abs.to_str().unwrap(),
        "pkg/../pkg/a.py",
    ]);
    r.expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(t.text("pkg/a.py"), FIXED);
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_named_on_the_command_line_are_refused_not_read() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let fifo = t.join("pipe.py");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    // A walk passes the pipe by; naming it must not block on reading it.
    t.run(&["check", "-f", F])
        .expect(1, src_check_line("a.py"), &[&summary_to_fix(1)]);
    let args = ["fix", "-f", F, "pipe.py", "/dev/zero", "a.py"];
    let mut child = t
        .cmd(".", &args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("unawait blocked on a pipe or a device");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Run::from_output(&args, child.wait_with_output().unwrap()).expect(
        2,
        "",
        &[
            "unawait: pipe.py: not a regular file (a pipe, socket or device); skipped",
            "unawait: /dev/zero: not a regular file (a pipe, socket or device); skipped",
            &summary_fixed(1),
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
}

#[cfg(unix)]
#[test]
fn unusual_file_names_are_fixed() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    let names: [&[u8]; 6] = [
        b"with space.py",
        b"new\nline.py",
        b"caf\xe9.py",
        b"tab\there.py",
        b"quote\"'.py",
        b"-dash.py",
    ];
    for name in names {
        fs::write(t.path().join(OsStr::from_bytes(name)), SRC).unwrap();
    }
    // In byte order; `check` writes text, so a name that is not UTF-8 is shown with
    // U+FFFD (a newline or a tab stays as it is).
    let mut sorted = names;
    sorted.sort();
    let want: String = sorted
        .iter()
        .map(|name| src_check_line(&String::from_utf8_lossy(name)))
        .collect();
    t.run(&["check", "-f", F])
        .expect(1, want, &[&summary_to_fix(6)]);
    t.run(&["fix", "-f", F]).expect(0, "", &[&summary_fixed(6)]);
    for name in names {
        let p = t.path().join(OsStr::from_bytes(name));
        assert_eq!(fs::read(&p).unwrap(), FIXED.as_bytes(), "{}", p.display());
    }
    // Named explicitly, `--` first so `-dash.py` is not a flag.
    let again = t.write("with space 2.py", SRC);
    t.run(&["fix", "-f", F, "--", "-dash.py", again.to_str().unwrap()])
        .expect(
            0,
            "",
            // -dash.py is fixed already.
            &["unawait: 2 files scanned (2 parsed); 1 file changed, 1 await fixed"],
        );
    assert_eq!(t.text("with space 2.py"), FIXED);
    assert_eq!(t.files().len(), 7, "no temporary file left");
}

/// Settings and candidates for `fix -f get_manager` over `t`, as `run` makes them.
fn discovered(
    t: &Tree,
) -> (
    unawait::setup::settings::Settings,
    Vec<unawait::files::discover::Candidate>,
) {
    use clap::Parser;
    let root = t.path().to_str().unwrap();
    let cli =
        unawait::setup::cli::Cli::try_parse_from(["unawait", "fix", "-q", "-f", F, root]).unwrap();
    let settings =
        unawait::setup::settings::Settings::resolve(cli.command, t.path(), false).unwrap();
    let (files, errors) = unawait::files::discover::discover(&settings);
    assert!(errors.is_empty(), "{errors:?}");
    (settings, files)
}

#[test]
fn files_deleted_or_replaced_between_discovery_and_reading() {
    use unawait::report::Status;
    use unawait::run::file::{process, Wanted};
    use unawait::run::job::Job;
    let t = Tree::new();
    for name in [
        "deleted.py",
        "folder.py",
        "edited.py",
        "swapped.py",
        "kept.py",
    ] {
        t.write(name, SRC);
    }
    let (settings, files) = discovered(&t);
    assert_eq!(files.len(), 5);
    fs::remove_file(t.join("deleted.py")).unwrap();
    fs::remove_file(t.join("folder.py")).unwrap();
    t.mkdir("folder.py");
    t.write("edited.py", CLEAN);
    // Replaced by rename with new contents that still need the fix.
    t.write("new.tmp", SRC.replace("manager = ", "mgr = "));
    fs::rename(t.join("new.tmp"), t.join("swapped.py")).unwrap();
    let job = Job::new(&settings);
    let index = unawait::fix::index::ProjectIndex::default();
    let got: Vec<(String, String)> = files
        .iter()
        .map(|c| {
            let wanted = Wanted {
                candidate: c.clone(),
                module: None,
                binary: false,
            };
            let (r, _) = process(&job, &wanted, &index);
            let name = r.path.file_name().unwrap().to_string_lossy().into_owned();
            let status = match r.status {
                Status::Unchanged => "unchanged".to_string(),
                Status::Changed => "changed".to_string(),
                Status::Skipped(why) => format!("skipped: {why}"),
                Status::Interrupted => "interrupted".to_string(),
            };
            (name, status)
        })
        .collect();
    let want = [
        ("deleted.py", "skipped: disappeared during the run"),
        ("edited.py", "unchanged"),
        ("folder.py", "skipped: is a folder"),
        ("kept.py", "changed"),
        ("swapped.py", "changed"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(t.text("kept.py"), FIXED);
    assert_eq!(t.text("edited.py"), CLEAN);
    assert_eq!(t.text("swapped.py"), FIXED.replace("manager = ", "mgr = "));
    assert!(!t.exists("deleted.py"));
}

#[cfg(unix)]
#[test]
fn read_only_file_in_a_writable_folder_is_fixed_and_stays_read_only() {
    // Renaming over a read-only file needs only the folder's write permission, as
    // `sed -i` does; the mode is kept. Run unprivileged where possible.
    let t = Tree::new();
    let p = t.write("ro.py", SRC);
    set_mode(&p, 0o444);
    let Some(r) = run_as_nobody(&t, &["fix", "-f", F]) else {
        eprintln!("skipped: cannot run as an unprivileged user here");
        return;
    };
    r.expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(t.text("ro.py"), FIXED);
    assert_eq!(mode(&p), 0o444);
}
