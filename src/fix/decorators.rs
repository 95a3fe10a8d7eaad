//! Decorators and whether they keep a `def` synchronous.
//!
//! A decorator may turn a synchronous `def` into something awaitable
//! (`@sync_to_async`, `@database_sync_to_async`, a wrapper of the project's own), so a
//! call of a decorated `def` is kept and reported, unless every decorator is one known
//! not to do that ([`KNOWN_SYNC`]) or one the configuration lists (`sync-decorators`).
//! Decorators are named as written and, where the file's imports tell it, by their
//! qualified name; nothing here looks inside a decorator.

use crate::python::facts::{qualify, FileFacts};
use crate::python::modules::ModulePath;

/// A decorator of a `def`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decorator {
    /// As written: the dotted name that is called (`functools.lru_cache` for
    /// `@functools.lru_cache(maxsize=None)`), or the expression's text.
    pub written: String,
    /// The qualified name the file's imports give it (`functools.lru_cache` for
    /// `@lru_cache` after `from functools import lru_cache`), when they do.
    pub qualified: Option<String>,
}

/// Decorators that return a synchronous callable when given one: the standard
/// library's caches and wrappers, the descriptors, and the typing markers. A builtin
/// counts when the file does not bind its name.
pub const KNOWN_SYNC: &[&str] = &[
    "abc.abstractmethod",
    "classmethod",
    "contextlib.contextmanager",
    "functools.cache",
    "functools.cached_property",
    "functools.lru_cache",
    "functools.wraps",
    "property",
    "staticmethod",
    "typing.final",
    "typing.no_type_check",
    "typing.overload",
    "typing.override",
    "typing_extensions.deprecated",
    "typing_extensions.final",
    "typing_extensions.overload",
    "typing_extensions.override",
    "warnings.deprecated",
];

/// The decorators written `written` on a `def` whose decorators are evaluated in
/// `scope`, each qualified through the file's imports.
pub fn resolve(
    facts: &FileFacts<'_>,
    scope: usize,
    written: &[String],
    module: Option<&ModulePath>,
) -> Vec<Decorator> {
    written
        .iter()
        .map(|w| {
            let mut parts = w.split('.');
            let root = parts.next().unwrap_or(w);
            let parts: Vec<&str> = parts.collect();
            let dotted = std::iter::once(root)
                .chain(parts.iter().copied())
                .all(is_identifier);
            Decorator {
                written: w.clone(),
                qualified: dotted
                    .then(|| qualify(facts, scope, root, &parts, module))
                    .flatten(),
            }
        })
        .collect()
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Is `d` the decorator `known` names? Its qualified name, or, when the file does not
/// say where it comes from, its name as written.
fn is_known(d: &Decorator, known: &str) -> bool {
    match &d.qualified {
        Some(q) => q == known,
        None => d.written == known,
    }
}

/// Is `d` listed in `sync-decorators`? A dotted entry names it as written or by its
/// qualified name; a bare entry names every decorator whose last name it is, as a bare
/// rule does a function (`retry` for `@tenacity.retry(...)`).
fn is_configured(d: &Decorator, entry: &str) -> bool {
    let last = |s: &str| s.rsplit('.').next().unwrap_or("").to_string();
    let names = std::iter::once(d.written.as_str()).chain(d.qualified.as_deref());
    if entry.contains('.') {
        names.into_iter().any(|n| n == entry)
    } else {
        names.into_iter().any(|n| last(n) == entry)
    }
}

/// The first decorator that may make the `def` awaitable: neither known nor
/// configured to keep it synchronous.
pub fn first_unsafe<'d>(
    decorators: &'d [Decorator],
    configured: &[String],
) -> Option<&'d Decorator> {
    decorators.iter().find(|d| {
        !KNOWN_SYNC.iter().any(|k| is_known(d, k))
            && !configured.iter().any(|c| is_configured(d, c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::parse;
    use crate::python::walk::collect;

    fn resolved(src: &str, written: &[&str]) -> Vec<Decorator> {
        let tree = parse(src.as_bytes());
        let facts = collect(&tree, src.as_bytes());
        let module = ModulePath {
            name: "pkg.mod".into(),
            is_package: false,
        };
        let written: Vec<String> = written.iter().map(|s| s.to_string()).collect();
        resolve(&facts, 0, &written, Some(&module))
    }

    #[test]
    fn qualified_through_the_imports() {
        let src = "import functools as ft\nfrom functools import lru_cache\nfrom .deco import wrap\nfrom asgiref.sync import sync_to_async as s2a\ndef own(f): return f\n";
        let got: Vec<Option<String>> = resolved(
            src,
            &[
                "ft.cache",
                "lru_cache",
                "wrap",
                "s2a",
                "own",
                "staticmethod",
                "a[0]",
            ],
        )
        .into_iter()
        .map(|d| d.qualified)
        .collect();
        let want = [
            Some("functools.cache"),
            Some("functools.lru_cache"),
            Some("pkg.deco.wrap"),
            Some("asgiref.sync.sync_to_async"),
            Some("pkg.mod.own"),
            None,
            None,
        ];
        assert_eq!(got, want.map(|w| w.map(String::from)));
    }

    #[test]
    fn known_and_configured_decorators_are_safe() {
        let src = "import functools\nfrom functools import lru_cache\nfrom asgiref.sync import sync_to_async\nimport tenacity\nfrom .deco import mine\n";
        let unsafe_one = |written: &[&str], configured: &[&str]| {
            let ds = resolved(src, written);
            let configured: Vec<String> = configured.iter().map(|s| s.to_string()).collect();
            first_unsafe(&ds, &configured).map(|d| d.written.clone())
        };
        assert_eq!(
            unsafe_one(&["functools.lru_cache", "lru_cache", "staticmethod"], &[]),
            None
        );
        assert_eq!(unsafe_one(&["property", "functools.wraps"], &[]), None);
        assert_eq!(
            unsafe_one(&["lru_cache", "sync_to_async"], &[]),
            Some("sync_to_async".into())
        );
        // Not the standard library's, though written alike.
        assert_eq!(unsafe_one(&["mine"], &["lru_cache"]), Some("mine".into()));
        assert_eq!(
            unsafe_one(&["tenacity.retry"], &[]),
            Some("tenacity.retry".into())
        );
        assert_eq!(unsafe_one(&["tenacity.retry"], &["retry"]), None);
        assert_eq!(unsafe_one(&["tenacity.retry"], &["tenacity.retry"]), None);
        assert_eq!(unsafe_one(&["mine"], &["pkg.deco.mine"]), None);
        assert_eq!(unsafe_one(&["mine"], &["other.mine"]), Some("mine".into()));
        assert_eq!(
            unsafe_one(&["registry[0]"], &["registry"]),
            Some("registry[0]".into())
        );
    }
}
