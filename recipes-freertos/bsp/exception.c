// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Exceptions the port does not handle (vectors.S): GICv3 register
 * accesses to emulate on a GICv2, and faults.  A fault is reported on the
 * console (kind, ESR with its exception class, ELR, FAR, SPSR, the
 * interrupted task and all registers), then the cell is marked failed and
 * its CPU stopped; nothing hangs silently.
 */
#include <jailhouse/hypercall.h>

#include "FreeRTOS.h"
#include "task.h"

#include "bsp.h"

struct bsp_frame {
	uint64_t x[31];
	uint64_t sp_el0;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

_Static_assert(sizeof(struct bsp_frame) == 36 * 8, "vectors.S FRAME_SIZE");

extern uint64_t ullPortInterruptNesting;

int bsp_in_interrupt(void)
{
	return ullPortInterruptNesting != 0;
}

static const char *const kinds[] = {
	"synchronous exception", "IRQ", "FIQ", "SError",
	"exception from a lower EL (AArch64)",
	"exception from a lower EL (AArch32)",
};

static const char *exception_class(unsigned int ec)
{
	switch (ec) {
	case 0x00: return "unknown reason / undefined instruction";
	case 0x01: return "WFI/WFE trapped";
	case 0x07: return "FP/SIMD access trapped";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x18: return "system register access trapped";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2c: return "FP exception";
	case 0x2f: return "SError";
	case 0x3c: return "BRK instruction";
	default: return "other";
	}
}

static void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print(const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	bsp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	bsp_puts(line);
}

void bsp_exception(struct bsp_frame *frame, unsigned int kind)
{
	unsigned int ec = frame->esr >> 26;
	unsigned int i;

	if (kind == 0 && ec == 0x00 && (frame->spsr & 0xc) == 0x4 &&
	    bsp_gic_emulate_sysreg(*(const uint32_t *)frame->elr, frame->x)) {
		frame->elr += 4;
		return;
	}

	print("\nFreeRTOS: unhandled %s\n",
	      kind < sizeof(kinds) / sizeof(kinds[0]) ? kinds[kind] : "?");
	print("  ESR 0x%08lx (EC 0x%02x: %s)\n", (unsigned long)frame->esr, ec,
	      exception_class(ec));
	print("  ELR 0x%016lx  FAR 0x%016lx  SPSR 0x%08lx\n",
	      (unsigned long)frame->elr, (unsigned long)frame->far,
	      (unsigned long)frame->spsr);
	if (xTaskGetSchedulerState() != taskSCHEDULER_NOT_STARTED)
		print("  task \"%s\"%s\n", pcTaskGetName(NULL),
		      bsp_in_interrupt() ? ", in an interrupt handler" : "");
	for (i = 0; i < 31; i += 2) {
		if (i == 30)
			print("  x30 0x%016lx  sp_el0 0x%016lx\n",
			      (unsigned long)frame->x[30],
			      (unsigned long)frame->sp_el0);
		else
			print("  x%-2u 0x%016lx  x%-2u 0x%016lx\n", i,
			      (unsigned long)frame->x[i], i + 1,
			      (unsigned long)frame->x[i + 1]);
	}
	print("FreeRTOS: cell stopped\n");
	bsp_fail();
}
