//! What a name means at a given point of one Python file: the facts that
//! [`walk::collect`](crate::python::walk::collect) records, and name lookup through
//! nested scopes as Python does it. Nothing here decides what to change; the matcher
//! does that.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::python::modules::{absolute_import, ModulePath};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
    Comprehension,
    /// The type parameters of a generic `def`, `class` or `type` statement (PEP 695):
    /// a scope of its own between the definition and its body, seen from the body and
    /// from functions nested in it.
    TypeParams,
}

/// How a name got its value in a scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// `def name` / `async def name`, with the byte offset of the name, its decorators
    /// as written (the called name for `@d(...)`), and whether it is the fallback of an
    /// `except ImportError:` handler whose `try` imports the name.
    Def {
        is_async: bool,
        at: usize,
        decorators: Vec<String>,
        fallback: bool,
    },
    /// `import a.b` binds `a` to module `a`; `import a.b as m` binds `m` to `a.b`.
    Module { module: String },
    /// `from module import name [as alias]`; `module` keeps its leading dots. `site`
    /// is where the statement and this name's item are, for edits to the import.
    From {
        module: String,
        name: String,
        site: ImportSite,
    },
    /// A stand-in that an `except ImportError:` handler binds when the `try` that
    /// imports the name fails: `None`, a mock (`MagicMock`, `Mock()`) or a lambda
    /// (`awaitable: false`), or an `AsyncMock`, whose calls return coroutines
    /// (`awaitable: true`). `at` is where the name is bound.
    StandIn { awaitable: bool, at: usize },
    /// Anything else: a parameter, an assignment, a loop or `with` target, a class…;
    /// what it is, and the byte offset of the name.
    Other { kind: OtherKind, at: usize },
}

/// What kind of binding a [`Binding::Other`] is, for messages ("a parameter, line 3").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherKind {
    Parameter,
    /// `x = …`, `x += …`, `a, x = …`.
    Assignment,
    /// `x = importlib.import_module(…)` / `__import__(…)`: a module chosen at run time.
    DynamicImport,
    /// `for x in …`, in a statement or a comprehension.
    LoopTarget,
    /// `with … as x`.
    WithTarget,
    /// `except … as x`.
    ExceptTarget,
    /// `(x := …)`.
    Walrus,
    /// A capture in a `match` statement's `case`.
    MatchCapture,
    Class,
    /// A PEP 695 type parameter (`def f[T]`).
    TypeParameter,
    /// `type X = …`.
    TypeAlias,
}

impl OtherKind {
    /// What it is, with an article: "a parameter".
    pub fn describe(self) -> &'static str {
        match self {
            OtherKind::Parameter => "a parameter",
            OtherKind::Assignment => "an assignment",
            OtherKind::DynamicImport => "a module imported at run time",
            OtherKind::LoopTarget => "a `for` target",
            OtherKind::WithTarget => "a `with … as` target",
            OtherKind::ExceptTarget => "an `except … as` target",
            OtherKind::Walrus => "an assignment expression (`:=`)",
            OtherKind::MatchCapture => "a `case` capture",
            OtherKind::Class => "a class",
            OtherKind::TypeParameter => "a type parameter",
            OtherKind::TypeAlias => "a `type` alias",
        }
    }
}

/// Where a `from ... import` statement and one of its items are in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSite {
    pub stmt: Range<usize>,
    /// `name` or `name as alias`.
    pub item: Range<usize>,
    /// The statement's last item, where a new name goes.
    pub last_item: Range<usize>,
    /// `from m import (a, b)`.
    pub parenthesized: bool,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    /// The bytes of the node that opened it (the whole file for the module).
    pub range: Range<usize>,
    pub parent: Option<usize>,
    pub bindings: HashMap<String, Vec<Binding>>,
    pub globals: HashSet<String>,
    pub nonlocals: HashSet<String>,
}

/// An `await` expression and the scope it is evaluated in.
#[derive(Clone, Copy, Debug)]
pub struct AwaitSite<'t> {
    pub node: Node<'t>,
    pub scope: usize,
}

/// What a module's `__all__` says it exports: what `from module import *` brings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DunderAll {
    /// No `__all__` at module level: the star brings the public names.
    #[default]
    Absent,
    /// Only literal lists or tuples of strings, assigned, `+=`-ed, `.extend`-ed or
    /// `.append`-ed: these names, in every branch taken together.
    Listed(Vec<String>),
    /// Some assignment to it is not such a literal (`__all__ = a.__all__ + [...]`):
    /// what it holds is unknown, so any public name may be exported.
    Unreadable,
}

/// Everything the matcher needs to know about one file.
#[derive(Debug)]
pub struct FileFacts<'t> {
    pub scopes: Vec<Scope>,
    pub awaits: Vec<AwaitSite<'t>>,
    /// Modules of `from m import *` at module level, leading dots kept.
    pub star_imports: Vec<String>,
    /// The module's `__all__`, as far as its literal assignments tell it.
    pub dunder_all: DunderAll,
    /// Byte offsets of comments saying `unawait: ignore` (their line is exempt).
    pub ignore_comments: Vec<usize>,
    /// Offset of a `# unawait: skip-file` comment, if any.
    pub skip_file: Option<usize>,
    /// Byte ranges of `with` blocks that expect a `TypeError`.
    pub raises_blocks: Vec<Range<usize>>,
}

impl<'t> FileFacts<'t> {
    /// The bindings `name` resolves to when read in `scope`, or `None` when no scope of
    /// this file binds it (a builtin, a star import, or undefined).
    pub fn resolve(&self, scope: usize, name: &str) -> Option<&[Binding]> {
        self.resolve_with_scope(scope, name).map(|(_, b)| b)
    }

    /// Like [`FileFacts::resolve`], also telling which scope binds the name.
    pub fn resolve_with_scope(&self, scope: usize, name: &str) -> Option<(usize, &[Binding])> {
        let mut current = scope;
        loop {
            let s = &self.scopes[current];
            if s.globals.contains(name) {
                return self.scopes[0].bindings.get(name).map(|b| (0, b.as_slice()));
            }
            // A class body's names are visible in the body itself, not in the methods
            // and comprehensions inside it.
            let visible = current == scope || s.kind != ScopeKind::Class;
            if visible && !s.nonlocals.contains(name) {
                if let Some(b) = s.bindings.get(name) {
                    return Some((current, b.as_slice()));
                }
            }
            current = s.parent?;
        }
    }
}

/// What `root.parts` names when read in `scope`, as far as the file says: something
/// imported, or (bound at module level) a name of this module. Shared by the
/// resolution of awaited calls, of returned calls and of decorators, so all name a
/// thing alike.
pub fn qualify(
    facts: &FileFacts<'_>,
    scope: usize,
    root: &str,
    parts: &[&str],
    module: Option<&ModulePath>,
) -> Option<String> {
    let rest = |base: String| {
        if parts.is_empty() {
            base
        } else {
            format!("{base}.{}", parts.join("."))
        }
    };
    let (bound_in, bindings) = facts.resolve_with_scope(scope, root)?;
    match bindings.last()? {
        Binding::From {
            module: m, name, ..
        } => absolute_import(module, m).map(|a| rest(format!("{a}.{name}"))),
        Binding::Module { module: m } if !parts.is_empty() => Some(rest(m.clone())),
        Binding::Def { .. } | Binding::Other { .. } if bound_in == 0 => {
            module.map(|m| rest(format!("{}.{root}", m.name)))
        }
        _ => None,
    }
}
