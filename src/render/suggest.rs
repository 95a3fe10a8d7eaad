//! `suggest` output: a table and a configuration snippet, or one JSON document (its
//! schema is `schemas/suggest-output-v1.schema.json`), and the summary line.
//!
//! The snippet must always be valid TOML that a next run accepts: `review` entries are
//! commented out with their reasons, functions the rules already name are left out,
//! and a list that would be empty is never printed as one.

use serde_json::json;

use crate::fix::suggest::{Confidence, Suggestion};

pub mod proven;

/// The version of the JSON document; bumped only on changes that could break a reader
/// (a field removed, renamed or retyped).
pub const SUGGEST_JSON_VERSION: u32 = 1;

/// Where the snippet goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// No configuration file: a new `[tool.unawait]` table for pyproject.toml.
    NewTable,
    /// The configuration file found, as shown to people, and whether it already has a
    /// `functions` key (then the new names go into that list).
    File { shown: String, has_functions: bool },
}

impl Target {
    /// What to do with a snippet of live entries, and with one that is all commented
    /// out (after "check each by hand, then").
    fn instructions(&self) -> (String, String) {
        match self {
            Target::NewTable => (
                "Paste into pyproject.toml".to_string(),
                "uncomment the ones to keep, with the lines around them, and paste them into pyproject.toml".to_string(),
            ),
            Target::File {
                shown,
                has_functions,
            } => {
                let place = if shown.rsplit('/').next() == Some("pyproject.toml") {
                    format!("[tool.unawait] in {shown}")
                } else {
                    shown.clone()
                };
                if *has_functions {
                    (
                        format!("Add these to `functions` in {place}"),
                        format!("uncomment the ones to keep and add them to `functions` in {place}"),
                    )
                } else {
                    (
                        format!("Add to {place}"),
                        format!("uncomment the ones to keep, with the lines around them, and add them to {place}"),
                    )
                }
            }
        }
    }
}

/// What the confidence column shows: `configured` for a function the rules already
/// name.
fn column(s: &Suggestion) -> &'static str {
    if s.configured {
        "configured"
    } else {
        s.confidence.as_str()
    }
}

/// Text output: a table, then a snippet of the functions not configured yet.
pub fn render_text(suggestions: &[Suggestion], target: &Target) -> String {
    let mut s = String::new();
    if suggestions.is_empty() {
        return s;
    }
    s.push_str("awaits  files  confidence  function  (defined at)\n");
    for x in suggestions {
        let why = if x.reasons.is_empty() {
            String::new()
        } else {
            format!(" [{}]", x.reasons.join(", "))
        };
        s.push_str(&format!(
            "{:>6}  {:>5}  {:<10}  {}  ({}:{}){why}\n",
            x.awaits,
            x.files,
            column(x),
            x.function,
            x.path,
            x.line
        ));
    }
    s.push('\n');
    s.push_str(&snippet(suggestions, target));
    s
}

/// The `[tool.unawait]` snippet: high-confidence functions as entries, `review` ones
/// commented out with their reasons; all of it commented out when nothing is high.
fn snippet(suggestions: &[Suggestion], target: &Target) -> String {
    let new: Vec<&Suggestion> = suggestions.iter().filter(|x| !x.configured).collect();
    if new.is_empty() {
        return "# Nothing to add: every function above is already configured.\n".to_string();
    }
    let mut lines = Vec::new();
    if *target == Target::NewTable {
        lines.push("[tool.unawait]".to_string());
    }
    lines.push("functions = [".to_string());
    let any_high = new.iter().any(|x| x.confidence == Confidence::High);
    for x in &new {
        lines.push(match x.confidence {
            Confidence::High | Confidence::Proven => format!("    \"{}\",", x.function),
            // With nothing high, the whole snippet is commented out below.
            Confidence::Review if !any_high => {
                format!(
                    "    \"{}\",  # review: {}",
                    x.function,
                    x.reasons.join(", ")
                )
            }
            Confidence::Review => {
                format!(
                    "    # \"{}\",  # review: {}",
                    x.function,
                    x.reasons.join(", ")
                )
            }
        });
    }
    lines.push("]".to_string());
    let (live, commented) = target.instructions();
    let mut s = String::new();
    if any_high {
        let review = if new.iter().any(|x| x.confidence == Confidence::Review) {
            " (the `review` ones are commented out: check them by hand)"
        } else {
            ""
        };
        s.push_str(&format!("# {live}{review}:\n"));
        for l in lines {
            s.push_str(&l);
            s.push('\n');
        }
    } else {
        s.push_str(&format!(
            "# No new function is high confidence: check each by hand, then\n# {commented}:\n"
        ));
        for l in lines {
            s.push_str("# ");
            s.push_str(&l);
            s.push('\n');
        }
    }
    s
}

/// Counts for the summary and the JSON: high and review exclude configured ones.
struct Counts {
    high: usize,
    review: usize,
    configured: usize,
}

fn counts(suggestions: &[Suggestion]) -> Counts {
    let mut c = Counts {
        high: 0,
        review: 0,
        configured: 0,
    };
    for s in suggestions {
        match (s.configured, s.confidence) {
            (true, _) => c.configured += 1,
            (false, Confidence::High | Confidence::Proven) => c.high += 1,
            (false, Confidence::Review) => c.review += 1,
        }
    }
    c
}

/// JSON output: one document with the version, the tool, the suggestions and a summary.
pub fn render_json(suggestions: &[Suggestion], files_scanned: usize) -> String {
    let c = counts(suggestions);
    let items: Vec<serde_json::Value> = suggestions
        .iter()
        .map(|x| {
            json!({
                "function": x.function,
                "defined_at": {"path": x.path, "line": x.line},
                "awaits": x.awaits,
                "files": x.files,
                "confidence": x.confidence.as_str(),
                "reasons": x.reasons,
                "configured": x.configured,
            })
        })
        .collect();
    let doc = json!({
        "version": SUGGEST_JSON_VERSION,
        "tool": {"name": "unawait", "version": env!("CARGO_PKG_VERSION")},
        "suggestions": items,
        "summary": {
            "files_scanned": files_scanned,
            "functions": suggestions.len(),
            "high": c.high,
            "review": c.review,
            "configured": c.configured,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("suggestions serialise");
    s.push('\n');
    s
}

/// The summary line on stderr:
/// `unawait: 4 files scanned; 3 awaited synchronous functions (1 high confidence, 2 to review)`.
pub fn summary(suggestions: &[Suggestion], files_scanned: usize, parsed: usize) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let c = counts(suggestions);
    let parts: Vec<String> = [
        (c.high, "high confidence"),
        (c.review, "to review"),
        (c.configured, "already configured"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let mut s = format!(
        "unawait: {} scanned ({parsed} parsed); {}",
        plural(files_scanned, "file", "files"),
        plural(
            suggestions.len(),
            "awaited synchronous function",
            "awaited synchronous functions"
        ),
    );
    if !parts.is_empty() {
        s.push_str(&format!(" ({})", parts.join(", ")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(function: &str, confidence: Confidence, reasons: &[&'static str]) -> Suggestion {
        Suggestion {
            function: function.into(),
            path: "pkg/m.py".into(),
            line: 3,
            awaits: 1,
            files: 1,
            confidence,
            reasons: reasons.to_vec(),
            configured: false,
        }
    }

    #[test]
    fn snippet_comments_out_review_and_never_lists_nothing() {
        let high = one("pkg.m.f", Confidence::High, &[]);
        let review = one("pkg.m.g", Confidence::Review, &["decorated"]);
        assert_eq!(
            snippet(&[high, review], &Target::NewTable),
            "# Paste into pyproject.toml (the `review` ones are commented out: check them by hand):\n\
             [tool.unawait]\nfunctions = [\n    \"pkg.m.f\",\n    # \"pkg.m.g\",  # review: decorated\n]\n"
        );
        let review = one("pkg.m.g", Confidence::Review, &["decorated", "method"]);
        let target = Target::File {
            shown: "sub/pyproject.toml".into(),
            has_functions: true,
        };
        assert_eq!(
            snippet(&[review], &target),
            "# No new function is high confidence: check each by hand, then\n\
             # uncomment the ones to keep and add them to `functions` in [tool.unawait] in sub/pyproject.toml:\n\
             # functions = [\n#     \"pkg.m.g\",  # review: decorated, method\n# ]\n"
        );
        let mut done = one("pkg.m.f", Confidence::High, &[]);
        done.configured = true;
        assert_eq!(
            snippet(&[done], &Target::NewTable),
            "# Nothing to add: every function above is already configured.\n"
        );
    }

    #[test]
    fn summary_counts_with_plurals() {
        assert_eq!(
            summary(&[one("a.f", Confidence::High, &[])], 1, 1),
            "unawait: 1 file scanned (1 parsed); 1 awaited synchronous function (1 high confidence)"
        );
        assert_eq!(
            summary(&[], 2, 0),
            "unawait: 2 files scanned (0 parsed); 0 awaited synchronous functions"
        );
        let mut done = one("a.h", Confidence::High, &[]);
        done.configured = true;
        let all = [
            one("a.f", Confidence::Review, &["method"]),
            one("a.g", Confidence::Review, &["method"]),
            done,
        ];
        assert_eq!(
            summary(&all, 3, 2),
            "unawait: 3 files scanned (2 parsed); 3 awaited synchronous functions (2 to review, 1 already configured)"
        );
    }
}
