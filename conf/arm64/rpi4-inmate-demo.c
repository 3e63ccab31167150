/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Non-root cell "inmate-demo" for the bare-metal demos (uart-demo,
 * gic-demo) on a Raspberry Pi 4, on top of any of the Raspberry Pi 4 root
 * cells (rpi4.cell, rpi4-1g.cell, ...; see rpi4-root.h for config.txt, the
 * memory reservation and the kernel command line console=serial0,115200):
 *
 *   jailhouse enable rpi4.cell
 *   jailhouse cell create rpi4-inmate-demo.cell
 *   jailhouse cell load inmate-demo uart-demo.bin
 *   jailhouse cell start inmate-demo
 *
 * The cell runs on CPU 1 with 1 MiB of RAM from the reserved area
 * (0x1fa00000, below the hypervisor at 0x1fc00000), seen by the guest at
 * address 0, and its communication region at 0x80000000.
 *
 * The mini-UART's registers share a 4 KiB page with the SPI controllers
 * and the other auxiliary peripherals, so the cell does not get the page
 * mapped: its 0x40 bytes are a subpage region, and the hypervisor checks
 * and forwards each 8- or 32-bit access.  The UART stays shared with the
 * root cell, whose console it is.
 *
 * Interrupts: SGIs and the timer PPIs are per CPU and not listed.  The
 * cell owns SPI 184, which upstream Jailhouse gives this demo for its
 * virtual PCI device (its Raspberry Pi 4 configs keep SPIs 182-185 for
 * virtual PCI INTx, like vpci_irq_base in rpi4.c).
 */

#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

struct {
	struct jailhouse_cell_desc cell;
	__u64 cpus[1];
	struct jailhouse_memory mem_regions[3];
	struct jailhouse_irqchip irqchips[1];
} __attribute__((packed)) config = {
	.cell = {
		.signature = JAILHOUSE_CELL_DESC_SIGNATURE,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.name = "inmate-demo",
		.flags = JAILHOUSE_CELL_PASSIVE_COMMREG,

		.cpu_set_size = sizeof(config.cpus),
		.num_memory_regions = ARRAY_SIZE(config.mem_regions),
		.num_irqchips = ARRAY_SIZE(config.irqchips),
		.num_pci_devices = 0,

		.cpu_reset_address = 0,

		.console = {
			.address = 0xfe215040,
			.size = 0x40,
			.type = JAILHOUSE_CON_TYPE_8250,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
	},

	.cpus = {
		0x2,
	},

	.mem_regions = {
		/* mini-UART, shared with the root cell */ {
			.phys_start = 0xfe215040,
			.virt_start = 0xfe215040,
			.size = 0x40,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_IO | JAILHOUSE_MEM_IO_8 |
				JAILHOUSE_MEM_IO_32 | JAILHOUSE_MEM_ROOTSHARED,
		},
		/* RAM */ {
			.phys_start = 0x1fa00000,
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

	.irqchips = {
		/* GIC distributor: SPI 184 */ {
			.address = 0xff841000,
			.pin_base = 160,
			.pin_bitmap = {
				1 << (184 - 160), 0, 0, 0,
			},
		},
	},
};
