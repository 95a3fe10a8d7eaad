//! Lines, and line and column numbers, computed only when something is shown to a
//! person.
//!
//! The core works in byte offsets; [`LineIndex`] turns them into 1-based lines and
//! 1-based columns counted in characters, as ruff and editors show them. [`lines`]
//! splits a text into lines for the code that works line by line.

use std::cell::Cell;

/// One line of a text: where it starts, where its content ends (before `\r\n` or
/// `\n`), and where the next line starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

/// The lines of `text`, each ended by `\n` (or by the end of the text, for a last line
/// without one). The only line splitter: diffs, documents and notebooks use it too.
pub fn lines(text: &[u8]) -> impl Iterator<Item = Line> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let nl = memchr::memchr(b'\n', &text[start..]).map(|i| start + i);
        let next = nl.map_or(text.len(), |i| i + 1);
        let mut end = nl.unwrap_or(text.len());
        if end > start && text[end - 1] == b'\r' {
            end -= 1;
        }
        let line = Line { start, end, next };
        start = next;
        Some(line)
    })
}

/// Where each line starts in the text the parser saw (lone CRs already turned to LFs).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last answer of `line_col`, as (line, offset, column): a later offset on the
    /// same line counts on from there, so that many findings on one long line (a
    /// minified file) cost linear time, not quadratic.
    last: Cell<(usize, usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex {
            starts,
            last: Cell::new((0, 0, 0)),
        }
    }

    /// Where the 0-based line `n` starts, if the text has it.
    pub fn line_start(&self, n: usize) -> Option<usize> {
        self.starts.get(n).copied()
    }

    /// 0-based line of `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and character column of `offset` in `text`.
    pub fn line_col(&self, text: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let (last_line, last_offset, last_col) = self.last.get();
        let (from, counted) = if last_line == line && last_offset <= offset {
            (last_offset, last_col)
        } else {
            (self.starts[line], 0)
        };
        let col = counted + lossy_chars(&text[from..offset]);
        self.last.set((line, offset, col));
        (line + 1, col + 1)
    }
}

/// How many characters `String::from_utf8_lossy(bytes)` would have, without building
/// it: each invalid sequence counts as one replacement character.
fn lossy_chars(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|c| c.valid().chars().count() + usize::from(!c.invalid().is_empty()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_before_line_breaks_and_keep_a_last_line_without_one() {
        let text = b"a\r\nbc\n\nd";
        let got: Vec<(usize, usize, usize)> =
            lines(text).map(|l| (l.start, l.end, l.next)).collect();
        assert_eq!(got, [(0, 1, 3), (3, 5, 6), (6, 6, 7), (7, 8, 8)]);
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"x\n").count(), 1);
    }

    #[test]
    fn lines_and_character_columns() {
        let text = "é = 1\nab = await f()\n".as_bytes();
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 2), (1, 2));
        assert_eq!(idx.line_col(text, 3), (1, 3));
        assert_eq!(idx.line_col(text, 12), (2, 6));
        assert_eq!(idx.line_of(7), 1);
        assert_eq!(idx.line_of(text.len()), 2);
    }

    #[test]
    fn columns_are_the_same_in_any_order_of_questions() {
        let text = "é = 1\nab = await f(); x = 'ü'\n".as_bytes();
        let mut latin1 = text.to_vec();
        latin1[0] = 0xe9; // one invalid byte in place of the two-byte é
        for text in [text, &latin1[..]] {
            let fresh = |o| LineIndex::new(text).line_col(text, o);
            let idx = LineIndex::new(text);
            let mut order: Vec<usize> = (0..=text.len()).collect();
            order.extend((0..=text.len()).rev());
            order.extend([20, 3, 25, 7, 0, 30]);
            for o in order {
                // Offsets are token boundaries: never inside a character.
                if text.get(o).is_some_and(|b| !b.is_ascii()) {
                    continue;
                }
                assert_eq!(idx.line_col(text, o), fresh(o), "offset {o}");
            }
        }
    }
}
