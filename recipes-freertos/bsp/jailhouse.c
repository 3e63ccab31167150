// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * FreeRTOS as a Jailhouse cell: the communication region's message
 * protocol, and the ways the cell stops.
 *
 * The hypervisor asks a running cell (one without
 * JAILHOUSE_CELL_PASSIVE_COMMREG) for permission before it shuts it down,
 * restarts or destroys it: it writes SHUTDOWN_REQUEST into msg_to_cell and
 * waits for reply_from_cell.  FreeRTOS polls the channel on every tick
 * (the tick hook), so the reply comes within one tick period.  An approved
 * request stops FreeRTOS for good: the tick is switched off, interrupts
 * masked and the CPU waits until the hypervisor parks it.  The reply
 * follows Jailhouse's order: clear msg_to_cell, barrier, write the reply.
 *
 * A cell that crashed cannot answer any more: bsp_fail() sets cell_state
 * to FAILED, which the hypervisor takes as consent, so "jailhouse cell
 * shutdown" and "destroy" still work and "cell list" shows "failed".
 */
#include <jailhouse/hypercall.h>

#include "FreeRTOS.h"
#include "task.h"

#include "bsp.h"

static struct jailhouse_comm_region *const comm =
	(struct jailhouse_comm_region *)BSP_COMM_REGION_BASE;

int bsp_comm_region_valid(void)
{
	static const char magic[6] = COMM_REGION_MAGIC;
	unsigned int i;

	for (i = 0; i < sizeof(magic); i++)
		if (comm->signature[i] != magic[i])
			return 0;
	return comm->revision == COMM_REGION_ABI_REVISION;
}

static void stop_cpu(void)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	bsp_tick_stop();
	for (;;)
		__asm__ volatile("wfi");
}

void bsp_halt(void)
{
	stop_cpu();
	__builtin_unreachable();
}

void bsp_fail(void)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	comm->cell_state = JAILHOUSE_CELL_FAILED;
	__asm__ volatile("dsb ish; sev" : : : "memory");
	stop_cpu();
	__builtin_unreachable();
}

__attribute__((weak)) int bsp_shutdown_allowed(void)
{
	return 1;
}

static void reply(uint32_t answer)
{
	jailhouse_send_reply_from_cell(comm, answer);
	/* The hypervisor waits with wfe. */
	__asm__ volatile("dsb ish; sev" : : : "memory");
}

/* Answer a pending message; called from the tick interrupt. */
void bsp_poll_jailhouse(void)
{
	uint32_t msg = comm->msg_to_cell;
	TickType_t now;

	switch (msg) {
	case JAILHOUSE_MSG_NONE:
		return;
	case JAILHOUSE_MSG_SHUTDOWN_REQUEST:
		if (!bsp_shutdown_allowed()) {
			reply(JAILHOUSE_MSG_REQUEST_DENIED);
			return;
		}
		now = xTaskGetTickCountFromISR();
		bsp_printf("FreeRTOS: shutdown requested by Jailhouse at tick %lu, stopping\n",
			   (unsigned long)now);
		bsp_status_shutdown(now);
		__asm__ volatile("msr daifset, #0xf" : : : "memory");
		bsp_tick_stop();
		reply(JAILHOUSE_MSG_REQUEST_APPROVED);
		stop_cpu();
		break;
	case JAILHOUSE_MSG_RECONFIG_COMPLETED:
		reply(JAILHOUSE_MSG_RECEIVED);
		break;
	default:
		reply(JAILHOUSE_MSG_UNKNOWN);
		break;
	}
}

void vApplicationTickHook(void)
{
	bsp_poll_jailhouse();
}

void vApplicationIdleHook(void)
{
	__asm__ volatile("wfi");
}

void vApplicationMallocFailedHook(void)
{
	bsp_printf("FreeRTOS: out of heap memory in task \"%s\"\n",
		   pcTaskGetName(NULL));
	bsp_fail();
}

void vApplicationStackOverflowHook(TaskHandle_t task, char *name)
{
	(void)task;
	bsp_printf("FreeRTOS: stack overflow in task \"%s\"\n", name);
	bsp_fail();
}

void bsp_assert_failed(const char *file, int line)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	bsp_puts("FreeRTOS: assertion failed at ");
	bsp_puts(file);
	bsp_printf(":%d\n", line);
	bsp_fail();
}
