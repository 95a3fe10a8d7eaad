//! Awaits that match a rule but stay: why (a [`KeptReason`]), and the blocks that
//! expect the `TypeError` an await on a synchronous call raises.

use std::ops::Range;

/// Where a definition is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefSite {
    /// In the file being fixed, at this 1-based line.
    Here { line: usize },
    /// In another module of the project: its path as shown, and the 1-based line.
    Module { path: String, line: usize },
}

impl std::fmt::Display for DefSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DefSite::Here { line } => write!(f, "line {line}"),
            DefSite::Module { path, line } => write!(f, "{path}:{line}"),
        }
    }
}

/// Why a matching await was left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeptReason {
    /// Inside `with pytest.raises(TypeError)` or `assertRaises(TypeError)`.
    Raises,
    /// Its line carries `# unawait: ignore`.
    IgnoreComment,
    /// The file carries `# unawait: skip-file`.
    SkipFile,
    /// The name refers to an `async def`, defined at `at`.
    AsyncDef { at: DefSite },
}

impl KeptReason {
    /// A short, stable key for summaries and JSON.
    pub fn key(&self) -> &'static str {
        match self {
            KeptReason::Raises => "raises-block",
            KeptReason::IgnoreComment => "ignore-comment",
            KeptReason::SkipFile => "skip-file",
            KeptReason::AsyncDef { .. } => "async-def",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            KeptReason::Raises => "inside a block that expects TypeError".into(),
            KeptReason::IgnoreComment => "line has `# unawait: ignore`".into(),
            KeptReason::SkipFile => "file has `# unawait: skip-file`".into(),
            KeptReason::AsyncDef { at } => {
                format!("name refers to an async def at {at}")
            }
        }
    }
}

/// The outermost `pytest.raises(TypeError)` / `assertRaises(TypeError)` blocks of a
/// file, sorted and disjoint, so that a lookup is a binary search.
pub struct RaisesBlocks(Vec<Range<usize>>);

impl RaisesBlocks {
    pub fn new(blocks: &[Range<usize>]) -> Self {
        let mut blocks = blocks.to_vec();
        blocks.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut outer: Vec<Range<usize>> = Vec::new();
        for b in blocks {
            match outer.last_mut() {
                // Syntax blocks nest or are apart; keep only the outermost.
                Some(last) if b.start < last.end => last.end = last.end.max(b.end),
                _ => outer.push(b),
            }
        }
        RaisesBlocks(outer)
    }

    /// Whether `span` lies inside a block.
    pub fn contains(&self, span: Range<usize>) -> bool {
        let after = self.0.partition_point(|r| r.start <= span.start);
        after > 0 && span.end <= self.0[after - 1].end
    }
}
