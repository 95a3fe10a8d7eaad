//! A small JSON reader that keeps byte spans.
//!
//! Notebooks are edited in place, never re-serialised, so all this reader does is
//! validate the document (RFC 8259, plus the `NaN`/`Infinity` that Python's `json`
//! accepts) and say where each value is. String values are decoded on demand by
//! [`decode`], which keeps, for every decoded byte, the file bytes it came from.

use std::ops::Range;

use super::mapped::Mapped;

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 512;

/// A JSON value and, for strings, where it is in the file.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number,
    /// The string literal's span, quotes included.
    String(Range<usize>),
    Array(Vec<Value>),
    /// Members in file order: the key's span (quotes included) and the value.
    Object(Vec<(Range<usize>, Value)>),
}

/// Why the bytes are not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub at: usize,
    pub what: &'static str,
}

impl Value {
    /// The member `key` of an object (the last one, as Python's `json` keeps it).
    pub fn get(&self, src: &[u8], key: &str) -> Option<&Value> {
        let Value::Object(members) = self else {
            return None;
        };
        members
            .iter()
            .rev()
            .find(|(k, _)| decode(src, k.clone()).is_ok_and(|m| m.text == key.as_bytes()))
            .map(|(_, v)| v)
    }

    /// The decoded text of a string value.
    pub fn as_str(&self, src: &[u8]) -> Option<String> {
        match self {
            Value::String(span) => decode(src, span.clone())
                .ok()
                .and_then(|m| String::from_utf8(m.text).ok()),
            _ => None,
        }
    }
}

/// Parse a whole JSON document (a UTF-8 BOM before it is allowed).
pub fn parse(src: &[u8]) -> Result<Value, Error> {
    if let Err(e) = std::str::from_utf8(src) {
        return Err(Error {
            at: e.valid_up_to(),
            what: "invalid UTF-8",
        });
    }
    let start = if src.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let mut p = Parser { src, pos: start };
    p.ws();
    let value = p.value(0)?;
    p.ws();
    if p.pos != src.len() {
        return Err(p.error("extra data after the document"));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, what: &'static str) -> Error {
        Error { at: self.pos, what }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, word: &[u8]) -> bool {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of data")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9' | b'N' | b'I') => self.number(),
            Some(_) if self.eat(b"null") => Ok(Value::Null),
            Some(_) if self.eat(b"true") => Ok(Value::Bool(true)),
            Some(_) if self.eat(b"false") => Ok(Value::Bool(false)),
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        self.pos += 1;
        let mut members = Vec::new();
        self.ws();
        if self.eat(b"}") {
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(b":") {
                return Err(self.error("expected `:`"));
            }
            self.ws();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.ws();
            if self.eat(b",") {
                continue;
            }
            if self.eat(b"}") {
                return Ok(Value::Object(members));
            }
            return Err(self.error("expected `,` or `}`"));
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b"]") {
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            if self.eat(b",") {
                continue;
            }
            if self.eat(b"]") {
                return Ok(Value::Array(items));
            }
            return Err(self.error("expected `,` or `]`"));
        }
    }

    /// A string literal; returns its span, quotes included. Escapes are checked here,
    /// decoded later.
    fn string(&mut self) -> Result<Range<usize>, Error> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            let hex = self.src.get(self.pos + 1..self.pos + 5);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return Err(self.error("invalid \\u escape"));
                            }
                            self.pos += 5;
                        }
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                Some(0..=0x1f) => return Err(self.error("control character in string")),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        if self.eat(b"NaN") || self.eat(b"Infinity") || self.eat(b"-Infinity") {
            return Ok(Value::Number);
        }
        self.eat(b"-");
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.eat(b".") && self.digits() == 0 {
            return Err(self.error("invalid number"));
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(Value::Number)
    }
}

fn hex4(src: &[u8], at: usize) -> u32 {
    let s = std::str::from_utf8(&src[at..at + 4]).unwrap_or("0");
    u32::from_str_radix(s, 16).unwrap_or(0)
}

/// Decode the string literal at `span` (quotes included, as [`parse`] found it),
/// keeping where each decoded byte came from. A lone surrogate (`"\ud800"`), which
/// Python accepts but UTF-8 cannot hold, is an error.
pub fn decode(src: &[u8], span: Range<usize>) -> Result<Mapped, Error> {
    let mut out = Mapped::default();
    let end = span.end - 1;
    let mut i = span.start + 1;
    while i < end {
        let b = src[i];
        if b != b'\\' {
            out.push_raw(b, i);
            i += 1;
            continue;
        }
        let simple = match src[i + 1] {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push_decoded(&[c], i..i + 2);
            i += 2;
            continue;
        }
        // `\uXXXX`, perhaps a surrogate pair `\uD83D\uDE00`.
        let unit = hex4(src, i + 2);
        let (code, len) = if (0xd800..0xdc00).contains(&unit)
            && src.get(i + 6..i + 8) == Some(b"\\u")
            && i + 12 <= end
            && (0xdc00..0xe000).contains(&hex4(src, i + 8))
        {
            let low = hex4(src, i + 8);
            (0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00), 12)
        } else {
            (unit, 6)
        };
        let Some(c) = char::from_u32(code) else {
            return Err(Error {
                at: i,
                what: "lone surrogate escape",
            });
        };
        let mut buf = [0u8; 4];
        out.push_decoded(c.encode_utf8(&mut buf).as_bytes(), i..i + len);
        i += len;
    }
    out.close(end);
    Ok(out)
}

/// `bytes` as the inside of a JSON string literal, as Python's `json.dumps` with
/// `ensure_ascii=False` (nbformat's choice) writes it.
pub fn escape(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            0..=0x1f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_at(src: &[u8]) -> Range<usize> {
        match parse(src).unwrap() {
            Value::String(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_and_finds_members() {
        let src = br#"{"a": [1, -2.5e3, true, false, null, "x"], "b": {"c": "d"}, "a": 0}"#;
        let v = parse(src).unwrap();
        assert_eq!(v.get(src, "a"), Some(&Value::Number), "last key wins");
        let b = v.get(src, "b").unwrap();
        assert_eq!(b.get(src, "c").unwrap().as_str(src).unwrap(), "d");
        assert!(v.get(src, "zz").is_none());
    }

    #[test]
    fn python_extensions_and_bom() {
        assert!(parse(b"[NaN, Infinity, -Infinity]").is_ok());
        assert!(parse(b"\xef\xbb\xbf {}").is_ok());
    }

    #[test]
    fn rejects_what_json_rejects() {
        for bad in [
            &b""[..],
            b"{",
            b"[1,]",
            b"{\"a\" 1}",
            b"\"a\nb\"",
            b"\"\\x\"",
            b"\"\\u12g4\"",
            b"01",
            b"1.",
            b"1e",
            b"{} {}",
            b"'a'",
            b"\"\xff\"",
            b"tru",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "[".repeat(600) + &"]".repeat(600);
        assert_eq!(
            parse(deep.as_bytes()).unwrap_err().what,
            "nested too deeply"
        );
    }

    #[test]
    fn decodes_escapes_with_offsets() {
        // Offsets: 0 is the quote; `a` 1; `\n` 2-3; `\"` 4-5; `\\` 6-7; `\u00e9` 8-13;
        // `\ud83d\ude00` 14-25; `é` 26-27; `b` 28; closing quote 29.
        let src = "\"a\\n\\\"\\\\\\u00e9\\ud83d\\ude00éb\"".as_bytes();
        let m = decode(src, string_at(src)).unwrap();
        assert_eq!(m.text, "a\n\"\\é😀éb".as_bytes());
        let starts: Vec<usize> = (0..m.len()).map(|j| m.span(j).start).collect();
        assert_eq!(starts, vec![1, 2, 4, 6, 8, 8, 14, 14, 14, 14, 26, 27, 28]);
        // Ranges cover raw bytes and whole escapes, never part of one.
        assert_eq!(m.file_range(src, 0..1), Some(1..2));
        assert_eq!(m.file_range(src, 10..13), Some(26..29));
        assert_eq!(m.file_range(src, 0..2), Some(1..4), "`a\\n`");
        assert_eq!(m.file_range(src, 3..4), Some(6..8), "`\\\\`");
        assert_eq!(m.file_range(src, 0..6), Some(1..14));
        assert_eq!(m.file_range(src, 4..5), None, "half of `\\u00e9`");
        assert_eq!(m.file_range(src, 5..7), None, "ends inside an escape");
        assert_eq!(m.file_range(src, 7..10), None, "starts inside an escape");
        // Insertion points fall between raw encodings.
        assert_eq!(m.file_point(4), Some(8));
        assert_eq!(m.file_point(5), None, "inside `\\u00e9`");
        assert_eq!(m.file_point(m.len()), Some(29));
    }

    #[test]
    fn lone_surrogate_is_an_error() {
        let src = br#""\ud800x""#;
        assert_eq!(
            decode(src, string_at(src)).unwrap_err().what,
            "lone surrogate escape"
        );
        let src = br#""\udc00""#;
        assert!(decode(src, string_at(src)).is_err());
    }

    #[test]
    fn escape_round_trips_through_decode() {
        let text = "q\"b\\s\n\r\t\x01é".as_bytes();
        let mut lit = b"\"".to_vec();
        lit.extend(escape(text));
        lit.push(b'"');
        assert_eq!(decode(&lit, string_at(&lit)).unwrap().text, text);
        assert_eq!(escape(b"a\x01"), b"a\\u0001");
    }
}
