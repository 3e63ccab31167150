// SPDX-License-Identifier: GPL-2.0-only

//! The GIC at EL2: where its frames are, each CPU's redistributor, and
//! interrupt delivery to the CPUs of every cell, the root included.
//!
//! Every CPU runs its cell with `HCR_EL2.IMO`/`FMO` set:
//! each physical interrupt it receives is taken here ([`handle_irq`]).
//! The hypervisor's own ([`SGI_EVENT`], the maintenance interrupt) are
//! handled; an interrupt the cell owns (its PPIs, its SPIs) is
//! priority-dropped and injected into a list register with the HW bit,
//! so the cell's deactivation deactivates the physical interrupt; an SGI
//! another root CPU forwarded is injected into a root CPU as a virtual
//! SGI; anything else is ended and dropped. A cell's `ICC_*` accesses
//! (GICv2: its accesses to the GICC frame, where the GICV frame is
//! mapped) reach the virtual CPU interface; its distributor and
//! redistributor accesses trap and are filtered by [`crate::vgic`]
//! ([`emulate_mmio`]); its SGIs reach only its own CPUs ([`send_sgi`],
//! [`send_sgi_v2`]).
//!
//! The root is lifted into this scheme while Linux runs: at enable each
//! CPU's interface state moves into its virtual interface
//! ([`lift_root_cpu`]), at disable it moves back without losing an
//! interrupt ([`lower_root_cpu`]). The root's SPIs are those of its
//! config minus the ones non-root cells own ([`spis_to_cell`],
//! [`spis_to_root`]).
//!
//! One binary serves both GIC generations: the system config's
//! `gic_version` selects, at run time, the primitives that differ
//! (acknowledge/EOI/deactivate, physical SGIs, list registers, the
//! virtual interface's control registers: [`Chip`]); everything above them
//! (injection, the pending queue, hand-over, ownership, filtering) is
//! shared. List register values are handled in the GICv3 form
//! ([`vgic::list_register`]) and translated for a GICv2, whose SGIs keep
//! their source CPU interface through the queue, the posted SGIs and the
//! list registers, so that the same SGI from two CPUs is two interrupts.
//!
//! Non-root cells on a GICv2 find the virtual CPU interface (GICV) where
//! their config's GICC is ([`cell_cpu_interface`]); their distributor
//! accesses trap and are filtered ([`vgic::distributor_v2`]): SPI targets
//! only name the cell's CPU interfaces, `GICD_SGIR` reaches only the
//! cell's CPUs, with the sender's CPU interface as the SGI's source. The
//! root on a GICv2 is virtualised the same way, Linux's `GICC_*` state
//! moving into `GICH_VMCR` and back.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use jailhouse_abi::config::{MemFlags, MemoryRegion, SystemConfig};
use jailhouse_abi::hypercall::{CpuStat, Errno};

use crate::arch::aarch64::{gic, gicv2, Frame};
use crate::hv::{cpus_in, guest_mpidr, PerCpu, POWER_ON, ROOT_CPUS, ROOT_ID};
use crate::layout::{GIC_WINDOW_BASE, GIC_WINDOW_SIZE};
use crate::paging::{self, TABLE_L2_HIGH};
use crate::println;
use crate::sync::SpinLock;
use crate::trap::DataAbort;
use crate::vgic::{
    self, Access, Action, CpuInterface, Handover, IrqSet, GICD_SIZE, GICD_SIZE_V2, GICR_STRIDE,
    MAX_IRQS, SGI_EVENT,
};

/// GIC version of the system config.
static VERSION: AtomicU32 = AtomicU32::new(0);
static GICD_PA: AtomicU64 = AtomicU64::new(0);
static GICR_PA: AtomicU64 = AtomicU64::new(0);
/// GICv2: the CPU interface (where cells find their virtual one) and the
/// virtual CPU interface.
static GICC_PA: AtomicU64 = AtomicU64::new(0);
static GICV_PA: AtomicU64 = AtomicU64::new(0);
/// Redistributors the hypervisor hands out (one per configured CPU).
static GICR_FRAMES: AtomicU64 = AtomicU64::new(0);
/// Physical address the EL2 GIC window starts at.
static WINDOW_PA: AtomicU64 = AtomicU64::new(0);
static MAINTENANCE_IRQ: AtomicU32 = AtomicU32::new(25);
/// Serialises the emulation of trapped GIC accesses (read-modify-write
/// of shared registers) with each other and with changes of interrupt
/// ownership, so that a decision taken under it still holds when it is
/// carried out.
static DIST_LOCK: SpinLock<()> = SpinLock::new(());
/// The root cell's SPIs: its config's, minus those of non-root cells.
/// Written under [`DIST_LOCK`]; read under it for emulation, and without
/// it (relaxed) when an interrupt arrives, where a stale bit only
/// delivers or drops an interrupt that is being handed over anyway.
static ROOT_IRQS: [AtomicU32; MAX_IRQS / 32] = [const { AtomicU32::new(0) }; MAX_IRQS / 32];

/// `ICH_HCR_EL2.En`: the virtual CPU interface works.
const ICH_HCR_EN: u64 = 1 << 0;
/// `ICH_HCR_EL2.UIE`: maintenance interrupt when the list registers
/// (nearly) ran empty, to refill them from the pending queue.
const ICH_HCR_UIE: u64 = 1 << 1;
/// Redistributor registers.
const GICR_TYPER: u64 = 0x8;
const GICR_ISENABLER0: u64 = 0x1_0100;
const GICR_ICENABLER0: u64 = 0x1_0180;
const GICR_ISPENDR0: u64 = 0x1_0200;
const GICR_ICPENDR0: u64 = 0x1_0280;
const GICR_ISACTIVER0: u64 = 0x1_0300;
const GICR_ICACTIVER0: u64 = 0x1_0380;
const GICR_IPRIORITYR: u64 = 0x1_0400;
const GICD_ICENABLER: u64 = 0x0180;
const GICD_ISPENDR: u64 = 0x0200;
const GICD_ICACTIVER: u64 = 0x0380;
const GICD_IPRIORITYR: u64 = 0x0400;
const GICD_IROUTER: u64 = 0x6000;
const GICD_ITARGETSR: u64 = 0x0800;
const GICD_CPENDSGIR: u64 = 0x0f10;
/// Offset of a redistributor's SGI/PPI frame: its registers are, on a
/// GICv2, the banked ones of the distributor at the same offsets.
const GICR_SGI_BASE: u64 = 0x1_0000;
/// `GICC_CTLR` of the hypervisor on a GICv2: interrupts of the first
/// group on (the only group without security extensions, the
/// non-secure one with them: bit 0 either way) and EOImode 1 (bit 9).
const GICC_CTLR_HV: u32 = 1 | 1 << 9;

/// The GIC generation, from the system config: the primitives that differ
/// between a GICv3 (system registers) and a GICv2 (memory-mapped CPU and
/// virtual interfaces). List register values are in the form of
/// [`vgic::list_register`] on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chip {
    V2,
    V3,
}

fn chip() -> Chip {
    if is_v3() {
        Chip::V3
    } else {
        Chip::V2
    }
}

impl Chip {
    /// Acknowledge: the raw value, to hand back to [`Chip::end_of_interrupt`]
    /// and [`Chip::deactivate`] (a GICv2 wants the SGI source back), and
    /// the interrupt ID.
    #[inline(always)]
    fn acknowledge(self) -> (u32, u32) {
        match self {
            Chip::V3 => {
                let iar = gic::acknowledge();
                (iar, iar & 0xff_ffff)
            }
            Chip::V2 => {
                let iar = gicv2::acknowledge();
                (iar, iar & 0x3ff)
            }
        }
    }

    #[inline(always)]
    fn end_of_interrupt(self, iar: u32) {
        match self {
            Chip::V3 => gic::end_of_interrupt(iar),
            Chip::V2 => gicv2::end_of_interrupt(iar),
        }
    }

    fn deactivate(self, iar: u32) {
        match self {
            Chip::V3 => gic::deactivate(iar),
            Chip::V2 => gicv2::deactivate(iar),
        }
    }

    /// Physical SGI `intid` to CPU `target`.
    fn send_sgi(self, intid: u32, target: &PerCpu) {
        match self {
            Chip::V3 => gic::send_sgi(intid, target.mpidr),
            Chip::V2 => gicv2::send_sgi(intid, target.gicv2_target),
        }
    }

    fn list_registers(self) -> usize {
        match self {
            Chip::V3 => gic::list_registers(),
            Chip::V2 => gicv2::list_registers(),
        }
    }

    fn read_lr(self, n: usize) -> u64 {
        match self {
            Chip::V3 => gic::read_lr(n),
            Chip::V2 => vgic::lr_from_v2(gicv2::read_lr(n)),
        }
    }

    #[inline(always)]
    fn write_lr(self, n: usize, lr: u64) {
        match self {
            // Without HW, bits 40:32 are RES0 on a GICv3: no SGI source.
            Chip::V3 if lr >> 61 & 1 == 0 => gic::write_lr(n, lr & !(0x1ff << 32)),
            Chip::V3 => gic::write_lr(n, lr),
            Chip::V2 => gicv2::write_lr(n, if lr == 0 { 0 } else { vgic::lr_to_v2(lr) }),
        }
    }

    #[inline(always)]
    fn empty_list_registers(self) -> u64 {
        match self {
            Chip::V3 => gic::empty_list_registers(),
            Chip::V2 => gicv2::empty_list_registers(),
        }
    }

    /// `ICH_HCR_EL2` / `GICH_HCR` (En and UIE are bits 0 and 1 of both).
    fn read_hcr(self) -> u64 {
        match self {
            Chip::V3 => gic::read_ich_hcr(),
            Chip::V2 => u64::from(gicv2::read_hcr()),
        }
    }

    fn write_hcr(self, value: u64) {
        match self {
            Chip::V3 => gic::write_ich_hcr(value),
            Chip::V2 => gicv2::write_hcr(value as u32),
        }
    }

    /// A virtual interface without state: no active priorities, VMCR 0.
    fn reset_virtual_interface(self) {
        match self {
            Chip::V3 => {
                gic::write_ich_ap1r0(0);
                gic::write_ich_vmcr(0);
            }
            Chip::V2 => {
                gicv2::write_vapr(0);
                gicv2::write_vmcr(0);
            }
        }
    }

    /// The physical CPU interface as the hypervisor runs it under any
    /// cell: nothing masked, EOI mode 1 (priority drop at EL2,
    /// deactivation by the cell's virtual EOI), interrupts on.
    fn own_physical_interface(self) {
        match self {
            Chip::V3 => {
                gic::write_icc_pmr(0xff);
                gic::write_icc_ctlr(gic::read_icc_ctlr() | vgic::ICC_CTLR_EOIMODE);
                gic::write_icc_igrpen1(1);
            }
            Chip::V2 => {
                gicv2::write_pmr(0xff);
                gicv2::write_ctlr(GICC_CTLR_HV);
            }
        }
    }
}

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
            if gicc == 0 || gich == 0 || arm.gicv_base == 0 {
                println!("FATAL: GICv2 needs GICC, GICH and GICV in the platform info");
                return Err(Errno::Inval);
            }
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
    GICC_PA.store(arm.gicc_base, Ordering::Relaxed);
    GICV_PA.store(arm.gicv_base, Ordering::Relaxed);
    if version == 2 {
        gicv2::init(
            window_va(gicd),
            window_va(arm.gicc_base),
            window_va(arm.gich_base),
        );
    }
    MAINTENANCE_IRQ.store(u32::from(maintenance), Ordering::Relaxed);
    let root_spis = IrqSet::of_irqchips(config.irqchips(), gicd);
    for (word, bits) in ROOT_IRQS.iter().enumerate() {
        bits.store(root_spis.word(word), Ordering::Relaxed);
    }
    Ok(())
}

/// Affinity as `GICR_TYPER[63:32]` encodes it, from MPIDR fields.
fn typer_affinity(mpidr: u64) -> u64 {
    ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xff_ffff)
}

/// Where a non-root cell finds its (virtual) GICv2 CPU interface: the
/// virtual CPU interface frame, mapped at the CPU interface's address in
/// the cell's stage 2 (GICv2 only).
pub fn cell_cpu_interface() -> Option<MemoryRegion> {
    (!is_v3()).then(|| MemoryRegion {
        phys_start: GICV_PA.load(Ordering::Relaxed),
        virt_start: GICC_PA.load(Ordering::Relaxed),
        size: 0x2000,
        flags: (MemFlags::READ | MemFlags::WRITE | MemFlags::IO).bits(),
    })
}

/// Find this CPU's redistributor (GICv3) or CPU interface number (GICv2)
/// and its list registers (each CPU, at enable).
pub fn init_cpu(pc: &mut PerCpu) -> Result<(), Errno> {
    if !is_v3() {
        // The banked GICD_ITARGETSR0 reads as this CPU's own interface.
        // SAFETY: a read-only identification byte of the mapped
        // distributor.
        let own = unsafe { gic::mmio_read32(gicd_va(GICD_ITARGETSR)) } as u8;
        if own.count_ones() != 1 {
            println!("GIC: No CPU interface number for CPU{}", pc.cpu_id);
            return Err(Errno::NoDev);
        }
        pc.gicv2_target = own;
        pc.list_registers = chip().list_registers().min(64);
        pc.private_priority_va = gicd_va(GICD_IPRIORITYR);
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
            pc.private_priority_va = window_va(pa) + GICR_IPRIORITYR;
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

/// A register of `pc`'s redistributor; on a GICv2, one of its SGI/PPI
/// frame, i.e. the distributor's banked copy for the calling CPU (callers
/// run on `pc`).
fn gicr_va(pc: &PerCpu, offset: u64) -> u64 {
    match chip() {
        Chip::V3 => window_va(pc.gicr_pa) + offset,
        Chip::V2 => gicd_va(offset.saturating_sub(GICR_SGI_BASE)),
    }
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

/// The private interrupts a cell may program on its CPUs (the root's
/// are the same: PPIs but the maintenance interrupt; SGIs are virtual).
fn cell_private() -> IrqSet {
    vgic::cell_private_irqs(MAINTENANCE_IRQ.load(Ordering::Relaxed))
}

fn private_mask() -> u32 {
    cell_private().word(0)
}

/// The hypervisor's own private interrupts.
fn own_private_mask() -> u32 {
    1 << SGI_EVENT | 1 << MAINTENANCE_IRQ.load(Ordering::Relaxed)
}

/// Whether `pc` runs the root cell.
fn in_root(pc: &PerCpu) -> bool {
    pc.cell.load(Ordering::Relaxed) == ROOT_ID
}

/// The root's SPIs now.
fn root_irqs() -> IrqSet {
    let mut set = IrqSet::new();
    for (word, bits) in ROOT_IRQS.iter().enumerate() {
        set.set_word(word, bits.load(Ordering::Relaxed));
    }
    set
}

/// What the GIC emulation needs to know of a CPU's cell.
struct Owner {
    irqs: IrqSet,
    cpus: u64,
    virt_cpuid: bool,
}

fn owner(pc: &PerCpu) -> Owner {
    if in_root(pc) {
        Owner {
            irqs: root_irqs(),
            cpus: ROOT_CPUS.load(Ordering::Relaxed),
            virt_cpuid: false,
        }
    } else {
        let view = pc.view();
        Owner {
            irqs: view.irqs,
            cpus: view.cpus,
            virt_cpuid: view.virt_cpuid,
        }
    }
}

/// Give the virtual interface up, handing each virtual interrupt it
/// holds back to the physical GIC as [`vgic::hand_back`] decides
/// (`keep`: the CPU's software goes on with the physical interface).
/// Leaves the list registers, the queue and the posted SGIs empty.
fn release_virtual_interface(pc: &PerCpu, keep: bool) {
    let chip = chip();
    for n in 0..pc.list_registers {
        apply_handover(pc, vgic::hand_back(chip.read_lr(n), keep));
        chip.write_lr(n, 0);
    }
    while let Some((intid, _)) = pc.pending().take() {
        apply_handover(pc, vgic::hand_back_queued(intid, keep));
    }
    for source in &pc.pending_sgis {
        // Acquire pairs with the senders' release `fetch_or`.
        let posted = source.swap(0, Ordering::Acquire);
        for intid in (0..16).filter(|n| posted & (1 << n) != 0) {
            apply_handover(pc, vgic::hand_back_queued(intid, keep));
        }
    }
    match chip {
        Chip::V3 => gic::write_ich_ap1r0(0),
        Chip::V2 => gicv2::write_vapr(0),
    }
}

fn apply_handover(pc: &PerCpu, handover: Handover) {
    match handover {
        Handover::Drop => {}
        Handover::Sgi(intid) => chip().send_sgi(intid, pc),
        Handover::Physical {
            intid,
            pend,
            deactivate,
        } => {
            let bit = 1u32 << (intid % 32);
            if intid < 32 {
                if pend {
                    gicr_write(pc, GICR_ISPENDR0, bit);
                }
                if deactivate {
                    gicr_write(pc, GICR_ICACTIVER0, bit);
                }
            } else {
                let word = u64::from(intid / 32) * 4;
                if pend {
                    gicd_write(GICD_ISPENDR + word, bit);
                }
                if deactivate {
                    gicd_write(GICD_ICACTIVER + word, bit);
                }
            }
        }
    }
}

/// An empty virtual interface (whatever it held handed back) and the
/// physical interface as the hypervisor runs it; the GIC in use.
fn fresh_interfaces(pc: &PerCpu) -> Chip {
    let chip = chip();
    release_virtual_interface(pc, false);
    chip.reset_virtual_interface();
    chip.own_physical_interface();
    chip
}

/// Prepare this CPU's interfaces for its (new) non-root cell: physical
/// interrupts to EL2 with EOI mode 1, the hypervisor's interrupts on, the
/// cell's PPIs off and inactive, an empty virtual interface.
pub fn enter_cell(pc: &PerCpu) {
    let chip = fresh_interfaces(pc);
    let private = private_mask();
    gicr_write(pc, GICR_ICENABLER0, private);
    gicr_write(pc, GICR_ICACTIVER0, private);
    gicr_write(pc, GICR_ISENABLER0, own_private_mask());
    chip.write_hcr(ICH_HCR_EN);
}

/// Make SGIs pending on this CPU stale, but [`SGI_EVENT`]: a GICv3 clears
/// them in the redistributor, a GICv2 per source in `GICD_CPENDSGIR<n>`
/// (its `GICD_ICPENDR0` cannot clear SGIs).
fn clear_pending_sgis(pc: &PerCpu, sgis: u32) {
    match chip() {
        Chip::V3 => gicr_write(pc, GICR_ICPENDR0, sgis),
        Chip::V2 => {
            for word in 0..4u32 {
                let bytes = (0..4u32)
                    .filter(|b| sgis & (1 << (word * 4 + b)) != 0)
                    .fold(0u32, |m, b| m | 0xff << (b * 8));
                if bytes != 0 {
                    gicd_write(GICD_CPENDSGIR + 4 * u64::from(word), bytes);
                }
            }
        }
    }
}

/// Prepare this CPU for the root again, when Linux switches it on (PSCI
/// CPU_ON): an empty virtual interface, which Linux programs as it
/// brings the CPU up.
pub fn enter_root(pc: &PerCpu) {
    let chip = fresh_interfaces(pc);
    // SGIs left pending from before the CPU went off are stale.
    clear_pending_sgis(pc, 0xffff & !(1 << SGI_EVENT));
    gicr_write(pc, GICR_ISENABLER0, 0xffff | own_private_mask());
    chip.write_hcr(ICH_HCR_EN);
}

/// Bring a root CPU, with Linux running on it, under the hypervisor's
/// interrupt handling (enable, once per CPU): Linux's CPU interface state
/// (`ICC_*`, or `GICC_*` on a GICv2) becomes the virtual interface's;
/// interrupts that are active on the CPU (the IPI that called the driver
/// on it) are deactivated, as Linux's later deactivation reaches only the
/// virtual interface; all SGIs (Linux sends its IPIs as physical SGIs,
/// forwarded by [`send_sgi`] and [`send_sgi_v2`]) and the hypervisor's
/// interrupts are enabled.
pub fn lift_root_cpu(pc: &PerCpu) {
    let chip = chip();
    clear_list_registers(pc);
    match chip {
        Chip::V3 => {
            let linux = CpuInterface::from_icc(
                gic::read_icc_pmr(),
                gic::read_icc_bpr1(),
                gic::read_icc_igrpen1(),
                gic::read_icc_ctlr(),
            );
            // Active priorities move too (none, normally: Linux drops the
            // priority as it acknowledges, EOImode 1).
            gic::write_ich_ap1r0(gic::read_icc_ap1r0());
            gic::write_icc_ap1r0(0);
            gic::write_ich_vmcr(linux.to_vmcr());
        }
        Chip::V2 => {
            let vmcr = vgic::gich_vmcr(gicv2::read_ctlr(), gicv2::read_pmr(), gicv2::read_bpr());
            gicv2::write_vapr(gicv2::read_apr());
            gicv2::write_apr(0);
            gicv2::write_vmcr(vmcr);
        }
    }
    chip.own_physical_interface();
    // SAFETY: the CPU's redistributor (GICv2: its banked distributor
    // registers) in the mapped window; reading the active bits has no
    // side effects.
    let active = unsafe { gic::mmio_read32(gicr_va(pc, GICR_ISACTIVER0)) };
    gicr_write(pc, GICR_ICACTIVER0, active);
    clear_pending_sgis(pc, 1 << SGI_EVENT);
    gicr_write(pc, GICR_ISENABLER0, 0xffff | own_private_mask());
    chip.write_hcr(ICH_HCR_EN);
}

/// Give a root CPU's interrupts back to Linux (disable): the virtual
/// interface's state becomes the physical CPU interface's, and every
/// virtual interrupt pending or active is handed back so that Linux sees
/// it on the physical interface ([`vgic::hand_back`] with `keep`).
pub fn lower_root_cpu(pc: &PerCpu) {
    let chip = chip();
    chip.write_hcr(0);
    gicr_write(
        pc,
        GICR_ICENABLER0,
        1 << MAINTENANCE_IRQ.load(Ordering::Relaxed),
    );
    match chip {
        Chip::V3 => {
            let linux = CpuInterface::from_vmcr(gic::read_ich_vmcr());
            let active_priorities = gic::read_ich_ap1r0();
            gic::write_icc_pmr(u64::from(linux.pmr));
            gic::write_icc_bpr1(u64::from(linux.bpr1));
            gic::write_icc_ctlr(linux.icc_ctlr(gic::read_icc_ctlr()));
            gic::write_icc_igrpen1(u64::from(linux.group1));
            gic::write_icc_ap1r0(active_priorities);
        }
        Chip::V2 => {
            let (ctlr, pmr, bpr) = vgic::gicc_from_vmcr(gicv2::read_vmcr());
            gicv2::write_pmr(pmr);
            gicv2::write_bpr(bpr);
            gicv2::write_apr(gicv2::read_vapr());
            // Bits the virtual interface does not hold stay as they are.
            gicv2::write_ctlr(gicv2::read_ctlr() & !(0x1f | 1 << 9) | ctlr);
        }
    }
    release_virtual_interface(pc, true);
}

/// Silence a CPU that stops (parks, or is switched off by its cell or by
/// Linux): its PPIs off and inactive if it ran a non-root cell, its
/// virtual interface handed back ([`vgic::hand_back`] without `keep`).
pub fn quiesce_cpu(pc: &PerCpu) {
    chip().write_hcr(0);
    if !in_root(pc) {
        let private = private_mask();
        gicr_write(pc, GICR_ICENABLER0, private);
        gicr_write(pc, GICR_ICACTIVER0, private);
    }
    release_virtual_interface(pc, false);
}

fn clear_list_registers(pc: &PerCpu) {
    let chip = chip();
    for n in 0..pc.list_registers {
        chip.write_lr(n, 0);
    }
    match chip {
        Chip::V3 => gic::write_ich_ap1r0(0),
        Chip::V2 => gicv2::write_vapr(0),
    }
    pc.pending().clear();
    for source in &pc.pending_sgis {
        source.store(0, Ordering::Relaxed);
    }
}

/// Hand SPIs of a new cell over from the root: they leave the root's set,
/// and are disabled, deactivated and routed to `target`.
pub fn spis_to_cell(irqs: &IrqSet, target: Option<&PerCpu>) {
    let _lock = DIST_LOCK.lock();
    for (word, bits) in ROOT_IRQS.iter().enumerate() {
        bits.fetch_and(!irqs.word(word), Ordering::Relaxed);
    }
    reset_spis(irqs, target);
}

/// Give the SPIs of a destroyed cell back to the root: disabled,
/// deactivated, routed to `target`, then in the root's set.
pub fn spis_to_root(irqs: &IrqSet, target: Option<&PerCpu>) {
    let _lock = DIST_LOCK.lock();
    reset_spis(irqs, target);
    for (word, bits) in ROOT_IRQS.iter().enumerate() {
        bits.fetch_or(irqs.word(word), Ordering::Relaxed);
    }
}

/// Disable, deactivate and route to `target` the SPIs `irqs` (caller
/// holds [`DIST_LOCK`]).
fn reset_spis(irqs: &IrqSet, target: Option<&PerCpu>) {
    for irq in irqs.iter() {
        let word = u64::from(irq / 32) * 4;
        let bit = 1u32 << (irq % 32);
        gicd_write(GICD_ICENABLER + word, bit);
        gicd_write(GICD_ICACTIVER + word, bit);
        let Some(target) = target else { continue };
        match chip() {
            // SAFETY: IROUTER of `irq`, an SPI (irq >= 32, so the register
            // exists), in the mapped distributor.
            Chip::V3 => unsafe {
                gic::mmio_write64(
                    gicd_va(GICD_IROUTER + 8 * u64::from(irq)),
                    target.mpidr & 0xff_00ff_ffff,
                );
            },
            // SAFETY: the ITARGETSR byte of `irq`, an SPI, in the mapped
            // distributor (byte-accessible).
            Chip::V2 => unsafe {
                core::ptr::write_volatile(
                    gicd_va(GICD_ITARGETSR + u64::from(irq)) as *mut u8,
                    target.gicv2_target,
                );
            },
        }
    }
}

/// Whether physical interrupt `intid` belongs to this CPU's cell.
#[inline(always)]
fn owned(pc: &PerCpu, intid: u32) -> bool {
    match intid {
        16..=31 => intid != MAINTENANCE_IRQ.load(Ordering::Relaxed),
        32.. if in_root(pc) => ROOT_IRQS
            .get(intid as usize / 32)
            .is_some_and(|w| w.load(Ordering::Relaxed) & (1 << (intid % 32)) != 0),
        32.. => pc.view().irqs.contains(intid),
        _ => false,
    }
}

/// The priority the cell gave `intid` (its physical priority field);
/// virtual SGIs get the highest.
#[inline(always)]
fn priority(pc: &PerCpu, intid: u32) -> u8 {
    let (va, n) = match intid {
        0..=15 => return 0,
        16..=31 => (pc.private_priority_va, intid),
        _ => (gicd_va(GICD_IPRIORITYR), intid),
    };
    let reg = va + u64::from(n & !3);
    // SAFETY: an IPRIORITYR word of the mapped distributor or of this
    // CPU's redistributor; reading it has no side effects.
    let word = unsafe { gic::mmio_read32(reg) };
    (word >> ((n % 4) * 8)) as u8
}

/// Make `intid` pending in this CPU's virtual interface (HW-backed for
/// physical interrupts), or queue it until a list register frees up. An
/// SGI carries the CPU interface that sent it (`source`, GICv2; 0 on a
/// GICv3).
#[inline]
fn inject(pc: &PerCpu, intid: u32, source: u32) {
    if !place(pc, intid, source) {
        queue(pc, intid, source);
    }
}

/// Keep `intid` (from `source`) until a list register frees up: the
/// underflow maintenance interrupt calls [`refill`].
#[cold]
#[inline(never)]
fn queue(pc: &PerCpu, intid: u32, source: u32) {
    let chip = chip();
    pc.pending().set(intid, source);
    chip.write_hcr(chip.read_hcr() | ICH_HCR_UIE);
}

/// Inject PPI or SPI `intid`, backed by the physical interrupt (which
/// stays active until the guest deactivates it, so no list register can
/// hold it already): [`place`]'s case without SGIs, for the hot path.
#[inline(always)]
fn inject_hw(pc: &PerCpu, intid: u32) {
    let chip = chip();
    let empty = chip.empty_list_registers() & lr_mask(pc.list_registers);
    if empty == 0 {
        queue(pc, intid, 0);
        return;
    }
    let lr = vgic::list_register(intid, priority(pc, intid), true);
    chip.write_lr(empty.trailing_zeros() as usize, lr);
}

/// Put `intid` (from `source`) into a list register; false if none is
/// free. A virtual SGI that a list register already holds is made
/// pending there: still pending, nothing changes; active (the guest is
/// handling the previous one), it becomes pending and active. Two list
/// registers never hold the same interrupt (the architecture leaves that
/// unpredictable: a guest's deactivation could hit the pending copy and
/// lose it). The same SGI from another source is another interrupt.
/// Hardware-backed interrupts cannot be in a list register twice: the
/// physical one stays active until the guest deactivates it.
#[inline]
fn place(pc: &PerCpu, intid: u32, source: u32) -> bool {
    let chip = chip();
    let empty = chip.empty_list_registers() & lr_mask(pc.list_registers);
    if intid < 16 && merge_sgi(chip, empty, pc.list_registers, intid, source) {
        return true;
    }
    if empty == 0 {
        return false;
    }
    chip.write_lr(
        empty.trailing_zeros() as usize,
        list_register(pc, intid, source),
    );
    true
}

/// The bits of the `lrs` implemented list registers.
const fn lr_mask(lrs: usize) -> u64 {
    if lrs >= 64 {
        u64::MAX
    } else {
        (1 << lrs) - 1
    }
}

/// Make virtual SGI `intid` from `source` pending again in the list
/// register that already holds it, if one does (see [`place`]).
#[inline(never)]
fn merge_sgi(chip: Chip, empty: u64, lrs: usize, intid: u32, source: u32) -> bool {
    for n in (0..lrs).filter(|n| empty & (1 << n) == 0) {
        let lr = chip.read_lr(n);
        if vgic::list_register_intid(lr) == Some(intid)
            && lr >> 61 & 1 == 0
            && vgic::list_register_source(lr) == source
        {
            chip.write_lr(n, lr | 1 << 62);
            return true;
        }
    }
    false
}

/// The list register value injecting `intid` (from `source`, an SGI).
fn list_register(pc: &PerCpu, intid: u32, source: u32) -> u64 {
    if intid < 16 {
        vgic::sgi_list_register(intid, source)
    } else {
        vgic::list_register(intid, priority(pc, intid), true)
    }
}

/// Move queued interrupts into free list registers.
fn refill(pc: &PerCpu) {
    let chip = chip();
    let lrs = pc.list_registers;
    loop {
        let empty = chip.empty_list_registers();
        if !(0..lrs).any(|n| empty & (1 << n) != 0) {
            return;
        }
        let Some((intid, source)) = pc.pending().take() else {
            chip.write_hcr(chip.read_hcr() & !ICH_HCR_UIE);
            return;
        };
        // A list register is free: this cannot fail.
        place(pc, intid, source);
    }
}

/// Deliver the virtual SGIs other CPUs of the cell posted for this CPU.
fn take_posted_sgis(pc: &PerCpu) {
    for (source, posted) in pc.pending_sgis.iter().enumerate() {
        // Acquire pairs with the senders' release `fetch_or`.
        let sgis = posted.swap(0, Ordering::Acquire);
        for intid in 0..16 {
            if sgis & (1 << intid) != 0 {
                inject(pc, intid, source as u32);
            }
        }
    }
}

/// Handle the highest-priority physical interrupt pending for this CPU.
/// Returns whether it was [`SGI_EVENT`], i.e. the CPU must look at its
/// management requests.
///
/// This is the hottest path of the hypervisor (every interrupt of every
/// cell comes through it), so it takes one interrupt per exit: another
/// pending interrupt traps again right after the return, which is rare
/// and cheaper than a loop whose set-up every exit would pay. The common
/// case, a PPI or SPI of the CPU's cell, is injected inline; everything
/// else goes to the out-of-line [`handle_special`].
pub fn handle_irq(pc: &PerCpu) -> bool {
    let chip = chip();
    let (iar, intid) = chip.acknowledge();
    if intid >= 1020 {
        return false;
    }
    chip.end_of_interrupt(iar);
    if intid >= 16 && intid != MAINTENANCE_IRQ.load(Ordering::Relaxed) && owned(pc, intid) {
        pc.stats.count_exit(CpuStat::VmexitsVirq);
        inject_hw(pc, intid);
        false
    } else {
        handle_special(pc, chip, iar, intid)
    }
}

/// The interrupts [`handle_irq`] does not inject straight away: the
/// management SGI, the maintenance interrupt, the root's IPIs, and
/// interrupts that are not the cell's. Returns whether it was
/// [`SGI_EVENT`].
#[cold]
#[inline(never)]
fn handle_special(pc: &PerCpu, chip: Chip, iar: u32, intid: u32) -> bool {
    if intid == SGI_EVENT {
        chip.deactivate(iar);
        pc.stats.count_exit(CpuStat::VmexitsManagement);
        take_posted_sgis(pc);
        return true;
    }
    if intid == MAINTENANCE_IRQ.load(Ordering::Relaxed) {
        chip.deactivate(iar);
        pc.stats.count_exit(CpuStat::VmexitsMaintenance);
        refill(pc);
    } else if intid < 16 && in_root(pc) {
        // An IPI of another root CPU, forwarded by `send_sgi`.
        chip.deactivate(iar);
        pc.stats.count_exit(CpuStat::VmexitsVirq);
        inject(pc, intid, iar >> 10 & 7);
    } else {
        // Not the cell's (a stale SGI, a stray PPI, another cell's SPI):
        // drop it.
        chip.deactivate(iar);
    }
    false
}

/// Post virtual SGI `intid` from CPU interface `source` (0 on a GICv3)
/// to `target`, a CPU of the sender's cell, or inject it if the sender
/// is the target.
fn post_sgi(pc: &PerCpu, target: &PerCpu, intid: u32, source: u32) {
    if target.cpu_id == pc.cpu_id {
        inject(pc, intid, source);
        return;
    }
    let Some(posted) = target.pending_sgis.get(source as usize) else {
        return;
    };
    // Release pairs with the target's acquire swap.
    posted.fetch_or(1 << intid, Ordering::Release);
    if target.power.load(Ordering::Acquire) == POWER_ON {
        chip().send_sgi(SGI_EVENT, target);
    }
}

/// Kick CPU `target` with [`SGI_EVENT`], to look at its requests.
pub fn kick(target: &PerCpu) {
    chip().send_sgi(SGI_EVENT, target);
}

/// A CPU of a cell wrote `GICD_SGIR` (GICv2): deliver the SGI to the
/// targets that belong to its cell, from the sender's CPU interface.
///
/// The root's SGIs (Linux's IPIs) travel as the same physical SGI, as on
/// a GICv3 (see [`send_sgi`]): its target's EL2 injects it with the
/// physical source, or, during enable and disable, its Linux takes it
/// directly. Targets that are CPUs of other cells are left out.
fn send_sgi_v2(pc: &PerCpu, owner: &Owner, value: u32) {
    let request = vgic::SgirRequest::decode(value);
    let sender = pc.gicv2_target.trailing_zeros();
    if in_root(pc) && request.intid != SGI_EVENT {
        let others = cpus_in(!owner.cpus).fold(0u8, |m, c| m | c.gicv2_target);
        let mut physical = 0u8;
        for interface in 0..8u32 {
            if !request.targets_interface(interface, sender) {
                continue;
            }
            if interface == sender {
                inject(pc, request.intid, sender);
            } else if others & (1 << interface) == 0 {
                physical |= 1 << interface;
            }
        }
        if physical != 0 {
            gicv2::send_sgi(request.intid, physical);
        }
        return;
    }
    for target in cpus_in(owner.cpus) {
        if request.targets_interface(target.gicv2_target.trailing_zeros(), sender) {
            post_sgi(pc, target, request.intid, sender);
        }
    }
}

/// A CPU wrote `ICC_SGI1R_EL1`: deliver the SGI to the targets that
/// belong to its cell, and to no one else.
///
/// Root SGIs (Linux's IPIs) travel as the same physical SGI, so that an
/// IPI between a CPU under the hypervisor and one that is not yet or no
/// longer (during enable and disable) reaches its target either way.
/// Non-root cells' SGIs, and [`SGI_EVENT`] in any cell, are posted in
/// the target's `pending_sgis` and signalled with [`SGI_EVENT`]: a
/// cell's CPUs may be numbered virtually, and the hypervisor's own SGI
/// must not be mistaken for a cell's.
pub fn send_sgi(pc: &PerCpu, value: u64) {
    let request = vgic::SgiRequest::decode(value);
    let owner = owner(pc);
    if in_root(pc) && request.intid != SGI_EVENT && !request.all_but_self {
        for target in request.listed_targets() {
            // CPUs of other cells are under the hypervisor; a root CPU
            // may not be yet (enable) or no longer (disable).
            let outside = cpus_in(!owner.cpus).any(|c| c.mpidr == target);
            if target == pc.mpidr {
                inject(pc, request.intid, 0);
            } else if !outside {
                gic::send_sgi(request.intid, target);
            }
        }
        return;
    }
    let sender = guest_mpidr(pc, owner.cpus, owner.virt_cpuid);
    for target in cpus_in(owner.cpus) {
        if request.targets_cpu(guest_mpidr(target, owner.cpus, owner.virt_cpuid), sender) {
            post_sgi(pc, target, request.intid, 0);
        }
    }
}

/// Emulate a CPU's trapped access to the GIC at `ipa`. `Err` means the
/// access is not to the GIC or not one the cell may make (the caller
/// fails the CPU, or for the root injects an abort).
pub fn emulate_mmio(pc: &PerCpu, frame: &mut Frame, ipa: u64, dabt: DataAbort) -> Result<(), ()> {
    if !dabt.valid {
        return Err(());
    }
    let value = match dabt.reg {
        31 => 0,
        r => frame.x[r as usize],
    };
    let gicd = GICD_PA.load(Ordering::Relaxed);
    let gicr = GICR_PA.load(Ordering::Relaxed);
    let gicr_end = gicr + GICR_FRAMES.load(Ordering::Relaxed) * GICR_STRIDE;
    let _lock = DIST_LOCK.lock();
    let owner = owner(pc);
    let (base, access, action) = if !is_v3() {
        if !(gicd..gicd + GICD_SIZE_V2).contains(&ipa) {
            return Err(());
        }
        let access = Access {
            offset: ipa - gicd,
            size: dabt.size,
            write: dabt.write,
            value,
        };
        // The distributor banks the SGI/PPI registers per CPU: this CPU's
        // PPIs are programmed here.
        let mut owned = owner.irqs;
        for ppi in cell_private().iter() {
            owned.insert(ppi);
        }
        (gicd, access, vgic::distributor_v2(&owned, &access))
    } else if (gicd..gicd + GICD_SIZE).contains(&ipa) {
        let access = Access {
            offset: ipa - gicd,
            size: dabt.size,
            write: dabt.write,
            value,
        };
        (gicd, access, vgic::distributor(&owner.irqs, &access))
    } else if (gicr..gicr_end).contains(&ipa) {
        let frame_pa = gicr + (ipa - gicr) / GICR_STRIDE * GICR_STRIDE;
        let access = Access {
            offset: ipa - frame_pa,
            size: dabt.size,
            write: dabt.write,
            value,
        };
        let own = cpus_in(owner.cpus).any(|c| c.gicr_pa == frame_pa);
        (
            frame_pa,
            access,
            vgic::redistributor(&access, own, &cell_private(), false),
        )
    } else {
        return Err(());
    };
    let va = window_va(base);
    let mut result = perform(pc, &owner, va, &access, action)?;
    if owner.virt_cpuid && base != gicd && !access.write {
        // With virtual CPU ids, a redistributor shows the affinity its CPU
        // has in the cell, and redistributors of other cells' CPUs show
        // one no cell CPU has.
        let cpu = cpus_in(owner.cpus).find(|c| c.gicr_pa == base);
        let affinity = cpu.map_or(u64::from(u32::MAX), |c| {
            typer_affinity(guest_mpidr(c, owner.cpus, true))
        });
        result = vgic::typer_with_affinity(&access, result, affinity);
    }
    if !dabt.write && dabt.reg != 31 {
        frame.x[dabt.reg as usize] = dabt.read_result(result);
    }
    Ok(())
}

/// Apply a filtering decision to the frame mapped at `va`; the value a
/// read returns. The caller holds [`DIST_LOCK`].
fn perform(
    pc: &PerCpu,
    owner: &Owner,
    va: u64,
    access: &Access,
    action: Action,
) -> Result<u64, ()> {
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
            let target =
                cpus_in(owner.cpus).find(|c| guest_mpidr(c, owner.cpus, owner.virt_cpuid) == mpidr);
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
        Action::SetTargets {
            offset,
            mask,
            value,
        } => {
            // The root may name any interface but those of other cells'
            // CPUs (its own CPUs may not be under the hypervisor yet).
            let interfaces = if in_root(pc) {
                0xff & !cpus_in(!owner.cpus).fold(0u32, |m, c| m | u32::from(c.gicv2_target))
            } else {
                cpus_in(owner.cpus).fold(0u32, |m, c| m | u32::from(c.gicv2_target))
            };
            let foreign = (0..4u32)
                .filter(|byte| mask >> (byte * 8) & 0xff != 0)
                .find(|byte| (value >> (byte * 8)) & 0xff & !interfaces != 0);
            if let Some(byte) = foreign {
                let irq = (offset - GICD_ITARGETSR) as u32 + byte;
                println!("Attempt to route IRQ{irq} outside of cell");
                return Err(());
            }
            for byte in (0..4u64).filter(|byte| mask >> (byte * 8) & 0xff != 0) {
                let b = (value >> (byte * 8)) as u8;
                // SAFETY: see above; ITARGETSR is byte-accessible, and the
                // byte is the target of an SPI the cell owns, naming only
                // the cell's CPU interfaces.
                unsafe { core::ptr::write_volatile((va + offset + byte) as *mut u8, b) };
            }
            Ok(0)
        }
        Action::SendSgi(value) => {
            send_sgi_v2(pc, owner, value);
            Ok(0)
        }
        Action::Constant(value) => Ok(value),
    }
}
