// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * bsp_start(): the C side of startup (after startup.S turned the MMU on
 * and cleared the BSS).  It checks the communication region, selects the
 * console, sets up the GIC and calls main() with interrupts still masked;
 * main() creates tasks and starts the scheduler, which never returns.
 */
#include <jailhouse/hypercall.h>

#include "bsp.h"

void bsp_start(void);

void bsp_start(void)
{
	struct jailhouse_comm_region *comm =
		(struct jailhouse_comm_region *)BSP_COMM_REGION_BASE;

	if (!bsp_comm_region_valid()) {
		/* The hypervisor reports this as "Comm ABI mismatch". */
		comm->cell_state = JAILHOUSE_CELL_FAILED_COMM_REV;
		bsp_halt();
	}
	bsp_console_init();
	if (bsp_gic_init() != 0) {
		bsp_puts("FreeRTOS: no usable interrupt controller, stopping\n");
		bsp_fail();
	}
	main();
	bsp_puts("FreeRTOS: main() returned, stopping\n");
	bsp_fail();
}
