// SPDX-License-Identifier: GPL-2.0-only

//! The hypervisor's own EL2 stage-1 translation tables (4 KiB granule,
//! 48-bit VA, TTBR0_EL2).
//!
//! This module owns the descriptor encodings and the decision of what the
//! boot tables contain:
//! * the whole hypervisor memory at [`HYPERVISOR_BASE`], 4 KiB pages of
//!   normal write-back memory (pages, so per-CPU guard pages can be
//!   unmapped later);
//! * a 1 GiB identity block around the entry code, needed for the
//!   instructions that switch the MMU on and off;
//! * on request, the debug UART's 2 MiB block as device memory at
//!   [`UART_BASE`];
//! * the level-3 tables of the temporary window ([`TEMP_WINDOW_BASE`])
//!   and of the sub-page MMIO window ([`MMIO_WINDOW_BASE`]), empty; their
//!   pages are mapped while they are used.
//!
//! It only computes table contents in memory the caller provides; it
//! never touches system registers. [`build_boot_tables`] runs with the
//! MMU off at a physical address, so it must stay plain integer code
//! (no formatting, no trait objects: nothing that holds link-time
//! addresses).

use crate::layout::{
    BLOCK_SIZE_2M, GIC_WINDOW_BASE, GIC_WINDOW_SIZE, HYPERVISOR_BASE, MAX_HYPERVISOR_MEMORY,
    MMIO_WINDOW_BASE, MMIO_WINDOW_PAGES, PAGE_SIZE, TEMP_WINDOW_BASE, UART_BASE,
};

/// Entries per table.
pub const ENTRIES: usize = 512;

/// One translation table page.
pub type Table = [u64; ENTRIES];

/// Level-3 tables reserved for the hypervisor memory (2 MiB each).
pub const MAX_L3_TABLES: usize = (MAX_HYPERVISOR_MEMORY / BLOCK_SIZE_2M) as usize;

/// Index of the level-0 table among the boot tables.
pub const TABLE_L0: usize = 0;
/// Index of the level-1 table of the high (hypervisor) half.
pub const TABLE_L1_HIGH: usize = 1;
/// Index of the level-1 table holding the identity block.
pub const TABLE_L1_IDENTITY: usize = 2;
/// Index of the level-2 table of the hypervisor and UART windows.
pub const TABLE_L2_HIGH: usize = 3;
/// Index of the first level-3 table of the hypervisor memory.
pub const TABLE_L3_FIRST: usize = 4;
/// Index of the level-3 table of the temporary window.
pub const TABLE_L3_TEMP: usize = TABLE_L3_FIRST + MAX_L3_TABLES;
/// Index of the level-3 table of the sub-page MMIO window.
pub const TABLE_L3_MMIO: usize = TABLE_L3_TEMP + 1;
/// Number of boot tables (contiguous pages, in the order above).
pub const BOOT_TABLES: usize = TABLE_L3_MMIO + 1;

pub(crate) const DESC_VALID: u64 = 1 << 0;
/// Bit 1: table (levels 0–2) or page (level 3) rather than block.
pub(crate) const DESC_TABLE_OR_PAGE: u64 = 1 << 1;
/// MAIR_EL2 index 0: normal memory, write-back, read/write-allocate.
const ATTR_NORMAL: u64 = 0 << 2;
/// MAIR_EL2 index 1: Device-nGnRE.
const ATTR_DEVICE: u64 = 1 << 2;
/// AP[1] is RES1 in the EL2 translation regime.
const AP_RES1: u64 = 1 << 6;
pub(crate) const SH_INNER: u64 = 3 << 8;
pub(crate) const ACCESS_FLAG: u64 = 1 << 10;
/// Execute-never at EL2.
pub(crate) const XN: u64 = 1 << 54;
/// Output address bits of a descriptor (48-bit PA).
pub(crate) const OA_MASK: u64 = 0x0000_ffff_ffff_f000;

/// MAIR_EL2 matching the attribute indexes above (idx 0 normal WB RA/WA,
/// idx 1 Device-nGnRE, idx 2 normal non-cacheable).
pub const MAIR_EL2: u64 = 0x0000_0000_0044_04ff;

/// Why the boot tables cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapError {
    /// Hypervisor memory empty, larger than the static tables cover, or
    /// beyond the 48-bit physical address space.
    BadHypervisorMemory,
    /// An address or size is not page aligned.
    Unaligned,
    /// The identity block of the entry code would share a level-0 slot
    /// with the hypervisor's virtual window.
    IdentityClash,
    /// The caller's table array is too small.
    TooFewTables,
}

/// Table index of `va` at `level` (0..=3).
pub const fn index(va: u64, level: u32) -> usize {
    ((va >> (39 - 9 * level)) & (ENTRIES as u64 - 1)) as usize
}

/// Descriptor pointing at the next-level table at `pa`.
pub const fn table_desc(pa: u64) -> u64 {
    (pa & OA_MASK) | DESC_TABLE_OR_PAGE | DESC_VALID
}

/// Level-3 descriptor of a normal write-back page.
pub const fn normal_page_desc(pa: u64) -> u64 {
    (pa & OA_MASK)
        | ACCESS_FLAG
        | SH_INNER
        | AP_RES1
        | ATTR_NORMAL
        | DESC_TABLE_OR_PAGE
        | DESC_VALID
}

/// Block descriptor (level 1 or 2) of normal write-back memory.
pub const fn normal_block_desc(pa: u64) -> u64 {
    (pa & OA_MASK) | ACCESS_FLAG | SH_INNER | AP_RES1 | ATTR_NORMAL | DESC_VALID
}

/// Block descriptor (level 1 or 2) of device memory, never executable.
pub const fn device_block_desc(pa: u64) -> u64 {
    (pa & OA_MASK) | XN | ACCESS_FLAG | AP_RES1 | ATTR_DEVICE | DESC_VALID
}

/// Fill the boot tables. `tables` are [`BOOT_TABLES`] zeroed pages whose
/// first page lies at physical address `tables_pa` (the rest follow
/// contiguously); `hv_pa`/`hv_size` describe the hypervisor memory and
/// `entry_pa` the physical address of the code that switches the MMU.
///
/// Only the entries named in the module docs are written; writing them
/// twice gives the same tables. On error nothing has been written.
pub fn build_boot_tables(
    tables: &mut [Table],
    tables_pa: u64,
    hv_pa: u64,
    hv_size: u64,
    entry_pa: u64,
) -> Result<(), MapError> {
    let page = PAGE_SIZE as u64;
    if tables.len() < BOOT_TABLES {
        return Err(MapError::TooFewTables);
    }
    if hv_pa % page != 0 || hv_size % page != 0 || tables_pa % page != 0 {
        return Err(MapError::Unaligned);
    }
    let hv_end = hv_pa.checked_add(hv_size);
    if hv_size == 0 || hv_size > MAX_HYPERVISOR_MEMORY || !matches!(hv_end, Some(e) if e <= 1 << 48)
    {
        return Err(MapError::BadHypervisorMemory);
    }
    if entry_pa >= 1 << 48 || index(entry_pa, 0) == index(HYPERVISOR_BASE, 0) {
        return Err(MapError::IdentityClash);
    }
    let table_pa = |n: usize| tables_pa + (n * PAGE_SIZE) as u64;

    tables[TABLE_L0][index(HYPERVISOR_BASE, 0)] = table_desc(table_pa(TABLE_L1_HIGH));
    tables[TABLE_L1_HIGH][index(HYPERVISOR_BASE, 1)] = table_desc(table_pa(TABLE_L2_HIGH));

    let pages = (hv_size / page) as usize;
    let l3_tables = pages.div_ceil(ENTRIES);
    let first_l2 = index(HYPERVISOR_BASE, 2);
    for n in 0..l3_tables {
        tables[TABLE_L2_HIGH][first_l2 + n] = table_desc(table_pa(TABLE_L3_FIRST + n));
    }
    for p in 0..pages {
        tables[TABLE_L3_FIRST + p / ENTRIES][p % ENTRIES] =
            normal_page_desc(hv_pa + (p * PAGE_SIZE) as u64);
    }

    tables[TABLE_L2_HIGH][index(TEMP_WINDOW_BASE, 2)] = table_desc(table_pa(TABLE_L3_TEMP));
    tables[TABLE_L2_HIGH][index(MMIO_WINDOW_BASE, 2)] = table_desc(table_pa(TABLE_L3_MMIO));

    tables[TABLE_L0][index(entry_pa, 0)] = table_desc(table_pa(TABLE_L1_IDENTITY));
    tables[TABLE_L1_IDENTITY][index(entry_pa, 1)] = normal_block_desc(entry_pa & !((1 << 30) - 1));
    Ok(())
}

/// Map the 2 MiB block holding the UART at `uart_pa` into the UART
/// window; returns the UART's EL2 virtual address.
pub fn map_uart(l2_high: &mut Table, uart_pa: u64) -> u64 {
    let offset = uart_pa & (BLOCK_SIZE_2M - 1);
    l2_high[index(UART_BASE, 2)] = device_block_desc(uart_pa - offset);
    UART_BASE + offset
}

/// Map the 2 MiB blocks covering physical `[start, end)` as device
/// memory into the GIC window; returns the physical address that the
/// window's first byte maps, or `None` if the range does not fit.
pub fn map_gic_window(l2_high: &mut Table, start: u64, end: u64) -> Option<u64> {
    let base = start & !(BLOCK_SIZE_2M - 1);
    if end <= start || end - base > GIC_WINDOW_SIZE || end > 1 << 48 {
        return None;
    }
    let first = index(GIC_WINDOW_BASE, 2);
    let mut pa = base;
    let mut slot = first;
    while pa < end {
        l2_high[slot] = device_block_desc(pa);
        pa += BLOCK_SIZE_2M;
        slot += 1;
    }
    Some(base)
}

/// Level-3 descriptor of a normal write-back, never executable page
/// (the temporary window).
pub const fn temp_page_desc(pa: u64) -> u64 {
    normal_page_desc(pa) | XN
}

/// Level-3 descriptor of a device page (Device-nGnRE), never executable.
pub const fn device_page_desc(pa: u64) -> u64 {
    (pa & OA_MASK) | XN | ACCESS_FLAG | AP_RES1 | ATTR_DEVICE | DESC_TABLE_OR_PAGE | DESC_VALID
}

/// CPU `cpu`'s page of the sub-page MMIO window: (entry index in
/// [`TABLE_L3_MMIO`], EL2 virtual address), or `None` for CPUs beyond it.
pub fn mmio_window_slot(cpu: u64) -> Option<(usize, u64)> {
    let slot = usize::try_from(cpu)
        .ok()
        .filter(|&s| s < MMIO_WINDOW_PAGES)?;
    Some((slot, MMIO_WINDOW_BASE + (slot * PAGE_SIZE) as u64))
}

/// Where the level-3 entry of hypervisor virtual address `va` lives:
/// (boot table index, entry index), or `None` outside the hypervisor
/// memory window of `hv_size` bytes.
pub fn l3_slot(va: u64, hv_size: u64) -> Option<(usize, usize)> {
    let offset = va.checked_sub(HYPERVISOR_BASE)?;
    if offset >= hv_size {
        return None;
    }
    let page = (offset / PAGE_SIZE as u64) as usize;
    Some((TABLE_L3_FIRST + page / ENTRIES, page % ENTRIES))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES_PA: u64 = 0x8000_4000;
    const HV_PA: u64 = 0x8000_0000;
    const HV_SIZE: u64 = 16 << 20;

    /// A software table walk over the boot tables: (output address,
    /// descriptor) for `va`, like the MMU would find them.
    fn walk(tables: &[Table], va: u64) -> Option<(u64, u64)> {
        let mut table = TABLE_L0;
        for level in 0..=3 {
            let desc = tables[table][index(va, level)];
            if desc & DESC_VALID == 0 {
                return None;
            }
            let is_table = desc & DESC_TABLE_OR_PAGE != 0;
            if level == 3 {
                assert!(is_table, "level-3 entries must be pages");
                return Some(((desc & OA_MASK) | (va & 0xfff), desc));
            }
            if !is_table {
                assert!(level == 1 || level == 2, "blocks only at levels 1 and 2");
                let span = 1u64 << (39 - 9 * level);
                return Some(((desc & OA_MASK & !(span - 1)) | (va & (span - 1)), desc));
            }
            let next = (desc & OA_MASK) - TABLES_PA;
            table = (next / PAGE_SIZE as u64) as usize;
        }
        None
    }

    fn built(hv_pa: u64, hv_size: u64, entry_pa: u64) -> Vec<Table> {
        let mut tables = vec![[0u64; ENTRIES]; BOOT_TABLES];
        build_boot_tables(&mut tables, TABLES_PA, hv_pa, hv_size, entry_pa).expect("valid layout");
        tables
    }

    #[test]
    fn maps_every_hypervisor_page_and_nothing_beyond() {
        let tables = built(HV_PA, HV_SIZE, HV_PA + 0x1000);
        for offset in (0..HV_SIZE).step_by(PAGE_SIZE) {
            let (pa, desc) = walk(&tables, HYPERVISOR_BASE + offset + 8).expect("mapped");
            assert_eq!(pa, HV_PA + offset + 8);
            assert_eq!(desc & 0xfff, 0x743, "normal WB, inner shareable, AF");
        }
        assert_eq!(walk(&tables, HYPERVISOR_BASE + HV_SIZE), None);
        assert_eq!(
            walk(&tables, HYPERVISOR_BASE - 1),
            None,
            "UART window unmapped until asked"
        );
    }

    #[test]
    fn identity_maps_the_entry_gigabyte() {
        let tables = built(HV_PA, HV_SIZE, HV_PA + 0x1234);
        let (pa, desc) = walk(&tables, HV_PA + 0x1234).expect("identity mapped");
        assert_eq!(pa, HV_PA + 0x1234);
        assert_eq!(desc & 0xfff, 0x741);
        assert_eq!(
            walk(&tables, 0x4000_0000),
            None,
            "Linux RAM is not identity mapped"
        );
        assert_eq!(walk(&tables, 0xc000_0000), None);
    }

    #[test]
    fn uart_window_is_device_memory() {
        let mut tables = built(HV_PA, HV_SIZE, HV_PA);
        let va = map_uart(&mut tables[TABLE_L2_HIGH], 0x0900_0000);
        assert_eq!(va, UART_BASE);
        let (pa, desc) = walk(&tables, va + 0x18).expect("uart mapped");
        assert_eq!(pa, 0x0900_0018);
        assert_eq!(desc & 0xfff, 0x405 | AP_RES1);
        assert_ne!(desc & XN, 0);
        let va = map_uart(&mut tables[TABLE_L2_HIGH], 0xfe20_1000);
        assert_eq!(va, UART_BASE + 0x1000);
        assert_eq!(walk(&tables, va).map(|(pa, _)| pa), Some(0xfe20_1000));
        assert_eq!(
            walk(&tables, HYPERVISOR_BASE).map(|(pa, _)| pa),
            Some(HV_PA)
        );
    }

    #[test]
    fn building_twice_is_idempotent() {
        let mut tables = built(HV_PA, HV_SIZE, HV_PA);
        let first = tables.clone();
        build_boot_tables(&mut tables, TABLES_PA, HV_PA, HV_SIZE, HV_PA).expect("valid");
        assert_eq!(tables, first);
    }

    #[test]
    fn odd_sizes_use_partial_l3_tables() {
        let tables = built(0x1fc0_1000, 0x20_3000, 0x1fc0_1000);
        assert!(walk(&tables, HYPERVISOR_BASE + 0x20_2000).is_some());
        assert!(walk(&tables, HYPERVISOR_BASE + 0x20_3000).is_none());
        assert_eq!(
            walk(&tables, HYPERVISOR_BASE + 0x20_0000).map(|(pa, _)| pa),
            Some(0x1fe0_1000)
        );
    }

    #[test]
    fn rejects_bad_layouts_without_writing() {
        let mut tables = vec![[0u64; ENTRIES]; BOOT_TABLES];
        let cases = [
            (HV_PA + 1, HV_SIZE, HV_PA, MapError::Unaligned),
            (HV_PA, HV_SIZE + 1, HV_PA, MapError::Unaligned),
            (HV_PA, 0, HV_PA, MapError::BadHypervisorMemory),
            (
                HV_PA,
                MAX_HYPERVISOR_MEMORY + 0x1000,
                HV_PA,
                MapError::BadHypervisorMemory,
            ),
            (
                (1 << 48) - 0x1000,
                0x2000,
                HV_PA,
                MapError::BadHypervisorMemory,
            ),
            (HV_PA, HV_SIZE, 0xff80_0000_0000, MapError::IdentityClash),
        ];
        for (pa, size, entry, err) in cases {
            assert_eq!(
                build_boot_tables(&mut tables, TABLES_PA, pa, size, entry),
                Err(err)
            );
        }
        assert!(tables.iter().all(|t| t.iter().all(|&e| e == 0)));
        let mut few = vec![[0u64; ENTRIES]; BOOT_TABLES - 1];
        assert_eq!(
            build_boot_tables(&mut few, TABLES_PA, HV_PA, HV_SIZE, HV_PA),
            Err(MapError::TooFewTables)
        );
    }

    #[test]
    fn l3_slots_follow_the_tables() {
        assert_eq!(l3_slot(HYPERVISOR_BASE, HV_SIZE), Some((TABLE_L3_FIRST, 0)));
        assert_eq!(
            l3_slot(HYPERVISOR_BASE + 0x20_1000, HV_SIZE),
            Some((TABLE_L3_FIRST + 1, 1))
        );
        assert_eq!(l3_slot(HYPERVISOR_BASE + HV_SIZE, HV_SIZE), None);
        assert_eq!(l3_slot(HYPERVISOR_BASE - 1, HV_SIZE), None);
    }

    #[test]
    fn gic_window_covers_the_frames() {
        let mut tables = built(HV_PA, HV_SIZE, 0x4000_0000);
        let l2 = &mut tables[TABLE_L2_HIGH];
        // QEMU virt: GICD 0x08000000, four redistributors up to 0x08120000.
        assert_eq!(
            map_gic_window(l2, 0x0800_0000, 0x0812_0000),
            Some(0x0800_0000)
        );
        let (pa, desc) = walk(&tables, GIC_WINDOW_BASE + 0xa_0008).expect("mapped");
        assert_eq!(pa, 0x080a_0008);
        assert_eq!(desc & (7 << 2), 1 << 2, "device memory");
        assert_eq!(walk(&tables, GIC_WINDOW_BASE + BLOCK_SIZE_2M), None);
        // RPi4's GIC-400 at 0xff841000.
        let l2 = &mut tables[TABLE_L2_HIGH];
        assert_eq!(
            map_gic_window(l2, 0xff84_1000, 0xff84_8000),
            Some(0xff80_0000)
        );
        assert_eq!(
            map_gic_window(l2, 0x0800_0000, 0x0900_0001),
            None,
            "too large"
        );
        assert_eq!(map_gic_window(l2, 5, 5), None);
    }

    #[test]
    fn mmio_window_is_per_cpu_device_pages() {
        let mut tables = built(HV_PA, HV_SIZE, 0x4000_0000);
        assert_eq!(
            tables[TABLE_L2_HIGH][index(MMIO_WINDOW_BASE, 2)] & OA_MASK,
            TABLES_PA + (TABLE_L3_MMIO * PAGE_SIZE) as u64
        );
        assert_ne!(index(MMIO_WINDOW_BASE, 2), index(TEMP_WINDOW_BASE, 2));
        assert_eq!(walk(&tables, MMIO_WINDOW_BASE), None, "empty until used");
        let (slot, va) = mmio_window_slot(3).expect("CPU 3 has a page");
        assert_eq!(va, MMIO_WINDOW_BASE + 0x3000);
        assert_eq!(index(va, 3), slot);
        tables[TABLE_L3_MMIO][slot] = device_page_desc(0xfe21_5000);
        let (pa, desc) = walk(&tables, va + 0x54).expect("mapped");
        assert_eq!(pa, 0xfe21_5054);
        assert_eq!(desc & (7 << 2), ATTR_DEVICE);
        assert_ne!(desc & XN, 0);
        assert_eq!(mmio_window_slot(MMIO_WINDOW_PAGES as u64), None);
        assert!(mmio_window_slot(MMIO_WINDOW_PAGES as u64 - 1).is_some());
    }

    #[test]
    fn temp_window_has_its_table() {
        let tables = built(HV_PA, HV_SIZE, 0x4000_0000);
        assert_eq!(
            tables[TABLE_L2_HIGH][index(TEMP_WINDOW_BASE, 2)] & OA_MASK,
            TABLES_PA + (TABLE_L3_TEMP * PAGE_SIZE) as u64
        );
    }
}
