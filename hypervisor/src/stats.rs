// SPDX-License-Identifier: GPL-2.0-only

//! Per-CPU exit statistics (`CPU_GET_INFO` type 1000 + n).
//!
//! Each CPU counts its own exits; any CPU may read another CPU's counters
//! for the root cell's sysfs. Counters are relaxed atomics: a reader wants
//! a recent value, not an ordering with other memory. Only the owning CPU
//! writes them (and the root zeroes them while that CPU is parked), so an
//! increment is a plain load and store, not a read-modify-write loop:
//! counting is on every exit's path.

use core::sync::atomic::{AtomicU32, Ordering};

use jailhouse_abi::hypercall::{CpuStat, NUM_CPU_STATS};

/// The arm64 exit counters of one CPU.
#[derive(Debug, Default)]
pub struct CpuStats {
    counts: [AtomicU32; NUM_CPU_STATS as usize],
}

impl CpuStats {
    /// All counters zero.
    pub const fn new() -> Self {
        Self {
            counts: [const { AtomicU32::new(0) }; NUM_CPU_STATS as usize],
        }
    }

    /// Count one exit of kind `stat`. Only the CPU these counters belong
    /// to may call it (see the module docs).
    pub fn count(&self, stat: CpuStat) {
        let counter = &self.counts[stat as usize];
        counter.store(
            counter.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
    }

    /// Count one exit as `stat` and in the total.
    pub fn count_exit(&self, stat: CpuStat) {
        self.count(CpuStat::VmexitsTotal);
        if stat != CpuStat::VmexitsTotal {
            self.count(stat);
        }
    }

    /// Value as `CPU_GET_INFO` reports it: masked to 31 bits so that it
    /// never looks like a negative errno.
    pub fn get(&self, stat: CpuStat) -> u32 {
        self.counts[stat as usize].load(Ordering::Relaxed) & 0x7fff_ffff
    }

    /// Zero every counter (the CPU changes cell).
    pub fn reset(&self) {
        for c in &self.counts {
            c.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_reason_and_total() {
        let stats = CpuStats::new();
        stats.count_exit(CpuStat::VmexitsHypercall);
        stats.count_exit(CpuStat::VmexitsHypercall);
        stats.count_exit(CpuStat::VmexitsTotal);
        assert_eq!(stats.get(CpuStat::VmexitsTotal), 3);
        assert_eq!(stats.get(CpuStat::VmexitsHypercall), 2);
        assert_eq!(stats.get(CpuStat::VmexitsMmio), 0);
        stats.reset();
        assert!(CpuStat::ALL.iter().all(|&s| stats.get(s) == 0));
    }

    #[test]
    fn values_are_masked_to_31_bits() {
        let stats = CpuStats::new();
        stats.counts[CpuStat::VmexitsPsci as usize].store(u32::MAX, Ordering::Relaxed);
        assert_eq!(stats.get(CpuStat::VmexitsPsci), 0x7fff_ffff);
    }
}
