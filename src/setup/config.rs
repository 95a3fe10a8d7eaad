//! The configuration file: `[tool.unawait]` in `pyproject.toml`, or `unawait.toml`.
//!
//! The nearest file upward from the current folder wins (`unawait.toml` before
//! `pyproject.toml` in the same folder; a `pyproject.toml` without `[tool.unawait]` is
//! passed over). Unknown keys and wrong types are errors that name the file and the key:
//! a typo must never silently turn a rule off.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;

/// The settings a configuration file may hold.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub functions: Option<Vec<String>>,
    pub methods: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub keep_in_raises: Option<bool>,
    pub docs: Option<bool>,
    pub replace_with: Option<BTreeMap<String, String>>,
    pub src: Option<Vec<String>>,
    pub sync_decorators: Option<Vec<String>>,
}

/// A configuration and where it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: Config,
    pub path: PathBuf,
}

impl Loaded {
    /// The folder relative paths in the configuration are taken from.
    pub fn root(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

fn parse_config(path: &Path, text: &str, in_pyproject: bool) -> Result<Option<Config>> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
            return Err(anyhow!(
                "{}: invalid TOML{at}: {}",
                path.display(),
                e.message()
            ));
        }
    };
    let section = if in_pyproject {
        match table.get("tool").and_then(|t| t.get("unawait")) {
            Some(v) => v.clone(),
            None => {
                warn_near_misses(path, &table);
                return Ok(None);
            }
        }
    } else {
        match table.get("tool").and_then(|t| t.get("unawait")) {
            Some(v) if table.len() == 1 => v.clone(),
            _ => toml::Value::Table(table),
        }
    };
    let where_ = if in_pyproject { " [tool.unawait]" } else { "" };
    let config: Config = section.clone().try_into().map_err(|e: toml::de::Error| {
        let key = culprit(&section)
            .map(|k| format!("`{k}`: "))
            .unwrap_or_default();
        anyhow!("{}{}: {key}{}", path.display(), where_, e.message().trim())
    })?;
    Ok(Some(config))
}

/// How many single-character insertions, deletions or substitutions turn `a` into `b`.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The `[tool.X]` tables of a pyproject.toml that look like a misspelt
/// `[tool.unawait]` (`unawiat`, `un-await`, `Unawait`).
fn near_misses(table: &toml::Table) -> Vec<&str> {
    let Some(tool) = table.get("tool").and_then(|t| t.as_table()) else {
        return Vec::new();
    };
    tool.keys()
        .filter(|k| {
            let plain: String = k
                .to_lowercase()
                .chars()
                .filter(|c| !matches!(c, '-' | '_'))
                .collect();
            k.as_str() != "unawait" && distance(&plain, "unawait") <= 2
        })
        .map(String::as_str)
        .collect()
}

fn warn_near_misses(path: &Path, table: &toml::Table) {
    for name in near_misses(table) {
        crate::messages::warning(format_args!(
            "{}: `[tool.{name}]` is not read; did you mean `[tool.unawait]`?",
            path.display()
        ));
    }
}

/// The first key of `section` that fails on its own (a wrong type says which value
/// is wrong, not which key holds it), so the message can name the key.
fn culprit(section: &toml::Value) -> Option<&str> {
    section.as_table()?.iter().find_map(|(key, value)| {
        let mut alone = toml::Table::new();
        alone.insert(key.clone(), value.clone());
        toml::Value::Table(alone)
            .try_into::<Config>()
            .is_err()
            .then_some(key.as_str())
    })
}

/// Read a configuration file named on the command line.
pub fn load_file(path: &Path) -> Result<Loaded> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        anyhow!(
            "cannot read configuration file {}: {}",
            path.display(),
            crate::messages::io_reason(&e)
        )
    })?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let config = parse_config(path, &text, is_pyproject)?.unwrap_or_default();
    Ok(Loaded {
        config,
        path: path.to_path_buf(),
    })
}

/// Find and read the nearest configuration above `start`.
pub fn discover(start: &Path) -> Result<Option<Loaded>> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let own = d.join("unawait.toml");
        if own.is_file() {
            let pyproject = d.join("pyproject.toml");
            let both = std::fs::read_to_string(&pyproject)
                .ok()
                .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
                .is_some_and(|t| t.get("tool").and_then(|t| t.get("unawait")).is_some());
            if both {
                crate::messages::warning(format_args!(
                    "{} and {} both hold settings; {} wins and [tool.unawait] is not read",
                    own.display(),
                    pyproject.display(),
                    own.display()
                ));
            }
            return load_file(&own).map(Some);
        }
        let pyproject = d.join("pyproject.toml");
        if pyproject.is_file() {
            let text = std::fs::read_to_string(&pyproject)
                .with_context(|| format!("cannot read {}", pyproject.display()))?;
            if let Some(config) = parse_config(&pyproject, &text, true)? {
                return Ok(Some(Loaded {
                    config,
                    path: pyproject,
                }));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_of_the_table_name() {
        let t: toml::Table = toml::from_str(
            "[tool.unawiat]\n[tool.un-await]\n[tool.ruff]\n[tool.await]\n[tool.Unawait]",
        )
        .unwrap();
        let mut got = near_misses(&t);
        got.sort();
        assert_eq!(got, ["Unawait", "await", "un-await", "unawiat"]);
        assert_eq!(distance("unawiat", "unawait"), 2);
        assert_eq!(distance("", "ab"), 2);
    }

    #[test]
    fn reads_tool_unawait_from_pyproject() {
        let text = "[project]\nname='x'\n[tool.unawait]\nfunctions=['a.b']\nkeep-in-raises=false\nsync-decorators=['my.deco']\n[tool.unawait.replace-with]\n'a.b'='b_async'\n";
        let c = parse_config(Path::new("pyproject.toml"), text, true)
            .unwrap()
            .unwrap();
        assert_eq!(c.functions, Some(vec!["a.b".to_string()]));
        assert_eq!(c.keep_in_raises, Some(false));
        assert_eq!(c.sync_decorators, Some(vec!["my.deco".to_string()]));
        assert_eq!(c.replace_with.unwrap()["a.b"], "b_async");
    }

    #[test]
    fn pyproject_without_section_is_none() {
        assert_eq!(
            parse_config(Path::new("pyproject.toml"), "[project]\n", true).unwrap(),
            None
        );
    }

    #[test]
    fn unknown_key_names_file_and_key() {
        let err = parse_config(
            Path::new("p/pyproject.toml"),
            "[tool.unawait]\nfunctionz=[]\n",
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("p/pyproject.toml [tool.unawait]"), "{err}");
        assert!(err.contains("functionz"), "{err}");
    }

    #[test]
    fn wrong_type_and_bad_toml() {
        let err = parse_config(Path::new("unawait.toml"), "functions = 'x'\n", false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unawait.toml") && err.contains("sequence"),
            "{err}"
        );
        let err = parse_config(
            Path::new("p/pyproject.toml"),
            "[tool.unawait]\nfunctions = ['f']\nkeep-in-raises = 'yes'\n",
            true,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "p/pyproject.toml [tool.unawait]: `keep-in-raises`: invalid type: string \"yes\", expected a boolean"
        );
        let err = parse_config(Path::new("unawait.toml"), "functions = [\n", false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid TOML"), "{err}");
    }

    #[test]
    fn unawait_toml_top_level_or_section() {
        let a = parse_config(Path::new("unawait.toml"), "methods=['m']\n", false)
            .unwrap()
            .unwrap();
        let b = parse_config(
            Path::new("unawait.toml"),
            "[tool.unawait]\nmethods=['m']\n",
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(a, b);
    }
}
