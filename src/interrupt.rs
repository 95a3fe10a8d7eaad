//! Ctrl-C and SIGTERM: stop starting work, let work in flight finish, exit 130.
//!
//! The handler only sets a flag. It must never end the process itself: a write in
//! flight then finishes its rename (or drops its temporary file), so every file is left
//! wholly old or wholly new and no temporary file is left behind. Workers look at the
//! flag before they start a file and before they start a write; the run then drains
//! and the run returns [`EXIT`].

use std::sync::atomic::{AtomicBool, Ordering};

/// The exit status of an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT: u8 = 130;

/// What an interrupted run says on stderr, once.
pub const MESSAGE: &str = "unawait: interrupted; every file written is complete, \
the files not yet reached are unchanged; run again to finish";

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Install the handler for SIGINT, SIGTERM and SIGHUP. Call once, from `main`; a
/// library caller that never installs it simply cannot be interrupted gracefully.
///
/// A second signal ends the process at once, for a run stuck where no flag is looked
/// at: files stay whole (each write is a rename), but a temporary file being written
/// at that moment may be left behind.
pub fn install() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            crate::messages::info("interrupted twice; stopping now");
            std::process::exit(i32::from(EXIT));
        }
    })
}

/// Has the run been asked to stop?
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
