// SPDX-License-Identifier: GPL-2.0-only
//! Release packaging of jailhouse-rs, run by the top-level Makefile:
//!
//! * `crates-inc` turns `Cargo.lock` into the Yocto layer's
//!   `jailhouse-crates.inc` (one `crate://` SRC_URI entry and one sha256 per
//!   crates.io package), or with `--check` fails when the committed file is
//!   stale;
//! * `dist` writes the reproducible source tarball (`make dist`) and its
//!   sha256: fixed mtimes, owners and modes, entries in name order.
//!
//! It only reads the source tree and writes where it is told: it never
//! touches the network.

mod crates_inc;
mod dist;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "jailhouse-packaging", about = "jailhouse-rs release packaging")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write (or check) the BitBake crates include generated from Cargo.lock.
    CratesInc {
        /// The workspace's lock file.
        #[arg(long, default_value = "Cargo.lock")]
        lock: PathBuf,
        /// The include file to write or check.
        #[arg(long)]
        output: PathBuf,
        /// Do not write: fail if `output` differs from what Cargo.lock gives.
        #[arg(long)]
        check: bool,
    },
    /// Write the reproducible source tarball and its sha256.
    Dist {
        /// The source tree (a git checkout or an unpacked tarball).
        #[arg(long, default_value = ".")]
        source: PathBuf,
        /// Directory for `<name>-<version>.tar.gz` and its `.sha256`.
        #[arg(long)]
        output_dir: PathBuf,
        /// Name of the tarball and of its top directory.
        #[arg(long, default_value = "jailhouse-rs")]
        name: String,
        /// Version; default: `[workspace.package] version` of Cargo.toml.
        #[arg(long)]
        version: Option<String>,
        /// Timestamp of every entry (seconds since the epoch); default:
        /// $SOURCE_DATE_EPOCH, else the commit time of HEAD, else 0.
        #[arg(long)]
        mtime: Option<u64>,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::CratesInc {
            lock,
            output,
            check,
        } => {
            let text = std::fs::read_to_string(&lock)
                .with_context(|| format!("cannot read {}", lock.display()))?;
            let crates = crates_inc::registry_crates(&text)
                .with_context(|| format!("in {}", lock.display()))?;
            let rendered = crates_inc::render(&crates)?;
            if check {
                let current = std::fs::read_to_string(&output).unwrap_or_default();
                if current != rendered {
                    bail!(
                        "{} is out of date with {} (run `make crates-inc`)",
                        output.display(),
                        lock.display()
                    );
                }
                println!(
                    "{}: up to date with {} ({} crates)",
                    output.display(),
                    lock.display(),
                    crates.len()
                );
            } else {
                std::fs::write(&output, rendered)
                    .with_context(|| format!("cannot write {}", output.display()))?;
                println!("{}: {} crates", output.display(), crates.len());
            }
        }
        Command::Dist {
            source,
            output_dir,
            name,
            version,
            mtime,
        } => {
            let version = match version {
                Some(v) => v,
                None => dist::workspace_version(&source)?,
            };
            let mtime = match mtime {
                Some(t) => t,
                None => dist::default_mtime(&source)?,
            };
            let out = dist::write_dist(&source, &output_dir, &name, &version, mtime)?;
            println!("{}", out.tarball.display());
            println!("sha256: {}", out.sha256);
            println!("entries: {}, mtime: {mtime}", out.entries);
        }
    }
    Ok(())
}
