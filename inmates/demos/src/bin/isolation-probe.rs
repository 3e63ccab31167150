// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! isolation-probe: reads memory the cell does not own and reports if the
//! read returns. The hypervisor must park the CPU at the read and mark
//! the cell failed; `Isolation probe: FAILED, read 0x...` on the console
//! means it let the cell read the memory.
//!
//! By default the probe reads 4 bytes at guest-physical 0x40000000 (root
//! Linux's RAM on QEMU; not mapped in any inmate cell). The command line
//! (`jailhouse cell load ... -s "probe-addr=0x... probe-size=2" -a 0x1000`)
//! picks another address (`probe-addr`, aligned to the size) and width
//! (`probe-size` 1, 2, 4 or 8 bytes), e.g. a width that a sub-page
//! region does not allow.

#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod probe {
    use jailhouse_inmate::{cmdline::cmdline, mmio, mmu, println, stop};

    /// Root Linux's RAM on QEMU virt (`mem=1G` from 0x40000000).
    const DEFAULT_ADDR: u64 = 0x4000_0000;

    #[no_mangle]
    extern "C" fn inmate_main() -> ! {
        let requested = cmdline().number("probe-addr").unwrap_or(DEFAULT_ADDR);
        let size = match cmdline().number("probe-size").unwrap_or(4) {
            size @ (1 | 2 | 4 | 8) => size as usize,
            other => {
                println!("Isolation probe: invalid size {}", other);
                stop();
            }
        };
        let addr = match usize::try_from(requested) {
            Ok(addr) if addr % size == 0 => addr,
            _ => {
                println!("Isolation probe: invalid address {:#x}", requested);
                stop();
            }
        };
        if requested == DEFAULT_ADDR && size == 4 {
            println!("Isolation probe: reading root memory at {:#x}", addr);
        } else {
            println!("Isolation probe: reading {} bytes at {:#x}", size, addr);
        }
        // SAFETY: a stage-1 mapping only; whether the cell may access the
        // address is exactly what the probe asks the hypervisor. No memory
        // this program uses is remapped (map_device refuses RAM and the
        // communication region).
        if let Err(err) = unsafe { mmu::map_device(addr, size) } {
            println!("Isolation probe: cannot map {:#x}: {}", addr, err);
            stop();
        }
        // Mapped just now, aligned; the read of RAM or a device register
        // outside the cell has no effect the cell relies on. A correct
        // hypervisor never lets it return.
        let value = match size {
            // SAFETY: see above.
            1 => u64::from(unsafe { mmio::read8(addr) }),
            // SAFETY: as above.
            2 => u64::from(unsafe { mmio::read16(addr) }),
            // SAFETY: as above.
            8 => unsafe { mmio::read64(addr) },
            // SAFETY: as above.
            _ => u64::from(unsafe { mmio::read32(addr) }),
        };
        println!("Isolation probe: FAILED, read {:#x}", value);
        stop();
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("isolation-probe is an inmate: build it with `make` and load it into a cell");
    std::process::exit(1);
}
