//! Reading files, and saying why a read failed.

use std::io;
use std::path::Path;

use crate::messages::io_reason;

/// Why a discovered file could not be read.
#[derive(Debug)]
pub struct ReadError(pub io::Error);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = &self.0;
        if e.kind() == io::ErrorKind::NotFound {
            f.write_str("disappeared during the run")
        } else if e.raw_os_error() == Some(21) {
            f.write_str("is a folder")
        } else {
            write!(f, "cannot read: {}", io_reason(e))
        }
    }
}

/// A discovered file's bytes, or why they cannot be read (the reason it is skipped).
pub fn read_source(path: &Path) -> Result<Vec<u8>, ReadError> {
    std::fs::read(path).map_err(ReadError)
}

/// Whether `bytes` look binary (hold a NUL byte): such a file is never Python.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, bytes).is_some()
}
