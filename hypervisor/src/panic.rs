// SPDX-License-Identifier: GPL-2.0-only

//! Last resort for a bug in the hypervisor itself. Guest input must never
//! get here: errors caused by cells are reported through typed errors.

use core::panic::PanicInfo;

#[panic_handler]
fn panic(_info: &PanicInfo<'_>) -> ! {
    loop {
        crate::arch::wait_for_event();
    }
}
