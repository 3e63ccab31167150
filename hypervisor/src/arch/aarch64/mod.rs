// SPDX-License-Identifier: GPL-2.0-only

//! aarch64 specifics: the image entry point, the EL2 exception vectors, the
//! way back to Linux, and typed access to the few system registers the
//! core needs.
//!
//! # How a CPU enters (see ARCHITECTURE.md §3)
//!
//! The driver reaches `arch_entry` through the Linux hyp stub's
//! `HVC_SOFT_RESTART`: EL2, MMU off, running at the image's *physical*
//! address, `x0` = CPU id, `x1` = physical base of the hypervisor memory,
//! `x2` = its size, and `ELR_EL2`/`SPSR_EL2` pointing back at the driver.
//! The driver declares x0–x17 clobbered; everything else is restored.
//! The driver enters the CPUs one after the other, so the first CPU can
//! build the shared boot tables with the MMU off without racing anyone.
//!
//! 1. Position-independent code finds the image (`adrp`), checks the
//!    arguments against the image header, and puts the stack in this CPU's
//!    per-CPU area (physical). It saves the caller's x0–x30 there as a
//!    trap frame.
//! 2. The first CPU builds the boot translation tables (static pages in the
//!    image) through [`crate::paging::build_boot_tables`], still with the
//!    MMU off, and publishes that in `boot_tables_ready`. Because those
//!    stores bypass the caches, the tables and the frame are invalidated
//!    from the data cache before the MMU reads them cacheably (the driver
//!    cleaned the whole region to the PoC, so no dirty line can be lost).
//! 3. MAIR/TCR/TTBR0_EL2, TLB and I-cache invalidation, SCTLR_EL2 = M|C|I;
//!    the identity block keeps the next instruction fetch valid; a jump to
//!    the link-time (virtual) address; the stack moves to its virtual alias;
//!    the stub's `VBAR_EL2` is recorded and ours installed.
//! 4. Rust [`crate::hv::enter`] runs with the frame; the common exit path
//!    either `eret`s to the driver with the frame restored, or leaves the
//!    hypervisor (below).
//!
//! # How a CPU leaves
//!
//! On `DISABLE` (or a failed entry after the MMU is on) the core restores
//! the stub's `VBAR_EL2` and `HCR_EL2` and returns the physical address of
//! `el2_trampoline` and the stub's stack pointer. The exit path restores
//! the caller's registers (parking its x1 in `TPIDR_EL2`), branches to the
//! identity-mapped trampoline, which switches the MMU and caches off,
//! invalidates TLBs and I-cache, and `eret`s with x0 = the result.

use core::arch::{asm, global_asm};

pub mod gic;
pub mod gicv2;
pub mod mmio;

use crate::layout::{HYPERVISOR_BASE, PAGE_SIZE, PERCPU_SIZE, PERCPU_STATE_OFFSET, STACK_SIZE};
use crate::paging::{self, Table, BOOT_TABLES, MAIR_EL2};

/// Registers of the interrupted context, as saved on the EL2 stack.
#[repr(C)]
#[derive(Debug)]
pub struct Frame {
    /// x0..x30.
    pub x: [u64; 31],
    /// At entry: the hyp stub's stack pointer. Otherwise unused.
    pub spare: u64,
}

/// Bytes of a [`Frame`] on the stack.
const FRAME_SIZE: usize = core::mem::size_of::<Frame>();
const _: () = assert!(FRAME_SIZE == 256);

/// What the exit path does after Rust returns: `trampoline_pa == 0` means
/// resume the caller with the frame; otherwise leave the hypervisor through
/// the trampoline at that physical address, with the stub's stack pointer.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ExitAction {
    /// Physical address of `el2_trampoline`, or 0.
    pub trampoline_pa: u64,
    /// Stack pointer to leave behind for the hyp stub.
    pub stub_sp: u64,
}

impl ExitAction {
    /// Resume the interrupted context.
    pub const RESUME: ExitAction = ExitAction {
        trampoline_pa: 0,
        stub_sp: 0,
    };
}

/// TCR_EL2: T0SZ = 16 (48-bit VA), inner/outer write-back
/// write-allocate, inner shareable, 4 KiB granule, RES1 bits 23 and 31.
/// PS is filled in from ID_AA64MMFR0_EL1.PARange at entry.
const TCR_EL2: u64 = (1 << 31) | (1 << 23) | (3 << 12) | (1 << 10) | (1 << 8) | 16;
/// SCTLR_EL2: RES1 bits | I | C | M.
const SCTLR_EL2: u64 = 0x30c5_0830 | (1 << 12) | (1 << 2) | 1;
const EINVAL: i64 = -22;

macro_rules! frame_asm {
    // x0-x17 into a new frame: the part every exit saves.
    (save_scratch) => {
        "sub sp, sp, #256
        stp x0, x1, [sp, #0]
        stp x2, x3, [sp, #16]
        stp x4, x5, [sp, #32]
        stp x6, x7, [sp, #48]
        stp x8, x9, [sp, #64]
        stp x10, x11, [sp, #80]
        stp x12, x13, [sp, #96]
        stp x14, x15, [sp, #112]
        stp x16, x17, [sp, #128]"
    };
    // x0-x17 back from the frame.
    (load_scratch) => {
        "ldp x0, x1, [sp, #0]
        ldp x2, x3, [sp, #16]
        ldp x4, x5, [sp, #32]
        ldp x6, x7, [sp, #48]
        ldp x8, x9, [sp, #64]
        ldp x10, x11, [sp, #80]
        ldp x12, x13, [sp, #96]
        ldp x14, x15, [sp, #112]
        ldp x16, x17, [sp, #128]"
    };
    (save) => {
        concat!(
            frame_asm!(save_scratch),
            "
        stp x18, x19, [sp, #144]
        stp x20, x21, [sp, #160]
        stp x22, x23, [sp, #176]
        stp x24, x25, [sp, #192]
        stp x26, x27, [sp, #208]
        stp x28, x29, [sp, #224]
        str x30, [sp, #240]"
        )
    };
}

macro_rules! vector {
    ($slot:literal) => {
        concat!(
            ".balign 0x80\n",
            frame_asm!(save),
            "\nmov x0, sp\nmov x1, #",
            $slot,
            "\nbl {fatal}\n"
        )
    };
}

global_asm!(
    // ---------------------------------------------------------- entry --
    ".section .text.entry, \"ax\"",
    ".global arch_entry",
    ".type arch_entry, %function",
    "arch_entry:",
    "    adrp x3, __image_start",
    "    cmp x1, x3",
    "    b.ne 90f",
    "    ldr w5, [x3, #48]", // header.max_cpus
    "    cmp x0, x5",
    "    b.hs 90f",
    "    ldr x4, [x3, #8]", // header.core_size
    "    mov x6, #{percpu_size}",
    "    madd x7, x0, x6, x4",
    "    add x7, x7, x3",
    "    mov x9, #{state_offset}",
    "    add x8, x7, x9", // stack top (physical)
    "    mov x9, sp",
    "    mov sp, x8",
    frame_asm!(save),
    "    str x9, [sp, #248]",
    // The first CPU builds the boot tables.
    "    adrp x10, boot_tables_ready",
    "    add x10, x10, :lo12:boot_tables_ready",
    "    ldr x11, [x10]",
    "    cbnz x11, 2f",
    "    adrp x0, boot_tables",
    "    ldp x1, x2, [sp, #8]", // hv phys, hv size
    "    adr x3, arch_entry",
    "    bl {build}",
    "    cbnz x0, 91f",
    "    adrp x10, boot_tables_ready",
    "    add x10, x10, :lo12:boot_tables_ready",
    "    mov x11, #1",
    "    str x11, [x10]",
    "    dsb sy",
    "    adrp x0, boot_tables",
    "    adrp x1, boot_tables_end",
    "    bl dcache_inval_range",
    "2:",
    // The frame was stored with caches bypassed: drop stale lines.
    "    add x1, sp, #256",
    "    mov x0, #{stack_size}",
    "    sub x0, x1, x0",
    "    bl dcache_inval_range",
    // MMU on.
    "    ldr x0, ={mair}",
    "    msr mair_el2, x0",
    "    ldr x0, ={tcr}",
    "    mrs x1, id_aa64mmfr0_el1",
    "    and x1, x1, #7",
    "    bfi x0, x1, #16, #3",
    "    msr tcr_el2, x0",
    "    adrp x0, boot_tables",
    "    msr ttbr0_el2, x0",
    "    isb",
    "    tlbi alle2",
    "    dsb ish",
    "    ic iallu",
    "    dsb ish",
    "    isb",
    "    ldr x0, ={sctlr}",
    "    msr sctlr_el2, x0",
    "    isb",
    "    ldr x0, =.Lentry_virtual",
    "    br x0",
    ".Lentry_virtual:",
    "    ldr x1, [sp, #8]", // hv phys
    "    mov x2, sp",
    "    sub x2, x2, x1",
    "    ldr x3, ={base}",
    "    add x2, x2, x3",
    "    mov sp, x2",
    "    mrs x2, vbar_el2",
    "    ldr x3, =hyp_vectors",
    "    msr vbar_el2, x3",
    "    isb",
    "    mov x0, sp",
    "    bl {enter}",
    "    b el2_exit",
    // Bad arguments: nothing touched yet.
    "90: mov x0, #{einval}",
    "    eret",
    // Table building failed: undo the stack switch.
    "91: ldr x18, [sp, #144]",
    "    ldr x30, [sp, #240]",
    "    ldr x9, [sp, #248]",
    "    mov sp, x9",
    "    eret",
    ".ltorg",
    ".size arch_entry, . - arch_entry",
    // Invalidate the data cache lines of [x0, x1) to the PoC. Clobbers
    // x0, x2, x3.
    "dcache_inval_range:",
    "    mrs x3, ctr_el0",
    "    ubfx x3, x3, #16, #4",
    "    mov x2, #4",
    "    lsl x2, x2, x3",
    "    sub x3, x2, #1",
    "    bic x0, x0, x3",
    "1:  dc ivac, x0",
    "    add x0, x0, x2",
    "    cmp x0, x1",
    "    b.lo 1b",
    "    dsb sy",
    "    ret",
    // Identity-mapped way out: MMU and caches off, back to the caller.
    ".global el2_trampoline",
    "el2_trampoline:",
    "    mrs x1, sctlr_el2",
    "    bic x1, x1, #1",
    "    bic x1, x1, #4",
    "    bic x1, x1, #0x1000",
    "    msr sctlr_el2, x1",
    "    isb",
    "    tlbi alle2",
    "    dsb ish",
    "    ic iallu",
    "    dsb ish",
    "    isb",
    "    mrs x1, tpidr_el2",
    "    eret",
    // ------------------------------------------------------ exit path --
    ".section .text.el2_exit, \"ax\"",
    "el2_exit:",
    "    cbnz x0, 1f",
    frame_asm!(load_scratch),
    "    ldp x18, x19, [sp, #144]",
    "    ldp x20, x21, [sp, #160]",
    "    ldp x22, x23, [sp, #176]",
    "    ldp x24, x25, [sp, #192]",
    "    ldp x26, x27, [sp, #208]",
    "    ldp x28, x29, [sp, #224]",
    "    ldr x30, [sp, #240]",
    "    add sp, sp, #256",
    "    eret",
    "1:  mov x29, sp",
    "    mov sp, x1",
    "    ldr x1, [x29, #8]",
    "    msr tpidr_el2, x1",
    "    mov x1, x0",
    "    ldr x0, [x29, #0]",
    "    ldp x2, x3, [x29, #16]",
    "    ldp x4, x5, [x29, #32]",
    "    ldp x6, x7, [x29, #48]",
    "    ldp x8, x9, [x29, #64]",
    "    ldp x10, x11, [x29, #80]",
    "    ldp x12, x13, [x29, #96]",
    "    ldp x14, x15, [x29, #112]",
    "    ldp x16, x17, [x29, #128]",
    "    ldp x18, x19, [x29, #144]",
    "    ldp x20, x21, [x29, #160]",
    "    ldp x22, x23, [x29, #176]",
    "    ldp x24, x25, [x29, #192]",
    "    ldp x26, x27, [x29, #208]",
    "    ldr x30, [x29, #240]",
    "    ldp x28, x29, [x29, #224]",
    "    br x1",
    // The rest of an IRQ exit's frame (x19-x28, still the guest's), then
    // the management event.
    "el2_irq_event:",
    "    stp x19, x20, [sp, #152]",
    "    stp x21, x22, [sp, #168]",
    "    stp x23, x24, [sp, #184]",
    "    stp x25, x26, [sp, #200]",
    "    stp x27, x28, [sp, #216]",
    "    mov x0, sp",
    "    bl {irq_event}",
    "    b el2_exit",
    // -------------------------------------------------------- vectors --
    ".section .text.vectors, \"ax\"",
    ".balign 2048",
    ".global hyp_vectors",
    "hyp_vectors:",
    vector!("0"),
    vector!("1"),
    vector!("2"),
    vector!("3"),
    vector!("4"),
    vector!("5"),
    vector!("6"),
    vector!("7"),
    // Lower EL, AArch64, synchronous: the root cell's traps.
    ".balign 0x80",
    frame_asm!(save),
    "    mov x0, sp",
    "    bl {trap}",
    "    b el2_exit",
    // Lower EL, AArch64, IRQ: the hot path. Only the registers a Rust
    // call may clobber are saved (x0-x18, x29, x30); `el2_irq` preserves
    // x19-x28 by the calling convention. If it reports the management
    // event, `el2_irq_event` completes the frame first.
    ".balign 0x80",
    frame_asm!(save_scratch),
    "    str x18, [sp, #144]",
    "    stp x29, x30, [sp, #232]",
    "    bl {irq}",
    "    cbnz x0, el2_irq_event",
    frame_asm!(load_scratch),
    "    ldr x18, [sp, #144]",
    "    ldp x29, x30, [sp, #232]",
    "    add sp, sp, #256",
    "    eret",
    vector!("10"),
    vector!("11"),
    vector!("12"),
    vector!("13"),
    vector!("14"),
    vector!("15"),
    // ---------------------------------------------------- boot tables --
    ".section .bss.boot_tables, \"aw\", %nobits",
    ".balign 4096",
    "boot_tables:",
    "    .space {tables_size}",
    "boot_tables_end:",
    "boot_tables_ready:",
    "    .space 64",
    // Export the per-CPU size to the linker script's image header.
    ".global __percpu_size",
    ".set __percpu_size, {percpu_size}",
    percpu_size = const PERCPU_SIZE,
    state_offset = const PERCPU_STATE_OFFSET,
    stack_size = const STACK_SIZE,
    tables_size = const BOOT_TABLES * PAGE_SIZE,
    mair = const MAIR_EL2,
    tcr = const TCR_EL2,
    sctlr = const SCTLR_EL2,
    base = const HYPERVISOR_BASE,
    einval = const EINVAL,
    build = sym boot_build_tables,
    enter = sym el2_entry,
    trap = sym el2_trap,
    irq = sym el2_irq,
    irq_event = sym el2_irq_event,
    fatal = sym el2_fatal,
);

extern "C" {
    /// Start of the boot translation tables (image, `.bss`).
    static boot_tables: [Table; BOOT_TABLES];
    /// First instruction of the identity-mapped exit path.
    fn el2_trampoline();
}

/// Builds the boot tables; called by `arch_entry` with the MMU off, so
/// `tables_pa` is also the address to write through.
extern "C" fn boot_build_tables(tables_pa: u64, hv_pa: u64, hv_size: u64, entry_pa: u64) -> i64 {
    // SAFETY: `arch_entry` passes the physical (= current, MMU off) address
    // of the `boot_tables` array, BOOT_TABLES zeroed pages that nothing
    // else uses while the first CPU builds them.
    let tables = unsafe { core::slice::from_raw_parts_mut(tables_pa as *mut Table, BOOT_TABLES) };
    match paging::build_boot_tables(tables, tables_pa, hv_pa, hv_size, entry_pa) {
        Ok(()) => 0,
        Err(_) => EINVAL,
    }
}

extern "C" fn el2_entry(frame: &mut Frame, hv_pa: u64, stub_vbar: u64) -> ExitAction {
    crate::hv::enter(frame, hv_pa, stub_vbar)
}

extern "C" fn el2_trap(frame: &mut Frame) -> ExitAction {
    crate::hv::trap(frame, read_esr())
}

/// The IRQ vector's call: only x0-x18, x29 and x30 are saved, so it gets
/// no frame. Non-zero asks for [`el2_irq_event`].
extern "C" fn el2_irq() -> u64 {
    u64::from(crate::hv::irq())
}

extern "C" fn el2_irq_event(frame: &mut Frame) -> ExitAction {
    crate::hv::irq_event(frame)
}

extern "C" fn el2_fatal(frame: &mut Frame, slot: u64) -> ! {
    crate::hv::fatal_el2(frame, slot, read_esr())
}

/// Mutable view of the level-2 table of the hypervisor/UART windows.
///
/// # Safety
/// Only one CPU may modify the tables at a time, and only with mappings
/// that keep the hypervisor running (callers hold the init path).
pub unsafe fn boot_table_mut(index: usize) -> &'static mut Table {
    assert!(index < BOOT_TABLES, "boot table {index} does not exist");
    let table = (&raw const boot_tables)
        .cast::<Table>()
        .cast_mut()
        .wrapping_add(index);
    // SAFETY: `boot_tables` is a static array of BOOT_TABLES pages mapped
    // read-write in the hypervisor window and `index` is inside it;
    // exclusivity is the caller's obligation.
    unsafe { &mut *table }
}

/// EL2 virtual address of the exit trampoline.
pub fn trampoline_va() -> u64 {
    el2_trampoline as *const () as u64
}

macro_rules! sysreg_read {
    ($name:ident, $reg:literal) => {
        #[doc = concat!("Read `", $reg, "`.")]
        pub fn $name() -> u64 {
            let value: u64;
            // SAFETY: reading this EL2 register has no side effects.
            unsafe {
                asm!(concat!("mrs {}, ", $reg), out(reg) value, options(nomem, nostack, preserves_flags))
            };
            value
        }
    };
}

sysreg_read!(read_esr, "esr_el2");
sysreg_read!(read_elr, "elr_el2");
sysreg_read!(read_spsr, "spsr_el2");
sysreg_read!(read_far, "far_el2");
sysreg_read!(read_hcr, "hcr_el2");
sysreg_read!(read_tpidr, "tpidr_el2");

/// Set `VBAR_EL2`.
///
/// # Safety
/// `value` must be the address of a valid vector table in the current
/// translation regime at the time the next EL2 exception is taken.
pub unsafe fn write_vbar(value: u64) {
    // SAFETY: the caller vouches for the vector table.
    unsafe { asm!("msr vbar_el2, {}", "isb", in(reg) value, options(nostack, preserves_flags)) };
}

/// Set `TPIDR_EL2`, which holds this CPU's per-CPU state pointer.
pub fn write_tpidr(value: u64) {
    // SAFETY: TPIDR_EL2 is a scratch register that only the hypervisor
    // uses while it runs (Linux without KVM leaves it alone).
    unsafe { asm!("msr tpidr_el2, {}", in(reg) value, options(nomem, nostack, preserves_flags)) };
}

/// Make a changed translation table entry for `va` visible: barrier, TLB
/// invalidation on all CPUs, barrier.
pub fn flush_tlb_va(va: u64) {
    // SAFETY: TLB maintenance and barriers only drop cached translations.
    unsafe {
        asm!(
            "dsb ishst",
            "tlbi vae2is, {}",
            "dsb ish",
            "isb",
            in(reg) va >> 12,
            options(nostack, preserves_flags)
        )
    };
}

/// Make new (previously invalid) entries visible to the table walker.
pub fn publish_tables() {
    // SAFETY: barriers only.
    unsafe { asm!("dsb ishst", "isb", options(nostack, preserves_flags)) };
}

/// `wfe`: wait for an event (or any interrupt).
#[inline]
pub(crate) fn wfe() {
    // SAFETY: `wfe` only pauses the CPU; it reads or writes no memory and
    // changes no architectural state visible to Rust.
    unsafe { asm!("wfe", options(nomem, nostack, preserves_flags)) };
}

/// `sev`: wake CPUs waiting in `wfe`.
#[inline]
pub(crate) fn sev() {
    // SAFETY: `sev` only signals an event.
    unsafe { asm!("sev", options(nomem, nostack, preserves_flags)) };
}

sysreg_read!(read_hpfar, "hpfar_el2");
sysreg_read!(read_vmpidr, "vmpidr_el2");

/// `dmb ishst`: order earlier stores before later ones for other CPUs.
pub fn dmb_ishst() {
    // SAFETY: a barrier only.
    unsafe { asm!("dmb ishst", options(nostack, preserves_flags)) };
}
sysreg_read!(read_mpidr, "mpidr_el1");
sysreg_read!(read_id_aa64mmfr0, "id_aa64mmfr0_el1");

/// Turn on stage-2 translation for the lower ELs with the given
/// `VTCR_EL2`, `VTTBR_EL2` and `HCR_EL2` (which must set VM), and drop
/// every stage-1+2 TLB entry of the VMID, so nothing translated without
/// stage 2 survives (Linux ran with VM = 0 until now).
///
/// # Safety
/// `vttbr` must point at complete stage-2 tables whose writes are
/// finished, and the three values must keep the lower ELs runnable.
pub unsafe fn enable_stage2(vtcr: u64, vttbr: u64, hcr: u64) {
    // SAFETY: the caller vouches for the values; the barriers publish the
    // tables to the walker before VM is set, and the TLB flush follows it.
    unsafe {
        asm!(
            "dsb ish",
            "msr vtcr_el2, {vtcr}",
            "msr vttbr_el2, {vttbr}",
            "isb",
            "msr hcr_el2, {hcr}",
            "isb",
            "tlbi vmalls12e1is",
            "dsb ish",
            "isb",
            vtcr = in(reg) vtcr,
            vttbr = in(reg) vttbr,
            hcr = in(reg) hcr,
            options(nostack, preserves_flags)
        )
    };
}

/// Turn stage-2 translation off again (`hcr` without VM), flush the
/// VMID's TLB entries and clear `VTTBR_EL2`.
///
/// # Safety
/// `hcr` must keep the lower ELs runnable without stage 2.
pub unsafe fn disable_stage2(hcr: u64) {
    // SAFETY: the caller vouches for `hcr`; dropping TLB entries and
    // clearing VTTBR (unused with VM = 0) cannot break anything.
    unsafe {
        asm!(
            "msr hcr_el2, {hcr}",
            "isb",
            "tlbi vmalls12e1is",
            "dsb ish",
            "msr vttbr_el2, xzr",
            "isb",
            hcr = in(reg) hcr,
            options(nostack, preserves_flags)
        )
    };
}

/// Skip the trapped instruction (4 bytes, or 2 if `long` is false).
pub fn skip_instruction(long: bool) {
    let len: u64 = if long { 4 } else { 2 };
    // SAFETY: advancing ELR_EL2 only changes where the lower EL resumes,
    // past the instruction that trapped.
    unsafe {
        asm!(
            "mrs {t}, elr_el2",
            "add {t}, {t}, {len}",
            "msr elr_el2, {t}",
            t = out(reg) _,
            len = in(reg) len,
            options(nomem, nostack, preserves_flags)
        )
    };
}

/// Make the lower EL resume at `entry` as PSCI CPU_ON requires: EL1h with
/// D, A, I, F masked, MMU and caches off (SCTLR_EL1 = its RES1 bits).
///
/// # Safety
/// Only for a CPU that is being (re)started at `entry` on behalf of its
/// cell: everything the EL1 code had running is discarded.
pub unsafe fn reset_el1(entry: u64) {
    // SAFETY: the caller vouches that the EL1 context may be replaced.
    unsafe {
        asm!(
            "msr sctlr_el1, {sctlr}",
            "msr elr_el2, {entry}",
            "msr spsr_el2, {spsr}",
            "isb",
            sctlr = in(reg) 0x30d0_0800u64,
            entry = in(reg) entry,
            spsr = in(reg) 0x3c5u64,
            options(nostack, preserves_flags)
        )
    };
}

/// `wfi`: wait for an interrupt (pending ones wake the CPU even while
/// they are routed to EL1).
pub fn wfi() {
    // SAFETY: `wfi` only pauses the CPU.
    unsafe { asm!("dsb sy", "wfi", options(nomem, nostack, preserves_flags)) };
}

/// Issue an SMC to the firmware with x0–x7 = `args`; returns x0–x3.
pub fn smc(args: [u64; 8]) -> [u64; 4] {
    let (mut r0, mut r1, mut r2, mut r3) = (args[0], args[1], args[2], args[3]);
    // SAFETY: SMCCC: the firmware preserves x4–x17 (declared clobbered
    // anyway for pre-1.1 firmware) and the stack; results come in x0–x3.
    unsafe {
        asm!(
            "smc #0",
            inout("x0") r0,
            inout("x1") r1,
            inout("x2") r2,
            inout("x3") r3,
            inout("x4") args[4] => _,
            inout("x5") args[5] => _,
            inout("x6") args[6] => _,
            inout("x7") args[7] => _,
            out("x8") _, out("x9") _, out("x10") _, out("x11") _,
            out("x12") _, out("x13") _, out("x14") _, out("x15") _,
            out("x16") _, out("x17") _,
            options(nostack)
        )
    };
    [r0, r1, r2, r3]
}

/// Deliver a synchronous exception to the lower EL's EL1 as if the
/// hardware had raised it: save the interrupted PSTATE and PC in
/// `SPSR_EL1`/`ELR_EL1`, set `ESR_EL1` and `FAR_EL1`, and resume at
/// `VBAR_EL1 + vector_offset` in EL1h with D, A, I, F masked.
///
/// # Safety
/// Must be called while handling a synchronous exit of a CPU whose EL1
/// expects the exception (its vectors are installed).
pub unsafe fn inject_el1_exception(vector_offset: u64, esr: u64, far: u64) {
    // SAFETY: the caller vouches that EL1 may take the exception; only
    // EL1 registers and the return state of this exit change.
    unsafe {
        asm!(
            "mrs {t}, elr_el2",
            "msr elr_el1, {t}",
            "mrs {t}, spsr_el2",
            "msr spsr_el1, {t}",
            "msr esr_el1, {esr}",
            "msr far_el1, {far}",
            "mrs {t}, vbar_el1",
            "add {t}, {t}, {off}",
            "msr elr_el2, {t}",
            "msr spsr_el2, {spsr}",
            t = out(reg) _,
            esr = in(reg) esr,
            far = in(reg) far,
            off = in(reg) vector_offset,
            spsr = in(reg) 0x3c5u64,
            options(nomem, nostack, preserves_flags)
        )
    };
}

/// Switch this CPU's lower ELs to another stage-2 context (`VTCR_EL2`,
/// `VTTBR_EL2`, `HCR_EL2`, `VMPIDR_EL2`) and drop this CPU's TLB entries
/// of the new VMID, which an earlier cell with the same id may have left.
///
/// # Safety
/// The values must describe complete tables and keep the lower ELs
/// runnable; only for a CPU that is about to (re)start its cell.
pub unsafe fn switch_guest(vtcr: u64, vttbr: u64, hcr: u64, vmpidr: u64) {
    // SAFETY: the caller vouches for the values; the local TLB flush only
    // drops cached translations.
    unsafe {
        asm!(
            "dsb ish",
            "msr vtcr_el2, {vtcr}",
            "msr vttbr_el2, {vttbr}",
            "msr hcr_el2, {hcr}",
            "msr vmpidr_el2, {vmpidr}",
            "isb",
            "tlbi vmalls12e1",
            "dsb nsh",
            "isb",
            vtcr = in(reg) vtcr,
            vttbr = in(reg) vttbr,
            hcr = in(reg) hcr,
            vmpidr = in(reg) vmpidr,
            options(nostack, preserves_flags)
        )
    };
}

/// After entries of the current VMID's stage-2 tables changed: drop the
/// VMID's TLB entries on every CPU (break-before-make's middle step).
pub fn flush_guest_tlb() {
    // SAFETY: barriers and TLB invalidation only drop cached translations.
    unsafe {
        asm!(
            "dsb ishst",
            "tlbi vmalls12e1is",
            "dsb ish",
            "isb",
            options(nostack, preserves_flags)
        )
    };
}

/// Put the EL1 state of this CPU into the reset state a cell CPU starts
/// in: system registers zeroed, MMU and caches off, timers off, FP/SIMD
/// accessible (as upstream's later releases do), then resume at `entry`
/// in EL1h with D, A, I, F masked.
///
/// # Safety
/// Only for a CPU that is being (re)started at `entry` on behalf of its
/// cell: everything the EL1 code had running is discarded.
pub unsafe fn reset_el1_full(entry: u64) {
    // SAFETY: the caller vouches that the EL1 context may be replaced.
    unsafe {
        asm!(
            "msr sctlr_el1, {sctlr}",
            "msr cpacr_el1, {cpacr}",
            "msr vbar_el1, xzr",
            "msr ttbr0_el1, xzr",
            "msr ttbr1_el1, xzr",
            "msr tcr_el1, xzr",
            "msr mair_el1, xzr",
            "msr amair_el1, xzr",
            "msr contextidr_el1, xzr",
            "msr tpidr_el0, xzr",
            "msr tpidrro_el0, xzr",
            "msr tpidr_el1, xzr",
            "msr sp_el0, xzr",
            "msr sp_el1, xzr",
            "msr elr_el1, xzr",
            "msr spsr_el1, xzr",
            "msr esr_el1, xzr",
            "msr far_el1, xzr",
            "msr afsr0_el1, xzr",
            "msr afsr1_el1, xzr",
            "msr par_el1, xzr",
            "msr csselr_el1, xzr",
            "msr cntkctl_el1, xzr",
            "msr cntv_ctl_el0, xzr",
            "msr cntp_ctl_el0, xzr",
            "msr cntv_cval_el0, xzr",
            "msr cntp_cval_el0, xzr",
            "msr elr_el2, {entry}",
            "msr spsr_el2, {spsr}",
            // The root just wrote the cell's image: no stale instructions.
            "ic iallu",
            "dsb nsh",
            "isb",
            sctlr = in(reg) 0x30d0_0800u64,
            cpacr = in(reg) 3u64 << 20,
            entry = in(reg) entry,
            spsr = in(reg) 0x3c5u64,
            options(nostack, preserves_flags)
        )
    };
}

/// Stop both EL1 timers of this CPU (a parked cell CPU must not keep
/// raising its cell's timer interrupts).
pub fn stop_el1_timers() {
    // SAFETY: disabling the timers only silences their interrupts; the
    // CPU's cell does not run while it is parked.
    unsafe {
        asm!(
            "msr cntv_ctl_el0, xzr",
            "msr cntp_ctl_el0, xzr",
            "isb",
            options(nomem, nostack, preserves_flags)
        )
    };
}

/// Clean and invalidate the data cache to the point of coherency over
/// `[va, va + len)` (EL2 virtual addresses).
pub fn dcache_clean_inval(va: u64, len: u64) {
    // SAFETY: cache maintenance by VA of mapped memory does not change its
    // contents as seen by any observer.
    unsafe {
        asm!(
            "mrs {line}, ctr_el0",
            "ubfx {line}, {line}, #16, #4",
            "mov {t}, #4",
            "lsl {line}, {t}, {line}",
            "sub {t}, {line}, #1",
            "bic {va}, {va}, {t}",
            "2: dc civac, {va}",
            "add {va}, {va}, {line}",
            "cmp {va}, {end}",
            "b.lo 2b",
            "dsb sy",
            va = inout(reg) va => _,
            end = in(reg) va + len,
            line = out(reg) _,
            t = out(reg) _,
            options(nostack)
        )
    };
}
