//! The project index: what the project's modules define and re-export.
//!
//! Built in one parallel pass before matching. To stay cheap it parses only the files
//! that can define a rule's function (`def NAME`, found by byte search) and the
//! `__init__.py` files that mention a rule's name (re-exports); every other file is read
//! once and never parsed here. It lets the matcher follow `from pkg import f` through
//! `pkg/__init__.py` to the `def`, and know when a name is really an `async def`. A file
//! is filed under every module name it has (`helpers.fakes` and `tests.helpers.fakes`),
//! and a name several files share reaches all of them: it must never pick one file
//! where Python might import another.

use std::collections::HashMap;

use crate::fix::decorators::{self, Decorator};
use crate::fix::kept::DefSite;
use crate::python::facts::Binding;
use crate::python::lines::LineIndex;
use crate::python::modules::{ModuleNames, ModulePath};

mod exports;
mod filter;
mod known;
mod methods;
mod renames;
pub use exports::Exports;
pub use filter::IndexFilter;
pub use known::Known;
pub use methods::class_name;
pub use renames::Renamed;

/// A module-level name in the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Defined here: `def` or `async def`, where, and its decorators.
    Def {
        is_async: bool,
        at: DefSite,
        decorators: Vec<Decorator>,
    },
    /// Re-exported from elsewhere: the qualified name it refers to.
    Alias(String),
    /// A method of a module-level class, filed as `Class.method`: a call through the
    /// class (`FakeFactory.get_client()`) is decided by it, not by a function rule.
    Method { is_async: bool, at: DefSite },
    /// Not a name: what the file's star imports and `__all__` say, under a key no
    /// name has. [`ProjectIndex::add`] takes it out of the names.
    Exports(Exports),
}

#[derive(Debug, Default)]
pub struct ProjectIndex {
    /// Each indexed file's module-level names, with the primary name of its module.
    files: Vec<(String, HashMap<String, Entry>)>,
    /// Each file's star imports and `__all__`, by file number; `None` for a file the
    /// index did not parse, which may bring any name.
    exports: Vec<Option<Exports>>,
    /// Every module name a file is importable under → those files. A name can belong
    /// to several files (two `tests/helpers/fakes.py` in one monorepo, a `.py` and its
    /// `.pyi`): then all of them are looked at.
    names: HashMap<String, Vec<usize>>,
    /// Every module name and every package above one (`a`, `a.b` for `a.b.c`), so
    /// that namespace packages, which have no file, are known too.
    modules: std::collections::HashSet<String>,
    /// The other names rules' functions are re-exported under, by last name (see
    /// [`ProjectIndex::widen`]).
    renamed: HashMap<String, Vec<Renamed>>,
    /// The classes whose methods rules decide on (see [`ProjectIndex::widen_classes`]).
    classes: std::collections::HashSet<String>,
}

/// How far re-export chains are followed (they can loop).
const MAX_CHAIN: usize = 16;

/// Where [`ProjectIndex::chain`] got to.
struct Walk<'i> {
    /// The name, then each name it re-exports in turn.
    names: Vec<String>,
    /// The files (by number) and attribute paths those names were found at.
    reached: Vec<(usize, String)>,
    /// The definition reached, and its name spelled with its file's primary name: an
    /// `async def` when any way leads to one, else the first decorated `def`, else the
    /// first `def` found.
    def: Option<(String, &'i Entry)>,
}

impl ProjectIndex {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Is `name` a module (or package) of the project?
    pub fn has_module(&self, name: &str) -> bool {
        self.modules.contains(name)
    }

    /// Does the index file names under `qualified` (`pkg.mod.Class` → `Class.m`
    /// entries in `pkg.mod`, or `pkg.mod.x` → re-exports)? A class with methods does.
    pub fn has_attributes(&self, qualified: &str) -> bool {
        let Some((module, name)) = qualified.rsplit_once('.') else {
            return false;
        };
        let prefix = format!("{name}.");
        self.names.get(module).into_iter().flatten().any(|&f| {
            let entries = &self.files[f].1;
            entries.contains_key(name) || entries.keys().any(|k| k.starts_with(&prefix))
        })
    }

    /// Where `qualified` is an attribute of something of a module that is no module
    /// (`pkg.mod.Client.get`, `Client` a class or an object of `pkg.mod`): that thing's
    /// name, and whether the index knows it as a class (it files its methods). `None`
    /// for a name of a module itself, or of no module of the project.
    pub fn owner(&self, qualified: &str) -> Option<(String, bool)> {
        let (files, rest) = self.files_of(qualified)?;
        let (head, _) = rest.split_once('.')?;
        let prefix = format!("{head}.");
        let class = files
            .iter()
            .any(|&f| self.files[f].1.keys().any(|k| k.starts_with(&prefix)));
        let module = &qualified[..qualified.len() - rest.len() - 1];
        Some((format!("{module}.{head}"), class))
    }

    /// How many distinct module names the index knows.
    pub fn module_count(&self) -> usize {
        self.names.len()
    }

    /// The files a dotted name can be an attribute of: the longest prefix of
    /// `qualified` that names a module, its files, and the rest after it.
    fn files_of<'q>(&self, qualified: &'q str) -> Option<(&[usize], &'q str)> {
        let mut end = qualified.len();
        while let Some(dot) = qualified[..end].rfind('.') {
            if let Some(files) = self.names.get(&qualified[..dot]) {
                return Some((files, &qualified[dot + 1..]));
            }
            end = dot;
        }
        None
    }

    fn walk(&self, qualified: &str) -> Walk<'_> {
        let mut walk = Walk {
            names: vec![qualified.to_string()],
            reached: Vec::new(),
            def: None,
        };
        let mut next = 0;
        // Each name is looked up once, in every file its module name may be; a
        // re-export adds its target, until a definition, a name the index does not
        // know, or the limit.
        while next < walk.names.len() && next < MAX_CHAIN {
            let current = walk.names[next].clone();
            next += 1;
            let Some((files, rest)) = self.files_of(&current) else {
                continue;
            };
            for &f in files {
                let (primary, entries) = &self.files[f];
                if !walk.reached.iter().any(|(g, r)| *g == f && r == rest) {
                    walk.reached.push((f, rest.to_string()));
                }
                match entries.get(rest) {
                    Some(Entry::Alias(target)) if !walk.names.contains(target) => {
                        walk.names.push(target.clone());
                    }
                    Some(method @ Entry::Method { is_async, .. }) => {
                        // An `async def` method wins, as an `async def` does.
                        let better = match walk.def {
                            None => true,
                            Some((_, Entry::Method { is_async: was, .. })) => *is_async && !was,
                            Some(_) => false,
                        };
                        if better {
                            walk.def = Some((format!("{primary}.{rest}"), method));
                        }
                    }
                    Some(
                        def @ Entry::Def {
                            is_async,
                            decorators,
                            ..
                        },
                    ) => {
                        // An `async def` first, then a decorated one: what may be
                        // awaitable is what the matcher must see.
                        let better = match walk.def {
                            None => true,
                            Some((
                                _,
                                Entry::Def {
                                    is_async: was,
                                    decorators: had,
                                    ..
                                },
                            )) => {
                                (*is_async && !was)
                                    || (*is_async == *was
                                        && had.is_empty()
                                        && !decorators.is_empty())
                            }
                            Some(_) => false,
                        };
                        if better {
                            walk.def = Some((format!("{primary}.{rest}"), def));
                        }
                    }
                    // Not bound here: a star import of the file may bring it. An
                    // attribute of a re-exported name (`Factory.get` of `from
                    // .factory import Factory`) is looked up where the name leads.
                    None => {
                        let targets = match rest.split_once('.') {
                            None => self.through_stars(f, rest),
                            Some((head, tail)) => match entries.get(head) {
                                Some(Entry::Alias(target)) => vec![format!("{target}.{tail}")],
                                Some(_) => Vec::new(),
                                None => self
                                    .through_stars(f, head)
                                    .into_iter()
                                    .map(|t| format!("{t}.{tail}"))
                                    .collect(),
                            },
                        };
                        for target in targets {
                            if !walk.names.contains(&target) {
                                walk.names.push(target);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        walk
    }

    /// `qualified`, then every name it re-exports in turn (looked up under every name
    /// of each module); then the definition they end at when the index knows it: an
    /// `async def` when any of them can be one.
    pub fn chain(&self, qualified: &str) -> (Vec<String>, Option<&Entry>) {
        let walk = self.walk(qualified);
        (walk.names, walk.def.map(|(_, d)| d))
    }

    /// Do `a` and `b` name the same thing: the same name, or names whose chains meet
    /// in one file of the index, whichever of its module's names spells them?
    pub fn same(&self, a: &str, b: &str) -> bool {
        let (wa, wb) = (self.walk(a), self.walk(b));
        wa.names.iter().any(|n| wb.names.contains(n))
            || wa.reached.iter().any(|r| wb.reached.contains(r))
    }

    /// The definition `qualified` finally refers to, spelled with the primary name of
    /// its module; else the last name its chain reaches, or itself.
    pub fn canonical(&self, qualified: &str) -> String {
        let mut walk = self.walk(qualified);
        match walk.def {
            Some((name, _)) => name,
            None => walk.names.pop().unwrap_or_else(|| qualified.to_string()),
        }
    }

    /// One file's entries under one module name.
    pub fn merge(&mut self, module: String, names: HashMap<String, Entry>) {
        self.add(
            &ModuleNames::one(ModulePath {
                name: module,
                is_package: false,
            }),
            names,
        );
    }

    /// A file first added for its names only (not parsed), now parsed: its entries
    /// replace the empty ones; a file not added yet is added.
    pub fn fill(&mut self, module: &ModuleNames, entries: HashMap<String, Entry>) {
        let unread = (0..self.files.len()).find(|&f| {
            let (primary, had) = &self.files[f];
            *primary == module.primary.name && had.is_empty() && self.exports[f].is_none()
        });
        let Some(f) = unread else {
            return self.add(module, entries);
        };
        let mut entries = entries;
        self.exports[f] = match entries.remove(exports::KEY) {
            Some(Entry::Exports(e)) => Some(e),
            _ => None,
        };
        self.files[f].1 = entries;
    }

    /// One file, under every name it is importable by, with its module-level
    /// definitions and re-exports (none for a file indexed only for its names).
    pub fn add(&mut self, module: &ModuleNames, mut entries: HashMap<String, Entry>) {
        let f = self.files.len();
        self.exports.push(match entries.remove(exports::KEY) {
            Some(Entry::Exports(e)) => Some(e),
            _ => None,
        });
        self.files.push((module.primary.name.clone(), entries));
        for name in module.all() {
            let files = self.names.entry(name.to_string()).or_default();
            if !files.contains(&f) {
                files.push(f);
            }
            let mut end = name.len();
            while !self.modules.contains(&name[..end]) {
                self.modules.insert(name[..end].to_string());
                match name[..end].rfind('.') {
                    Some(dot) => end = dot,
                    None => break,
                }
            }
        }
    }
}

/// The module-level definitions and re-exports of one parsed file.
pub fn file_entries(module: &ModuleNames, display: &str, source: &[u8]) -> HashMap<String, Entry> {
    let text = crate::python::parse::parse_text(source);
    let tree = crate::python::parse::parse(&text);
    let facts = crate::python::walk::collect(&tree, &text);
    let lines = LineIndex::new(&text);
    entries(
        |m| module.absolute(m),
        &module.primary,
        display,
        &facts,
        &lines,
    )
}

/// The module-level definitions and re-exports among a file's facts.
pub fn entries_from_facts(
    module: &ModulePath,
    display: &str,
    facts: &crate::python::facts::FileFacts<'_>,
    lines: &LineIndex,
) -> HashMap<String, Entry> {
    entries(
        |m| crate::python::modules::absolute_import(Some(module), m),
        module,
        display,
        facts,
        lines,
    )
}

/// The same, with `absolute` resolving the module of a `from ... import`, and the
/// module's primary name `module` qualifying decorators.
fn entries(
    absolute: impl Fn(&str) -> Option<String>,
    module: &ModulePath,
    display: &str,
    facts: &crate::python::facts::FileFacts<'_>,
    lines: &LineIndex,
) -> HashMap<String, Entry> {
    let mut out = HashMap::new();
    for (name, bindings) in &facts.scopes[0].bindings {
        // A name bound more than once at module level is ambiguous; the last `def`
        // or import wins, as it would at run time for straight-line code, unless one
        // is an `async def` (in a branch, it may be the one): then that one. A fallback
        // for a failed import is not the name's definition.
        let async_def = bindings
            .iter()
            .rev()
            .find(|b| matches!(b, Binding::Def { is_async: true, .. }));
        let candidates = async_def.into_iter().chain(bindings.iter().rev());
        let entry = candidates.into_iter().find_map(|b| match b {
            Binding::Def {
                is_async,
                at,
                decorators: written,
                fallback: false,
            } => Some(Entry::Def {
                is_async: *is_async,
                at: DefSite::Module {
                    path: display.to_string(),
                    line: lines.line_of(*at) + 1,
                },
                decorators: decorators::resolve(facts, 0, written, Some(module)),
            }),
            Binding::From {
                module: m,
                name: imported,
                ..
            } => absolute(m).map(|abs| Entry::Alias(format!("{abs}.{imported}"))),
            Binding::Def { .. }
            | Binding::StandIn { .. }
            | Binding::Module { .. }
            | Binding::Other { .. } => None,
        });
        if let Some(e) = entry {
            out.insert(name.clone(), e);
        }
    }
    methods::add_class_methods(facts, display, lines, &mut out);
    out.insert(exports::KEY.to_string(), exports::of_facts(facts, absolute));
    out
}

#[cfg(test)]
mod tests;
