// SPDX-License-Identifier: GPL-2.0-only

//! Validation of jailhouse-rs cell configs.
//!
//! The hypervisor runs these checks on every config it is handed, and
//! `jailhouse config check` runs the same ones offline, so both report the
//! same problems in the same words. The input is what
//! [`jailhouse_abi::config`] parsed: that parser only makes sure a blob can
//! be read safely; everything about whether the config makes sense is
//! decided here.
//!
//! Results go to a caller-supplied sink, one [`Finding`] at a time, so the
//! crate needs no allocator and runs at EL2:
//!
//! ```
//! use jailhouse_abi::config::{CellConfig, SystemConfig};
//! use jailhouse_config_check::{check_all, Finding, Tally};
//!
//! /// Whether the system and cells may run together; prints every finding,
//! /// e.g. `error: cell "demo": memory region 2 (phys ...) is not inside the
//! /// memory of root cell "qemu"; ...` (what follows the root cell's name
//! /// only with the `advice` feature).
//! fn acceptable(sys: &SystemConfig<'_>, cells: &[CellConfig<'_>]) -> bool {
//!     let mut tally = Tally::default();
//!     check_all(sys, cells, &mut |finding: Finding<'_>| {
//!         tally.add(&finding);
//!         println!("{finding}");
//!     });
//!     tally.is_ok()
//! }
//! # let _ = acceptable;
//! ```
//!
//! Every finding is typed ([`FindingKind`] carries the cell, region
//! indices, addresses, CPUs or interrupts involved) and its `Display` text
//! says what is wrong and how to fix it. Errors are what the hypervisor
//! refuses; warnings are configs that work but probably not as intended,
//! e.g. openEuler's QEMU root cell whose RAM spans the hypervisor memory.
//!
//! Why a problem matters and how to fix it come with the `advice` feature,
//! which is on by default and which `jailhouse config check` uses. The
//! hypervisor turns it off: it prints only what is wrong (`cell "a" and
//! cell "b" both claim CPU 1`), and the advice texts and the code that
//! writes them stay out of `jailhouse.bin`. What is wrong reads the same
//! either way.
//!
//! This crate must not panic or allocate on any parsed input, and must not
//! touch hardware: it is pure logic, tested on the host.

#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod check;
mod finding;
mod geometry;

pub use check::{check_all, check_cell, check_cells_together, check_system};
pub use finding::{
    AddressSpace, CellRef, Finding, FindingKind, PlatformDevice, RegionRef, Severity, Span, Tally,
    MAX_CPU_SET_SIZE, PAGE_SIZE,
};
