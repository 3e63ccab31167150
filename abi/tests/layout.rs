// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The automatic C/Rust ABI cross-check.
//!
//! `layout_probe.c` is compiled with the host C compiler against
//! `include/jailhouse/*.h` and run; it prints every struct size, alignment,
//! field offset, bit-field position and constant. [`rust_facts`] builds the
//! same lines from this crate with `size_of`/`offset_of!`. The two lists
//! must be identical: any value that differs, and any line only one side
//! has, fails the test with a diff.
//!
//! The same Rust facts are also turned into `_Static_assert`s and compiled
//! freestanding (`-ffreestanding -nostdinc`, so the headers use their own
//! integer types and ioctl encoding) with the host compiler and, when
//! present, `aarch64-linux-gnu-gcc`.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::mem::{align_of, offset_of, size_of};
use std::process::Command;

use jailhouse_abi::comm_region::{
    CommFlags, CommRegion, COMM_REGION_ABI_REVISION, COMM_REGION_MAGIC,
};
use jailhouse_abi::config::{
    ArmPlatformInfo, CacheFlags, CacheRegion, CellDesc, CellFlags, Console, ConsoleFlags,
    ConsoleType, Iommu, IommuAmd, IommuTiPvu, IommuType, IrqChip, MemFlags, MemoryRegion,
    PciCapFlags, PciCapability, PciDevice, PciType, PioRegion, PlatformInfo, SystemDesc,
    SystemFlags, CACHE_L3, CACHE_L3_CODE, CACHE_L3_DATA, CELL_DESC_SIGNATURE, CELL_NAME_MAXLEN,
    CONFIG_REVISION, CON_ACCESS_PIO, CON_FB_1024X768, CON_REGDIST_1, IVSHMEM_BAR_MASK_INTX,
    IVSHMEM_BAR_MASK_INTX_64K, IVSHMEM_BAR_MASK_MSIX, IVSHMEM_BAR_MASK_MSIX_64K, MAX_IOMMU_UNITS,
    MEM_IO_WIDTH_SHIFT, PCI_EXT_CAP, PCI_MSI_64BITS, PCI_MSI_MASKABLE, SHMEM_PROTO_CUSTOM,
    SHMEM_PROTO_UNDEFINED, SHMEM_PROTO_VETH, SHMEM_PROTO_VIRTIO_BACK, SHMEM_PROTO_VIRTIO_FRONT,
    SIGNATURE_SIZE, SYSTEM_SIGNATURE, VIRTIO_DEV_BLOCK, VIRTIO_DEV_CONSOLE, VIRTIO_DEV_NET,
};
use jailhouse_abi::header::{
    HypervisorHeader, VirtConsole, HEADER_SIGNATURE, HYP_STUB_ABI_LEGACY, HYP_STUB_ABI_OPCODE,
    VIRT_CONSOLE_SIZE,
};
use jailhouse_abi::hypercall::{
    CellState, CpuStat, CpuState, Hypercall, InfoKind, MsgToCell, ReplyFromCell, CPU_INFO_STATE,
    CPU_INFO_STAT_BASE, GENERIC_CPU_STATS, HVC_CODE, NUM_CPU_STATS,
};
use jailhouse_abi::ioctl::{
    CellCreate, CellId, CellLoad, PreloadImage, CELL_ID_NAMELEN, CELL_ID_UNUSED,
    JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_DESTROY, JAILHOUSE_CELL_LOAD, JAILHOUSE_CELL_START,
    JAILHOUSE_DISABLE, JAILHOUSE_ENABLE,
};

/// Lines keyed by "<kind> <name>", valued by the printed number or hex.
type Facts = BTreeMap<String, String>;

/// Adds a fact, refusing duplicates (a copy-paste slip in the table would
/// otherwise hide a missing line).
fn add(facts: &mut Facts, key: String, value: impl ToString) {
    let value = value.to_string();
    if let Some(old) = facts.insert(key.clone(), value) {
        panic!("Rust fact table lists {key} twice (first value {old})");
    }
}

/// Size of a field, through a by-value accessor (fields of packed structs
/// cannot be borrowed).
fn field_size<T, F>(_: fn(&T) -> F) -> usize {
    size_of::<F>()
}

/// `size`/`align` of a struct plus the `offset` of each listed field.
/// Fields are written as the Rust name when C uses the same name, or as
/// `"c.name" => rust.path` otherwise (nested fields included).
macro_rules! layout {
    ($f:ident, $c:literal, $t:ty { $($body:tt)* }) => {
        add(&mut $f, format!("size {}", $c), size_of::<$t>());
        add(&mut $f, format!("align {}", $c), align_of::<$t>());
        layout!(@fields $f, $c, $t; $($body)*);
    };
    (@fields $f:ident, $c:literal, $t:ty;) => {};
    (@fields $f:ident, $c:literal, $t:ty; $cf:literal => $($rf:ident).+ $(, $($rest:tt)*)?) => {
        add(&mut $f, format!("offset {}.{}", $c, $cf), offset_of!($t, $($rf).+));
        layout!(@fields $f, $c, $t; $($($rest)*)?);
    };
    (@fields $f:ident, $c:literal, $t:ty; $rf:ident $(, $($rest:tt)*)?) => {
        add(&mut $f, format!("offset {}.{}", $c, stringify!($rf)), offset_of!($t, $rf));
        layout!(@fields $f, $c, $t; $($($rest)*)?);
    };
}

/// Facts with a full key: "kind name" => value.
macro_rules! facts {
    ($f:ident { $($key:literal => $v:expr),* $(,)? }) => {
        $(add(&mut $f, $key.to_owned(), $v);)*
    };
}

/// `const` facts: C macro name => Rust value.
macro_rules! consts {
    ($f:ident { $($c:literal => $v:expr),* $(,)? }) => {
        $(add(&mut $f, format!("const {}", $c), i128::from($v));)*
    };
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every fact the C probe prints, computed from the Rust twins.
fn rust_facts() -> Facts {
    let mut f = Facts::new();

    // cell-config.h
    layout! { f, "jailhouse_console", Console {
        address, size, "type" => kind, flags, divider, gate_nr, clock_reg,
    } }
    layout! { f, "jailhouse_cell_desc", CellDesc {
        signature, revision, name, id, flags, cpu_set_size, num_memory_regions,
        num_cache_regions, num_irqchips, num_pio_regions, num_pci_devices, num_pci_caps,
        num_stream_ids, vpci_irq_base, cpu_reset_address, msg_reply_timeout, console,
    } }
    layout! { f, "jailhouse_memory", MemoryRegion { phys_start, virt_start, size, flags } }
    layout! { f, "jailhouse_cache", CacheRegion { start, size, "type" => kind, padding, flags } }
    layout! { f, "jailhouse_irqchip", IrqChip { address, id, pin_base, pin_bitmap } }
    layout! { f, "jailhouse_pio", PioRegion { base, length } }
    layout! { f, "jailhouse_pci_device", PciDevice {
        "type" => kind, iommu, domain, bdf, bar_mask, caps_start, num_caps, num_msi_vectors,
        num_msix_vectors, msix_region_size, msix_address, shmem_regions_start, shmem_dev_id,
        shmem_peers, shmem_protocol,
    } }
    layout! { f, "jailhouse_pci_capability", PciCapability { id, start, len, flags } }
    layout! { f, "jailhouse_iommu", Iommu { "type" => kind, base, size } }
    layout! { f, "jailhouse_arm_platform_info", ArmPlatformInfo {
        maintenance_irq, gic_version, padding, gicd_base, gicc_base, gich_base, gicv_base,
        gicr_base,
    } }
    layout! { f, "jailhouse_platform_info", PlatformInfo {
        pci_mmconfig_base, pci_mmconfig_end_bus, pci_is_virtual, pci_domain, iommu_units, arm,
    } }
    layout! { f, "jailhouse_system", SystemDesc {
        signature, revision, flags, hypervisor_memory, debug_console, platform_info,
        "platform_info.pci_mmconfig_base" => platform_info.pci_mmconfig_base,
        "platform_info.iommu_units" => platform_info.iommu_units,
        "platform_info.arm.gic_version" => platform_info.arm.gic_version,
        "platform_info.arm.gicd_base" => platform_info.arm.gicd_base,
        "platform_info.arm.gicr_base" => platform_info.arm.gicr_base,
        root_cell,
        "root_cell.name" => root_cell.name,
        "root_cell.cpu_set_size" => root_cell.cpu_set_size,
    } }

    // Array field sizes, the C bit-fields msi_64bits/msi_maskable (Rust's
    // msi_flags) and the C iommu union (Rust's `unit` bytes, read through
    // two view structs).
    let msi_bit = |mask: u8| offset_of!(PciDevice, msi_flags) * 8 + mask.trailing_zeros() as usize;
    let unit = offset_of!(Iommu, unit);
    facts! { f {
        "size jailhouse_cell_desc.name" => field_size(|d: &CellDesc| d.name),
        "size jailhouse_irqchip.pin_bitmap" => field_size(|c: &IrqChip| c.pin_bitmap),
        "size jailhouse_pci_device.bar_mask" => field_size(|d: &PciDevice| d.bar_mask),
        "bit jailhouse_pci_device.msi_64bits" => msi_bit(PCI_MSI_64BITS),
        "bit jailhouse_pci_device.msi_maskable" => msi_bit(PCI_MSI_MASKABLE),
        "offset jailhouse_iommu.amd" => unit,
        "size jailhouse_iommu.amd" => size_of::<IommuAmd>(),
        "offset jailhouse_iommu.amd.bdf" => unit + offset_of!(IommuAmd, bdf),
        "offset jailhouse_iommu.amd.base_cap" => unit + offset_of!(IommuAmd, base_cap),
        "offset jailhouse_iommu.amd.msi_cap" => unit + offset_of!(IommuAmd, msi_cap),
        "offset jailhouse_iommu.amd.features" => unit + offset_of!(IommuAmd, features),
        "offset jailhouse_iommu.tipvu" => unit,
        "size jailhouse_iommu.tipvu" => size_of::<IommuTiPvu>(),
        "offset jailhouse_iommu.tipvu.tlb_base" => unit + offset_of!(IommuTiPvu, tlb_base),
        "offset jailhouse_iommu.tipvu.tlb_size" => unit + offset_of!(IommuTiPvu, tlb_size),
        "size jailhouse_platform_info.iommu_units" => field_size(|p: &PlatformInfo| p.iommu_units),
        "size jailhouse_system.signature" => field_size(|s: &SystemDesc| s.signature),
    } }

    // String constants, as hex.
    for (name, bytes) in [
        ("JAILHOUSE_SYSTEM_SIGNATURE", &SYSTEM_SIGNATURE[..]),
        ("JAILHOUSE_CELL_DESC_SIGNATURE", &CELL_DESC_SIGNATURE[..]),
        ("COMM_REGION_MAGIC", &COMM_REGION_MAGIC[..]),
        ("JAILHOUSE_SIGNATURE", &HEADER_SIGNATURE[..]),
    ] {
        add(&mut f, format!("bytes {name}"), hex(bytes));
    }

    // Array-valued macros, element by element.
    for (name, mask) in [
        ("JAILHOUSE_IVSHMEM_BAR_MASK_INTX", IVSHMEM_BAR_MASK_INTX),
        ("JAILHOUSE_IVSHMEM_BAR_MASK_MSIX", IVSHMEM_BAR_MASK_MSIX),
        (
            "JAILHOUSE_IVSHMEM_BAR_MASK_INTX_64K",
            IVSHMEM_BAR_MASK_INTX_64K,
        ),
        (
            "JAILHOUSE_IVSHMEM_BAR_MASK_MSIX_64K",
            IVSHMEM_BAR_MASK_MSIX_64K,
        ),
    ] {
        for (i, v) in mask.iter().enumerate() {
            add(&mut f, format!("const {name}[{i}]"), v);
        }
    }

    consts! { f {
        "JAILHOUSE_CONFIG_REVISION" => CONFIG_REVISION,
        "JAILHOUSE_SIGNATURE_SIZE" => SIGNATURE_SIZE as u64,
        "JAILHOUSE_CELL_NAME_MAXLEN" => CELL_NAME_MAXLEN as u64,
        "JAILHOUSE_MAX_IOMMU_UNITS" => MAX_IOMMU_UNITS as u64,

        "JAILHOUSE_CELL_PASSIVE_COMMREG" => CellFlags::PASSIVE_COMMREG.bits(),
        "JAILHOUSE_CELL_TEST_DEVICE" => CellFlags::TEST_DEVICE.bits(),
        "JAILHOUSE_CELL_AARCH32" => CellFlags::AARCH32.bits(),
        "JAILHOUSE_CELL_VIRT_CPUID" => CellFlags::VIRT_CPUID.bits(),
        "JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED" => CellFlags::VIRTUAL_CONSOLE_PERMITTED.bits(),
        "JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE" => CellFlags::VIRTUAL_CONSOLE_ACTIVE.bits(),
        "JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE" => SystemFlags::VIRTUAL_DEBUG_CONSOLE.bits(),

        "JAILHOUSE_CON_TYPE_NONE" => ConsoleType::None.value(),
        "JAILHOUSE_CON_TYPE_EFIFB" => ConsoleType::Efifb.value(),
        "JAILHOUSE_CON_TYPE_8250" => ConsoleType::Uart8250.value(),
        "JAILHOUSE_CON_TYPE_PL011" => ConsoleType::Pl011.value(),
        "JAILHOUSE_CON_TYPE_XUARTPS" => ConsoleType::Xuartps.value(),
        "JAILHOUSE_CON_TYPE_MVEBU" => ConsoleType::Mvebu.value(),
        "JAILHOUSE_CON_TYPE_HSCIF" => ConsoleType::Hscif.value(),
        "JAILHOUSE_CON_TYPE_SCIFA" => ConsoleType::Scifa.value(),
        "JAILHOUSE_CON_TYPE_IMX" => ConsoleType::Imx.value(),
        "JAILHOUSE_CON_TYPE_IMX_LPUART" => ConsoleType::ImxLpuart.value(),
        "JAILHOUSE_CON_TYPE_SCIF" => ConsoleType::Scif.value(),
        "JAILHOUSE_CON_ACCESS_PIO" => CON_ACCESS_PIO,
        "JAILHOUSE_CON_ACCESS_MMIO" => ConsoleFlags::ACCESS_MMIO.bits(),
        "JAILHOUSE_CON_REGDIST_1" => CON_REGDIST_1,
        "JAILHOUSE_CON_REGDIST_4" => ConsoleFlags::REGDIST_4.bits(),
        "JAILHOUSE_CON_FB_1024x768" => CON_FB_1024X768,
        "JAILHOUSE_CON_FB_1920x1080" => ConsoleFlags::FB_1920X1080.bits(),
        "JAILHOUSE_CON_INVERTED_GATE" => ConsoleFlags::INVERTED_GATE.bits(),
        "JAILHOUSE_CON_MDR_QUIRK" => ConsoleFlags::MDR_QUIRK.bits(),

        "JAILHOUSE_MEM_READ" => MemFlags::READ.bits(),
        "JAILHOUSE_MEM_WRITE" => MemFlags::WRITE.bits(),
        "JAILHOUSE_MEM_EXECUTE" => MemFlags::EXECUTE.bits(),
        "JAILHOUSE_MEM_DMA" => MemFlags::DMA.bits(),
        "JAILHOUSE_MEM_IO" => MemFlags::IO.bits(),
        "JAILHOUSE_MEM_COMM_REGION" => MemFlags::COMM_REGION.bits(),
        "JAILHOUSE_MEM_LOADABLE" => MemFlags::LOADABLE.bits(),
        "JAILHOUSE_MEM_ROOTSHARED" => MemFlags::ROOTSHARED.bits(),
        "JAILHOUSE_MEM_NO_HUGEPAGES" => MemFlags::NO_HUGEPAGES.bits(),
        "JAILHOUSE_MEM_IO_UNALIGNED" => MemFlags::IO_UNALIGNED.bits(),
        "JAILHOUSE_MEM_IO_WIDTH_SHIFT" => MEM_IO_WIDTH_SHIFT,
        "JAILHOUSE_MEM_IO_8" => MemFlags::IO_8.bits(),
        "JAILHOUSE_MEM_IO_16" => MemFlags::IO_16.bits(),
        "JAILHOUSE_MEM_IO_32" => MemFlags::IO_32.bits(),
        "JAILHOUSE_MEM_IO_64" => MemFlags::IO_64.bits(),

        "JAILHOUSE_CACHE_L3_CODE" => CACHE_L3_CODE,
        "JAILHOUSE_CACHE_L3_DATA" => CACHE_L3_DATA,
        "JAILHOUSE_CACHE_L3" => CACHE_L3,
        "JAILHOUSE_CACHE_ROOTSHARED" => CacheFlags::ROOTSHARED.bits(),

        "JAILHOUSE_PCI_TYPE_DEVICE" => PciType::Device.value(),
        "JAILHOUSE_PCI_TYPE_BRIDGE" => PciType::Bridge.value(),
        "JAILHOUSE_PCI_TYPE_IVSHMEM" => PciType::Ivshmem.value(),
        "JAILHOUSE_SHMEM_PROTO_UNDEFINED" => SHMEM_PROTO_UNDEFINED,
        "JAILHOUSE_SHMEM_PROTO_VETH" => SHMEM_PROTO_VETH,
        "JAILHOUSE_SHMEM_PROTO_CUSTOM" => SHMEM_PROTO_CUSTOM,
        "JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT" => SHMEM_PROTO_VIRTIO_FRONT,
        "JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK" => SHMEM_PROTO_VIRTIO_BACK,
        "VIRTIO_DEV_NET" => VIRTIO_DEV_NET,
        "VIRTIO_DEV_BLOCK" => VIRTIO_DEV_BLOCK,
        "VIRTIO_DEV_CONSOLE" => VIRTIO_DEV_CONSOLE,
        "JAILHOUSE_PCI_EXT_CAP" => PCI_EXT_CAP,
        "JAILHOUSE_PCICAPS_WRITE" => PciCapFlags::WRITE.bits(),

        "JAILHOUSE_IOMMU_AMD" => IommuType::Amd.value(),
        "JAILHOUSE_IOMMU_INTEL" => IommuType::Intel.value(),
        "JAILHOUSE_IOMMU_SMMUV3" => IommuType::SmmuV3.value(),
        "JAILHOUSE_IOMMU_PVU" => IommuType::Pvu.value(),
        "JAILHOUSE_IOMMU_ARM_MMU500" => IommuType::ArmMmu500.value(),
    } }

    // hypercall.h
    consts! { f {
        "JAILHOUSE_HVC_CODE" => HVC_CODE,
        "JAILHOUSE_HC_DISABLE" => Hypercall::Disable.value(),
        "JAILHOUSE_HC_CELL_CREATE" => Hypercall::CellCreate.value(),
        "JAILHOUSE_HC_CELL_START" => Hypercall::CellStart.value(),
        "JAILHOUSE_HC_CELL_SET_LOADABLE" => Hypercall::CellSetLoadable.value(),
        "JAILHOUSE_HC_CELL_DESTROY" => Hypercall::CellDestroy.value(),
        "JAILHOUSE_HC_HYPERVISOR_GET_INFO" => Hypercall::HypervisorGetInfo.value(),
        "JAILHOUSE_HC_CELL_GET_STATE" => Hypercall::CellGetState.value(),
        "JAILHOUSE_HC_CPU_GET_INFO" => Hypercall::CpuGetInfo.value(),
        "JAILHOUSE_HC_DEBUG_CONSOLE_PUTC" => Hypercall::DebugConsolePutc.value(),

        "JAILHOUSE_INFO_MEM_POOL_SIZE" => InfoKind::MemPoolSize.value(),
        "JAILHOUSE_INFO_MEM_POOL_USED" => InfoKind::MemPoolUsed.value(),
        "JAILHOUSE_INFO_REMAP_POOL_SIZE" => InfoKind::RemapPoolSize.value(),
        "JAILHOUSE_INFO_REMAP_POOL_USED" => InfoKind::RemapPoolUsed.value(),
        "JAILHOUSE_INFO_NUM_CELLS" => InfoKind::NumCells.value(),

        "JAILHOUSE_CPU_INFO_STATE" => CPU_INFO_STATE,
        "JAILHOUSE_CPU_INFO_STAT_BASE" => CPU_INFO_STAT_BASE,
        "JAILHOUSE_CPU_RUNNING" => CpuState::Running.value(),
        "JAILHOUSE_CPU_FAILED" => CpuState::Failed.value(),

        "JAILHOUSE_CPU_STAT_VMEXITS_TOTAL" => CpuStat::VmexitsTotal.value(),
        "JAILHOUSE_CPU_STAT_VMEXITS_MMIO" => CpuStat::VmexitsMmio.value(),
        "JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT" => CpuStat::VmexitsManagement.value(),
        "JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL" => CpuStat::VmexitsHypercall.value(),
        "JAILHOUSE_GENERIC_CPU_STATS" => GENERIC_CPU_STATS,
        "JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE" => CpuStat::VmexitsMaintenance.value(),
        "JAILHOUSE_CPU_STAT_VMEXITS_VIRQ" => CpuStat::VmexitsVirq.value(),
        "JAILHOUSE_CPU_STAT_VMEXITS_VSGI" => CpuStat::VmexitsVsgi.value(),
        "JAILHOUSE_CPU_STAT_VMEXITS_PSCI" => CpuStat::VmexitsPsci.value(),
        "JAILHOUSE_CPU_STAT_VMEXITS_SMCCC" => CpuStat::VmexitsSmccc.value(),
        "JAILHOUSE_NUM_CPU_STATS" => NUM_CPU_STATS,

        "JAILHOUSE_MSG_NONE" => MsgToCell::None.value(),
        "JAILHOUSE_MSG_SHUTDOWN_REQUEST" => MsgToCell::ShutdownRequest.value(),
        "JAILHOUSE_MSG_RECONFIG_COMPLETED" => MsgToCell::ReconfigCompleted.value(),
        "JAILHOUSE_MSG_UNKNOWN" => ReplyFromCell::Unknown.value(),
        "JAILHOUSE_MSG_REQUEST_DENIED" => ReplyFromCell::RequestDenied.value(),
        "JAILHOUSE_MSG_REQUEST_APPROVED" => ReplyFromCell::RequestApproved.value(),
        "JAILHOUSE_MSG_RECEIVED" => ReplyFromCell::Received.value(),

        "JAILHOUSE_CELL_RUNNING" => CellState::Running.value(),
        "JAILHOUSE_CELL_RUNNING_LOCKED" => CellState::RunningLocked.value(),
        "JAILHOUSE_CELL_SHUT_DOWN" => CellState::ShutDown.value(),
        "JAILHOUSE_CELL_FAILED" => CellState::Failed.value(),
        "JAILHOUSE_CELL_FAILED_COMM_REV" => CellState::FailedCommRev.value(),

        "COMM_REGION_ABI_REVISION" => COMM_REGION_ABI_REVISION,
        "JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED" => CommFlags::DBG_PUTC_PERMITTED.bits(),
        "JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE" => CommFlags::DBG_PUTC_ACTIVE.bits(),
    } }
    layout! { f, "jailhouse_comm_region", CommRegion {
        signature, revision, cell_state, msg_to_cell, reply_from_cell, flags, console,
        pci_mmconfig_base, gic_version, padding, gicd_base, gicc_base, gicr_base, vpci_irq_base,
    } }

    // header.h
    consts! { f {
        "HYP_STUB_ABI_LEGACY" => HYP_STUB_ABI_LEGACY,
        "HYP_STUB_ABI_OPCODE" => HYP_STUB_ABI_OPCODE,
        "JAILHOUSE_VIRT_CONSOLE_SIZE" => VIRT_CONSOLE_SIZE as u64,
    } }
    layout! { f, "jailhouse_header", HypervisorHeader {
        signature, core_size, percpu_size, entry, console_page, gcov_info_head, max_cpus,
        online_cpus, debug_console_base, arm_linux_hyp_vectors, arm_linux_hyp_abi, padding,
    } }
    layout! { f, "jailhouse_virt_console", VirtConsole { busy, tail, content } }

    // jailhouse-ioctl.h
    consts! { f {
        "JAILHOUSE_ENABLE" => JAILHOUSE_ENABLE,
        "JAILHOUSE_DISABLE" => JAILHOUSE_DISABLE,
        "JAILHOUSE_CELL_CREATE" => JAILHOUSE_CELL_CREATE,
        "JAILHOUSE_CELL_LOAD" => JAILHOUSE_CELL_LOAD,
        "JAILHOUSE_CELL_START" => JAILHOUSE_CELL_START,
        "JAILHOUSE_CELL_DESTROY" => JAILHOUSE_CELL_DESTROY,
        "JAILHOUSE_CELL_ID_UNUSED" => CELL_ID_UNUSED,
        "JAILHOUSE_CELL_ID_NAMELEN" => CELL_ID_NAMELEN as u64,
    } }
    layout! { f, "jailhouse_cell_create", CellCreate { config_address, config_size, padding } }
    layout! { f, "jailhouse_cell_id", CellId { id, padding, name } }
    layout! { f, "jailhouse_preload_image", PreloadImage {
        source_address, size, target_address, padding,
    } }
    layout! { f, "jailhouse_cell_load", CellLoad { cell_id, num_preload_images, padding } }
    // The flexible array image[] starts right after the fixed part.
    add(
        &mut f,
        "offset jailhouse_cell_load.image".into(),
        size_of::<CellLoad>(),
    );

    f
}

/// Parses the probe's output into facts.
fn parse_probe(output: &[u8]) -> Facts {
    let text = String::from_utf8(output.to_vec()).expect("probe output is not UTF-8");
    let mut facts = Facts::new();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(kind), Some(name), Some(value), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            panic!("malformed probe line {line:?}");
        };
        let key = format!("{kind} {name}");
        if let Some(old) = facts.insert(key.clone(), value.to_owned()) {
            panic!("C probe printed {key} twice ({old} and {value})");
        }
    }
    facts
}

/// Compares the two fact lists and describes every difference.
fn diff(c: &Facts, rust: &Facts) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, c_value) in c {
        match rust.get(key) {
            None => problems.push(format!(
                "{key}: C says {c_value}, but the Rust table has no such line (add the Rust twin)"
            )),
            Some(r_value) if r_value != c_value => {
                problems.push(format!("{key}: C says {c_value}, Rust says {r_value}"))
            }
            Some(_) => {}
        }
    }
    for (key, r_value) in rust {
        if !c.contains_key(key) {
            problems.push(format!(
                "{key}: Rust says {r_value}, but the C probe printed no such line"
            ));
        }
    }
    problems
}

#[test]
fn c_headers_and_rust_types_agree() {
    let probe = common::tests_dir().join("layout_probe.c");
    let output = common::run_host_program("layout_probe", &[&probe], &[]);
    let c = parse_probe(&output);
    let rust = rust_facts();
    let problems = diff(&c, &rust);
    assert!(
        problems.is_empty(),
        "C headers and jailhouse-abi disagree ({} of {} facts):\n  {}",
        problems.len(),
        c.len().max(rust.len()),
        problems.join("\n  ")
    );
    // Guard against a probe that silently printed almost nothing.
    assert!(c.len() > 300, "the probe printed only {} facts", c.len());
}

/// The Rust facts as `_Static_assert`s. Bit-field positions, byte strings
/// and array constants are left to the run-time probe.
fn static_asserts(facts: &Facts) -> String {
    let mut src = String::from(
        "#include <jailhouse/types.h>\n\
         #include <jailhouse/cell-config.h>\n\
         #include <jailhouse/hypercall.h>\n\
         #include <jailhouse/header.h>\n\
         #include <jailhouse/jailhouse-ioctl.h>\n\n",
    );
    for (key, value) in facts {
        let (kind, name) = key.split_once(' ').expect("fact key has a kind");
        let expr = match kind {
            "size" => match name.split_once('.') {
                Some((s, field)) => format!("sizeof(((struct {s} *)0)->{field})"),
                None => format!("sizeof(struct {name})"),
            },
            "align" => format!("__alignof__(struct {name})"),
            "offset" => {
                let (s, field) = name.split_once('.').expect("offset key has a field");
                format!("__builtin_offsetof(struct {s}, {field})")
            }
            "const" if !name.contains('[') => format!("(long long)({name})"),
            _ => continue,
        };
        writeln!(
            src,
            "JAILHOUSE_ABI_ASSERT({expr} == {value}LL, \"{key} must be {value} (Rust)\");"
        )
        .expect("writing to a String cannot fail");
    }
    src
}

fn check_freestanding(cc: &str, extra: &[&str], name: &str) {
    let src = common::out_dir().join(format!("{name}.c"));
    fs::write(&src, static_asserts(&rust_facts())).expect("cannot write the assert file");
    let mut cmd = Command::new(cc);
    cmd.args([
        "-ffreestanding",
        "-nostdinc",
        "-std=gnu11",
        "-Wall",
        "-Wextra",
        "-Werror",
    ])
    .args(extra)
    .arg("-I")
    .arg(common::include_dir())
    .arg("-fsyntax-only")
    .arg(&src);
    common::run(&mut cmd);
}

#[test]
fn freestanding_host_build_matches_rust() {
    check_freestanding(&common::host_cc(), &[], "asserts_host_freestanding");
}

#[test]
fn freestanding_aarch64_build_matches_rust() {
    if let Some(cc) = common::cross_cc() {
        check_freestanding(&cc, &[], "asserts_aarch64_freestanding");
        // The 5.10 kernel builds with gnu89; the headers must accept it.
        check_freestanding(&cc, &["-std=gnu89"], "asserts_aarch64_gnu89");
    }
}
