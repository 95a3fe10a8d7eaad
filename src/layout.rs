//! The shape of the source tree, checked: no import circle between the crate's files,
//! every import points down the layers, and no source file grows past ~600 lines.
//!
//! An import is any `crate::…` or `super::…` path in a file (in `use` lines and in
//! code, `#[cfg(test)]` modules included); it points at the file of the longest
//! module path it names. A folder's `mod.rs` declaring its children is not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A file may import its own layer and the ones below.
const LAYERS: &[&[&str]] = &[
    &["paths", "interrupt", "messages"],
    &["python"],
    &["diagnostics"],
    &["fix"],
    &["setup"],
    &["files"],
    &["embedded"],
    &["report"],
    &["render"],
    &["run"],
    &["layout", "lib"],
];

const MAX_LINES: usize = 600;

fn layer(module: &str) -> usize {
    let top = module.split("::").next().unwrap_or(module);
    LAYERS
        .iter()
        .position(|l| l.contains(&top))
        .unwrap_or_else(|| panic!("`{top}` is in no layer of src/layout.rs"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/fix/matcher.rs` → `fix::matcher`; `src/fix/mod.rs` → `fix`; `src/lib.rs` →
/// `lib`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// Every path of a use tree: `a::{b, c::{d, self}}` → `a::b`, `a::c::d`, `a::c`.
fn expand(tree: &str) -> Vec<String> {
    // Renames (`x as y`) name `x`.
    let words: Vec<&str> = tree.split_whitespace().collect();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i] == "as" {
            // `as y,` or `as y}` keeps what follows the name.
            let after = words.get(i + 1).map_or("", |w| {
                w.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_')
            });
            kept.push(after);
            i += 2;
        } else {
            kept.push(words[i]);
            i += 1;
        }
    }
    let tree: String = kept.concat();
    let Some(open) = tree.find('{') else {
        return vec![tree.trim_end_matches("::self").to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.is_empty())
        .flat_map(|i| expand(&format!("{prefix}{i}")))
        .map(|p| p.trim_end_matches("::self").to_string())
        .collect()
}

/// The modules `text` (the file of `module`) imports, as module paths.
fn imports(module: &str, text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    // What `super` names in this file (in the file's own code; in its `mod tests`,
    // `use super::*` names the file itself and is passed over).
    let sup = module.rsplit_once("::").map_or("", |(p, _)| p);
    let mut paths = Vec::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let stmt_start = at + 4;
        let end = rest[stmt_start..]
            .find(';')
            .map_or(rest.len(), |e| stmt_start + e);
        let tree = &rest[stmt_start..end];
        if let Some(t) = tree.strip_prefix("crate::") {
            paths.extend(expand(t));
        } else if let Some(t) = tree.strip_prefix("super::") {
            // `super` of a folder's own file (`mod.rs`) is the folder's parent; in tests
            // (`mod tests { use super::*; }`) it is the file itself and imports nothing.
            if t != "*" {
                paths.extend(expand(t).into_iter().map(|p| match sup {
                    "" => p,
                    base => format!("{base}::{p}"),
                }));
            }
        } else if let Some(t) = tree.strip_prefix("crate::{") {
            paths.extend(expand(&format!("{{{t}")));
        }
        rest = &rest[end.min(rest.len())..];
    }
    // Paths written out in code: `crate::files::read::is_binary(…)`.
    for (i, _) in code.match_indices("crate::") {
        let path: String = code[i + 7..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        paths.push(path);
    }
    let mut out = BTreeSet::new();
    for p in paths {
        let parts: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
        let target = (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|m| modules.contains(m));
        if let Some(t) = target {
            if t != module {
                out.insert(t);
            }
        }
    }
    out
}

struct Tree {
    /// module → the modules it imports.
    graph: BTreeMap<String, BTreeSet<String>>,
    lines: BTreeMap<String, usize>,
}

fn tree() -> Tree {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph = BTreeMap::new();
    let mut lines = BTreeMap::new();
    for f in &files {
        let module = module_of(&src, f);
        if module == "main" {
            continue; // the binary: it may use anything
        }
        let text = std::fs::read_to_string(f).unwrap();
        lines.insert(module.clone(), text.lines().count());
        graph.insert(module.clone(), imports(&module, &text, &modules));
    }
    Tree { graph, lines }
}

/// A circle through `from`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        at: &str,
        goal: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == goal {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, next, goal, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_string()];
    walk(graph, from, from, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn use_trees_expand() {
    assert_eq!(
        expand("fix::{edit::{self, Edit}, engine}"),
        ["fix::edit", "fix::edit::Edit", "fix::engine"]
    );
    assert_eq!(expand("report::Status"), ["report::Status"]);
    assert_eq!(expand("a::{b as c, d} "), ["a::b", "a::d"]);
    assert_eq!(expand("a::b as c"), ["a::b"]);
}

#[test]
fn no_file_imports_itself_back() {
    let tree = tree();
    for module in tree.graph.keys() {
        if let Some(c) = circle(&tree.graph, module) {
            panic!("import circle: {}", c.join(" → "));
        }
    }
}

#[test]
fn imports_point_down_the_layers() {
    let tree = tree();
    let mut up = Vec::new();
    for (module, imports) in &tree.graph {
        for i in imports {
            if layer(i) > layer(module) {
                up.push(format!("{module} → {i}"));
            }
        }
    }
    assert!(up.is_empty(), "imports that point up: {up:#?}");
}

#[test]
fn no_source_file_is_too_long() {
    let long: Vec<String> = tree()
        .lines
        .into_iter()
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(m, n)| format!("{m}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}
