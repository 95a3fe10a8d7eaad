//! `check` output: findings as text lines, one JSON document, GitHub Actions workflow
//! commands, or SARIF 2.1.0.
//!
//! Output is streamed a file at a time: [`CheckRenderer::begin`] writes the opening of
//! the document, [`CheckRenderer::file`] each file's part, [`CheckRenderer::finish`]
//! the close and the summary, so memory stays flat however many findings there are.
//!
//! Positions are 1-based lines and 1-based columns counted in Unicode code points; an
//! end column points just past the last character, as in SARIF and ruff's JSON.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::fix::edit::Edit;
use crate::fix::engine::{removal_edit, Located};
use crate::fix::kept::KeptReason;
use crate::fix::matcher::Action;
use crate::render::summary::Summary;
use crate::run::file::{FileReport, Status};
use crate::setup::cli::OutputFormat;

pub const CODE: &str = "UNA001";

/// The version of the `--output-format json` document; bumped only on changes that
/// could break a reader (a field removed, renamed or retyped).
pub const JSON_VERSION: u32 = 1;

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

fn kept_message(f: &Located, why: &KeptReason) -> String {
    format!("`await` on `{}()` kept: {}", called(f), why.describe())
}

/// Where the deletion that fixes `f` starts and ends, for a finding whose fix removes
/// the `await`: the keyword and the blanks after it, all ASCII on one line, so the end
/// column is the start column plus the deleted length.
fn deletion(f: &Located, edits: &[Edit]) -> Option<(usize, usize, usize, usize)> {
    let e = &edits[removal_edit(&f.finding, edits)?];
    Some((f.line, f.col, f.line, f.col + e.range.len()))
}

/// Percent-encodes a relative path for a SARIF `uri` (RFC 3986: unreserved characters
/// and `/` stay; other bytes, including non-UTF-8 ones, become `%XX`).
pub fn uri_path(name: &[u8]) -> String {
    let mut s = String::with_capacity(name.len());
    for &b in name {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Escaping for GitHub workflow commands: the message part, then property values.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub struct CheckRenderer {
    format: OutputFormat,
    /// Repository-relative names (SARIF, GitHub) are relative to this.
    base: PathBuf,
    /// Nothing written yet after the opening bracket of the list.
    first: bool,
    /// Files skipped with errors, for SARIF's notifications: (uri, reason).
    skipped: Vec<(String, String)>,
    files_with_findings: usize,
}

impl CheckRenderer {
    pub fn new(format: OutputFormat, base: PathBuf) -> Self {
        CheckRenderer {
            format,
            base,
            first: true,
            skipped: Vec::new(),
            files_with_findings: 0,
        }
    }

    fn repo_name(&self, report: &FileReport) -> Vec<u8> {
        crate::paths::relative_bytes(&self.base, &report.absolute)
    }

    /// Separator between list items of the JSON and SARIF documents.
    fn item(&mut self, out: &mut Vec<u8>) {
        if !self.first {
            out.extend_from_slice(b",\n");
        }
        self.first = false;
    }

    pub fn begin(&mut self) -> Vec<u8> {
        match self.format {
            OutputFormat::Text | OutputFormat::Github => Vec::new(),
            OutputFormat::Json => format!(
                "{{\n  \"version\": {JSON_VERSION},\n  \"tool\": {},\n  \"files\": [\n",
                json!({"name": "unawait", "version": env!("CARGO_PKG_VERSION")})
            )
            .into_bytes(),
            OutputFormat::Sarif => {
                let driver = json!({
                    "name": "unawait",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": [{
                        "id": CODE,
                        "name": "AwaitOnSynchronousCall",
                        "shortDescription": {"text": "`await` on a call to a synchronous function"},
                        "fullDescription": {"text": "Awaiting the result of a function that is not a coroutine function raises `TypeError: object X can't be used in 'await' expression` at run time. Remove the `await`, or call the function's async twin."},
                        "help": {
                            "text": "Remove the `await` (`unawait fix`), or configure `replace-with` to call the async twin.",
                            "markdown": "Remove the `await` (`unawait fix`), or configure `replace-with` to call the async twin."
                        },
                        "defaultConfiguration": {"level": "error"},
                        "properties": {"tags": ["correctness", "asyncio"], "precision": "very-high", "problem.severity": "error"}
                    }]
                });
                let base_uri = file_uri(&self.base);
                format!(
                    "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [{{\n  \"tool\": {{\"driver\": {driver}}},\n  \"originalUriBaseIds\": {},\n  \"columnKind\": \"unicodeCodePoints\",\n  \"results\": [\n",
                    json!({"%SRCROOT%": {"uri": base_uri}})
                )
                .into_bytes()
            }
        }
    }

    pub fn file(&mut self, report: &FileReport, out: &mut Vec<u8>) {
        let has_findings = report
            .findings
            .iter()
            .any(|f| !matches!(f.finding.action, Action::Kept(_)));
        self.files_with_findings += usize::from(has_findings);
        match self.format {
            OutputFormat::Text => self.text(report, out),
            OutputFormat::Json => self.json(report, out),
            OutputFormat::Github => self.github(report, out),
            OutputFormat::Sarif => self.sarif(report, out),
        }
    }

    fn text(&mut self, report: &FileReport, out: &mut Vec<u8>) {
        for f in &report.findings {
            if let Some(msg) = message(f) {
                out.extend_from_slice(
                    format!("{}:{}:{}: {CODE} {msg}\n", report.display, f.line, f.col).as_bytes(),
                );
            }
        }
    }

    fn json(&mut self, report: &FileReport, out: &mut Vec<u8>) {
        let error = match &report.status {
            Status::Skipped(why) => Some(why.clone()),
            _ => None,
        };
        if report.findings.is_empty() && error.is_none() && report.notes.is_empty() {
            return;
        }
        let findings: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let (action, replacement, kept, msg) = match &f.finding.action {
                    Action::RemoveAwait => ("remove-await", None, None, message(f)),
                    Action::ReplaceWith(new) => {
                        ("replace-with", Some(new.clone()), None, message(f))
                    }
                    Action::Kept(why) => (
                        "kept",
                        None,
                        Some(json!({"reason": why.key(), "detail": why.describe()})),
                        Some(kept_message(f, why)),
                    ),
                };
                let fix = deletion(f, &report.edits).map(|(l, c, el, ec)| {
                    json!({"edits": [{
                        "location": {"line": l, "column": c},
                        "end_location": {"line": el, "column": ec},
                        "content": ""
                    }]})
                });
                json!({
                    "code": CODE,
                    "message": msg,
                    "function": f.finding.function,
                    "action": action,
                    "replacement": replacement,
                    "kept": kept,
                    "location": {"line": f.line, "column": f.col},
                    "end_location": {"line": f.end_line, "column": f.end_col},
                    "fix": fix,
                })
            })
            .collect();
        let status = match report.status {
            Status::Unchanged => "unchanged",
            Status::Changed => "changed",
            Status::Skipped(_) => "skipped",
        };
        let entry = json!({
            "path": report.display,
            "status": status,
            "error": error,
            "notes": report.notes,
            "findings": findings,
        });
        self.item(out);
        out.extend_from_slice(b"    ");
        out.extend_from_slice(entry.to_string().as_bytes());
    }

    fn github(&mut self, report: &FileReport, out: &mut Vec<u8>) {
        let name = String::from_utf8_lossy(&self.repo_name(report)).into_owned();
        let file = github_property(&name);
        for f in &report.findings {
            if let Some(msg) = message(f) {
                out.extend_from_slice(
                    format!(
                        "::error file={file},line={},col={},endLine={},endColumn={},title={}::{}\n",
                        f.line,
                        f.col,
                        f.end_line,
                        f.end_col,
                        github_property(&format!("unawait ({CODE})")),
                        github_data(&msg)
                    )
                    .as_bytes(),
                );
            }
        }
        let mut problems: Vec<&str> = report.notes.iter().map(String::as_str).collect();
        if let Status::Skipped(why) = &report.status {
            problems.push(why);
        }
        for why in problems {
            out.extend_from_slice(
                format!(
                    "::error file={file},title=unawait::{}\n",
                    github_data(&format!("{name}: {why}"))
                )
                .as_bytes(),
            );
        }
    }

    fn sarif(&mut self, report: &FileReport, out: &mut Vec<u8>) {
        let uri = uri_path(&self.repo_name(report));
        let location = json!({"uri": uri, "uriBaseId": "%SRCROOT%"});
        if let Status::Skipped(why) = &report.status {
            self.skipped.push((uri.clone(), why.clone()));
        }
        for note in &report.notes {
            self.skipped.push((uri.clone(), note.clone()));
        }
        for f in &report.findings {
            let (msg, suppressions) = match &f.finding.action {
                Action::Kept(KeptReason::AsyncDef { .. }) => continue, // not a problem
                Action::Kept(why) => (
                    kept_message(f, why),
                    Some(json!([{"kind": "inSource", "justification": why.describe()}])),
                ),
                _ => (message(f).unwrap_or_default(), None),
            };
            let mut result = json!({
                "ruleId": CODE,
                "ruleIndex": 0,
                "level": "error",
                "message": {"text": msg},
                "locations": [{"physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": f.line,
                        "startColumn": f.col,
                        "endLine": f.end_line,
                        "endColumn": f.end_col
                    }
                }}],
            });
            if let Some((l, c, el, ec)) = deletion(f, &report.edits) {
                result["fixes"] = json!([{
                    "description": {"text": "Remove the `await`"},
                    "artifactChanges": [{
                        "artifactLocation": location,
                        "replacements": [{
                            "deletedRegion": {"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec},
                            "insertedContent": {"text": ""}
                        }]
                    }]
                }]);
            }
            if let Some(s) = suppressions {
                result["suppressions"] = s;
            }
            self.item(out);
            out.extend_from_slice(b"    ");
            out.extend_from_slice(result.to_string().as_bytes());
        }
    }

    pub fn finish(&mut self, summary: &Summary) -> Vec<u8> {
        match self.format {
            OutputFormat::Text | OutputFormat::Github => Vec::new(),
            OutputFormat::Json => {
                let s = json!({
                    "files_scanned": summary.scanned,
                    "files_parsed": summary.parsed,
                    "files_with_findings": self.files_with_findings,
                    "files_skipped": summary.skipped,
                    "findings": summary.findings,
                    "kept": summary.kept.values().sum::<usize>(),
                    "kept_by_reason": summary.kept,
                });
                format!("\n  ],\n  \"summary\": {s}\n}}\n").into_bytes()
            }
            OutputFormat::Sarif => {
                let notifications: Vec<Value> = self
                    .skipped
                    .iter()
                    .map(|(uri, why)| {
                        json!({
                            "level": "error",
                            "message": {"text": why},
                            "locations": [{"physicalLocation": {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}
                            }}]
                        })
                    })
                    .collect();
                let invocation = json!({
                    "executionSuccessful": self.skipped.is_empty(),
                    "toolExecutionNotifications": notifications,
                });
                format!("\n  ],\n  \"invocations\": [{invocation}]\n  }}]\n}}\n").into_bytes()
            }
        }
    }
}

/// `file:///...` for an absolute folder, with a trailing slash, as SARIF base URIs need.
fn file_uri(dir: &std::path::Path) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        dir.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = dir.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from("file://");
    if !bytes.starts_with(b"/") {
        uri.push('/');
    }
    uri.push_str(&uri_path(&bytes));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path(b"src/a b.py"), "src/a%20b.py");
        assert_eq!(uri_path(b"caf\xe9/x#1.py"), "caf%E9/x%231.py");
        assert_eq!(
            file_uri(std::path::Path::new("/r/my repo")),
            "file:///r/my%20repo/"
        );
    }

    #[test]
    fn github_escaping() {
        assert_eq!(github_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(github_property("a,b:c%"), "a%2Cb%3Ac%25");
    }
}
