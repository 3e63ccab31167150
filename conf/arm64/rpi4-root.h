/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Root cell "Raspberry-Pi4" for a Raspberry Pi 4 Model B (BCM2711, four
 * Cortex-A72, GIC-400), shared by the per-RAM-size configs: each of
 * rpi4-1g.c, rpi4-2g.c, rpi4-4g.c (= rpi4.c, openEuler's name) and
 * rpi4-8g.c defines RPI4_RAM_GIB and includes this file.  The guide is
 * docs/rpi4.md; `make rpi4-check` proves the addresses below against the
 * Raspberry Pi 4 device tree that Debian's kernel ships.
 *
 * Boot set-up this config relies on:
 *
 *   config.txt:  arm_64bit=1, enable_gic=1, enable_uart=1 and an armstub
 *                with PSCI CPU_OFF/CPU_ON (TF-A, or the UEFI firmware that
 *                openEuler uses), as the hypervisor takes CPUs offline
 *                and brings them back
 *   device tree: reserved-memory node, no-map,
 *                reg = <0x0 0x10000000 0x10000000>
 *                (openEuler's jailhouse-overlay.dtbo does exactly this)
 *   kernel:      console=serial0,115200 (the firmware turns serial0 into
 *                the mini-UART's ttyS name)
 *
 * A mem= limit cannot replace the reservation: it would cut off everything
 * above it instead of a hole at 256 MiB.
 *
 * RAM.  The device tree in the kernel package has "memory@0 { reg = <0 0
 * 0> }": the GPU firmware (start4.elf) writes the real banks into it at
 * boot, according to the board's RAM and config.txt's gpu_mem (default 76
 * MiB, taken from the top of the first GiB, which only the VideoCore can
 * address all of):
 *
 *   1 GiB:  0x0-0x3b3fffff
 *   2 GiB:  0x0-0x3b3fffff, 0x40000000-0x7fffffff
 *   4 GiB:  0x0-0x3b3fffff, 0x40000000-0xfbffffff (the top 64 MiB of
 *           the first 4 GiB are hidden behind the peripherals)
 *   8 GiB:  as 4 GiB, plus 0x100000000-0x1ffffffff
 *
 * The root cell maps all SDRAM of the board: the GPU's part too, so that
 * a smaller gpu_mem (which gives Linux more of the first GiB) never makes
 * Linux touch unmapped memory.  It maps no address beyond the board's
 * SDRAM, because a normal-memory mapping of addresses without RAM invites
 * speculative accesses there; that is why there is one config per size.
 *
 *   0x00000000-0x0fffffff  Linux RAM
 *   0x10000000-0x1fbfffff  reserved from Linux (no-map); root-cell RAM that
 *                          non-root cells take their memory from:
 *     0x18000000-0x1bffffff  freertos (rpi4-freertos-demo.c)
 *     0x1fa00000-0x1fafffff  inmate-demo (rpi4-inmate-demo.c)
 *   0x1fc00000-0x1fffffff  hypervisor memory (4 MiB)
 *   0x20000000-RAM_END     Linux RAM (and the GPU's memory at
 *                          0x3b400000-0x3fffffff with the default gpu_mem)
 *   0xfc000000-0xffffffff  peripherals ("low peripheral" mode, the
 *                          default; arm_peri_high=1 is not supported)
 *   0x100000000-...        Linux RAM on 8 GiB boards
 *
 * The debug console is the mini-UART (8250 compatible, "UART1", the
 * device tree's serial1) at 0xfe215040, the same UART Linux uses as its
 * console.  The GIC-400's frames sit at 0xff841000 (distributor),
 * 0xff842000 (CPU interface), 0xff844000 (virtual interface control) and
 * 0xff846000 (virtual CPU interface); its maintenance interrupt is PPI 9,
 * i.e. interrupt 25.
 */

#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

#if !defined(RPI4_RAM_GIB) || \
	(RPI4_RAM_GIB != 1 && RPI4_RAM_GIB != 2 && RPI4_RAM_GIB != 4 && \
	 RPI4_RAM_GIB != 8)
#error "define RPI4_RAM_GIB as 1, 2, 4 or 8 before including rpi4-root.h"
#endif

/* End of the RAM below 4 GiB: the peripherals cut off what lies above. */
#if RPI4_RAM_GIB >= 4
#define RPI4_LOW_RAM_END	0xfc000000ULL
#else
#define RPI4_LOW_RAM_END	(RPI4_RAM_GIB * 0x40000000ULL)
#endif

#if RPI4_RAM_GIB == 8
#define RPI4_NUM_HIGH_RAM	1
#else
#define RPI4_NUM_HIGH_RAM	0
#endif

#define RPI4_RESERVED_START	0x10000000
#define RPI4_HV_START		0x1fc00000
#define RPI4_HV_SIZE		0x00400000

#define MEM_RAM		(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | \
			 JAILHOUSE_MEM_EXECUTE)
#define MEM_DEVICE	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | \
			 JAILHOUSE_MEM_IO)

struct {
	struct jailhouse_system header;
	__u64 cpus[1];
	struct jailhouse_memory mem_regions[5 + RPI4_NUM_HIGH_RAM];
	struct jailhouse_irqchip irqchips[2];
} __attribute__((packed)) config = {
	.header = {
		.signature = JAILHOUSE_SYSTEM_SIGNATURE,
		.revision = JAILHOUSE_CONFIG_REVISION,
		.flags = JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE,
		.hypervisor_memory = {
			.phys_start = RPI4_HV_START,
			.size = RPI4_HV_SIZE,
		},
		.debug_console = {
			.address = 0xfe215040,
			.size = 0x40,
			.type = JAILHOUSE_CON_TYPE_8250,
			.flags = JAILHOUSE_CON_ACCESS_MMIO |
				 JAILHOUSE_CON_REGDIST_4,
		},
		.platform_info = {
			/*
			 * Config space of the hypervisor's virtual PCI host:
			 * a free 1 MiB of the ARM-local window, as upstream
			 * Jailhouse and openEuler place it on this board.
			 */
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
		 * Peripherals 0xfd500000-0xfeffffff: PCIe bridge, Ethernet,
		 * the main peripherals with the mini-UART, V3D, ... Below
		 * 0xfd500000 the bus windows hold no device.  The ARM local
		 * peripherals and the GIC from 0xff800000 stay unmapped:
		 * Linux drives the GIC-400, not the local interrupt
		 * controller, and the hypervisor owns the GIC.
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
		/* Linux RAM below the reservation */ {
			.phys_start = 0x0,
			.virt_start = 0x0,
			.size = RPI4_RESERVED_START,
			.flags = MEM_RAM,
		},
		/*
		 * The reservation up to the hypervisor: Linux never uses it
		 * (no-map); it is listed so that non-root cells can take
		 * their memory from the root cell.
		 */ {
			.phys_start = RPI4_RESERVED_START,
			.virt_start = RPI4_RESERVED_START,
			.size = RPI4_HV_START - RPI4_RESERVED_START,
			.flags = MEM_RAM,
		},
		/* Linux RAM above the hypervisor, up to the end of RAM */ {
			.phys_start = RPI4_HV_START + RPI4_HV_SIZE,
			.virt_start = RPI4_HV_START + RPI4_HV_SIZE,
			.size = RPI4_LOW_RAM_END - (RPI4_HV_START + RPI4_HV_SIZE),
			.flags = MEM_RAM,
		},
#if RPI4_RAM_GIB == 8
		/* Linux RAM above 4 GiB */ {
			.phys_start = 0x100000000,
			.virt_start = 0x100000000,
			.size = 0x100000000,
			.flags = MEM_RAM,
		},
#endif
	},

	.irqchips = {
		/* SPIs 32-159 */ {
			.address = 0xff841000,
			.pin_base = 32,
			.pin_bitmap = {
				0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
			},
		},
		/*
		 * SPIs 160-223: the BCM2711's peripherals raise SPIs up to
		 * interrupt 190 (device tree); the rest is spare.
		 */ {
			.address = 0xff841000,
			.pin_base = 160,
			.pin_bitmap = {
				0xffffffff, 0xffffffff, 0, 0,
			},
		},
	},
};
