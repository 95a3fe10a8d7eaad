//! `fix --interactive`: each change shown and asked about, with the answers piped in.

use crate::common::*;

/// Three awaits to remove in two files.
fn review_tree() -> Tree {
    let t = Tree::new();
    t.write(
        "pyproject.toml",
        "[tool.unawait]\nfunctions = [\"get_manager\"]\n",
    );
    t.write("a.py", SRC);
    t.write(
        "b.py",
        "from svc import get_manager\n\n\nasync def one():\n    return await get_manager()\n\n\nasync def two():\n    return await get_manager()\n",
    );
    t
}

#[test]
fn interactive_writes_only_accepted_changes() {
    let t = review_tree();
    // a.py: yes; b.py: no to the first, yes to the second.
    let run = t.run_stdin(".", &["fix", "--interactive", "--backup"], b"y\nn\ny\n");
    run.code(0);
    assert_eq!(
        run.out()
            .matches("Apply this change? [y]es, [n]o, [a]ll, [q]uit:")
            .count(),
        3
    );
    assert!(run
        .out()
        .contains("a.py:5:15: remove `await` on `get_manager()`"));
    assert!(run
        .out()
        .contains("-    manager = await get_manager()\n+    manager = get_manager()\n"));
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("a.py.orig"), SRC);
    assert_eq!(
        t.text("b.py"),
        "from svc import get_manager\n\n\nasync def one():\n    return await get_manager()\n\n\nasync def two():\n    return get_manager()\n"
    );
    assert!(run.stderr.contains("1 change declined"), "{}", run.stderr);
    assert!(
        run.summary().contains("2 files changed, 2 awaits fixed"),
        "{}",
        run.summary()
    );
}

#[test]
fn interactive_all_and_quit() {
    // `a` accepts everything from there on, without asking again.
    let t = review_tree();
    let run = t.run_stdin(".", &["fix", "-i"], b"a\n");
    run.code(0);
    assert_eq!(run.out().matches("Apply this change?").count(), 1);
    assert!(!t.text("b.py").contains("await"));
    assert_eq!(t.text("a.py"), FIXED);

    // An unknown answer asks again; `q` stops: later files are untouched.
    let t = review_tree();
    let run = t.run_stdin(".", &["fix", "-i"], b"maybe\ny\nq\n");
    run.code(0);
    assert!(run.out().contains("Please answer y, n, a or q."));
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.read("b.py"), review_tree().read("b.py"));

    // End of input is `q`: nothing written.
    let t = review_tree();
    let run = t.run_stdin(".", &["fix", "-i"], b"");
    run.code(0);
    assert_eq!(t.text("a.py"), SRC);
}
