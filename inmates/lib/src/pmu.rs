// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The PMU's instructions-retired event, counted at EL2 only: how many
//! instructions the hypervisor executes on this CPU while the inmate runs.
//!
//! Counter 0 is programmed with INST_RETIRED and an event filter that
//! excludes EL0 and EL1 and includes EL2 (PMEVTYPER0_EL0.P = U = 1,
//! NSH = 1); no other counter is touched. The module owns the encoding
//! (pure, host-tested) and the few register accesses; what to measure is
//! the caller's business.

/// Architectural event INST_RETIRED.
pub const EVENT_INST_RETIRED: u64 = 0x08;
/// PMEVTYPER<n>_EL0.P: do not count at EL1.
pub const EVTYPER_P: u64 = 1 << 31;
/// PMEVTYPER<n>_EL0.U: do not count at EL0.
pub const EVTYPER_U: u64 = 1 << 30;
/// PMEVTYPER<n>_EL0.NSH: count at (Non-secure) EL2.
pub const EVTYPER_NSH: u64 = 1 << 27;
/// PMCR_EL0.E: enable the counters below MDCR_EL2.HPMN.
pub const PMCR_E: u64 = 1 << 0;
/// PMCR_EL0.N: number of event counters this CPU may use.
pub const fn pmcr_counters(pmcr: u64) -> u64 {
    (pmcr >> 11) & 0x1f
}

/// The event filter for `event` counted at EL2 only.
pub const fn el2_only(event: u64) -> u64 {
    (event & 0xffff) | EVTYPER_P | EVTYPER_U | EVTYPER_NSH
}

/// Why the counter is unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PmuError {
    /// ID_AA64DFR0_EL1.PMUVer: no PMUv3.
    NoPmu,
    /// PMCR_EL0.N is 0: every counter is reserved above this EL.
    NoCounter,
    /// PMCEID0_EL0 says INST_RETIRED is not counted (QEMU counts it only
    /// with `-icount`).
    NoInstRetired,
}

impl core::fmt::Display for PmuError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::NoPmu => "no PMUv3",
            Self::NoCounter => "no PMU event counter available",
            Self::NoInstRetired => "the PMU does not count INST_RETIRED",
        })
    }
}

/// Whether ID_AA64DFR0_EL1 announces a PMUv3 (PMUVer neither 0 nor 0xf).
pub const fn has_pmuv3(id_aa64dfr0: u64) -> bool {
    let version = (id_aa64dfr0 >> 8) & 0xf;
    version != 0 && version != 0xf
}

/// Whether PMCEID0_EL0 lists common event `event` (< 32).
pub const fn event_implemented(pmceid0: u64, event: u64) -> bool {
    event < 32 && pmceid0 & (1 << event) != 0
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod hw {
    use super::{
        el2_only, event_implemented, has_pmuv3, pmcr_counters, PmuError, EVENT_INST_RETIRED, PMCR_E,
    };
    use crate::arch::pmu as regs;

    /// PMU event counter 0, counting instructions retired at EL2.
    #[derive(Debug)]
    pub struct El2Instructions(());

    impl El2Instructions {
        /// Program and enable counter 0 (its previous use is lost).
        pub fn start() -> Result<Self, PmuError> {
            if !has_pmuv3(regs::read_id_aa64dfr0()) {
                return Err(PmuError::NoPmu);
            }
            let pmcr = regs::read_pmcr();
            if pmcr_counters(pmcr) == 0 {
                return Err(PmuError::NoCounter);
            }
            if !event_implemented(regs::read_pmceid0(), EVENT_INST_RETIRED) {
                return Err(PmuError::NoInstRetired);
            }
            regs::program_counter0(el2_only(EVENT_INST_RETIRED), pmcr | PMCR_E);
            Ok(Self(()))
        }

        /// The counter's value, read after earlier instructions completed.
        pub fn read(&self) -> u64 {
            regs::read_counter0()
        }
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use hw::El2Instructions;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn el2_only_filter() {
        // Event 8, EL1 and EL0 excluded, EL2 included; M/MT/NSK/NSU clear.
        assert_eq!(el2_only(EVENT_INST_RETIRED), 0xc800_0008);
    }

    #[test]
    fn id_and_pmcr_fields() {
        assert!(has_pmuv3(0x10305106)); // Cortex-A57: PMUVer 1
        assert!(!has_pmuv3(0x0000_0006));
        assert!(!has_pmuv3(0x0000_0f06)); // IMPLEMENTATION DEFINED PMU
        assert_eq!(pmcr_counters(0x4103_3000), 6); // Cortex-A57 reset: N = 6
        assert!(event_implemented(1 << 8, EVENT_INST_RETIRED));
        assert!(!event_implemented(0, EVENT_INST_RETIRED));
        assert!(!event_implemented(u64::MAX, 40));
    }
}
