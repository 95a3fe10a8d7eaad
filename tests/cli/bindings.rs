//! Resolution as Python does it at run time, end to end: the `try: import` / `except
//! ImportError:` fallback, `if TYPE_CHECKING:` imports, definitions in branches, where
//! Python evaluates defaults, decorators, bases and comprehension iterables, and
//! decorated `def`s with `sync-decorators`. Where it helps, CPython is the judge: the
//! program is run before and after the fix.

use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// A test module of the usual idiom: the real function imported, a stand-in when the
/// import fails, and a test that awaits it.
fn fallback(stand_in: &str) -> String {
    format!(
        "from unittest import mock\nfrom unittest.mock import AsyncMock, MagicMock\n\n\
         try:\n    from app.ws import get_manager\nexcept ImportError:\n{stand_in}\n\n\n\
         async def test_it():\n    await get_manager()\n"
    )
}

fn fallbacks() -> Tree {
    tree(&[
        ("app/__init__.py", String::new()),
        (
            "app/ws.py",
            "def get_manager():\n    return object()\n".to_string(),
        ),
        ("tests/test_none.py", fallback("    get_manager = None")),
        (
            "tests/test_mock.py",
            fallback("    get_manager = MagicMock"),
        ),
        (
            "tests/test_mock_call.py",
            fallback("    get_manager = mock.MagicMock(return_value=None)"),
        ),
        (
            "tests/test_def.py",
            fallback("    def get_manager():\n        return None"),
        ),
        (
            "tests/test_lambda.py",
            fallback("    get_manager = lambda *a, **k: None"),
        ),
        (
            "tests/test_async_mock.py",
            fallback("    get_manager = AsyncMock()"),
        ),
        (
            "tests/test_async_def.py",
            fallback("    async def get_manager():\n        return None"),
        ),
        (
            "tests/test_other.py",
            fallback("    get_manager = make_fake()"),
        ),
    ])
}

/// The fallback bound to `None`, a mock, a sync `def` or a lambda cannot be awaited:
/// fixed, with a bare rule and with the qualified one. An `AsyncMock` or an `async
/// def` can: kept, naming both bindings. Another value is not the rule's function.
#[test]
fn import_error_fallbacks_that_cannot_be_awaited_are_fixed_and_awaitable_ones_kept() {
    let t = fallbacks();
    let fixed_files = [
        "tests/test_def.py",
        "tests/test_lambda.py",
        "tests/test_mock.py",
        "tests/test_mock_call.py",
        "tests/test_none.py",
    ];
    for rule in ["get_manager", "app.ws.get_manager"] {
        let mut stdout: String = fixed_files
            .iter()
            .map(|p| {
                // The `def` takes two lines.
                let line = if p.ends_with("def.py") { 12 } else { 11 };
                check_line(&format!("{p}:{line}:5"), "get_manager", rule)
            })
            .collect();
        // A fallback that is not a stand-in is another binding: left, and said so.
        stdout.push_str(&left_line(
            "tests/test_other.py:11:5",
            "get_manager",
            rule,
            "the name is bound here to an assignment at line 7, not to the rule's function",
        ));
        t.run(&["check", "-f", rule]).expect(
            1,
            stdout,
            &[
                "tests/test_async_def.py:12:5: kept `get_manager()`: name may refer to an async def at line 7 or to the binding at line 5; which one is decided at run time",
                "tests/test_async_mock.py:11:5: kept `get_manager()`: name may be the `AsyncMock` bound at line 7, whose calls return coroutines, or the binding at line 5",
                "unawait: 10 files scanned (8 parsed); 5 files to change, 5 awaits to fix; 2 kept (1 async-def, 1 async-mock); 1 left (1 shadowed)",
            ],
        );
    }
}

/// CPython decides: each fallback module runs both ways, with `app.ws` importable and
/// without it. Before the fix every run raises `TypeError`; after it every run passes,
/// but for `None` without the import, which cannot be called either way.
#[test]
fn cpython_runs_the_fixed_fallbacks_with_and_without_the_import() {
    let t = fallbacks();
    let run = |file: &str, with_app: bool| {
        let mut c = Command::new("python3");
        c.current_dir(t.path()).args([
            "-c",
            "import asyncio, runpy, sys\n\
             if sys.argv[2] == 'no': sys.modules['app.ws'] = None\n\
             ns = runpy.run_path(sys.argv[1])\n\
             asyncio.run(ns['test_it']())\n\
             print('ok')",
            file,
            if with_app { "yes" } else { "no" },
        ]);
        let out = c.output().expect("python3 runs");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let files = [
        "tests/test_def.py",
        "tests/test_lambda.py",
        "tests/test_mock.py",
        "tests/test_mock_call.py",
        "tests/test_none.py",
    ];
    for f in files {
        for with_app in [true, false] {
            let (_, err) = run(f, with_app);
            assert!(err.contains("TypeError"), "{f} before the fix: {err}");
        }
    }
    t.run(&["fix", "-q", "-f", "get_manager"]).code(0);
    for f in files {
        for with_app in [true, false] {
            let (out, err) = run(f, with_app);
            if f.ends_with("none.py") && !with_app {
                assert!(
                    err.ends_with("TypeError: 'NoneType' object is not callable\n"),
                    "{err}"
                );
            } else {
                assert_eq!((out.as_str(), err.as_str()), ("ok\n", ""), "{f} {with_app}");
            }
        }
    }
    // The kept ones still await what can be awaited.
    let (out, err) = run("tests/test_async_mock.py", false);
    assert_eq!((out.as_str(), err.as_str()), ("ok\n", ""));
}

/// `if TYPE_CHECKING:` imports bind the name as the compiler sees it; the fallback in
/// `else` is not the function.
#[test]
fn type_checking_imports_bind_the_name() {
    let t = tree(&[(
        "a.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.ws import get_manager\n\n\nasync def f():\n    await get_manager()\n",
    )]);
    t.run(&["check", "-q", "-f", "get_manager"]).expect(
        1,
        check_line("a.py:7:5", "get_manager", "get_manager"),
        &[],
    );
}

/// Definitions in branches: one `async def` keeps the await, naming both; through the
/// index a module whose name may be an `async def` keeps callers' awaits too. Sync
/// definitions in both branches are fixed.
#[test]
fn conditional_definitions_keep_the_await_when_one_is_async() {
    let t = tree(&[
        ("app/__init__.py", ""),
        (
            "app/impl.py",
            "import sys\n\nif sys.version_info >= (3, 99):\n    async def get_manager():\n        return 1\nelse:\n    def get_manager():\n        return 2\n\n\nasync def here():\n    return await get_manager()\n",
        ),
        (
            "app/use.py",
            "from app.impl import get_manager\n\n\nasync def there():\n    return await get_manager()\n",
        ),
        (
            "app/both_sync.py",
            "import sys\n\nif sys.platform == 'win32':\n    def get_manager():\n        return 1\nelse:\n    def get_manager():\n        return 2\n\n\nasync def f():\n    return await get_manager()\n",
        ),
    ]);
    t.run(&["check", "-f", "get_manager"]).expect(
        1,
        check_line("app/both_sync.py:12:12", "get_manager", "get_manager"),
        &[
            "app/impl.py:12:12: kept `get_manager()`: name may refer to an async def at line 4 or to the binding at line 7; which one is decided at run time",
            "app/use.py:5:12: kept `get_manager()`: name refers to an async def at app/impl.py:4",
            "unawait: 4 files scanned (3 parsed); 1 file to change, 1 await to fix; 2 kept (2 async-def)",
        ],
    );
}

/// The program CPython runs: every await either has a synchronous `get` (the
/// module's) as its operand's callee, and must go, or an async one, and must stay. The
/// `get` that counts is the one Python evaluates the expression with.
const SCOPES: &str = "import asyncio


def get():
    return \"sync\"


async def aget():
    return \"async\"


def deco(value):
    assert value == \"sync\", value
    return lambda f: f


async def main():
    seen = []

    # A default value is evaluated where the def is: the parameter does not shadow it.
    def with_default(get=aget, value=await get()):
        return value

    seen.append(with_default())

    async def parameter(get=aget):
        return await get()

    seen.append(await parameter())

    # So is a decorator.
    @deco(await get())
    def decorated(get=aget):
        return 1

    seen.append(decorated())
    seen.append((lambda get=aget, value=await get(): value)())

    # A class's bases are evaluated outside its body.
    class K(type(await get())):
        get = aget

    seen.append(K.__mro__[1].__name__)

    # The first iterable is evaluated outside the comprehension, the rest inside.
    seen.append(\"\".join([get for get in await get()]))
    seen.append([await get() for get in [aget]])
    seen.append([y for x in [1] for get in [aget] for y in [await get()]])
    seen.append([x for x in [await get()]])
    print(seen)


asyncio.run(main())
";

/// Checked by CPython: the unfixed program raises `TypeError`; the fixed one runs and
/// every kept await still gets its coroutine's value.
#[test]
fn cpython_runs_the_fixed_program_where_python_evaluates_defaults_decorators_bases_iterables() {
    let t = tree(&[("prog.py", SCOPES)]);
    let python = || {
        let out = Command::new("python3")
            .arg("prog.py")
            .current_dir(t.path())
            .output()
            .expect("python3 runs");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (_, err) = python();
    assert!(err.contains("TypeError"), "{err}");
    t.run(&["fix", "-f", "get"]).expect(
        0,
        "",
        &[
            "prog.py:27:16: left `get()` (rule `get`): the name is bound here to a parameter at line 26, not to the rule's function",
            "prog.py:47:18: left `get()` (rule `get`): the name is bound here to a `for` target at line 47, not to the rule's function",
            "prog.py:48:61: left `get()` (rule `get`): the name is bound here to a `for` target at line 48, not to the rule's function",
            "unawait: 1 file scanned (1 parsed); 1 file changed, 6 awaits fixed; 3 left (3 shadowed)",
        ],
    );
    assert_eq!(
        python(),
        (
            "['sync', 'async', 1, 'sync', 'str', 'sync', ['async'], ['async'], ['sync']]\n"
                .to_string(),
            String::new()
        )
    );
}

const DECORATED: &str = "import contextlib
import functools
from asgiref.sync import sync_to_async

from app.helpers import retry


@sync_to_async
def get_a():
    return 1


@functools.lru_cache(maxsize=None)
def get_b():
    return 2


@staticmethod
@contextlib.contextmanager
def get_c():
    yield 3


@retry(3)
def get_d():
    return 4


async def main():
    await get_a()
    await get_b()
    await get_c()
    await get_d()
";

fn decorated(config: Option<(&str, &str)>) -> Tree {
    let mut files = vec![
        ("app/__init__.py", ""),
        ("app/helpers.py", "def retry(n):\n    return lambda f: f\n"),
        ("app/deco.py", DECORATED),
        (
            "app/use.py",
            "from app.deco import get_a, get_b, get_d\n\n\nasync def f():\n    await get_a()\n    await get_b()\n    await get_d()\n",
        ),
    ];
    files.extend(config);
    tree(&files)
}

const RULES: &[&str] = &[
    "check", "-f", "get_a", "-f", "get_b", "-f", "get_c", "-f", "get_d",
];

/// A decorated `def` is kept and reported, in its file and through the index, unless
/// its decorators are known not to make it awaitable.
#[test]
fn decorated_defs_are_kept_unless_the_decorator_is_known_to_keep_them_sync() {
    decorated(None).run(RULES).expect(
        1,
        [
            check_line("app/deco.py:31:5", "get_b", "get_b"),
            check_line("app/deco.py:32:5", "get_c", "get_c"),
            check_line("app/use.py:6:5", "get_b", "get_b"),
        ]
        .concat(),
        &[
            "app/deco.py:30:5: kept `get_a()`: decorated with `@sync_to_async` (def at line 9), which may make it awaitable; if it does not, list it in `sync-decorators`",
            "app/deco.py:33:5: kept `get_d()`: decorated with `@retry` (def at line 25), which may make it awaitable; if it does not, list it in `sync-decorators`",
            "app/use.py:5:5: kept `get_a()`: decorated with `@sync_to_async` (def at app/deco.py:9), which may make it awaitable; if it does not, list it in `sync-decorators`",
            "app/use.py:7:5: kept `get_d()`: decorated with `@retry` (def at app/deco.py:25), which may make it awaitable; if it does not, list it in `sync-decorators`",
            "unawait: 4 files scanned (2 parsed); 2 files to change, 3 awaits to fix; 4 kept (4 decorated)",
        ],
    );
}

/// `sync-decorators` names the project's own: by qualified name, by name as written,
/// or by its last name; in `unawait.toml` and in `[tool.unawait]`.
#[test]
fn sync_decorators_in_the_configuration_let_the_fix_through() {
    let configs = [
        (
            "unawait.toml",
            "sync-decorators = [\"app.helpers.retry\"]\n",
        ),
        (
            "unawait.toml",
            "[tool.unawait]\nsync-decorators = [\"retry\"]\n",
        ),
        (
            "pyproject.toml",
            "[tool.unawait]\nsync-decorators = [\"retry\", \"asgiref.sync.sync_to_async\"]\n",
        ),
    ];
    for (i, config) in configs.into_iter().enumerate() {
        let run = decorated(Some(config)).run(RULES);
        let mut want = vec![
            "app/deco.py:31:5",
            "app/deco.py:32:5",
            "app/deco.py:33:5",
            "app/use.py:6:5",
            "app/use.py:7:5",
        ];
        if i == 2 {
            want.extend(["app/deco.py:30:5", "app/use.py:5:5"]);
            want.sort();
        }
        let got: Vec<&str> = run
            .out()
            .lines()
            .map(|l| l.split(": UNA001").next().unwrap())
            .collect();
        assert_eq!(got, want, "{config:?}\n{}", run.stderr);
    }
    let t = decorated(Some(("unawait.toml", "sync-decorators = [\"@retry\"]\n")));
    let file = t.join("unawait.toml").display().to_string();
    t.run(&["check", "-f", "get_d"]).expect(
        2,
        "",
        &[&format!(
            "unawait: error: {file}: invalid sync-decorators entry `@retry`: `@` cannot start a Python identifier"
        )],
    );
}

/// The new kept reasons in every format: JSON (valid against the schema, with the new
/// keys), GitHub warnings, and SARIF warnings without a suppression.
#[test]
fn kept_reasons_that_need_a_look_in_json_github_and_sarif() {
    let t = tree(&[
        ("app/__init__.py", ""),
        ("app/deco.py", DECORATED),
        ("app/helpers.py", "def retry(n):\n    return lambda f: f\n"),
        (
            "tests/test_async_mock.py",
            fallback("    get_manager = AsyncMock()").as_str(),
        ),
    ]);
    let args = |format| {
        vec![
            "check",
            "-q",
            "-f",
            "get_a",
            "-f",
            "get_manager",
            "--output-format",
            format,
        ]
    };
    let json = t.run(&args("json"));
    json.code(0);
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("check.json");
    std::fs::write(&doc_path, &json.stdout).unwrap();
    validate_against_schema("check-output-v1.schema.json", &doc_path).unwrap();
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    let kept: Vec<(&str, &str)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .map(|f| {
            (
                f["kept"]["reason"].as_str().unwrap(),
                f["function"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [("decorated", "get_a"), ("async-mock", "get_manager")]
    );
    assert_eq!(
        doc["summary"]["kept_by_reason"],
        serde_json::json!({"async-mock": 1, "decorated": 1})
    );

    let github = t.run(&args("github"));
    github.expect(
        0,
        "::warning file=app/deco.py,line=30,col=5,endLine=30,endColumn=18,title=unawait (UNA001)::`await` on `get_a()` kept: decorated with `@sync_to_async` (def at line 9), which may make it awaitable; if it does not, list it in `sync-decorators`\n\
         ::warning file=tests/test_async_mock.py,line=11,col=5,endLine=11,endColumn=24,title=unawait (UNA001)::`await` on `get_manager()` kept: name may be the `AsyncMock` bound at line 7, whose calls return coroutines, or the binding at line 5\n",
        &[],
    );

    let sarif = t.run(&args("sarif"));
    sarif.code(0);
    let path = dir.path().join("check.sarif");
    std::fs::write(&path, &sarif.stdout).unwrap();
    let doc = validate_sarif(&path);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let levels: Vec<(&str, bool)> = results
        .iter()
        .map(|r| {
            (
                r["level"].as_str().unwrap(),
                r.get("suppressions").is_some(),
            )
        })
        .collect();
    assert_eq!(levels, [("warning", false), ("warning", false)]);
}

/// PEP 695: a type parameter named like the function shadows it in the body of the
/// generic `def` or class (and its methods); `type X[T]` binds only `X`.
#[test]
fn type_parameters_shadow_in_their_own_scope() {
    let t = tree(&[(
        "a.py",
        "from app.ws import get_manager\n\n\nasync def generic[get_manager]():\n    return await get_manager()\n\n\nclass Box[get_manager]:\n    async def get(self):\n        return await get_manager()\n\n\ntype Alias[get_manager] = list[get_manager]\n\n\nasync def plain():\n    return await get_manager()\n",
    )]);
    let shadowed = |at: &str, line: usize| {
        left_line(
            at,
            "get_manager",
            "get_manager",
            &format!("the name is bound here to a type parameter at line {line}, not to the rule's function"),
        )
    };
    t.run(&["check", "-q", "-f", "get_manager"]).expect(
        1,
        shadowed("a.py:5:12", 4)
            + &shadowed("a.py:10:16", 8)
            + &check_line("a.py:17:12", "get_manager", "get_manager"),
        &[],
    );
}
