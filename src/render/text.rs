//! `check` as text: one line per await to fix, `path:line:col: CODE message`.

use super::finding::{message, CODE};
use super::{FileView, Format};

pub struct Text;

impl Format for Text {
    fn file(&self, file: &FileView<'_>) -> Vec<u8> {
        let report = file.report;
        let mut out = Vec::new();
        for f in &report.findings {
            if let Some(msg) = message(f) {
                out.extend_from_slice(
                    format!("{}:{}:{}: {CODE} {msg}\n", report.display, f.line, f.col).as_bytes(),
                );
            }
        }
        out
    }
}
