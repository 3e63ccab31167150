// SPDX-License-Identifier: GPL-2.0-only

//! The jailhouse-rs hypervisor: everything that runs at EL2.
//!
//! The crate is a library so that its pure logic (page pool, and later
//! configuration validation, page tables, MMIO dispatch, vGIC bookkeeping)
//! is tested on the host with `cargo test`. Only [`arch`] touches the CPU,
//! and only when built for aarch64; the firmware binary (`src/main.rs`)
//! merely links this library into `jailhouse.bin`.

#![cfg_attr(not(test), no_std)]

pub mod arch;
#[cfg(target_arch = "aarch64")]
mod cell;
pub mod console;
#[cfg(target_arch = "aarch64")]
mod hv;
pub mod hypercall;
#[cfg(target_arch = "aarch64")]
mod irqchip;
pub mod layout;
pub mod page_pool;
pub mod paging;
pub mod psci;
pub mod stage2;
pub mod stats;
pub mod subpage;
pub mod sync;
pub mod trap;
pub mod vgic;

#[cfg(target_os = "none")]
mod panic;
