// SPDX-License-Identifier: GPL-2.0-only

//! The `jailhouse.bin` firmware image. All code lives in the library; this
//! file exists so that the linker produces the image.

#![cfg_attr(target_os = "none", no_std, no_main)]

// Link the library (and with it the entry code and panic handler).
use jailhouse_hypervisor as _;

/// On the host the firmware cannot run; say so instead of failing to build.
#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!(
        "jailhouse-hypervisor runs at EL2: build it with `make` for aarch64-unknown-none-softfloat"
    );
    std::process::exit(1);
}
