//! Reading files, and saying why a read or write failed in a few plain words.

use std::io;
use std::path::Path;

/// A short reason for an I/O error, without Rust's `(os error N)` noise.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// A discovered file's bytes, or why they cannot be read (the reason it is skipped).
pub fn read_source(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            "disappeared during the run".into()
        } else if e.raw_os_error() == Some(21) {
            "is a folder".into()
        } else {
            format!("cannot read: {}", io_reason(&e))
        }
    })
}

/// Whether `bytes` look binary (hold a NUL byte): such a file is never Python.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, bytes).is_some()
}
