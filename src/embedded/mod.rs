//! Python inside other files: Jupyter notebooks' code cells, Python blocks in
//! Markdown and reST documentation, and doctest examples in Python docstrings.
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
//! sources, or nothing is written. A Python file's docstrings are pieces too (with
//! `docs`): its code is fixed as any Python file's, its examples as pieces, and the
//! edited file must both parse and read back.

pub mod docs;
pub mod doctest;
pub mod json;
pub mod mapped;
pub mod notebook;
pub mod piece;

pub use piece::{Escape, Piece, Skip};

use crate::files::kind::FileKind;
use crate::fix::edit::{self, Edit};
use crate::fix::engine::{self, Located, SourceError};
use crate::fix::matcher::{FileContext, FixOptions};
use crate::fix::prefilter::Prefilter;
use crate::fix::rules::RuleSet;
use piece::Outcome;

/// What fixing a file found and made, whatever its kind.
#[derive(Debug)]
pub struct FileFix {
    /// Located in the file (its lines and columns); each fix is made of file edits.
    pub findings: Vec<Located>,
    /// The fixed file; equal to the input when there is nothing to change.
    pub output: Vec<u8>,
    /// Pieces left unchanged because of a problem (syntax error, an edit that does not
    /// map onto the file), one line each, naming the piece (for Python, a docstring).
    pub notes: Vec<String>,
    /// How to apply some of the findings' edits safely (interactive review).
    pub check: Check,
    /// Rules' calls mentioned in the text of a Python file's comments and strings.
    pub mentions: Vec<engine::TextMention>,
}

/// The one apply-and-verify for a file's edits: Python is parsed again; a notebook or
/// document is read again and each piece must be its fixed source; a Python file with
/// docstring pieces is both (its code edits belong to no piece).
#[derive(Debug)]
pub enum Check {
    Python,
    Pieces {
        kind: FileKind,
        pieces: Vec<Piece>,
        /// For each file edit: its piece and the same edit in the piece's text; sorted
        /// by file edit.
        local: Vec<(Edit, usize, Edit)>,
    },
}

impl Check {
    /// Apply `edits` (file edits of some of the findings) to `file`, then verify.
    pub fn apply(&self, file: &[u8], edits: &[Edit]) -> Result<Vec<u8>, SourceError> {
        let (kind, pieces, local) = match self {
            Check::Python => return engine::apply_checked(file, edits),
            Check::Pieces {
                kind,
                pieces,
                local,
            } => (*kind, pieces, local),
        };
        let internal = SourceError::Internal;
        let output = match kind {
            FileKind::Python => engine::apply_checked(file, edits)?,
            _ => edit::apply(file, edits).map_err(|e| internal(e.to_string()))?,
        };
        if output == file {
            return Ok(output);
        }
        let mut by_piece: Vec<Vec<Edit>> = vec![Vec::new(); pieces.len()];
        for e in edits {
            match local.binary_search_by(|(fe, _, _)| fe.cmp(e)) {
                Ok(at) => by_piece[local[at].1].push(local[at].2.clone()),
                Err(_) if kind == FileKind::Python => {} // the file's own code
                Err(_) => return Err(internal("an edit belongs to no Python piece".into())),
            }
        }
        let mut expected = Vec::with_capacity(pieces.len());
        for (piece, mut edits) in pieces.iter().zip(by_piece) {
            expected.push(if edits.is_empty() {
                None
            } else {
                edits.sort();
                let text =
                    edit::apply(&piece.mapped.text, &edits).map_err(|e| internal(e.to_string()))?;
                Some(text)
            });
        }
        verify(kind, pieces, &expected, &output).map_err(internal)?;
        Ok(output)
    }
}

/// The pieces of Python in `file`, in file order.
pub fn extract(kind: FileKind, file: &[u8]) -> Result<Vec<Piece>, String> {
    match kind {
        FileKind::Notebook => notebook::pieces(file),
        FileKind::Markdown => Ok(docs::markdown_pieces(file)),
        FileKind::Rst => Ok(docs::rst_pieces(file)),
        FileKind::Python => Ok(doctest::pieces(file)),
    }
}

/// Fix a file of any kind: Python through the engine (and with `docs`, its docstrings'
/// doctest examples piece by piece), a notebook or document piece by piece. `Err` means
/// the file is skipped with that reason (a syntax error in Python, a notebook that is
/// not JSON); problems with single pieces are notes, and the rest of the file is still
/// fixed.
pub fn fix_file(
    kind: FileKind,
    file: &[u8],
    rules: &RuleSet,
    options: FixOptions,
    ctx: FileContext<'_>,
    prefilter: &Prefilter,
    docs: bool,
) -> Result<FileFix, SourceError> {
    let plain = |fixed: engine::Fixed| FileFix {
        findings: fixed.findings,
        output: fixed.output,
        notes: Vec::new(),
        check: Check::Python,
        mentions: fixed.mentions,
    };
    let (pieces, code, ctx) = if kind == FileKind::Python {
        let fixed = engine::fix_source(file, rules, options, ctx)?;
        let pieces = if docs && doctest::may_hold_examples(file, prefilter) {
            doctest::pieces(file)
        } else {
            Vec::new()
        };
        if pieces.is_empty() {
            return Ok(plain(fixed));
        }
        // Doctest runs a docstring's examples in the module's namespace, so relative
        // imports resolve as in the module.
        (pieces, Some(fixed), ctx)
    } else {
        // Notebooks and documents are not modules: no relative imports.
        let ctx = FileContext {
            module: None,
            ..ctx
        };
        let pieces = extract(kind, file).map_err(SourceError::Format)?;
        (pieces, None, ctx)
    };
    let mut out = Outcome::new(file);
    match kind {
        FileKind::Notebook => notebook::fix(&pieces, rules, options, ctx, &mut out),
        FileKind::Python => docs::fix(
            &pieces,
            rules,
            options,
            ctx,
            prefilter,
            "docstring",
            &mut out,
        ),
        _ => docs::fix(&pieces, rules, options, ctx, prefilter, "block", &mut out),
    }
    let Outcome {
        mut findings,
        notes,
        mut local,
        ..
    } = out;
    let mut mentions = Vec::new();
    if let Some(fixed) = code {
        if findings.is_empty() && notes.is_empty() {
            return Ok(plain(fixed));
        }
        findings.extend(fixed.findings);
        // The docstrings' examples are read as code: what they mention is not text.
        mentions = fixed.mentions;
        mentions.retain(|m| m.place != crate::python::mentions::Where::Docstring);
    }
    local.sort_by(|a, b| a.0.cmp(&b.0));
    findings.sort_by_key(|f| (f.finding.keyword.start, f.finding.expr.end));
    let check = Check::Pieces {
        kind,
        pieces,
        local,
    };
    let output = check.apply(
        file,
        &engine::all_edits(findings.iter().map(|l| &l.finding)),
    )?;
    Ok(FileFix {
        findings,
        output,
        notes,
        check,
        mentions,
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
