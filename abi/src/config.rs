// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Cell configuration format, config revision 13 (`cell-config.h`).
//!
//! This module owns the packed structs of system and cell configs, their
//! flag types and constants, and the structural parser
//! ([`SystemConfig::parse`], [`CellConfig::parse`]) that turns an untrusted
//! byte buffer into borrowed, bounds-checked views without copying.
//!
//! The parser checks only what is needed to read the blob safely:
//! signature, revision, and that every trailing array fits the buffer. It
//! must not make policy decisions (overlapping regions, CPU ownership,
//! irqchip pin ranges, ...); those belong to the hypervisor's and the CLI's
//! validation, which run on top of these views.
//!
//! Layout of a config blob (little-endian, no padding anywhere):
//!
//! ```text
//! system config: SystemDesc (488 B, root cell descriptor at 356) | root cell arrays
//! cell config:   CellDesc (132 B)                                | cell arrays
//! cell arrays:   cpu bitmap (cpu_set_size B) | memory regions | cache regions |
//!                irqchips | pio regions | pci devices | pci caps | stream ids
//! ```

use core::fmt;
use core::mem::{offset_of, size_of};

use bitflags::bitflags;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::{abi_enum, abi_enum_from_u64};

/// `JAILHOUSE_CONFIG_REVISION`: the only config revision this crate reads.
pub const CONFIG_REVISION: u16 = 13;
/// `JAILHOUSE_SIGNATURE_SIZE`: bytes of the signature at offset 0.
pub const SIGNATURE_SIZE: usize = 6;
/// `JAILHOUSE_SYSTEM_SIGNATURE`: first bytes of a system config.
pub const SYSTEM_SIGNATURE: [u8; SIGNATURE_SIZE] = *b"JHSYST";
/// `JAILHOUSE_CELL_DESC_SIGNATURE`: first bytes of a cell config.
pub const CELL_DESC_SIGNATURE: [u8; SIGNATURE_SIZE] = *b"JHCELL";
/// `JAILHOUSE_CELL_NAME_MAXLEN`: longest cell name; the field has one more
/// byte for the terminating NUL.
pub const CELL_NAME_MAXLEN: usize = 31;
/// `JAILHOUSE_MAX_IOMMU_UNITS`: IOMMU slots in the platform info.
pub const MAX_IOMMU_UNITS: usize = 8;

/// Upstream revision-14 signatures are 5 bytes plus an architecture byte;
/// recognised only to explain why such a config is refused.
const REV14_SYSTEM_SIGNATURE: &[u8; 5] = b"JHSYS";
/// See [`REV14_SYSTEM_SIGNATURE`].
const REV14_CELL_SIGNATURE: &[u8; 5] = b"JHCLL";

bitflags! {
    /// Flags of a memory region (`jailhouse_memory.flags`, `JAILHOUSE_MEM_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct MemFlags: u64 {
        /// Readable by the cell.
        const READ = 0x0001;
        /// Writable by the cell.
        const WRITE = 0x0002;
        /// Executable by the cell.
        const EXECUTE = 0x0004;
        /// Reachable by DMA through an IOMMU.
        const DMA = 0x0008;
        /// Device memory instead of normal cacheable memory.
        const IO = 0x0010;
        /// Map the cell's communication region here (`phys_start` is ignored).
        const COMM_REGION = 0x0020;
        /// Mapped into the root cell while the cell is being loaded.
        const LOADABLE = 0x0040;
        /// Stays mapped in the root cell when the cell is created.
        const ROOTSHARED = 0x0080;
        /// Map with 4 KiB pages only.
        const NO_HUGEPAGES = 0x0100;
        /// Subpage region: naturally unaligned accesses are allowed.
        const IO_UNALIGNED = 0x8000;
        /// Subpage region: 8-bit accesses are allowed.
        const IO_8 = 1 << MEM_IO_WIDTH_SHIFT;
        /// Subpage region: 16-bit accesses are allowed.
        const IO_16 = 2 << MEM_IO_WIDTH_SHIFT;
        /// Subpage region: 32-bit accesses are allowed.
        const IO_32 = 4 << MEM_IO_WIDTH_SHIFT;
        /// Subpage region: 64-bit accesses are allowed.
        const IO_64 = 8 << MEM_IO_WIDTH_SHIFT;
    }
}

/// `JAILHOUSE_MEM_IO_WIDTH_SHIFT`: first bit of the subpage access widths.
pub const MEM_IO_WIDTH_SHIFT: u32 = 16;

bitflags! {
    /// Flags of a cell (`jailhouse_cell_desc.flags`, `JAILHOUSE_CELL_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct CellFlags: u32 {
        /// The hypervisor never sends messages to this cell nor waits for
        /// its replies.
        const PASSIVE_COMMREG = 0x0000_0001;
        /// x86 test device (unused on arm64).
        const TEST_DEVICE = 0x0000_0002;
        /// Start the cell's CPUs in AArch32.
        const AARCH32 = 0x0000_0004;
        /// openEuler extension: the cell sees virtual CPU ids starting at 0.
        /// openEuler's C configs write `.use_virt_cpuid = 1`; `cell-config.h`
        /// explains why jailhouse-rs only offers this flag bit.
        const VIRT_CPUID = 0x0000_0100;
        /// The cell may use the debug-console hypercall.
        const VIRTUAL_CONSOLE_PERMITTED = 0x4000_0000;
        /// The cell should write its console through the hypervisor.
        const VIRTUAL_CONSOLE_ACTIVE = 0x8000_0000;
    }
}

bitflags! {
    /// Flags of a system config (`jailhouse_system.flags`, `JAILHOUSE_SYS_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct SystemFlags: u32 {
        /// The root cell may read the hypervisor's console buffer.
        const VIRTUAL_DEBUG_CONSOLE = 0x0001;
    }
}

bitflags! {
    /// Flags of a console (`jailhouse_console.flags`, `JAILHOUSE_CON_*`).
    ///
    /// The zero-valued C names (`ACCESS_PIO`, `REGDIST_1`, `FB_1024x768`)
    /// are the absence of the corresponding flag; see [`CON_ACCESS_PIO`] etc.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct ConsoleFlags: u16 {
        /// Registers are memory mapped (otherwise I/O ports).
        const ACCESS_MMIO = 0x0001;
        /// 32-bit registers 4 bytes apart (otherwise 8-bit, 1 byte apart).
        const REGDIST_4 = 0x0002;
        /// Framebuffer is 1920x1080 (otherwise 1024x768).
        const FB_1920X1080 = 0x0004;
        /// The clock gate is enabled by clearing its bit.
        const INVERTED_GATE = 0x1000;
        /// 8250 variant with the MDR quirk.
        const MDR_QUIRK = 0x2000;
    }
}

/// `JAILHOUSE_CON_ACCESS_PIO`: no [`ConsoleFlags::ACCESS_MMIO`].
pub const CON_ACCESS_PIO: u16 = 0x0000;
/// `JAILHOUSE_CON_REGDIST_1`: no [`ConsoleFlags::REGDIST_4`].
pub const CON_REGDIST_1: u16 = 0x0000;
/// `JAILHOUSE_CON_FB_1024x768`: no [`ConsoleFlags::FB_1920X1080`].
pub const CON_FB_1024X768: u16 = 0x0000;

abi_enum! {
    /// Console hardware (`jailhouse_console.type`, `JAILHOUSE_CON_TYPE_*`).
    pub enum ConsoleType: u16, "console type" {
        /// No console.
        None = 0x0000,
        /// EFI framebuffer.
        Efifb = 0x0001,
        /// 8250/16550 UART.
        Uart8250 = 0x0002,
        /// Arm PL011 UART.
        Pl011 = 0x0003,
        /// Xilinx PS UART.
        Xuartps = 0x0004,
        /// Marvell Armada UART.
        Mvebu = 0x0005,
        /// Renesas HSCIF.
        Hscif = 0x0006,
        /// Renesas SCIFA.
        Scifa = 0x0007,
        /// i.MX UART.
        Imx = 0x0008,
        /// i.MX LPUART (later upstream addition).
        ImxLpuart = 0x0009,
        /// Renesas SCIF (later upstream addition).
        Scif = 0x000a,
    }
}
abi_enum_from_u64!(ConsoleType: u16, "console type");

/// `JAILHOUSE_CACHE_L3_CODE`: cache region type.
pub const CACHE_L3_CODE: u8 = 0x01;
/// `JAILHOUSE_CACHE_L3_DATA`: cache region type.
pub const CACHE_L3_DATA: u8 = 0x02;
/// `JAILHOUSE_CACHE_L3`: code and data.
pub const CACHE_L3: u8 = CACHE_L3_CODE | CACHE_L3_DATA;

bitflags! {
    /// Flags of a cache region (`jailhouse_cache.flags`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct CacheFlags: u16 {
        /// Shared with the root cell.
        const ROOTSHARED = 0x0001;
    }
}

abi_enum! {
    /// Kind of a PCI device (`jailhouse_pci_device.type`).
    pub enum PciType: u8, "PCI device type" {
        /// A physical endpoint.
        Device = 0x01,
        /// A physical bridge.
        Bridge = 0x02,
        /// A virtual ivshmem device.
        Ivshmem = 0x03,
    }
}

/// `JAILHOUSE_SHMEM_PROTO_UNDEFINED`: ivshmem without a defined protocol.
pub const SHMEM_PROTO_UNDEFINED: u16 = 0x0000;
/// `JAILHOUSE_SHMEM_PROTO_VETH`: ivshmem-net.
pub const SHMEM_PROTO_VETH: u16 = 0x0001;
/// `JAILHOUSE_SHMEM_PROTO_CUSTOM`: first of the custom protocols (..0x7fff).
pub const SHMEM_PROTO_CUSTOM: u16 = 0x4000;
/// `JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT`: virtio front-ends (..0xbfff).
pub const SHMEM_PROTO_VIRTIO_FRONT: u16 = 0x8000;
/// `JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK`: virtio back-ends (..0xffff).
pub const SHMEM_PROTO_VIRTIO_BACK: u16 = 0xc000;

/// `VIRTIO_DEV_NET`: added to a virtio protocol base.
pub const VIRTIO_DEV_NET: u16 = 1;
/// `VIRTIO_DEV_BLOCK`: added to a virtio protocol base.
pub const VIRTIO_DEV_BLOCK: u16 = 2;
/// `VIRTIO_DEV_CONSOLE`: added to a virtio protocol base.
pub const VIRTIO_DEV_CONSOLE: u16 = 3;

/// `JAILHOUSE_IVSHMEM_BAR_MASK_INTX`: ivshmem BARs without MSI-X.
pub const IVSHMEM_BAR_MASK_INTX: [u32; 6] = [0xffff_f000, 0, 0, 0, 0, 0];
/// `JAILHOUSE_IVSHMEM_BAR_MASK_MSIX`: ivshmem BARs with a 4 KiB MSI-X BAR.
pub const IVSHMEM_BAR_MASK_MSIX: [u32; 6] = [0xffff_f000, 0xffff_f000, 0, 0, 0, 0];
/// `JAILHOUSE_IVSHMEM_BAR_MASK_INTX_64K`: as INTX, for 64 KiB-page guests.
pub const IVSHMEM_BAR_MASK_INTX_64K: [u32; 6] = [0xffff_0000, 0, 0, 0, 0, 0];
/// `JAILHOUSE_IVSHMEM_BAR_MASK_MSIX_64K`: as MSIX, for 64 KiB-page guests.
pub const IVSHMEM_BAR_MASK_MSIX_64K: [u32; 6] = [0xffff_0000, 0xffff_0000, 0, 0, 0, 0];

/// `JAILHOUSE_PCI_EXT_CAP`: marks an extended capability id.
pub const PCI_EXT_CAP: u16 = 0x8000;

bitflags! {
    /// Flags of a PCI capability (`jailhouse_pci_capability.flags`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct PciCapFlags: u16 {
        /// The cell may write the capability (`JAILHOUSE_PCICAPS_WRITE`).
        const WRITE = 0x0001;
    }
}

/// Bit of [`PciDevice::msi_flags`] that C calls `msi_64bits`.
pub const PCI_MSI_64BITS: u8 = 0x01;
/// Bit of [`PciDevice::msi_flags`] that C calls `msi_maskable`.
pub const PCI_MSI_MASKABLE: u8 = 0x02;

abi_enum! {
    /// Kind of an IOMMU unit (`jailhouse_iommu.type`); 0 is an unused slot.
    pub enum IommuType: u32, "IOMMU type" {
        /// AMD-Vi.
        Amd = 1,
        /// Intel VT-d.
        Intel = 2,
        /// Arm SMMUv3.
        SmmuV3 = 3,
        /// TI peripheral virtualisation unit.
        Pvu = 4,
        /// Arm MMU-500 (later upstream addition).
        ArmMmu500 = 5,
    }
}

/// A UART or framebuffer (`struct jailhouse_console`, 32 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct Console {
    /// MMIO base address, or I/O port.
    pub address: u64,
    /// Size of the register window.
    pub size: u32,
    /// Hardware kind, a [`ConsoleType`] value (C: `type`).
    pub kind: u16,
    /// [`ConsoleFlags`] bits.
    pub flags: u16,
    /// Baud-rate divider; 0 leaves the UART as the firmware set it.
    pub divider: u32,
    /// Clock gate bit number.
    pub gate_nr: u32,
    /// Clock gate register; 0 when there is none.
    pub clock_reg: u64,
}

impl Console {
    /// The hardware kind, or the unknown number.
    pub fn console_type(&self) -> Result<ConsoleType, crate::UnknownValue> {
        ConsoleType::try_from(self.kind)
    }

    /// The flags, keeping bits this crate does not name.
    pub fn console_flags(&self) -> ConsoleFlags {
        ConsoleFlags::from_bits_retain(self.flags)
    }
}

/// The fixed part of a cell config (`struct jailhouse_cell_desc`, 132 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct CellDesc {
    /// [`CELL_DESC_SIGNATURE`]; zero in the root cell of a system config.
    pub signature: [u8; SIGNATURE_SIZE],
    /// [`CONFIG_REVISION`]; zero in the root cell of a system config.
    pub revision: u16,
    /// NUL-terminated name; see [`CellDesc::name`].
    pub name: [u8; CELL_NAME_MAXLEN + 1],
    /// Cell id, assigned at creation rather than by the config.
    pub id: u32,
    /// [`CellFlags`] bits.
    pub flags: u32,
    /// Bytes of CPU bitmap after the descriptor.
    pub cpu_set_size: u32,
    /// Number of [`MemoryRegion`]s.
    pub num_memory_regions: u32,
    /// Number of [`CacheRegion`]s.
    pub num_cache_regions: u32,
    /// Number of [`IrqChip`]s.
    pub num_irqchips: u32,
    /// Number of [`PioRegion`]s.
    pub num_pio_regions: u32,
    /// Number of [`PciDevice`]s.
    pub num_pci_devices: u32,
    /// Number of [`PciCapability`]s.
    pub num_pci_caps: u32,
    /// Number of [`StreamId`]s.
    pub num_stream_ids: u32,
    /// On arm64, INTx pin p of virtual PCI device is SPI
    /// `32 + vpci_irq_base + p - 1`.
    pub vpci_irq_base: u32,
    /// Guest physical address where the cell's first CPU starts.
    pub cpu_reset_address: u64,
    /// How long to wait for the cell's reply to a message (busy-loop
    /// iterations); 0 waits forever.
    pub msg_reply_timeout: u64,
    /// The console the cell is told about through its comm region.
    pub console: Console,
}

impl CellDesc {
    /// The name up to its first NUL. Never longer than
    /// [`CELL_NAME_MAXLEN`] bytes: like the driver, the last byte of the
    /// field is treated as a terminator even when it is not zero.
    pub fn name(&self) -> &[u8] {
        let field = &self.name[..CELL_NAME_MAXLEN];
        let len = field.iter().position(|&b| b == 0).unwrap_or(field.len());
        &field[..len]
    }

    /// The name as UTF-8 text.
    pub fn name_str(&self) -> Result<&str, core::str::Utf8Error> {
        core::str::from_utf8(self.name())
    }

    /// The flags, keeping bits this crate does not name.
    pub fn cell_flags(&self) -> CellFlags {
        CellFlags::from_bits_retain(self.flags)
    }

    /// Size in bytes of the cell config this descriptor heads: the
    /// descriptor and all its arrays. `None` if it does not fit a `usize`.
    pub fn config_size(&self) -> Option<usize> {
        cell_config_size(self)
    }
}

/// A memory region of a cell (`struct jailhouse_memory`, 32 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct MemoryRegion {
    /// Host physical start address.
    pub phys_start: u64,
    /// Guest physical start address inside the cell.
    pub virt_start: u64,
    /// Size in bytes.
    pub size: u64,
    /// [`MemFlags`] bits.
    pub flags: u64,
}

impl MemoryRegion {
    /// The flags, keeping bits this crate does not name.
    pub fn mem_flags(&self) -> MemFlags {
        MemFlags::from_bits_retain(self.flags)
    }

    /// `JAILHOUSE_MEMORY_IS_SUBPAGE`: the guest address or size is not
    /// 4 KiB aligned, so the region is emulated rather than mapped.
    pub fn is_subpage(&self) -> bool {
        (self.virt_start | self.size) & 0xfff != 0
    }
}

/// A cache partition (`struct jailhouse_cache`, 12 bytes; x86 CAT only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct CacheRegion {
    /// First cache way/unit.
    pub start: u32,
    /// Number of units.
    pub size: u32,
    /// [`CACHE_L3_CODE`], [`CACHE_L3_DATA`] or [`CACHE_L3`] (C: `type`).
    pub kind: u8,
    /// Unused.
    pub padding: u8,
    /// [`CacheFlags`] bits.
    pub flags: u16,
}

/// Interrupts of one interrupt controller a cell owns
/// (`struct jailhouse_irqchip`, 32 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct IrqChip {
    /// Base address; on arm64 the GIC distributor's.
    pub address: u64,
    /// Controller id.
    pub id: u32,
    /// First interrupt the bitmap describes.
    pub pin_base: u32,
    /// Bit n of word w stands for interrupt `pin_base + 32 * w + n`.
    pub pin_bitmap: [u32; 4],
}

impl IrqChip {
    /// Whether interrupt `irq` is in this entry's bitmap.
    pub fn contains(&self, irq: u32) -> bool {
        let Some(rel) = irq.checked_sub(self.pin_base) else {
            return false;
        };
        let bitmap = self.pin_bitmap;
        match bitmap.get((rel / 32) as usize) {
            Some(word) => word & (1 << (rel % 32)) != 0,
            None => false,
        }
    }
}

/// An x86 port I/O range (`struct jailhouse_pio`, 4 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct PioRegion {
    /// First port.
    pub base: u16,
    /// Number of ports.
    pub length: u16,
}

/// A PCI device of a cell (`struct jailhouse_pci_device`, 56 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct PciDevice {
    /// A [`PciType`] value (C: `type`).
    pub kind: u8,
    /// Index of the IOMMU unit in charge.
    pub iommu: u8,
    /// PCI domain (segment).
    pub domain: u16,
    /// `bus << 8 | device << 3 | function`.
    pub bdf: u16,
    /// Writable bits of each BAR.
    pub bar_mask: [u32; 6],
    /// Index of the device's first [`PciCapability`].
    pub caps_start: u16,
    /// Number of capabilities.
    pub num_caps: u16,
    /// Number of MSI vectors.
    pub num_msi_vectors: u8,
    /// C bit-fields `msi_64bits` ([`PCI_MSI_64BITS`]) and `msi_maskable`
    /// ([`PCI_MSI_MASKABLE`]); the other bits are unused.
    pub msi_flags: u8,
    /// Number of MSI-X vectors.
    pub num_msix_vectors: u16,
    /// Size of the MSI-X table region.
    pub msix_region_size: u16,
    /// Address of the MSI-X table.
    pub msix_address: u64,
    /// ivshmem: index of the first of the device's memory regions.
    pub shmem_regions_start: u32,
    /// ivshmem: this cell's peer number.
    pub shmem_dev_id: u8,
    /// ivshmem: number of peers.
    pub shmem_peers: u8,
    /// ivshmem: protocol, e.g. [`SHMEM_PROTO_VETH`].
    pub shmem_protocol: u16,
}

impl PciDevice {
    /// The device kind, or the unknown number.
    pub fn pci_type(&self) -> Result<PciType, crate::UnknownValue> {
        PciType::try_from(self.kind)
    }

    /// C `msi_64bits`: MSI uses 64-bit addresses.
    pub fn msi_64bits(&self) -> bool {
        self.msi_flags & PCI_MSI_64BITS != 0
    }

    /// C `msi_maskable`: MSI supports per-vector masking.
    pub fn msi_maskable(&self) -> bool {
        self.msi_flags & PCI_MSI_MASKABLE != 0
    }
}

/// A PCI capability a cell may see (`struct jailhouse_pci_capability`,
/// 8 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct PciCapability {
    /// Capability id, `| PCI_EXT_CAP` for extended capabilities.
    pub id: u16,
    /// Offset in config space.
    pub start: u16,
    /// Length in bytes.
    pub len: u16,
    /// [`PciCapFlags`] bits.
    pub flags: u16,
}

/// An IOMMU unit (`struct jailhouse_iommu`, 28 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct Iommu {
    /// An [`IommuType`] value; 0 marks an unused slot (C: `type`).
    pub kind: u32,
    /// Register base.
    pub base: u64,
    /// Register window size.
    pub size: u32,
    /// The C union of unit-specific data; read it with [`Iommu::amd`] or
    /// [`Iommu::tipvu`].
    pub unit: [u8; 12],
}

/// AMD view of [`Iommu::unit`] (C: `amd`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct IommuAmd {
    /// PCI address of the IOMMU function.
    pub bdf: u16,
    /// Offset of its capability block.
    pub base_cap: u8,
    /// Offset of its MSI capability.
    pub msi_cap: u8,
    /// Feature register value.
    pub features: u32,
}

/// TI PVU view of [`Iommu::unit`] (C: `tipvu`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct IommuTiPvu {
    /// TLB base address.
    pub tlb_base: u64,
    /// TLB size.
    pub tlb_size: u32,
}

impl Iommu {
    /// The unit kind; `Ok(None)` for an unused slot.
    pub fn iommu_type(&self) -> Result<Option<IommuType>, crate::UnknownValue> {
        match self.kind {
            0 => Ok(None),
            kind => IommuType::try_from(kind).map(Some),
        }
    }

    /// The unit data read as the AMD variant (its first 8 bytes).
    pub fn amd(&self) -> IommuAmd {
        // Cannot fail: the union is larger than the AMD view.
        IommuAmd::read_from_prefix(&self.unit)
            .map(|(amd, _)| amd)
            .unwrap_or_default()
    }

    /// The unit data read as the TI PVU variant.
    pub fn tipvu(&self) -> IommuTiPvu {
        // Cannot fail: the PVU view is exactly as large as the union.
        IommuTiPvu::read_from_bytes(&self.unit).unwrap_or_default()
    }
}

/// GIC description (`jailhouse_system.platform_info.arm`, 44 bytes).
///
/// Upstream keeps this in a union with an x86 variant of the same size;
/// jailhouse-rs is arm64-only and has no x86 view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct ArmPlatformInfo {
    /// The GIC maintenance interrupt (PPI, usually 25).
    pub maintenance_irq: u8,
    /// 2 or 3.
    pub gic_version: u8,
    /// Unused.
    pub padding: [u8; 2],
    /// Distributor.
    pub gicd_base: u64,
    /// CPU interface (GICv2).
    pub gicc_base: u64,
    /// Virtual interface control (GICv2).
    pub gich_base: u64,
    /// Virtual CPU interface (GICv2).
    pub gicv_base: u64,
    /// Redistributors (GICv3).
    pub gicr_base: u64,
}

/// Platform facts of a system config (`jailhouse_system.platform_info`,
/// 280 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct PlatformInfo {
    /// ECAM base of the (virtual) PCI host bridge; 0 for none.
    pub pci_mmconfig_base: u64,
    /// Last bus number the ECAM window covers.
    pub pci_mmconfig_end_bus: u8,
    /// Non-zero if the PCI host bridge is emulated by the hypervisor.
    pub pci_is_virtual: u8,
    /// PCI domain of that host bridge.
    pub pci_domain: u16,
    /// IOMMU units; unused slots have `kind == 0`.
    pub iommu_units: [Iommu; MAX_IOMMU_UNITS],
    /// The interrupt controller.
    pub arm: ArmPlatformInfo,
}

/// The fixed part of a system config (`struct jailhouse_system`, 488 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct SystemDesc {
    /// [`SYSTEM_SIGNATURE`].
    pub signature: [u8; SIGNATURE_SIZE],
    /// [`CONFIG_REVISION`].
    pub revision: u16,
    /// [`SystemFlags`] bits.
    pub flags: u32,
    /// Where the hypervisor lives; only `phys_start` and `size` are used.
    pub hypervisor_memory: MemoryRegion,
    /// The hypervisor's own UART.
    pub debug_console: Console,
    /// PCI, IOMMU and GIC facts.
    pub platform_info: PlatformInfo,
    /// The root cell; its arrays follow this struct. Its own signature and
    /// revision are left zero by configs and are not checked.
    pub root_cell: CellDesc,
}

impl SystemDesc {
    /// The flags, keeping bits this crate does not name.
    pub fn system_flags(&self) -> SystemFlags {
        SystemFlags::from_bits_retain(self.flags)
    }

    /// Size in bytes of the system config this descriptor heads. `None`
    /// if it does not fit a `usize`.
    pub fn config_size(&self) -> Option<usize> {
        system_config_size(self)
    }
}

/// One entry of a cell's stream-id array (a `__u32` in C).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C, packed)]
pub struct StreamId {
    /// The SMMU stream id.
    pub id: u32,
}

const _: () = {
    assert!(size_of::<Console>() == 32);
    assert!(offset_of!(Console, address) == 0);
    assert!(offset_of!(Console, size) == 8);
    assert!(offset_of!(Console, kind) == 12);
    assert!(offset_of!(Console, flags) == 14);
    assert!(offset_of!(Console, divider) == 16);
    assert!(offset_of!(Console, gate_nr) == 20);
    assert!(offset_of!(Console, clock_reg) == 24);

    assert!(size_of::<CellDesc>() == 132);
    assert!(offset_of!(CellDesc, signature) == 0);
    assert!(offset_of!(CellDesc, revision) == 6);
    assert!(offset_of!(CellDesc, name) == 8);
    assert!(offset_of!(CellDesc, id) == 40);
    assert!(offset_of!(CellDesc, flags) == 44);
    assert!(offset_of!(CellDesc, cpu_set_size) == 48);
    assert!(offset_of!(CellDesc, num_memory_regions) == 52);
    assert!(offset_of!(CellDesc, num_cache_regions) == 56);
    assert!(offset_of!(CellDesc, num_irqchips) == 60);
    assert!(offset_of!(CellDesc, num_pio_regions) == 64);
    assert!(offset_of!(CellDesc, num_pci_devices) == 68);
    assert!(offset_of!(CellDesc, num_pci_caps) == 72);
    assert!(offset_of!(CellDesc, num_stream_ids) == 76);
    assert!(offset_of!(CellDesc, vpci_irq_base) == 80);
    assert!(offset_of!(CellDesc, cpu_reset_address) == 84);
    assert!(offset_of!(CellDesc, msg_reply_timeout) == 92);
    assert!(offset_of!(CellDesc, console) == 100);

    assert!(size_of::<MemoryRegion>() == 32);
    assert!(offset_of!(MemoryRegion, phys_start) == 0);
    assert!(offset_of!(MemoryRegion, virt_start) == 8);
    assert!(offset_of!(MemoryRegion, size) == 16);
    assert!(offset_of!(MemoryRegion, flags) == 24);

    assert!(size_of::<CacheRegion>() == 12);
    assert!(offset_of!(CacheRegion, start) == 0);
    assert!(offset_of!(CacheRegion, size) == 4);
    assert!(offset_of!(CacheRegion, kind) == 8);
    assert!(offset_of!(CacheRegion, padding) == 9);
    assert!(offset_of!(CacheRegion, flags) == 10);

    assert!(size_of::<IrqChip>() == 32);
    assert!(offset_of!(IrqChip, address) == 0);
    assert!(offset_of!(IrqChip, id) == 8);
    assert!(offset_of!(IrqChip, pin_base) == 12);
    assert!(offset_of!(IrqChip, pin_bitmap) == 16);

    assert!(size_of::<PioRegion>() == 4);
    assert!(offset_of!(PioRegion, base) == 0);
    assert!(offset_of!(PioRegion, length) == 2);

    assert!(size_of::<PciDevice>() == 56);
    assert!(offset_of!(PciDevice, kind) == 0);
    assert!(offset_of!(PciDevice, iommu) == 1);
    assert!(offset_of!(PciDevice, domain) == 2);
    assert!(offset_of!(PciDevice, bdf) == 4);
    assert!(offset_of!(PciDevice, bar_mask) == 6);
    assert!(offset_of!(PciDevice, caps_start) == 30);
    assert!(offset_of!(PciDevice, num_caps) == 32);
    assert!(offset_of!(PciDevice, num_msi_vectors) == 34);
    assert!(offset_of!(PciDevice, msi_flags) == 35);
    assert!(offset_of!(PciDevice, num_msix_vectors) == 36);
    assert!(offset_of!(PciDevice, msix_region_size) == 38);
    assert!(offset_of!(PciDevice, msix_address) == 40);
    assert!(offset_of!(PciDevice, shmem_regions_start) == 48);
    assert!(offset_of!(PciDevice, shmem_dev_id) == 52);
    assert!(offset_of!(PciDevice, shmem_peers) == 53);
    assert!(offset_of!(PciDevice, shmem_protocol) == 54);

    assert!(size_of::<PciCapability>() == 8);
    assert!(offset_of!(PciCapability, id) == 0);
    assert!(offset_of!(PciCapability, start) == 2);
    assert!(offset_of!(PciCapability, len) == 4);
    assert!(offset_of!(PciCapability, flags) == 6);

    assert!(size_of::<Iommu>() == 28);
    assert!(offset_of!(Iommu, kind) == 0);
    assert!(offset_of!(Iommu, base) == 4);
    assert!(offset_of!(Iommu, size) == 12);
    assert!(offset_of!(Iommu, unit) == 16);
    assert!(size_of::<IommuAmd>() == 8);
    assert!(offset_of!(IommuAmd, bdf) == 0);
    assert!(offset_of!(IommuAmd, base_cap) == 2);
    assert!(offset_of!(IommuAmd, msi_cap) == 3);
    assert!(offset_of!(IommuAmd, features) == 4);
    assert!(size_of::<IommuTiPvu>() == 12);
    assert!(offset_of!(IommuTiPvu, tlb_base) == 0);
    assert!(offset_of!(IommuTiPvu, tlb_size) == 8);

    assert!(size_of::<ArmPlatformInfo>() == 44);
    assert!(offset_of!(ArmPlatformInfo, maintenance_irq) == 0);
    assert!(offset_of!(ArmPlatformInfo, gic_version) == 1);
    assert!(offset_of!(ArmPlatformInfo, padding) == 2);
    assert!(offset_of!(ArmPlatformInfo, gicd_base) == 4);
    assert!(offset_of!(ArmPlatformInfo, gicc_base) == 12);
    assert!(offset_of!(ArmPlatformInfo, gich_base) == 20);
    assert!(offset_of!(ArmPlatformInfo, gicv_base) == 28);
    assert!(offset_of!(ArmPlatformInfo, gicr_base) == 36);

    assert!(size_of::<PlatformInfo>() == 280);
    assert!(offset_of!(PlatformInfo, pci_mmconfig_base) == 0);
    assert!(offset_of!(PlatformInfo, pci_mmconfig_end_bus) == 8);
    assert!(offset_of!(PlatformInfo, pci_is_virtual) == 9);
    assert!(offset_of!(PlatformInfo, pci_domain) == 10);
    assert!(offset_of!(PlatformInfo, iommu_units) == 12);
    assert!(offset_of!(PlatformInfo, arm) == 236);

    assert!(size_of::<SystemDesc>() == 488);
    assert!(offset_of!(SystemDesc, signature) == 0);
    assert!(offset_of!(SystemDesc, revision) == 6);
    assert!(offset_of!(SystemDesc, flags) == 8);
    assert!(offset_of!(SystemDesc, hypervisor_memory) == 12);
    assert!(offset_of!(SystemDesc, debug_console) == 44);
    assert!(offset_of!(SystemDesc, platform_info) == 76);
    assert!(offset_of!(SystemDesc, platform_info.arm) == 312);
    assert!(offset_of!(SystemDesc, root_cell) == ROOT_CELL_OFFSET);
    assert!(ROOT_CELL_OFFSET == 356);

    assert!(size_of::<StreamId>() == 4);
};

/// Offset of the root cell descriptor inside a system config.
pub const ROOT_CELL_OFFSET: usize = offset_of!(SystemDesc, root_cell);

/// Which of the two config kinds a blob is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigKind {
    /// A system (root cell) config, [`SystemDesc`] first.
    System,
    /// A non-root cell config, [`CellDesc`] first.
    Cell,
}

impl ConfigKind {
    /// Guesses the kind from the signature at the start of `bytes`.
    /// Nothing else is checked.
    pub fn detect(bytes: &[u8]) -> Option<ConfigKind> {
        match bytes.get(..SIGNATURE_SIZE)? {
            s if s == SYSTEM_SIGNATURE => Some(ConfigKind::System),
            s if s == CELL_DESC_SIGNATURE => Some(ConfigKind::Cell),
            _ => None,
        }
    }

    /// The C struct at the start of a config of this kind.
    pub const fn c_struct(self) -> &'static str {
        match self {
            ConfigKind::System => "struct jailhouse_system",
            ConfigKind::Cell => "struct jailhouse_cell_desc",
        }
    }

    const fn signature(self) -> [u8; SIGNATURE_SIZE] {
        match self {
            ConfigKind::System => SYSTEM_SIGNATURE,
            ConfigKind::Cell => CELL_DESC_SIGNATURE,
        }
    }
}

impl fmt::Display for ConfigKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigKind::System => "system config",
            ConfigKind::Cell => "cell config",
        })
    }
}

/// One of the variable-length arrays after a cell descriptor, in blob
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigArray {
    /// The CPU bitmap (`cpu_set_size` bytes).
    CpuSet,
    /// [`MemoryRegion`]s.
    MemoryRegions,
    /// [`CacheRegion`]s.
    CacheRegions,
    /// [`IrqChip`]s.
    IrqChips,
    /// [`PioRegion`]s.
    PioRegions,
    /// [`PciDevice`]s.
    PciDevices,
    /// [`PciCapability`]s.
    PciCaps,
    /// [`StreamId`]s.
    StreamIds,
}

impl ConfigArray {
    /// The descriptor field that holds this array's length.
    pub const fn count_field(self) -> &'static str {
        match self {
            ConfigArray::CpuSet => "cpu_set_size",
            ConfigArray::MemoryRegions => "num_memory_regions",
            ConfigArray::CacheRegions => "num_cache_regions",
            ConfigArray::IrqChips => "num_irqchips",
            ConfigArray::PioRegions => "num_pio_regions",
            ConfigArray::PciDevices => "num_pci_devices",
            ConfigArray::PciCaps => "num_pci_caps",
            ConfigArray::StreamIds => "num_stream_ids",
        }
    }

    /// Bytes per element.
    pub const fn element_size(self) -> usize {
        match self {
            ConfigArray::CpuSet => 1,
            ConfigArray::MemoryRegions => size_of::<MemoryRegion>(),
            ConfigArray::CacheRegions => size_of::<CacheRegion>(),
            ConfigArray::IrqChips => size_of::<IrqChip>(),
            ConfigArray::PioRegions => size_of::<PioRegion>(),
            ConfigArray::PciDevices => size_of::<PciDevice>(),
            ConfigArray::PciCaps => size_of::<PciCapability>(),
            ConfigArray::StreamIds => size_of::<StreamId>(),
        }
    }

    fn description(self) -> &'static str {
        match self {
            ConfigArray::CpuSet => "CPU bitmap",
            ConfigArray::MemoryRegions => "memory regions",
            ConfigArray::CacheRegions => "cache regions",
            ConfigArray::IrqChips => "irqchips",
            ConfigArray::PioRegions => "PIO regions",
            ConfigArray::PciDevices => "PCI devices",
            ConfigArray::PciCaps => "PCI capabilities",
            ConfigArray::StreamIds => "stream ids",
        }
    }
}

/// Why a byte buffer is not a readable config.
///
/// Offsets are counted from the start of the buffer that was parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The buffer is shorter than the fixed-size descriptor.
    DescriptorTruncated {
        /// What was being parsed.
        kind: ConfigKind,
        /// Size of the descriptor.
        needed: usize,
        /// Size of the buffer.
        available: usize,
    },
    /// The signature is not the one of `kind`.
    BadSignature {
        /// What was being parsed.
        kind: ConfigKind,
        /// The first bytes of the buffer.
        found: [u8; SIGNATURE_SIZE],
    },
    /// The revision is not [`CONFIG_REVISION`]. Revision-12 (Jailhouse
    /// v0.12) system configs are refused too: their platform info has a
    /// different layout, so they cannot be read in place.
    BadRevision {
        /// What was being parsed.
        kind: ConfigKind,
        /// The revision in the buffer.
        found: u16,
    },
    /// An array runs past the end of the buffer.
    ArrayTruncated {
        /// What was being parsed.
        kind: ConfigKind,
        /// Which array.
        array: ConfigArray,
        /// Its element count from the descriptor.
        count: u32,
        /// Where it starts.
        offset: usize,
        /// Its size in bytes.
        needed: usize,
        /// Bytes left in the buffer from `offset`.
        available: usize,
    },
    /// An array's size or end offset does not fit in a `usize`.
    ArrayOverflow {
        /// What was being parsed.
        kind: ConfigKind,
        /// Which array.
        array: ConfigArray,
        /// Its element count from the descriptor.
        count: u32,
        /// Where it starts.
        offset: usize,
    },
}

/// Writes bytes as text, escaping everything that is not printable ASCII.
struct Escaped<'a>(&'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.0 {
            write!(f, "{}", core::ascii::escape_default(b))?;
        }
        Ok(())
    }
}

/// Writes ", N bytes each" for arrays of multi-byte elements.
struct EachSize(ConfigArray);

impl fmt::Display for EachSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.element_size() {
            1 => Ok(()),
            size => write!(f, ", {size} bytes each"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ParseError::DescriptorTruncated {
                kind,
                needed,
                available,
            } => write!(
                f,
                "{kind} truncated: {} needs {needed} bytes, but the buffer has only {available}",
                kind.c_struct()
            ),
            ParseError::BadSignature { kind, found } => {
                write!(
                    f,
                    "{kind}: bad signature \"{}\" at offset 0, expected \"{}\"",
                    Escaped(&found),
                    Escaped(&kind.signature())
                )?;
                let other = match kind {
                    ConfigKind::System => ConfigKind::Cell,
                    ConfigKind::Cell => ConfigKind::System,
                };
                if found == other.signature() {
                    write!(f, " (this is a {other})")
                } else if found.starts_with(REV14_SYSTEM_SIGNATURE)
                    || found.starts_with(REV14_CELL_SIGNATURE)
                {
                    write!(
                        f,
                        " (this looks like an upstream revision-14 config, which has a 5-byte \
                         signature and an architecture byte; rebuild it against revision-{} \
                         headers)",
                        CONFIG_REVISION
                    )
                } else {
                    Ok(())
                }
            }
            ParseError::BadRevision { kind, found } => {
                write!(
                    f,
                    "{kind}: unsupported config revision {found} at offset 6, expected {}",
                    CONFIG_REVISION
                )?;
                if found == 12 && kind == ConfigKind::System {
                    write!(
                        f,
                        " (revision 12 is Jailhouse v0.12's layout with a 486-byte \
                         struct jailhouse_system; rebuild the config against revision-{} \
                         headers)",
                        CONFIG_REVISION
                    )?;
                } else if found < CONFIG_REVISION {
                    write!(
                        f,
                        " (built against older headers; rebuild it against revision-{} headers)",
                        CONFIG_REVISION
                    )?;
                }
                Ok(())
            }
            ParseError::ArrayTruncated {
                kind,
                array,
                count,
                offset,
                needed,
                available,
            } => write!(
                f,
                "{kind} truncated: {} ({} = {count}{}): {needed} bytes needed at offset \
                 {offset}, but only {available} are left",
                array.description(),
                array.count_field(),
                EachSize(array)
            ),
            ParseError::ArrayOverflow {
                kind,
                array,
                count,
                offset,
            } => write!(
                f,
                "{kind}: {} ({} = {count}{}) starting at offset {offset} would end beyond \
                 the address space",
                array.description(),
                array.count_field(),
                EachSize(array)
            ),
        }
    }
}

impl core::error::Error for ParseError {}

/// Size in bytes of a cell config: the descriptor and all its arrays.
/// `None` if the counts make it overflow a `usize`.
pub fn cell_config_size(desc: &CellDesc) -> Option<usize> {
    arrays_size(desc)?.checked_add(size_of::<CellDesc>())
}

/// Size in bytes of a system config: the system descriptor and the root
/// cell's arrays. `None` if the counts make it overflow a `usize`.
pub fn system_config_size(desc: &SystemDesc) -> Option<usize> {
    let root = desc.root_cell;
    arrays_size(&root)?.checked_add(size_of::<SystemDesc>())
}

/// Bytes of all arrays after `desc`.
fn arrays_size(desc: &CellDesc) -> Option<usize> {
    let counts = [
        (desc.cpu_set_size, ConfigArray::CpuSet),
        (desc.num_memory_regions, ConfigArray::MemoryRegions),
        (desc.num_cache_regions, ConfigArray::CacheRegions),
        (desc.num_irqchips, ConfigArray::IrqChips),
        (desc.num_pio_regions, ConfigArray::PioRegions),
        (desc.num_pci_devices, ConfigArray::PciDevices),
        (desc.num_pci_caps, ConfigArray::PciCaps),
        (desc.num_stream_ids, ConfigArray::StreamIds),
    ];
    counts.iter().try_fold(0usize, |total, &(count, array)| {
        usize::try_from(count)
            .ok()?
            .checked_mul(array.element_size())?
            .checked_add(total)
    })
}

/// A set of logical CPUs: the CPU bitmap of a cell config.
///
/// Bit n (byte n / 8, bit n % 8) stands for CPU n, which matches the C
/// view of the bitmap as little-endian `unsigned long` words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuSet<'a> {
    bytes: &'a [u8],
}

impl<'a> CpuSet<'a> {
    /// Wraps a bitmap.
    pub const fn new(bytes: &'a [u8]) -> Self {
        CpuSet { bytes }
    }

    /// The raw bitmap.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Whether CPU `cpu` is in the set.
    pub fn contains(&self, cpu: usize) -> bool {
        match self.bytes.get(cpu / 8) {
            Some(byte) => byte & (1 << (cpu % 8)) != 0,
            None => false,
        }
    }

    /// Number of CPUs in the set.
    pub fn count(&self) -> usize {
        self.bytes.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.iter().all(|&b| b == 0)
    }

    /// The highest CPU in the set.
    pub fn last(&self) -> Option<usize> {
        let index = self.bytes.iter().rposition(|&b| b != 0)?;
        let byte = self.bytes.get(index)?;
        Some(index * 8 + 7 - byte.leading_zeros() as usize)
    }

    /// The CPUs in the set, in ascending order.
    pub fn iter(&self) -> CpuSetIter<'a> {
        CpuSetIter {
            bytes: self.bytes,
            next: 0,
        }
    }
}

impl<'a> IntoIterator for CpuSet<'a> {
    type Item = usize;
    type IntoIter = CpuSetIter<'a>;

    fn into_iter(self) -> CpuSetIter<'a> {
        self.iter()
    }
}

/// Iterator over the CPUs of a [`CpuSet`].
#[derive(Debug, Clone)]
pub struct CpuSetIter<'a> {
    bytes: &'a [u8],
    next: usize,
}

impl Iterator for CpuSetIter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            let cpu = self.next;
            let byte = *self.bytes.get(cpu / 8)?;
            // Skip whole empty bytes quickly; large sparse bitmaps are legal.
            let rest = byte >> (cpu % 8);
            if rest == 0 {
                self.next = (cpu / 8 + 1) * 8;
                continue;
            }
            let found = cpu + rest.trailing_zeros() as usize;
            self.next = found + 1;
            return Some(found);
        }
    }
}

/// The arrays after one cell descriptor, bounds-checked.
#[derive(Debug, Clone, Copy)]
struct CellArrays<'a> {
    cpu_set: &'a [u8],
    memory_regions: &'a [MemoryRegion],
    cache_regions: &'a [CacheRegion],
    irqchips: &'a [IrqChip],
    pio_regions: &'a [PioRegion],
    pci_devices: &'a [PciDevice],
    pci_caps: &'a [PciCapability],
    stream_ids: &'a [StreamId],
}

/// Cursor over the arrays of one config; offsets are absolute in `bytes`.
struct ArrayReader<'a> {
    bytes: &'a [u8],
    offset: usize,
    kind: ConfigKind,
}

impl<'a> ArrayReader<'a> {
    /// Takes `count` elements of `T` at the cursor and advances it.
    fn take<T>(&mut self, array: ConfigArray, count: u32) -> Result<&'a [T], ParseError>
    where
        T: FromBytes + KnownLayout + Immutable + Unaligned,
    {
        let chunk = self.take_bytes(array, count, size_of::<T>())?;
        <[T]>::ref_from_bytes(chunk).map_err(|_| self.truncated(array, count, chunk.len()))
    }

    /// Takes `count * element_size` bytes at the cursor and advances it.
    fn take_bytes(
        &mut self,
        array: ConfigArray,
        count: u32,
        element_size: usize,
    ) -> Result<&'a [u8], ParseError> {
        let overflow = ParseError::ArrayOverflow {
            kind: self.kind,
            array,
            count,
            offset: self.offset,
        };
        let needed = usize::try_from(count)
            .ok()
            .and_then(|n| n.checked_mul(element_size))
            .ok_or(overflow)?;
        let end = self.offset.checked_add(needed).ok_or(overflow)?;
        let chunk = self
            .bytes
            .get(self.offset..end)
            .ok_or_else(|| self.truncated(array, count, needed))?;
        self.offset = end;
        Ok(chunk)
    }

    fn truncated(&self, array: ConfigArray, count: u32, needed: usize) -> ParseError {
        ParseError::ArrayTruncated {
            kind: self.kind,
            array,
            count,
            offset: self.offset,
            needed,
            available: self.bytes.len().saturating_sub(self.offset),
        }
    }

    fn read_arrays(&mut self, desc: &CellDesc) -> Result<CellArrays<'a>, ParseError> {
        Ok(CellArrays {
            cpu_set: self.take_bytes(ConfigArray::CpuSet, desc.cpu_set_size, 1)?,
            memory_regions: self.take(ConfigArray::MemoryRegions, desc.num_memory_regions)?,
            cache_regions: self.take(ConfigArray::CacheRegions, desc.num_cache_regions)?,
            irqchips: self.take(ConfigArray::IrqChips, desc.num_irqchips)?,
            pio_regions: self.take(ConfigArray::PioRegions, desc.num_pio_regions)?,
            pci_devices: self.take(ConfigArray::PciDevices, desc.num_pci_devices)?,
            pci_caps: self.take(ConfigArray::PciCaps, desc.num_pci_caps)?,
            stream_ids: self.take(ConfigArray::StreamIds, desc.num_stream_ids)?,
        })
    }
}

/// Reads the fixed-size descriptor at the start of `bytes`.
fn read_descriptor<T>(bytes: &[u8], kind: ConfigKind) -> Result<&T, ParseError>
where
    T: FromBytes + KnownLayout + Immutable + Unaligned,
{
    T::ref_from_prefix(bytes)
        .map(|(desc, _)| desc)
        .map_err(|_| ParseError::DescriptorTruncated {
            kind,
            needed: size_of::<T>(),
            available: bytes.len(),
        })
}

/// Checks signature and revision, as far as `bytes` reaches, before the
/// length of the whole descriptor: a wrong kind of file is reported as
/// such even when it is shorter than the descriptor.
fn check_header(bytes: &[u8], kind: ConfigKind) -> Result<(), ParseError> {
    let signature = bytes
        .get(..SIGNATURE_SIZE)
        .and_then(|s| <[u8; SIGNATURE_SIZE]>::try_from(s).ok());
    if let Some(found) = signature {
        if found != kind.signature() {
            return Err(ParseError::BadSignature { kind, found });
        }
    }
    let revision = bytes
        .get(SIGNATURE_SIZE..SIGNATURE_SIZE + 2)
        .and_then(|r| <[u8; 2]>::try_from(r).ok())
        .map(u16::from_le_bytes);
    if let Some(found) = revision {
        if found != CONFIG_REVISION {
            return Err(ParseError::BadRevision { kind, found });
        }
    }
    Ok(())
}

/// A parsed cell config: the descriptor and its arrays, borrowed from the
/// buffer they were parsed from.
///
/// Also used for the root cell of a [`SystemConfig`]
/// ([`SystemConfig::root_cell`]).
#[derive(Debug, Clone, Copy)]
pub struct CellConfig<'a> {
    desc: &'a CellDesc,
    arrays: CellArrays<'a>,
    bytes: &'a [u8],
}

impl<'a> CellConfig<'a> {
    /// Parses a cell config at the start of `bytes`.
    ///
    /// Checks the signature, the revision and that every array fits in
    /// `bytes`. Bytes after the config are allowed and ignored.
    ///
    /// ```
    /// use jailhouse_abi::config::{CellConfig, CellDesc, CELL_DESC_SIGNATURE, CONFIG_REVISION};
    /// use jailhouse_abi::zerocopy::IntoBytes;
    ///
    /// let desc = CellDesc {
    ///     signature: CELL_DESC_SIGNATURE,
    ///     revision: CONFIG_REVISION,
    ///     cpu_set_size: 8,
    ///     ..Default::default()
    /// };
    /// let mut blob = desc.as_bytes().to_vec();
    /// blob.extend_from_slice(&0b10u64.to_le_bytes()); // CPU 1
    ///
    /// let cell = CellConfig::parse(&blob)?;
    /// assert_eq!(cell.cpus().iter().collect::<Vec<_>>(), [1]);
    /// assert_eq!(cell.config_size(), 140);
    ///
    /// // One byte short: the error says which array and where.
    /// let err = CellConfig::parse(&blob[..139]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "cell config truncated: CPU bitmap (cpu_set_size = 8): 8 bytes needed at offset 132, \
    ///      but only 7 are left"
    /// );
    /// # Ok::<(), jailhouse_abi::config::ParseError>(())
    /// ```
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let kind = ConfigKind::Cell;
        check_header(bytes, kind)?;
        let desc: &CellDesc = read_descriptor(bytes, kind)?;
        let mut reader = ArrayReader {
            bytes,
            offset: size_of::<CellDesc>(),
            kind,
        };
        let arrays = reader.read_arrays(desc)?;
        Ok(CellConfig {
            desc,
            arrays,
            bytes: bytes.get(..reader.offset).unwrap_or(bytes),
        })
    }

    /// The descriptor.
    pub fn desc(&self) -> &'a CellDesc {
        self.desc
    }

    /// The cell name up to its NUL; see [`CellDesc::name`].
    pub fn name(&self) -> &'a [u8] {
        self.desc.name()
    }

    /// The cell flags.
    pub fn flags(&self) -> CellFlags {
        self.desc.cell_flags()
    }

    /// The raw CPU bitmap (`cpu_set_size` bytes).
    pub fn cpu_set(&self) -> &'a [u8] {
        self.arrays.cpu_set
    }

    /// The CPU bitmap as a set.
    pub fn cpus(&self) -> CpuSet<'a> {
        CpuSet::new(self.arrays.cpu_set)
    }

    /// The memory regions.
    pub fn memory_regions(&self) -> &'a [MemoryRegion] {
        self.arrays.memory_regions
    }

    /// The cache regions.
    pub fn cache_regions(&self) -> &'a [CacheRegion] {
        self.arrays.cache_regions
    }

    /// The irqchips.
    pub fn irqchips(&self) -> &'a [IrqChip] {
        self.arrays.irqchips
    }

    /// The PIO regions.
    pub fn pio_regions(&self) -> &'a [PioRegion] {
        self.arrays.pio_regions
    }

    /// The PCI devices.
    pub fn pci_devices(&self) -> &'a [PciDevice] {
        self.arrays.pci_devices
    }

    /// The PCI capabilities.
    pub fn pci_caps(&self) -> &'a [PciCapability] {
        self.arrays.pci_caps
    }

    /// The stream ids.
    pub fn stream_ids(&self) -> &'a [StreamId] {
        self.arrays.stream_ids
    }

    /// Size in bytes of the descriptor and its arrays.
    pub fn config_size(&self) -> usize {
        self.bytes.len()
    }

    /// The descriptor and its arrays as bytes, without anything that
    /// followed them in the parsed buffer.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// A parsed system config: the system descriptor and the root cell's
/// arrays, borrowed from the buffer they were parsed from.
#[derive(Debug, Clone, Copy)]
pub struct SystemConfig<'a> {
    desc: &'a SystemDesc,
    root_cell: CellConfig<'a>,
    bytes: &'a [u8],
}

impl<'a> SystemConfig<'a> {
    /// Parses a system config at the start of `bytes`.
    ///
    /// Checks the signature, the revision and that every root cell array
    /// fits in `bytes`. The root cell's own signature and revision are not
    /// checked (configs leave them zero). Bytes after the config are
    /// allowed and ignored.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let kind = ConfigKind::System;
        check_header(bytes, kind)?;
        let desc: &SystemDesc = read_descriptor(bytes, kind)?;
        let mut reader = ArrayReader {
            bytes,
            offset: size_of::<SystemDesc>(),
            kind,
        };
        let arrays = reader.read_arrays(&desc.root_cell)?;
        let end = reader.offset;
        Ok(SystemConfig {
            desc,
            root_cell: CellConfig {
                desc: &desc.root_cell,
                arrays,
                bytes: bytes.get(ROOT_CELL_OFFSET..end).unwrap_or_default(),
            },
            bytes: bytes.get(..end).unwrap_or(bytes),
        })
    }

    /// The system descriptor.
    pub fn desc(&self) -> &'a SystemDesc {
        self.desc
    }

    /// The system flags.
    pub fn flags(&self) -> SystemFlags {
        self.desc.system_flags()
    }

    /// Where the hypervisor lives.
    pub fn hypervisor_memory(&self) -> &'a MemoryRegion {
        &self.desc.hypervisor_memory
    }

    /// The hypervisor's UART.
    pub fn debug_console(&self) -> &'a Console {
        &self.desc.debug_console
    }

    /// PCI, IOMMU and GIC facts.
    pub fn platform_info(&self) -> &'a PlatformInfo {
        &self.desc.platform_info
    }

    /// The root cell: its descriptor (inside the system descriptor) and
    /// its arrays.
    pub fn root_cell(&self) -> CellConfig<'a> {
        self.root_cell
    }

    /// The root cell's raw CPU bitmap.
    pub fn cpu_set(&self) -> &'a [u8] {
        self.root_cell.cpu_set()
    }

    /// The root cell's CPU bitmap as a set.
    pub fn cpus(&self) -> CpuSet<'a> {
        self.root_cell.cpus()
    }

    /// The root cell's memory regions.
    pub fn memory_regions(&self) -> &'a [MemoryRegion] {
        self.root_cell.memory_regions()
    }

    /// The root cell's cache regions.
    pub fn cache_regions(&self) -> &'a [CacheRegion] {
        self.root_cell.cache_regions()
    }

    /// The root cell's irqchips.
    pub fn irqchips(&self) -> &'a [IrqChip] {
        self.root_cell.irqchips()
    }

    /// The root cell's PIO regions.
    pub fn pio_regions(&self) -> &'a [PioRegion] {
        self.root_cell.pio_regions()
    }

    /// The root cell's PCI devices.
    pub fn pci_devices(&self) -> &'a [PciDevice] {
        self.root_cell.pci_devices()
    }

    /// The root cell's PCI capabilities.
    pub fn pci_caps(&self) -> &'a [PciCapability] {
        self.root_cell.pci_caps()
    }

    /// The root cell's stream ids.
    pub fn stream_ids(&self) -> &'a [StreamId] {
        self.root_cell.stream_ids()
    }

    /// Size in bytes of the whole system config.
    pub fn config_size(&self) -> usize {
        self.bytes.len()
    }

    /// The system config as bytes, without anything that followed it in
    /// the parsed buffer.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::{ArrayReader, ConfigArray, ConfigKind, MemoryRegion, ParseError};

    /// On 64-bit hosts u32 counts cannot overflow a `usize` from a real
    /// buffer offset, so drive the reader from an offset near the top of
    /// the address space to reach the overflow path 32-bit targets can hit.
    #[test]
    fn end_offset_overflow_is_reported() {
        let bytes = [0u8; 16];
        let mut reader = ArrayReader {
            bytes: &bytes,
            offset: usize::MAX - 40,
            kind: ConfigKind::Cell,
        };
        let err = reader
            .take::<MemoryRegion>(ConfigArray::MemoryRegions, 2)
            .expect_err("end offset overflows");
        assert_eq!(
            err,
            ParseError::ArrayOverflow {
                kind: ConfigKind::Cell,
                array: ConfigArray::MemoryRegions,
                count: 2,
                offset: usize::MAX - 40,
            }
        );
        let mut msg = [0u8; 256];
        let mut w = Buf(&mut msg, 0);
        core::fmt::write(&mut w, format_args!("{err}")).expect("fits");
        let len = w.1;
        assert!(core::str::from_utf8(&msg[..len])
            .expect("utf-8")
            .starts_with("cell config: memory regions (num_memory_regions = 2, 32 bytes each)"));

        // An offset at the very end with a zero count is fine.
        let mut reader = ArrayReader {
            bytes: &bytes,
            offset: bytes.len(),
            kind: ConfigKind::Cell,
        };
        assert_eq!(reader.take_bytes(ConfigArray::CpuSet, 0, 1), Ok(&[][..]));
    }

    /// A fixed-size `fmt::Write` sink (the crate is `no_std`).
    struct Buf<'a>(&'a mut [u8], usize);

    impl core::fmt::Write for Buf<'_> {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let end = self.1 + s.len();
            self.0
                .get_mut(self.1..end)
                .ok_or(core::fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.1 = end;
            Ok(())
        }
    }
}
