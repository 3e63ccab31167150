/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Binary cell configuration format, config revision 13.
 *
 * A configuration is one of two blobs, both little-endian and packed:
 *
 *   system config: struct jailhouse_system (root cell descriptor at its
 *                  end), followed by the root cell's arrays;
 *   cell config:   struct jailhouse_cell_desc, followed by that cell's
 *                  arrays.
 *
 * The arrays after a descriptor come in this order, without padding:
 * CPU bitmap (cpu_set_size bytes), memory regions, cache regions,
 * irqchips, PIO regions, PCI devices, PCI capabilities, stream IDs.
 *
 * This is the layout openEuler Embedded's Jailhouse ("0.12" from a 2020-2022
 * upstream snapshot) produces: 6-byte signatures, IOMMU units in the common
 * platform info, sizeof(struct jailhouse_system) == 488.  Cell configs
 * written for that tree compile against this header unchanged, with one
 * documented exception (use_virt_cpuid, see JAILHOUSE_CELL_VIRT_CPUID).
 *
 * The Rust twin of every definition here is in the jailhouse-abi crate
 * (abi/src/config.rs); abi/tests/layout.rs compiles a probe against this
 * header and fails if the two disagree on any size, offset or constant.
 */
#ifndef _JAILHOUSE_CELL_CONFIG_H
#define _JAILHOUSE_CELL_CONFIG_H

#include <jailhouse/types.h>

#define JAILHOUSE_CONFIG_REVISION	13

#define JAILHOUSE_SYSTEM_SIGNATURE	"JHSYST"
#define JAILHOUSE_CELL_DESC_SIGNATURE	"JHCELL"
#define JAILHOUSE_SIGNATURE_SIZE	6

/* Longest cell name; the name field holds one more byte for the NUL. */
#define JAILHOUSE_CELL_NAME_MAXLEN	31

/* Cell flags (jailhouse_cell_desc.flags) */
#define JAILHOUSE_CELL_PASSIVE_COMMREG	0x00000001
#define JAILHOUSE_CELL_TEST_DEVICE	0x00000002
#define JAILHOUSE_CELL_AARCH32		0x00000004
/*
 * openEuler extension: the cell's CPUs see virtual CPU ids numbered from 0
 * (MPIDR and PSCI target ids) instead of the physical ones.
 *
 * openEuler's C configs spell this ".use_virt_cpuid = 1" inside the cell
 * descriptor, while its binary config generator sets bit 8 of the flags
 * word and keeps the descriptor at 132 bytes.  We take the binary form as
 * the definition.
 *
 * This header deliberately does NOT offer a "use_virt_cpuid" member.  The
 * only way to give it one without growing the descriptor is an anonymous
 * union of "flags" with a bit-field struct, and C initialisation rules make
 * that unsafe: a designated initialiser that names a different member of a
 * union re-initialises the whole union.  With GCC 12,
 *	.flags = JAILHOUSE_CELL_PASSIVE_COMMREG, .use_virt_cpuid = 1
 * yields flags == 0x100 without any warning (PASSIVE_COMMREG is silently
 * lost), and the opposite order loses the use_virt_cpuid bit.  openEuler's
 * configs write both members, so the overlay would corrupt exactly the
 * configs it was meant to support.  A config that uses the openEuler
 * spelling therefore fails to compile ("no member named use_virt_cpuid")
 * instead of producing a wrong binary; write
 *	.flags = ... | JAILHOUSE_CELL_VIRT_CPUID,
 * instead.
 */
#define JAILHOUSE_CELL_VIRT_CPUID	0x00000100
#define JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED	0x40000000
#define JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE		0x80000000

#define CELL_FLAGS_VIRTUAL_CONSOLE_ACTIVE(flags) \
	!!((flags) & JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE)
#define CELL_FLAGS_VIRTUAL_CONSOLE_PERMITTED(flags) \
	!!((flags) & JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED)

/* System flags (jailhouse_system.flags) */
#define JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE	0x0001

#define SYS_FLAGS_VIRTUAL_DEBUG_CONSOLE(flags) \
	!!((flags) & JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE)

/* Console types (jailhouse_console.type) */
#define JAILHOUSE_CON_TYPE_NONE		0x0000
#define JAILHOUSE_CON_TYPE_EFIFB	0x0001
#define JAILHOUSE_CON_TYPE_8250		0x0002
#define JAILHOUSE_CON_TYPE_PL011	0x0003
#define JAILHOUSE_CON_TYPE_XUARTPS	0x0004
#define JAILHOUSE_CON_TYPE_MVEBU	0x0005
#define JAILHOUSE_CON_TYPE_HSCIF	0x0006
#define JAILHOUSE_CON_TYPE_SCIFA	0x0007
#define JAILHOUSE_CON_TYPE_IMX		0x0008
/* The next two came later upstream; the values do not clash with rev 13. */
#define JAILHOUSE_CON_TYPE_IMX_LPUART	0x0009
#define JAILHOUSE_CON_TYPE_SCIF		0x000a

/* Console flags (jailhouse_console.flags) */
#define JAILHOUSE_CON_ACCESS_PIO	0x0000
#define JAILHOUSE_CON_ACCESS_MMIO	0x0001
#define JAILHOUSE_CON_REGDIST_1		0x0000
#define JAILHOUSE_CON_REGDIST_4		0x0002
#define JAILHOUSE_CON_FB_1024x768	0x0000
#define JAILHOUSE_CON_FB_1920x1080	0x0004
#define JAILHOUSE_CON_INVERTED_GATE	0x1000
#define JAILHOUSE_CON_MDR_QUIRK		0x2000

#define CON_IS_MMIO(flags)		!!((flags) & JAILHOUSE_CON_ACCESS_MMIO)
#define CON_USES_REGDIST_1(flags)	(((flags) & JAILHOUSE_CON_REGDIST_4) == 0)
#define CON_HAS_INVERTED_GATE(flags)	!!((flags) & JAILHOUSE_CON_INVERTED_GATE)
#define CON_HAS_MDR_QUIRK(flags)	!!((flags) & JAILHOUSE_CON_MDR_QUIRK)

/* Memory region flags (jailhouse_memory.flags) */
#define JAILHOUSE_MEM_READ		0x0001
#define JAILHOUSE_MEM_WRITE		0x0002
#define JAILHOUSE_MEM_EXECUTE		0x0004
#define JAILHOUSE_MEM_DMA		0x0008
#define JAILHOUSE_MEM_IO		0x0010
#define JAILHOUSE_MEM_COMM_REGION	0x0020
#define JAILHOUSE_MEM_LOADABLE		0x0040
#define JAILHOUSE_MEM_ROOTSHARED	0x0080
#define JAILHOUSE_MEM_NO_HUGEPAGES	0x0100
#define JAILHOUSE_MEM_IO_UNALIGNED	0x8000
/* Bits 16..19: access widths allowed on a subpage (emulated) region. */
#define JAILHOUSE_MEM_IO_WIDTH_SHIFT	16
#define JAILHOUSE_MEM_IO_8		(1 << JAILHOUSE_MEM_IO_WIDTH_SHIFT)
#define JAILHOUSE_MEM_IO_16		(2 << JAILHOUSE_MEM_IO_WIDTH_SHIFT)
#define JAILHOUSE_MEM_IO_32		(4 << JAILHOUSE_MEM_IO_WIDTH_SHIFT)
#define JAILHOUSE_MEM_IO_64		(8 << JAILHOUSE_MEM_IO_WIDTH_SHIFT)

/* Cache region types and flags (x86 CAT; ignored on arm64) */
#define JAILHOUSE_CACHE_L3_CODE		0x01
#define JAILHOUSE_CACHE_L3_DATA		0x02
#define JAILHOUSE_CACHE_L3 \
	(JAILHOUSE_CACHE_L3_CODE | JAILHOUSE_CACHE_L3_DATA)
#define JAILHOUSE_CACHE_ROOTSHARED	0x0001

/* PCI device types (jailhouse_pci_device.type) */
#define JAILHOUSE_PCI_TYPE_DEVICE	0x01
#define JAILHOUSE_PCI_TYPE_BRIDGE	0x02
#define JAILHOUSE_PCI_TYPE_IVSHMEM	0x03

/* ivshmem shared-memory protocols (jailhouse_pci_device.shmem_protocol) */
#define JAILHOUSE_SHMEM_PROTO_UNDEFINED		0x0000
#define JAILHOUSE_SHMEM_PROTO_VETH		0x0001
#define JAILHOUSE_SHMEM_PROTO_CUSTOM		0x4000	/* ..0x7fff */
#define JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT	0x8000	/* ..0xbfff */
#define JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK	0xc000	/* ..0xffff */

/* Virtio device ids, added to the VIRTIO_FRONT/BACK protocol base. */
#define VIRTIO_DEV_NET		1
#define VIRTIO_DEV_BLOCK	2
#define VIRTIO_DEV_CONSOLE	3

/*
 * BAR masks of an ivshmem device: BAR 0 holds the 4 KiB register page,
 * BAR 1 the MSI-X table (one page, as in later upstream trees).  The _64K
 * variants suit guests running with 64 KiB pages.
 */
#define JAILHOUSE_IVSHMEM_BAR_MASK_INTX			\
	{						\
		0xfffff000, 0x00000000, 0x00000000,	\
		0x00000000, 0x00000000, 0x00000000,	\
	}
#define JAILHOUSE_IVSHMEM_BAR_MASK_MSIX			\
	{						\
		0xfffff000, 0xfffff000, 0x00000000,	\
		0x00000000, 0x00000000, 0x00000000,	\
	}
#define JAILHOUSE_IVSHMEM_BAR_MASK_INTX_64K		\
	{						\
		0xffff0000, 0x00000000, 0x00000000,	\
		0x00000000, 0x00000000, 0x00000000,	\
	}
#define JAILHOUSE_IVSHMEM_BAR_MASK_MSIX_64K		\
	{						\
		0xffff0000, 0xffff0000, 0x00000000,	\
		0x00000000, 0x00000000, 0x00000000,	\
	}

/* PCI capabilities (jailhouse_pci_capability) */
#define JAILHOUSE_PCI_EXT_CAP		0x8000
#define JAILHOUSE_PCICAPS_WRITE		0x0001

/* IOMMU unit types (jailhouse_iommu.type); 0 marks an unused slot. */
#define JAILHOUSE_IOMMU_AMD		1
#define JAILHOUSE_IOMMU_INTEL		2
#define JAILHOUSE_IOMMU_SMMUV3		3
#define JAILHOUSE_IOMMU_PVU		4
#define JAILHOUSE_IOMMU_ARM_MMU500	5

#define JAILHOUSE_MAX_IOMMU_UNITS	8

/* Configs size their arrays with ARRAY_SIZE; the kernel has its own. */
#if defined(__KERNEL__)
#include <linux/kernel.h>
#elif !defined(ARRAY_SIZE)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * A region whose guest address or size is not 4 KiB aligned cannot be
 * mapped by stage 2; the hypervisor emulates accesses to it instead.
 */
#define JAILHOUSE_MEMORY_IS_SUBPAGE(mem) \
	(((mem)->virt_start & 0xfff) != 0 || ((mem)->size & 0xfff) != 0)

/*
 * The four memory regions of an ivshmem-net link between two peers:
 * read-only state table, an unused slot (no read/write section) and one
 * output section per peer, writable only by its owner.
 */
#define JAILHOUSE_SHMEM_NET_REGIONS(start, dev_id)				\
	{									\
		.phys_start = (start),						\
		.virt_start = (start),						\
		.size = 0x1000,							\
		.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED,		\
	},									\
	{ 0 },									\
	{									\
		.phys_start = (start) + 0x1000,					\
		.virt_start = (start) + 0x1000,					\
		.size = 0x7f000,						\
		.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED |	\
			((dev_id) == 0 ? JAILHOUSE_MEM_WRITE : 0),		\
	},									\
	{									\
		.phys_start = (start) + 0x80000,				\
		.virt_start = (start) + 0x80000,				\
		.size = 0x7f000,						\
		.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED |	\
			((dev_id) == 1 ? JAILHOUSE_MEM_WRITE : 0),		\
	}

/*
 * A UART or framebuffer, as used by the hypervisor (debug_console) and
 * handed to a cell through its comm region (jailhouse_cell_desc.console).
 */
struct jailhouse_console {
	__u64 address;		/* MMIO base, or I/O port */
	__u32 size;
	__u16 type;		/* JAILHOUSE_CON_TYPE_* */
	__u16 flags;		/* JAILHOUSE_CON_* */
	__u32 divider;		/* 0: leave the UART as firmware set it */
	__u32 gate_nr;
	__u64 clock_reg;	/* 0: no clock gate */
} __attribute__((packed));

/* The fixed part of a cell configuration. */
struct jailhouse_cell_desc {
	char signature[JAILHOUSE_SIGNATURE_SIZE];
	__u16 revision;

	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];
	__u32 id;		/* assigned at creation, not by the config */
	__u32 flags;		/* JAILHOUSE_CELL_* */

	__u32 cpu_set_size;	/* bytes of CPU bitmap that follow */
	__u32 num_memory_regions;
	__u32 num_cache_regions;
	__u32 num_irqchips;
	__u32 num_pio_regions;
	__u32 num_pci_devices;
	__u32 num_pci_caps;
	__u32 num_stream_ids;

	__u32 vpci_irq_base;

	__u64 cpu_reset_address;
	__u64 msg_reply_timeout;	/* 0: wait forever */

	struct jailhouse_console console;
} __attribute__((packed));

struct jailhouse_memory {
	__u64 phys_start;
	__u64 virt_start;	/* guest physical address inside the cell */
	__u64 size;
	__u64 flags;		/* JAILHOUSE_MEM_* */
} __attribute__((packed));

struct jailhouse_cache {
	__u32 start;
	__u32 size;
	__u8 type;		/* JAILHOUSE_CACHE_L3* */
	__u8 padding;
	__u16 flags;		/* JAILHOUSE_CACHE_ROOTSHARED */
} __attribute__((packed));

struct jailhouse_irqchip {
	__u64 address;
	__u32 id;
	__u32 pin_base;
	__u32 pin_bitmap[4];	/* bit n of word w: IRQ pin_base + 32 * w + n */
} __attribute__((packed));

struct jailhouse_pio {
	__u16 base;
	__u16 length;
} __attribute__((packed));

struct jailhouse_pci_device {
	__u8 type;		/* JAILHOUSE_PCI_TYPE_* */
	__u8 iommu;
	__u16 domain;
	__u16 bdf;		/* bus << 8 | device << 3 | function */
	__u32 bar_mask[6];
	__u16 caps_start;	/* index into the cell's PCI capabilities */
	__u16 num_caps;
	__u8 num_msi_vectors;
	/* bit 0 of the byte at offset 35 */
	__u8 msi_64bits:1;
	/* bit 1 of the byte at offset 35; bits 2..7 are unused */
	__u8 msi_maskable:1;
	__u16 num_msix_vectors;
	__u16 msix_region_size;
	__u64 msix_address;
	__u32 shmem_regions_start;	/* index into the cell's memory regions */
	__u8 shmem_dev_id;
	__u8 shmem_peers;
	__u16 shmem_protocol;	/* JAILHOUSE_SHMEM_PROTO_* */
} __attribute__((packed));

struct jailhouse_pci_capability {
	__u16 id;		/* | JAILHOUSE_PCI_EXT_CAP for extended ones */
	__u16 start;
	__u16 len;
	__u16 flags;		/* JAILHOUSE_PCICAPS_WRITE */
} __attribute__((packed));

struct jailhouse_iommu {
	__u32 type;		/* JAILHOUSE_IOMMU_*, 0 = unused slot */
	__u64 base;
	__u32 size;

	/* Unit-specific data; 12 bytes. */
	union {
		struct {
			__u16 bdf;
			__u8 base_cap;
			__u8 msi_cap;
			__u32 features;
		} __attribute__((packed)) amd;

		struct {
			__u64 tlb_base;
			__u32 tlb_size;
		} __attribute__((packed)) tipvu;
	};
} __attribute__((packed));

/*
 * GIC description of an arm or arm64 system.  Upstream keeps this in a
 * union with an x86 variant; jailhouse-rs is arm64-only and leaves the x86
 * view out (configs name ".arm" either way).
 */
struct jailhouse_arm_platform_info {
	__u8 maintenance_irq;
	__u8 gic_version;	/* 2 or 3 */
	__u8 padding[2];
	__u64 gicd_base;
	__u64 gicc_base;	/* GICv2 only */
	__u64 gich_base;	/* GICv2 only */
	__u64 gicv_base;	/* GICv2 only */
	__u64 gicr_base;	/* GICv3 only */
} __attribute__((packed));

struct jailhouse_platform_info {
	__u64 pci_mmconfig_base;
	__u8 pci_mmconfig_end_bus;
	__u8 pci_is_virtual;
	__u16 pci_domain;
	struct jailhouse_iommu iommu_units[JAILHOUSE_MAX_IOMMU_UNITS];
	struct jailhouse_arm_platform_info arm;
} __attribute__((packed));

/* The fixed part of a system (root) configuration. */
struct jailhouse_system {
	char signature[JAILHOUSE_SIGNATURE_SIZE];
	__u16 revision;
	__u32 flags;		/* JAILHOUSE_SYS_* */

	/* Only phys_start and size are used. */
	struct jailhouse_memory hypervisor_memory;
	struct jailhouse_console debug_console;
	struct jailhouse_platform_info platform_info;
	/*
	 * Configs leave signature and revision of the root cell zero; only
	 * the outer ones are checked.
	 */
	struct jailhouse_cell_desc root_cell;
} __attribute__((packed));

JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_console) == 32,
		     "struct jailhouse_console must be 32 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_cell_desc) == 132,
		     "struct jailhouse_cell_desc must be 132 bytes");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_cell_desc,
					cpu_reset_address) == 84,
		     "jailhouse_cell_desc.cpu_reset_address must be at 84");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_cell_desc,
					console) == 100,
		     "jailhouse_cell_desc.console must be at 100");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_memory) == 32,
		     "struct jailhouse_memory must be 32 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_cache) == 12,
		     "struct jailhouse_cache must be 12 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_irqchip) == 32,
		     "struct jailhouse_irqchip must be 32 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_pio) == 4,
		     "struct jailhouse_pio must be 4 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_pci_device) == 56,
		     "struct jailhouse_pci_device must be 56 bytes");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_pci_device,
					num_msix_vectors) == 36,
		     "jailhouse_pci_device.num_msix_vectors must be at 36");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_pci_capability) == 8,
		     "struct jailhouse_pci_capability must be 8 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_iommu) == 28,
		     "struct jailhouse_iommu must be 28 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_arm_platform_info) == 44,
		     "struct jailhouse_arm_platform_info must be 44 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_platform_info) == 280,
		     "struct jailhouse_platform_info must be 280 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_system) == 488,
		     "struct jailhouse_system must be 488 bytes");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_system,
					platform_info.arm) == 312,
		     "jailhouse_system.platform_info.arm must be at 312");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_system,
					root_cell) == 356,
		     "jailhouse_system.root_cell must be at 356");

/*
 * Size and array accessors.  They trust the descriptor: the counts of a
 * hostile config make the size wrap around, and the accessors do no bounds
 * checks.  Code that reads untrusted configs must check the counts itself
 * (the Rust parser in jailhouse-abi does, with overflow checks); code
 * using these helpers must have verified that the buffer really holds
 * jailhouse_cell_config_size() (or jailhouse_system_config_size()) bytes.
 */

static inline __u32
jailhouse_cell_config_size(const struct jailhouse_cell_desc *cell)
{
	return sizeof(struct jailhouse_cell_desc) +
		cell->cpu_set_size +
		cell->num_memory_regions * sizeof(struct jailhouse_memory) +
		cell->num_cache_regions * sizeof(struct jailhouse_cache) +
		cell->num_irqchips * sizeof(struct jailhouse_irqchip) +
		cell->num_pio_regions * sizeof(struct jailhouse_pio) +
		cell->num_pci_devices * sizeof(struct jailhouse_pci_device) +
		cell->num_pci_caps * sizeof(struct jailhouse_pci_capability) +
		cell->num_stream_ids * sizeof(__u32);
}

static inline __u32
jailhouse_system_config_size(const struct jailhouse_system *system)
{
	return sizeof(*system) - sizeof(system->root_cell) +
		jailhouse_cell_config_size(&system->root_cell);
}

static inline const unsigned long *
jailhouse_cell_cpu_set(const struct jailhouse_cell_desc *cell)
{
	return (const unsigned long *)((const char *)cell + sizeof(*cell));
}

static inline const struct jailhouse_memory *
jailhouse_cell_mem_regions(const struct jailhouse_cell_desc *cell)
{
	return (const struct jailhouse_memory *)
		((const char *)jailhouse_cell_cpu_set(cell) +
		 cell->cpu_set_size);
}

static inline const struct jailhouse_cache *
jailhouse_cell_cache_regions(const struct jailhouse_cell_desc *cell)
{
	return (const struct jailhouse_cache *)
		(jailhouse_cell_mem_regions(cell) + cell->num_memory_regions);
}

static inline const struct jailhouse_irqchip *
jailhouse_cell_irqchips(const struct jailhouse_cell_desc *cell)
{
	return (const struct jailhouse_irqchip *)
		(jailhouse_cell_cache_regions(cell) + cell->num_cache_regions);
}

static inline const struct jailhouse_pio *
jailhouse_cell_pio(const struct jailhouse_cell_desc *cell)
{
	return (const struct jailhouse_pio *)
		(jailhouse_cell_irqchips(cell) + cell->num_irqchips);
}

static inline const struct jailhouse_pci_device *
jailhouse_cell_pci_devices(const struct jailhouse_cell_desc *cell)
{
	return (const struct jailhouse_pci_device *)
		(jailhouse_cell_pio(cell) + cell->num_pio_regions);
}

static inline const struct jailhouse_pci_capability *
jailhouse_cell_pci_caps(const struct jailhouse_cell_desc *cell)
{
	return (const struct jailhouse_pci_capability *)
		(jailhouse_cell_pci_devices(cell) + cell->num_pci_devices);
}

static inline const __u32 *
jailhouse_cell_stream_ids(const struct jailhouse_cell_desc *cell)
{
	return (const __u32 *)
		(jailhouse_cell_pci_caps(cell) + cell->num_pci_caps);
}

#endif /* !_JAILHOUSE_CELL_CONFIG_H */
