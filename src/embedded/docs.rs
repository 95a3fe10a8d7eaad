//! Python blocks in documentation: Markdown fences and reST code directives.
//!
//! Markdown: fenced blocks of three or more backticks or tildes whose language (the
//! first word of the info string; `{python}`, `{.python}` and MyST's
//! `{code-block} python` are understood) is `python`, `py`, `python3`, `py3` or
//! `pycon`. The closing fence uses the same character, at least as many of it, and
//! nothing else. A fence may be indented (in a list item, say); that many spaces are
//! taken off each content line, as CommonMark does. A fence never closed is left alone.
//!
//! reST: `.. code-block::`, `.. code::` and `.. sourcecode::` with one of those
//! languages; options (`:linenos:`) are skipped, and the content, everything more
//! indented than the directive, is dedented by its smallest indentation. Plain `::`
//! literal blocks and doctest paragraphs are not read.
//!
//! A `pycon` block, or a Python block whose first line starts with `>>>`, is a console
//! session: lines starting with `>>> ` or `... ` are code, with the prompt taken off;
//! other lines are output and are not parsed.
//!
//! Each block is parsed alone. A block that does not parse is left alone without a
//! word: examples in prose are often fragments.

use super::mapped::Mapped;
use super::piece::{describe, fix_unit, Escape, Outcome, Piece, Skip, Unit};
use crate::fix::engine::SourceError;
use crate::fix::matcher::FileContext;
use crate::fix::matcher::FixOptions;
use crate::fix::prefilter::Prefilter;
use crate::fix::rules::RuleSet;
use crate::python::lines::{lines, Line};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lang {
    Python,
    Pycon,
    Other,
}

impl Lang {
    fn of(name: &str) -> Lang {
        match name.to_ascii_lowercase().as_str() {
            "python" | "py" | "python3" | "py3" => Lang::Python,
            "pycon" => Lang::Pycon,
            _ => Lang::Other,
        }
    }
}

fn leading(text: &[u8], tabs: bool) -> usize {
    text.iter()
        .take_while(|&&b| b == b' ' || (tabs && b == b'\t'))
        .count()
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(|b| matches!(b, b' ' | b'\t'))
}

/// A piece from content lines: up to `strip` leading spaces (and tabs, when `tabs`)
/// taken off each line, prompts taken off a console session.
fn block_piece(
    file: &[u8],
    lines: &[Line],
    strip: usize,
    tabs: bool,
    prefix: Vec<u8>,
    mut lang: Lang,
    label: String,
) -> Piece {
    let cut = |l: &Line| l.start + leading(&file[l.start..l.end], tabs).min(strip);
    if lang == Lang::Python {
        let first = lines.iter().find(|l| !is_blank(&file[l.start..l.end]));
        if first.is_some_and(|l| file[cut(l)..l.end].starts_with(b">>>")) {
            lang = Lang::Pycon;
        }
    }
    let mut mapped = Mapped::default();
    for l in lines {
        let mut s = cut(l);
        if lang == Lang::Pycon {
            let text = &file[s..l.end];
            if text.starts_with(b">>> ") || text.starts_with(b"... ") {
                s += 4;
            } else if text == b">>>" || text == b"..." {
                s += 3;
            } else {
                continue; // output
            }
        }
        mapped.push_raw_slice(&file[s..l.next], s);
    }
    let mut prefix = prefix;
    if lang == Lang::Pycon {
        prefix.extend_from_slice(b"... ");
    }
    Piece {
        label,
        mapped,
        escape: Escape::Lines { prefix },
        skip: None,
    }
}

/// An opening fence: its character, length, indentation and language.
fn opening_fence(line: &[u8]) -> Option<(u8, usize, usize, Lang)> {
    let indent = leading(line, false);
    let rest = &line[indent..];
    let ch = *rest.first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.iter().take_while(|&&b| b == ch).count();
    if len < 3 {
        return None;
    }
    let info = std::str::from_utf8(&rest[len..]).ok()?.trim();
    if ch == b'`' && info.contains('`') {
        return None;
    }
    let mut words = info.split_whitespace();
    let mut first = words.next().unwrap_or("");
    if matches!(first, "{code-block}" | "{code}" | "{sourcecode}") {
        first = words.next().unwrap_or("");
    }
    let name = first
        .trim_start_matches('{')
        .trim_start_matches('.')
        .split([',', '}'])
        .next()
        .unwrap_or("");
    Some((ch, len, indent, Lang::of(name)))
}

fn closes(line: &[u8], ch: u8, len: usize) -> bool {
    let rest = &line[leading(line, false)..];
    let run = rest.iter().take_while(|&&b| b == ch).count();
    run >= len && is_blank(&rest[run..])
}

/// The Python blocks of a Markdown file.
pub fn markdown_pieces(file: &[u8]) -> Vec<Piece> {
    let lines = lines(file).collect::<Vec<Line>>();
    let text = |l: &Line| &file[l.start..l.end];
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((ch, len, indent, lang)) = opening_fence(text(&lines[i])) else {
            i += 1;
            continue;
        };
        let Some(close) = (i + 1..lines.len()).find(|&j| closes(text(&lines[j]), ch, len)) else {
            break; // never closed: it runs to the end, and is left alone
        };
        if lang != Lang::Other {
            out.push(block_piece(
                file,
                &lines[i + 1..close],
                indent,
                false,
                vec![b' '; indent],
                lang,
                format!("block at line {}", i + 1),
            ));
        }
        i = close + 1;
    }
    out
}

/// `.. code-block:: python` and its kin: the directive's indentation and language.
fn directive(line: &[u8]) -> Option<(usize, Lang)> {
    let indent = leading(line, false);
    let rest = std::str::from_utf8(&line[indent..]).ok()?;
    let rest = rest.strip_prefix("..")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let (name, arg) = rest.trim_start().split_once("::")?;
    if !matches!(name.trim_end(), "code-block" | "code" | "sourcecode") {
        return None;
    }
    if !(arg.is_empty() || arg.starts_with([' ', '\t'])) {
        return None;
    }
    let lang = arg.split_whitespace().next().map_or(Lang::Other, Lang::of);
    Some((indent, lang))
}

/// The Python blocks of a reST file.
pub fn rst_pieces(file: &[u8]) -> Vec<Piece> {
    let lines = lines(file).collect::<Vec<Line>>();
    let text = |l: &Line| &file[l.start..l.end];
    let indent = |l: &Line| leading(text(l), true);
    let blank = |l: &Line| is_blank(text(l));
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((d, lang)) = directive(text(&lines[i])) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < lines.len()
            && !blank(&lines[j])
            && indent(&lines[j]) > d
            && text(&lines[j])[indent(&lines[j])..].starts_with(b":")
        {
            j += 1; // options
        }
        while j < lines.len() && blank(&lines[j]) {
            j += 1;
        }
        let content = j;
        let mut end = j;
        while j < lines.len() && (blank(&lines[j]) || indent(&lines[j]) > d) {
            j += 1;
            if !blank(&lines[j - 1]) {
                end = j;
            }
        }
        let body = &lines[content..end];
        let strip = body.iter().filter(|l| !blank(l)).map(&indent).min();
        if let (Some(strip), true) = (strip, lang != Lang::Other) {
            let first = body.iter().find(|l| !blank(l)).expect("a non-blank line");
            out.push(block_piece(
                file,
                body,
                strip,
                true,
                file[first.start..first.start + strip].to_vec(),
                lang,
                format!("block at line {}", i + 1),
            ));
        }
        i = end.max(i + 1);
    }
    out
}

/// Fix each block alone (`what`: `block`, `docstring`, for the notes). A block CPython
/// rejects is passed over (an example of something else: Python 2, a sketch with
/// `...`); a block CPython accepts that cannot be fixed (tree-sitter cannot read it, the
/// fix would break it) gets a note, as does a block that may hold a match but could not
/// be read (its note is its skip).
pub(super) fn fix(
    pieces: &[Piece],
    rules: &RuleSet,
    options: FixOptions,
    ctx: FileContext<'_>,
    prefilter: &Prefilter,
    what: &str,
    out: &mut Outcome,
) {
    for (i, p) in pieces.iter().enumerate() {
        if !prefilter.wants_python(&p.mapped.text) {
            continue;
        }
        match &p.skip {
            Some(Skip::Note(why)) => {
                out.note(p, &p.mapped, None, why);
                continue;
            }
            Some(Skip::Silent) => continue,
            None => {}
        }
        let unit = Unit::of(&[(i, p.mapped.clone())]);
        match fix_unit(&unit, rules, options, ctx) {
            Ok(fixed) => out.take(&unit, fixed, pieces, what),
            // A block that does not parse is an example of something else.
            Err((SourceError::Syntax { .. }, _)) => {}
            Err((e, at)) => out.note(
                p,
                &p.mapped,
                at,
                &format!("{}; {what} left unchanged", describe(&e, what)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(pieces: &[Piece]) -> Vec<String> {
        pieces
            .iter()
            .map(|p| String::from_utf8(p.mapped.text.clone()).unwrap())
            .collect()
    }

    #[test]
    fn markdown_fences_by_language() {
        let md = "# T\n\n```python\nawait a()\n```\n\n~~~~ py title=\"x\"\nb = 1\n~~~\nstill\n~~~~\n\n```js\nawait a()\n```\n\n```{python}\nc\n```\n\n```\nplain\n```\n";
        let p = markdown_pieces(md.as_bytes());
        assert_eq!(texts(&p), vec!["await a()\n", "b = 1\n~~~\nstill\n", "c\n"]);
        assert_eq!(p[0].label, "block at line 3");
    }

    #[test]
    fn markdown_indented_fence_and_unclosed() {
        let md =
            "1. Step:\n\n   ```python3\n   x = 1\n     y\n  z\n   ```\n\n```py\nnever closed\n";
        let p = markdown_pieces(md.as_bytes());
        assert_eq!(texts(&p), vec!["x = 1\n  y\nz\n"]);
        assert_eq!(
            p[0].escape,
            Escape::Lines {
                prefix: b"   ".to_vec()
            }
        );
        let r = p[0].mapped.file_range(md.as_bytes(), 0..5).unwrap();
        assert_eq!(&md.as_bytes()[r], b"x = 1");
    }

    #[test]
    fn a_fence_inside_a_longer_fence_is_content() {
        let md = "````markdown\n```python\nawait a()\n```\n````\n";
        assert!(markdown_pieces(md.as_bytes()).is_empty());
    }

    #[test]
    fn console_sessions_lose_prompts_and_output() {
        let md = "```pycon\n>>> x = await a()\n>>> for i in x:\n...     print(i)\n...\n1\n2\n```\n```python\n>>> await a()\nout\n```\n";
        let p = markdown_pieces(md.as_bytes());
        assert_eq!(
            texts(&p),
            vec![
                "x = await a()\nfor i in x:\n    print(i)\n\n",
                "await a()\n"
            ]
        );
        assert_eq!(
            p[1].escape,
            Escape::Lines {
                prefix: b"... ".to_vec()
            }
        );
    }

    #[test]
    fn rst_directives_dedent() {
        let rst = "Intro::\n\n    not python\n\n.. code-block:: python\n   :linenos:\n   :caption: x\n\n      async def f():\n          await a()\n\n      b()\n\nProse.\n\n  .. code:: pycon\n\n     >>> await a()\n     1\n\n.. sourcecode:: ruby\n\n   puts 1\n";
        let p = rst_pieces(rst.as_bytes());
        assert_eq!(
            texts(&p),
            vec!["async def f():\n    await a()\n\nb()\n", "await a()\n"]
        );
        assert_eq!(p[0].label, "block at line 5");
        assert_eq!(
            p[0].escape,
            Escape::Lines {
                prefix: b"      ".to_vec()
            }
        );
        assert_eq!(
            p[1].escape,
            Escape::Lines {
                prefix: b"     ... ".to_vec()
            }
        );
    }

    #[test]
    fn rst_directive_syntax() {
        assert_eq!(
            directive(b".. code-block:: python"),
            Some((0, Lang::Python))
        );
        assert_eq!(directive(b"  .. code:: PY "), Some((2, Lang::Python)));
        assert_eq!(directive(b".. code-block::"), Some((0, Lang::Other)));
        assert_eq!(directive(b".. note:: python"), None);
        assert_eq!(directive(b"..code:: python"), None);
        assert_eq!(directive(b".. code::python"), None);
    }

    #[test]
    fn crlf_lines() {
        let md = "```py\r\nawait a()\r\n```\r\n";
        assert_eq!(
            texts(&markdown_pieces(md.as_bytes())),
            vec!["await a()\r\n"]
        );
    }
}
