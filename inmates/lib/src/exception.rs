// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! What the EL1 exception vectors (in `startup.rs`) do: IRQs go to the
//! GIC driver; every other exception is a bug or a refusal by the
//! hypervisor, so it is printed (vector, ESR_EL1, FAR_EL1, ELR_EL1,
//! SPSR_EL1) and the CPU stops instead of hanging silently.
//!
//! The names and the text are plain functions, tested on the host.

use core::fmt;

/// Vector offset / 0x80 of an IRQ taken from EL1 with SP_EL1 (the only
/// exception an inmate expects).
pub const VECTOR_IRQ_CURRENT_EL: u64 = 5;

/// The name of exception vector `index` (offset / 0x80).
pub const fn vector_name(index: u64) -> &'static str {
    match index {
        0 => "synchronous, EL1 with SP_EL0",
        1 => "IRQ, EL1 with SP_EL0",
        2 => "FIQ, EL1 with SP_EL0",
        3 => "SError, EL1 with SP_EL0",
        4 => "synchronous",
        5 => "IRQ",
        6 => "FIQ",
        7 => "SError",
        8 => "synchronous, from EL0 (AArch64)",
        9 => "IRQ, from EL0 (AArch64)",
        10 => "FIQ, from EL0 (AArch64)",
        11 => "SError, from EL0 (AArch64)",
        12 => "synchronous, from EL0 (AArch32)",
        13 => "IRQ, from EL0 (AArch32)",
        14 => "FIQ, from EL0 (AArch32)",
        15 => "SError, from EL0 (AArch32)",
        _ => "unknown",
    }
}

/// The name of exception class `ec` (ESR_EL1[31:26]) for the classes an
/// EL1 inmate can meet.
pub const fn exception_class_name(ec: u32) -> &'static str {
    match ec {
        0x00 => "unknown reason",
        0x01 => "trapped WFI/WFE",
        0x07 => "FP/SIMD access trapped",
        0x0e => "illegal execution state",
        0x15 => "SVC",
        0x16 => "HVC",
        0x17 => "SMC",
        0x18 => "trapped system register access",
        0x20 => "instruction abort, lower EL",
        0x21 => "instruction abort",
        0x22 => "PC alignment fault",
        0x24 => "data abort, lower EL",
        0x25 => "data abort",
        0x26 => "SP alignment fault",
        0x2f => "SError",
        0x30 | 0x31 => "breakpoint",
        0x32 | 0x33 => "software step",
        0x34 | 0x35 => "watchpoint",
        0x3c => "BRK instruction",
        _ => "other",
    }
}

/// The state of an unexpected exception, as read from the EL1 registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// Vector index (offset / 0x80).
    pub vector: u64,
    /// ESR_EL1.
    pub esr: u64,
    /// FAR_EL1 (meaningful for aborts).
    pub far: u64,
    /// ELR_EL1: where the exception was taken.
    pub elr: u64,
    /// SPSR_EL1.
    pub spsr: u64,
}

impl Fault {
    /// ESR_EL1.EC.
    pub const fn exception_class(&self) -> u32 {
        ((self.esr >> 26) & 0x3f) as u32
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ec = self.exception_class();
        writeln!(
            f,
            "Unhandled exception: {} (vector {:#x})",
            vector_name(self.vector),
            self.vector * 0x80
        )?;
        writeln!(
            f,
            "  ESR_EL1: {:#010x} (EC {:#04x}: {})",
            self.esr,
            ec,
            exception_class_name(ec)
        )?;
        writeln!(f, "  FAR_EL1: {:#018x}", self.far)?;
        writeln!(f, "  ELR_EL1: {:#018x}", self.elr)?;
        write!(f, "  SPSR_EL1: {:#010x}", self.spsr)
    }
}

/// Entry from the vectors: `vector` is the vector's offset / 0x80.
/// Interrupted registers x0-x18, x29, x30 are saved by the vector code.
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
#[no_mangle]
extern "C" fn __inmate_exception(vector: u64) {
    use core::sync::atomic::{AtomicBool, Ordering};

    use crate::arch;

    static IN_FAULT: AtomicBool = AtomicBool::new(false);

    if vector == VECTOR_IRQ_CURRENT_EL && crate::gic::handle_irq() {
        return;
    }
    // A fault while reporting a fault (e.g. an unmapped console): stop
    // quietly rather than recurse. One CPU, and a nested fault can only
    // come after the store: no read-modify-write (exclusives) needed,
    // which keeps this path usable before the MMU is on.
    if IN_FAULT.load(Ordering::Relaxed) {
        crate::stop();
    }
    IN_FAULT.store(true, Ordering::Relaxed);
    let fault = Fault {
        vector,
        esr: arch::read_esr(),
        far: arch::read_far(),
        elr: arch::read_elr(),
        spsr: arch::read_spsr(),
    };
    if vector == VECTOR_IRQ_CURRENT_EL {
        crate::println!("IRQ before gic::init; cannot acknowledge it");
    }
    crate::println!("{}", fault);
    crate::stop();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_abort_report() {
        let fault = Fault {
            vector: 4,
            esr: 0x9600_0006,
            far: 0x4000_0000,
            elr: 0x1234,
            spsr: 0x3c5,
        };
        assert_eq!(fault.exception_class(), 0x25);
        assert_eq!(
            fault.to_string(),
            "Unhandled exception: synchronous (vector 0x200)\n\
             \x20 ESR_EL1: 0x96000006 (EC 0x25: data abort)\n\
             \x20 FAR_EL1: 0x0000000040000000\n\
             \x20 ELR_EL1: 0x0000000000001234\n\
             \x20 SPSR_EL1: 0x000003c5"
        );
    }

    #[test]
    fn names() {
        assert_eq!(vector_name(VECTOR_IRQ_CURRENT_EL), "IRQ");
        assert_eq!(vector_name(7), "SError");
        assert_eq!(vector_name(16), "unknown");
        assert_eq!(exception_class_name(0x21), "instruction abort");
        assert_eq!(exception_class_name(0x3f), "other");
    }
}
