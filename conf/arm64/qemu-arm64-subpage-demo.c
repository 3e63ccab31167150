/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Non-root cell "subpage-demo" on QEMU's arm64 virt machine, on top of
 * qemu-arm64-openeuler-demo.cell (GICv3) or qemu-arm64-gicv2-demo.cell:
 * the inmate demos' cell, but with the PL011 as a sub-page region, the way
 * the Raspberry Pi 4 cells get the mini-UART (rpi4-inmate-demo.c):
 *
 *   jailhouse enable qemu-arm64-openeuler-demo.cell
 *   jailhouse cell create qemu-arm64-subpage-demo.cell
 *   jailhouse cell load subpage-demo uart-demo.bin
 *   jailhouse cell start subpage-demo
 *
 * Only the PL011's first 0x40 bytes (data register at 0x00, flag register
 * at 0x18) belong to the cell.  The hypervisor does not map the page: it
 * traps every access and performs it if it lies inside those 0x40 bytes
 * and is an 8- or 32-bit access (the inmate library's PL011 driver reads
 * FR and writes DR with 32-bit accesses); anything else on the page fails
 * the cell.  The UART stays shared with the root cell.
 *
 * The cell runs on CPU 1 with 1 MiB of RAM at 0x82000000 (the inmate-demo
 * cell's; the two are not meant to run together), seen at guest address 0,
 * and its communication region at 0x80000000.
 */

#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

struct {
	struct jailhouse_cell_desc cell;
	__u64 cpus[1];
	struct jailhouse_memory mem_regions[3];
} __attribute__((packed)) config = {
	.cell = {
		.signature = JAILHOUSE_CELL_DESC_SIGNATURE,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.name = "subpage-demo",
		.flags = JAILHOUSE_CELL_PASSIVE_COMMREG,

		.cpu_set_size = sizeof(config.cpus),
		.num_memory_regions = ARRAY_SIZE(config.mem_regions),
		.num_irqchips = 0,
		.num_pci_devices = 0,

		.cpu_reset_address = 0,

		.console = {
			.address = 0x09000000,
			.size = 0x40,
			.type = JAILHOUSE_CON_TYPE_PL011,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
	},

	.cpus = {
		0x2,
	},

	.mem_regions = {
		/* PL011 UART 0, its first 0x40 bytes, shared with the root */ {
			.phys_start = 0x09000000,
			.virt_start = 0x09000000,
			.size = 0x40,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_IO | JAILHOUSE_MEM_IO_8 |
				JAILHOUSE_MEM_IO_32 | JAILHOUSE_MEM_ROOTSHARED,
		},
		/* RAM */ {
			.phys_start = 0x82000000,
			.virt_start = 0,
			.size = 0x100000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_LOADABLE,
		},
		/* communication region */ {
			.virt_start = 0x80000000,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_COMM_REGION,
		},
	},
};
