// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
//! Links the demo inmates with the inmate library's linker script.

use std::env;

fn main() {
    let lib_ld = "../lib/inmate.ld";
    println!("cargo:rerun-if-changed={lib_ld}");
    if env::var("CARGO_CFG_TARGET_OS").unwrap_or_default() == "none" {
        let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo:rustc-link-arg-bins=-T{dir}/{lib_ld}");
        println!("cargo:rustc-link-arg-bins=--build-id=none");
    }
}
