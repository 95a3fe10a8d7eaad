//! The one place that writes messages to stderr, and the error flag they may set.
//!
//! Like ripgrep's `messages.rs`: a problem with one file is printed and remembered,
//! the run goes on, and the exit status is 2 at the end. Output to stdout never goes
//! through here; the progress line (`run::progress`) draws on the terminal itself.
//! [`io_reason`] gives every message the same words for an operating-system error.

use std::fmt::Display;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static ERRORED: AtomicBool = AtomicBool::new(false);

fn put(line: std::fmt::Arguments<'_>) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    // Nothing sensible is left to do when stderr itself is gone.
    let _ = err.write_fmt(line);
    let _ = err.write_all(b"\n");
}

/// `unawait: MESSAGE`, and the run ends with exit status 2.
pub fn error(message: impl Display) {
    ERRORED.store(true, Ordering::SeqCst);
    put(format_args!("unawait: {message}"));
}

/// `unawait: warning: MESSAGE`; the exit status is not changed.
pub fn warning(message: impl Display) {
    put(format_args!("unawait: warning: {message}"));
}

/// `unawait: MESSAGE`, for information; the exit status is not changed.
pub fn info(message: impl Display) {
    put(format_args!("unawait: {message}"));
}

/// A line as it is (a kept await, the summary, which carry their own prefix).
pub fn line(message: impl Display) {
    put(format_args!("{message}"));
}

/// Has any error been reported since the last [`reset`]?
pub fn errored() -> bool {
    ERRORED.load(Ordering::SeqCst)
}

/// Forget earlier errors, at the start of a run.
pub fn reset() {
    ERRORED.store(false, Ordering::SeqCst);
}

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
