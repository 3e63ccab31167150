// SPDX-License-Identifier: GPL-2.0-only

//! The CPU-facing layer. Only this module (and its children) may contain
//! inline assembly or name system registers; everything it offers to the
//! core has a host fallback so the core's logic is testable off target.

#[cfg(target_arch = "aarch64")]
pub(crate) mod aarch64;

/// Idle the CPU until an event arrives. Spin loops use this so that QEMU in
/// `-icount` mode keeps making progress.
#[inline]
pub fn wait_for_event() {
    #[cfg(target_arch = "aarch64")]
    aarch64::wfe();
    #[cfg(not(target_arch = "aarch64"))]
    core::hint::spin_loop();
}

/// Wake CPUs waiting in [`wait_for_event`].
#[inline]
pub fn send_event() {
    #[cfg(target_arch = "aarch64")]
    aarch64::sev();
}
