/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Root cell "Raspberry-Pi4" under the name openEuler Embedded uses,
 * rpi4.cell: the 4 GiB board, the same as rpi4-4g.c.  Boards with 1, 2 or
 * 8 GiB use rpi4-1g.cell, rpi4-2g.cell or rpi4-8g.cell: each maps exactly
 * the RAM its board has (see rpi4-root.h).
 */

#define RPI4_RAM_GIB	4
#include "rpi4-root.h"
