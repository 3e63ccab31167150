// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Reset entry of an inmate: the cell's first CPU starts here at EL1 with
//! the MMU off and interrupts masked. Set up the stack, clear the BSS,
//! call the program's `inmate_main`.

use core::arch::global_asm;
use core::panic::PanicInfo;

global_asm!(
    ".section .text.boot, \"ax\"",
    ".global __reset",
    "__reset:",
    "    adrp x0, __bss_start",
    "    add  x0, x0, :lo12:__bss_start",
    "    adrp x1, __bss_end",
    "    add  x1, x1, :lo12:__bss_end",
    "1:  cmp  x0, x1",
    "    b.hs 2f",
    "    str  xzr, [x0], #8",
    "    b    1b",
    "2:  adrp x0, __stack_top",
    "    add  x0, x0, :lo12:__stack_top",
    "    mov  sp, x0",
    "    bl   inmate_main",
    "3:  wfi",
    "    b    3b",
);

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    crate::println!("inmate panic: {}", info);
    crate::halt()
}
