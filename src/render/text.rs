//! `check` as text: one line per await to fix, `path:line:col: CODE message`, and one
//! per await left on a rule's name (`UNA002`), so that the list is complete.

use super::finding::{left_message, message, CODE, LEFT_CODE};
use super::{FileView, Format};
use crate::fix::matcher::Action;

pub struct Text;

impl Format for Text {
    fn file(&self, file: &FileView<'_>) -> Vec<u8> {
        let report = file.report;
        let mut out = Vec::new();
        for f in &report.findings {
            let (code, msg) = match &f.finding.action {
                Action::Left(why) => (LEFT_CODE, left_message(f, why)),
                _ => match message(f) {
                    Some(msg) => (CODE, msg),
                    None => continue,
                },
            };
            out.extend_from_slice(
                format!("{}:{}:{}: {code} {msg}\n", report.display, f.line, f.col).as_bytes(),
            );
        }
        out
    }
}
