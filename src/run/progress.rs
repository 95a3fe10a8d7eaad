//! A one-line progress count on stderr, for long runs in a terminal.
//!
//! Shown only when stderr is a terminal and `-q` is not given, and only once a run has
//! lasted half a second, so short runs and pipes never see it. The line is redrawn in
//! place (`\r`) and erased before anything else is printed on stderr and at the end.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::setup::settings::Settings;

const DELAY: Duration = Duration::from_millis(500);
const EVERY: Duration = Duration::from_millis(100);
const ERASE: &str = "\r\x1b[K";

struct State {
    label: &'static str,
    total: usize,
    /// A progress line is on the screen now.
    shown: bool,
}

struct Shared {
    done: AtomicUsize,
    stop: AtomicBool,
    state: Mutex<State>,
}

impl Shared {
    fn erase(state: &mut State) {
        if state.shown {
            let _ = io::stderr().write_all(ERASE.as_bytes());
            state.shown = false;
        }
    }
}

pub struct Progress {
    shared: Option<Arc<Shared>>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start counting `total` files under `label`; does nothing unless stderr is a
    /// terminal and the run is not quiet.
    pub fn start(settings: &Settings, label: &'static str, total: usize) -> Progress {
        let wanted = io::stderr().is_terminal() && !settings.quiet && settings.stdin.is_none();
        if !wanted {
            return Progress {
                shared: None,
                ticker: None,
            };
        }
        let shared = Arc::new(Shared {
            done: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            state: Mutex::new(State {
                label,
                total,
                shown: false,
            }),
        });
        let s = Arc::clone(&shared);
        let ticker = std::thread::spawn(move || {
            std::thread::park_timeout(DELAY);
            while !s.stop.load(Ordering::Relaxed) {
                if let Ok(mut state) = s.state.lock() {
                    let done = s.done.load(Ordering::Relaxed).min(state.total);
                    let line = format!(
                        "{ERASE}unawait: {} {done}/{} files",
                        state.label, state.total
                    );
                    let mut err = io::stderr().lock();
                    let _ = err.write_all(line.as_bytes());
                    let _ = err.flush();
                    state.shown = true;
                }
                std::thread::park_timeout(EVERY);
            }
        });
        Progress {
            shared: Some(shared),
            ticker: Some(ticker),
        }
    }

    /// One more file done.
    pub fn tick(&self) {
        if let Some(s) = &self.shared {
            s.done.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Count again from zero, under a new label.
    pub fn phase(&self, label: &'static str, total: usize) {
        if let Some(s) = &self.shared {
            if let Ok(mut state) = s.state.lock() {
                state.label = label;
                state.total = total;
                s.done.store(0, Ordering::Relaxed);
            }
        }
    }

    /// Run `f` (which prints) with the progress line erased and held off.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.shared {
            Some(s) => {
                let mut state = s.state.lock().unwrap_or_else(|e| e.into_inner());
                Shared::erase(&mut state);
                f()
            }
            None => f(),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let (Some(s), Some(ticker)) = (self.shared.take(), self.ticker.take()) {
            s.stop.store(true, Ordering::Relaxed);
            ticker.thread().unpark();
            let _ = ticker.join();
            let mut state = s.state.lock().unwrap_or_else(|e| e.into_inner());
            Shared::erase(&mut state);
        }
    }
}
