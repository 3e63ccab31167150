// SPDX-License-Identifier: GPL-2.0-only

//! GICv3 register access at EL2: the physical CPU interface (`ICC_*`),
//! the virtual interface control (`ICH_*`, list registers) and 32/64-bit
//! MMIO to the distributor and redistributors through the hypervisor's
//! device window. No decisions are made here; see `crate::vgic`.

use core::arch::asm;

macro_rules! sysreg_rw {
    ($read:ident, $write:ident, $reg:literal) => {
        sysreg_w!($write, $reg);

        #[doc = concat!("Read `", $reg, "`.")]
        #[inline]
        pub fn $read() -> u64 {
            let value: u64;
            // SAFETY: reading this GIC system register at EL2 has no side
            // effects (acknowledge registers have their own functions).
            unsafe {
                asm!(concat!("mrs {}, ", $reg), out(reg) value, options(nomem, nostack, preserves_flags))
            };
            value
        }
    };
}

macro_rules! sysreg_w {
    ($write:ident, $reg:literal) => {
        #[doc = concat!("Write `", $reg, "`.")]
        #[inline]
        pub fn $write(value: u64) {
            // SAFETY: this register only affects the GIC state of the
            // current CPU, which the hypervisor owns at EL2; callers keep
            // the interface consistent (see crate::vgic).
            unsafe {
                asm!(concat!("msr ", $reg, ", {}"), "isb", in(reg) value, options(nostack, preserves_flags))
            };
        }
    };
}

sysreg_rw!(read_ich_hcr, write_ich_hcr, "ich_hcr_el2");
sysreg_rw!(read_ich_vmcr, write_ich_vmcr, "ich_vmcr_el2");
sysreg_rw!(read_ich_ap1r0, write_ich_ap1r0, "ich_ap1r0_el2");
sysreg_rw!(read_icc_pmr, write_icc_pmr, "icc_pmr_el1");
sysreg_rw!(read_icc_bpr1, write_icc_bpr1, "icc_bpr1_el1");
sysreg_rw!(read_icc_ctlr, write_icc_ctlr, "icc_ctlr_el1");
sysreg_rw!(read_icc_igrpen1, write_icc_igrpen1, "icc_igrpen1_el1");
sysreg_rw!(read_icc_ap1r0, write_icc_ap1r0, "icc_ap1r0_el1");

/// `ICH_VTR_EL2`: number of list registers minus one in bits 4:0.
pub fn list_registers() -> usize {
    let value: u64;
    // SAFETY: reading an ID-like register has no side effects.
    unsafe {
        asm!("mrs {}, ich_vtr_el2", out(reg) value, options(nomem, nostack, preserves_flags))
    };
    (value & 0x1f) as usize + 1
}

/// `ICH_ELRSR_EL2`: bit n set = list register n is empty.
#[inline(always)]
pub fn empty_list_registers() -> u64 {
    let value: u64;
    // SAFETY: a status read without side effects.
    unsafe {
        asm!("mrs {}, ich_elrsr_el2", out(reg) value, options(nomem, nostack, preserves_flags))
    };
    value
}

/// Acknowledge the highest-priority pending group-1 interrupt
/// (`ICC_IAR1_EL1`); 1020..1023 mean none.
#[inline(always)]
pub fn acknowledge() -> u32 {
    let value: u64;
    // SAFETY: acknowledging changes only the GIC state of this CPU, and
    // every caller ends the interrupt it got.
    unsafe {
        asm!("mrs {}, icc_iar1_el1", out(reg) value, options(nomem, nostack, preserves_flags))
    };
    value as u32
}

/// Priority drop of `intid` (`ICC_EOIR1_EL1`; EOImode = 1, so the
/// interrupt stays active until [`deactivate`] or a guest's EOI of a
/// hardware-backed virtual interrupt).
#[inline(always)]
pub fn end_of_interrupt(intid: u32) {
    // SAFETY: ends an interrupt this CPU acknowledged.
    unsafe {
        asm!("msr icc_eoir1_el1, {}", "isb", in(reg) u64::from(intid), options(nomem, nostack, preserves_flags))
    };
}

/// Deactivate `intid` (`ICC_DIR_EL1`).
pub fn deactivate(intid: u32) {
    // SAFETY: deactivates an interrupt this CPU acknowledged.
    unsafe {
        asm!("msr icc_dir_el1, {}", "isb", in(reg) u64::from(intid), options(nomem, nostack, preserves_flags))
    };
}

/// Send physical SGI `intid` to the CPU with affinity `mpidr`
/// (`ICC_SGI1R_EL1`, target list form).
pub fn send_sgi(intid: u32, mpidr: u64) {
    let aff0 = mpidr & 0xff;
    let value = ((mpidr >> 32) & 0xff) << 48
        | ((mpidr >> 16) & 0xff) << 32
        | (aff0 >> 4) << 44
        | u64::from(intid & 0xf) << 24
        | ((mpidr >> 8) & 0xff) << 16
        | 1 << (aff0 & 0xf);
    // SAFETY: an SGI only interrupts the target CPU: its EL2 handles it
    // (IMO set), or, while the hypervisor is being enabled or disabled,
    // its Linux gets the IPI it was sent.
    unsafe {
        asm!("dsb ish", "msr icc_sgi1r_el1, {}", "isb", in(reg) value, options(nostack, preserves_flags))
    };
}

/// Read list register `n` (0..16).
pub fn read_lr(n: usize) -> u64 {
    macro_rules! rd {
        ($($i:literal),*) => {
            match n {
                $($i => {
                    let v: u64;
                    // SAFETY: reading a list register has no side effects.
                    unsafe { asm!(concat!("mrs {}, ich_lr", $i, "_el2"), out(reg) v, options(nomem, nostack, preserves_flags)) };
                    v
                })*
                _ => 0,
            }
        };
    }
    rd!(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// Write list register `n` (0..16; others are ignored).
pub fn write_lr(n: usize, value: u64) {
    macro_rules! wr {
        ($($i:literal),*) => {
            match n {
                $($i => {
                    // SAFETY: list registers only hold virtual interrupts
                    // for the lower EL of this CPU.
                    unsafe { asm!(concat!("msr ich_lr", $i, "_el2, {}"), in(reg) value, options(nomem, nostack, preserves_flags)) };
                })*
                _ => {}
            }
        };
    }
    wr!(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// Read a 32-bit GIC register at EL2 virtual address `va`.
///
/// # Safety
/// `va` must be a GIC register mapped as device memory in the EL2
/// window, for which a read has no side effect the caller did not mean.
pub unsafe fn mmio_read32(va: u64) -> u32 {
    // SAFETY: the caller vouches for the address.
    unsafe { core::ptr::read_volatile(va as *const u32) }
}

/// Write a 32-bit GIC register.
///
/// # Safety
/// As [`mmio_read32`], for a write of `value`.
pub unsafe fn mmio_write32(va: u64, value: u32) {
    // SAFETY: the caller vouches for the address and value.
    unsafe { core::ptr::write_volatile(va as *mut u32, value) }
}

/// Read a 64-bit GIC register.
///
/// # Safety
/// As [`mmio_read32`].
pub unsafe fn mmio_read64(va: u64) -> u64 {
    // SAFETY: the caller vouches for the address.
    unsafe { core::ptr::read_volatile(va as *const u64) }
}

/// Write a 64-bit GIC register.
///
/// # Safety
/// As [`mmio_write32`].
pub unsafe fn mmio_write64(va: u64, value: u64) {
    // SAFETY: the caller vouches for the address and value.
    unsafe { core::ptr::write_volatile(va as *mut u64, value) }
}
