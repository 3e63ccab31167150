// SPDX-License-Identifier: GPL-2.0-only

//! The `cell list` table.
//!
//! This module owns upstream's exact layout, which scripts parse: columns
//! of 8, 24, 18, 24 and 24 bytes, left-aligned and space-padded like
//! printf's `%-Ns` (so every line ends in padding, and a longer value
//! pushes the rest of its line right instead of being cut). The header is
//! printed only if there is at least one cell; with no driver loaded the
//! output is empty and the command succeeds. Reading the cells is
//! `sysfs`'s job.

use std::io::{self, Write};

use crate::sysfs::{CellInfo, Sysfs, SysfsError};

/// Column widths of ID, Name, State, Assigned CPUs, Failed CPUs.
const WIDTHS: [usize; 5] = [8, 24, 18, 24, 24];
/// Column titles.
const TITLES: [&str; 5] = ["ID", "Name", "State", "Assigned CPUs", "Failed CPUs"];

/// The cells to list, in upstream's order; empty if the driver is not
/// loaded. Cells destroyed while we read are left out.
pub fn collect(sysfs: &Sysfs) -> Result<Vec<CellInfo>, SysfsError> {
    let mut cells = Vec::new();
    for dir in sysfs.cell_dirs()?.unwrap_or_default() {
        if let Some(info) = sysfs.cell_info(&dir)? {
            cells.push(info);
        }
    }
    Ok(cells)
}

/// Writes the table for `cells`; nothing at all if there are none.
pub fn write_table(cells: &[CellInfo], out: &mut dyn Write) -> io::Result<()> {
    if cells.is_empty() {
        return Ok(());
    }
    write_row(out, TITLES.map(str::as_bytes))?;
    for cell in cells {
        let id = cell.id.to_string();
        write_row(
            out,
            [
                id.as_bytes(),
                &cell.name,
                &cell.state,
                &cell.cpus_assigned_list,
                &cell.cpus_failed_list,
            ],
        )?;
    }
    Ok(())
}

/// One line, each field padded with spaces to its column's width in
/// bytes (printf counts bytes, not characters).
fn write_row(out: &mut dyn Write, fields: [&[u8]; 5]) -> io::Result<()> {
    let mut line = Vec::with_capacity(WIDTHS.iter().sum::<usize>() + 1);
    for (field, width) in fields.iter().zip(WIDTHS) {
        line.extend_from_slice(field);
        line.resize(line.len() + width.saturating_sub(field.len()), b' ');
    }
    line.push(b'\n');
    out.write_all(&line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysfs::tests::add_cell;

    fn table(sysfs: &Sysfs) -> String {
        let mut out = Vec::new();
        write_table(&collect(sysfs).unwrap(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn matches_upstreams_layout() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 0, "qemu-arm64", "running", "0,2-15", "");
        add_cell(root.path(), 1, "inmate-demo", "running", "1", "");
        let expected = concat!(
            "ID      Name                    State             Assigned CPUs           Failed CPUs             \n",
            "0       qemu-arm64              running           0,2-15                                          \n",
            "1       inmate-demo             running           1                                               \n",
        );
        assert_eq!(table(&Sysfs::new(root.path())), expected);
    }

    #[test]
    fn printf_widths() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 0, "root", "running", "0", "");
        let text = table(&Sysfs::new(root.path()));
        let lines: Vec<&str> = text.lines().collect();
        // Each line is exactly the sum of the widths when nothing overflows.
        for line in &lines {
            assert_eq!(line.len(), 8 + 24 + 18 + 24 + 24);
        }
        assert_eq!(
            lines[0],
            format!(
                "{:<8}{:<24}{:<18}{:<24}{:<24}",
                "ID", "Name", "State", "Assigned CPUs", "Failed CPUs"
            )
        );
    }

    #[test]
    fn long_values_push_the_line_instead_of_being_cut() {
        let root = tempfile::tempdir().unwrap();
        let name = "a-cell-name-of-31-characters-xx";
        add_cell(root.path(), 12, name, "shut down", "1-3", "2");
        let text = table(&Sysfs::new(root.path()));
        let row = text.lines().nth(1).unwrap();
        assert_eq!(
            row,
            format!(
                "{:<8}{:<24}{:<18}{:<24}{:<24}",
                "12", name, "shut down", "1-3", "2"
            )
        );
        assert!(row.starts_with(&format!("12      {name}shut down         1-3")));
    }

    #[test]
    fn sorted_like_upstream() {
        let root = tempfile::tempdir().unwrap();
        for id in [0, 2, 10] {
            add_cell(root.path(), id, &format!("cell{id}"), "running", "", "");
        }
        let text = table(&Sysfs::new(root.path()));
        let ids: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|line| line.split(' ').next().unwrap())
            .collect();
        assert_eq!(ids, ["0", "10", "2"]);
    }

    #[test]
    fn nothing_without_cells_or_driver() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(table(&Sysfs::new(root.path())), "");
        std::fs::create_dir(root.path().join("cells")).unwrap();
        assert_eq!(table(&Sysfs::new(root.path())), "");
    }

    #[test]
    fn failed_cpus_and_states_are_shown() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 3, "freertos", "failed", "2-3", "3");
        let text = table(&Sysfs::new(root.path()));
        let row = text.lines().nth(1).unwrap();
        assert_eq!(&row[32..50], "failed            ");
        assert_eq!(&row[74..98], "3                       ");
    }
}
