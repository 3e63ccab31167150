// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! aarch64 instructions for inmates: the only module with inline `asm!`
//! (the reset code and vectors, in `startup.rs`, are `global_asm!`).
//!
//! It owns how each register or barrier is reached, not when: callers
//! decide the order and argue it. MMIO goes through plain `ldr`/`str` of
//! one register without writeback, so that a trapped access reaches the
//! hypervisor with a valid syndrome (ESR_EL2.ISV) it can emulate.

use core::arch::asm;

/// `wfi`: wait for an interrupt.
pub(crate) fn wfi() {
    // SAFETY: `wfi` only pauses the CPU; no memory or Rust-visible state
    // changes.
    unsafe { asm!("wfi", options(nomem, nostack, preserves_flags)) };
}

/// `yield`: the hint busy-wait loops use, so that QEMU's icount mode
/// switches vCPUs instead of livelocking.
pub(crate) fn cpu_relax() {
    // SAFETY: a hint without architectural effect.
    unsafe { asm!("yield", options(nomem, nostack, preserves_flags)) };
}

/// Unmask IRQs (PSTATE.I = 0).
pub(crate) fn enable_irqs() {
    // SAFETY: changes only PSTATE.I. Not `nomem`: interrupt handlers may
    // touch memory from here on, so the compiler must not move accesses
    // across.
    unsafe { asm!("msr daifclr, #2", options(nostack, preserves_flags)) };
}

/// Mask IRQs (PSTATE.I = 1).
pub(crate) fn disable_irqs() {
    // SAFETY: as for `enable_irqs`.
    unsafe { asm!("msr daifset, #2", options(nostack, preserves_flags)) };
}

/// Mask debug, SError, IRQ and FIQ.
pub(crate) fn mask_all() {
    // SAFETY: as for `enable_irqs`.
    unsafe { asm!("msr daifset, #0xf", options(nostack, preserves_flags)) };
}

/// `dmb ishst`: stores before it are observed by the inner-shareable
/// domain (the hypervisor's CPUs) before stores after it.
pub(crate) fn dmb_ishst() {
    // SAFETY: a barrier; no state but ordering changes.
    unsafe { asm!("dmb ishst", options(nostack, preserves_flags)) };
}

/// `dsb ishst` then `isb`: new translation table entries are visible to
/// the table walker before any later instruction uses them.
pub(crate) fn dsb_ishst_isb() {
    // SAFETY: barriers only.
    unsafe { asm!("dsb ishst", "isb", options(nostack, preserves_flags)) };
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

/// Program the virtual timer: compare value CNTV_CVAL_EL0, then control
/// CNTV_CTL_EL0, in that order (a new compare value before enabling, so
/// no stale expiry fires).
pub(crate) fn write_virt_timer(cval: u64, ctl: u64) {
    // SAFETY: the virtual timer belongs to this CPU's EL1; writing it has
    // no effect beyond its interrupt (PPI 27).
    unsafe {
        asm!(
            "msr cntv_cval_el0, {cval}",
            "msr cntv_ctl_el0, {ctl}",
            "isb",
            cval = in(reg) cval,
            ctl = in(reg) ctl,
            options(nomem, nostack, preserves_flags)
        )
    };
}

/// Write CNTV_TVAL_EL0 (expiry relative to now) and then CNTV_CTL_EL0.
pub(crate) fn write_virt_timer_tval(tval: u64, ctl: u64) {
    // SAFETY: as for `write_virt_timer`.
    unsafe {
        asm!(
            "msr cntv_tval_el0, {tval}",
            "msr cntv_ctl_el0, {ctl}",
            "isb",
            tval = in(reg) tval,
            ctl = in(reg) ctl,
            options(nomem, nostack, preserves_flags)
        )
    };
}

macro_rules! sysreg_read {
    ($(#[$meta:meta])* $name:ident, $reg:literal) => {
        $(#[$meta])*
        pub(crate) fn $name() -> u64 {
            let value: u64;
            // SAFETY: reading this register has no side effects.
            unsafe {
                asm!(concat!("mrs {}, ", $reg), out(reg) value, options(nomem, nostack, preserves_flags))
            };
            value
        }
    };
}

sysreg_read!(
    /// ESR_EL1: syndrome of the last exception taken to EL1.
    read_esr,
    "esr_el1"
);
sysreg_read!(
    /// FAR_EL1: faulting address of the last abort.
    read_far,
    "far_el1"
);
sysreg_read!(
    /// ELR_EL1: return address of the current exception.
    read_elr,
    "elr_el1"
);
sysreg_read!(
    /// SPSR_EL1: saved PSTATE of the current exception.
    read_spsr,
    "spsr_el1"
);
sysreg_read!(
    /// MPIDR_EL1 (as the hypervisor presents it through VMPIDR_EL2).
    read_mpidr,
    "mpidr_el1"
);
sysreg_read!(
    /// ID_AA64MMFR0_EL1: PARange in bits 3:0.
    read_id_aa64mmfr0,
    "id_aa64mmfr0_el1"
);
sysreg_read!(
    /// CTR_EL0: DminLine in bits 19:16.
    read_ctr,
    "ctr_el0"
);
#[cfg(feature = "bare-metal")]
sysreg_read!(
    /// ID_AA64PFR0_EL1: GIC system-register interface in bits 27:24.
    read_id_aa64pfr0,
    "id_aa64pfr0_el1"
);

/// Invalidate the data cache lines covering `[start, end)` to the point
/// of coherency (`dc ivac`), then `dsb sy`.
///
/// # Safety
/// The range must be memory this cell owns whose cached copies may be
/// discarded: the memory itself holds the data that counts (it was written
/// with the MMU off), and no dirty line of it holds anything newer.
pub(crate) unsafe fn dcache_invalidate_range(start: usize, end: usize) {
    let line = 4usize << ((read_ctr() >> 16) & 0xf);
    let mut addr = start & !(line - 1);
    while addr < end {
        // SAFETY: `addr` lies in the caller's range (rounded down to a
        // line), whose cached copies the caller allows to be discarded.
        unsafe { asm!("dc ivac, {}", in(reg) addr, options(nostack, preserves_flags)) };
        addr += line;
    }
    // SAFETY: a barrier: the invalidations complete before what follows.
    unsafe { asm!("dsb sy", options(nostack, preserves_flags)) };
}

/// Turn the stage-1 MMU and the caches on.
///
/// # Safety
/// The tables at `ttbr0` must identity-map everything the program uses
/// from here on (code, data, stack) and must have been made visible at
/// the point of coherency; the MMU must be off; `mair`, `tcr` and `sctlr`
/// must be values that describe those tables.
pub(crate) unsafe fn enable_mmu(mair: u64, tcr: u64, ttbr0: u64, sctlr: u64) {
    // SAFETY: the caller guarantees the tables identity-map the code and
    // stack, so execution continues at the next instruction with the same
    // data. Stale TLB entries of a previous incarnation of this cell and
    // stale instructions are dropped before the translation and the
    // instruction cache go on.
    unsafe {
        asm!(
            "msr mair_el1, {mair}",
            "msr tcr_el1, {tcr}",
            "msr ttbr0_el1, {ttbr0}",
            "isb",
            "tlbi vmalle1",
            "ic iallu",
            "dsb ish",
            "isb",
            "msr sctlr_el1, {sctlr}",
            "isb",
            mair = in(reg) mair,
            tcr = in(reg) tcr,
            ttbr0 = in(reg) ttbr0,
            sctlr = in(reg) sctlr,
            options(nostack, preserves_flags)
        )
    };
}

/// Read a 32-bit MMIO register with a single `ldr`.
///
/// # Safety
/// `addr` must be a 4-byte aligned, mapped device register the read of
/// which has no effect beyond the device's own.
pub(crate) unsafe fn mmio_read32(addr: usize) -> u32 {
    let value: u32;
    // SAFETY: the caller guarantees `addr` is a mapped device register.
    unsafe {
        asm!("ldr {v:w}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
    };
    value
}

/// Write a 32-bit MMIO register with a single `str`.
///
/// # Safety
/// `addr` must be a 4-byte aligned, mapped device register the write of
/// which has no effect beyond the device's own.
pub(crate) unsafe fn mmio_write32(addr: usize, value: u32) {
    // SAFETY: the caller guarantees `addr` is a mapped device register.
    unsafe {
        asm!("str {v:w}, [{a}]", a = in(reg) addr, v = in(reg) value, options(nostack, preserves_flags))
    };
}

/// Read an 8-bit MMIO register with a single `ldrb`.
///
/// # Safety
/// As [`mmio_read32`], for one byte.
pub(crate) unsafe fn mmio_read8(addr: usize) -> u8 {
    let value: u32;
    // SAFETY: the caller guarantees `addr` is a mapped device register.
    unsafe {
        asm!("ldrb {v:w}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
    };
    value as u8
}

/// Read a 16-bit MMIO register with a single `ldrh`.
///
/// # Safety
/// As [`mmio_read32`], 2-byte aligned.
pub(crate) unsafe fn mmio_read16(addr: usize) -> u16 {
    let value: u32;
    // SAFETY: the caller guarantees `addr` is a mapped device register.
    unsafe {
        asm!("ldrh {v:w}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
    };
    value as u16
}

/// Read a 64-bit MMIO register with a single `ldr`.
///
/// # Safety
/// As for [`mmio_read32`], 8-byte aligned.
pub(crate) unsafe fn mmio_read64(addr: usize) -> u64 {
    let value: u64;
    // SAFETY: the caller guarantees `addr` is a mapped device register.
    unsafe {
        asm!("ldr {v}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
    };
    value
}

/// Write a 64-bit MMIO register with a single `str`.
///
/// # Safety
/// As for [`mmio_write32`], 8-byte aligned.
pub(crate) unsafe fn mmio_write64(addr: usize, value: u64) {
    // SAFETY: the caller guarantees `addr` is a mapped device register.
    unsafe {
        asm!("str {v}, [{a}]", a = in(reg) addr, v = in(reg) value, options(nostack, preserves_flags))
    };
}

/// GICv3 CPU interface (virtual, under the hypervisor): the system
/// registers the inmate's GIC driver uses.
pub(crate) mod icc {
    use core::arch::asm;

    /// Set ICC_SRE_EL1.SRE (system-register interface), keep the rest.
    pub(crate) fn enable_sre() {
        // SAFETY: selects the system-register interface of this CPU's
        // (virtual) GIC CPU interface; under a GICv3 hypervisor it is
        // already on, and the bit then reads as one and ignores writes.
        unsafe {
            asm!(
                "mrs {t}, icc_sre_el1",
                "orr {t}, {t}, #1",
                "msr icc_sre_el1, {t}",
                "isb",
                t = out(reg) _,
                options(nomem, nostack, preserves_flags)
            )
        };
    }

    /// Write ICC_PMR_EL1 (priority mask).
    pub(crate) fn write_pmr(value: u64) {
        // SAFETY: affects only which interrupts this CPU is signalled.
        unsafe {
            asm!("msr icc_pmr_el1, {}", in(reg) value, options(nomem, nostack, preserves_flags))
        };
    }

    /// Write ICC_IGRPEN1_EL1 (group 1 enable), then `isb`.
    pub(crate) fn write_igrpen1(value: u64) {
        // SAFETY: affects only whether this CPU is signalled group 1
        // interrupts.
        unsafe {
            asm!("msr icc_igrpen1_el1, {}", "isb", in(reg) value, options(nomem, nostack, preserves_flags))
        };
    }

    /// Read ICC_IAR1_EL1: acknowledge the highest-priority pending
    /// interrupt.
    pub(crate) fn read_iar1() -> u64 {
        let value: u64;
        // SAFETY: acknowledging changes only GIC state; the caller pairs it
        // with an EOI. Not `nomem`, so the handler's accesses stay after it.
        unsafe { asm!("mrs {}, icc_iar1_el1", out(reg) value, options(nostack, preserves_flags)) };
        value
    }

    /// Write ICC_EOIR1_EL1: end (and, with EOImode 0, deactivate) an
    /// interrupt.
    pub(crate) fn write_eoir1(value: u64) {
        // SAFETY: ends the interrupt the caller acknowledged. Not `nomem`,
        // so the handler's accesses complete in program order before it.
        unsafe { asm!("msr icc_eoir1_el1, {}", in(reg) value, options(nostack, preserves_flags)) };
    }

    /// Write ICC_SGI1R_EL1: generate the group 1 SGI `value` encodes, then
    /// `isb`.
    pub(crate) fn write_sgi1r(value: u64) {
        // SAFETY: raises an SGI; the hypervisor delivers it only to CPUs
        // of this cell. Not `nomem`: the handler may run right after.
        unsafe {
            asm!("msr icc_sgi1r_el1, {}", "isb", in(reg) value, options(nostack, preserves_flags))
        };
    }
}

/// The PMU registers `crate::pmu` uses.
pub(crate) mod pmu {
    use core::arch::asm;

    sysreg_read!(
        /// ID_AA64DFR0_EL1: PMUVer in bits 11:8.
        read_id_aa64dfr0,
        "id_aa64dfr0_el1"
    );
    sysreg_read!(
        /// PMCR_EL0: N in bits 15:11.
        read_pmcr,
        "pmcr_el0"
    );
    sysreg_read!(
        /// PMCEID0_EL0: which common events 0-31 are counted.
        read_pmceid0,
        "pmceid0_el0"
    );

    /// Program event counter 0 with `evtyper`, zero it, write `pmcr` and
    /// enable the counter, then `isb`.
    pub(crate) fn program_counter0(evtyper: u64, pmcr: u64) {
        // SAFETY: configures counter 0 of this CPU's PMU, which the cell
        // owns with the CPU; no memory is touched. Disabled while it is
        // reprogrammed, enabled last.
        unsafe {
            asm!(
                "msr pmcntenclr_el0, {bit}",
                "msr pmevtyper0_el0, {evtyper}",
                "msr pmevcntr0_el0, xzr",
                "msr pmcr_el0, {pmcr}",
                "msr pmcntenset_el0, {bit}",
                "isb",
                bit = in(reg) 1u64,
                evtyper = in(reg) evtyper,
                pmcr = in(reg) pmcr,
                options(nomem, nostack, preserves_flags)
            )
        };
    }

    /// Event counter 0, read after an `isb` so that earlier instructions
    /// are counted.
    pub(crate) fn read_counter0() -> u64 {
        let value: u64;
        // SAFETY: reading a counter has no side effects.
        unsafe {
            asm!("isb", "mrs {}, pmevcntr0_el0", out(reg) value, options(nomem, nostack, preserves_flags))
        };
        value
    }
}

/// `smc #0` with `x0` = function ID, `x1`-`x3` = arguments; the result in
/// `x0` (SMC Calling Convention, as PSCI uses it).
///
/// # Safety
/// The call must be one this cell may make; calls that pass addresses
/// need them to be valid for what the call does with them.
pub(crate) unsafe fn smc(function: u64, arg1: u64, arg2: u64, arg3: u64) -> u64 {
    let result: u64;
    // SAFETY: forwarded from the caller. SMCCC lets the callee clobber
    // x0-x17; they are declared so.
    unsafe {
        asm!(
            "smc #0",
            inout("x0") function => result,
            inout("x1") arg1 => _,
            inout("x2") arg2 => _,
            inout("x3") arg3 => _,
            out("x4") _, out("x5") _, out("x6") _, out("x7") _,
            out("x8") _, out("x9") _, out("x10") _, out("x11") _,
            out("x12") _, out("x13") _, out("x14") _, out("x15") _,
            out("x16") _, out("x17") _,
            options(nostack)
        )
    };
    result
}

/// `hvc #0x4a48` with `x0` = code, `x1`/`x2` = arguments; result in `x0`.
///
/// # Safety
/// The hypercall must be one this cell may issue with these arguments;
/// hypercalls that make the hypervisor read the cell's memory need that
/// memory to be valid.
pub(crate) unsafe fn hvc(code: u64, arg1: u64, arg2: u64) -> i64 {
    let result: i64;
    // SAFETY: forwarded from the caller. The hypervisor preserves every
    // register but x0; x1-x3 are declared clobbered anyway, as newer
    // Jailhouse guests do.
    unsafe {
        asm!(
            "hvc #0x4a48",
            inout("x0") code => result,
            inout("x1") arg1 => _,
            inout("x2") arg2 => _,
            out("x3") _,
            options(nostack)
        )
    };
    result
}

/// A PSCI call through the `hvc` conduit (`hvc #0`, SMC Calling
/// Convention): `x0` = function ID, result in `x0`. Only the bare-metal
/// flavour calls PSCI itself; in a cell, `hvc` belongs to the hypervisor.
///
/// # Safety
/// The machine's PSCI implementation must use the `hvc` conduit, and the
/// function must take no arguments (x1-x3 are passed as zero) and be
/// one the program may call.
#[cfg(feature = "bare-metal")]
pub(crate) unsafe fn psci_hvc(function: u64) -> u64 {
    let result: u64;
    // SAFETY: forwarded from the caller. SMCCC lets the callee clobber
    // x0-x17; all of them are declared.
    unsafe {
        asm!(
            "hvc #0",
            inout("x0") function => result,
            inout("x1") 0u64 => _,
            inout("x2") 0u64 => _,
            inout("x3") 0u64 => _,
            out("x4") _, out("x5") _, out("x6") _, out("x7") _,
            out("x8") _, out("x9") _, out("x10") _, out("x11") _,
            out("x12") _, out("x13") _, out("x14") _, out("x15") _,
            out("x16") _, out("x17") _,
            options(nostack)
        )
    };
    result
}
