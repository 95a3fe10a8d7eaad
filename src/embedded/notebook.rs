//! Jupyter notebooks: the code cells of an `.ipynb` file.
//!
//! A cell's `source` is a JSON string or a list of strings that concatenate to the
//! cell's text; it is decoded with a map back to the file's bytes, so a fix deletes
//! bytes inside those string literals and nothing else (key order, indentation and
//! escapes stay as they were).
//!
//! The code cells are joined, in order, into one Python source, because a notebook
//! shares one namespace: an import or an `async def` in one cell decides what a name
//! means in a later one. Top-level `await` is ordinary there, and tree-sitter parses
//! it. Around that:
//! - a cell whose first line starts with `%%` (a cell magic: `%%bash`, `%%time`) is
//!   not Python and is left alone, silently;
//! - when a cell does not parse as it is (CPython's grammar rejects it, or tree-sitter
//!   cannot read it), its IPython lines are hidden from the parsers and it is tried
//!   again: a line starting with `%`, `!` or `?`, the magic after
//!   `name = ` in `x = !ls`, and help lines ending in `?` (`obj?`). Such a line is
//!   replaced, in the parser's copy only, by `0` and spaces of the same length, so it
//!   is still a statement (inside an indented block too) and every offset stays put.
//!   Awaits inside those lines are never changed;
//! - a cell that still does not parse is left unchanged with a note naming it, the
//!   notebook line and why; the other cells are still fixed.
//!
//! nbformat 4 (`cells`, `source`) and 3 (`worksheets`, `input`) are read. A notebook
//! whose kernel language is not Python is left alone.

use super::json::{self, Value};
use super::mapped::Mapped;
use super::piece::{describe, describe_problem, fix_unit, Escape, Outcome, Piece, Skip, Unit};
use crate::fix::matcher::FileContext;
use crate::fix::matcher::FixOptions;
use crate::fix::rules::RuleSet;
use crate::python::cpython;
use crate::python::lines::{lines, LineIndex};

/// 1-based line and column of `offset` in `file`, for messages.
fn line_col(file: &[u8], offset: usize) -> (usize, usize) {
    LineIndex::new(file).line_col(file, offset)
}

/// The notebook's kernel language, when it says.
fn language(root: &Value, file: &[u8]) -> Option<String> {
    let meta = root.get(file, "metadata")?;
    meta.get(file, "language_info")
        .and_then(|l| l.get(file, "name"))
        .or_else(|| {
            meta.get(file, "kernelspec")
                .and_then(|k| k.get(file, "language"))
        })
        .and_then(|v| v.as_str(file))
}

/// The code cells of a notebook, in order, as pieces.
pub fn pieces(file: &[u8]) -> Result<Vec<Piece>, String> {
    let root = json::parse(file).map_err(|e| {
        let (line, col) = line_col(file, e.at);
        format!("not valid JSON ({} at {line}:{col})", e.what)
    })?;
    if !matches!(root, Value::Object(_)) {
        return Err("not a Jupyter notebook (the JSON is not an object)".into());
    }
    if language(&root, file).is_some_and(|l| !l.eq_ignore_ascii_case("python")) {
        return Ok(Vec::new());
    }
    let mut cells: Vec<&Value> = Vec::new();
    let mut source_key = "source";
    match (root.get(file, "cells"), root.get(file, "worksheets")) {
        (Some(Value::Array(list)), _) => cells.extend(list),
        (None, Some(Value::Array(sheets))) => {
            source_key = "input";
            for sheet in sheets {
                if let Some(Value::Array(list)) = sheet.get(file, "cells") {
                    cells.extend(list);
                }
            }
        }
        _ => return Err("not a Jupyter notebook (no list of `cells`)".into()),
    }
    let mut out = Vec::new();
    for (n, cell) in cells.into_iter().enumerate() {
        let is_code = cell
            .get(file, "cell_type")
            .and_then(|t| t.as_str(file))
            .is_some_and(|t| t == "code");
        if !is_code {
            continue;
        }
        let mut piece = Piece {
            label: format!("cell {}", n + 1),
            mapped: Mapped::default(),
            escape: Escape::Json,
            skip: None,
        };
        let problem = match cell.get(file, source_key) {
            None => None,
            Some(Value::String(span)) => decode_into(file, span.clone(), &mut piece.mapped),
            Some(Value::Array(items)) => items.iter().find_map(|item| match item {
                Value::String(span) => decode_into(file, span.clone(), &mut piece.mapped),
                _ => Some("its source is not a list of strings".to_string()),
            }),
            Some(_) => Some("its source is neither a string nor a list of strings".into()),
        };
        if let Some(p) = problem {
            piece.skip = Some(Skip::Note(format!("{p}; cell left unchanged")));
        } else if piece.mapped.text.trim_ascii_start().starts_with(b"%%") {
            piece.skip = Some(Skip::Silent);
        }
        out.push(piece);
    }
    Ok(out)
}

/// Decode one source string onto the end of `into`; a problem as text.
fn decode_into(file: &[u8], span: std::ops::Range<usize>, into: &mut Mapped) -> Option<String> {
    match json::decode(file, span) {
        Ok(m) => {
            into.append(&m);
            None
        }
        Err(e) => {
            let (line, col) = line_col(file, e.at);
            Some(format!("its source holds a {} at {line}:{col}", e.what))
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80
}

/// Where the IPython part of a line starts, if the line has one.
fn magic_start(line: &[u8]) -> Option<usize> {
    let first = line.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
    let rest = &line[first..];
    if matches!(rest[0], b'%' | b'!' | b'?') {
        return Some(first);
    }
    // `x = !ls`, `out = %sx ls`
    let name_len = rest.iter().take_while(|&&b| is_name_byte(b)).count();
    if name_len > 0 {
        let after = rest[name_len..].trim_ascii_start();
        if let Some(value) = after.strip_prefix(b"=") {
            let value = value.trim_ascii_start();
            if matches!(value.first(), Some(b'%' | b'!')) {
                return Some(line.len() - value.len());
            }
        }
    }
    // `obj?`, `obj.method??`
    let trimmed = rest.trim_ascii_end();
    let help = trimmed
        .strip_suffix(b"??")
        .or_else(|| trimmed.strip_suffix(b"?"));
    if help.is_some_and(|h| !h.is_empty() && h.iter().all(|&b| is_name_byte(b))) {
        return Some(first);
    }
    None
}

/// Does the text have a line that looks like IPython syntax?
fn has_magic(text: &[u8]) -> bool {
    lines(text).any(|l| magic_start(&text[l.start..l.end]).is_some())
}

/// Hide IPython lines from the parser: `0` and spaces, same length.
fn mask_magics(m: &mut Mapped) {
    let found: Vec<(usize, usize)> = lines(&m.text)
        .map(|l| (l.start, l.end))
        .filter_map(|(s, e)| magic_start(&m.text[s..e]).map(|at| (s + at, e)))
        .collect();
    for (s, e) in found {
        let mut with = vec![b' '; e - s];
        with[0] = b'0';
        m.mask(s..e, &with);
    }
}

/// Fix a notebook's code cells (see the module documentation).
pub(super) fn fix(
    pieces: &[Piece],
    rules: &RuleSet,
    options: FixOptions,
    ctx: FileContext<'_>,
    out: &mut Outcome,
) {
    let mut ready: Vec<(usize, Mapped)> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        match &p.skip {
            Some(Skip::Silent) => continue,
            Some(Skip::Note(n)) => {
                out.notes.push(format!("{}: {n}", p.label));
                continue;
            }
            None => {}
        }
        let mut m = p.mapped.clone();
        if has_magic(&m.text) && cpython::check(&m.text).is_err() {
            mask_magics(&mut m);
        }
        ready.push((i, m));
    }
    if ready.is_empty() {
        return;
    }
    let mut unit = Unit::of(&ready);
    if cpython::check(&unit.mapped.text).is_err() {
        let mut kept = Vec::new();
        for (i, m) in ready {
            match cpython::check(&m.text) {
                Ok(()) => kept.push((i, m)),
                Err(problem) => out.note(
                    &pieces[i],
                    &m,
                    Some(problem.at()),
                    &format!("{}; cell left unchanged", describe_problem(&problem)),
                ),
            }
        }
        ready = kept;
        unit = Unit::of(&ready);
    }
    match fix_unit(&unit, rules, options, ctx) {
        Ok(fixed) => out.take(&unit, fixed, pieces, "cell"),
        Err(_) => {
            // The cells parse alone but not together, or the fix failed: fix each
            // cell alone, so one cell's trouble stays in that cell.
            for (i, m) in &ready {
                let single = Unit::of(&[(*i, m.clone())]);
                match fix_unit(&single, rules, options, ctx) {
                    Ok(fixed) => out.take(&single, fixed, pieces, "cell"),
                    Err((e, at)) => out.note(
                        &pieces[*i],
                        m,
                        at,
                        &format!("{}; cell left unchanged", describe(&e, "cell")),
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB: &str = r#"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["await get()\n"]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "import m\n",
    "x = await get(\"a\\\\b\")\n",
    "print('\u00e9')"
   ]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "source": "%%bash\necho await get()"
  }
 ],
 "metadata": {"kernelspec": {"language": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

    #[test]
    fn finds_code_cells_and_decodes_sources() {
        let p = pieces(NB.as_bytes()).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].label, "cell 2");
        assert_eq!(
            std::str::from_utf8(&p[0].mapped.text).unwrap(),
            "import m\nx = await get(\"a\\\\b\")\nprint('é')"
        );
        assert_eq!(p[0].skip, None);
        assert_eq!(p[1].skip, Some(Skip::Silent));
        // `await` maps onto its raw bytes in the file.
        let at = p[0]
            .mapped
            .text
            .windows(5)
            .position(|w| w == b"await")
            .unwrap();
        let r = p[0].mapped.file_range(NB.as_bytes(), at..at + 6).unwrap();
        assert_eq!(&NB.as_bytes()[r], b"await ");
    }

    #[test]
    fn not_a_notebook() {
        assert!(pieces(b"{\"cells\": [}")
            .unwrap_err()
            .starts_with("not valid JSON (expected a value at 1:12"));
        assert!(pieces(b"[]").unwrap_err().contains("not an object"));
        assert!(pieces(b"{}").unwrap_err().contains("no list of `cells`"));
    }

    #[test]
    fn other_languages_and_bad_sources() {
        let r = r#"{"cells": [{"cell_type": "code", "source": "x"}], "metadata": {"language_info": {"name": "R"}}}"#;
        assert!(pieces(r.as_bytes()).unwrap().is_empty());
        let bad = r#"{"cells": [{"cell_type": "code", "source": 3}, {"cell_type": "code", "source": "\ud800"}]}"#;
        let p = pieces(bad.as_bytes()).unwrap();
        assert!(matches!(&p[0].skip, Some(Skip::Note(n)) if n.contains("neither")));
        assert!(matches!(&p[1].skip, Some(Skip::Note(n)) if n.contains("lone surrogate")));
    }

    #[test]
    fn nbformat3_inputs() {
        let v3 = r#"{"worksheets": [{"cells": [{"cell_type": "code", "input": ["a\n", "b"]}]}], "nbformat": 3}"#;
        let p = pieces(v3.as_bytes()).unwrap();
        assert_eq!(p[0].mapped.text, b"a\nb");
    }

    #[test]
    fn magics_are_masked_with_same_length() {
        let text = b"%time x = 1\n!pip install m\nfiles = !ls\nobj?\nif a:\n    %timeit f()\nawait get()\n";
        let mut m = Mapped::raw(text, 0);
        assert!(has_magic(&m.text));
        assert!(cpython::check(&m.text).is_err());
        mask_magics(&mut m);
        assert_eq!(
            std::str::from_utf8(&m.text).unwrap(),
            "0          \n0             \nfiles = 0  \n0   \nif a:\n    0          \nawait get()\n"
        );
        assert!(cpython::check(&m.text).is_ok());
        assert!(!has_magic(b"x = a % b\ny = not_magic\n"));
    }
}
