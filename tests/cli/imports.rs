//! Import-aware matching, end to end: qualified rules, re-exports, relative imports,
//! async test doubles, aliases, shadowing and async twins.

use crate::common::{run_parts as run, tree, Tree};

fn read(t: &Tree, path: &str) -> String {
    t.text(path)
}

/// The `line:col` of every finding `check` prints.
fn findings(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let path = parts.next().unwrap();
            format!("{path}:{}", parts.next().unwrap())
        })
        .collect()
}

const PKG: &[(&str, &str)] = &[
    ("app/__init__.py", ""),
    ("app/api/__init__.py", ""),
    ("app/api/deep/__init__.py", ""),
    ("app/ws/__init__.py", "from .manager import get_manager\n"),
    (
        "app/ws/manager.py",
        "def get_manager():\n    return object()\n\n\nasync def get_manager_async():\n    return object()\n",
    ),
    (
        "app/api/views.py",
        "from app.ws import get_manager\n\n\nasync def view():\n    return await get_manager()\n",
    ),
    (
        "app/api/deep/handlers.py",
        "from ...ws.manager import get_manager as gm\nfrom ... import ws\n\n\nasync def h():\n    await gm()\n    await ws.get_manager()\n",
    ),
    (
        "app/api/third.py",
        "from thirdparty import get_manager\n\n\nasync def t():\n    await get_manager()\n",
    ),
    (
        "tests/helpers.py",
        "async def get_manager():\n    return 1\n",
    ),
    (
        "tests/test_views.py",
        "from tests.helpers import get_manager\n\n\nasync def test_it():\n    await get_manager()\n",
    ),
    ("tests/__init__.py", ""),
];

#[test]
fn qualified_rule_follows_reexport_relative_and_alias_but_not_third_party() {
    let dir = tree(PKG);
    let (code, out, _) = run(&dir, &["check", "-q", "-f", "app.ws.manager.get_manager"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&out),
        vec![
            "app/api/deep/handlers.py:6",
            "app/api/deep/handlers.py:7",
            "app/api/views.py:5",
        ]
    );
}

#[test]
fn qualified_rule_named_by_its_reexport_matches_the_definition_too() {
    let dir = tree(PKG);
    let (_, out, _) = run(&dir, &["check", "-q", "-f", "app.ws.get_manager"]);
    assert_eq!(
        findings(&out),
        vec![
            "app/api/deep/handlers.py:6",
            "app/api/deep/handlers.py:7",
            "app/api/views.py:5",
        ]
    );
}

#[test]
fn bare_rule_strips_third_party_but_never_the_async_test_double() {
    let dir = tree(PKG);
    let (code, out, err) = run(&dir, &["check", "-f", "get_manager"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&out),
        vec![
            "app/api/deep/handlers.py:6",
            "app/api/deep/handlers.py:7",
            "app/api/third.py:5",
            "app/api/views.py:5",
        ]
    );
    assert!(
        err.contains("tests/test_views.py:5:5: kept `get_manager`: name refers to an async def at tests/helpers.py:1"),
        "{err}"
    );
}

#[test]
fn parameter_named_like_the_function_is_left_alone() {
    let dir = tree(&[(
        "m.py",
        "def get_manager():\n    pass\n\n\nasync def f(get_manager):\n    await get_manager()\n\n\nasync def g():\n    await get_manager()\n",
    )]);
    let (_, out, _) = run(&dir, &["check", "-q", "-f", "m.get_manager"]);
    assert_eq!(findings(&out), vec!["m.py:10"]);
}

#[test]
fn src_setting_roots_module_names() {
    let dir = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = ['lib.core.get_manager']\nsrc = ['src']\n",
        ),
        ("src/lib/core.py", "def get_manager():\n    pass\n"),
        (
            "src/lib/use.py",
            "from lib.core import get_manager\n\n\nasync def f():\n    await get_manager()\n",
        ),
    ]);
    let (code, out, _) = run(&dir, &["check", "-q"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&out), vec!["src/lib/use.py:5"]);
}

#[test]
fn replace_with_extends_parenthesised_multi_line_import() {
    let dir = tree(&[
        ("app/__init__.py", ""),
        ("app/ws.py", "def get_manager():\n    pass\n\n\nasync def get_manager_async():\n    pass\n"),
        (
            "app/use.py",
            "from app.ws import (\n    get_manager,\n    other,  # keep me\n)\n\nSYNC = get_manager()\n\n\nasync def f():\n    return await get_manager()\n",
        ),
    ]);
    let (code, _, err) = run(
        &dir,
        &[
            "fix",
            "--replace-with",
            "app.ws.get_manager=get_manager_async",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(&dir, "app/use.py"),
        "from app.ws import (\n    get_manager,\n    other,  # keep me\n    get_manager_async,\n)\n\nSYNC = get_manager()\n\n\nasync def f():\n    return await get_manager_async()\n"
    );
}

#[test]
fn replace_with_from_config_replaces_an_unused_name() {
    let dir = tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = []\n[tool.unawait.replace-with]\n\"get_manager\" = \"get_manager_async\"\n",
        ),
        ("use.py", "from app.ws import get_manager as gm\n\n\nasync def f():\n    return await gm()\n"),
    ]);
    let (code, _, err) = run(&dir, &["fix"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(&dir, "use.py"),
        "from app.ws import get_manager_async\n\n\nasync def f():\n    return await get_manager_async()\n"
    );
}

#[test]
fn an_async_def_behind_any_star_import_keeps_the_await() {
    // Python binds `get_manager` from the last star import that defines it; unawait
    // does not decide which, so an `async def` behind either one keeps the await.
    let dir = tree(&[
        ("app/__init__.py", ""),
        ("app/sync.py", "def other():\n    pass\n"),
        ("app/aio.py", "async def get_manager():\n    pass\n"),
        (
            "app/use.py",
            "from app.sync import *\nfrom app.aio import *\n\n\nasync def f():\n    return await get_manager()\n",
        ),
    ]);
    let (code, out, err) = run(&dir, &["check", "-f", "get_manager"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("kept `get_manager`: name refers to an async def at app/aio.py:1"),
        "{err}"
    );
}
