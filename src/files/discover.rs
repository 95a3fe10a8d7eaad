//! Which files to process.
//!
//! Walks respect `.gitignore`, `.ignore`, git's excludes and hidden folders as ripgrep
//! does (through the `ignore` crate), plus the configured exclude globs; symbolic links
//! are not followed. A file named on the command line is always processed. Discovery
//! never reads file contents; on the way it notes the folders that hold a
//! `pyproject.toml` or `setup.cfg` (project roots, where module names start).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::files::kind::FileKind;
use crate::setup::settings::Settings;

/// A file to process.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The path as given or walked (relative to the current folder when it was given so).
    pub path: PathBuf,
    /// Absolute and without `.`/`..`.
    pub absolute: PathBuf,
    pub kind: FileKind,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The files to process, sorted by path.
    pub files: Vec<Candidate>,
    /// The problems met on the way (each names a path and what went wrong).
    pub errors: Vec<String>,
    /// The folders walked, absolute.
    pub walked: Vec<PathBuf>,
    /// The folders seen holding a `pyproject.toml` or `setup.cfg`, absolute.
    pub projects: Vec<PathBuf>,
}

/// The files to process, sorted by path, and the problems met on the way (each names
/// a path and what went wrong).
pub fn discover(settings: &Settings) -> (Vec<Candidate>, Vec<String>) {
    let found = find(settings);
    (found.files, found.errors)
}

/// Is this file name one that makes its folder a project root?
pub fn is_project_marker(name: &std::ffi::OsStr) -> bool {
    name == "pyproject.toml" || name == "setup.cfg"
}

/// A walk below `root` as the settings say (ignore files, hidden files, excludes; no
/// links followed), not entering the folders of `skip` (absolute).
pub fn walker(root: &Path, settings: &Settings, skip: HashSet<PathBuf>) -> ignore::Walk {
    let excludes = settings.excludes.clone();
    let cwd = settings.cwd.clone();
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .ignore(settings.respect_ignore)
        .git_ignore(settings.respect_ignore)
        .git_global(settings.respect_ignore)
        .git_exclude(settings.respect_ignore)
        .parents(settings.respect_ignore)
        .follow_links(false)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let absolute = crate::paths::absolute(&cwd, entry.path());
            !excludes.is_excluded(&absolute) && !skip.contains(&absolute)
        })
        .build()
}

/// The files to process and the project roots seen on the way.
pub fn find(settings: &Settings) -> Discovered {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut walked = Vec::new();
    let mut projects = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let several_roots = settings.paths.len() > 1;
    let mut push = |files: &mut Vec<Candidate>, path: PathBuf, kind: FileKind| {
        let absolute = crate::paths::absolute(&settings.cwd, &path);
        // Two spellings of one file (`a.py ./a.py`, a link to it) are processed once.
        if several_roots {
            let key = std::fs::canonicalize(&absolute).unwrap_or_else(|_| absolute.clone());
            if !seen.insert(key) {
                return;
            }
        }
        files.push(Candidate {
            path,
            absolute,
            kind,
        });
    };
    for root in &settings.paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!(
                    "{}: {}",
                    root.display(),
                    crate::messages::io_reason(&e)
                ));
                continue;
            }
        };
        if settings.force_exclude
            && settings
                .excludes
                .covers(&crate::paths::absolute(&settings.cwd, root))
        {
            continue;
        }
        if !meta.is_dir() && !meta.is_file() {
            // A pipe or device would block the read or never end.
            errors.push(format!(
                "{}: not a regular file (a pipe, socket or device); skipped",
                root.display()
            ));
            continue;
        }
        if !meta.is_dir() {
            if let Some(kind) = FileKind::of(root, true, settings.docs) {
                push(&mut files, root.clone(), kind);
            }
            continue;
        }
        walked.push(crate::paths::absolute(&settings.cwd, root));
        for entry in walker(root, settings, HashSet::new()) {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if !is_file {
                        continue;
                    }
                    let path = entry.into_path();
                    if path.file_name().is_some_and(is_project_marker) {
                        if let Some(folder) = path.parent() {
                            projects.push(crate::paths::absolute(&settings.cwd, folder));
                        }
                        continue;
                    }
                    if let Some(kind) = FileKind::of(&path, false, settings.docs) {
                        push(&mut files, path, kind);
                    }
                }
                Err(e) => errors.push(walk_error(&e)),
            }
        }
    }
    files.sort_by_cached_key(|c| crate::paths::sort_key(&c.path));
    Discovered {
        files,
        errors,
        walked,
        projects,
    }
}

fn walk_error(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } => match err.io_error() {
            Some(io) => format!(
                "{}: {}",
                path.display(),
                crate::messages::io_reason(innermost(io))
            ),
            None => format!("{}: {err}", path.display()),
        },
        ignore::Error::WithDepth { err, .. } => walk_error(err),
        ignore::Error::Loop { child, .. } => format!("{}: symbolic link loop", child.display()),
        other => other.to_string(),
    }
}

/// The operating system's own error inside one that a folder walk wrapped with the
/// path ("IO error for operation on P: ..."), so the message names the path once.
fn innermost(io: &std::io::Error) -> &std::io::Error {
    io.get_ref()
        .and_then(|e| e.source())
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .unwrap_or(io)
}
