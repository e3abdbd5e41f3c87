//! A spinner on stderr for work that takes more than a second; quicker work shows nothing, and
//! so do `--quiet`, `--json` and output that is not a terminal.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner that appears only if the work is still going after a second.
pub(crate) struct Progress {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
}

impl Progress {
    /// Starts timing; `enabled` is false for quiet or JSON output.
    pub(crate) fn start(enabled: bool, message: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .expect("the template is valid"),
        );
        bar.set_message(message.to_owned());
        let done = Arc::new(AtomicBool::new(false));
        if enabled {
            let (bar, done) = (bar.clone(), Arc::clone(&done));
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !done.load(Ordering::SeqCst) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar, done }
    }

    /// Says what is being done now.
    pub(crate) fn set_message(&self, message: &str) {
        self.bar.set_message(message.to_owned());
    }

    /// Stops and clears the spinner.
    pub(crate) fn finish(self) {
        self.done.store(true, Ordering::SeqCst);
        self.bar.finish_and_clear();
    }
}
