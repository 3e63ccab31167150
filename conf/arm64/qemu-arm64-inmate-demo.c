/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Non-root cell "inmate-demo" for the bare-metal demos (uart-demo,
 * gic-demo) on QEMU's arm64 virt machine, on top of the root cell
 * qemu-arm64-openeuler-demo.cell (GICv3) or qemu-arm64-gicv2-demo.cell:
 *
 *   qemu-system-aarch64 -machine virt,gic-version=3,virtualization=on,its=off \
 *	-cpu cortex-a57 -smp 4 -m 2G -nographic \
 *	-kernel Image -initrd rootfs.cpio.gz \
 *	-append "console=ttyAMA0 mem=1G"
 *
 *   jailhouse enable qemu-arm64-openeuler-demo.cell
 *   jailhouse cell create qemu-arm64-inmate-demo.cell
 *   jailhouse cell load inmate-demo uart-demo.bin
 *   jailhouse cell start inmate-demo
 *
 * The cell runs on CPU 1.  Its 1 MiB of RAM comes from the root cell's
 * memory above the hypervisor (0x82000000), which Linux does not use with
 * mem=1G; upstream's 0x7fa00000 would be inside Linux's RAM.  Guests see
 * the RAM at address 0, where they start, and their communication region
 * at 0x80000000.  The UART is shared with the root cell.
 *
 * Interrupts: the generic timer's PPIs (e.g. the virtual timer, 27) and
 * the SGIs are per CPU and always belong to the cell owning the CPU, so
 * they are not listed.  The cell owns one SPI, 144, for tests that inject
 * or route an SPI: it is the first SPI of QEMU's dynamic platform bus,
 * which stays empty on the command line above, and upstream uses it for
 * the demo's virtual PCI device.
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

	.irqchips = {
		/* GIC distributor: SPI 144 */ {
			.address = 0x08000000,
			.pin_base = 32,
			.pin_bitmap = {
				0, 0, 0, 1 << (144 - 128),
			},
		},
	},
};
