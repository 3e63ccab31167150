/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * User interface of the jailhouse driver: ioctls on /dev/jailhouse.
 *
 * Used by the kernel module and by userspace (the jailhouse CLI).  The
 * structs are naturally aligned with explicit padding, so 32- and 64-bit
 * userspace see the same layout; pointers travel as __u64.
 *
 * The Rust twin is abi/src/ioctl.rs in the jailhouse-abi crate.
 */
#ifndef _JAILHOUSE_IOCTL_H
#define _JAILHOUSE_IOCTL_H

#include <jailhouse/types.h>

#if defined(__KERNEL__)
#include <linux/ioctl.h>
#elif defined(__linux__) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ && \
	defined(__has_include)
#if __has_include(<linux/ioctl.h>)
#include <linux/ioctl.h>
#endif
#endif

#ifndef _IOW
/*
 * Freestanding build without the kernel's headers: the generic Linux
 * encoding (arm64, x86): dir:2 | size:14 | type:8 | nr:8, most significant
 * first, with "write" (user to kernel) = 1.
 */
#define _IOC(dir, type, nr, size) \
	(((dir) << 30) | ((size) << 16) | ((type) << 8) | (nr))
#define _IO(type, nr)		_IOC(0U, (type), (nr), 0U)
#define _IOW(type, nr, argtype)	_IOC(1U, (type), (nr), sizeof(argtype))
#endif

/* Sentinel for jailhouse_cell_id.id: look the cell up by name instead. */
#define JAILHOUSE_CELL_ID_UNUSED	(-1)
#define JAILHOUSE_CELL_ID_NAMELEN	32

struct jailhouse_cell_create {
	__u64 config_address;	/* user pointer to the cell config */
	__u32 config_size;
	__u32 padding;
};

struct jailhouse_cell_id {
	__s32 id;		/* or JAILHOUSE_CELL_ID_UNUSED */
	__u32 padding;
	char name[JAILHOUSE_CELL_ID_NAMELEN];	/* used if id is unused */
};

struct jailhouse_preload_image {
	__u64 source_address;	/* user pointer */
	__u64 size;
	__u64 target_address;	/* guest physical address in the cell */
	__u64 padding;
};

struct jailhouse_cell_load {
	struct jailhouse_cell_id cell_id;
	__u32 num_preload_images;
	__u32 padding;
	struct jailhouse_preload_image image[];
};

/*
 * Argument: user pointer to the system config.  The number encodes
 * sizeof(void *): 0x40080000 for 64-bit user space.
 */
#define JAILHOUSE_ENABLE		_IOW(0, 0, void *)
#define JAILHOUSE_DISABLE		_IO(0, 1)
#define JAILHOUSE_CELL_CREATE		_IOW(0, 2, struct jailhouse_cell_create)
#define JAILHOUSE_CELL_LOAD		_IOW(0, 3, struct jailhouse_cell_load)
#define JAILHOUSE_CELL_START		_IOW(0, 4, struct jailhouse_cell_id)
#define JAILHOUSE_CELL_DESTROY		_IOW(0, 5, struct jailhouse_cell_id)

JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_cell_create) == 16,
		     "struct jailhouse_cell_create must be 16 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_cell_id) == 40,
		     "struct jailhouse_cell_id must be 40 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_preload_image) == 32,
		     "struct jailhouse_preload_image must be 32 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(struct jailhouse_cell_load) == 48,
		     "struct jailhouse_cell_load must be 48 bytes");
JAILHOUSE_ABI_ASSERT(JAILHOUSE_OFFSETOF(struct jailhouse_cell_load,
					image) == 48,
		     "jailhouse_cell_load.image must be at 48");

#endif /* !_JAILHOUSE_IOCTL_H */
