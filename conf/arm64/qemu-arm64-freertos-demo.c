/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Non-root cell "freertos" for FreeRTOS.bin (recipes-freertos) on QEMU's
 * arm64 virt machine, on top of the root cell
 * qemu-arm64-openeuler-demo.cell (GICv3) or qemu-arm64-gicv2-demo.cell,
 * as openEuler Embedded runs it:
 *
 *   qemu-system-aarch64 -machine virt,gic-version=3,virtualization=on,its=off \
 *	-cpu cortex-a57 -smp 4 -m 2G -nographic \
 *	-kernel Image -initrd rootfs.cpio.gz \
 *	-append "console=ttyAMA0 mem=1G"
 *
 *   jailhouse enable qemu-arm64-openeuler-demo.cell
 *   jailhouse cell create qemu-arm64-freertos-demo.cell
 *   jailhouse cell load freertos FreeRTOS.bin -a 0x0
 *   jailhouse cell start freertos
 *
 * Like openEuler's cell of the same name: CPU 1, 64 MiB of RAM at physical
 * 0x85000000 seen by the guest at 0, the UART shared with the root cell,
 * the communication region at 0x80000000.  0x85000000 lies in the root
 * cell's RAM above the hypervisor, which Linux does not use with mem=1G.
 *
 * It uses CPU 1 like qemu-arm64-inmate-demo.cell, so only one of the two
 * can exist at a time.
 *
 * Interrupts: FreeRTOS ticks with the generic timer (a PPI, per CPU, so
 * not listed) and polls the UART, whose SPI stays with the root cell.  The
 * cell owns no SPI until it gets a device of its own (openEuler's cell has
 * an ivshmem device at this point; this one has none yet).
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
		/*
		 * openEuler's config writes ".use_virt_cpuid = 1" (the cell
		 * sees its CPUs numbered from 0).  jailhouse-rs headers have
		 * no such member: the option is cell flag 0x100,
		 * JAILHOUSE_CELL_VIRT_CPUID, as in openEuler's binary config
		 * generator (see include/jailhouse/cell-config.h for why).
		 */
		/*
		 * openEuler's cell is PASSIVE_COMMREG: its FreeRTOS does not
		 * answer the hypervisor, which then stops it unasked.  Ours
		 * (recipes-freertos) approves the SHUTDOWN_REQUEST message on
		 * its next tick, so this cell is not passive: "jailhouse cell
		 * shutdown" stops FreeRTOS at a point it chose.
		 */
		.flags = JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED |
			 JAILHOUSE_CELL_VIRT_CPUID,

		.cpu_set_size = sizeof(config.cpus),
		.num_memory_regions = ARRAY_SIZE(config.mem_regions),
		.num_irqchips = 0,
		.num_pci_devices = 0,

		.cpu_reset_address = 0,

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
		/* PL011 UART 0, shared with the root cell */ {
			.phys_start = 0x09000000,
			.virt_start = 0x09000000,
			.size = 0x1000,
			.flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
				JAILHOUSE_MEM_IO | JAILHOUSE_MEM_ROOTSHARED,
		},
		/* RAM: 64 MiB */ {
			.phys_start = 0x85000000,
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
