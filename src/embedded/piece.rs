//! The pieces of Python in a notebook or document, and how the core's results for them
//! are taken back to the file.

use std::ops::Range;

use super::json;
use super::mapped::Mapped;
use crate::fix::edit::{self, Edit};
use crate::fix::engine::{self, Fixed, Located, SourceError};
use crate::fix::matcher::{Action, FileContext, Finding, FixOptions};
use crate::fix::rules::RuleSet;
use crate::python::cpython::{self, Problem};
use crate::python::lines::LineIndex;

/// How replacement text is written into the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Escape {
    /// Inside a JSON string literal.
    Json,
    /// In a block whose lines start with `prefix` in the file (indentation, a `... `
    /// prompt): a line break in a replacement is followed by it.
    Lines { prefix: Vec<u8> },
    /// Inside a Python string literal (a docstring's doctest examples), in lines that
    /// start with `prefix` in the file; `None` when the examples' lines start
    /// differently, so that no line break can be written. Only plain text goes in: a
    /// replacement with a backslash, a quote or a carriage return, or a line break in a
    /// literal that is not triple-quoted, is refused.
    Literal {
        prefix: Option<Vec<u8>>,
        triple: bool,
    },
}

/// `replacement` with `prefix` after each line break.
fn with_prefix(replacement: &[u8], prefix: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(replacement.len());
    for &b in replacement {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(prefix);
        }
    }
    out
}

impl Escape {
    /// The bytes written into the file for `replacement`; `None` when it cannot be
    /// written there exactly.
    pub fn apply(&self, replacement: &[u8]) -> Option<Vec<u8>> {
        match self {
            Escape::Json => Some(json::escape(replacement)),
            Escape::Lines { prefix } => Some(with_prefix(replacement, prefix)),
            Escape::Literal { prefix, triple } => {
                let lone_cr = |i: usize| replacement.get(i + 1) != Some(&b'\n');
                let unsafe_byte = replacement
                    .iter()
                    .enumerate()
                    .any(|(i, b)| matches!(b, b'\\' | b'\'' | b'"') || (*b == b'\r' && lone_cr(i)));
                if unsafe_byte {
                    return None;
                }
                if !replacement.contains(&b'\n') {
                    return Some(replacement.to_vec());
                }
                match prefix {
                    Some(prefix) if *triple => Some(with_prefix(replacement, prefix)),
                    _ => None,
                }
            }
        }
    }
}

/// Why a piece is not fixed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Not Python (a `%%bash` cell): say nothing.
    Silent,
    /// A problem worth a note (the cell's source is not a string).
    Note(String),
}

/// One piece of Python in a file: a code cell, a fenced block.
#[derive(Clone, Debug)]
pub struct Piece {
    /// How notes name it: `cell 3`, `block at line 12`.
    pub label: String,
    pub mapped: Mapped,
    pub escape: Escape,
    pub skip: Option<Skip>,
}

/// Text handed to the core: one piece, or several joined (a notebook's cells).
#[derive(Debug, Default)]
pub(super) struct Unit {
    pub(super) mapped: Mapped,
    /// Which piece each part of `mapped.text` came from.
    parts: Vec<(usize, Range<usize>)>,
}

impl Unit {
    pub(super) fn of(pieces: &[(usize, Mapped)]) -> Unit {
        let mut unit = Unit::default();
        for (i, m) in pieces {
            if !unit.mapped.is_empty() && !unit.mapped.text.ends_with(b"\n") {
                unit.mapped.push_synthetic(b"\n");
            }
            let start = unit.mapped.len();
            unit.mapped.append(m);
            unit.parts.push((*i, start..unit.mapped.len()));
        }
        unit
    }

    /// The part holding text offset `at` (an insertion at a boundary goes to the later
    /// part, at the very end to the last).
    fn part_of(&self, at: usize) -> usize {
        self.parts
            .iter()
            .rposition(|(_, r)| r.start <= at)
            .unwrap_or(0)
    }
}

/// A part of a unit refused whole: where (a unit text offset, when known) and why.
type Refusal = Option<(Option<usize>, String)>;

/// Everything gathered while fixing a file's pieces.
pub(super) struct Outcome<'f> {
    file: &'f [u8],
    file_text: std::borrow::Cow<'f, [u8]>,
    file_lines: LineIndex,
    /// Located in the file, with file edits as fixes.
    pub(super) findings: Vec<Located>,
    pub(super) notes: Vec<String>,
    /// For each file edit made: its piece and the same edit in the piece's text.
    pub(super) local: Vec<(Edit, usize, Edit)>,
}

impl<'f> Outcome<'f> {
    pub(super) fn new(file: &'f [u8]) -> Self {
        let file_text = crate::python::parse::parse_text(file);
        let file_lines = LineIndex::new(&file_text);
        Outcome {
            file,
            file_text,
            file_lines,
            findings: Vec::new(),
            notes: Vec::new(),
            local: Vec::new(),
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        self.file_lines.line_col(&self.file_text, offset)
    }

    /// A note for `piece`, with the file line of text offset `at` when known.
    pub(super) fn note(&mut self, piece: &Piece, mapped: &Mapped, at: Option<usize>, what: &str) {
        match at {
            Some(at) => {
                let (line, col) = self.line_col(mapped.file_offset(at));
                self.notes
                    .push(format!("{} at {line}:{col}: {what}", piece.label));
            }
            None => self.notes.push(format!("{}: {what}", piece.label)),
        }
    }

    /// Take the core's result for `unit`: map each part's edits onto the file, or
    /// refuse the part whole (with a note). A finding whose fix touches a refused part
    /// is dropped with it, so that no change is ever made by halves.
    pub(super) fn take(&mut self, unit: &Unit, fixed: Fixed, pieces: &[Piece], what: &str) {
        let parts = unit.parts.len();
        // Each unit edit once, sorted, with its file edit (`None`: it does not map).
        let edits = engine::all_edits(fixed.findings.iter().map(|l| &l.finding));
        let part_of = |e: &Edit| unit.part_of(e.range.start);
        let mapped: Vec<Option<Edit>> = edits
            .iter()
            .map(|e| {
                let piece = &pieces[unit.parts[part_of(e)].0];
                map_edit(&unit.mapped, self.file, e, &piece.escape)
            })
            .collect();
        let mut refused: Vec<Refusal> = vec![None; parts];
        for (e, m) in edits.iter().zip(&mapped) {
            let k = part_of(e);
            if m.is_none() && refused[k].is_none() {
                refused[k] = Some((
                    Some(e.range.start),
                    format!(
                        "an edit does not map onto contiguous bytes of the file; {what} left unchanged"
                    ),
                ));
            }
        }
        let touches = |f: &Finding, refused: &[Refusal]| {
            refused[unit.part_of(f.keyword.start)].is_some()
                || f.fix.iter().any(|e| refused[part_of(e)].is_some())
        };
        // The piece-local edits of the findings kept, as (edit index, part, local
        // edit). A part whose edits do not apply to its piece is refused too, which
        // may drop more findings: repeat until nothing changes.
        let local = loop {
            let mut used = vec![false; edits.len()];
            for l in &fixed.findings {
                if !touches(&l.finding, &refused) {
                    for e in &l.finding.fix {
                        used[edits.binary_search(e).expect("every fix edit is listed")] = true;
                    }
                }
            }
            let mut local: Vec<(usize, usize, Edit)> = Vec::new();
            for (j, e) in edits.iter().enumerate() {
                if !used[j] {
                    continue;
                }
                let k = part_of(e);
                let start = unit.parts[k].1.start;
                let local_edit = Edit {
                    range: e.range.start - start..e.range.end - start,
                    replacement: e.replacement.clone(),
                };
                local.push((j, k, local_edit));
            }
            let mut failed = false;
            let mut by_part: Vec<Vec<Edit>> = vec![Vec::new(); parts];
            for (_, k, l) in &local {
                by_part[*k].push(l.clone());
            }
            for ((k, refusal), part_edits) in refused.iter_mut().enumerate().zip(by_part) {
                if part_edits.is_empty() || refusal.is_some() {
                    continue;
                }
                let piece = &pieces[unit.parts[k].0];
                if let Err(e) = edit::apply(&piece.mapped.text, &part_edits) {
                    *refusal = Some((None, format!("{e}; {what} left unchanged")));
                    failed = true;
                }
            }
            if !failed {
                break local;
            }
        };
        for (k, refusal) in refused.iter().enumerate() {
            if let Some((at, why)) = refusal {
                self.note(&pieces[unit.parts[k].0], &unit.mapped, *at, why);
            }
        }
        for (j, k, l) in local {
            let file_edit = mapped[j].clone().expect("edits of kept parts map");
            self.local.push((file_edit, unit.parts[k].0, l));
        }
        let unit_lines = LineIndex::new(&unit.mapped.text);
        for located in fixed.findings {
            if touches(&located.finding, &refused) {
                continue;
            }
            let mut f = located.finding;
            f.fix = f
                .fix
                .iter()
                .map(|e| {
                    let j = edits.binary_search(e).expect("every fix edit is listed");
                    mapped[j].clone().expect("edits of kept parts map")
                })
                .collect();
            let located = self.locate(f, &unit.mapped, &unit_lines);
            self.findings.push(located);
        }
    }

    /// A finding of unit text, moved to the file: ranges, line and column.
    fn locate(&self, mut f: Finding, mapped: &Mapped, unit_lines: &LineIndex) -> Located {
        let to_file = |r: &Range<usize>| {
            mapped
                .file_range(self.file, r.clone())
                .unwrap_or_else(|| mapped.file_offset(r.start)..mapped.file_offset(r.end))
        };
        f.keyword = to_file(&f.keyword);
        f.expr = to_file(&f.expr);
        f.callee_name = to_file(&f.callee_name);
        let sites = match &mut f.action {
            Action::Kept(why) => why.sites_here_mut(),
            Action::Left(why) => why.sites_here_mut(),
            _ => Vec::new(),
        };
        {
            // A line of the unit text becomes the file's line.
            for line in sites {
                if let Some(start) = unit_lines.line_start(line.wrapping_sub(1)) {
                    (*line, _) = self.line_col(mapped.file_offset(start));
                }
            }
        }
        let (line, col) = self.line_col(f.keyword.start);
        let (end_line, end_col) = self.line_col(f.expr.end);
        Located {
            finding: f,
            line,
            col,
            end_line,
            end_col,
        }
    }
}

/// The file edit for an edit of unit text; `None` when it does not map cleanly.
fn map_edit(mapped: &Mapped, file: &[u8], e: &Edit, escape: &Escape) -> Option<Edit> {
    let range = if e.range.is_empty() {
        let at = mapped.file_point(e.range.start)?;
        at..at
    } else {
        mapped.file_range(file, e.range.clone())?
    };
    Some(Edit {
        range,
        replacement: escape.apply(&e.replacement)?,
    })
}

/// Run the core on `unit`; a problem of its text (a syntax error, a construct
/// tree-sitter cannot read) comes with its offset in the unit's text.
pub(super) fn fix_unit(
    unit: &Unit,
    rules: &RuleSet,
    options: FixOptions,
    ctx: FileContext<'_>,
) -> Result<Fixed, (SourceError, Option<usize>)> {
    engine::fix_source(&unit.mapped.text, rules, options, ctx).map_err(|e| {
        let at = match e {
            SourceError::Syntax { .. } | SourceError::Unreadable { .. } => {
                cpython::check(&unit.mapped.text).err().map(|p| p.at())
            }
            _ => None,
        };
        (e, at)
    })
}

/// What is wrong with a piece (`what`: `cell`, `block`), for a note that says where.
pub(super) fn describe(e: &SourceError, what: &str) -> String {
    match e {
        SourceError::Syntax { reason, .. } => invalid(reason),
        SourceError::Unreadable { construct, .. } => unreadable(construct),
        SourceError::FixInvalid { reason, .. } => {
            format!("the fixed {what} would not be valid Python ({reason})")
        }
        SourceError::FixUnreadable { construct, .. } => format!(
            "tree-sitter-python could not read the fixed {what} ({}), so the fix cannot be checked",
            engine::named(construct)
        ),
        SourceError::Internal(why) => format!("internal error: {why} (please report this)"),
        SourceError::Format(why) => why.clone(),
    }
}

/// What is wrong with a piece's text, as [`cpython::check`] found it.
pub(super) fn describe_problem(problem: &Problem) -> String {
    match problem {
        Problem::Invalid { reason, .. } => invalid(reason),
        Problem::Unreadable { construct, .. } => unreadable(construct),
    }
}

fn invalid(reason: &str) -> String {
    format!("syntax error: {reason}")
}

fn unreadable(construct: &Option<String>) -> String {
    format!(
        "tree-sitter-python cannot read {}, which CPython accepts",
        engine::named(construct)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_prefix_follows_line_breaks() {
        let e = Escape::Lines {
            prefix: b"   ... ".to_vec(),
        };
        assert_eq!(e.apply(b"\n    b,").unwrap(), b"\n   ...     b,");
        assert_eq!(
            Escape::Json.apply(b"\n    \"b\",").unwrap(),
            b"\\n    \\\"b\\\","
        );
        let lit = |prefix: Option<&[u8]>, triple| Escape::Literal {
            prefix: prefix.map(<[u8]>::to_vec),
            triple,
        };
        let doc = lit(Some(b"    ... "), true);
        assert_eq!(doc.apply(b"\n    b,").unwrap(), b"\n    ...     b,");
        assert_eq!(doc.apply(b"x_async").unwrap(), b"x_async");
        assert_eq!(doc.apply(b"'b'"), None, "a quote could end the literal");
        assert_eq!(doc.apply(b"\\"), None, "a backslash is an escape");
        assert_eq!(doc.apply(b"\r\n b,").unwrap(), b"\r\n    ...  b,");
        assert_eq!(doc.apply(b"\r b,"), None, "a lone CR is read as LF");
        assert_eq!(lit(None, true).apply(b"\n b,"), None, "prefixes differ");
        assert_eq!(lit(Some(b"... "), false).apply(b"\n b,"), None, "one line");
        assert_eq!(lit(None, false).apply(b"b"), Some(b"b".to_vec()));
    }

    #[test]
    fn joined_pieces_keep_their_offsets() {
        let file = b"xxAB\nyyCD";
        let unit = Unit::of(&[(0, Mapped::raw(b"AB", 2)), (1, Mapped::raw(b"CD", 7))]);
        assert_eq!(unit.mapped.text, b"AB\nCD");
        assert_eq!(unit.parts, vec![(0, 0..2), (1, 3..5)]);
        assert_eq!(unit.mapped.file_range(file, 3..5), Some(7..9));
        assert_eq!(unit.mapped.file_range(file, 1..4), None, "crosses the join");
        assert_eq!(unit.mapped.file_point(2), Some(4), "end of the first piece");
        assert_eq!(unit.mapped.file_point(3), Some(7));
        assert_eq!(unit.mapped.file_point(5), Some(9));
        assert_eq!(unit.part_of(2), 0);
        assert_eq!(unit.part_of(3), 1);
    }
}
