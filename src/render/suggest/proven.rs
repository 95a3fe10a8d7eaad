//! `suggest --diagnostics` output: the callees a type checker flagged, as a table and
//! a snippet of rules, or as the suggestions of the JSON document (its schema is
//! `schemas/suggest-output-v1.schema.json`, the same as the survey's, with fields
//! added), and the summary line.
//!
//! As for the survey, the snippet must always be valid TOML that a next run accepts:
//! `review` entries are commented out with their reasons, callees the rules already
//! name are left out, a list that would be empty is never printed, and a callee no rule
//! can name (a parameter, a local) is never an entry.

use std::collections::BTreeMap;

use serde_json::json;

use super::{Target, SUGGEST_JSON_VERSION};
use crate::fix::suggest::proven::{Kind, Outcome, ProvenCallee, ProvenReport};
use crate::fix::suggest::Confidence;

/// What the run read besides the callees, for the summary and the JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Read {
    /// The checker whose output it is, when it said anything.
    pub checker: Option<String>,
    pub files_scanned: usize,
    /// Diagnostics that are not about an await (ty's `deprecated`, mypy's other codes).
    pub other_diagnostics: usize,
    /// Await diagnostics about files the run does not scan.
    pub outside: usize,
}

fn column(c: &ProvenCallee) -> &'static str {
    if c.configured {
        "configured"
    } else {
        c.confidence.as_str()
    }
}

/// What the brackets after a callee say: why `review`, and what is kept or left.
fn notes(c: &ProvenCallee) -> String {
    let counted = |m: &BTreeMap<&'static str, usize>| {
        m.iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !c.left.is_empty() {
        parts.push(format!("left: {}", counted(&c.left)));
    }
    if !c.kept.is_empty() {
        parts.push(format!("kept: {}", counted(&c.kept)));
    }
    if c.rule.is_none() {
        parts.push(format!(
            "{}: a call of a parameter or a local, which no rule names",
            crate::fix::suggest::proven::UNRESOLVED
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" [{}]", parts.join("; "))
    }
}

/// Text output: a table of the callees, then a snippet of the rules not configured yet.
pub fn render_text(report: &ProvenReport, target: &Target) -> String {
    let mut s = String::new();
    if report.callees.is_empty() {
        return s;
    }
    s.push_str("awaits  files  fixed  kept  left  confidence  kind      callee  (defined at)\n");
    for c in &report.callees {
        let place = match (&c.defined_at, c.at.first()) {
            (Some((path, line)), _) => format!("{path}:{line}"),
            (None, Some(first)) => format!("flagged at {}:{}", first.path, first.line),
            (None, None) => String::new(),
        };
        s.push_str(&format!(
            "{:>6}  {:>5}  {:>5}  {:>4}  {:>4}  {:<10}  {:<8}  {}  ({place}){}\n",
            c.at.len(),
            c.files,
            c.fixed,
            c.kept_count(),
            c.left_count(),
            column(c),
            c.kind.as_str(),
            c.name,
            notes(c)
        ));
    }
    s.push('\n');
    s.push_str(&snippet(&report.callees, target));
    s
}

/// One entry of the snippet: a rule, and why it is `review` (empty when proven).
struct Entry {
    rule: String,
    reasons: Vec<&'static str>,
}

/// The rules of the callees not configured yet, of one kind; a method's entries merge
/// every class's (a method rule names any receiver).
fn entries(callees: &[ProvenCallee], kind: Kind) -> Vec<Entry> {
    let mut by_rule: BTreeMap<&str, Vec<&'static str>> = BTreeMap::new();
    for c in callees {
        let Some(rule) = c.rule.as_deref() else {
            continue;
        };
        if c.kind != kind || c.configured {
            continue;
        }
        let reasons = by_rule.entry(rule).or_default();
        for r in &c.reasons {
            if !reasons.contains(r) {
                reasons.push(r);
            }
        }
    }
    by_rule
        .into_iter()
        .map(|(rule, reasons)| Entry {
            rule: rule.to_string(),
            reasons,
        })
        .collect()
}

/// The `[tool.unawait]` snippet: proven callees as entries of `functions` and
/// `methods`, `review` ones commented out with their reasons, then the same rules as
/// flags; all of it commented out when nothing is proven.
fn snippet(callees: &[ProvenCallee], target: &Target) -> String {
    let functions = entries(callees, Kind::Function);
    let methods = entries(callees, Kind::Method);
    if functions.is_empty() && methods.is_empty() {
        return if callees.iter().any(|c| c.configured) {
            "# Nothing to add: every callee above that a rule can name is already configured.\n"
        } else {
            "# Nothing to add: no callee above is a name a rule can take.\n"
        }
        .to_string();
    }
    let all = || functions.iter().chain(&methods);
    let any_proven = all().any(|e| e.reasons.is_empty());
    let mut lines = Vec::new();
    if *target == Target::NewTable {
        lines.push("[tool.unawait]".to_string());
    }
    for (key, list) in [("functions", &functions), ("methods", &methods)] {
        if list.is_empty() {
            continue;
        }
        if key == "methods" {
            lines.push(
                "# A method rule matches `.NAME(...)` on any receiver: keep --diagnostics to fix only what the checker flags."
                    .to_string(),
            );
        }
        lines.push(format!("{key} = ["));
        for e in list.iter() {
            lines.push(match (e.reasons.is_empty(), any_proven) {
                (true, _) => format!("    \"{}\",", e.rule),
                // With nothing proven, the whole snippet is commented out below.
                (false, false) => {
                    format!("    \"{}\",  # review: {}", e.rule, e.reasons.join(", "))
                }
                (false, true) => {
                    format!("    # \"{}\",  # review: {}", e.rule, e.reasons.join(", "))
                }
            });
        }
        lines.push("]".to_string());
    }
    let (live, commented) = instructions(target);
    let mut s = String::new();
    if any_proven {
        let review = if all().any(|e| !e.reasons.is_empty()) {
            " (the `review` ones are commented out: check them by hand)"
        } else {
            ""
        };
        s.push_str(&format!("# {live}{review}:\n"));
        for l in lines {
            s.push_str(&l);
            s.push('\n');
        }
        let flags: Vec<String> = functions
            .iter()
            .filter(|e| e.reasons.is_empty())
            .map(|e| format!("-f {}", e.rule))
            .chain(
                methods
                    .iter()
                    .filter(|e| e.reasons.is_empty())
                    .map(|e| format!("--method {}", e.rule)),
            )
            .collect();
        s.push_str(&format!("# Or on the command line: {}\n", flags.join(" ")));
    } else {
        s.push_str(&format!(
            "# No new callee is proven: check each by hand, then\n# {commented}:\n"
        ));
        for l in lines {
            s.push_str("# ");
            s.push_str(&l);
            s.push('\n');
        }
    }
    s
}

/// The survey's instructions, for two lists: a configuration file may have either.
fn instructions(target: &Target) -> (String, String) {
    match target {
        Target::NewTable => target.instructions(),
        Target::File { shown, .. } => {
            let (live, commented) = Target::File {
                shown: shown.clone(),
                has_functions: false,
            }
            .instructions();
            let merge = "merging a list into the file's own when it has one";
            (format!("{live}, {merge}"), format!("{commented}, {merge}"))
        }
    }
}

fn outcome(o: Outcome) -> (&'static str, Option<&'static str>) {
    match o {
        Outcome::Fixed => ("fixed", None),
        Outcome::Kept(k) => ("kept", Some(k)),
        Outcome::Left(l) => ("left", Some(l)),
    }
}

/// JSON output: the survey's document, its suggestions the flagged callees.
pub fn render_json(report: &ProvenReport, read: &Read) -> String {
    let items: Vec<serde_json::Value> = report
        .callees
        .iter()
        .map(|c| {
            let flagged: Vec<serde_json::Value> = c
                .at
                .iter()
                .map(|a| {
                    let (what, reason) = outcome(a.outcome);
                    json!({"path": a.path, "line": a.line, "column": a.column,
                           "outcome": what, "reason": reason})
                })
                .collect();
            json!({
                "function": c.name,
                "defined_at": c.defined_at.as_ref().map(|(path, line)| json!({"path": path, "line": line})),
                "awaits": c.at.len(),
                "files": c.files,
                "confidence": c.confidence.as_str(),
                "reasons": c.reasons,
                "configured": c.configured,
                "kind": c.kind.as_str(),
                "rule": c.rule,
                "class": c.class,
                "fixed": c.fixed,
                "kept": c.kept,
                "left": c.left,
                "flagged": flagged,
            })
        })
        .collect();
    let count = |f: &dyn Fn(&ProvenCallee) -> bool| report.callees.iter().filter(|c| f(c)).count();
    let doc = json!({
        "version": SUGGEST_JSON_VERSION,
        "tool": {"name": "unawait", "version": env!("CARGO_PKG_VERSION")},
        "suggestions": items,
        "summary": {
            "files_scanned": read.files_scanned,
            "functions": report.callees.len(),
            "high": 0,
            "review": count(&|c| !c.configured && c.confidence == Confidence::Review),
            "configured": count(&|c| c.configured),
            "proven": count(&|c| !c.configured && c.confidence == Confidence::Proven),
            "diagnostics": {
                "checker": read.checker,
                "flagged_awaits": report.flagged,
                "in_functions": report.in_functions,
                "in_methods": report.in_methods,
                "not_calls": report.not_calls,
                "not_located": report.not_located,
                "other_diagnostics": read.other_diagnostics,
                "outside": read.outside,
            },
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("suggestions serialise");
    s.push('\n');
    s
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary line on stderr: `unawait: 8 files scanned; 21 flagged awaits: 8 in
/// functions, 11 in methods, 2 not calls; 11 callees (5 proven, 6 to review)`.
pub fn summary(report: &ProvenReport, read: &Read) -> String {
    let mut s = format!(
        "unawait: {}; {}: {} in functions, {} in methods, {}",
        plural(read.files_scanned, "file scanned", "files scanned"),
        plural(report.flagged, "flagged await", "flagged awaits"),
        report.in_functions,
        report.in_methods,
        plural(report.not_calls, "not a call", "not calls"),
    );
    let not_located: usize = report.not_located.values().sum();
    if not_located > 0 {
        let why: Vec<String> = report
            .not_located
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        s.push_str(&format!(
            "; {} ({})",
            plural(
                not_located,
                "diagnostic names no await",
                "diagnostics name no await"
            ),
            why.join(", ")
        ));
    }
    let of = |f: &dyn Fn(&ProvenCallee) -> bool| report.callees.iter().filter(|c| f(c)).count();
    let parts: Vec<String> = [
        (
            of(&|c| !c.configured && c.confidence == Confidence::Proven),
            "proven",
        ),
        (
            of(&|c| !c.configured && c.confidence == Confidence::Review),
            "to review",
        ),
        (of(&|c| c.configured), "already configured"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    s.push_str(&format!(
        "; {}",
        plural(report.callees.len(), "callee", "callees")
    ));
    if !parts.is_empty() {
        s.push_str(&format!(" ({})", parts.join(", ")));
    }
    if read.other_diagnostics > 0 {
        s.push_str(&format!(
            "; {} not about an await",
            plural(read.other_diagnostics, "diagnostic", "diagnostics")
        ));
    }
    s
}
