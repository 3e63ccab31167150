// SPDX-License-Identifier: GPL-2.0-only

//! Fixed facts about the hypervisor's address space and memory use.
//!
//! This module owns the numbers the linker script, the driver and the
//! memory-management code must agree on. It holds no state.

/// Size of a translation granule and of every pool page.
pub const PAGE_SIZE: usize = 4096;

/// EL2 virtual address the image is linked at (`hypervisor.ld`).
pub const HYPERVISOR_BASE: u64 = 0x0000_ffff_c020_0000;

/// Pages of per-CPU data: one guard page below a stack page, and the
/// per-CPU state page. The driver reserves `max_cpus` times this behind the
/// image, as announced in the image header.
pub const PERCPU_PAGES: usize = 4;

/// Bytes of per-CPU data per CPU (`percpu_size` in the image header).
pub const PERCPU_SIZE: usize = PERCPU_PAGES * PAGE_SIZE;

/// Round `value` up to the next page boundary, or `None` on overflow.
pub const fn page_align_up(value: u64) -> Option<u64> {
    match value.checked_add(PAGE_SIZE as u64 - 1) {
        Some(v) => Some(v & !(PAGE_SIZE as u64 - 1)),
        None => None,
    }
}

/// Whether `value` lies on a page boundary.
pub const fn is_page_aligned(value: u64) -> bool {
    value % PAGE_SIZE as u64 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_and_percpu_are_page_multiples() {
        assert!(is_page_aligned(HYPERVISOR_BASE));
        assert_eq!(PERCPU_SIZE % PAGE_SIZE, 0);
    }

    #[test]
    fn align_up() {
        assert_eq!(page_align_up(0), Some(0));
        assert_eq!(page_align_up(1), Some(4096));
        assert_eq!(page_align_up(4096), Some(4096));
        assert_eq!(page_align_up(4097), Some(8192));
        assert_eq!(page_align_up(u64::MAX), None);
    }
}
