/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Header at offset 0 of the hypervisor image (jailhouse.bin), and the
 * virtual console page the hypervisor shares with the root cell.
 *
 * The build fills in the first six fields, the driver the rest before it
 * enters the hypervisor.  Offsets such as "entry" and "console_page" are
 * relative to the start of the image.  All fields are fixed-width so that
 * the layout (80 bytes) does not depend on the compiler's data model.
 *
 * The Rust twin is abi/src/header.rs in the jailhouse-abi crate.
 */
#ifndef _JAILHOUSE_HEADER_H
#define _JAILHOUSE_HEADER_H

#include <jailhouse/types.h>

#define JAILHOUSE_SIGNATURE		"JAILHOUS"
#define JAILHOUSE_HEADER_SIGNATURE_SIZE	8

/* jailhouse_header.arm_linux_hyp_abi: how Linux's hyp stub is driven */
#define HYP_STUB_ABI_LEGACY		0	/* kernels before 4.12 */
#define HYP_STUB_ABI_OPCODE		1	/* 4.12 and later */

/* Size of the virtual console ring; a power of two. */
#define JAILHOUSE_VIRT_CONSOLE_SIZE	2048

struct jailhouse_header {
	char signature[JAILHOUSE_HEADER_SIGNATURE_SIZE];
	__u64 core_size;	/* image + bss up to the page pool, page aligned */
	__u64 percpu_size;	/* per-CPU data size, a page multiple */
	__u64 entry;		/* offset of the entry point in the image */
	__u64 console_page;	/* offset of struct jailhouse_virt_console */
	__u64 gcov_info_head;

	__u32 max_cpus;		/* highest root CPU id + 1 (driver) */
	__u32 online_cpus;	/* driver */
	__u64 debug_console_base;	/* hypervisor's UART mapping */
	__u64 arm_linux_hyp_vectors;	/* physical address (driver) */
	__u32 arm_linux_hyp_abi;	/* HYP_STUB_ABI_* (driver) */
	__u32 padding;
} __attribute__((packed));

/*
 * Ring of hypervisor console output.  A writer sets busy, appends, then
 * clears busy; tail counts every byte ever written.  A reader copies until
 * it sees the same tail before and after with busy clear.
 */
struct jailhouse_virt_console {
	volatile __u32 busy;
	volatile __u32 tail;
	char content[JAILHOUSE_VIRT_CONSOLE_SIZE];
} __attribute__((packed));

JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_header) == 80,
		     "struct jailhouse_header must be 80 bytes");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_header,
					max_cpus) == 48,
		     "jailhouse_header.max_cpus must be at 48");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_header,
					arm_linux_hyp_abi) == 72,
		     "jailhouse_header.arm_linux_hyp_abi must be at 72");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_virt_console) == 2056,
		     "struct jailhouse_virt_console must be 2056 bytes");

#endif /* !_JAILHOUSE_HEADER_H */
