// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Time from the generic timer's virtual counter (CNTVCT_EL0) and the
//! virtual timer (CNTV_*_EL0, PPI 27), plus the jitter statistics the
//! latency demos print.

use core::sync::atomic::{AtomicU64, Ordering};

/// The virtual timer's interrupt (PPI 11, INTID 27).
pub const VIRT_TIMER_IRQ: u32 = 27;

/// CNTV_CTL_EL0.ENABLE.
pub const CTL_ENABLE: u64 = 1 << 0;
/// CNTV_CTL_EL0.IMASK: the timer condition does not assert the interrupt.
pub const CTL_IMASK: u64 = 1 << 1;

/// Counter ticks in `us` microseconds at `freq_hz`, without overflow for
/// any realistic frequency.
pub const fn ticks_for_us(us: u64, freq_hz: u64) -> u64 {
    ((us as u128 * freq_hz as u128) / 1_000_000) as u64
}

/// Nanoseconds in `ticks` counter ticks at `freq_hz` (0 if `freq_hz` is 0).
pub const fn ticks_to_ns(ticks: u64, freq_hz: u64) -> u64 {
    if freq_hz == 0 {
        return 0;
    }
    ((ticks as u128 * 1_000_000_000) / freq_hz as u128) as u64
}

/// How late events came, in counter ticks: the latest, smallest and
/// largest delay. Atomic, so an interrupt handler can record into a
/// `static` while the program reads it.
#[derive(Debug)]
pub struct JitterStats {
    min: AtomicU64,
    max: AtomicU64,
}

/// One sample and the statistics including it, in counter ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jitter {
    /// This event's delay.
    pub delay: u64,
    /// Smallest delay so far.
    pub min: u64,
    /// Largest delay so far.
    pub max: u64,
}

impl Jitter {
    /// The three values in nanoseconds at `freq_hz`.
    pub const fn to_ns(&self, freq_hz: u64) -> (u64, u64, u64) {
        (
            ticks_to_ns(self.delay, freq_hz),
            ticks_to_ns(self.min, freq_hz),
            ticks_to_ns(self.max, freq_hz),
        )
    }
}

impl Default for JitterStats {
    fn default() -> Self {
        Self::new()
    }
}

impl JitterStats {
    /// No samples yet.
    pub const fn new() -> Self {
        Self {
            min: AtomicU64::new(u64::MAX),
            max: AtomicU64::new(0),
        }
    }

    /// Record an event expected at counter value `expected` and observed
    /// at `observed`. An event cannot come early (a timer fires when the
    /// counter has reached its compare value), so an observation before
    /// the expectation counts as no delay.
    pub fn record(&self, expected: u64, observed: u64) -> Jitter {
        let delay = observed.saturating_sub(expected);
        let min = self.min.fetch_min(delay, Ordering::Relaxed).min(delay);
        let max = self.max.fetch_max(delay, Ordering::Relaxed).max(delay);
        Jitter { delay, min, max }
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod hw {
    use super::{ticks_for_us, CTL_ENABLE, CTL_IMASK};
    use crate::arch;

    /// The counter frequency in Hz (CNTFRQ_EL0).
    pub fn frequency() -> u64 {
        arch::counter_frequency()
    }

    /// The virtual count (CNTVCT_EL0).
    pub fn now() -> u64 {
        arch::counter()
    }

    /// Busy-wait for `us` microseconds on the virtual counter.
    pub fn delay_us(us: u64) {
        let start = now();
        let wait = ticks_for_us(us, frequency());
        while now().wrapping_sub(start) < wait {
            arch::cpu_relax();
        }
    }

    /// Arm the virtual timer to fire (PPI 27) when the virtual count
    /// reaches `deadline` (CNTV_CVAL_EL0), interrupt unmasked.
    pub fn virt_timer_set_deadline(deadline: u64) {
        arch::write_virt_timer(deadline, CTL_ENABLE);
    }

    /// Arm the virtual timer to fire `ticks` from now (CNTV_TVAL_EL0, a
    /// signed 32-bit value: at most 2^31 - 1 ticks).
    pub fn virt_timer_start(ticks: u32) {
        arch::write_virt_timer_tval(u64::from(ticks.min(i32::MAX as u32)), CTL_ENABLE);
    }

    /// Disable the virtual timer (its interrupt deasserts).
    pub fn virt_timer_stop() {
        arch::write_virt_timer(u64::MAX, CTL_IMASK);
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use hw::{
    delay_us, frequency, now, virt_timer_set_deadline, virt_timer_start, virt_timer_stop,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(ticks_for_us(1_000_000, 62_500_000), 62_500_000);
        assert_eq!(ticks_for_us(16, 62_500_000), 1000);
        assert_eq!(ticks_to_ns(62_500_000, 62_500_000), 1_000_000_000);
        assert_eq!(ticks_to_ns(1, 62_500_000), 16);
        assert_eq!(ticks_to_ns(5, 0), 0);
        assert_eq!(ticks_for_us(u64::MAX, 1_000_000), u64::MAX);
        // RPi4: 54 MHz.
        assert_eq!(ticks_to_ns(54, 54_000_000), 1000);
    }

    #[test]
    fn jitter_statistics() {
        let stats = JitterStats::new();
        assert_eq!(
            stats.record(1000, 1100),
            Jitter {
                delay: 100,
                min: 100,
                max: 100
            }
        );
        assert_eq!(
            stats.record(2000, 2040),
            Jitter {
                delay: 40,
                min: 40,
                max: 100
            }
        );
        assert_eq!(
            stats.record(3000, 3500),
            Jitter {
                delay: 500,
                min: 40,
                max: 500
            }
        );
        // Never negative.
        assert_eq!(stats.record(5000, 4990).delay, 0);
        assert_eq!(stats.record(6000, 6001).min, 0);
    }

    #[test]
    fn jitter_in_nanoseconds() {
        // QEMU's 62.5 MHz counter: 16 ns per tick.
        let j = Jitter {
            delay: 10,
            min: 2,
            max: 1000,
        };
        assert_eq!(j.to_ns(62_500_000), (160, 32, 16_000));
    }
}
