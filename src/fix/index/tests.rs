//! The index's lookups, checked on small projects.

use std::path::Path;

use super::*;

fn m(name: &str, is_package: bool) -> ModuleNames {
    ModuleNames::one(ModulePath {
        name: name.into(),
        is_package,
    })
}

#[test]
fn def_detection_by_bytes() {
    let f = IndexFilter::new(&["get".into()]);
    assert!(f.wants(Path::new("a.py"), b"def get():\n"));
    assert!(f.wants(Path::new("a.py"), b"async def  get():\n"));
    assert!(!f.wants(Path::new("a.py"), b"x = get()\nundef get\n"));
    assert!(!f.wants(Path::new("a.py"), b"fundef get"));
    assert!(f.wants(Path::new("pkg/__init__.py"), b"from .m import get\n"));
    // Whole names only.
    assert!(!f.wants(Path::new("a.py"), b"def get_thing():\n"));
    assert!(!f.wants(Path::new("a.py"), b"def forget():\n"));
    assert!(!f.wants(Path::new("pkg/__init__.py"), b"target = budget\n"));
    assert!(f.wants(Path::new("pkg/__init__.py"), b"__all__ = [\"get\"]"));
    assert!(f.wants(
        Path::new("pkg/__init__.py"),
        b"from .m import (\n    get,\n)\n"
    ));
    assert!(f.wants(Path::new("pkg/__init__.py"), b"def get():\n"));
    assert!(f.wants(Path::new("pkg/__init__.py"), b"get = _impl.other\n"));
    // Uses are not bindings.
    assert!(!f.wants(
        Path::new("pkg/__init__.py"),
        b"x = data.get (1)\ny = get(2)\n"
    ));
    assert!(!f.wants(Path::new("pkg/__init__.py"), b"z = get.cache_clear\n"));
    // Overlapping needles: the longer one is still seen.
    let f = IndexFilter::new(&["get".into(), "get_thing".into()]);
    assert!(f.wants(Path::new("a.py"), b"def get_thing():\n"));
}

#[test]
fn follows_reexports_to_the_definition() {
    let mut idx = ProjectIndex::default();
    let init = file_entries(
        &m("pkg", true),
        "pkg/__init__.py",
        b"from .impl import get\nfrom .impl import other as get2\n",
    );
    let imp = file_entries(
        &m("pkg.impl", false),
        "pkg/impl.py",
        b"def get():\n    pass\n\nasync def other():\n    pass\n",
    );
    idx.merge("pkg".into(), init);
    idx.merge("pkg.impl".into(), imp);
    let (names, def) = idx.chain("pkg.get");
    assert_eq!(
        names,
        vec!["pkg.get".to_string(), "pkg.impl.get".to_string()]
    );
    assert_eq!(
        def,
        Some(&Entry::Def {
            is_async: false,
            at: DefSite::Module {
                path: "pkg/impl.py".into(),
                line: 1
            },
            decorators: Vec::new(),
        })
    );
    let (_, def) = idx.chain("pkg.get2");
    assert!(matches!(def, Some(Entry::Def { is_async: true, .. })));
    assert_eq!(idx.canonical("pkg.get"), "pkg.impl.get");
    assert_eq!(idx.canonical("elsewhere.get"), "elsewhere.get");
}

/// Several module-level bindings: an `async def` among them wins, a fallback for a
/// failed import never does, and decorators are named as the module imports them.
#[test]
fn async_defs_win_fallbacks_do_not_count_and_decorators_resolve() {
    let entries = file_entries(
        &m("pkg.impl", false),
        "pkg/impl.py",
        b"from asgiref.sync import sync_to_async as s2a\n\
          if X:\n    async def get(): pass\nelse:\n    def get(): pass\n\
          try:\n    from .fast import fetch\nexcept ImportError:\n    def fetch(): pass\n\
          try:\n    from .fast import load\nexcept ImportError:\n    load = None\n\
          @s2a\ndef wrapped(): pass\n",
    );
    let get = &entries["get"];
    assert!(
        matches!(
            get,
            Entry::Def {
                is_async: true,
                at: DefSite::Module { line: 3, .. },
                ..
            }
        ),
        "{get:?}"
    );
    assert_eq!(entries["fetch"], Entry::Alias("pkg.fast.fetch".into()));
    assert_eq!(entries["load"], Entry::Alias("pkg.fast.load".into()));
    let Entry::Def { decorators, .. } = &entries["wrapped"] else {
        panic!("{:?}", entries["wrapped"]);
    };
    assert_eq!(
        decorators,
        &[Decorator {
            written: "s2a".into(),
            qualified: Some("asgiref.sync.sync_to_async".into()),
        }]
    );
}

#[test]
fn chains_that_loop_stop() {
    let mut idx = ProjectIndex::default();
    idx.merge(
        "a".into(),
        HashMap::from([("f".to_string(), Entry::Alias("b.f".into()))]),
    );
    idx.merge(
        "b".into(),
        HashMap::from([("f".to_string(), Entry::Alias("a.f".into()))]),
    );
    let (names, def) = idx.chain("a.f");
    assert_eq!(names.len(), 2);
    assert_eq!(def, None);
}

fn def_at(path: &str, is_async: bool) -> HashMap<String, Entry> {
    HashMap::from([(
        "get".to_string(),
        Entry::Def {
            is_async,
            at: DefSite::Module {
                path: path.into(),
                line: 1,
            },
            decorators: Vec::new(),
        },
    )])
}

fn names(primary: &str, others: &[&str]) -> ModuleNames {
    ModuleNames {
        primary: ModulePath {
            name: primary.into(),
            is_package: false,
        },
        others: others.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn a_module_is_found_under_each_of_its_names() {
    let mut idx = ProjectIndex::default();
    idx.add(
        &names("helpers.fakes", &["tests.helpers.fakes"]),
        def_at("tests/helpers/fakes.py", true),
    );
    // A file indexed for its names only: a re-export through a module the byte
    // filter passed over is still known under both names.
    idx.add(&names("pkg.api", &["ns.pkg.api"]), HashMap::new());
    for q in ["helpers.fakes.get", "tests.helpers.fakes.get"] {
        let (_, def) = idx.chain(q);
        assert!(
            matches!(def, Some(Entry::Def { is_async: true, .. })),
            "{q}"
        );
        assert_eq!(idx.canonical(q), "helpers.fakes.get", "{q}");
    }
    assert_eq!(idx.chain("ns.pkg.api.get").1, None);
    assert!(idx.same("ns.pkg.api.get", "pkg.api.get"));
    assert!(!idx.same("ns.pkg.api.get", "pkg.api.other"));
    // A class's method below a module: the module is still found by either name.
    assert!(idx.same("ns.pkg.api.Client.get", "pkg.api.Client.get"));
    assert!(idx.same("elsewhere.get", "elsewhere.get"));
    assert!(!idx.same("elsewhere.get", "pkg.api.get"));
}

/// Between two sync `def`s of one name, the decorated one is what the matcher
/// sees: its decorator may make it awaitable.
#[test]
fn a_name_two_files_share_is_decorated_when_either_is() {
    for decorated_first in [true, false] {
        let mut idx = ProjectIndex::default();
        let plain = def_at("a/helpers.py", false);
        let mut decorated = def_at("b/helpers.py", false);
        if let Some(Entry::Def { decorators, .. }) = decorated.get_mut("get") {
            decorators.push(Decorator {
                written: "sync_to_async".into(),
                qualified: Some("asgiref.sync.sync_to_async".into()),
            });
        }
        let (first, second) = if decorated_first {
            (decorated, plain)
        } else {
            (plain, decorated)
        };
        idx.add(&names("helpers", &[]), first);
        idx.add(&names("helpers", &[]), second);
        let (_, def) = idx.chain("helpers.get");
        assert!(
            matches!(def, Some(Entry::Def { decorators, .. }) if decorators.len() == 1),
            "{def:?}"
        );
    }
}

#[test]
fn a_name_two_files_share_is_async_when_either_is() {
    for order in [[false, true], [true, false]] {
        let mut idx = ProjectIndex::default();
        idx.add(
            &names("helpers.fakes", &["svc_a.tests.helpers.fakes"]),
            def_at("svc_a/tests/helpers/fakes.py", order[0]),
        );
        idx.add(
            &names("helpers.fakes", &["svc_b.tests.helpers.fakes"]),
            def_at("svc_b/tests/helpers/fakes.py", order[1]),
        );
        let (_, def) = idx.chain("helpers.fakes.get");
        assert!(
            matches!(def, Some(Entry::Def { is_async: true, .. })),
            "{order:?}"
        );
        // Each file's own longer name reaches only that file.
        let (_, def) = idx.chain("svc_a.tests.helpers.fakes.get");
        assert!(
            matches!(def, Some(Entry::Def { is_async, .. }) if *is_async == order[0]),
            "{order:?}"
        );
        assert!(!idx.same(
            "svc_a.tests.helpers.fakes.get",
            "svc_b.tests.helpers.fakes.get"
        ));
        assert!(idx.same("svc_a.tests.helpers.fakes.get", "helpers.fakes.get"));
    }
}

/// An index of `files` (module, is it a package, source), each parsed.
fn parsed(files: &[(&str, bool, &str)]) -> ProjectIndex {
    let mut idx = ProjectIndex::default();
    for (module, is_package, source) in files {
        let names = m(module, *is_package);
        let display = format!("{}.py", module.replace('.', "/"));
        idx.add(&names, file_entries(&names, &display, source.as_bytes()));
    }
    idx
}

#[test]
fn star_imports_of_packages_are_followed_to_what_they_export() {
    let idx = parsed(&[
        ("pkg", true, "from .mod import *\nfrom .hidden import *\n"),
        ("pkg.mod", false, "def f(): pass\ndef _private(): pass\n"),
        (
            "pkg.hidden",
            false,
            "__all__ = ['shown']\nasync def secret(): pass\ndef shown(): pass\n",
        ),
        ("outer", true, "from pkg import *\n"),
    ]);
    assert_eq!(idx.canonical("pkg.f"), "pkg.mod.f");
    // Two stars deep.
    assert_eq!(idx.canonical("outer.f"), "pkg.mod.f");
    assert_eq!(idx.canonical("outer.shown"), "pkg.hidden.shown");
    assert!(idx.same("outer.f", "pkg.mod.f"));
    assert!(idx.same("pkg.mod.f", "pkg.f"));
    // Not exported: private, or left out of `__all__`.
    assert_eq!(idx.chain("pkg._private").1, None);
    assert_eq!(idx.chain("pkg.secret").1, None);
    assert!(!idx.same("pkg.secret", "pkg.hidden.secret"));
    assert_eq!(idx.brings("pkg.hidden", "secret"), Some(false));
    assert_eq!(idx.brings("pkg.hidden", "shown"), Some(true));
    assert_eq!(idx.brings("pkg.mod", "_private"), Some(false));
    assert_eq!(idx.brings("pkg.mod", "anything"), Some(true));
    assert_eq!(idx.brings("elsewhere", "f"), None);
    // A name the package binds itself is its own, not the star's.
    assert_eq!(idx.knows("pkg.f"), Known::Defined);
}

#[test]
fn an_async_def_behind_a_star_is_seen() {
    let idx = parsed(&[
        ("pkg", true, "from .mod import *\n"),
        ("pkg.mod", false, "async def f(): pass\n"),
    ]);
    assert!(matches!(
        idx.chain("pkg.f").1,
        Some(Entry::Def { is_async: true, .. })
    ));
}

/// A file the index did not parse may bring any name: the index knows nothing of
/// its `__all__`.
#[test]
fn an_unparsed_module_may_bring_anything() {
    let mut idx = ProjectIndex::default();
    idx.add(&m("plain", false), HashMap::new());
    assert_eq!(idx.brings("plain", "_private"), Some(true));
}

#[test]
fn package_star_imports_are_indexed() {
    let f = IndexFilter::new(&["get".into()]);
    assert!(f.wants(Path::new("pkg/__init__.py"), b"from .m import *\n"));
    assert!(f.wants(Path::new("pkg/__init__.py"), b"from .m import\t*\n"));
    assert!(!f.wants(Path::new("pkg/mod.py"), b"from .m import *\n"));
    assert!(!f.wants(Path::new("pkg/__init__.py"), b"from .m import x\n"));
}

#[test]
fn other_names_of_a_renamed_reexport_go_both_ways() {
    use crate::fix::rules::RuleSet;
    let mut idx = parsed(&[
        (
            "pkg",
            true,
            "from .sub import alias as alias2\nfrom .sub import alias\n",
        ),
        ("pkg.sub", true, "from .mod import func as alias\n"),
        ("pkg.sub.mod", false, "def func(): pass\n"),
        ("other", false, "def alias(): pass\n"),
    ]);
    let lasts = |rule: &str| {
        let rules = RuleSet::new(&[rule.to_string()], &[], &[]).unwrap();
        let rule = rules.iter().next().unwrap().clone();
        let mut out: Vec<String> = idx.other_names(&rule).into_iter().map(|r| r.last).collect();
        out.sort();
        out.dedup();
        out
    };
    assert_eq!(lasts("func"), ["alias", "alias2"]);
    assert_eq!(lasts("pkg.sub.mod.func"), ["alias", "alias2"]);
    assert_eq!(lasts("alias"), ["alias2", "func"]);
    assert_eq!(lasts("pkg.alias2"), ["alias", "func"]);
    assert!(lasts("unrelated").is_empty());
    // Widening records them once, and says which names are new.
    let rules = RuleSet::new(&["func".to_string()], &[], &[]).unwrap();
    assert_eq!(idx.widen(&rules), ["alias", "alias2"]);
    assert!(idx.widen(&rules).is_empty());
    assert!(idx.renamed("alias").iter().all(|r| r.rule == "func"));
    assert!(idx.same("pkg.alias2", &idx.renamed("alias2")[0].via));
    assert!(!idx.same("other.alias", &idx.renamed("alias")[0].via));
}

/// A file first added for its names only, parsed later: its entries take the empty
/// record's place (no second file of that name that may bring anything).
#[test]
fn a_file_parsed_later_fills_its_empty_record() {
    let mut idx = ProjectIndex::default();
    idx.add(&m("lib", false), HashMap::new());
    assert_eq!(idx.brings("lib", "secret"), Some(true));
    idx.fill(
        &m("lib", false),
        file_entries(
            &m("lib", false),
            "lib.py",
            b"__all__ = ['f']\ndef f(): pass\n",
        ),
    );
    assert_eq!(idx.brings("lib", "secret"), Some(false));
    assert_eq!(idx.canonical("lib.f"), "lib.f");
    assert!(idx.chain("lib.f").1.is_some());
    // Nothing to fill: added.
    idx.fill(
        &m("new", false),
        file_entries(&m("new", false), "new.py", b"def g(): pass\n"),
    );
    assert!(idx.chain("new.g").1.is_some());
}

#[test]
fn method_rules_want_only_their_async_defs() {
    let f = IndexFilter::new(&[]).with_async_methods(&["fetch".into()]);
    assert!(f.wants(
        Path::new("a.py"),
        b"class C:\n    async  def fetch(self):\n"
    ));
    assert!(f.wants(Path::new("a.py"), b"async\tdef fetch(): pass\n"));
    assert!(!f.wants(Path::new("a.py"), b"class C:\n    def fetch(self):\n"));
    assert!(!f.wants(Path::new("a.py"), b"notasync def fetch(): pass\n"));
    assert!(!f.wants(Path::new("a.py"), b"asyncdef fetch(): pass\n"));
    assert!(!f.wants(Path::new("a.py"), b"async def fetch_all(): pass\n"));
    assert!(!f.wants(Path::new("pkg/__init__.py"), b"from .m import fetch\n"));
}

#[test]
fn a_class_reexported_by_a_package_leads_to_its_methods() {
    let mut idx = ProjectIndex::default();
    idx.merge(
        "pkg".into(),
        file_entries(
            &m("pkg", true),
            "pkg/__init__.py",
            b"from .factory import Factory\n",
        ),
    );
    idx.merge(
        "pkg.factory".into(),
        file_entries(
            &m("pkg.factory", false),
            "pkg/factory.py",
            b"class Factory:\n    async def get(self):\n        pass\n\n\nhandle = object()\n",
        ),
    );
    let (names, def) = idx.chain("pkg.Factory.get");
    assert_eq!(names, ["pkg.Factory.get", "pkg.factory.Factory.get"]);
    assert!(matches!(def, Some(Entry::Method { is_async: true, .. })));
    // An attribute of a class or an object of a module is owned by it; a module's
    // own name is not.
    assert_eq!(
        idx.owner("pkg.factory.Factory.other"),
        Some(("pkg.factory.Factory".to_string(), true))
    );
    assert_eq!(
        idx.owner("pkg.factory.handle.get"),
        Some(("pkg.factory.handle".to_string(), false))
    );
    assert_eq!(idx.owner("pkg.factory.get"), None);
    assert_eq!(idx.owner("requests.Session.get"), None);
    // The classes a rule decides on, once each.
    assert_eq!(idx.widen_classes(&[], &["get".into()]), ["Factory"]);
    assert!(idx.widen_classes(&["get".into()], &[]).is_empty());
    assert!(idx.widen_classes(&[], &["close".into()]).is_empty());
}

#[test]
fn a_package_init_that_reexports_a_wanted_class_is_read() {
    let init = Path::new("pkg/__init__.py");
    let f = IndexFilter::new(&["get_client".into()]);
    assert!(!f.wants(init, b"from .factory import Factory\n"));
    let f = f.with_classes(&["Factory".into()]);
    assert!(f.wants(init, b"from .factory import Factory\n"));
    assert!(!f.wants(init, b"x = Factory()\n"));
    assert!(!f.wants(Path::new("pkg/mod.py"), b"from .factory import Factory\n"));
}
