// SPDX-License-Identifier: GPL-2.0-only

//! Helpers shared by the integration tests: building the shipped C cell
//! configs the way the top-level Makefile does, building configs in Rust,
//! and collecting findings.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::collections::BTreeMap;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use jailhouse_abi::config::{
    CellConfig, CellDesc, CellFlags, Console, ConsoleFlags, ConsoleType, IrqChip, MemFlags,
    MemoryRegion, SystemConfig, SystemDesc, SystemFlags, CELL_DESC_SIGNATURE, CONFIG_REVISION,
    SYSTEM_SIGNATURE,
};
use jailhouse_abi::zerocopy::IntoBytes;
use jailhouse_config_check::{check_cell, check_cells_together, check_system, Finding, Severity};

// ------------------------------------------------------------ C configs --

/// The shipped configs, by file stem.
pub const SHIPPED: [&str; 11] = [
    "qemu-arm64-openeuler-demo",
    "qemu-arm64-inmate-demo",
    "qemu-arm64-freertos-demo",
    "qemu-arm64-gicv2-demo",
    "rpi4",
    "rpi4-1g",
    "rpi4-2g",
    "rpi4-4g",
    "rpi4-8g",
    "rpi4-inmate-demo",
    "rpi4-freertos-demo",
];

/// The flags the top-level Makefile compiles cell configs with (plus
/// -Wextra), without the include path.
pub const CELL_CFLAGS: [&str; 8] = [
    "-O1",
    "-ffreestanding",
    "-nostdinc",
    "-fno-common",
    "-fno-pic",
    "-Wall",
    "-Wextra",
    "-Werror",
];

fn repo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn works(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The C compiler and objcopy that build `.cell` files: the aarch64 cross
/// tools (as the real build uses) if present, else the host's. The bytes
/// are the same: the configs are packed little-endian data.
pub fn toolchain() -> (String, String) {
    let cc = env::var("JAILHOUSE_CELL_CC").unwrap_or_else(|_| "aarch64-linux-gnu-gcc".into());
    if works(&cc) {
        let objcopy = cc
            .strip_suffix("gcc")
            .map(|p| format!("{p}objcopy"))
            .unwrap_or_else(|| "objcopy".into());
        return (cc, objcopy);
    }
    eprintln!("note: {cc} not found; building the cell configs with the host cc");
    ("cc".into(), "objcopy".into())
}

fn run(cmd: &mut Command) {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compiles `conf/arm64/<stem>.c` into a `.cell` file like the Makefile:
/// `$(CC) $(CELL_CFLAGS) -c` then `objcopy -O binary
/// --remove-section=.note.gnu.property`. Returns its bytes.
pub fn build_cell_file(stem: &str) -> Vec<u8> {
    let (cc, objcopy) = toolchain();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cells");
    std::fs::create_dir_all(&out).expect("cannot create the output directory");
    let source = repo_dir().join("conf/arm64").join(format!("{stem}.c"));
    let obj = out.join(format!("{stem}.o"));
    let cell = out.join(format!("{stem}.cell"));
    run(Command::new(&cc)
        .args(CELL_CFLAGS)
        .arg("-I")
        .arg(repo_dir().join("include"))
        .arg("-c")
        .arg(&source)
        .arg("-o")
        .arg(&obj));
    run(Command::new(&objcopy)
        .args(["-O", "binary", "--remove-section=.note.gnu.property"])
        .arg(&obj)
        .arg(&cell));
    std::fs::read(&cell).expect("objcopy wrote no .cell file")
}

/// All shipped configs, built once per test binary.
pub fn shipped() -> &'static BTreeMap<&'static str, Vec<u8>> {
    static CELLS: OnceLock<BTreeMap<&'static str, Vec<u8>>> = OnceLock::new();
    CELLS.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|&stem| (stem, build_cell_file(stem)))
            .collect()
    })
}

pub fn shipped_cell(stem: &str) -> &'static [u8] {
    &shipped()[stem]
}

// --------------------------------------------------------- Rust configs --

pub fn mem(phys_start: u64, virt_start: u64, size: u64, flags: MemFlags) -> MemoryRegion {
    MemoryRegion {
        phys_start,
        virt_start,
        size,
        flags: flags.bits(),
    }
}

pub fn ram() -> MemFlags {
    MemFlags::READ | MemFlags::WRITE | MemFlags::EXECUTE
}

pub fn device() -> MemFlags {
    MemFlags::READ | MemFlags::WRITE | MemFlags::IO
}

pub fn comm_region() -> MemoryRegion {
    mem(
        0,
        0x8000_0000,
        0x1000,
        MemFlags::READ | MemFlags::WRITE | MemFlags::COMM_REGION,
    )
}

pub fn irqchip(address: u64, pin_base: u32, pin_bitmap: [u32; 4]) -> IrqChip {
    IrqChip {
        address,
        id: 0,
        pin_base,
        pin_bitmap,
    }
}

pub fn name_field(name: &[u8]) -> [u8; 32] {
    let mut field = [0u8; 32];
    field[..name.len()].copy_from_slice(name);
    field
}

pub fn pl011() -> Console {
    Console {
        address: 0x0900_0000,
        size: 0x1000,
        kind: ConsoleType::Pl011 as u16,
        flags: (ConsoleFlags::ACCESS_MMIO | ConsoleFlags::REGDIST_4).bits(),
        ..Default::default()
    }
}

/// A cell's arrays; the counts in the descriptor are derived from them.
#[derive(Debug, Clone)]
pub struct Arrays {
    pub cpus: Vec<u8>,
    pub regions: Vec<MemoryRegion>,
    pub irqchips: Vec<IrqChip>,
}

impl Arrays {
    fn fill_counts(&self, desc: &mut CellDesc) {
        desc.cpu_set_size = self.cpus.len() as u32;
        desc.num_memory_regions = self.regions.len() as u32;
        desc.num_irqchips = self.irqchips.len() as u32;
    }

    fn append_to(&self, blob: &mut Vec<u8>) {
        blob.extend_from_slice(&self.cpus);
        blob.extend_from_slice(self.regions.as_bytes());
        blob.extend_from_slice(self.irqchips.as_bytes());
    }
}

/// A system config under construction.
#[derive(Debug, Clone)]
pub struct System {
    pub desc: SystemDesc,
    pub root: Arrays,
}

impl System {
    pub fn blob(&self) -> Vec<u8> {
        let mut desc = self.desc;
        self.root.fill_counts(&mut desc.root_cell);
        let mut blob = desc.as_bytes().to_vec();
        self.root.append_to(&mut blob);
        blob
    }

    pub fn set_name(&mut self, name: &[u8]) {
        self.desc.root_cell.name = name_field(name);
    }
}

/// A non-root cell config under construction.
#[derive(Debug, Clone)]
pub struct Cell {
    pub desc: CellDesc,
    pub arrays: Arrays,
}

impl Cell {
    pub fn blob(&self) -> Vec<u8> {
        let mut desc = self.desc;
        self.arrays.fill_counts(&mut desc);
        let mut blob = desc.as_bytes().to_vec();
        self.arrays.append_to(&mut blob);
        blob
    }

    pub fn set_name(&mut self, name: &[u8]) {
        self.desc.name = name_field(name);
    }
}

pub const GICD: u64 = 0x0800_0000;
pub const ALL_SPIS: [u32; 4] = [u32::MAX; 4];

/// The QEMU GICv3 root cell of `conf/arm64/qemu-arm64-openeuler-demo.c`,
/// trimmed to the regions that matter for the checks.
pub fn qemu_system() -> System {
    let mut desc = SystemDesc {
        signature: SYSTEM_SIGNATURE,
        revision: CONFIG_REVISION,
        flags: SystemFlags::VIRTUAL_DEBUG_CONSOLE.bits(),
        debug_console: pl011(),
        ..Default::default()
    };
    desc.hypervisor_memory.phys_start = 0x8000_0000;
    desc.hypervisor_memory.size = 0x100_0000;
    desc.platform_info.pci_mmconfig_base = 0x08e0_0000;
    desc.platform_info.pci_is_virtual = 1;
    desc.platform_info.pci_domain = 1;
    desc.platform_info.arm.maintenance_irq = 25;
    desc.platform_info.arm.gic_version = 3;
    desc.platform_info.arm.gicd_base = GICD;
    desc.platform_info.arm.gicr_base = 0x080a_0000;
    desc.root_cell.name = name_field(b"qemu");
    System {
        desc,
        root: Arrays {
            cpus: vec![0xf, 0, 0, 0, 0, 0, 0, 0],
            regions: vec![
                mem(0x4000_0000, 0x4000_0000, 0x4000_0000, ram()),
                mem(0x8100_0000, 0x8100_0000, 0x3f00_0000, ram()),
                mem(0x0900_0000, 0x0900_0000, 0x1000, device()),
                mem(0x1000_0000, 0x1000_0000, 0x2eff_0000, device()),
            ],
            irqchips: vec![irqchip(GICD, 32, ALL_SPIS), irqchip(GICD, 160, ALL_SPIS)],
        },
    }
}

/// A bare-metal demo cell like `qemu-arm64-inmate-demo.c`: `cpus` is the
/// bitmap byte, the RAM (1 MiB) is at `ram_phys`, guest 0. It owns SPI
/// 143 + its lowest CPU (144 for CPU 1, as the shipped inmate-demo).
pub fn demo_cell(name: &[u8], cpus: u8, ram_phys: u64) -> Cell {
    let spi_bit = (143 - 128) + cpus.trailing_zeros().min(8);
    let desc = CellDesc {
        signature: CELL_DESC_SIGNATURE,
        revision: CONFIG_REVISION,
        name: name_field(name),
        flags: CellFlags::PASSIVE_COMMREG.bits(),
        console: pl011(),
        ..Default::default()
    };
    Cell {
        desc,
        arrays: Arrays {
            cpus: vec![cpus, 0, 0, 0, 0, 0, 0, 0],
            regions: vec![
                mem(
                    0x0900_0000,
                    0x0900_0000,
                    0x1000,
                    device() | MemFlags::ROOTSHARED,
                ),
                mem(ram_phys, 0, 0x10_0000, ram() | MemFlags::LOADABLE),
                comm_region(),
            ],
            irqchips: vec![irqchip(GICD, 32, [0, 0, 0, 1 << spi_bit])],
        },
    }
}

pub fn inmate() -> Cell {
    demo_cell(b"inmate-demo", 0b10, 0x8200_0000)
}

// ------------------------------------------------------------- findings --

pub fn parse_system(blob: &[u8]) -> SystemConfig<'_> {
    SystemConfig::parse(blob).expect("test system config parses")
}

pub fn parse_cell(blob: &[u8]) -> CellConfig<'_> {
    CellConfig::parse(blob).expect("test cell config parses")
}

pub fn system_findings<'a>(sys: &SystemConfig<'a>) -> Vec<Finding<'a>> {
    let mut found = Vec::new();
    check_system(sys, &mut |f| found.push(f));
    found
}

pub fn cell_findings<'a>(sys: &SystemConfig<'a>, cell: &CellConfig<'a>) -> Vec<Finding<'a>> {
    let mut found = Vec::new();
    check_cell(sys, cell, &mut |f| found.push(f));
    found
}

pub fn together_findings<'a>(sys: &SystemConfig<'a>, cells: &[CellConfig<'a>]) -> Vec<Finding<'a>> {
    let mut found = Vec::new();
    check_cells_together(sys, cells, &mut |f| found.push(f));
    found
}

/// Every finding's text, one per line, for assertion messages.
pub fn describe(found: &[Finding<'_>]) -> String {
    found.iter().map(|f| format!("\n  {f}")).collect()
}

/// Asserts there are no findings at all.
pub fn assert_clean(what: &str, found: &[Finding<'_>]) {
    assert!(found.is_empty(), "{what}:{}", describe(found));
}

/// Asserts exactly one finding of the given severity and returns it; its
/// text goes to stderr so `--nocapture` shows every message.
pub fn only<'f, 'a>(found: &'f [Finding<'a>], severity: Severity) -> &'f Finding<'a> {
    assert_eq!(found.len(), 1, "expected one finding:{}", describe(found));
    let finding = &found[0];
    assert_eq!(finding.severity, severity, "{finding}");
    assert_eq!(finding.severity, finding.kind.severity());
    eprintln!("{finding}");
    finding
}
