//! The rules: which functions and methods are synchronous, and what to do about an
//! `await` on them.
//!
//! A rule names a function by bare name (`get_websocket_manager`) or by qualified name
//! (`pkg.mod.get_websocket_manager`). Names are checked here, once, so that the matcher
//! can trust them; an invalid name is a configuration error, never a silent no-op.

use std::collections::{HashMap, HashSet};

use anyhow::{bail, Result};

/// One synchronous function to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// As written: `name` or `pkg.mod.name`.
    pub name: String,
    /// An async twin: keep the await and rename the callee to this.
    pub replace_with: Option<String>,
}

impl Rule {
    /// The last dotted component: the identifier that appears at call sites.
    pub fn last(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    pub fn is_qualified(&self) -> bool {
        self.name.contains('.')
    }
}

/// All rules of a run, indexed for the matcher.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    pub functions: Vec<Rule>,
    /// Method names matched on any receiver (`obj.name(...)`).
    pub methods: Vec<String>,
    by_last: HashMap<String, Vec<usize>>,
    method_set: HashSet<String>,
}

impl RuleSet {
    /// Build and validate a rule set. `replace_with` maps a rule's name (as written, or
    /// its last component) to the async twin's name.
    pub fn new(
        functions: &[String],
        methods: &[String],
        replace_with: &[(String, String)],
    ) -> Result<RuleSet> {
        let mut rules: Vec<Rule> = Vec::new();
        for name in functions {
            check_dotted(name)
                .map_err(|why| anyhow::anyhow!("invalid function name `{name}`: {why}"))?;
            if rules.iter().any(|r| &r.name == name) {
                continue;
            }
            rules.push(Rule {
                name: name.clone(),
                replace_with: None,
            });
        }
        for (old, new) in replace_with {
            check_dotted(old)
                .map_err(|why| anyhow::anyhow!("invalid replace-with key `{old}`: {why}"))?;
            check_identifier(new).map_err(|why| {
                anyhow::anyhow!("invalid replace-with value `{new}` for `{old}`: {why}")
            })?;
            match rules.iter_mut().find(|r| &r.name == old) {
                Some(rule) => rule.replace_with = Some(new.clone()),
                None => rules.push(Rule {
                    name: old.clone(),
                    replace_with: Some(new.clone()),
                }),
            }
        }
        let mut method_list = Vec::new();
        for m in methods {
            check_identifier(m)
                .map_err(|why| anyhow::anyhow!("invalid method name `{m}`: {why}"))?;
            if !method_list.contains(m) {
                method_list.push(m.clone());
            }
        }
        if rules.is_empty() && method_list.is_empty() {
            bail!(
                "no functions to look for: pass -f NAME (or --method NAME), or set `functions` in [tool.unawait]"
            );
        }
        let mut by_last: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            by_last.entry(rule.last().to_string()).or_default().push(i);
        }
        let method_set = method_list.iter().cloned().collect();
        Ok(RuleSet {
            functions: rules,
            methods: method_list,
            by_last,
            method_set,
        })
    }

    /// Rules whose last component is `name`.
    pub fn by_last(&self, name: &str) -> impl Iterator<Item = &Rule> {
        self.by_last
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.functions[i])
    }

    pub fn has_last(&self, name: &str) -> bool {
        self.by_last.contains_key(name)
    }

    pub fn is_method(&self, name: &str) -> bool {
        self.method_set.contains(name)
    }

    /// Every identifier whose presence makes a file worth parsing.
    pub fn needles(&self) -> Vec<String> {
        let mut out: Vec<String> = self.by_last.keys().cloned().collect();
        out.extend(self.methods.iter().cloned());
        out.sort();
        out.dedup();
        out
    }
}

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Is `name` a Python identifier that is not a keyword?
pub fn check_identifier(name: &str) -> std::result::Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("it is empty".into());
    };
    if !(first == '_' || first.is_alphabetic()) {
        return Err(format!("`{first}` cannot start a Python identifier"));
    }
    if let Some(bad) = chars.find(|c| !(*c == '_' || c.is_alphanumeric())) {
        return Err(format!("`{bad}` is not allowed in a Python identifier"));
    }
    if KEYWORDS.contains(&name) {
        return Err("it is a Python keyword".into());
    }
    Ok(())
}

fn check_dotted(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    for part in name.split('.') {
        check_identifier(part)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn indexes_by_last_component() {
        let rs = RuleSet::new(&s(&["a.b.get", "get", "other"]), &[], &[]).unwrap();
        assert_eq!(rs.by_last("get").count(), 2);
        assert!(rs.has_last("other"));
        assert!(!rs.has_last("b"));
        assert_eq!(rs.needles(), s(&["get", "other"]));
    }

    #[test]
    fn rejects_bad_names() {
        for bad in ["", "1abc", "a-b", "a..b", "class", "a.await", "f()"] {
            assert!(RuleSet::new(&s(&[bad]), &[], &[]).is_err(), "{bad}");
        }
        assert!(RuleSet::new(&[], &s(&["x.y"]), &[]).is_err());
    }

    #[test]
    fn empty_is_an_error() {
        let err = RuleSet::new(&[], &[], &[]).unwrap_err().to_string();
        assert!(err.contains("no functions"), "{err}");
    }

    #[test]
    fn replace_with_attaches_to_rule() {
        let rs =
            RuleSet::new(&s(&["m.get"]), &[], &[("m.get".into(), "get_async".into())]).unwrap();
        assert_eq!(rs.functions.len(), 1);
        assert_eq!(rs.functions[0].replace_with.as_deref(), Some("get_async"));
        let rs = RuleSet::new(&[], &[], &[("other".into(), "other_async".into())]).unwrap();
        assert_eq!(rs.functions[0].name, "other");
    }
}
