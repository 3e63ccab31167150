// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! MMIO for programs: single 8/16/32/64-bit `ldr`/`str` accesses, which the
//! hypervisor can emulate (or refuse) when it traps them. The address
//! must be mapped first ([`crate::mmu::map_device`]; startup maps the
//! console and the GIC).

use crate::arch;

/// Read an 8-bit device register.
///
/// # Safety
/// As for [`read32`], for one byte.
pub unsafe fn read8(addr: usize) -> u8 {
    // SAFETY: forwarded from the caller.
    unsafe { arch::mmio_read8(addr) }
}

/// Read a 16-bit device register.
///
/// # Safety
/// As for [`read32`], 2-byte aligned.
pub unsafe fn read16(addr: usize) -> u16 {
    // SAFETY: forwarded from the caller.
    unsafe { arch::mmio_read16(addr) }
}

/// Read a 32-bit device register.
///
/// # Safety
/// `addr` must be 4-byte aligned and mapped (a device block), and reading
/// it must have no effect on memory the program uses. Whether the cell
/// owns it is the hypervisor's to enforce: a read it refuses parks the CPU.
pub unsafe fn read32(addr: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { arch::mmio_read32(addr) }
}

/// Write a 32-bit device register.
///
/// # Safety
/// As for [`read32`], for a write.
pub unsafe fn write32(addr: usize, value: u32) {
    // SAFETY: forwarded from the caller.
    unsafe { arch::mmio_write32(addr, value) }
}

/// Read a 64-bit device register.
///
/// # Safety
/// As for [`read32`], 8-byte aligned.
pub unsafe fn read64(addr: usize) -> u64 {
    // SAFETY: forwarded from the caller.
    unsafe { arch::mmio_read64(addr) }
}

/// Write a 64-bit device register.
///
/// # Safety
/// As for [`write32`], 8-byte aligned.
pub unsafe fn write64(addr: usize, value: u64) {
    // SAFETY: forwarded from the caller.
    unsafe { arch::mmio_write64(addr, value) }
}
