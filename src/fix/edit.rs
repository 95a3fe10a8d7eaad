//! Byte-range edits and their application.
//!
//! Every change unawait makes is an [`Edit`]: a byte range of the original source and the
//! bytes that replace it. Edits are applied to the original bytes only, so every byte
//! outside an edit — encoding, line endings, tabs, a missing final newline — is kept as
//! it was. Overlapping edits are a bug in the caller and are rejected, never merged.

use std::fmt;
use std::ops::Range;

/// One replacement of a byte range of the original source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: Vec<u8>,
}

impl Ord for Edit {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.range.start, self.range.end, &self.replacement).cmp(&(
            other.range.start,
            other.range.end,
            &other.replacement,
        ))
    }
}

impl PartialOrd for Edit {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Edit {
    /// Remove the bytes in `range`.
    pub fn delete(range: Range<usize>) -> Self {
        Edit {
            range,
            replacement: Vec::new(),
        }
    }

    /// Replace the bytes in `range` with `replacement`.
    pub fn replace(range: Range<usize>, replacement: impl Into<Vec<u8>>) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    /// Put `text` before the byte at `at`.
    pub fn insert(at: usize, text: impl Into<Vec<u8>>) -> Self {
        Edit {
            range: at..at,
            replacement: text.into(),
        }
    }
}

/// Two edits touch the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlapError {
    pub first: Range<usize>,
    pub second: Range<usize>,
}

impl fmt::Display for OverlapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "overlapping edits at bytes {:?} and {:?}",
            self.first, self.second
        )
    }
}

impl std::error::Error for OverlapError {}

/// Apply `edits` to `source`. Edits are sorted first; identical duplicates are dropped
/// (two findings may ask for the same change), any other overlap is an error.
///
/// ```
/// use unawait::fix::edit::{apply, Edit};
/// let src = b"x = await  f()\r\n";
/// assert_eq!(apply(src, &[Edit::delete(4..11)]).unwrap(), b"x = f()\r\n");
/// assert!(apply(src, &[Edit::delete(0..3), Edit::delete(2..5)]).is_err());
/// ```
pub fn apply(source: &[u8], edits: &[Edit]) -> Result<Vec<u8>, OverlapError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut out = Vec::with_capacity(source.len());
    let mut cursor = 0;
    let mut previous: Option<&Edit> = None;
    for edit in sorted {
        if let Some(prev) = previous {
            // Two insertions at the same point are fine; anything that shares a byte
            // (or inserts inside a deleted range) is not.
            let touches = edit.range.start < prev.range.end
                || (edit.range.start == prev.range.start && !prev.range.is_empty());
            if touches {
                return Err(OverlapError {
                    first: prev.range.clone(),
                    second: edit.range.clone(),
                });
            }
        }
        assert!(edit.range.end <= source.len(), "edit past end of source");
        out.extend_from_slice(&source[cursor..edit.range.start]);
        out.extend_from_slice(&edit.replacement);
        cursor = edit.range.end;
        previous = Some(edit);
    }
    out.extend_from_slice(&source[cursor..]);
    Ok(out)
}

/// The byte range that removing `await` deletes: the keyword and the spaces or tabs
/// after it, except that a comment after the keyword keeps its spacing when code comes
/// before the keyword on its line (`x = (await  # why` → `x = (  # why`).
pub fn await_deletion(source: &[u8], keyword: Range<usize>) -> Range<usize> {
    let mut end = keyword.end;
    while matches!(source.get(end), Some(b' ' | b'\t')) {
        end += 1;
    }
    if source.get(end) == Some(&b'#') {
        let line_start = source[..keyword.start]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1);
        let code_before = source[line_start..keyword.start]
            .iter()
            .any(|b| !matches!(b, b' ' | b'\t' | b'\x0c'));
        if code_before {
            end = keyword.end;
        }
    }
    keyword.start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_sorted_deletions() {
        let src = b"await a(); await b()";
        let edits = [Edit::delete(11..17), Edit::delete(0..6)];
        assert_eq!(apply(src, &edits).unwrap(), b"a(); b()");
    }

    #[test]
    fn keeps_every_other_byte() {
        let src = b"x = await f()\r\n\ty\xe9";
        let out = apply(src, &[Edit::delete(4..10)]).unwrap();
        assert_eq!(out, b"x = f()\r\n\ty\xe9");
    }

    #[test]
    fn rejects_overlap() {
        let err = apply(b"abcdef", &[Edit::delete(0..3), Edit::delete(2..4)]).unwrap_err();
        assert_eq!(err.first, 0..3);
        assert_eq!(err.second, 2..4);
    }

    #[test]
    fn rejects_insert_inside_deletion() {
        assert!(apply(b"abcdef", &[Edit::delete(1..4), Edit::insert(2, "x")]).is_err());
    }

    #[test]
    fn duplicate_edits_apply_once() {
        let e = Edit::delete(0..1);
        assert_eq!(apply(b"ab", &[e.clone(), e]).unwrap(), b"b");
    }

    #[test]
    fn insert_and_replace() {
        let out = apply(
            b"import a",
            &[Edit::insert(8, ", b"), Edit::replace(0..6, "from")],
        )
        .unwrap();
        assert_eq!(out, b"from a, b");
    }
}
