/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Root cell "Raspberry-Pi4" for a Raspberry Pi 4 Model B with 4 GiB of RAM
 * (BCM2711, four Cortex-A72, GIC-400), set up as openEuler Embedded
 * documents it:
 *
 *   config.txt:  enable_uart=1, enable_gic=1, arm_64bit=1, and firmware
 *                with PSCI CPU_OFF/CPU_ON (TF-A or openEuler's UEFI), as
 *                the hypervisor takes CPUs offline and brings them back
 *   device tree: reserved-memory node, no-map,
 *                reg = <0x0 0x10000000 0x10000000>
 *                (openEuler's jailhouse-overlay.dtbo does exactly this)
 *   kernel:      console=serial0,115200 (the firmware turns serial0 into
 *                the mini-UART's ttyS name)
 *
 * A mem= limit cannot replace the reservation: it would cut off everything
 * above it instead of a hole at 256 MiB.
 *
 * Memory map (4 GiB board; the top 64 MiB of the low 4 GiB are the
 * peripherals):
 *
 *   0x00000000-0x0fffffff  Linux RAM
 *   0x10000000-0x1fbfffff  reserved from Linux; root-cell RAM that
 *                          non-root cells take their memory from, e.g.
 *     0x1fa00000-0x1fafffff  inmate-demo RAM (rpi4-inmate-demo.c)
 *   0x1fc00000-0x1fffffff  hypervisor memory (4 MiB)
 *   0x20000000-0xfbffffff  Linux RAM
 *   0xfc000000-0xffffffff  peripherals
 *
 * On boards with less RAM, the RAM regions below also describe memory that
 * does not exist; Linux never touches it, so no harm is done.  An 8 GiB
 * board has 4 GiB more at 0x100000000: add a RAM region
 * { 0x100000000, size 0x100000000 } to give it to Linux.
 *
 * The debug console is the mini-UART (8250 compatible, "UART1") at
 * 0xfe215040, the same UART Linux uses as its console.
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
	struct jailhouse_memory mem_regions[4];
	struct jailhouse_irqchip irqchips[2];
} __attribute__((packed)) config = {
	.header = {
		.signature = JAILHOUSE_SYSTEM_SIGNATURE,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.flags = JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE,
		.hypervisor_memory = {
			.phys_start = 0x1fc00000,
			.size = 0x400000,
		},
		.debug_console = {
			.address = 0xfe215040,
			.size = 0x40,
			.type = JAILHOUSE_CON_TYPE_8250,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
		.platform_info = {
			/* config space of the hypervisor's virtual PCI host */
			.pci_mmconfig_base = 0xff900000,
			.pci_mmconfig_end_bus = 0,
			.pci_is_virtual = 1,
			.pci_domain = 1,
			.arm = {
				.maintenance_irq = 25,
				.gic_version = 2,
				.gicd_base = 0xff841000,
				.gicc_base = 0xff842000,
				.gich_base = 0xff844000,
				.gicv_base = 0xff846000,
			},
		},
		.root_cell = {
			.name = "Raspberry-Pi4",

			.cpu_set_size = sizeof(config.cpus),
			.num_memory_regions = ARRAY_SIZE(config.mem_regions),
			.num_irqchips = ARRAY_SIZE(config.irqchips),
			.num_pci_devices = 0,

			/* INTx of virtual PCI devices: SPIs 182-185 */
			.vpci_irq_base = 182 - 32,
		},
	},

	.cpus = {
		0xf,
	},

	.mem_regions = {
		/*
		 * Peripherals up to 0xfeffffff: PCIe bridge registers,
		 * the main peripherals with the mini-UART, ... The ARM
		 * local peripherals and the GIC above 0xff800000 stay
		 * unmapped.
		 */ {
			.phys_start = 0xfd500000,
			.virt_start = 0xfd500000,
			.size = 0x1b00000,
			.flags = MEM_DEVICE,
		},
		/* PCIe outbound window (the VL805 USB controller) */ {
			.phys_start = 0x600000000,
			.virt_start = 0x600000000,
			.size = 0x4000000,
			.flags = MEM_DEVICE,
		},
		/* RAM up to the hypervisor, including the reservation */ {
			.phys_start = 0x0,
			.virt_start = 0x0,
			.size = 0x1fc00000,
			.flags = MEM_RAM,
		},
		/* RAM above the hypervisor, up to the peripherals */ {
			.phys_start = 0x20000000,
			.virt_start = 0x20000000,
			.size = 0xdc000000,
			.flags = MEM_RAM,
		},
	},

	.irqchips = {
		/* SPIs 32-159 */ {
			.address = 0xff841000,
			.pin_base = 32,
			.pin_bitmap = {
				0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
			},
		},
		/* SPIs 160-223 */ {
			.address = 0xff841000,
			.pin_base = 160,
			.pin_bitmap = {
				0xffffffff, 0xffffffff, 0, 0,
			},
		},
	},
};
