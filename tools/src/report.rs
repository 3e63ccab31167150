// SPDX-License-Identifier: GPL-2.0-only

//! How failures look to the user.
//!
//! Upstream reports errors with `perror()`: `WHAT: strerror(errno)` on
//! standard error, then exits with status 1. This module owns that shape
//! ([`Failure`], [`strerror`]) and the optional hint line we add below it
//! when the cause is usually something the user can fix. It does not
//! decide exit statuses; `main` does.

use std::fmt;
use std::io;

/// A failed command as the user sees it: upstream's one-line message and,
/// where it helps, a hint printed on the next line as `hint: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Upstream-style message, e.g. `JAILHOUSE_ENABLE: Invalid argument`.
    pub message: String,
    /// Extra advice, without the `hint: ` prefix.
    pub hint: Option<String>,
}

impl Failure {
    /// A failure without a hint.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
        }
    }

    /// `perror(what)` for `error`: `what: <strerror text>`.
    pub fn os(what: impl fmt::Display, error: &io::Error) -> Failure {
        Failure::new(format!("{what}: {}", strerror(error)))
    }

    /// Adds (or replaces) the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// The C library's text for an error, as `strerror()` gives it: std's
/// message without its ` (os error N)` suffix.
pub fn strerror(error: &io::Error) -> String {
    let text = error.to_string();
    match error.raw_os_error() {
        Some(code) => match text.strip_suffix(&format!(" (os error {code})")) {
            Some(bare) => bare.to_owned(),
            None => text,
        },
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_drops_the_os_error_suffix() {
        let error = io::Error::from_raw_os_error(2);
        assert_eq!(strerror(&error), "No such file or directory");
        let custom = io::Error::other("something odd");
        assert_eq!(strerror(&custom), "something odd");
    }

    #[test]
    fn failures_print_like_perror_plus_a_hint() {
        let failure = Failure::os("JAILHOUSE_ENABLE", &io::Error::from_raw_os_error(22));
        assert_eq!(failure.to_string(), "JAILHOUSE_ENABLE: Invalid argument");
        let hinted = failure.with_hint("see dmesg");
        assert_eq!(
            hinted.to_string(),
            "JAILHOUSE_ENABLE: Invalid argument\nhint: see dmesg"
        );
    }
}
