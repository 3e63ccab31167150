// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
//! Links the demo inmates with the inmate library's linker script: the
//! cell's (`inmate.ld`, linked at 0), or with the `bare-metal` feature the
//! one for QEMU virt without a hypervisor (`inmate-bare-metal.ld`, linked
//! in RAM). Both include `inmate-layout.ld`, found through `-L`.

use std::env;

fn main() {
    let script = if env::var_os("CARGO_FEATURE_BARE_METAL").is_some() {
        "inmate-bare-metal.ld"
    } else {
        "inmate.ld"
    };
    for file in ["inmate.ld", "inmate-bare-metal.ld", "inmate-layout.ld"] {
        println!("cargo:rerun-if-changed=../lib/{file}");
    }
    if env::var("CARGO_CFG_TARGET_OS").unwrap_or_default() == "none" {
        let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo:rustc-link-arg-bins=-L{dir}/../lib");
        println!("cargo:rustc-link-arg-bins=-T{dir}/../lib/{script}");
        println!("cargo:rustc-link-arg-bins=--build-id=none");
    }
}
