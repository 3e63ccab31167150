// SPDX-License-Identifier: GPL-2.0-only

//! aarch64 specifics: the image entry point and CPU hint instructions.

use core::arch::{asm, global_asm};

use crate::layout::PERCPU_SIZE;

// The driver enters the image through the Linux hyp stub's
// HVC_SOFT_RESTART call: EL2, MMU off, x0..x2 = driver arguments, and
// ELR_EL2/SPSR_EL2 still pointing back at the driver. Until the EL2
// bring-up exists the entry declines politely: it returns -ENOSYS to the
// driver without touching any state.
global_asm!(
    ".section .text.entry, \"ax\"",
    ".global arch_entry",
    ".type arch_entry, %function",
    "arch_entry:",
    "    mov x0, #-38", // -ENOSYS
    "    eret",
    ".size arch_entry, . - arch_entry",
    // Export the per-CPU size to the linker script's image header.
    ".global __percpu_size",
    ".set __percpu_size, {percpu_size}",
    percpu_size = const PERCPU_SIZE,
);

/// `wfe`: wait for an event (or any interrupt).
#[inline]
pub(crate) fn wfe() {
    // SAFETY: `wfe` only pauses the CPU; it reads or writes no memory and
    // changes no architectural state visible to Rust.
    unsafe { asm!("wfe", options(nomem, nostack, preserves_flags)) };
}
