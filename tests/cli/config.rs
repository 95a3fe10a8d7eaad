//! Configuration: which file is found, what overrides what, and what each key does.

use crate::common::*;

const F: &str = "get_manager";

const PYPROJECT: &str =
    "[project]\nname = \"x\"\n\n[tool.unawait]\nfunctions = [\"get_manager\"]\n";

/// Calls `other_thing()` with an await, and nothing else.
const OTHER: &str = "from svc import other_thing


async def h():
    return await other_thing()
";

const OTHER_FIXED: &str = "from svc import other_thing


async def h():
    return other_thing()
";

/// A negative test that awaits on purpose, and a real call.
const RAISES: &str = "import pytest
from svc import get_manager


async def test_negative():
    with pytest.raises(TypeError):
        await get_manager()


async def use():
    return await get_manager()
";

const RAISES_KEPT: &str = "import pytest
from svc import get_manager


async def test_negative():
    with pytest.raises(TypeError):
        await get_manager()


async def use():
    return get_manager()
";

const RAISES_ALL: &str = "import pytest
from svc import get_manager


async def test_negative():
    with pytest.raises(TypeError):
        get_manager()


async def use():
    return get_manager()
";

/// The `check` line for `OTHER` at `path`.
fn other_check_line(path: &str) -> String {
    format!(
        "{path}:5:12: UNA001 `await` on synchronous `other_thing()` (rule `other_thing`): remove the `await`\n"
    )
}

/// The summary of a `check` that finds one await in one file of `files`, `parsed` of
/// them parsed.
fn one_to_fix(files: usize, parsed: usize) -> String {
    let files = if files == 1 {
        "1 file".to_string()
    } else {
        format!("{files} files")
    };
    format!("unawait: {files} scanned ({parsed} parsed); 1 file to change, 1 await to fix")
}

/// The note for the await `RAISES` keeps, in `t.py`.
const KEPT_IN_RAISES: &str =
    "t.py:7:9: kept `get_manager()`: inside a block that expects TypeError";

#[test]
fn pyproject_in_the_current_folder_is_used() {
    let t = tree(&[("pyproject.toml", PYPROJECT), ("a.py", SRC)]);
    t.run(&["check"])
        .expect(1, src_check_line("a.py"), &[&one_to_fix(1, 1)]);
    t.run(&["fix"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(t.text("a.py"), FIXED);
}

#[test]
fn pyproject_is_found_upward_from_a_subfolder() {
    tree(&[("pyproject.toml", PYPROJECT), ("pkg/sub/a.py", SRC)])
        .run_in("pkg/sub", &["check"])
        .expect(1, src_check_line("a.py"), &[&one_to_fix(1, 1)]);
}

#[test]
fn a_nearer_pyproject_without_the_section_is_passed_over() {
    tree(&[
        ("pyproject.toml", PYPROJECT),
        ("pkg/pyproject.toml", "[project]\nname = \"inner\"\n"),
        ("pkg/a.py", SRC),
    ])
    .run_in("pkg", &["check"])
    .expect(1, src_check_line("a.py"), &[&one_to_fix(1, 1)]);
}

#[test]
fn the_nearest_pyproject_with_the_section_wins() {
    tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"other_thing\"]\n",
        ),
        ("pkg/pyproject.toml", PYPROJECT),
        ("pkg/a.py", SRC),
        ("pkg/o.py", OTHER),
    ])
    .run_in("pkg", &["check"])
    .expect(1, src_check_line("a.py"), &[&one_to_fix(2, 1)]);
}

#[test]
fn config_is_found_from_the_single_folder_given() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"other_thing\"]\n",
        ),
        ("proj/pyproject.toml", PYPROJECT),
        ("proj/a.py", SRC),
        ("proj/o.py", OTHER),
    ]);
    t.run(&["check", "proj"])
        .expect(1, src_check_line("proj/a.py"), &[&one_to_fix(2, 1)]);
    // Without a root config, from a folder that has none.
    let u = tree(&[("proj/pyproject.toml", PYPROJECT), ("proj/a.py", SRC)]);
    u.run(&["check", "proj"])
        .expect(1, src_check_line("proj/a.py"), &[&one_to_fix(1, 1)]);
    u.run(&["check", "proj/a.py"])
        .expect(1, src_check_line("proj/a.py"), &[&one_to_fix(1, 1)]);
}

#[test]
fn unawait_toml_is_used_and_wins_over_pyproject_in_the_same_folder() {
    let t = tree(&[
        ("unawait.toml", "functions = [\"get_manager\"]\n"),
        ("a.py", SRC),
        ("o.py", OTHER),
    ]);
    t.run(&["check"])
        .expect(1, src_check_line("a.py"), &[&one_to_fix(2, 1)]);
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"other_thing\"]\n",
    );
    let (own, pyproject) = (t.join("unawait.toml"), t.join("pyproject.toml"));
    t.run(&["check"]).expect(
        1,
        src_check_line("a.py"),
        &[
            &format!(
                "unawait: warning: {} and {} both hold settings; {} wins and [tool.unawait] is not read",
                own.display(),
                pyproject.display(),
                own.display()
            ),
            &one_to_fix(2, 1),
        ],
    );
}

#[test]
fn unawait_toml_may_use_the_tool_section() {
    tree(&[
        (
            "unawait.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\n",
        ),
        ("a.py", SRC),
    ])
    .run(&["check"])
    .expect(1, src_check_line("a.py"), &[&one_to_fix(1, 1)]);
}

#[test]
fn config_flag_overrides_the_nearest_file() {
    let t = tree(&[
        ("pyproject.toml", PYPROJECT),
        ("conf/other.toml", "functions = [\"other_thing\"]\n"),
        ("a.py", SRC),
        ("o.py", OTHER),
    ]);
    t.run(&["check", "--config", "conf/other.toml"]).expect(
        1,
        other_check_line("o.py"),
        &[&one_to_fix(2, 1)],
    );
    // A pyproject.toml named with --config is read from its [tool.unawait].
    t.write(
        "conf/pyproject.toml",
        "[project]\nname = \"y\"\n[tool.unawait]\nfunctions = [\"other_thing\"]\n",
    );
    t.run(&["check", "--config", "conf/pyproject.toml"]).expect(
        1,
        other_check_line("o.py"),
        &[&one_to_fix(2, 1)],
    );
    // From a subfolder, --config is relative to the current folder.
    t.write("sub/o.py", OTHER);
    t.run_in("sub", &["check", "--config", "../conf/other.toml"])
        .expect(1, other_check_line("o.py"), &[&one_to_fix(1, 1)]);
}

#[test]
fn function_flag_replaces_the_configured_functions() {
    let t = tree(&[
        ("pyproject.toml", PYPROJECT),
        ("a.py", SRC),
        ("o.py", OTHER),
    ]);
    t.run(&["check", "-f", "other_thing"]).expect(
        1,
        other_check_line("o.py"),
        &[&one_to_fix(2, 1)],
    );
    t.run(&["fix", "--function", "other_thing"]).expect(
        0,
        "",
        &["unawait: 2 files scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(t.text("a.py"), SRC);
    assert_eq!(t.text("o.py"), OTHER_FIXED);
}

#[test]
fn configured_methods_match_on_any_receiver() {
    let t = tree(&[
        ("unawait.toml", "methods = [\"send_sync\"]\n"),
        (
            "a.py",
            "async def h(ws):\n    await ws.send_sync(1)\n    await ws.send(2)\n",
        ),
    ]);
    t.run(&["fix"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(
        t.text("a.py"),
        "async def h(ws):\n    ws.send_sync(1)\n    await ws.send(2)\n"
    );
}

#[test]
fn keep_in_raises_is_the_default_and_reports_what_it_kept() {
    let t = tree(&[("pyproject.toml", PYPROJECT), ("t.py", RAISES)]);
    t.run(&["fix"]).expect(
        0,
        "",
        &[
            KEPT_IN_RAISES,
            "unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed; 1 kept (1 raises-block)",
        ],
    );
    assert_eq!(t.text("t.py"), RAISES_KEPT);
}

#[test]
fn keep_in_raises_false_in_config_changes_awaits_in_raises_blocks() {
    let t = tree(&[
        (
            "pyproject.toml",
            format!("{PYPROJECT}keep-in-raises = false\n"),
        ),
        ("t.py", RAISES.to_string()),
    ]);
    let line = |at: &str| {
        format!(
            "t.py:{at}: UNA001 `await` on synchronous `get_manager()` (rule `get_manager`): remove the `await`\n"
        )
    };
    t.run(&["check"]).expect(
        1,
        format!("{}{}", line("7:9"), line("11:12")),
        &["unawait: 1 file scanned (1 parsed); 1 file to change, 2 awaits to fix"],
    );
    t.run(&["fix"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 2 awaits fixed"],
    );
    assert_eq!(t.text("t.py"), RAISES_ALL);
}

#[test]
fn no_keep_in_raises_flag_changes_awaits_in_raises_blocks() {
    let t = tree(&[("t.py", RAISES)]);
    let two_fixed = ["unawait: 1 file scanned (1 parsed); 1 file changed, 2 awaits fixed"];
    t.run(&["fix", "-f", F, "--no-keep-in-raises"])
        .expect(0, "", &two_fixed);
    assert_eq!(t.text("t.py"), RAISES_ALL);
    // The flag wins over `keep-in-raises = true` in the file.
    t.write("t.py", RAISES);
    t.write(
        "pyproject.toml",
        format!("{PYPROJECT}keep-in-raises = true\n"),
    );
    t.run(&["fix", "--no-keep-in-raises"])
        .expect(0, "", &two_fixed);
    assert_eq!(t.text("t.py"), RAISES_ALL);
}

#[test]
fn assert_raises_type_error_is_kept_too() {
    let src = "import unittest\nfrom svc import get_manager\n\n\nclass T(unittest.IsolatedAsyncioTestCase):\n    async def test_neg(self):\n        with self.assertRaises(TypeError):\n            await get_manager()\n";
    let t = tree(&[("t.py", src)]);
    t.run(&["fix", "-f", F]).expect(
        0,
        "",
        &[
            "t.py:8:13: kept `get_manager()`: inside a block that expects TypeError",
            "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 kept (1 raises-block)",
        ],
    );
    assert_eq!(t.text("t.py"), src);
    t.run(&["fix", "-f", F, "--no-keep-in-raises"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(
        t.text("t.py"),
        src.replace("await get_manager()", "get_manager()")
    );
}

#[test]
fn replace_with_in_config_keeps_the_await_and_renames() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\n\n[tool.unawait.replace-with]\n\"get_manager\" = \"get_manager_async\"\n",
        ),
        ("a.py", "async def h():\n    return await get_manager()\n"),
    ]);
    t.run(&["fix"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(
        t.text("a.py"),
        "async def h():\n    return await get_manager_async()\n"
    );
}

#[test]
fn replace_with_flag_keeps_the_await_and_renames() {
    let t = tree(&[("a.py", "async def h():\n    return await get_manager()\n")]);
    t.run(&["fix", "--replace-with", "get_manager=get_manager_async"])
        .expect(
            0,
            "",
            &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
        );
    assert_eq!(
        t.text("a.py"),
        "async def h():\n    return await get_manager_async()\n"
    );
    // clap writes this one.
    t.run(&["fix", "--replace-with", "get_manager"]).expect(
        2,
        "",
        &[
            "error: invalid value 'get_manager' for '--replace-with <OLD=NEW>': expected OLD=NEW, got `get_manager`",
            "",
            "For more information, try '--help'.",
        ],
    );
}

#[test]
fn every_documented_key_is_accepted() {
    tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]
functions = [\"get_manager\"]
methods = []
exclude = [\"legacy/**\"]
extend-exclude = [\"gen\"]
keep-in-raises = true
docs = false
src = [\"src\"]

[tool.unawait.replace-with]
\"pkg.mod.get_thing\" = \"get_thing_async\"
",
        ),
        ("a.py", SRC),
    ])
    .run(&["check"])
    .expect(
        1,
        src_check_line("a.py"),
        &[
            "unawait: warning: rule `pkg.mod.get_thing` matched no await, and module `pkg.mod` is not in the tree",
            &one_to_fix(1, 1),
        ],
    );
}

/// The error line for the configuration file `rel` of `t`: `unawait: error: PATH: why`.
fn config_error(t: &Tree, rel: &str, why: &str) -> String {
    format!("unawait: error: {}: {why}", t.join(rel).display())
}

#[test]
fn invalid_function_in_config_names_the_file() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get-manager\"]\n",
        ),
        ("a.py", SRC),
    ]);
    t.run(&["check"]).expect(
        2,
        "",
        &[&config_error(
            &t,
            "pyproject.toml",
            "invalid function name `get-manager`: `-` is not allowed in a Python identifier",
        )],
    );
}

#[test]
fn empty_functions_in_config_is_a_usage_error() {
    let t = tree(&[
        ("pyproject.toml", "[tool.unawait]\nfunctions = []\n"),
        ("a.py", SRC),
    ]);
    t.run(&["check"]).expect(
        2,
        "",
        &[&config_error(
            &t,
            "pyproject.toml",
            "no functions to look for: pass -f NAME (or --method NAME), or set `functions` in [tool.unawait]",
        )],
    );
}

#[test]
fn invalid_exclude_glob_in_config_is_an_error() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\nexclude = [\"a[\"]\n",
        ),
        ("a.py", SRC),
    ]);
    t.run(&["check"]).expect(
        2,
        "",
        &[&config_error(
            &t,
            "pyproject.toml",
            "invalid exclude pattern `a[`: error parsing glob 'a[': unclosed character class; missing ']'",
        )],
    );
}

/// Every key `[tool.unawait]` takes, as the unknown-key message lists them.
const KEYS: &str = "`functions`, `methods`, `exclude`, `extend-exclude`, `keep-in-raises`, `docs`, `replace-with`, `src`, `sync-decorators`";

#[test]
fn unknown_config_key_is_an_error_naming_the_key() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.unawait]\nfunctions = [\"get_manager\"]\nfunctionz = [\"oops\"]\n",
        ),
        ("a.py", SRC),
    ]);
    let error = config_error(
        &t,
        "pyproject.toml [tool.unawait]",
        &format!("`functionz`: unknown field `functionz`, expected one of {KEYS}"),
    );
    for cmd in ["check", "fix", "diff"] {
        t.run(&[cmd]).expect(2, "", &[&error]);
    }
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn unknown_key_in_unawait_toml_is_an_error() {
    let t = tree(&[
        (
            "unawait.toml",
            "functions = [\"get_manager\"]\nkeep_in_raises = false\n",
        ),
        ("a.py", SRC),
    ]);
    t.run(&["check"]).expect(
        2,
        "",
        &[&config_error(
            &t,
            "unawait.toml",
            &format!("`keep_in_raises`: unknown field `keep_in_raises`, expected one of {KEYS}"),
        )],
    );
}

#[test]
fn wrong_type_and_invalid_toml_are_config_errors() {
    let t = tree(&[
        ("a.py", SRC),
        ("unawait.toml", "functions = \"get_manager\"\n"),
    ]);
    t.run(&["check"]).expect(
        2,
        "",
        &[&config_error(
            &t,
            "unawait.toml",
            "`functions`: invalid type: string \"get_manager\", expected a sequence",
        )],
    );
    // The toml crate's own explanation follows on the next lines.
    t.write("unawait.toml", "functions = [\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert_eq!(r.out(), "");
    assert_eq!(
        r.stderr.lines().next(),
        Some(config_error(&t, "unawait.toml", "invalid TOML (line 2): invalid array").as_str()),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_config_file_is_an_error() {
    let t = tree(&[("a.py", SRC)]);
    t.run(&["check", "--config", "nope.toml"]).expect(
        2,
        "",
        &[&format!(
            "unawait: error: cannot read configuration file {}: no such file or folder",
            t.join("nope.toml").display()
        )],
    );
}

#[test]
fn a_misspelt_table_is_warned_about() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawiat]\nfunctions = [\"get_manager\"]\n",
        ),
        ("a.py", SRC),
    ]);
    let r = t.run(&["check", "-f", F]);
    r.expect(
        1,
        src_check_line("a.py"),
        &[
            &format!(
                "unawait: warning: {}: `[tool.unawiat]` is not read; did you mean `[tool.unawait]`?",
                t.join("pyproject.toml").display()
            ),
            &summary_to_fix(1),
        ],
    );
}

#[test]
fn unawait_toml_and_pyproject_toml_together_say_which_wins() {
    let t = tree(&[
        ("unawait.toml", "functions = [\"get_manager\"]\n"),
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"other_thing\"]\n",
        ),
        ("a.py", SRC),
    ]);
    let own = t.join("unawait.toml").display().to_string();
    let pyproject = t.join("pyproject.toml").display().to_string();
    t.run(&["check"]).expect(
        1,
        src_check_line("a.py"),
        &[
            &format!(
                "unawait: warning: {own} and {pyproject} both hold settings; {own} wins and [tool.unawait] is not read"
            ),
            &summary_to_fix(1),
        ],
    );
}

#[test]
fn without_rules_or_a_configuration_the_error_says_where_it_looked() {
    let t = tree(&[("a.py", SRC)]);
    t.run(&["check", "a.py"]).expect(
        2,
        "",
        &[&format!(
            "unawait: error: no functions to look for: pass -f NAME (or --method NAME), or set `functions` in [tool.unawait] (no configuration file was found: looked for unawait.toml, and pyproject.toml with [tool.unawait], in {} and every folder above it)",
            t.path().display()
        )],
    );
}

#[test]
fn show_settings_prints_each_value_and_where_it_came_from() {
    let t = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\nexclude = [\"old/**\"]\nsrc = [\"src\"]\nsync-decorators = [\"my.deco\", \"retry\"]\n[tool.unawait.replace-with]\nget_manager = \"get_manager_async\"\n",
        ),
        ("a.py", SRC),
    ]);
    let file = t.join("pyproject.toml").display().to_string();
    let root = t.path().display().to_string();
    let r = t.run(&["check", "--show-settings", "--docs"]);
    let want = format!(
        "# unawait: resolved settings; each comment says where the value came from
config = \"{file}\"  # found from {root}
functions = [\"get_manager\"]  # {file}
methods = []  # default
replace-with = {{ get_manager = \"get_manager_async\" }}  # {file}
keep-in-raises = true  # default
docs = true  # --docs
sync-decorators = [\"my.deco\", \"retry\"]  # {file}
exclude = [\"old/**\"]  # {file}
src = [\"{root}/src\"]  # {file}
respect-ignore = true  # default
"
    );
    // Compare without the alignment of the comments.
    let squeeze = |s: &str| -> String {
        s.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(squeeze(r.out()), squeeze(&want));
    assert_eq!(r.stderr, "");
    // Rules from the command line say that they replace the configuration's.
    let r = t.run(&["fix", "--show-settings", "--method", "send"]);
    assert!(
        r.out().lines().any(|l| l.starts_with("methods = [\"send\"]")
            && l.ends_with("# command line (-f/--method replace the configuration's functions and methods)")),
        "{}",
        r.out()
    );
    assert_eq!(t.text("a.py"), SRC, "nothing is fixed");
}
