//! Flags and configuration merged, once, into what the run does.
//!
//! Everything after this point reads `Settings`, never the raw flags or the file; and
//! workers read only the `run::job::Job` the driver builds from it.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::diagnostics::Checker;
use crate::fix::rules::RuleSet;
use crate::setup::cli::{self, ColorChoice, Command, Common, OutputFormat, SuggestFormat};
use crate::setup::config::{self, Loaded};

/// Folders nobody wants rewritten, skipped in walks unless `exclude` replaces them.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Diff {
        exit_code: bool,
    },
    Fix {
        backup: Option<String>,
        interactive: bool,
        /// Exit 1 when anything was fixed.
        exit_non_zero_on_fix: bool,
        /// List each changed file with its number of fixes (`--show-fixes`, `-v`).
        show_fixes: bool,
    },
    Patch {
        output: PathBuf,
    },
    Check {
        format: OutputFormat,
    },
    Suggest {
        format: SuggestFormat,
        /// The configuration file has a `functions` key: the snippet adds to that list.
        config_has_functions: bool,
    },
}

/// Paths to skip during a walk. Each group of globs is matched against the path
/// relative to its own folder (the configuration's for its globs, the current folder for
/// `--exclude`) and against the file or folder name.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    groups: Vec<(PathBuf, GlobSet)>,
}

impl Excludes {
    /// Add `globs`, relative to `root`.
    pub fn add(&mut self, root: &Path, globs: &[String]) -> Result<()> {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let glob = GlobBuilder::new(g.trim_end_matches('/'))
                .literal_separator(true)
                .build()
                .with_context(|| format!("invalid exclude pattern `{g}`"))?;
            b.add(glob);
        }
        let set = b.build().context("building exclude patterns")?;
        if !set.is_empty() {
            self.groups.push((root.to_path_buf(), set));
        }
        Ok(())
    }

    /// Whether `path` (absolute), or a folder above it inside the folder a group of
    /// globs belongs to, is excluded: for paths named on the command line with
    /// `--force-exclude`, and for `--stdin-filename`.
    pub fn covers(&self, path: &Path) -> bool {
        self.groups.iter().any(|(root, set)| {
            path.ancestors()
                .take_while(|p| p.starts_with(root) && p != root)
                .any(|p| {
                    p.file_name().is_some_and(|n| set.is_match(n))
                        || p.strip_prefix(root).is_ok_and(|rel| set.is_match(rel))
                })
        })
    }

    /// `path` must be absolute.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.groups.iter().any(|(root, set)| {
            path.file_name().is_some_and(|n| set.is_match(n))
                || path.strip_prefix(root).is_ok_and(|rel| set.is_match(rel))
        })
    }
}

/// Source read from stdin (`unawait fix -`) instead of files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StdinInput {
    /// `--stdin-filename` as given, for messages and diff headers.
    pub filename: Option<PathBuf>,
    /// The same, absolute: configuration, excludes and file type follow it.
    pub absolute: Option<PathBuf>,
}

/// Where a type checker's diagnostics come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeCheck {
    /// `--diagnostics FILE`, as given (`-`: stdin).
    File(PathBuf),
    /// `--type-checker NAME`.
    Run(Checker),
}

#[derive(Debug)]
pub struct Settings {
    pub mode: Mode,
    pub rules: RuleSet,
    pub paths: Vec<PathBuf>,
    pub cwd: PathBuf,
    /// Diff and patch paths are relative to this (git top level, or the current folder).
    pub diff_base: PathBuf,
    pub excludes: Excludes,
    pub respect_ignore: bool,
    /// Apply excludes to paths named on the command line too.
    pub force_exclude: bool,
    pub threads: usize,
    pub color: bool,
    pub quiet: bool,
    /// `-v`: list every await left on a rule's name, and the mentions in text.
    pub verbose: bool,
    /// A rule that matches nothing and names nothing the project defines is an error.
    pub strict: bool,
    pub keep_in_raises: bool,
    pub docs: bool,
    /// Source roots for module names (config `src`), absolute; empty: find packages
    /// by their `__init__.py` files.
    pub src_roots: Vec<PathBuf>,
    pub config_path: Option<PathBuf>,
    /// Set when the source comes from stdin.
    pub stdin: Option<StdinInput>,
    /// `--show-settings`: print these and exit.
    pub show: Option<Vec<Shown>>,
    /// `--diagnostics` or `--type-checker`: fix what a type checker proves.
    pub type_check: Option<TypeCheck>,
}

/// One resolved setting for `--show-settings`: its name, its value (as TOML), and
/// where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub key: &'static str,
    pub value: String,
    pub origin: String,
}

impl Settings {
    /// Merge the command line with the configuration file found from `cwd`.
    pub fn resolve(command: Command, cwd: &Path, stdout_is_terminal: bool) -> Result<Settings> {
        let common = command
            .common()
            .ok_or_else(|| anyhow!("this command processes no files"))?
            .clone();
        if matches!(command, Command::Suggest { .. }) {
            cli::refuse_unused_by_suggest(&common).map_err(|e| anyhow!(e))?;
        }
        let stdin = stdin_input(&command, &common, cwd)?;
        if stdin.is_none() {
            check_paths(&command, &common, cwd)?;
        }
        let start = match stdin.as_ref().and_then(|s| s.absolute.as_deref()) {
            Some(file) => file.parent().unwrap_or(cwd).to_path_buf(),
            None => config_start(cwd, &common.paths),
        };
        let loaded: Option<Loaded> = match &common.config {
            Some(path) => Some(config::load_file(&crate::paths::absolute(cwd, path))?),
            None => config::discover(&start)?,
        };
        let cfg = loaded
            .as_ref()
            .map(|l| l.config.clone())
            .unwrap_or_default();
        let config_root = loaded
            .as_ref()
            .map_or(cwd.to_path_buf(), |l| l.root().to_path_buf());

        // Rules on the command line replace the configuration's, like ruff's --select.
        let (functions, methods) = if common.functions.is_empty() && common.methods.is_empty() {
            (
                cfg.functions.clone().unwrap_or_default(),
                cfg.methods.clone().unwrap_or_default(),
            )
        } else {
            (common.functions.clone(), common.methods.clone())
        };
        let mut replace_with: Vec<(String, String)> = cfg
            .replace_with
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        replace_with.extend(common.replace_with.iter().cloned());
        let sync_decorators = cfg.sync_decorators.clone().unwrap_or_default();
        let suggesting = matches!(command, Command::Suggest { .. });
        let no_rules = functions.is_empty() && methods.is_empty() && replace_with.is_empty();
        let type_check = match (&common.diagnostics, common.type_checker) {
            (Some(file), _) => Some(TypeCheck::File(file.clone())),
            (None, Some(c)) => Some(TypeCheck::Run(match c {
                cli::TypeChecker::Ty => Checker::Ty,
                cli::TypeChecker::Pyright => Checker::Pyright,
                cli::TypeChecker::Mypy => Checker::Mypy,
                cli::TypeChecker::Pyrefly => Checker::Pyrefly,
            })),
            (None, None) => None,
        };
        if stdin.is_some() && type_check.is_some() {
            bail!("--diagnostics and --type-checker need files to scan, not source on stdin (`-`)");
        }
        let rules = if (suggesting || common.show_settings || type_check.is_some()) && no_rules {
            // `suggest` finds the rules, a type checker's proofs need none.
            RuleSet::default()
        } else {
            RuleSet::new(&functions, &methods, &replace_with).map_err(|e| match &loaded {
                Some(l) if common.functions.is_empty() => anyhow!("{}: {e}", l.path.display()),
                None if no_rules => anyhow!(
                    "{e} (no configuration file was found: looked for unawait.toml, and \
pyproject.toml with [tool.unawait], in {} and every folder above it)",
                    start.display()
                ),
                _ => e,
            })?
        };
        let rules = rules
            .with_sync_decorators(&sync_decorators)
            .map_err(|e| match &loaded {
                Some(l) => anyhow!("{}: {e}", l.path.display()),
                None => e,
            })?;

        let mut globs: Vec<String> = if common.no_ignore {
            Vec::new()
        } else {
            cfg.exclude
                .clone()
                .unwrap_or_else(|| DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect())
        };
        globs.extend(cfg.extend_exclude.clone().unwrap_or_default());
        let mut excludes = Excludes::default();
        excludes
            .add(&config_root, &globs)
            .map_err(|e| match &loaded {
                Some(l) => anyhow!("{}: {e:#}", l.path.display()),
                None => e,
            })?;
        excludes.add(cwd, &common.exclude)?;

        let threads = match common.threads {
            Some(0) => return Err(anyhow!("--threads must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let color = match common.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
        };
        let mode = match command {
            Command::Diff { exit_code, .. } => Mode::Diff { exit_code },
            Command::Fix {
                backup,
                interactive,
                exit_non_zero_on_fix,
                show_fixes,
                ..
            } => {
                if backup
                    .as_deref()
                    .is_some_and(|s| s.is_empty() || s.contains('/'))
                {
                    return Err(anyhow!(
                        "--backup suffix must be non-empty and contain no `/`"
                    ));
                }
                Mode::Fix {
                    backup,
                    interactive,
                    exit_non_zero_on_fix,
                    show_fixes: show_fixes || common.verbose,
                }
            }
            Command::Patch { output, .. } => Mode::Patch { output },
            Command::Check { output_format, .. } => Mode::Check {
                format: output_format,
            },
            Command::Suggest { output_format, .. } => Mode::Suggest {
                format: output_format,
                config_has_functions: cfg.functions.is_some(),
            },
            Command::Completions { .. } => unreachable!("has no common options"),
        };
        let paths = if common.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            common.paths.clone()
        };
        let src_roots: Vec<PathBuf> = cfg
            .src
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|s| crate::paths::absolute(&config_root, Path::new(s)))
            .collect();
        let keep_in_raises = !common.no_keep_in_raises && cfg.keep_in_raises.unwrap_or(true);
        let docs = common.docs || cfg.docs.unwrap_or(false);
        let show = common.show_settings.then(|| {
            let file = loaded.as_ref().map(|l| l.path.display().to_string());
            let from_file = |set: bool| match (&file, set) {
                (Some(f), true) => f.clone(),
                _ => "default".to_string(),
            };
            let list = |v: &[String]| toml::Value::from(v.to_vec()).to_string();
            let rules_from_cli = !common.functions.is_empty() || !common.methods.is_empty();
            let rules_origin = |set: bool| {
                if rules_from_cli {
                    "command line (-f/--method replace the configuration's functions and methods)"
                        .to_string()
                } else {
                    from_file(set)
                }
            };
            let twins: toml::Table = replace_with
                .iter()
                .map(|(k, v)| (k.clone(), toml::Value::from(v.clone())))
                .collect();
            let twins_origin = match (cfg.replace_with.is_some(), common.replace_with.is_empty()) {
                (true, false) => format!("{} and the command line", from_file(true)),
                (false, false) => "command line".to_string(),
                (set, true) => from_file(set),
            };
            let mut exclude_origin = if common.no_ignore {
                "--no-ignore (no default excludes)".to_string()
            } else {
                from_file(cfg.exclude.is_some())
            };
            if cfg.extend_exclude.is_some() {
                exclude_origin.push_str(" + extend-exclude");
            }
            if !common.exclude.is_empty() {
                exclude_origin.push_str(" + --exclude (relative to the current folder)");
            }
            let all_excludes: Vec<String> = globs.iter().chain(&common.exclude).cloned().collect();
            let shown_path = |p: &Path| p.display().to_string();
            vec![
                Shown {
                    key: "config",
                    value: toml::Value::from(file.clone().unwrap_or_default()).to_string(),
                    origin: match (&file, &common.config) {
                        (Some(_), Some(_)) => "--config".to_string(),
                        (Some(_), None) => format!("found from {}", start.display()),
                        _ => format!(
                            "none found in {} or above (unawait.toml, pyproject.toml with [tool.unawait])",
                            start.display()
                        ),
                    },
                },
                Shown {
                    key: "functions",
                    value: list(&functions),
                    origin: rules_origin(cfg.functions.is_some()),
                },
                Shown {
                    key: "methods",
                    value: list(&methods),
                    origin: rules_origin(cfg.methods.is_some()),
                },
                Shown {
                    key: "replace-with",
                    value: toml::Value::Table(twins).to_string().trim().replace('\n', ", "),
                    origin: twins_origin,
                },
                Shown {
                    key: "keep-in-raises",
                    value: keep_in_raises.to_string(),
                    origin: if common.no_keep_in_raises {
                        "--no-keep-in-raises".to_string()
                    } else {
                        from_file(cfg.keep_in_raises.is_some())
                    },
                },
                Shown {
                    key: "docs",
                    value: docs.to_string(),
                    origin: if common.docs {
                        "--docs".to_string()
                    } else {
                        from_file(cfg.docs.is_some())
                    },
                },
                Shown {
                    key: "sync-decorators",
                    value: list(&sync_decorators),
                    origin: if cfg.sync_decorators.is_some() {
                        from_file(true)
                    } else {
                        "default (the known-safe decorators count anyway)"
                            .to_string()
                    },
                },
                Shown {
                    key: "exclude",
                    value: list(&all_excludes),
                    origin: exclude_origin,
                },
                Shown {
                    key: "src",
                    value: list(
                        &src_roots.iter().map(|p| shown_path(p)).collect::<Vec<_>>(),
                    ),
                    origin: if cfg.src.is_some() {
                        from_file(true)
                    } else {
                        "default (module names from the __init__.py files)".to_string()
                    },
                },
                Shown {
                    key: "respect-ignore",
                    value: (!common.no_ignore).to_string(),
                    origin: if common.no_ignore {
                        "--no-ignore".to_string()
                    } else {
                        "default".to_string()
                    },
                },
            ]
        });
        Ok(Settings {
            mode,
            rules,
            paths,
            cwd: cwd.to_path_buf(),
            diff_base: crate::paths::diff_base(cwd),
            excludes,
            respect_ignore: !common.no_ignore,
            force_exclude: common.force_exclude,
            threads,
            color,
            quiet: common.quiet,
            verbose: common.verbose,
            strict: common.strict,
            keep_in_raises,
            docs,
            src_roots,
            config_path: loaded.map(|l| l.path),
            stdin,
            show,
            type_check,
        })
    }
}

/// Every path named on the command line must exist: a missing one is a usage error
/// before anything is read or written. A lone `.bak` after `--backup` (which takes its
/// suffix only with `=`) gets a hint.
fn check_paths(command: &Command, common: &Common, cwd: &Path) -> Result<()> {
    for path in &common.paths {
        let absolute = crate::paths::absolute(cwd, path);
        let Err(e) = std::fs::symlink_metadata(&absolute) else {
            continue;
        };
        let name = path.display().to_string();
        let mut message = format!("{name}: {}", crate::messages::io_reason(&e));
        let looks_like_suffix = name.starts_with('.')
            && name.len() > 1
            && !name.contains('/')
            && !name.ends_with(".py");
        if let Command::Fix {
            backup: Some(_), ..
        } = command
        {
            if looks_like_suffix {
                message.push_str(&format!(
                    " (did you mean `--backup={name}`? a suffix needs `=`)"
                ));
            }
        }
        return Err(anyhow!("{message}; nothing was changed"));
    }
    Ok(())
}

/// Whether the source comes from stdin: the only path is `-`, or there is no path and
/// `--stdin-filename` is given (as with ruff).
fn stdin_input(command: &Command, common: &Common, cwd: &Path) -> Result<Option<StdinInput>> {
    let dash = common.paths.iter().any(|p| p.as_os_str() == "-");
    let reading = match common.paths.as_slice() {
        [only] if only.as_os_str() == "-" => true,
        [] => common.stdin_filename.is_some(),
        _ if dash => return Err(anyhow!("`-` (stdin) cannot be combined with other paths")),
        _ => false,
    };
    if !reading {
        if common.stdin_filename.is_some() {
            return Err(anyhow!("--stdin-filename needs `-` as the path"));
        }
        return Ok(None);
    }
    match command {
        Command::Suggest { .. } => {
            return Err(anyhow!("`suggest` needs a tree to look at, not stdin"));
        }
        Command::Fix {
            interactive: true, ..
        } => return Err(anyhow!("--interactive cannot read the source on stdin")),
        _ => {}
    }
    Ok(Some(StdinInput {
        filename: common.stdin_filename.clone(),
        absolute: common
            .stdin_filename
            .as_deref()
            .map(|f| crate::paths::absolute(cwd, f)),
    }))
}

/// Where the search for a configuration file starts: the one folder given on the
/// command line (or a file's folder), so that `unawait diff project/` uses
/// `project/pyproject.toml`, as ruff does; otherwise the current folder.
fn config_start(cwd: &Path, paths: &[PathBuf]) -> PathBuf {
    match paths {
        [only] => {
            let abs = crate::paths::absolute(cwd, only);
            if abs.is_dir() {
                abs
            } else {
                abs.parent().map_or(cwd.to_path_buf(), Path::to_path_buf)
            }
        }
        _ => cwd.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_match_names_and_relative_paths() {
        let mut ex = Excludes::default();
        ex.add(
            Path::new("/r"),
            &["legacy/**".into(), ".venv".into(), "*_pb2.py".into()],
        )
        .unwrap();
        ex.add(Path::new("/r/sub"), &["old/**".into()]).unwrap();
        assert!(ex.is_excluded(Path::new("/r/sub/old/a.py")));
        assert!(!ex.is_excluded(Path::new("/r/old/a.py")));
        assert!(ex.is_excluded(Path::new("/r/legacy/a.py")));
        assert!(ex.is_excluded(Path::new("/r/x/.venv")));
        assert!(ex.is_excluded(Path::new("/r/x/y_pb2.py")));
        assert!(!ex.is_excluded(Path::new("/r/src/legacy.py")));
        assert!(!ex.is_excluded(Path::new("/other/legacy/a.py")));
        assert!(ex.covers(Path::new("/r/x/.venv/lib/a.py")));
        assert!(ex.covers(Path::new("/r/legacy/deep/a.py")));
        assert!(!ex.covers(Path::new("/r/src/a.py")));
        // Folders above the configuration's own folder are not its business.
        assert!(!Excludes::default().covers(Path::new("/venv/r/a.py")));
        let mut venv = Excludes::default();
        venv.add(Path::new("/venv/r"), &["venv".into()]).unwrap();
        assert!(!venv.covers(Path::new("/venv/r/a.py")));
    }
}
