//! `suggest` output: a table and a configuration snippet, or JSON.

use crate::fix::suggest::{Confidence, Suggestion};

/// Text output: a table, then a `[tool.unawait]` snippet of the `high` ones.
pub fn render_text(suggestions: &[Suggestion]) -> String {
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
            "{:>6}  {:>5}  {:<10}  {}  ({}){why}\n",
            x.awaits,
            x.files,
            x.confidence.as_str(),
            x.function,
            x.defined_at
        ));
    }
    let high: Vec<&Suggestion> = suggestions
        .iter()
        .filter(|x| x.confidence == Confidence::High)
        .collect();
    s.push_str(
        "\n# Paste into pyproject.toml (high confidence only; check `review` ones by hand):\n",
    );
    s.push_str("[tool.unawait]\nfunctions = [\n");
    for x in high {
        s.push_str(&format!("    \"{}\",\n", x.function));
    }
    s.push_str("]\n");
    s
}

/// JSON output: a list of suggestion objects.
pub fn render_json(suggestions: &[Suggestion]) -> String {
    let mut s = serde_json::to_string_pretty(suggestions).expect("suggestions serialise");
    s.push('\n');
    s
}
