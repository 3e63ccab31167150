// SPDX-License-Identifier: GPL-2.0-only

//! What the checks report: [`Finding`]s, their typed [`FindingKind`]s and
//! the text that tells a user what is wrong and (with the `advice`
//! feature) why that matters and how to fix it.
//!
//! This module owns the wording and the severity of every finding. It does
//! not look at configs itself; the checks build the findings.

use core::fmt;

use jailhouse_abi::config::{MemFlags, MemoryRegion};

/// Size of the pages the hypervisor maps cell memory with.
pub const PAGE_SIZE: u64 = 0x1000;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The config works, but probably not as its author meant, or it
    /// relies on a lenient reading.
    Warning,
    /// The hypervisor refuses the config (or would break isolation with
    /// it).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// The cell a finding is about, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef<'a> {
    /// The name up to its NUL (raw bytes from the config).
    pub name: &'a [u8],
    /// Whether this is the root cell of the system config.
    pub is_root: bool,
}

impl fmt::Display for CellRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root {
            f.write_str("root ")?;
        }
        f.write_str("cell \"")?;
        for &b in self.name {
            write!(f, "{}", core::ascii::escape_default(b))?;
        }
        f.write_str("\"")
    }
}

/// A range of addresses, written as an inclusive range in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First address.
    pub start: u64,
    /// Size in bytes.
    pub size: u64,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_range(f, self.start, self.size)
    }
}

/// Writes `start-last` (inclusive); 128-bit so that wrapping ranges show
/// their real end.
fn write_range(f: &mut fmt::Formatter<'_>, start: u64, size: u64) -> fmt::Result {
    if size == 0 {
        return write!(f, "{start:#x} (empty)");
    }
    let last = u128::from(start) + u128::from(size) - 1;
    write!(f, "{start:#x}-{last:#x}")
}

/// A memory region of a cell: its index in the cell's array and a copy of
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionRef {
    /// Index in the cell's memory regions.
    pub index: usize,
    /// The region as the config states it.
    pub region: MemoryRegion,
}

impl RegionRef {
    fn flags(&self) -> MemFlags {
        self.region.mem_flags()
    }

    fn is_comm(&self) -> bool {
        self.flags().contains(MemFlags::COMM_REGION)
    }
}

impl fmt::Display for RegionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.region;
        let (phys, virt, size) = (r.phys_start, r.virt_start, r.size);
        write!(f, "memory region {} (", self.index)?;
        if self.is_comm() {
            f.write_str("comm region at guest ")?;
            write_range(f, virt, size)?;
        } else {
            f.write_str("phys ")?;
            write_range(f, phys, size)?;
            f.write_str(", guest ")?;
            write_range(f, virt, size)?;
        }
        f.write_str(")")
    }
}

/// In which address space two regions overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressSpace {
    /// Host physical addresses (`phys_start`).
    Physical,
    /// Guest physical addresses (`virt_start`).
    Guest,
    /// Both.
    Both,
}

impl fmt::Display for AddressSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressSpace::Physical => "physical memory",
            AddressSpace::Guest => "guest address space",
            AddressSpace::Both => "both physical memory and guest address space",
        })
    }
}

/// A device the hypervisor keeps for itself; no cell may map it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformDevice {
    /// GIC distributor (`gicd_base`), emulated for the cells.
    GicDistributor,
    /// GICv2 CPU interface (`gicc_base`); cells get the virtual one.
    GicCpuInterface,
    /// GICv2 virtual interface control (`gich_base`), the hypervisor's.
    GicVirtualInterfaceControl,
    /// GICv2 virtual CPU interface (`gicv_base`), mapped by the hypervisor.
    GicVirtualCpuInterface,
    /// GICv3 redistributors (`gicr_base`), emulated for the cells.
    GicRedistributors,
    /// Config space of the PCI host the hypervisor emulates or intercepts
    /// (`pci_mmconfig_base`).
    PciConfigSpace,
    /// An IOMMU unit of the platform info.
    Iommu {
        /// Index in `iommu_units`.
        unit: usize,
    },
}

impl PlatformDevice {
    /// The system config field that holds the device's address.
    pub const fn field(self) -> &'static str {
        match self {
            PlatformDevice::GicDistributor => "platform_info.arm.gicd_base",
            PlatformDevice::GicCpuInterface => "platform_info.arm.gicc_base",
            PlatformDevice::GicVirtualInterfaceControl => "platform_info.arm.gich_base",
            PlatformDevice::GicVirtualCpuInterface => "platform_info.arm.gicv_base",
            PlatformDevice::GicRedistributors => "platform_info.arm.gicr_base",
            PlatformDevice::PciConfigSpace => "platform_info.pci_mmconfig_base",
            PlatformDevice::Iommu { .. } => "platform_info.iommu_units[].base",
        }
    }
}

impl fmt::Display for PlatformDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformDevice::GicDistributor => f.write_str("GIC distributor"),
            PlatformDevice::GicCpuInterface => f.write_str("GIC CPU interface"),
            PlatformDevice::GicVirtualInterfaceControl => {
                f.write_str("GIC virtual interface control")
            }
            PlatformDevice::GicVirtualCpuInterface => f.write_str("GIC virtual CPU interface"),
            PlatformDevice::GicRedistributors => f.write_str("GIC redistributors"),
            PlatformDevice::PciConfigSpace => f.write_str("PCI config space (ECAM)"),
            PlatformDevice::Iommu { unit } => write!(f, "IOMMU unit {unit}"),
        }
    }
}

/// One problem found in a config, with everything needed to explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingKind<'a> {
    /// `hypervisor_memory.size` is 0.
    HypervisorMemoryEmpty,
    /// `hypervisor_memory` start or size is not page aligned.
    HypervisorMemoryMisaligned {
        /// The hypervisor memory.
        hypervisor: Span,
    },
    /// `hypervisor_memory` runs past 2^64.
    HypervisorMemoryWraps {
        /// The hypervisor memory.
        hypervisor: Span,
    },
    /// The debug console's type is not a known `JAILHOUSE_CON_TYPE_*`.
    UnknownDebugConsoleType {
        /// The type number.
        kind: u16,
    },
    /// `gic_version` is neither 2 nor 3.
    UnsupportedGicVersion {
        /// The version number.
        version: u8,
    },
    /// A GIC base address the GIC version needs is 0.
    GicBaseMissing {
        /// The GIC version (2 or 3).
        version: u8,
        /// The frame whose base is missing.
        device: PlatformDevice,
    },
    /// The maintenance interrupt is not a PPI.
    MaintenanceIrqNotPpi {
        /// The configured interrupt.
        irq: u8,
    },
    /// The cell name is empty.
    CellNameEmpty {
        /// The cell.
        cell: CellRef<'a>,
    },
    /// The name fills the whole field without a NUL.
    CellNameNotTerminated {
        /// The cell.
        cell: CellRef<'a>,
    },
    /// Cell flag bits this implementation does not know.
    UnknownCellFlags {
        /// The cell.
        cell: CellRef<'a>,
        /// The unknown bits.
        bits: u32,
    },
    /// A non-root cell's console type is not a known one.
    UnknownCellConsoleType {
        /// The cell.
        cell: CellRef<'a>,
        /// The type number.
        kind: u16,
    },
    /// `cpu_set_size` exceeds what the hypervisor accepts.
    CpuSetTooLarge {
        /// The cell.
        cell: CellRef<'a>,
        /// The configured size in bytes.
        size: u32,
    },
    /// The cell has no CPU.
    NoCpus {
        /// The cell.
        cell: CellRef<'a>,
    },
    /// A non-root cell names CPUs the root cell does not have.
    CpusNotInSystem {
        /// The cell.
        cell: CellRef<'a>,
        /// The root cell.
        root: CellRef<'a>,
        /// The lowest such CPU.
        first: usize,
        /// How many such CPUs there are.
        count: usize,
    },
    /// The root cell would be left without a CPU. `cell` is the cell that
    /// takes them all, or `None` if only the checked cells together do.
    RootLeftWithoutCpus {
        /// The cell taking all root CPUs, if a single one does.
        cell: Option<CellRef<'a>>,
        /// The root cell.
        root: CellRef<'a>,
    },
    /// A region of size 0 that is not an all-zero unused slot.
    RegionZeroSize {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
    },
    /// A region is not page aligned and is not a valid subpage region.
    RegionMisaligned {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
    },
    /// A subpage (emulated) region allows no access width.
    SubpageRegionWithoutAccessWidth {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
    },
    /// A region runs past 2^64.
    RegionWraps {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
        /// Which of its ranges wraps.
        space: AddressSpace,
    },
    /// Two regions of one cell overlap.
    RegionsOverlap {
        /// The cell.
        cell: CellRef<'a>,
        /// The region with the lower index.
        first: RegionRef,
        /// The other region.
        second: RegionRef,
        /// Where they overlap.
        space: AddressSpace,
    },
    /// A root-cell region contains hypervisor memory (openEuler's QEMU
    /// root config does this); the hypervisor carves itself out.
    RootRegionSpansHypervisor {
        /// The root cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
        /// The hypervisor memory.
        hypervisor: Span,
    },
    /// A non-root cell region overlaps hypervisor memory.
    RegionOverlapsHypervisor {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
        /// The hypervisor memory.
        hypervisor: Span,
    },
    /// A region maps a device the hypervisor keeps for itself.
    RegionCoversPlatformDevice {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
        /// The device.
        device: PlatformDevice,
        /// Where the device is.
        device_span: Span,
    },
    /// A non-root cell region is not inside the root cell's regions.
    RegionOutsideRoot {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
        /// The root cell.
        root: CellRef<'a>,
    },
    /// A non-root cell has no communication region.
    CommRegionMissing {
        /// The cell.
        cell: CellRef<'a>,
    },
    /// A cell has more than one communication region.
    CommRegionDuplicate {
        /// The cell.
        cell: CellRef<'a>,
        /// The first comm region.
        first: RegionRef,
        /// A further one.
        second: RegionRef,
    },
    /// A communication region is not exactly one page.
    CommRegionSize {
        /// The cell.
        cell: CellRef<'a>,
        /// The region.
        region: RegionRef,
    },
    /// An irqchip's `pin_base` is not a multiple of 32.
    IrqchipPinBaseMisaligned {
        /// The cell.
        cell: CellRef<'a>,
        /// Index in the cell's irqchips.
        index: usize,
        /// The configured `pin_base`.
        pin_base: u32,
    },
    /// An irqchip's bitmap reaches beyond interrupt 1023.
    IrqchipPinBaseOutOfRange {
        /// The cell.
        cell: CellRef<'a>,
        /// Index in the cell's irqchips.
        index: usize,
        /// The configured `pin_base`.
        pin_base: u32,
    },
    /// An irqchip's address is not the GIC distributor's.
    IrqchipAddressMismatch {
        /// The cell.
        cell: CellRef<'a>,
        /// Index in the cell's irqchips.
        index: usize,
        /// The configured address.
        address: u64,
        /// `gicd_base` of the system config.
        gicd_base: u64,
    },
    /// An irqchip claims SGIs or PPIs (interrupts 0-31).
    IrqchipClaimsPrivateIrqs {
        /// The cell.
        cell: CellRef<'a>,
        /// Index in the cell's irqchips.
        index: usize,
        /// Bitmap word 0, the claimed private interrupts.
        bits: u32,
    },
    /// `cpu_reset_address` is not in loadable or executable RAM.
    ResetAddressNotInRam {
        /// The cell.
        cell: CellRef<'a>,
        /// The configured address.
        address: u64,
    },
    /// Two cells have the same name.
    DuplicateCellName {
        /// The first cell (the root cell, if it is involved).
        first: CellRef<'a>,
        /// The second cell.
        second: CellRef<'a>,
    },
    /// Two non-root cells claim the same CPU.
    CpuConflict {
        /// One cell.
        first: CellRef<'a>,
        /// The other cell.
        second: CellRef<'a>,
        /// The lowest shared CPU.
        cpu: usize,
        /// How many CPUs they share.
        count: usize,
    },
    /// Regions of two non-root cells overlap physically, and they are not
    /// both shared with the root cell.
    MemoryConflict {
        /// One cell.
        first: CellRef<'a>,
        /// Its region.
        first_region: RegionRef,
        /// The other cell.
        second: CellRef<'a>,
        /// Its region.
        second_region: RegionRef,
    },
    /// Two non-root cells claim the same interrupt.
    IrqConflict {
        /// One cell.
        first: CellRef<'a>,
        /// The other cell.
        second: CellRef<'a>,
        /// The lowest shared interrupt.
        irq: u32,
        /// How many interrupts they share.
        count: u32,
    },
}

impl FindingKind<'_> {
    /// How bad this finding is.
    pub fn severity(&self) -> Severity {
        match self {
            FindingKind::CellNameEmpty { .. }
            | FindingKind::CellNameNotTerminated { .. }
            | FindingKind::UnknownCellFlags { .. }
            | FindingKind::UnknownCellConsoleType { .. }
            | FindingKind::SubpageRegionWithoutAccessWidth { .. }
            | FindingKind::RootRegionSpansHypervisor { .. }
            | FindingKind::ResetAddressNotInRam { .. } => Severity::Warning,
            FindingKind::RegionsOverlap {
                cell,
                first,
                second,
                space,
            } => {
                if cell.is_root && (*space == AddressSpace::Physical || same_offset(first, second))
                {
                    // The root cell is trusted, and both regions send the
                    // shared guest range to the same place: the mapping is
                    // unambiguous, only the flags of one region win.
                    Severity::Warning
                } else {
                    Severity::Error
                }
            }
            _ => Severity::Error,
        }
    }
}

/// Whether two regions translate guest addresses to physical ones with
/// the same offset, i.e. agree wherever both map.
fn same_offset(a: &RegionRef, b: &RegionRef) -> bool {
    let offset = |r: &RegionRef| r.region.phys_start.wrapping_sub(r.region.virt_start);
    offset(a) == offset(b)
}

/// The largest `cpu_set_size` the hypervisor accepts (one page).
pub const MAX_CPU_SET_SIZE: u32 = 4096;

/// Writes what follows a finding's problem: why it matters and, after
/// `; `, how to fix it (the text starts with its own separator, `, but`,
/// `; `, ...); arguments as for `write!(f, ...)`, evaluates to the
/// `fmt::Result`.
///
/// With the `advice` feature off it writes nothing and the advice is not
/// compiled in at all: the hypervisor only says what is wrong, and its
/// image stays small; `jailhouse config check` explains the rest.
#[cfg(feature = "advice")]
macro_rules! advice {
    ($f:expr, $($arg:tt)+) => {
        write!($f, $($arg)+)
    };
}

/// Without the `advice` feature: the advice is left out (see above).
#[cfg(not(feature = "advice"))]
macro_rules! advice {
    ($f:expr, $($arg:tt)+) => {
        fmt::Result::Ok(())
    };
}

impl fmt::Display for FindingKind<'_> {
    /// What is wrong and, with the `advice` feature, why that matters and
    /// how to fix it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FindingKind::HypervisorMemoryEmpty => {
                f.write_str("system config: hypervisor_memory has size 0")?;
                advice!(
                    f,
                    "; reserve memory for the hypervisor (e.g. 16 MiB kept from Linux) and set \
                     hypervisor_memory.phys_start and .size to it"
                )
            }
            FindingKind::HypervisorMemoryMisaligned { hypervisor } => {
                write!(
                    f,
                    "system config: hypervisor_memory {hypervisor} (phys_start {:#x}, size \
                     {:#x}) is not 4 KiB aligned",
                    hypervisor.start, hypervisor.size
                )?;
                advice!(f, "; align phys_start and size to 0x1000")
            }
            FindingKind::HypervisorMemoryWraps { hypervisor } => {
                write!(
                    f,
                    "system config: hypervisor_memory {hypervisor} runs past the end of the \
                     64-bit address space"
                )?;
                advice!(f, "; fix phys_start or size")
            }
            FindingKind::UnknownDebugConsoleType { kind } => {
                write!(
                    f,
                    "system config: debug_console.type {kind} ({kind:#x}) is not a known \
                     console type"
                )?;
                advice!(
                    f,
                    "; use a JAILHOUSE_CON_TYPE_* value (PL011 = 3, 8250 = 2, ...) or \
                     JAILHOUSE_CON_TYPE_NONE (0) for no console"
                )
            }
            FindingKind::UnsupportedGicVersion { version } => {
                write!(
                    f,
                    "system config: platform_info.arm.gic_version is {version}, but only GICv2 \
                     and GICv3 are supported"
                )?;
                advice!(f, "; set it to 2 or 3 as the device tree's GIC node says")
            }
            FindingKind::GicBaseMissing { version, device } => {
                write!(
                    f,
                    "system config: a GICv{version} needs the {device} address, but {} is 0",
                    device.field()
                )?;
                advice!(
                    f,
                    "; set it from the device tree's interrupt-controller node"
                )
            }
            FindingKind::MaintenanceIrqNotPpi { irq } => {
                write!(
                    f,
                    "system config: platform_info.arm.maintenance_irq is {irq}, which is not a \
                     PPI (16-31)"
                )?;
                advice!(f, "; set it to the GIC maintenance interrupt, usually 25")
            }
            FindingKind::CellNameEmpty { cell } => {
                write!(f, "{cell}: the name is empty")?;
                advice!(
                    f,
                    "; give the cell a name, it is how `jailhouse cell` commands and the \
                     hypervisor's messages refer to it"
                )
            }
            FindingKind::CellNameNotTerminated { cell } => {
                write!(
                    f,
                    "{cell}: the name fills all 32 bytes of the name field without a \
                     terminating NUL"
                )?;
                advice!(
                    f,
                    ", so it is cut to 31 characters; shorten it to at most 31"
                )
            }
            FindingKind::UnknownCellFlags { cell, bits } => {
                write!(f, "{cell}: flags contain unknown bits {bits:#x}")?;
                advice!(
                    f,
                    ", which are ignored; remove them (known: JAILHOUSE_CELL_PASSIVE_COMMREG, \
                     _AARCH32, _VIRT_CPUID, _VIRTUAL_CONSOLE_PERMITTED, _VIRTUAL_CONSOLE_ACTIVE)"
                )
            }
            FindingKind::UnknownCellConsoleType { cell, kind } => {
                write!(
                    f,
                    "{cell}: console.type {kind} ({kind:#x}) is not a known console type"
                )?;
                advice!(
                    f,
                    ", so the guest cannot use the console it is told about; use a \
                     JAILHOUSE_CON_TYPE_* value"
                )
            }
            FindingKind::CpuSetTooLarge { cell, size } => {
                write!(
                    f,
                    "{cell}: cpu_set_size is {size} bytes, more than the {MAX_CPU_SET_SIZE} the \
                     hypervisor accepts"
                )?;
                advice!(
                    f,
                    "; size the CPU bitmap for the CPUs that exist (8 bytes cover 64 CPUs)"
                )
            }
            FindingKind::NoCpus { cell } => {
                write!(f, "{cell}: the CPU set is empty")?;
                advice!(
                    f,
                    ", but a cell needs at least one CPU; set its bit in .cpus"
                )
            }
            FindingKind::CpusNotInSystem {
                cell,
                root,
                first,
                count,
            } => {
                if count > 1 {
                    write!(f, "{cell}: CPU {first} and {} more are", count - 1)?;
                } else {
                    write!(f, "{cell}: CPU {first} is")?;
                }
                write!(f, " not in the CPU set of {root}")?;
                advice!(
                    f,
                    ", but the hypervisor only controls the root cell's CPUs; use only those"
                )
            }
            FindingKind::RootLeftWithoutCpus { cell, root } => {
                match cell {
                    Some(cell) => write!(f, "{cell} takes every CPU of {root}")?,
                    None => write!(f, "the non-root cells together take every CPU of {root}")?,
                }
                advice!(
                    f,
                    ", but the root cell must keep at least one to run Linux and the management \
                     commands; leave it a CPU"
                )
            }
            FindingKind::RegionZeroSize { cell, region } => {
                write!(f, "{cell}: {region} has size 0")?;
                advice!(
                    f,
                    "; give it its size, or turn it into an unused slot by zeroing all its fields"
                )
            }
            FindingKind::RegionMisaligned { cell, region } => {
                let r = region.region;
                write!(f, "{cell}: {region} ")?;
                if region.is_comm() {
                    f.write_str("is a comm region at a guest address that is not 4 KiB aligned")?;
                    advice!(f, "; place it on a page boundary")
                } else if r.is_subpage() {
                    f.write_str("has a guest address or size that is not 4 KiB aligned")?;
                    advice!(
                        f,
                        ", which only a device register window (JAILHOUSE_MEM_IO, emulated by the \
                         hypervisor as a subpage region) may have; align virt_start and size to \
                         0x1000, or add JAILHOUSE_MEM_IO if it is a device smaller than a page"
                    )
                } else {
                    write!(
                        f,
                        "has phys_start {:#x}, which is not 4 KiB aligned although virt_start \
                         and size are",
                        { r.phys_start }
                    )?;
                    advice!(
                        f,
                        ", so it cannot be mapped page by page; align phys_start to 0x1000"
                    )
                }
            }
            FindingKind::SubpageRegionWithoutAccessWidth { cell, region } => {
                write!(
                    f,
                    "{cell}: {region} is a subpage region (emulated by the hypervisor) that \
                     allows no access width"
                )?;
                advice!(
                    f,
                    ", so every access to it fails; add the widths the device needs \
                     (JAILHOUSE_MEM_IO_8, _IO_16, _IO_32, _IO_64)"
                )
            }
            FindingKind::RegionWraps {
                cell,
                region,
                space,
            } => {
                let sum = match space {
                    AddressSpace::Physical => "phys_start + size runs",
                    AddressSpace::Guest => "virt_start + size runs",
                    AddressSpace::Both => "phys_start + size and virt_start + size run",
                };
                write!(
                    f,
                    "{cell}: {region}: {sum} past the end of the 64-bit address space"
                )?;
                advice!(f, "; fix the start address or the size")
            }
            FindingKind::RegionsOverlap {
                cell,
                first,
                second,
                space,
            } => {
                write!(f, "{cell}: {first} and {second} overlap in {space}")?;
                advice!(
                    f,
                    "; {}",
                    if self.severity() == Severity::Warning {
                        "both send the overlap to the same place, which works, but one region's \
                         flags silently win; split the larger region around the smaller one"
                    } else {
                        "a guest address must lead to one place and a cell must map each \
                         physical range once; make the regions disjoint"
                    }
                )
            }
            FindingKind::RootRegionSpansHypervisor {
                cell,
                region,
                hypervisor,
            } => {
                write!(
                    f,
                    "{cell}: {region} contains hypervisor memory {hypervisor}"
                )?;
                advice!(
                    f,
                    "; the hypervisor takes its own memory away from the root cell, so this \
                     works (openEuler's configs do it), but the config claims memory the root \
                     cell never gets; split the region around {hypervisor}"
                )
            }
            FindingKind::RegionOverlapsHypervisor {
                cell,
                region,
                hypervisor,
            } => {
                write!(
                    f,
                    "{cell}: {region} overlaps the hypervisor memory {hypervisor}"
                )?;
                advice!(
                    f,
                    ", which no non-root cell may map; move the region out of {hypervisor}"
                )
            }
            FindingKind::RegionCoversPlatformDevice {
                cell,
                region,
                device,
                device_span,
            } => {
                write!(
                    f,
                    "{cell}: {region} maps the {device} at {device_span} ({})",
                    device.field()
                )?;
                advice!(
                    f,
                    ", which the hypervisor must keep for itself: mapped, it would let the cell \
                     bypass the hypervisor's emulation and isolation; leave {device_span} out \
                     of the region"
                )
            }
            FindingKind::RegionOutsideRoot { cell, region, root } => {
                write!(f, "{cell}: {region} is not inside the memory of {root}")?;
                advice!(
                    f,
                    "; a cell can only be given memory and devices the root cell owns (creating \
                     it moves them from the root cell); move the region into a root cell \
                     region, or add the range to the root cell config"
                )
            }
            FindingKind::CommRegionMissing { cell } => {
                write!(f, "{cell}: no memory region has JAILHOUSE_MEM_COMM_REGION")?;
                advice!(
                    f,
                    ", but the hypervisor talks to every non-root cell through its \
                     communication region; add one (size 0x1000, READ | WRITE | COMM_REGION, \
                     e.g. at guest 0x80000000)"
                )
            }
            FindingKind::CommRegionDuplicate {
                cell,
                first,
                second,
            } => {
                write!(f, "{cell}: {first} and {second} are both comm regions")?;
                advice!(
                    f,
                    ", but a cell has one communication page; remove memory region {}",
                    second.index
                )
            }
            FindingKind::CommRegionSize { cell, region } => {
                write!(f, "{cell}: {region} has size {:#x}", { region.region.size })?;
                advice!(
                    f,
                    ", but the communication region is exactly one page; set its size to 0x1000"
                )
            }
            FindingKind::IrqchipPinBaseMisaligned {
                cell,
                index,
                pin_base,
            } => {
                write!(
                    f,
                    "{cell}: irqchip {index}: pin_base {pin_base} is not a multiple of 32"
                )?;
                advice!(
                    f,
                    ", so its bitmap cannot be used; set it to a multiple of 32 (32 covers SPIs \
                     32-159, 160 covers 160-287, ...)"
                )
            }
            FindingKind::IrqchipPinBaseOutOfRange {
                cell,
                index,
                pin_base,
            } => {
                write!(
                    f,
                    "{cell}: irqchip {index}: pin_base {pin_base} puts the 128 interrupts of its \
                     bitmap beyond the GIC's last interrupt ID (pin_base + 128 must not exceed \
                     1024)"
                )?;
                advice!(f, "; use a pin_base of at most 896")
            }
            FindingKind::IrqchipAddressMismatch {
                cell,
                index,
                address,
                gicd_base,
            } => {
                write!(
                    f,
                    "{cell}: irqchip {index} has address {address:#x}, not the GIC \
                     distributor's {gicd_base:#x} (platform_info.arm.gicd_base)"
                )?;
                advice!(
                    f,
                    ", so its interrupts are ignored; set .address = {gicd_base:#x}"
                )
            }
            FindingKind::IrqchipClaimsPrivateIrqs { cell, index, bits } => {
                write!(
                    f,
                    "{cell}: irqchip {index} has pin_base 0 and claims SGIs/PPIs (bitmap word 0 \
                     = {bits:#010x})"
                )?;
                advice!(
                    f,
                    ", but interrupts 0-31 are per CPU and always belong to the cell that owns \
                     the CPU; clear word 0 and list SPIs (32 and up) only"
                )
            }
            FindingKind::ResetAddressNotInRam { cell, address } => {
                write!(
                    f,
                    "{cell}: cpu_reset_address {address:#x} is not inside a loadable or \
                     executable RAM region of the cell"
                )?;
                advice!(
                    f,
                    ", so its first CPU would start outside the loaded image; set it to the \
                     image's entry point (usually 0), or map LOADABLE RAM there"
                )
            }
            FindingKind::DuplicateCellName { first, second } => {
                write!(f, "{first} and {second} have the same name")?;
                advice!(
                    f,
                    ", but cell names must be unique (the driver refuses to create the second); \
                     rename one of them"
                )
            }
            FindingKind::CpuConflict {
                first,
                second,
                cpu,
                count,
            } => {
                write!(f, "{first} and {second} both claim CPU {cpu}")?;
                if count > 1 {
                    write!(f, " ({count} CPUs in common)")?;
                }
                advice!(
                    f,
                    ", but a CPU belongs to one cell at a time; give each cell its own CPUs, or \
                     do not run these cells together"
                )
            }
            FindingKind::MemoryConflict {
                first,
                first_region,
                second,
                second_region,
            } => {
                write!(
                    f,
                    "{first} {first_region} and {second} {second_region} overlap physically"
                )?;
                advice!(
                    f,
                    ", but memory given to one cell is taken from the root cell and cannot also \
                     go to another; move one of them, or mark both JAILHOUSE_MEM_ROOTSHARED if \
                     the memory is meant to be shared"
                )
            }
            FindingKind::IrqConflict {
                first,
                second,
                irq,
                count,
            } => {
                write!(f, "{first} and {second} both claim interrupt {irq}")?;
                if count > 1 {
                    write!(f, " ({count} interrupts in common)")?;
                }
                advice!(
                    f,
                    ", but an SPI is delivered to one cell only; remove it from one cell's \
                     irqchip bitmap"
                )
            }
        }
    }
}

/// A problem found in a config: its severity and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding<'a> {
    /// How bad it is; always `kind.severity()`.
    pub severity: Severity,
    /// What it is, with its data.
    pub kind: FindingKind<'a>,
}

impl<'a> Finding<'a> {
    /// A finding of `kind`, with the severity that kind has.
    pub fn new(kind: FindingKind<'a>) -> Self {
        Finding {
            severity: kind.severity(),
            kind,
        }
    }

    /// Whether this finding makes the config unacceptable.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding<'_> {
    /// `error: <what is wrong>, <why that matters>; <how to fix it>`, the
    /// last two parts only with the `advice` feature.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.kind)
    }
}

/// Counts findings by severity, e.g. for an exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
}

impl Tally {
    /// Counts one finding.
    pub fn add(&mut self, finding: &Finding<'_>) {
        match finding.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// Whether no error was counted.
    pub fn is_ok(&self) -> bool {
        self.errors == 0
    }
}

#[cfg(test)]
mod tests {
    use super::{CellRef, Finding, FindingKind, Span};

    const DEMO: CellRef<'static> = CellRef {
        name: b"demo",
        is_root: false,
    };
    const FREERTOS: CellRef<'static> = CellRef {
        name: b"freertos",
        is_root: false,
    };

    /// A few findings: (kind, what is wrong, the advice: why it matters
    /// and how to fix it).
    fn samples() -> [(FindingKind<'static>, &'static str, &'static str); 3] {
        [
            (
                FindingKind::HypervisorMemoryMisaligned {
                    hypervisor: Span {
                        start: 0x7fc0_0800,
                        size: 0x40_0000,
                    },
                },
                "error: system config: hypervisor_memory 0x7fc00800-0x800007ff (phys_start \
                 0x7fc00800, size 0x400000) is not 4 KiB aligned",
                "; align phys_start and size to 0x1000",
            ),
            (
                FindingKind::CpuConflict {
                    first: DEMO,
                    second: FREERTOS,
                    cpu: 1,
                    count: 2,
                },
                "error: cell \"demo\" and cell \"freertos\" both claim CPU 1 (2 CPUs in common)",
                ", but a CPU belongs to one cell at a time; give each cell its own CPUs, or do \
                 not run these cells together",
            ),
            (
                FindingKind::CommRegionMissing { cell: DEMO },
                "error: cell \"demo\": no memory region has JAILHOUSE_MEM_COMM_REGION",
                ", but the hypervisor talks to every non-root cell through its communication \
                 region; add one (size 0x1000, READ | WRITE | COMM_REGION, e.g. at guest \
                 0x80000000)",
            ),
        ]
    }

    /// With the `advice` feature (the default, `jailhouse config check`)
    /// a finding says what is wrong, why it matters and how to fix it.
    #[cfg(feature = "advice")]
    #[test]
    fn messages_with_advice() {
        for (kind, problem, advice) in samples() {
            let expected = [problem, advice].concat();
            assert_eq!(Finding::new(kind).to_string(), expected);
        }
    }

    /// Without it (the hypervisor) only what is wrong:
    /// `cargo test -p jailhouse-config-check --no-default-features`.
    #[cfg(not(feature = "advice"))]
    #[test]
    fn messages_without_advice() {
        for (kind, problem, _) in samples() {
            assert_eq!(Finding::new(kind).to_string(), problem);
        }
    }
}
