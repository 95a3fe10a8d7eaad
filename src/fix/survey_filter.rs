//! Which files `suggest` must parse, decided from bytes alone.
//!
//! `suggest` counts an `await` only when its callee resolves, through the file's own
//! `def`s and imports, to a synchronous `def` of the tree. Most awaits cannot: the
//! callee is a parameter or a local (`await hass.async_add_executor_job(...)`), the
//! result of a call (`await super().close()`), or comes from a module outside the tree
//! (`await asyncio.sleep(...)`). [`look`] reads a file's `def`s, imports and awaited
//! calls from its bytes, and [`select`] keeps the files with an await whose callee may
//! reach a name the tree defines, through a module the tree has. Only those are parsed
//! at first; the modules their callees resolve through are parsed after them, on demand
//! (`suggest::survey_selected`).
//!
//! The look may keep a file needlessly, never drop one whose survey would count an
//! await: every test below only ever adds (text in strings and comments is read as code,
//! an import it cannot read binds every name in it, in the tree).

use std::collections::HashSet;

use memchr::memmem;

use crate::python::lexical::{group_end, ident_at, is_ident_byte, skip_gap, whole_word};

/// What a callee may resolve to: the name of a function the tree must define, through a
/// module whose top-level name the tree must have (`None`: the file itself, or a relative
/// import, always in the tree).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reach {
    pub top: Option<Vec<u8>>,
    pub name: Vec<u8>,
}

/// What the bytes of one Python file say, for [`select`].
#[derive(Debug, Default)]
pub struct Look {
    /// Names this file may give to a function of the tree: each `def NAME` not written
    /// `async def`, and each `as NAME` of a `from` import (a renamed re-export).
    pub defines: Vec<Vec<u8>>,
    /// Names it may give to a class: each `class NAME`, and each `as NAME` of a `from`
    /// import.
    pub classes: Vec<Vec<u8>>,
    /// What its awaited calls may resolve to.
    pub reaches: Vec<Reach>,
}

/// A name bound by an import statement.
#[derive(Debug)]
struct Import<'s> {
    bound: &'s [u8],
    /// The name imported from the module (`from m import NAME as bound`); `None` for
    /// `import a.b`, whose binding is a module.
    original: Option<&'s [u8]>,
    /// The top-level module name; `None` for a relative import.
    top: Option<&'s [u8]>,
}

/// Read the `def`s, imports and awaited calls of `source`.
pub fn look(source: &[u8]) -> Look {
    let imports = imports(source);
    let mut local: HashSet<&[u8]> = HashSet::new();
    for at in words(source, b"def") {
        if let Some(name) = ident_at(source, skip_gap(source, at + 3, b"")) {
            if !written_async(source, at) {
                local.insert(name);
            }
        }
    }
    let mut defines: HashSet<&[u8]> = local.clone();
    let mut classes: HashSet<&[u8]> = words(source, b"class")
        .filter_map(|at| ident_at(source, skip_gap(source, at + 5, b"")))
        .collect();
    for i in &imports {
        if i.original.is_some_and(|o| o != i.bound) {
            defines.insert(i.bound);
            classes.insert(i.bound);
        }
    }
    let mut reaches: HashSet<Reach> = HashSet::new();
    for at in words(source, b"await") {
        let Some((root, parts, last)) = awaited_chain(source, at + 5) else {
            continue;
        };
        // `self.f()` / `cls.f()` is read as the enclosing class's `f`.
        let own_method = parts == 1 && (root == b"self" || root == b"cls");
        if (parts == 0 || own_method) && local.contains(last) {
            reaches.insert(Reach {
                top: None,
                name: last.to_vec(),
            });
        }
        for i in imports.iter().filter(|i| i.bound == root) {
            let name = match (parts, i.original) {
                (0, Some(original)) => original,
                // A module imported by `import m` is not callable.
                (0, None) => continue,
                _ => last,
            };
            reaches.insert(Reach {
                top: i.top.map(<[u8]>::to_vec),
                name: name.to_vec(),
            });
        }
    }
    Look {
        defines: defines.into_iter().map(<[u8]>::to_vec).collect(),
        classes: classes.into_iter().map(<[u8]>::to_vec).collect(),
        reaches: reaches.into_iter().collect(),
    }
}

/// The names the tree may give to functions and to classes, from every file's look.
#[derive(Debug, Default)]
pub struct Names {
    functions: HashSet<Vec<u8>>,
    classes: HashSet<Vec<u8>>,
}

impl Names {
    pub fn of(looks: &[Option<Look>]) -> Names {
        let mut names = Names::default();
        for look in looks.iter().flatten() {
            names.functions.extend(look.defines.iter().cloned());
            names.classes.extend(look.classes.iter().cloned());
        }
        names
    }

    /// May the qualified `name` end at a synchronous `def` of the tree? Its last name
    /// must be one the tree gives a function: re-exports keep it, but for `as`.
    pub fn may_be_function(&self, qualified: &str) -> bool {
        self.functions.contains(last_name(qualified).as_bytes())
    }

    /// May the qualified `name` end at a class of the tree?
    pub fn may_be_class(&self, qualified: &str) -> bool {
        self.classes.contains(last_name(qualified).as_bytes())
    }
}

fn last_name(qualified: &str) -> &str {
    qualified.rsplit('.').next().unwrap_or(qualified)
}

/// Which files to survey first: those with a reach the tree may satisfy. `tops` are the
/// top-level names of the tree's modules.
pub fn select(looks: &[Option<Look>], tops: &HashSet<Vec<u8>>, names: &Names) -> Vec<usize> {
    looks
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.as_ref().is_some_and(|l| {
                l.reaches.iter().any(|r| {
                    names.functions.contains(r.name.as_slice())
                        && r.top.as_ref().is_none_or(|t| tops.contains(t))
                })
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// Where `word` starts as a whole word in `source`.
fn words<'s>(source: &'s [u8], word: &'s [u8]) -> impl Iterator<Item = usize> + 's {
    memmem::find_iter(source, word).filter(move |&at| whole_word(source, at, at + word.len()))
}

/// Is the `def` at `at` written `async def`? Only when plainly so (blanks between).
fn written_async(source: &[u8], at: usize) -> bool {
    let before = &source[..at];
    let end = before.len()
        - before
            .iter()
            .rev()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
    end >= 5 && &before[end - 5..end] == b"async" && (end == 5 || !is_ident_byte(before[end - 6]))
}

/// After an `await` ending at `i`: `(`s, then a dotted chain of names, then `)`s and a
/// call's `(`. The chain's first name, how many names follow it, and its last name.
fn awaited_chain(source: &[u8], i: usize) -> Option<(&[u8], usize, &[u8])> {
    let mut i = skip_gap(source, i, b"(");
    let root = ident_at(source, i)?;
    let mut last = root;
    let mut parts = 0;
    i += root.len();
    loop {
        let j = skip_gap(source, i, b"");
        if source.get(j) != Some(&b'.') {
            break;
        }
        let k = skip_gap(source, j + 1, b"");
        let Some(name) = ident_at(source, k) else {
            break;
        };
        last = name;
        parts += 1;
        i = k + name.len();
    }
    let i = skip_gap(source, i, b")");
    (source.get(i) == Some(&b'(')).then_some((root, parts, last))
}

/// Skip blanks and backslash continuations, not line ends.
fn skip_blanks(source: &[u8], mut i: usize) -> usize {
    loop {
        match source.get(i) {
            Some(b' ' | b'\t' | b'\x0c') => i += 1,
            Some(b'\\') => match source.get(i + 1) {
                Some(b'\n') => i += 2,
                Some(b'\r') if source.get(i + 2) == Some(&b'\n') => i += 3,
                Some(b'\r') => i += 2,
                _ => return i,
            },
            _ => return i,
        }
    }
}

/// Every name bound by an import statement of `source`, read from each `import` word.
fn imports(source: &[u8]) -> Vec<Import<'_>> {
    let mut out = Vec::new();
    for at in words(source, b"import") {
        let from = from_module(source, at);
        let body = import_body(source, at + 6);
        let top = from.flatten();
        for tokens in items(body) {
            let (name, alias) = match tokens.as_slice() {
                [] | [b"*"] => continue,
                [name] => (*name, None),
                [name, b"as", alias] => (*name, Some(*alias)),
                // Not an import item as read here: each name may be bound, in the tree.
                _ => {
                    for t in &tokens {
                        for w in t.split(|b| !is_ident_byte(*b)).filter(|w| !w.is_empty()) {
                            out.push(Import {
                                bound: w,
                                original: Some(w),
                                top: None,
                            });
                        }
                    }
                    continue;
                }
            };
            match from {
                Some(_) => out.push(Import {
                    bound: alias.unwrap_or(name),
                    original: Some(name),
                    top,
                }),
                None => out.push(Import {
                    bound: alias.unwrap_or_else(|| top_of(name)),
                    original: None,
                    top: Some(top_of(name)),
                }),
            }
        }
    }
    out
}

/// `a.b.c` → `a`.
fn top_of(module: &[u8]) -> &[u8] {
    module.split(|&b| b == b'.').next().unwrap_or(module)
}

/// The items of an import list, each as its words: `a.b as c, d  # why` →
/// `[a.b, as, c]`, `[d]`. Parentheses, blanks, continuations and comments separate words.
fn items(body: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut out = vec![Vec::new()];
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        match b {
            b',' => {
                out.push(Vec::new());
                i += 1;
            }
            b'#' => {
                i = memchr::memchr2(b'\n', b'\r', &body[i..]).map_or(body.len(), |n| i + n);
            }
            _ if b.is_ascii_whitespace() || matches!(b, b'\\' | b'(' | b')') => i += 1,
            _ => {
                let len = body[i..]
                    .iter()
                    .take_while(|&&c| {
                        !(c.is_ascii_whitespace() || matches!(c, b'\\' | b'(' | b')' | b',' | b'#'))
                    })
                    .count();
                out.last_mut()
                    .expect("one item at least")
                    .push(&body[i..i + len]);
                i += len;
            }
        }
    }
    out
}

/// For an `import` at `at` written `from MODULE import`: `Some(None)` when MODULE is
/// relative, else `Some(Some(top))` with its top-level name; `None` for a plain `import`.
fn from_module(source: &[u8], at: usize) -> Option<Option<&[u8]>> {
    // Back over the module, blanks and continuations to the word before them.
    let mut i = at;
    loop {
        if i > 0
            && (is_ident_byte(source[i - 1])
                || matches!(source[i - 1], b'.' | b' ' | b'\t' | b'\x0c'))
        {
            i -= 1;
        } else if i >= 2 && source[i - 1] == b'\n' && source[i - 2] == b'\\' {
            i -= 2;
        } else if i >= 3 && &source[i - 3..i] == b"\\\r\n" {
            i -= 3;
        } else if i >= 2 && source[i - 1] == b'\r' && source[i - 2] == b'\\' {
            i -= 2;
        } else {
            break;
        }
    }
    let start = skip_blanks(source, i);
    if !source[start..at].starts_with(b"from") {
        return None;
    }
    let after = start + 4;
    let module = skip_blanks(source, after);
    match source.get(module) {
        _ if module >= at => None,
        // `from.mod import x` needs no blank.
        Some(b'.') => Some(None),
        _ if module == after => None,
        _ => Some(Some(ident_at(source, module)?)),
    }
}

/// The text after `import` up to the end of the statement: a parenthesised list, or the
/// rest of the logical line (continuations followed) up to `;` or a comment.
fn import_body(source: &[u8], i: usize) -> &[u8] {
    let i = skip_blanks(source, i);
    if source.get(i) == Some(&b'(') {
        return match group_end(source, i) {
            Some(end) => &source[i + 1..end - 1],
            // Unclosed: to the end of the file; every name in it may be bound.
            None => &source[i + 1..],
        };
    }
    let mut j = i;
    while let Some(&b) = source.get(j) {
        match b {
            b'\\' => j = skip_blanks(source, j).max(j + 1),
            b'\n' | b'\r' | b';' | b'#' => break,
            _ => j += 1,
        }
    }
    &source[i..j]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaches(source: &str) -> Vec<(Option<String>, String)> {
        let mut out: Vec<_> = look(source.as_bytes())
            .reaches
            .into_iter()
            .map(|r| {
                (
                    r.top.map(|t| String::from_utf8(t).unwrap()),
                    String::from_utf8(r.name).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    fn some(top: &str, name: &str) -> (Option<String>, String) {
        (Some(top.into()), name.into())
    }

    fn local(name: &str) -> (Option<String>, String) {
        (None, name.into())
    }

    #[test]
    fn awaits_reach_through_imports_and_own_defs() {
        let source = "\
import asyncio
import app.core as core
from pkg.mod import (
    get as g,  # why
    other,
)
from . import sibling
from .x import y as z; import q
def helper(): pass
async def own(): pass
class C:
    def m(self): pass
async def use(hass, x):
    await asyncio.sleep(1)
    await core.make()
    await g()
    await (other)(1)
    await sibling.run()
    await z()
    await q.w.e()
    await helper()
    await own()
    await self.m()
    await self.other()
    await hass.async_add_executor_job(f)
    await x()
    await asyncio()
    await super().close()
";
        assert_eq!(
            reaches(source),
            vec![
                local("helper"),
                local("m"),
                local("run"),
                local("y"),
                some("app", "make"),
                some("asyncio", "sleep"),
                some("pkg", "get"),
                some("pkg", "other"),
                some("q", "e"),
            ]
        );
        let mut defines: Vec<String> = look(source.as_bytes())
            .defines
            .into_iter()
            .map(|d| String::from_utf8(d).unwrap())
            .collect();
        defines.sort();
        assert_eq!(defines, ["g", "helper", "m", "z"]);
    }

    #[test]
    fn imports_written_across_lines() {
        let source = "from \\\n  pkg.mod \\\n  import \\\n  get\nfrom ..up import (f,\n  h as k)\nawait get()\nawait k()\nawait f()\n";
        assert_eq!(
            reaches(source),
            vec![local("f"), local("h"), some("pkg", "get")]
        );
    }

    #[test]
    fn unreadable_imports_bind_every_name() {
        // Not a statement as read here: each name may be bound, in the tree.
        assert_eq!(reaches("from m import a b\nawait a()\n"), vec![local("a")]);
    }

    #[test]
    fn select_needs_a_defined_name_in_a_tree_module() {
        let files = [
            Some(look(b"def get(): pass\n")),
            Some(look(
                b"from pkg import get\nasync def u():\n    await get()\n",
            )),
            Some(look(
                b"from other import get\nasync def u():\n    await get()\n",
            )),
            Some(look(
                b"from pkg import put\nasync def u():\n    await put()\n",
            )),
            None,
        ];
        let tops = HashSet::from([b"pkg".to_vec()]);
        assert_eq!(select(&files, &tops, &Names::of(&files)), vec![1]);
    }
}
