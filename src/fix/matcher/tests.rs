//! The matcher's verdicts and findings, checked on small sources.

use std::collections::HashMap;

use super::*;
use crate::fix::kept::DefSite;
use crate::python::parse::parse;
use crate::python::walk::collect;

fn rules(functions: &[&str]) -> RuleSet {
    let f: Vec<String> = functions.iter().map(|s| s.to_string()).collect();
    RuleSet::new(&f, &[], &[]).unwrap()
}

/// The index of a project where `pkg/__init__.py` re-exports `get` and `fetch`
/// from `pkg.mod`, which defines `get` and `fetch` (sync) and `aget` (async);
/// `pkg.aget` re-exports `pkg.mod.aget`.
fn index() -> ProjectIndex {
    let def = |is_async| Entry::Def {
        is_async,
        at: DefSite::Module {
            path: "pkg/mod.py".into(),
            line: 1,
        },
        decorators: Vec::new(),
    };
    let mut index = ProjectIndex::default();
    index.merge(
        "pkg".into(),
        HashMap::from([
            ("get".into(), Entry::Alias("pkg.mod.get".into())),
            ("fetch".into(), Entry::Alias("pkg.mod.get".into())),
            ("aget".into(), Entry::Alias("pkg.mod.aget".into())),
        ]),
    );
    index.merge(
        "pkg.mod".into(),
        HashMap::from([("get".into(), def(false)), ("aget".into(), def(true))]),
    );
    index
}

/// Run `f` with a matcher over an empty file, for `rules` and `index`.
fn with_matcher(rules: &RuleSet, index: Option<&ProjectIndex>, f: impl FnOnce(&Matcher<'_, '_>)) {
    let tree = parse(b"");
    let facts = collect(&tree, b"");
    let lines = LineIndex::new(b"");
    let m = Matcher {
        rules,
        facts: &facts,
        text: b"",
        ctx: FileContext {
            module: None,
            index,
        },
        options: FixOptions::default(),
        lines: &lines,
        ignored_lines: Vec::new(),
        raises: RaisesBlocks::new(&[]),
    };
    f(&m);
}

fn name(v: &Verdict<'_>) -> String {
    match v {
        Verdict::Match(r) => format!("match {}", r.name()),
        Verdict::Async(at) => format!("async {at}"),
        Verdict::Decorated { decorator, at, .. } => format!("decorated @{decorator} {at}"),
        Verdict::No => "no".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn verdict_for_bare_and_qualified_rules() {
    let index = index();
    let cases: &[(&[&str], &str, Option<&str>, &str)] = &[
        // A name no rule ends with.
        (&["get"], "other", Some("m.other"), "no"),
        // A bare rule matches whatever the name resolves to.
        (&["get"], "get", None, "match get"),
        (&["get"], "get", Some("elsewhere.get"), "match get"),
        // A qualified rule needs the qualified name, directly or by re-export.
        (
            &["pkg.mod.get"],
            "get",
            Some("pkg.mod.get"),
            "match pkg.mod.get",
        ),
        (&["pkg.mod.get"], "get", Some("elsewhere.get"), "no"),
        (&["pkg.mod.get"], "get", None, "no"),
        (
            &["pkg.mod.get"],
            "get",
            Some("pkg.get"),
            "match pkg.mod.get",
        ),
        // Through a renamed re-export the call's name differs from the rule's.
        (
            &["pkg.mod.get"],
            "fetch",
            Some("pkg.fetch"),
            "match pkg.mod.get",
        ),
        // A rule written with the re-export's path matches the definition.
        (&["pkg.get"], "get", Some("pkg.mod.get"), "match pkg.get"),
        // The qualified rule wins over a bare one of the same name.
        (
            &["get", "pkg.mod.get"],
            "get",
            Some("pkg.get"),
            "match pkg.mod.get",
        ),
        // A chain that ends at an `async def` is never a match.
        (&["aget"], "aget", Some("pkg.aget"), "async pkg/mod.py:1"),
        (
            &["pkg.mod.aget"],
            "aget",
            Some("pkg.mod.aget"),
            "async pkg/mod.py:1",
        ),
    ];
    for (functions, last, qualified, want) in cases {
        let rs = rules(functions);
        with_matcher(&rs, Some(&index), |m| {
            let got = name(&m.verdict_for(last, *qualified));
            assert_eq!(got, *want, "rules {functions:?}, `{last}` as {qualified:?}");
        });
    }
}

/// Messages name the callee as written: the alias, the module attribute, or the
/// receiver of a method, not only the rule.
#[test]
fn callee_is_named_as_the_line_writes_it() {
    let src = "from a import get as g\nimport m\n\n\nasync def f(pool):\n    await g()\n    await m . get()\n    await (m.get)()\n    await self.pool.fetch()\n    await pool(1).fetch()\n    await pool(\"a long argument, longer than the limit\").fetch()\n    await pool(\n        2).fetch()\n";
    let tree = parse(src.as_bytes());
    let facts = collect(&tree, src.as_bytes());
    let lines = LineIndex::new(src.as_bytes());
    let rs = RuleSet::new(&["get".into()], &["fetch".into()], &[]).unwrap();
    let found = find(
        &facts,
        src.as_bytes(),
        &rs,
        FixOptions::default(),
        FileContext::default(),
        &lines,
    );
    let callees: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.callee.as_str(), f.function.as_str()))
        .collect();
    assert_eq!(
        callees,
        [
            ("g", "get"),
            ("m.get", "get"),
            ("m.get", "get"),
            ("self.pool.fetch", "fetch"),
            ("pool(1).fetch", "fetch"),
            ("….fetch", "fetch"),
            ("….fetch", "fetch"),
        ]
    );
    for f in &found {
        assert_eq!(
            &src[f.callee_name.clone()],
            f.callee.rsplit('.').next().unwrap()
        );
    }
}

#[test]
fn verdict_for_without_an_index_takes_the_name_as_it_is() {
    let rs = rules(&["pkg.mod.get"]);
    with_matcher(&rs, None, |m| {
        assert_eq!(
            name(&m.verdict_for("get", Some("pkg.mod.get"))),
            "match pkg.mod.get"
        );
        assert_eq!(name(&m.verdict_for("get", Some("pkg.get"))), "no");
    });
}

/// An unbound name and the file's star imports: a module of the tree brings only
/// what it exports; one from outside may bring anything.
#[test]
fn star_imports_bring_only_what_the_module_exports() {
    let mut index = ProjectIndex::default();
    for (module, source) in [
        (
            "hidden",
            "__all__ = ['shown']\ndef secret(): pass\ndef shown(): pass\n",
        ),
        ("open", "def f(): pass\ndef _f(): pass\n"),
        ("aio", "async def f(): pass\n"),
    ] {
        let names = ModuleNames::one(crate::python::modules::ModulePath {
            name: module.into(),
            is_package: false,
        });
        let entries = crate::fix::index::file_entries(&names, module, source.as_bytes());
        index.add(&names, entries);
    }
    let cases: &[(&str, &[&str], &str, &str)] = &[
        ("from hidden import *\n", &["hidden.secret"], "secret", "no"),
        (
            "from hidden import *\n",
            &["hidden.shown"],
            "shown",
            "match hidden.shown",
        ),
        // Not brought, the name is a builtin's, which a bare rule names.
        (
            "from hidden import *\n",
            &["secret"],
            "secret",
            "match secret",
        ),
        ("from open import *\n", &["open.f"], "f", "match open.f"),
        ("from open import *\n", &["open._f"], "_f", "no"),
        (
            "from hidden import *\nfrom open import *\n",
            &["open.f"],
            "f",
            "match open.f",
        ),
        ("from aio import *\n", &["f"], "f", "async aio:1"),
        (
            "from outside import *\n",
            &["outside.f"],
            "f",
            "match outside.f",
        ),
        ("from outside import *\n", &["f"], "f", "match f"),
    ];
    for (source, functions, called, want) in cases {
        let rs = rules(functions);
        let tree = parse(source.as_bytes());
        let facts = collect(&tree, source.as_bytes());
        let lines = LineIndex::new(source.as_bytes());
        let m = Matcher {
            rules: &rs,
            facts: &facts,
            text: source.as_bytes(),
            ctx: FileContext {
                module: None,
                index: Some(&index),
            },
            options: FixOptions::default(),
            lines: &lines,
            ignored_lines: Vec::new(),
            raises: RaisesBlocks::new(&[]),
        };
        let got = name(&m.judge_name(0, called));
        assert_eq!(got, *want, "{source:?} {functions:?} `{called}`");
    }
}

/// Another name of a rule's function matches by resolution only.
#[test]
fn renamed_reexports_match_by_resolution_not_by_name() {
    let build = || {
        let mut index = ProjectIndex::default();
        index.merge(
            "pkg".into(),
            HashMap::from([("alias".into(), Entry::Alias("pkg.mod.func".into()))]),
        );
        let def = Entry::Def {
            is_async: false,
            at: DefSite::Module {
                path: "pkg/mod.py".into(),
                line: 1,
            },
            decorators: Vec::new(),
        };
        index.merge("pkg.mod".into(), HashMap::from([("func".into(), def)]));
        index
    };
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        ("func", "alias", Some("pkg.alias"), "match func"),
        (
            "pkg.mod.func",
            "alias",
            Some("pkg.alias"),
            "match pkg.mod.func",
        ),
        ("alias", "func", Some("pkg.mod.func"), "match alias"),
        ("pkg.alias", "func", Some("pkg.mod.func"), "match pkg.alias"),
        // A function of its own that is merely called `alias`, or one unknown.
        ("func", "alias", Some("app.alias"), "no"),
        ("func", "alias", None, "no"),
        ("alias", "func", Some("elsewhere.func"), "no"),
    ];
    for (rule, last, qualified, want) in cases {
        let rs = rules(&[rule]);
        let mut index = build();
        index.widen(&rs);
        with_matcher(&rs, Some(&index), |m| {
            let got = name(&m.verdict_for(last, *qualified));
            assert_eq!(got, *want, "rule {rule}, `{last}` as {qualified:?}");
        });
    }
}
