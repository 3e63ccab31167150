/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Hypercall interface between cells and the hypervisor (arm64).
 *
 * A cell issues "hvc #JAILHOUSE_HVC_CODE" with the hypercall code in x0 and
 * up to two arguments in x1 and x2.  The result comes back in x0: zero or a
 * positive value on success, a negative Linux errno on failure.  Every
 * other register is preserved.
 *
 * Each cell also has a communication region: one page the hypervisor maps
 * at the guest address of the cell's JAILHOUSE_MEM_COMM_REGION memory
 * region.  It carries the cell state, a message channel and the platform
 * facts an inmate needs to find its console and interrupt controller.
 *
 * The constants in this header are also usable from assembly sources
 * (__ASSEMBLY__ hides the C parts).  The Rust twin is the jailhouse-abi
 * crate (abi/src/hypercall.rs and abi/src/comm_region.rs).
 */
#ifndef _JAILHOUSE_HYPERCALL_H
#define _JAILHOUSE_HYPERCALL_H

/* Immediate of the hvc instruction; any other immediate is refused. */
#define JAILHOUSE_HVC_CODE		0x4a48

/* Hypercall codes (x0) */
#define JAILHOUSE_HC_DISABLE			0
#define JAILHOUSE_HC_CELL_CREATE		1
#define JAILHOUSE_HC_CELL_START			2
#define JAILHOUSE_HC_CELL_SET_LOADABLE		3
#define JAILHOUSE_HC_CELL_DESTROY		4
#define JAILHOUSE_HC_HYPERVISOR_GET_INFO	5
#define JAILHOUSE_HC_CELL_GET_STATE		6
#define JAILHOUSE_HC_CPU_GET_INFO		7
#define JAILHOUSE_HC_DEBUG_CONSOLE_PUTC		8

/* Argument of JAILHOUSE_HC_HYPERVISOR_GET_INFO */
#define JAILHOUSE_INFO_MEM_POOL_SIZE		0
#define JAILHOUSE_INFO_MEM_POOL_USED		1
#define JAILHOUSE_INFO_REMAP_POOL_SIZE		2
#define JAILHOUSE_INFO_REMAP_POOL_USED		3
#define JAILHOUSE_INFO_NUM_CELLS		4

/* Second argument of JAILHOUSE_HC_CPU_GET_INFO */
#define JAILHOUSE_CPU_INFO_STATE		0
#define JAILHOUSE_CPU_INFO_STAT_BASE		1000

/* Result of JAILHOUSE_CPU_INFO_STATE */
#define JAILHOUSE_CPU_RUNNING			0
#define JAILHOUSE_CPU_FAILED			2

/*
 * Per-CPU statistics, read with JAILHOUSE_CPU_INFO_STAT_BASE + index.
 * The first four are common to all architectures, the rest are arm64's.
 */
#define JAILHOUSE_CPU_STAT_VMEXITS_TOTAL	0
#define JAILHOUSE_CPU_STAT_VMEXITS_MMIO		1
#define JAILHOUSE_CPU_STAT_VMEXITS_MANAGEMENT	2
#define JAILHOUSE_CPU_STAT_VMEXITS_HYPERCALL	3
#define JAILHOUSE_GENERIC_CPU_STATS		4
#define JAILHOUSE_CPU_STAT_VMEXITS_MAINTENANCE	4
#define JAILHOUSE_CPU_STAT_VMEXITS_VIRQ		5
#define JAILHOUSE_CPU_STAT_VMEXITS_VSGI		6
#define JAILHOUSE_CPU_STAT_VMEXITS_PSCI		7
#define JAILHOUSE_CPU_STAT_VMEXITS_SMCCC	8
#define JAILHOUSE_NUM_CPU_STATS			9

/* Messages to a cell (jailhouse_comm_region.msg_to_cell) */
#define JAILHOUSE_MSG_NONE			0
#define JAILHOUSE_MSG_SHUTDOWN_REQUEST		1
#define JAILHOUSE_MSG_RECONFIG_COMPLETED	2

/* Replies from a cell (jailhouse_comm_region.reply_from_cell) */
#define JAILHOUSE_MSG_UNKNOWN			1
#define JAILHOUSE_MSG_REQUEST_DENIED		2
#define JAILHOUSE_MSG_REQUEST_APPROVED		3
#define JAILHOUSE_MSG_RECEIVED			4

/* Cell states (jailhouse_comm_region.cell_state, JAILHOUSE_HC_CELL_GET_STATE) */
#define JAILHOUSE_CELL_RUNNING			0
#define JAILHOUSE_CELL_RUNNING_LOCKED		1
#define JAILHOUSE_CELL_SHUT_DOWN		2 /* terminal */
#define JAILHOUSE_CELL_FAILED			3 /* terminal */
#define JAILHOUSE_CELL_FAILED_COMM_REV		4 /* terminal */

/* Communication region identification */
#define COMM_REGION_ABI_REVISION		2
#define COMM_REGION_MAGIC			"JHCOMM"

/* jailhouse_comm_region.flags */
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED	0x0001
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE	0x0002

#define COMM_REGION_DBG_PUTC_PERMITTED(flags) \
	!!((flags) & JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED)
#define COMM_REGION_DBG_PUTC_ACTIVE(flags) \
	!!((flags) & JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE)

#ifndef __ASSEMBLY__

#include <jailhouse/types.h>
#include <jailhouse/cell-config.h>

/*
 * The communication region of an arm or arm64 cell; 100 bytes of the page
 * are used.  The hypervisor zeroes the page and fills it in when the cell
 * starts.
 */
struct jailhouse_comm_region {
	char signature[6];		/* COMM_REGION_MAGIC */
	__u16 revision;			/* COMM_REGION_ABI_REVISION */
	volatile __u32 cell_state;	/* JAILHOUSE_CELL_* */
	volatile __u32 msg_to_cell;	/* JAILHOUSE_MSG_* */
	volatile __u32 reply_from_cell;	/* JAILHOUSE_MSG_* */
	__u32 flags;			/* JAILHOUSE_COMM_FLAG_* */
	struct jailhouse_console console;	/* the cell config's console */
	__u64 pci_mmconfig_base;	/* from the system config */

	/* arm/arm64 part */
	__u8 gic_version;
	__u8 padding[7];
	__u64 gicd_base;
	__u64 gicc_base;
	__u64 gicr_base;
	__u32 vpci_irq_base;		/* from the cell config */
} __attribute__((packed));

JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_comm_region) == 100,
		     "struct jailhouse_comm_region must be 100 bytes");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_comm_region,
					console) == 24,
		     "jailhouse_comm_region.console must be at 24");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_comm_region,
					gic_version) == 64,
		     "jailhouse_comm_region.gic_version must be at 64");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_comm_region,
					vpci_irq_base) == 96,
		     "jailhouse_comm_region.vpci_irq_base must be at 96");

#if defined(__aarch64__)
/*
 * Hypercall helpers for the driver, inmates and RTOS ports.  The
 * hypervisor preserves every register except x0; the "memory" clobber
 * orders the call against the memory accesses around it (configs the
 * hypervisor reads, comm region fields it writes).
 */
static inline long jailhouse_call(unsigned long code)
{
	register unsigned long x0 __asm__("x0") = code;

	__asm__ volatile("hvc #0x4a48" : "+r"(x0) : : "memory");
	return (long)x0;
}

static inline long jailhouse_call_arg1(unsigned long code, unsigned long arg1)
{
	register unsigned long x0 __asm__("x0") = code;
	register unsigned long x1 __asm__("x1") = arg1;

	__asm__ volatile("hvc #0x4a48" : "+r"(x0) : "r"(x1) : "memory");
	return (long)x0;
}

static inline long jailhouse_call_arg2(unsigned long code, unsigned long arg1,
				       unsigned long arg2)
{
	register unsigned long x0 __asm__("x0") = code;
	register unsigned long x1 __asm__("x1") = arg1;
	register unsigned long x2 __asm__("x2") = arg2;

	__asm__ volatile("hvc #0x4a48" : "+r"(x0) : "r"(x1), "r"(x2)
			 : "memory");
	return (long)x0;
}
#endif /* __aarch64__ */

/*
 * Message channel helpers.  The side that starts an exchange clears the
 * answer slot before it publishes the new message; the release fence
 * between the two volatile stores ("dmb ish" on arm64) keeps that order
 * visible to the other CPU, otherwise the peer could take a stale reply
 * for the answer to the new message.
 */
static inline void
jailhouse_send_msg_to_cell(struct jailhouse_comm_region *comm_region,
			   __u32 msg)
{
	comm_region->reply_from_cell = JAILHOUSE_MSG_NONE;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	comm_region->msg_to_cell = msg;
}

static inline void
jailhouse_send_reply_from_cell(struct jailhouse_comm_region *comm_region,
			       __u32 reply)
{
	comm_region->msg_to_cell = JAILHOUSE_MSG_NONE;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	comm_region->reply_from_cell = reply;
}

#endif /* !__ASSEMBLY__ */

#endif /* !_JAILHOUSE_HYPERCALL_H */
