// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The status record: one page at a fixed place in FreeRTOS.bin (guest
 * address 0x1000, see freertos.ld) where the BSP notes what the
 * application reported and how FreeRTOS ended.  After "jailhouse cell
 * shutdown" the cell's RAM is the root cell's again, so a test or a
 * curious administrator reads it through /dev/mem at the RAM's physical
 * address + 0x1000 (scripts/scenarios/freertos.sh does).
 *
 * Layout, 32-bit little-endian words:
 *   0x00 magic 0x534f5452 ("RTOS")   0x04 progress reports (n)
 *   0x08 shutdown approved (0/1)     0x0c errors reported
 *   0x10 tick of the shutdown        0x14 reserved
 *   0x18 tick of each progress report, the first BSP_STATUS_TICKS
 * Each update is cleaned to the point of coherency, so that a reader
 * with an uncached mapping sees it.
 */
#include "bsp.h"

#define BSP_STATUS_MAGIC	0x534f5452
#define BSP_STATUS_TICKS	64

struct bsp_status {
	uint32_t magic;
	uint32_t progress;
	uint32_t shutdown_approved;
	uint32_t errors;
	uint32_t shutdown_tick;
	uint32_t reserved;
	uint32_t ticks[BSP_STATUS_TICKS];
};

static volatile struct bsp_status status
	__attribute__((section(".data.status"), aligned(64))) = {
	.magic = BSP_STATUS_MAGIC,
};

static void status_clean(void)
{
	uintptr_t line;

	for (line = (uintptr_t)&status; line < (uintptr_t)(&status + 1);
	     line += 64)
		__asm__ volatile("dc cvac, %0" : : "r"(line) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
}

void bsp_status_progress(uint64_t tick)
{
	if (status.progress < BSP_STATUS_TICKS)
		status.ticks[status.progress] = (uint32_t)tick;
	status.progress++;
	status_clean();
}

void bsp_status_count_error(void)
{
	status.errors++;
	status_clean();
}

void bsp_status_shutdown(uint64_t tick)
{
	status.shutdown_tick = (uint32_t)tick;
	status.shutdown_approved = 1;
	status_clean();
}
