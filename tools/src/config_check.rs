// SPDX-License-Identifier: GPL-2.0-only

//! `jailhouse config check SYSCONFIG [CELLCONFIG ...]`: offline checks of
//! a configuration set.
//!
//! This module owns the report. It reads and parses every file with
//! `jailhouse_abi::config` (signature, revision, array bounds), then runs
//! the set-wide validation of `jailhouse-config-check` (overlapping
//! regions, CPUs owned twice, hypervisor memory mapped into a cell, ...),
//! the same code the hypervisor uses. It never talks to the driver, so it
//! runs on a build host as well as on the target.

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jailhouse_abi::config::{CellConfig, SystemConfig};
use jailhouse_config_check::{check_all, Tally};

use crate::report::strerror;

/// Checks the system config `sysconfig` and the cell configs `cells`,
/// writing the report to `out`.
///
/// Returns `Ok(true)` if everything is fine, `Ok(false)` if there were
/// findings (unreadable or malformed files); `Err` only if `out` fails.
pub fn run(sysconfig: &Path, cells: &[PathBuf], out: &mut dyn Write) -> anyhow::Result<bool> {
    writeln!(out, "Reading configuration set:")?;
    let mut ok = true;

    let sys_bytes = read(sysconfig, out, &mut ok)?;
    let system = match sys_bytes.as_deref().map(SystemConfig::parse) {
        Some(Ok(config)) => {
            writeln!(
                out,
                "  Root cell:     {} ({})",
                display_name(config.root_cell().name()),
                file_name(sysconfig)
            )?;
            Some(config)
        }
        Some(Err(error)) => {
            writeln!(out, "{}: {error}", sysconfig.display())?;
            ok = false;
            None
        }
        None => None,
    };

    let cell_bytes = cells
        .iter()
        .map(|cell| read(cell, out, &mut ok))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut parsed = Vec::new();
    let mut parsed_paths = Vec::new();
    for (cell, bytes) in cells.iter().zip(&cell_bytes) {
        let Some(bytes) = bytes else { continue };
        match CellConfig::parse(bytes) {
            Ok(config) => {
                writeln!(
                    out,
                    "  Non-root cell: {} ({})",
                    display_name(config.name()),
                    file_name(cell)
                )?;
                parsed.push(config);
                parsed_paths.push(cell.as_path());
            }
            Err(error) => {
                writeln!(out, "{}: {error}", cell.display())?;
                ok = false;
            }
        }
    }

    // The set-wide checks need every file; a file that did not parse has
    // been reported above already.
    let Some(system) = system else {
        return Ok(false);
    };
    let mut tally = Tally::default();
    let mut findings = Vec::new();
    check_all(&system, &parsed, &mut |finding| {
        tally.add(&finding);
        findings.push(finding.to_string());
    });
    // Findings name cells; name the files those cells came from too.
    let mut named_files = vec![(system.root_cell().name(), sysconfig)];
    named_files.extend(parsed.iter().map(CellConfig::name).zip(parsed_paths));
    if findings.is_empty() {
        writeln!(out, "No issues found.")?;
    } else {
        writeln!(out, "Findings:")?;
        for finding in &findings {
            let files = files_named_in(finding, &named_files, sysconfig);
            writeln!(out, "  {files}: {finding}")?;
        }
        writeln!(
            out,
            "{} error(s), {} warning(s).",
            tally.errors, tally.warnings
        )?;
    }
    Ok(ok && tally.is_ok())
}

/// Read `path`, reporting a failure to `out` and clearing `ok`.
fn read(path: &Path, out: &mut dyn Write, ok: &mut bool) -> anyhow::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) => {
            writeln!(out, "{}: {}", path.display(), strerror(&error))?;
            *ok = false;
            Ok(None)
        }
    }
}

/// The files whose cells `finding` names (`cell "NAME"`), or the system
/// config for findings about the system as a whole.
fn files_named_in(finding: &str, named_files: &[(&[u8], &Path)], sysconfig: &Path) -> String {
    let mut files: Vec<String> = Vec::new();
    for (name, path) in named_files {
        let quoted = format!("\"{}\"", display_name(name));
        let file = file_name(path);
        if finding.contains(&quoted) && !files.contains(&file) {
            files.push(file);
        }
    }
    if files.is_empty() {
        files.push(file_name(sysconfig));
    }
    files.join(", ")
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
    fn a_parsable_but_invalid_set_gets_findings() {
        let dir = tempfile::tempdir().unwrap();
        let sysconfig = dir.path().join("qemu.cell");
        fs::write(&sysconfig, system_config("qemu-arm64")).unwrap();
        let cells = [dir.path().join("a.cell"), dir.path().join("b.cell")];
        fs::write(&cells[0], cell_config("inmate-demo")).unwrap();
        fs::write(&cells[1], cell_config("freertos")).unwrap();
        let (ok, text) = check(&sysconfig, &cells);
        assert!(!ok, "{text}");
        assert!(
            text.starts_with(
                "Reading configuration set:\n\
                 \x20 Root cell:     qemu-arm64 (qemu.cell)\n\
                 \x20 Non-root cell: inmate-demo (a.cell)\n\
                 \x20 Non-root cell: freertos (b.cell)\n\
                 Findings:\n"
            ),
            "{text}"
        );
        // No hypervisor memory, no GIC, and both cells want CPU 1.
        assert!(text.contains("hypervisor_memory has size 0"), "{text}");
        assert!(
            text.contains("  a.cell, b.cell: error: cell \"inmate-demo\" and cell \"freertos\" both claim CPU 1"),
            "{text}"
        );
        assert!(text.contains(" error(s), "), "{text}");
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
