//! Unified diffs in git's format, byte for byte.
//!
//! Lines are compared as raw bytes: a CR stays inside its line, no text is decoded, and
//! a last line without a newline gets git's `\ No newline at end of file` marker. The
//! output must apply with `git apply` and `patch -p1` from the diff base.

use std::ops::Range;
use std::path::PathBuf;

use super::{FileView, Format};
use crate::python::lines::lines;

const CONTEXT: usize = 3;

/// `diff` and `patch`: a file's diff, with names relative to `base`.
pub struct Diff {
    pub base: PathBuf,
    pub palette: Palette,
}

impl Format for Diff {
    fn file(&self, file: &FileView<'_>) -> Vec<u8> {
        let Some(fixed) = file.fixed else {
            return Vec::new();
        };
        let name = crate::paths::relative_bytes(&self.base, &file.report.absolute);
        file_diff(&name, file.source, fixed, &self.palette)
    }
}

/// Colours for a terminal; all empty when colour is off.
#[derive(Clone, Copy, Debug, Default)]
pub struct Palette {
    pub header: &'static str,
    pub hunk: &'static str,
    pub removed: &'static str,
    pub added: &'static str,
    pub reset: &'static str,
}

impl Palette {
    pub fn plain() -> Self {
        Palette::default()
    }

    pub fn ansi() -> Self {
        Palette {
            header: "\x1b[1m",
            hunk: "\x1b[36m",
            removed: "\x1b[31m",
            added: "\x1b[32m",
            reset: "\x1b[0m",
        }
    }
}

/// Split after each `\n`, keeping it (and any `\r` before it) inside the line.
pub fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    lines(text).map(|l| &text[l.start..l.next]).collect()
}

/// A run of changed lines: `old` lines were replaced by `new` lines.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Region {
    old: Range<usize>,
    new: Range<usize>,
}

fn changed_regions(old: &[&[u8]], new: &[&[u8]]) -> Vec<Region> {
    let mut regions: Vec<Region> = Vec::new();
    let mut push = |o: Range<usize>, n: Range<usize>| {
        if let Some(last) = regions.last_mut() {
            if last.old.end == o.start && last.new.end == n.start {
                last.old.end = o.end;
                last.new.end = n.end;
                return;
            }
        }
        regions.push(Region { old: o, new: n });
    };
    if old.len() == new.len() {
        // unawait's edits rarely add or remove lines; pairing lines is then exact and
        // linear, however many edits a large file has.
        for (i, (a, b)) in old.iter().zip(new).enumerate() {
            if a != b {
                push(i..i + 1, i..i + 1);
            }
        }
    } else {
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, old, new) {
            if op.tag() != similar::DiffTag::Equal {
                push(op.old_range(), op.new_range());
            }
        }
    }
    regions
}

fn push_line(out: &mut Vec<u8>, sign: u8, line: &[u8], colour: &str, reset: &str) {
    out.extend_from_slice(colour.as_bytes());
    out.push(sign);
    out.extend_from_slice(line);
    if !line.ends_with(b"\n") {
        out.push(b'\n');
        out.extend_from_slice(reset.as_bytes());
        out.extend_from_slice(b"\\ No newline at end of file\n");
    } else {
        // Keep the reset before the newline so a pager shows clean lines.
        if !reset.is_empty() {
            out.pop();
            out.extend_from_slice(reset.as_bytes());
            out.push(b'\n');
        }
    }
}

fn hunk_range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{}", start + 1, len),
    }
}

/// The hunks of a unified diff between `old` and `new` (no file headers); empty when
/// they are equal.
pub fn hunks(old: &[u8], new: &[u8], palette: &Palette) -> Vec<u8> {
    let mut out = Vec::new();
    if old == new {
        return out;
    }
    let a = split_lines(old);
    let b = split_lines(new);
    let regions = changed_regions(&a, &b);
    let mut i = 0;
    while i < regions.len() {
        let mut j = i;
        while j + 1 < regions.len() && regions[j + 1].old.start - regions[j].old.end <= 2 * CONTEXT
        {
            j += 1;
        }
        let first = &regions[i];
        let last = &regions[j];
        let lead = first.old.start.min(CONTEXT);
        let trail = (a.len() - last.old.end).min(CONTEXT);
        let old_start = first.old.start - lead;
        let new_start = first.new.start - lead;
        let old_len = last.old.end + trail - old_start;
        let new_len = last.new.end + trail - new_start;
        out.extend_from_slice(
            format!(
                "{}@@ -{} +{} @@{}\n",
                palette.hunk,
                hunk_range(old_start, old_len),
                hunk_range(new_start, new_len),
                palette.reset
            )
            .as_bytes(),
        );
        let mut cursor = old_start;
        for region in &regions[i..=j] {
            for line in &a[cursor..region.old.start] {
                push_line(&mut out, b' ', line, "", "");
            }
            for line in &a[region.old.clone()] {
                push_line(&mut out, b'-', line, palette.removed, palette.reset);
            }
            for line in &b[region.new.clone()] {
                push_line(&mut out, b'+', line, palette.added, palette.reset);
            }
            cursor = region.old.end;
        }
        for line in &a[cursor..cursor + trail] {
            push_line(&mut out, b' ', line, "", "");
        }
        i = j + 1;
    }
    out
}

/// A whole file's diff with git headers. `name` is the path relative to the diff base,
/// with `/` separators.
pub fn file_diff(name: &[u8], old: &[u8], new: &[u8], palette: &Palette) -> Vec<u8> {
    let body = hunks(old, new, palette);
    if body.is_empty() {
        return body;
    }
    let a = crate::paths::git_quote("a/", name);
    let b = crate::paths::git_quote("b/", name);
    // Like git, end a label that contains a space with a tab so that GNU patch reads
    // the whole name.
    let tab: &[u8] = if name.contains(&b' ') { b"\t" } else { b"" };
    let mut out = Vec::with_capacity(body.len() + 3 * name.len() + 40);
    out.extend_from_slice(palette.header.as_bytes());
    out.extend_from_slice(b"diff --git ");
    out.extend_from_slice(&a);
    out.push(b' ');
    out.extend_from_slice(&b);
    out.extend_from_slice(b"\n--- ");
    out.extend_from_slice(&a);
    out.extend_from_slice(tab);
    out.extend_from_slice(b"\n+++ ");
    out.extend_from_slice(&b);
    out.extend_from_slice(tab);
    out.extend_from_slice(palette.reset.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(old: &str, new: &str) -> String {
        String::from_utf8(hunks(old.as_bytes(), new.as_bytes(), &Palette::plain())).unwrap()
    }

    #[test]
    fn single_change_with_context() {
        let old = "a\nb\nc\nd\nx = await f()\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nx = f()\ne\nf\ng\nh\n";
        assert_eq!(
            diff(old, new),
            "@@ -2,7 +2,7 @@\n b\n c\n d\n-x = await f()\n+x = f()\n e\n f\n g\n"
        );
    }

    #[test]
    fn near_changes_share_a_hunk_far_ones_do_not() {
        let old: String = (0..20).map(|i| format!("l{i}\n")).collect();
        let new = old
            .replace("l2\n", "L2\n")
            .replace("l8\n", "L8\n")
            .replace("l18\n", "L18\n");
        let d = diff(&old, &new);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(d.starts_with("@@ -1,12 +1,12 @@\n"), "{d}");
        assert!(d.contains("@@ -16,5 +16,5 @@\n"), "{d}");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        assert_eq!(
            diff("await f()", "f()"),
            "@@ -1 +1 @@\n-await f()\n\\ No newline at end of file\n+f()\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn crlf_is_kept_inside_lines() {
        let d = hunks(b"x\r\nawait f()\r\n", b"x\r\nf()\r\n", &Palette::plain());
        assert_eq!(d, b"@@ -1,2 +1,2 @@\n x\r\n-await f()\r\n+f()\r\n");
    }

    #[test]
    fn added_lines_use_a_real_diff() {
        let d = diff(
            "from m import (\n    a,\n)\nx\n",
            "from m import (\n    a,\n    b,\n)\nx\n",
        );
        assert_eq!(
            d,
            "@@ -1,4 +1,5 @@\n from m import (\n     a,\n+    b,\n )\n x\n"
        );
    }

    #[test]
    fn headers_quote_and_tab() {
        let d = file_diff(b"dir/a b.py", b"await f()\n", b"f()\n", &Palette::plain());
        assert!(d.starts_with(
            b"diff --git a/dir/a b.py b/dir/a b.py\n--- a/dir/a b.py\t\n+++ b/dir/a b.py\t\n@@"
        ));
    }
}
