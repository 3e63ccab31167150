// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! gic-demo: the virtual timer at 10 Hz through the GIC, as Jailhouse's
//! gic-demo. Each tick prints how late the interrupt handler ran after the
//! programmed expiry (`jitter`), and the smallest and largest lateness so
//! far, in the upstream format. Between ticks the CPU sleeps in `wfi` and
//! answers the hypervisor's messages.
//!
//! With `ticks=N` on the command line (`jailhouse cell load ... -s
//! "ticks=N" -a 0x1000`), it stops after N ticks: prints `gic-demo: done
//! after N ticks`, stops the timer and calls `jailhouse_inmate::finish`:
//! in a cell it then idles until shut down; on bare metal (feature
//! `bare-metal`, where N defaults to 250) it powers the machine off, so
//! that a benchmark run ends by itself. `ticks=0` never stops.

#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod demo {
    use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    use jailhouse_inmate::cmdline::cmdline;
    use jailhouse_inmate::timer::{self, JitterStats, VIRT_TIMER_IRQ};
    use jailhouse_inmate::{
        enable_irqs, finish, gic, poll_shutdown, println, stop, wait_for_interrupt, BARE_METAL,
    };

    /// Timer interrupts per second.
    const BEATS_PER_SEC: u64 = 10;
    /// Ticks before a bare-metal run ends when the command line has no
    /// `ticks=` (25 s of guest time).
    const BARE_METAL_TICKS: u64 = 250;

    // Written by the handler (and once before IRQs are unmasked), read by
    // the handler: one CPU, so Relaxed suffices.
    static TICKS_PER_BEAT: AtomicU64 = AtomicU64::new(0);
    static DEADLINE: AtomicU64 = AtomicU64::new(0);
    static JITTER: JitterStats = JitterStats::new();
    // Ticks so far, and after how many to stop (0: never).
    static TICKS: AtomicU64 = AtomicU64::new(0);
    static TICK_LIMIT: AtomicU64 = AtomicU64::new(0);
    // Set by the handler after the last tick, read by the main loop after
    // `wfi` returns from that interrupt: same CPU, program order.
    static DONE: AtomicBool = AtomicBool::new(false);

    fn handle_irq(irq: u32) {
        if irq != VIRT_TIMER_IRQ {
            return;
        }
        let now = timer::now();
        let jitter = JITTER.record(DEADLINE.load(Ordering::Relaxed), now);
        let (delay, min, max) = jitter.to_ns(timer::frequency());
        println!(
            "Timer fired, jitter: {:6} ns, min: {:6} ns, max: {:6} ns",
            delay as i64, min as i64, max as i64
        );
        if last_tick() {
            return;
        }
        // Re-arm from now, as upstream does; the new compare value also
        // deasserts the level-triggered timer interrupt before the EOI.
        let next = timer::now().wrapping_add(TICKS_PER_BEAT.load(Ordering::Relaxed));
        DEADLINE.store(next, Ordering::Relaxed);
        timer::virt_timer_set_deadline(next);
    }

    /// Count a tick; after the last one, say so, stop the timer and
    /// return true. Out of line, so that the handler's entry, and with it
    /// the latency it measures, is the same with and without a limit.
    #[inline(never)]
    fn last_tick() -> bool {
        let ticks = TICKS.load(Ordering::Relaxed) + 1;
        TICKS.store(ticks, Ordering::Relaxed);
        if ticks != TICK_LIMIT.load(Ordering::Relaxed) {
            return false;
        }
        println!("gic-demo: done after {} ticks", ticks);
        // Masked and disabled, the timer's interrupt deasserts.
        timer::virt_timer_stop();
        DONE.store(true, Ordering::Relaxed);
        true
    }

    #[no_mangle]
    extern "C" fn inmate_main() -> ! {
        println!("Initializing the GIC...");
        if let Err(err) = gic::init() {
            println!("gic-demo: {}", err);
            stop();
        }
        gic::set_irq_handler(handle_irq);
        if let Err(err) = gic::irq_enable(VIRT_TIMER_IRQ) {
            println!("gic-demo: {}", err);
            stop();
        }

        let default_limit = if BARE_METAL { BARE_METAL_TICKS } else { 0 };
        let limit = cmdline().number("ticks").unwrap_or(default_limit);
        TICK_LIMIT.store(limit, Ordering::Relaxed);

        println!("Initializing the timer...");
        let ticks_per_beat = timer::frequency() / BEATS_PER_SEC;
        TICKS_PER_BEAT.store(ticks_per_beat, Ordering::Relaxed);
        let first = timer::now().wrapping_add(ticks_per_beat);
        DEADLINE.store(first, Ordering::Relaxed);
        timer::virt_timer_set_deadline(first);
        enable_irqs();

        loop {
            wait_for_interrupt();
            poll_shutdown();
            if DONE.load(Ordering::Relaxed) {
                finish();
            }
        }
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("gic-demo is an inmate: build it with `make` and load it into a cell");
    std::process::exit(1);
}
