//! Import-aware matching, end to end: qualified rules, re-exports, relative imports,
//! async test doubles, aliases, shadowing and async twins.

use crate::common::{check_line, left_line, summary_fixed, tree};

/// The `check` line for an await at `at` (`path:line:col`) on a call written
/// `get_manager()` that `rule` matches.
fn finding(at: &str, rule: &str) -> String {
    check_line(at, "get_manager", rule)
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
    let rule = "app.ws.manager.get_manager";
    tree(PKG).run(&["check", "-q", "-f", rule]).expect(
        1,
        [
            check_line("app/api/deep/handlers.py:6:5", "gm", rule),
            check_line("app/api/deep/handlers.py:7:5", "ws.get_manager", rule),
            left_line(
                "app/api/third.py:5:5",
                "get_manager",
                rule,
                &format!(
                    "the call resolves to `thirdparty.get_manager`, not to the rule's `{rule}`"
                ),
            ),
            finding("app/api/views.py:5:12", rule),
            // The async double is another function: left, never a kept note.
            left_line(
                "tests/test_views.py:5:5",
                "get_manager",
                rule,
                &format!(
                    "the call resolves to `tests.helpers.get_manager`, not to the rule's `{rule}`"
                ),
            ),
        ]
        .concat(),
        &[],
    );
}

#[test]
fn qualified_rule_named_by_its_reexport_matches_the_definition_too() {
    let rule = "app.ws.get_manager";
    tree(PKG).run(&["check", "-q", "-f", rule]).expect(
        1,
        [
            check_line("app/api/deep/handlers.py:6:5", "gm", rule),
            check_line("app/api/deep/handlers.py:7:5", "ws.get_manager", rule),
            left_line(
                "app/api/third.py:5:5",
                "get_manager",
                rule,
                &format!(
                    "the call resolves to `thirdparty.get_manager`, not to the rule's `{rule}`"
                ),
            ),
            finding("app/api/views.py:5:12", rule),
            // The async double is another function: left, never a kept note.
            left_line(
                "tests/test_views.py:5:5",
                "get_manager",
                rule,
                &format!(
                    "the call resolves to `tests.helpers.get_manager`, not to the rule's `{rule}`"
                ),
            ),
        ]
        .concat(),
        &[],
    );
}

#[test]
fn bare_rule_strips_third_party_but_never_the_async_test_double() {
    let rule = "get_manager";
    tree(PKG).run(&["check", "-f", rule]).expect(
        1,
        [
            check_line("app/api/deep/handlers.py:6:5", "gm", rule),
            check_line("app/api/deep/handlers.py:7:5", "ws.get_manager", rule),
            finding("app/api/third.py:5:5", rule),
            finding("app/api/views.py:5:12", rule),
        ]
        .concat(),
        &[
            "tests/test_views.py:5:5: kept `get_manager()`: name refers to an async def at tests/helpers.py:1",
            "unawait: 11 files scanned (4 parsed); 3 files to change, 4 awaits to fix; 1 kept (1 async-def)",
        ],
    );
}

#[test]
fn parameter_named_like_the_function_is_left_alone() {
    let dir = tree(&[(
        "m.py",
        "def get_manager():\n    pass\n\n\nasync def f(get_manager):\n    await get_manager()\n\n\nasync def g():\n    await get_manager()\n",
    )]);
    dir.run(&["check", "-q", "-f", "m.get_manager"]).expect(
        1,
        left_line(
            "m.py:6:5",
            "get_manager",
            "m.get_manager",
            "the name is bound here to a parameter at line 5, not to the rule's function",
        ) + &finding("m.py:10:5", "m.get_manager"),
        &[],
    );
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
    dir.run(&["check", "-q"]).expect(
        1,
        finding("src/lib/use.py:5:5", "lib.core.get_manager"),
        &[],
    );
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
    dir.run(&[
        "fix",
        "--replace-with",
        "app.ws.get_manager=get_manager_async",
    ])
    .expect(
        0,
        "",
        &["unawait: 3 files scanned (1 parsed); 1 file changed, 1 await fixed"],
    );
    assert_eq!(
        dir.text("app/use.py"),
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
    dir.run(&["fix"]).expect(0, "", &[&summary_fixed(1)]);
    assert_eq!(
        dir.text("use.py"),
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
    dir.run(&["check", "-f", "get_manager"]).expect(
        0,
        "",
        &[
            "app/use.py:6:12: kept `get_manager()`: name refers to an async def at app/aio.py:1",
            "unawait: 4 files scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 kept (1 async-def)",
        ],
    );
}
