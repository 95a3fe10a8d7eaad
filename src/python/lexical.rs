//! Byte-level facts about Python text, for the scans that run before any parse.

/// Can `b` be part of a Python identifier, as raw bytes see it (any non-ASCII byte may
/// belong to one)?
pub fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Is `source[start..end]` a whole identifier (no identifier byte on either side)?
pub fn whole_word(source: &[u8], start: usize, end: usize) -> bool {
    (start == 0 || !is_ident_byte(source[start - 1]))
        && source.get(end).is_none_or(|&b| !is_ident_byte(b))
}

/// Skip blanks, line breaks, backslash continuations and comments from `i`, and any
/// byte of `also`.
pub fn skip_gap(source: &[u8], mut i: usize, also: &[u8]) -> usize {
    while let Some(&b) = source.get(i) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\' => i += 1,
            b'#' => {
                // To the end of the line, which may be a lone CR.
                i = memchr::memchr2(b'\n', b'\r', &source[i..]).map_or(source.len(), |n| i + n);
            }
            _ if also.contains(&b) => i += 1,
            _ => break,
        }
    }
    i
}

/// The identifier starting at `i`, if any.
pub fn ident_at(source: &[u8], i: usize) -> Option<&[u8]> {
    let len = source[i.min(source.len())..]
        .iter()
        .take_while(|&&b| is_ident_byte(b))
        .count();
    (len > 0).then(|| &source[i..i + len])
}

/// Where the string literal whose quote is at `i` ends (just past its closing quote);
/// `None` when it does not end. A backslash always takes the next byte along (also in a
/// raw string, where `\"` does not end it either).
pub fn string_end(source: &[u8], i: usize) -> Option<usize> {
    let q = source[i];
    let triple = source.get(i + 1) == Some(&q) && source.get(i + 2) == Some(&q);
    let mut j = if triple { i + 3 } else { i + 1 };
    while let Some(&b) = source.get(j) {
        match b {
            b'\\' => j += 2,
            _ if b == q && (!triple || source[j..].starts_with(&[q, q, q])) => {
                return Some(j + if triple { 3 } else { 1 });
            }
            b'\n' if !triple => return None,
            _ => j += 1,
        }
    }
    None
}

/// An f-string or t-string prefix (`f`, `rf`, `Tr`...): its text holds code, with
/// quotes inside quotes since Python 3.12; the scan does not try to read it.
pub fn is_template_prefix(ident: &[u8]) -> bool {
    ident.len() <= 2
        && ident.iter().any(|b| matches!(b, b'f' | b'F' | b't' | b'T'))
        && ident
            .iter()
            .all(|b| matches!(b, b'f' | b'F' | b't' | b'T' | b'r' | b'R'))
}

/// Where the bracketed group opened at `i` closes (just past it), skipping strings and
/// comments; `None` when it does not close or holds an f-string.
pub fn group_end(source: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while let Some(&b) = source.get(j) {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                j += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                j += 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            b'\'' | b'"' => {
                let prefix = source[..j]
                    .iter()
                    .rev()
                    .take_while(|&&c| is_ident_byte(c))
                    .count();
                if is_template_prefix(&source[j - prefix..j]) {
                    return None;
                }
                j = string_end(source, j)?;
            }
            b'#' => j = memchr::memchr2(b'\n', b'\r', &source[j..]).map_or(source.len(), |n| j + n),
            _ => j += 1,
        }
    }
    None
}
