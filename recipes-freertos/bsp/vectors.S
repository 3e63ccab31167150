/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * EL1 exception vectors of FreeRTOS.bin (_freertos_vector_table, the name
 * the port installs in vPortRestoreTaskContext; startup installs it too).
 *
 * Tasks run in EL1t (on SP_EL0), interrupt handlers and the code before
 * the scheduler in EL1h, so both "current EL" groups are live:
 *   IRQ              -> the port's FreeRTOS_IRQ_Handler
 *   synchronous, SVC -> the port's FreeRTOS_SWI_Handler (task yield)
 *   synchronous, other, FIQ, SError, lower EL
 *                    -> save every register in an exception frame on
 *                       SP_EL1 and call bsp_exception() (exception.c),
 *                       which emulates the GICv3 system registers on a
 *                       GICv2 or reports the exception and stops the cell;
 *                       on return the frame (possibly changed) is restored.
 */

/* struct bsp_frame in exception.c: x0..x30, sp_el0, elr, spsr, esr, far */
#define FRAME_SIZE	(36 * 8)

.macro	save_frame kind
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0 * 8]
	stp	x2, x3, [sp, #2 * 8]
	stp	x4, x5, [sp, #4 * 8]
	stp	x6, x7, [sp, #6 * 8]
	stp	x8, x9, [sp, #8 * 8]
	stp	x10, x11, [sp, #10 * 8]
	stp	x12, x13, [sp, #12 * 8]
	stp	x14, x15, [sp, #14 * 8]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #18 * 8]
	stp	x20, x21, [sp, #20 * 8]
	stp	x22, x23, [sp, #22 * 8]
	stp	x24, x25, [sp, #24 * 8]
	stp	x26, x27, [sp, #26 * 8]
	stp	x28, x29, [sp, #28 * 8]
	mrs	x0, sp_el0
	stp	x30, x0, [sp, #30 * 8]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #32 * 8]
	mrs	x0, esr_el1
	mrs	x1, far_el1
	stp	x0, x1, [sp, #34 * 8]
	mov	x0, sp
	mov	x1, #\kind
	bl	bsp_exception
	b	restore_frame
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	_freertos_vector_table
_freertos_vector_table:
	/* current EL, SP_EL0 (tasks) */
	.balign	0x80
	b	sync_entry
	.balign	0x80
	b	FreeRTOS_IRQ_Handler
	.balign	0x80
	save_frame 2
	.balign	0x80
	save_frame 3
	/* current EL, SP_ELx (interrupt handlers, startup) */
	.balign	0x80
	b	sync_entry
	.balign	0x80
	b	FreeRTOS_IRQ_Handler
	.balign	0x80
	save_frame 2
	.balign	0x80
	save_frame 3
	/* lower EL, AArch64 and AArch32: never used */
	.irp	kind, 4, 4, 4, 4, 5, 5, 5, 5
	.balign	0x80
	save_frame \kind
	.endr

	.balign	0x80
sync_entry:
	/* An SVC is a yield: hand it over with every register intact. */
	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el1
	lsr	x0, x0, #26
	cmp	x0, #0x15
	ldp	x0, x1, [sp], #16
	b.eq	FreeRTOS_SWI_Handler
	save_frame 0

restore_frame:
	ldp	x0, x1, [sp, #32 * 8]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x30, x0, [sp, #30 * 8]
	msr	sp_el0, x0
	ldp	x0, x1, [sp, #0 * 8]
	ldp	x2, x3, [sp, #2 * 8]
	ldp	x4, x5, [sp, #4 * 8]
	ldp	x6, x7, [sp, #6 * 8]
	ldp	x8, x9, [sp, #8 * 8]
	ldp	x10, x11, [sp, #10 * 8]
	ldp	x12, x13, [sp, #12 * 8]
	ldp	x14, x15, [sp, #14 * 8]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #18 * 8]
	ldp	x20, x21, [sp, #20 * 8]
	ldp	x22, x23, [sp, #22 * 8]
	ldp	x24, x25, [sp, #24 * 8]
	ldp	x26, x27, [sp, #26 * 8]
	ldp	x28, x29, [sp, #28 * 8]
	add	sp, sp, #FRAME_SIZE
	eret
