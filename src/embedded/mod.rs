//! Python inside other files: Jupyter notebooks' code cells, and Python blocks in
//! Markdown and reST documentation.
//!
//! Each format finds its Python pieces and builds for each a [`Mapped`] text: the
//! source the parser sees, with the file bytes every byte of it came from. The pure core
//! ([`engine::fix_source`]) runs on that text; its edits are mapped back to byte ranges
//! of the file and applied there, so the file changes by exactly the edited bytes and
//! nothing is re-serialised. A deleted range must be contiguous in the file and made of
//! raw bytes or whole escape sequences (JSON writes a tab as `\t`); an edit that does not
//! map so (one that would cross from one string of a cell's source list into the next,
//! say) is refused with a note and its piece left unchanged, never approximated. After
//! editing, the pieces are read again from the new file and must equal the fixed
//! sources, or nothing is written.

pub mod docs;
pub mod json;
pub mod notebook;

use std::ops::Range;

use crate::files::kind::FileKind;
use crate::fix::edit::{self, Edit};
use crate::fix::engine::{self, Fixed, Located, SourceError};
use crate::fix::kept::KeptReason;
use crate::fix::matcher::{Action, FileContext, Finding};
use crate::fix::prefilter::Prefilter;
use crate::fix::rules::RuleSet;
use crate::python::lines::LineIndex;
use crate::python::parse::syntax_error_at;

const SYNTHETIC: usize = usize::MAX;

/// Text decoded or cut out of a file, with the file bytes each of its bytes came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapped {
    pub text: Vec<u8>,
    /// For each byte of `text`, the file bytes of its encoding (a JSON escape's bytes
    /// for every byte it decodes to); `SYNTHETIC..SYNTHETIC` for bytes the file lacks.
    spans: Vec<Range<usize>>,
    /// The file offset just after the last mapped byte (a string's closing quote).
    end: Option<usize>,
}

impl Mapped {
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// A byte copied as it is from the file offset `at`.
    pub fn push_raw(&mut self, byte: u8, at: usize) {
        self.text.push(byte);
        self.spans.push(at..at + 1);
        self.end = Some(at + 1);
    }

    /// Bytes copied as they are from the file, starting at offset `at`.
    pub fn push_raw_slice(&mut self, bytes: &[u8], at: usize) {
        for (i, &b) in bytes.iter().enumerate() {
            self.push_raw(b, at + i);
        }
    }

    /// Bytes decoded from the escape at `raw`.
    pub fn push_decoded(&mut self, bytes: &[u8], raw: Range<usize>) {
        for &b in bytes {
            self.text.push(b);
            self.spans.push(raw.clone());
        }
        self.end = Some(raw.end);
    }

    /// Bytes that are not in the file (a line break between two cells).
    pub fn push_synthetic(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.text.push(b);
            self.spans.push(SYNTHETIC..SYNTHETIC);
        }
        self.end = None;
    }

    /// Mark where the text ends in the file, for insertions at its end.
    pub fn close(&mut self, at: usize) {
        self.end = Some(at);
    }

    pub fn append(&mut self, other: &Mapped) {
        self.text.extend_from_slice(&other.text);
        self.spans.extend_from_slice(&other.spans);
        self.end = other.end;
    }

    /// The file bytes that text byte `j` came from.
    pub fn span(&self, j: usize) -> Range<usize> {
        self.spans[j].clone()
    }

    /// Change text bytes, keeping their positions (IPython magics hidden from the
    /// parser). Masked bytes are no longer raw: no edit maps onto them.
    pub fn mask(&mut self, range: Range<usize>, with: &[u8]) {
        assert_eq!(range.len(), with.len(), "a mask keeps the length");
        self.text[range.clone()].copy_from_slice(with);
        for s in &mut self.spans[range] {
            if s.start != SYNTHETIC {
                s.end = s.start;
            }
        }
    }

    /// The file range that encodes exactly the text bytes `r`: their encodings must be
    /// contiguous in the file, whole (not half of a `\u00e9`), and each either a raw
    /// byte equal to the text byte or a whole escape (a tab is `\t` in JSON). `None`
    /// otherwise: across a cell boundary or a stripped prefix, inside an escape, or on
    /// a masked byte.
    pub fn file_range(&self, file: &[u8], r: Range<usize>) -> Option<Range<usize>> {
        if r.is_empty() || r.end > self.len() {
            return None;
        }
        let first = &self.spans[r.start];
        if r.start > 0 && self.spans[r.start - 1] == *first {
            return None; // starts inside an escape
        }
        if r.end < self.len() && self.spans[r.end] == self.spans[r.end - 1] {
            return None; // ends inside an escape
        }
        let mut prev: Option<&Range<usize>> = None;
        for j in r {
            let s = &self.spans[j];
            if s.start == SYNTHETIC || s.is_empty() {
                return None;
            }
            match prev {
                Some(p) if p == s => continue, // another byte of the same escape
                Some(p) if p.end != s.start => return None,
                _ => {}
            }
            if s.len() == 1 && file.get(s.start) != Some(&self.text[j]) {
                return None;
            }
            prev = Some(s);
        }
        Some(first.start..prev?.end)
    }

    /// The file offset at which to insert before text byte `at`; `None` inside an
    /// escape or where the text has no file position.
    pub fn file_point(&self, at: usize) -> Option<usize> {
        if at < self.len() {
            let s = &self.spans[at];
            if s.start == SYNTHETIC {
                return (at > 0 && self.spans[at - 1].start != SYNTHETIC)
                    .then(|| self.spans[at - 1].end);
            }
            if at > 0 && self.spans[at - 1] == *s {
                return None; // inside one escape's bytes
            }
            return Some(s.start);
        }
        if self.spans.last().is_some_and(|s| s.start == SYNTHETIC) {
            return None;
        }
        self.end
    }

    /// A file offset for showing text byte `at` to a person: where it is, or near it.
    pub fn file_offset(&self, at: usize) -> usize {
        if let Some(p) = self.file_point(at.min(self.len())) {
            return p;
        }
        let at = at.min(self.len());
        if let Some(s) = self.spans[..at].iter().rev().find(|s| s.start != SYNTHETIC) {
            return s.end;
        }
        self.spans[at..]
            .iter()
            .find(|s| s.start != SYNTHETIC)
            .map_or(self.end.unwrap_or(0), |s| s.start)
    }
}

/// How replacement text is written into the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Escape {
    /// Inside a JSON string literal.
    Json,
    /// In a block whose lines start with `prefix` in the file (indentation, a `... `
    /// prompt): a line break in a replacement is followed by it.
    Lines { prefix: Vec<u8> },
}

impl Escape {
    fn apply(&self, replacement: &[u8]) -> Vec<u8> {
        match self {
            Escape::Json => json::escape(replacement),
            Escape::Lines { prefix } => {
                let mut out = Vec::with_capacity(replacement.len());
                for &b in replacement {
                    out.push(b);
                    if b == b'\n' {
                        out.extend_from_slice(prefix);
                    }
                }
                out
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

/// What fixing a notebook or document found, beyond the usual [`Fixed`].
#[derive(Debug)]
pub struct Embedded {
    /// Findings are located in the file (its lines and columns); edits are file edits.
    pub fixed: Fixed,
    /// Pieces left unchanged because of a problem (syntax error, an edit that does not
    /// map onto the file), one line each, naming the piece.
    pub notes: Vec<String>,
}

/// The pieces of Python in `file`, in file order.
pub fn extract(kind: FileKind, file: &[u8]) -> Result<Vec<Piece>, String> {
    match kind {
        FileKind::Notebook => notebook::pieces(file),
        FileKind::Markdown => Ok(docs::markdown_pieces(file)),
        FileKind::Rst => Ok(docs::rst_pieces(file)),
        FileKind::Python => Err("not an embedded format".into()),
    }
}

/// Text handed to the core: one piece, or several joined (a notebook's cells).
#[derive(Debug, Default)]
struct Unit {
    mapped: Mapped,
    /// Which piece each part of `mapped.text` came from.
    parts: Vec<(usize, Range<usize>)>,
}

impl Unit {
    fn of(pieces: &[(usize, Mapped)]) -> Unit {
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

/// Everything gathered while fixing a file's pieces.
struct Outcome<'f> {
    file: &'f [u8],
    file_text: std::borrow::Cow<'f, [u8]>,
    file_lines: LineIndex,
    edits: Vec<Edit>,
    findings: Vec<Located>,
    notes: Vec<String>,
    /// The fixed text of each edited piece, for the final check.
    expected: Vec<Option<Vec<u8>>>,
}

impl<'f> Outcome<'f> {
    fn new(file: &'f [u8], pieces: usize) -> Self {
        let file_text = crate::python::parse::parse_text(file);
        let file_lines = LineIndex::new(&file_text);
        Outcome {
            file,
            file_text,
            file_lines,
            edits: Vec::new(),
            findings: Vec::new(),
            notes: Vec::new(),
            expected: vec![None; pieces],
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        self.file_lines.line_col(&self.file_text, offset)
    }

    /// A note for `piece`, with the file line of text offset `at` when known.
    fn note(&mut self, piece: &Piece, mapped: &Mapped, at: Option<usize>, what: &str) {
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
    /// refuse the part whole.
    fn take(&mut self, unit: &Unit, fixed: Fixed, pieces: &[Piece], what: &str) {
        let mut edits: Vec<Vec<Edit>> = vec![Vec::new(); unit.parts.len()];
        for e in fixed.edits {
            edits[unit.part_of(e.range.start)].push(e);
        }
        let mut findings: Vec<Vec<Finding>> = vec![Vec::new(); unit.parts.len()];
        for f in fixed.findings {
            findings[unit.part_of(f.finding.keyword.start)].push(f.finding);
        }
        let unit_lines = line_starts(&unit.mapped.text);
        for (k, ((index, range), part_edits)) in unit.parts.iter().zip(edits).enumerate() {
            let piece = &pieces[*index];
            let mut mapped_edits = Vec::new();
            let mut refused = None;
            for e in &part_edits {
                match map_edit(&unit.mapped, self.file, e, &piece.escape) {
                    Some(m) => mapped_edits.push(m),
                    None => {
                        refused = Some(e.range.start);
                        break;
                    }
                }
            }
            if let Some(at) = refused {
                self.note(
                    piece,
                    &unit.mapped,
                    Some(at),
                    &format!(
                        "an edit does not map onto contiguous bytes of the file; {what} left unchanged"
                    ),
                );
                continue;
            }
            if !part_edits.is_empty() {
                let local: Vec<Edit> = part_edits
                    .iter()
                    .map(|e| Edit {
                        range: e.range.start - range.start..e.range.end - range.start,
                        replacement: e.replacement.clone(),
                    })
                    .collect();
                match edit::apply(&piece.mapped.text, &local) {
                    Ok(text) => self.expected[*index] = Some(text),
                    Err(e) => {
                        self.note(
                            piece,
                            &unit.mapped,
                            None,
                            &format!("{e}; {what} left unchanged"),
                        );
                        continue;
                    }
                }
            }
            self.edits.extend(mapped_edits);
            for f in std::mem::take(&mut findings[k]) {
                let located = self.locate(f, &unit.mapped, &unit_lines);
                self.findings.push(located);
            }
        }
    }

    /// A finding of unit text, moved to the file: ranges, line and column.
    fn locate(&self, mut f: Finding, mapped: &Mapped, unit_lines: &[usize]) -> Located {
        let to_file = |r: &Range<usize>| {
            mapped
                .file_range(self.file, r.clone())
                .unwrap_or_else(|| mapped.file_offset(r.start)..mapped.file_offset(r.end))
        };
        f.keyword = to_file(&f.keyword);
        f.expr = to_file(&f.expr);
        f.callee_name = to_file(&f.callee_name);
        if let Action::Kept(KeptReason::AsyncDef { location }) = &mut f.action {
            // `line N` of the unit text becomes the file's line.
            if let Some(n) = location
                .strip_prefix("line ")
                .and_then(|n| n.parse::<usize>().ok())
            {
                if let Some(&start) = unit_lines.get(n.wrapping_sub(1)) {
                    let (line, _) = self.line_col(mapped.file_offset(start));
                    *location = format!("line {line}");
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

fn line_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
    starts
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
        replacement: escape.apply(&e.replacement),
    })
}

/// Fix the Python inside a notebook or a document. `Err` means the file is skipped
/// with that reason (a notebook that is not JSON); problems with single pieces are
/// notes, and the rest of the file is still fixed.
pub fn fix_file(
    kind: FileKind,
    file: &[u8],
    rules: &RuleSet,
    ctx: FileContext<'_>,
    prefilter: &Prefilter,
) -> Result<Embedded, String> {
    // Notebooks and documents are not modules: no relative imports.
    let ctx = FileContext {
        module: None,
        ..ctx
    };
    let pieces = extract(kind, file)?;
    let mut out = Outcome::new(file, pieces.len());
    match kind {
        FileKind::Notebook => notebook::fix(&pieces, rules, ctx, &mut out),
        _ => docs::fix(&pieces, rules, ctx, prefilter, &mut out),
    }
    let Outcome {
        mut edits,
        mut findings,
        notes,
        expected,
        ..
    } = out;
    edits.sort();
    let output = edit::apply(file, &edits)
        .map_err(|e| format!("internal error: {e}; file left unchanged (please report this)"))?;
    if output != file {
        verify(kind, &pieces, &expected, &output).map_err(|why| {
            format!("internal error: {why}; file left unchanged (please report this)")
        })?;
    }
    findings.sort_by_key(|f| (f.finding.keyword.start, f.finding.expr.end));
    Ok(Embedded {
        fixed: Fixed {
            findings,
            edits,
            output,
        },
        notes,
    })
}

/// Read the pieces again from the edited file: each must be the fixed text.
fn verify(
    kind: FileKind,
    before: &[Piece],
    expected: &[Option<Vec<u8>>],
    output: &[u8],
) -> Result<(), String> {
    let after = extract(kind, output).map_err(|e| format!("the edited file is broken: {e}"))?;
    if after.len() != before.len() {
        return Err("the edited file has a different number of Python pieces".into());
    }
    for ((b, a), want) in before.iter().zip(&after).zip(expected) {
        let want = want.as_ref().unwrap_or(&b.mapped.text);
        if a.mapped.text != *want {
            return Err(format!(
                "{} does not read back as its fixed source",
                b.label
            ));
        }
    }
    Ok(())
}

/// Run the core on `unit`, a syntax error reported as the offset in the unit's text.
fn fix_unit(
    unit: &Unit,
    rules: &RuleSet,
    ctx: FileContext<'_>,
) -> Result<Fixed, (SourceError, Option<usize>)> {
    engine::fix_source(&unit.mapped.text, rules, ctx).map_err(|e| {
        let at = match e {
            SourceError::Syntax { .. } => syntax_error_at(&unit.mapped.text),
            SourceError::Internal(_) => None,
        };
        (e, at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &[u8], at: usize) -> Mapped {
        let mut m = Mapped::default();
        m.push_raw_slice(text, at);
        m
    }

    #[test]
    fn joined_pieces_keep_their_offsets() {
        let file = b"xxAB\nyyCD";
        let unit = Unit::of(&[(0, raw(b"AB", 2)), (1, raw(b"CD", 7))]);
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

    #[test]
    fn stripped_prefixes_break_ranges() {
        // `    a\n    b\n` dedented to `a\nb\n`.
        let file = b"    a\n    b\n";
        let mut m = raw(b"a\n", 4);
        m.push_raw_slice(b"b\n", 10);
        assert_eq!(m.text, b"a\nb\n");
        assert_eq!(m.file_range(file, 0..2), Some(4..6));
        assert_eq!(m.file_range(file, 1..3), None);
        assert_eq!(m.file_point(2), Some(10), "after the prefix");
    }

    #[test]
    fn masked_bytes_never_map() {
        let file = b"%time x\n";
        let mut m = raw(file, 0);
        m.mask(0..7, b"0      ");
        assert_eq!(m.file_range(file, 0..1), None);
        assert_eq!(m.file_range(file, 5..6), None);
        assert_eq!(m.file_range(file, 7..8), Some(7..8));
    }

    #[test]
    fn line_prefix_follows_line_breaks() {
        let e = Escape::Lines {
            prefix: b"   ... ".to_vec(),
        };
        assert_eq!(e.apply(b"\n    b,"), b"\n   ...     b,");
        assert_eq!(Escape::Json.apply(b"\n    \"b\","), b"\\n    \\\"b\\\",");
    }
}
