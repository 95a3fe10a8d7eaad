//! `unawait suggest`: which synchronous functions a project awaits, most awaited first,
//! as text ready to paste into pyproject.toml and as JSON. Each snippet is pasted and
//! the binary run again on it, so a snippet that the next run rejects fails here.

use std::path::Path;

use crate::common::{tree, validate_against_schema, Tree};

const SUGGEST_TREE: &[(&str, &str)] = &[
    ("app/__init__.py", "from .core import get_manager\n"),
    (
        "app/core.py",
        "import functools\n\n\ndef get_manager():\n    return 1\n\n\n@functools.cache\ndef cached():\n    return 2\n\n\ndef make_task():\n    return loop.create_task(x())\n\n\nasync def real():\n    return 3\n\n\nclass Client:\n    def fetch(self):\n        return 4\n\n    async def run(self):\n        return await self.fetch()\n",
    ),
    (
        "app/use.py",
        "from app import get_manager\nfrom app.core import cached, make_task, real\n\n\nasync def f():\n    await get_manager()\n    await get_manager()\n    await cached()\n    await make_task()\n    await real()\n",
    ),
    (
        "tests/test_neg.py",
        "import pytest\nfrom app.core import get_manager\n\n\nasync def test_neg():\n    await get_manager()\n    with pytest.raises(TypeError):\n        await get_manager()\n",
    ),
];

/// The table of `SUGGEST_TREE`, with `get_manager`'s confidence column as given.
fn suggest_table(get_manager: &str) -> String {
    format!(
        "awaits  files  confidence  function  (defined at)\n\
         \x20    3      2  {get_manager:<10}  app.core.get_manager  (app/core.py:4)\n\
         \x20    1      1  review      app.core.Client.fetch  (app/core.py:22) [method]\n\
         \x20    1      1  review      app.core.cached  (app/core.py:9) [decorated]\n\
         \x20    1      1  review      app.core.make_task  (app/core.py:13) [returns a call]\n\n"
    )
}

/// The `review` entries of `SUGGEST_TREE`, commented out.
const REVIEW_ENTRIES: &str = "    # \"app.core.Client.fetch\",  # review: method\n\
     \x20   # \"app.core.cached\",  # review: decorated\n\
     \x20   # \"app.core.make_task\",  # review: returns a call\n";

/// The `check` line for the one `get_manager` await that `app/use.py` line `line` has.
fn use_check_line(line: usize, rule: &str) -> String {
    format!(
        "app/use.py:{line}:5: UNA001 `await` on synchronous `get_manager()` (rule `{rule}`): remove the `await`\n"
    )
}

/// What `check` prints once the `app.core.get_manager` rule is configured.
fn check_lines(rule: &str) -> String {
    [
        use_check_line(6, rule),
        use_check_line(7, rule),
        format!(
            "tests/test_neg.py:6:5: UNA001 `await` on synchronous `get_manager()` (rule `{rule}`): remove the `await`\n"
        ),
    ]
    .concat()
}

/// The snippet: what follows the table's blank line.
fn snippet(stdout: &str) -> &str {
    stdout
        .split_once("\n\n")
        .map(|(_, s)| s)
        .expect("a table, a blank line, a snippet")
}

#[test]
fn suggest_text_lists_most_awaited_first_with_snippet() {
    let t = tree(SUGGEST_TREE);
    let text = format!(
        "{}# Paste into pyproject.toml (the `review` ones are commented out: check them by hand):\n\
         [tool.unawait]\nfunctions = [\n    \"app.core.get_manager\",\n{REVIEW_ENTRIES}]\n",
        suggest_table("high")
    );
    t.run(&["suggest", "-q"]).expect(0, &text, &[]);
    t.run(&["suggest"]).expect(
        0,
        &text,
        &["unawait: 4 files scanned (4 parsed); 4 awaited synchronous functions (1 high confidence, 3 to review)"],
    );
}

#[test]
fn pasted_snippet_is_read_by_the_next_run() {
    let t = tree(SUGGEST_TREE);
    let first = t.run(&["suggest", "-q"]);
    t.write("pyproject.toml", snippet(first.out()));
    t.run(&["check", "-q"])
        .expect(1, check_lines("app.core.get_manager"), &[]);
    // Run again: the function is configured, marked so and left out of the snippet;
    // nothing new is high confidence, so the snippet is all commented out.
    t.run(&["suggest"]).expect(
        0,
        format!(
            "{}# No new function is high confidence: check each by hand, then\n\
             # uncomment the ones to keep and add them to `functions` in [tool.unawait] in pyproject.toml:\n\
             # functions = [\n\
             #     \"app.core.Client.fetch\",  # review: method\n\
             #     \"app.core.cached\",  # review: decorated\n\
             #     \"app.core.make_task\",  # review: returns a call\n\
             # ]\n",
            suggest_table("configured")
        ),
        &["unawait: 4 files scanned (4 parsed); 4 awaited synchronous functions (3 to review, 1 already configured)"],
    );
}

#[test]
fn snippet_with_nothing_high_is_commented_out_and_never_an_empty_list() {
    let t = tree(&[
        (
            "lib.py",
            "import functools\n\n\n@functools.cache\ndef settings():\n    return {}\n",
        ),
        (
            "app.py",
            "from lib import settings\n\n\nasync def main():\n    return await settings()\n",
        ),
    ]);
    let text = "awaits  files  confidence  function  (defined at)\n\
         \x20    1      1  review      lib.settings  (lib.py:5) [decorated]\n\n\
         # No new function is high confidence: check each by hand, then\n\
         # uncomment the ones to keep, with the lines around them, and paste them into pyproject.toml:\n\
         # [tool.unawait]\n\
         # functions = [\n\
         #     \"lib.settings\",  # review: decorated\n\
         # ]\n";
    let summary =
        "unawait: 2 files scanned (2 parsed); 1 awaited synchronous function (1 to review)";
    t.run(&["suggest"]).expect(0, text, &[summary]);
    // Pasted as it is, the snippet is valid TOML that configures nothing.
    t.write("pyproject.toml", snippet(text));
    t.run(&["suggest"]).expect(0, text, &[summary]);
    // Uncommented, it configures the function.
    let uncommented: String = snippet(text)
        .lines()
        .skip(2)
        .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap()))
        .collect();
    t.write("pyproject.toml", uncommented);
    t.run(&["check", "-q"]).expect(
        1,
        "app.py:5:12: UNA001 `await` on synchronous `settings()` (rule `lib.settings`): remove the `await`\n",
        &[],
    );
}

#[test]
fn snippet_goes_into_an_existing_table_without_repeating_it() {
    let t = tree(SUGGEST_TREE);
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nextend-exclude = [\"tests\"]\n",
    );
    let r = t.run(&["suggest", "-q"]);
    assert_eq!(
        snippet(r.out()),
        format!(
            "# Add to [tool.unawait] in pyproject.toml (the `review` ones are commented out: check them by hand):\n\
             functions = [\n    \"app.core.get_manager\",\n{REVIEW_ENTRIES}]\n"
        )
    );
    // Appended to the file, the snippet lands in the table.
    let mut config = t.text("pyproject.toml");
    config.push_str(snippet(r.out()));
    t.write("pyproject.toml", config);
    let lines = [
        use_check_line(6, "app.core.get_manager"),
        use_check_line(7, "app.core.get_manager"),
    ];
    t.run(&["check", "-q"]).expect(1, lines.concat(), &[]);
}

#[test]
fn functions_the_rules_name_are_marked_configured_and_left_out() {
    let t = tree(SUGGEST_TREE);
    // A bare rule, and a method rule, cover the functions of that name.
    t.run(&["suggest", "-q", "-f", "get_manager", "--method", "fetch"])
        .expect(
            0,
            "awaits  files  confidence  function  (defined at)\n\
             \x20    3      2  configured  app.core.get_manager  (app/core.py:4)\n\
             \x20    1      1  configured  app.core.Client.fetch  (app/core.py:22) [method]\n\
             \x20    1      1  review      app.core.cached  (app/core.py:9) [decorated]\n\
             \x20    1      1  review      app.core.make_task  (app/core.py:13) [returns a call]\n\n\
             # No new function is high confidence: check each by hand, then\n\
             # uncomment the ones to keep, with the lines around them, and paste them into pyproject.toml:\n\
             # [tool.unawait]\n\
             # functions = [\n\
             #     \"app.core.cached\",  # review: decorated\n\
             #     \"app.core.make_task\",  # review: returns a call\n\
             # ]\n",
            &[],
        );
    // A qualified rule through the re-export, in the configuration, covers it too.
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"app.get_manager\", \"app.core.cached\"]\nmethods = [\"fetch\"]\n\n[tool.unawait.replace-with]\n\"app.core.make_task\" = \"make_task_async\"\n",
    );
    let r = t.run(&["suggest"]);
    r.expect(
        0,
        "awaits  files  confidence  function  (defined at)\n\
         \x20    3      2  configured  app.core.get_manager  (app/core.py:4)\n\
         \x20    1      1  configured  app.core.Client.fetch  (app/core.py:22) [method]\n\
         \x20    1      1  configured  app.core.cached  (app/core.py:9) [decorated]\n\
         \x20    1      1  configured  app.core.make_task  (app/core.py:13) [returns a call]\n\n\
         # Nothing to add: every function above is already configured.\n",
        &["unawait: 4 files scanned (4 parsed); 4 awaited synchronous functions (4 already configured)"],
    );
}

/// A factory of each shape: returning an instance of a plain class of the tree (through
/// a re-export, a module attribute, a class with a base in the tree or a builtin base),
/// of an awaitable class, of a class based on one from outside the tree, a call of a
/// function, and a call of a parameter that shadows the class.
const FACTORY_TREE: &[(&str, &str)] = &[
    ("shop/__init__.py", "from .client import Client\n"),
    (
        "shop/client.py",
        "import asyncio\n\nimport httpx\n\n\nclass Base(object):\n    pass\n\n\nclass Client(Base):\n    def __init__(self, url):\n        self.url = url\n\n\nclass Ticket:\n    def __await__(self):\n        return iter(())\n\n\nclass Child(Ticket):\n    pass\n\n\nclass Future(asyncio.Future):\n    pass\n\n\nclass Pooled(httpx.Client):\n    pass\n",
    ),
    (
        "shop/factories.py",
        "from shop import Client\nfrom . import client as c\nfrom .client import Child, Future, Pooled, Ticket\n\n\ndef make_client(url):\n    if url is None:\n        return None\n    return Client(url)\n\n\ndef make_client_too():\n    return (c.Client(\"x\"))\n\n\ndef make_ticket():\n    return Ticket()\n\n\ndef make_child():\n    return Child()\n\n\ndef make_future():\n    return Future()\n\n\ndef make_pooled():\n    return Pooled()\n\n\ndef make_coro():\n    return fetch()\n\n\ndef shadowed(Client):\n    return Client()\n\n\nasync def fetch():\n    return 1\n",
    ),
    (
        "shop/use.py",
        "from shop import factories as f\n\n\nasync def main():\n    await f.make_client(\"u\")\n    await f.make_client_too()\n    await f.make_ticket()\n    await f.make_child()\n    await f.make_future()\n    await f.make_pooled()\n    await f.make_coro()\n    await f.shadowed(1)\n",
    ),
];

#[test]
fn factory_returning_a_plain_class_of_the_tree_is_high_confidence() {
    let t = tree(FACTORY_TREE);
    let foreign = "returns an instance of a class with a base outside the tree";
    let text = format!(
        "awaits  files  confidence  function  (defined at)\n\
         \x20    1      1  review      shop.factories.make_child  (shop/factories.py:20) [returns an awaitable instance]\n\
         \x20    1      1  high        shop.factories.make_client  (shop/factories.py:6)\n\
         \x20    1      1  high        shop.factories.make_client_too  (shop/factories.py:12)\n\
         \x20    1      1  review      shop.factories.make_coro  (shop/factories.py:32) [returns a call]\n\
         \x20    1      1  review      shop.factories.make_future  (shop/factories.py:24) [{foreign}]\n\
         \x20    1      1  review      shop.factories.make_pooled  (shop/factories.py:28) [{foreign}]\n\
         \x20    1      1  review      shop.factories.make_ticket  (shop/factories.py:16) [returns an awaitable instance]\n\
         \x20    1      1  review      shop.factories.shadowed  (shop/factories.py:36) [returns a call]\n\n\
         # Paste into pyproject.toml (the `review` ones are commented out: check them by hand):\n\
         [tool.unawait]\n\
         functions = [\n\
         \x20   # \"shop.factories.make_child\",  # review: returns an awaitable instance\n\
         \x20   \"shop.factories.make_client\",\n\
         \x20   \"shop.factories.make_client_too\",\n\
         \x20   # \"shop.factories.make_coro\",  # review: returns a call\n\
         \x20   # \"shop.factories.make_future\",  # review: {foreign}\n\
         \x20   # \"shop.factories.make_pooled\",  # review: {foreign}\n\
         \x20   # \"shop.factories.make_ticket\",  # review: returns an awaitable instance\n\
         \x20   # \"shop.factories.shadowed\",  # review: returns a call\n\
         ]\n"
    );
    t.run(&["suggest"]).expect(
        0,
        &text,
        &["unawait: 4 files scanned (4 parsed); 8 awaited synchronous functions (2 high confidence, 6 to review)"],
    );
    t.write("pyproject.toml", snippet(&text));
    t.run(&["check", "-q"]).expect(
        1,
        "shop/use.py:5:5: UNA001 `await` on synchronous `f.make_client()` (rule `shop.factories.make_client`): remove the `await`\n\
         shop/use.py:6:5: UNA001 `await` on synchronous `f.make_client_too()` (rule `shop.factories.make_client_too`): remove the `await`\n",
        &[],
    );
}

#[test]
fn counts_are_singular_for_one() {
    let t = tree(&[(
        "app.py",
        "class Client:\n    pass\n\n\ndef make_client():\n    return Client()\n\n\nasync def main():\n    return await make_client()\n",
    )]);
    t.run(&["suggest"]).expect(
        0,
        "awaits  files  confidence  function  (defined at)\n\
         \x20    1      1  high        app.make_client  (app.py:5)\n\n\
         # Paste into pyproject.toml:\n\
         [tool.unawait]\nfunctions = [\n    \"app.make_client\",\n]\n",
        &["unawait: 1 file scanned (1 parsed); 1 awaited synchronous function (1 high confidence)"],
    );
    let none = tree(&[("a.py", "async def f():\n    return 1\n")]);
    none.run(&["suggest"]).expect(
        0,
        "",
        &["unawait: 1 file scanned (0 parsed); 0 awaited synchronous functions"],
    );
}

#[test]
fn flags_suggest_does_not_use_are_refused() {
    let t = tree(SUGGEST_TREE);
    for (args, why) in [
        (
            &["--replace-with", "a=b"][..],
            "--replace-with: it changes no call; give the async twin to `diff`, `fix`, `patch` or `check`",
        ),
        (
            &["--no-keep-in-raises"][..],
            "--no-keep-in-raises: it never counts awaits in blocks that expect a `TypeError`",
        ),
        (
            &["--docs"][..],
            "--docs: it reads Python files only, not Markdown or reST",
        ),
        (
            &["--stdin-filename", "app/use.py"][..],
            "--stdin-filename: it needs a tree to look at, not stdin",
        ),
    ] {
        let mut all = vec!["suggest"];
        all.extend_from_slice(args);
        t.run(&all).expect(
            2,
            "",
            &[&format!("unawait: error: `suggest` does not take {why}")],
        );
    }
    // The ones it uses still work.
    let used = [
        "suggest",
        "-q",
        "-j",
        "1",
        "--color",
        "never",
        "--no-ignore",
        "--exclude",
        "tests",
        "--force-exclude",
        "--config",
        "none.toml",
        "app",
    ];
    t.write("none.toml", "extend-exclude = [\"core.py\"]\n");
    t.run(&used).expect(0, "", &[]);
}

fn saved(t: &Tree, name: &str, doc: &serde_json::Value) -> String {
    t.save_outside(name, serde_json::to_string(doc).unwrap().as_bytes())
}

#[test]
fn suggest_json_is_versioned_and_matches_its_schema() {
    let t = tree(SUGGEST_TREE);
    let r = t.run(&[
        "suggest",
        "-q",
        "--output-format",
        "json",
        "--method",
        "fetch",
    ]);
    r.code(0);
    assert_eq!(r.stderr, "");
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let entry = |function: &str,
                 line: usize,
                 awaits: usize,
                 files: usize,
                 confidence: &str,
                 reasons: &[&str],
                 configured: bool| {
        serde_json::json!({
            "function": function,
            "defined_at": {"path": "app/core.py", "line": line},
            "awaits": awaits,
            "files": files,
            "confidence": confidence,
            "reasons": reasons,
            "configured": configured,
        })
    };
    assert_eq!(
        doc,
        serde_json::json!({
            "version": 1,
            "tool": {"name": "unawait", "version": env!("CARGO_PKG_VERSION")},
            "suggestions": [
                entry("app.core.get_manager", 4, 3, 2, "high", &[], false),
                entry("app.core.Client.fetch", 22, 1, 1, "review", &["method"], true),
                entry("app.core.cached", 9, 1, 1, "review", &["decorated"], false),
                entry("app.core.make_task", 13, 1, 1, "review", &["returns a call"], false),
            ],
            "summary": {"files_scanned": 4, "functions": 4, "high": 1, "review": 2, "configured": 1},
        })
    );
    let path = t.save_outside("suggest.json", &r.stdout);
    validate_against_schema("suggest-output-v1.schema.json", Path::new(&path)).unwrap();
    // The schema can fail: a `high` entry with a reason, an unknown reason.
    let mut bad = doc.clone();
    bad["suggestions"][0]["reasons"] = serde_json::json!(["method"]);
    let path = saved(&t, "bad1.json", &bad);
    assert!(validate_against_schema("suggest-output-v1.schema.json", Path::new(&path)).is_err());
    let mut bad = doc;
    bad["suggestions"][1]["reasons"] = serde_json::json!(["looks odd"]);
    let path = saved(&t, "bad2.json", &bad);
    assert!(validate_against_schema("suggest-output-v1.schema.json", Path::new(&path)).is_err());
}

#[test]
fn only_files_that_may_await_a_function_of_the_tree_are_parsed() {
    let t = tree(&[
        ("lib.py", "def make():\n    return 1\n"),
        (
            "use.py",
            "from lib import make\n\n\nasync def main(hass):\n    await make()\n",
        ),
        // Awaits of a parameter, of a module outside the tree and of a call chain.
        (
            "other.py",
            "import asyncio\n\n\nasync def f(hass):\n    await hass.run()\n    await asyncio.sleep(1)\n    await super().close()\n",
        ),
        // A file that does not parse is named, not silently passed over.
        ("broken.py", "from lib import make\n\nasync def g(:\n    await make()\n"),
    ]);
    t.run(&["suggest"]).expect(
        0,
        "awaits  files  confidence  function  (defined at)\n\
         \x20    1      1  high        lib.make  (lib.py:1)\n\n\
         # Paste into pyproject.toml:\n\
         [tool.unawait]\nfunctions = [\n    \"lib.make\",\n]\n",
        &[
            "unawait: warning: broken.py: syntax error at 3:13; not surveyed",
            "unawait: 4 files scanned (3 parsed); 1 awaited synchronous function (1 high confidence)",
        ],
    );
}

#[test]
fn a_file_suggest_cannot_read_is_named_and_the_run_exits_2() {
    let t = tree(&[
        ("lib.py", "def make():\n    return 1\n"),
        (
            "use.py",
            "from lib import make\n\n\nasync def main():\n    await make()\n",
        ),
        ("bin.py", "from lib import make\x00\nawait make()\n"),
    ]);
    t.run(&["suggest"]).expect(
        2,
        "awaits  files  confidence  function  (defined at)\n\
         \x20    1      1  high        lib.make  (lib.py:1)\n\n\
         # Paste into pyproject.toml:\n\
         [tool.unawait]\nfunctions = [\n    \"lib.make\",\n]\n",
        &[
            "unawait: bin.py: binary file (contains NUL bytes)",
            "unawait: 3 files scanned (2 parsed); 1 awaited synchronous function (1 high confidence)",
        ],
    );
}
