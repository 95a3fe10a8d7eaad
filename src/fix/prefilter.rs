//! The cheap test that keeps most files from ever being parsed.
//!
//! A file can only hold a match if it contains `await` and at least one rule's last
//! name (an alias is imported under the original name, a module attribute spells it
//! out). Both are plain byte searches; a false positive only costs a parse.
//!
//! Python source gets a closer look. For function rules, some `await` must be followed
//! — past blanks, line breaks, continuations, comments and opening parentheses — by a
//! dotted chain of names whose last name is a rule's, or an alias imported for one
//! (`NAME as ALIAS`), and then a call's `(`; or its operand must hold `.NAME(` as for a
//! method rule (an await on `pool().NAME()` is reported as left). For method rules, the operand of some
//! `await` (the primary expression after it: a name, a bracketed group, a string or a
//! number, then `.name`, `(...)` and `[...]` trailers) must hold `.NAME(` for a method
//! rule's NAME, in a trailer or anywhere inside a parenthesised operand. Both cover every
//! shape the matcher accepts, so the test never says no to a file with a match; where a
//! scan cannot be sure (an f-string, text that does not close) it says yes. It says no
//! to the many files that mention a common name (`get`) but never await a call of it.

use aho_corasick::AhoCorasick;
use memchr::memmem;

use crate::fix::rules::{RuleKind, RuleSet};
use crate::python::lexical::{
    group_end, ident_at, is_ident_byte, is_template_prefix, skip_gap, string_end, whole_word,
};

pub struct Prefilter {
    await_kw: memmem::Finder<'static>,
    names: AhoCorasick,
    /// The last names of function rules.
    functions: Vec<Vec<u8>>,
    /// Method rules' names.
    methods: Vec<Vec<u8>>,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Self {
        Self::with_renamed(rules, &[])
    }

    /// The prefilter of `rules` whose functions are also called `renamed` (the other
    /// names the project re-exports them under): a file that calls only such a name
    /// may hold a match.
    pub fn with_renamed(rules: &RuleSet, renamed: &[String]) -> Self {
        let mut needles = rules.needles();
        needles.extend(renamed.iter().cloned());
        needles.sort();
        needles.dedup();
        let mut functions = functions_of(rules);
        functions.extend(renamed.iter().map(|n| n.as_bytes().to_vec()));
        functions.sort();
        functions.dedup();
        Prefilter {
            await_kw: memmem::Finder::new(b"await"),
            names: AhoCorasick::new(&needles).expect("rule names are short identifiers"),
            functions,
            methods: rules
                .iter()
                .filter(|r| matches!(r.kind, RuleKind::Method(_)))
                .map(|r| r.name().as_bytes().to_vec())
                .collect(),
        }
    }

    /// Might `source` contain a match? (Any text: a notebook's JSON, say.)
    pub fn wants(&self, source: &[u8]) -> bool {
        self.await_kw.find(source).is_some() && self.names.is_match(source)
    }

    /// Might Python `source` contain a match? Never false for a file with one.
    pub fn wants_python(&self, source: &[u8]) -> bool {
        if !self.wants(source) {
            return false;
        }
        let mut callees: Vec<&[u8]> = self.functions.iter().map(Vec::as_slice).collect();
        if !callees.is_empty() {
            for m in self.names.find_overlapping_iter(source) {
                if whole_word(source, m.start(), m.end()) {
                    if let Some(alias) = alias_after(source, m.end()) {
                        callees.push(alias);
                    }
                }
            }
        }
        // An await on `x().NAME(...)` for a function rule's NAME is reported as left,
        // so the operand scan of method rules looks for function rules' names too.
        let methods: Vec<&[u8]> = self
            .methods
            .iter()
            .chain(&self.functions)
            .map(Vec::as_slice)
            .collect();
        self.await_kw
            .find_iter(source)
            .filter(|&at| whole_word(source, at, at + 5))
            .any(|at| {
                (!callees.is_empty() && awaits_call_of(source, at + 5, &callees))
                    || (!methods.is_empty() && awaits_method_call(source, at + 5, &methods))
            })
    }
}

/// The last names of the function rules.
fn functions_of(rules: &RuleSet) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = rules
        .iter()
        .filter(|r| matches!(r.kind, RuleKind::Function(_)))
        .map(|r| r.last().as_bytes().to_vec())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `NAME as ALIAS`: the alias after the name ending at `end`.
fn alias_after(source: &[u8], end: usize) -> Option<&[u8]> {
    let i = skip_gap(source, end, b"");
    if ident_at(source, i)? != b"as" {
        return None;
    }
    ident_at(source, skip_gap(source, i + 2, b""))
}

/// After an `await` ending at `i`: `(`s, then `a.b.NAME`, then `)`s and `(`.
fn awaits_call_of(source: &[u8], i: usize, callees: &[&[u8]]) -> bool {
    let mut i = skip_gap(source, i, b"(");
    let mut last = None;
    while let Some(name) = ident_at(source, i) {
        last = Some(name);
        i = skip_gap(source, i + name.len(), b"");
        if source.get(i) != Some(&b'.') {
            break;
        }
        i = skip_gap(source, i + 1, b"");
    }
    let Some(last) = last else {
        return false;
    };
    let i = skip_gap(source, i, b")");
    source.get(i) == Some(&b'(') && callees.contains(&last)
}

/// Does `text` hold `.NAME(` for one of `methods` (blanks and comments allowed between)?
fn holds_method_call(text: &[u8], methods: &[&[u8]]) -> bool {
    memchr::memchr_iter(b'.', text).any(|dot| {
        let i = skip_gap(text, dot + 1, b"");
        ident_at(text, i).is_some_and(|name| {
            methods.contains(&name) && text.get(skip_gap(text, i + name.len(), b"")) == Some(&b'(')
        })
    })
}

/// After an `await` ending at `i`: does its operand, a primary expression, hold a call
/// of one of `methods` (`.NAME(`)? Yes when unsure.
fn awaits_method_call(source: &[u8], i: usize, methods: &[&[u8]]) -> bool {
    let mut i = skip_gap(source, i, b"");
    // The atom.
    match source.get(i) {
        Some(b'(' | b'[' | b'{') => {
            let Some(end) = group_end(source, i) else {
                return true;
            };
            if holds_method_call(&source[i..end], methods) {
                return true;
            }
            i = end;
        }
        Some(b'\'' | b'"') => match string_end(source, i) {
            Some(end) => i = end,
            None => return true,
        },
        Some(b) if b.is_ascii_digit() => {
            i += source[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_'))
                .count();
        }
        Some(&b) if is_ident_byte(b) => {
            let name = ident_at(source, i).unwrap_or_default();
            i += name.len();
            if matches!(source.get(i), Some(b'\'' | b'"')) {
                // A string with a prefix (`b"..."`).
                if is_template_prefix(name) {
                    return true;
                }
                match string_end(source, i) {
                    Some(end) => i = end,
                    None => return true,
                }
            }
        }
        _ => return true,
    }
    // The trailers: `.name`, `(...)`, `[...]`.
    loop {
        let j = skip_gap(source, i, b"");
        match source.get(j) {
            Some(b'.') => {
                let k = skip_gap(source, j + 1, b"");
                let Some(name) = ident_at(source, k) else {
                    return true;
                };
                i = k + name.len();
                if methods.contains(&name) && source.get(skip_gap(source, i, b"")) == Some(&b'(') {
                    return true;
                }
            }
            Some(b'(' | b'[') => match group_end(source, j) {
                Some(end) => i = end,
                None => return true,
            },
            // Strings written side by side are one (`"a" "b".join()`).
            Some(b'\'' | b'"') => return true,
            Some(&b) if is_ident_byte(b) => {
                let name = ident_at(source, j).unwrap_or_default();
                return matches!(source.get(j + name.len()), Some(b'\'' | b'"'));
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_await_and_a_name() {
        let rules = RuleSet::new(&["pkg.get_manager".into()], &["send_sync".into()], &[]).unwrap();
        let p = Prefilter::new(&rules);
        assert!(p.wants(b"x = await get_manager()"));
        assert!(p.wants(b"await self.send_sync()"));
        assert!(!p.wants(b"x = get_manager()"));
        assert!(!p.wants(b"await other()"));
    }

    fn python(functions: &[&str], source: &str) -> bool {
        let functions: Vec<String> = functions.iter().map(|s| s.to_string()).collect();
        let rules = RuleSet::new(&functions, &[], &[]).unwrap();
        Prefilter::new(&rules).wants_python(source.as_bytes())
    }

    #[test]
    fn python_needs_an_awaited_call_of_a_rule() {
        for yes in [
            "x = await get()",
            "x = await  (\n  # why\n  get ( ))",
            "x = (await  # why\r    get())",
            "x = await\\\n    mod.sub . get()",
            "x = await(get())",
            "x = await (get)()",
            "x = await get().send()",
            "from m import get as g\nx = await g()",
            "from m import (\n    get  as  g,\n)\nawait g(1)",
            "f'{await get()}'",
            "x = await rés.get()",
        ] {
            assert!(python(&["pkg.get"], yes), "{yes:?}");
        }
        for no in [
            "x = get()\nawait other()",
            "await foo.bar(get())",
            "x = d.get(1)\nawait asyncio.sleep(1)",
            "await get_thing()",
            "x = awaited.get()",
            "await g()\nfrom m import get",
        ] {
            assert!(!python(&["pkg.get"], no), "{no:?}");
        }
    }

    fn methods(source: &str) -> bool {
        let rules = RuleSet::new(&[], &["send".into(), "get".into()], &[]).unwrap();
        Prefilter::new(&rules).wants_python(source.as_bytes())
    }

    #[test]
    fn method_rules_need_an_awaited_method_call() {
        for yes in [
            "await x.send()",
            "await self.client(1)[0] . send (2)",
            "await (a + b).send()",
            "await (self.send())",
            "await ((x).get())",
            "await x.get(1).other()",
            "await \\\n    x.send()",
            "await x.y(')').send()",
            "await x.y(\"\"\"(\"\"\").send()",
            "await b'x'.get()",
            "await [a][0].send()",
            "f'{await x.send()}'",
            "await x.y(f\"{d[\"k\"]}\").send()",
            "await (unclosed.send(",
            "await x  # why\n.send()",
            "x = d.get(1)\nawait x.send()",
            "await 'a' 'b'.send()",
            "await 'a' b'b'.send()",
        ] {
            assert!(methods(yes), "{yes:?}");
        }
        for no in [
            "x = d.get(1)\nawait asyncio.sleep(1)",
            "await x.other(y.send)",
            "await x.sender()",
            "await send()",
            "await x.send\n",
            "await f(1) + y.send()",
            "await x.y('.send(').z()",
            "x.send()\nawait other()",
        ] {
            assert!(!methods(no), "{no:?}");
        }
        // Function and method rules together: either look may say yes.
        let rules = RuleSet::new(&["get_manager".into()], &["send".into()], &[]).unwrap();
        let p = Prefilter::new(&rules);
        assert!(p.wants_python(b"await get_manager()\nx.send"));
        assert!(p.wants_python(b"get_manager\nawait x.send()"));
        assert!(!p.wants_python(b"get_manager()\nawait x.other(send)"));
    }

    #[test]
    fn renamed_functions_are_needles_too() {
        let rules = RuleSet::new(&["func".to_string()], &[], &[]).unwrap();
        let source = b"from pkg import alias\n\nasync def h():\n    await alias()\n";
        assert!(!Prefilter::new(&rules).wants_python(source));
        assert!(Prefilter::with_renamed(&rules, &["alias".into()]).wants_python(source));
        assert!(!Prefilter::with_renamed(&rules, &["other".into()]).wants_python(source));
    }
}
