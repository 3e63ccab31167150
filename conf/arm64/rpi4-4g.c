/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Root cell "Raspberry-Pi4" for a Raspberry Pi 4 Model B with 4 GiB of
 * RAM.  Everything is in rpi4-root.h; only the RAM size differs between
 * the boards.
 */

#define RPI4_RAM_GIB	4
#include "rpi4-root.h"
