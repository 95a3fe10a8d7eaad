//! `unawait suggest`: which synchronous functions a project awaits, most awaited first,
//! as text ready to paste into pyproject.toml and as JSON.

use crate::common::tree;

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

#[test]
fn suggest_text_lists_most_awaited_first_with_snippet() {
    let t = tree(SUGGEST_TREE);
    let text = "awaits  files  confidence  function  (defined at)\n\
         \x20    3      2  high        app.core.get_manager  (app/core.py:4)\n\
         \x20    1      1  review      app.core.Client.fetch  (app/core.py:22) [method]\n\
         \x20    1      1  review      app.core.cached  (app/core.py:9) [decorated]\n\
         \x20    1      1  review      app.core.make_task  (app/core.py:13) [returns a call]\n\
         \n# Paste into pyproject.toml (high confidence only; check `review` ones by hand):\n\
         [tool.unawait]\nfunctions = [\n    \"app.core.get_manager\",\n]\n";
    t.run(&["suggest", "-q"]).expect(0, text, &[]);
    t.run(&["suggest"]).expect(
        0,
        text,
        &["unawait: 4 files scanned; 4 awaited synchronous functions (1 high confidence)"],
    );
}

#[test]
fn suggest_json_has_the_documented_fields() {
    let r = tree(SUGGEST_TREE).run(&["suggest", "-q", "--output-format", "json"]);
    r.code(0);
    assert_eq!(r.stderr, "");
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let first = &v[0];
    assert_eq!(first["function"], "app.core.get_manager");
    assert_eq!(first["defined_at"], "app/core.py:4");
    assert_eq!(first["awaits"], 3);
    assert_eq!(first["files"], 2);
    assert_eq!(first["confidence"], "high");
    assert_eq!(v.as_array().unwrap().len(), 4);
}
