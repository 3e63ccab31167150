// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The binary interfaces of jailhouse-rs, as Rust types.
//!
//! This crate is the Rust view of `include/jailhouse/*.h`: the cell
//! configuration format (config revision 13), the hypercall interface, the
//! communication region, the hypervisor image header and the driver's
//! ioctls. It is shared by the hypervisor (`no_std`, EL2), the CLI and the
//! config tooling, so every component reads the same bytes the same way.
//!
//! It owns layouts, constants and the structural parsing of untrusted
//! config blobs (signature, revision, array bounds). It does not decide
//! policy: whether a config is *acceptable* (overlaps, CPU ownership, ...)
//! is the hypervisor's and `config check`'s business.
//!
//! All structs mirror packed little-endian C structs. `tests/layout.rs`
//! compiles a probe against the C headers and fails if any size, field
//! offset or constant differs from this crate.

#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(target_endian = "big")]
compile_error!("the Jailhouse ABI is little-endian; this crate reads it with native integers");

use core::fmt;

/// The zerocopy version this crate's derives come from, so users can call
/// `as_bytes()`/`read_from_bytes()` on the ABI structs without matching
/// versions themselves.
pub use zerocopy;

pub mod comm_region;
pub mod config;
pub mod header;
pub mod hypercall;
pub mod ioctl;

/// A number that is not one of the values an ABI enum defines.
///
/// Returned by the `TryFrom` conversions of this crate's enums, e.g. for a
/// hypercall code a cell passed in `x0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnknownValue {
    /// What the number was meant to be, e.g. `"hypercall code"`.
    pub what: &'static str,
    /// The number that was found.
    pub value: u64,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {} ({:#x})",
            self.what, self.value, self.value
        )
    }
}

impl core::error::Error for UnknownValue {}

/// Defines a fieldless `#[repr($int)]` enum together with `TryFrom<$int>`
/// (and `TryFrom<u64>` for wider register values) that rejects every
/// number the enum does not name.
macro_rules! abi_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: $int:ty, $what:literal {
            $($(#[$vmeta:meta])* $variant:ident = $value:expr,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr($int)]
        $vis enum $name {
            $($(#[$vmeta])* $variant = $value,)+
        }

        impl $name {
            /// Every value of this enum, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The number that stands for this value in the ABI.
            pub const fn value(self) -> $int {
                self as $int
            }
        }

        impl TryFrom<$int> for $name {
            type Error = $crate::UnknownValue;

            fn try_from(value: $int) -> Result<Self, Self::Error> {
                match value {
                    $(v if v == $value => Ok($name::$variant),)+
                    _ => Err($crate::UnknownValue { what: $what, value: value as u64 }),
                }
            }
        }

        impl From<$name> for $int {
            fn from(value: $name) -> $int {
                value as $int
            }
        }
    };
}
pub(crate) use abi_enum;

/// Implements `TryFrom<u64>` for an [`abi_enum!`] type whose integer is
/// narrower, for values taken straight from a 64-bit register.
macro_rules! abi_enum_from_u64 {
    ($name:ident: $int:ty, $what:literal) => {
        impl TryFrom<u64> for $name {
            type Error = $crate::UnknownValue;

            fn try_from(value: u64) -> Result<Self, Self::Error> {
                let narrow = <$int>::try_from(value)
                    .map_err(|_| $crate::UnknownValue { what: $what, value })?;
                $name::try_from(narrow)
            }
        }
    };
}
pub(crate) use abi_enum_from_u64;
