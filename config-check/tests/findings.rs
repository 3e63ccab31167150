// SPDX-License-Identifier: GPL-2.0-only

//! One crafted config per finding kind: each triggers exactly that
//! finding, with the expected severity, data and wording.
//!
//! The starting points are Rust twins of the shipped QEMU configs
//! ([`common::qemu_system`], [`common::inmate`]), which must be clean.

mod common;

use common::{
    assert_clean, cell_findings, comm_region, demo_cell, device, inmate, irqchip, mem, only,
    parse_cell, parse_system, qemu_system, ram, system_findings, together_findings, Cell, System,
    ALL_SPIS, GICD,
};
use jailhouse_abi::config::{CellConfig, IommuType, MemFlags};
use jailhouse_config_check::{AddressSpace, Finding, FindingKind, PlatformDevice, Severity};

/// Runs the system checks on `sys` and hands the findings to `f`.
fn on_system(sys: &System, f: impl FnOnce(&[Finding<'_>])) {
    let blob = sys.blob();
    let parsed = parse_system(&blob);
    f(&system_findings(&parsed));
}

/// Runs the cell checks of `cell` against `sys`; the system itself must be
/// clean.
fn on_cell(sys: &System, cell: &Cell, f: impl FnOnce(&[Finding<'_>])) {
    let (sys_blob, cell_blob) = (sys.blob(), cell.blob());
    let (parsed_sys, parsed_cell) = (parse_system(&sys_blob), parse_cell(&cell_blob));
    f(&cell_findings(&parsed_sys, &parsed_cell));
}

/// Runs the cross-cell checks (only) of `cells` against `sys`.
fn on_cells(sys: &System, cells: &[Cell], f: impl FnOnce(&[Finding<'_>])) {
    let sys_blob = sys.blob();
    let blobs: Vec<Vec<u8>> = cells.iter().map(Cell::blob).collect();
    let parsed: Vec<CellConfig<'_>> = blobs.iter().map(|b| parse_cell(b)).collect();
    f(&together_findings(&parse_system(&sys_blob), &parsed));
}

/// Whether messages go on to why the problem matters and how to fix it
/// (the crate's `advice` feature, on by default); the assertions on that
/// part are skipped without it (`cargo test -p jailhouse-config-check --no-default-features`).
const ADVICE: bool = cfg!(feature = "advice");

fn message(f: &Finding<'_>) -> String {
    f.to_string()
}

#[test]
fn baselines_are_clean() {
    on_system(&qemu_system(), |found| assert_clean("qemu system", found));
    on_cell(&qemu_system(), &inmate(), |found| {
        assert_clean("inmate", found)
    });
    let other = demo_cell(b"other", 0b100, 0x8300_0000);
    on_cells(&qemu_system(), &[inmate(), other], |found| {
        assert_clean("two cells", found)
    });
}

// ------------------------------------------------------------- system --

#[test]
fn hypervisor_memory_empty() {
    let mut sys = qemu_system();
    sys.desc.hypervisor_memory.size = 0;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert_eq!(f.kind, FindingKind::HypervisorMemoryEmpty);
        assert!(message(f).contains("hypervisor_memory has size 0"));
    });
}

#[test]
fn hypervisor_memory_misaligned() {
    let mut sys = qemu_system();
    sys.desc.hypervisor_memory.size = 0xff_f800;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::HypervisorMemoryMisaligned { hypervisor }
                if hypervisor.start == 0x8000_0000 && hypervisor.size == 0xff_f800
        ));
        assert!(message(f).contains("0x80000000-0x80fff7ff"), "{f}");
    });
}

#[test]
fn hypervisor_memory_wraps() {
    let mut sys = qemu_system();
    sys.desc.hypervisor_memory.phys_start = 0xffff_ffff_ffff_f000;
    sys.desc.hypervisor_memory.size = 0x2000;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(f.kind, FindingKind::HypervisorMemoryWraps { .. }));
        assert!(message(f).contains("0xfffffffffffff000-0x10000000000000fff"));
    });
}

#[test]
fn unknown_debug_console_type() {
    let mut sys = qemu_system();
    sys.desc.debug_console.kind = 0x42;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert_eq!(f.kind, FindingKind::UnknownDebugConsoleType { kind: 0x42 });
    });
}

#[test]
fn unsupported_gic_version() {
    let mut sys = qemu_system();
    sys.desc.platform_info.arm.gic_version = 4;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert_eq!(f.kind, FindingKind::UnsupportedGicVersion { version: 4 });
    });
}

#[test]
fn gic_base_missing() {
    let mut sys = qemu_system();
    sys.desc.platform_info.arm.gicr_base = 0;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert_eq!(
            f.kind,
            FindingKind::GicBaseMissing {
                version: 3,
                device: PlatformDevice::GicRedistributors
            }
        );
        assert!(message(f).contains("platform_info.arm.gicr_base is 0"));
    });

    // GICv2 needs the CPU and virtualisation frames as well.
    let mut sys = qemu_system();
    let arm = &mut sys.desc.platform_info.arm;
    arm.gic_version = 2;
    arm.gicc_base = 0x0801_0000;
    arm.gich_base = 0x0803_0000;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert_eq!(
            f.kind,
            FindingKind::GicBaseMissing {
                version: 2,
                device: PlatformDevice::GicVirtualCpuInterface
            }
        );
    });
}

#[test]
fn maintenance_irq_not_ppi() {
    let mut sys = qemu_system();
    sys.desc.platform_info.arm.maintenance_irq = 40;
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert_eq!(f.kind, FindingKind::MaintenanceIrqNotPpi { irq: 40 });
    });
}

// ----------------------------------------------------------- any cell --

#[test]
fn cell_name_empty() {
    let mut sys = qemu_system();
    sys.set_name(b"");
    on_system(&sys, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(f.kind, FindingKind::CellNameEmpty { cell } if cell.is_root));
        assert!(message(f).starts_with("warning: root cell \"\": the name is empty"));
    });
}

#[test]
fn cell_name_not_terminated() {
    let mut sys = qemu_system();
    sys.set_name(&[b'x'; 32]);
    on_system(&sys, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(f.kind, FindingKind::CellNameNotTerminated { cell }
            if cell.name.len() == 31));
    });
}

/// Bytes after the terminating NUL do not matter.
#[test]
fn bytes_after_the_name_are_ignored() {
    let mut cell = inmate();
    cell.desc.name[31] = b'x';
    on_cell(&qemu_system(), &cell, |found| {
        assert_clean("name tail", found)
    });
}

#[test]
fn unknown_cell_flags() {
    let mut cell = inmate();
    cell.desc.flags |= 0x10;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(
            f.kind,
            FindingKind::UnknownCellFlags { bits: 0x10, .. }
        ));
    });
}

#[test]
fn unknown_cell_console_type() {
    let mut cell = inmate();
    cell.desc.console.kind = 0x77;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(
            f.kind,
            FindingKind::UnknownCellConsoleType { kind: 0x77, .. }
        ));
    });
}

#[test]
fn cpu_set_too_large() {
    let mut sys = qemu_system();
    sys.root.cpus.resize(4097, 0);
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::CpuSetTooLarge { size: 4097, .. }
        ));
    });
}

#[test]
fn no_cpus() {
    let mut cell = inmate();
    cell.arrays.cpus = vec![0; 8];
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(f.kind, FindingKind::NoCpus { cell } if cell.name == b"inmate-demo"));
    });
}

#[test]
fn region_zero_size() {
    let mut cell = inmate();
    cell.arrays
        .regions
        .push(mem(0x8300_0000, 0x10_0000, 0, ram()));
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(f.kind, FindingKind::RegionZeroSize { region, .. } if region.index == 3));
    });
}

/// The `{ 0 }` placeholder of `JAILHOUSE_SHMEM_NET_REGIONS` is fine.
#[test]
fn unused_slot_is_accepted() {
    let mut cell = inmate();
    cell.arrays.regions.push(Default::default());
    on_cell(&qemu_system(), &cell, |found| {
        assert_clean("unused slot", found)
    });
}

#[test]
fn region_misaligned() {
    // Device page at an unaligned physical address.
    let mut sys = qemu_system();
    sys.root
        .regions
        .push(mem(0x0910_0800, 0x0910_0000, 0x1000, device()));
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(
            matches!(f.kind, FindingKind::RegionMisaligned { region, .. } if region.index == 4)
        );
        assert!(message(f).contains("phys_start 0x9100800"), "{f}");
    });

    // RAM with a size that is not a page multiple: only devices may be
    // subpage regions.
    let mut cell = inmate();
    cell.arrays.regions[1].size = 0x10_0800;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(
            matches!(f.kind, FindingKind::RegionMisaligned { region, .. } if region.index == 1)
        );
        assert!(!ADVICE || message(f).contains("JAILHOUSE_MEM_IO"), "{f}");
    });

    // A comm region at an unaligned guest address.
    let mut cell = inmate();
    cell.arrays.regions[2].virt_start = 0x8000_0800;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(
            matches!(f.kind, FindingKind::RegionMisaligned { region, .. } if region.index == 2)
        );
    });
}

#[test]
fn subpage_region_without_access_width() {
    let mut cell = inmate();
    cell.arrays.regions[0].phys_start = 0x0900_0040;
    cell.arrays.regions[0].virt_start = 0x0900_0040;
    cell.arrays.regions[0].size = 0x40;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(
            f.kind,
            FindingKind::SubpageRegionWithoutAccessWidth { .. }
        ));
    });

    // With access widths it is a proper subpage region.
    cell.arrays.regions[0].flags |= (MemFlags::IO_8 | MemFlags::IO_32).bits();
    on_cell(&qemu_system(), &cell, |found| {
        assert_clean("subpage UART", found)
    });
}

#[test]
fn region_wraps() {
    let mut sys = qemu_system();
    sys.root.regions.push(mem(
        0xffff_ffff_ffff_f000,
        0xffff_ffff_ffff_f000,
        0x2000,
        device(),
    ));
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionWraps {
                space: AddressSpace::Both,
                ..
            }
        ));
    });

    // Ending exactly at 2^64 is fine; one page more is not.
    let mut cell = inmate();
    cell.arrays
        .regions
        .push(mem(0x8300_0000, 0xffff_ffff_ffff_f000, 0x1000, ram()));
    on_cell(&qemu_system(), &cell, |found| {
        assert_clean("top page", found)
    });
    cell.arrays.regions[3].size = 0x2000;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionWraps {
                space: AddressSpace::Guest,
                ..
            }
        ));
    });
}

#[test]
fn regions_overlap() {
    // Two RAM regions of a non-root cell share guest addresses.
    let mut cell = inmate();
    cell.arrays
        .regions
        .push(mem(0x8300_0000, 0x8_0000, 0x10_0000, ram()));
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionsOverlap { first, second, space: AddressSpace::Guest, .. }
                if first.index == 1 && second.index == 3
        ));
        assert!(
            !ADVICE || message(f).contains("make the regions disjoint"),
            "{f}"
        );
    });

    // The same physical memory twice in one non-root cell.
    let mut cell = inmate();
    cell.arrays
        .regions
        .push(mem(0x8200_0000, 0x4000_0000, 0x1000, ram()));
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionsOverlap {
                space: AddressSpace::Physical,
                ..
            }
        ));
    });
}

/// openEuler's root config maps shared memory inside its RAM region: both
/// identity mapped, so the root gets a warning, not an error.
#[test]
fn consistent_overlap_in_root_is_a_warning() {
    let mut sys = qemu_system();
    sys.root
        .regions
        .push(mem(0x8100_0000, 0x8100_0000, 0x1000, MemFlags::READ));
    on_system(&sys, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(
            f.kind,
            FindingKind::RegionsOverlap {
                space: AddressSpace::Both,
                ..
            }
        ));
        assert!(
            !ADVICE || message(f).contains("split the larger region"),
            "{f}"
        );
    });

    // Different translations of one guest range are an error, root or not.
    let mut sys = qemu_system();
    sys.root
        .regions
        .push(mem(0x0a00_0000, 0x8100_0000, 0x1000, device()));
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionsOverlap {
                space: AddressSpace::Guest,
                ..
            }
        ));
    });
}

#[test]
fn root_region_spans_hypervisor() {
    let mut sys = qemu_system();
    sys.root.regions[0].size = 0x8000_0000;
    sys.root.regions.remove(1);
    on_system(&sys, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(
            f.kind,
            FindingKind::RootRegionSpansHypervisor { region, hypervisor, .. }
                if region.index == 0 && hypervisor.start == 0x8000_0000
        ));
        assert!(message(f).contains("0x80000000-0x80ffffff"), "{f}");
    });
}

#[test]
fn region_overlaps_hypervisor() {
    // With an openEuler-style root the range is root memory, so the only
    // complaint is the hypervisor.
    let mut sys = qemu_system();
    sys.root.regions[0].size = 0x8000_0000;
    sys.root.regions.remove(1);
    let mut cell = inmate();
    cell.arrays.regions[1].phys_start = 0x80f0_0000;
    on_cell(&sys, &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionOverlapsHypervisor { region, .. } if region.index == 1
        ));
    });
}

#[test]
fn region_covers_platform_device() {
    // The GIC distributor in the root cell.
    let mut sys = qemu_system();
    sys.root.regions.push(mem(GICD, GICD, 0x1_0000, device()));
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionCoversPlatformDevice {
                device: PlatformDevice::GicDistributor,
                ..
            }
        ));
        assert!(message(f).contains("0x8000000-0x800ffff"), "{f}");
    });

    // The redistributor of CPU 3 (128 KiB each from gicr_base).
    let mut sys = qemu_system();
    sys.root
        .regions
        .push(mem(0x0810_0000, 0x0810_0000, 0x1000, device()));
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionCoversPlatformDevice {
                device: PlatformDevice::GicRedistributors,
                ..
            }
        ));
    });

    // The virtual PCI host's config space.
    let mut sys = qemu_system();
    sys.root
        .regions
        .push(mem(0x08e0_0000, 0x08e0_0000, 0x10_0000, device()));
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionCoversPlatformDevice {
                device: PlatformDevice::PciConfigSpace,
                ..
            }
        ));
    });

    // An SMMU listed as IOMMU unit.
    let mut sys = qemu_system();
    let unit = &mut sys.desc.platform_info.iommu_units[2];
    unit.kind = IommuType::SmmuV3 as u32;
    unit.base = 0x0905_0000;
    unit.size = 0x2_0000;
    sys.root
        .regions
        .push(mem(0x0905_0000, 0x0905_0000, 0x2_0000, device()));
    on_system(&sys, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionCoversPlatformDevice {
                device: PlatformDevice::Iommu { unit: 2 },
                ..
            }
        ));
    });
}

#[test]
fn region_outside_root() {
    let mut cell = inmate();
    cell.arrays.regions[1].phys_start = 0xc000_0000;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RegionOutsideRoot { cell, region, root }
                if cell.name == b"inmate-demo" && region.index == 1 && root.name == b"qemu"
        ));
        assert!(message(f).contains("phys 0xc0000000-0xc00fffff, guest 0x0-0xfffff"));
    });
}

/// A region spanning two adjacent root regions is inside the root.
#[test]
fn region_across_adjacent_root_regions() {
    let mut sys = qemu_system();
    // Split the upper RAM region in two.
    sys.root.regions[1].size = 0x100_0000;
    sys.root
        .regions
        .push(mem(0x8200_0000, 0x8200_0000, 0x3e00_0000, ram()));
    let mut cell = inmate();
    cell.arrays.regions[1].phys_start = 0x81f0_0000;
    on_cell(&sys, &cell, |found| assert_clean("straddling", found));
}

#[test]
fn comm_region_missing() {
    let mut cell = inmate();
    cell.arrays.regions.pop();
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(f.kind, FindingKind::CommRegionMissing { .. }));
    });
}

#[test]
fn comm_region_duplicate() {
    let mut cell = inmate();
    let mut second = comm_region();
    second.virt_start = 0x8000_1000;
    cell.arrays.regions.push(second);
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::CommRegionDuplicate { first, second, .. }
                if first.index == 2 && second.index == 3
        ));
    });
}

#[test]
fn comm_region_size() {
    let mut cell = inmate();
    cell.arrays.regions[2].size = 0x2000;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(f.kind, FindingKind::CommRegionSize { region, .. } if region.index == 2));
        assert!(!ADVICE || message(f).contains("set its size to 0x1000"));
    });
}

#[test]
fn irqchip_pin_base_misaligned() {
    let mut cell = inmate();
    cell.arrays.irqchips[0].pin_base = 40;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::IrqchipPinBaseMisaligned {
                index: 0,
                pin_base: 40,
                ..
            }
        ));
    });
}

#[test]
fn irqchip_pin_base_out_of_range() {
    let mut cell = inmate();
    cell.arrays.irqchips[0].pin_base = 928;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::IrqchipPinBaseOutOfRange { pin_base: 928, .. }
        ));
    });
}

#[test]
fn irqchip_address_mismatch() {
    let mut cell = inmate();
    cell.arrays.irqchips[0].address = 0x0801_0000;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::IrqchipAddressMismatch {
                address: 0x0801_0000,
                gicd_base: GICD,
                ..
            }
        ));
    });
}

#[test]
fn irqchip_claims_private_irqs() {
    let mut cell = inmate();
    cell.arrays
        .irqchips
        .push(irqchip(GICD, 0, [1 << 27, 0, 0, 0]));
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::IrqchipClaimsPrivateIrqs {
                index: 1,
                bits: 0x0800_0000,
                ..
            }
        ));
    });
}

#[test]
fn reset_address_not_in_ram() {
    let mut cell = inmate();
    cell.desc.cpu_reset_address = 0x20_0000;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Warning);
        assert!(matches!(
            f.kind,
            FindingKind::ResetAddressNotInRam {
                address: 0x20_0000,
                ..
            }
        ));
    });
}

// ---------------------------------------------------- cell against root --

#[test]
fn cpus_not_in_system() {
    let mut cell = inmate();
    cell.arrays.cpus[0] = 0b1_0010;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::CpusNotInSystem {
                first: 4,
                count: 1,
                ..
            }
        ));
        assert!(message(f).contains("CPU 4 is not in the CPU set of root cell \"qemu\""));
    });
}

#[test]
fn root_left_without_cpus_by_one_cell() {
    let mut cell = inmate();
    cell.arrays.cpus[0] = 0xf;
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RootLeftWithoutCpus { cell: Some(c), .. } if c.name == b"inmate-demo"
        ));
    });
}

#[test]
fn duplicate_name_with_root() {
    let mut cell = inmate();
    cell.set_name(b"qemu");
    on_cell(&qemu_system(), &cell, |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::DuplicateCellName { first, second }
                if first.is_root && !second.is_root
        ));
    });
}

// ---------------------------------------------------- cells together --

#[test]
fn duplicate_name_between_cells() {
    let other = demo_cell(b"inmate-demo", 0b100, 0x8300_0000);
    on_cells(&qemu_system(), &[inmate(), other], |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(f.kind, FindingKind::DuplicateCellName { .. }));
    });
}

#[test]
fn cpu_conflict() {
    let mut other = demo_cell(b"other", 0b110, 0x8300_0000);
    other.arrays.irqchips.clear();
    on_cells(&qemu_system(), &[inmate(), other], |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::CpuConflict {
                cpu: 1,
                count: 1,
                ..
            }
        ));
    });
}

#[test]
fn memory_conflict() {
    let other = demo_cell(b"other", 0b100, 0x8208_0000);
    on_cells(&qemu_system(), &[inmate(), other], |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::MemoryConflict { first_region, second_region, .. }
                if first_region.index == 1 && second_region.index == 1
        ));
    });
}

/// Memory both cells share with the root cell (the UART here; ivshmem
/// usually) is not a conflict, but only if both say so.
#[test]
fn rootshared_memory_is_no_conflict_only_when_both_share() {
    let mut other = demo_cell(b"other", 0b100, 0x8300_0000);
    on_cells(&qemu_system(), &[inmate(), other.clone()], |found| {
        assert_clean("shared UART", found)
    });
    other.arrays.regions[0].flags &= !MemFlags::ROOTSHARED.bits();
    on_cells(&qemu_system(), &[inmate(), other], |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(f.kind, FindingKind::MemoryConflict { .. }));
    });
}

#[test]
fn irq_conflict() {
    let mut other = demo_cell(b"other", 0b100, 0x8300_0000);
    // SPI 144 again, through a different irqchip entry layout.
    other.arrays.irqchips = vec![irqchip(GICD, 128, [1 << 16, 0, 0, 0])];
    on_cells(&qemu_system(), &[inmate(), other], |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::IrqConflict {
                irq: 144,
                count: 1,
                ..
            }
        ));
    });
}

#[test]
fn root_left_without_cpus_by_cells_together() {
    let a = demo_cell(b"a", 0b0011, 0x8200_0000);
    let b = demo_cell(b"b", 0b1100, 0x8300_0000);
    on_cells(&qemu_system(), &[a, b], |found| {
        let f = only(found, Severity::Error);
        assert!(matches!(
            f.kind,
            FindingKind::RootLeftWithoutCpus { cell: None, .. }
        ));
        assert!(message(f).contains("the non-root cells together take every CPU"));
    });
}

// ------------------------------------------------------------ openEuler --

/// openEuler's QEMU root cell (facts from its config, rebuilt here): RAM
/// from 0x40000000 over 2 GiB spans the hypervisor and the ivshmem
/// regions it also lists. It works, so it must only produce warnings.
#[test]
fn openeuler_style_root_only_warns() {
    let mut sys = qemu_system();
    let shmem = MemFlags::READ | MemFlags::WRITE;
    sys.root.regions = vec![
        mem(0x8100_0000, 0x8100_0000, 0x1000, MemFlags::READ),
        mem(0x8100_1000, 0x8100_1000, 0x1000, shmem),
        mem(0x8100_2000, 0x8100_2000, 0x10_0000, shmem),
        mem(0x8110_2000, 0x8110_2000, 0x10_0000, MemFlags::READ),
        mem(0x4000_0000, 0x4000_0000, 0x8000_0000, ram()),
        mem(0x0900_0000, 0x0900_0000, 0x1000, device()),
        mem(0x0a00_0000, 0x0a00_0000, 0x1_0000, device()),
        mem(0x1000_0000, 0x1000_0000, 0x2eff_0000, device()),
        mem(0x03ef_0000, 0x03ef_0000, 0x1_0000, device()),
        mem(0x40_1000_0000, 0x40_1000_0000, 0x1000_0000, device()),
        mem(0x80_0000_0000, 0x80_0000_0000, 0x1_0000_0000, device()),
    ];
    sys.root.irqchips = vec![irqchip(GICD, 32, ALL_SPIS)];
    on_system(&sys, |found| {
        assert!(!found.is_empty());
        for f in found {
            assert_eq!(f.severity, Severity::Warning, "{f}");
            assert!(
                matches!(
                    f.kind,
                    FindingKind::RootRegionSpansHypervisor { .. }
                        | FindingKind::RegionsOverlap { .. }
                ),
                "{f}"
            );
        }
        // The RAM region spans the hypervisor; 4 shared-memory regions
        // sit inside the RAM region.
        assert_eq!(found.len(), 5, "{}", common::describe(found));
    });
}

#[test]
fn display_prefixes_severity() {
    let mut cell = inmate();
    cell.arrays.regions.pop();
    on_cell(&qemu_system(), &cell, |found| {
        let text = message(only(found, Severity::Error));
        let problem = "error: cell \"inmate-demo\": no memory region has \
                       JAILHOUSE_MEM_COMM_REGION";
        if ADVICE {
            assert_eq!(
                text,
                "error: cell \"inmate-demo\": no memory region has JAILHOUSE_MEM_COMM_REGION, \
                 but the hypervisor talks to every non-root cell through its communication \
                 region; add one (size 0x1000, READ | WRITE | COMM_REGION, e.g. at guest \
                 0x80000000)"
            );
        } else {
            assert_eq!(text, problem);
        }
    });
}

#[test]
fn cell_names_are_escaped() {
    let mut cell = inmate();
    cell.set_name(b"bad\x1bname");
    cell.arrays.cpus = vec![0; 8];
    on_cell(&qemu_system(), &cell, |found| {
        let text = message(only(found, Severity::Error));
        assert!(text.contains("cell \"bad\\x1bname\""), "{text}");
    });
}

#[test]
fn check_all_combines_everything() {
    let mut tally = jailhouse_config_check::Tally::default();
    let sys_blob = qemu_system().blob();
    let a = inmate().blob();
    let b = demo_cell(b"b", 0b10, 0x8300_0000).blob();
    let sys = parse_system(&sys_blob);
    let cells = [parse_cell(&a), parse_cell(&b)];
    let mut seen = Vec::new();
    jailhouse_config_check::check_all(&sys, &cells, &mut |f| {
        tally.add(&f);
        seen.push(f);
    });
    // Same CPU, same SPI.
    assert_eq!(tally.errors, 2, "{}", common::describe(&seen));
    assert_eq!(tally.warnings, 0);
    assert!(!tally.is_ok());
    let _ = (ram, device);
}
