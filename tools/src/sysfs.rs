// SPDX-License-Identifier: GPL-2.0-only

//! Reading the driver's sysfs tree (`/sys/devices/jailhouse`).
//!
//! This module owns the layout of `cells/<id>/{name,state,
//! cpus_assigned_list,cpus_failed_list}` and `cells/<id>/statistics/`,
//! and how their text is read: one trailing newline is dropped, an empty
//! attribute is an error (the driver always writes at least a newline).
//! It never writes to sysfs. The root is a parameter so tests can point
//! it at a fake tree.

use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::cell_id::CellSelector;
use crate::report::strerror;

/// Where the driver's root device lives.
pub const DEFAULT_ROOT: &str = "/sys/devices/jailhouse";

/// A sysfs read that failed.
#[derive(Debug, Error)]
pub enum SysfsError {
    /// The cells directory exists but cannot be listed.
    #[error("scandir {}: {}", path.display(), strerror(source))]
    List {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An attribute cannot be read.
    #[error("reading {}: {}", path.display(), strerror(source))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An attribute is empty.
    #[error("reading {}: file is empty", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A counter is not a decimal number.
    #[error("reading {}: \"{text}\" is not a counter value", path.display())]
    NotANumber {
        /// The file.
        path: PathBuf,
        /// What it contained.
        text: String,
    },
}

/// A cell's directory, `cells/<id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellDir {
    /// The id in the directory name.
    pub id: u32,
    /// The directory.
    pub path: PathBuf,
}

/// What `cell list` shows about a cell; texts without their newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellInfo {
    /// Cell id.
    pub id: u32,
    /// `name`.
    pub name: Vec<u8>,
    /// `state`, e.g. `running`.
    pub state: Vec<u8>,
    /// `cpus_assigned_list`, e.g. `0,2-3`.
    pub cpus_assigned_list: Vec<u8>,
    /// `cpus_failed_list`, often empty.
    pub cpus_failed_list: Vec<u8>,
}

/// A cell's exit counters (`statistics/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    /// Sums over the cell's CPUs, sorted by name.
    pub counters: Vec<(String, u64)>,
    /// Per CPU (`statistics/cpu<n>/`), sorted by CPU number; each list
    /// sorted by name.
    pub cpus: Vec<(u32, Vec<(String, u64)>)>,
}

/// The driver's sysfs tree below `root`.
#[derive(Debug, Clone)]
pub struct Sysfs {
    root: PathBuf,
}

impl Sysfs {
    /// The tree at `root`, normally [`DEFAULT_ROOT`].
    pub fn new(root: impl Into<PathBuf>) -> Sysfs {
        Sysfs { root: root.into() }
    }

    /// `<root>/cells`.
    pub fn cells_dir(&self) -> PathBuf {
        self.root.join("cells")
    }

    /// The cell directories in upstream's order: names sorted as byte
    /// strings (so "10" comes before "2"), hidden and non-numeric entries
    /// skipped. `None` if there is no cells directory, i.e. the driver is
    /// not loaded.
    pub fn cell_dirs(&self) -> Result<Option<Vec<CellDir>>, SysfsError> {
        let path = self.cells_dir();
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(SysfsError::List { path, source }),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| SysfsError::List {
                path: path.clone(),
                source,
            })?;
            names.push(entry.file_name());
        }
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        let dirs = names
            .into_iter()
            .filter_map(|name| {
                let id = name.to_str()?.parse::<u32>().ok()?;
                Some(CellDir {
                    id,
                    path: path.join(name),
                })
            })
            .collect();
        Ok(Some(dirs))
    }

    /// The `cell list` attributes of one cell, or `None` if the cell
    /// disappeared while we were reading (destroyed concurrently).
    pub fn cell_info(&self, dir: &CellDir) -> Result<Option<CellInfo>, SysfsError> {
        let read = |attr: &str| -> Result<Option<Vec<u8>>, SysfsError> {
            match read_attr(&dir.path.join(attr)) {
                Err(SysfsError::Read { source, .. })
                    if source.kind() == io::ErrorKind::NotFound && !dir.path.exists() =>
                {
                    Ok(None)
                }
                other => other.map(Some),
            }
        };
        let Some(name) = read("name")? else {
            return Ok(None);
        };
        let Some(state) = read("state")? else {
            return Ok(None);
        };
        let Some(cpus_assigned_list) = read("cpus_assigned_list")? else {
            return Ok(None);
        };
        let Some(cpus_failed_list) = read("cpus_failed_list")? else {
            return Ok(None);
        };
        Ok(Some(CellInfo {
            id: dir.id,
            name,
            state,
            cpus_assigned_list,
            cpus_failed_list,
        }))
    }

    /// The directory of the cell `selector` names, if it exists.
    pub fn find_cell(&self, selector: &CellSelector) -> Result<Option<CellDir>, SysfsError> {
        match selector {
            CellSelector::Id(id) => {
                // Ids are never negative (see `cell_id`).
                let id = id.unsigned_abs();
                let path = self.cells_dir().join(id.to_string());
                Ok(path.is_dir().then_some(CellDir { id, path }))
            }
            CellSelector::Name(wanted) => {
                for dir in self.cell_dirs()?.unwrap_or_default() {
                    match read_attr(&dir.path.join("name")) {
                        Ok(name) if name == *wanted => return Ok(Some(dir)),
                        Ok(_) => {}
                        // Vanished meanwhile: it is not the one we want.
                        Err(SysfsError::Read { source, .. })
                            if source.kind() == io::ErrorKind::NotFound => {}
                        Err(error) => return Err(error),
                    }
                }
                Ok(None)
            }
        }
    }

    /// The `name` of a cell.
    pub fn cell_name(&self, dir: &CellDir) -> Result<Vec<u8>, SysfsError> {
        read_attr(&dir.path.join("name"))
    }

    /// The exit counters of a cell.
    pub fn statistics(&self, dir: &CellDir) -> Result<Statistics, SysfsError> {
        let stats_dir = dir.path.join("statistics");
        let mut statistics = Statistics {
            counters: read_counters(&stats_dir)?,
            cpus: Vec::new(),
        };
        for entry in list_dir(&stats_dir)? {
            let Some(cpu) = entry
                .to_str()
                .and_then(|name| name.strip_prefix("cpu"))
                .and_then(|number| number.parse::<u32>().ok())
            else {
                continue;
            };
            let cpu_dir = stats_dir.join(&entry);
            if cpu_dir.is_dir() {
                statistics.cpus.push((cpu, read_counters(&cpu_dir)?));
            }
        }
        statistics.cpus.sort_by_key(|(cpu, _)| *cpu);
        Ok(statistics)
    }
}

/// Reads an attribute and drops one trailing newline.
fn read_attr(path: &Path) -> Result<Vec<u8>, SysfsError> {
    let mut text = fs::read(path).map_err(|source| SysfsError::Read {
        path: path.to_owned(),
        source,
    })?;
    if text.is_empty() {
        return Err(SysfsError::Empty {
            path: path.to_owned(),
        });
    }
    if text.last() == Some(&b'\n') {
        text.pop();
    }
    Ok(text)
}

/// The names in a directory.
fn list_dir(path: &Path) -> Result<Vec<std::ffi::OsString>, SysfsError> {
    let read_error = |source| SysfsError::Read {
        path: path.to_owned(),
        source,
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(path).map_err(read_error)? {
        names.push(entry.map_err(read_error)?.file_name());
    }
    Ok(names)
}

/// Every regular file in `dir` as a named counter, sorted by name.
fn read_counters(dir: &Path) -> Result<Vec<(String, u64)>, SysfsError> {
    let mut counters = Vec::new();
    for entry in list_dir(dir)? {
        let path = dir.join(&entry);
        if !path.is_file() {
            continue;
        }
        let text = read_attr(&path)?;
        let text = String::from_utf8_lossy(&text).trim().to_owned();
        let value = text.parse::<u64>().map_err(|_| SysfsError::NotANumber {
            path: path.clone(),
            text,
        })?;
        counters.push((entry.to_string_lossy().into_owned(), value));
    }
    counters.sort();
    Ok(counters)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes a fake `cells/<id>` directory as the driver would.
    pub(crate) fn add_cell(
        root: &Path,
        id: u32,
        name: &str,
        state: &str,
        assigned: &str,
        failed: &str,
    ) {
        let dir = root.join("cells").join(id.to_string());
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("name"), format!("{name}\n")).unwrap();
        fs::write(dir.join("state"), format!("{state}\n")).unwrap();
        fs::write(dir.join("cpus_assigned_list"), format!("{assigned}\n")).unwrap();
        fs::write(dir.join("cpus_failed_list"), format!("{failed}\n")).unwrap();
    }

    #[test]
    fn missing_cells_directory_means_no_driver() {
        let root = tempfile::tempdir().unwrap();
        assert!(Sysfs::new(root.path()).cell_dirs().unwrap().is_none());
    }

    #[test]
    fn cells_are_sorted_like_alphasort() {
        let root = tempfile::tempdir().unwrap();
        for id in [0, 2, 10, 1] {
            add_cell(root.path(), id, "c", "running", "0", "");
        }
        fs::create_dir(root.path().join("cells/.hidden")).unwrap();
        fs::create_dir(root.path().join("cells/junk")).unwrap();
        let sysfs = Sysfs::new(root.path());
        let ids: Vec<u32> = sysfs
            .cell_dirs()
            .unwrap()
            .unwrap()
            .iter()
            .map(|dir| dir.id)
            .collect();
        assert_eq!(ids, [0, 1, 10, 2]);
    }

    #[test]
    fn cell_info_strips_one_newline() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 1, "inmate-demo", "running/locked", "1", "");
        let sysfs = Sysfs::new(root.path());
        let dirs = sysfs.cell_dirs().unwrap().unwrap();
        let info = sysfs.cell_info(&dirs[0]).unwrap().unwrap();
        assert_eq!(
            info,
            CellInfo {
                id: 1,
                name: b"inmate-demo".to_vec(),
                state: b"running/locked".to_vec(),
                cpus_assigned_list: b"1".to_vec(),
                cpus_failed_list: Vec::new(),
            }
        );
    }

    #[test]
    fn vanished_cells_are_skipped_but_missing_attributes_are_errors() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 1, "a", "running", "1", "");
        let sysfs = Sysfs::new(root.path());
        let dir = CellDir {
            id: 7,
            path: root.path().join("cells/7"),
        };
        assert!(sysfs.cell_info(&dir).unwrap().is_none());

        let dir = sysfs.cell_dirs().unwrap().unwrap().remove(0);
        fs::remove_file(dir.path.join("state")).unwrap();
        let error = sysfs.cell_info(&dir).unwrap_err();
        assert!(error.to_string().starts_with("reading "), "{error}");
        assert!(error
            .to_string()
            .ends_with("state: No such file or directory"));
    }

    #[test]
    fn empty_attributes_are_errors() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 0, "root", "running", "0-3", "");
        fs::write(root.path().join("cells/0/name"), "").unwrap();
        let sysfs = Sysfs::new(root.path());
        let dir = sysfs.cell_dirs().unwrap().unwrap().remove(0);
        assert!(matches!(
            sysfs.cell_info(&dir),
            Err(SysfsError::Empty { .. })
        ));
    }

    #[test]
    fn cells_are_found_by_id_and_by_name() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 0, "root", "running", "0", "");
        add_cell(root.path(), 1, "inmate-demo", "running", "1", "");
        let sysfs = Sysfs::new(root.path());
        assert_eq!(
            sysfs.find_cell(&CellSelector::Id(1)).unwrap().unwrap().id,
            1
        );
        assert!(sysfs.find_cell(&CellSelector::Id(5)).unwrap().is_none());
        let by_name = CellSelector::Name(b"inmate-demo".to_vec());
        assert_eq!(sysfs.find_cell(&by_name).unwrap().unwrap().id, 1);
        let unknown = CellSelector::Name(b"nope".to_vec());
        assert!(sysfs.find_cell(&unknown).unwrap().is_none());
    }

    #[test]
    fn statistics_are_read_with_their_cpus() {
        let root = tempfile::tempdir().unwrap();
        add_cell(root.path(), 1, "demo", "running", "2-3", "");
        let stats = root.path().join("cells/1/statistics");
        for (dir, total, mmio) in [("", 30, 7), ("cpu3", 20, 5), ("cpu2", 10, 2)] {
            let dir = stats.join(dir);
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("vmexits_total"), format!("{total}\n")).unwrap();
            fs::write(dir.join("vmexits_mmio"), format!("{mmio}\n")).unwrap();
        }
        let sysfs = Sysfs::new(root.path());
        let dir = sysfs.find_cell(&CellSelector::Id(1)).unwrap().unwrap();
        let statistics = sysfs.statistics(&dir).unwrap();
        let pair = |name: &str, value| (name.to_owned(), value);
        assert_eq!(
            statistics.counters,
            [pair("vmexits_mmio", 7), pair("vmexits_total", 30)]
        );
        assert_eq!(
            statistics.cpus,
            [
                (2, vec![pair("vmexits_mmio", 2), pair("vmexits_total", 10)]),
                (3, vec![pair("vmexits_mmio", 5), pair("vmexits_total", 20)]),
            ]
        );

        fs::write(stats.join("vmexits_psci"), "lots\n").unwrap();
        assert!(matches!(
            sysfs.statistics(&dir),
            Err(SysfsError::NotANumber { .. })
        ));
    }
}
