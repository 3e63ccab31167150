// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! A small library for bare-metal programs ("inmates") in jailhouse-rs
//! cells: start-up, console output and time.
//!
//! An inmate defines `#[no_mangle] extern "C" fn inmate_main() -> !` and
//! links with `inmate.ld`; this library provides the reset entry (stack,
//! BSS), the console found through the cell's communication region, and
//! the generic timer. Everything that is not a register access is plain
//! Rust and tested on the host.

#![cfg_attr(not(test), no_std)]

pub mod console;
pub mod timer;

#[cfg(target_arch = "aarch64")]
mod arch;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod startup;

pub use console::Console;

/// Guest-physical address of the communication region in every demo
/// cell config (`JAILHOUSE_MEM_COMM_REGION` region).
pub const COMM_REGION_BASE: usize = 0x8000_0000;

/// Write formatted text to the cell's console.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let mut console = $crate::console::Console::get();
        let _ = writeln!(console, $($arg)*);
    }};
}

/// Stop this CPU for good.
pub fn halt() -> ! {
    loop {
        #[cfg(target_arch = "aarch64")]
        arch::wfi();
        #[cfg(not(target_arch = "aarch64"))]
        core::hint::spin_loop();
    }
}
