//! Line and column numbers, computed only when something is shown to a person.
//!
//! The core works in byte offsets; this index turns them into 1-based lines and
//! 1-based columns counted in characters, as ruff and editors show them.

/// Where each line starts in the text the parser saw (lone CRs already turned to LFs).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex { starts }
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
        let line = self.line_of(offset);
        let start = self.starts[line];
        let col = String::from_utf8_lossy(&text[start..offset.min(text.len())])
            .chars()
            .count();
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
