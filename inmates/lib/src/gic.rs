// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The inmate's GIC driver, GICv2 or GICv3 as the communication region's
//! `gic_version` says (one binary serves QEMU's GICv3 and the RPi4's
//! GICv2), and the IRQ path: acknowledge, call the registered handler,
//! end of interrupt.
//!
//! What the hypervisor gives a cell: the CPU interface is virtual (GICv3:
//! the `ICC_*` system registers; GICv2: the virtual CPU interface mapped
//! at `gicc_base`) and EOI with EOImode 0 also deactivates. Distributor
//! and redistributors are trapped and filtered: the cell may enable and
//! prioritise its own SPIs in the distributor and its own CPU's SGIs/PPIs
//! (GICv3: in its redistributor's SGI frame; GICv2: the banked distributor
//! registers). All register accesses are 32 bits wide, which every
//! emulation must support.
//!
//! Register arithmetic and the redistributor search are plain functions,
//! tested on the host; the rest runs on bare metal only.

use core::fmt;

use jailhouse_abi::comm_region::CommRegion;

/// GICD_ISENABLER<n>: set-enable, one bit per interrupt.
pub const GICD_ISENABLER: usize = 0x100;
/// GICD_IPRIORITYR<n>: priority, one byte per interrupt.
pub const GICD_IPRIORITYR: usize = 0x400;
/// Size of the GICv2 distributor.
pub const GICD_SIZE_V2: usize = 0x1000;
/// Size of the GICv3 distributor.
pub const GICD_SIZE_V3: usize = 0x1_0000;

/// GICv2 CPU interface registers (the virtual interface, to a cell).
pub const GICC_CTLR: usize = 0x00;
/// Priority mask.
pub const GICC_PMR: usize = 0x04;
/// Interrupt acknowledge.
pub const GICC_IAR: usize = 0x0c;
/// End of interrupt.
pub const GICC_EOIR: usize = 0x10;
/// Size of the GICv2 CPU interface.
pub const GICC_SIZE: usize = 0x2000;
/// GICC_CTLR value: EnableGrp0 | EnableGrp1 | AckCtl, FIQEn and EOImode
/// 0. Whichever group the hypervisor injects a virtual interrupt in, it
/// is signalled as an IRQ and GICC_IAR acknowledges it; EOIR deactivates.
pub const GICC_CTLR_ENABLE: u32 = 0b111;

/// GICR_TYPER in a redistributor's RD frame.
pub const GICR_TYPER: usize = 0x08;
/// GICR_WAKER.
pub const GICR_WAKER: usize = 0x14;
/// GICR_WAKER.ProcessorSleep: the CPU's interface is asleep.
pub const GICR_WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
/// GICR_WAKER.ChildrenAsleep: the redistributor is quiescent.
pub const GICR_WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;
/// Offset of the SGI frame (SGI/PPI registers) from the RD frame.
pub const GICR_SGI_BASE: usize = 0x1_0000;
/// GICR_ISENABLER0 in the SGI frame.
pub const GICR_ISENABLER0: usize = 0x100;
/// GICR_IPRIORITYR<n> in the SGI frame.
pub const GICR_IPRIORITYR: usize = 0x400;
/// Distance between redistributors (RD + SGI frame).
pub const GICR_STRIDE: usize = 0x2_0000;
const GICR_TYPER_VLPIS: u64 = 1 << 1;
const GICR_TYPER_LAST: u64 = 1 << 4;
/// How much of the redistributor region the inmate maps and searches:
/// 32 GICv3 CPUs (16 with GICv4's virtual LPI frames).
pub const GICR_WINDOW: usize = 32 * GICR_STRIDE;

/// ICC_PMR_EL1 / GICC_PMR: interrupts of priority (value) below 0xf0 are
/// signalled.
pub const PRIORITY_MASK: u32 = 0xf0;
/// The priority [`Gic::irq_enable`] gives an interrupt.
pub const IRQ_PRIORITY: u8 = 0xa0;
/// Interrupt IDs from here on are special (1023: spurious).
pub const FIRST_SPECIAL_INTID: u32 = 1020;
/// The first shared peripheral interrupt.
pub const FIRST_SPI: u32 = 32;

/// Why the GIC cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GicError {
    /// The communication region has no valid signature/revision.
    NoCommRegion,
    /// `gic_version` is neither 2 nor 3.
    UnsupportedVersion(u8),
    /// A base address the version needs is 0 (or not addressable).
    MissingBase(&'static str),
    /// No redistributor's affinity matches this CPU's MPIDR.
    NoRedistributor {
        /// The affinity searched for, as in GICR_TYPER[63:32].
        affinity: u32,
    },
    /// The redistributor did not wake up (GICR_WAKER.ChildrenAsleep).
    RedistributorAsleep,
    /// A GICD_CTLR write did not take effect (GICD_CTLR.RWP stayed set;
    /// bare-metal flavour, which sets the distributor up itself).
    DistributorBusy,
    /// Not an SGI, PPI or SPI number.
    InvalidIrq(u32),
    /// [`init`] has not run.
    NotInitialized,
}

impl fmt::Display for GicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NoCommRegion => write!(f, "no valid communication region"),
            Self::UnsupportedVersion(v) => write!(f, "unsupported GIC version {v}"),
            Self::MissingBase(what) => write!(f, "communication region lacks {what}"),
            Self::NoRedistributor { affinity } => {
                write!(f, "no redistributor for CPU affinity {affinity:#x}")
            }
            Self::RedistributorAsleep => write!(f, "redistributor does not wake up"),
            Self::DistributorBusy => write!(f, "distributor does not finish a write"),
            Self::InvalidIrq(irq) => write!(f, "invalid interrupt {irq}"),
            Self::NotInitialized => write!(f, "GIC not initialised"),
        }
    }
}

/// The GIC as this CPU uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gic {
    /// GICv2: distributor and (virtual) CPU interface.
    V2 {
        /// Distributor base.
        gicd: usize,
        /// CPU interface base.
        gicc: usize,
    },
    /// GICv3: distributor and this CPU's redistributor (RD frame).
    V3 {
        /// Distributor base.
        gicd: usize,
        /// This CPU's redistributor.
        redist: usize,
    },
}

/// The affinity of MPIDR_EL1 as GICR_TYPER[63:32] holds it
/// (Aff3.Aff2.Aff1.Aff0).
pub const fn mpidr_affinity(mpidr: u64) -> u32 {
    ((mpidr & 0x00ff_ffff) | ((mpidr >> 8) & 0xff00_0000)) as u32
}

/// Find the redistributor of the CPU with `mpidr` among those from
/// `gicr_base`: read each GICR_TYPER (`read_typer(address)`), take the
/// one whose affinity matches, stop after the one with TYPER.Last or at
/// the end of [`GICR_WINDOW`]. Frames are [`GICR_STRIDE`] apart, twice
/// that when TYPER.VLPIS says the redistributor has GICv4 frames.
pub fn find_redistributor(
    gicr_base: usize,
    mpidr: u64,
    mut read_typer: impl FnMut(usize) -> u64,
) -> Result<usize, GicError> {
    let affinity = mpidr_affinity(mpidr);
    let not_found = GicError::NoRedistributor { affinity };
    let end = gicr_base.checked_add(GICR_WINDOW).ok_or(not_found)?;
    let mut frame = gicr_base;
    while frame < end {
        let typer = read_typer(frame + GICR_TYPER);
        if (typer >> 32) as u32 == affinity {
            return Ok(frame);
        }
        if typer & GICR_TYPER_LAST != 0 {
            break;
        }
        frame += if typer & GICR_TYPER_VLPIS != 0 {
            2 * GICR_STRIDE
        } else {
            GICR_STRIDE
        };
    }
    Err(not_found)
}

fn base(value: u64, what: &'static str) -> Result<usize, GicError> {
    match usize::try_from(value) {
        Ok(0) | Err(_) => Err(GicError::MissingBase(what)),
        Ok(base) => Ok(base),
    }
}

impl Gic {
    /// The GIC a communication region describes, for the CPU with
    /// `mpidr`; `read_typer` reads a GICR_TYPER (GICv3 only).
    pub fn from_comm_region(
        comm: &CommRegion,
        mpidr: u64,
        read_typer: impl FnMut(usize) -> u64,
    ) -> Result<Self, GicError> {
        if !comm.is_valid() {
            return Err(GicError::NoCommRegion);
        }
        let gicd = base(comm.gicd_base, "gicd_base")?;
        match comm.gic_version {
            2 => Ok(Self::V2 {
                gicd,
                gicc: base(comm.gicc_base, "gicc_base")?,
            }),
            3 => {
                let gicr = base(comm.gicr_base, "gicr_base")?;
                let redist = find_redistributor(gicr, mpidr, read_typer)?;
                Ok(Self::V3 { gicd, redist })
            }
            v => Err(GicError::UnsupportedVersion(v)),
        }
    }

    /// Where the enable bit of `irq` is: (register address, bit mask).
    /// SGIs and PPIs of a GICv3 are enabled in the redistributor's SGI
    /// frame; everything else in the distributor (on GICv2 its first
    /// register is banked per CPU for SGIs and PPIs).
    pub fn enable_register(&self, irq: u32) -> Result<(usize, u32), GicError> {
        let (bank, index) = self.bank(irq)?;
        let (first, reg) = match bank {
            Bank::Redistributor(sgi_frame) => (sgi_frame + GICR_ISENABLER0, 0),
            Bank::Distributor(gicd) => (gicd + GICD_ISENABLER, index / 32),
        };
        Ok((first + 4 * reg as usize, 1 << (index % 32)))
    }

    /// Where the priority byte of `irq` is: (32-bit register address, bit
    /// shift of the byte in it).
    pub fn priority_register(&self, irq: u32) -> Result<(usize, u32), GicError> {
        let (bank, index) = self.bank(irq)?;
        let first = match bank {
            Bank::Redistributor(sgi_frame) => sgi_frame + GICR_IPRIORITYR,
            Bank::Distributor(gicd) => gicd + GICD_IPRIORITYR,
        };
        Ok((first + 4 * (index / 4) as usize, 8 * (index % 4)))
    }

    fn bank(&self, irq: u32) -> Result<(Bank, u32), GicError> {
        if irq >= FIRST_SPECIAL_INTID {
            return Err(GicError::InvalidIrq(irq));
        }
        Ok(match *self {
            Self::V3 { redist, .. } if irq < FIRST_SPI => {
                (Bank::Redistributor(redist + GICR_SGI_BASE), irq)
            }
            Self::V3 { gicd, .. } | Self::V2 { gicd, .. } => (Bank::Distributor(gicd), irq),
        })
    }

    /// The interrupt ID in an acknowledge value (GICv2 adds the source
    /// CPU of SGIs in bits 12:10).
    pub const fn intid(&self, iar: u32) -> u32 {
        match self {
            Self::V2 { .. } => iar & 0x3ff,
            Self::V3 { .. } => iar & 0x00ff_ffff,
        }
    }

    /// The GIC version number.
    pub const fn version(&self) -> u8 {
        match self {
            Self::V2 { .. } => 2,
            Self::V3 { .. } => 3,
        }
    }
}

enum Bank {
    Distributor(usize),
    /// The SGI frame of this CPU's redistributor.
    Redistributor(usize),
}

/// Replace the byte at `shift` of `word` by `value`.
pub const fn with_byte(word: u32, shift: u32, value: u8) -> u32 {
    (word & !(0xff << shift)) | ((value as u32) << shift)
}

/// GICD_SGIR (GICv2): software-generated interrupt register.
pub const GICD_SGIR: usize = 0xf00;

/// ICC_SGI1R_EL1 value that sends SGI `intid` to the CPU with `mpidr`
/// alone (GICv3; Aff0 < 16, so the range selector stays 0).
pub const fn sgi1r_to(mpidr: u64, intid: u32) -> u64 {
    let aff0 = mpidr & 0xff;
    let aff1 = (mpidr >> 8) & 0xff;
    let aff2 = (mpidr >> 16) & 0xff;
    let aff3 = (mpidr >> 32) & 0xff;
    (aff3 << 48)
        | (aff2 << 32)
        | (((intid & 0xf) as u64) << 24)
        | (aff1 << 16)
        | (1 << (aff0 & 0xf))
}

/// GICD_SGIR value that sends SGI `intid` to the requesting CPU
/// (TargetListFilter 0b10, GICv2).
pub const fn sgir_to_self(intid: u32) -> u32 {
    (0b10 << 24) | (intid & 0xf)
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod hw {
    use core::sync::atomic::{AtomicPtr, AtomicU8, AtomicUsize, Ordering};

    use super::{
        sgi1r_to, sgir_to_self, with_byte, Gic, GicError, FIRST_SPECIAL_INTID, GICC_CTLR,
        GICC_CTLR_ENABLE, GICC_EOIR, GICC_IAR, GICC_PMR, GICD_SGIR, GICR_WAKER,
        GICR_WAKER_CHILDREN_ASLEEP, GICR_WAKER_PROCESSOR_SLEEP, IRQ_PRIORITY, PRIORITY_MASK,
    };
    use crate::arch::{self, icc};
    use crate::comm::machine;

    // The GIC in use, published by `init` (before IRQs can be unmasked)
    // and read by the IRQ path: version 0 = not initialised. One CPU, so
    // ordering only matters against the IRQ handler on the same CPU; the
    // Release/Acquire pair documents that the fields precede the version.
    static VERSION: AtomicU8 = AtomicU8::new(0);
    static DIST: AtomicUsize = AtomicUsize::new(0);
    static CPU: AtomicUsize = AtomicUsize::new(0);
    static HANDLER: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

    /// Set up this CPU's GIC interface from the communication region
    /// (bare-metal flavour: the board's description, see
    /// [`crate::comm::machine`]): find the redistributor (GICv3), wake it,
    /// enable the CPU interface (GICv3: ICC_SRE_EL1.SRE, ICC_PMR_EL1 =
    /// 0xf0, ICC_IGRPEN1_EL1 = 1; GICv2: GICC_PMR = 0xf0, GICC_CTLR
    /// enabled). IRQs stay masked in PSTATE until [`crate::enable_irqs`].
    /// The bare-metal flavour first sets the distributor up as the
    /// hypervisor presents it to a cell.
    pub fn init() -> Result<Gic, GicError> {
        let comm = machine();
        let gic = Gic::from_comm_region(&comm, arch::read_mpidr(), |typer| {
            // Two 32-bit reads, the access size every GICv3 emulation
            // supports for this 64-bit register.
            // SAFETY: `typer` is the TYPER of a redistributor frame in the
            // GICR window startup mapped as device memory; reading TYPER
            // has no side effects.
            let low = unsafe { arch::mmio_read32(typer) };
            // SAFETY: the upper half of the same register.
            let high = unsafe { arch::mmio_read32(typer + 4) };
            u64::from(low) | (u64::from(high) << 32)
        })?;
        #[cfg(feature = "bare-metal")]
        // SAFETY: the board's GIC, which startup mapped; on bare metal
        // this program is alone on the machine.
        unsafe { crate::bare_metal::init_distributor(gic) }?;
        match gic {
            Gic::V3 { redist, .. } => {
                // SAFETY: this CPU's own redistributor, mapped by startup;
                // waking it only lets it forward this CPU's interrupts.
                unsafe { wake_redistributor(redist) }?;
                icc::enable_sre();
                icc::write_pmr(u64::from(PRIORITY_MASK));
                icc::write_igrpen1(1);
            }
            Gic::V2 { gicc, .. } => {
                // SAFETY: the (virtual) CPU interface of this CPU, mapped
                // by startup; the write configures only this CPU.
                unsafe { arch::mmio_write32(gicc + GICC_PMR, PRIORITY_MASK) };
                // SAFETY: as above.
                unsafe { arch::mmio_write32(gicc + GICC_CTLR, GICC_CTLR_ENABLE) };
            }
        }
        publish(gic);
        Ok(gic)
    }

    fn publish(gic: Gic) {
        let (dist, cpu) = match gic {
            Gic::V2 { gicd, gicc } => (gicd, gicc),
            Gic::V3 { gicd, redist } => (gicd, redist),
        };
        DIST.store(dist, Ordering::Relaxed);
        CPU.store(cpu, Ordering::Relaxed);
        VERSION.store(gic.version(), Ordering::Release);
    }

    /// The GIC [`init`] set up, if it ran.
    pub fn current() -> Option<Gic> {
        let version = VERSION.load(Ordering::Acquire);
        let gicd = DIST.load(Ordering::Relaxed);
        let cpu = CPU.load(Ordering::Relaxed);
        match version {
            2 => Some(Gic::V2 { gicd, gicc: cpu }),
            3 => Some(Gic::V3 { gicd, redist: cpu }),
            _ => None,
        }
    }

    /// # Safety
    /// `redist` must be this CPU's redistributor, mapped as a device.
    unsafe fn wake_redistributor(redist: usize) -> Result<(), GicError> {
        let waker = redist + GICR_WAKER;
        // SAFETY: the caller's redistributor; WAKER belongs to this CPU.
        let value = unsafe { arch::mmio_read32(waker) };
        if value & GICR_WAKER_PROCESSOR_SLEEP != 0 {
            // SAFETY: as above.
            unsafe { arch::mmio_write32(waker, value & !GICR_WAKER_PROCESSOR_SLEEP) };
        }
        for _ in 0..1_000_000 {
            // SAFETY: as above.
            if unsafe { arch::mmio_read32(waker) } & GICR_WAKER_CHILDREN_ASLEEP == 0 {
                return Ok(());
            }
            arch::cpu_relax();
        }
        Err(GicError::RedistributorAsleep)
    }

    /// Enable interrupt `irq` (SGI, PPI or SPI) for this CPU, with
    /// priority [`IRQ_PRIORITY`]. The cell must own it: SPIs through its
    /// config's irqchip bitmap, SGIs and PPIs with its CPU.
    pub fn irq_enable(irq: u32) -> Result<(), GicError> {
        let gic = current().ok_or(GicError::NotInitialized)?;
        let (priority, shift) = gic.priority_register(irq)?;
        let (enable, mask) = gic.enable_register(irq)?;
        // SAFETY: GIC registers of `irq` in the distributor or this CPU's
        // redistributor, both mapped by startup; the hypervisor lets the
        // cell change only its own interrupts there.
        let word = unsafe { arch::mmio_read32(priority) };
        // SAFETY: as above. The read-modify-write changes only `irq`'s
        // byte; nothing else writes this CPU's GIC registers concurrently
        // (one CPU, and the IRQ path does not enable interrupts).
        unsafe { arch::mmio_write32(priority, with_byte(word, shift, IRQ_PRIORITY)) };
        // SAFETY: as above; set-enable registers ignore zero bits.
        unsafe { arch::mmio_write32(enable, mask) };
        Ok(())
    }

    /// Send SGI `intid` (0-15) to this CPU.
    pub fn send_sgi_to_self(intid: u32) -> Result<(), GicError> {
        match current().ok_or(GicError::NotInitialized)? {
            Gic::V3 { .. } => icc::write_sgi1r(sgi1r_to(arch::read_mpidr(), intid)),
            // SAFETY: the distributor, mapped by startup; an SGI to this
            // CPU changes no other CPU's state.
            Gic::V2 { gicd, .. } => unsafe {
                arch::mmio_write32(gicd + GICD_SGIR, sgir_to_self(intid))
            },
        }
        Ok(())
    }

    /// Register the function the IRQ path calls with each interrupt ID.
    pub fn set_irq_handler(handler: fn(u32)) {
        HANDLER.store(handler as *mut (), Ordering::Release);
    }

    fn handler() -> Option<fn(u32)> {
        let ptr = HANDLER.load(Ordering::Acquire);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: the only non-null values stored are `fn(u32)` pointers
        // (`set_irq_handler`), and function and data pointers have the
        // same size and representation on aarch64.
        Some(unsafe { core::mem::transmute::<*mut (), fn(u32)>(ptr) })
    }

    fn acknowledge(gic: Gic) -> u32 {
        match gic {
            Gic::V3 { .. } => icc::read_iar1() as u32,
            // SAFETY: this CPU's (virtual) CPU interface, mapped by
            // startup; the caller pairs the acknowledge with an EOI.
            Gic::V2 { gicc, .. } => unsafe { arch::mmio_read32(gicc + GICC_IAR) },
        }
    }

    fn end_of_interrupt(gic: Gic, iar: u32) {
        match gic {
            Gic::V3 { .. } => icc::write_eoir1(u64::from(iar)),
            // SAFETY: as in `acknowledge`; `iar` is a value it returned.
            Gic::V2 { gicc, .. } => unsafe { arch::mmio_write32(gicc + GICC_EOIR, iar) },
        }
    }

    /// The IRQ exception: acknowledge, handle and end every pending
    /// interrupt. Returns false if the GIC is not set up (the interrupt
    /// cannot be acknowledged; the caller must not return to the program
    /// with it still pending).
    pub(crate) fn handle_irq() -> bool {
        let Some(gic) = current() else {
            return false;
        };
        loop {
            let iar = acknowledge(gic);
            let intid = gic.intid(iar);
            if intid >= FIRST_SPECIAL_INTID {
                return true;
            }
            if let Some(handler) = handler() {
                handler(intid);
            }
            end_of_interrupt(gic, iar);
        }
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub(crate) use hw::handle_irq;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use hw::{current, init, irq_enable, send_sgi_to_self, set_irq_handler};

#[cfg(test)]
mod sgi_tests {
    use super::*;

    #[test]
    fn sgi_encodings() {
        // CPU 1 of QEMU virt (MPIDR Aff0 = 1), SGI 1.
        assert_eq!(sgi1r_to(0x8000_0001, 1), 0x0100_0002);
        // Aff3.Aff2.Aff1.Aff0 = 4.3.2.5, SGI 15.
        assert_eq!(sgi1r_to(0x04_8003_0205, 15), 0x0004_0003_0f02_0020);
        assert_eq!(sgir_to_self(1), 0x0200_0001);
    }
}

#[cfg(test)]
mod tests {
    use jailhouse_abi::comm_region::{COMM_REGION_ABI_REVISION, COMM_REGION_MAGIC};

    use super::*;

    const GICR: usize = 0x080a_0000;

    /// QEMU virt's redistributors for `cpus` CPUs with MPIDR Aff0 = n.
    fn qemu_typer(cpus: usize) -> impl FnMut(usize) -> u64 {
        move |addr| {
            assert_eq!((addr - GICR) % GICR_STRIDE, GICR_TYPER, "TYPER only");
            let n = (addr - GICR) / GICR_STRIDE;
            assert!(n < cpus, "read beyond the last redistributor");
            let last = if n == cpus - 1 { GICR_TYPER_LAST } else { 0 };
            ((n as u64) << 32) | ((n as u64) << 8) | last
        }
    }

    #[test]
    fn affinity_layout() {
        assert_eq!(mpidr_affinity(0x8000_0001), 1);
        assert_eq!(mpidr_affinity(0x0000_0000_0003_0201), 0x0003_0201);
        assert_eq!(mpidr_affinity(0x0000_0004_8003_0201), 0x0403_0201);
    }

    #[test]
    fn finds_own_redistributor() {
        for cpu in 0..4 {
            assert_eq!(
                find_redistributor(GICR, 0x8000_0000 | cpu, qemu_typer(4)),
                Ok(GICR + cpu as usize * GICR_STRIDE)
            );
        }
    }

    #[test]
    fn stops_at_last() {
        assert_eq!(
            find_redistributor(GICR, 5, qemu_typer(4)),
            Err(GicError::NoRedistributor { affinity: 5 })
        );
    }

    #[test]
    fn stops_at_window_end() {
        let mut reads = 0;
        let result = find_redistributor(GICR, 1, |_| {
            reads += 1;
            0x7 << 32
        });
        assert_eq!(result, Err(GicError::NoRedistributor { affinity: 1 }));
        assert_eq!(reads, GICR_WINDOW / GICR_STRIDE);
    }

    #[test]
    fn skips_gicv4_frames() {
        let result = find_redistributor(GICR, 1, |addr| match addr - GICR {
            0x8 => GICR_TYPER_VLPIS,
            0x4_0008 => (1 << 32) | GICR_TYPER_VLPIS | GICR_TYPER_LAST,
            other => panic!("read at +{other:#x}"),
        });
        assert_eq!(result, Ok(GICR + 0x4_0000));
    }

    fn comm(version: u8) -> CommRegion {
        CommRegion {
            signature: COMM_REGION_MAGIC,
            revision: COMM_REGION_ABI_REVISION,
            gic_version: version,
            gicd_base: 0x0800_0000,
            gicc_base: 0x0801_0000,
            gicr_base: GICR as u64,
            ..Default::default()
        }
    }

    #[test]
    fn version_from_comm_region() {
        assert_eq!(
            Gic::from_comm_region(&comm(3), 1, qemu_typer(4)),
            Ok(Gic::V3 {
                gicd: 0x0800_0000,
                redist: GICR + GICR_STRIDE
            })
        );
        assert_eq!(
            Gic::from_comm_region(&comm(2), 1, |_| panic!("no redistributors on GICv2")),
            Ok(Gic::V2 {
                gicd: 0x0800_0000,
                gicc: 0x0801_0000
            })
        );
        assert_eq!(
            Gic::from_comm_region(&comm(4), 1, qemu_typer(4)),
            Err(GicError::UnsupportedVersion(4))
        );
        let mut no_gicc = comm(2);
        no_gicc.gicc_base = 0;
        assert_eq!(
            Gic::from_comm_region(&no_gicc, 1, qemu_typer(4)),
            Err(GicError::MissingBase("gicc_base"))
        );
        let mut invalid = comm(3);
        invalid.revision = 1;
        assert_eq!(
            Gic::from_comm_region(&invalid, 1, qemu_typer(4)),
            Err(GicError::NoCommRegion)
        );
    }

    const V3: Gic = Gic::V3 {
        gicd: 0x0800_0000,
        redist: 0x080c_0000,
    };
    const V2: Gic = Gic::V2 {
        gicd: 0xff84_1000,
        gicc: 0xff84_2000,
    };

    #[test]
    fn enable_registers() {
        // Virtual timer PPI 27: SGI frame of the redistributor on v3,
        // banked GICD_ISENABLER0 on v2.
        assert_eq!(V3.enable_register(27), Ok((0x080d_0100, 1 << 27)));
        assert_eq!(V2.enable_register(27), Ok((0xff84_1100, 1 << 27)));
        assert_eq!(V3.enable_register(0), Ok((0x080d_0100, 1)));
        // SPIs: the distributor on both.
        assert_eq!(V3.enable_register(144), Ok((0x0800_0110, 1 << 16)));
        assert_eq!(V2.enable_register(32), Ok((0xff84_1104, 1)));
        assert_eq!(V3.enable_register(1019), Ok((0x0800_017c, 1 << 27)));
        assert_eq!(V3.enable_register(1020), Err(GicError::InvalidIrq(1020)));
    }

    #[test]
    fn priority_registers() {
        assert_eq!(V3.priority_register(27), Ok((0x080d_0418, 24)));
        assert_eq!(V2.priority_register(27), Ok((0xff84_1418, 24)));
        assert_eq!(V3.priority_register(144), Ok((0x0800_0490, 0)));
        assert_eq!(V2.priority_register(1023), Err(GicError::InvalidIrq(1023)));
        assert_eq!(with_byte(0x1122_3344, 24, 0xa0), 0xa022_3344);
        assert_eq!(with_byte(0x1122_3344, 8, 0xa0), 0x1122_a044);
    }

    #[test]
    fn acknowledge_values() {
        // GICv2 SGI from CPU 2: source in bits 12:10.
        assert_eq!(V2.intid((2 << 10) | 5), 5);
        assert_eq!(V2.intid(1023), 1023);
        assert_eq!(V3.intid(27), 27);
        assert_eq!(V3.intid(1023), 1023);
        assert_eq!(V3.version(), 3);
        assert_eq!(V2.version(), 2);
    }
}
