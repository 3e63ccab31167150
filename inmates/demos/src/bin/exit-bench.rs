// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! exit-bench: what each kind of exit to the hypervisor costs, measured
//! from inside a cell (`make bench`).
//!
//! Its first line reports the counter value at which it was printed, so
//! the root can time `cell start` to the inmate's first output. Then, for
//! each exit kind, it makes `rounds` (command line `rounds=N`, default
//! 1000, at most 4096) exits, each between two readings of the
//! instructions the CPU executed at EL2 (PMU counter 0, INST_RETIRED
//! filtered to EL2) and of the counter, and prints the spread of both:
//!
//! ```text
//! exit-bench: first output at counter 123456789
//! exit-bench: none: 1000 rounds, EL2 instructions min 0 median 0 max 0, ticks min 5 median 5 max 9
//! exit-bench: hypercall: 1000 rounds, EL2 instructions min 113 median 113 max 113, ticks ...
//! ...
//! exit-bench: irq latency: min 170 median 170 max 171 ticks
//! exit-bench: done
//! ```
//!
//! Kinds: `none` (the loop alone: no exit, zero EL2 instructions proves
//! the filter), `hypercall` (HYPERVISOR_GET_INFO), `psci` (PSCI_VERSION
//! through `smc`), `mmio` (a trapped GICD_TYPER read), `sgi` (an SGI to
//! itself: the trapped ICC_SGI1R_EL1 write and its injection) and `irq`
//! (the virtual timer fires 64 ticks after being armed: the interrupt is
//! taken at EL2 and injected). Under QEMU's `-icount`, one tick is one
//! instruction, so ticks are the whole round trip.

#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod bench {
    use core::cell::UnsafeCell;
    use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

    use jailhouse_abi::hypercall::Hypercall;
    use jailhouse_inmate::cmdline::cmdline;
    use jailhouse_inmate::hypercall::hypercall;
    use jailhouse_inmate::pmu::El2Instructions;
    use jailhouse_inmate::timer::{self, VIRT_TIMER_IRQ};
    use jailhouse_inmate::{enable_irqs, gic, mmio, println, psci, stop};

    /// The SGI the `sgi` kind sends itself.
    const BENCH_SGI: u32 = 1;
    /// How far ahead the `irq` kind arms the timer, in ticks: more than
    /// the arming code takes, so the interrupt never comes early.
    const IRQ_LEAD: u64 = 64;
    /// GICD_TYPER: read-only, side-effect free, emulated for cells.
    const GICD_TYPER: usize = 0x4;
    /// HYPERVISOR_GET_INFO's MEM_POOL_SIZE query.
    const INFO_MEM_POOL_SIZE: u64 = 0;

    // Written by the IRQ handler, read by the measuring loop on the same
    // CPU: Relaxed is enough (a single CPU observes its own writes in
    // order), the loop only needs to see the count change.
    static TIMER_IRQS: AtomicU32 = AtomicU32::new(0);
    static SGIS: AtomicU32 = AtomicU32::new(0);
    static DEADLINE: AtomicU64 = AtomicU64::new(0);
    static LATENCY: AtomicU64 = AtomicU64::new(0);

    fn handle_irq(irq: u32) {
        let now = timer::now();
        if irq == VIRT_TIMER_IRQ {
            timer::virt_timer_stop();
            let latency = now.saturating_sub(DEADLINE.load(Ordering::Relaxed));
            LATENCY.store(latency, Ordering::Relaxed);
            TIMER_IRQS.fetch_add(1, Ordering::Relaxed);
        } else if irq == BENCH_SGI {
            SGIS.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn wait_for_change(counter: &AtomicU32, seen: u32) {
        while counter.load(Ordering::Relaxed) == seen {
            core::hint::spin_loop();
        }
    }

    /// The most rounds per kind (the sample buffers' length).
    const MAX_ROUNDS: usize = 4096;

    /// Per-round samples of one figure. Only `inmate_main` touches them
    /// (never the IRQ handler), on the cell's one CPU.
    struct Samples(UnsafeCell<[u32; MAX_ROUNDS]>);

    // SAFETY: see the type's docs: one CPU, one context.
    unsafe impl Sync for Samples {}

    static EL2_SAMPLES: Samples = Samples(UnsafeCell::new([0; MAX_ROUNDS]));
    static TICK_SAMPLES: Samples = Samples(UnsafeCell::new([0; MAX_ROUNDS]));
    static LATENCY_SAMPLES: Samples = Samples(UnsafeCell::new([0; MAX_ROUNDS]));

    impl Samples {
        /// The buffer.
        ///
        /// # Safety
        /// No other reference to this buffer may be alive.
        #[allow(clippy::mut_from_ref)]
        unsafe fn get(&self) -> &mut [u32; MAX_ROUNDS] {
            // SAFETY: exclusive by the caller's promise.
            unsafe { &mut *self.0.get() }
        }
    }

    /// "min A median B max C" of `samples` (sorted in place).
    struct Summary<'a>(&'a mut [u32]);

    impl core::fmt::Display for Summary<'_> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            let s = &self.0;
            match (s.first(), s.get((s.len() - 1) / 2), s.last()) {
                (Some(min), Some(median), Some(max)) => {
                    write!(f, "min {min} median {median} max {max}")
                }
                _ => f.write_str("no samples"),
            }
        }
    }

    fn summary(samples: &mut [u32]) -> Summary<'_> {
        samples.sort_unstable();
        Summary(samples)
    }

    /// Run `round` `rounds` times, each between two readings of the EL2
    /// instruction counter and of the counter; print both figures' spread
    /// (per round, so that a round another vCPU interrupted stands out
    /// instead of skewing a total).
    fn measure(name: &str, pmu: &El2Instructions, rounds: usize, mut round: impl FnMut(usize)) {
        // SAFETY: `measure` runs in `inmate_main` only and is not
        // reentered; this is the only reference.
        let el2 = unsafe { EL2_SAMPLES.get() };
        // SAFETY: as above.
        let ticks = unsafe { TICK_SAMPLES.get() };
        for i in 0..rounds {
            let el2_before = pmu.read();
            let ticks_before = timer::now();
            round(i);
            let ticks_after = timer::now();
            let el2_after = pmu.read();
            el2[i] = el2_after.wrapping_sub(el2_before) as u32;
            ticks[i] = ticks_after.wrapping_sub(ticks_before) as u32;
        }
        println!(
            "exit-bench: {name}: {rounds} rounds, EL2 instructions {}, ticks {}",
            summary(&mut el2[..rounds]),
            summary(&mut ticks[..rounds])
        );
    }

    #[no_mangle]
    extern "C" fn inmate_main() -> ! {
        let first = timer::now();
        println!("exit-bench: first output at counter {first}");

        let rounds = cmdline()
            .number("rounds")
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n > 0)
            .unwrap_or(1000)
            .min(MAX_ROUNDS);
        let gic = match gic::init() {
            Ok(gic) => gic,
            Err(err) => {
                println!("exit-bench: {err}");
                stop();
            }
        };
        gic::set_irq_handler(handle_irq);
        for irq in [VIRT_TIMER_IRQ, BENCH_SGI] {
            if let Err(err) = gic::irq_enable(irq) {
                println!("exit-bench: {err}");
                stop();
            }
        }
        let pmu = match El2Instructions::start() {
            Ok(pmu) => pmu,
            Err(err) => {
                println!("exit-bench: {err}");
                stop();
            }
        };
        let gicd = match gic {
            gic::Gic::V2 { gicd, .. } | gic::Gic::V3 { gicd, .. } => gicd,
        };
        enable_irqs();

        measure("none", &pmu, rounds, |_| core::hint::spin_loop());
        measure("hypercall", &pmu, rounds, |_| {
            // SAFETY: HYPERVISOR_GET_INFO reads no cell memory and any
            // cell may issue it.
            unsafe { hypercall(Hypercall::HypervisorGetInfo, INFO_MEM_POOL_SIZE, 0) };
        });
        measure("psci", &pmu, rounds, |_| {
            psci::version();
        });
        measure("mmio", &pmu, rounds, |_| {
            // SAFETY: the cell's distributor, mapped by startup; reading
            // TYPER has no side effects.
            unsafe { mmio::read32(gicd + GICD_TYPER) };
        });
        measure("sgi", &pmu, rounds, |_| {
            let seen = SGIS.load(Ordering::Relaxed);
            if gic::send_sgi_to_self(BENCH_SGI).is_ok() {
                wait_for_change(&SGIS, seen);
            }
        });
        // SAFETY: the only reference to this buffer.
        let latency = unsafe { LATENCY_SAMPLES.get() };
        measure("irq", &pmu, rounds, |i| {
            let seen = TIMER_IRQS.load(Ordering::Relaxed);
            let deadline = timer::now().wrapping_add(IRQ_LEAD);
            DEADLINE.store(deadline, Ordering::Relaxed);
            timer::virt_timer_set_deadline(deadline);
            wait_for_change(&TIMER_IRQS, seen);
            latency[i] = LATENCY.load(Ordering::Relaxed) as u32;
        });
        println!(
            "exit-bench: irq latency: {} ticks",
            summary(&mut latency[..rounds])
        );
        println!("exit-bench: done");
        // The bench cell's communication region is passive: the root shuts
        // it down without asking, so the CPU can simply stop here.
        stop();
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("exit-bench is an inmate: build it with `make` and load it into a cell");
    std::process::exit(1);
}
