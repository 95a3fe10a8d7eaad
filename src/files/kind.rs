//! What kind of file a path holds, decided by its name alone.

use std::path::Path;

/// What kind of file a path holds, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Python,
    /// A Jupyter notebook: its code cells (see `embedded::notebook`).
    Notebook,
    /// Markdown: fenced Python blocks, with `docs` (see `embedded::docs`).
    Markdown,
    /// reST: Python code directives, with `docs`.
    Rst,
}

impl FileKind {
    pub fn of(path: &Path, explicit: bool, docs: bool) -> Option<FileKind> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("py" | "pyi") => Some(FileKind::Python),
            Some("ipynb") => Some(FileKind::Notebook),
            // Documents are walked with `docs`; one named explicitly is always read.
            Some("md" | "markdown") if docs || explicit => Some(FileKind::Markdown),
            Some("rst") if docs || explicit => Some(FileKind::Rst),
            // A file named explicitly is Python whatever its name (a script, say).
            _ if explicit => Some(FileKind::Python),
            _ => None,
        }
    }
}
