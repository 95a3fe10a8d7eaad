//! What every `check` format says about a finding: the code, the messages, and where
//! the deletion that fixes it lies.
//!
//! Positions are 1-based lines and 1-based columns counted in Unicode code points; an
//! end column points just past the last character, as in SARIF and ruff's JSON.

use crate::fix::engine::Located;
use crate::fix::kept::KeptReason;
use crate::fix::matcher::Action;

pub const CODE: &str = "UNA001";

fn called(f: &Located) -> &str {
    f.finding
        .function
        .rsplit('.')
        .next()
        .unwrap_or(&f.finding.function)
}

/// The message for a finding that would be fixed; `None` for a kept one.
pub fn message(f: &Located) -> Option<String> {
    let called = called(f);
    match &f.finding.action {
        Action::RemoveAwait => Some(format!(
            "`await` on synchronous `{called}()` (rule `{}`): remove the `await`",
            f.finding.function
        )),
        Action::ReplaceWith(new) => Some(format!(
            "`await` on synchronous `{called}()` (rule `{}`): call its async twin `{new}()`",
            f.finding.function
        )),
        Action::Kept(_) => None,
    }
}

pub fn kept_message(f: &Located, why: &KeptReason) -> String {
    format!("`await` on `{}()` kept: {}", called(f), why.describe())
}

/// Where the deletion that fixes `f` starts and ends, for a finding whose fix removes
/// the `await`: the keyword and the blanks after it, all ASCII on one line, so the end
/// column is the start column plus the deleted length.
pub fn deletion(f: &Located) -> Option<(usize, usize, usize, usize)> {
    match (&f.finding.action, f.finding.fix.as_slice()) {
        (Action::RemoveAwait, [e]) if e.replacement.is_empty() => {
            Some((f.line, f.col, f.line, f.col + e.range.len()))
        }
        _ => None,
    }
}
