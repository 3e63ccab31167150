// SPDX-License-Identifier: GPL-2.0-only

//! Sub-page MMIO regions: the decisions, not the access.
//!
//! A memory region whose guest address or size is not 4 KiB aligned
//! (`JAILHOUSE_MEMORY_IS_SUBPAGE`) cannot be given to a cell through
//! stage 2 without handing over the rest of its page. If it is a device
//! window (`JAILHOUSE_MEM_IO`), the hypervisor leaves it unmapped and
//! performs each trapped access on the cell's behalf, as upstream
//! Jailhouse does (`mmio_handle_subpage`): the access must lie completely
//! inside the region, the region must allow its direction
//! (`JAILHOUSE_MEM_READ`/`_WRITE`) and its width (`JAILHOUSE_MEM_IO_8`
//! .. `_IO_64`; a region with no width bit allows no access at all, as
//! upstream), and an access that is not naturally aligned within the
//! region needs `JAILHOUSE_MEM_IO_UNALIGNED`. Sub-page regions without
//! `JAILHOUSE_MEM_IO` are refused by the config check.
//!
//! This module owns the region lookup, those checks, and the bookkeeping
//! of which sub-page ranges non-root cells took from the root. It reads
//! no registers and touches no device: the arch layer performs the access
//! ([`crate::arch`]), the trap handler writes the result back.

use core::fmt;

use jailhouse_abi::config::{MemFlags, MemoryRegion, MEM_IO_WIDTH_SHIFT};

use crate::layout::PAGE_SIZE;

/// Whether the hypervisor emulates `region` as a sub-page device window
/// (and therefore must not map it in stage 2).
pub fn is_emulated(region: &MemoryRegion) -> bool {
    let flags = region.mem_flags();
    region.is_subpage() && flags.contains(MemFlags::IO) && !flags.contains(MemFlags::COMM_REGION)
}

/// The emulated sub-page region among `regions` whose guest range holds
/// guest address `ipa`.
pub fn find(regions: &[MemoryRegion], ipa: u64) -> Option<MemoryRegion> {
    regions
        .iter()
        .filter(|r| is_emulated(r))
        .find(|r| ipa >= r.virt_start && ipa - r.virt_start < r.size)
        .copied()
}

/// A trapped data access, as the syndrome describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Guest physical address of the first byte.
    pub ipa: u64,
    /// Width in bytes (1, 2, 4 or 8).
    pub size: u32,
    /// A write.
    pub write: bool,
}

/// Why a sub-page access is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {
    /// The syndrome does not describe the access (no ISV): the
    /// hypervisor cannot know what to perform.
    NoSyndrome,
    /// A read of a region without `JAILHOUSE_MEM_READ`.
    NotReadable,
    /// A write to a region without `JAILHOUSE_MEM_WRITE`.
    NotWritable,
    /// The region's `JAILHOUSE_MEM_IO_<width>` bits do not allow the width.
    Width,
    /// Not naturally aligned, and the region lacks `IO_UNALIGNED`.
    Unaligned,
    /// The access runs past the end of the region.
    Outside,
    /// An unaligned access that spans two pages (performed through a
    /// one-page window, so refused).
    CrossesPage,
    /// A non-root cell took this range from the root cell.
    TakenByCell,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Violation::NoSyndrome => "the trap gives no access syndrome",
            Violation::NotReadable => "the region is not readable",
            Violation::NotWritable => "the region is not writable",
            Violation::Width => "the region does not allow this access width",
            Violation::Unaligned => "unaligned, and the region does not allow that",
            Violation::Outside => "the access does not lie inside the region",
            Violation::CrossesPage => "the access crosses a page boundary",
            Violation::TakenByCell => "a non-root cell owns this range",
        })
    }
}

/// Check `access` against `region` (which holds its first byte, see
/// [`find`]); the physical address to access on success.
pub fn check(region: &MemoryRegion, access: &Access) -> Result<u64, Violation> {
    let flags = region.mem_flags();
    let offset = access
        .ipa
        .checked_sub(region.virt_start)
        .ok_or(Violation::Outside)?;
    let size = u64::from(access.size);
    if !matches!(access.size, 1 | 2 | 4 | 8) {
        return Err(Violation::Width);
    }
    if offset.checked_add(size).is_none_or(|end| end > region.size) {
        return Err(Violation::Outside);
    }
    let needed = if access.write {
        MemFlags::WRITE
    } else {
        MemFlags::READ
    };
    if !flags.contains(needed) {
        return Err(if access.write {
            Violation::NotWritable
        } else {
            Violation::NotReadable
        });
    }
    if region.flags & (size << MEM_IO_WIDTH_SHIFT) == 0 {
        return Err(Violation::Width);
    }
    if offset % size != 0 && !flags.contains(MemFlags::IO_UNALIGNED) {
        return Err(Violation::Unaligned);
    }
    let pa = region
        .phys_start
        .checked_add(offset)
        .ok_or(Violation::Outside)?;
    let page = PAGE_SIZE as u64;
    let last = pa.checked_add(size - 1).ok_or(Violation::Outside)?;
    if pa / page != last / page {
        return Err(Violation::CrossesPage);
    }
    Ok(pa)
}

/// What to do about a data abort at a guest address, given the cell's
/// memory regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// No emulated sub-page region holds the address: not ours.
    NotSubpage,
    /// Perform the access at this physical address.
    Forward(u64),
    /// Refuse it: the region and the reason.
    Refuse(MemoryRegion, Violation),
}

/// Decide about a trapped access of a cell with `regions`. `valid` is the
/// syndrome's ISV bit; without it `access` is meaningless.
pub fn decide(regions: &[MemoryRegion], valid: bool, access: &Access) -> Decision {
    let Some(region) = find(regions, access.ipa) else {
        return Decision::NotSubpage;
    };
    if !valid {
        return Decision::Refuse(region, Violation::NoSyndrome);
    }
    match check(&region, access) {
        Ok(pa) => Decision::Forward(pa),
        Err(v) => Decision::Refuse(region, v),
    }
}

/// Sub-page ranges (physical) that non-root cells took from the root
/// cell: the root's own sub-page regions must not reach them while the
/// cell exists (upstream unregisters the root's handler). A fixed table,
/// no heap.
#[derive(Debug, Clone, Copy)]
pub struct Claims {
    ranges: [(u64, u64); MAX_CLAIMS],
}

/// Sub-page ranges all non-root cells together may take from the root.
pub const MAX_CLAIMS: usize = 32;

impl Claims {
    /// Nothing claimed.
    pub const fn new() -> Self {
        Self {
            ranges: [(0, 0); MAX_CLAIMS],
        }
    }

    /// Record physical `[start, start + size)`; `false` if the table is full.
    pub fn claim(&mut self, start: u64, size: u64) -> bool {
        match self.ranges.iter_mut().find(|r| r.1 == 0) {
            Some(slot) => {
                *slot = (start, size);
                true
            }
            None => false,
        }
    }

    /// Forget one claim of exactly `[start, start + size)`.
    pub fn release(&mut self, start: u64, size: u64) {
        if let Some(slot) = self
            .ranges
            .iter_mut()
            .find(|r| r.1 != 0 && **r == (start, size))
        {
            *slot = (0, 0);
        }
    }

    /// Whether physical `[pa, pa + size)` overlaps a claimed range.
    pub fn overlaps(&self, pa: u64, size: u64) -> bool {
        let end = pa.saturating_add(size);
        self.ranges
            .iter()
            .any(|&(s, n)| n != 0 && pa < s.saturating_add(n) && s < end)
    }
}

impl Default for Claims {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RW: u64 = MemFlags::READ.bits() | MemFlags::WRITE.bits();
    const IO: u64 = MemFlags::IO.bits();
    const IO_8: u64 = MemFlags::IO_8.bits();
    const IO_16: u64 = MemFlags::IO_16.bits();
    const IO_32: u64 = MemFlags::IO_32.bits();
    const IO_64: u64 = MemFlags::IO_64.bits();

    fn region(phys: u64, virt: u64, size: u64, flags: u64) -> MemoryRegion {
        MemoryRegion {
            phys_start: phys,
            virt_start: virt,
            size,
            flags,
        }
    }

    /// The RPi4 mini-UART region of rpi4-inmate-demo.c.
    fn mini_uart() -> MemoryRegion {
        region(
            0xfe21_5040,
            0xfe21_5040,
            0x40,
            RW | IO | IO_8 | IO_32 | MemFlags::ROOTSHARED.bits(),
        )
    }

    fn read(ipa: u64, size: u32) -> Access {
        Access {
            ipa,
            size,
            write: false,
        }
    }

    fn write(ipa: u64, size: u32) -> Access {
        Access {
            ipa,
            size,
            write: true,
        }
    }

    #[test]
    fn flag_values_are_upstreams() {
        assert_eq!(IO_8, 0x1_0000);
        assert_eq!(IO_16, 0x2_0000);
        assert_eq!(IO_32, 0x4_0000);
        assert_eq!(IO_64, 0x8_0000);
        assert_eq!(MemFlags::IO_UNALIGNED.bits(), 0x8000);
    }

    #[test]
    fn only_subpage_io_regions_are_emulated() {
        assert!(is_emulated(&mini_uart()));
        // Page-aligned device window: mapped, not emulated.
        assert!(!is_emulated(&region(
            0x0900_0000,
            0x0900_0000,
            0x1000,
            RW | IO
        )));
        // Sub-page without MEM_IO: refused by the config check, never emulated.
        assert!(!is_emulated(&region(0x0900_0000, 0x0900_0000, 0x40, RW)));
        // Unaligned start, page-sized.
        assert!(is_emulated(&region(
            0x0900_0800,
            0x0900_0800,
            0x1000,
            RW | IO
        )));
        // Comm regions are the hypervisor's.
        let comm = RW | IO | MemFlags::COMM_REGION.bits();
        assert!(!is_emulated(&region(0, 0x8000_0000, 0x40, comm)));
    }

    #[test]
    fn lookup_uses_the_guest_range() {
        let ram = region(0x1fa0_0000, 0, 0x10_0000, RW);
        let moved = region(0x0900_0000, 0x1000_0040, 0x40, RW | IO | IO_32);
        let regions = [ram, mini_uart(), moved];
        assert_eq!(find(&regions, 0xfe21_5040), Some(mini_uart()));
        assert_eq!(find(&regions, 0xfe21_507f), Some(mini_uart()));
        assert_eq!(find(&regions, 0xfe21_5080), None);
        assert_eq!(find(&regions, 0xfe21_503f), None);
        assert_eq!(find(&regions, 0x10), None, "RAM is not emulated");
        assert_eq!(find(&regions, 0x1000_0044), Some(moved));
        assert_eq!(find(&regions, 0x0900_0044), None, "physical address");
        assert_eq!(check(&moved, &read(0x1000_0044, 4)), Ok(0x0900_0004));
    }

    #[test]
    fn widths_follow_the_flags() {
        let uart = mini_uart();
        assert_eq!(check(&uart, &read(0xfe21_5040, 1)), Ok(0xfe21_5040));
        assert_eq!(check(&uart, &write(0xfe21_5054, 4)), Ok(0xfe21_5054));
        assert_eq!(check(&uart, &read(0xfe21_5040, 2)), Err(Violation::Width));
        assert_eq!(check(&uart, &read(0xfe21_5040, 8)), Err(Violation::Width));
        let all = region(0x1000, 0x1000, 0x80, RW | IO | IO_8 | IO_16 | IO_32 | IO_64);
        for size in [1, 2, 4, 8] {
            assert_eq!(check(&all, &read(0x1008, size)), Ok(0x1008));
        }
        // No width bit: nothing is allowed (upstream's rule).
        let none = region(0x1000, 0x1000, 0x80, RW | IO);
        for size in [1, 2, 4, 8] {
            assert_eq!(check(&none, &read(0x1000, size)), Err(Violation::Width));
        }
        // Sizes a syndrome cannot give are refused, too.
        assert_eq!(check(&all, &read(0x1000, 3)), Err(Violation::Width));
    }

    #[test]
    fn direction_needs_its_permission() {
        let ro = region(0x1000, 0x1000, 0x40, MemFlags::READ.bits() | IO | IO_32);
        assert_eq!(check(&ro, &read(0x1000, 4)), Ok(0x1000));
        assert_eq!(check(&ro, &write(0x1000, 4)), Err(Violation::NotWritable));
        let wo = region(0x1000, 0x1000, 0x40, MemFlags::WRITE.bits() | IO | IO_32);
        assert_eq!(check(&wo, &write(0x1000, 4)), Ok(0x1000));
        assert_eq!(check(&wo, &read(0x1000, 4)), Err(Violation::NotReadable));
    }

    #[test]
    fn accesses_must_lie_inside() {
        let uart = mini_uart();
        assert_eq!(check(&uart, &read(0xfe21_507c, 4)), Ok(0xfe21_507c));
        // Last byte one past the end.
        let r = region(
            0x1000,
            0x1000,
            0x42,
            RW | IO | IO_32 | MemFlags::IO_UNALIGNED.bits(),
        );
        assert_eq!(check(&r, &read(0x103f, 4)), Err(Violation::Outside));
        assert_eq!(check(&r, &read(0x103e, 4)), Ok(0x103e));
        assert_eq!(check(&uart, &read(0xfe21_503c, 4)), Err(Violation::Outside));
        let top = region(u64::MAX - 0xf, u64::MAX - 0xf, 0x10, RW | IO | IO_64);
        assert_eq!(check(&top, &read(u64::MAX - 7, 8)), Ok(u64::MAX - 7));
        assert_eq!(check(&top, &read(u64::MAX - 3, 8)), Err(Violation::Outside));
    }

    #[test]
    fn alignment_is_relative_to_the_region() {
        let uart = mini_uart();
        assert_eq!(
            check(&uart, &read(0xfe21_5042, 4)),
            Err(Violation::Unaligned)
        );
        let unaligned = region(
            0x1000,
            0x1000,
            0x40,
            RW | IO | IO_32 | MemFlags::IO_UNALIGNED.bits(),
        );
        assert_eq!(check(&unaligned, &write(0x1002, 4)), Ok(0x1002));
        // ...but never across a page, which the window cannot reach.
        let across = region(
            0x1ff0,
            0x1ff0,
            0x20,
            RW | IO | IO_32 | MemFlags::IO_UNALIGNED.bits(),
        );
        assert_eq!(
            check(&across, &read(0x1ffe, 4)),
            Err(Violation::CrossesPage)
        );
        assert_eq!(check(&across, &read(0x2000, 4)), Ok(0x2000));
    }

    #[test]
    fn decisions() {
        let regions = [mini_uart()];
        assert_eq!(
            decide(&regions, true, &read(0xfe21_5000, 4)),
            Decision::NotSubpage
        );
        assert_eq!(
            decide(&regions, true, &read(0xfe21_5054, 4)),
            Decision::Forward(0xfe21_5054)
        );
        assert_eq!(
            decide(&regions, false, &read(0xfe21_5054, 4)),
            Decision::Refuse(mini_uart(), Violation::NoSyndrome)
        );
        assert_eq!(
            decide(&regions, true, &write(0xfe21_5054, 2)),
            Decision::Refuse(mini_uart(), Violation::Width)
        );
        assert_eq!(decide(&[], true, &read(0, 4)), Decision::NotSubpage);
    }

    #[test]
    fn claims_track_ranges() {
        let mut claims = Claims::new();
        assert!(!claims.overlaps(0x1000, 0x40));
        assert!(claims.claim(0x1040, 0x40));
        assert!(claims.overlaps(0x1040, 1));
        assert!(claims.overlaps(0x107c, 4));
        assert!(claims.overlaps(0x103c, 8));
        assert!(!claims.overlaps(0x103c, 4));
        assert!(!claims.overlaps(0x1080, 4));
        claims.release(0x1040, 0x20);
        assert!(claims.overlaps(0x1040, 4), "only exact releases count");
        claims.release(0x1040, 0x40);
        assert!(!claims.overlaps(0x1040, 4));
        for i in 0..MAX_CLAIMS as u64 {
            assert!(claims.claim(i * 0x100, 0x10));
        }
        assert!(!claims.claim(0x10_0000, 0x10), "full");
        claims.release(0, 0x10);
        assert!(claims.claim(0x10_0000, 0x10));
    }
}
