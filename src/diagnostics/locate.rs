//! From a diagnostic's line and columns to bytes of the file, and from bytes to the
//! `await` they name. Lines end at `\r\n`, `\n` or a lone `\r`, as every checker reads
//! them; a column counts code points or UTF-16 units of the line's text (a line that
//! is not UTF-8 counts one unit a byte, as latin-1 would); a BOM counts only where the
//! checker counts it (pyright). Nothing is guessed: a position outside the file, or one
//! that is not exactly an await's operand, is [`NoAwait::Gone`].

use std::ops::Range;

use tree_sitter::Node;

use crate::python::parse::await_operand;

use super::{Covers, Diagnostic, Unit};

/// Where a diagnostic points, in bytes of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    /// Exactly these bytes: the operand or the whole await, as `covers` says.
    Exact { range: Range<usize>, covers: Covers },
    /// mypy: an await that starts on the line `first` and ends on the line `last`
    /// (each the bytes of its line's text), with mypy's columns as hints.
    Lines {
        first: Range<usize>,
        last: Range<usize>,
        line: usize,
        column: usize,
        end_column: usize,
    },
}

/// Why no await is the one a diagnostic names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoAwait {
    /// No await at that position: the file changed since the checker ran.
    Gone,
    /// `count` awaits on mypy's line, and its column tells none of them apart.
    Ambiguous { line: usize, count: usize },
}

impl NoAwait {
    pub fn describe(&self) -> String {
        match self {
            NoAwait::Gone => {
                "no await at this position — the file changed since the diagnostics were made"
                    .to_string()
            }
            NoAwait::Ambiguous { line, count } => format!(
                "{count} awaits on line {line} and the checker's column does not say which one"
            ),
        }
    }
}

/// The lines of `source`: the bytes of each line's text, without its line end.
fn line_ranges(source: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < source.len() {
        match source[i] {
            b'\n' => {
                out.push(start..i);
                start = i + 1;
            }
            b'\r' => {
                out.push(start..i);
                if source.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // The last line, and the empty line after a final line end (an end position may
    // point at its start).
    out.push(start..source.len());
    out
}

/// The byte `column` units into `line` (its text), or `None` past its end.
fn byte_at(source: &[u8], line: Range<usize>, column: usize, unit: Unit) -> Option<usize> {
    let text = &source[line.clone()];
    let Ok(s) = std::str::from_utf8(text) else {
        return (column <= text.len()).then_some(line.start + column);
    };
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units == column {
            return Some(line.start + i);
        }
        units += match unit {
            Unit::Utf16 => c.len_utf16(),
            Unit::CodePoints | Unit::Hint => 1,
        };
        if units > column {
            return None; // inside a character: no such column
        }
    }
    (units == column).then_some(line.end)
}

/// Where `d` points in `source` (the file's bytes as they are on disk).
pub fn locate(source: &[u8], d: &Diagnostic) -> Result<Located, NoAwait> {
    let lines = line_ranges(source);
    let line = |n: usize| -> Result<Range<usize>, NoAwait> {
        let mut r = n
            .checked_sub(1)
            .and_then(|i| lines.get(i))
            .cloned()
            .ok_or(NoAwait::Gone)?;
        // Columns of line 1 count a BOM only where the checker says so.
        if n == 1 && !d.span.bom_counted && source.starts_with("\u{feff}".as_bytes()) {
            r.start += 3;
        }
        Ok(r)
    };
    let (start, end) = (d.span.start, d.span.end);
    if d.span.unit == Unit::Hint {
        return Ok(Located::Lines {
            first: line(start.line)?,
            last: line(end.line)?,
            line: start.line,
            column: start.column,
            end_column: end.column,
        });
    }
    let from =
        byte_at(source, line(start.line)?, start.column, d.span.unit).ok_or(NoAwait::Gone)?;
    let to = byte_at(source, line(end.line)?, end.column, d.span.unit).ok_or(NoAwait::Gone)?;
    if to < from {
        return Err(NoAwait::Gone);
    }
    Ok(Located::Exact {
        range: from..to,
        covers: d.span.covers,
    })
}

/// The `await` that `located` names in the tree of `source` (parsed from
/// `python::parse::parse_text(source)`, which keeps every offset).
///
/// For an exact range: the innermost await whose operand (at any depth of its
/// parentheses) or whose whole expression, as the diagnostic covers, is exactly those
/// bytes. For mypy's lines: the await that starts on the first line and ends on the
/// last; of several, the one whose keyword is at mypy's column (counted in bytes, code
/// points or UTF-16 units), else the only one as long as mypy's range, else none.
pub fn await_at<'t>(root: Node<'t>, source: &[u8], located: &Located) -> Result<Node<'t>, NoAwait> {
    match located {
        Located::Exact { range, covers } => exact(root, range, *covers),
        Located::Lines {
            first,
            last,
            line,
            column,
            end_column,
        } => {
            let mut found = Vec::new();
            awaits_within(root, first.start, last.end, &mut found);
            found.retain(|n| first.contains(&n.start_byte()) && n.end_byte() <= last.end);
            found.retain(|n| n.end_byte() >= last.start);
            match found.as_slice() {
                [] => Err(NoAwait::Gone),
                [only] => Ok(*only),
                _ => pick(
                    source,
                    first.start,
                    &found,
                    *column,
                    *end_column,
                    first == last,
                )
                .ok_or(NoAwait::Ambiguous {
                    line: *line,
                    count: found.len(),
                }),
            }
        }
    }
}

fn exact<'t>(root: Node<'t>, range: &Range<usize>, covers: Covers) -> Result<Node<'t>, NoAwait> {
    let mut node = root.descendant_for_byte_range(range.start, range.end);
    while let Some(n) = node {
        if is_await(n) && n.start_byte() <= range.start && range.end <= n.end_byte() {
            let hit = match covers {
                Covers::Await => n.byte_range() == *range,
                Covers::Operand => await_operand(n).is_some_and(|op| covers_operand(op, range)),
            };
            if hit {
                return Ok(n);
            }
        }
        node = n.parent();
    }
    Err(NoAwait::Gone)
}

/// An `await` expression (not its keyword, a node of the same kind).
fn is_await(node: Node<'_>) -> bool {
    node.kind() == "await" && node.is_named()
}

/// Is `range` the operand, with some or none of its parentheses?
fn covers_operand(mut op: Node<'_>, range: &Range<usize>) -> bool {
    loop {
        if op.byte_range() == *range {
            return true;
        }
        let inner = unparenthesize_once(op);
        if inner == op {
            return false;
        }
        op = inner;
    }
}

/// One pair of parentheses off, if `node` has them around one expression (as
/// `python::parse::unparenthesize` takes them all off).
fn unparenthesize_once(node: Node<'_>) -> Node<'_> {
    if node.kind() != "parenthesized_expression" {
        return node;
    }
    let mut c = node.walk();
    let inner: Vec<Node<'_>> = node
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    match inner.as_slice() {
        [only] => *only,
        _ => node,
    }
}

/// Every await node overlapping `start..end`.
fn awaits_within<'t>(node: Node<'t>, start: usize, end: usize, out: &mut Vec<Node<'t>>) {
    if node.end_byte() < start || node.start_byte() > end {
        return;
    }
    if is_await(node) {
        out.push(node);
    }
    let mut c = node.walk();
    for child in node.children(&mut c) {
        awaits_within(child, start, end, out);
    }
}

/// Of several awaits on mypy's line, the one its column names.
fn pick<'t>(
    source: &[u8],
    line_start: usize,
    found: &[Node<'t>],
    column: usize,
    end_column: usize,
    one_line: bool,
) -> Option<Node<'t>> {
    let before = |n: &Node<'_>| &source[line_start..n.start_byte()];
    let columns = |bytes: &[u8]| -> [usize; 3] {
        let s = String::from_utf8_lossy(bytes);
        [
            bytes.len(),
            s.chars().count(),
            s.chars().map(char::len_utf16).sum(),
        ]
    };
    let at_column: Vec<&Node<'t>> = found
        .iter()
        .filter(|n| columns(before(n)).contains(&column))
        .collect();
    if let [only] = at_column.as_slice() {
        return Some(**only);
    }
    // mypy's columns are off on a line with non-ASCII text, its width is not.
    let width = end_column.checked_sub(column)?;
    let as_wide: Vec<&Node<'t>> = found
        .iter()
        .filter(|n| one_line && columns(&source[n.byte_range()]).contains(&width))
        .collect();
    match as_wide.as_slice() {
        [only] => Some(**only),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
