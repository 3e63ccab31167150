// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Hypercall interface between cells and the hypervisor (`hypercall.h`).
//!
//! This module owns the numbers that cross the `hvc #0x4a48` boundary:
//! hypercall codes, their sub-codes (GET_INFO kinds, CPU_GET_INFO kinds,
//! CPU statistics), the errno values returned to cells, and the message
//! and cell-state codes that travel through the comm region. It does not
//! issue hypercalls or implement them.
//!
//! Calling convention (arm64): `x0` = code, `x1`/`x2` = arguments; the
//! result returns in `x0` (negative errno on failure); every other register
//! is preserved.

use core::fmt;

use crate::{abi_enum, abi_enum_from_u64, UnknownValue};

/// `JAILHOUSE_HVC_CODE`: immediate of the `hvc` instruction of a hypercall.
pub const HVC_CODE: u16 = 0x4a48;

abi_enum! {
    /// Hypercall codes, passed in `x0` (`JAILHOUSE_HC_*`).
    pub enum Hypercall: u32, "hypercall code" {
        /// Leave the hypervisor; issued by every root CPU.
        Disable = 0,
        /// Create a cell; `x1` = guest physical address of its config.
        CellCreate = 1,
        /// Start a cell; `x1` = cell id.
        CellStart = 2,
        /// Stop a cell and map its loadable regions into the root cell;
        /// `x1` = cell id.
        CellSetLoadable = 3,
        /// Destroy a cell; `x1` = cell id.
        CellDestroy = 4,
        /// Read a hypervisor statistic; `x1` = [`InfoKind`].
        HypervisorGetInfo = 5,
        /// Read a cell's [`CellState`]; `x1` = cell id.
        CellGetState = 6,
        /// Read CPU state or statistics; `x1` = CPU, `x2` = [`CpuInfo`] code.
        CpuGetInfo = 7,
        /// Write one character to the hypervisor console; `x1` = character.
        DebugConsolePutc = 8,
    }
}
abi_enum_from_u64!(Hypercall: u32, "hypercall code");

abi_enum! {
    /// Argument of [`Hypercall::HypervisorGetInfo`] (`JAILHOUSE_INFO_*`).
    pub enum InfoKind: u32, "hypervisor info kind" {
        /// Pages in the memory pool.
        MemPoolSize = 0,
        /// Pages of the memory pool in use.
        MemPoolUsed = 1,
        /// Pages in the remap pool.
        RemapPoolSize = 2,
        /// Pages of the remap pool in use.
        RemapPoolUsed = 3,
        /// Number of cells, root included.
        NumCells = 4,
    }
}
abi_enum_from_u64!(InfoKind: u32, "hypervisor info kind");

/// `JAILHOUSE_CPU_INFO_STATE`: [`Hypercall::CpuGetInfo`] kind for the
/// [`CpuState`].
pub const CPU_INFO_STATE: u32 = 0;
/// `JAILHOUSE_CPU_INFO_STAT_BASE`: [`Hypercall::CpuGetInfo`] kind for
/// statistic n is `CPU_INFO_STAT_BASE + n`.
pub const CPU_INFO_STAT_BASE: u32 = 1000;

abi_enum! {
    /// State of a CPU, result of [`CpuInfo::State`] (`JAILHOUSE_CPU_*`).
    pub enum CpuState: u32, "CPU state" {
        /// Running a cell or parked in it.
        Running = 0,
        /// Stopped after a fatal error of its cell.
        Failed = 2,
    }
}

/// `JAILHOUSE_GENERIC_CPU_STATS`: statistics every architecture has.
pub const GENERIC_CPU_STATS: u32 = 4;
/// `JAILHOUSE_NUM_CPU_STATS`: number of statistics on arm64.
pub const NUM_CPU_STATS: u32 = 9;

abi_enum! {
    /// Per-CPU statistics on arm64 (`JAILHOUSE_CPU_STAT_*`).
    pub enum CpuStat: u32, "CPU statistic" {
        /// All exits to the hypervisor.
        VmexitsTotal = 0,
        /// Emulated MMIO accesses.
        VmexitsMmio = 1,
        /// Management requests (cell start/stop on this CPU).
        VmexitsManagement = 2,
        /// Hypercalls.
        VmexitsHypercall = 3,
        /// GIC maintenance interrupts.
        VmexitsMaintenance = 4,
        /// Physical interrupts injected as virtual ones.
        VmexitsVirq = 5,
        /// Software-generated interrupts sent by the cell.
        VmexitsVsgi = 6,
        /// PSCI calls.
        VmexitsPsci = 7,
        /// Other SMCCC calls.
        VmexitsSmccc = 8,
    }
}

impl CpuStat {
    /// The file name under `/sys/devices/jailhouse/.../statistics/`.
    pub const fn sysfs_name(self) -> &'static str {
        match self {
            CpuStat::VmexitsTotal => "vmexits_total",
            CpuStat::VmexitsMmio => "vmexits_mmio",
            CpuStat::VmexitsManagement => "vmexits_management",
            CpuStat::VmexitsHypercall => "vmexits_hypercall",
            CpuStat::VmexitsMaintenance => "vmexits_maintenance",
            CpuStat::VmexitsVirq => "vmexits_virt_irq",
            CpuStat::VmexitsVsgi => "vmexits_virt_sgi",
            CpuStat::VmexitsPsci => "vmexits_psci",
            CpuStat::VmexitsSmccc => "vmexits_smccc",
        }
    }
}

/// What [`Hypercall::CpuGetInfo`] asks for (its `x2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CpuInfo {
    /// The CPU's [`CpuState`].
    State,
    /// One statistic counter (masked to 31 bits in the result).
    Stat(CpuStat),
}

impl CpuInfo {
    /// The `x2` value that asks for this.
    pub const fn value(self) -> u32 {
        match self {
            CpuInfo::State => CPU_INFO_STATE,
            CpuInfo::Stat(stat) => CPU_INFO_STAT_BASE + stat as u32,
        }
    }
}

impl TryFrom<u64> for CpuInfo {
    type Error = UnknownValue;

    fn try_from(value: u64) -> Result<Self, UnknownValue> {
        let unknown = UnknownValue {
            what: "CPU info kind",
            value,
        };
        if value == u64::from(CPU_INFO_STATE) {
            return Ok(CpuInfo::State);
        }
        let index = value
            .checked_sub(u64::from(CPU_INFO_STAT_BASE))
            .ok_or(unknown)?;
        CpuStat::try_from(index)
            .map(CpuInfo::Stat)
            .map_err(|_| unknown)
    }
}

impl TryFrom<u32> for CpuInfo {
    type Error = UnknownValue;

    fn try_from(value: u32) -> Result<Self, UnknownValue> {
        CpuInfo::try_from(u64::from(value))
    }
}

abi_enum_from_u64!(CpuStat: u32, "CPU statistic");

abi_enum! {
    /// Messages from the hypervisor to a cell
    /// (`jailhouse_comm_region.msg_to_cell`).
    pub enum MsgToCell: u32, "message to cell" {
        /// No message pending (`JAILHOUSE_MSG_NONE`).
        None = 0,
        /// The cell should shut down and reply approved or denied
        /// (`JAILHOUSE_MSG_SHUTDOWN_REQUEST`).
        ShutdownRequest = 1,
        /// Cells were created or destroyed; reply received
        /// (`JAILHOUSE_MSG_RECONFIG_COMPLETED`).
        ReconfigCompleted = 2,
    }
}

abi_enum! {
    /// Replies from a cell (`jailhouse_comm_region.reply_from_cell`).
    pub enum ReplyFromCell: u32, "reply from cell" {
        /// No reply yet (`JAILHOUSE_MSG_NONE`).
        None = 0,
        /// The cell does not know the message (`JAILHOUSE_MSG_UNKNOWN`).
        Unknown = 1,
        /// The request is refused (`JAILHOUSE_MSG_REQUEST_DENIED`).
        RequestDenied = 2,
        /// The request is granted (`JAILHOUSE_MSG_REQUEST_APPROVED`).
        RequestApproved = 3,
        /// The information was received (`JAILHOUSE_MSG_RECEIVED`).
        Received = 4,
    }
}

abi_enum! {
    /// State of a cell (`jailhouse_comm_region.cell_state`, result of
    /// [`Hypercall::CellGetState`]; `JAILHOUSE_CELL_*`).
    pub enum CellState: u32, "cell state" {
        /// Running; shutdown requests may be approved.
        Running = 0,
        /// Running and refusing reconfiguration of the system.
        RunningLocked = 1,
        /// Shut down (terminal).
        ShutDown = 2,
        /// Failed (terminal).
        Failed = 3,
        /// Its comm region revision did not match (terminal).
        FailedCommRev = 4,
    }
}

impl CellState {
    /// The text of `/sys/devices/jailhouse/cells/<id>/state`.
    pub const fn sysfs_str(self) -> &'static str {
        match self {
            CellState::Running => "running",
            CellState::RunningLocked => "running/locked",
            CellState::ShutDown => "shut down",
            CellState::Failed => "failed",
            CellState::FailedCommRev => "Comm ABI mismatch",
        }
    }

    /// Whether the cell can no longer change state on its own.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            CellState::ShutDown | CellState::Failed | CellState::FailedCommRev
        )
    }
}

/// Linux errno values the hypervisor returns, negated, in `x0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Errno {
    /// `EPERM`: the caller may not do this.
    Perm = 1,
    /// `ENOENT`: no such cell.
    NoEnt = 2,
    /// `EIO`: I/O error.
    Io = 5,
    /// `E2BIG`: config too large.
    TooBig = 7,
    /// `ENOMEM`: out of hypervisor memory.
    NoMem = 12,
    /// `EBUSY`: resource in use.
    Busy = 16,
    /// `EEXIST`: cell already exists.
    Exist = 17,
    /// `ENODEV`: no such device.
    NoDev = 19,
    /// `EINVAL`: invalid argument.
    Inval = 22,
    /// `ERANGE`: value out of range.
    Range = 34,
    /// `ENOSYS`: unknown hypercall.
    NoSys = 38,
}

impl Errno {
    /// Every errno this enum names.
    pub const ALL: &'static [Errno] = &[
        Errno::Perm,
        Errno::NoEnt,
        Errno::Io,
        Errno::TooBig,
        Errno::NoMem,
        Errno::Busy,
        Errno::Exist,
        Errno::NoDev,
        Errno::Inval,
        Errno::Range,
        Errno::NoSys,
    ];

    /// The positive errno number.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The hypercall result that reports this error (`-errno`).
    pub const fn to_result(self) -> i64 {
        -(self as i64)
    }

    /// The error a hypercall result reports, if it is one of ours.
    pub fn from_result(result: i64) -> Option<Errno> {
        let code = result.checked_neg()?;
        Errno::ALL
            .iter()
            .copied()
            .find(|e| i64::from(e.code()) == code)
    }

    /// The C name, e.g. `"EPERM"`.
    pub const fn name(self) -> &'static str {
        match self {
            Errno::Perm => "EPERM",
            Errno::NoEnt => "ENOENT",
            Errno::Io => "EIO",
            Errno::TooBig => "E2BIG",
            Errno::NoMem => "ENOMEM",
            Errno::Busy => "EBUSY",
            Errno::Exist => "EEXIST",
            Errno::NoDev => "ENODEV",
            Errno::Inval => "EINVAL",
            Errno::Range => "ERANGE",
            Errno::NoSys => "ENOSYS",
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

impl TryFrom<i32> for Errno {
    type Error = UnknownValue;

    fn try_from(code: i32) -> Result<Self, UnknownValue> {
        Errno::ALL
            .iter()
            .copied()
            .find(|e| e.code() == code)
            .ok_or(UnknownValue {
                what: "errno",
                value: code as u64,
            })
    }
}
