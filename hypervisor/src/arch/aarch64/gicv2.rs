// SPDX-License-Identifier: GPL-2.0-only

//! GICv2 register access at EL2: the physical CPU interface (`GICC_*`)
//! and the virtual interface control (`GICH_*`, list registers), both
//! memory-mapped and reached through the hypervisor's GIC window. The
//! frames are banked per CPU, so each CPU reaches its own interface at
//! the same addresses. No decisions are made here; see `crate::vgic` and
//! `crate::irqchip`.

use core::arch::asm;
use core::sync::atomic::{AtomicU64, Ordering};

/// EL2 addresses of the distributor, the CPU interface and the virtual
/// interface control frames (set once by the first CPU, before the
/// others enter).
static GICD_VA: AtomicU64 = AtomicU64::new(0);
static GICC_VA: AtomicU64 = AtomicU64::new(0);
static GICH_VA: AtomicU64 = AtomicU64::new(0);

const GICC_CTLR: u64 = 0x0000;
const GICC_PMR: u64 = 0x0004;
const GICC_BPR: u64 = 0x0008;
const GICC_IAR: u64 = 0x000c;
const GICC_EOIR: u64 = 0x0010;
const GICC_APR0: u64 = 0x00d0;
const GICC_DIR: u64 = 0x1000;

const GICH_HCR: u64 = 0x0000;
const GICH_VTR: u64 = 0x0004;
const GICH_VMCR: u64 = 0x0008;
const GICH_ELRSR0: u64 = 0x0030;
const GICH_ELRSR1: u64 = 0x0034;
const GICH_APR: u64 = 0x00f0;
const GICH_LR0: u64 = 0x0100;

/// `GICD_SGIR`.
const GICD_SGIR: u64 = 0x0f00;

/// Where the EL2 window shows `GICD` (4 KiB), `GICC` and `GICH` (8 KiB
/// each).
pub fn init(gicd_va: u64, gicc_va: u64, gich_va: u64) {
    GICD_VA.store(gicd_va, Ordering::Relaxed);
    GICC_VA.store(gicc_va, Ordering::Relaxed);
    GICH_VA.store(gich_va, Ordering::Relaxed);
}

fn gicc_read(offset: u64) -> u32 {
    // SAFETY: `init` recorded the window address of this CPU's (banked)
    // CPU interface; callers name registers whose read has no side
    // effect except IAR, whose interrupt `acknowledge`'s callers end.
    unsafe { core::ptr::read_volatile((GICC_VA.load(Ordering::Relaxed) + offset) as *const u32) }
}

fn gicc_write(offset: u64, value: u32) {
    // SAFETY: as `gicc_read`; the CPU interface only affects this CPU,
    // which the hypervisor owns at EL2.
    unsafe {
        core::ptr::write_volatile(
            (GICC_VA.load(Ordering::Relaxed) + offset) as *mut u32,
            value,
        );
    }
}

fn gich_read(offset: u64) -> u32 {
    // SAFETY: `init` recorded the window address of this CPU's (banked)
    // virtual interface control; reading it has no side effects.
    unsafe { core::ptr::read_volatile((GICH_VA.load(Ordering::Relaxed) + offset) as *const u32) }
}

fn gich_write(offset: u64, value: u32) {
    // SAFETY: as `gich_read`; the virtual interface only holds virtual
    // interrupts for this CPU's EL1.
    unsafe {
        core::ptr::write_volatile(
            (GICH_VA.load(Ordering::Relaxed) + offset) as *mut u32,
            value,
        );
    }
}

/// Send physical SGI `intid` to the CPU interfaces of mask `targets`
/// (`GICD_SGIR`, target list form), after this CPU's earlier memory
/// writes are visible to them (the targets read what the SGI announces).
pub fn send_sgi(intid: u32, targets: u8) {
    let value = u32::from(targets) << 16 | (intid & 0xf);
    let va = GICD_VA.load(Ordering::Relaxed) + GICD_SGIR;
    // SAFETY: a barrier only orders this CPU's accesses.
    unsafe { asm!("dsb ish", options(nostack, preserves_flags)) };
    // SAFETY: `init` recorded the distributor's window address; an SGI
    // only interrupts its targets, whose EL2 (or, for a root CPU while
    // the GIC is not virtualised, whose Linux) handles it.
    unsafe { core::ptr::write_volatile(va as *mut u32, value) };
}

/// Acknowledge the highest-priority pending interrupt (`GICC_IAR`): the
/// whole value, whose CPUID bits (12:10, the source of an SGI) must come
/// back with its EOI and deactivation. IDs 1020..1023 mean none.
#[inline(always)]
pub fn acknowledge() -> u32 {
    gicc_read(GICC_IAR)
}

/// Priority drop of the interrupt acknowledged as `iar` (EOImode 1).
#[inline(always)]
pub fn end_of_interrupt(iar: u32) {
    gicc_write(GICC_EOIR, iar);
}

/// Deactivate the interrupt acknowledged as `iar` (`GICC_DIR`).
pub fn deactivate(iar: u32) {
    gicc_write(GICC_DIR, iar);
}

/// `GICC_CTLR`.
pub fn read_ctlr() -> u32 {
    gicc_read(GICC_CTLR)
}

/// Write `GICC_CTLR`.
pub fn write_ctlr(value: u32) {
    gicc_write(GICC_CTLR, value);
}

/// `GICC_PMR`.
pub fn read_pmr() -> u32 {
    gicc_read(GICC_PMR)
}

/// Write `GICC_PMR`.
pub fn write_pmr(value: u32) {
    gicc_write(GICC_PMR, value);
}

/// `GICC_BPR`.
pub fn read_bpr() -> u32 {
    gicc_read(GICC_BPR)
}

/// Write `GICC_BPR`.
pub fn write_bpr(value: u32) {
    gicc_write(GICC_BPR, value);
}

/// `GICC_APR0`: active priorities of the physical interface.
pub fn read_apr() -> u32 {
    gicc_read(GICC_APR0)
}

/// Write `GICC_APR0`.
pub fn write_apr(value: u32) {
    gicc_write(GICC_APR0, value);
}

/// Number of list registers (`GICH_VTR.ListRegs` + 1).
pub fn list_registers() -> usize {
    (gich_read(GICH_VTR) & 0x3f) as usize + 1
}

/// Bit n set = list register n is empty (`GICH_ELRSR0/1`).
#[inline(always)]
pub fn empty_list_registers() -> u64 {
    u64::from(gich_read(GICH_ELRSR0)) | u64::from(gich_read(GICH_ELRSR1)) << 32
}

/// Read `GICH_LR<n>` (0..64; others read 0).
pub fn read_lr(n: usize) -> u32 {
    if n < 64 {
        gich_read(GICH_LR0 + 4 * n as u64)
    } else {
        0
    }
}

/// Write `GICH_LR<n>` (0..64; others are ignored).
pub fn write_lr(n: usize, value: u32) {
    if n < 64 {
        gich_write(GICH_LR0 + 4 * n as u64, value);
    }
}

/// `GICH_HCR`.
pub fn read_hcr() -> u32 {
    gich_read(GICH_HCR)
}

/// Write `GICH_HCR`.
pub fn write_hcr(value: u32) {
    gich_write(GICH_HCR, value);
}

/// `GICH_VMCR`.
pub fn read_vmcr() -> u32 {
    gich_read(GICH_VMCR)
}

/// Write `GICH_VMCR`.
pub fn write_vmcr(value: u32) {
    gich_write(GICH_VMCR, value);
}

/// `GICH_APR`: active priorities of the virtual interface.
pub fn read_vapr() -> u32 {
    gich_read(GICH_APR)
}

/// Write `GICH_APR`.
pub fn write_vapr(value: u32) {
    gich_write(GICH_APR, value);
}
