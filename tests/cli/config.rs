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

#[test]
fn pyproject_in_the_current_folder_is_used() {
    let t = Tree::new();
    t.write("pyproject.toml", PYPROJECT);
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
    t.run(&["fix"]).code(0);
    assert_eq!(t.text("a.py"), FIXED);
}

#[test]
fn pyproject_is_found_upward_from_a_subfolder() {
    let t = Tree::new();
    t.write("pyproject.toml", PYPROJECT);
    t.write("pkg/sub/a.py", SRC);
    let r = t.run_in("pkg/sub", &["check"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
}

#[test]
fn a_nearer_pyproject_without_the_section_is_passed_over() {
    let t = Tree::new();
    t.write("pyproject.toml", PYPROJECT);
    t.write("pkg/pyproject.toml", "[project]\nname = \"inner\"\n");
    t.write("pkg/a.py", SRC);
    let r = t.run_in("pkg", &["check"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
}

#[test]
fn the_nearest_pyproject_with_the_section_wins() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"other_thing\"]\n",
    );
    t.write("pkg/pyproject.toml", PYPROJECT);
    t.write("pkg/a.py", SRC);
    t.write("pkg/o.py", OTHER);
    let r = t.run_in("pkg", &["check"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
}

#[test]
fn config_is_found_from_the_single_folder_given() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"other_thing\"]\n",
    );
    t.write("proj/pyproject.toml", PYPROJECT);
    t.write("proj/a.py", SRC);
    t.write("proj/o.py", OTHER);
    let r = t.run(&["check", "proj"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("proj/a.py"));
    // Without a root config, from a folder that has none.
    let u = Tree::new();
    u.write("proj/pyproject.toml", PYPROJECT);
    u.write("proj/a.py", SRC);
    let r = u.run(&["check", "proj"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("proj/a.py"));
    let r = u.run(&["check", "proj/a.py"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("proj/a.py"));
}

#[test]
fn unawait_toml_is_used_and_wins_over_pyproject_in_the_same_folder() {
    let t = Tree::new();
    t.write("unawait.toml", "functions = [\"get_manager\"]\n");
    t.write("a.py", SRC);
    t.write("o.py", OTHER);
    let r = t.run(&["check"]);
    r.code(1);
    assert_eq!(r.checked(), ["a.py"]);
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"other_thing\"]\n",
    );
    let r = t.run(&["check"]);
    r.code(1);
    assert_eq!(r.checked(), ["a.py"]);
}

#[test]
fn unawait_toml_may_use_the_tool_section() {
    let t = Tree::new();
    t.write(
        "unawait.toml",
        "[tool.unawait]\nfunctions = [\"get_manager\"]\n",
    );
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
}

#[test]
fn config_flag_overrides_the_nearest_file() {
    let t = Tree::new();
    t.write("pyproject.toml", PYPROJECT);
    t.write("conf/other.toml", "functions = [\"other_thing\"]\n");
    t.write("a.py", SRC);
    t.write("o.py", OTHER);
    let r = t.run(&["check", "--config", "conf/other.toml"]);
    r.code(1);
    assert_eq!(r.checked(), ["o.py"]);
    // A pyproject.toml named with --config is read from its [tool.unawait].
    t.write(
        "conf/pyproject.toml",
        "[project]\nname = \"y\"\n[tool.unawait]\nfunctions = [\"other_thing\"]\n",
    );
    let r = t.run(&["check", "--config", "conf/pyproject.toml"]);
    r.code(1);
    assert_eq!(r.checked(), ["o.py"]);
    // From a subfolder, --config is relative to the current folder.
    t.write("sub/o.py", OTHER);
    let r = t.run_in("sub", &["check", "--config", "../conf/other.toml"]);
    r.code(1);
    assert_eq!(r.checked(), ["o.py"]);
}

#[test]
fn function_flag_replaces_the_configured_functions() {
    let t = Tree::new();
    t.write("pyproject.toml", PYPROJECT);
    t.write("a.py", SRC);
    t.write("o.py", OTHER);
    let r = t.run(&["check", "-f", "other_thing"]);
    r.code(1);
    assert_eq!(r.checked(), ["o.py"]);
    t.run(&["fix", "--function", "other_thing"]).code(0);
    assert_eq!(t.text("a.py"), SRC);
    assert_eq!(t.text("o.py"), OTHER_FIXED);
}

#[test]
fn configured_methods_match_on_any_receiver() {
    let t = Tree::new();
    t.write("unawait.toml", "methods = [\"send_sync\"]\n");
    let src = "async def h(ws):\n    await ws.send_sync(1)\n    await ws.send(2)\n";
    t.write("a.py", src);
    t.run(&["fix"]).code(0);
    assert_eq!(
        t.text("a.py"),
        "async def h(ws):\n    ws.send_sync(1)\n    await ws.send(2)\n"
    );
}

#[test]
fn keep_in_raises_is_the_default_and_reports_what_it_kept() {
    let t = Tree::new();
    t.write("pyproject.toml", PYPROJECT);
    t.write("t.py", RAISES);
    let r = t.run(&["fix"]);
    r.code(0);
    assert_eq!(t.text("t.py"), RAISES_KEPT);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("t.py:7:9: kept `get_manager`")),
        "{}",
        r.stderr
    );
}

#[test]
fn keep_in_raises_false_in_config_changes_awaits_in_raises_blocks() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        format!("{PYPROJECT}keep-in-raises = false\n"),
    );
    t.write("t.py", RAISES);
    let r = t.run(&["check"]);
    r.code(1);
    assert_eq!(r.out().lines().count(), 2, "{}", r.out());
    assert!(r.out().starts_with("t.py:7:9: UNA001 "), "{}", r.out());
    let r = t.run(&["fix"]);
    r.code(0);
    assert!(!r.stderr.contains("kept"), "{}", r.stderr);
    assert_eq!(t.text("t.py"), RAISES_ALL);
}

#[test]
fn no_keep_in_raises_flag_changes_awaits_in_raises_blocks() {
    let t = Tree::new();
    t.write("t.py", RAISES);
    t.run(&["fix", "-f", F, "--no-keep-in-raises"]).code(0);
    assert_eq!(t.text("t.py"), RAISES_ALL);
    // The flag wins over `keep-in-raises = true` in the file.
    t.write("t.py", RAISES);
    t.write(
        "pyproject.toml",
        format!("{PYPROJECT}keep-in-raises = true\n"),
    );
    t.run(&["fix", "--no-keep-in-raises"]).code(0);
    assert_eq!(t.text("t.py"), RAISES_ALL);
}

#[test]
fn assert_raises_type_error_is_kept_too() {
    let t = Tree::new();
    let src = "import unittest\nfrom svc import get_manager\n\n\nclass T(unittest.IsolatedAsyncioTestCase):\n    async def test_neg(self):\n        with self.assertRaises(TypeError):\n            await get_manager()\n";
    t.write("t.py", src);
    let r = t.run(&["fix", "-f", F]);
    r.code(0);
    assert_eq!(t.text("t.py"), src);
    assert!(r.stderr.contains("t.py:8:13: kept"), "{}", r.stderr);
    t.run(&["fix", "-f", F, "--no-keep-in-raises"]).code(0);
    assert_eq!(
        t.text("t.py"),
        src.replace("await get_manager()", "get_manager()")
    );
}

#[test]
fn replace_with_in_config_keeps_the_await_and_renames() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"get_manager\"]\n\n[tool.unawait.replace-with]\n\"get_manager\" = \"get_manager_async\"\n",
    );
    let src = "async def h():\n    return await get_manager()\n";
    t.write("a.py", src);
    t.run(&["fix"]).code(0);
    assert_eq!(
        t.text("a.py"),
        "async def h():\n    return await get_manager_async()\n"
    );
}

#[test]
fn replace_with_flag_keeps_the_await_and_renames() {
    let t = Tree::new();
    let src = "async def h():\n    return await get_manager()\n";
    t.write("a.py", src);
    t.run(&["fix", "--replace-with", "get_manager=get_manager_async"])
        .code(0);
    assert_eq!(
        t.text("a.py"),
        "async def h():\n    return await get_manager_async()\n"
    );
    let r = t.run(&["fix", "--replace-with", "get_manager"]);
    r.code(2);
}

#[test]
fn every_documented_key_is_accepted() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[tool.unawait]
functions = [\"get_manager\"]
methods = []
exclude = [\"legacy/**\"]
extend-exclude = [\"gen\"]
keep-in-raises = true
docs = false

[tool.unawait.replace-with]
\"pkg.mod.get_thing\" = \"get_thing_async\"
",
    );
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(1);
    assert_eq!(r.out(), src_check_line("a.py"));
}

#[test]
fn invalid_function_in_config_names_the_file() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"get-manager\"]\n",
    );
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("pyproject.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("get-manager"), "{}", r.stderr);
}

#[test]
fn empty_functions_in_config_is_a_usage_error() {
    let t = Tree::new();
    t.write("pyproject.toml", "[tool.unawait]\nfunctions = []\n");
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("no functions"), "{}", r.stderr);
}

#[test]
fn invalid_exclude_glob_in_config_is_an_error() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"get_manager\"]\nexclude = [\"a[\"]\n",
    );
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("pyproject.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("a["), "{}", r.stderr);
}

#[test]
fn unknown_config_key_is_an_error_naming_the_key() {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.unawait]\nfunctions = [\"get_manager\"]\nfunctionz = [\"oops\"]\n",
    );
    t.write("a.py", SRC);
    for cmd in ["check", "fix", "diff"] {
        let r = t.run(&[cmd]);
        r.code(2);
        assert_eq!(r.out(), "");
        assert!(r.stderr.contains("functionz"), "{}", r.stderr);
        assert!(r.stderr.contains("pyproject.toml"), "{}", r.stderr);
    }
    assert_eq!(t.text("a.py"), SRC);
}

#[test]
fn unknown_key_in_unawait_toml_is_an_error() {
    let t = Tree::new();
    t.write(
        "unawait.toml",
        "functions = [\"get_manager\"]\nkeep_in_raises = false\n",
    );
    t.write("a.py", SRC);
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("keep_in_raises"), "{}", r.stderr);
}

#[test]
fn wrong_type_and_invalid_toml_are_config_errors() {
    let t = Tree::new();
    t.write("a.py", SRC);
    t.write("unawait.toml", "functions = \"get_manager\"\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("unawait.toml"), "{}", r.stderr);
    t.write("unawait.toml", "functions = [\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("unawait.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("TOML"), "{}", r.stderr);
}

#[test]
fn missing_config_file_is_an_error() {
    let t = Tree::new();
    t.write("a.py", SRC);
    let r = t.run(&["check", "--config", "nope.toml"]);
    r.code(2);
    assert!(r.stderr.contains("nope.toml"), "{}", r.stderr);
}
