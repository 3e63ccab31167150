// SPDX-License-Identifier: GPL-2.0-only

//! Judging a serial log against a scenario's expected lines.
//!
//! This module owns the matching rules and nothing else (no I/O):
//! * expected lines must appear as whole lines, in order; other lines may
//!   come between them;
//! * a kernel timestamp prefix (`[    1.234567] `) and a trailing `\r` are
//!   ignored, so kernel messages can be expected verbatim;
//! * some lines end the run at once because nothing good follows them
//!   (kernel oops, panic, warning splat);
//! * in an expected line, `<n>` stands for one decimal number (optionally
//!   right-aligned with spaces, optionally negative), for output that
//!   carries a measurement, e.g. `Timer fired, jitter: <n> ns`, and `<x>`
//!   for one hexadecimal number (digits only, e.g. after a literal `0x`),
//!   for addresses that move with the image's layout. Nothing
//!   else is a pattern.

use std::fmt;

/// Substrings that fail a run as soon as they appear on a line.
pub const FATAL_MARKERS: &[&str] = &[
    "Kernel panic",
    "Internal error: Oops",
    "Unable to handle kernel",
    "BUG: ",
    "WARNING: CPU:",
    "Call trace:",
    "SError Interrupt",
    "rcu: INFO: rcu_sched",
    "watchdog: BUG: soft lockup",
];

/// What happened when one line of output was fed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The line was the next expected one (its index in the list).
    Matched(usize),
    /// The line matched the last expected one: the scenario passed.
    Done,
    /// The line contains a fatal marker.
    Fatal(String),
    /// Nothing of interest.
    Ignored,
}

/// Ordered expectations over a stream of lines.
#[derive(Debug)]
pub struct Expectations {
    lines: Vec<String>,
    next: usize,
}

/// Remove what varies from boot to boot: the carriage return of the serial
/// line and the kernel's timestamp.
pub fn normalize(line: &str) -> &str {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if let Some(rest) = line.strip_prefix('[') {
        if let Some((stamp, tail)) = rest.split_once("] ") {
            let stamp = stamp.trim_start();
            let is_time = !stamp.is_empty()
                && stamp.chars().all(|c| c.is_ascii_digit() || c == '.')
                && stamp.contains('.');
            if is_time {
                return tail;
            }
        }
    }
    line
}

impl Expectations {
    /// Parse an expectation file: one expected line per line; empty lines
    /// and lines starting with `#` are ignored.
    pub fn parse(text: &str) -> Self {
        let lines = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        Self { lines, next: 0 }
    }

    /// Number of expected lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there is nothing to expect.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The first expected line not seen yet.
    pub fn pending(&self) -> Option<&str> {
        self.lines.get(self.next).map(String::as_str)
    }

    /// Feed one raw output line.
    pub fn feed(&mut self, raw: &str) -> Progress {
        let line = normalize(raw);
        if let Some(marker) = FATAL_MARKERS.iter().find(|m| line.contains(*m)) {
            return Progress::Fatal(format!("fatal marker {marker:?} in: {line}"));
        }
        match self.pending() {
            Some(want) if line_matches(want, line) => {
                self.next += 1;
                if self.next == self.lines.len() {
                    Progress::Done
                } else {
                    Progress::Matched(self.next - 1)
                }
            }
            _ => Progress::Ignored,
        }
    }
}

/// The placeholder for a decimal number in an expected line.
const NUMBER: &str = "<n>";
/// The placeholder for a hexadecimal number (digits only, no `0x`).
const HEX: &str = "<x>";

/// Whether output `line` is expected line `want` (see the module docs).
pub fn line_matches(want: &str, line: &str) -> bool {
    let next = [(NUMBER, false), (HEX, true)]
        .into_iter()
        .filter_map(|(p, hex)| want.find(p).map(|at| (at, p.len(), hex)))
        .min_by_key(|&(at, _, _)| at);
    let Some((at, len, hex)) = next else {
        return want == line;
    };
    let Some(rest) = line.strip_prefix(&want[..at]) else {
        return false;
    };
    let digits_at = if hex {
        rest
    } else {
        let rest = rest.trim_start_matches(' ');
        rest.strip_prefix('-').unwrap_or(rest)
    };
    let after = digits_at.trim_start_matches(|c: char| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    });
    if after.len() == digits_at.len() {
        return false; // no digit
    }
    line_matches(&want[at + len..], after)
}

impl fmt::Display for Expectations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines.iter().enumerate() {
            let mark = if i < self.next { "ok " } else { "-- " };
            writeln!(f, "{mark}{line}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_timestamp_and_cr() {
        assert_eq!(normalize("[    0.123456] CPU: hello\r"), "CPU: hello");
        assert_eq!(normalize("[12345.000001] x"), "x");
        assert_eq!(normalize("[scenario] step"), "[scenario] step");
        assert_eq!(normalize("[] x"), "[] x");
        assert_eq!(normalize("plain"), "plain");
    }

    #[test]
    fn matches_in_order_with_noise_between() {
        let mut e = Expectations::parse("# comment\nfirst\n\nsecond\n");
        assert_eq!(e.len(), 2);
        assert_eq!(e.feed("second"), Progress::Ignored, "order matters");
        assert_eq!(e.feed("noise"), Progress::Ignored);
        assert_eq!(e.feed("[    1.000000] first\r"), Progress::Matched(0));
        assert_eq!(e.pending(), Some("second"));
        assert_eq!(e.feed("second"), Progress::Done);
    }

    #[test]
    fn whole_lines_only() {
        let mut e = Expectations::parse("enabled: 0\n");
        assert_eq!(e.feed("enabled: 01"), Progress::Ignored);
        assert_eq!(e.feed(" enabled: 0"), Progress::Ignored);
        assert_eq!(e.feed("enabled: 0"), Progress::Done);
    }

    #[test]
    fn fatal_markers_stop_the_run() {
        let mut e = Expectations::parse("x\n");
        assert!(matches!(
            e.feed("[    3.1] Internal error: Oops: 96000004 [#1] SMP"),
            Progress::Fatal(_)
        ));
    }

    #[test]
    fn report_marks_seen_lines() {
        let mut e = Expectations::parse("a\nb\n");
        e.feed("a");
        assert_eq!(e.to_string(), "ok a\n-- b\n");
    }

    #[test]
    fn numbers_in_expected_lines() {
        let want = "Timer fired, jitter: <n> ns, min: <n> ns, max: <n> ns";
        assert!(line_matches(
            want,
            "Timer fired, jitter:    928 ns, min:    928 ns, max:   1024 ns"
        ));
        assert!(line_matches(
            want,
            "Timer fired, jitter: -5 ns, min: 0 ns, max: 77 ns"
        ));
        assert!(!line_matches(
            want,
            "Timer fired, jitter:  ns, min: 0 ns, max: 77 ns"
        ));
        assert!(!line_matches(
            want,
            "Timer fired, jitter: 5 ns, min: 0 ns, max: 77 ns!"
        ));
        assert!(!line_matches(
            want,
            "Timer fired, jitter: 5x ns, min: 0 ns, max: 7 ns"
        ));
        assert!(line_matches("Hello <n> from cell!", "Hello 12 from cell!"));
        assert!(line_matches(
            "Code location: 0x<x>",
            "Code location: 0x0000ffffc0202fd0"
        ));
        assert!(!line_matches("Code location: 0x<x>", "Code location: 0x"));
        assert!(!line_matches("Code location: 0x<x>", "Code location: 0xfg"));
        assert!(line_matches("at 0x<x>(<n>)", "at 0x9000018(4)"));
        assert!(line_matches("plain", "plain"));
        assert!(!line_matches("plain", "plain "));
        let mut e = Expectations::parse("a <n>\nb\n");
        assert_eq!(e.feed("a 1.5"), Progress::Ignored);
        assert_eq!(e.feed("a 15"), Progress::Matched(0));
    }
}
