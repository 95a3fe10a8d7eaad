//! The walk's facts, checked on small sources.

use super::*;
use crate::python::facts::ImportSite;
use crate::python::parse::parse;

fn with_facts(src: &str, f: impl FnOnce(&FileFacts<'_>)) {
    let tree = parse(src.as_bytes());
    let facts = collect(&tree, src.as_bytes());
    f(&facts);
}

/// The kinds of the `Other` bindings among `bindings`, `None` for any other binding.
fn kinds(bindings: Option<Vec<Binding>>) -> Option<Vec<Option<OtherKind>>> {
    bindings.map(|bs| {
        bs.iter()
            .map(|b| match b {
                Binding::Other { kind, .. } => Some(*kind),
                _ => None,
            })
            .collect()
    })
}

fn await_scope_binding(facts: &FileFacts<'_>, i: usize, name: &str) -> Option<Vec<Binding>> {
    let site = facts.awaits[i];
    facts.resolve(site.scope, name).map(|b| b.to_vec())
}

#[test]
fn parameters_and_assignments_shadow() {
    let src = "def f(): pass\nasync def a(f):\n    await f()\nasync def b():\n    f = 1\n    await f()\nasync def c():\n    await f()\n";
    with_facts(src, |facts| {
        assert_eq!(
            await_scope_binding(facts, 0, "f"),
            Some(vec![Binding::Other {
                kind: OtherKind::Parameter,
                at: src.find("(f)").unwrap() + 1
            }])
        );
        assert_eq!(
            await_scope_binding(facts, 1, "f"),
            Some(vec![Binding::Other {
                kind: OtherKind::Assignment,
                at: src.find("f = 1").unwrap()
            }])
        );
        assert_eq!(
            await_scope_binding(facts, 2, "f"),
            Some(vec![Binding::Def {
                is_async: false,
                at: 4,
                decorators: Vec::new(),
                fallback: false,
            }])
        );
    });
}

#[test]
fn class_body_does_not_enclose_methods() {
    let src = "class C:\n    f = 1\n    async def m(self):\n        await f()\n";
    with_facts(src, |facts| {
        assert_eq!(await_scope_binding(facts, 0, "f"), None)
    });
}

#[test]
fn comprehension_walrus_for_with_except_global() {
    let src =
        "async def a(xs):\n    [await f() for f in xs]\n    with o as f: pass\n    await f()\n\
               async def b():\n    global f\n    f = 2\n    await f()\n\
               async def c():\n    try: pass\n    except E as f: pass\n    await f()\n\
               async def d():\n    if (f := 1): pass\n    await f()\n\
               async def e():\n    for (x, f) in y: pass\n    await f()\n";
    with_facts(src, |facts| {
        let want = [
            OtherKind::LoopTarget,
            OtherKind::WithTarget,
            OtherKind::Assignment,
            OtherKind::ExceptTarget,
            OtherKind::Walrus,
            OtherKind::LoopTarget,
        ];
        for (i, kind) in want.into_iter().enumerate() {
            assert_eq!(
                kinds(await_scope_binding(facts, i, "f")),
                Some(vec![Some(kind)]),
                "await {i}"
            );
        }
        // `global f` sends both the assignment and the lookup to the module.
        assert_eq!(
            kinds(Some(facts.scopes[0].bindings["f"].clone())),
            Some(vec![Some(OtherKind::Assignment)])
        );
    });
}

#[test]
fn imports_bind_modules_and_names() {
    let src = "import a.b\nimport c.d as e\nfrom .m import g as h, k\nfrom x import *\n";
    with_facts(src, |facts| {
        let b = &facts.scopes[0].bindings;
        assert_eq!(b["a"], vec![Binding::Module { module: "a".into() }]);
        assert_eq!(
            b["e"],
            vec![Binding::Module {
                module: "c.d".into()
            }]
        );
        assert_eq!(
            b["h"],
            vec![Binding::From {
                module: ".m".into(),
                name: "g".into(),
                site: ImportSite {
                    stmt: 27..51,
                    item: 42..48,
                    last_item: 50..51,
                    parenthesized: false,
                },
            }]
        );
        assert_eq!(
            b["k"],
            vec![Binding::From {
                module: ".m".into(),
                name: "k".into(),
                site: ImportSite {
                    stmt: 27..51,
                    item: 50..51,
                    last_item: 50..51,
                    parenthesized: false,
                },
            }]
        );
        assert_eq!(facts.star_imports, vec!["x".to_string()]);
    });
}

#[test]
fn raises_blocks_and_comments() {
    let src = "# unawait: skip-file\nasync def t(self):\n    with pytest.raises((ValueError, TypeError), match='x'):\n        await f()\n    with self.assertRaises(ValueError):\n        await f()  # unawait: ignore\n";
    with_facts(src, |facts| {
        assert_eq!(facts.raises_blocks.len(), 1);
        assert_eq!(facts.ignore_comments.len(), 1);
        assert_eq!(facts.skip_file, Some(0));
    });
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 5000;
    let src = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    with_facts(&src, |facts| assert_eq!(facts.awaits.len(), 0));
}

/// What `get` is, for each await of `src` in order: `def` (the module's sync def),
/// `other` (another binding), `-` (not bound in the file).
fn gets(src: &str) -> Vec<&'static str> {
    let tree = parse(src.as_bytes());
    let facts = collect(&tree, src.as_bytes());
    facts
        .awaits
        .iter()
        .map(|site| match facts.resolve(site.scope, "get") {
            Some([Binding::Def { .. }]) => "def",
            Some(_) => "other",
            None => "-",
        })
        .collect()
}

/// Checked against CPython 3.13's `symtable` and by running the code: defaults,
/// decorators, annotations and a class's bases are evaluated where the definition
/// is, a comprehension's first iterable outside the comprehension; the parameters,
/// the class body's names and the comprehension's variables are not seen there.
#[test]
fn where_python_evaluates_defaults_decorators_annotations_bases_iterables() {
    let src = "def get(): pass\n\
               async def main(xs):\n\
               \x20   def a(get=None, x=await get()): await get()\n\
               \x20   @deco(await get())\n\
               \x20   def b(get): pass\n\
               \x20   def c(get: (await get())) -> (await get()): pass\n\
               \x20   lambda get=1, y=await get(): get\n\
               \x20   class K(Base(await get())):\n\
               \x20       get = 1\n\
               \x20   [get for get in await get()]\n\
               \x20   [y for get in xs for y in await get()]\n\
               \x20   {k: await get() for get in xs}\n\
               \x20   [await get() for x in xs]\n\
               \x20   [x for x in [await get() for get in xs]]\n";
    assert_eq!(
        gets(src),
        [
            "def", "other", // default; body
            "def",   // decorator
            "def", "def", // annotation, return annotation
            "def", // lambda default
            "def", // base
            "def", // first iterable
            "other", "other", // later iterable, element
            "def",   // element, not shadowed
            "other", // inner comprehension's element
        ]
    );
}

/// A default value's walrus binds where the `def` is; a lambda that is a default value
/// is a scope of its own, inside the enclosing one.
#[test]
fn nodes_evaluated_elsewhere_keep_their_own_scopes() {
    let src = "def get(): pass\n\
               async def main():\n\
               \x20   def a(x=(get := 1)): pass\n\
               \x20   await get()\n\
               async def other(f=lambda get: get):\n\
               \x20   await get()\n";
    assert_eq!(gets(src), ["other", "def"]);
}

/// PEP 695: type parameters have their own scope, seen from the body (and from a
/// class's methods), not from where the definition is; `type X[T]` binds only `X`.
#[test]
fn type_parameters_have_their_own_scope() {
    let src = "def get(): pass\n\
               async def f[get]():\n\
               \x20   await get()\n\
               class C[get]:\n\
               \x20   async def m(self):\n\
               \x20       await get()\n\
               type Alias[get] = list[get]\n\
               async def after():\n\
               \x20   await get()\n";
    assert_eq!(gets(src), ["other", "other", "def"]);
    let tree = parse(src.as_bytes());
    let facts = collect(&tree, src.as_bytes());
    let module = &facts.scopes[0].bindings;
    assert!(module.contains_key("Alias"));
    assert_eq!(module["get"].len(), 1, "{:?}", module["get"]);
    let kinds: Vec<ScopeKind> = facts.scopes.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ScopeKind::TypeParams)
            .count(),
        3,
        "{kinds:?}"
    );
}

/// The `try: import / except ImportError:` idiom: what the handler binds in the
/// imported name's place is a stand-in or a fallback `def`; elsewhere it is not.
#[test]
fn fallbacks_for_a_failed_import() {
    let src = "try:\n    from a import get, load, fetch, make, mock, keep\n\
               except (ImportError, ModuleNotFoundError):\n\
               \x20   get = None\n\
               \x20   load = MagicMock\n\
               \x20   mock = AsyncMock()\n\
               \x20   keep = something_else\n\
               \x20   def fetch(): pass\n\
               \x20   make = lambda: None\n\
               \x20   other = None\n\
               try:\n    import b\nexcept ValueError:\n    b = None\n\
               try:\n    pass\nexcept ImportError:\n    c = None\n\
               d = None\n\
               async def f():\n\
               \x20   try:\n        from a import e\n    except ImportError:\n        e = None\n";
    let tree = parse(src.as_bytes());
    let facts = collect(&tree, src.as_bytes());
    let module = &facts.scopes[0].bindings;
    let second = |name: &str| module[name].get(1).cloned();
    assert!(matches!(
        second("get"),
        Some(Binding::StandIn {
            awaitable: false,
            ..
        })
    ));
    assert!(matches!(
        second("load"),
        Some(Binding::StandIn {
            awaitable: false,
            ..
        })
    ));
    assert!(matches!(
        second("make"),
        Some(Binding::StandIn {
            awaitable: false,
            ..
        })
    ));
    assert!(matches!(
        second("mock"),
        Some(Binding::StandIn {
            awaitable: true,
            ..
        })
    ));
    assert!(matches!(
        second("fetch"),
        Some(Binding::Def { fallback: true, .. })
    ));
    assert_eq!(
        kinds(second("keep").map(|b| vec![b])),
        Some(vec![Some(OtherKind::Assignment)])
    );
    for name in ["other", "b", "c", "d"] {
        assert!(
            module[name]
                .iter()
                .all(|b| !matches!(b, Binding::StandIn { .. })),
            "{name}: {:?}",
            module[name]
        );
    }
    let local = &facts.scopes.last().unwrap().bindings["e"];
    assert!(
        matches!(
            local[1],
            Binding::StandIn {
                awaitable: false,
                ..
            }
        ),
        "{local:?}"
    );
}

/// `if TYPE_CHECKING:` imports bind the name, as Python's compiler sees it.
#[test]
fn type_checking_imports_bind() {
    let src = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from a import get\nasync def f():\n    await get()\n";
    with_facts(src, |facts| {
        assert!(matches!(
            await_scope_binding(facts, 0, "get").as_deref(),
            Some([Binding::From { .. }])
        ))
    });
}

#[test]
fn decorators_are_recorded_on_the_def() {
    let src = "@functools.lru_cache(maxsize=None)\n@sync_to_async\ndef get(): pass\n";
    with_facts(src, |facts| {
        let Binding::Def { decorators, .. } = &facts.scopes[0].bindings["get"][0] else {
            panic!("{:?}", facts.scopes[0].bindings["get"]);
        };
        assert_eq!(decorators, &["functools.lru_cache", "sync_to_async"]);
    });
}

/// `__all__` is read from literals only, whichever of the ways a module builds it.
#[test]
fn dunder_all_is_read_from_literals() {
    use crate::python::facts::DunderAll;
    let listed = |names: &[&str]| DunderAll::Listed(names.iter().map(|s| s.to_string()).collect());
    let cases: &[(&str, DunderAll)] = &[
        ("def f(): pass\n", DunderAll::Absent),
        ("__all__ = ['f', \"g\"]\n", listed(&["f", "g"])),
        ("__all__ = ('f',)\n__all__ += ['g']\n", listed(&["f", "g"])),
        ("__all__: list[str] = ['f']\n", listed(&["f"])),
        ("__all__ = ['f'] + ['g']\n", listed(&["f", "g"])),
        (
            "__all__ = []\n__all__.extend(('f', 'g'))\n__all__.append('h')\n",
            listed(&["f", "g", "h"]),
        ),
        ("__all__ = ['f']\n__all__.remove('f')\n", listed(&["f"])),
        (
            "if X:\n    __all__ = ['f']\nelse:\n    __all__ = ['g']\n",
            listed(&["f", "g"]),
        ),
        ("__all__ = a.__all__ + ['f']\n", DunderAll::Unreadable),
        ("__all__ = ['f']\n__all__ += other\n", DunderAll::Unreadable),
        ("__all__ = [f'{x}']\n", DunderAll::Unreadable),
        (
            "__all__ = ['f']\n__all__.insert(0, 'g')\n",
            DunderAll::Unreadable,
        ),
        // Inside a function it is a local, not the module's.
        ("def setup():\n    __all__ = ['f']\n", DunderAll::Absent),
        ("x.__all__ = ['f']\n", DunderAll::Absent),
    ];
    for (src, want) in cases {
        with_facts(src, |facts| assert_eq!(&facts.dunder_all, want, "{src}"));
    }
    // The name is still bound, as an assignment.
    with_facts("__all__ = ['f']\n", |facts| {
        assert_eq!(
            kinds(facts.scopes[0].bindings.get("__all__").cloned()),
            Some(vec![Some(OtherKind::Assignment)])
        );
    });
}
