// SPDX-License-Identifier: GPL-2.0-only

//! Hypercall dispatch: the decision table from (code, arguments) to a
//! result or an action.
//!
//! This module decides what each hypercall means for the calling cell; it
//! does not know how the hypervisor stores its state. The caller supplies
//! a [`Context`] that answers questions (pool usage, CPU statistics) and
//! performs effects (console output). Guest input can only produce
//! results here, never a panic.

use jailhouse_abi::hypercall::{CpuInfo, CpuState, Errno, Hypercall, InfoKind};

/// Cell id of the root cell.
pub const ROOT_CELL_ID: u64 = 0;

/// Hypervisor state a hypercall may read or act on.
pub trait Context {
    /// Whether the caller runs in the root cell (only the root manages
    /// cells and disables the hypervisor).
    fn is_root(&self) -> bool;
    /// Value of a `HYPERVISOR_GET_INFO` kind.
    fn info(&self, kind: InfoKind) -> u64;
    /// State of logical CPU `cpu`, or `None` if the hypervisor does not
    /// manage that CPU.
    fn cpu_state(&self, cpu: u64) -> Option<CpuState>;
    /// A statistic of CPU `cpu` (already masked to 31 bits), or `None` if
    /// the hypervisor does not manage that CPU.
    fn cpu_stat(&self, cpu: u64, info: CpuInfo) -> Option<u32>;
    /// Whether the calling cell may write to the debug console.
    fn console_permitted(&self) -> bool;
    /// Write one byte to the debug console.
    fn putc(&self, byte: u8);
    /// `CELL_GET_STATE` of non-root cell `id`.
    fn cell_state(&self, id: u64) -> Result<u32, Errno>;
    /// `CELL_CREATE` from the config at guest-physical `config_pa`.
    fn cell_create(&self, config_pa: u64) -> Result<(), Errno>;
    /// `CELL_START` of non-root cell `id`.
    fn cell_start(&self, id: u64) -> Result<(), Errno>;
    /// `CELL_SET_LOADABLE` of non-root cell `id`.
    fn cell_set_loadable(&self, id: u64) -> Result<(), Errno>;
    /// `CELL_DESTROY` of non-root cell `id`.
    fn cell_destroy(&self, id: u64) -> Result<(), Errno>;
}

/// What the caller must do after a hypercall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Return this value in x0 and resume the cell.
    Return(i64),
    /// `DISABLE`: leave the hypervisor on this CPU, returning 0.
    Disable,
}

fn err(e: Errno) -> Outcome {
    Outcome::Return(e.to_result())
}

fn done(result: Result<(), Errno>) -> Outcome {
    Outcome::Return(result.map_or_else(Errno::to_result, |()| 0))
}

/// Dispatch hypercall `code` with arguments `arg1`, `arg2` issued by a
/// CPU of the cell `ctx` describes.
pub fn dispatch(ctx: &dyn Context, code: u64, arg1: u64, arg2: u64) -> Outcome {
    let Ok(call) = Hypercall::try_from(code) else {
        return err(Errno::NoSys);
    };
    let management = matches!(
        call,
        Hypercall::Disable
            | Hypercall::CellCreate
            | Hypercall::CellStart
            | Hypercall::CellSetLoadable
            | Hypercall::CellDestroy
            | Hypercall::CellGetState
    );
    if management && !ctx.is_root() {
        return err(Errno::Perm);
    }
    let cell = |id: u64, op: fn(&dyn Context, u64) -> Result<(), Errno>| match id {
        ROOT_CELL_ID => err(Errno::Inval),
        id => done(op(ctx, id)),
    };
    match call {
        Hypercall::Disable => Outcome::Disable,
        Hypercall::HypervisorGetInfo => match InfoKind::try_from(arg1) {
            Ok(kind) => Outcome::Return(ctx.info(kind) as i64),
            Err(_) => err(Errno::Inval),
        },
        Hypercall::CellGetState => match arg1 {
            ROOT_CELL_ID => Outcome::Return(i64::from(
                jailhouse_abi::hypercall::CellState::Running.value(),
            )),
            id => ctx
                .cell_state(id)
                .map_or_else(err, |state| Outcome::Return(i64::from(state))),
        },
        Hypercall::CpuGetInfo => {
            let Ok(info) = CpuInfo::try_from(arg2) else {
                return err(Errno::Inval);
            };
            let value = match info {
                CpuInfo::State => ctx.cpu_state(arg1).map(|s| s.value()),
                CpuInfo::Stat(_) => ctx.cpu_stat(arg1, info),
            };
            value.map_or(err(Errno::Inval), |v| Outcome::Return(i64::from(v)))
        }
        Hypercall::DebugConsolePutc => {
            if !ctx.console_permitted() {
                return err(Errno::Perm);
            }
            ctx.putc(arg1 as u8);
            Outcome::Return(0)
        }
        Hypercall::CellCreate => done(ctx.cell_create(arg1)),
        Hypercall::CellStart => cell(arg1, |c, id| c.cell_start(id)),
        Hypercall::CellSetLoadable => cell(arg1, |c, id| c.cell_set_loadable(id)),
        Hypercall::CellDestroy => cell(arg1, |c, id| c.cell_destroy(id)),
    }
}

#[cfg(test)]
mod tests {
    use core::cell::RefCell;

    use jailhouse_abi::hypercall::CpuStat;

    use super::*;

    struct Fake {
        cpus: u64,
        permitted: bool,
        root: bool,
        out: RefCell<Vec<u8>>,
        calls: RefCell<Vec<(&'static str, u64)>>,
    }

    impl Context for Fake {
        fn is_root(&self) -> bool {
            self.root
        }
        fn cell_state(&self, id: u64) -> Result<u32, Errno> {
            self.calls.borrow_mut().push(("state", id));
            if id == 1 {
                Ok(2)
            } else {
                Err(Errno::NoEnt)
            }
        }
        fn cell_create(&self, pa: u64) -> Result<(), Errno> {
            self.calls.borrow_mut().push(("create", pa));
            Err(Errno::Exist)
        }
        fn cell_start(&self, id: u64) -> Result<(), Errno> {
            self.calls.borrow_mut().push(("start", id));
            Ok(())
        }
        fn cell_set_loadable(&self, id: u64) -> Result<(), Errno> {
            self.calls.borrow_mut().push(("loadable", id));
            Ok(())
        }
        fn cell_destroy(&self, id: u64) -> Result<(), Errno> {
            self.calls.borrow_mut().push(("destroy", id));
            Err(Errno::Perm)
        }
        fn info(&self, kind: InfoKind) -> u64 {
            100 + kind.value() as u64
        }
        fn cpu_state(&self, cpu: u64) -> Option<CpuState> {
            (cpu < self.cpus).then_some(CpuState::Running)
        }
        fn cpu_stat(&self, cpu: u64, info: CpuInfo) -> Option<u32> {
            (cpu < self.cpus).then(|| info.value() + cpu as u32)
        }
        fn console_permitted(&self) -> bool {
            self.permitted
        }
        fn putc(&self, byte: u8) {
            self.out.borrow_mut().push(byte);
        }
    }

    fn fake(permitted: bool) -> Fake {
        Fake {
            cpus: 4,
            permitted,
            root: true,
            out: RefCell::new(Vec::new()),
            calls: RefCell::new(Vec::new()),
        }
    }

    #[test]
    fn disable_and_unknown_codes() {
        let ctx = fake(true);
        assert_eq!(dispatch(&ctx, 0, 0, 0), Outcome::Disable);
        assert_eq!(dispatch(&ctx, 9, 0, 0), Outcome::Return(-38));
        assert_eq!(dispatch(&ctx, u64::MAX, 0, 0), Outcome::Return(-38));
    }

    #[test]
    fn cell_management_from_the_root() {
        let ctx = fake(true);
        assert_eq!(dispatch(&ctx, 1, 0x4000_1000, 0), Outcome::Return(-17));
        assert_eq!(dispatch(&ctx, 2, 1, 0), Outcome::Return(0));
        assert_eq!(dispatch(&ctx, 3, 1, 0), Outcome::Return(0));
        assert_eq!(dispatch(&ctx, 4, 1, 0), Outcome::Return(-1));
        assert_eq!(dispatch(&ctx, 6, 1, 0), Outcome::Return(2));
        assert_eq!(dispatch(&ctx, 6, 7, 0), Outcome::Return(-2));
        // The root cell itself cannot be started, loaded or destroyed.
        for code in 2..=4 {
            assert_eq!(dispatch(&ctx, code, 0, 0), Outcome::Return(-22));
        }
        assert_eq!(
            *ctx.calls.borrow(),
            [
                ("create", 0x4000_1000),
                ("start", 1),
                ("loadable", 1),
                ("destroy", 1),
                ("state", 1),
                ("state", 7)
            ]
        );
    }

    #[test]
    fn non_root_cells_may_not_manage() {
        let mut ctx = fake(true);
        ctx.root = false;
        for code in [0, 1, 2, 3, 4, 6] {
            assert_eq!(
                dispatch(&ctx, code, 1, 0),
                Outcome::Return(-1),
                "code {code}"
            );
        }
        assert!(ctx.calls.borrow().is_empty());
        assert_eq!(dispatch(&ctx, 5, 0, 0), Outcome::Return(100));
    }

    #[test]
    fn get_info() {
        let ctx = fake(true);
        for kind in 0..=4 {
            assert_eq!(
                dispatch(&ctx, 5, kind, 0),
                Outcome::Return(100 + kind as i64)
            );
        }
        assert_eq!(dispatch(&ctx, 5, 5, 0), Outcome::Return(-22));
    }

    #[test]
    fn root_cell_is_always_running() {
        let ctx = fake(true);
        assert_eq!(dispatch(&ctx, 6, 0, 0), Outcome::Return(0));
        assert!(ctx.calls.borrow().is_empty());
    }

    #[test]
    fn cpu_info_state_stats_and_errors() {
        let ctx = fake(true);
        assert_eq!(dispatch(&ctx, 7, 3, 0), Outcome::Return(0));
        assert_eq!(dispatch(&ctx, 7, 4, 0), Outcome::Return(-22));
        let stat = 1000 + CpuStat::VmexitsHypercall as u64;
        assert_eq!(dispatch(&ctx, 7, 2, stat), Outcome::Return(stat as i64 + 2));
        assert_eq!(dispatch(&ctx, 7, 4, stat), Outcome::Return(-22));
        assert_eq!(dispatch(&ctx, 7, 0, 1), Outcome::Return(-22));
        assert_eq!(dispatch(&ctx, 7, 0, 1009), Outcome::Return(-22));
    }

    #[test]
    fn console_putc_needs_permission() {
        let ctx = fake(true);
        assert_eq!(
            dispatch(&ctx, 8, u64::from(b'A') | 0x100, 0),
            Outcome::Return(0)
        );
        assert_eq!(*ctx.out.borrow(), b"A");
        let ctx = fake(false);
        assert_eq!(dispatch(&ctx, 8, u64::from(b'A'), 0), Outcome::Return(-1));
        assert!(ctx.out.borrow().is_empty());
    }
}
