//! Star imports and `__all__`, and renamed re-exports, end to end: a star import of a
//! module of the tree brings only what that module exports, an `__init__.py`'s star
//! import is a re-export the rules follow, and a function re-exported under another
//! name is the same function under either.

use crate::common::{check_line, left_line, tree};

/// The `left` line for a name a star import may bring that a qualified rule names.
fn unresolved(at: &str, callee: &str, rule: &str) -> String {
    left_line(
        at,
        callee,
        rule,
        &format!(
            "this file does not import it by name (a star import may bring it), so the qualified rule `{rule}` cannot tell what it is"
        ),
    )
}

/// The `left` line for a name no import of the file brings (a star of a module of the
/// tree that does not export it does not).
fn not_imported(at: &str, callee: &str, rule: &str) -> String {
    left_line(
        at,
        callee,
        rule,
        &format!(
            "this file does not import it, so the qualified rule `{rule}` cannot tell what it is"
        ),
    )
}

/// `lib.py` with three sync functions, and `use.py` awaiting each through
/// `from lib import *`; `all` is `lib.py`'s `__all__` lines.
fn star_of_lib(all: &str) -> crate::common::Tree {
    tree(&[
        (
            "lib.py",
            format!("{all}\ndef fetch():\n    pass\n\ndef load():\n    pass\n\ndef _private():\n    pass\n"),
        ),
        (
            "use.py",
            "from lib import *\n\n\nasync def h():\n    await fetch()\n    await load()\n    await _private()\n"
                .to_string(),
        ),
    ])
}

const RULES: &[&str] = &[
    "check",
    "-q",
    "-f",
    "lib.fetch",
    "-f",
    "lib.load",
    "-f",
    "lib._private",
];

#[test]
fn dunder_all_that_leaves_a_name_out_keeps_the_star_from_bringing_it() {
    star_of_lib("__all__ = ['fetch']\n").run(RULES).expect(
        1,
        [
            check_line("use.py:5:5", "fetch", "lib.fetch"),
            not_imported("use.py:6:5", "load", "lib.load"),
            not_imported("use.py:7:5", "_private", "lib._private"),
        ]
        .concat(),
        &[],
    );
}

#[test]
fn dunder_all_built_by_plus_equals_and_extend_brings_each_name() {
    for all in [
        "__all__ = ('fetch',)\n__all__ += ['load', '_private']\n",
        "__all__ = []\n__all__.extend(['fetch', '_private'])\n__all__.append('load')\n",
    ] {
        star_of_lib(all).run(RULES).expect(
            1,
            [
                check_line("use.py:5:5", "fetch", "lib.fetch"),
                check_line("use.py:6:5", "load", "lib.load"),
                check_line("use.py:7:5", "_private", "lib._private"),
            ]
            .concat(),
            &[],
        );
    }
}

#[test]
fn without_dunder_all_a_star_brings_the_public_names_only() {
    star_of_lib("").run(RULES).expect(
        1,
        [
            check_line("use.py:5:5", "fetch", "lib.fetch"),
            check_line("use.py:6:5", "load", "lib.load"),
            not_imported("use.py:7:5", "_private", "lib._private"),
        ]
        .concat(),
        &[],
    );
}

/// An `__all__` the walk cannot read may hold any name: the public ones are brought.
#[test]
fn an_unreadable_dunder_all_brings_the_public_names() {
    star_of_lib("from other import names\n__all__ = names + ['fetch']\n")
        .run(RULES)
        .expect(
            1,
            [
                check_line("use.py:5:5", "fetch", "lib.fetch"),
                check_line("use.py:6:5", "load", "lib.load"),
                not_imported("use.py:7:5", "_private", "lib._private"),
            ]
            .concat(),
            &[],
        );
}

/// `pkg/__init__.py` star-imports `pkg.sub`, whose `__init__.py` star-imports
/// `pkg.sub.mod`, which defines `fetch` (sync, or async with `is_async`).
fn package_of_stars(is_async: bool) -> crate::common::Tree {
    let def = if is_async { "async def" } else { "def" };
    tree(&[
        ("pkg/__init__.py", "from .sub import *\n".to_string()),
        ("pkg/sub/__init__.py", "from .mod import *\n".to_string()),
        ("pkg/sub/mod.py", format!("{def} fetch():\n    pass\n")),
        (
            "app/use.py",
            "import pkg\nimport pkg.sub.mod\nfrom pkg import fetch\n\n\nasync def h():\n    await pkg.fetch()\n    await pkg.sub.mod.fetch()\n    await fetch()\n"
                .to_string(),
        ),
        (
            "app/star.py",
            "from pkg.sub import *\n\n\nasync def h():\n    await fetch()\n".to_string(),
        ),
    ])
}

#[test]
fn package_star_reexports_are_followed_two_levels_deep_for_a_qualified_rule() {
    for rule in ["pkg.fetch", "pkg.sub.fetch", "pkg.sub.mod.fetch"] {
        package_of_stars(false)
            .run(&["check", "-q", "-f", rule])
            .expect(
                1,
                [
                    check_line("app/star.py:5:5", "fetch", rule),
                    check_line("app/use.py:7:5", "pkg.fetch", rule),
                    check_line("app/use.py:8:5", "pkg.sub.mod.fetch", rule),
                    check_line("app/use.py:9:5", "fetch", rule),
                ]
                .concat(),
                &[],
            );
    }
}

#[test]
fn an_async_def_behind_package_star_reexports_is_kept() {
    package_of_stars(true).run(&["check", "-f", "fetch"]).expect(
        0,
        "",
        &[
            "app/star.py:5:5: kept `fetch()`: name refers to an async def at pkg/sub/mod.py:1",
            "app/use.py:7:5: kept `pkg.fetch()`: name refers to an async def at pkg/sub/mod.py:1",
            "app/use.py:8:5: kept `pkg.sub.mod.fetch()`: name refers to an async def at pkg/sub/mod.py:1",
            "app/use.py:9:5: kept `fetch()`: name refers to an async def at pkg/sub/mod.py:1",
            "unawait: 5 files scanned (2 parsed); 0 files to change, 0 awaits to fix; 4 kept (4 async-def)",
        ],
    );
}

/// A star import from outside the tree may bring any name: a bare rule matches it,
/// a qualified rule of that module too; an `async def` of a module of the tree
/// that the star does bring keeps it.
#[test]
fn a_star_from_outside_the_tree_keeps_the_unbound_name_rule() {
    let dir = tree(&[
        (
            "use.py",
            "from thirdparty import *\n\n\nasync def h():\n    await fetch()\n",
        ),
        ("aio.py", "async def load():\n    pass\n"),
        (
            "both.py",
            "from thirdparty import *\nfrom aio import *\n\n\nasync def h():\n    await load()\n",
        ),
    ]);
    dir.run(&["check", "-q", "-f", "fetch"]).expect(
        1,
        check_line("use.py:5:5", "fetch", "fetch"),
        &[],
    );
    dir.run(&["check", "-q", "-f", "thirdparty.fetch"]).expect(
        1,
        check_line("use.py:5:5", "fetch", "thirdparty.fetch"),
        &[],
    );
    // A qualified rule of another module cannot tell what the star brings.
    dir.run(&["check", "-q", "-f", "lib.fetch"]).expect(
        0,
        unresolved("use.py:5:5", "fetch", "lib.fetch"),
        &["unawait: warning: rule `lib.fetch` matched no await, and module `lib` is not in the tree"],
    );
    dir.run(&["check", "-f", "load"]).expect(
        0,
        "",
        &[
            "both.py:6:5: kept `load()`: name refers to an async def at aio.py:1",
            "unawait: 3 files scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 kept (1 async-def)",
        ],
    );
}

/// `pkg/__init__.py` re-exports `pkg.sub.alias` as `alias2` and as `alias`;
/// `pkg/sub/__init__.py` re-exports `pkg.sub.mod.func` as `alias`. Each file of
/// `app/` calls the function by one name only, and `app/local.py` calls a function of
/// its own that is merely called `alias`.
const RENAMED: &[(&str, &str)] = &[
    ("app/__init__.py", ""),
    (
        "pkg/__init__.py",
        "from .sub import alias as alias2\nfrom .sub import alias\n",
    ),
    ("pkg/sub/__init__.py", "from .mod import func as alias\n"),
    ("pkg/sub/mod.py", "def func():\n    pass\n"),
    (
        "app/use_alias.py",
        "from pkg import alias\n\n\nasync def h():\n    await alias()\n",
    ),
    (
        "app/use_alias2.py",
        "import pkg\n\n\nasync def h():\n    await pkg.alias2()\n",
    ),
    (
        "app/use_func.py",
        "from pkg.sub.mod import func\n\n\nasync def h():\n    await func()\n",
    ),
    (
        "app/local.py",
        "def alias():\n    pass\n\n\nasync def h():\n    await alias()\n",
    ),
];

/// A file that calls the function only by a name its rule does not contain is still
/// read (the prefilter learns the names), and a chain of renames is followed.
#[test]
fn a_renamed_reexport_matches_the_rule_of_the_definition() {
    for rule in ["func", "pkg.sub.mod.func"] {
        tree(RENAMED).run(&["check", "-f", rule]).expect(
            1,
            [
                check_line("app/use_alias.py:5:5", "alias", rule),
                check_line("app/use_alias2.py:5:5", "pkg.alias2", rule),
                check_line("app/use_func.py:5:5", "func", rule),
            ]
            .concat(),
            &["unawait: 8 files scanned (4 parsed); 3 files to change, 3 awaits to fix"],
        );
    }
}

/// The other way round: a rule named by the re-export matches calls of the
/// definition and of its other names, and a qualified one leaves the local `alias`.
#[test]
fn a_rule_named_by_the_alias_matches_the_definition() {
    tree(RENAMED)
        .run(&["check", "-q", "-f", "pkg.alias"])
        .expect(
            1,
            [
                left_line(
                    "app/local.py:6:5",
                    "alias",
                    "pkg.alias",
                    "the call resolves to `app.local.alias`, not to the rule's `pkg.alias`",
                ),
                check_line("app/use_alias.py:5:5", "alias", "pkg.alias"),
                check_line("app/use_alias2.py:5:5", "pkg.alias2", "pkg.alias"),
                check_line("app/use_func.py:5:5", "func", "pkg.alias"),
            ]
            .concat(),
            &[],
        );
    tree(RENAMED).run(&["check", "-q", "-f", "alias2"]).expect(
        1,
        [
            check_line("app/use_alias.py:5:5", "alias", "alias2"),
            check_line("app/use_alias2.py:5:5", "pkg.alias2", "alias2"),
            check_line("app/use_func.py:5:5", "func", "alias2"),
        ]
        .concat(),
        &[],
    );
}

/// `fix` through an alias: the file that only names the alias is changed, and a
/// function of its own with the alias's name is not.
#[test]
fn fix_through_an_alias_leaves_a_local_function_of_that_name() {
    let dir = tree(RENAMED);
    dir.run(&["fix", "-q", "-f", "func"]).code(0);
    assert_eq!(
        dir.text("app/use_alias.py"),
        "from pkg import alias\n\n\nasync def h():\n    alias()\n"
    );
    assert_eq!(
        dir.text("app/local.py"),
        "def alias():\n    pass\n\n\nasync def h():\n    await alias()\n"
    );
}

/// An alias of an `async def` is kept, whichever name the rule has.
#[test]
fn an_alias_of_an_async_def_is_kept() {
    let dir = tree(&[
        ("pkg/__init__.py", "from .mod import func as alias\n"),
        ("pkg/mod.py", "async def func():\n    pass\n"),
        (
            "use.py",
            "from pkg import alias\n\n\nasync def h():\n    await alias()\n",
        ),
    ]);
    dir.run(&["check", "-f", "func"]).expect(
        0,
        "",
        &[
            "use.py:5:5: kept `alias()`: name refers to an async def at pkg/mod.py:1",
            "unawait: 3 files scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 kept (1 async-def)",
        ],
    );
}
