// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! aarch64 register access for inmates: the only module with `asm!`.

use core::arch::asm;

/// `wfi`: wait for an interrupt.
pub(crate) fn wfi() {
    // SAFETY: `wfi` only pauses the CPU; no memory or Rust-visible state
    // changes.
    unsafe { asm!("wfi", options(nomem, nostack, preserves_flags)) };
}

/// CNTVCT_EL0, the virtual count of the generic timer.
pub(crate) fn counter() -> u64 {
    let value: u64;
    // SAFETY: reading CNTVCT_EL0 has no side effects; EL1 may access it.
    // The `isb` keeps the read from being hoisted before earlier code.
    unsafe { asm!("isb", "mrs {}, cntvct_el0", out(reg) value, options(nomem, nostack)) };
    value
}

/// CNTFRQ_EL0, the frequency of the generic timer in Hz.
pub(crate) fn counter_frequency() -> u64 {
    let value: u64;
    // SAFETY: reading CNTFRQ_EL0 has no side effects.
    unsafe { asm!("mrs {}, cntfrq_el0", out(reg) value, options(nomem, nostack)) };
    value
}

/// Write one byte to an MMIO register.
///
/// # Safety
/// `addr` must be the address of a device register the cell owns, for
/// which a byte write has no effect beyond the device's own.
pub(crate) unsafe fn mmio_write32(addr: usize, value: u32) {
    // SAFETY: the caller guarantees `addr` is an owned device register.
    unsafe { core::ptr::write_volatile(addr as *mut u32, value) };
}

/// Read a 32-bit MMIO register.
///
/// # Safety
/// As for [`mmio_write32`], for reads.
pub(crate) unsafe fn mmio_read32(addr: usize) -> u32 {
    // SAFETY: the caller guarantees `addr` is an owned device register.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}
