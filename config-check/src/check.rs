// SPDX-License-Identifier: GPL-2.0-only

//! The checks: system-wide facts, one cell on its own and against the
//! root cell, and several non-root cells against each other.
//!
//! Each check reports through the caller's sink and never stops early, so
//! one run lists every problem. Nothing here allocates or panics on any
//! config the parser accepted: all address arithmetic goes through
//! [`crate::geometry`], and all indexing is checked.

use jailhouse_abi::config::{
    CellConfig, CellFlags, ConsoleType, CpuSet, IrqChip, MemFlags, MemoryRegion, SystemConfig,
    CELL_NAME_MAXLEN, MAX_IOMMU_UNITS,
};

use crate::finding::{
    AddressSpace, CellRef, Finding, FindingKind, PlatformDevice, RegionRef, Span, MAX_CPU_SET_SIZE,
};
use crate::geometry::{
    covered_by, guest, has_phys, is_comm, is_mappable, is_page_aligned, is_unused_slot, phys, Range,
};

/// The GIC's interrupt IDs end below 1024 (1020-1023 are special).
const GIC_MAX_IRQS: u32 = 1024;
/// Interrupts one irqchip entry describes.
const IRQCHIP_PINS: u32 = 128;
/// SGIs and PPIs: per CPU, never in an irqchip bitmap.
const PRIVATE_IRQS: u32 = 32;

/// Sizes of the GIC frames the hypervisor keeps for itself. The
/// architecture fixes the register layouts; the windows boards decode are
/// often larger, but these are the parts that must stay unmapped.
const GICD_V2_SIZE: u64 = 0x1000;
const GICD_V3_SIZE: u64 = 0x1_0000;
const GICC_SIZE: u64 = 0x2000;
const GICH_SIZE: u64 = 0x1000;
const GICV_SIZE: u64 = 0x2000;
/// One GICv3 redistributor: RD_base and SGI_base frames.
const GICR_SIZE_PER_CPU: u64 = 0x2_0000;
/// ECAM config space per PCI bus.
const ECAM_BUS_SIZE: u64 = 1 << 20;

fn report<'a>(sink: &mut impl FnMut(Finding<'a>), kind: FindingKind<'a>) {
    sink(Finding::new(kind));
}

fn root_ref<'a>(sys: &SystemConfig<'a>) -> CellRef<'a> {
    CellRef {
        name: sys.root_cell().name(),
        is_root: true,
    }
}

fn cell_ref<'a>(cell: &CellConfig<'a>) -> CellRef<'a> {
    CellRef {
        name: cell.name(),
        is_root: false,
    }
}

fn region_ref(index: usize, region: &MemoryRegion) -> RegionRef {
    RegionRef {
        index,
        region: *region,
    }
}

/// Checks a system config: the hypervisor's own settings and the root
/// cell (its regions, CPUs and interrupts).
pub fn check_system<'a>(sys: &SystemConfig<'a>, sink: &mut impl FnMut(Finding<'a>)) {
    check_hypervisor_memory(sys, sink);

    let console_kind = sys.debug_console().kind;
    if ConsoleType::try_from(console_kind).is_err() {
        report(
            sink,
            FindingKind::UnknownDebugConsoleType { kind: console_kind },
        );
    }

    check_gic(sys, sink);

    let root = sys.root_cell();
    check_cell_itself(sys, &root, root_ref(sys), sink);
}

/// Checks a non-root cell config on its own and against the system it is
/// meant for: its regions, CPUs and interrupts, that everything it takes
/// comes from the root cell, and that it leaves the hypervisor alone.
///
/// It does not compare the cell with other non-root cells; see
/// [`check_cells_together`].
pub fn check_cell<'a>(
    sys: &SystemConfig<'a>,
    cell: &CellConfig<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let me = cell_ref(cell);
    let root = root_ref(sys);
    check_cell_itself(sys, cell, me, sink);

    if cell.name() == root.name {
        report(
            sink,
            FindingKind::DuplicateCellName {
                first: root,
                second: me,
            },
        );
    }

    let kind = cell.desc().console.kind;
    if ConsoleType::try_from(kind).is_err() {
        report(sink, FindingKind::UnknownCellConsoleType { cell: me, kind });
    }

    check_cpus_against_root(sys, cell, me, sink);
    check_comm_regions(cell, me, sink);

    let root_regions = sys.memory_regions();
    for (index, region) in cell.memory_regions().iter().enumerate() {
        if has_phys(region) && !covered_by(phys(region), root_regions) {
            report(
                sink,
                FindingKind::RegionOutsideRoot {
                    cell: me,
                    region: region_ref(index, region),
                    root,
                },
            );
        }
    }

    check_reset_address(cell, me, sink);
}

/// Checks non-root cells that are meant to run at the same time against
/// each other: names, CPUs, memory and interrupts must not clash, and the
/// root cell must keep a CPU.
///
/// Run [`check_cell`] on each cell as well; this only looks at what the
/// cells share.
pub fn check_cells_together<'a>(
    sys: &SystemConfig<'a>,
    cells: &[CellConfig<'a>],
    sink: &mut impl FnMut(Finding<'a>),
) {
    let gicd_base = sys.platform_info().arm.gicd_base;
    for (i, first) in cells.iter().enumerate() {
        for second in cells.iter().skip(i + 1) {
            let (a, b) = (cell_ref(first), cell_ref(second));
            if a.name == b.name {
                report(
                    sink,
                    FindingKind::DuplicateCellName {
                        first: a,
                        second: b,
                    },
                );
            }
            check_cpu_conflict(first, second, sink);
            check_memory_conflicts(first, second, sink);
            check_irq_conflict(gicd_base, first, second, sink);
        }
    }

    // Only report the cells together if no single cell already starves
    // the root cell (check_cell reports that one).
    let root_cpus = sys.cpus();
    let single = cells
        .iter()
        .any(|cell| takes_all(&root_cpus, &[cell.cpus()]));
    if !single && cells.len() > 1 {
        let all = |cpu: usize| cells.iter().any(|c| c.cpus().contains(cpu));
        if !root_cpus.is_empty() && root_cpus.iter().all(all) {
            report(
                sink,
                FindingKind::RootLeftWithoutCpus {
                    cell: None,
                    root: root_ref(sys),
                },
            );
        }
    }
}

/// Runs every check: the system config, each cell config against it, and
/// the cells against each other.
pub fn check_all<'a>(
    sys: &SystemConfig<'a>,
    cells: &[CellConfig<'a>],
    sink: &mut impl FnMut(Finding<'a>),
) {
    check_system(sys, sink);
    for cell in cells {
        check_cell(sys, cell, sink);
    }
    check_cells_together(sys, cells, sink);
}

fn check_hypervisor_memory<'a>(sys: &SystemConfig<'a>, sink: &mut impl FnMut(Finding<'a>)) {
    let hv = sys.hypervisor_memory();
    let hypervisor = Span {
        start: hv.phys_start,
        size: hv.size,
    };
    if hypervisor.size == 0 {
        report(sink, FindingKind::HypervisorMemoryEmpty);
        return;
    }
    if !is_page_aligned(hypervisor.start) || !is_page_aligned(hypervisor.size) {
        report(sink, FindingKind::HypervisorMemoryMisaligned { hypervisor });
    }
    if Range::new(hypervisor.start, hypervisor.size).wraps() {
        report(sink, FindingKind::HypervisorMemoryWraps { hypervisor });
    }
}

fn check_gic<'a>(sys: &SystemConfig<'a>, sink: &mut impl FnMut(Finding<'a>)) {
    let arm = sys.platform_info().arm;
    let version = arm.gic_version;
    let required: &[(u64, PlatformDevice)] = match version {
        2 => &[
            (arm.gicd_base, PlatformDevice::GicDistributor),
            (arm.gicc_base, PlatformDevice::GicCpuInterface),
            (arm.gich_base, PlatformDevice::GicVirtualInterfaceControl),
            (arm.gicv_base, PlatformDevice::GicVirtualCpuInterface),
        ],
        3 => &[
            (arm.gicd_base, PlatformDevice::GicDistributor),
            (arm.gicr_base, PlatformDevice::GicRedistributors),
        ],
        _ => {
            report(sink, FindingKind::UnsupportedGicVersion { version });
            &[]
        }
    };
    for &(base, device) in required {
        if base == 0 {
            report(sink, FindingKind::GicBaseMissing { version, device });
        }
    }

    let irq = arm.maintenance_irq;
    if !(16..32).contains(&irq) {
        report(sink, FindingKind::MaintenanceIrqNotPpi { irq });
    }
}

/// Slots of [`platform_devices`]: five GIC frames, the PCI config space,
/// then the IOMMU units.
const GIC_FRAMES: usize = 5;
const PCI_SLOT: usize = GIC_FRAMES;
const IOMMU_SLOTS: usize = PCI_SLOT + 1;
const DEVICE_SLOTS: usize = IOMMU_SLOTS + MAX_IOMMU_UNITS;

/// The devices no cell may map, with where they are; `None` entries are
/// absent. Every entry is computed without overflow.
fn platform_devices(sys: &SystemConfig<'_>) -> [Option<(PlatformDevice, Span)>; DEVICE_SLOTS] {
    let info = sys.platform_info();
    let arm = info.arm;
    let frame = |base: u64, size: u64, device: PlatformDevice| {
        (base != 0).then_some((device, Span { start: base, size }))
    };
    let mut devices = [None; DEVICE_SLOTS];
    match arm.gic_version {
        2 => {
            devices[0] = frame(arm.gicd_base, GICD_V2_SIZE, PlatformDevice::GicDistributor);
            devices[1] = frame(arm.gicc_base, GICC_SIZE, PlatformDevice::GicCpuInterface);
            devices[2] = frame(
                arm.gich_base,
                GICH_SIZE,
                PlatformDevice::GicVirtualInterfaceControl,
            );
            devices[3] = frame(
                arm.gicv_base,
                GICV_SIZE,
                PlatformDevice::GicVirtualCpuInterface,
            );
        }
        3 => {
            devices[0] = frame(arm.gicd_base, GICD_V3_SIZE, PlatformDevice::GicDistributor);
            // One redistributor per CPU up to the highest one the
            // hypervisor runs on.
            let cpus = sys.cpus().last().map_or(1, |last| last as u64 + 1);
            let size = cpus.saturating_mul(GICR_SIZE_PER_CPU);
            devices[4] = frame(arm.gicr_base, size, PlatformDevice::GicRedistributors);
        }
        _ => {}
    }
    if info.pci_mmconfig_base != 0 {
        let size = (u64::from(info.pci_mmconfig_end_bus) + 1) * ECAM_BUS_SIZE;
        devices[PCI_SLOT] = frame(info.pci_mmconfig_base, size, PlatformDevice::PciConfigSpace);
    }
    let units = info.iommu_units;
    for (unit, iommu) in units.iter().enumerate() {
        let (kind, base, size) = (iommu.kind, iommu.base, iommu.size);
        if kind != 0 && size != 0 {
            if let Some(slot) = devices.get_mut(IOMMU_SLOTS + unit) {
                *slot = frame(base, u64::from(size), PlatformDevice::Iommu { unit });
            }
        }
    }
    devices
}

/// Checks of a cell that need no other cell: name, flags, CPU set, each
/// region, overlaps inside the cell, the hypervisor and its devices,
/// irqchips. Used for the root cell and for non-root cells.
fn check_cell_itself<'a>(
    sys: &SystemConfig<'a>,
    cell: &CellConfig<'a>,
    me: CellRef<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let desc = cell.desc();
    if cell.name().is_empty() {
        report(sink, FindingKind::CellNameEmpty { cell: me });
    } else if cell.name().len() == CELL_NAME_MAXLEN
        && desc.name.get(CELL_NAME_MAXLEN).is_some_and(|&b| b != 0)
    {
        // A name using all 31 characters and the terminator's byte: the
        // driver overwrites that byte, so the last character is lost.
        report(sink, FindingKind::CellNameNotTerminated { cell: me });
    }

    let unknown = desc.flags & !CellFlags::all().bits();
    if unknown != 0 {
        report(
            sink,
            FindingKind::UnknownCellFlags {
                cell: me,
                bits: unknown,
            },
        );
    }

    let cpu_set_size = desc.cpu_set_size;
    if cpu_set_size > MAX_CPU_SET_SIZE {
        report(
            sink,
            FindingKind::CpuSetTooLarge {
                cell: me,
                size: cpu_set_size,
            },
        );
    }
    if cell.cpus().is_empty() {
        report(sink, FindingKind::NoCpus { cell: me });
    }

    let regions = cell.memory_regions();
    for (index, region) in regions.iter().enumerate() {
        check_region(me, index, region, sink);
    }
    check_region_overlaps(me, regions, sink);
    check_hypervisor_overlap(sys, me, regions, sink);

    let devices = platform_devices(sys);
    for (index, region) in regions.iter().enumerate() {
        if !has_phys(region) {
            continue;
        }
        for &(device, device_span) in devices.iter().flatten() {
            if phys(region).overlaps(&Range::new(device_span.start, device_span.size)) {
                report(
                    sink,
                    FindingKind::RegionCoversPlatformDevice {
                        cell: me,
                        region: region_ref(index, region),
                        device,
                        device_span,
                    },
                );
            }
        }
    }

    let gicd_base = sys.platform_info().arm.gicd_base;
    for (index, chip) in cell.irqchips().iter().enumerate() {
        check_irqchip(me, index, chip, gicd_base, sink);
    }
}

/// Size, wrap-around and alignment of one region.
fn check_region<'a>(
    me: CellRef<'a>,
    index: usize,
    region: &MemoryRegion,
    sink: &mut impl FnMut(Finding<'a>),
) {
    if is_unused_slot(region) {
        return;
    }
    let this = region_ref(index, region);
    if region.size == 0 {
        report(
            sink,
            FindingKind::RegionZeroSize {
                cell: me,
                region: this,
            },
        );
        return;
    }

    let comm = is_comm(region);
    let phys_wraps = !comm && phys(region).wraps();
    let space = match (phys_wraps, guest(region).wraps()) {
        (true, true) => Some(AddressSpace::Both),
        (true, false) => Some(AddressSpace::Physical),
        (false, true) => Some(AddressSpace::Guest),
        (false, false) => None,
    };
    if let Some(space) = space {
        report(
            sink,
            FindingKind::RegionWraps {
                cell: me,
                region: this,
                space,
            },
        );
    }

    let flags = region.mem_flags();
    let misaligned = if comm {
        // The size is checked with the other comm-region rules.
        !is_page_aligned(region.virt_start)
    } else if region.is_subpage() {
        !flags.contains(MemFlags::IO)
    } else {
        !is_page_aligned(region.phys_start)
    };
    if misaligned {
        report(
            sink,
            FindingKind::RegionMisaligned {
                cell: me,
                region: this,
            },
        );
    } else if !comm && region.is_subpage() {
        let widths = MemFlags::IO_8 | MemFlags::IO_16 | MemFlags::IO_32 | MemFlags::IO_64;
        if !flags.intersects(widths) {
            report(
                sink,
                FindingKind::SubpageRegionWithoutAccessWidth {
                    cell: me,
                    region: this,
                },
            );
        }
    }
}

/// Regions of one cell that overlap each other.
fn check_region_overlaps<'a>(
    me: CellRef<'a>,
    regions: &[MemoryRegion],
    sink: &mut impl FnMut(Finding<'a>),
) {
    for (i, a) in regions.iter().enumerate() {
        if !is_mappable(a) {
            continue;
        }
        for (j, b) in regions.iter().enumerate().skip(i + 1) {
            if !is_mappable(b) {
                continue;
            }
            let physical = has_phys(a) && has_phys(b) && phys(a).overlaps(&phys(b));
            let virtual_ = guest(a).overlaps(&guest(b));
            let space = match (physical, virtual_) {
                (true, true) => AddressSpace::Both,
                (true, false) => AddressSpace::Physical,
                (false, true) => AddressSpace::Guest,
                (false, false) => continue,
            };
            report(
                sink,
                FindingKind::RegionsOverlap {
                    cell: me,
                    first: region_ref(i, a),
                    second: region_ref(j, b),
                    space,
                },
            );
        }
    }
}

fn check_hypervisor_overlap<'a>(
    sys: &SystemConfig<'a>,
    me: CellRef<'a>,
    regions: &[MemoryRegion],
    sink: &mut impl FnMut(Finding<'a>),
) {
    let hv = sys.hypervisor_memory();
    let hypervisor = Span {
        start: hv.phys_start,
        size: hv.size,
    };
    let hv_range = Range::new(hypervisor.start, hypervisor.size);
    for (index, region) in regions.iter().enumerate() {
        if !has_phys(region) || !phys(region).overlaps(&hv_range) {
            continue;
        }
        let region = region_ref(index, region);
        let kind = if me.is_root {
            FindingKind::RootRegionSpansHypervisor {
                cell: me,
                region,
                hypervisor,
            }
        } else {
            FindingKind::RegionOverlapsHypervisor {
                cell: me,
                region,
                hypervisor,
            }
        };
        report(sink, kind);
    }
}

fn check_irqchip<'a>(
    me: CellRef<'a>,
    index: usize,
    chip: &IrqChip,
    gicd_base: u64,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let (address, pin_base) = (chip.address, chip.pin_base);
    if pin_base % 32 != 0 {
        report(
            sink,
            FindingKind::IrqchipPinBaseMisaligned {
                cell: me,
                index,
                pin_base,
            },
        );
    }
    if pin_base > GIC_MAX_IRQS - IRQCHIP_PINS {
        report(
            sink,
            FindingKind::IrqchipPinBaseOutOfRange {
                cell: me,
                index,
                pin_base,
            },
        );
    }
    if address != gicd_base {
        report(
            sink,
            FindingKind::IrqchipAddressMismatch {
                cell: me,
                index,
                address,
                gicd_base,
            },
        );
    }
    let bitmap = chip.pin_bitmap;
    if pin_base == 0 && bitmap[0] != 0 {
        report(
            sink,
            FindingKind::IrqchipClaimsPrivateIrqs {
                cell: me,
                index,
                bits: bitmap[0],
            },
        );
    }
}

/// Whether `sets` together hold every CPU of a non-empty `root` set.
fn takes_all(root: &CpuSet<'_>, sets: &[CpuSet<'_>]) -> bool {
    !root.is_empty() && root.iter().all(|cpu| sets.iter().any(|s| s.contains(cpu)))
}

fn check_cpus_against_root<'a>(
    sys: &SystemConfig<'a>,
    cell: &CellConfig<'a>,
    me: CellRef<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let root_cpus = sys.cpus();
    let mut outside = cell.cpus().iter().filter(|&cpu| !root_cpus.contains(cpu));
    if let Some(first) = outside.next() {
        report(
            sink,
            FindingKind::CpusNotInSystem {
                cell: me,
                root: root_ref(sys),
                first,
                count: 1 + outside.count(),
            },
        );
    }
    if takes_all(&root_cpus, &[cell.cpus()]) {
        report(
            sink,
            FindingKind::RootLeftWithoutCpus {
                cell: Some(me),
                root: root_ref(sys),
            },
        );
    }
}

fn check_comm_regions<'a>(
    cell: &CellConfig<'a>,
    me: CellRef<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let mut comm = cell
        .memory_regions()
        .iter()
        .enumerate()
        .filter(|(_, r)| is_comm(r));
    let Some((first_index, first)) = comm.next() else {
        report(sink, FindingKind::CommRegionMissing { cell: me });
        return;
    };
    let first = region_ref(first_index, first);
    for (index, region) in core::iter::once((first_index, &first.region)).chain(comm) {
        let this = region_ref(index, region);
        if index != first_index {
            report(
                sink,
                FindingKind::CommRegionDuplicate {
                    cell: me,
                    first,
                    second: this,
                },
            );
        }
        // A size of 0 is already reported as such.
        if region.size != 0 && region.size != crate::finding::PAGE_SIZE {
            report(
                sink,
                FindingKind::CommRegionSize {
                    cell: me,
                    region: this,
                },
            );
        }
    }
}

/// Whether the cell's first CPU starts in memory an image is loaded to or
/// that may hold code.
fn check_reset_address<'a>(
    cell: &CellConfig<'a>,
    me: CellRef<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let address = cell.desc().cpu_reset_address;
    let in_ram = cell.memory_regions().iter().any(|r| {
        let flags = r.mem_flags();
        is_mappable(r)
            && !flags.intersects(MemFlags::IO | MemFlags::COMM_REGION)
            && flags.intersects(MemFlags::LOADABLE | MemFlags::EXECUTE)
            && guest(r).contains(u128::from(address))
    });
    if !in_ram {
        report(
            sink,
            FindingKind::ResetAddressNotInRam { cell: me, address },
        );
    }
}

fn check_cpu_conflict<'a>(
    first: &CellConfig<'a>,
    second: &CellConfig<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let other = second.cpus();
    let mut shared = first.cpus().iter().filter(|&cpu| other.contains(cpu));
    if let Some(cpu) = shared.next() {
        report(
            sink,
            FindingKind::CpuConflict {
                first: cell_ref(first),
                second: cell_ref(second),
                cpu,
                count: 1 + shared.count(),
            },
        );
    }
}

fn check_memory_conflicts<'a>(
    first: &CellConfig<'a>,
    second: &CellConfig<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let shared = |r: &MemoryRegion| r.mem_flags().contains(MemFlags::ROOTSHARED);
    for (i, a) in first.memory_regions().iter().enumerate() {
        if !has_phys(a) {
            continue;
        }
        for (j, b) in second.memory_regions().iter().enumerate() {
            if !has_phys(b) || (shared(a) && shared(b)) || !phys(a).overlaps(&phys(b)) {
                continue;
            }
            report(
                sink,
                FindingKind::MemoryConflict {
                    first: cell_ref(first),
                    first_region: region_ref(i, a),
                    second: cell_ref(second),
                    second_region: region_ref(j, b),
                },
            );
        }
    }
}

/// Bitmap word `word` (interrupts `32 * word ..`) of the SPIs a cell
/// claims, from all its usable irqchip entries for the distributor.
/// Entries the per-cell checks reject are ignored, as the hypervisor would.
fn spi_word(cell: &CellConfig<'_>, gicd_base: u64, word: u32) -> u32 {
    cell.irqchips()
        .iter()
        .filter(|chip| {
            let pin_base = chip.pin_base;
            chip.address == gicd_base
                && pin_base % 32 == 0
                && pin_base <= GIC_MAX_IRQS - IRQCHIP_PINS
        })
        .filter_map(|chip| {
            let first_word = chip.pin_base / 32;
            let bitmap = chip.pin_bitmap;
            let index = word.checked_sub(first_word)?;
            bitmap.get(usize::try_from(index).ok()?).copied()
        })
        .fold(0, |acc, bits| acc | bits)
}

fn check_irq_conflict<'a>(
    gicd_base: u64,
    first: &CellConfig<'a>,
    second: &CellConfig<'a>,
    sink: &mut impl FnMut(Finding<'a>),
) {
    let mut lowest = None;
    let mut count = 0;
    for word in PRIVATE_IRQS / 32..GIC_MAX_IRQS / 32 {
        let both = spi_word(first, gicd_base, word) & spi_word(second, gicd_base, word);
        if both != 0 {
            lowest.get_or_insert(word * 32 + both.trailing_zeros());
            count += both.count_ones();
        }
    }
    if let Some(irq) = lowest {
        report(
            sink,
            FindingKind::IrqConflict {
                first: cell_ref(first),
                second: cell_ref(second),
                irq,
                count,
            },
        );
    }
}
