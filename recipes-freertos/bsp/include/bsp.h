/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The Jailhouse BSP for FreeRTOS: what the kernel configuration and the
 * application see of the console, the GIC, the tick, the communication
 * region and the status record.
 */
#ifndef BSP_H
#define BSP_H

#ifndef __ASSEMBLER__
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Guest address of the communication region in Jailhouse cell configs. */
#define BSP_COMM_REGION_BASE	0x80000000UL

/* Console (bsp/console.c): the UART the comm region names. */
void bsp_console_init(void);
void bsp_putc(char c);
void bsp_puts(const char *s);
int bsp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int bsp_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Whole lines: never interleaved with another task's output. */
void bsp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* GIC (bsp/gic.c) */
int bsp_gic_init(void);
int bsp_gic_version(void);
int bsp_gic_enable_irq(unsigned int irq, uint8_t priority);
typedef void (*bsp_irq_handler_t)(unsigned int irq);
int bsp_irq_register(unsigned int irq, bsp_irq_handler_t handler);
int bsp_gic_emulate_sysreg(uint32_t insn, uint64_t *regs);

/* Tick (bsp/timer.c) */
void bsp_tick_setup(void);
void bsp_tick_clear(void);
void bsp_tick_stop(void);
#define BSP_TICK_IRQ		27	/* virtual timer PPI */

/* Jailhouse (bsp/jailhouse.c) */
int bsp_comm_region_valid(void);
void bsp_poll_jailhouse(void);
/* Weak, true by default: may the cell be shut down now? */
int bsp_shutdown_allowed(void);
void bsp_halt(void) __attribute__((noreturn));
void bsp_fail(void) __attribute__((noreturn));
void bsp_assert_failed(const char *file, int line) __attribute__((noreturn));

/* Status record (bsp/status.c) */
void bsp_status_progress(uint64_t tick);
void bsp_status_count_error(void);
void bsp_status_shutdown(uint64_t tick);

/* Exceptions (bsp/exception.c) */
int bsp_in_interrupt(void);

/* The application's entry point, called with IRQs masked. */
int main(void);
#endif /* __ASSEMBLER__ */

#endif /* BSP_H */
