//! `check --output-format sarif`: SARIF 2.1.0, with the rule's metadata, repository
//! relative `%SRCROOT%` URIs, a `deletedRegion` fix for each removed await, in-source
//! suppressions for kept awaits (warnings, unsuppressed, for those that need a look: a
//! decorator, a binding decided at run time), a `note` of a second rule (`UNA002`) for
//! each await left on a rule's name, and a tool notification for each file problem.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::finding::{deletion, kept_message, left_message, message, CODE, LEFT_CODE};
use super::summary::Summary;
use super::{FileView, Format};
use crate::fix::kept::KeptReason;
use crate::fix::matcher::Action;

/// URIs are relative to `base` (the repository's top level).
pub struct Sarif {
    pub base: PathBuf,
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

/// `file:///...` for an absolute folder, with a trailing slash, as SARIF base URIs need.
fn file_uri(dir: &Path) -> String {
    let bytes = crate::paths::os_bytes(dir.as_os_str());
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

impl Sarif {
    fn uri(&self, absolute: &Path) -> String {
        uri_path(&crate::paths::relative_bytes(&self.base, absolute))
    }
}

impl Format for Sarif {
    fn begin(&self) -> Vec<u8> {
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
            }, {
                "id": LEFT_CODE,
                "name": "AwaitLeftOnRuleName",
                "shortDescription": {"text": "`await` on a rule's name that unawait left unchanged"},
                "fullDescription": {"text": "The callee's last name is a rule's, but unawait cannot show that the call is the rule's function (the name is bound to something else, the receiver is not an imported module, a qualified rule resolves it elsewhere), so the await is left as it is. Look at it, or widen the rules (`--method`)."},
                "help": {
                    "text": "Check the call by hand; `--method NAME` matches the name on any receiver.",
                    "markdown": "Check the call by hand; `--method NAME` matches the name on any receiver."
                },
                "defaultConfiguration": {"level": "note"},
                "properties": {"tags": ["asyncio"], "precision": "medium", "problem.severity": "recommendation"}
            }]
        });
        format!(
            "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [{{\n  \"tool\": {{\"driver\": {driver}}},\n  \"originalUriBaseIds\": {},\n  \"columnKind\": \"unicodeCodePoints\",\n  \"results\": [\n",
            json!({"%SRCROOT%": {"uri": file_uri(&self.base)}})
        )
        .into_bytes()
    }

    fn file(&self, file: &FileView<'_>) -> Vec<u8> {
        let report = file.report;
        let location = json!({"uri": self.uri(&report.absolute), "uriBaseId": "%SRCROOT%"});
        let mut results = Vec::new();
        for f in &report.findings {
            let (msg, suppressions, level, rule) = match &f.finding.action {
                Action::Left(why) => (left_message(f, why), None, "note", 1),
                Action::Kept(KeptReason::AsyncDef { .. }) => continue, // not a problem
                // unawait cannot tell whether the await is needed: a person must look.
                Action::Kept(why) if why.needs_review() => {
                    (kept_message(f, why), None, "warning", 0)
                }
                Action::Kept(why) => (
                    kept_message(f, why),
                    Some(json!([{"kind": "inSource", "justification": why.describe()}])),
                    "error",
                    0,
                ),
                _ => (message(f).unwrap_or_default(), None, "error", 0),
            };
            let mut result = json!({
                "ruleId": ([CODE, LEFT_CODE])[rule],
                "ruleIndex": rule,
                "level": level,
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
            if let Some((l, c, el, ec)) = deletion(f) {
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
            results.push(format!("    {result}"));
        }
        results.join(",\n").into_bytes()
    }

    fn separator(&self) -> &'static [u8] {
        b",\n"
    }

    fn finish(&self, summary: &Summary) -> Vec<u8> {
        let notifications: Vec<Value> = summary
            .problems
            .iter()
            .map(|(path, why)| {
                json!({
                    "level": "error",
                    "message": {"text": why},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": self.uri(path), "uriBaseId": "%SRCROOT%"}
                    }}]
                })
            })
            .collect();
        let invocation = json!({
            "executionSuccessful": summary.problems.is_empty(),
            "toolExecutionNotifications": notifications,
        });
        format!("\n  ],\n  \"invocations\": [{invocation}]\n  }}]\n}}\n").into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path(b"src/a b.py"), "src/a%20b.py");
        assert_eq!(uri_path(b"caf\xe9/x#1.py"), "caf%E9/x%231.py");
        assert_eq!(file_uri(Path::new("/r/my repo")), "file:///r/my%20repo/");
    }
}
