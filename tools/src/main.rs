// SPDX-License-Identifier: GPL-2.0-only

//! The `jailhouse` command-line tool (being written).

fn main() {
    println!("Jailhouse management tool {}", env!("CARGO_PKG_VERSION"));
}
