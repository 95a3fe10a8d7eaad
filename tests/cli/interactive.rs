//! `fix --interactive`: each change shown and asked about, with the answers piped in.

use crate::common::*;

/// The question after each change.
const PROMPT: &str = "Apply this change? [y]es, [n]o, [a]ll, [q]uit: ";

/// b.py of `review_tree`, and its two changes as `--interactive` shows them.
const B: &str = "from svc import get_manager\n\n\nasync def one():\n    return await get_manager()\n\n\nasync def two():\n    return await get_manager()\n";

const B_FIRST: &str = "b.py:5:12: remove `await` on `get_manager()`
diff --git a/b.py b/b.py
--- a/b.py
+++ b/b.py
@@ -2,7 +2,7 @@
 
 
 async def one():
-    return await get_manager()
+    return get_manager()
 
 
 async def two():
";

const B_SECOND: &str = "b.py:9:12: remove `await` on `get_manager()`
diff --git a/b.py b/b.py
--- a/b.py
+++ b/b.py
@@ -6,4 +6,4 @@
 
 
 async def two():
-    return await get_manager()
+    return get_manager()
";

/// The change of a.py (`SRC`) as `--interactive` shows it.
fn a_change() -> String {
    format!(
        "a.py:5:15: remove `await` on `get_manager()`\n{}",
        src_diff("a.py")
    )
}

/// Three awaits to remove in two files.
fn review_tree() -> Tree {
    tree(&[
        (
            "pyproject.toml",
            "[tool.unawait]\nfunctions = [\"get_manager\"]\n",
        ),
        ("a.py", SRC),
        ("b.py", B),
    ])
}

#[test]
fn interactive_writes_only_accepted_changes() {
    let t = review_tree();
    // a.py: yes; b.py: no to the first, yes to the second.
    t.run_stdin(".", &["fix", "--interactive", "--backup"], b"y\nn\ny\n")
        .expect(
            0,
            format!("{}{PROMPT}{B_FIRST}{PROMPT}{B_SECOND}{PROMPT}", a_change()),
            &[
                "unawait: 1 change declined",
                "unawait: originals kept as FILE.orig beside the 2 changed files; to remove them: rm -- a.py.orig b.py.orig",
                "unawait: 2 files scanned (2 parsed); 2 files changed, 2 awaits fixed",
            ],
        );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("a.py.orig"), SRC);
    assert_eq!(
        t.text("b.py"),
        "from svc import get_manager\n\n\nasync def one():\n    return await get_manager()\n\n\nasync def two():\n    return get_manager()\n"
    );
    assert_eq!(t.text("b.py.orig"), B);
}

#[test]
fn interactive_all_and_quit() {
    // `a` accepts everything from there on, without asking again.
    let t = review_tree();
    t.run_stdin(".", &["fix", "-i"], b"a\n").expect(
        0,
        format!("{}{PROMPT}", a_change()),
        &["unawait: 2 files scanned (2 parsed); 2 files changed, 3 awaits fixed"],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("b.py"), B.replace("await ", ""));

    // An unknown answer asks again; `q` stops: the change asked about is declined, the
    // later ones are never asked about and their files are untouched.
    let t = review_tree();
    t.run_stdin(".", &["fix", "-i"], b"maybe\ny\nq\n").expect(
        0,
        format!(
            "{}{PROMPT}Please answer y, n, a or q.\n{PROMPT}{B_FIRST}{PROMPT}",
            a_change()
        ),
        &[
            "unawait: 1 change declined, 1 never asked (stopped with q)",
            "unawait: 2 files scanned (2 parsed); 1 file changed, 1 await fixed",
        ],
    );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("b.py"), B);

    // End of input is `q`: nothing written; b.py is still read and counted.
    let t = review_tree();
    t.run_stdin(".", &["fix", "-i"], b"").expect(
        0,
        format!("{}{PROMPT}\n", a_change()),
        &[
            "unawait: 1 change declined, 2 never asked (the input ended)",
            "unawait: 2 files scanned (2 parsed); 0 files changed, 0 awaits fixed",
        ],
    );
    assert_eq!(t.text("a.py"), SRC);
    assert_eq!(t.text("b.py"), B);
}

/// After `q`, the changes of the files not reached yet are counted as never asked,
/// besides the ones left in the current file; `--show-fixes` lists what was written.
#[test]
fn interactive_quit_says_how_many_changes_were_never_asked() {
    let t = review_tree();
    t.write("c.py", SRC);
    // a.py: yes; b.py: `q` at its first change; its second and c.py's are never asked.
    t.run_stdin(".", &["fix", "-i", "--show-fixes"], b"y\nq\n")
        .expect(
            0,
            format!("{}{PROMPT}{B_FIRST}{PROMPT}", a_change()),
            &[
                "unawait: 1 change declined, 2 never asked (stopped with q)",
                "unawait: fixed 1 await in a.py",
                "unawait: 3 files scanned (3 parsed); 1 file changed, 1 await fixed",
            ],
        );
    assert_eq!(t.text("a.py"), FIXED);
    assert_eq!(t.text("b.py"), B);
    assert_eq!(t.text("c.py"), SRC);
}

/// A notebook and a Markdown file reviewed with `--interactive` and every change
/// accepted end up exactly as plain `fix` leaves them (the same edits, through the same
/// read-back check).
#[test]
fn interactive_on_a_notebook_and_markdown_writes_what_fix_writes() {
    let notebook = r#"{
 "cells": [
  {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
   "source": ["from svc import get_manager\n", "m = await get_manager()\n"]},
  {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
   "source": "await get_manager()"}
 ],
 "metadata": {"kernelspec": {"language": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;
    let markdown = "# Use\n\n```python\nm = await get_manager()\n```\n\nText.\n\n```py\nawait get_manager()\n```\n";
    let files = [("nb.ipynb", notebook), ("guide.md", markdown)];
    let plain = tree(&files);
    plain
        .run(&["fix", "-q", "--docs", "-f", "get_manager", "."])
        .code(0);
    let reviewed = tree(&files);
    let args = ["fix", "-q", "--docs", "-i", "-f", "get_manager"];
    let r = reviewed.run_stdin(".", &args, b"y\ny\ny\ny\n");
    r.code(0);
    assert_eq!(r.out().matches(PROMPT).count(), 4, "{}", r.out());
    for (name, original) in files {
        assert_ne!(plain.text(name), original, "{name} is fixed");
        assert_eq!(reviewed.text(name), plain.text(name), "{name}");
    }
}
