//! The cheap test that keeps most files from ever being parsed.
//!
//! A file can only hold a match if it contains `await` and at least one rule's last
//! name (an alias is imported under the original name, a module attribute spells it
//! out). Both are plain byte searches; a false positive only costs a parse.
//!
//! Python source gets a closer look when no method rules are given (a method's receiver
//! can be any expression): some `await` must be followed — past blanks, line breaks,
//! continuations, comments and opening parentheses — by a dotted chain of names whose
//! last name is a rule's, or an alias imported for one (`NAME as ALIAS`), and then a
//! call's `(`. That is every shape the matcher accepts, so the test still never says no
//! to a file with a match; it says no to the many files that mention a common name
//! (`get`) but never await a call of it.

use aho_corasick::AhoCorasick;
use memchr::memmem;

use crate::fix::rules::RuleSet;
use crate::python::lexical::{is_ident_byte, whole_word};

pub struct Prefilter {
    await_kw: memmem::Finder<'static>,
    names: AhoCorasick,
    needles: Vec<Vec<u8>>,
    /// Method rules make the closer look pointless.
    loose_only: bool,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Self {
        let needles = rules.needles();
        Prefilter {
            await_kw: memmem::Finder::new(b"await"),
            names: AhoCorasick::new(&needles).expect("rule names are short identifiers"),
            needles: needles.into_iter().map(String::into_bytes).collect(),
            loose_only: rules.has_methods(),
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
        if self.loose_only {
            return true;
        }
        let mut callees: Vec<&[u8]> = self.needles.iter().map(Vec::as_slice).collect();
        for m in self.names.find_overlapping_iter(source) {
            if whole_word(source, m.start(), m.end()) {
                if let Some(alias) = alias_after(source, m.end()) {
                    callees.push(alias);
                }
            }
        }
        self.await_kw
            .find_iter(source)
            .filter(|&at| whole_word(source, at, at + 5))
            .any(|at| awaits_call_of(source, at + 5, &callees))
    }
}

/// Skip blanks, line breaks, backslash continuations and comments from `i`, and any
/// byte of `also`.
fn skip_gap(source: &[u8], mut i: usize, also: &[u8]) -> usize {
    while let Some(&b) = source.get(i) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\' => i += 1,
            b'#' => {
                // To the end of the line, which may be a lone CR.
                i = memchr::memchr2(b'\n', b'\r', &source[i..]).map_or(source.len(), |n| i + n);
            }
            _ if also.contains(&b) => i += 1,
            _ => break,
        }
    }
    i
}

/// The identifier starting at `i`, if any.
fn ident_at(source: &[u8], i: usize) -> Option<&[u8]> {
    let len = source[i.min(source.len())..]
        .iter()
        .take_while(|&&b| is_ident_byte(b))
        .count();
    (len > 0).then(|| &source[i..i + len])
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
        // With method rules any receiver may hide the call: the loose test only.
        let rules = RuleSet::new(&[], &["send".into()], &[]).unwrap();
        assert!(Prefilter::new(&rules).wants_python(b"await (a + b).send()"));
    }
}
