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
    /// `smc`: a PSCI or other SMCCC call (trapped by `HCR_EL2.TSC`).
    Smc,
    /// A stage-2 fault on a data access.
    DataAbort(DataAbort),
    /// A stage-2 fault on an instruction fetch.
    InstructionAbort,
    /// A write to `ICC_SGI1R_EL1` (trapped while `HCR_EL2.IMO` is set):
    /// a cell sends an SGI; the value is in register `rt` (31 = XZR).
    SgiWrite {
        /// Source register.
        rt: u32,
    },
    /// Anything else; the CPU cannot continue. Carries the exception class.
    Unhandled(u64),
}

/// The decoded syndrome of a data abort from a lower EL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataAbort {
    /// The syndrome describes the access (ISV): size, register, direction.
    pub valid: bool,
    /// Access size in bytes.
    pub size: u32,
    /// A write (WnR).
    pub write: bool,
    /// Transfer register (SRT; 31 = XZR).
    pub reg: u32,
    /// Sign-extend a read (SSE).
    pub sign_extend: bool,
    /// The register is 64 bits wide (SF), not a W register.
    pub sixty_four: bool,
    /// 32-bit instruction (IL); the skip is 4 bytes, else 2.
    pub long_insn: bool,
}

impl DataAbort {
    /// Decode the ISS of a data abort.
    pub const fn decode(esr: u64) -> Self {
        Self {
            valid: esr & (1 << 24) != 0,
            size: 1 << ((esr >> 22) & 3),
            write: esr & (1 << 6) != 0,
            reg: ((esr >> 16) & 0x1f) as u32,
            sign_extend: esr & (1 << 21) != 0,
            sixty_four: esr & (1 << 15) != 0,
            long_insn: esr & (1 << 25) != 0,
        }
    }

    /// The value the transfer register receives for a read that
    /// returned `raw` (only its low `size` bytes count): zero-extended, or
    /// sign-extended when the syndrome says so (SSE), to 64 bits for an X
    /// register and to 32 bits, upper half zero, for a W register (SF).
    pub const fn read_result(&self, raw: u64) -> u64 {
        let bits = self.size * 8;
        if bits >= 64 {
            return raw;
        }
        let value = raw & ((1u64 << bits) - 1);
        if !self.sign_extend {
            return value;
        }
        let shift = 64 - bits;
        let extended = (((value << shift) as i64) >> shift) as u64;
        if self.sixty_four {
            extended
        } else {
            extended & 0xffff_ffff
        }
    }

    /// The bytes a write stores, from the transfer register's value.
    pub const fn write_value(&self, register: u64) -> u64 {
        if self.size >= 8 {
            register
        } else {
            register & ((1u64 << (self.size * 8)) - 1)
        }
    }

    /// Intermediate physical address of the fault, from `HPFAR_EL2` and
    /// the page offset in `FAR_EL2`.
    pub const fn ipa(hpfar: u64, far: u64) -> u64 {
        ((hpfar & 0x0000_0fff_ffff_fff0) << 8) | (far & 0xfff)
    }
}

/// How a synchronous external abort is delivered to a cell's EL1 for a
/// data access it may not make (the way hardware would report a bus
/// error): the offset into `VBAR_EL1` and the `ESR_EL1` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbortInjection {
    /// Vector offset from `VBAR_EL1`.
    pub vector_offset: u64,
    /// `ESR_EL1`: data abort, IL, WnR, DFSC = synchronous external abort.
    pub esr: u64,
}

/// Exception class: data abort from the same EL (EL1 into EL1).
pub const EC_DABT_CUR: u64 = 0x25;

/// The abort to inject for a faulting access made in the mode of
/// `spsr` (the guest's PSTATE, from `SPSR_EL2`).
pub const fn data_abort_injection(spsr: u64, write: bool) -> AbortInjection {
    let (vector_offset, ec) = if spsr & (1 << 4) != 0 {
        (0x600, EC_DABT_LOW) // AArch32 EL0
    } else {
        match spsr & 0xf {
            0 => (0x400, EC_DABT_LOW), // EL0t
            4 => (0x000, EC_DABT_CUR), // EL1t
            _ => (0x200, EC_DABT_CUR), // EL1h
        }
    };
    let wnr = if write { 1 << 6 } else { 0 };
    AbortInjection {
        vector_offset,
        esr: (ec << 26) | (1 << 25) | wnr | 0x10,
    }
}

/// Exception class of a syndrome.
pub const fn exception_class(esr: u64) -> u64 {
    (esr >> 26) & 0x3f
}

/// Instruction-specific syndrome (for HVC: the immediate).
pub const fn iss(esr: u64) -> u64 {
    esr & 0x01ff_ffff
}

/// ISS of a trapped `msr icc_sgi1r_el1, xN` with the register field
/// (bits 9:5) cleared: Op0 3, Op2 5, Op1 0, CRn 12, CRm 11, write.
const ISS_SGI1R_WRITE: u64 = 0x003a_3016;
/// The ISS bits that name a system register and direction (all but Rt).
const ISS_SYSREG_MASK: u64 = 0x003f_fc1f;

/// Classify a synchronous exception from a lower EL by its syndrome.
pub fn classify(esr: u64) -> Exit {
    let ec = exception_class(esr);
    match (ec, iss(esr) & 0xffff) {
        (EC_HVC64, imm) if imm == u64::from(HVC_CODE) => Exit::Hypercall,
        (EC_HVC64, 0) => Exit::HypStubCall,
        (EC_SMC64, _) => Exit::Smc,
        (EC_DABT_LOW, _) => Exit::DataAbort(DataAbort::decode(esr)),
        (EC_IABT_LOW, _) => Exit::InstructionAbort,
        (EC_SYS64, _) if iss(esr) & ISS_SYSREG_MASK == ISS_SGI1R_WRITE => Exit::SgiWrite {
            rt: ((esr >> 5) & 0x1f) as u32,
        },
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
        for ec in [EC_SYS64, 0, 0x3f] {
            assert_eq!(classify(esr(ec, 0x4a48)), Exit::Unhandled(ec));
        }
        assert_eq!(classify(esr(EC_SMC64, 0)), Exit::Smc);
        assert_eq!(classify(esr(EC_IABT_LOW, 0xf)), Exit::InstructionAbort);
        assert_eq!(exception_class(esr(EC_DABT_LOW, 0x1ff_ffff)), EC_DABT_LOW);
        assert_eq!(iss(esr(EC_DABT_LOW, 0x1ff_ffff)), 0x1ff_ffff);
    }

    #[test]
    fn sgi_register_writes() {
        // msr icc_sgi1r_el1, x3 (ISS from the Arm ARM encoding).
        assert_eq!(
            classify(esr(EC_SYS64, ISS_SGI1R_WRITE | 3 << 5)),
            Exit::SgiWrite { rt: 3 }
        );
        // The read direction, and ICC_ASGI1R_EL1 (Op2 6), are not it.
        assert_eq!(
            classify(esr(EC_SYS64, ISS_SGI1R_WRITE | 1)),
            Exit::Unhandled(EC_SYS64)
        );
        assert_eq!(
            classify(esr(EC_SYS64, ISS_SGI1R_WRITE ^ 3 << 17)),
            Exit::Unhandled(EC_SYS64)
        );
    }

    #[test]
    fn abort_injection_targets_the_right_vector() {
        // devmem at EL0: lower-EL vector, EC 0x24.
        let el0 = data_abort_injection(0x6000_0000, false);
        assert_eq!(
            el0,
            AbortInjection {
                vector_offset: 0x400,
                esr: 0x9200_0010
            }
        );
        // The kernel (EL1h) writing: current-EL SPx vector, EC 0x25, WnR.
        let el1h = data_abort_injection(0x3c5, true);
        assert_eq!(
            el1h,
            AbortInjection {
                vector_offset: 0x200,
                esr: 0x9600_0050
            }
        );
        assert_eq!(data_abort_injection(0x3c4, false).vector_offset, 0);
        assert_eq!(data_abort_injection(0x10, false).vector_offset, 0x600);
    }

    #[test]
    fn register_width_extension() {
        let esr = |sas: u64, sse: bool, sf: bool| {
            (1 << 24) | (sas << 22) | (u64::from(sse) << 21) | (u64::from(sf) << 15)
        };
        // ldrb w0: zero extension, stray upper bits dropped.
        let ldrb = DataAbort::decode(esr(0, false, false));
        assert_eq!(ldrb.read_result(0xffff_ff80), 0x80);
        // ldrsb w0 / ldrsb x0.
        assert_eq!(
            DataAbort::decode(esr(0, true, false)).read_result(0x80),
            0xffff_ff80
        );
        assert_eq!(
            DataAbort::decode(esr(0, true, true)).read_result(0x80),
            0xffff_ffff_ffff_ff80
        );
        assert_eq!(
            DataAbort::decode(esr(0, true, true)).read_result(0x7f),
            0x7f
        );
        // ldrsh x0, ldrh w0.
        assert_eq!(
            DataAbort::decode(esr(1, true, true)).read_result(0x8001),
            0xffff_ffff_ffff_8001
        );
        assert_eq!(
            DataAbort::decode(esr(1, false, false)).read_result(0x1_8001),
            0x8001
        );
        // ldr w0 and ldrsw x0.
        let ldr_w = DataAbort::decode(esr(2, false, false));
        assert_eq!(ldr_w.read_result(0xdead_beef), 0xdead_beef);
        assert_eq!(
            DataAbort::decode(esr(2, true, true)).read_result(0x8000_0000),
            0xffff_ffff_8000_0000
        );
        // ldr x0: everything.
        let ldr_x = DataAbort::decode(esr(3, false, true));
        assert_eq!(ldr_x.read_result(u64::MAX), u64::MAX);
        // Writes keep the access's bytes only.
        assert_eq!(ldrb.write_value(0x1234), 0x34);
        assert_eq!(ldr_w.write_value(0x1_2345_6789), 0x2345_6789);
        assert_eq!(ldr_x.write_value(u64::MAX), u64::MAX);
    }

    #[test]
    fn data_abort_syndrome() {
        // ldr w3, [x1]: ISV, SAS = 2 (word), SRT = 3, read, translation
        // fault level 3 (DFSC 0b000111).
        let read = esr(EC_DABT_LOW, (1 << 24) | (2 << 22) | (3 << 16) | 0x07);
        let Exit::DataAbort(dabt) = classify(read) else {
            panic!("not a data abort");
        };
        assert_eq!(
            dabt,
            DataAbort {
                valid: true,
                size: 4,
                write: false,
                reg: 3,
                sign_extend: false,
                sixty_four: false,
                long_insn: true,
            }
        );
        // strb wzr: byte write of XZR.
        let write = DataAbort::decode(esr(EC_DABT_LOW, (1 << 24) | (31 << 16) | (1 << 6)));
        assert_eq!((write.size, write.write, write.reg), (1, true, 31));
        // No valid syndrome (e.g. a load pair).
        assert!(!DataAbort::decode(esr(EC_DABT_LOW, 0x07)).valid);
        assert_eq!(
            DataAbort::ipa(0x0080_0000, 0xffff_0000_1234_5678),
            0x8000_0678
        );
        assert_eq!(DataAbort::ipa(0x00ff_ffff_fff0, 0x1abc), 0xffff_ffff_fabc);
    }
}
