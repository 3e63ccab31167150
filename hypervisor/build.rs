// SPDX-License-Identifier: GPL-2.0-only
//! Links the firmware with our linker script when building for bare metal.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=hypervisor.ld");
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "none" {
        let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo:rustc-link-arg-bins=-T{dir}/hypervisor.ld");
        println!("cargo:rustc-link-arg-bins=--no-dynamic-linker");
        println!("cargo:rustc-link-arg-bins=-znorelro");
        println!("cargo:rustc-link-arg-bins=--build-id=none");
    }
}
