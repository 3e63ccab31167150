// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! PSCI calls from a cell (`smc #0`, which the hypervisor traps and
//! answers for the cell). Only what inmates use so far.

/// PSCI_VERSION function ID (SMC32).
pub const PSCI_VERSION: u64 = 0x8400_0000;
/// SYSTEM_OFF function ID (SMC32). Only the bare-metal flavour calls it
/// ([`crate::bare_metal`], through `hvc`); a cell cannot power the
/// machine off.
pub const PSCI_SYSTEM_OFF: u64 = 0x8400_0008;

/// A PSCI version as `major.minor` from PSCI_VERSION's result.
pub const fn split_version(result: u64) -> (u16, u16) {
    ((result >> 16) as u16, result as u16)
}

/// PSCI_VERSION: the implemented PSCI version (major << 16 | minor).
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn version() -> u64 {
    // SAFETY: PSCI_VERSION takes no arguments and changes no state.
    unsafe { crate::arch::smc(PSCI_VERSION, 0, 0, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_fields() {
        assert_eq!(split_version(0x0001_0002), (1, 2));
    }
}
