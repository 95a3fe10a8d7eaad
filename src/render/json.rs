//! `check --output-format json`: one versioned document, streamed a file at a time
//! (its schema is `schemas/check-output-v1.schema.json`).

use serde_json::{json, Value};

use super::finding::{deletion, kept_message, left_message, message, CODE, LEFT_CODE};
use super::summary::Summary;
use super::{FileView, Format};
use crate::fix::matcher::Action;
use crate::report::Status;

/// The version of the document; bumped only on changes that could break a reader (a
/// field removed, renamed or retyped).
pub const JSON_VERSION: u32 = 1;

/// The JSON schema of the document (`unawait check --schema` prints it).
pub const SCHEMA: &str = include_str!("../../schemas/check-output-v1.schema.json");

pub struct Json;

impl Format for Json {
    fn begin(&self) -> Vec<u8> {
        format!(
            "{{\n  \"version\": {JSON_VERSION},\n  \"tool\": {},\n  \"files\": [\n",
            json!({"name": "unawait", "version": env!("CARGO_PKG_VERSION")})
        )
        .into_bytes()
    }

    fn file(&self, file: &FileView<'_>) -> Vec<u8> {
        let report = file.report;
        let (error, error_kind) = match &report.status {
            Status::Skipped(why) => (Some(why.to_string()), Some(why.key())),
            _ => (None, None),
        };
        if report.findings.is_empty() && error.is_none() && report.notes.is_empty() {
            return Vec::new();
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
                    Action::Left(why) => ("left", None, None, Some(left_message(f, why))),
                };
                let left = match &f.finding.action {
                    Action::Left(why) => {
                        Some(json!({"reason": why.key(), "detail": why.describe()}))
                    }
                    _ => None,
                };
                let code = match &f.finding.action {
                    Action::Left(_) => LEFT_CODE,
                    _ => CODE,
                };
                let fix = deletion(f).map(|(l, c, el, ec)| {
                    json!({"edits": [{
                        "location": {"line": l, "column": c},
                        "end_location": {"line": el, "column": ec},
                        "content": ""
                    }]})
                });
                json!({
                    "code": code,
                    "message": msg,
                    "callee": f.finding.callee,
                    "function": f.finding.function,
                    "action": action,
                    "replacement": replacement,
                    "kept": kept,
                    "left": left,
                    "location": {"line": f.line, "column": f.col},
                    "end_location": {"line": f.end_line, "column": f.end_col},
                    "fix": fix,
                })
            })
            .collect();
        let status = match report.status {
            Status::Unchanged | Status::Interrupted => "unchanged",
            Status::Changed => "changed",
            Status::Skipped(_) => "skipped",
        };
        let entry = json!({
            "path": report.display,
            "status": status,
            "error": error,
            "error_kind": error_kind,
            "notes": report.notes,
            "findings": findings,
        });
        format!("    {entry}").into_bytes()
    }

    fn separator(&self) -> &'static [u8] {
        b",\n"
    }

    fn finish(&self, summary: &Summary) -> Vec<u8> {
        let s = json!({
            "files_scanned": summary.scanned,
            "files_parsed": summary.parsed,
            "files_with_findings": summary.files_with_findings,
            "files_skipped": summary.skipped,
            "files_skipped_by_reason": summary.skipped_by_reason,
            "findings": summary.findings,
            "kept": summary.kept.values().sum::<usize>(),
            "kept_by_reason": summary.kept,
            "left": summary.left_count(),
            "left_by_reason": summary.left,
            "mentions": summary.mentions,
        });
        format!("\n  ],\n  \"summary\": {s}\n}}\n").into_bytes()
    }
}
