//! Dotted module names of files, and absolute names for relative imports.
//!
//! `pkg/mod.py` is `pkg.mod` and `pkg/__init__.py` is `pkg`. A file is importable under
//! one name per root above it, as Python and pytest see it: the top of its `__init__.py`
//! chain (pytest's `rootdir`-less import), each project root (a folder with
//! `pyproject.toml`, `setup.cfg` or `.git`, where folders without `__init__.py` are
//! namespace packages, PEP 420), the project's `src/` folder and the configured source
//! roots. So `tests/helpers/fakes.py` is both `helpers.fakes` and `tests.helpers.fakes`
//! when `tests/` has no `__init__.py`. One of the names is the primary one: relative
//! imports resolve against it, and the index files definitions under it. Only used to
//! compare names; never to import or run anything.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModulePath {
    /// `pkg.mod`, or `pkg` for `pkg/__init__.py`.
    pub name: String,
    /// Is this file a package's `__init__`?
    pub is_package: bool,
}

impl ModulePath {
    /// The module name of `path` (absolute), walking up while `__init__.py` exists.
    pub fn for_file(path: &Path) -> Option<ModulePath> {
        let stem = path.file_stem()?.to_str()?;
        let is_package = stem == "__init__";
        let mut parts: Vec<String> = Vec::new();
        if !is_package {
            parts.push(stem.to_string());
        }
        let mut dir = path.parent();
        while let Some(d) = dir {
            if !d.join("__init__.py").is_file() && !d.join("__init__.pyi").is_file() {
                break;
            }
            parts.push(d.file_name()?.to_str()?.to_string());
            dir = d.parent();
        }
        if parts.is_empty() {
            return None;
        }
        parts.reverse();
        Some(ModulePath {
            name: parts.join("."),
            is_package,
        })
    }

    /// The module name of `path` (absolute): relative to the first source root that
    /// holds it, else found by walking up while `__init__.py` exists.
    pub fn for_file_in(path: &Path, roots: &[std::path::PathBuf]) -> Option<ModulePath> {
        for root in roots {
            if let Ok(rel) = path.strip_prefix(root) {
                let mut parts: Vec<String> = rel
                    .iter()
                    .map(|c| c.to_str().map(str::to_string))
                    .collect::<Option<_>>()?;
                let last = parts.pop()?;
                let stem = last
                    .rsplit_once('.')
                    .map_or(last.as_str(), |(s, _)| s)
                    .to_string();
                let is_package = stem == "__init__";
                if !is_package {
                    parts.push(stem);
                }
                if parts.is_empty() {
                    return None;
                }
                return Some(ModulePath {
                    name: parts.join("."),
                    is_package,
                });
            }
        }
        Self::for_file(path)
    }

    /// The module a `from <module> import` statement in this file refers to.
    /// `module` keeps its leading dots; `None` when it climbs above the top package.
    pub fn absolute(&self, module: &str) -> Option<String> {
        absolute_import(Some(self), module)
    }
}

/// Every name a file is importable under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleNames {
    /// The name of the first source root that holds the file, else of the top of its
    /// `__init__.py` chain: relative imports resolve against it.
    pub primary: ModulePath,
    /// The other names, longest first (then by name): one per other root above the file.
    pub others: Vec<String>,
}

impl ModuleNames {
    /// A file known by one name only.
    pub fn one(primary: ModulePath) -> ModuleNames {
        ModuleNames {
            primary,
            others: Vec::new(),
        }
    }

    /// The primary name, then the others.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.primary.name.as_str()).chain(self.others.iter().map(String::as_str))
    }

    /// The module a `from <module> import` in this file refers to: resolved against the
    /// primary name, or, when that climbs above its top package (`from .. import x` in
    /// `ns/pkg/mod.py` with `ns/` a namespace package), against the longest name.
    pub fn absolute(&self, module: &str) -> Option<String> {
        absolute_import(Some(&self.primary), module).or_else(|| {
            let longest = ModulePath {
                name: self.others.first()?.clone(),
                is_package: self.primary.is_package,
            };
            absolute_import(Some(&longest), module)
        })
    }
}

/// The folders module names start from, for one run.
#[derive(Clone, Debug, Default)]
pub struct Roots {
    /// The configured source roots, in order: the first that holds a file gives its
    /// primary name.
    src: Vec<PathBuf>,
    /// Every folder a name may start from (the source roots too), absolute.
    folders: HashSet<PathBuf>,
}

impl Roots {
    /// Roots made of the configured source roots (absolute).
    pub fn new(src: &[PathBuf]) -> Roots {
        Roots {
            src: src.to_vec(),
            folders: src.iter().cloned().collect(),
        }
    }

    /// A project root (absolute), and its `src/` folder when it has one.
    pub fn add_project(&mut self, folder: &Path) {
        let src = folder.join("src");
        if src.is_dir() {
            self.folders.insert(src);
        }
        self.folders.insert(folder.to_path_buf());
    }

    /// Every name of the file at `path` (absolute); `None` when no root gives it one
    /// (a file whose name is not a module name, like an `__init__.py` at a root).
    pub fn names(&self, path: &Path) -> Option<ModuleNames> {
        let primary = ModulePath::for_file_in(path, &self.src);
        let in_src = self.src.iter().any(|r| path.starts_with(r));
        let mut others: Vec<String> = path
            .ancestors()
            .skip(1)
            .filter(|dir| self.folders.contains(*dir))
            .filter_map(|dir| name_below(dir, path))
            .collect();
        if in_src {
            // The source root named the primary; the `__init__.py` chain names it too.
            others.extend(ModulePath::for_file(path).map(|m| m.name));
        }
        let is_package = path.file_stem().is_some_and(|s| s == "__init__");
        let primary = match primary {
            Some(p) => p,
            None => ModulePath {
                name: others.first()?.clone(),
                is_package,
            },
        };
        others.retain(|n| *n != primary.name);
        others.sort_by(|a, b| {
            let depth = |s: &str| s.matches('.').count();
            depth(b).cmp(&depth(a)).then_with(|| a.cmp(b))
        });
        others.dedup();
        Some(ModuleNames { primary, others })
    }
}

/// The dotted name of `path` below `root`, when every part is an identifier.
fn name_below(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
    let last = parts.pop()?;
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    if stem != "__init__" {
        parts.push(stem);
    }
    if parts.is_empty() || !parts.iter().all(|p| is_identifier(p)) {
        return None;
    }
    Some(parts.join("."))
}

/// Is `s` a Python identifier (`str.isidentifier()`, keywords included)?
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Resolve `module` (maybe relative, like `..sub`) against the importing file's module.
pub fn absolute_import(from: Option<&ModulePath>, module: &str) -> Option<String> {
    let dots = module.chars().take_while(|c| *c == '.').count();
    if dots == 0 {
        return Some(module.to_string());
    }
    let from = from?;
    let mut package: Vec<&str> = from.name.split('.').collect();
    if !from.is_package {
        package.pop();
    }
    for _ in 1..dots {
        package.pop()?;
    }
    let rest = &module[dots..];
    if !rest.is_empty() {
        package.push(rest);
    }
    if package.is_empty() {
        return None;
    }
    Some(package.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, is_package: bool) -> ModulePath {
        ModulePath {
            name: name.into(),
            is_package,
        }
    }

    #[test]
    fn relative_imports() {
        let file = m("app.core.ws", false);
        assert_eq!(file.absolute(".").as_deref(), Some("app.core"));
        assert_eq!(file.absolute(".mgr").as_deref(), Some("app.core.mgr"));
        assert_eq!(file.absolute("..util").as_deref(), Some("app.util"));
        assert_eq!(file.absolute("...").as_deref(), None);
        assert_eq!(file.absolute("os.path").as_deref(), Some("os.path"));
        let init = m("app.core", true);
        assert_eq!(init.absolute(".ws").as_deref(), Some("app.core.ws"));
        assert_eq!(init.absolute("..").as_deref(), Some("app"));
        assert_eq!(absolute_import(None, ".x"), None);
    }

    #[test]
    fn module_names_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("top/sub");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(dir.path().join("top/__init__.py"), "").unwrap();
        std::fs::write(pkg.join("__init__.py"), "").unwrap();
        assert_eq!(
            ModulePath::for_file(&pkg.join("mod.py")),
            Some(m("top.sub.mod", false))
        );
        assert_eq!(
            ModulePath::for_file(&pkg.join("__init__.py")),
            Some(m("top.sub", true))
        );
        assert_eq!(
            ModulePath::for_file(&dir.path().join("script.py")),
            Some(m("script", false))
        );
    }

    /// A tree of empty files at `paths` below a temporary folder.
    fn files(paths: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for p in paths {
            let at = dir.path().join(p);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::fs::write(at, "").unwrap();
        }
        dir
    }

    /// Every name of `file` below `top` with `roots`: primary first, then the others.
    fn names(roots: &Roots, top: &Path, file: &str) -> Vec<String> {
        match roots.names(&top.join(file)) {
            Some(n) => n.all().map(str::to_string).collect(),
            None => Vec::new(),
        }
    }

    #[test]
    fn the_pytest_layout_is_importable_from_the_project_root_and_its_package_top() {
        // `tests/` has no `__init__.py`; `tests/helpers/` has one.
        let dir = files(&[
            "tests/helpers/__init__.py",
            "tests/helpers/fakes.py",
            "tests/test_fakes.py",
            "tests/conftest.py",
            "app/__init__.py",
            "app/core.py",
        ]);
        let top = dir.path();
        let mut roots = Roots::new(&[]);
        roots.add_project(top);
        assert_eq!(
            names(&roots, top, "tests/helpers/fakes.py"),
            ["helpers.fakes", "tests.helpers.fakes"]
        );
        assert_eq!(
            names(&roots, top, "tests/helpers/__init__.py"),
            ["helpers", "tests.helpers"]
        );
        assert_eq!(
            names(&roots, top, "tests/conftest.py"),
            ["conftest", "tests.conftest"]
        );
        // A regular package: one name, whichever root gives it.
        assert_eq!(names(&roots, top, "app/core.py"), ["app.core"]);
        // Without the project root only the `__init__.py` chain names files.
        assert_eq!(
            names(&Roots::new(&[]), top, "tests/helpers/fakes.py"),
            ["helpers.fakes"]
        );
    }

    #[test]
    fn namespace_packages_resolve_and_relative_imports_climb_into_them() {
        // PEP 420: `ns/` has no `__init__.py`; `ns/pkg/` has one.
        let dir = files(&["ns/pkg/__init__.py", "ns/pkg/mod.py", "ns/plain/mod.py"]);
        let top = dir.path();
        let mut roots = Roots::new(&[]);
        roots.add_project(top);
        assert_eq!(
            names(&roots, top, "ns/pkg/mod.py"),
            ["pkg.mod", "ns.pkg.mod"]
        );
        assert_eq!(
            names(&roots, top, "ns/plain/mod.py"),
            ["mod", "ns.plain.mod"]
        );
        let mod_py = roots.names(&top.join("ns/pkg/mod.py")).unwrap();
        // The primary name resolves what it can; above `pkg`, the longer name does.
        assert_eq!(mod_py.absolute(".x").as_deref(), Some("pkg.x"));
        assert_eq!(mod_py.absolute("..").as_deref(), Some("ns"));
        assert_eq!(mod_py.absolute("os").as_deref(), Some("os"));
    }

    #[test]
    fn src_layout_with_and_without_configured_roots() {
        let dir = files(&[
            "src/myapp/__init__.py",
            "src/myapp/core.py",
            "src/solo/run.py",
        ]);
        let top = dir.path();
        // The conventional `src/` of a project root is a root of its own.
        let mut roots = Roots::new(&[]);
        roots.add_project(top);
        assert_eq!(
            names(&roots, top, "src/myapp/core.py"),
            ["myapp.core", "src.myapp.core"]
        );
        assert_eq!(
            names(&roots, top, "src/solo/run.py"),
            ["run", "src.solo.run", "solo.run"]
        );
        // A configured root gives the primary name, the `__init__.py` chain another.
        let mut roots = Roots::new(&[top.join("src/solo")]);
        roots.add_project(top);
        assert_eq!(
            names(&roots, top, "src/solo/run.py"),
            ["run", "src.solo.run", "solo.run"]
        );
        let roots = Roots::new(&[top.join("src")]);
        assert_eq!(names(&roots, top, "src/solo/run.py"), ["solo.run", "run"]);
    }

    #[test]
    fn parts_that_are_not_identifiers_give_no_name() {
        let dir = files(&["my-app/tool.py", "v1.2/x.py", "ok/a.b.py", "2fa/x.py"]);
        let top = dir.path();
        let mut roots = Roots::new(&[]);
        roots.add_project(top);
        // Only the `__init__.py` chain names them, as before.
        assert_eq!(names(&roots, top, "my-app/tool.py"), ["tool"]);
        assert_eq!(names(&roots, top, "v1.2/x.py"), ["x"]);
        assert_eq!(names(&roots, top, "ok/a.b.py"), ["a.b"]);
        assert_eq!(names(&roots, top, "2fa/x.py"), ["x"]);
        for (s, ok) in [
            ("tests", true),
            ("_x1", true),
            ("café", true),
            ("1x", false),
            ("a-b", false),
            ("", false),
        ] {
            assert_eq!(is_identifier(s), ok, "{s:?}");
        }
    }
}
