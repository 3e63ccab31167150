// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The cell's communication region: the page the hypervisor shares with
//! the cell (layout: `jailhouse_abi::comm_region`, ABI revision 2).
//!
//! This module owns how the inmate accesses the live page (volatile
//! accesses at the ABI's field offsets) and how it answers the
//! hypervisor's messages. The order of that answer is the protocol of
//! Jailhouse's `jailhouse_send_reply_from_cell`: clear `msg_to_cell`,
//! `dmb ishst`, write `reply_from_cell` — the hypervisor, spinning on the
//! reply on another CPU, must never see the reply while the old message
//! is still pending. The decision and the order are plain code over the
//! [`Mailbox`] trait and tested on the host.
//!
//! In the bare-metal flavour (feature `bare-metal`) there is no region:
//! [`machine`] gives the board's description instead, [`poll_shutdown`]
//! does nothing, and `comm_region` does not exist, so that no program
//! can touch the unmapped page.

use core::mem::{offset_of, size_of};

use jailhouse_abi::comm_region::CommRegion;
use jailhouse_abi::hypercall::{CellState, MsgToCell, ReplyFromCell};
use jailhouse_abi::zerocopy::FromBytes;

/// Guest-physical address of the communication region in every demo
/// cell config (the `JAILHOUSE_MEM_COMM_REGION` region's `virt_start`).
pub const COMM_REGION_BASE: usize = 0x8000_0000;

/// The fields of the communication region a cell and the hypervisor both
/// write, as the message handling sees them.
pub trait Mailbox {
    /// The pending message (`msg_to_cell`), 0 if none.
    fn msg_to_cell(&self) -> u32;
    /// Write `msg_to_cell`.
    fn set_msg_to_cell(&self, msg: u32);
    /// Write `reply_from_cell`.
    fn set_reply_from_cell(&self, reply: u32);
    /// Write `cell_state`.
    fn set_cell_state(&self, state: u32);
    /// Order the stores before it before the stores after it, as seen by
    /// the hypervisor's CPUs (`dmb ishst`).
    fn write_barrier(&self);
}

/// How a message was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    /// The message (`msg_to_cell` value) that was pending.
    pub message: u32,
    /// The reply written.
    pub reply: ReplyFromCell,
}

impl Answered {
    /// Whether the cell agreed to shut down and must stop now.
    pub fn shut_down(&self) -> bool {
        self.message == MsgToCell::ShutdownRequest as u32
            && self.reply == ReplyFromCell::RequestApproved
    }
}

/// The reply to message `msg`; `None` when there is no message.
///
/// Shutdown requests are approved, reconfiguration notices acknowledged,
/// and anything else reported as unknown (Jailhouse's `MSG_UNKNOWN`).
pub fn reply_for(msg: u32) -> Option<ReplyFromCell> {
    match MsgToCell::try_from(msg) {
        Ok(MsgToCell::None) => None,
        Ok(MsgToCell::ShutdownRequest) => Some(ReplyFromCell::RequestApproved),
        Ok(MsgToCell::ReconfigCompleted) => Some(ReplyFromCell::Received),
        Err(_) => Some(ReplyFromCell::Unknown),
    }
}

/// Answer the pending message, if any.
///
/// Order (Jailhouse hypercall.h, `jailhouse_send_reply_from_cell`):
/// `msg_to_cell = NONE`, write barrier, `reply_from_cell = reply`. For an
/// approved shutdown request another write barrier follows and then
/// `cell_state = SHUT_DOWN`, the cell's last word: the hypervisor accepts
/// either as consent and parks the CPU, and `jailhouse cell list` shows
/// "shut down". The caller must stop when [`Answered::shut_down`] says so.
///
/// Reading the message and writing the answer need no barrier between
/// them: the writes depend on the value read (a control dependency), and
/// stores are never made visible speculatively.
pub fn answer_message<M: Mailbox>(mailbox: &M) -> Option<Answered> {
    let message = mailbox.msg_to_cell();
    let reply = reply_for(message)?;
    mailbox.set_msg_to_cell(MsgToCell::None as u32);
    mailbox.write_barrier();
    mailbox.set_reply_from_cell(reply as u32);
    let answered = Answered { message, reply };
    if answered.shut_down() {
        mailbox.write_barrier();
        mailbox.set_cell_state(CellState::ShutDown as u32);
    }
    Some(answered)
}

/// The live communication region page.
///
/// Every access is volatile: the hypervisor writes the page from other
/// CPUs. The page is normal write-back memory to the inmate (see
/// [`crate::mmu`]), coherent with the hypervisor's own cacheable mapping.
#[derive(Debug, Clone, Copy)]
pub struct CommPage {
    base: usize,
}

// Every field the accessors below touch is naturally aligned in the
// page-aligned region, so volatile accesses of its own width are fine.
const _: () = {
    assert!(offset_of!(CommRegion, cell_state) % 4 == 0);
    assert!(offset_of!(CommRegion, msg_to_cell) % 4 == 0);
    assert!(offset_of!(CommRegion, reply_from_cell) % 4 == 0);
    assert!(size_of::<CommRegion>() % 4 == 0);
};

const WORDS: usize = size_of::<CommRegion>() / 4;

impl CommPage {
    /// The region at `base`.
    ///
    /// # Safety
    /// `base` must be 4-byte aligned, and `size_of::<CommRegion>()` bytes
    /// from it must stay readable and writable for as long as the
    /// returned value or a copy of it is used.
    pub const unsafe fn at(base: usize) -> Self {
        Self { base }
    }

    fn word(&self, offset: usize) -> *mut u32 {
        (self.base + offset) as *mut u32
    }

    fn read(&self, offset: usize) -> u32 {
        // SAFETY: `offset` is a 4-aligned offset inside the region
        // (callers pass `offset_of!` values checked above, or word indices
        // below `WORDS`), which `at`'s caller keeps valid.
        unsafe { core::ptr::read_volatile(self.word(offset)) }
    }

    fn write(&self, offset: usize, value: u32) {
        // SAFETY: as in `read`.
        unsafe { core::ptr::write_volatile(self.word(offset), value) }
    }

    /// A copy of the whole region, read word by word.
    ///
    /// Fields the hypervisor writes only before the cell starts
    /// (signature, console, GIC bases, ...) are consistent in it; for
    /// the message fields use the accessors.
    pub fn snapshot(&self) -> CommRegion {
        let mut bytes = [0u8; size_of::<CommRegion>()];
        for (i, chunk) in bytes.chunks_exact_mut(4).enumerate().take(WORDS) {
            chunk.copy_from_slice(&self.read(i * 4).to_le_bytes());
        }
        CommRegion::read_from_bytes(&bytes).unwrap_or_default()
    }

    /// `cell_state`.
    pub fn cell_state(&self) -> u32 {
        self.read(offset_of!(CommRegion, cell_state))
    }

    /// `reply_from_cell`.
    pub fn reply_from_cell(&self) -> u32 {
        self.read(offset_of!(CommRegion, reply_from_cell))
    }
}

impl Mailbox for CommPage {
    fn msg_to_cell(&self) -> u32 {
        self.read(offset_of!(CommRegion, msg_to_cell))
    }

    fn set_msg_to_cell(&self, msg: u32) {
        self.write(offset_of!(CommRegion, msg_to_cell), msg);
    }

    fn set_reply_from_cell(&self, reply: u32) {
        self.write(offset_of!(CommRegion, reply_from_cell), reply);
    }

    fn set_cell_state(&self, state: u32) {
        self.write(offset_of!(CommRegion, cell_state), state);
    }

    fn write_barrier(&self) {
        #[cfg(all(target_arch = "aarch64", target_os = "none"))]
        crate::arch::dmb_ishst();
        #[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
        core::sync::atomic::fence(core::sync::atomic::Ordering::Release);
    }
}

/// This cell's communication region, at [`COMM_REGION_BASE`].
#[cfg(all(
    target_arch = "aarch64",
    target_os = "none",
    not(feature = "bare-metal")
))]
pub fn comm_region() -> CommPage {
    // SAFETY: every inmate cell config maps its communication region at
    // COMM_REGION_BASE (startup checked its signature before the program
    // ran), and the hypervisor keeps the page mapped while the cell runs;
    // startup mapped its block as normal memory.
    unsafe { CommPage::at(COMM_REGION_BASE) }
}

/// What this inmate knows about its machine (console, GIC): in a cell, a
/// snapshot of its communication region, which startup checks before
/// the program runs.
#[cfg(all(
    target_arch = "aarch64",
    target_os = "none",
    not(feature = "bare-metal")
))]
pub fn machine() -> CommRegion {
    comm_region().snapshot()
}

/// What this inmate knows about its machine (console, GIC): in the
/// bare-metal flavour, the board's description in the shape of a valid
/// communication region ([`crate::bare_metal::qemu_virt`]).
#[cfg(all(target_arch = "aarch64", target_os = "none", feature = "bare-metal"))]
pub fn machine() -> CommRegion {
    crate::bare_metal::description()
}

/// Answer a pending message from the hypervisor; if it was a shutdown
/// request, approve it and stop this CPU for good (the hypervisor then
/// parks it). Call it regularly from the program's main loop.
///
/// Does nothing for cells with `JAILHOUSE_CELL_PASSIVE_COMMREG`, which
/// the hypervisor never sends messages.
#[cfg(all(
    target_arch = "aarch64",
    target_os = "none",
    not(feature = "bare-metal")
))]
pub fn poll_shutdown() {
    if let Some(answered) = answer_message(&comm_region()) {
        if answered.shut_down() {
            crate::stop();
        }
    }
}

/// Nothing to answer in the bare-metal flavour: no hypervisor sends
/// messages. Kept so that programs run unchanged.
#[cfg(all(target_arch = "aarch64", target_os = "none", feature = "bare-metal"))]
pub fn poll_shutdown() {}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use jailhouse_abi::comm_region::{COMM_REGION_ABI_REVISION, COMM_REGION_MAGIC};
    use jailhouse_abi::config::Console;
    use jailhouse_abi::zerocopy::IntoBytes;

    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Op {
        Msg(u32),
        Reply(u32),
        State(u32),
        Barrier,
    }

    struct Fake {
        msg: u32,
        ops: RefCell<Vec<Op>>,
    }

    impl Mailbox for Fake {
        fn msg_to_cell(&self) -> u32 {
            self.msg
        }
        fn set_msg_to_cell(&self, msg: u32) {
            self.ops.borrow_mut().push(Op::Msg(msg));
        }
        fn set_reply_from_cell(&self, reply: u32) {
            self.ops.borrow_mut().push(Op::Reply(reply));
        }
        fn set_cell_state(&self, state: u32) {
            self.ops.borrow_mut().push(Op::State(state));
        }
        fn write_barrier(&self) {
            self.ops.borrow_mut().push(Op::Barrier);
        }
    }

    fn answer(msg: u32) -> (Option<Answered>, Vec<Op>) {
        let fake = Fake {
            msg,
            ops: RefCell::new(Vec::new()),
        };
        let answered = answer_message(&fake);
        (answered, fake.ops.into_inner())
    }

    #[test]
    fn no_message_no_writes() {
        assert_eq!(answer(0), (None, vec![]));
    }

    #[test]
    fn shutdown_request_order() {
        let (answered, ops) = answer(1);
        let answered = answered.unwrap();
        assert!(answered.shut_down());
        assert_eq!(answered.reply, ReplyFromCell::RequestApproved);
        assert_eq!(
            ops,
            vec![
                Op::Msg(0),
                Op::Barrier,
                Op::Reply(3),
                Op::Barrier,
                Op::State(2)
            ]
        );
    }

    #[test]
    fn other_messages_are_answered_without_shutting_down() {
        let (answered, ops) = answer(2);
        assert_eq!(
            answered,
            Some(Answered {
                message: 2,
                reply: ReplyFromCell::Received
            })
        );
        assert!(!answered.unwrap().shut_down());
        assert_eq!(ops, vec![Op::Msg(0), Op::Barrier, Op::Reply(4)]);

        let (answered, ops) = answer(77);
        assert_eq!(answered.unwrap().reply, ReplyFromCell::Unknown);
        assert_eq!(ops, vec![Op::Msg(0), Op::Barrier, Op::Reply(1)]);
    }

    /// A page-sized, aligned stand-in for the region.
    #[repr(C, align(4096))]
    struct Page([u8; 4096]);

    #[test]
    fn live_page_accessors() {
        let region = CommRegion {
            signature: COMM_REGION_MAGIC,
            revision: COMM_REGION_ABI_REVISION,
            msg_to_cell: 1,
            console: Console {
                address: 0x0900_0000,
                ..Default::default()
            },
            gic_version: 3,
            gicd_base: 0x0800_0000,
            gicr_base: 0x080a_0000,
            ..Default::default()
        };
        let mut page = Box::new(Page([0xaa; 4096]));
        page.0[..size_of::<CommRegion>()].copy_from_slice(region.as_bytes());
        // SAFETY: the page outlives `comm` and is aligned.
        let comm = unsafe { CommPage::at(page.0.as_mut_ptr() as usize) };
        assert_eq!(comm.snapshot(), region);
        assert!(comm.snapshot().is_valid());

        let answered = answer_message(&comm).unwrap();
        assert!(answered.shut_down());
        assert_eq!(comm.msg_to_cell(), 0);
        assert_eq!(comm.reply_from_cell(), 3);
        assert_eq!(comm.cell_state(), 2);
        // Nothing outside the three fields changed.
        let after = comm.snapshot();
        assert_eq!({ after.gicr_base }, 0x080a_0000);
        assert_eq!(page.0[size_of::<CommRegion>()], 0xaa);
        // A second poll finds nothing to answer.
        assert_eq!(answer_message(&comm), None);
    }
}
