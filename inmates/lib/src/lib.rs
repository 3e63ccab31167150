// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! A small library for bare-metal programs ("inmates") in jailhouse-rs
//! cells on arm64.
//!
//! An inmate defines `#[no_mangle] extern "C" fn inmate_main() -> !` and
//! links with `inmate.ld`. This library provides:
//!
//! * the reset entry and EL1 exception vectors (`startup.rs`): BSS, stack,
//!   MMU and caches on ([`mmu`]), the communication region checked
//!   ([`comm`]), console and GIC mapped, then `inmate_main` with IRQs
//!   masked; unexpected exceptions are printed ([`exception`]);
//! * the console found through the communication region ([`console`],
//!   [`println!`]);
//! * the GIC, v2 or v3 as the communication region says, and the IRQ path
//!   to a registered handler ([`gic`]);
//! * the generic timer ([`timer`]), the command line ([`cmdline`]),
//!   hypercalls ([`hypercall`]) and device access ([`mmio`]).
//!
//! The `bare-metal` feature builds the same library for QEMU's virt board
//! without a hypervisor ([`bare_metal`]): linked in RAM
//! (`inmate-bare-metal.ld`), the board's devices instead of the
//! communication region's, and [`finish`] powers the machine off. Cells
//! never use it, and a cell build contains none of its hardware code.
//!
//! Everything that is not a register access is plain Rust and tested on
//! the host; the hardware parts exist only for
//! `aarch64-unknown-none(-softfloat)`.

#![cfg_attr(not(test), no_std)]

pub mod cmdline;
pub mod comm;
pub mod console;
pub mod exception;
pub mod gic;
pub mod hypercall;
pub mod mmu;
pub mod pmu;
pub mod psci;
pub mod timer;

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod arch;
pub mod bare_metal;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub mod mmio;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod startup;

#[cfg(all(
    target_arch = "aarch64",
    target_os = "none",
    not(feature = "bare-metal")
))]
pub use comm::comm_region;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use comm::poll_shutdown;
pub use comm::COMM_REGION_BASE;
pub use console::Console;

/// Whether this is the bare-metal flavour (feature `bare-metal`): the
/// program runs on QEMU's virt board without a hypervisor.
pub const BARE_METAL: bool = cfg!(feature = "bare-metal");

/// Write formatted text to the cell's console.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let mut console = $crate::console::Console::get();
        let _ = writeln!(console, $($arg)*);
    }};
}

/// Unmask IRQs on this CPU (after [`gic::init`] and
/// [`gic::set_irq_handler`]).
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn enable_irqs() {
    arch::enable_irqs();
}

/// Mask IRQs on this CPU.
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn disable_irqs() {
    arch::disable_irqs();
}

/// Wait for an interrupt (`wfi`). Returns after the interrupt was handled
/// (IRQs unmasked) or once one is pending (IRQs masked).
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn wait_for_interrupt() {
    arch::wfi();
}

/// Sleep between interrupts for good: interrupts stay as they are, so
/// their handlers keep running.
pub fn halt() -> ! {
    loop {
        #[cfg(all(target_arch = "aarch64", target_os = "none"))]
        arch::wfi();
        #[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
        core::hint::spin_loop();
    }
}

/// The program has nothing more to do. In a cell: keep handling
/// interrupts and answering the hypervisor until the cell is shut down
/// (a cell cannot end itself). In the bare-metal flavour: power the
/// machine off (PSCI SYSTEM_OFF), which ends QEMU.
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn finish() -> ! {
    #[cfg(feature = "bare-metal")]
    bare_metal::power_off();
    #[cfg(not(feature = "bare-metal"))]
    loop {
        arch::wfi();
        poll_shutdown();
    }
}

/// Stop this CPU for good: mask all interrupts, then wait.
pub fn stop() -> ! {
    #[cfg(all(target_arch = "aarch64", target_os = "none"))]
    arch::mask_all();
    halt()
}
