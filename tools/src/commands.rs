// SPDX-License-Identifier: GPL-2.0-only

//! What each command does once its arguments are parsed.
//!
//! This module owns the order of side effects (upstream reads input files
//! before it opens the device, so a typo in a file name is reported as
//! such even without the driver), upstream's messages for each failure,
//! and the hints we add below them. The device, sysfs, image and report
//! formats are delegated to their own modules.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use jailhouse_abi::config::{CellConfig, SystemConfig};
use rustix::io::Errno;

use crate::cell_id::CellSelector;
use crate::cell_list;
use crate::cell_stats;
use crate::config_check;
use crate::device::{Device, ImageRef};
use crate::image::{self, LoadImage};
use crate::report::Failure;
use crate::sysfs::Sysfs;

/// Where the driver's interfaces are; tests point them at fakes.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The device node, normally `/dev/jailhouse`.
    pub device: PathBuf,
    /// The sysfs root, normally `/sys/devices/jailhouse`.
    pub sysfs: PathBuf,
}

/// One `IMAGE` or `-s STRING` of `cell load`, with its `-a ADDRESS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageArg {
    /// Where the bytes come from.
    pub source: ImageSource,
    /// The `-a` value, if given (upstream's strtoll result, reinterpreted
    /// as unsigned).
    pub address: Option<u64>,
}

/// Where the bytes of an image come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A file: raw binary or ELF64.
    File(OsString),
    /// `-s STRING`: the string plus its terminating NUL.
    String(OsString),
}

/// `jailhouse enable SYSCONFIG`.
pub fn enable(paths: &Paths, sysconfig: &OsStr) -> Result<(), Failure> {
    let config = read_file(sysconfig)?;
    let device = open_device(paths, false)?;
    device.enable(&config).map_err(|error| {
        let failure = Failure::os("JAILHOUSE_ENABLE", &error);
        match error.raw_os_error().map(Errno::from_raw_os_error) {
            Some(Errno::INVAL) => match SystemConfig::parse(&config) {
                Err(parse_error) => {
                    failure.with_hint(format!("{}: {parse_error}", Path::new(sysconfig).display()))
                }
                Ok(_) => failure.with_hint(
                    "the driver or the hypervisor refused the configuration; see the kernel \
                     log (dmesg) and `jailhouse console`",
                ),
            },
            Some(Errno::BUSY) => failure.with_hint("the hypervisor is already enabled"),
            Some(Errno::NOENT) => failure
                .with_hint("is the hypervisor image installed as /lib/firmware/jailhouse.bin?"),
            _ => failure.with_hint("see the kernel log (dmesg) and `jailhouse console`"),
        }
    })
}

/// `jailhouse disable`.
pub fn disable(paths: &Paths) -> Result<(), Failure> {
    let device = open_device(paths, false)?;
    device.disable().map_err(|error| {
        let failure = Failure::os("JAILHOUSE_DISABLE", &error);
        match error.raw_os_error().map(Errno::from_raw_os_error) {
            Some(Errno::INVAL) => failure.with_hint("the hypervisor is not enabled"),
            Some(Errno::BUSY) => failure.with_hint(
                "every CPU of the root cell must be online; bring CPUs taken offline by hand \
                 back first",
            ),
            _ => failure,
        }
    })
}

/// `jailhouse console [-f]`: copies the hypervisor console to stdout,
/// either what is buffered now or, with `follow`, until interrupted.
pub fn console(paths: &Paths, follow: bool) -> Result<(), Failure> {
    let mut device = open_device(paths, !follow)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buffer = [0u8; 4096];
    loop {
        let count = match device.read_console(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(count) => count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                let failure = Failure::os("read(console)", &error);
                return Err(if error.kind() == io::ErrorKind::WouldBlock {
                    failure.with_hint("the hypervisor is not enabled and left no console output")
                } else {
                    failure
                });
            }
        };
        let written = out.write_all(&buffer[..count]).and_then(|()| out.flush());
        match written {
            Ok(()) => {}
            // The reader went away (`jailhouse console | head`): done.
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(error) => return Err(Failure::os("write(stdout)", &error)),
        }
    }
}

/// `jailhouse cell create CELLCONFIG`.
pub fn cell_create(paths: &Paths, cellconfig: &OsStr) -> Result<(), Failure> {
    let config = read_file(cellconfig)?;
    let device = open_device(paths, false)?;
    device.cell_create(&config).map_err(|error| {
        let failure = Failure::os("JAILHOUSE_CELL_CREATE", &error);
        match error.raw_os_error().map(Errno::from_raw_os_error) {
            Some(Errno::EXIST) => {
                failure.with_hint("a cell with this name already exists; see `jailhouse cell list`")
            }
            Some(Errno::INVAL) => match CellConfig::parse(&config) {
                Err(parse_error) => failure.with_hint(format!(
                    "{}: {parse_error}",
                    Path::new(cellconfig).display()
                )),
                Ok(_) => failure.with_hint(
                    "is the hypervisor enabled? Otherwise the driver or the hypervisor refused \
                     the configuration; see the kernel log (dmesg) and `jailhouse console`",
                ),
            },
            Some(Errno::BUSY) => failure.with_hint(
                "a CPU of the new cell does not belong to the root cell (is it used by \
                 another cell?)",
            ),
            _ => failure.with_hint("see the kernel log (dmesg) and `jailhouse console`"),
        }
    })
}

/// `jailhouse cell load CELL IMAGE... `.
pub fn cell_load(paths: &Paths, cell: &CellSelector, args: &[ImageArg]) -> Result<(), Failure> {
    let mut images: Vec<LoadImage> = Vec::new();
    for arg in args {
        match &arg.source {
            ImageSource::String(text) => {
                let mut data = text.as_bytes().to_vec();
                data.push(0);
                images.push(LoadImage {
                    data,
                    target: arg.address.unwrap_or(0),
                });
            }
            ImageSource::File(name) => {
                let bytes = read_file(name)?;
                let loaded = image::images_from_file(bytes, arg.address).map_err(|error| {
                    Failure::new(format!(
                        "{}: not a loadable ELF image: {error}",
                        Path::new(name).display()
                    ))
                })?;
                images.extend(loaded);
            }
        }
    }
    let refs: Vec<ImageRef<'_>> = images
        .iter()
        .map(|image| ImageRef {
            data: &image.data,
            target: image.target,
        })
        .collect();
    let device = open_device(paths, false)?;
    device
        .cell_load(&cell.to_abi(), &refs)
        .map_err(|error| cell_failure("JAILHOUSE_CELL_LOAD", cell, &error, Some(&images)))
}

/// `jailhouse cell shutdown CELL`: a load without images, which stops
/// the cell and hands its memory back to the root cell.
pub fn cell_shutdown(paths: &Paths, cell: &CellSelector) -> Result<(), Failure> {
    let device = open_device(paths, false)?;
    device
        .cell_load(&cell.to_abi(), &[])
        .map_err(|error| cell_failure("JAILHOUSE_CELL_LOAD", cell, &error, None))
}

/// `jailhouse cell start CELL`.
pub fn cell_start(paths: &Paths, cell: &CellSelector) -> Result<(), Failure> {
    let device = open_device(paths, false)?;
    device
        .cell_start(&cell.to_abi())
        .map_err(|error| cell_failure("JAILHOUSE_CELL_START", cell, &error, None))
}

/// `jailhouse cell destroy CELL`.
pub fn cell_destroy(paths: &Paths, cell: &CellSelector) -> Result<(), Failure> {
    let device = open_device(paths, false)?;
    device
        .cell_destroy(&cell.to_abi())
        .map_err(|error| cell_failure("JAILHOUSE_CELL_DESTROY", cell, &error, None))
}

/// `jailhouse cell list`.
pub fn cell_list(paths: &Paths) -> Result<(), Failure> {
    let cells = cell_list::collect(&Sysfs::new(&paths.sysfs))
        .map_err(|error| Failure::new(error.to_string()))?;
    let mut out = Vec::new();
    cell_list::write_table(&cells, &mut out).map_err(|error| Failure::os("cell list", &error))?;
    write_stdout(&out)
}

/// `jailhouse cell stats CELL`.
pub fn cell_stats(paths: &Paths, cell: &CellSelector) -> Result<(), Failure> {
    let sysfs = Sysfs::new(&paths.sysfs);
    let sysfs_failure = |error: crate::sysfs::SysfsError| Failure::new(error.to_string());
    let dir = sysfs
        .find_cell(cell)
        .map_err(sysfs_failure)?
        .ok_or_else(|| {
            Failure::new(format!("reading stats: no {cell}"))
                .with_hint("see `jailhouse cell list` (is the jailhouse module loaded?)")
        })?;
    let name = sysfs.cell_name(&dir).map_err(sysfs_failure)?;
    let statistics = sysfs.statistics(&dir).map_err(sysfs_failure)?;
    let mut out = Vec::new();
    cell_stats::write_report(&name, &statistics, &mut out)
        .map_err(|error| Failure::os("cell stats", &error))?;
    write_stdout(&out)
}

/// `jailhouse config check SYSCONFIG [CELLCONFIG ...]`. `Ok(false)` if
/// the report has findings.
pub fn config_check(sysconfig: &OsStr, cells: &[OsString]) -> Result<bool, Failure> {
    let cells: Vec<PathBuf> = cells.iter().map(PathBuf::from).collect();
    let mut out = Vec::new();
    let ok = config_check::run(Path::new(sysconfig), &cells, &mut out)
        .map_err(|error| Failure::new(format!("config check: {error:#}")))?;
    write_stdout(&out)?;
    Ok(ok)
}

/// The failure of an ioctl that names a cell.
fn cell_failure(
    ioctl: &str,
    cell: &CellSelector,
    error: &io::Error,
    images: Option<&[LoadImage]>,
) -> Failure {
    let failure = Failure::os(ioctl, error);
    match error.raw_os_error().map(Errno::from_raw_os_error) {
        Some(Errno::NOENT) => {
            failure.with_hint(format!("there is no {cell}; see `jailhouse cell list`"))
        }
        Some(Errno::INVAL) => match images {
            Some(images) if !images.is_empty() => {
                let ranges: Vec<String> = images
                    .iter()
                    .map(|image| {
                        let end = image
                            .target
                            .saturating_add((image.data.len() as u64).saturating_sub(1));
                        format!("{:#x}-{end:#x}", image.target)
                    })
                    .collect();
                failure.with_hint(format!(
                    "each image must lie inside one loadable, writable memory region of the \
                     cell, and the hypervisor must be enabled; images: {}",
                    ranges.join(", ")
                ))
            }
            _ => failure
                .with_hint("is the hypervisor enabled? The root cell (ID 0) cannot be used here"),
        },
        Some(Errno::PERM) => failure
            .with_hint("the cell refused: a running/locked cell does not allow reconfiguration"),
        _ => failure,
    }
}

/// Opens the device, reporting failure as upstream does.
fn open_device(paths: &Paths, nonblocking: bool) -> Result<Device, Failure> {
    Device::open(&paths.device, nonblocking).map_err(|error| {
        let failure = Failure::os(format!("opening {}", paths.device.display()), &error);
        match error.kind() {
            io::ErrorKind::NotFound => {
                failure.with_hint("is the jailhouse module loaded? (modprobe jailhouse)")
            }
            io::ErrorKind::PermissionDenied => failure.with_hint("jailhouse needs root privileges"),
            _ => failure,
        }
    })
}

/// Reads a whole input file, reporting failure as upstream does.
fn read_file(name: &OsStr) -> Result<Vec<u8>, Failure> {
    let path = Path::new(name);
    let mut file = File::open(path)
        .map_err(|error| Failure::os(format!("opening {}", path.display()), &error))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|error| Failure::os(format!("reading {}", path.display()), &error))?;
    Ok(bytes)
}

/// Writes a finished report to stdout; a closed pipe is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::os("write(stdout)", &error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(device: &Path, sysfs: &Path) -> Paths {
        Paths {
            device: device.to_owned(),
            sysfs: sysfs.to_owned(),
        }
    }

    #[test]
    fn input_files_are_read_before_the_device_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(&dir.path().join("no-device"), dir.path());
        let missing = dir.path().join("missing.cell");
        let failure = enable(&paths, missing.as_os_str()).unwrap_err();
        assert_eq!(
            failure.message,
            format!("opening {}: No such file or directory", missing.display())
        );
        assert_eq!(failure.hint, None);

        let present = dir.path().join("sys.cell");
        std::fs::write(&present, b"JHSYST").unwrap();
        let failure = enable(&paths, present.as_os_str()).unwrap_err();
        assert_eq!(
            failure.message,
            format!(
                "opening {}: No such file or directory",
                paths.device.display()
            )
        );
        assert_eq!(
            failure.hint.as_deref(),
            Some("is the jailhouse module loaded? (modprobe jailhouse)")
        );
    }

    #[test]
    fn directories_fail_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let failure = read_file(dir.path().as_os_str()).unwrap_err();
        assert_eq!(
            failure.message,
            format!("reading {}: Is a directory", dir.path().display())
        );
    }

    #[test]
    fn bad_elf_images_are_reported_before_the_device_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(&dir.path().join("no-device"), dir.path());
        let elf = dir.path().join("broken.elf");
        std::fs::write(&elf, b"\x7fELF\x02\x01").unwrap();
        let args = [ImageArg {
            source: ImageSource::File(elf.clone().into_os_string()),
            address: None,
        }];
        let failure = cell_load(&paths, &CellSelector::Id(1), &args).unwrap_err();
        assert_eq!(
            failure.message,
            format!(
                "{}: not a loadable ELF image: truncated ELF header (6 bytes, an ELF64 header \
                 has 64)",
                elf.display()
            )
        );
    }

    #[test]
    fn ioctl_failures_name_the_ioctl() {
        // /dev/null accepts the open but rejects the jailhouse ioctls.
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(Path::new("/dev/null"), dir.path());
        let cell = CellSelector::Name(b"demo".to_vec());
        let message = |result: Result<(), Failure>| result.unwrap_err().message;
        assert!(message(cell_start(&paths, &cell)).starts_with("JAILHOUSE_CELL_START: "));
        assert!(message(cell_destroy(&paths, &cell)).starts_with("JAILHOUSE_CELL_DESTROY: "));
        assert!(message(cell_shutdown(&paths, &cell)).starts_with("JAILHOUSE_CELL_LOAD: "));
        let args = [ImageArg {
            source: ImageSource::String("x=1".into()),
            address: Some(0x1000),
        }];
        assert!(message(cell_load(&paths, &cell, &args)).starts_with("JAILHOUSE_CELL_LOAD: "));
        assert!(message(disable(&paths)).starts_with("JAILHOUSE_DISABLE: "));
    }

    #[test]
    fn hints_for_cell_errors() {
        let cell = CellSelector::Name(b"demo".to_vec());
        let enoent = io::Error::from_raw_os_error(Errno::NOENT.raw_os_error());
        let failure = cell_failure("JAILHOUSE_CELL_START", &cell, &enoent, None);
        assert_eq!(
            failure.to_string(),
            "JAILHOUSE_CELL_START: No such file or directory\n\
             hint: there is no cell \"demo\"; see `jailhouse cell list`"
        );
        let einval = io::Error::from_raw_os_error(Errno::INVAL.raw_os_error());
        let images = [LoadImage {
            data: vec![0; 0x20],
            target: 0x7a00_0000,
        }];
        let failure = cell_failure("JAILHOUSE_CELL_LOAD", &cell, &einval, Some(&images));
        assert!(failure
            .hint
            .unwrap()
            .ends_with("images: 0x7a000000-0x7a00001f"));
    }

    #[test]
    fn stats_of_an_unknown_cell() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(Path::new("/dev/null"), dir.path());
        let failure = cell_stats(&paths, &CellSelector::Id(3)).unwrap_err();
        assert_eq!(failure.message, "reading stats: no cell 3");
    }
}
