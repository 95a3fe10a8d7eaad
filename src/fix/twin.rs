//! Edits for async twins (`replace-with`): rename the callee, and make the import that
//! brought the old name bring the new one.
//!
//! The existing `from ... import` statement is extended in its own style (one line,
//! parenthesised, multi-line with a trailing comma); the old name is replaced instead of
//! kept only when nothing else in the file mentions it. Untouched code is never
//! reformatted.

use crate::fix::edit::Edit;
use crate::fix::matcher::{Action, Finding};
use crate::python::facts::{Binding, FileFacts, ImportSite};
use crate::python::lexical::whole_word;
use std::collections::BTreeMap;

/// Whole-word occurrences of `word` in `source`.
fn word_count(source: &[u8], word: &[u8]) -> usize {
    memchr::memmem::find_iter(source, word)
        .filter(|&i| whole_word(source, i, i + word.len()))
        .count()
}

/// The line break used at the end of the line holding `at`.
fn line_break_at(source: &[u8], at: usize) -> (usize, &'static str) {
    match memchr::memchr(b'\n', &source[at..]) {
        Some(i) if at + i > 0 && source[at + i - 1] == b'\r' => (at + i - 1, "\r\n"),
        Some(i) => (at + i, "\n"),
        None => (source.len(), "\n"),
    }
}

/// Add `new` to the statement at `site`, after its last item.
fn extend_import(source: &[u8], site: &ImportSite, new: &str) -> Edit {
    let end = site.last_item.end;
    let mut i = end;
    while matches!(source.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let trailing_comma = source.get(i) == Some(&b',');
    if site.parenthesized && trailing_comma {
        let close = site.stmt.end.saturating_sub(1);
        let multi_line = source[i..close].contains(&b'\n');
        if multi_line {
            // `    b,  # note\n)` → a new line with the last item's indentation,
            // after any comment on the last item's line.
            let line_start = source[..site.last_item.start]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let indent: Vec<u8> = source[line_start..site.last_item.start]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .copied()
                .collect();
            let (at, nl) = line_break_at(source, i);
            let mut text = nl.as_bytes().to_vec();
            text.extend_from_slice(&indent);
            text.extend_from_slice(new.as_bytes());
            text.push(b',');
            return Edit::insert(at, text);
        }
        return Edit::insert(i + 1, format!(" {new},"));
    }
    Edit::insert(end, format!(", {new}"))
}

/// An import item to update: its site, the twin's name, and the findings (indexes)
/// whose renamed calls used it.
type ItemUse = (ImportSite, String, Vec<usize>);

/// Give every `replace-with` finding of a file its fix: the rename of its callee and,
/// for a bare name, the edit of the import that brought it (the same edit for every
/// finding that used that import, so that applying any of them brings the twin in).
pub fn attach_fixes(source: &[u8], facts: &FileFacts<'_>, findings: &mut [Finding]) {
    // Import items to update, with the renamed findings that used them.
    let mut by_item: BTreeMap<(usize, usize), ItemUse> = BTreeMap::new();
    for (i, f) in findings.iter_mut().enumerate() {
        let Action::ReplaceWith(new) = &f.action else {
            continue;
        };
        f.fix = vec![Edit::replace(f.callee_name.clone(), new.as_bytes())];
        if let Some(site) = &f.import {
            by_item
                .entry((site.item.start, site.item.end))
                .or_insert_with(|| (site.clone(), new.clone(), Vec::new()))
                .2
                .push(i);
        }
    }
    let module_binds = |name: &str| facts.scopes[0].bindings.contains_key(name);
    for (site, new, users) in by_item.into_values() {
        if module_binds(&new) || word_count(&source[site.stmt.clone()], new.as_bytes()) > 0 {
            continue; // the file already has the twin
        }
        // The name the import binds (`alias` in `name as alias`).
        let bound = users
            .first()
            .map(|&i| &source[findings[i].callee_name.clone()])
            .unwrap_or_default();
        let in_item = word_count(&source[site.item.clone()], bound);
        let elsewhere = word_count(source, bound) - in_item - users.len();
        let bound_elsewhere = facts.scopes[0]
            .bindings
            .get(std::str::from_utf8(bound).unwrap_or(""))
            .is_some_and(|b| b.iter().any(|x| !matches!(x, Binding::From { .. })));
        let import_edit = if elsewhere == 0 && !bound_elsewhere {
            Edit::replace(site.item.clone(), new.as_bytes())
        } else {
            extend_import(source, &site, &new)
        };
        for i in users {
            findings[i].fix.push(import_edit.clone());
        }
    }
}
