// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The hypervisor image header and virtual console (`header.h`).
//!
//! This module owns the 80-byte [`HypervisorHeader`] at offset 0 of
//! `jailhouse.bin`, which lets the driver and tools identify the image and
//! find its entry point and per-CPU sizes, and the layout of the
//! [`VirtConsole`] ring the root cell reads the hypervisor's output from.
//! It does not define how the hypervisor is entered; that protocol belongs
//! to the driver and the hypervisor.

use core::fmt;
use core::mem::{offset_of, size_of};

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// `JAILHOUSE_SIGNATURE`: first bytes of the hypervisor image.
pub const HEADER_SIGNATURE: [u8; 8] = *b"JAILHOUS";
/// `HYP_STUB_ABI_LEGACY`: Linux hyp stub of kernels before 4.12.
pub const HYP_STUB_ABI_LEGACY: u32 = 0;
/// `HYP_STUB_ABI_OPCODE`: Linux hyp stub of kernels 4.12 and later.
pub const HYP_STUB_ABI_OPCODE: u32 = 1;
/// `JAILHOUSE_VIRT_CONSOLE_SIZE`: bytes in the console ring (a power of two).
pub const VIRT_CONSOLE_SIZE: usize = 2048;

/// Header of the hypervisor image (`struct jailhouse_header`, 80 bytes).
///
/// The build fills in the first six fields, the driver the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct HypervisorHeader {
    /// [`HEADER_SIGNATURE`].
    pub signature: [u8; 8],
    /// Bytes from the image start to the page pool (page aligned, bss
    /// included).
    pub core_size: u64,
    /// Bytes of per-CPU data per CPU (a page multiple).
    pub percpu_size: u64,
    /// Offset of the entry point from the image start.
    pub entry: u64,
    /// Offset of the [`VirtConsole`] from the image start.
    pub console_page: u64,
    /// gcov data list, 0 when not built with coverage.
    pub gcov_info_head: u64,
    /// Highest root CPU id + 1 (driver).
    pub max_cpus: u32,
    /// Number of online CPUs (driver).
    pub online_cpus: u32,
    /// The hypervisor's mapping of its UART.
    pub debug_console_base: u64,
    /// Physical address of Linux's hyp-stub vectors (driver).
    pub arm_linux_hyp_vectors: u64,
    /// [`HYP_STUB_ABI_LEGACY`] or [`HYP_STUB_ABI_OPCODE`] (driver).
    pub arm_linux_hyp_abi: u32,
    /// Unused; rounds the header up to 80 bytes.
    pub padding: u32,
}

/// Why a buffer does not start with a hypervisor header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// The buffer is shorter than the header.
    Truncated {
        /// Size of the buffer.
        available: usize,
    },
    /// The first 8 bytes are not [`HEADER_SIGNATURE`].
    BadSignature {
        /// What was found instead.
        found: [u8; 8],
    },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HeaderError::Truncated { available } => write!(
                f,
                "hypervisor image truncated: struct jailhouse_header needs {} bytes, but the \
                 image has only {available}",
                size_of::<HypervisorHeader>()
            ),
            HeaderError::BadSignature { found } => {
                f.write_str("not a hypervisor image: signature \"")?;
                for b in found {
                    write!(f, "{}", core::ascii::escape_default(b))?;
                }
                f.write_str("\" at offset 0, expected \"JAILHOUS\"")
            }
        }
    }
}

impl core::error::Error for HeaderError {}

impl HypervisorHeader {
    /// Reads the header at the start of an image and checks its signature.
    pub fn parse(image: &[u8]) -> Result<&HypervisorHeader, HeaderError> {
        let (header, _) =
            HypervisorHeader::ref_from_prefix(image).map_err(|_| HeaderError::Truncated {
                available: image.len(),
            })?;
        if header.signature != HEADER_SIGNATURE {
            return Err(HeaderError::BadSignature {
                found: header.signature,
            });
        }
        Ok(header)
    }
}

/// The hypervisor's console ring (`struct jailhouse_virt_console`).
///
/// Shared with the root cell: a writer sets `busy`, appends, then clears
/// `busy`; `tail` counts every byte ever written. Code touching the live
/// page must use volatile or atomic accesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct VirtConsole {
    /// Non-zero while a writer is appending.
    pub busy: u32,
    /// Total bytes written; the next byte goes to
    /// `content[tail % VIRT_CONSOLE_SIZE]`.
    pub tail: u32,
    /// The ring.
    pub content: [u8; VIRT_CONSOLE_SIZE],
}

const _: () = {
    assert!(size_of::<HypervisorHeader>() == 80);
    assert!(offset_of!(HypervisorHeader, signature) == 0);
    assert!(offset_of!(HypervisorHeader, core_size) == 8);
    assert!(offset_of!(HypervisorHeader, percpu_size) == 16);
    assert!(offset_of!(HypervisorHeader, entry) == 24);
    assert!(offset_of!(HypervisorHeader, console_page) == 32);
    assert!(offset_of!(HypervisorHeader, gcov_info_head) == 40);
    assert!(offset_of!(HypervisorHeader, max_cpus) == 48);
    assert!(offset_of!(HypervisorHeader, online_cpus) == 52);
    assert!(offset_of!(HypervisorHeader, debug_console_base) == 56);
    assert!(offset_of!(HypervisorHeader, arm_linux_hyp_vectors) == 64);
    assert!(offset_of!(HypervisorHeader, arm_linux_hyp_abi) == 72);
    assert!(offset_of!(HypervisorHeader, padding) == 76);

    assert!(size_of::<VirtConsole>() == 2056);
    assert!(offset_of!(VirtConsole, busy) == 0);
    assert!(offset_of!(VirtConsole, tail) == 4);
    assert!(offset_of!(VirtConsole, content) == 8);
    assert!(VIRT_CONSOLE_SIZE.is_power_of_two());
};
