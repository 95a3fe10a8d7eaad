//! Awaits left on a rule's name: every one is reported with its reason, in `check`
//! text (`UNA002` lines), on stderr, in JSON (action `left`, checked against the
//! schema), SARIF (a `note` of rule `UNA002`, checked by the SARIF multitool) and GitHub
//! (`::notice`), and counted by reason in the summary. A broad rule can leave many:
//! stderr lists the first 20 and says how many more, `-v` lists them all, and the
//! machine-readable outputs are always complete.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

const RULE: &str = "app.api.get_client";

/// One await for each reason, and one that is fixed.
fn reasons() -> Tree {
    let t = Tree::git();
    t.write("app/__init__.py", "");
    t.write("app/api.py", "def get_client():\n    return 1\n");
    t.write(
        "app/use.py",
        "import importlib\n\
         from app.api import get_client\n\
         \n\
         \n\
         class Factory:\n\
         \x20   @classmethod\n\
         \x20   def get_client(cls):\n\
         \x20       return 2\n\
         \n\
         \n\
         async def fixed():\n\
         \x20   await get_client()\n\
         \n\
         \n\
         async def shadowed(get_client):\n\
         \x20   await get_client()\n\
         \n\
         \n\
         async def receiver(pool):\n\
         \x20   await pool.get_client()\n\
         \n\
         \n\
         async def dynamic():\n\
         \x20   api = importlib.import_module(\"app.api\")\n\
         \x20   await api.get_client()\n\
         \n\
         \n\
         async def class_receiver():\n\
         \x20   await Factory.get_client()\n",
    );
    t.write(
        "app/third.py",
        "from thirdparty import get_client\n\n\nasync def other():\n    await get_client()\n",
    );
    t.write(
        "app/bare.py",
        "async def unresolved():\n    await get_client()\n",
    );
    t
}

/// (where, callee, reason key, detail) of each left await of [`reasons`].
const LEFT: &[(&str, &str, &str, &str)] = &[
    (
        "app/bare.py:2:5",
        "get_client",
        "unresolved",
        "this file does not import it, so the qualified rule `app.api.get_client` cannot tell what it is",
    ),
    (
        "app/third.py:5:5",
        "get_client",
        "other-function",
        "the call resolves to `thirdparty.get_client`, not to the rule's `app.api.get_client`",
    ),
    (
        "app/use.py:16:5",
        "get_client",
        "shadowed",
        "the name is bound here to a parameter at line 15, not to the rule's function",
    ),
    (
        "app/use.py:20:5",
        "pool.get_client",
        "receiver-not-import",
        "the receiver `pool` (a parameter, line 19) is not an imported module; `--method get_client` would include it",
    ),
    (
        "app/use.py:25:5",
        "api.get_client",
        "dynamic-import",
        "`api` is a module imported at run time (line 24), which unawait does not follow; `--method get_client` would include it",
    ),
    (
        "app/use.py:29:5",
        "Factory.get_client",
        "class-receiver",
        "`Factory` is a class at line 5: the rule names a function; `--method get_client` would include it",
    ),
];

const SUMMARY: &str = "unawait: 5 files scanned (3 parsed); 1 file to change, 1 await to fix; 6 left (1 class-receiver, 1 dynamic-import, 1 other-function, 1 receiver-not-import, 1 shadowed, 1 unresolved)";

#[test]
fn every_left_await_is_named_with_its_reason_in_text_and_on_stderr() {
    let t = reasons();
    // `check` lists them on stdout, in path order with the fix: no copy on stderr.
    let mut stdout = String::new();
    for (at, callee, _, why) in LEFT {
        if *at > "app/use.py:12" && !stdout.contains("UNA001") {
            stdout.push_str(&check_line("app/use.py:12:5", "get_client", RULE));
        }
        stdout.push_str(&left_line(at, callee, RULE, why));
    }
    t.run(&["check", "-f", RULE]).expect(1, stdout, &[SUMMARY]);
    // `diff` and `fix` say them on stderr, one line each, like kept awaits.
    let stderr: Vec<String> = LEFT
        .iter()
        .map(|(at, callee, _, why)| format!("{at}: left `{callee}()` (rule `{RULE}`): {why}"))
        .chain([SUMMARY.to_string()])
        .collect();
    let stderr: Vec<&str> = stderr.iter().map(String::as_str).collect();
    let run = t.run(&["diff", "-f", RULE]);
    run.code(0);
    assert_eq!(run.stderr, stderr.join("\n") + "\n");
    // Nothing but the fix changes.
    t.run(&["fix", "-q", "-f", RULE]).code(0);
    assert!(t.text("app/use.py").contains("    get_client()\n"));
    for (at, ..) in LEFT {
        let (path, rest) = at.split_once(':').unwrap();
        let line: usize = rest.split(':').next().unwrap().parse().unwrap();
        let text = t.text(path);
        let written = text.lines().nth(line - 1).unwrap();
        assert!(
            written.trim_start().starts_with("await "),
            "{at}: {written}"
        );
    }
}

#[test]
fn json_sarif_and_github_carry_every_left_await() {
    let t = reasons();
    let run = t.run(&["check", "-q", "--output-format", "json", "-f", RULE]);
    run.code(1);
    let saved = t.save_outside("left.json", &run.stdout);
    if let Err(errors) = validate_against_schema("check-output-v1.schema.json", Path::new(&saved)) {
        panic!("schema validation failed:\n{errors}");
    }
    let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
    let mut left = Vec::new();
    for file in doc["files"].as_array().unwrap() {
        for f in file["findings"].as_array().unwrap() {
            if f["action"] == "left" {
                assert_eq!(f["code"], "UNA002");
                assert!(f["fix"].is_null() && f["kept"].is_null());
                left.push((
                    format!(
                        "{}:{}:{}",
                        file["path"].as_str().unwrap(),
                        f["location"]["line"],
                        f["location"]["column"]
                    ),
                    f["callee"].as_str().unwrap().to_string(),
                    f["left"]["reason"].as_str().unwrap().to_string(),
                    f["left"]["detail"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    let want: Vec<(String, String, String, String)> = LEFT
        .iter()
        .map(|(a, c, k, d)| (a.to_string(), c.to_string(), k.to_string(), d.to_string()))
        .collect();
    assert_eq!(left, want);
    assert_eq!(doc["summary"]["left"], 6);
    assert_eq!(doc["summary"]["findings"], 1);
    for (_, _, key, _) in LEFT {
        assert_eq!(doc["summary"]["left_by_reason"][key], 1, "{key}");
    }

    let run = t.run(&["check", "-q", "--output-format", "sarif", "-f", RULE]);
    run.code(1);
    let sarif = t.save_outside("left.sarif", &run.stdout);
    let doc = validate_sarif(Path::new(&sarif));
    let run0 = &doc["runs"][0];
    assert_eq!(run0["tool"]["driver"]["rules"][1]["id"], "UNA002");
    let notes: Vec<(String, String)> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "UNA002")
        .map(|r| {
            assert_eq!(r["level"], "note");
            assert_eq!(r["ruleIndex"], 1);
            assert!(r.get("fixes").is_none());
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                format!(
                    "{}:{}:{}",
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap(),
                    region["startLine"],
                    region["startColumn"]
                ),
                r["message"]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = LEFT
        .iter()
        .map(|(at, callee, _, why)| {
            (
                at.to_string(),
                format!("`await` on `{callee}()` (rule `{RULE}`) left unchanged: {why}"),
            )
        })
        .collect();
    assert_eq!(notes, want);

    let run = t.run(&["check", "-q", "--output-format", "github", "-f", RULE]);
    run.code(1);
    let stdout = String::from_utf8(run.stdout.clone()).unwrap();
    let notices: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::notice "))
        .collect();
    assert_eq!(notices.len(), LEFT.len(), "{stdout}");
    assert!(
        notices[0].starts_with(
            "::notice file=app/bare.py,line=2,col=5,endLine=2,endColumn=23,title=unawait (UNA002)::`await` on `get_client()`"
        ),
        "{}",
        notices[0]
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::error ")).count(),
        1
    );
}

/// 25 awaits left on a broad rule: stderr names 20 and says how many more; `-v` names
/// them all; JSON has every one.
#[test]
fn many_left_awaits_are_capped_on_stderr_but_counted_and_listed_with_verbose() {
    let body: String = (0..25)
        .map(|i| format!("async def f{i}(x):\n    await x.get_client()\n"))
        .collect();
    let t = tree(&[
        ("a.py", body),
        ("lib.py", "def get_client():\n    pass\n".into()),
    ]);
    let line = |i: usize| {
        format!(
            "a.py:{}:5: left `x.get_client()` (rule `get_client`): the receiver `x` (a parameter, line {}) is not an imported module; `--method get_client` would include it",
            2 * i + 2,
            2 * i + 1
        )
    };
    let summary = "unawait: 2 files scanned (1 parsed); 0 files to change, 0 awaits to fix; 25 left (25 receiver-not-import)";
    let run = t.run(&["diff", "-f", "get_client"]);
    run.code(0);
    let mut want: Vec<String> = (0..20).map(line).collect();
    want.push("unawait: 5 more awaits left unchanged are not listed; `-v` lists them all".into());
    want.push(summary.into());
    assert_eq!(run.stderr, want.join("\n") + "\n");
    let run = t.run(&["diff", "-v", "-f", "get_client"]);
    run.code(0);
    let mut want: Vec<String> = (0..25).map(line).collect();
    want.push(summary.into());
    assert_eq!(run.stderr, want.join("\n") + "\n");
    let run = t.run(&["check", "-q", "--output-format", "json", "-f", "get_client"]);
    run.code(0);
    let doc: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(doc["files"][0]["findings"].as_array().unwrap().len(), 25);
    assert_eq!(doc["summary"]["left"], 25);
}

/// Classes are not modules: `C.f()` on a class of the tree is decided by its method
/// (an `async def` keeps the await, naming it; a sync one is left, since the rule names
/// a function), and an object imported from a module of the tree is no module either.
#[test]
fn a_class_receiver_is_decided_by_its_method_and_an_object_is_left() {
    let t = Tree::git();
    t.write("tests/helpers/__init__.py", "");
    t.write(
        "tests/helpers/fakes.py",
        "class FakeFactory:\n    @classmethod\n    async def get_client(cls):\n        return 1\n\n\n\
         class SyncFactory:\n    @classmethod\n    def get_client(cls):\n        return 1\n\n\nclient = SyncFactory()\n",
    );
    t.write("app/__init__.py", "");
    t.write("app/api.py", "def get_client():\n    return 1\n");
    t.write(
        "tests/test_x.py",
        "from tests.helpers.fakes import FakeFactory, SyncFactory, client\n\
         from tests.helpers import fakes\n\
         from app import api\n\
         \n\
         \n\
         class Local:\n\
         \x20   async def get_client(self):\n\
         \x20       return 2\n\
         \n\
         \n\
         async def test():\n\
         \x20   await FakeFactory.get_client()\n\
         \x20   await SyncFactory.get_client()\n\
         \x20   await client.get_client()\n\
         \x20   await fakes.FakeFactory.get_client()\n\
         \x20   await api.get_client()\n\
         \x20   await Local.get_client()\n",
    );
    let rule = "get_client";
    t.run(&["check", "-f", rule]).expect(
        1,
        [
            left_line(
                "tests/test_x.py:13:5",
                "SyncFactory.get_client",
                rule,
                "`SyncFactory` is a class at tests/helpers/fakes.py:9: the rule names a function; `--method get_client` would include it",
            ),
            left_line(
                "tests/test_x.py:14:5",
                "client.get_client",
                rule,
                "the receiver `client` (an object imported from `tests.helpers.fakes`, line 1) is not an imported module; `--method get_client` would include it",
            ),
            check_line("tests/test_x.py:16:5", "api.get_client", rule),
        ]
        .concat(),
        &[
            "tests/test_x.py:12:5: kept `FakeFactory.get_client()`: name refers to an async def at tests/helpers/fakes.py:3",
            "tests/test_x.py:15:5: kept `fakes.FakeFactory.get_client()`: name refers to an async def at tests/helpers/fakes.py:3",
            "tests/test_x.py:17:5: kept `Local.get_client()`: name refers to an async def at line 7",
            "unawait: 5 files scanned (1 parsed); 1 file to change, 1 await to fix; 3 kept (3 async-def); 2 left (1 class-receiver, 1 receiver-not-import)",
        ],
    );
}

/// A class a package re-exports (`from .factory import Factory` in its `__init__.py`)
/// is still that class: its `async def` method keeps the await under a function rule
/// and under a method rule, and a method it inherits is not the rule's function; nor
/// is an object's method, reached through a namespace package.
#[test]
fn a_class_reexported_by_a_package_is_decided_by_its_method() {
    let t = Tree::git();
    t.write(
        "pkg/helpers/__init__.py",
        "from .factory import Factory, SyncFactory\n",
    );
    t.write(
        "pkg/helpers/factory.py",
        "class Base:\n    async def get_client(self):\n        pass\n\n\n\
         class Factory:\n    @classmethod\n    async def get_client(cls):\n        pass\n\n\
         \x20   async def get(self):\n        pass\n\n\n\
         class SyncFactory(Base):\n    def other(self):\n        pass\n\n\n\
         def get_client():\n    pass\n\n\nhandle = object()\n",
    );
    t.write(
        "pkg/use.py",
        "from pkg.helpers import Factory, SyncFactory\n\
         from pkg.helpers import factory\n\
         \n\
         \n\
         async def main(other):\n\
         \x20   await Factory.get_client()\n\
         \x20   await SyncFactory.get_client()\n\
         \x20   await factory.get_client()\n\
         \x20   await Factory.get()\n\
         \x20   await Factory().get()\n\
         \x20   await other.get()\n\
         \x20   import pkg.helpers.factory\n\
         \x20   await pkg.helpers.factory.handle.get_client()\n",
    );
    let expected = |summary: &str| {
        let stdout = [
            left_line(
                "pkg/use.py:7:5",
                "SyncFactory.get_client",
                "get_client",
                "`SyncFactory` is a class at line 1: the rule names a function; `--method get_client` would include it",
            ),
            check_line("pkg/use.py:8:5", "factory.get_client", "get_client"),
            check_line("pkg/use.py:11:5", "other.get", "get"),
            left_line(
                "pkg/use.py:13:5",
                "pkg.helpers.factory.handle.get_client",
                "get_client",
                "the receiver `pkg.helpers.factory.handle` (an object of the module `pkg.helpers.factory`) is not an imported module; `--method get_client` would include it",
            ),
        ]
        .concat();
        let stderr = [
            "pkg/use.py:6:5: kept `Factory.get_client()`: name refers to an async def at pkg/helpers/factory.py:8".to_string(),
            "pkg/use.py:9:5: kept `Factory.get()`: name refers to an async def at pkg/helpers/factory.py:11".to_string(),
            "pkg/use.py:10:5: kept `Factory().get()`: name refers to an async def at pkg/helpers/factory.py:11".to_string(),
            summary.to_string(),
        ];
        (stdout, stderr)
    };
    let args = ["check", "-f", "get_client", "--method", "get"];
    let (stdout, stderr) = expected(
        "unawait: 3 files scanned (1 parsed); 1 file to change, 2 awaits to fix; 3 kept (3 async-def); 2 left (1 class-receiver, 1 receiver-not-import)",
    );
    let stderr: Vec<&str> = stderr.iter().map(String::as_str).collect();
    t.run(&args).expect(1, stdout.clone(), &stderr);
    // Named alone, as pre-commit names it, the file sees the same classes.
    let (_, named) = expected(
        "unawait: 1 file scanned (1 parsed); 1 file to change, 2 awaits to fix; 3 kept (3 async-def); 2 left (1 class-receiver, 1 receiver-not-import)",
    );
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    t.run(&[&args[..], &["pkg/use.py"]].concat())
        .expect(1, stdout, &named);
}

/// A rule's call in a comment, a string or a docstring is text: never changed,
/// counted in the summary, and listed with `-v`.
#[test]
fn mentions_in_comments_and_strings_are_counted_and_listed_with_verbose() {
    let t = tree(&[(
        "a.py",
        "\"\"\"Call `await get_client()` first.\"\"\"\nfrom api import get_client\n\n\nasync def f():\n    # await get_client() here\n    log = \"then get_client(x)\"\n    return await get_client(), log, f\"{len('get_client(')}\"\n",
    )]);
    let summary = "unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix; 4 mentions in comments and strings (`-v` lists them)";
    t.run(&["diff", "-f", "get_client"]).code(0);
    let run = t.run(&["fix", "-f", "get_client"]);
    run.code(0);
    assert_eq!(
        run.stderr,
        format!(
            "{}\n",
            summary
                .replace("to change", "changed")
                .replace("to fix", "fixed")
        )
    );
    let text = t.text("a.py");
    assert_eq!(text.matches("await get_client(").count(), 2, "{text}");
    let t = tree(&[(
        "a.py",
        text.replace("    return get_client()", "    return await get_client()"),
    )]);
    let run = t.run(&["check", "-v", "-f", "get_client"]);
    assert_eq!(
        run.stderr,
        "a.py:1:16: `get_client(` mentioned in a docstring, which is text, not code\n\
         a.py:6:13: `get_client(` mentioned in a comment, which is text, not code\n\
         a.py:7:17: `get_client(` mentioned in a string, which is text, not code\n\
         a.py:8:45: `get_client(` mentioned in a string, which is text, not code\n\
         unawait: 1 file scanned (1 parsed); 1 file to change, 1 await to fix; 4 mentions in comments and strings (`-v` lists them)\n"
    );
}

/// A kept note about an `async def` only when that `async def` could be what the rule
/// names: under a qualified rule, the pytest layout's async fake of the same name (and a
/// test file's own `async def` of it) is another function, left as such; under a bare
/// rule it may be the rule's, and is kept with its location.
#[test]
fn an_unrelated_async_fake_is_left_under_a_qualified_rule_and_kept_under_a_bare_one() {
    let t = Tree::git();
    t.write("app/__init__.py", "");
    t.write("app/ws.py", "def get_manager():\n    return 1\n");
    t.write("tests/helpers/__init__.py", "");
    t.write(
        "tests/helpers/fakes.py",
        "async def get_manager():\n    return 1\n",
    );
    t.write(
        "tests/test_ws.py",
        "from tests.helpers.fakes import get_manager\n\
         from app import ws\n\
         \n\
         \n\
         async def test_fake():\n\
         \x20   await get_manager()\n\
         \n\
         \n\
         async def test_real():\n\
         \x20   await ws.get_manager()\n",
    );
    t.write(
        "tests/test_own.py",
        "async def get_manager():\n    return 1\n\n\nasync def test_own():\n    await get_manager()\n",
    );
    let qualified = t.run(&["diff", "-f", "app.ws.get_manager"]);
    qualified.code(0);
    assert_eq!(
        qualified.stderr,
        "tests/test_own.py:6:5: left `get_manager()` (rule `app.ws.get_manager`): the call resolves to `tests.test_own.get_manager`, not to the rule's `app.ws.get_manager`\n\
         tests/test_ws.py:6:5: left `get_manager()` (rule `app.ws.get_manager`): the call resolves to `tests.helpers.fakes.get_manager`, not to the rule's `app.ws.get_manager`\n\
         unawait: 6 files scanned (2 parsed); 1 file to change, 1 await to fix; 2 left (2 other-function)\n"
    );
    assert!(!qualified.stderr.contains("kept"), "{}", qualified.stderr);
    let bare = t.run(&["diff", "-f", "get_manager"]);
    bare.code(0);
    assert_eq!(
        bare.stderr,
        "tests/test_own.py:6:5: kept `get_manager()`: name refers to an async def at line 1\n\
         tests/test_ws.py:6:5: kept `get_manager()`: name refers to an async def at tests/helpers/fakes.py:1\n\
         unawait: 6 files scanned (2 parsed); 1 file to change, 1 await to fix; 2 kept (2 async-def)\n"
    );
}

/// A method rule matches `.m()` on any receiver, but not on a class of the tree whose
/// `m` is an `async def` (`C.m()`, `C().m()`, in the file or imported): the tree shows
/// the call makes a coroutine, so the await is kept, naming the method.
#[test]
fn a_method_rule_keeps_the_await_on_a_class_of_the_tree_whose_method_is_async() {
    let t = Tree::git();
    t.write("app/__init__.py", "");
    t.write(
        "app/models.py",
        "class Remote:\n    async def get(self):\n        return 1\n\n\nclass Plain:\n    def get(self):\n        return 1\n",
    );
    t.write(
        "app/use.py",
        "from app.models import Plain, Remote\n\
         from app import models\n\
         \n\
         \n\
         class Local:\n\
         \x20   async def get(self):\n\
         \x20       return 1\n\
         \n\
         \n\
         async def f(client):\n\
         \x20   await Local().get()\n\
         \x20   await Local.get(None)\n\
         \x20   await Remote().get()\n\
         \x20   await models.Remote().get()\n\
         \x20   await Plain().get()\n\
         \x20   await client.get()\n",
    );
    t.run(&["check", "--method", "get"]).expect(
        1,
        [
            check_line("app/use.py:15:5", "Plain().get", "get"),
            check_line("app/use.py:16:5", "client.get", "get"),
        ]
        .concat(),
        &[
            "app/use.py:11:5: kept `Local().get()`: name refers to an async def at line 6",
            "app/use.py:12:5: kept `Local.get()`: name refers to an async def at line 6",
            "app/use.py:13:5: kept `Remote().get()`: name refers to an async def at app/models.py:2",
            "app/use.py:14:5: kept `models.Remote().get()`: name refers to an async def at app/models.py:2",
            "unawait: 3 files scanned (1 parsed); 1 file to change, 2 awaits to fix; 4 kept (4 async-def)",
        ],
    );
}
