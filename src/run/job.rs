//! What every worker needs to process a file, built once from the settings (as
//! ripgrep's `HiArgs` builds its workers): workers see a [`Job`], never `Settings`.

use std::path::{Path, PathBuf};

use super::typecheck::ByFile;
use crate::fix::checked::Checked;
use crate::fix::index::IndexFilter;
use crate::fix::matcher::FixOptions;
use crate::fix::prefilter::Prefilter;
use crate::fix::rules::RuleSet;
use crate::python::modules::{ModuleNames, ModulePath, Roots};
use crate::render::diff::{Diff, Palette};
use crate::render::github::Github;
use crate::render::json::Json;
use crate::render::sarif::Sarif;
use crate::render::text::Text;
use crate::render::Format;
use crate::setup::cli::OutputFormat;
use crate::setup::settings::{Mode, Settings};

/// How `fix` writes a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WritePolicy {
    /// Keep the original beside it, with this suffix.
    pub backup: Option<String>,
}

pub struct Job<'s> {
    pub rules: &'s RuleSet,
    pub options: FixOptions,
    pub prefilter: Prefilter,
    /// Read documentation too: with it, Python files' docstrings (doctest examples).
    pub docs: bool,
    /// Which files the first pass indexes.
    pub index_filter: IndexFilter,
    src_roots: &'s [PathBuf],
    /// Where module names start: the source roots, and the project roots once the
    /// run has found them.
    pub roots: Roots,
    /// The module parts of the qualified rules and their prefixes, as folder paths
    /// (`pkg.mod.get` gives `pkg/mod` and `pkg`): the files they may name.
    rule_modules: Vec<PathBuf>,
    /// `Some` in `fix`: write fixed files.
    pub write: Option<WritePolicy>,
    /// What each file shows on stdout; `None` when nothing does (`fix`).
    pub format: Option<Box<dyn Format>>,
    /// With `--diagnostics` or `--type-checker`: the type checker's diagnostics of each
    /// scanned file.
    pub checked: Option<ByFile>,
}

impl<'s> Job<'s> {
    pub fn new(settings: &'s Settings) -> Job<'s> {
        Job {
            rules: &settings.rules,
            options: FixOptions {
                keep_in_raises: settings.keep_in_raises,
            },
            prefilter: Prefilter::new(&settings.rules),
            docs: settings.docs,
            index_filter: IndexFilter::new(&settings.rules.function_needles())
                .with_async_methods(&settings.rules.method_needles()),
            src_roots: &settings.src_roots,
            roots: Roots::new(&settings.src_roots),
            rule_modules: rule_modules(&settings.rules),
            write: match &settings.mode {
                Mode::Fix { backup, .. } => Some(WritePolicy {
                    backup: backup.clone(),
                }),
                _ => None,
            },
            format: Self::format(settings),
            checked: None,
        }
    }

    /// Does the type checker say anything about the file at `absolute`?
    pub fn has_diagnostics(&self, absolute: &Path) -> bool {
        self.checked
            .as_ref()
            .is_some_and(|c| c.contains_key(absolute))
    }

    /// The type checker's diagnostics of the file at `absolute`, when the run has a
    /// type checker's output.
    pub fn checked_of(&self, absolute: &Path) -> Option<Checked<'_>> {
        let by_file = self.checked.as_ref()?;
        Some(Checked {
            diagnostics: by_file.get(absolute).map_or(&[], Vec::as_slice),
            with_rules: !self.rules.is_empty(),
        })
    }

    /// The output format of the mode: one file per format in `render/`.
    fn format(settings: &Settings) -> Option<Box<dyn Format>> {
        let base = settings.diff_base.clone();
        Some(match settings.mode {
            Mode::Diff { .. } => Box::new(Diff {
                base,
                palette: if settings.color {
                    Palette::ansi()
                } else {
                    Palette::plain()
                },
            }),
            Mode::Patch { .. } => Box::new(Diff {
                base,
                palette: Palette::plain(),
            }),
            Mode::Check { format } => match format {
                OutputFormat::Text => Box::new(Text),
                OutputFormat::Json => Box::new(Json),
                OutputFormat::Github => Box::new(Github { base }),
                OutputFormat::Sarif => Box::new(Sarif { base }),
            },
            Mode::Fix { .. } | Mode::Suggest { .. } => return None,
        })
    }

    /// The module name of the file at `absolute` by its `__init__.py` chain or source
    /// root alone (what `suggest` names functions by).
    pub fn module_of(&self, absolute: &Path) -> Option<ModulePath> {
        ModulePath::for_file_in(absolute, self.src_roots)
    }

    /// Every module name of the file at `absolute` under this run's roots.
    pub fn module_names_of(&self, absolute: &Path) -> Option<ModuleNames> {
        self.roots.names(absolute)
    }

    /// Could the file at `absolute` be the module of a qualified rule, under some
    /// root (`…/pkg/mod.py` or `…/pkg/mod/__init__.py` for `pkg.mod.get`)? Path
    /// bytes only.
    pub fn may_be_rule_module(&self, absolute: &Path) -> bool {
        if self.rule_modules.is_empty() {
            return false;
        }
        let module = match absolute.file_stem() {
            Some(stem) if stem == "__init__" => absolute.parent().map(Path::to_path_buf),
            Some(stem) => absolute.parent().map(|p| p.join(stem)),
            None => None,
        };
        module.is_some_and(|m| self.rule_modules.iter().any(|r| m.ends_with(r)))
    }
}

/// The folder paths the qualified rules' modules may be: `pkg.mod.get` gives
/// `pkg/mod` and `pkg` (the rule may name a class's method, `pkg.mod.Class.get`).
fn rule_modules(rules: &RuleSet) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for rule in rules.iter().filter(|r| r.is_qualified()) {
        let parts: Vec<&str> = rule.name().split('.').collect();
        for end in 1..parts.len() {
            let path: PathBuf = parts[..end].iter().collect();
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}
