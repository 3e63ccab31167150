/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Test input: a non-root cell config in the style of openEuler's
 * qemu-arm64-freertos-demo, using every array kind and the helper macros.
 * abi/tests/config_c.rs builds it with C compilers and parses the result
 * with the Rust parser.
 */
#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

struct {
	struct jailhouse_cell_desc cell;
	__u64 cpus[1];
	struct jailhouse_memory mem_regions[8];
	struct jailhouse_cache cache_regions[1];
	struct jailhouse_irqchip irqchips[1];
	struct jailhouse_pio pio_regions[1];
	struct jailhouse_pci_device pci_devices[1];
	struct jailhouse_pci_capability pci_caps[2];
	__u32 stream_ids[1];
} __attribute__((packed)) config = {
	.cell = {
		.signature = JAILHOUSE_CELL_DESC_SIGNATURE,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.name = "freertos-sample",
		.flags = JAILHOUSE_CELL_PASSIVE_COMMREG |
			JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED |
			JAILHOUSE_CELL_VIRT_CPUID,

		.cpu_set_size = sizeof(config.cpus),
		.num_memory_regions = ARRAY_SIZE(config.mem_regions),
		.num_cache_regions = ARRAY_SIZE(config.cache_regions),
		.num_irqchips = ARRAY_SIZE(config.irqchips),
		.num_pio_regions = ARRAY_SIZE(config.pio_regions),
		.num_pci_devices = ARRAY_SIZE(config.pci_devices),
		.num_pci_caps = ARRAY_SIZE(config.pci_caps),
		.num_stream_ids = ARRAY_SIZE(config.stream_ids),

		.vpci_irq_base = 101,
		.cpu_reset_address = 0x0,
		.msg_reply_timeout = 1000000,

		.console = {
			.address = 0x09000000,
			.size = 0x1000,
			.type = JAILHOUSE_CON_TYPE_PL011,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
	},

	.cpus = {
		0x2,
	},

	.mem_regions = {
		JAILHOUSE_SHMEM_NET_REGIONS(0x81000000, 1),
		/* UART, emulated subpage */ {
			.phys_start = 0x09000000,
			.virt_start = 0x09000000,
			.size = 0x100,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_IO | JAILHOUSE_MEM_IO_8 |
				JAILHOUSE_MEM_IO_32 | JAILHOUSE_MEM_ROOTSHARED,
		},
		/* RAM */ {
			.phys_start = 0x85000000,
			.virt_start = 0,
			.size = 0x04000000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_LOADABLE |
				JAILHOUSE_MEM_DMA,
		},
		/* communication region */ {
			.virt_start = 0x80000000,
			.size = 0x00001000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_COMM_REGION,
		},
		/* unaligned MMIO window for the subpage macro */ {
			.phys_start = 0x0a000000,
			.virt_start = 0x0a000800,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_IO |
				JAILHOUSE_MEM_IO_UNALIGNED | JAILHOUSE_MEM_IO_64,
		},
	},

	.cache_regions = {
		{
			.start = 0,
			.size = 2,
			.type = JAILHOUSE_CACHE_L3,
			.flags = JAILHOUSE_CACHE_ROOTSHARED,
		},
	},

	.irqchips = {
		/* GIC */ {
			.address = 0x08000000,
			.pin_base = 32,
			.pin_bitmap = {
				1 << (33 - 32), 0, 0, 1 << (133 - 128),
			},
		},
	},

	.pio_regions = {
		{ .base = 0x3f8, .length = 8 },
	},

	.pci_devices = {
		/* 00:01.0 ivshmem-net */ {
			.type = JAILHOUSE_PCI_TYPE_IVSHMEM,
			.domain = 1,
			.bdf = 1 << 3,
			.bar_mask = JAILHOUSE_IVSHMEM_BAR_MASK_MSIX,
			.caps_start = 0,
			.num_caps = 2,
			.num_msi_vectors = 1,
			.msi_64bits = 1,
			.msi_maskable = 1,
			.num_msix_vectors = 2,
			.msix_region_size = 0x1000,
			.msix_address = 0x10001000,
			.shmem_regions_start = 0,
			.shmem_dev_id = 1,
			.shmem_peers = 2,
			.shmem_protocol = JAILHOUSE_SHMEM_PROTO_VETH,
		},
	},

	.pci_caps = {
		{ .id = 0x5, .start = 0x40, .len = 14,
		  .flags = JAILHOUSE_PCICAPS_WRITE },
		{ .id = 0x10 | JAILHOUSE_PCI_EXT_CAP, .start = 0x100,
		  .len = 4, .flags = 0 },
	},

	.stream_ids = {
		0x42,
	},
};

/* The helper macros must be usable on the config itself. */
JAILHOUSE_ABI_ASSERT(sizeof(config) == 132 + 8 + 8 * 32 + 12 + 32 + 4 + 56 +
		     2 * 8 + 4, "sample cell config size");
