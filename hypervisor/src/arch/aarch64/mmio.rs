// SPDX-License-Identifier: GPL-2.0-only

//! Device accesses the hypervisor performs for a cell (sub-page regions,
//! [`crate::subpage`]): the per-CPU page of the MMIO window and the
//! volatile access through it.
//!
//! Each CPU owns one page of the window ([`paging::mmio_window_slot`]),
//! so no lock is needed: only CPU n writes entry n of the window's table.
//! The entry is rewritten (and its TLB entry dropped) only when the CPU
//! accesses another page than last time; a mapping left behind after its
//! cell is gone is a device page only the hypervisor can reach, reused by
//! the next access. Nothing here decides whether an access is allowed.

use crate::paging::{self, TABLE_L3_MMIO};

/// Why the access could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessError {
    /// The CPU has no page in the window.
    NoWindow,
}

/// Perform a `size`-byte access (1, 2, 4 or 8) at physical `pa` on CPU
/// `cpu`'s behalf: a write of `value`, or a read whose result is returned
/// (zero-extended). An access that is not naturally aligned is made byte
/// by byte, little-endian (device memory faults on unaligned accesses).
///
/// # Safety
/// `cpu` must be the calling CPU's id, and `[pa, pa + size)` a device
/// range inside one page that the current cell may access with this
/// direction and width (the caller checked it with
/// [`crate::subpage::check`]).
pub unsafe fn access(
    cpu: u64,
    pa: u64,
    size: u32,
    write: bool,
    value: u64,
) -> Result<u64, AccessError> {
    let (slot, page_va) = paging::mmio_window_slot(cpu).ok_or(AccessError::NoWindow)?;
    let desc = paging::device_page_desc(pa);
    // SAFETY: entry `slot` of the MMIO window's table belongs to this CPU
    // alone (see the module docs); nothing else writes it.
    let table = unsafe { super::boot_table_mut(TABLE_L3_MMIO) };
    if table[slot] != desc {
        table[slot] = desc;
        super::flush_tlb_va(page_va);
    }
    let va = page_va + (pa & (crate::layout::PAGE_SIZE as u64 - 1));
    if pa % u64::from(size) != 0 {
        let mut result = 0;
        for i in 0..u64::from(size) {
            let byte = (value >> (8 * i)) as u8;
            // SAFETY: the caller's range lies in the page just mapped at
            // page_va; byte accesses are never misaligned.
            let read = unsafe { sized(va + i, 1, write, u64::from(byte)) };
            result |= read << (8 * i);
        }
        return Ok(result);
    }
    // SAFETY: as above; the access is naturally aligned.
    Ok(unsafe { sized(va, size, write, value) })
}

/// One volatile access of `size` bytes at EL2 address `va`.
///
/// # Safety
/// `va` must be mapped device memory, aligned to `size`, that may be
/// accessed this way.
unsafe fn sized(va: u64, size: u32, write: bool, value: u64) -> u64 {
    // Each arm is a single load or store of the access's width.
    match (size, write) {
        // SAFETY: the caller's obligations.
        (1, false) => u64::from(unsafe { core::ptr::read_volatile(va as *const u8) }),
        // SAFETY: as above.
        (2, false) => u64::from(unsafe { core::ptr::read_volatile(va as *const u16) }),
        // SAFETY: as above.
        (4, false) => u64::from(unsafe { core::ptr::read_volatile(va as *const u32) }),
        // SAFETY: as above.
        (8, false) => unsafe { core::ptr::read_volatile(va as *const u64) },
        // SAFETY: as above.
        (1, true) => unsafe { store(va as *mut u8, value as u8) },
        // SAFETY: as above.
        (2, true) => unsafe { store(va as *mut u16, value as u16) },
        // SAFETY: as above.
        (4, true) => unsafe { store(va as *mut u32, value as u32) },
        // SAFETY: as above.
        (8, true) => unsafe { store(va as *mut u64, value) },
        _ => 0,
    }
}

/// A volatile store; a write "reads" 0.
///
/// # Safety
/// As [`sized`], for `ptr`.
unsafe fn store<T>(ptr: *mut T, value: T) -> u64 {
    // SAFETY: the caller's obligations.
    unsafe { core::ptr::write_volatile(ptr, value) };
    0
}
