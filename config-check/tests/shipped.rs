// SPDX-License-Identifier: GPL-2.0-only

//! The cell configs in `conf/arm64/`, built the way the Makefile builds
//! them, pass every check, and have the layout their comments promise.

mod common;

use common::{
    assert_clean, cell_findings, describe, only, parse_cell, parse_system, shipped_cell,
    system_findings, together_findings,
};
use jailhouse_abi::config::{CellFlags, ConsoleType, MemFlags, SystemFlags};
use jailhouse_config_check::{FindingKind, Severity};

/// (root config, non-root configs meant for it)
const PAIRINGS: [(&str, &[&str]); 7] = [
    (
        "qemu-arm64-openeuler-demo",
        &["qemu-arm64-inmate-demo", "qemu-arm64-freertos-demo"],
    ),
    (
        "qemu-arm64-gicv2-demo",
        &["qemu-arm64-inmate-demo", "qemu-arm64-freertos-demo"],
    ),
    ("rpi4", RPI4_CELLS),
    ("rpi4-1g", RPI4_CELLS),
    ("rpi4-2g", RPI4_CELLS),
    ("rpi4-4g", RPI4_CELLS),
    ("rpi4-8g", RPI4_CELLS),
];

/// The Raspberry Pi 4 cells: they run on every RAM size, and together.
const RPI4_CELLS: &[&str] = &["rpi4-inmate-demo", "rpi4-freertos-demo"];

#[test]
fn sizes_match_the_struct_layout() {
    // system: 488 + 8 (CPUs) + 32 per region + 32 per irqchip;
    // cell: 132 + 8 + 32 per region + 32 per irqchip.
    for (stem, size) in [
        ("qemu-arm64-openeuler-demo", 488 + 8 + 13 * 32 + 2 * 32),
        ("qemu-arm64-gicv2-demo", 488 + 8 + 14 * 32 + 2 * 32),
        ("qemu-arm64-inmate-demo", 132 + 8 + 3 * 32 + 32),
        ("qemu-arm64-freertos-demo", 132 + 8 + 3 * 32),
        ("rpi4", 488 + 8 + 5 * 32 + 2 * 32),
        ("rpi4-1g", 488 + 8 + 5 * 32 + 2 * 32),
        ("rpi4-8g", 488 + 8 + 6 * 32 + 2 * 32),
        ("rpi4-inmate-demo", 132 + 8 + 3 * 32 + 32),
        ("rpi4-freertos-demo", 132 + 8 + 3 * 32),
    ] {
        assert_eq!(shipped_cell(stem).len(), size, "{stem}.cell");
    }
}

#[test]
fn root_configs_pass_clean() {
    for (root, _) in PAIRINGS {
        let blob = shipped_cell(root);
        let sys = parse_system(blob);
        assert_eq!(sys.config_size(), blob.len(), "{root}: trailing bytes");
        assert_clean(root, &system_findings(&sys));
    }
}

#[test]
fn cell_configs_pass_clean_with_their_root() {
    for (root, cells) in PAIRINGS {
        let sys = parse_system(shipped_cell(root));
        for stem in cells {
            let blob = shipped_cell(stem);
            let cell = parse_cell(blob);
            assert_eq!(cell.config_size(), blob.len(), "{stem}: trailing bytes");
            assert_clean(&format!("{stem} on {root}"), &cell_findings(&sys, &cell));
            assert_clean(
                &format!("{stem} alone on {root}"),
                &together_findings(&sys, &[cell]),
            );
        }
    }
}

#[test]
fn inmate_demo_and_freertos_clash_only_on_cpu_1() {
    let sys = parse_system(shipped_cell("qemu-arm64-openeuler-demo"));
    let cells = [
        parse_cell(shipped_cell("qemu-arm64-inmate-demo")),
        parse_cell(shipped_cell("qemu-arm64-freertos-demo")),
    ];
    let found = together_findings(&sys, &cells);
    let finding = only(&found, Severity::Error);
    match finding.kind {
        FindingKind::CpuConflict {
            first,
            second,
            cpu,
            count,
        } => {
            assert_eq!(first.name, b"inmate-demo");
            assert_eq!(second.name, b"freertos");
            assert_eq!((cpu, count), (1, 1));
        }
        other => panic!("unexpected finding {other:?}"),
    }
    assert!(finding.to_string().contains("CPU 1"), "{finding}");
}

#[test]
fn qemu_root_matches_the_documented_layout() {
    let sys = parse_system(shipped_cell("qemu-arm64-openeuler-demo"));
    assert_eq!(sys.root_cell().name(), b"qemu");
    assert_eq!(sys.flags(), SystemFlags::VIRTUAL_DEBUG_CONSOLE);
    assert_eq!(sys.cpus().iter().collect::<Vec<_>>(), [0, 1, 2, 3]);
    let hv = sys.hypervisor_memory();
    assert_eq!(({ hv.phys_start }, { hv.size }), (0x8000_0000, 0x100_0000));
    let con = sys.debug_console();
    assert_eq!({ con.address }, 0x0900_0000);
    assert_eq!(con.console_type(), Ok(ConsoleType::Pl011));
    let info = sys.platform_info();
    assert_eq!({ info.pci_mmconfig_base }, 0x08e0_0000);
    assert_eq!((info.pci_is_virtual, { info.pci_domain }), (1, 1));
    let arm = info.arm;
    assert_eq!((arm.gic_version, arm.maintenance_irq), (3, 25));
    assert_eq!(
        ({ arm.gicd_base }, { arm.gicr_base }),
        (0x0800_0000, 0x080a_0000)
    );

    // Root RAM: Linux's 1 GiB, then everything above the hypervisor up
    // to the end of QEMU's 2 GiB; never the hypervisor itself.
    let ram: Vec<(u64, u64)> = sys
        .memory_regions()
        .iter()
        .filter(|r| !r.mem_flags().contains(MemFlags::IO))
        .map(|r| (r.phys_start, r.size))
        .collect();
    assert_eq!(
        ram,
        [(0x4000_0000, 0x4000_0000), (0x8100_0000, 0x3f00_0000)]
    );
    // The fixed PCIe I/O window (openEuler has 0x3ef0000).
    assert!(sys
        .memory_regions()
        .iter()
        .any(|r| (r.phys_start, r.size) == (0x3eff_0000, 0x1_0000)));
    // All 256 SPIs of QEMU's GIC.
    for irq in 32..288 {
        assert!(sys.irqchips().iter().any(|c| c.contains(irq)), "SPI {irq}");
    }
    assert!(!sys.irqchips().iter().any(|c| c.contains(288)));
}

#[test]
fn gicv2_root_differs_only_in_the_gic() {
    let v3 = parse_system(shipped_cell("qemu-arm64-openeuler-demo"));
    let v2 = parse_system(shipped_cell("qemu-arm64-gicv2-demo"));
    let arm = v2.platform_info().arm;
    assert_eq!(arm.gic_version, 2);
    assert_eq!(
        ({ arm.gicd_base }, { arm.gicc_base }, { arm.gich_base }, {
            arm.gicv_base
        }),
        (0x0800_0000, 0x0801_0000, 0x0803_0000, 0x0804_0000)
    );
    // Same regions plus the GICv2m frame.
    let v3_regions = v3.memory_regions();
    let v2_regions: Vec<_> = v2
        .memory_regions()
        .iter()
        .filter(|r| r.phys_start != 0x0802_0000)
        .copied()
        .collect();
    assert_eq!(v2_regions, v3_regions);
    assert_eq!(v2.irqchips(), v3.irqchips());
}

/// Cell RAM lies in the root cell's RAM above the hypervisor, not in the
/// 0x40000000-0x7fffffff Linux uses with mem=1G.
#[test]
fn qemu_cells_stay_out_of_linux_memory() {
    for stem in ["qemu-arm64-inmate-demo", "qemu-arm64-freertos-demo"] {
        let cell = parse_cell(shipped_cell(stem));
        for r in cell.memory_regions() {
            let flags = r.mem_flags();
            if flags.intersects(MemFlags::IO | MemFlags::COMM_REGION | MemFlags::ROOTSHARED) {
                continue;
            }
            assert!(
                r.phys_start >= 0x8100_0000 && r.phys_start + r.size <= 0xc000_0000,
                "{stem}: RAM at {:#x}",
                { r.phys_start }
            );
            assert_eq!({ r.virt_start }, 0, "{stem}: RAM seen at guest 0");
        }
        assert_eq!(cell.cpus().iter().collect::<Vec<_>>(), [1], "{stem}");
        assert_eq!({ cell.desc().cpu_reset_address }, 0);
    }
}

#[test]
fn freertos_cell_has_the_openeuler_settings() {
    let cell = parse_cell(shipped_cell("qemu-arm64-freertos-demo"));
    assert_eq!(cell.name(), b"freertos");
    // openEuler's cell is PASSIVE_COMMREG; ours is not, because our
    // FreeRTOS (recipes-freertos) answers the shutdown request.
    assert_eq!(
        cell.flags(),
        CellFlags::VIRTUAL_CONSOLE_PERMITTED | CellFlags::VIRT_CPUID
    );
    assert_eq!(cell.flags().bits() & 0x100, 0x100);
    let ram = cell.memory_regions()[1];
    assert_eq!(
        ({ ram.phys_start }, { ram.virt_start }, { ram.size }),
        (0x8500_0000, 0, 0x400_0000)
    );
    assert!(ram.mem_flags().contains(
        MemFlags::READ | MemFlags::WRITE | MemFlags::EXECUTE | MemFlags::LOADABLE | MemFlags::DMA
    ));
}

#[test]
fn rpi4_configs_match_the_openeuler_layout() {
    let sys = parse_system(shipped_cell("rpi4"));
    let hv = sys.hypervisor_memory();
    assert_eq!(({ hv.phys_start }, { hv.size }), (0x1fc0_0000, 0x40_0000));
    let con = sys.debug_console();
    assert_eq!(
        ({ con.address }, { con.size }, con.console_type()),
        (0xfe21_5040, 0x40, Ok(ConsoleType::Uart8250))
    );
    let arm = sys.platform_info().arm;
    assert_eq!((arm.gic_version, arm.maintenance_irq), (2, 25));
    assert_eq!(
        ({ arm.gicd_base }, { arm.gicc_base }, { arm.gich_base }, {
            arm.gicv_base
        }),
        (0xff84_1000, 0xff84_2000, 0xff84_4000, 0xff84_6000)
    );

    // The inmate's RAM is inside the 0x10000000-0x1fffffff reservation.
    let cell = parse_cell(shipped_cell("rpi4-inmate-demo"));
    let ram = cell.memory_regions()[1];
    assert!(ram.phys_start >= 0x1000_0000 && ram.phys_start + ram.size <= 0x1fc0_0000);
    let uart = cell.memory_regions()[0];
    assert!(uart.is_subpage());
    assert!(uart
        .mem_flags()
        .contains(MemFlags::IO | MemFlags::IO_8 | MemFlags::IO_32 | MemFlags::ROOTSHARED));
    assert!(cell.irqchips()[0].contains(184));

    // FreeRTOS: CPU 3, 64 MiB inside the reservation, the same UART.
    let cell = parse_cell(shipped_cell("rpi4-freertos-demo"));
    assert_eq!(cell.cpus().iter().collect::<Vec<_>>(), [3]);
    let ram = cell.memory_regions()[1];
    assert_eq!(
        ({ ram.phys_start }, { ram.virt_start }, { ram.size }),
        (0x1800_0000, 0, 0x400_0000)
    );
    assert_eq!(cell.memory_regions()[0], uart);

    // rpi4.cell is the 4 GiB board, under openEuler's name.
    assert_eq!(shipped_cell("rpi4"), shipped_cell("rpi4-4g"));
}

/// Each RAM size maps exactly its board's RAM: the end of the last RAM
/// region grows with the size, and only the 8 GiB board has RAM above
/// 4 GiB.
#[test]
fn rpi4_root_ram_follows_the_board_size() {
    for (stem, end) in [
        ("rpi4-1g", 0x4000_0000u64),
        ("rpi4-2g", 0x8000_0000),
        ("rpi4-4g", 0xfc00_0000),
        ("rpi4-8g", 0x2_0000_0000),
    ] {
        let sys = parse_system(shipped_cell(stem));
        let ram_end = sys
            .root_cell()
            .memory_regions()
            .iter()
            .filter(|r| !r.mem_flags().contains(MemFlags::IO))
            .map(|r| r.phys_start + r.size)
            .max();
        assert_eq!(ram_end, Some(end), "{stem}");
    }
}

/// The inmate-demo of the QEMU layout is not meant for the RPi4 root: its
/// irqchip names QEMU's distributor.
#[test]
fn qemu_cell_on_rpi4_root_is_refused() {
    let sys = parse_system(shipped_cell("rpi4"));
    let cell = parse_cell(shipped_cell("qemu-arm64-inmate-demo"));
    let found = cell_findings(&sys, &cell);
    assert!(
        found
            .iter()
            .any(|f| matches!(f.kind, FindingKind::IrqchipAddressMismatch { .. })),
        "{}",
        describe(&found)
    );
}
