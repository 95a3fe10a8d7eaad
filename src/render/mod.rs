//! Output formats, one file each: a [`Format`] turns file reports into the bytes that
//! go to stdout (or the patch file). Summaries, notes and kept awaits go to stderr
//! elsewhere (`run::reporter`).
//!
//! A format's [`Format::file`] runs on worker threads, so diffs are rendered in
//! parallel; the reporter writes the parts in path order, with the format's separator
//! between two non-empty parts, after [`Format::begin`] and before [`Format::finish`].
//! To add a format: a file here implementing `Format`, a variant of
//! `setup::cli::OutputFormat`, and an arm in `run::job::Job::format`.

pub mod buffer;
pub mod diff;
pub mod finding;
pub mod github;
pub mod json;
pub mod sarif;
pub mod settings;
pub mod suggest;
pub mod summary;
pub mod text;

use crate::report::FileReport;
use summary::Summary;

/// One file as a format sees it: its report, the bytes read, and the fixed bytes when
/// they differ.
pub struct FileView<'a> {
    pub report: &'a FileReport,
    pub source: &'a [u8],
    pub fixed: Option<&'a [u8]>,
}

pub trait Format: Sync {
    /// What comes before the first file (the opening of a JSON document).
    fn begin(&self) -> Vec<u8> {
        Vec::new()
    }

    /// One file's part; empty when the file has nothing to show.
    fn file(&self, file: &FileView<'_>) -> Vec<u8>;

    /// What goes between two non-empty file parts.
    fn separator(&self) -> &'static [u8] {
        b""
    }

    /// What closes the output, once every file is written.
    fn finish(&self, _summary: &Summary) -> Vec<u8> {
        Vec::new()
    }
}
