// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The FreeRTOS tick: the generic timer's virtual timer (CNTV_*, PPI 27,
 * which Jailhouse injects into the cell), programmed with absolute
 * compare values so that the tick does not drift with interrupt latency.
 */
#include "FreeRTOS.h"
#include "task.h"

#include "bsp.h"

#define CNTV_CTL_ENABLE		(1 << 0)

static uint64_t tick_interval, next_tick;

static inline uint64_t counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static inline void set_compare(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0; isb" : : "r"(cval));
}

void bsp_tick_setup(void)
{
	uint64_t freq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	tick_interval = freq / configTICK_RATE_HZ;
	next_tick = counter() + tick_interval;
	set_compare(next_tick);
	__asm__ volatile("msr cntv_ctl_el0, %0; isb"
			 : : "r"((uint64_t)CNTV_CTL_ENABLE));
	bsp_gic_enable_irq(BSP_TICK_IRQ, portLOWEST_USABLE_INTERRUPT_PRIORITY
					 << portPRIORITY_SHIFT);
}

/*
 * Next compare value: one interval after the last one, or, if the cell
 * was held up for longer than that, one interval from now (the ticks in
 * between are lost rather than delivered in a burst).  Writing a compare
 * value in the future also deasserts the level-triggered interrupt.
 */
void bsp_tick_clear(void)
{
	uint64_t now = counter();

	next_tick += tick_interval;
	if (next_tick <= now)
		next_tick = now + tick_interval;
	set_compare(next_tick);
}

void bsp_tick_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb");
}
