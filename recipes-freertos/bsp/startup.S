/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Reset entry of FreeRTOS.bin and its stage-1 page tables.
 *
 * Jailhouse starts the cell's CPU at guest address 0 in EL1h with the MMU
 * and caches off and D, A, I, F masked.  This file installs the vectors,
 * enables FP/SIMD, turns the MMU on with the identity map below, clears
 * the BSS, sets the exception stack and calls bsp_start() in C.  Nothing
 * before the MMU is on writes memory: with the MMU off every access is
 * Device-nGnRnE, where unaligned and exclusive accesses fault.
 *
 * The identity map (4 KiB granule, 39-bit addresses, walks from level 1)
 * is built by the assembler, no code fills it:
 *   GiB 0: 2 MiB blocks, the cell's RAM [0, BSP_RAM_SIZE) normal
 *          write-back memory, the rest Device-nGnRE (UART, GIC on QEMU)
 *   GiB 2: normal memory, never executable (the comm region at 0x80000000)
 *   GiB 3: Device-nGnRE (the RPi4's peripherals and GIC-400)
 * Stage 1 maps more than the cell owns; stage 2 decides what it may touch.
 */

#define MAIR_VALUE	0x04ff		/* attr 0: normal WB RA/WA, 1: Device-nGnRE */
#define DESC_BLOCK	0x1
#define DESC_TABLE	0x3
#define DESC_AF		(1 << 10)
#define DESC_SH_INNER	(3 << 8)
#define DESC_ATTR_DEV	(1 << 2)
#define DESC_XN		(3 << 53)	/* PXN | UXN */
#define BLOCK_NORMAL	(DESC_BLOCK | DESC_AF | DESC_SH_INNER)
#define BLOCK_DEVICE	(DESC_BLOCK | DESC_AF | DESC_ATTR_DEV | DESC_XN)

/* T0SZ 25, inner/outer WB RA/WA walks, inner shareable, 4 KiB, EPD1 */
#define TCR_VALUE	(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
#define TCR_IPS_SHIFT	32
/* RES1 bits as the hypervisor leaves them, plus M, C, I */
#define SCTLR_VALUE	(0x30d00800 | (1 << 0) | (1 << 2) | (1 << 12))
#define CPACR_FPEN	(3 << 20)

	.section .text.boot, "ax"
	.global _reset
_reset:
	adrp	x0, _freertos_vector_table
	add	x0, x0, :lo12:_freertos_vector_table
	msr	vbar_el1, x0
	mov	x0, #CPACR_FPEN
	msr	cpacr_el1, x0
	isb

	ldr	x0, =MAIR_VALUE
	msr	mair_el1, x0
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf			/* PARange */
	cmp	x1, #5
	mov	x2, #5
	csel	x1, x1, x2, ls			/* at most 48 bits */
	ldr	x0, =TCR_VALUE
	orr	x0, x0, x1, lsl #TCR_IPS_SHIFT
	msr	tcr_el1, x0
	adrp	x0, bsp_l1_table
	add	x0, x0, :lo12:bsp_l1_table
	msr	ttbr0_el1, x0
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x0, =SCTLR_VALUE
	msr	sctlr_el1, x0
	isb

	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	mov	sp, x0
	bl	bsp_start
3:	wfi
	b	3b
	.ltorg

	.section .data.pagetables, "aw"
	.balign	4096
	.global bsp_l1_table
bsp_l1_table:
	.quad	bsp_l2_table + DESC_TABLE		/* GiB 0 */
	.quad	0					/* GiB 1: not ours */
	.quad	0x80000000 + BLOCK_NORMAL + DESC_XN	/* GiB 2 */
	.quad	0xc0000000 + BLOCK_DEVICE		/* GiB 3 */
	.fill	508, 8, 0

	.balign	4096
bsp_l2_table:
	.set	block, 0
	.rept	512
	.if	(block << 21) < BSP_RAM_SIZE
	.quad	(block << 21) + BLOCK_NORMAL
	.else
	.quad	(block << 21) + BLOCK_DEVICE
	.endif
	.set	block, block + 1
	.endr
