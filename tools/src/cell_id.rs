// SPDX-License-Identifier: GPL-2.0-only

//! How a command line names a cell (`{ ID | [--name] NAME }`) and how it
//! spells numbers.
//!
//! This module owns the rules upstream's `parse_cell_id()` applies, quirks
//! included, because scripts (MICA among them) depend on them: an argument
//! that C's `strtoll(arg, &end, 0)` accepts completely and that is
//! non-negative *after truncation to the driver's 32-bit id* is an id;
//! anything else, or the word after `--name`, is a name, cut to 31 bytes.
//! So `0x1`, `010` (octal 8) and even the empty string (0) are ids, while
//! `08`, `-1` and `1k` are names. It does not look cells up: the driver
//! (or `sysfs` for `cell stats`) does that.

use std::ffi::OsString;
use std::fmt;
use std::os::unix::ffi::OsStrExt;

use jailhouse_abi::config::CELL_NAME_MAXLEN;
use jailhouse_abi::ioctl::{CellId, CELL_ID_UNUSED};

/// A cell as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellSelector {
    /// A numeric id; never negative.
    Id(i32),
    /// A name, at most [`CELL_NAME_MAXLEN`] bytes, without NUL.
    Name(Vec<u8>),
}

impl CellSelector {
    /// The ioctl argument naming this cell.
    pub fn to_abi(&self) -> CellId {
        match self {
            CellSelector::Id(id) => CellId::by_id(*id),
            CellSelector::Name(name) => {
                let mut cell_id = CellId::by_id(CELL_ID_UNUSED);
                // `name` is at most 31 bytes (see `parse`), so it fits and
                // the final byte stays the terminating NUL.
                for (slot, byte) in cell_id.name.iter_mut().zip(name) {
                    *slot = *byte;
                }
                cell_id
            }
        }
    }
}

impl fmt::Display for CellSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellSelector::Id(id) => write!(f, "cell {id}"),
            CellSelector::Name(name) => {
                write!(f, "cell \"{}\"", String::from_utf8_lossy(name))
            }
        }
    }
}

/// Parses `{ ID | [--name] NAME }` at the start of `args`.
///
/// Returns the cell and how many arguments it took (1 or 2), or `None` if
/// `args` is empty or is a lone `--name`. Trailing arguments are the
/// caller's business.
pub fn parse(args: &[OsString]) -> Option<(CellSelector, usize)> {
    let first = args.first()?.as_bytes();
    if first == b"--name" {
        let name = args.get(1)?.as_bytes();
        return Some((CellSelector::Name(truncate_name(name)), 2));
    }
    // The driver's id is an `__s32`: upstream stores strtoll's result in it
    // before checking the sign, so the value is truncated first.
    match parse_c_integer(first).map(|value| value as i32) {
        Some(id) if id >= 0 => Some((CellSelector::Id(id), 1)),
        _ => Some((CellSelector::Name(truncate_name(first)), 1)),
    }
}

/// Upstream copies names with `strncpy` into a 32-byte, zeroed field and
/// keeps the last byte as terminator.
fn truncate_name(name: &[u8]) -> Vec<u8> {
    name.iter().copied().take(CELL_NAME_MAXLEN).collect()
}

/// Parses `text` the way upstream checks `strtoll(text, &end, 0)`: the
/// value if the whole text was consumed without overflow (`errno == 0 &&
/// *end == '\0'`), else `None`.
///
/// That means: optional leading white space, an optional sign, then a
/// `0x`/`0X` hexadecimal, `0` octal or decimal number that fits an `i64`.
/// As in C, an empty text is 0 and `-5` is accepted (callers decide what a
/// negative value means).
pub fn parse_c_integer(text: &[u8]) -> Option<i64> {
    let mut rest = text;
    while let [b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r', tail @ ..] = rest {
        rest = tail;
    }
    let negative = match rest {
        [b'-', tail @ ..] => {
            rest = tail;
            true
        }
        [b'+', tail @ ..] => {
            rest = tail;
            false
        }
        _ => false,
    };
    let radix = match rest {
        // "0x" only counts as a prefix if a hex digit follows; otherwise
        // strtoll parses the "0" and stops at the "x".
        [b'0', b'x' | b'X', digit, ..] if digit.is_ascii_hexdigit() => {
            rest = &rest[2..];
            16
        }
        [b'0', ..] => 8,
        _ => 10,
    };
    if rest.is_empty() {
        // No digits at all: strtoll returns 0 with `end` at the start of
        // the text, which is the terminator only if the text is empty.
        return text.is_empty().then_some(0);
    }
    // Accumulate as a negative number so that i64::MIN fits.
    let mut value: i64 = 0;
    for &byte in rest {
        let digit = char::from(byte).to_digit(radix)?;
        value = value
            .checked_mul(i64::from(radix))?
            .checked_sub(i64::from(digit))?;
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn name(text: &str) -> CellSelector {
        CellSelector::Name(text.as_bytes().to_vec())
    }

    #[test]
    fn c_integers_follow_strtoll_base_0() {
        let cases: &[(&str, Option<i64>)] = &[
            ("0", Some(0)),
            ("1", Some(1)),
            ("42", Some(42)),
            ("0x1f", Some(31)),
            ("0X1F", Some(31)),
            ("010", Some(8)),
            ("08", None),
            ("0x", None),
            ("0xg", None),
            ("", Some(0)),
            (" ", None),
            ("  7", Some(7)),
            ("\t+7", Some(7)),
            ("7 ", None),
            ("-1", Some(-1)),
            ("-0x10", Some(-16)),
            ("+", None),
            ("-", None),
            ("1k", None),
            ("9223372036854775807", Some(i64::MAX)),
            ("9223372036854775808", None),
            ("-9223372036854775808", Some(i64::MIN)),
            ("-9223372036854775809", None),
            ("0xffffffffffffffff", None),
            ("0x7fffffffffffffff", Some(i64::MAX)),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_c_integer(text.as_bytes()),
                *expected,
                "parsing {text:?}"
            );
        }
    }

    #[test]
    fn numbers_are_ids() {
        assert_eq!(parse(&args(&["1"])), Some((CellSelector::Id(1), 1)));
        assert_eq!(parse(&args(&["0x10"])), Some((CellSelector::Id(16), 1)));
        assert_eq!(parse(&args(&["010"])), Some((CellSelector::Id(8), 1)));
        assert_eq!(parse(&args(&[""])), Some((CellSelector::Id(0), 1)));
    }

    #[test]
    fn everything_else_is_a_name() {
        for text in ["inmate-demo", "-1", "08", "1k", "0x", " "] {
            assert_eq!(parse(&args(&[text])), Some((name(text), 1)), "{text:?}");
        }
    }

    #[test]
    fn ids_are_truncated_to_32_bits_before_the_sign_check() {
        // 2^32 + 1 truncates to 1; 2^31 truncates to a negative id, so the
        // text becomes a name. Upstream behaves the same way.
        assert_eq!(
            parse(&args(&["4294967297"])),
            Some((CellSelector::Id(1), 1))
        );
        assert_eq!(parse(&args(&["2147483648"])), Some((name("2147483648"), 1)));
        // Beyond i64, strtoll reports ERANGE: a name.
        assert_eq!(
            parse(&args(&["99999999999999999999"])),
            Some((name("99999999999999999999"), 1))
        );
    }

    #[test]
    fn name_option_takes_the_next_word_verbatim() {
        assert_eq!(parse(&args(&["--name", "1"])), Some((name("1"), 2)));
        assert_eq!(
            parse(&args(&["--name", "--name", "x"])),
            Some((name("--name"), 2))
        );
        assert_eq!(parse(&args(&["--name"])), None);
        assert_eq!(parse(&args(&[])), None);
    }

    #[test]
    fn long_names_are_cut_to_31_bytes() {
        let long = "a".repeat(40);
        let (cell, used) = parse(&args(&[&long])).unwrap();
        assert_eq!(used, 1);
        assert_eq!(cell, name(&"a".repeat(31)));
        let abi = cell.to_abi();
        assert_eq!(abi.id, CELL_ID_UNUSED);
        assert_eq!(&abi.name[..31], "a".repeat(31).as_bytes());
        assert_eq!(abi.name[31], 0);
    }

    #[test]
    fn abi_form_of_an_id() {
        let abi = CellSelector::Id(3).to_abi();
        assert_eq!(abi.id, 3);
        assert_eq!(abi.name, [0; 32]);
    }

    #[test]
    fn display_names_the_cell() {
        assert_eq!(CellSelector::Id(2).to_string(), "cell 2");
        assert_eq!(name("demo").to_string(), "cell \"demo\"");
    }
}
