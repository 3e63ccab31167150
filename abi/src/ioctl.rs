// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The driver's user interface: ioctls on `/dev/jailhouse`
//! (`jailhouse-ioctl.h`).
//!
//! This module owns the ioctl request numbers and the argument structs the
//! CLI passes to the kernel module. It does not open the device or issue
//! the calls. Unlike the config structs these are naturally aligned C
//! structs with explicit padding; user pointers travel as `u64`.

use core::mem::{align_of, offset_of, size_of};

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use crate::config::CELL_NAME_MAXLEN;

/// Linux's generic `_IOC` encoding (arm64, x86):
/// `dir << 30 | size << 16 | type << 8 | nr`.
const fn ioc(dir: u32, kind: u32, nr: u32, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | (kind << 8) | nr
}

/// `_IOC_WRITE`: data flows from user space to the kernel.
const IOC_WRITE: u32 = 1;
/// The ioctl type byte of the jailhouse driver.
const JAILHOUSE_IOCTL_TYPE: u32 = 0;

/// `JAILHOUSE_ENABLE`: argument is a user pointer to the system config.
/// The size field encodes `sizeof(void *)` of 64-bit user space.
pub const JAILHOUSE_ENABLE: u32 = ioc(IOC_WRITE, JAILHOUSE_IOCTL_TYPE, 0, size_of::<u64>());
/// `JAILHOUSE_DISABLE`: no argument.
pub const JAILHOUSE_DISABLE: u32 = ioc(0, JAILHOUSE_IOCTL_TYPE, 1, 0);
/// `JAILHOUSE_CELL_CREATE`: argument is a [`CellCreate`].
pub const JAILHOUSE_CELL_CREATE: u32 =
    ioc(IOC_WRITE, JAILHOUSE_IOCTL_TYPE, 2, size_of::<CellCreate>());
/// `JAILHOUSE_CELL_LOAD`: argument is a [`CellLoad`] followed by its
/// [`PreloadImage`]s.
pub const JAILHOUSE_CELL_LOAD: u32 = ioc(IOC_WRITE, JAILHOUSE_IOCTL_TYPE, 3, size_of::<CellLoad>());
/// `JAILHOUSE_CELL_START`: argument is a [`CellId`].
pub const JAILHOUSE_CELL_START: u32 = ioc(IOC_WRITE, JAILHOUSE_IOCTL_TYPE, 4, size_of::<CellId>());
/// `JAILHOUSE_CELL_DESTROY`: argument is a [`CellId`].
pub const JAILHOUSE_CELL_DESTROY: u32 =
    ioc(IOC_WRITE, JAILHOUSE_IOCTL_TYPE, 5, size_of::<CellId>());

/// `JAILHOUSE_CELL_ID_UNUSED`: [`CellId::id`] value meaning "look the cell
/// up by name".
pub const CELL_ID_UNUSED: i32 = -1;
/// `JAILHOUSE_CELL_ID_NAMELEN`: size of [`CellId::name`].
pub const CELL_ID_NAMELEN: usize = 32;

/// Argument of [`JAILHOUSE_CELL_CREATE`] (`struct jailhouse_cell_create`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct CellCreate {
    /// User pointer to the cell config.
    pub config_address: u64,
    /// Size of the cell config.
    pub config_size: u32,
    /// Unused, zero.
    pub padding: u32,
}

/// Names a cell by id or by name (`struct jailhouse_cell_id`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct CellId {
    /// The cell id, or [`CELL_ID_UNUSED`] to use `name`.
    pub id: i32,
    /// Unused, zero.
    pub padding: u32,
    /// NUL-terminated cell name, used when `id` is [`CELL_ID_UNUSED`].
    pub name: [u8; CELL_ID_NAMELEN],
}

impl CellId {
    /// Names the cell with this id.
    pub const fn by_id(id: i32) -> CellId {
        CellId {
            id,
            padding: 0,
            name: [0; CELL_ID_NAMELEN],
        }
    }

    /// Names the cell with this name; `None` if the name is longer than
    /// [`CELL_NAME_MAXLEN`] bytes or contains a NUL.
    pub fn by_name(name: &[u8]) -> Option<CellId> {
        if name.len() > CELL_NAME_MAXLEN || name.contains(&0) {
            return None;
        }
        let mut id = CellId::by_id(CELL_ID_UNUSED);
        id.name.get_mut(..name.len())?.copy_from_slice(name);
        Some(id)
    }
}

/// One image to copy into a cell (`struct jailhouse_preload_image`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct PreloadImage {
    /// User pointer to the image.
    pub source_address: u64,
    /// Image size in bytes.
    pub size: u64,
    /// Guest physical address in the cell.
    pub target_address: u64,
    /// Unused, zero.
    pub padding: u64,
}

/// Fixed part of the argument of [`JAILHOUSE_CELL_LOAD`]
/// (`struct jailhouse_cell_load`); `num_preload_images` [`PreloadImage`]s
/// follow it directly (the C flexible array `image[]`, at offset 48).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C, align(8))]
pub struct CellLoad {
    /// The cell to load.
    pub cell_id: CellId,
    /// Number of images that follow.
    pub num_preload_images: u32,
    /// Unused, zero.
    pub padding: u32,
}

const _: () = {
    assert!(size_of::<CellCreate>() == 16);
    assert!(align_of::<CellCreate>() == 8);
    assert!(offset_of!(CellCreate, config_address) == 0);
    assert!(offset_of!(CellCreate, config_size) == 8);
    assert!(offset_of!(CellCreate, padding) == 12);

    assert!(size_of::<CellId>() == 40);
    assert!(align_of::<CellId>() == 4);
    assert!(offset_of!(CellId, id) == 0);
    assert!(offset_of!(CellId, padding) == 4);
    assert!(offset_of!(CellId, name) == 8);

    assert!(size_of::<PreloadImage>() == 32);
    assert!(align_of::<PreloadImage>() == 8);
    assert!(offset_of!(PreloadImage, source_address) == 0);
    assert!(offset_of!(PreloadImage, size) == 8);
    assert!(offset_of!(PreloadImage, target_address) == 16);
    assert!(offset_of!(PreloadImage, padding) == 24);

    assert!(size_of::<CellLoad>() == 48);
    assert!(align_of::<CellLoad>() == 8);
    assert!(offset_of!(CellLoad, cell_id) == 0);
    assert!(offset_of!(CellLoad, num_preload_images) == 40);
    assert!(offset_of!(CellLoad, padding) == 44);

    assert!(JAILHOUSE_ENABLE == 0x4008_0000);
    assert!(JAILHOUSE_DISABLE == 0x0000_0001);
    assert!(JAILHOUSE_CELL_CREATE == 0x4010_0002);
    assert!(JAILHOUSE_CELL_LOAD == 0x4030_0003);
    assert!(JAILHOUSE_CELL_START == 0x4028_0004);
    assert!(JAILHOUSE_CELL_DESTROY == 0x4028_0005);
};
