// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! C configs written like upstream/openEuler ones compile against
//! `cell-config.h`, and the Rust parser reads the bytes they produce the
//! way the header's own C helpers do.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use jailhouse_abi::config::{
    CellConfig, CellFlags, ConsoleFlags, ConsoleType, MemFlags, PciType, SystemConfig, SystemFlags,
    CACHE_L3, IVSHMEM_BAR_MASK_INTX, IVSHMEM_BAR_MASK_MSIX, PCI_EXT_CAP, SHMEM_PROTO_VETH,
};

fn sample(name: &str) -> PathBuf {
    common::tests_dir().join("c").join(name)
}

/// Builds `dump-config.c` around a sample; returns (blob, facts). `tag`
/// keeps the executables of tests running in parallel apart.
fn dump(sample_name: &str, system: bool, tag: &str) -> (Vec<u8>, BTreeMap<String, String>) {
    let source = sample(sample_name);
    let define = format!("CONFIG_SOURCE=\"{}\"", source.display());
    let mut defines = vec![define.as_str()];
    if system {
        defines.push("SYSTEM_CONFIG");
    }
    let exe_name = format!("dump-{}-{tag}", sample_name.trim_end_matches(".c"));
    let exe = common::build_host_program(&exe_name, &[&sample("dump-config.c")], &defines);
    let blob = common::run(&mut Command::new(&exe));
    let text = common::run(Command::new(&exe).arg("facts"));
    let facts = String::from_utf8(text)
        .expect("facts are text")
        .lines()
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').expect("fact line has a value");
            (k.to_owned(), v.to_owned())
        })
        .collect();
    (blob, facts)
}

/// Offset of a parsed slice inside the blob it borrows from.
fn offset_in<T>(blob: &[u8], slice: &[T]) -> String {
    (slice.as_ptr() as usize - blob.as_ptr() as usize).to_string()
}

fn check_against_c_helpers(
    blob: &[u8],
    facts: &BTreeMap<String, String>,
    cell: &CellConfig<'_>,
    size: usize,
) {
    assert_eq!(facts["config_size"], size.to_string(), "config size");
    assert_eq!(facts["sizeof"], blob.len().to_string(), "blob size");
    assert_eq!(size, blob.len());
    assert_eq!(facts["offset cpu_set"], offset_in(blob, cell.cpu_set()));
    assert_eq!(
        facts["offset mem_regions"],
        offset_in(blob, cell.memory_regions())
    );
    assert_eq!(
        facts["offset cache_regions"],
        offset_in(blob, cell.cache_regions())
    );
    assert_eq!(facts["offset irqchips"], offset_in(blob, cell.irqchips()));
    assert_eq!(
        facts["offset pio_regions"],
        offset_in(blob, cell.pio_regions())
    );
    assert_eq!(
        facts["offset pci_devices"],
        offset_in(blob, cell.pci_devices())
    );
    assert_eq!(facts["offset pci_caps"], offset_in(blob, cell.pci_caps()));
    assert_eq!(
        facts["offset stream_ids"],
        offset_in(blob, cell.stream_ids())
    );
    for (i, region) in cell.memory_regions().iter().enumerate() {
        let c = &facts[&format!("subpage {i}")];
        assert_eq!(
            c,
            if region.is_subpage() { "1" } else { "0" },
            "subpage region {i}"
        );
    }
}

#[test]
fn c_root_config_parses() {
    let (blob, facts) = dump("sample-root.c", true, "parse");
    let sys = SystemConfig::parse(&blob).expect("the C-built system config parses");
    check_against_c_helpers(&blob, &facts, &sys.root_cell(), sys.config_size());

    assert_eq!(sys.flags(), SystemFlags::VIRTUAL_DEBUG_CONSOLE);
    let hv = sys.hypervisor_memory();
    assert_eq!({ hv.phys_start }, 0x8000_0000);
    assert_eq!({ hv.size }, 0x100_0000);
    let con = sys.debug_console();
    assert_eq!({ con.address }, 0x0900_0000);
    assert_eq!(con.console_type(), Ok(ConsoleType::Pl011));
    assert_eq!(
        con.console_flags(),
        ConsoleFlags::ACCESS_MMIO | ConsoleFlags::REGDIST_4
    );
    let pi = sys.platform_info();
    assert_eq!({ pi.pci_mmconfig_base }, 0x08e0_0000);
    assert_eq!((pi.pci_is_virtual, { pi.pci_domain }), (1, 1));
    assert_eq!(pi.arm.gic_version, 3);
    assert_eq!(pi.arm.maintenance_irq, 25);
    assert_eq!({ pi.arm.gicd_base }, 0x0800_0000);
    assert_eq!({ pi.arm.gicr_base }, 0x080a_0000);

    let root = sys.root_cell();
    assert_eq!(root.name(), b"qemu-arm64-sample");
    // Configs leave the root cell's own signature and revision zero.
    assert_eq!(root.desc().signature, [0; 6]);
    assert_eq!(sys.cpus().iter().collect::<Vec<_>>(), [0, 1, 2, 3]);
    assert_eq!(sys.memory_regions().len(), 7);
    // JAILHOUSE_SHMEM_NET_REGIONS(0x81000000, 0): peer 0 writes the first
    // output section.
    let m = sys.memory_regions();
    assert_eq!({ m[0].phys_start }, 0x8100_0000);
    assert_eq!(m[0].mem_flags(), MemFlags::READ | MemFlags::ROOTSHARED);
    assert_eq!(m[1], Default::default());
    assert_eq!({ m[2].phys_start }, 0x8100_1000);
    assert_eq!(
        m[2].mem_flags(),
        MemFlags::READ | MemFlags::WRITE | MemFlags::ROOTSHARED
    );
    assert_eq!({ m[3].virt_start }, 0x8108_0000);
    assert_eq!(m[3].mem_flags(), MemFlags::READ | MemFlags::ROOTSHARED);
    assert_eq!({ m[6].phys_start }, 0x40_1000_0000);
    assert!(sys.irqchips()[0].contains(32) && sys.irqchips()[0].contains(159));
    assert!(!sys.irqchips()[0].contains(160));
    let pci = &sys.pci_devices()[0];
    assert_eq!(pci.pci_type(), Ok(PciType::Ivshmem));
    assert_eq!({ pci.bar_mask }, IVSHMEM_BAR_MASK_INTX);
    assert_eq!({ pci.shmem_protocol }, SHMEM_PROTO_VETH);
}

#[test]
fn c_cell_config_parses() {
    let (blob, facts) = dump("sample-cell.c", false, "parse");
    let cell = CellConfig::parse(&blob).expect("the C-built cell config parses");
    check_against_c_helpers(&blob, &facts, &cell, cell.config_size());

    assert_eq!(cell.name(), b"freertos-sample");
    assert_eq!(
        cell.flags(),
        CellFlags::PASSIVE_COMMREG | CellFlags::VIRTUAL_CONSOLE_PERMITTED | CellFlags::VIRT_CPUID
    );
    assert_eq!(cell.cpus().iter().collect::<Vec<_>>(), [1]);
    assert_eq!({ cell.desc().msg_reply_timeout }, 1_000_000);
    assert_eq!({ cell.desc().vpci_irq_base }, 101);
    let m = cell.memory_regions();
    // Peer 1 of the ivshmem-net link writes the second output section.
    assert_eq!(m[2].mem_flags(), MemFlags::READ | MemFlags::ROOTSHARED);
    assert_eq!(
        m[3].mem_flags(),
        MemFlags::READ | MemFlags::WRITE | MemFlags::ROOTSHARED
    );
    assert!(m[4].is_subpage());
    assert!(m[4].mem_flags().contains(MemFlags::IO_8 | MemFlags::IO_32));
    assert!(m[6].mem_flags().contains(MemFlags::COMM_REGION));
    assert!(m[7]
        .mem_flags()
        .contains(MemFlags::IO_UNALIGNED | MemFlags::IO_64));
    assert_eq!(cell.cache_regions()[0].kind, CACHE_L3);
    assert!(cell.irqchips()[0].contains(33));
    assert!(cell.irqchips()[0].contains(133));
    assert!(!cell.irqchips()[0].contains(34));
    assert_eq!({ cell.pio_regions()[0].base }, 0x3f8);
    let pci = &cell.pci_devices()[0];
    assert_eq!({ pci.bar_mask }, IVSHMEM_BAR_MASK_MSIX);
    assert!(pci.msi_64bits() && pci.msi_maskable());
    assert_eq!({ pci.num_msix_vectors }, 2);
    assert_eq!({ pci.msix_address }, 0x1000_1000);
    assert_eq!(pci.shmem_dev_id, 1);
    assert_eq!({ cell.pci_caps()[1].id }, 0x10 | PCI_EXT_CAP);
    assert_eq!({ cell.stream_ids()[0].id }, 0x42);
}

/// Compiles a sample freestanding for aarch64 and extracts `.data` the
/// way a `.cell` file is made.
fn cross_cell_file(cc: &str, sample_name: &str) -> Option<Vec<u8>> {
    let obj = common::out_dir().join(format!("{sample_name}.aarch64.o"));
    common::run(
        Command::new(cc)
            .args([
                "-ffreestanding",
                "-nostdinc",
                "-O2",
                "-Wall",
                "-Wextra",
                "-Werror",
            ])
            .arg("-I")
            .arg(common::include_dir())
            .arg("-c")
            .arg(sample(sample_name))
            .arg("-o")
            .arg(&obj),
    );
    let objcopy = cc.strip_suffix("gcc").map(|p| format!("{p}objcopy"))?;
    let cell = common::out_dir().join(format!("{sample_name}.cell"));
    let status = Command::new(&objcopy)
        .args(["-O", "binary", "-j", ".data"])
        .arg(&obj)
        .arg(&cell)
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("note: {objcopy} unavailable; compiled {sample_name} but did not compare bytes");
        return None;
    }
    Some(std::fs::read(Path::new(&cell)).expect("objcopy wrote the .cell file"))
}

#[test]
fn aarch64_freestanding_configs_match_host_bytes() {
    let Some(cc) = common::cross_cc() else {
        return;
    };
    for (name, system) in [("sample-root.c", true), ("sample-cell.c", false)] {
        let (host, _) = dump(name, system, "cross");
        if let Some(cross) = cross_cell_file(&cc, name) {
            assert_eq!(
                cross, host,
                "{name}: aarch64 .cell bytes differ from the host build"
            );
        }
    }
}

/// openEuler's `.use_virt_cpuid = 1` must fail to compile rather than
/// produce a wrong binary (see the comment at JAILHOUSE_CELL_VIRT_CPUID).
#[test]
fn use_virt_cpuid_spelling_is_rejected_not_miscompiled() {
    let src = common::out_dir().join("use_virt_cpuid.c");
    std::fs::write(
        &src,
        "#include <jailhouse/types.h>\n\
         #include <jailhouse/cell-config.h>\n\
         struct jailhouse_cell_desc d = {\n\
         \t.flags = JAILHOUSE_CELL_PASSIVE_COMMREG,\n\
         \t.use_virt_cpuid = 1,\n\
         };\n",
    )
    .expect("cannot write the test source");
    let output = Command::new(common::host_cc())
        .arg("-I")
        .arg(common::include_dir())
        .arg("-fsyntax-only")
        .arg(&src)
        .output()
        .expect("cannot run the host C compiler");
    assert!(
        !output.status.success(),
        "a config using .use_virt_cpuid compiled"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("use_virt_cpuid"),
        "unexpected diagnostic: {stderr}"
    );
}
