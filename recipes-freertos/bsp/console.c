// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Console of the BSP: the UART the cell config names (copied by the
 * hypervisor into the communication region), PL011 or 8250 with 1- or
 * 4-byte register spacing, polled; or the hypervisor's debug console
 * (hypercall DEBUG_CONSOLE_PUTC) when the comm region says it is active.
 * Anything else stays silent: guessing a UART address could fail the cell.
 *
 * Also a small printf: %c %s %d %i %u %x %X %p %%, with l/ll/z, width,
 * '0' and '-' flags.  bsp_printf() formats a whole line first and writes
 * it with the scheduler suspended, so lines of different tasks never mix.
 */
#include <stdbool.h>
#include <string.h>

#include <jailhouse/hypercall.h>

#include "FreeRTOS.h"
#include "task.h"

#include "bsp.h"

enum console_kind { CON_SILENT, CON_PL011, CON_8250, CON_HYPERCALL };

static enum console_kind con_kind;
static uintptr_t con_base;
static unsigned int con_stride;

#define PL011_DR		0x00
#define PL011_FR		0x18
#define PL011_FR_TXFF		(1 << 5)
#define UART8250_THR		0
#define UART8250_LSR		5
#define UART8250_LSR_THRE	(1 << 5)

void bsp_console_init(void)
{
	const struct jailhouse_comm_region *comm =
		(const void *)BSP_COMM_REGION_BASE;
	const struct jailhouse_console *con = &comm->console;

	if (comm->flags & JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE) {
		con_kind = CON_HYPERCALL;
		return;
	}
	if (!CON_IS_MMIO(con->flags) || con->address == 0)
		return;
	con_base = con->address;
	switch (con->type) {
	case JAILHOUSE_CON_TYPE_PL011:
		con_kind = CON_PL011;
		break;
	case JAILHOUSE_CON_TYPE_8250:
		con_stride = CON_USES_REGDIST_1(con->flags) ? 1 : 4;
		con_kind = CON_8250;
		break;
	default:
		break;
	}
}

static inline uint32_t read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void write32(uintptr_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

static uint32_t uart8250_read(unsigned int reg)
{
	if (con_stride == 1)
		return *(volatile uint8_t *)(con_base + reg);
	return read32(con_base + reg * 4);
}

static void uart8250_write(unsigned int reg, uint32_t val)
{
	if (con_stride == 1)
		*(volatile uint8_t *)(con_base + reg) = val;
	else
		write32(con_base + reg * 4, val);
}

static void raw_putc(char c)
{
	switch (con_kind) {
	case CON_PL011:
		while (read32(con_base + PL011_FR) & PL011_FR_TXFF)
			__asm__ volatile("yield");
		write32(con_base + PL011_DR, (uint8_t)c);
		break;
	case CON_8250:
		while (!(uart8250_read(UART8250_LSR) & UART8250_LSR_THRE))
			__asm__ volatile("yield");
		uart8250_write(UART8250_THR, (uint8_t)c);
		break;
	case CON_HYPERCALL:
		jailhouse_call_arg1(JAILHOUSE_HC_DEBUG_CONSOLE_PUTC,
				    (uint8_t)c);
		break;
	case CON_SILENT:
		break;
	}
}

void bsp_putc(char c)
{
	if (c == '\n')
		raw_putc('\r');
	raw_putc(c);
}

void bsp_puts(const char *s)
{
	while (*s)
		bsp_putc(*s++);
}

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_number(struct out *o, unsigned long long v, unsigned int base,
		       bool upper, bool negative, int width, char pad,
		       bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + negative;
	if (negative && pad == '0')
		out_char(o, '-');
	for (; !left && width > len; width--)
		out_char(o, pad);
	if (negative && pad != '0')
		out_char(o, '-');
	while (n)
		out_char(o, tmp[--n]);
	for (; left && width > len; width--)
		out_char(o, ' ');
}

int bsp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		bool left = false;
		char pad = ' ';
		unsigned long long u;
		long long s;
		const char *str;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs += *fmt == 'z' ? 2 : 1;
		if (left)
			pad = ' ';
		switch (*fmt) {
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			for (s = strlen(str); !left && width > s; width--)
				out_char(&o, ' ');
			while (*str)
				out_char(&o, *str++);
			for (; left && width > s; width--)
				out_char(&o, ' ');
			break;
		case 'd':
		case 'i':
			s = longs ? va_arg(ap, long long) : va_arg(ap, int);
			u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
			out_number(&o, u, 10, false, s < 0, width, pad, left);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = longs ? va_arg(ap, unsigned long long)
				  : va_arg(ap, unsigned int);
			out_number(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X',
				   false, width, pad, left);
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, (uintptr_t)va_arg(ap, void *), 16, false,
				   false, width, pad, left);
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int bsp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = bsp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

void bsp_printf(const char *fmt, ...)
{
	bool locked = false;
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	bsp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	/*
	 * Tasks print with the scheduler suspended (interrupts stay enabled,
	 * the tick keeps counting); interrupt handlers and the code before
	 * the scheduler print directly.
	 */
	if (!bsp_in_interrupt() &&
	    xTaskGetSchedulerState() == taskSCHEDULER_RUNNING) {
		vTaskSuspendAll();
		locked = true;
	}
	bsp_puts(line);
	if (locked)
		xTaskResumeAll();
}
