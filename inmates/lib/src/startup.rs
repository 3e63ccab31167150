// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Reset entry of an inmate and its EL1 exception vectors.
//!
//! The cell's first CPU starts at `__reset` (address 0) at EL1h with the
//! MMU and caches off, DAIF masked. The assembly only installs the
//! vectors, clears the BSS and sets the stack; [`__inmate_start`] then,
//! in order:
//!
//! 1. turns the MMU on (identity map of RAM and communication region,
//!    [`crate::mmu`]) — nothing before it writes anything but stack, BSS
//!    and tables;
//! 2. checks the communication region's signature and ABI revision; on a
//!    mismatch sets `cell_state` to FAILED_COMM_REV (4) and stops, as
//!    Jailhouse's inmates do;
//! 3. maps the console and GIC blocks the region names, selects the
//!    console;
//! 4. calls the program's `inmate_main` with IRQs still masked.
//!
//! The bare-metal flavour runs the same steps from QEMU's reset at EL1
//! (`__reset` at the start of RAM), with the board's description
//! ([`crate::comm::machine`]) in place of the region, which is always
//! valid.

use core::arch::global_asm;
use core::panic::PanicInfo;

use jailhouse_abi::comm_region::CommRegion;
#[cfg(not(feature = "bare-metal"))]
use jailhouse_abi::hypercall::CellState;

#[cfg(not(feature = "bare-metal"))]
use crate::comm::{comm_region, Mailbox};
use crate::console::Console;
use crate::gic::{GICC_SIZE, GICD_SIZE_V2, GICD_SIZE_V3, GICR_WINDOW};
use crate::mmu;

global_asm!(
    r#"
    .section .text.boot, "ax"
    .global __reset
__reset:
    adrp    x0, __vectors
    add     x0, x0, :lo12:__vectors
    msr     vbar_el1, x0
    isb
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:  adrp    x0, __stack_top
    add     x0, x0, :lo12:__stack_top
    mov     sp, x0
    bl      __inmate_start
3:  wfi
    b       3b

    // The command line (see cmdline.rs), at CMDLINE_OFFSET by inmate.ld.
    .section .cmdline, "aw"
    .global __cmdline
__cmdline:
    .space  256

    // EL1 vectors: 16 entries of 0x80 bytes. Each saves x0/x1, passes its
    // index in x0 and joins the common path, which saves the other
    // registers the AAPCS64 lets a Rust function clobber (x2-x18, x29,
    // x30), calls __inmate_exception(index) and returns with eret.
    // Callee-saved registers are preserved by the Rust function; ELR/SPSR
    // are not touched by it (exceptions other than IRQs never return).
    .section .text.vectors, "ax"
    .balign 0x800
    .global __vectors
__vectors:
    .irp    index, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 0x80
    sub     sp, sp, #(22 * 8)
    stp     x0, x1, [sp, #(0 * 8)]
    mov     x0, #\index
    b       __exception_common
    .endr

__exception_common:
    stp     x2, x3, [sp, #(2 * 8)]
    stp     x4, x5, [sp, #(4 * 8)]
    stp     x6, x7, [sp, #(6 * 8)]
    stp     x8, x9, [sp, #(8 * 8)]
    stp     x10, x11, [sp, #(10 * 8)]
    stp     x12, x13, [sp, #(12 * 8)]
    stp     x14, x15, [sp, #(14 * 8)]
    stp     x16, x17, [sp, #(16 * 8)]
    stp     x18, x29, [sp, #(18 * 8)]
    str     x30, [sp, #(20 * 8)]
    bl      __inmate_exception
    ldr     x30, [sp, #(20 * 8)]
    ldp     x18, x29, [sp, #(18 * 8)]
    ldp     x16, x17, [sp, #(16 * 8)]
    ldp     x14, x15, [sp, #(14 * 8)]
    ldp     x12, x13, [sp, #(12 * 8)]
    ldp     x10, x11, [sp, #(10 * 8)]
    ldp     x8, x9, [sp, #(8 * 8)]
    ldp     x6, x7, [sp, #(6 * 8)]
    ldp     x4, x5, [sp, #(4 * 8)]
    ldp     x2, x3, [sp, #(2 * 8)]
    ldp     x0, x1, [sp, #(0 * 8)]
    add     sp, sp, #(22 * 8)
    eret
"#
);

extern "C" {
    /// The program's entry point, called once with IRQs masked.
    fn inmate_main() -> !;
}

/// Startup after the assembly: see the module documentation.
#[no_mangle]
extern "C" fn __inmate_start() -> ! {
    // SAFETY: first code after the assembly: MMU off, BSS zeroed, nothing
    // else ran; `enable_identity_map` makes only aligned accesses.
    unsafe { mmu::enable_identity_map() };

    let region = crate::comm::machine();
    if !region.is_valid() {
        // The hypervisor reads this as "Comm ABI mismatch".
        #[cfg(not(feature = "bare-metal"))]
        comm_region().set_cell_state(CellState::FailedCommRev as u32);
        crate::stop();
    }
    map_devices(&region);

    // SAFETY: the program's `inmate_main` has this signature (the crate's
    // documented contract), and everything it may rely on is set up.
    unsafe { inmate_main() }
}

/// Map the console's and the GIC's blocks as device memory and select the
/// console. A block that cannot be mapped (it would overlap RAM or the
/// communication region) stays unmapped: an access then faults and is
/// reported, and the console stays silent.
fn map_devices(region: &CommRegion) {
    // SAFETY (for all `map_device` calls below): startup runs alone, and
    // none of these blocks is RAM or the communication region (a conflict
    // with those is refused by `map_device`).
    let console = Console::from_comm_region(region).unwrap_or(Console::Silent);
    let console_mapped = match console {
        Console::Pl011 { base } | Console::Uart8250 { base, .. } => {
            // SAFETY: see above.
            unsafe { mmu::map_device(base, 0x1000) }.is_ok()
        }
        Console::Silent => true,
    };
    if console_mapped {
        // SAFETY: the UART's block was just mapped as a device, and the
        // cell config names it as the cell's console.
        unsafe { console.select() };
    }

    let gicd = usize::try_from(region.gicd_base).unwrap_or(0);
    let gicc = usize::try_from(region.gicc_base).unwrap_or(0);
    let gicr = usize::try_from(region.gicr_base).unwrap_or(0);
    let ranges = match region.gic_version {
        2 => [(gicd, GICD_SIZE_V2), (gicc, GICC_SIZE)],
        3 => [(gicd, GICD_SIZE_V3), (gicr, GICR_WINDOW)],
        _ => [(0, 0), (0, 0)],
    };
    for (base, size) in ranges {
        if base != 0 {
            // SAFETY: see above. A failure shows when `gic::init` touches
            // the block.
            let _ = unsafe { mmu::map_device(base, size) };
        }
    }
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    crate::println!("inmate panic: {}", info);
    crate::stop()
}
