//! Where the commands' results go: text for people on stdout, or JSON for scripts, and
//! warnings and errors on stderr. The only module that prints.

use std::io::{self, Write};

use serde::Serialize;

/// How results are shown.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    /// Print JSON instead of text.
    pub(crate) json: bool,
    /// Print nothing but errors.
    pub(crate) quiet: bool,
}

impl Output {
    /// Prints text for people, unless quiet or in JSON mode.
    pub(crate) fn text(&self, text: &str) {
        if !self.json && !self.quiet {
            write_stdout(text);
        }
    }

    /// Prints a value as JSON in JSON mode.
    pub(crate) fn json<T: Serialize>(&self, value: &T) {
        if self.json {
            let mut text = serde_json::to_string_pretty(value).expect("results always serialize");
            text.push('\n');
            write_stdout(&text);
        }
    }

    /// Prints a warning on stderr, unless quiet.
    pub(crate) fn warn(&self, text: &str) {
        if !self.quiet {
            write_stderr(&format!("warning: {text}\n"));
        }
    }
}

/// Writes to stdout; a closed pipe (`varkat ... | head`) is not an error worth reporting.
pub(crate) fn write_stdout(text: &str) {
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

/// Writes to stderr.
pub(crate) fn write_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}
