//! `check --output-format text`: one `path:line:col: UNA001 message` line per finding.

use crate::fixer::Located;
use crate::matcher::Action;

pub const CODE: &str = "UNA001";

/// The message for a finding that would be fixed; `None` for a kept one.
pub fn message(f: &Located) -> Option<String> {
    let called = f
        .finding
        .function
        .rsplit('.')
        .next()
        .unwrap_or(&f.finding.function);
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

pub fn text(display: &str, findings: &[Located], out: &mut Vec<u8>) {
    for f in findings {
        if let Some(msg) = message(f) {
            out.extend_from_slice(
                format!("{display}:{}:{}: {CODE} {msg}\n", f.line, f.col).as_bytes(),
            );
        }
    }
}
