//! The rules: which functions and methods are synchronous, and what to do about an
//! `await` on them.
//!
//! A rule names a function by bare name (`get_websocket_manager`) or by qualified name
//! (`pkg.mod.get_websocket_manager`). Names are checked here, once, so that the matcher
//! can trust them; an invalid name is a configuration error, never a silent no-op.

use std::collections::HashMap;

use anyhow::{bail, Result};

/// What a rule names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A function, by bare name (`get`) or qualified name (`pkg.mod.get`), matched
    /// through the file's imports.
    Function(String),
    /// A method name, matched on any receiver (`obj.name(...)`).
    Method(String),
}

/// One synchronous callable to look for, and what to do about an `await` on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub kind: RuleKind,
    /// An async twin: keep the await and call this instead.
    pub twin: Option<String>,
}

impl Rule {
    /// The name as written: `name`, `pkg.mod.name`, or the method's name.
    pub fn name(&self) -> &str {
        match &self.kind {
            RuleKind::Function(name) | RuleKind::Method(name) => name,
        }
    }

    /// The last dotted component: the identifier that appears at call sites.
    pub fn last(&self) -> &str {
        let name = self.name();
        name.rsplit('.').next().unwrap_or(name)
    }

    pub fn is_qualified(&self) -> bool {
        matches!(&self.kind, RuleKind::Function(name) if name.contains('.'))
    }
}

/// All rules of a run, indexed for the matcher.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Function rules by their last component.
    by_last: HashMap<String, Vec<usize>>,
    /// Method rules by name.
    methods: HashMap<String, usize>,
    /// Decorators the configuration says keep a `def` synchronous (`sync-decorators`).
    sync_decorators: Vec<String>,
}

impl RuleSet {
    /// Build and validate a rule set. `replace_with` maps a function rule's name (as
    /// written, or its last component) to the async twin's name.
    pub fn new(
        functions: &[String],
        methods: &[String],
        replace_with: &[(String, String)],
    ) -> Result<RuleSet> {
        let mut rules: Vec<Rule> = Vec::new();
        for name in functions {
            check_dotted(name)
                .map_err(|why| anyhow::anyhow!("invalid function name `{name}`: {why}"))?;
            if rules.iter().any(|r| r.name() == name) {
                continue;
            }
            rules.push(Rule {
                kind: RuleKind::Function(name.clone()),
                twin: None,
            });
        }
        for (old, new) in replace_with {
            check_dotted(old)
                .map_err(|why| anyhow::anyhow!("invalid replace-with key `{old}`: {why}"))?;
            check_identifier(new).map_err(|why| {
                anyhow::anyhow!("invalid replace-with value `{new}` for `{old}`: {why}")
            })?;
            match rules.iter_mut().find(|r| r.name() == old) {
                Some(rule) => rule.twin = Some(new.clone()),
                None => rules.push(Rule {
                    kind: RuleKind::Function(old.clone()),
                    twin: Some(new.clone()),
                }),
            }
        }
        for m in methods {
            check_identifier(m)
                .map_err(|why| anyhow::anyhow!("invalid method name `{m}`: {why}"))?;
            let known = rules
                .iter()
                .any(|r| matches!(&r.kind, RuleKind::Method(x) if x == m));
            if !known {
                // A twin configured for the function of the same name applies to the
                // method too (`replace-with = {get = "get_async"}` with `--method get`).
                let twin = rules
                    .iter()
                    .find(|r| r.name() == m)
                    .and_then(|r| r.twin.clone());
                rules.push(Rule {
                    kind: RuleKind::Method(m.clone()),
                    twin,
                });
            }
        }
        if rules.is_empty() {
            bail!(
                "no functions to look for: pass -f NAME (or --method NAME), or set `functions` in [tool.unawait]"
            );
        }
        let mut by_last: HashMap<String, Vec<usize>> = HashMap::new();
        let mut method_index = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            match &rule.kind {
                RuleKind::Function(_) => {
                    by_last.entry(rule.last().to_string()).or_default().push(i)
                }
                RuleKind::Method(name) => {
                    method_index.insert(name.clone(), i);
                }
            }
        }
        Ok(RuleSet {
            rules,
            by_last,
            methods: method_index,
            sync_decorators: Vec::new(),
        })
    }

    /// The same rules, with the decorators that keep a `def` synchronous
    /// (`sync-decorators`: dotted or bare names, checked like rule names).
    pub fn with_sync_decorators(mut self, names: &[String]) -> Result<RuleSet> {
        for name in names {
            check_dotted(name)
                .map_err(|why| anyhow::anyhow!("invalid sync-decorators entry `{name}`: {why}"))?;
        }
        self.sync_decorators = names.to_vec();
        Ok(self)
    }

    /// The configured `sync-decorators`.
    pub fn sync_decorators(&self) -> &[String] {
        &self.sync_decorators
    }

    /// Every rule, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Function rules whose last component is `name`.
    pub fn by_last(&self, name: &str) -> impl Iterator<Item = &Rule> {
        self.by_last
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.rules[i])
    }

    pub fn has_last(&self, name: &str) -> bool {
        self.by_last.contains_key(name)
    }

    /// The function rule written exactly `name`.
    pub fn function(&self, name: &str) -> Option<&Rule> {
        self.by_last(name.rsplit('.').next().unwrap_or(name))
            .find(|r| r.name() == name)
    }

    /// The method rule for `name`.
    pub fn method(&self, name: &str) -> Option<&Rule> {
        self.methods.get(name).map(|&i| &self.rules[i])
    }

    pub fn has_methods(&self) -> bool {
        !self.methods.is_empty()
    }

    /// The last names of the function rules: what the project index looks for.
    pub fn function_needles(&self) -> Vec<String> {
        let mut out: Vec<String> = self.by_last.keys().cloned().collect();
        out.sort();
        out
    }

    /// The names of the method rules: the project index looks for their `async def`s,
    /// which keep the await on a class of the tree (`C().m()`).
    pub fn method_needles(&self) -> Vec<String> {
        let mut out: Vec<String> = self.methods.keys().cloned().collect();
        out.sort();
        out
    }

    /// Every identifier whose presence makes a file worth parsing.
    pub fn needles(&self) -> Vec<String> {
        let mut out: Vec<String> = self.rules.iter().map(|r| r.last().to_string()).collect();
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
        if part.is_empty() {
            return Err("a dotted name needs a name between each two dots, and at its ends".into());
        }
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
        let rs = RuleSet::new(&s(&["a.b.get"]), &s(&["send"]), &[]).unwrap();
        assert_eq!(rs.needles(), s(&["get", "send"]));
        assert_eq!(rs.function_needles(), s(&["get"]));
    }

    #[test]
    fn rejects_bad_names() {
        for bad in ["", "1abc", "a-b", "a..b", "class", "a.await", "f()"] {
            assert!(RuleSet::new(&s(&[bad]), &[], &[]).is_err(), "{bad}");
        }
        assert!(RuleSet::new(&[], &s(&["x.y"]), &[]).is_err());
    }

    #[test]
    fn sync_decorators_are_checked_names() {
        let rs = RuleSet::new(&s(&["get"]), &[], &[]).unwrap();
        let rs = rs.with_sync_decorators(&s(&["my.deco", "retry"])).unwrap();
        assert_eq!(rs.sync_decorators(), s(&["my.deco", "retry"]));
        let err = RuleSet::new(&s(&["get"]), &[], &[])
            .unwrap()
            .with_sync_decorators(&s(&["@my.deco"]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid sync-decorators entry `@my.deco`: `@` cannot start a Python identifier"
        );
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
        assert_eq!(rs.iter().count(), 1);
        assert_eq!(
            rs.function("m.get").unwrap().twin.as_deref(),
            Some("get_async")
        );
        let rs = RuleSet::new(&[], &[], &[("other".into(), "other_async".into())]).unwrap();
        assert_eq!(rs.function("other").unwrap().name(), "other");
        assert!(rs.method("other").is_none());
    }
}
