//! Dotted module names of files, and absolute names for relative imports.
//!
//! `pkg/mod.py` is `pkg.mod` and `pkg/__init__.py` is `pkg`, where the top package is
//! found by walking up while folders hold an `__init__.py` (or given by a source root).
//! Only used to compare names; never to import or run anything.

use std::path::Path;

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
}
