//! The cheap test that keeps most files from ever being parsed.
//!
//! A file can only hold a match if it contains `await` and at least one rule's last
//! name (an alias is imported under the original name, a module attribute spells it
//! out). Both are plain byte searches; a false positive only costs a parse.

use aho_corasick::AhoCorasick;
use memchr::memmem;

use crate::rules::RuleSet;

pub struct Prefilter {
    await_kw: memmem::Finder<'static>,
    names: AhoCorasick,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Self {
        Prefilter {
            await_kw: memmem::Finder::new(b"await"),
            names: AhoCorasick::new(rules.needles()).expect("rule names are short identifiers"),
        }
    }

    /// Might `source` contain a match?
    pub fn wants(&self, source: &[u8]) -> bool {
        self.await_kw.find(source).is_some() && self.names.is_match(source)
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
}
