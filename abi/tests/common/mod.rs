// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Helpers shared by the integration tests: finding and running C
//! compilers against `include/jailhouse`, and building config blobs.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use jailhouse_abi::config::{
    CacheRegion, CellDesc, CellFlags, Console, ConsoleFlags, ConsoleType, IrqChip, MemFlags,
    MemoryRegion, PciCapability, PciDevice, PciType, PioRegion, StreamId, SystemDesc, SystemFlags,
    CELL_DESC_SIGNATURE, CONFIG_REVISION, IVSHMEM_BAR_MASK_INTX, SHMEM_PROTO_VETH,
    SYSTEM_SIGNATURE,
};
use zerocopy::IntoBytes;

/// `include/` of the repository, holding `jailhouse/*.h`.
pub fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../include")
}

/// `abi/tests/`, holding the C sources of the tests.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Scratch directory for compiled test programs.
pub fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// The host C compiler: `$CC`, else `cc`. The C/Rust cross-check is the
/// point of these tests, so a missing host compiler fails them.
pub fn host_cc() -> String {
    env::var("CC").unwrap_or_else(|_| "cc".to_owned())
}

/// The aarch64 cross compiler, if there is one: `$JAILHOUSE_ABI_CROSS_CC`,
/// else `aarch64-linux-gnu-gcc` from `PATH`. Set
/// `JAILHOUSE_ABI_REQUIRE_CROSS=1` to fail instead of skipping when it is
/// missing.
pub fn cross_cc() -> Option<String> {
    let cc = env::var("JAILHOUSE_ABI_CROSS_CC").unwrap_or_else(|_| "aarch64-linux-gnu-gcc".into());
    let found = Command::new(&cc)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(cc);
    }
    if env::var_os("JAILHOUSE_ABI_REQUIRE_CROSS").is_some_and(|v| v == "1") {
        panic!("{cc} not found, and JAILHOUSE_ABI_REQUIRE_CROSS=1");
    }
    eprintln!("note: {cc} not found; skipping the aarch64 freestanding check");
    None
}

/// Runs a compiler (or any command) and panics with its output on failure.
pub fn run(cmd: &mut Command) -> Vec<u8> {
    let shown = format!("{cmd:?}");
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    if !output.status.success() {
        panic!(
            "{shown} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output.stdout
}

/// Compiles C sources into a host executable and returns its path.
pub fn build_host_program(name: &str, sources: &[&Path], defines: &[&str]) -> PathBuf {
    let exe = out_dir().join(name);
    let mut cmd = Command::new(host_cc());
    cmd.args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O0"])
        .arg("-I")
        .arg(include_dir())
        .arg("-o")
        .arg(&exe);
    for d in defines {
        cmd.arg(format!("-D{d}"));
    }
    cmd.args(sources);
    run(&mut cmd);
    exe
}

/// Builds and runs a host program, returning its standard output.
pub fn run_host_program(name: &str, sources: &[&Path], defines: &[&str]) -> Vec<u8> {
    let exe = build_host_program(name, sources, defines);
    run(&mut Command::new(exe))
}

/// Serialises a cell config: descriptor, then each array in order.
pub fn cell_blob(desc: &CellDesc, arrays: &[&[u8]]) -> Vec<u8> {
    let mut blob = desc.as_bytes().to_vec();
    for a in arrays {
        blob.extend_from_slice(a);
    }
    blob
}

/// Serialises a system config: descriptor, then the root cell's arrays.
pub fn system_blob(desc: &SystemDesc, arrays: &[&[u8]]) -> Vec<u8> {
    let mut blob = desc.as_bytes().to_vec();
    for a in arrays {
        blob.extend_from_slice(a);
    }
    blob
}

/// Copies `name` into a NUL-padded name field.
pub fn name_field(name: &str) -> [u8; 32] {
    let mut field = [0u8; 32];
    field[..name.len()].copy_from_slice(name.as_bytes());
    field
}

/// The arrays of the sample cell, one or more entries of every kind.
pub struct SampleArrays {
    pub cpus: [u8; 8],
    pub memory: Vec<MemoryRegion>,
    pub cache: Vec<CacheRegion>,
    pub irqchips: Vec<IrqChip>,
    pub pio: Vec<PioRegion>,
    pub pci: Vec<PciDevice>,
    pub caps: Vec<PciCapability>,
    pub stream_ids: Vec<StreamId>,
}

impl SampleArrays {
    pub fn new() -> Self {
        SampleArrays {
            cpus: [0b0110, 0, 0, 0, 0, 0, 0, 0],
            memory: vec![
                MemoryRegion {
                    phys_start: 0x8500_0000,
                    virt_start: 0,
                    size: 0x0400_0000,
                    flags: (MemFlags::READ
                        | MemFlags::WRITE
                        | MemFlags::EXECUTE
                        | MemFlags::LOADABLE)
                        .bits(),
                },
                MemoryRegion {
                    phys_start: 0x0900_0000,
                    virt_start: 0x0900_0000,
                    size: 0x1000,
                    flags: (MemFlags::READ | MemFlags::WRITE | MemFlags::IO).bits(),
                },
                MemoryRegion {
                    phys_start: 0,
                    virt_start: 0x8000_0000,
                    size: 0x1000,
                    flags: (MemFlags::READ | MemFlags::WRITE | MemFlags::COMM_REGION).bits(),
                },
            ],
            cache: vec![CacheRegion {
                start: 1,
                size: 2,
                kind: 3,
                padding: 0,
                flags: 1,
            }],
            irqchips: vec![IrqChip {
                address: 0x0800_0000,
                id: 0,
                pin_base: 32,
                pin_bitmap: [1 << 1, 0, 0, 1 << 16],
            }],
            pio: vec![
                PioRegion {
                    base: 0x3f8,
                    length: 8,
                },
                PioRegion {
                    base: 0x2f8,
                    length: 8,
                },
            ],
            pci: vec![PciDevice {
                kind: PciType::Ivshmem.value(),
                domain: 1,
                bdf: 0x08,
                bar_mask: IVSHMEM_BAR_MASK_INTX,
                num_caps: 2,
                msi_flags: 0x3,
                shmem_regions_start: 0,
                shmem_dev_id: 1,
                shmem_peers: 2,
                shmem_protocol: SHMEM_PROTO_VETH,
                ..Default::default()
            }],
            caps: vec![
                PciCapability {
                    id: 0x05,
                    start: 0x40,
                    len: 14,
                    flags: 1,
                },
                PciCapability {
                    id: 0x8010,
                    start: 0x100,
                    len: 4,
                    flags: 0,
                },
            ],
            stream_ids: vec![StreamId { id: 7 }, StreamId { id: 8 }, StreamId { id: 9 }],
        }
    }

    /// Fills the count fields of `desc` from these arrays.
    pub fn set_counts(&self, desc: &mut CellDesc) {
        desc.cpu_set_size = self.cpus.len() as u32;
        desc.num_memory_regions = self.memory.len() as u32;
        desc.num_cache_regions = self.cache.len() as u32;
        desc.num_irqchips = self.irqchips.len() as u32;
        desc.num_pio_regions = self.pio.len() as u32;
        desc.num_pci_devices = self.pci.len() as u32;
        desc.num_pci_caps = self.caps.len() as u32;
        desc.num_stream_ids = self.stream_ids.len() as u32;
    }

    /// The arrays as bytes, in blob order.
    pub fn bytes(&self) -> Vec<u8> {
        let mut v = self.cpus.to_vec();
        v.extend_from_slice(self.memory.as_bytes());
        v.extend_from_slice(self.cache.as_bytes());
        v.extend_from_slice(self.irqchips.as_bytes());
        v.extend_from_slice(self.pio.as_bytes());
        v.extend_from_slice(self.pci.as_bytes());
        v.extend_from_slice(self.caps.as_bytes());
        v.extend_from_slice(self.stream_ids.as_bytes());
        v
    }
}

/// A cell descriptor for the sample arrays.
pub fn sample_cell_desc(arrays: &SampleArrays) -> CellDesc {
    let mut desc = CellDesc {
        signature: CELL_DESC_SIGNATURE,
        revision: CONFIG_REVISION,
        name: name_field("sample-cell"),
        flags: (CellFlags::PASSIVE_COMMREG | CellFlags::VIRT_CPUID).bits(),
        vpci_irq_base: 108,
        cpu_reset_address: 0x1000,
        msg_reply_timeout: 5,
        console: Console {
            address: 0x0900_0000,
            size: 0x1000,
            kind: ConsoleType::Pl011.value(),
            flags: (ConsoleFlags::ACCESS_MMIO | ConsoleFlags::REGDIST_4).bits(),
            ..Default::default()
        },
        ..Default::default()
    };
    arrays.set_counts(&mut desc);
    desc
}

/// A system descriptor whose root cell has the sample arrays.
pub fn sample_system_desc(arrays: &SampleArrays) -> SystemDesc {
    let mut desc = SystemDesc {
        signature: SYSTEM_SIGNATURE,
        revision: CONFIG_REVISION,
        flags: SystemFlags::VIRTUAL_DEBUG_CONSOLE.bits(),
        hypervisor_memory: MemoryRegion {
            phys_start: 0x8000_0000,
            size: 0x0100_0000,
            ..Default::default()
        },
        debug_console: Console {
            address: 0x0900_0000,
            size: 0x1000,
            kind: ConsoleType::Pl011.value(),
            flags: (ConsoleFlags::ACCESS_MMIO | ConsoleFlags::REGDIST_4).bits(),
            ..Default::default()
        },
        ..Default::default()
    };
    desc.platform_info.pci_mmconfig_base = 0x08e0_0000;
    desc.platform_info.pci_is_virtual = 1;
    desc.platform_info.pci_domain = 1;
    desc.platform_info.arm.gic_version = 3;
    desc.platform_info.arm.maintenance_irq = 25;
    desc.platform_info.arm.gicd_base = 0x0800_0000;
    desc.platform_info.arm.gicr_base = 0x080a_0000;
    desc.root_cell.name = name_field("root");
    arrays.set_counts(&mut desc.root_cell);
    desc
}

/// A complete sample cell config.
pub fn sample_cell_blob() -> Vec<u8> {
    let arrays = SampleArrays::new();
    cell_blob(&sample_cell_desc(&arrays), &[&arrays.bytes()])
}

/// A complete sample system config.
pub fn sample_system_blob() -> Vec<u8> {
    let arrays = SampleArrays::new();
    system_blob(&sample_system_desc(&arrays), &[&arrays.bytes()])
}
