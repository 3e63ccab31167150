// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The inmate's command line: a 256-byte buffer at offset 0x1000 of the
//! image (as in Jailhouse's inmate library), which
//! `jailhouse cell load <cell> <image> -s "<words>" -a 0x1000` fills before
//! the cell starts. Words are separated by spaces; a word is `name=value`
//! or a bare `name` (a flag). Numbers are decimal, or hexadecimal with
//! `0x`. Parsing is plain code, tested on the host.

/// Size of the command-line buffer.
pub const CMDLINE_SIZE: usize = 256;
/// Offset of the buffer in the image (`-a` of `jailhouse cell load`).
pub const CMDLINE_OFFSET: usize = 0x1000;

/// A command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cmdline<'a> {
    text: &'a [u8],
}

impl<'a> Cmdline<'a> {
    /// The command line in `buffer`, up to its first NUL byte.
    pub fn new(buffer: &'a [u8]) -> Self {
        let len = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
        Self {
            text: &buffer[..len],
        }
    }

    fn words(&self) -> impl Iterator<Item = &'a [u8]> {
        self.text
            .split(|&b| b == b' ' || b == b'\t' || b == b'\n')
            .filter(|w| !w.is_empty())
    }

    /// The value of the last `name=value` word.
    pub fn value(&self, name: &str) -> Option<&'a str> {
        let name = name.as_bytes();
        self.words()
            .filter_map(|word| {
                let rest = word.strip_prefix(name)?;
                rest.strip_prefix(b"=")
            })
            .last()
            .and_then(|value| core::str::from_utf8(value).ok())
    }

    /// The number `name=` gives, if it is one.
    pub fn number(&self, name: &str) -> Option<u64> {
        parse_number(self.value(name)?)
    }

    /// Whether the word `name` (without a value) is present.
    pub fn flag(&self, name: &str) -> bool {
        self.words().any(|word| word == name.as_bytes())
    }
}

/// A decimal number, or hexadecimal with `0x`/`0X`.
pub fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod hw {
    use super::{Cmdline, CMDLINE_SIZE};

    extern "C" {
        /// The buffer, defined in `startup.rs`'s `.cmdline` section.
        static __cmdline: [u8; CMDLINE_SIZE];
    }

    /// This inmate's command line.
    pub fn cmdline() -> Cmdline<'static> {
        // SAFETY: the buffer is part of the image; the loader writes it
        // before the cell starts and nothing writes it afterwards, so a
        // shared reference for the program's lifetime is sound. Declared
        // `extern`, the compiler cannot assume its (zero) link-time value.
        Cmdline::new(unsafe { &*core::ptr::addr_of!(__cmdline) })
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use hw::cmdline;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_values() {
        let mut buffer = [0u8; CMDLINE_SIZE];
        let text = b"probe-addr=0x40000000  verbose count=12 count=13\tname=x=y";
        buffer[..text.len()].copy_from_slice(text);
        let cmdline = Cmdline::new(&buffer);
        assert_eq!(cmdline.number("probe-addr"), Some(0x4000_0000));
        assert_eq!(cmdline.number("count"), Some(13), "the last one wins");
        assert_eq!(cmdline.value("name"), Some("x=y"));
        assert!(cmdline.flag("verbose"));
        assert!(!cmdline.flag("probe-addr"));
        assert_eq!(cmdline.value("verbose"), None);
        assert_eq!(cmdline.value("probe"), None, "no prefix matches");
        assert_eq!(cmdline.value("missing"), None);
    }

    #[test]
    fn empty_and_unterminated() {
        assert_eq!(Cmdline::new(&[0; CMDLINE_SIZE]).value("a"), None);
        let full = [b'a'; CMDLINE_SIZE];
        assert!(!Cmdline::new(&full).flag("a"));
        assert_eq!(Cmdline::new(b"a=1").number("a"), Some(1));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("42"), Some(42));
        assert_eq!(parse_number("0x2A"), Some(42));
        assert_eq!(parse_number("0X2a"), Some(42));
        assert_eq!(parse_number("010"), Some(10), "no octal");
        assert_eq!(parse_number("0x"), None);
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("0x1_0"), None);
        assert_eq!(parse_number("18446744073709551616"), None);
    }

    #[test]
    fn invalid_utf8_value_is_none() {
        assert_eq!(Cmdline::new(b"a=\xff").value("a"), None);
    }
}
