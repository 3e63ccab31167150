// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The inmate's stage-1 translation: an identity map made of 2 MiB blocks.
//!
//! With the MMU off every data access is Device-nGnRnE: slow, no caches,
//! and exclusive accesses (atomics) are unpredictable. So startup maps,
//! before anything else runs:
//!
//! * the cell's RAM block `[0, 2 MiB)` as normal write-back memory
//!   (executable) — in the bare-metal flavour the block the image is
//!   linked at instead (`__image_start`, 0 in a cell),
//! * the communication region's block at [`COMM_REGION_BASE`] as normal
//!   write-back memory (never executed; not in the bare-metal flavour,
//!   which has no region),
//!
//! turns the MMU on, and then maps the console and GIC blocks the
//! communication region names as Device-nGnRE with [`map_device`].
//!
//! Blocks are larger than what the cell owns (1 MiB of RAM, a 4 KiB comm
//! page); the rest of each block is mapped at stage 1 only, never
//! accessed, and stage 2 still decides what the cell may touch. Entries
//! only ever go from invalid to valid, so no break-before-make or TLB
//! invalidation is needed after the MMU is on.
//!
//! [`PageTables`] is plain data and tested on the host; the register
//! values and the code that turns the MMU on live here too, the latter
//! only on bare metal.

use core::fmt;

#[cfg(doc)]
use crate::comm::COMM_REGION_BASE;

/// Size of one block mapping (level-2 block, 4 KiB granule).
pub const BLOCK_SIZE: usize = 1 << 21;
/// Bytes one level-1 entry covers.
const L1_SPAN: usize = 1 << 30;
const ENTRIES: usize = 512;
/// Virtual (= physical) address bits: 512 GiB, walks start at level 1.
pub const VA_BITS: u32 = 39;
/// Level-2 tables available: each covers one GiB that has mappings.
pub const L2_TABLES: usize = 4;

const DESC_VALID: u64 = 1 << 0;
const DESC_TABLE: u64 = 1 << 1;
const DESC_ATTR_SHIFT: u32 = 2;
const DESC_SH_INNER: u64 = 0b11 << 8;
const DESC_AF: u64 = 1 << 10;
const DESC_PXN: u64 = 1 << 53;
const DESC_UXN: u64 = 1 << 54;
const DESC_BLOCK_ADDR: u64 = 0x0000_ffff_ffe0_0000;
const DESC_TABLE_ADDR: u64 = 0x0000_ffff_ffff_f000;

/// MAIR_EL1 attribute index of normal write-back memory.
const ATTR_NORMAL: u64 = 0;
/// MAIR_EL1 attribute index of Device-nGnRE memory.
const ATTR_DEVICE: u64 = 1;
/// MAIR_EL1: index 0 normal inner/outer write-back read/write-allocate
/// (0xff), index 1 Device-nGnRE (0x04).
pub const MAIR: u64 = 0xff | (0x04 << 8);

/// SCTLR_EL1 bits that are RES1 in ARMv8.0 (EOS, TSCXT, EIS, SPAN,
/// nTLSMD, LSMAOE: all "behave like ARMv8.0").
const SCTLR_RES1: u64 = (1 << 11) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 28) | (1 << 29);
/// SCTLR_EL1 with the MMU (M), data cache (C) and instruction cache (I)
/// on; alignment checks, WXN and big-endian off.
pub const SCTLR_MMU_ON: u64 = SCTLR_RES1 | (1 << 0) | (1 << 2) | (1 << 12);

/// TCR_EL1 for the identity map: TTBR0 only (EPD1), 4 KiB granule,
/// [`VA_BITS`] of address, table walks inner-shareable write-back (so the
/// walker sees table updates made through the cache), and the
/// intermediate physical address size taken from ID_AA64MMFR0_EL1.PARange
/// (capped at 48 bits, the largest size the 4 KiB granule can output
/// without FEAT_LPA2).
pub const fn tcr(id_aa64mmfr0: u64) -> u64 {
    let mut ips = id_aa64mmfr0 & 0xf;
    if ips > 5 {
        ips = 5;
    }
    let t0sz = 64 - VA_BITS as u64;
    t0sz | (0b01 << 8) // IRGN0: write-back, read/write-allocate
        | (0b01 << 10) // ORGN0: the same
        | (0b11 << 12) // SH0: inner shareable
        | (1 << 23) // EPD1: no TTBR1 walks
        | (ips << 32)
}

/// What a block holds, which decides its attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemKind {
    /// The cell's RAM: normal write-back, executable at EL1.
    Ram,
    /// Shared normal memory (the communication region): write-back,
    /// never executed.
    Normal,
    /// A device: Device-nGnRE, never executed.
    Device,
}

/// Why a mapping could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapError {
    /// The address lies beyond the [`VA_BITS`] the tables translate.
    OutOfRange(usize),
    /// The block holding this address is already mapped as something else.
    Conflict(usize),
    /// All [`L2_TABLES`] are in use.
    NoTable,
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::OutOfRange(addr) => write!(f, "address {addr:#x} beyond {VA_BITS} bits"),
            Self::Conflict(addr) => {
                write!(f, "block of {addr:#x} already mapped with other attributes")
            }
            Self::NoTable => write!(f, "out of level-2 tables ({L2_TABLES})"),
        }
    }
}

/// One 4 KiB translation table.
#[derive(Debug)]
#[repr(C, align(4096))]
pub struct Table(pub [u64; ENTRIES]);

/// The level-1 table and a pool of level-2 tables. All zeroes is "nothing
/// mapped", so a `static` of it lives in BSS.
///
/// Level-2 tables are handed out in order and never freed, one per valid
/// level-1 entry, so the number of valid level-1 entries is the number of
/// level-2 tables in use (no counter that would pad the struct by a page).
/// The level-1 entries hold the addresses of the level-2 tables, so the
/// value must not move once something is mapped.
#[derive(Debug)]
#[repr(C)]
pub struct PageTables {
    l1: Table,
    l2: [Table; L2_TABLES],
}

impl Default for PageTables {
    fn default() -> Self {
        Self::new()
    }
}

/// The descriptor of a 2 MiB block at `addr` (rounded down).
pub const fn block_descriptor(addr: usize, kind: MemKind) -> u64 {
    let base = addr as u64 & DESC_BLOCK_ADDR;
    let common = base | DESC_VALID | DESC_AF;
    match kind {
        MemKind::Ram => common | DESC_SH_INNER | DESC_UXN | (ATTR_NORMAL << DESC_ATTR_SHIFT),
        MemKind::Normal => {
            common | DESC_SH_INNER | DESC_PXN | DESC_UXN | (ATTR_NORMAL << DESC_ATTR_SHIFT)
        }
        MemKind::Device => common | DESC_PXN | DESC_UXN | (ATTR_DEVICE << DESC_ATTR_SHIFT),
    }
}

impl PageTables {
    /// Tables with nothing mapped.
    pub const fn new() -> Self {
        Self {
            l1: Table([0; ENTRIES]),
            l2: [const { Table([0; ENTRIES]) }; L2_TABLES],
        }
    }

    /// The value for TTBR0_EL1: the address of the level-1 table.
    pub fn root(&self) -> usize {
        self.l1.0.as_ptr() as usize
    }

    /// Map every 2 MiB block that `[start, start + size)` touches as
    /// `kind`. Blocks already mapped as `kind` are left alone; the first
    /// block mapped differently stops the mapping with an error (blocks
    /// before it stay mapped).
    pub fn map_range(&mut self, start: usize, size: usize, kind: MemKind) -> Result<(), MapError> {
        let last = start
            .checked_add(size.max(1) - 1)
            .ok_or(MapError::OutOfRange(start))?;
        let mut block = start & !(BLOCK_SIZE - 1);
        loop {
            self.map_block(block, kind)?;
            match block.checked_add(BLOCK_SIZE) {
                Some(next) if next <= last => block = next,
                _ => return Ok(()),
            }
        }
    }

    fn map_block(&mut self, addr: usize, kind: MemKind) -> Result<(), MapError> {
        if (addr as u64) >> VA_BITS != 0 {
            return Err(MapError::OutOfRange(addr));
        }
        let l1_index = addr / L1_SPAN;
        let l2_index = (addr % L1_SPAN) / BLOCK_SIZE;
        let table = self.l2_table(l1_index)?;
        let desc = block_descriptor(addr, kind);
        let entry = &mut self.l2[table].0[l2_index];
        if *entry == 0 {
            *entry = desc;
            Ok(())
        } else if *entry == desc {
            Ok(())
        } else {
            Err(MapError::Conflict(addr))
        }
    }

    /// Index of the level-2 table behind level-1 entry `l1_index`,
    /// linking a fresh one if there is none yet.
    fn l2_table(&mut self, l1_index: usize) -> Result<usize, MapError> {
        let entry = self.l1.0[l1_index];
        if entry != 0 {
            let addr = (entry & DESC_TABLE_ADDR) as usize;
            return self
                .l2
                .iter()
                .position(|t| t.0.as_ptr() as usize == addr)
                .ok_or(MapError::Conflict(l1_index * L1_SPAN));
        }
        let index = self.l2_used();
        if index == L2_TABLES {
            return Err(MapError::NoTable);
        }
        let addr = self.l2[index].0.as_ptr() as u64;
        self.l1.0[l1_index] = addr | DESC_TABLE | DESC_VALID;
        Ok(index)
    }

    /// Level-2 tables in use.
    fn l2_used(&self) -> usize {
        self.l1.0.iter().filter(|&&entry| entry != 0).count()
    }

    /// The block descriptor that maps `addr`, if any.
    pub fn lookup(&self, addr: usize) -> Option<u64> {
        if (addr as u64) >> VA_BITS != 0 {
            return None;
        }
        let entry = self.l1.0[addr / L1_SPAN];
        if entry == 0 {
            return None;
        }
        let table_addr = (entry & DESC_TABLE_ADDR) as usize;
        let table = self
            .l2
            .iter()
            .find(|t| t.0.as_ptr() as usize == table_addr)?;
        match table.0[(addr % L1_SPAN) / BLOCK_SIZE] {
            0 => None,
            desc => Some(desc),
        }
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod hw {
    use core::cell::UnsafeCell;

    use super::{tcr, MapError, MemKind, PageTables, BLOCK_SIZE, MAIR, SCTLR_MMU_ON};
    use crate::arch;
    #[cfg(not(feature = "bare-metal"))]
    use crate::comm::COMM_REGION_BASE;

    struct Tables(UnsafeCell<PageTables>);

    // SAFETY: the tables are only touched by `enable_identity_map` (once,
    // at startup, before anything else runs) and `map_device`, whose
    // callers promise not to run it concurrently with itself; inmates run
    // on one CPU.
    unsafe impl Sync for Tables {}

    // First in the BSS (inmate.ld), where its page alignment wastes
    // nothing, so that images stay within 64 KiB of RAM.
    #[link_section = ".bss.pagetables"]
    static TABLES: Tables = Tables(UnsafeCell::new(PageTables::new()));

    extern "C" {
        /// Where the image starts (inmate-layout.ld): 0 in a cell,
        /// 0x40200000 in the bare-metal flavour; 2 MiB aligned.
        static __image_start: u8;
        /// End of the stack, the last thing the image occupies.
        static __stack_top: u8;
    }

    /// Build the identity map of RAM and communication region and turn
    /// the MMU and caches on.
    ///
    /// # Safety
    /// Call once, from startup, with the MMU off, after the BSS was zeroed
    /// and before anything else (in particular, before any static was
    /// written). Until it returns only aligned accesses may be made (all
    /// data accesses are to Device memory).
    pub(crate) unsafe fn enable_identity_map() {
        // SAFETY: the caller guarantees this is the only code running and
        // that nothing else has touched the tables.
        let tables = unsafe { &mut *TABLES.0.get() };
        let start = core::ptr::addr_of!(__image_start) as usize;
        let end = core::ptr::addr_of!(__stack_top) as usize;
        // Fresh tables, and RAM and communication region lie in different
        // GiBs: neither mapping can fail.
        if tables.map_range(start, BLOCK_SIZE, MemKind::Ram).is_err() {
            crate::stop();
        }
        #[cfg(not(feature = "bare-metal"))]
        if tables
            .map_range(COMM_REGION_BASE, 1, MemKind::Normal)
            .is_err()
        {
            crate::stop();
        }
        // SAFETY: [start, end) is this image: code and data as the loader
        // wrote it (cleaned to the point of coherency by the loader), and
        // BSS, stack and tables written just now with the MMU off, i.e.
        // straight to memory. A cache line for any of it can only be a
        // stale copy from before the load (of an earlier image or cell
        // run), which must not shadow memory once the caches are on.
        // Invalidating also makes the tables visible to the walker, which
        // reads them through the cache (TCR IRGN0/ORGN0 write-back).
        unsafe { arch::dcache_invalidate_range(start, end) };
        // SAFETY: the tables identity-map the whole image (its RAM block,
        // which inmate-layout.ld keeps it within), and are at the point of
        // coherency; the MMU is off (startup).
        unsafe {
            arch::enable_mmu(
                MAIR,
                tcr(arch::read_id_aa64mmfr0()),
                tables.root() as u64,
                SCTLR_MMU_ON,
            )
        };
    }

    /// Map `[start, start + size)` as Device-nGnRE memory (whole 2 MiB
    /// blocks), so that [`crate::mmio`] accesses can reach it.
    ///
    /// Mapping is not access: whether the cell may touch the device is
    /// still decided by the hypervisor, whose stage 2 parks the CPU on an
    /// access the cell may not make.
    ///
    /// # Safety
    /// Must not run concurrently with another call (e.g. from an
    /// interrupt handler while the main program maps). The blocks must not
    /// hold normal memory the program uses (the RAM block, the
    /// communication region block): those are refused with
    /// [`MapError::Conflict`] anyway.
    pub unsafe fn map_device(start: usize, size: usize) -> Result<(), MapError> {
        // SAFETY: the MMU is on (startup ran) and the caller guarantees
        // exclusive use of the tables. Entries only go from invalid to
        // valid: invalid entries are never held in TLBs, so no TLB
        // maintenance is needed, and the tables are in write-back memory
        // the walker reads coherently.
        let tables = unsafe { &mut *TABLES.0.get() };
        let result = tables.map_range(start, size, MemKind::Device);
        // New entries are visible to the walker before any later access.
        arch::dsb_ishst_isb();
        result
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub(crate) use hw::enable_identity_map;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use hw::map_device;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size() {
        assert_eq!(core::mem::size_of::<PageTables>(), (1 + L2_TABLES) * 4096);
    }

    fn tables() -> Box<PageTables> {
        Box::new(PageTables::new())
    }

    #[test]
    fn descriptors() {
        // RAM: AF, inner shareable, attr 0, valid block, UXN only.
        assert_eq!(
            block_descriptor(0, MemKind::Ram),
            (1 << 54) | (1 << 10) | (0b11 << 8) | 0b01
        );
        // Comm region: as RAM plus PXN.
        assert_eq!(
            block_descriptor(0x8000_0000, MemKind::Normal),
            0x8000_0000 | (3 << 53) | (1 << 10) | (0b11 << 8) | 0b01
        );
        // Device: attr 1, XN, not shareable (ignored for devices).
        assert_eq!(
            block_descriptor(0x0912_3456, MemKind::Device),
            0x0900_0000 | (3 << 53) | (1 << 10) | (1 << 2) | 0b01
        );
    }

    #[test]
    fn register_values() {
        assert_eq!(MAIR, 0x04ff);
        assert_eq!(SCTLR_MMU_ON, 0x30d0_1805);
        // cortex-a57: PARange 0b0100 (44 bits).
        assert_eq!(tcr(0x1124), 25 | 0x500 | 0x3000 | (1 << 23) | (4 << 32));
        // 52-bit PARange is capped at 48 bits.
        assert_eq!(tcr(0x6) >> 32, 5);
    }

    #[test]
    fn startup_layout() {
        let mut pt = tables();
        pt.map_range(0, BLOCK_SIZE, MemKind::Ram).unwrap();
        pt.map_range(0x8000_0000, 1, MemKind::Normal).unwrap();
        assert_eq!(pt.lookup(0), Some(block_descriptor(0, MemKind::Ram)));
        assert_eq!(
            pt.lookup(BLOCK_SIZE - 1),
            Some(block_descriptor(0, MemKind::Ram))
        );
        assert_eq!(pt.lookup(BLOCK_SIZE), None);
        assert_eq!(
            pt.lookup(0x8000_0fff),
            Some(block_descriptor(0x8000_0000, MemKind::Normal))
        );
        assert_eq!(pt.lookup(0x4000_0000), None);
        // Level 1: GiB 0 and GiB 2 point at two distinct level-2 tables.
        assert_eq!(pt.l1.0[0] & 0b11, 0b11);
        assert_eq!(pt.l1.0[2] & 0b11, 0b11);
        assert_ne!(pt.l1.0[0], pt.l1.0[2]);
        assert_eq!(pt.l1.0[1], 0);
        assert_eq!(pt.l2_used(), 2);
        assert_eq!(pt.root() % 4096, 0);
        assert_eq!(pt.l1.0[0] as usize & 0xfff, 0b11);
    }

    #[test]
    fn device_ranges_cover_every_block_they_touch() {
        let mut pt = tables();
        // QEMU GICv3 redistributors of 32 CPUs from 0x080a0000.
        pt.map_range(0x080a_0000, 32 * 0x2_0000, MemKind::Device)
            .unwrap();
        for block in [0x0800_0000, 0x0820_0000, 0x0840_0000] {
            assert!(pt.lookup(block).is_some(), "{block:#x}");
        }
        assert_eq!(pt.lookup(0x0860_0000), None);
        assert_eq!(pt.lookup(0x07e0_0000), None);
        // Mapping the same device again is fine; RAM over it is not.
        pt.map_range(0x0800_0000, 0x1_0000, MemKind::Device)
            .unwrap();
        assert_eq!(
            pt.map_range(0x0800_0000, 4, MemKind::Ram),
            Err(MapError::Conflict(0x0800_0000))
        );
        // A range that ends exactly at a block boundary stops there.
        pt.map_range(0x0a00_0000, BLOCK_SIZE, MemKind::Device)
            .unwrap();
        assert_eq!(pt.lookup(0x0a20_0000), None);
    }

    #[test]
    fn devices_never_replace_ram_or_comm_region() {
        let mut pt = tables();
        pt.map_range(0, BLOCK_SIZE, MemKind::Ram).unwrap();
        pt.map_range(0x8000_0000, 1, MemKind::Normal).unwrap();
        assert_eq!(
            pt.map_range(0x1000, 4, MemKind::Device),
            Err(MapError::Conflict(0))
        );
        assert_eq!(
            pt.map_range(0x8000_0000, 4, MemKind::Device),
            Err(MapError::Conflict(0x8000_0000))
        );
        assert_eq!(pt.lookup(0), Some(block_descriptor(0, MemKind::Ram)));
    }

    #[test]
    fn limits() {
        let mut pt = tables();
        assert_eq!(
            pt.map_range(1 << 39, 4, MemKind::Device),
            Err(MapError::OutOfRange(1 << 39))
        );
        assert_eq!(
            pt.map_range(usize::MAX - 2, 8, MemKind::Device),
            Err(MapError::OutOfRange(usize::MAX - 2))
        );
        for gib in 0..L2_TABLES {
            pt.map_range(gib << 30, 4, MemKind::Device).unwrap();
        }
        assert_eq!(
            pt.map_range(L2_TABLES << 30, 4, MemKind::Device),
            Err(MapError::NoTable)
        );
        // RPi4's UART and GIC share GiB 3 with each other.
        let mut pt = tables();
        pt.map_range(0xfe21_5040, 0x40, MemKind::Device).unwrap();
        pt.map_range(0xff84_1000, 0x2000, MemKind::Device).unwrap();
        assert_eq!(pt.l2_used(), 1);
    }
}
