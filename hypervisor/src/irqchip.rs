// SPDX-License-Identifier: GPL-2.0-only

//! The GIC at EL2: where its frames are, each CPU's redistributor, and
//! interrupt delivery to CPUs of non-root cells.
//!
//! A non-root cell CPU runs with `HCR_EL2.IMO`/`FMO` set: every physical
//! interrupt it receives is taken here ([`handle_irqs`]). The
//! hypervisor's own ([`SGI_EVENT`], the maintenance interrupt) are
//! handled; an interrupt the cell owns (its PPIs, its SPIs) is
//! priority-dropped and injected into a list register with the HW bit,
//! so the cell's EOI deactivates the physical interrupt; anything else is
//! ended and dropped. The cell's `ICC_*` accesses reach the virtual CPU
//! interface; its distributor and redistributor accesses trap and are
//! filtered by [`crate::vgic`] ([`emulate_mmio`]); its SGIs are
//! delivered only within the cell ([`send_virtual_sgi`]).
//!
//! Root CPUs keep the GIC passed through (see `hv.rs`); this module only
//! finds their redistributors. GICv3 only: GICv2 cells are refused at
//! creation for now.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use jailhouse_abi::config::SystemConfig;
use jailhouse_abi::hypercall::{CpuStat, Errno};

use crate::arch::aarch64::{gic, Frame};
use crate::hv::{cpus_in, guest_mpidr, PerCpu, POWER_ON};
use crate::layout::{GIC_WINDOW_BASE, GIC_WINDOW_SIZE};
use crate::paging::{self, TABLE_L2_HIGH};
use crate::println;
use crate::sync::SpinLock;
use crate::trap::DataAbort;
use crate::vgic::{self, Access, Action, IrqSet, GICD_SIZE, GICR_STRIDE, SGI_EVENT};

/// GIC version of the system config.
static VERSION: AtomicU32 = AtomicU32::new(0);
static GICD_PA: AtomicU64 = AtomicU64::new(0);
static GICR_PA: AtomicU64 = AtomicU64::new(0);
/// Redistributors the hypervisor hands out (one per configured CPU).
static GICR_FRAMES: AtomicU64 = AtomicU64::new(0);
/// Physical address the EL2 GIC window starts at.
static WINDOW_PA: AtomicU64 = AtomicU64::new(0);
static MAINTENANCE_IRQ: AtomicU32 = AtomicU32::new(25);
/// Serialises read-modify-write emulation of shared distributor
/// registers between cell CPUs.
static DIST_LOCK: SpinLock<()> = SpinLock::new(());

/// `ICH_HCR_EL2.En`: the virtual CPU interface works.
const ICH_HCR_EN: u64 = 1 << 0;
/// `ICH_HCR_EL2.UIE`: maintenance interrupt when the list registers
/// (nearly) ran empty, to refill them from the pending queue.
const ICH_HCR_UIE: u64 = 1 << 1;
/// `ICC_CTLR_EL1.EOImode`: EOI only drops priority.
const ICC_CTLR_EOIMODE: u64 = 1 << 1;
/// Redistributor registers.
const GICR_TYPER: u64 = 0x8;
const GICR_ISENABLER0: u64 = 0x1_0100;
const GICR_ICENABLER0: u64 = 0x1_0180;
const GICR_ICACTIVER0: u64 = 0x1_0380;
const GICR_IPRIORITYR: u64 = 0x1_0400;
const GICD_ICENABLER: u64 = 0x0180;
const GICD_ICACTIVER: u64 = 0x0380;
const GICD_IPRIORITYR: u64 = 0x0400;
const GICD_IROUTER: u64 = 0x6000;

fn window_va(pa: u64) -> u64 {
    GIC_WINDOW_BASE + (pa - WINDOW_PA.load(Ordering::Relaxed))
}

/// Whether the system has a GICv3 (cells supported).
pub fn is_v3() -> bool {
    VERSION.load(Ordering::Relaxed) == 3
}

/// Map the GIC frames of the system config into the EL2 window (first
/// CPU, before the others enter).
pub fn init_system(config: &SystemConfig<'_>) -> Result<(), Errno> {
    let arm = config.platform_info().arm;
    let (version, gicd, gicr, maintenance) = (
        arm.gic_version,
        arm.gicd_base,
        arm.gicr_base,
        arm.maintenance_irq,
    );
    let frames = config.cpus().last().map_or(0, |last| last as u64 + 1);
    let (start, end) = match version {
        3 => (
            gicd.min(gicr),
            (gicd + GICD_SIZE).max(gicr + frames * GICR_STRIDE),
        ),
        2 => {
            let (gicc, gich) = (arm.gicc_base, arm.gich_base);
            (
                gicd.min(gicc).min(gich),
                (gicd + 0x1000).max(gicc + 0x2000).max(gich + 0x2000),
            )
        }
        other => {
            println!("FATAL: unsupported GIC version {other}");
            return Err(Errno::Inval);
        }
    };
    // SAFETY: only the first CPU runs this, before any other CPU enters;
    // the GIC window slots are used by nothing else.
    let l2 = unsafe { crate::arch::aarch64::boot_table_mut(TABLE_L2_HIGH) };
    let base = paging::map_gic_window(l2, start, end).ok_or_else(|| {
        println!(
            "FATAL: GIC frames {start:#x}..{end:#x} span more than {} MiB",
            GIC_WINDOW_SIZE >> 20
        );
        Errno::Inval
    })?;
    crate::arch::aarch64::publish_tables();
    VERSION.store(u32::from(version), Ordering::Relaxed);
    GICD_PA.store(gicd, Ordering::Relaxed);
    GICR_PA.store(gicr, Ordering::Relaxed);
    GICR_FRAMES.store(frames, Ordering::Relaxed);
    WINDOW_PA.store(base, Ordering::Relaxed);
    MAINTENANCE_IRQ.store(u32::from(maintenance), Ordering::Relaxed);
    Ok(())
}

/// Affinity as `GICR_TYPER[63:32]` encodes it, from MPIDR fields.
fn typer_affinity(mpidr: u64) -> u64 {
    ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xff_ffff)
}

/// Find this CPU's redistributor and list registers (each CPU, at enable).
pub fn init_cpu(pc: &mut PerCpu) -> Result<(), Errno> {
    if !is_v3() {
        return Ok(());
    }
    let gicr = GICR_PA.load(Ordering::Relaxed);
    let want = typer_affinity(pc.mpidr);
    for frame in 0..GICR_FRAMES.load(Ordering::Relaxed) {
        let pa = gicr + frame * GICR_STRIDE;
        // SAFETY: frames below GICR_FRAMES lie in the mapped window;
        // GICR_TYPER is a read-only identification register.
        let typer = unsafe { gic::mmio_read64(window_va(pa) + GICR_TYPER) };
        if typer >> 32 == want {
            pc.gicr_pa = pa;
            pc.list_registers = gic::list_registers().min(16);
            return Ok(());
        }
        if typer & vgic::GICR_TYPER_LAST != 0 {
            break;
        }
    }
    println!("GIC: No redist found for CPU{}", pc.cpu_id);
    Err(Errno::NoDev)
}

fn gicd_va(offset: u64) -> u64 {
    window_va(GICD_PA.load(Ordering::Relaxed)) + offset
}

fn gicr_va(pc: &PerCpu, offset: u64) -> u64 {
    window_va(pc.gicr_pa) + offset
}

/// Write a 32-bit register of `pc`'s own redistributor (only ever
/// called on that CPU, for its private interrupts).
fn gicr_write(pc: &PerCpu, offset: u64, value: u32) {
    // SAFETY: the CPU's redistributor lies in the mapped window; callers
    // pass enable/active registers and the bits they mean to change.
    unsafe { gic::mmio_write32(gicr_va(pc, offset), value) };
}

/// Write a 32-bit distributor register (callers touch only interrupts
/// they manage).
fn gicd_write(offset: u64, value: u32) {
    // SAFETY: the distributor lies in the mapped window; see the callers
    // for which interrupts they change.
    unsafe { gic::mmio_write32(gicd_va(offset), value) };
}

/// The private interrupts a cell may use on its CPUs.
fn cell_private() -> IrqSet {
    vgic::cell_private_irqs(MAINTENANCE_IRQ.load(Ordering::Relaxed))
}

fn private_mask() -> u32 {
    cell_private().word(0)
}

fn clear_list_registers(pc: &PerCpu) {
    for n in 0..pc.list_registers {
        gic::write_lr(n, 0);
    }
    gic::write_ich_ap1r0(0);
    pc.pending().clear();
}

/// Prepare this CPU's interfaces for its (new) non-root cell: physical
/// interrupts to EL2 with EOI mode 1, the hypervisor's interrupts on, the
/// cell's PPIs off and inactive, an empty virtual interface.
pub fn enter_cell(pc: &PerCpu) {
    clear_list_registers(pc);
    pc.pending_sgis.store(0, Ordering::Relaxed);
    gic::write_ich_vmcr(0);
    gic::write_icc_pmr(0xff);
    gic::write_icc_ctlr(gic::read_icc_ctlr() | ICC_CTLR_EOIMODE);
    gic::write_icc_igrpen1(1);
    let private = private_mask();
    let own = 1 << SGI_EVENT | 1 << MAINTENANCE_IRQ.load(Ordering::Relaxed);
    gicr_write(pc, GICR_ICENABLER0, private);
    gicr_write(pc, GICR_ICACTIVER0, private);
    gicr_write(pc, GICR_ISENABLER0, own);
    gic::write_ich_hcr(ICH_HCR_EN);
}

/// Prepare this CPU for the root again: no virtual interface (Linux
/// programs its GIC state itself when the CPU comes online).
pub fn enter_root(pc: &PerCpu) {
    if is_v3() {
        clear_list_registers(pc);
        gic::write_ich_hcr(0);
        gic::write_ich_vmcr(0);
    }
}

/// Silence a parking cell CPU: its PPIs off and inactive, its virtual
/// interface emptied.
pub fn quiesce_cpu(pc: &PerCpu) {
    let private = private_mask();
    gicr_write(pc, GICR_ICENABLER0, private);
    gicr_write(pc, GICR_ICACTIVER0, private);
    clear_list_registers(pc);
    gic::write_ich_hcr(0);
}

/// Disable, deactivate and route to `target_mpidr` the SPIs of a cell
/// (at its creation, and back for the root at its destruction).
pub fn reset_spis(irqs: &IrqSet, target_mpidr: u64) {
    let _lock = DIST_LOCK.lock();
    for irq in irqs.iter() {
        let word = u64::from(irq / 32) * 4;
        let bit = 1u32 << (irq % 32);
        gicd_write(GICD_ICENABLER + word, bit);
        gicd_write(GICD_ICACTIVER + word, bit);
        // SAFETY: IROUTER of `irq`, an SPI (irq >= 32, so the register
        // exists), in the mapped distributor.
        unsafe {
            gic::mmio_write64(
                gicd_va(GICD_IROUTER + 8 * u64::from(irq)),
                target_mpidr & 0xff_00ff_ffff,
            );
        }
    }
}

/// Whether physical interrupt `intid` belongs to this CPU's cell.
fn owned(pc: &PerCpu, intid: u32) -> bool {
    match intid {
        16..=31 => intid != MAINTENANCE_IRQ.load(Ordering::Relaxed),
        32.. => pc.view().irqs.contains(intid),
        _ => false,
    }
}

/// The priority the cell gave `intid` (its physical priority field);
/// virtual SGIs get the highest.
fn priority(pc: &PerCpu, intid: u32) -> u8 {
    let (va, n) = match intid {
        0..=15 => return 0,
        16..=31 => (gicr_va(pc, GICR_IPRIORITYR), intid),
        _ => (gicd_va(GICD_IPRIORITYR), intid),
    };
    let reg = va + u64::from(n & !3);
    // SAFETY: an IPRIORITYR word of the mapped distributor or of this
    // CPU's redistributor; reading it has no side effects.
    let word = unsafe { gic::mmio_read32(reg) };
    (word >> ((n % 4) * 8)) as u8
}

/// Make `intid` pending in this CPU's virtual interface (HW-backed for
/// physical interrupts), or queue it until a list register frees up.
fn inject(pc: &PerCpu, intid: u32) {
    let hw = intid >= 16;
    let lrs = pc.list_registers;
    let empty = gic::empty_list_registers();
    if !hw {
        // A virtual SGI that is still pending needs no second entry.
        let pending = (0..lrs).any(|n| {
            empty & (1 << n) == 0 && {
                let lr = gic::read_lr(n);
                vgic::list_register_intid(lr) == Some(intid) && lr >> 62 & 1 == 1
            }
        });
        if pending {
            return;
        }
    }
    match (0..lrs).find(|n| empty & (1 << n) != 0) {
        Some(n) => gic::write_lr(n, vgic::list_register(intid, priority(pc, intid), hw)),
        None => {
            pc.pending().set(intid);
            gic::write_ich_hcr(gic::read_ich_hcr() | ICH_HCR_UIE);
        }
    }
}

/// Move queued interrupts into free list registers.
fn refill(pc: &PerCpu) {
    let lrs = pc.list_registers;
    loop {
        let empty = gic::empty_list_registers();
        let Some(n) = (0..lrs).find(|n| empty & (1 << n) != 0) else {
            return;
        };
        let Some(intid) = pc.pending().take() else {
            gic::write_ich_hcr(gic::read_ich_hcr() & !ICH_HCR_UIE);
            return;
        };
        gic::write_lr(
            n,
            vgic::list_register(intid, priority(pc, intid), intid >= 16),
        );
    }
}

/// Deliver the virtual SGIs other CPUs of the cell posted for this CPU.
fn take_posted_sgis(pc: &PerCpu) {
    // Acquire pairs with the senders' release `fetch_or`.
    let sgis = pc.pending_sgis.swap(0, Ordering::Acquire);
    for intid in 0..16 {
        if sgis & (1 << intid) != 0 {
            inject(pc, intid);
        }
    }
}

/// Handle the physical interrupts pending for this (non-root cell) CPU.
/// Returns whether [`SGI_EVENT`] arrived, i.e. the CPU must look at its
/// management requests.
pub fn handle_irqs(pc: &PerCpu) -> bool {
    let maintenance = MAINTENANCE_IRQ.load(Ordering::Relaxed);
    let mut event = false;
    for _ in 0..16 {
        let intid = gic::acknowledge() & 0xff_ffff;
        if intid >= 1020 {
            break;
        }
        gic::end_of_interrupt(intid);
        if intid == SGI_EVENT {
            gic::deactivate(intid);
            pc.stats.count_exit(CpuStat::VmexitsManagement);
            take_posted_sgis(pc);
            event = true;
        } else if intid == maintenance {
            gic::deactivate(intid);
            pc.stats.count_exit(CpuStat::VmexitsMaintenance);
            refill(pc);
        } else if owned(pc, intid) {
            pc.stats.count_exit(CpuStat::VmexitsVirq);
            inject(pc, intid);
        } else {
            // Not the cell's (a stray PPI, another cell's SPI): drop it.
            gic::deactivate(intid);
        }
    }
    event
}

/// A cell CPU wrote `ICC_SGI1R_EL1`: deliver the SGI to the targets that
/// belong to its cell, and to no one else.
pub fn send_virtual_sgi(pc: &PerCpu, value: u64) {
    let request = vgic::SgiRequest::decode(value);
    let view = pc.view();
    let sender = guest_mpidr(pc, view.cpus, view.virt_cpuid);
    for target in cpus_in(view.cpus) {
        if !request.targets_cpu(guest_mpidr(target, view.cpus, view.virt_cpuid), sender) {
            continue;
        }
        if target.cpu_id == pc.cpu_id {
            inject(pc, request.intid);
        } else {
            // Release pairs with the target's acquire swap.
            target
                .pending_sgis
                .fetch_or(1 << request.intid, Ordering::Release);
            if target.power.load(Ordering::Acquire) == POWER_ON {
                gic::send_sgi(SGI_EVENT, target.mpidr);
            }
        }
    }
}

/// Emulate a cell CPU's trapped access to the GIC at `ipa`. `Err` means
/// the access is not one the cell may make (the caller fails the CPU).
pub fn emulate_mmio(pc: &PerCpu, frame: &mut Frame, ipa: u64, dabt: DataAbort) -> Result<(), ()> {
    if !dabt.valid || !is_v3() {
        return Err(());
    }
    let value = match dabt.reg {
        31 => 0,
        r => frame.x[r as usize],
    };
    let gicd = GICD_PA.load(Ordering::Relaxed);
    let gicr = GICR_PA.load(Ordering::Relaxed);
    let gicr_end = gicr + GICR_FRAMES.load(Ordering::Relaxed) * GICR_STRIDE;
    let view = pc.view();
    let (base, access, action) = if (gicd..gicd + GICD_SIZE).contains(&ipa) {
        let access = Access {
            offset: ipa - gicd,
            size: dabt.size,
            write: dabt.write,
            value,
        };
        (gicd, access, vgic::distributor(&view.irqs, &access))
    } else if (gicr..gicr_end).contains(&ipa) {
        let frame_pa = gicr + (ipa - gicr) / GICR_STRIDE * GICR_STRIDE;
        let access = Access {
            offset: ipa - frame_pa,
            size: dabt.size,
            write: dabt.write,
            value,
        };
        let own = cpus_in(view.cpus).any(|c| c.gicr_pa == frame_pa);
        (
            frame_pa,
            access,
            vgic::redistributor(&access, own, &cell_private(), false),
        )
    } else {
        return Err(());
    };
    let va = window_va(base);
    let mut result = perform(pc, va, &access, action)?;
    if view.virt_cpuid && base != gicd && !access.write {
        // With virtual CPU ids, a redistributor shows the affinity its CPU
        // has in the cell, and redistributors of other cells' CPUs show
        // one no cell CPU has.
        let owner = cpus_in(view.cpus).find(|c| c.gicr_pa == base);
        let affinity = owner.map_or(u64::from(u32::MAX), |c| {
            typer_affinity(guest_mpidr(c, view.cpus, true))
        });
        result = vgic::typer_with_affinity(&access, result, affinity);
    }
    if !dabt.write && dabt.reg != 31 {
        let bits = dabt.size * 8;
        let mut v = result;
        if dabt.sign_extend && bits < 64 {
            let shift = 64 - bits;
            v = (((v << shift) as i64) >> shift) as u64;
            if !dabt.sixty_four {
                v &= 0xffff_ffff;
            }
        }
        frame.x[dabt.reg as usize] = v;
    }
    Ok(())
}

/// Apply a filtering decision to the frame mapped at `va`; the value a
/// read returns.
fn perform(pc: &PerCpu, va: u64, access: &Access, action: Action) -> Result<u64, ()> {
    // The register accesses below use `va`, the EL2 window alias of the
    // distributor or of a redistributor; offsets come from the filter and
    // lie inside the frame, and the filter limited every write to
    // interrupts the cell owns.
    let read32 = |offset: u64| {
        // SAFETY: see above.
        unsafe { gic::mmio_read32(va + offset) }
    };
    let write32 = |offset: u64, value: u32| {
        // SAFETY: see above.
        unsafe { gic::mmio_write32(va + offset, value) }
    };
    match action {
        Action::Read { offset, mask } => Ok(vgic::read_result(access, read32(offset) & mask)),
        Action::Read64 { offset, set } => {
            // SAFETY: see above.
            let value = unsafe { gic::mmio_read64(va + offset) };
            Ok(value | set)
        }
        Action::Write { offset, value } => {
            write32(offset, value);
            Ok(0)
        }
        Action::Modify {
            offset,
            mask,
            value,
        } => {
            let _lock = DIST_LOCK.lock();
            // Byte-wide where the register allows it (priorities), so a
            // root CPU writing a neighbouring byte is never overwritten.
            if (0x400..0x800).contains(&(offset & 0xffff)) {
                for byte in 0..4u64 {
                    if mask >> (byte * 8) & 0xff != 0 {
                        let b = (value >> (byte * 8)) as u8;
                        // SAFETY: see above; IPRIORITYR is byte-accessible.
                        unsafe { core::ptr::write_volatile((va + offset + byte) as *mut u8, b) };
                    }
                }
            } else if mask != 0 {
                write32(offset, (read32(offset) & !mask) | value);
            }
            Ok(0)
        }
        Action::Route { offset, irq, mpidr } => {
            let view = pc.view();
            let target =
                cpus_in(view.cpus).find(|c| guest_mpidr(c, view.cpus, view.virt_cpuid) == mpidr);
            match target {
                Some(cpu) => {
                    // SAFETY: see above; IROUTER of an SPI the cell owns.
                    unsafe { gic::mmio_write64(va + offset, cpu.mpidr) };
                    Ok(0)
                }
                None => {
                    println!("Attempt to route IRQ{irq} outside of cell");
                    Err(())
                }
            }
        }
        Action::Constant(value) => Ok(value),
    }
}
