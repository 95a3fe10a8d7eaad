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
