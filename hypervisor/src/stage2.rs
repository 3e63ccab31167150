// SPDX-License-Identifier: GPL-2.0-only

//! Stage-2 (IPA → PA) translation tables of a cell, 4 KiB granule.
//!
//! This module owns the stage-2 descriptor encodings, the choice of the
//! IPA size and start level (the `VTCR_EL2` value), and the rule that turns
//! a cell's memory regions into table contents:
//! * RAM (no `IO` flag) is normal write-back memory, `IO` regions are
//!   Device-nGnRE; S2AP comes from `READ`/`WRITE`, execute-never from a
//!   missing `EXECUTE`;
//! * the hypervisor memory is never mapped, even when a region spans it:
//!   the region is split around it;
//! * 1 GiB and 2 MiB blocks are used wherever IPA, PA and size allow it
//!   (unless `NO_HUGEPAGES`).
//!
//! Cells come and go while the root runs, so the tables also change
//! live: [`Stage2::unmap`] splits blocks that a range only partly covers
//! and frees tables it empties, [`Stage2::coalesce`] folds tables back
//! into blocks once a range is whole again (so the page pool returns to
//! its baseline), and [`Stage2::destroy`] frees a cell's tables. Every
//! change of a live entry follows break-before-make: the entry is
//! invalidated, [`TableAlloc::invalidate`] drops cached translations, and
//! only then is the new entry written or the old table freed.
//!
//! It computes table contents only, in pages a [`TableAlloc`] hands out;
//! it never writes a system register or invalidates a TLB itself (the
//! allocator's `invalidate` does, see `hv.rs`), so everything here runs
//! under host `cargo test`.

use core::fmt;

use jailhouse_abi::config::{MemFlags, MemoryRegion};

// The descriptor bits stage 1 and stage 2 share (valid, table/page, inner
// shareable, access flag, XN — XN[1] at stage 2 —, output address).
use crate::paging::{
    Table, ACCESS_FLAG, DESC_TABLE_OR_PAGE, DESC_VALID, ENTRIES, OA_MASK, SH_INNER, XN,
};

/// MemAttr[3:0] = 0b1111: normal, inner and outer write-back.
const MEMATTR_NORMAL_WB: u64 = 0b1111 << 2;
/// MemAttr[3:0] = 0b0001: Device-nGnRE.
const MEMATTR_DEVICE_NGNRE: u64 = 0b0001 << 2;
/// S2AP[0]: the guest may read.
const S2AP_READ: u64 = 1 << 6;
/// S2AP[1]: the guest may write.
const S2AP_WRITE: u64 = 1 << 7;
/// The attribute bits of a leaf descriptor that this module sets.
pub const LEAF_ATTR_MASK: u64 =
    XN | ACCESS_FLAG | SH_INNER | S2AP_WRITE | S2AP_READ | (0b1111 << 2);

/// Why a stage-2 layout or mapping cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage2Error {
    /// The CPU's physical address size cannot hold the cell's addresses.
    IpaTooLarge {
        /// Bytes of IPA space the cell needs.
        needed_end: u64,
        /// Bits the CPU offers.
        cpu_bits: u32,
    },
    /// A region is not page aligned or wraps around.
    BadRegion {
        /// The region's guest start address.
        virt_start: u64,
    },
    /// A region overlaps a block mapping of an earlier one.
    Overlap {
        /// Guest address of the clash.
        ipa: u64,
    },
    /// The page pool is exhausted.
    OutOfPages,
}

/// What the hypervisor prints. Written out rather than derived `Debug`,
/// which would link core's struct-formatting machinery (about 1.4 KiB)
/// into jailhouse.bin for these few messages.
impl fmt::Display for Stage2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Stage2Error::IpaTooLarge {
                needed_end,
                cpu_bits,
            } => write!(
                f,
                "guest addresses up to {needed_end:#x} exceed the CPU's {cpu_bits}-bit \
                 physical address size"
            ),
            Stage2Error::BadRegion { virt_start } => write!(
                f,
                "region at guest {virt_start:#x} is not page aligned or wraps around"
            ),
            Stage2Error::Overlap { ipa } => {
                write!(f, "overlaps a block mapping at guest {ipa:#x}")
            }
            Stage2Error::OutOfPages => f.write_str("page pool exhausted"),
        }
    }
}

/// Where stage-2 table pages come from (the page pool in the hypervisor,
/// a vector in tests). Pages handed out must be zeroed.
pub trait TableAlloc {
    /// `count` zeroed, physically contiguous pages aligned to `count`
    /// pages; returns the physical address of the first.
    fn alloc(&mut self, count: usize) -> Option<u64>;
    /// The table page at physical address `pa` (one that `alloc` returned).
    fn table(&mut self, pa: u64) -> &mut Table;
    /// Give back `count` pages from `pa` (a whole earlier allocation).
    fn free(&mut self, pa: u64, count: usize);
    /// A live entry was just invalidated: make sure no CPU still uses a
    /// translation cached from it (TLB invalidation) before the entry is
    /// rewritten or the table it pointed to is freed.
    fn invalidate(&mut self) {}
}

/// The IPA size and walk geometry of a stage-2 table, and the `VTCR_EL2`
/// value that describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// IPA bits (one of the PARange sizes: 32, 36, 40, 42, 44, 48).
    pub ipa_bits: u32,
    /// Level the walk starts at (0 or 1).
    pub start_level: u32,
    /// Concatenated root table pages (1, 2 or 8).
    pub root_pages: usize,
    /// `VTCR_EL2`.
    pub vtcr: u64,
}

/// Physical address bits of an `ID_AA64MMFR0_EL1.PARange` value.
pub const fn parange_bits(parange: u64) -> u32 {
    match parange & 0xf {
        0 => 32,
        1 => 36,
        2 => 40,
        3 => 42,
        4 => 44,
        _ => 48,
    }
}

const PARANGES: [(u64, u32); 6] = [(0, 32), (1, 36), (2, 40), (3, 42), (4, 44), (5, 48)];

impl Geometry {
    /// The smallest IPA size (at least 40 bits, so that every
    /// configuration of a platform shares one layout) that holds
    /// addresses up to `needed_end` (exclusive), limited by the CPU's
    /// `ID_AA64MMFR0_EL1.PARange` field `cpu_parange`.
    pub fn new(cpu_parange: u64, needed_end: u64) -> Result<Self, Stage2Error> {
        let cpu_field = (cpu_parange & 0xf).min(5);
        let cpu_bits = parange_bits(cpu_field);
        let too_large = Stage2Error::IpaTooLarge {
            needed_end,
            cpu_bits,
        };
        let (field, bits) = PARANGES
            .iter()
            .copied()
            .find(|&(_, bits)| bits >= 40 && needed_end <= 1 << bits)
            .ok_or(too_large)?;
        if field > cpu_field {
            return Err(too_large);
        }
        // Upstream's choice: a 4-level walk from 44 bits on, otherwise
        // level 1 with concatenated root tables (2 for 40 bits, 8 for 42).
        let (start_level, root_pages, sl0) = match bits {
            40 => (1, 2, 1),
            42 => (1, 8, 1),
            _ => (0, 1, 2),
        };
        let vtcr = (1 << 31)
            | (cpu_field << 16)
            | (3 << 12) // SH0 inner shareable
            | (1 << 10) // ORGN0 write-back write-allocate
            | (1 << 8) // IRGN0 write-back write-allocate
            | (sl0 << 6)
            | u64::from(64 - bits);
        Ok(Self {
            ipa_bits: bits,
            start_level,
            root_pages,
            vtcr,
        })
    }

    /// `VTTBR_EL2` for the root table at `root_pa` and `vmid`.
    pub const fn vttbr(root_pa: u64, vmid: u8) -> u64 {
        ((vmid as u64) << 48) | (root_pa & OA_MASK)
    }
}

/// Address bits below the index of `level` (12 at level 3).
const fn level_shift(level: u32) -> u32 {
    39 - 9 * level
}

/// A cell's stage-2 table under construction.
#[derive(Debug, Clone, Copy)]
pub struct Stage2 {
    geometry: Geometry,
    root_pa: u64,
}

/// Descriptor attributes of a region's leaves.
fn leaf_attrs(flags: MemFlags) -> u64 {
    let mut attrs = ACCESS_FLAG | DESC_VALID;
    attrs |= if flags.contains(MemFlags::IO) {
        MEMATTR_DEVICE_NGNRE
    } else {
        MEMATTR_NORMAL_WB | SH_INNER
    };
    if flags.contains(MemFlags::READ) {
        attrs |= S2AP_READ;
    }
    if flags.contains(MemFlags::WRITE) {
        attrs |= S2AP_WRITE;
    }
    if !flags.contains(MemFlags::EXECUTE) {
        attrs |= XN;
    }
    attrs
}

impl Stage2 {
    /// Allocate the (empty) root table.
    pub fn new(geometry: Geometry, alloc: &mut impl TableAlloc) -> Result<Self, Stage2Error> {
        let root_pa = alloc
            .alloc(geometry.root_pages)
            .ok_or(Stage2Error::OutOfPages)?;
        Ok(Self { geometry, root_pa })
    }

    /// Physical address of the root table (for `VTTBR_EL2`).
    pub fn root_pa(&self) -> u64 {
        self.root_pa
    }

    /// The walk geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// Map a memory region of a cell, leaving out the physical range
    /// `[hole_start, hole_end)` (the hypervisor memory).
    pub fn map_region(
        &self,
        alloc: &mut impl TableAlloc,
        region: &MemoryRegion,
        hole_start: u64,
        hole_end: u64,
    ) -> Result<(), Stage2Error> {
        let (phys, virt, size) = (region.phys_start, region.virt_start, region.size);
        let bad = Stage2Error::BadRegion { virt_start: virt };
        if (phys | virt | size) & 0xfff != 0 {
            return Err(bad);
        }
        let phys_end = phys.checked_add(size).ok_or(bad)?;
        let virt_end = virt.checked_add(size).ok_or(bad)?;
        if virt_end > 1 << self.geometry.ipa_bits || phys_end > 1 << 48 {
            return Err(bad);
        }
        let flags = region.mem_flags();
        let attrs = leaf_attrs(flags);
        let huge = !flags.contains(MemFlags::NO_HUGEPAGES);
        // The part below the hole and the part above it.
        let below_end = phys_end.min(hole_start).max(phys);
        let above_start = phys.max(hole_end).min(phys_end);
        for (start, end) in [(phys, below_end), (above_start, phys_end)] {
            if start < end {
                self.map_range(
                    alloc,
                    virt + (start - phys),
                    start,
                    end - start,
                    attrs,
                    huge,
                )?;
            }
        }
        Ok(())
    }

    fn map_range(
        &self,
        alloc: &mut impl TableAlloc,
        mut ipa: u64,
        mut pa: u64,
        mut size: u64,
        attrs: u64,
        huge: bool,
    ) -> Result<(), Stage2Error> {
        while size > 0 {
            let mut level = self.geometry.start_level;
            let mut table_pa = self.root_pa;
            loop {
                let shift = level_shift(level);
                let span = 1u64 << shift;
                let (page_pa, slot) = self.slot(table_pa, level, ipa);
                let block_ok = level == 3
                    || (huge && level >= 1 && (ipa | pa) & (span - 1) == 0 && size >= span);
                let desc = alloc.table(page_pa)[slot];
                if block_ok {
                    if desc & DESC_VALID != 0 && is_table(desc, level) {
                        return Err(Stage2Error::Overlap { ipa });
                    }
                    let kind = if level == 3 { DESC_TABLE_OR_PAGE } else { 0 };
                    alloc.table(page_pa)[slot] = (pa & OA_MASK) | attrs | kind;
                    ipa += span;
                    pa += span;
                    size -= span;
                    break;
                }
                let next = if desc & DESC_VALID == 0 {
                    let next = alloc.alloc(1).ok_or(Stage2Error::OutOfPages)?;
                    alloc.table(page_pa)[slot] = (next & OA_MASK) | DESC_TABLE_OR_PAGE | DESC_VALID;
                    next
                } else if is_table(desc, level) {
                    desc & OA_MASK
                } else {
                    return Err(Stage2Error::Overlap { ipa });
                };
                table_pa = next;
                level += 1;
            }
        }
        Ok(())
    }

    /// The (table page, entry index) of `ipa` in the table at `table_pa`
    /// of `level`; the root level may span several concatenated pages.
    fn slot(&self, table_pa: u64, level: u32, ipa: u64) -> (u64, usize) {
        let shift = level_shift(level);
        let index = if level == self.geometry.start_level {
            (ipa >> shift) as usize
        } else {
            ((ipa >> shift) as usize) % ENTRIES
        };
        (
            table_pa + (index / ENTRIES * crate::layout::PAGE_SIZE) as u64,
            index % ENTRIES,
        )
    }

    /// Remove every mapping of `[ipa, ipa + size)`. Blocks that the range
    /// covers only in part are split into the next level first (which
    /// needs table pages: on `OutOfPages` the range is unmapped only up to
    /// the failing block); tables left empty are freed. The caller drops
    /// the TLB entries of the range afterwards.
    pub fn unmap(
        &self,
        alloc: &mut impl TableAlloc,
        ipa: u64,
        size: u64,
    ) -> Result<(), Stage2Error> {
        let end = ipa
            .checked_add(size)
            .ok_or(Stage2Error::BadRegion { virt_start: ipa })?;
        if (ipa | size) & 0xfff != 0 || end > 1 << self.geometry.ipa_bits {
            return Err(Stage2Error::BadRegion { virt_start: ipa });
        }
        self.unmap_level(alloc, self.root_pa, self.geometry.start_level, ipa, end)
    }

    fn unmap_level(
        &self,
        alloc: &mut impl TableAlloc,
        table_pa: u64,
        level: u32,
        start: u64,
        end: u64,
    ) -> Result<(), Stage2Error> {
        let span = 1u64 << level_shift(level);
        let mut ipa = start;
        while ipa < end {
            let entry_base = ipa & !(span - 1);
            let chunk_end = end.min(entry_base + span);
            let whole = ipa == entry_base && chunk_end == entry_base + span;
            let (page, slot) = self.slot(table_pa, level, ipa);
            let desc = alloc.table(page)[slot];
            if desc & DESC_VALID != 0 {
                if is_table(desc, level) {
                    let next = desc & OA_MASK;
                    if whole {
                        alloc.table(page)[slot] = 0;
                        alloc.invalidate();
                        self.free_tree(alloc, next, level + 1);
                    } else {
                        self.unmap_level(alloc, next, level + 1, ipa, chunk_end)?;
                        if alloc.table(next).iter().all(|d| d & DESC_VALID == 0) {
                            alloc.table(page)[slot] = 0;
                            alloc.invalidate();
                            alloc.free(next, 1);
                        }
                    }
                } else if whole {
                    alloc.table(page)[slot] = 0;
                } else {
                    let next = self.split(alloc, desc, level)?;
                    alloc.table(page)[slot] = 0;
                    alloc.invalidate();
                    alloc.table(page)[slot] = (next & OA_MASK) | DESC_TABLE_OR_PAGE | DESC_VALID;
                    self.unmap_level(alloc, next, level + 1, ipa, chunk_end)?;
                }
            }
            ipa = chunk_end;
        }
        Ok(())
    }

    /// A new next-level table that maps exactly what block `desc` of
    /// `level` maps.
    fn split(
        &self,
        alloc: &mut impl TableAlloc,
        desc: u64,
        level: u32,
    ) -> Result<u64, Stage2Error> {
        let next = alloc.alloc(1).ok_or(Stage2Error::OutOfPages)?;
        let child_span = 1u64 << level_shift(level + 1);
        let attrs = desc & !OA_MASK & !DESC_TABLE_OR_PAGE;
        let kind = if level + 1 == 3 {
            DESC_TABLE_OR_PAGE
        } else {
            0
        };
        let base = desc & OA_MASK;
        let table = alloc.table(next);
        for (i, entry) in table.iter_mut().enumerate() {
            *entry = (base + i as u64 * child_span) | attrs | kind;
        }
        Ok(next)
    }

    /// Fold tables in `[ipa, ipa + size)` whose entries map one aligned,
    /// contiguous block with equal attributes back into that block, and
    /// free them: the inverse of the splits [`Stage2::unmap`] made, once
    /// the range is mapped whole again.
    pub fn coalesce(&self, alloc: &mut impl TableAlloc, ipa: u64, size: u64) {
        let end = ipa.saturating_add(size).min(1 << self.geometry.ipa_bits);
        self.coalesce_level(alloc, self.root_pa, self.geometry.start_level, ipa, end);
    }

    fn coalesce_level(
        &self,
        alloc: &mut impl TableAlloc,
        table_pa: u64,
        level: u32,
        start: u64,
        end: u64,
    ) {
        let span = 1u64 << level_shift(level);
        let mut ipa = start;
        while ipa < end {
            let entry_base = ipa & !(span - 1);
            let chunk_end = end.min(entry_base + span);
            let (page, slot) = self.slot(table_pa, level, ipa);
            let desc = alloc.table(page)[slot];
            if desc & DESC_VALID != 0 && is_table(desc, level) {
                let next = desc & OA_MASK;
                self.coalesce_level(alloc, next, level + 1, ipa, chunk_end);
                // Blocks exist at levels 1 and 2 only.
                if level >= 1 {
                    if let Some(block) = mergeable(alloc.table(next), level + 1) {
                        alloc.table(page)[slot] = 0;
                        alloc.invalidate();
                        alloc.table(page)[slot] = block;
                        alloc.free(next, 1);
                    }
                }
            }
            ipa = chunk_end;
        }
    }

    /// Free the table at `table_pa` of `level` and every table below it.
    fn free_tree(&self, alloc: &mut impl TableAlloc, table_pa: u64, level: u32) {
        if level < 3 {
            for i in 0..ENTRIES {
                let desc = alloc.table(table_pa)[i];
                if desc & DESC_VALID != 0 && is_table(desc, level) {
                    self.free_tree(alloc, desc & OA_MASK, level + 1);
                }
            }
        }
        alloc.free(table_pa, 1);
    }

    /// Free all tables, the root included. The tables must no longer be
    /// in use by any CPU.
    pub fn destroy(self, alloc: &mut impl TableAlloc) {
        let level = self.geometry.start_level;
        for page in 0..self.geometry.root_pages {
            let page_pa = self.root_pa + (page * crate::layout::PAGE_SIZE) as u64;
            for i in 0..ENTRIES {
                let desc = alloc.table(page_pa)[i];
                if desc & DESC_VALID != 0 && is_table(desc, level) {
                    self.free_tree(alloc, desc & OA_MASK, level + 1);
                }
            }
        }
        alloc.free(self.root_pa, self.geometry.root_pages);
    }
}

/// The block descriptor (for the level above `child_level`) equivalent to
/// `table`, if its entries are leaves mapping one aligned contiguous range
/// with equal attributes.
fn mergeable(table: &Table, child_level: u32) -> Option<u64> {
    let kind = if child_level == 3 {
        DESC_TABLE_OR_PAGE
    } else {
        0
    };
    let first = table[0];
    if first & DESC_VALID == 0 || first & DESC_TABLE_OR_PAGE != kind {
        return None;
    }
    let child_span = 1u64 << level_shift(child_level);
    let base = first & OA_MASK;
    if base % (child_span * ENTRIES as u64) != 0 {
        return None;
    }
    let attrs = first & !OA_MASK & !DESC_TABLE_OR_PAGE;
    let contiguous = table
        .iter()
        .enumerate()
        .all(|(i, &d)| d == (base + i as u64 * child_span) | attrs | kind);
    contiguous.then_some(base | attrs)
}

fn is_table(desc: u64, level: u32) -> bool {
    level < 3 && desc & DESC_TABLE_OR_PAGE != 0
}

/// Result of a software walk: output address and leaf descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    /// Physical address `ipa` translates to.
    pub pa: u64,
    /// The leaf descriptor.
    pub desc: u64,
    /// Level of the leaf (1 or 2 for blocks, 3 for pages).
    pub level: u32,
}

impl Leaf {
    /// The guest may read.
    pub fn readable(&self) -> bool {
        self.desc & S2AP_READ != 0
    }
    /// The guest may write.
    pub fn writable(&self) -> bool {
        self.desc & S2AP_WRITE != 0
    }
    /// Device memory rather than normal memory.
    pub fn device(&self) -> bool {
        self.desc & (0b1111 << 2) == MEMATTR_DEVICE_NGNRE
    }
    /// Not executable by the guest.
    pub fn execute_never(&self) -> bool {
        self.desc & XN != 0
    }
}

/// Walk the tables of `s2` for `ipa` as the MMU would; `None` is a
/// translation fault.
pub fn walk(s2: &Stage2, alloc: &mut impl TableAlloc, ipa: u64) -> Option<Leaf> {
    let geometry = s2.geometry;
    if ipa >= 1 << geometry.ipa_bits {
        return None;
    }
    let mut table_pa = s2.root_pa;
    let mut level = geometry.start_level;
    loop {
        let shift = level_shift(level);
        let (page_pa, slot) = s2.slot(table_pa, level, ipa);
        let desc = alloc.table(page_pa)[slot];
        if desc & DESC_VALID == 0 {
            return None;
        }
        if is_table(desc, level) {
            table_pa = desc & OA_MASK;
            level += 1;
            continue;
        }
        if level == 3 && desc & DESC_TABLE_OR_PAGE == 0 {
            return None; // reserved encoding
        }
        let span = 1u64 << shift;
        return Some(Leaf {
            pa: (desc & OA_MASK & !(span - 1)) | (ipa & (span - 1)),
            desc,
            level,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Table pages in a vector, at made-up physical addresses.
    struct VecAlloc {
        base: u64,
        pages: Vec<Table>,
        freed: std::collections::BTreeSet<usize>,
        invalidations: usize,
    }

    impl VecAlloc {
        fn new() -> Self {
            Self {
                base: 0x8010_0000,
                pages: Vec::new(),
                freed: std::collections::BTreeSet::new(),
                invalidations: 0,
            }
        }
    }

    impl TableAlloc for VecAlloc {
        fn alloc(&mut self, count: usize) -> Option<u64> {
            if count == 1 {
                if let Some(page) = self.freed.pop_first() {
                    return Some(self.base + (page * 4096) as u64);
                }
            }
            while self.pages.len() % count != 0 {
                self.freed.insert(self.pages.len());
                self.pages.push([0; ENTRIES]);
            }
            let pa = self.base + (self.pages.len() * 4096) as u64;
            for _ in 0..count {
                self.pages.push([0; ENTRIES]);
            }
            Some(pa)
        }
        fn table(&mut self, pa: u64) -> &mut Table {
            &mut self.pages[((pa - self.base) / 4096) as usize]
        }
        fn free(&mut self, pa: u64, count: usize) {
            let first = ((pa - self.base) / 4096) as usize;
            for page in first..first + count {
                assert!(self.freed.insert(page), "page {page} freed twice");
                self.pages[page] = [0; ENTRIES];
            }
        }
        fn invalidate(&mut self) {
            self.invalidations += 1;
        }
    }

    impl VecAlloc {
        /// Pages handed out and not freed.
        fn live(&self) -> usize {
            self.pages.len() - self.freed.len()
        }
    }

    const RAM: MemFlags = MemFlags::READ
        .union(MemFlags::WRITE)
        .union(MemFlags::EXECUTE);
    const DEV: MemFlags = MemFlags::READ.union(MemFlags::WRITE).union(MemFlags::IO);

    fn region(phys: u64, virt: u64, size: u64, flags: MemFlags) -> MemoryRegion {
        MemoryRegion {
            phys_start: phys,
            virt_start: virt,
            size,
            flags: flags.bits(),
        }
    }

    const HV: (u64, u64) = (0x8000_0000, 0x8100_0000);

    fn build(regions: &[MemoryRegion]) -> (Stage2, VecAlloc) {
        let mut alloc = VecAlloc::new();
        let geometry = Geometry::new(4, 1 << 40).expect("fits");
        let s2 = Stage2::new(geometry, &mut alloc).expect("root");
        for r in regions {
            s2.map_region(&mut alloc, r, HV.0, HV.1).expect("maps");
        }
        (s2, alloc)
    }

    #[test]
    fn geometry_follows_upstream_values() {
        // QEMU cortex-a57 (44-bit PA), config up to 2^40: 40-bit IPA.
        let g = Geometry::new(4, 1 << 40).expect("fits");
        assert_eq!((g.ipa_bits, g.start_level, g.root_pages), (40, 1, 2));
        assert_eq!(g.vtcr, 0x8004_3558);
        let g = Geometry::new(2, 0x1_0000_0000).expect("fits");
        assert_eq!(g.vtcr, 0x8002_3558, "upstream's 40-bit value");
        let g = Geometry::new(4, (1 << 40) + 1).expect("fits");
        assert_eq!((g.ipa_bits, g.root_pages), (42, 8));
        let g = Geometry::new(4, (1 << 42) + 1).expect("fits");
        assert_eq!(g.vtcr, 0x8004_3594, "upstream's 44-bit value");
        assert_eq!((g.start_level, g.root_pages), (0, 1));
        let g = Geometry::new(5, 1 << 48).expect("fits");
        assert_eq!(g.vtcr, 0x8005_3590, "upstream's 48-bit value");
        assert_eq!(
            Geometry::new(2, (1 << 40) + 1),
            Err(Stage2Error::IpaTooLarge {
                needed_end: (1 << 40) + 1,
                cpu_bits: 40
            })
        );
        assert!(Geometry::new(1, 0x1000).is_err(), "36-bit CPUs unsupported");
        assert_eq!(Geometry::vttbr(0x8010_2000, 0), 0x8010_2000);
        assert_eq!(Geometry::vttbr(0x8010_2000, 3), 0x0003_0000_8010_2000);
    }

    #[test]
    fn ram_uses_gigabyte_and_megabyte_blocks() {
        let (s2, mut a) = build(&[region(0x4000_0000, 0x4000_0000, 0x4000_0000, RAM)]);
        let leaf = walk(&s2, &mut a, 0x4123_4567).expect("mapped");
        assert_eq!(leaf.pa, 0x4123_4567);
        assert_eq!(leaf.level, 1, "1 GiB block");
        assert!(leaf.readable() && leaf.writable() && !leaf.device());
        assert!(!leaf.execute_never());
        assert_eq!(leaf.desc & 0xfff, 0x7fd);
        let (s2, mut a) = build(&[region(0x4020_0000, 0x4020_0000, 0x60_0000, RAM)]);
        assert_eq!(walk(&s2, &mut a, 0x4050_0000).map(|l| l.level), Some(2));
        assert_eq!(walk(&s2, &mut a, 0x4000_0000), None);
        assert_eq!(walk(&s2, &mut a, 0x4080_0000), None);
    }

    #[test]
    fn hypervisor_memory_is_carved_out() {
        // openEuler's original root RAM: 2 GiB over the hypervisor.
        let (s2, mut a) = build(&[region(0x4000_0000, 0x4000_0000, 0x8000_0000, RAM)]);
        for ipa in (HV.0..HV.1).step_by(4096) {
            assert_eq!(walk(&s2, &mut a, ipa), None, "{ipa:#x} must fault");
        }
        assert_eq!(walk(&s2, &mut a, HV.0 - 8).map(|l| l.pa), Some(HV.0 - 8));
        assert_eq!(walk(&s2, &mut a, HV.1).map(|l| l.pa), Some(HV.1));
        assert_eq!(walk(&s2, &mut a, 0x4000_0000).map(|l| l.level), Some(1));
        assert_eq!(walk(&s2, &mut a, HV.1).map(|l| l.level), Some(2));
        assert_eq!(walk(&s2, &mut a, 0x8200_0000).map(|l| l.level), Some(2));
        assert_eq!(walk(&s2, &mut a, 0xc000_0000), None, "end of the region");
        assert_eq!(
            walk(&s2, &mut a, 0xbfff_f000).map(|l| l.pa),
            Some(0xbfff_f000)
        );
        // A region that is nothing but hypervisor memory maps nothing.
        let (s2, mut a) = build(&[region(HV.0, 0, HV.1 - HV.0, RAM)]);
        assert_eq!(walk(&s2, &mut a, 0), None);
    }

    #[test]
    fn devices_and_permissions() {
        let (s2, mut a) = build(&[
            region(0x0900_0000, 0x0900_0000, 0x1000, DEV),
            region(0x80_0000_0000, 0x80_0000_0000, 0x80_0000_0000, DEV),
            region(0x4200_0000, 0x1000, 0x2000, MemFlags::READ),
        ]);
        let uart = walk(&s2, &mut a, 0x0900_0018).expect("uart");
        assert!(uart.device() && uart.readable() && uart.writable() && uart.execute_never());
        assert_eq!((uart.pa, uart.level), (0x0900_0018, 3));
        assert_eq!(walk(&s2, &mut a, 0x0900_1000), None);
        let pci = walk(&s2, &mut a, 0xff_ffff_fff0).expect("high window");
        assert!(pci.device());
        assert_eq!(pci.level, 1);
        let ro = walk(&s2, &mut a, 0x2008).expect("mapped");
        assert_eq!(ro.pa, 0x4200_1008);
        assert!(ro.readable() && !ro.writable() && !ro.device() && ro.execute_never());
        assert_eq!(walk(&s2, &mut a, 0x3000), None);
        assert_eq!(walk(&s2, &mut a, 1 << 40), None, "beyond the IPA size");
    }

    #[test]
    fn no_hugepages_and_unaligned_blocks_use_pages() {
        let (s2, mut a) = build(&[
            region(
                0x4000_0000,
                0x4000_0000,
                0x20_0000,
                RAM | MemFlags::NO_HUGEPAGES,
            ),
            // PA and IPA differ in their 2 MiB alignment: pages only.
            region(0x5000_1000, 0x6000_0000, 0x20_0000, RAM),
        ]);
        assert_eq!(walk(&s2, &mut a, 0x4010_0000).map(|l| l.level), Some(3));
        let leaf = walk(&s2, &mut a, 0x601f_f000).expect("mapped");
        assert_eq!((leaf.pa, leaf.level), (0x5020_0000, 3));
    }

    #[test]
    fn errors_say_what_failed() {
        let text = |e: Stage2Error| e.to_string();
        assert_eq!(
            text(Stage2Error::IpaTooLarge {
                needed_end: 1 << 41,
                cpu_bits: 40
            }),
            "guest addresses up to 0x20000000000 exceed the CPU's 40-bit physical address size"
        );
        assert_eq!(
            text(Stage2Error::BadRegion { virt_start: 0x1000 }),
            "region at guest 0x1000 is not page aligned or wraps around"
        );
        assert_eq!(
            text(Stage2Error::Overlap { ipa: 0x4000_0000 }),
            "overlaps a block mapping at guest 0x40000000"
        );
        assert_eq!(text(Stage2Error::OutOfPages), "page pool exhausted");
    }

    #[test]
    fn overlaps_and_bad_regions_are_refused() {
        let (s2, mut a) = build(&[region(0x4000_0000, 0x4000_0000, 0x4000_0000, RAM)]);
        assert_eq!(
            s2.map_region(&mut a, &region(0x4000_0000, 0x4000_0000, 0x1000, DEV), 0, 0),
            Err(Stage2Error::Overlap { ipa: 0x4000_0000 })
        );
        assert_eq!(
            s2.map_region(&mut a, &region(0x123, 0x1000, 0x1000, RAM), 0, 0),
            Err(Stage2Error::BadRegion { virt_start: 0x1000 })
        );
        assert!(s2
            .map_region(&mut a, &region(0, 1 << 40, 0x1000, RAM), 0, 0)
            .is_err());
    }

    #[test]
    fn the_qemu_root_cell_fits_in_few_pages() {
        let (_, a) = build(&[
            region(0x4000_0000, 0x4000_0000, 0x4000_0000, RAM),
            region(0x8100_0000, 0x8100_0000, 0x3f00_0000, RAM),
            region(0x0900_0000, 0x0900_0000, 0x1000, DEV),
            region(0x1000_0000, 0x1000_0000, 0x2eff_0000, DEV),
            region(0x40_1000_0000, 0x40_1000_0000, 0x1000_0000, DEV),
            region(0x80_0000_0000, 0x80_0000_0000, 0x80_0000_0000, DEV),
        ]);
        assert!(a.pages.len() <= 12, "{} pages", a.pages.len());
    }

    /// Every (ipa, leaf) of a sample of addresses, to compare mappings.
    fn snapshot(s2: &Stage2, a: &mut VecAlloc, from: u64, to: u64) -> Vec<Option<(u64, u64)>> {
        (from..to)
            .step_by(0x1000)
            .map(|ipa| walk(s2, a, ipa).map(|l| (l.pa, l.desc & LEAF_ATTR_MASK)))
            .collect()
    }

    #[test]
    fn unmapping_part_of_a_block_splits_it() {
        let ram = region(0x8100_0000, 0x8100_0000, 0x3f00_0000, RAM);
        let (s2, mut a) = build(&[ram]);
        let before = a.live();
        // The inmate-demo cell's 1 MiB inside a 2 MiB block.
        s2.unmap(&mut a, 0x8200_0000, 0x10_0000).expect("unmaps");
        assert_eq!(a.live(), before + 1, "one level-3 table");
        assert!(a.invalidations >= 1, "break-before-make");
        assert_eq!(walk(&s2, &mut a, 0x8200_0000), None);
        assert_eq!(walk(&s2, &mut a, 0x820f_f000), None);
        let rest = walk(&s2, &mut a, 0x8210_0000).expect("rest of the block");
        assert_eq!((rest.pa, rest.level), (0x8210_0000, 3));
        assert_eq!(walk(&s2, &mut a, 0x81ff_f000).map(|l| l.level), Some(2));
        // Map it back and fold the table away again.
        s2.map_region(
            &mut a,
            &region(0x8200_0000, 0x8200_0000, 0x10_0000, RAM),
            0,
            0,
        )
        .expect("remaps");
        s2.coalesce(&mut a, 0x8200_0000, 0x10_0000);
        assert_eq!(a.live(), before, "back to the baseline");
        assert_eq!(walk(&s2, &mut a, 0x8200_0000).map(|l| l.level), Some(2));
        assert_eq!(
            snapshot(&s2, &mut a, 0x8100_0000, 0x8400_0000),
            snapshot(
                &build(&[ram]).0,
                &mut build(&[ram]).1,
                0x8100_0000,
                0x8400_0000
            )
        );
    }

    #[test]
    fn unmapping_whole_blocks_and_tables_frees_them() {
        let (s2, mut a) = build(&[region(0x4000_0000, 0x4000_0000, 0x4000_0000, RAM)]);
        let before = a.live();
        // 64 MiB (the FreeRTOS cell) out of a 1 GiB block: split once.
        s2.unmap(&mut a, 0x4500_0000, 0x400_0000).expect("unmaps");
        assert_eq!(a.live(), before + 1, "one level-2 table, no level 3");
        assert_eq!(walk(&s2, &mut a, 0x4500_0000), None);
        assert_eq!(walk(&s2, &mut a, 0x48ff_f000), None);
        assert_eq!(walk(&s2, &mut a, 0x4900_0000).map(|l| l.level), Some(2));
        // Unmapping the rest leaves an empty table, which goes.
        s2.unmap(&mut a, 0x4000_0000, 0x4000_0000).expect("unmaps");
        assert_eq!(a.live(), before);
        s2.map_region(
            &mut a,
            &region(0x4000_0000, 0x4000_0000, 0x4000_0000, RAM),
            0,
            0,
        )
        .expect("remaps");
        assert_eq!(walk(&s2, &mut a, 0x4500_0000).map(|l| l.level), Some(1));
    }

    #[test]
    fn coalescing_keeps_holes_and_differences() {
        let (s2, mut a) = build(&[region(0x4000_0000, 0x4000_0000, 0x40_0000, RAM)]);
        s2.unmap(&mut a, 0x4000_0000, 0x1000).expect("unmaps");
        let after_unmap = a.live();
        s2.coalesce(&mut a, 0x4000_0000, 0x40_0000);
        assert_eq!(a.live(), after_unmap, "a hole stays a table");
        // Remapped read-only: attributes differ, no block.
        s2.map_region(
            &mut a,
            &region(0x4000_0000, 0x4000_0000, 0x1000, MemFlags::READ),
            0,
            0,
        )
        .expect("remaps");
        s2.coalesce(&mut a, 0x4000_0000, 0x40_0000);
        assert_eq!(walk(&s2, &mut a, 0x4000_0000).map(|l| l.level), Some(3));
        assert!(!walk(&s2, &mut a, 0x4000_0000).expect("mapped").writable());
    }

    #[test]
    fn destroy_frees_every_table() {
        let mut a = VecAlloc::new();
        let geometry = Geometry::new(4, 1 << 40).expect("fits");
        let s2 = Stage2::new(geometry, &mut a).expect("root");
        for r in [
            region(0x8200_0000, 0, 0x10_0000, RAM),
            region(0x0900_0000, 0x0900_0000, 0x1000, DEV),
            region(0x8000_0000, 0x8000_0000, 0x1000, RAM),
        ] {
            s2.map_region(&mut a, &r, 0, 0).expect("maps");
        }
        assert!(a.live() > 2);
        s2.destroy(&mut a);
        assert_eq!(a.live(), 0);
    }

    #[test]
    fn unmap_refuses_bad_ranges() {
        let (s2, mut a) = build(&[]);
        assert!(s2.unmap(&mut a, 0x123, 0x1000).is_err());
        assert!(s2.unmap(&mut a, !0xfff, 0x2000).is_err());
        assert!(s2.unmap(&mut a, 1 << 40, 0x1000).is_err());
        assert_eq!(
            s2.unmap(&mut a, 0x4000_0000, 0x1000),
            Ok(()),
            "nothing there"
        );
    }
}
