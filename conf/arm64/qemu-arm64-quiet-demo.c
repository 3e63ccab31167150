/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Non-root cell "quiet-demo" on QEMU's arm64 virt machine: CPU 3 and
 * 1 MiB of RAM, and no device at all, not even the UART. It can exist
 * next to inmate-demo (CPU 1) or freertos (CPU 1); `make bench` creates
 * and destroys it over and over while gic-demo measures its latency in
 * inmate-demo, to show that another cell's life cycle does not disturb a
 * running cell.
 *
 *   jailhouse cell create qemu-arm64-quiet-demo.cell
 *   jailhouse cell load quiet-demo exit-bench.bin
 *   jailhouse cell start quiet-demo
 *
 * Its RAM, 0x82100000, lies in the root cell's memory above the
 * hypervisor next to inmate-demo's, which Linux does not use with mem=1G.
 * Guests see it at address 0 and their communication region at
 * 0x80000000. Without a console an inmate's output is lost.
 */

#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

struct {
	struct jailhouse_cell_desc cell;
	__u64 cpus[1];
	struct jailhouse_memory mem_regions[2];
} __attribute__((packed)) config = {
	.cell = {
		.signature = JAILHOUSE_CELL_DESC_SIGNATURE,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.name = "quiet-demo",
		.flags = JAILHOUSE_CELL_PASSIVE_COMMREG,

		.cpu_set_size = sizeof(config.cpus),
		.num_memory_regions = ARRAY_SIZE(config.mem_regions),
		.num_irqchips = 0,
		.num_pci_devices = 0,

		.cpu_reset_address = 0,

		.console = {
			.type = JAILHOUSE_CON_TYPE_NONE,
		},
	},

	.cpus = {
		0x8,
	},

	.mem_regions = {
		/* RAM */ {
			.phys_start = 0x82100000,
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
