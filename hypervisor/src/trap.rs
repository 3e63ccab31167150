// SPDX-License-Identifier: GPL-2.0-only

//! Classifying exceptions taken from the root cell to EL2.
//!
//! This module owns the decoding of ESR_EL2 into what the hypervisor
//! should do about an exit. It reads no registers: the arch layer passes
//! the syndrome value in, the core acts on the [`Exit`] that comes out.

use jailhouse_abi::hypercall::HVC_CODE;

/// Exception class: HVC from AArch64.
pub const EC_HVC64: u64 = 0x16;
/// Exception class: SMC from AArch64.
pub const EC_SMC64: u64 = 0x17;
/// Exception class: trapped MSR/MRS/system instruction.
pub const EC_SYS64: u64 = 0x18;
/// Exception class: instruction abort from a lower EL.
pub const EC_IABT_LOW: u64 = 0x20;
/// Exception class: data abort from a lower EL.
pub const EC_DABT_LOW: u64 = 0x24;

/// What a synchronous exit from a lower EL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `hvc #0x4a48`: a Jailhouse hypercall.
    Hypercall,
    /// `hvc #0`: a call meant for Linux's hyp stub (HVC_SOFT_RESTART,
    /// HVC_RESET_VECTORS, ...), which the stub no longer serves.
    HypStubCall,
    /// Anything else; the CPU cannot continue. Carries the exception class.
    Unhandled(u64),
}

/// Exception class of a syndrome.
pub const fn exception_class(esr: u64) -> u64 {
    (esr >> 26) & 0x3f
}

/// Instruction-specific syndrome (for HVC: the immediate).
pub const fn iss(esr: u64) -> u64 {
    esr & 0x01ff_ffff
}

/// Classify a synchronous exception from a lower EL by its syndrome.
pub fn classify(esr: u64) -> Exit {
    let ec = exception_class(esr);
    match (ec, iss(esr) & 0xffff) {
        (EC_HVC64, imm) if imm == u64::from(HVC_CODE) => Exit::Hypercall,
        (EC_HVC64, 0) => Exit::HypStubCall,
        _ => Exit::Unhandled(ec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esr(ec: u64, iss: u64) -> u64 {
        (ec << 26) | (1 << 25) | iss
    }

    #[test]
    fn hvc_immediates() {
        assert_eq!(classify(esr(EC_HVC64, 0x4a48)), Exit::Hypercall);
        assert_eq!(classify(esr(EC_HVC64, 0)), Exit::HypStubCall);
        assert_eq!(classify(esr(EC_HVC64, 0x4a49)), Exit::Unhandled(EC_HVC64));
        assert_eq!(classify(esr(EC_HVC64, 1)), Exit::Unhandled(EC_HVC64));
    }

    #[test]
    fn other_classes_are_unhandled() {
        for ec in [EC_SMC64, EC_SYS64, EC_IABT_LOW, EC_DABT_LOW, 0, 0x3f] {
            assert_eq!(classify(esr(ec, 0x4a48)), Exit::Unhandled(ec));
        }
        assert_eq!(exception_class(esr(EC_DABT_LOW, 0x1ff_ffff)), EC_DABT_LOW);
        assert_eq!(iss(esr(EC_DABT_LOW, 0x1ff_ffff)), 0x1ff_ffff);
    }
}
