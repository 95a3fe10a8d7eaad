//! Doctest examples in the docstrings of Python files, with `docs`.
//!
//! A docstring ([`crate::python::docstrings`]) is read as doctest reads it: its value
//! (escapes decoded, unless it is raw), with tabs counted to the next multiple of 8.
//! A line whose first non-blank text is `>>>` starts an example, the lines right after
//! it whose first non-blank text is `...` continue it, and the non-blank lines after
//! those, up to a blank line or the next `>>>`, are its expected output. The code is
//! the example lines without their indentation and prompt (`>>> `, `... `, or `>>>` /
//! `...` alone). The examples of one docstring run in one namespace, in order, so they
//! are one piece: one session, parsed as one module.
//!
//! A docstring that doctest itself would refuse (a prompt not followed by a blank, a
//! continuation or output line indented differently from its `>>>` line) is passed
//! over, as is the part of an implicit concatenation (`"a" "b"`) and a file that is
//! not UTF-8. A docstring with an escape that is not decoded here (`\N{...}`, a lone
//! surrogate) is left unchanged with a note when it may hold a match.
//!
//! Each text byte keeps the file bytes it came from, an escape's bytes for what it
//! decodes to; an edit that does not cover whole escapes and raw bytes is refused
//! ([`super::mapped::Mapped::file_range`]), and a replacement goes in only as plain
//! text ([`Escape::Literal`]).

use std::ops::Range;

use memchr::memmem;

use super::mapped::Mapped;
use super::piece::{Escape, Piece, Skip};
use crate::fix::prefilter::Prefilter;
use crate::python::docstrings::{docstring_at, Literal};
use crate::python::lines::{lines, Line};
use crate::python::parse;

/// Might Python `source` hold a doctest example with a match? Never false for a file
/// with one. An example's code is not contiguous in the file, so the prefilter's closer
/// look goes over the lines that may be an example's (their first non-blank text, or
/// the first after a docstring's opening quotes, is `>>>` or `...`), gathered without
/// their prompts; a line with a backslash and a prompt says yes (an escape may make or
/// change an example line, and the value is not the bytes).
pub fn may_hold_examples(source: &[u8], prefilter: &Prefilter) -> bool {
    if memmem::find(source, b">>>").is_none() || !prefilter.wants(source) {
        return false;
    }
    let text = parse::parse_text(source);
    let mut code = Vec::new();
    for l in lines(&text) {
        let line = &text[l.start..l.end];
        let prompt = |p: &[u8]| memmem::find(line, p).is_some();
        if line.contains(&b'\\') && (prompt(b">>>") || prompt(b"...")) {
            return true;
        }
        let rest = after_opening_quotes(&line[indentation(line).1..]);
        if rest.starts_with(b">>>") || rest.starts_with(b"...") {
            let rest = &rest[3..];
            code.extend_from_slice(rest.strip_prefix(b" ").unwrap_or(rest));
            code.push(b'\n');
        }
    }
    prefilter.wants_python(&code)
}

/// `text` past a string literal's opening (`r"""`, `'`), if it starts with one.
fn after_opening_quotes(text: &[u8]) -> &[u8] {
    let letters = text
        .iter()
        .take(2)
        .take_while(|b| matches!(b, b'r' | b'R' | b'u' | b'U'))
        .count();
    let rest = &text[letters..];
    let quotes = rest
        .iter()
        .take_while(|&&b| b == b'"' || b == b'\'')
        .count();
    if quotes == 0 {
        return text;
    }
    &rest[quotes..]
}

/// The docstrings of Python `file` that hold doctest examples, in file order.
pub fn pieces(file: &[u8]) -> Vec<Piece> {
    let finder = memmem::Finder::new(b">>>");
    if finder.find(file).is_none() || std::str::from_utf8(file).is_err() {
        return Vec::new();
    }
    // Lone CRs are line breaks in a literal's value, as the parser's text has them.
    let text = parse::parse_text(file);
    let tree = parse::parse(&text);
    let mut out = Vec::new();
    let (mut after, mut line, mut counted) = (0, 1, 0);
    for at in finder.find_iter(&text) {
        if at < after {
            continue;
        }
        let Some(node) = docstring_at(&tree, &text, at) else {
            continue;
        };
        let Some(literal) = Literal::of(node, &text) else {
            continue;
        };
        after = literal.range.end;
        if node
            .parent()
            .is_some_and(|p| p.kind() == "concatenated_string")
        {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &text[counted..literal.range.start]).count();
        counted = literal.range.start;
        if let Some(piece) = piece(&text, &literal, format!("docstring at line {line}")) {
            out.push(piece);
        }
    }
    out
}

/// The piece of the docstring `literal`, when it holds examples doctest would run.
fn piece(text: &[u8], literal: &Literal, label: String) -> Option<Piece> {
    let content = literal.content.clone();
    let value = if literal.is_raw(text) {
        Mapped::raw(&text[content.clone()], content.start)
    } else {
        match decode(text, content.clone()) {
            Ok(value) => value,
            Err(why) => {
                // The raw text tells whether a match may be there (the prefilter).
                return Some(Piece {
                    label,
                    mapped: Mapped::raw(&text[content.clone()], content.start),
                    escape: Escape::Literal {
                        prefix: None,
                        triple: literal.triple,
                    },
                    skip: Some(Skip::Note(format!(
                        "{why}, which unawait does not decode; docstring left unchanged"
                    ))),
                });
            }
        }
    };
    let (mapped, prefix) = session(&value)?;
    Some(Piece {
        label,
        mapped,
        escape: Escape::Literal {
            prefix,
            triple: literal.triple,
        },
        skip: None,
    })
}

/// The width of a line's indentation (spaces and tabs, tabs to the next multiple of
/// 8, as `str.expandtabs`), and its length in bytes.
fn indentation(line: &[u8]) -> (usize, usize) {
    let mut width = 0;
    let mut len = 0;
    for &b in line {
        match b {
            b' ' => width += 1,
            b'\t' => width = (width / 8 + 1) * 8,
            _ => break,
        }
        len += 1;
    }
    (width, len)
}

/// The code of the examples in a docstring's value, and the prefix of their lines
/// (`None` when examples start differently); `None` when there is no example, or
/// doctest would refuse the docstring.
fn session(value: &Mapped) -> Option<(Mapped, Option<Vec<u8>>)> {
    let t = &value.text;
    let all: Vec<Line> = lines(t).collect();
    let body = |l: &Line| {
        let (width, len) = indentation(&t[l.start..l.end]);
        (width, len, &t[l.start + len..l.end])
    };
    let mut code = Mapped::default();
    let mut prefix: Option<Option<Vec<u8>>> = None;
    let mut i = 0;
    while i < all.len() {
        let (indent, len, rest) = body(&all[i]);
        if !rest.starts_with(b">>>") {
            i += 1;
            continue;
        }
        let mut own = t[all[i].start..all[i].start + len].to_vec();
        own.extend_from_slice(b"... ");
        prefix = match prefix {
            None => Some(Some(own)),
            Some(Some(p)) if p == own => Some(Some(p)),
            _ => Some(None),
        };
        // The `>>>` line and the `...` lines after it.
        let mut j = i;
        loop {
            let l = &all[j];
            let (width, len, rest) = body(l);
            if width != indent || (rest.len() > 3 && rest[3] != b' ') {
                return None; // doctest: inconsistent indentation, or no blank after it
            }
            code.push_part(value, l.start + len + rest.len().min(4)..l.next);
            j += 1;
            if j == all.len() || !body(&all[j]).2.starts_with(b"...") {
                break;
            }
        }
        // Its expected output.
        while j < all.len() {
            let (width, _, rest) = body(&all[j]);
            if rest.is_empty() || rest.starts_with(b">>>") {
                break;
            }
            if width < indent {
                return None; // doctest: output less indented than its example
            }
            j += 1;
        }
        i = j;
    }
    Some((code, prefix?))
}

/// The value of a string literal's content at `r` (not raw): each escape decoded,
/// mapped to its bytes. `Err` for an escape this does not decode.
fn decode(text: &[u8], r: Range<usize>) -> Result<Mapped, &'static str> {
    let mut m = Mapped::default();
    let mut i = r.start;
    let hex = |from: usize, n: usize| -> Option<u32> {
        let digits = text.get(from..from + n).filter(|_| from + n <= r.end)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    while i < r.end {
        if text[i] != b'\\' || i + 1 >= r.end {
            m.push_raw(text[i], i);
            i += 1;
            continue;
        }
        let c = text[i + 1];
        let simple = match c {
            b'\n' => Some(None),
            b'\r' if text.get(i + 2) == Some(&b'\n') && i + 2 < r.end => {
                i += 3; // a line continuation: nothing
                continue;
            }
            b'\r' => Some(None),
            b'\\' | b'\'' | b'"' => Some(Some(c)),
            b'a' => Some(Some(0x07)),
            b'b' => Some(Some(0x08)),
            b'f' => Some(Some(0x0c)),
            b'n' => Some(Some(b'\n')),
            b'r' => Some(Some(b'\r')),
            b't' => Some(Some(b'\t')),
            b'v' => Some(Some(0x0b)),
            _ => None,
        };
        if let Some(byte) = simple {
            if let Some(b) = byte {
                m.push_decoded(&[b], i..i + 2);
            }
            i += 2;
            continue;
        }
        let (code, len) = match c {
            b'0'..=b'7' => {
                let n = text[i + 1..r.end.min(i + 4)]
                    .iter()
                    .take_while(|b| (b'0'..=b'7').contains(b))
                    .count();
                let digits = std::str::from_utf8(&text[i + 1..i + 1 + n]).expect("ASCII");
                (u32::from_str_radix(digits, 8).ok(), 1 + n)
            }
            b'x' => (hex(i + 2, 2), 4),
            b'u' => (hex(i + 2, 4), 6),
            b'U' => (hex(i + 2, 8), 10),
            b'N' => return Err("it holds a `\\N{...}` escape"),
            _ => {
                // Not an escape: the backslash is itself.
                m.push_raw(b'\\', i);
                i += 1;
                continue;
            }
        };
        let ch = code
            .and_then(char::from_u32)
            .ok_or("it holds an escape that is not a character (a lone surrogate)")?;
        let mut buf = [0; 4];
        m.push_decoded(ch.encode_utf8(&mut buf).as_bytes(), i..i + len);
        i += len;
    }
    m.close(r.end);
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(file: &str) -> Vec<String> {
        pieces(file.as_bytes())
            .iter()
            .map(|p| String::from_utf8(p.mapped.text.clone()).unwrap())
            .collect()
    }

    #[test]
    fn examples_lose_prompts_and_output() {
        let file = "\"\"\"Module.\n\n>>> x = await get()\n>>> for i in x:\n...     print(i)\n...\n1\nawait get()\n\nProse: await get().\n>>>\n\"\"\"\ndef f():\n    '''F.\n\n    >>> await get()\n    out\n    '''\n";
        assert_eq!(
            texts(file),
            vec![
                "x = await get()\nfor i in x:\n    print(i)\n\n\n",
                "await get()\n"
            ]
        );
        let p = pieces(file.as_bytes());
        assert_eq!(p[0].label, "docstring at line 1");
        assert_eq!(p[1].label, "docstring at line 14");
        assert_eq!(
            p[1].escape,
            Escape::Literal {
                prefix: Some(b"    ... ".to_vec()),
                triple: true
            }
        );
        let at = file.find("await get()\n    out").unwrap();
        assert_eq!(
            p[1].mapped.file_range(file.as_bytes(), 0..5),
            Some(at..at + 5)
        );
    }

    #[test]
    fn what_doctest_refuses_is_passed_over() {
        for file in [
            "'''\n>>>x = 1\n'''\n",
            "'''\n  >>> if x:\n   ...   y\n'''\n",
            "'''\n  >>> x\n out\n'''\n",
            "x = '>>> await get()'\n",
            "b'''>>> await get()'''\n",
            "f'''>>> await get(){x}'''\n",
            "'''>>> await get()''' 'more'\n",
            "'''no examples: a >>> b'''\n",
        ] {
            assert_eq!(texts(file), Vec::<String>::new(), "{file:?}");
        }
    }

    #[test]
    fn tabs_count_to_multiples_of_eight() {
        let file = "def f():\n\t'''\n\t>>> if x:\n        ...     y\n\t'''\n";
        assert_eq!(texts(file), vec!["if x:\n    y\n"]);
        assert_eq!(
            pieces(file.as_bytes())[0].escape,
            Escape::Literal {
                prefix: Some(b"\t... ".to_vec()),
                triple: true
            }
        );
    }

    #[test]
    fn escapes_are_decoded_and_mapped() {
        let file = "'''\\\n>>> s = '\\\\n'; await\\tget('\\x41\\u00e9\\101')\\n>>> y\n'''\n";
        assert_eq!(texts(file), vec!["s = '\\n'; await\tget('AéA')\ny\n"]);
        let p = &pieces(file.as_bytes())[0];
        let t = &p.mapped.text;
        let at = t.windows(6).position(|w| w == b"await\t").unwrap();
        let r = p.mapped.file_range(file.as_bytes(), at..at + 6).unwrap();
        assert_eq!(&file[r], "await\\t");
        // Half of the two bytes `\u00e9` decodes to does not map.
        let e = t.windows(2).position(|w| w == "é".as_bytes()).unwrap();
        assert_eq!(p.mapped.file_range(file.as_bytes(), e..e + 1), None);
        assert!(p.mapped.file_range(file.as_bytes(), e..e + 2).is_some());
    }

    #[test]
    fn raw_docstrings_map_one_to_one() {
        let file = "r'''\n>>> await get('\\n')\n'''\n";
        assert_eq!(texts(file), vec!["await get('\\n')\n"]);
    }

    #[test]
    fn escapes_not_decoded_are_noted() {
        let file = "'''\n>>> await get('\\N{DASH}')\n'''\n'''>>> x'''\n";
        let p = pieces(file.as_bytes());
        assert_eq!(p.len(), 1);
        assert!(matches!(&p[0].skip, Some(Skip::Note(n)) if n.contains("\\N{...}")));
        assert_eq!(texts("'''\n>>> '\\ud800'\n'''\n").len(), 1);
    }

    #[test]
    fn accepted_edits_are_checked_as_python_and_read_back() {
        use crate::embedded::{fix_file, Check};
        use crate::files::kind::FileKind;
        use crate::fix::edit::Edit;
        use crate::fix::engine::{all_edits, SourceError};
        use crate::fix::matcher::{FileContext, FixOptions};
        use crate::fix::rules::RuleSet;

        let file = b"'''\n>>> await get()\n'''\nasync def f():\n    await get()\n";
        let rules = RuleSet::new(&["get".into()], &[], &[]).unwrap();
        let fix = |docs| {
            let prefilter = Prefilter::new(&rules);
            let options = FixOptions::default();
            let ctx = FileContext::default();
            fix_file(
                FileKind::Python,
                file,
                &rules,
                options,
                ctx,
                &prefilter,
                docs,
            )
            .unwrap()
        };
        assert_eq!(fix(false).findings.len(), 1);
        let fix = fix(true);
        let edits = all_edits(fix.findings.iter().map(|l| &l.finding));
        assert_eq!(edits.len(), 2);
        let doc_only = b"'''\n>>> get()\n'''\nasync def f():\n    await get()\n";
        assert_eq!(fix.check.apply(file, &edits[..1]).unwrap(), doc_only);
        let code_only = b"'''\n>>> await get()\n'''\nasync def f():\n    get()\n";
        assert_eq!(fix.check.apply(file, &edits[1..]).unwrap(), code_only);
        assert_eq!(fix.check.apply(file, &edits).unwrap(), fix.output);
        // A code edit that breaks the file is refused as Python.
        let err = fix.check.apply(file, &[Edit::delete(25..28)]).unwrap_err();
        assert!(matches!(err, SourceError::FixInvalid { .. }), "{err:?}");
        // A docstring edit one byte short does not read back as its piece's edit.
        let Check::Pieces {
            kind,
            pieces,
            mut local,
        } = fix.check
        else {
            panic!("a docstring is a piece");
        };
        let short = Edit::delete(edits[0].range.start..edits[0].range.end - 1);
        local[0].0 = short.clone();
        let check = Check::Pieces {
            kind,
            pieces,
            local,
        };
        let err = check.apply(file, &[short]).unwrap_err();
        assert!(
            matches!(&err, SourceError::Internal(why) if why.contains("does not read back")),
            "{err:?}"
        );
    }

    #[test]
    fn the_gate_looks_at_example_lines() {
        let rules = crate::fix::rules::RuleSet::new(&["get".into()], &[], &[]).unwrap();
        let p = Prefilter::new(&rules);
        for yes in [
            "'''\n>>> await get()\n'''\n",
            "r'''>>> x = await (\n...     get())'''\n",
            "'''\n    >>> x = await\\tget()\n'''\n",
            "'''Text.\\n>>> await get()'''\n",
            "def f():\n    \"\"\"\n    >>> async def g():\n    ...     return await get()\n    \"\"\"\n",
        ] {
            assert!(may_hold_examples(yes.as_bytes(), &p), "{yes:?}");
        }
        for no in [
            "'''\n>>> get()\nawait get()\n'''\nasync def f():\n    await other()  # get()\n",
            "async def f():\n    await get()\n",
            "'''\n>>> await other()\n'''\n",
        ] {
            assert!(!may_hold_examples(no.as_bytes(), &p), "{no:?}");
        }
    }
}
