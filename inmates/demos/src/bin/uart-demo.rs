// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! uart-demo: prints `Hello N from cell!` once a second on the cell's
//! console, paced by the generic timer, and answers the hypervisor's
//! messages while it waits (a shutdown request is approved and stops the
//! CPU).

#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
use jailhouse_inmate::{poll_shutdown, println, timer};

#[cfg(target_os = "none")]
#[no_mangle]
extern "C" fn inmate_main() -> ! {
    // One line per second of counter time; deadlines advance by exactly
    // one period, so printing does not make the lines drift.
    let period = timer::frequency();
    let mut deadline = timer::now().wrapping_add(period);
    let mut n: u64 = 1;
    loop {
        while (timer::now().wrapping_sub(deadline) as i64) < 0 {
            poll_shutdown();
            timer::delay_us(1000);
        }
        println!("Hello {} from cell!", n);
        n += 1;
        deadline = deadline.wrapping_add(period);
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("uart-demo is an inmate: build it with `make` and load it into a cell");
    std::process::exit(1);
}
