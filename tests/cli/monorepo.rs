//! A tree shaped like a real pytest monorepo (`tests/fixtures/monorepo`): two services
//! with their own `pyproject.toml`, a `src/` layout, namespace `tests/` folders with a
//! `helpers` package of async doubles, the `try: import / except ImportError:` fallback,
//! re-exports (one renamed) in the package's `__init__.py`, a call chain on the result, a
//! parenthesised multi-line await, a raises block and a comment that mentions the call.
//! Every await on the rule's name is either fixed, kept with its reason, or left with
//! its reason: none is passed over in silence, whether the whole tree is run or one file
//! is named as pre-commit names it.

use std::path::Path;

use crate::common::*;

const RULE: &str = "get_websocket_manager";

/// A copy of the fixture, so that `fix` can write.
fn monorepo() -> Tree {
    let t = Tree::new();
    t.copy_from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monorepo"));
    t
}

const DOUBLES: &str = "services/api/tests/unit/test_doubles.py";

/// What `check` prints on stdout for the awaits of `test_doubles.py`: the left ones.
fn doubles_left() -> String {
    [
        left_line(
            &format!("{DOUBLES}:15:5"),
            "SyncFactory.get_websocket_manager",
            RULE,
            "`SyncFactory` is a class at services/api/tests/helpers/fakes.py:13: the rule names a function; `--method get_websocket_manager` would include it",
        ),
        left_line(
            &format!("{DOUBLES}:20:5"),
            "ws.get_websocket_manager",
            RULE,
            "`ws` is a module imported at run time (line 19), which unawait does not follow; `--method get_websocket_manager` would include it",
        ),
        left_line(
            &format!("{DOUBLES}:24:5"),
            "app.state.get_websocket_manager",
            RULE,
            "the receiver `app.state` (a parameter, line 23) is not an imported module; `--method get_websocket_manager` would include it",
        ),
        left_line(
            &format!("{DOUBLES}:28:5"),
            "get_websocket_manager",
            RULE,
            "the name is bound here to a parameter at line 27, not to the rule's function",
        ),
    ]
    .concat()
}

/// The kept notes of `test_doubles.py` on stderr: the async doubles, by their
/// definitions, and the test that expects the `TypeError`.
const DOUBLES_KEPT: &[&str] = &[
    "services/api/tests/unit/test_doubles.py:10:5: kept `fakes.get_websocket_manager()`: name refers to an async def at services/api/tests/helpers/fakes.py:1",
    "services/api/tests/unit/test_doubles.py:14:5: kept `FakeFactory.get_websocket_manager()`: name refers to an async def at services/api/tests/helpers/fakes.py:7",
    "services/api/tests/unit/test_doubles.py:35:9: kept `get_websocket_manager()`: inside a block that expects TypeError",
];

#[test]
fn every_await_on_the_rule_in_a_pytest_monorepo_is_fixed_kept_or_left_with_its_reason() {
    let t = monorepo();
    let stdout = [
        check_line(
            "services/api/src/api/handlers.py:7:15",
            "get_websocket_manager",
            RULE,
        ),
        doubles_left(),
        check_line(
            "services/api/tests/unit/test_fallback.py:10:15",
            "get_websocket_manager",
            RULE,
        ),
        check_line(
            "services/web/tests/test_web.py:5:5",
            "api.get_websocket_manager",
            RULE,
        ),
        // The renamed re-export (`from .ws import get_websocket_manager as
        // get_manager`): the same function by another name.
        check_line(
            "services/web/tests/test_web.py:6:5",
            "api.get_manager",
            RULE,
        ),
    ]
    .concat();
    let mut stderr = DOUBLES_KEPT.to_vec();
    stderr.push(
        "unawait: 8 files scanned (4 parsed); 3 files to change, 4 awaits to fix; 3 kept (2 async-def, 1 raises-block); 4 left (1 class-receiver, 1 dynamic-import, 1 receiver-not-import, 1 shadowed); 1 mention in comments and strings (`-v` lists them)",
    );
    t.run(&["check"]).expect(1, stdout, &stderr);

    // `-v` names the comment that mentions the call, which is text.
    let verbose = t.run(&["check", "-v"]);
    assert!(
        verbose.stderr.contains(
            "services/api/src/api/handlers.py:5:13: `get_websocket_manager(` mentioned in a comment, which is text, not code"
        ),
        "{}",
        verbose.stderr
    );

    // The fix removes exactly those awaits: the call chain on the result and the raises
    // block are untouched.
    t.run(&["fix", "-q"]).code(0);
    assert_eq!(
        String::from_utf8(t.read("services/api/src/api/handlers.py")).unwrap(),
        "from api.ws import get_websocket_manager\n\n\nasync def notify(event):\n    \
         # await get_websocket_manager() used to be right here\n    \
         await get_websocket_manager().send_event(event)\n    \
         manager = (\n        get_websocket_manager()\n    )\n    return manager\n"
    );
    assert!(String::from_utf8(t.read("services/web/tests/test_web.py"))
        .unwrap()
        .contains("    api.get_websocket_manager()\n    api.get_manager()\n"));
    // Run again: nothing to fix, and the same awaits kept and left.
    let again = t.run(&["check"]);
    again.code(0);
    assert_eq!(String::from_utf8_lossy(&again.stdout), doubles_left());
    assert!(
        again.summary().contains("0 awaits to fix; 3 kept"),
        "{}",
        again.summary()
    );
}

/// Pre-commit names the changed files: the verdicts on a named file are the same as in
/// a run over the whole tree, since the index is the project's.
#[test]
fn a_file_named_as_pre_commit_names_it_gets_the_whole_tree_verdicts() {
    let t = monorepo();
    let mut stderr = DOUBLES_KEPT.to_vec();
    stderr.push(
        "unawait: 1 file scanned (1 parsed); 0 files to change, 0 awaits to fix; 3 kept (2 async-def, 1 raises-block); 4 left (1 class-receiver, 1 dynamic-import, 1 receiver-not-import, 1 shadowed)",
    );
    t.run(&["check", DOUBLES])
        .expect(0, doubles_left(), &stderr);
    // From inside the service, naming the file relative to it.
    let inside = t.run_in("services/api", &["check", "tests/unit/test_fallback.py"]);
    inside.code(1);
    assert_eq!(
        String::from_utf8_lossy(&inside.stdout),
        check_line(
            "tests/unit/test_fallback.py:10:15",
            "get_websocket_manager",
            RULE
        )
    );
}
