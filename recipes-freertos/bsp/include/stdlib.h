/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* <stdlib.h> of the freestanding BSP: FreeRTOS includes it for NULL. */
#ifndef BSP_STDLIB_H
#define BSP_STDLIB_H

#include <stddef.h>

#endif
