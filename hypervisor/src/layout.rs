// SPDX-License-Identifier: GPL-2.0-only

//! Fixed facts about the hypervisor's address space and memory use.
//!
//! This module owns the numbers the linker script, the driver and the
//! memory-management code must agree on. It holds no state.

/// Size of a translation granule and of every pool page.
pub const PAGE_SIZE: usize = 4096;

/// EL2 virtual address the image is linked at (`hypervisor.ld`).
pub const HYPERVISOR_BASE: u64 = 0x0000_ffff_c020_0000;

/// Pages of per-CPU data: a guard page (unmapped once the MMU is on, so a
/// stack overflow faults instead of corrupting the neighbour), the stack
/// pages above it, and the per-CPU state page. The driver reserves
/// `max_cpus` times this behind the image, as announced in the image
/// header.
pub const PERCPU_PAGES: usize = 6;

/// Bytes of per-CPU data per CPU (`percpu_size` in the image header).
pub const PERCPU_SIZE: usize = PERCPU_PAGES * PAGE_SIZE;

/// Offset of the (unmapped) guard page inside a CPU's per-CPU area.
pub const PERCPU_GUARD_OFFSET: usize = 0;

/// Offset of the lowest stack byte inside a CPU's per-CPU area.
pub const PERCPU_STACK_OFFSET: usize = PAGE_SIZE;

/// Bytes of EL2 stack per CPU.
pub const STACK_SIZE: usize = 4 * PAGE_SIZE;

/// Offset of the per-CPU state page inside a CPU's per-CPU area; the stack
/// top is right below it.
pub const PERCPU_STATE_OFFSET: usize = PERCPU_STACK_OFFSET + STACK_SIZE;

/// EL2 virtual address of the 2 MiB window that maps the debug UART's
/// 2 MiB-aligned physical block (upstream's `UART_BASE`).
pub const UART_BASE: u64 = 0x0000_ffff_c000_0000;

/// Size of a level-2 block, the granule of the UART window.
pub const BLOCK_SIZE_2M: u64 = 2 << 20;

/// Largest hypervisor memory the boot translation tables can map (they
/// are static, in the image): 16 level-3 tables of 2 MiB each. Upstream
/// QEMU and openEuler configs use 4 to 16 MiB.
pub const MAX_HYPERVISOR_MEMORY: u64 = 32 << 20;

// The guard page lies below the stack, and the UART window below the image
// in the same level-2 table (paging.rs relies on both).
/// EL2 window of the GIC frames (2 MiB device blocks covering the
/// distributor and the redistributors, or GICv2's GICD/GICC/GICH).
pub const GIC_WINDOW_BASE: u64 = 0x0000_ffff_d000_0000;

/// Size of [`GIC_WINDOW_BASE`]'s window.
pub const GIC_WINDOW_SIZE: u64 = 16 << 20;

/// EL2 window of 4 KiB pages mapped on demand (a cell config in root
/// memory while a cell is created).
pub const TEMP_WINDOW_BASE: u64 = 0x0000_ffff_e000_0000;

/// Pages in [`TEMP_WINDOW_BASE`]'s window (one level-3 table).
pub const TEMP_WINDOW_PAGES: usize = 512;

/// EL2 window through which the hypervisor performs the sub-page MMIO
/// accesses of cells ([`crate::subpage`]): one device page per CPU
/// (CPU n uses page n), remapped for each access to another page.
pub const MMIO_WINDOW_BASE: u64 = TEMP_WINDOW_BASE + BLOCK_SIZE_2M;

/// Pages in [`MMIO_WINDOW_BASE`]'s window (one level-3 table): CPUs
/// numbered at or above it get no sub-page access.
pub const MMIO_WINDOW_PAGES: usize = 512;

const _: () = assert!(PERCPU_GUARD_OFFSET + PAGE_SIZE <= PERCPU_STACK_OFFSET);
const _: () = assert!(UART_BASE + BLOCK_SIZE_2M <= HYPERVISOR_BASE);

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
        assert_eq!(PERCPU_STATE_OFFSET + PAGE_SIZE, PERCPU_SIZE);
        assert_eq!(HYPERVISOR_BASE % BLOCK_SIZE_2M, 0);
        assert_eq!(UART_BASE % BLOCK_SIZE_2M, 0);
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
