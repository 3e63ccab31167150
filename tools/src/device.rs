// SPDX-License-Identifier: GPL-2.0-only

//! The driver's character device, `/dev/jailhouse`: opening it, its six
//! ioctls, and reading the hypervisor console from it.
//!
//! This is the only module with `unsafe` code, and it is kept thin: it
//! builds the argument structs of `jailhouse_abi::ioctl` and passes them
//! to the kernel. It does not interpret errors or print anything; callers
//! turn the returned `io::Error`s into messages.

use std::ffi::c_void;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use jailhouse_abi::ioctl::{
    CellCreate, CellId, CellLoad, PreloadImage, JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_DESTROY,
    JAILHOUSE_CELL_LOAD, JAILHOUSE_CELL_START, JAILHOUSE_DISABLE, JAILHOUSE_ENABLE,
};
use jailhouse_abi::zerocopy::IntoBytes;
use rustix::fs::OFlags;
use rustix::ioctl::{ioctl, IntegerSetter, NoArg, Opcode};

/// Where the driver's device node lives.
pub const DEFAULT_PATH: &str = "/dev/jailhouse";

/// One image for [`Device::cell_load`].
#[derive(Debug, Clone, Copy)]
pub struct ImageRef<'a> {
    /// The bytes to copy into the cell.
    pub data: &'a [u8],
    /// Guest-physical address in the cell.
    pub target: u64,
}

/// An open `/dev/jailhouse`.
#[derive(Debug)]
pub struct Device {
    file: File,
}

impl Device {
    /// Opens the device read-write, as upstream does. With `nonblocking`,
    /// console reads return 0 bytes instead of waiting for new output.
    pub fn open(path: &Path, nonblocking: bool) -> io::Result<Device> {
        let mut options = OpenOptions::new();
        options.read(true).write(true);
        if nonblocking {
            // `as i32`: open(2) flags are a C int; O_NONBLOCK fits.
            options.custom_flags(OFlags::NONBLOCK.bits() as i32);
        }
        Ok(Device {
            file: options.open(path)?,
        })
    }

    /// `JAILHOUSE_ENABLE` with the system configuration `config`.
    pub fn enable(&self, config: &[u8]) -> io::Result<()> {
        // SAFETY: ENABLE takes a pointer to the system config; the driver
        // reads the header to learn the size and then only that many bytes.
        // A config shorter than it claims makes the driver's copy_from_user
        // fail with EFAULT at worst, as for any user pointer.
        unsafe { self.ioctl_pointer::<{ JAILHOUSE_ENABLE as Opcode }>(config.as_ptr().cast()) }
    }

    /// `JAILHOUSE_DISABLE`.
    pub fn disable(&self) -> io::Result<()> {
        // SAFETY: DISABLE takes no argument.
        let request = unsafe { NoArg::<{ JAILHOUSE_DISABLE as Opcode }>::new() };
        // SAFETY: the request is a valid opcode without argument for this
        // file descriptor, which is the jailhouse device (or, in tests, a
        // file that rejects every ioctl).
        unsafe { ioctl(&self.file, request) }.map_err(io::Error::from)
    }

    /// `JAILHOUSE_CELL_CREATE` with the cell configuration `config`.
    pub fn cell_create(&self, config: &[u8]) -> io::Result<()> {
        let config_size = u32::try_from(config.len())
            .map_err(|_| io::Error::from_raw_os_error(rustix::io::Errno::FBIG.raw_os_error()))?;
        let argument = CellCreate {
            config_address: config.as_ptr() as u64,
            config_size,
            padding: 0,
        };
        // SAFETY: CELL_CREATE takes a pointer to a `struct
        // jailhouse_cell_create`, which `CellCreate` mirrors; its
        // config_address points to `config_size` readable bytes that
        // outlive the call.
        unsafe {
            self.ioctl_pointer::<{ JAILHOUSE_CELL_CREATE as Opcode }>((&raw const argument).cast())
        }
    }

    /// `JAILHOUSE_CELL_LOAD`: puts the cell into the loadable state and
    /// copies `images` into it. With no images this is `cell shutdown`.
    pub fn cell_load(&self, cell: &CellId, images: &[ImageRef<'_>]) -> io::Result<()> {
        let argument = cell_load_argument(cell, images)?;
        // SAFETY: CELL_LOAD takes a pointer to `struct jailhouse_cell_load`
        // followed by `num_preload_images` `struct jailhouse_preload_image`s;
        // `cell_load_argument` lays that out from the ABI structs in an
        // 8-byte aligned buffer, and every image's source_address/size
        // describes one of the `images` slices, borrowed for the call.
        unsafe { self.ioctl_pointer::<{ JAILHOUSE_CELL_LOAD as Opcode }>(argument.as_ptr().cast()) }
    }

    /// `JAILHOUSE_CELL_START`.
    pub fn cell_start(&self, cell: &CellId) -> io::Result<()> {
        // SAFETY: CELL_START takes a pointer to `struct jailhouse_cell_id`,
        // which `CellId` mirrors.
        unsafe {
            self.ioctl_pointer::<{ JAILHOUSE_CELL_START as Opcode }>((cell as *const CellId).cast())
        }
    }

    /// `JAILHOUSE_CELL_DESTROY`.
    pub fn cell_destroy(&self, cell: &CellId) -> io::Result<()> {
        // SAFETY: CELL_DESTROY takes a pointer to `struct
        // jailhouse_cell_id`, which `CellId` mirrors.
        unsafe {
            self.ioctl_pointer::<{ JAILHOUSE_CELL_DESTROY as Opcode }>(
                (cell as *const CellId).cast(),
            )
        }
    }

    /// Reads hypervisor console output (`read()` on the device).
    pub fn read_console(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.file.read(buffer)
    }

    /// Issues the ioctl `OPCODE` with `argument` as its (pointer) argument.
    ///
    /// # Safety
    ///
    /// `OPCODE` must be one of the driver's ioctls that take a pointer, and
    /// `argument` must point to memory laid out as that ioctl expects,
    /// readable for the duration of the call together with any memory its
    /// contents point to. The driver only reads through it.
    unsafe fn ioctl_pointer<const OPCODE: Opcode>(
        &self,
        argument: *const c_void,
    ) -> io::Result<()> {
        // SAFETY: the caller guarantees that OPCODE takes a pointer and that
        // `argument` is valid for it; the driver never writes through it,
        // so handing out a mutable pointer is sound.
        let request = unsafe { IntegerSetter::<OPCODE>::new_pointer(argument.cast_mut()) };
        // SAFETY: as above; `self.file` is an open file descriptor.
        unsafe { ioctl(&self.file, request) }.map_err(io::Error::from)
    }
}

/// The argument of `JAILHOUSE_CELL_LOAD`: `struct jailhouse_cell_load`
/// directly followed by its `image[]` array, in one 8-byte aligned buffer.
/// The image entries point at the `images` slices.
fn cell_load_argument(cell: &CellId, images: &[ImageRef<'_>]) -> io::Result<Vec<u64>> {
    let header = CellLoad {
        cell_id: *cell,
        num_preload_images: u32::try_from(images.len())
            .map_err(|_| io::Error::from_raw_os_error(rustix::io::Errno::TOOBIG.raw_os_error()))?,
        padding: 0,
    };
    let words = (size_of::<CellLoad>() + images.len() * size_of::<PreloadImage>())
        .div_ceil(size_of::<u64>());
    let mut buffer = vec![0u64; words];
    let (head, mut tail) = buffer.as_mut_bytes().split_at_mut(size_of::<CellLoad>());
    head.copy_from_slice(header.as_bytes());
    for image in images {
        let entry = PreloadImage {
            source_address: image.data.as_ptr() as u64,
            size: image.data.len() as u64,
            target_address: image.target,
            padding: 0,
        };
        let (slot, rest) = tail.split_at_mut(size_of::<PreloadImage>());
        slot.copy_from_slice(entry.as_bytes());
        tail = rest;
    }
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jailhouse_abi::zerocopy::FromBytes;

    #[test]
    fn ioctls_on_another_device_fail_cleanly() {
        // /dev/null opens read-write like /dev/jailhouse but knows none of
        // its ioctls. (A regular file would not do: `JAILHOUSE_DISABLE`
        // shares its number with FIBMAP.)
        let mut device = Device::open(Path::new("/dev/null"), true).unwrap();
        assert!(device.disable().is_err());
        let cell = CellId::by_id(1);
        assert!(device.cell_start(&cell).is_err());
        assert!(device.cell_destroy(&cell).is_err());
        assert!(device.cell_create(b"JHCELL").is_err());
        let image = ImageRef {
            data: b"abc",
            target: 0x1000,
        };
        assert!(device.cell_load(&cell, &[image, image]).is_err());
        assert!(device.cell_load(&cell, &[]).is_err());
        assert!(device.enable(b"JHSYST").is_err());
        let mut buffer = [0u8; 16];
        assert_eq!(device.read_console(&mut buffer).unwrap(), 0);
    }

    #[test]
    fn cell_load_argument_layout() {
        let first = [1u8, 2, 3];
        let second = [0u8; 10];
        let images = [
            ImageRef {
                data: &first,
                target: 0x1000,
            },
            ImageRef {
                data: &second,
                target: 0x7a00_0000,
            },
        ];
        let cell = CellId::by_name(b"demo").unwrap();
        let buffer = cell_load_argument(&cell, &images).unwrap();
        let bytes = buffer.as_bytes();
        assert_eq!(bytes.len(), 48 + 2 * 32);
        let (header, rest) = CellLoad::read_from_prefix(bytes).unwrap();
        assert_eq!(header.cell_id, cell);
        assert_eq!(header.num_preload_images, 2);
        let entries = <[PreloadImage; 2]>::read_from_bytes(rest).unwrap();
        assert_eq!(entries[0].source_address, first.as_ptr() as u64);
        assert_eq!(entries[0].size, 3);
        assert_eq!(entries[0].target_address, 0x1000);
        assert_eq!(entries[1].source_address, second.as_ptr() as u64);
        assert_eq!(entries[1].size, 10);
        assert_eq!(entries[1].target_address, 0x7a00_0000);

        let shutdown = cell_load_argument(&CellId::by_id(2), &[]).unwrap();
        assert_eq!(shutdown.as_bytes().len(), 48);
        assert_eq!(&shutdown.as_bytes()[..4], &2i32.to_le_bytes());
    }

    #[test]
    fn missing_device_reports_enoent() {
        let error = Device::open(Path::new("/nonexistent/jailhouse"), false).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
