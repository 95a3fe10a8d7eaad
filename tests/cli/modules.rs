//! Module names as Python and pytest see them, and the project index: namespace
//! packages, the pytest layout with its async test doubles, `src/` layouts, and runs
//! that name files or subfolders of a project (as pre-commit does) or read a buffer
//! from stdin, which still look definitions up in the whole project.

use crate::common::{check_line, left_line, tree, Tree};

/// The kept note for an await at `at` on `callee()` whose async def is at `def`.
fn kept(at: &str, callee: &str, def: &str) -> String {
    format!("{at}: kept `{callee}()`: name refers to an async def at {def}")
}

const ASYNC_FAKE: &str = "async def get_manager():\n    return object()\n";
const SYNC_REAL: &str = "def get_manager():\n    return object()\n";

/// `from MODULE import get_manager`, then an await on it.
fn awaits_from(module: &str) -> String {
    format!("from {module} import get_manager\n\n\nasync def test_it():\n    await get_manager()\n")
}

/// The ordinary pytest layout: `tests/` without `__init__.py`, `tests/helpers/` with
/// one and an async double, a `conftest.py` with another; the real, synchronous
/// function in `app/`.
fn pytest_layout() -> Vec<(&'static str, String)> {
    vec![
        ("app/__init__.py", String::new()),
        ("app/core.py", SYNC_REAL.to_string()),
        ("app/views.py", awaits_from("app.core")),
        ("tests/helpers/__init__.py", String::new()),
        ("tests/helpers/fakes.py", ASYNC_FAKE.to_string()),
        ("tests/conftest.py", ASYNC_FAKE.to_string()),
        // From the project root, through the namespace package `tests`.
        ("tests/test_fakes.py", awaits_from("tests.helpers.fakes")),
        // pytest puts `tests/` itself on sys.path too: the sibling package and conftest.
        ("tests/test_sibling.py", awaits_from("helpers.fakes")),
        ("tests/test_conftest.py", awaits_from("conftest")),
    ]
}

#[test]
fn pytest_layout_keeps_awaits_on_async_doubles_and_fixes_the_real_function() {
    let dir = tree(&pytest_layout());
    dir.run(&["fix", "-f", "get_manager"]).expect(
        0,
        "",
        &[
            &kept("tests/test_conftest.py:5:5", "get_manager", "tests/conftest.py:1"),
            &kept(
                "tests/test_fakes.py:5:5",
                "get_manager",
                "tests/helpers/fakes.py:1",
            ),
            &kept(
                "tests/test_sibling.py:5:5",
                "get_manager",
                "tests/helpers/fakes.py:1",
            ),
            "unawait: 9 files scanned (4 parsed); 1 file changed, 1 await fixed; 3 kept (3 async-def)",
        ],
    );
    assert_eq!(
        dir.text("app/views.py"),
        "from app.core import get_manager\n\n\nasync def test_it():\n    get_manager()\n"
    );
    for test in [
        "tests/test_fakes.py",
        "tests/test_sibling.py",
        "tests/test_conftest.py",
    ] {
        assert_eq!(dir.text(test), awaits_from(test_module(test)), "{test}");
    }
}

/// What `pytest_layout`'s test file imports from.
fn test_module(test: &str) -> &'static str {
    match test {
        "tests/test_fakes.py" => "tests.helpers.fakes",
        "tests/test_sibling.py" => "helpers.fakes",
        _ => "conftest",
    }
}

#[test]
fn qualified_rule_through_namespace_packages() {
    let rule = "ns.pkg.mod.get_client";
    let dir = tree(&[
        // `ns/` and `ns/pkg/` have no `__init__.py` (PEP 420).
        (
            "ns/pkg/mod.py",
            "def get_client():\n    pass\n\n\nasync def here():\n    await get_client()\n",
        ),
        (
            "ns/pkg/local.py",
            "from .mod import get_client\n\n\nasync def f():\n    await get_client()\n",
        ),
        // A regular package inside the namespace one, re-exporting the function.
        ("ns/reg/__init__.py", "from .impl import get_client\n"),
        ("ns/reg/impl.py", "def get_client():\n    pass\n"),
        (
            "app/use.py",
            "import ns.pkg.mod\nfrom ns.pkg import mod\nfrom ns.pkg.mod import get_client as gc\n\n\nasync def f():\n    await ns.pkg.mod.get_client()\n    await mod.get_client()\n    await gc()\n",
        ),
        (
            "app/reg.py",
            "from ns.reg import get_client\n\n\nasync def f():\n    await get_client()\n",
        ),
        (
            "app/other.py",
            "from other.mod import get_client\n\n\nasync def f():\n    await get_client()\n",
        ),
    ]);
    dir.run(&["check", "-q", "-f", rule]).expect(
        1,
        [
            left_line(
                "app/other.py:5:5",
                "get_client",
                rule,
                &format!("the call resolves to `other.mod.get_client`, not to the rule's `{rule}`"),
            ),
            left_line(
                "app/reg.py:5:5",
                "get_client",
                rule,
                &format!("the call resolves to `ns.reg.get_client`, not to the rule's `{rule}`"),
            ),
            check_line("app/use.py:7:5", "ns.pkg.mod.get_client", rule),
            check_line("app/use.py:8:5", "mod.get_client", rule),
            check_line("app/use.py:9:5", "gc", rule),
            check_line("ns/pkg/local.py:5:5", "get_client", rule),
            check_line("ns/pkg/mod.py:6:5", "get_client", rule),
        ]
        .concat(),
        &[],
    );
    // Named by its definition, the function re-exported by the regular package.
    let rule = "ns.reg.impl.get_client";
    let elsewhere = |at: &str, callee: &str, resolved: &str| {
        left_line(
            at,
            callee,
            rule,
            &format!("the call resolves to `{resolved}`, not to the rule's `{rule}`"),
        )
    };
    dir.run(&["check", "-q", "-f", rule]).expect(
        1,
        [
            elsewhere("app/other.py:5:5", "get_client", "other.mod.get_client"),
            check_line("app/reg.py:5:5", "get_client", rule),
            elsewhere(
                "app/use.py:7:5",
                "ns.pkg.mod.get_client",
                "ns.pkg.mod.get_client",
            ),
            elsewhere("app/use.py:8:5", "mod.get_client", "ns.pkg.mod.get_client"),
            elsewhere("ns/pkg/local.py:5:5", "get_client", "ns.pkg.mod.get_client"),
            elsewhere("ns/pkg/mod.py:6:5", "get_client", "ns.pkg.mod.get_client"),
        ]
        .concat(),
        &[],
    );
}

/// A `src/` layout whose `myapp` is a namespace package: the test double in it is
/// known as `myapp.fakes`, from the `src/` folder.
fn src_layout(config: &str) -> Tree {
    tree(&[
        ("pyproject.toml", config.to_string()),
        ("src/myapp/core.py", SYNC_REAL.to_string()),
        ("src/myapp/fakes.py", ASYNC_FAKE.to_string()),
        ("src/myapp/views.py", awaits_from("myapp.core")),
        ("tests/test_views.py", awaits_from("myapp.fakes")),
    ])
}

#[test]
fn src_layout_without_configured_roots() {
    src_layout("[project]\nname = \"myapp\"\n")
        .run(&["check", "-f", "myapp.core.get_manager", "-f", "get_manager"])
        .expect(
            1,
            check_line("src/myapp/views.py:5:5", "get_manager", "myapp.core.get_manager"),
            &[
                &kept(
                    "tests/test_views.py:5:5",
                    "get_manager",
                    "src/myapp/fakes.py:1",
                ),
                "unawait: 4 files scanned (2 parsed); 1 file to change, 1 await to fix; 1 kept (1 async-def)",
            ],
        );
}

#[test]
fn src_layout_with_a_configured_root() {
    let dir = src_layout("[tool.unawait]\nfunctions = [\"get_manager\"]\nsrc = [\"lib\"]\n");
    // The configured root is another folder: `src/` still names the files.
    dir.write("lib/extra/fakes.py", ASYNC_FAKE);
    dir.write("tests/test_extra.py", awaits_from("extra.fakes"));
    dir.run(&["check"]).expect(
        1,
        check_line("src/myapp/views.py:5:5", "get_manager", "get_manager"),
        &[
            &kept(
                "tests/test_extra.py:5:5",
                "get_manager",
                "lib/extra/fakes.py:1",
            ),
            &kept(
                "tests/test_views.py:5:5",
                "get_manager",
                "src/myapp/fakes.py:1",
            ),
            "unawait: 6 files scanned (3 parsed); 1 file to change, 1 await to fix; 2 kept (2 async-def)",
        ],
    );
}

/// A project for the runs that name part of it: `get_client` is real and synchronous
/// in `myapp/core.py` (re-exported by `myapp/__init__.py`), an async double in
/// `tests/helpers/fakes.py`.
fn project(marker: &str) -> Tree {
    let t = if marker == ".git" {
        Tree::git()
    } else {
        let t = Tree::new();
        if !marker.is_empty() {
            t.write(marker, "");
        }
        t
    };
    for (path, text) in [
        ("myapp/__init__.py", "from .core import get_client\n"),
        ("myapp/core.py", "def get_client():\n    pass\n"),
        (
            "myapp/views.py",
            "from myapp import get_client\n\n\nasync def v():\n    await get_client()\n",
        ),
        ("tests/helpers/__init__.py", ""),
        ("tests/helpers/fakes.py", "async def get_client():\n    pass\n"),
        (
            "tests/test_fakes.py",
            "from tests.helpers.fakes import get_client\n\n\nasync def test_fake():\n    await get_client()\n",
        ),
        (
            "tests/test_api.py",
            "from myapp import get_client\n\n\nasync def test_real():\n    await get_client()\n",
        ),
    ] {
        t.write(path, text);
    }
    t
}

#[test]
fn a_named_file_keeps_the_await_on_the_async_fake_like_a_whole_folder_run() {
    let note = kept(
        "tests/test_fakes.py:5:5",
        "get_client",
        "tests/helpers/fakes.py:1",
    );
    let dir = project(".git");
    let before = dir.files();
    // How pre-commit calls the hook: only the staged file is named.
    dir.run(&["fix", "-f", "get_client", "tests/test_fakes.py"]).expect(
        0,
        "",
        &[
            &note,
            "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 kept (1 async-def)",
        ],
    );
    assert_eq!(dir.files(), before, "nothing changes");
    // Another file named: only it is changed and reported.
    dir.run(&["fix", "-f", "get_client", "tests/test_api.py"])
        .expect(
            0,
            "",
            &["unawait: 1 file scanned (1 parsed); 1 file changed, 1 await fixed"],
        );
    assert_eq!(
        dir.read("myapp/views.py"),
        before["myapp/views.py"],
        "not named"
    );
    // The whole folder gives the same note.
    dir.run(&["check", "-f", "get_client"]).expect(
        1,
        check_line("myapp/views.py:5:5", "get_client", "get_client"),
        &[
            &note,
            "unawait: 7 files scanned (2 parsed); 1 file to change, 1 await to fix; 1 kept (1 async-def)",
        ],
    );
}

#[test]
fn a_named_subfolder_finds_calls_that_reach_the_function_through_a_reexport() {
    let rule = "myapp.core.get_client";
    let dir = project("pyproject.toml");
    dir.run(&["check", "-f", rule, "tests/"]).expect(
        1,
        [
            check_line("tests/test_api.py:5:5", "get_client", rule),
            // The async double is not the qualified rule's function: left, not kept.
            left_line(
                "tests/test_fakes.py:5:5",
                "get_client",
                rule,
                &format!(
                    "the call resolves to `tests.helpers.fakes.get_client`, not to the rule's `{rule}`"
                ),
            ),
        ]
        .concat(),
        &["unawait: 4 files scanned (2 parsed); 1 file to change, 1 await to fix; 1 left (1 other-function)"],
    );
}

#[test]
fn the_project_root_is_found_by_pyproject_setup_cfg_or_git_above_the_current_folder() {
    for marker in ["pyproject.toml", "setup.cfg", ".git"] {
        let dir = project(marker);
        // Run from inside `tests/`: the root is above the current folder, and the
        // note names the double as seen from here.
        dir.run_in("tests", &["check", "-f", "get_client", "test_fakes.py"])
            .expect(
                0,
                "",
                &[
                    &kept("test_fakes.py:5:5", "get_client", "helpers/fakes.py:1"),
                    "unawait: 1 file scanned (1 parsed); 0 files to change, 0 awaits to fix; 1 kept (1 async-def)",
                ],
            );
    }
    // Without any of them a named file has no project: only it is read, so the
    // double is not found.
    project("")
        .run(&["check", "-q", "-f", "get_client", "tests/test_fakes.py"])
        .expect(
            1,
            check_line("tests/test_fakes.py:5:5", "get_client", "get_client"),
            &[],
        );
}

#[test]
fn the_project_walk_honours_ignore_files_and_excludes() {
    let dir = project(".git");
    dir.write(".gitignore", "generated/\n");
    dir.write("generated/fakes.py", "async def get_client():\n    pass\n");
    dir.write("vendor/fakes.py", "async def get_client():\n    pass\n");
    let test = "from generated.fakes import get_client as g\nfrom vendor.fakes import get_client as v\n\n\nasync def test_it():\n    await g()\n    await v()\n";
    dir.write("tests/test_other.py", test);
    let args = [
        "check",
        "-q",
        "-f",
        "get_client",
        "--exclude",
        "vendor",
        "tests/test_other.py",
    ];
    dir.run(&args).expect(
        1,
        [
            check_line("tests/test_other.py:6:5", "g", "get_client"),
            check_line("tests/test_other.py:7:5", "v", "get_client"),
        ]
        .concat(),
        &[],
    );
    // `--no-ignore` reads `generated/`; the exclude still holds.
    let mut args = args.to_vec();
    args.insert(1, "--no-ignore");
    dir.run(&args).expect(
        1,
        check_line("tests/test_other.py:7:5", "v", "get_client"),
        &[],
    );
}

#[test]
fn stdin_with_a_filename_uses_the_project_index() {
    let dir = project(".git");
    let buffer = "from tests.helpers.fakes import get_client\n\n\nasync def test_fake():\n    await get_client()\n";
    dir.run_stdin(
        ".",
        &["fix", "-", "--stdin-filename", "tests/test_new.py", "-f", "get_client"],
        buffer.as_bytes(),
    )
    .expect(
        0,
        buffer,
        &[
            &kept("tests/test_new.py:5:5", "get_client", "tests/helpers/fakes.py:1"),
            "unawait: 1 file scanned (1 parsed); 0 files changed, 0 awaits fixed; 1 kept (1 async-def)",
        ],
    );
    // The buffer stands in for the file on disk: what it defines now counts, what
    // the file on disk defined does not.
    let rule = "tests.helpers.fakes.get_client";
    let local = "def get_client():\n    pass\n\n\nasync def f():\n    await get_client()\n";
    dir.run_stdin(
        ".",
        &[
            "check",
            "-",
            "--stdin-filename",
            "tests/helpers/fakes.py",
            "-q",
            "-f",
            rule,
        ],
        local.as_bytes(),
    )
    .expect(
        1,
        check_line("tests/helpers/fakes.py:6:5", "get_client", rule),
        &[],
    );
}

#[test]
fn a_qualified_rule_may_spell_its_module_by_any_of_its_names() {
    // `get_client` is no `def` in its module, so only the module's path tells that
    // `helpers.client` and `tests.helpers.client` are one module.
    let dir = tree(&[
        ("tests/helpers/__init__.py", ""),
        ("tests/helpers/client.py", "get_client = object\n"),
        (
            "tests/test_short.py",
            "from helpers.client import get_client\n\n\nasync def test_it():\n    await get_client()\n",
        ),
        (
            "tests/test_long.py",
            "from tests.helpers.client import get_client\n\n\nasync def test_it():\n    await get_client()\n",
        ),
    ]);
    for rule in [
        "tests.helpers.client.get_client",
        "helpers.client.get_client",
    ] {
        dir.run(&["check", "-q", "-f", rule]).expect(
            1,
            [
                check_line("tests/test_long.py:5:5", "get_client", rule),
                check_line("tests/test_short.py:5:5", "get_client", rule),
            ]
            .concat(),
            &[],
        );
    }
}
