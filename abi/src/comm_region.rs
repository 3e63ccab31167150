// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The communication region of a cell (`hypercall.h`, ABI revision 2).
//!
//! This module owns the layout of the page the hypervisor shares with each
//! cell: identification, cell state, the message channel, and the platform
//! facts an inmate needs (console, PCI, GIC). It does not access the page:
//! the page is written concurrently by the cell and the hypervisor, so the
//! code that does must use volatile or atomic accesses at the offsets this
//! struct defines (`core::mem::offset_of!(CommRegion, msg_to_cell)`, ...)
//! and argue its ordering. [`CommRegion`] as a value is for building and
//! inspecting snapshots.

use core::mem::{offset_of, size_of};

use bitflags::bitflags;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::config::Console;

/// `COMM_REGION_MAGIC`: signature at the start of the region.
pub const COMM_REGION_MAGIC: [u8; 6] = *b"JHCOMM";
/// `COMM_REGION_ABI_REVISION`: revision of this layout.
pub const COMM_REGION_ABI_REVISION: u16 = 2;

bitflags! {
    /// Flags of the comm region (`JAILHOUSE_COMM_FLAG_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct CommFlags: u32 {
        /// The cell may use the debug-console hypercall.
        const DBG_PUTC_PERMITTED = 0x0001;
        /// The cell should use the debug-console hypercall for its output.
        const DBG_PUTC_ACTIVE = 0x0002;
    }
}

/// The arm/arm64 communication region (`struct jailhouse_comm_region`,
/// 100 bytes used of its page).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct CommRegion {
    /// [`COMM_REGION_MAGIC`].
    pub signature: [u8; 6],
    /// [`COMM_REGION_ABI_REVISION`].
    pub revision: u16,
    /// A [`crate::hypercall::CellState`] value; written by both sides.
    pub cell_state: u32,
    /// A [`crate::hypercall::MsgToCell`] value; written by both sides.
    pub msg_to_cell: u32,
    /// A [`crate::hypercall::ReplyFromCell`] value; written by both sides.
    pub reply_from_cell: u32,
    /// [`CommFlags`] bits.
    pub flags: u32,
    /// The cell config's console.
    pub console: Console,
    /// The system config's `pci_mmconfig_base`.
    pub pci_mmconfig_base: u64,
    /// GIC version, 2 or 3.
    pub gic_version: u8,
    /// Unused.
    pub padding: [u8; 7],
    /// GIC distributor.
    pub gicd_base: u64,
    /// GIC CPU interface (GICv2).
    pub gicc_base: u64,
    /// GIC redistributors (GICv3).
    pub gicr_base: u64,
    /// The cell config's `vpci_irq_base`.
    pub vpci_irq_base: u32,
}

impl CommRegion {
    /// Whether signature and revision are the ones this layout describes.
    pub fn is_valid(&self) -> bool {
        self.signature == COMM_REGION_MAGIC && self.revision == COMM_REGION_ABI_REVISION
    }

    /// The flags, keeping bits this crate does not name.
    pub fn comm_flags(&self) -> CommFlags {
        CommFlags::from_bits_retain(self.flags)
    }
}

const _: () = {
    assert!(size_of::<CommRegion>() == 100);
    assert!(offset_of!(CommRegion, signature) == 0);
    assert!(offset_of!(CommRegion, revision) == 6);
    assert!(offset_of!(CommRegion, cell_state) == 8);
    assert!(offset_of!(CommRegion, msg_to_cell) == 12);
    assert!(offset_of!(CommRegion, reply_from_cell) == 16);
    assert!(offset_of!(CommRegion, flags) == 20);
    assert!(offset_of!(CommRegion, console) == 24);
    assert!(offset_of!(CommRegion, pci_mmconfig_base) == 56);
    assert!(offset_of!(CommRegion, gic_version) == 64);
    assert!(offset_of!(CommRegion, padding) == 65);
    assert!(offset_of!(CommRegion, gicd_base) == 72);
    assert!(offset_of!(CommRegion, gicc_base) == 80);
    assert!(offset_of!(CommRegion, gicr_base) == 88);
    assert!(offset_of!(CommRegion, vpci_irq_base) == 96);
};
