//! Text decoded or cut out of a file, with the file bytes every byte came from.

use std::ops::Range;

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

    /// Text that is the file's bytes `at..at + bytes.len()`, as they are.
    pub fn raw(bytes: &[u8], at: usize) -> Mapped {
        let mut m = Mapped::default();
        m.push_raw_slice(bytes, at);
        m
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

    /// Text bytes `r` of `other`, with the file bytes they came from.
    pub fn push_part(&mut self, other: &Mapped, r: Range<usize>) {
        if r.is_empty() {
            return;
        }
        self.text.extend_from_slice(&other.text[r.clone()]);
        self.spans.extend_from_slice(&other.spans[r.clone()]);
        let last = &other.spans[r.end - 1];
        self.end = (last.start != SYNTHETIC).then_some(last.end);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripped_prefixes_break_ranges() {
        // `    a\n    b\n` dedented to `a\nb\n`.
        let file = b"    a\n    b\n";
        let mut m = Mapped::raw(b"a\n", 4);
        m.push_raw_slice(b"b\n", 10);
        assert_eq!(m.text, b"a\nb\n");
        assert_eq!(m.file_range(file, 0..2), Some(4..6));
        assert_eq!(m.file_range(file, 1..3), None);
        assert_eq!(m.file_point(2), Some(10), "after the prefix");
    }

    #[test]
    fn masked_bytes_never_map() {
        let file = b"%time x\n";
        let mut m = Mapped::raw(file, 0);
        m.mask(0..7, b"0      ");
        assert_eq!(m.file_range(file, 0..1), None);
        assert_eq!(m.file_range(file, 5..6), None);
        assert_eq!(m.file_range(file, 7..8), Some(7..8));
    }
}
