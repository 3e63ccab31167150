// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! uart-demo: prints `Hello N from cell!` once a second on the cell's
//! console, paced by the generic timer.

#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
use jailhouse_inmate::{println, timer};

/// Time between two greetings.
#[cfg(target_os = "none")]
const PERIOD_US: u64 = 1_000_000;

#[cfg(target_os = "none")]
#[no_mangle]
extern "C" fn inmate_main() -> ! {
    let mut n: u64 = 1;
    loop {
        timer::delay_us(PERIOD_US);
        println!("Hello {} from cell!", n);
        n += 1;
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("uart-demo is an inmate: build it with `make` and load it into a cell");
    std::process::exit(1);
}
