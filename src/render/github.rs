//! `check --output-format github`: GitHub Actions workflow commands, one `::error`
//! per await to fix and per file problem, one `::warning` per kept await that needs a
//! look (a decorator, a binding decided at run time), one `::notice` per await left on
//! a rule's name, with GitHub's escaping.

use std::path::PathBuf;

use super::finding::{kept_message, left_message, message, CODE, LEFT_CODE};
use super::{FileView, Format};
use crate::fix::matcher::Action;
use crate::report::Status;

/// Names are relative to `base` (the repository's top level).
pub struct Github {
    pub base: PathBuf,
}

/// Escaping for the message part of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value of a workflow command.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Format for Github {
    fn file(&self, file: &FileView<'_>) -> Vec<u8> {
        let report = file.report;
        let name = crate::paths::relative_bytes(&self.base, &report.absolute);
        let name = String::from_utf8_lossy(&name).into_owned();
        let file = property(&name);
        let mut out = Vec::new();
        for f in &report.findings {
            // Kept awaits that need a look are warnings, the others stay quiet; awaits
            // left on a rule's name are notices.
            let (command, msg, code) = match &f.finding.action {
                Action::Kept(why) if why.needs_review() => ("warning", kept_message(f, why), CODE),
                Action::Left(why) => ("notice", left_message(f, why), LEFT_CODE),
                _ => match message(f) {
                    Some(msg) => ("error", msg, CODE),
                    None => continue,
                },
            };
            out.extend_from_slice(
                format!(
                    "::{command} file={file},line={},col={},endLine={},endColumn={},title={}::{}\n",
                    f.line,
                    f.col,
                    f.end_line,
                    f.end_col,
                    property(&format!("unawait ({code})")),
                    data(&msg)
                )
                .as_bytes(),
            );
        }
        let mut problems: Vec<String> = report.notes.clone();
        if let Status::Skipped(why) = &report.status {
            problems.push(why.to_string());
        }
        for why in problems {
            out.extend_from_slice(
                format!(
                    "::error file={file},title=unawait::{}\n",
                    data(&format!("{name}: {why}"))
                )
                .as_bytes(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a,b:c%"), "a%2Cb%3Ac%25");
    }
}
