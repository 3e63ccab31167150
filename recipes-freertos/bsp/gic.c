// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The GIC as the cell sees it, version and addresses from the
 * communication region (one FreeRTOS.bin for QEMU's GICv3 and the RPi4's
 * GIC-400), and the interrupt hook the FreeRTOS port calls.
 *
 * The port (portable/GCC/ARM_AARCH64_SRE) drives the CPU interface through
 * the GICv3 system registers ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_PMR_EL1 and
 * ICC_RPR_EL1.  On a GICv3 that is native (with Jailhouse, the virtual
 * ICV_* registers).  On a GICv2 those registers do not exist and their
 * accesses are undefined instructions: the exception handler hands them to
 * bsp_gic_emulate_sysreg(), which performs them on the memory-mapped
 * (virtual) CPU interface, so the same port code runs on both.
 *
 * Distributor and redistributor accesses are 32 bits wide (Jailhouse
 * emulates them); the cell may only change its own interrupts there.
 */
#include <stdbool.h>

#include <jailhouse/hypercall.h>

#include "FreeRTOS.h"
#include "task.h"

#include "bsp.h"

#define GICD_ISENABLER		0x100
#define GICD_IPRIORITYR		0x400

#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_IAR		0x0c
#define GICC_EOIR		0x10
#define GICC_RPR		0x14
/* EnableGrp0 | EnableGrp1 | AckCtl: every group signalled as IRQ */
#define GICC_CTLR_ENABLE	0x7

#define GICR_TYPER		0x08
#define GICR_WAKER		0x14
#define GICR_WAKER_SLEEP	(1 << 1)
#define GICR_WAKER_ASLEEP	(1 << 2)
#define GICR_TYPER_VLPIS	(1 << 1)
#define GICR_TYPER_LAST		(1 << 4)
#define GICR_STRIDE		0x20000
#define GICR_WINDOW		(32 * GICR_STRIDE)
#define GICR_SGI_BASE		0x10000

#define NR_IRQS			1020

static int gic_version;
static uintptr_t gicd, gicc, gicr_sgi;
static bsp_irq_handler_t handlers[NR_IRQS];

static inline uint32_t read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void write32(uintptr_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

#define write_sysreg(reg, val) \
	__asm__ volatile("msr " reg ", %0" : : "r"((uint64_t)(val)))
#define read_sysreg(reg) ({ \
	uint64_t __v; \
	__asm__ volatile("mrs %0, " reg : "=r"(__v)); \
	__v; })

/* Encoded names, so that any assembler takes them. */
#define ICC_PMR_EL1		"s3_0_c4_c6_0"
#define ICC_IAR1_EL1		"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1		"s3_0_c12_c12_1"
#define ICC_RPR_EL1		"s3_0_c12_c11_3"
#define ICC_BPR1_EL1		"s3_0_c12_c12_3"
#define ICC_SRE_EL1		"s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1		"s3_0_c12_c12_7"

static uint32_t mpidr_affinity(void)
{
	uint64_t mpidr = read_sysreg("mpidr_el1");

	return (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);
}

/* This CPU's redistributor: the one whose GICR_TYPER names its MPIDR. */
static uintptr_t find_redistributor(uintptr_t base)
{
	uint32_t affinity = mpidr_affinity();
	uintptr_t frame;

	for (frame = base; frame < base + GICR_WINDOW;) {
		uint32_t typer_lo = read32(frame + GICR_TYPER);
		uint32_t typer_hi = read32(frame + GICR_TYPER + 4);

		if (typer_hi == affinity)
			return frame;
		if (typer_lo & GICR_TYPER_LAST)
			break;
		frame += (typer_lo & GICR_TYPER_VLPIS) ? 2 * GICR_STRIDE
						       : GICR_STRIDE;
	}
	return 0;
}

static int gicv3_init(const struct jailhouse_comm_region *comm)
{
	uintptr_t redist;
	unsigned int n;

	if (!comm->gicd_base || !comm->gicr_base)
		return -1;
	redist = find_redistributor(comm->gicr_base);
	if (!redist) {
		bsp_printf("FreeRTOS: no GICv3 redistributor for affinity 0x%x\n",
			   mpidr_affinity());
		return -1;
	}
	write32(redist + GICR_WAKER,
		read32(redist + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (n = 0; read32(redist + GICR_WAKER) & GICR_WAKER_ASLEEP; n++) {
		if (n > 1000000) {
			bsp_printf("FreeRTOS: GICv3 redistributor asleep\n");
			return -1;
		}
		__asm__ volatile("yield");
	}
	gicd = comm->gicd_base;
	gicr_sgi = redist + GICR_SGI_BASE;

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	__asm__ volatile("isb");
	/* All masked until the first task starts (the port then sets PMR). */
	write_sysreg(ICC_PMR_EL1, 0);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	__asm__ volatile("isb");
	return 0;
}

static int gicv2_init(const struct jailhouse_comm_region *comm)
{
	if (!comm->gicd_base || !comm->gicc_base)
		return -1;
	gicd = comm->gicd_base;
	gicc = comm->gicc_base;
	write32(gicc + GICC_PMR, 0);
	write32(gicc + GICC_BPR, 0);
	write32(gicc + GICC_CTLR, GICC_CTLR_ENABLE);
	return 0;
}

int bsp_gic_init(void)
{
	const struct jailhouse_comm_region *comm =
		(const void *)BSP_COMM_REGION_BASE;
	int err;

	switch (comm->gic_version) {
	case 3:
		err = gicv3_init(comm);
		break;
	case 2:
		err = gicv2_init(comm);
		break;
	default:
		bsp_printf("FreeRTOS: unsupported GIC version %u\n",
			   comm->gic_version);
		return -1;
	}
	if (!err)
		gic_version = comm->gic_version;
	return err;
}

int bsp_gic_version(void)
{
	return gic_version;
}

int bsp_gic_enable_irq(unsigned int irq, uint8_t priority)
{
	uintptr_t bank, prio_reg;
	unsigned int shift = 8 * (irq % 4);

	if (!gic_version || irq >= NR_IRQS)
		return -1;
	/* GICv3 SGIs/PPIs: this CPU's redistributor; else the distributor. */
	bank = (gic_version == 3 && irq < 32) ? gicr_sgi : gicd;
	if (bank == gicr_sgi)
		irq %= 32;
	prio_reg = bank + GICD_IPRIORITYR + 4 * (irq / 4);
	write32(prio_reg, (read32(prio_reg) & ~(0xffU << shift)) |
			  ((uint32_t)priority << shift));
	write32(bank + GICD_ISENABLER + 4 * (irq / 32), 1U << (irq % 32));
	return 0;
}

int bsp_irq_register(unsigned int irq, bsp_irq_handler_t handler)
{
	if (irq >= NR_IRQS)
		return -1;
	handlers[irq] = handler;
	return 0;
}

/*
 * The port's IRQ hook, called with the acknowledge value after the port
 * saved the FP/SIMD registers; the port writes the end of interrupt.
 */
void vApplicationFPUSafeIRQHandler(uint32_t iar)
{
	unsigned int irq = iar & (gic_version == 2 ? 0x3ff : 0xffffff);

	if (irq == BSP_TICK_IRQ)
		FreeRTOS_Tick_Handler();
	else if (irq >= NR_IRQS)
		return;		/* spurious */
	else if (handlers[irq])
		handlers[irq](irq);
	else
		bsp_printf("FreeRTOS: unexpected interrupt %u\n", irq);
}

/*
 * GICv2: perform the GICv3 CPU-interface register access "insn" (an MRS
 * or MSR that raised an undefined-instruction exception) on the GICC.
 * regs[0..30] are the interrupted x0..x30.  Returns 1 if emulated.
 */
#define INSN_SYSREG_MASK	0xffd00000	/* MRS/MSR (register), op0 2|3 */
#define INSN_SYSREG		0xd5100000
#define INSN_READ		(1 << 21)
/* o0:op1:CRn:CRm:op2, bits 19:5 of the instruction */
#define SYSREG_KEY(op1, crn, crm, op2) \
	((1 << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

int bsp_gic_emulate_sysreg(uint32_t insn, uint64_t *regs)
{
	unsigned int rt = insn & 0x1f;
	bool read = insn & INSN_READ;
	uint32_t offset;
	uint64_t value;

	if (gic_version != 2 || (insn & INSN_SYSREG_MASK) != INSN_SYSREG)
		return 0;
	switch ((insn >> 5) & 0x7fff) {
	case SYSREG_KEY(0, 4, 6, 0):
		offset = GICC_PMR;
		break;
	case SYSREG_KEY(0, 12, 12, 0):
		offset = GICC_IAR;
		break;
	case SYSREG_KEY(0, 12, 12, 1):
		offset = GICC_EOIR;
		break;
	case SYSREG_KEY(0, 12, 12, 3):
		offset = GICC_BPR;
		break;
	case SYSREG_KEY(0, 12, 11, 3):
		offset = GICC_RPR;
		break;
	default:
		return 0;
	}
	if (read) {
		value = read32(gicc + offset);
		if (rt != 31)
			regs[rt] = value;
	} else {
		write32(gicc + offset, rt == 31 ? 0 : (uint32_t)regs[rt]);
	}
	return 1;
}
