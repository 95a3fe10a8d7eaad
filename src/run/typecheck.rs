//! A type checker's diagnostics for a batch run (`--diagnostics FILE`,
//! `--type-checker NAME`): read or produced once, parsed, and grouped by the scanned
//! file each names. A diagnostic's path is absolute (pyright, SARIF URIs) or relative
//! to the folder the checker ran in: the project root or the current folder.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

use crate::diagnostics::{self, Diagnostic};
use crate::files::discover::Candidate;
use crate::files::project::Project;
use crate::messages;
use crate::setup::settings::{Settings, TypeCheck};

/// The diagnostics of each scanned file, by its absolute path. A scanned file without
/// any is absent.
pub type ByFile = HashMap<PathBuf, Vec<Diagnostic>>;

/// The folder a checker runs in for this run: the first project root, or the current
/// folder.
fn checker_root(settings: &Settings, project: &Project) -> PathBuf {
    project
        .roots
        .first()
        .cloned()
        .unwrap_or_else(|| settings.cwd.clone())
}

/// The checker's output: read from the file (or stdin), or made by running it.
fn output(settings: &Settings, how: &TypeCheck, root: &Path) -> Result<(String, String)> {
    match how {
        TypeCheck::File(file) if file.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                anyhow!(
                    "cannot read the diagnostics on stdin: {}",
                    messages::io_reason(&e)
                )
            })?;
            Ok((text, "the diagnostics on stdin".to_string()))
        }
        TypeCheck::File(file) => {
            let path = crate::paths::absolute(&settings.cwd, file);
            let bytes = std::fs::read(&path).map_err(|e| {
                anyhow!(
                    "cannot read the diagnostics {}: {}",
                    file.display(),
                    messages::io_reason(&e)
                )
            })?;
            let text = String::from_utf8(bytes)
                .with_context(|| format!("the diagnostics {} are not UTF-8", file.display()))?;
            Ok((text, file.display().to_string()))
        }
        TypeCheck::Run(checker) => {
            let paths: Vec<PathBuf> = if settings.paths.is_empty() {
                vec![settings.cwd.clone()]
            } else {
                settings
                    .paths
                    .iter()
                    .map(|p| crate::paths::absolute(&settings.cwd, p))
                    .collect()
            };
            let ran = diagnostics::run_checker(*checker, &paths, root)?;
            if !settings.quiet {
                messages::info(format_args!("{} (in {})", ran.describe(), root.display()));
            }
            Ok((ran.output, format!("the output of {checker}")))
        }
    }
}

/// The run's diagnostics, grouped, and what was not kept.
#[derive(Debug, Default)]
pub struct Loaded {
    pub by_file: ByFile,
    /// Diagnostics that are not about an await.
    pub other: usize,
    /// Await diagnostics about files the run does not scan.
    pub outside: usize,
}

/// Read, parse and group the run's diagnostics; `None` when it has none to read.
pub fn load(settings: &Settings, project: &Project, files: &[Candidate]) -> Result<Option<ByFile>> {
    Ok(load_counted(settings, project, files)?.map(|l| l.by_file))
}

/// [`load`], also counting what is not kept.
pub fn load_counted(
    settings: &Settings,
    project: &Project,
    files: &[Candidate],
) -> Result<Option<Loaded>> {
    let Some(how) = &settings.type_check else {
        return Ok(None);
    };
    let root = checker_root(settings, project);
    let (text, what) = output(settings, how, &root)?;
    let parsed = diagnostics::parse(&text).map_err(|e| anyhow!("{what}: {e}"))?;
    let scanned: HashSet<&Path> = files.iter().map(|c| c.absolute.as_path()).collect();
    let mut bases: Vec<&Path> = vec![root.as_path()];
    bases.extend(project.roots.iter().map(PathBuf::as_path));
    bases.push(settings.cwd.as_path());
    let mut by_file = ByFile::new();
    let mut outside = 0;
    for d in parsed.diagnostics {
        let found = bases
            .iter()
            .map(|base| crate::paths::absolute(base, &d.path))
            .find(|p| scanned.contains(p.as_path()));
        match found {
            Some(file) => by_file.entry(file).or_default().push(d),
            None => outside += 1,
        }
    }
    if outside > 0 && !settings.quiet {
        messages::info(format_args!(
            "{outside} await diagnostic{} of {what} name{} files this run does not scan: ignored",
            if outside == 1 { "" } else { "s" },
            if outside == 1 { "s" } else { "" },
        ));
    }
    Ok(Some(Loaded {
        by_file,
        other: parsed.ignored,
        outside,
    }))
}
