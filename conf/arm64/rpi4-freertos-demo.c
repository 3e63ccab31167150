/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Non-root cell "freertos" for FreeRTOS.bin (recipes-freertos) on a
 * Raspberry Pi 4, on top of any of the Raspberry Pi 4 root cells
 * (rpi4.cell, rpi4-1g.cell, ...; see rpi4-root.h for config.txt, the
 * memory reservation and the kernel command line):
 *
 *   jailhouse enable /usr/share/jailhouse/cells/rpi4.cell
 *   jailhouse cell create /usr/share/jailhouse/cells/rpi4-freertos-demo.cell
 *   jailhouse cell load freertos FreeRTOS.bin -a 0x0
 *   jailhouse cell start freertos
 *
 * The same shape as qemu-arm64-freertos-demo.c (openEuler's cell): RAM seen
 * by the guest at 0, the communication region at 0x80000000, CPU numbers
 * virtualised so that FreeRTOS runs as CPU 0.  What differs:
 *
 * - CPU 3, not 1, so that the cell can run beside the inmate-demo cell
 *   (CPU 1) and Linux keeps CPUs 0 and 2.
 * - 64 MiB of RAM at 0x18000000, inside the memory reservation at
 *   0x10000000-0x1fffffff and clear of the inmate demo (0x1fa00000) and
 *   the hypervisor (0x1fc00000).  0x10000000-0x17ffffff stays free for a
 *   Linux cell (upstream's and openEuler's place for it).
 * - The console is the mini-UART, an 8250 with 32-bit register spacing at
 *   0xfe215040, shared with the root cell, whose console it is.  FreeRTOS
 *   finds its type and address in the communication region's console
 *   descriptor (copied from .console below), so the same FreeRTOS.bin
 *   serves QEMU's PL011 and this UART if its BSP drives both.
 *
 * What the hypervisor must support for this cell: GICv2 non-root cells
 * (the cell's CPU interface is the virtual one at 0xff846000, shown to the
 * cell at the GICC address 0xff842000), and sub-page MMIO regions: the
 * mini-UART's 0x40 bytes share a 4 KiB page with the SPI controllers and
 * the other auxiliary peripherals, so the page cannot be mapped into the
 * cell; each 8- or 32-bit access is checked and forwarded instead.
 *
 * Interrupts: FreeRTOS ticks with the generic timer (a PPI, per CPU, so not
 * listed) and polls the UART, whose interrupt (125 = SPI 93, shared by all
 * auxiliary peripherals) stays with the root cell.
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
		.name = "freertos",
		/* JAILHOUSE_CELL_VIRT_CPUID is openEuler's use_virt_cpuid */
		.flags = JAILHOUSE_CELL_PASSIVE_COMMREG |
			 JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED |
			 JAILHOUSE_CELL_VIRT_CPUID,

		.cpu_set_size = sizeof(config.cpus),
		.num_memory_regions = ARRAY_SIZE(config.mem_regions),
		.num_irqchips = 0,
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
		0x8,
	},

	.mem_regions = {
		/* mini-UART, shared with the root cell (sub-page) */ {
			.phys_start = 0xfe215040,
			.virt_start = 0xfe215040,
			.size = 0x40,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_IO | JAILHOUSE_MEM_IO_8 |
				JAILHOUSE_MEM_IO_32 | JAILHOUSE_MEM_ROOTSHARED,
		},
		/* RAM: 64 MiB */ {
			.phys_start = 0x18000000,
			.virt_start = 0,
			.size = 0x4000000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_LOADABLE |
				JAILHOUSE_MEM_DMA,
		},
		/* communication region */ {
			.virt_start = 0x80000000,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_COMM_REGION,
		},
	},
};
