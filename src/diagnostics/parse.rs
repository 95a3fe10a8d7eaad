//! Reading a type checker's output: the format is told from the content, the await
//! diagnostics are kept and the others only counted. Coordinates are kept as the
//! checker gives them (the table in `diagnostics/mod.rs`); `locate` turns them into
//! bytes.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use super::{Checker, Covers, Diagnostic, Pos, Span, Unit};

/// The formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GitLab Code Quality JSON: ty `--output-format gitlab`, pyrefly `code-climate`.
    GitLab,
    /// SARIF 2.1.0: ty or pyrefly `--output-format sarif`.
    Sarif,
    /// pyright `--outputjson`.
    Pyright,
    /// mypy `-O json`: one JSON object a line.
    Mypy,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::GitLab => "GitLab Code Quality JSON (ty check --output-format gitlab)",
            Format::Sarif => "SARIF (ty or pyrefly --output-format sarif)",
            Format::Pyright => "pyright --outputjson",
            Format::Mypy => "mypy -O json",
        }
    }
}

const EXPECTED: &str = "expected ty's GitLab JSON (ty check --output-format gitlab), SARIF (ty or \
                        pyrefly --output-format sarif), pyright --outputjson or mypy -O json";

/// A file of diagnostics that is not one of the formats, or is one of them but broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Not JSON; `looks_like` names the checker's text output when it is recognised.
    NotJson {
        detail: String,
        looks_like: Option<&'static str>,
    },
    /// JSON of no known shape.
    Unknown { detail: String },
    /// Recognised as `format`, but not as that format is written.
    Malformed { format: Format, detail: String },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::NotJson {
                looks_like: Some(hint),
                ..
            } => write!(f, "the diagnostics are not JSON but {hint}: {EXPECTED}"),
            FormatError::NotJson { detail, .. } => {
                write!(f, "the diagnostics are not JSON ({detail}): {EXPECTED}")
            }
            FormatError::Unknown { detail } => {
                write!(f, "unknown diagnostics format ({detail}): {EXPECTED}")
            }
            FormatError::Malformed { format, detail } => {
                write!(f, "malformed {}: {detail}", format.describe())
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// What a file of diagnostics holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub format: Format,
    /// The diagnostics about awaits, in the file's order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many other diagnostics the file holds.
    pub ignored: usize,
}

/// Read a checker's output, telling its format from the content. An empty text is
/// mypy's `-O json` output for a clean run (it prints nothing).
pub fn parse(text: &str) -> Result<Parsed, FormatError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Ok(Parsed {
            format: Format::Mypy,
            diagnostics: Vec::new(),
            ignored: 0,
        });
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => gitlab(items),
        Ok(Value::Object(o)) if o.contains_key("runs") => sarif(Value::Object(o)),
        Ok(Value::Object(o)) if o.contains_key("generalDiagnostics") => pyright(Value::Object(o)),
        Ok(Value::Object(o)) if o.contains_key("file") && o.contains_key("message") => mypy(text),
        Ok(Value::Object(o)) => Err(FormatError::Unknown {
            detail: unknown_object(&o),
        }),
        Ok(other) => Err(FormatError::Unknown {
            detail: format!("a JSON {}", kind_of(&other)),
        }),
        // One object a line: mypy's `-O json`.
        Err(_) if first_line_is_mypy(trimmed) => mypy(text),
        Err(e) => Err(FormatError::NotJson {
            detail: e.to_string(),
            looks_like: looks_like(text),
        }),
    }
}

/// Is the first line one of mypy's `-O json` objects?
fn first_line_is_mypy(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    serde_json::from_str::<Value>(first)
        .is_ok_and(|v| v.get("file").is_some() && v.get("message").is_some())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn unknown_object(o: &serde_json::Map<String, Value>) -> String {
    if let Some(Value::Array(errors)) = o.get("errors") {
        if errors
            .iter()
            .all(|e| e.get("concise_description").is_some())
        {
            return "this looks like pyrefly's JSON: run pyrefly with --output-format sarif"
                .to_string();
        }
    }
    let keys: Vec<String> = o.keys().take(6).map(|k| format!("`{k}`")).collect();
    format!("a JSON object with the keys {}", keys.join(", "))
}

/// The checker whose text output `text` seems to be.
fn looks_like(text: &str) -> Option<&'static str> {
    let head: String = text.lines().take(50).collect::<Vec<_>>().join("\n");
    if head.contains("error[") || head.contains("warning[") {
        Some("ty's text output (run ty with --output-format gitlab)")
    } else if head.contains(" - error: ") || head.contains(" - warning: ") {
        Some("pyright's text output (run pyright with --outputjson)")
    } else if head.contains(": error: ") || head.contains(": note: ") {
        Some("mypy's text output (run mypy with -O json)")
    } else if head.contains("ERROR ") && head.contains(" [") {
        Some("pyrefly's text output (run pyrefly with --output-format sarif)")
    } else {
        None
    }
}

fn malformed(format: Format, detail: impl fmt::Display) -> FormatError {
    FormatError::Malformed {
        format,
        detail: detail.to_string(),
    }
}

/// The text between the first pair of backticks: ty's and pyrefly's messages quote
/// the type so (`` `Task[int] | None` is not awaitable ``).
fn backticked(message: &str) -> Option<String> {
    let rest = message.strip_suffix(" is not awaitable")?;
    let start = rest.find('`')?;
    let inner = rest[start + 1..].strip_suffix('`')?;
    Some(inner.to_string())
}

// --- GitLab Code Quality ------------------------------------------------------------------

#[derive(Deserialize)]
struct GitLabIssue {
    check_name: String,
    description: String,
    location: GitLabLocation,
}

#[derive(Deserialize)]
struct GitLabLocation {
    path: String,
    positions: GitLabPositions,
}

#[derive(Deserialize)]
struct GitLabPositions {
    begin: LineColumn,
    end: LineColumn,
}

#[derive(Deserialize)]
struct LineColumn {
    line: usize,
    column: usize,
}

fn gitlab(items: Vec<Value>) -> Result<Parsed, FormatError> {
    let mut diagnostics = Vec::new();
    let mut ignored = 0;
    for (i, item) in items.into_iter().enumerate() {
        // Only the await rules are read whole: another rule's issue is counted, whatever
        // it holds.
        let (checker, covers) = match item.get("check_name").and_then(Value::as_str) {
            Some("invalid-await") => (Checker::Ty, Covers::Operand),
            Some("pyrefly/not-async") => (Checker::Pyrefly, Covers::Await),
            Some(_) => {
                ignored += 1;
                continue;
            }
            None => {
                let detail = format_args!("issue {}: no `check_name`", i + 1);
                return Err(malformed(Format::GitLab, detail));
            }
        };
        let issue: GitLabIssue = serde_json::from_value(item)
            .map_err(|e| malformed(Format::GitLab, format_args!("issue {}: {e}", i + 1)))?;
        let code = issue.check_name.trim_start_matches("pyrefly/").to_string();
        let message = issue
            .description
            .strip_prefix(&format!("{code}: "))
            .unwrap_or(&issue.description)
            .to_string();
        let p = issue.location.positions;
        diagnostics.push(Diagnostic {
            checker,
            path: PathBuf::from(issue.location.path),
            span: Span {
                start: one_based(p.begin.line, p.begin.column),
                end: one_based(p.end.line, p.end.column),
                unit: Unit::CodePoints,
                covers,
                bom_counted: false,
            },
            type_text: backticked(&message),
            message,
            code,
        });
    }
    Ok(Parsed {
        format: Format::GitLab,
        diagnostics,
        ignored,
    })
}

fn one_based(line: usize, column: usize) -> Pos {
    Pos {
        line,
        column: column.saturating_sub(1),
    }
}

// --- SARIF ----------------------------------------------------------------------------------

#[derive(Deserialize)]
struct SarifLog {
    runs: Vec<SarifRun>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    tool: SarifTool,
    #[serde(default)]
    results: Vec<Value>,
    column_kind: Option<String>,
}

#[derive(Deserialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Deserialize)]
struct SarifDriver {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    message: SarifMessage,
    #[serde(default)]
    locations: Vec<SarifLocation>,
}

#[derive(Deserialize)]
struct SarifMessage {
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysical,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical {
    artifact_location: SarifArtifact,
    region: SarifRegion,
}

#[derive(Deserialize)]
struct SarifArtifact {
    uri: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: Option<usize>,
    end_line: Option<usize>,
    end_column: usize,
}

fn sarif(doc: Value) -> Result<Parsed, FormatError> {
    let log: SarifLog = serde_json::from_value(doc).map_err(|e| malformed(Format::Sarif, e))?;
    let mut diagnostics = Vec::new();
    let mut ignored = 0;
    for (r, run) in log.runs.into_iter().enumerate() {
        let unit = match run.column_kind.as_deref() {
            Some("utf16CodeUnits") => Unit::Utf16,
            Some("unicodeCodePoints") | None => Unit::CodePoints,
            Some(other) => {
                let detail = format!("runs[{r}]: unknown columnKind `{other}`");
                return Err(malformed(Format::Sarif, detail));
            }
        };
        let tool = run.tool.driver.name;
        for (i, result) in run.results.into_iter().enumerate() {
            let at = |e: &dyn fmt::Display| format!("runs[{r}].results[{i}]: {e}");
            let rule = result
                .get("ruleId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let (checker, covers) = match (tool.to_ascii_lowercase().as_str(), rule) {
                ("ty", "invalid-await") => (Checker::Ty, Covers::Operand),
                ("pyrefly", "not-async") => (Checker::Pyrefly, Covers::Await),
                _ => {
                    ignored += 1;
                    continue;
                }
            };
            let rule = rule.to_string();
            let result: SarifResult =
                serde_json::from_value(result).map_err(|e| malformed(Format::Sarif, at(&e)))?;
            let Some(location) = result.locations.into_iter().next() else {
                return Err(malformed(Format::Sarif, at(&"no location")));
            };
            let region = location.physical_location.region;
            let start = one_based(region.start_line, region.start_column.unwrap_or(1));
            let end = one_based(
                region.end_line.unwrap_or(region.start_line),
                region.end_column,
            );
            let message = result.message.text;
            diagnostics.push(Diagnostic {
                checker,
                path: uri_path(&location.physical_location.artifact_location.uri),
                span: Span {
                    start,
                    end,
                    unit,
                    covers,
                    bom_counted: false,
                },
                type_text: backticked(&message),
                message,
                code: rule,
            });
        }
    }
    Ok(Parsed {
        format: Format::Sarif,
        diagnostics,
        ignored,
    })
}

/// A SARIF artifact URI as a path: `file:///a/b%20c.py` → `/a/b c.py`, a relative
/// reference as it is (percent-decoded).
fn uri_path(uri: &str) -> PathBuf {
    let rest = match uri.strip_prefix("file://") {
        // `file:///C:/x` on Windows: drop the slash before the drive letter.
        Some(r) if r.len() > 2 && r.as_bytes()[2] == b':' && r.starts_with('/') => &r[1..],
        Some(r) => r.strip_prefix("localhost").unwrap_or(r),
        None => uri,
    };
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    PathBuf::from(String::from_utf8_lossy(&out).into_owned())
}

// --- pyright ----------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PyrightOutput {
    general_diagnostics: Vec<Value>,
}

#[derive(Deserialize)]
struct PyrightDiagnostic {
    file: String,
    range: PyrightRange,
    rule: Option<String>,
}

#[derive(Deserialize)]
struct PyrightRange {
    start: PyrightPos,
    end: PyrightPos,
}

#[derive(Deserialize)]
struct PyrightPos {
    line: usize,
    character: usize,
}

fn pyright(doc: Value) -> Result<Parsed, FormatError> {
    let out: PyrightOutput =
        serde_json::from_value(doc).map_err(|e| malformed(Format::Pyright, e))?;
    let mut diagnostics = Vec::new();
    let mut ignored = 0;
    for (i, d) in out.general_diagnostics.into_iter().enumerate() {
        let at = |e: &dyn fmt::Display| {
            malformed(
                Format::Pyright,
                format_args!("generalDiagnostics[{i}]: {e}"),
            )
        };
        let message = d
            .get("message")
            .and_then(Value::as_str)
            .ok_or_else(|| at(&"no `message`"))?;
        let first = message.lines().next().unwrap_or("");
        // `"Task[int]" is not awaitable`: the member's type, in double quotes.
        let type_text = first
            .strip_suffix("\" is not awaitable")
            .and_then(|t| t.strip_prefix('"'))
            .map(str::to_string);
        let Some(type_text) = type_text else {
            ignored += 1;
            continue;
        };
        let first = first.to_string();
        let d: PyrightDiagnostic = serde_json::from_value(d).map_err(|e| at(&e))?;
        let pos = |p: &PyrightPos| Pos {
            line: p.line + 1,
            column: p.character,
        };
        diagnostics.push(Diagnostic {
            checker: Checker::Pyright,
            path: PathBuf::from(d.file),
            span: Span {
                start: pos(&d.range.start),
                end: pos(&d.range.end),
                unit: Unit::Utf16,
                covers: Covers::Operand,
                bom_counted: true,
            },
            type_text: Some(type_text),
            message: first,
            code: d.rule.unwrap_or_default(),
        });
    }
    Ok(Parsed {
        format: Format::Pyright,
        diagnostics,
        ignored,
    })
}

// --- mypy ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct MypyLine {
    file: String,
    line: usize,
    column: usize,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: String,
    code: Option<String>,
}

const MYPY_AWAIT: &str = "Incompatible types in \"await\" (actual type \"";
const MYPY_EXPECTED: &str = "\", expected type \"";

fn mypy(text: &str) -> Result<Parsed, FormatError> {
    let mut diagnostics = Vec::new();
    let mut ignored = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at =
            |e: &dyn fmt::Display| malformed(Format::Mypy, format_args!("line {}: {e}", n + 1));
        let d: MypyLine = serde_json::from_str(line).map_err(|e| at(&e))?;
        let type_text = d
            .message
            .strip_prefix(MYPY_AWAIT)
            .and_then(|rest| rest.rfind(MYPY_EXPECTED).map(|e| &rest[..e]));
        let Some(type_text) = type_text else {
            ignored += 1;
            continue;
        };
        let start = Pos {
            line: d.line,
            column: d.column,
        };
        let end = Pos {
            line: d.end_line.unwrap_or(d.line),
            column: d.end_column.unwrap_or(d.column),
        };
        diagnostics.push(Diagnostic {
            checker: Checker::Mypy,
            path: PathBuf::from(d.file),
            span: Span {
                start,
                end,
                unit: Unit::Hint,
                covers: Covers::Await,
                bom_counted: false,
            },
            type_text: Some(type_text.to_string()),
            message: d.message,
            code: d.code.unwrap_or_default(),
        });
    }
    Ok(Parsed {
        format: Format::Mypy,
        diagnostics,
        ignored,
    })
}

#[cfg(test)]
mod tests;
