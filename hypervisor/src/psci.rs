// SPDX-License-Identifier: GPL-2.0-only

//! What to do about an SMC from a cell: PSCI emulation and the SMCCC
//! policy (which calls go to the firmware, which are refused).
//!
//! This module owns the function-id decoding and the PSCI semantics
//! (return codes, state answers). It does not power anything: the CPU
//! bookkeeping is behind [`PsciCpus`], and parking a CPU, resetting it to
//! an entry point and issuing a real `smc` are the caller's job, told by
//! the [`SmcAction`] that comes out. So the whole decision logic runs
//! under host `cargo test`.
//!
//! Policy for the root cell (the only cell so far):
//! * PSCI CPU power calls are emulated: a CPU that Linux switches off is
//!   parked in the hypervisor (it must stay under it), and CPU_ON wakes it
//!   at the requested entry;
//! * SYSTEM_OFF and SYSTEM_RESET go to the firmware (the root owns the
//!   machine);
//! * SMCCC calls of the architecture, CPU, SiP, OEM, standard secure
//!   (non-PSCI) and trusted OS/application owners go to the firmware, so
//!   Spectre workarounds and platform services keep working;
//! * hypervisor-service owners (which would address us) answer
//!   NOT_SUPPORTED.

/// PSCI return codes.
pub mod ret {
    /// SUCCESS.
    pub const SUCCESS: i64 = 0;
    /// DENIED: the caller may not do this to that CPU.
    pub const DENIED: i64 = -3;
    /// NOT_SUPPORTED (also SMCCC's "unknown function").
    pub const NOT_SUPPORTED: i64 = -1;
    /// INVALID_PARAMETERS.
    pub const INVALID_PARAMETERS: i64 = -2;
    /// ALREADY_ON.
    pub const ALREADY_ON: i64 = -4;
    /// ON_PENDING.
    pub const ON_PENDING: i64 = -5;
}

/// PSCI function ids (SMC32 values; the SMC64 variants add bit 30).
pub mod fid {
    /// PSCI_VERSION.
    pub const VERSION: u32 = 0x8400_0000;
    /// CPU_SUSPEND.
    pub const CPU_SUSPEND: u32 = 0x8400_0001;
    /// CPU_OFF.
    pub const CPU_OFF: u32 = 0x8400_0002;
    /// CPU_ON.
    pub const CPU_ON: u32 = 0x8400_0003;
    /// AFFINITY_INFO.
    pub const AFFINITY_INFO: u32 = 0x8400_0004;
    /// MIGRATE.
    pub const MIGRATE: u32 = 0x8400_0005;
    /// MIGRATE_INFO_TYPE.
    pub const MIGRATE_INFO_TYPE: u32 = 0x8400_0006;
    /// SYSTEM_OFF.
    pub const SYSTEM_OFF: u32 = 0x8400_0008;
    /// SYSTEM_RESET.
    pub const SYSTEM_RESET: u32 = 0x8400_0009;
    /// PSCI_FEATURES.
    pub const FEATURES: u32 = 0x8400_000a;
    /// SMCCC_VERSION (architecture owner).
    pub const SMCCC_VERSION: u32 = 0x8000_0000;
    /// Bit 30: SMC64 calling convention.
    pub const SMC64: u32 = 1 << 30;
}

/// The PSCI version we implement: 1.1.
pub const PSCI_VERSION: i64 = 0x0001_0001;
/// MIGRATE_INFO_TYPE: no Trusted OS that would need migration.
pub const MIGRATE_NOT_REQUIRED: i64 = 2;
/// AFFINITY_INFO answers.
pub const AFFINITY_ON: i64 = 0;
/// AFFINITY_INFO: the CPU is off.
pub const AFFINITY_OFF: i64 = 1;
/// AFFINITY_INFO: a CPU_ON for it is under way.
pub const AFFINITY_ON_PENDING: i64 = 2;
/// MPIDR affinity fields (Aff3, Aff2, Aff1, Aff0) that identify a CPU.
pub const MPIDR_AFF_MASK: u64 = 0xff_00ff_ffff;

/// Power state of a CPU as PSCI sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Running in its cell.
    On,
    /// Parked after CPU_OFF.
    Off,
    /// CPU_ON accepted, the CPU has not resumed yet.
    OnPending,
}

/// Why CPU_ON could not wake a CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerOnError {
    /// The CPU runs already.
    AlreadyOn,
    /// Another CPU_ON for it is under way.
    OnPending,
    /// The hypervisor holds the CPU (its cell is being stopped, or the
    /// CPU failed).
    Denied,
}

/// The CPUs of the calling cell, as far as PSCI needs them.
pub trait PsciCpus {
    /// The cell's CPU with this MPIDR (affinity fields only).
    fn find(&self, mpidr: u64) -> Option<u64>;
    /// Power state of one of the cell's CPUs.
    fn power(&self, cpu: u64) -> Power;
    /// Wake a parked CPU at `entry` with `context` in x0.
    fn power_on(&self, cpu: u64, entry: u64, context: u64) -> Result<(), PowerOnError>;
}

/// What the caller does after an SMC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmcAction {
    /// Skip the `smc` and return this value in x0.
    Return(i64),
    /// CPU_OFF: park the calling CPU until a CPU_ON for it.
    CpuOff,
    /// CPU_SUSPEND: wait for an interrupt, then return SUCCESS.
    Suspend,
    /// Issue the same call to the firmware and return its x0–x3.
    Forward,
}

/// Which exit counter an SMC belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmcKind {
    /// A PSCI call (`VMEXITS_PSCI`).
    Psci,
    /// Any other SMCCC call (`VMEXITS_SMCCC`).
    Smccc,
}

const OWNER_ARCH: u32 = 0;
const OWNER_STANDARD_SECURE: u32 = 4;
const OWNER_STANDARD_HYP: u32 = 5;
const OWNER_VENDOR_HYP: u32 = 6;
const OWNER_TRUSTED_APP_FIRST: u32 = 48;

/// Classify an SMC by its function id (x0).
pub fn kind(function: u64) -> SmcKind {
    let f = function as u32;
    let owner = (f >> 24) & 0x3f;
    let fast = f & (1 << 31) != 0;
    if fast && owner == OWNER_STANDARD_SECURE && f & 0xffff < 0x20 {
        SmcKind::Psci
    } else {
        SmcKind::Smccc
    }
}

/// Decide what an SMC with function id `function` and arguments
/// `x1`..`x3` does.
pub fn handle(cpus: &impl PsciCpus, function: u64, x1: u64, x2: u64, x3: u64) -> SmcAction {
    // SMCCC: only the low 32 bits name the function; for SMC32 calls the
    // arguments are 32 bits wide too.
    let f = function as u32;
    if kind(function) == SmcKind::Smccc {
        return smccc(f);
    }
    let smc64 = f & fid::SMC64 != 0;
    let arg = |x: u64| if smc64 { x } else { x & 0xffff_ffff };
    let (x1, x2, x3) = (arg(x1), arg(x2), arg(x3));
    match f & !fid::SMC64 {
        fid::VERSION if !smc64 => SmcAction::Return(PSCI_VERSION),
        fid::CPU_SUSPEND => SmcAction::Suspend,
        fid::CPU_OFF if !smc64 => SmcAction::CpuOff,
        fid::CPU_ON => SmcAction::Return(match cpus.find(x1 & MPIDR_AFF_MASK) {
            None => ret::INVALID_PARAMETERS,
            Some(cpu) => match cpus.power_on(cpu, x2, x3) {
                Ok(()) => ret::SUCCESS,
                Err(PowerOnError::AlreadyOn) => ret::ALREADY_ON,
                Err(PowerOnError::OnPending) => ret::ON_PENDING,
                Err(PowerOnError::Denied) => ret::DENIED,
            },
        }),
        fid::AFFINITY_INFO => SmcAction::Return(match cpus.find(x1 & MPIDR_AFF_MASK) {
            // Only level 0 (single CPUs) is answered.
            Some(cpu) if x2 == 0 => match cpus.power(cpu) {
                Power::On => AFFINITY_ON,
                Power::Off => AFFINITY_OFF,
                Power::OnPending => AFFINITY_ON_PENDING,
            },
            _ => ret::INVALID_PARAMETERS,
        }),
        fid::MIGRATE_INFO_TYPE if !smc64 => SmcAction::Return(MIGRATE_NOT_REQUIRED),
        fid::SYSTEM_OFF | fid::SYSTEM_RESET if !smc64 => SmcAction::Forward,
        fid::FEATURES if !smc64 => SmcAction::Return(features(x1 as u32)),
        _ => SmcAction::Return(ret::NOT_SUPPORTED),
    }
}

/// PSCI_FEATURES: 0 for what [`handle`] implements, NOT_SUPPORTED else.
fn features(f: u32) -> i64 {
    let both = |id: u32| f == id || f == id | fid::SMC64;
    let supported = [
        fid::VERSION,
        fid::CPU_OFF,
        fid::MIGRATE_INFO_TYPE,
        fid::SYSTEM_OFF,
        fid::SYSTEM_RESET,
        fid::FEATURES,
        fid::SMCCC_VERSION,
    ]
    .contains(&f)
        || both(fid::CPU_SUSPEND)
        || both(fid::CPU_ON)
        || both(fid::AFFINITY_INFO);
    if supported {
        ret::SUCCESS
    } else {
        ret::NOT_SUPPORTED
    }
}

/// Non-PSCI SMCCC calls: forward what belongs to the firmware.
fn smccc(f: u32) -> SmcAction {
    let owner = (f >> 24) & 0x3f;
    let fast = f & (1 << 31) != 0;
    match owner {
        OWNER_STANDARD_HYP | OWNER_VENDOR_HYP => SmcAction::Return(ret::NOT_SUPPORTED),
        o if o >= OWNER_TRUSTED_APP_FIRST => SmcAction::Forward,
        // Yielding calls exist only for trusted OSes.
        _ if !fast => SmcAction::Return(ret::NOT_SUPPORTED),
        OWNER_ARCH..=OWNER_STANDARD_SECURE => SmcAction::Forward,
        _ => SmcAction::Return(ret::NOT_SUPPORTED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Four CPUs with MPIDRs 0x80000000 + n; CPU 3 parked.
    struct Fake {
        power: RefCell<[Power; 4]>,
        woken: RefCell<Vec<(u64, u64, u64)>>,
    }

    impl Fake {
        fn new() -> Self {
            Self {
                power: RefCell::new([Power::On, Power::On, Power::On, Power::Off]),
                woken: RefCell::new(Vec::new()),
            }
        }
    }

    impl PsciCpus for Fake {
        fn find(&self, mpidr: u64) -> Option<u64> {
            (0..4).find(|&c| (0x8000_0000 | c) & MPIDR_AFF_MASK == mpidr)
        }
        fn power(&self, cpu: u64) -> Power {
            self.power.borrow()[cpu as usize]
        }
        fn power_on(&self, cpu: u64, entry: u64, context: u64) -> Result<(), PowerOnError> {
            let mut power = self.power.borrow_mut();
            match power[cpu as usize] {
                Power::On => Err(PowerOnError::AlreadyOn),
                Power::OnPending => Err(PowerOnError::OnPending),
                Power::Off => {
                    power[cpu as usize] = Power::OnPending;
                    self.woken.borrow_mut().push((cpu, entry, context));
                    Ok(())
                }
            }
        }
    }

    fn call(cpus: &Fake, f: u32, x1: u64, x2: u64, x3: u64) -> SmcAction {
        handle(cpus, u64::from(f), x1, x2, x3)
    }

    #[test]
    fn version_features_and_migration() {
        let c = Fake::new();
        assert_eq!(call(&c, fid::VERSION, 0, 0, 0), SmcAction::Return(0x10001));
        assert_eq!(
            call(&c, fid::MIGRATE_INFO_TYPE, 0, 0, 0),
            SmcAction::Return(2)
        );
        for f in [
            fid::CPU_ON | fid::SMC64,
            fid::CPU_ON,
            fid::CPU_OFF,
            fid::AFFINITY_INFO | fid::SMC64,
            fid::SYSTEM_RESET,
            fid::SMCCC_VERSION,
        ] {
            assert_eq!(
                call(&c, fid::FEATURES, u64::from(f), 0, 0),
                SmcAction::Return(0),
                "{f:#x}"
            );
        }
        for f in [
            fid::MIGRATE,
            0x8400_000e,
            0xc400_0012,
            fid::CPU_OFF | fid::SMC64,
        ] {
            assert_eq!(
                call(&c, fid::FEATURES, u64::from(f), 0, 0),
                SmcAction::Return(-1),
                "{f:#x}"
            );
        }
        assert_eq!(call(&c, fid::MIGRATE, 0, 0, 0), SmcAction::Return(-1));
    }

    #[test]
    fn cpu_on_wakes_parked_cpus_only() {
        let c = Fake::new();
        let on64 = fid::CPU_ON | fid::SMC64;
        assert_eq!(
            call(&c, on64, 0x8000_0003, 0x4123_0000, 0xdead_beef_0000),
            SmcAction::Return(ret::SUCCESS)
        );
        assert_eq!(*c.woken.borrow(), [(3, 0x4123_0000, 0xdead_beef_0000)]);
        assert_eq!(
            call(&c, on64, 0x8000_0003, 0, 0),
            SmcAction::Return(ret::ON_PENDING)
        );
        assert_eq!(
            call(&c, on64, 0x8000_0001, 0, 0),
            SmcAction::Return(ret::ALREADY_ON)
        );
        assert_eq!(
            call(&c, on64, 0x8000_0007, 0, 0),
            SmcAction::Return(ret::INVALID_PARAMETERS),
            "not a CPU of the cell"
        );
        // SMC32: arguments are truncated to 32 bits; MPIDR bit 31 and
        // other non-affinity bits are ignored.
        c.power.borrow_mut()[2] = Power::Off;
        assert_eq!(
            call(&c, fid::CPU_ON, 0xffff_ffff_0000_0002, 0x1_4000_0000, 7),
            SmcAction::Return(ret::SUCCESS)
        );
        assert_eq!(c.woken.borrow()[1], (2, 0x4000_0000, 7));
    }

    #[test]
    fn affinity_info_reports_power_states() {
        let c = Fake::new();
        let aff = fid::AFFINITY_INFO | fid::SMC64;
        assert_eq!(call(&c, aff, 0x8000_0000, 0, 0), SmcAction::Return(0));
        assert_eq!(call(&c, aff, 0x8000_0003, 0, 0), SmcAction::Return(1));
        c.power.borrow_mut()[3] = Power::OnPending;
        assert_eq!(call(&c, aff, 0x8000_0003, 0, 0), SmcAction::Return(2));
        assert_eq!(call(&c, aff, 0x8000_0003, 1, 0), SmcAction::Return(-2));
        assert_eq!(call(&c, aff, 0x8000_0009, 0, 0), SmcAction::Return(-2));
    }

    #[test]
    fn power_calls_and_forwarding() {
        let c = Fake::new();
        assert_eq!(call(&c, fid::CPU_OFF, 0, 0, 0), SmcAction::CpuOff);
        assert_eq!(
            call(&c, fid::CPU_SUSPEND | fid::SMC64, 0, 0, 0),
            SmcAction::Suspend
        );
        assert_eq!(call(&c, fid::SYSTEM_OFF, 0, 0, 0), SmcAction::Forward);
        assert_eq!(call(&c, fid::SYSTEM_RESET, 0, 0, 0), SmcAction::Forward);
        assert_eq!(kind(u64::from(fid::SYSTEM_OFF)), SmcKind::Psci);
        // Architecture calls (SMCCC_VERSION, ARCH_WORKAROUND_1), SiP and
        // TRNG go to the firmware.
        for f in [
            0x8000_0000u32,
            0x8000_8000,
            0x8200_0001,
            0xc200_0010,
            0x8400_0050,
        ] {
            assert_eq!(call(&c, f, 0, 0, 0), SmcAction::Forward, "{f:#x}");
            assert_eq!(kind(u64::from(f)), SmcKind::Smccc, "{f:#x}");
        }
        // Hypervisor services and yielding non-OS calls are refused;
        // trusted OS calls are forwarded.
        for f in [0x8500_0000u32, 0xc600_0001, 0x0200_0000] {
            assert_eq!(call(&c, f, 0, 0, 0), SmcAction::Return(-1), "{f:#x}");
        }
        assert_eq!(call(&c, 0xb200_0000, 0, 0, 0), SmcAction::Forward);
        assert_eq!(call(&c, 0x3200_0000, 0, 0, 0), SmcAction::Forward);
    }
}
