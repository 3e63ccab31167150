// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Time from the generic timer's virtual counter.

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

/// Busy-wait for `us` microseconds on the virtual counter.
#[cfg(target_arch = "aarch64")]
pub fn delay_us(us: u64) {
    let start = crate::arch::counter();
    let wait = ticks_for_us(us, crate::arch::counter_frequency());
    while crate::arch::counter().wrapping_sub(start) < wait {
        core::hint::spin_loop();
    }
}

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
    }
}
