/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Fixed-width integer types for the jailhouse-rs ABI headers.
 *
 * The ABI headers are included from four different worlds: the Linux kernel
 * module (kernel headers, __KERNEL__ defined), Linux userspace (a hosted
 * compiler that has the uapi headers), freestanding code (cell configs
 * compiled with -ffreestanding -nostdinc, inmates, the FreeRTOS port), and
 * the host-side layout probe of the Rust ABI crate.  All of them see the
 * same __u8 ... __u64 names.
 *
 * When the kernel's definitions are reachable we use them.  Otherwise we
 * define the types ourselves, spelled exactly as the kernel's
 * asm-generic/int-ll64.h spells them (__u64 is "unsigned long long", not
 * "unsigned long"): if <linux/types.h> is included after this header, the
 * C11 rule that allows repeating a typedef with the same type keeps both
 * definitions legal.
 */
#ifndef _JAILHOUSE_TYPES_H
#define _JAILHOUSE_TYPES_H

#if defined(__KERNEL__)
#include <linux/types.h>
#define JAILHOUSE_HAVE_LINUX_TYPES 1
#elif defined(__linux__) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ && \
	defined(__has_include)
#if __has_include(<linux/types.h>)
#include <linux/types.h>
#define JAILHOUSE_HAVE_LINUX_TYPES 1
#endif
#endif

/* _ASM_GENERIC_INT_LL64_H: the kernel's definitions arrived some other way. */
#if !defined(JAILHOUSE_HAVE_LINUX_TYPES) && !defined(_ASM_GENERIC_INT_LL64_H)
typedef signed char __s8;
typedef unsigned char __u8;
typedef signed short __s16;
typedef unsigned short __u16;
typedef signed int __s32;
typedef unsigned int __u32;
__extension__ typedef signed long long __s64;
__extension__ typedef unsigned long long __u64;
#endif

/*
 * Compile-time layout checks.  _Static_assert is C11, but GCC and Clang
 * accept it in every C mode, including the gnu89 the 5.10 kernel builds
 * with.
 */
#ifdef __cplusplus
#define JAILHOUSE_ABI_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define JAILHOUSE_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* offsetof without <stddef.h>, which -nostdinc builds do not have. */
#define JAILHOUSE_OFFSETOF(type, member) __builtin_offsetof(type, member)

JAILHOUSE_ABI_ASSERT(sizeof(__u8) == 1, "__u8 must be 1 byte");
JAILHOUSE_ABI_ASSERT(sizeof(__u16) == 2, "__u16 must be 2 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(__u32) == 4, "__u32 must be 4 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(__s32) == 4, "__s32 must be 4 bytes");
JAILHOUSE_ABI_ASSERT(sizeof(__u64) == 8, "__u64 must be 8 bytes");

#endif /* !_JAILHOUSE_TYPES_H */
