//! The project around the paths of a run: where it starts, and its other files.
//!
//! Names imported by the files of a run are defined elsewhere in their project, so the
//! index of definitions and re-exports is the project's, not the command line's: when
//! files or subfolders are named (as pre-commit does), the rest of the project is
//! walked too, with the same ignore files and excludes, and its Python files are read
//! for the index only. A project root is the nearest folder at or above a named path
//! that holds `pyproject.toml`, `setup.cfg` or `.git`; without one, a named folder is
//! its own project, and a named file has none (only it is read: a file in a home
//! folder must not make the run read the whole home folder). Nothing here reads file
//! contents; the files found here are never changed or reported.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::files::discover::{is_project_marker, walker, Candidate, Discovered};
use crate::files::kind::FileKind;
use crate::setup::settings::Settings;

/// What the run knows of its project beyond its own files.
#[derive(Debug, Default)]
pub struct Project {
    /// The project roots: the folders walked for the index and every folder seen
    /// holding a `pyproject.toml` or `setup.cfg`, absolute and sorted. Module names
    /// start from each.
    pub roots: Vec<PathBuf>,
    /// The project's Python files that are not the run's own, sorted by path: read for
    /// the index only.
    pub others: Vec<Candidate>,
}

/// Does `folder` make a project root?
fn is_root(folder: &Path) -> bool {
    folder.join("pyproject.toml").is_file()
        || folder.join("setup.cfg").is_file()
        || folder.join(".git").exists()
}

/// The project root of `named` (absolute): the nearest folder at or above it (above a
/// file) with `pyproject.toml`, `setup.cfg` or `.git`; else a folder itself, and no
/// root for a file.
pub fn root_of(named: &Path) -> Option<PathBuf> {
    let is_dir = named.is_dir();
    let start = if is_dir { named } else { named.parent()? };
    match start.ancestors().find(|d| is_root(d)) {
        Some(root) => Some(root.to_path_buf()),
        None if is_dir => Some(named.to_path_buf()),
        None => None,
    }
}

/// The outermost of `folders`: none of them lies inside another.
fn outermost(mut folders: Vec<PathBuf>) -> Vec<PathBuf> {
    folders.sort();
    folders.dedup();
    let mut out: Vec<PathBuf> = Vec::new();
    for f in folders {
        if !out.iter().any(|o| f.starts_with(o)) {
            out.push(f);
        }
    }
    out
}

/// The project of a batch run: the roots of the named paths, and the Python files
/// below them that discovery did not already find. Folders discovery walked are not
/// walked again.
pub fn around(settings: &Settings, found: &Discovered) -> Project {
    let named: Vec<PathBuf> = settings
        .paths
        .iter()
        .map(|p| crate::paths::absolute(&settings.cwd, p))
        .collect();
    let tops = outermost(named.iter().filter_map(|p| root_of(p)).collect());
    let walked: HashSet<PathBuf> = found.walked.iter().cloned().collect();
    let mut project = if found.files.is_empty() || tops.iter().all(|t| walked.contains(t)) {
        // Nothing to look up names for (every file named was excluded, say), or the
        // usual run from the project root, where discovery has seen every file. (No
        // set of every path either: allocating and freeing one that large moves
        // glibc's mmap threshold, and the file buffers of the first pass then stay
        // resident.)
        Project {
            roots: tops,
            others: Vec::new(),
        }
    } else {
        let have: HashSet<&Path> = found.files.iter().map(|c| c.absolute.as_path()).collect();
        walk(settings, &tops, &walked, &have)
    };
    project.roots.extend(found.projects.iter().cloned());
    project.roots.sort();
    project.roots.dedup();
    project
}

/// The project of the file `absolute` whose source comes from stdin: its root, and
/// every other Python file of it.
pub fn around_file(settings: &Settings, absolute: &Path) -> Project {
    let tops: Vec<PathBuf> = root_of(absolute).into_iter().collect();
    let mut project = walk(settings, &tops, &HashSet::new(), &HashSet::from([absolute]));
    project.roots.sort();
    project.roots.dedup();
    project
}

/// `path` (absolute) as messages show it: relative to the current folder, as a walk
/// from there gives it.
fn shown(cwd: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(cwd) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => match String::from_utf8(crate::paths::relative_bytes(cwd, path)) {
            Ok(rel) => PathBuf::from(rel),
            Err(_) => path.to_path_buf(),
        },
    }
}

/// Walk each of `tops` except the folders of `skip`, for the Python files not in
/// `have`, noting project roots on the way. Folders that cannot be read are passed
/// over without a word: they hold none of the run's files.
fn walk(
    settings: &Settings,
    tops: &[PathBuf],
    skip: &HashSet<PathBuf>,
    have: &HashSet<&Path>,
) -> Project {
    let mut project = Project {
        roots: tops.to_vec(),
        others: Vec::new(),
    };
    for top in tops.iter().filter(|t| !skip.contains(*t)) {
        for entry in walker(top, settings, skip.clone()).flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.into_path();
            if path.file_name().is_some_and(is_project_marker) {
                if let Some(folder) = path.parent() {
                    project.roots.push(folder.to_path_buf());
                }
                continue;
            }
            if FileKind::of(&path, false, false) != Some(FileKind::Python)
                || have.contains(path.as_path())
            {
                continue;
            }
            project.others.push(Candidate {
                path: shown(&settings.cwd, &path),
                absolute: path,
                kind: FileKind::Python,
            });
        }
    }
    project
        .others
        .sort_by_cached_key(|c| crate::paths::sort_key(&c.path));
    project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_nearest_folder_with_a_marker() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        std::fs::create_dir_all(top.join("a/b/c")).unwrap();
        std::fs::write(top.join("a/b/c/x.py"), "").unwrap();
        // No marker: a folder named is its own project, a file has none.
        assert_eq!(root_of(&top.join("a/b")), Some(top.join("a/b")));
        assert_eq!(root_of(&top.join("a/b/c/x.py")), None);
        for marker in ["setup.cfg", "pyproject.toml", ".git"] {
            let at = top.join("a").join(marker);
            std::fs::write(&at, "").unwrap();
            let a = Some(top.join("a"));
            assert_eq!(root_of(&top.join("a/b/c/x.py")), a, "{marker}");
            assert_eq!(root_of(&top.join("a/b")), a, "{marker}");
            assert_eq!(root_of(&top.join("a")), a, "{marker}");
            std::fs::remove_file(at).unwrap();
        }
        // The nearest one wins.
        std::fs::write(top.join("a/.git"), "").unwrap();
        std::fs::write(top.join("a/b/pyproject.toml"), "").unwrap();
        assert_eq!(root_of(&top.join("a/b/c/x.py")), Some(top.join("a/b")));
    }

    #[test]
    fn nested_folders_are_walked_once() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            outermost(vec![p("/r/a/b"), p("/r/a"), p("/s"), p("/r/ab"), p("/r/a")]),
            vec![p("/r/a"), p("/r/ab"), p("/s")]
        );
    }
}
