/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The few <string.h> functions FreeRTOS and the BSP use (bsp/libc.c). */
#ifndef BSP_STRING_H
#define BSP_STRING_H

#include <stddef.h>

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
