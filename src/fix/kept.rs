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

/// What may be awaitable among the bindings of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Awaitable {
    /// An `async def`.
    AsyncDef(DefSite),
    /// An `AsyncMock` standing in for a failed import: its calls return coroutines.
    AsyncMock(DefSite),
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
    /// Several bindings may reach the call (branches, an `except ImportError:`
    /// fallback) and one of them can be awaited; `other` is where another one is, when
    /// the file says.
    MayBeAsync {
        awaitable: Awaitable,
        other: Option<DefSite>,
    },
    /// The function is a `def` (at `at`) with a decorator that may make it awaitable
    /// (`@sync_to_async`), written as `decorator`.
    Decorated { decorator: String, at: DefSite },
}

impl KeptReason {
    /// A short, stable key for summaries and JSON.
    pub fn key(&self) -> &'static str {
        match self {
            KeptReason::Raises => "raises-block",
            KeptReason::IgnoreComment => "ignore-comment",
            KeptReason::SkipFile => "skip-file",
            KeptReason::AsyncDef { .. }
            | KeptReason::MayBeAsync {
                awaitable: Awaitable::AsyncDef(_),
                ..
            } => "async-def",
            KeptReason::MayBeAsync {
                awaitable: Awaitable::AsyncMock(_),
                ..
            } => "async-mock",
            KeptReason::Decorated { .. } => "decorated",
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
            KeptReason::MayBeAsync { awaitable, other } => {
                let other = match other {
                    Some(at) => format!("the binding at {at}"),
                    None => "another binding".to_string(),
                };
                match awaitable {
                    Awaitable::AsyncDef(at) => format!(
                        "name may refer to an async def at {at} or to {other}; which one is decided at run time"
                    ),
                    Awaitable::AsyncMock(at) => format!(
                        "name may be the `AsyncMock` bound at {at}, whose calls return coroutines, or {other}"
                    ),
                }
            }
            KeptReason::Decorated { decorator, at } => format!(
                "decorated with `@{decorator}` (def at {at}), which may make it awaitable; if it does not, list it in `sync-decorators`"
            ),
        }
    }

    /// Whether the await needs a person's look: unawait cannot tell whether it is
    /// needed (a decorator, a binding decided at run time), as opposed to an await that
    /// is right where it is (an `async def`) or kept on purpose (a comment, a block).
    pub fn needs_review(&self) -> bool {
        matches!(
            self,
            KeptReason::MayBeAsync { .. } | KeptReason::Decorated { .. }
        )
    }

    /// The places in the file being fixed that the reason names, for embedded code
    /// whose lines are not the file's.
    pub fn sites_here_mut(&mut self) -> Vec<&mut usize> {
        let sites: Vec<&mut DefSite> = match self {
            KeptReason::Raises | KeptReason::IgnoreComment | KeptReason::SkipFile => Vec::new(),
            KeptReason::AsyncDef { at } | KeptReason::Decorated { at, .. } => vec![at],
            KeptReason::MayBeAsync { awaitable, other } => {
                let (Awaitable::AsyncDef(a) | Awaitable::AsyncMock(a)) = awaitable;
                std::iter::once(a).chain(other.as_mut()).collect()
            }
        };
        sites
            .into_iter()
            .filter_map(|s| match s {
                DefSite::Here { line } => Some(line),
                DefSite::Module { .. } => None,
            })
            .collect()
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
