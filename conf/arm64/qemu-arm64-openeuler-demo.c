/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Root cell "qemu" for QEMU's arm64 virt machine with a GICv3, the system
 * openEuler Embedded documents for Jailhouse:
 *
 *   qemu-system-aarch64 -machine virt,gic-version=3,virtualization=on,its=off \
 *	-cpu cortex-a57 -smp 4 -m 2G -nographic \
 *	-kernel Image -initrd rootfs.cpio.gz \
 *	-append "console=ttyAMA0 mem=1G"
 *
 * The platform values (hypervisor location, debug console, GIC, virtual PCI
 * host) are openEuler's, so its tools and documents apply unchanged.  The
 * memory map is not: openEuler's root RAM runs from 0x40000000 over 2 GiB
 * and so covers the hypervisor's own memory.  Here the root cell never
 * holds the hypervisor:
 *
 *   0x40000000-0x7fffffff  Linux RAM (mem=1G)
 *   0x80000000-0x80ffffff  hypervisor memory (16 MiB)
 *   0x81000000-0xbfffffff  root RAM that Linux does not use (mem=1G keeps
 *                          it out of the kernel's memory map); non-root
 *                          cells take their memory from here:
 *     0x81000000-0x81ffffff  kept free for ivshmem shared memory
 *     0x82000000-0x820fffff  inmate-demo RAM (qemu-arm64-inmate-demo.c)
 *     0x85000000-0x88ffffff  freertos RAM (qemu-arm64-freertos-demo.c)
 *
 * Cell memory must lie inside the root cell's memory, because creating a
 * cell moves the memory from the root cell to the new cell; hence the
 * second RAM region.
 *
 * The GIC (0x08000000-0x08ffffff) is deliberately not mapped: the
 * hypervisor emulates the distributor and redistributors for the root.
 * 0x08e00000, inside the unused part of the redistributor window, is where
 * the hypervisor places its virtual PCI host's config space (openEuler's
 * value).
 */

#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

#define MEM_RAM		(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | \
			 JAILHOUSE_MEM_EXECUTE)
#define MEM_DEVICE	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | \
			 JAILHOUSE_MEM_IO)

struct {
	struct jailhouse_system header;
	__u64 cpus[1];
	struct jailhouse_memory mem_regions[13];
	struct jailhouse_irqchip irqchips[2];
} __attribute__((packed)) config = {
	.header = {
		.signature = JAILHOUSE_SYSTEM_SIGNATURE,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.flags = JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE,
		.hypervisor_memory = {
			.phys_start = 0x80000000,
			.size = 0x1000000,
		},
		.debug_console = {
			.address = 0x09000000,
			.size = 0x1000,
			.type = JAILHOUSE_CON_TYPE_PL011,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
		.platform_info = {
			.pci_mmconfig_base = 0x08e00000,
			.pci_mmconfig_end_bus = 0,
			.pci_is_virtual = 1,
			.pci_domain = 1,
			.arm = {
				.maintenance_irq = 25,
				.gic_version = 3,
				.gicd_base = 0x08000000,
				.gicr_base = 0x080a0000,
			},
		},
		.root_cell = {
			.name = "qemu",

			.cpu_set_size = sizeof(config.cpus),
			.num_memory_regions = ARRAY_SIZE(config.mem_regions),
			.num_irqchips = ARRAY_SIZE(config.irqchips),
			.num_pci_devices = 0,

			/* INTx of virtual PCI devices: SPIs 132-135 */
			.vpci_irq_base = 100,
		},
	},

	.cpus = {
		0xf,
	},

	.mem_regions = {
		/* RAM: what Linux uses with mem=1G */ {
			.phys_start = 0x40000000,
			.virt_start = 0x40000000,
			.size = 0x40000000,
			.flags = MEM_RAM,
		},
		/* RAM above the hypervisor, handed out to non-root cells */ {
			.phys_start = 0x81000000,
			.virt_start = 0x81000000,
			.size = 0x3f000000,
			.flags = MEM_RAM,
		},
		/* PL011 UART 0 (also the hypervisor's debug console) */ {
			.phys_start = 0x09000000,
			.virt_start = 0x09000000,
			.size = 0x1000,
			.flags = MEM_DEVICE,
		},
		/* PL031 RTC */ {
			.phys_start = 0x09010000,
			.virt_start = 0x09010000,
			.size = 0x1000,
			.flags = MEM_DEVICE,
		},
		/* fw_cfg (0x18 bytes of registers) */ {
			.phys_start = 0x09020000,
			.virt_start = 0x09020000,
			.size = 0x1000,
			.flags = MEM_DEVICE,
		},
		/* PL061 GPIO */ {
			.phys_start = 0x09030000,
			.virt_start = 0x09030000,
			.size = 0x1000,
			.flags = MEM_DEVICE,
		},
		/* secure UART (only present with secure=on) */ {
			.phys_start = 0x09040000,
			.virt_start = 0x09040000,
			.size = 0x1000,
			.flags = MEM_DEVICE,
		},
		/* SMMUv3 (only present with iommu=smmuv3) */ {
			.phys_start = 0x09050000,
			.virt_start = 0x09050000,
			.size = 0x20000,
			.flags = MEM_DEVICE,
		},
		/* virtio-mmio: 32 transports of 0x200 bytes */ {
			.phys_start = 0x0a000000,
			.virt_start = 0x0a000000,
			.size = 0x4000,
			.flags = MEM_DEVICE,
		},
		/* PCIe 32-bit MMIO window */ {
			.phys_start = 0x10000000,
			.virt_start = 0x10000000,
			.size = 0x2eff0000,
			.flags = MEM_DEVICE,
		},
		/*
		 * PCIe I/O port window.  openEuler's config has 0x3ef0000
		 * here, a digit short of QEMU's 0x3eff0000.
		 */ {
			.phys_start = 0x3eff0000,
			.virt_start = 0x3eff0000,
			.size = 0x10000,
			.flags = MEM_DEVICE,
		},
		/*
		 * PCIe ECAM above 4 GiB: with less than 256 GiB of RAM, QEMU
		 * puts its high I/O area at 256 GiB (64 MiB of redistributors
		 * for more than 123 CPUs, then this 256 MiB ECAM).  With the
		 * default highmem=on it is the only ECAM; the 32-bit one at
		 * 0x3f000000 does not exist.
		 */ {
			.phys_start = 0x4010000000,
			.virt_start = 0x4010000000,
			.size = 0x10000000,
			.flags = MEM_DEVICE,
		},
		/*
		 * PCIe 64-bit MMIO window: 512 GiB at 512 GiB.  openEuler
		 * maps only its first 4 GiB.
		 */ {
			.phys_start = 0x8000000000,
			.virt_start = 0x8000000000,
			.size = 0x8000000000,
			.flags = MEM_DEVICE,
		},
	},

	.irqchips = {
		/*
		 * The GIC of QEMU virt has 256 SPIs (32-287); the root cell
		 * starts out with all of them.  SGIs and PPIs (0-31) are per
		 * CPU and never listed here.
		 */
		/* SPIs 32-159 */ {
			.address = 0x08000000,
			.pin_base = 32,
			.pin_bitmap = {
				0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
			},
		},
		/* SPIs 160-287 */ {
			.address = 0x08000000,
			.pin_base = 160,
			.pin_bitmap = {
				0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
			},
		},
	},
};
