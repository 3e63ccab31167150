// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! isolation-probe: reads memory the cell does not own and reports if the
//! read returns. The hypervisor must park the CPU at the read and mark
//! the cell failed; `Isolation probe: FAILED, read 0x...` on the console
//! means it let the cell read the memory.
//!
//! By default the probe reads guest-physical 0x40000000 (root Linux's RAM
//! on QEMU; not mapped in any inmate cell). The command line
//! `probe-addr=<address>` (`jailhouse cell load ... -s probe-addr=0x...
//! -a 0x1000`) probes another 4-byte aligned address.

#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod probe {
    use jailhouse_inmate::{cmdline::cmdline, mmio, mmu, println, stop};

    /// Root Linux's RAM on QEMU virt (`mem=1G` from 0x40000000).
    const DEFAULT_ADDR: u64 = 0x4000_0000;

    #[no_mangle]
    extern "C" fn inmate_main() -> ! {
        let requested = cmdline().number("probe-addr").unwrap_or(DEFAULT_ADDR);
        let addr = match usize::try_from(requested) {
            Ok(addr) if addr % 4 == 0 => addr,
            _ => {
                println!("Isolation probe: invalid address {:#x}", requested);
                stop();
            }
        };
        println!("Isolation probe: reading root memory at {:#x}", addr);
        // SAFETY: a stage-1 mapping only; whether the cell may access the
        // address is exactly what the probe asks the hypervisor. No memory
        // this program uses is remapped (map_device refuses RAM and the
        // communication region).
        if let Err(err) = unsafe { mmu::map_device(addr, 4) } {
            println!("Isolation probe: cannot map {:#x}: {}", addr, err);
            stop();
        }
        // SAFETY: mapped just now, aligned; a read of RAM has no side
        // effects. A correct hypervisor never lets this return.
        let value = unsafe { mmio::read32(addr) };
        println!("Isolation probe: FAILED, read {:#x}", value);
        stop();
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("isolation-probe is an inmate: build it with `make` and load it into a cell");
    std::process::exit(1);
}
