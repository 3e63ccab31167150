// SPDX-License-Identifier: GPL-2.0-only

//! `jailhouse config check SYSCONFIG [CELLCONFIG ...]`: offline checks of
//! a configuration set.
//!
//! This module owns the report. For now it reads every file and parses it
//! with `jailhouse_abi::config` (signature, revision, array bounds); the
//! set-wide validation (overlapping regions, CPUs owned twice, hypervisor
//! memory mapped into a cell, ...) is to be added here. It never talks to
//! the driver, so it runs on a build host as well as on the target.

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jailhouse_abi::config::{CellConfig, SystemConfig};

use crate::report::strerror;

/// Checks the system config `sysconfig` and the cell configs `cells`,
/// writing the report to `out`.
///
/// Returns `Ok(true)` if everything is fine, `Ok(false)` if there were
/// findings (unreadable or malformed files); `Err` only if `out` fails.
pub fn run(sysconfig: &Path, cells: &[PathBuf], out: &mut dyn Write) -> anyhow::Result<bool> {
    writeln!(out, "Reading configuration set:")?;
    let mut ok = true;

    match fs::read(sysconfig) {
        Ok(bytes) => match SystemConfig::parse(&bytes) {
            Ok(config) => writeln!(
                out,
                "  Root cell:     {} ({})",
                display_name(config.root_cell().name()),
                file_name(sysconfig)
            )?,
            Err(error) => {
                writeln!(out, "{}: {error}", sysconfig.display())?;
                ok = false;
            }
        },
        Err(error) => {
            writeln!(out, "{}: {}", sysconfig.display(), strerror(&error))?;
            ok = false;
        }
    }

    for cell in cells {
        match fs::read(cell) {
            Ok(bytes) => match CellConfig::parse(&bytes) {
                Ok(config) => writeln!(
                    out,
                    "  Non-root cell: {} ({})",
                    display_name(config.name()),
                    file_name(cell)
                )?,
                Err(error) => {
                    writeln!(out, "{}: {error}", cell.display())?;
                    ok = false;
                }
            },
            Err(error) => {
                writeln!(out, "{}: {}", cell.display(), strerror(&error))?;
                ok = false;
            }
        }
    }
    Ok(ok)
}

/// A cell name for humans.
fn display_name(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// The last component of `path`, as upstream's checker prints it.
fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(OsStr::new(""))
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jailhouse_abi::config::{
        CellDesc, SystemDesc, CELL_DESC_SIGNATURE, CONFIG_REVISION, SYSTEM_SIGNATURE,
    };
    use jailhouse_abi::zerocopy::IntoBytes;

    fn cell_config(name: &str) -> Vec<u8> {
        let mut desc = CellDesc {
            signature: CELL_DESC_SIGNATURE,
            revision: CONFIG_REVISION,
            cpu_set_size: 8,
            ..Default::default()
        };
        desc.name[..name.len()].copy_from_slice(name.as_bytes());
        let mut blob = desc.as_bytes().to_vec();
        blob.extend_from_slice(&0b10u64.to_le_bytes());
        blob
    }

    fn system_config(name: &str) -> Vec<u8> {
        let mut desc = SystemDesc {
            signature: SYSTEM_SIGNATURE,
            revision: CONFIG_REVISION,
            ..Default::default()
        };
        desc.root_cell.name[..name.len()].copy_from_slice(name.as_bytes());
        desc.root_cell.cpu_set_size = 8;
        let mut blob = desc.as_bytes().to_vec();
        blob.extend_from_slice(&0b1u64.to_le_bytes());
        blob
    }

    fn check(sysconfig: &Path, cells: &[PathBuf]) -> (bool, String) {
        let mut out = Vec::new();
        let ok = run(sysconfig, cells, &mut out).unwrap();
        (ok, String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_well_formed_set_passes() {
        let dir = tempfile::tempdir().unwrap();
        let sysconfig = dir.path().join("qemu.cell");
        fs::write(&sysconfig, system_config("qemu-arm64")).unwrap();
        let cells = [dir.path().join("a.cell"), dir.path().join("b.cell")];
        fs::write(&cells[0], cell_config("inmate-demo")).unwrap();
        fs::write(&cells[1], cell_config("freertos")).unwrap();
        let (ok, text) = check(&sysconfig, &cells);
        assert!(ok, "{text}");
        assert_eq!(
            text,
            "Reading configuration set:\n\
             \x20 Root cell:     qemu-arm64 (qemu.cell)\n\
             \x20 Non-root cell: inmate-demo (a.cell)\n\
             \x20 Non-root cell: freertos (b.cell)\n"
        );
    }

    #[test]
    fn missing_and_malformed_files_are_findings() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.cell");
        let cell = dir.path().join("demo.cell");
        fs::write(&cell, cell_config("demo")).unwrap();

        let (ok, text) = check(&missing, std::slice::from_ref(&cell));
        assert!(!ok);
        assert!(
            text.contains(&format!("{}: No such file or directory", missing.display())),
            "{text}"
        );
        assert!(text.contains("  Non-root cell: demo (demo.cell)"), "{text}");

        // A cell config is not a system config.
        let (ok, text) = check(&cell, &[]);
        assert!(!ok);
        assert!(text.contains("bad signature"), "{text}");
    }

    #[test]
    fn truncated_cell_config_is_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let cell = dir.path().join("short.cell");
        let mut blob = cell_config("short");
        blob.pop();
        fs::write(&cell, blob).unwrap();
        let sysconfig = dir.path().join("sys.cell");
        fs::write(&sysconfig, b"JHSYST").unwrap();
        let (ok, text) = check(&sysconfig, std::slice::from_ref(&cell));
        assert!(!ok);
        assert!(
            text.contains(&format!("{}: cell config truncated", cell.display())),
            "{text}"
        );
    }

    #[test]
    fn well_formed_cells_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let cell = dir.path().join("a.cell");
        fs::write(&cell, cell_config("a")).unwrap();
        let mut out = Vec::new();
        // The system config is unreadable, but the cell is still reported.
        let ok = run(&dir.path().join("nope"), &[cell], &mut out).unwrap();
        assert!(!ok);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("Reading configuration set:\n"), "{text}");
        assert!(text.ends_with("  Non-root cell: a (a.cell)\n"), "{text}");
    }
}
