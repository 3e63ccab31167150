// SPDX-License-Identifier: GPL-2.0-only

//! Turning the bytes of a `cell load` file into preload images.
//!
//! A file is either a raw binary, copied as is to `-a ADDRESS` (default 0),
//! or an ELF64 little-endian aarch64 executable (openEuler's extension,
//! which MICA relies on to load its RTOS images). This module owns that
//! decision and the ELF program-header walk. It is pure: it never touches
//! files or the driver, and malformed input yields an [`ElfError`], never a
//! panic.
//!
//! # ELF images
//!
//! Every `PT_LOAD` segment with a non-zero `p_memsz` becomes one preload
//! image at its `p_paddr`: `p_filesz` bytes from the file followed by
//! zeros up to `p_memsz`, so `.bss` starts cleared. Segments are loaded
//! separately (not packed into one flat image as openEuler's tool does), so
//! segments in different memory regions of a cell load fine and the gaps
//! between segments are left untouched.
//!
//! Without `-a`, segments go to their `p_paddr` (openEuler's default: the
//! flat image starts at the lowest `p_paddr`). With `-a ADDRESS`, the whole
//! image is moved so that its lowest `p_paddr` lands at `ADDRESS` and every
//! segment keeps its distance from it, which is where openEuler's flat
//! image would put each segment's bytes.

use std::ops::Range;

use thiserror::Error;

/// `e_ident` magic.
const ELF_MAGIC: &[u8; 4] = b"\x7fELF";
/// `e_ident[EI_CLASS]` for 64-bit objects.
const ELFCLASS64: u8 = 2;
/// `e_ident[EI_DATA]` for little-endian objects.
const ELFDATA2LSB: u8 = 1;
/// `e_machine` of AArch64.
const EM_AARCH64: u16 = 183;
/// `p_type` of a loadable segment.
const PT_LOAD: u32 = 1;
/// `e_phnum` value meaning "the real count is in section header 0".
const PN_XNUM: u16 = 0xffff;
/// Size of `Elf64_Ehdr`.
const EHDR_SIZE: usize = 64;
/// Size of `Elf64_Phdr`.
const PHDR_SIZE: usize = 56;

/// The largest segment (`p_memsz`) this tool loads. Larger values are
/// almost certainly a corrupt header, and zero-filling them would exhaust
/// memory before the driver could refuse them.
pub const MAX_SEGMENT_SIZE: u64 = 1 << 30;

/// One image to hand to `JAILHOUSE_CELL_LOAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadImage {
    /// The bytes to copy.
    pub data: Vec<u8>,
    /// Guest-physical address in the cell.
    pub target: u64,
}

/// Why an ELF file cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ElfError {
    /// Shorter than an ELF header.
    #[error("truncated ELF header ({0} bytes, an ELF64 header has 64)")]
    TruncatedHeader(usize),
    /// `EI_CLASS` is not ELFCLASS64.
    #[error("not an ELF64 file (EI_CLASS is {0}, ELF64 is 2); only ELF64 images can be loaded")]
    NotElf64(u8),
    /// `EI_DATA` is not little-endian.
    #[error("not a little-endian ELF file (EI_DATA is {0}, little-endian is 1)")]
    NotLittleEndian(u8),
    /// `e_machine` is not AArch64.
    #[error("ELF machine is {0}, not AArch64 (183)")]
    WrongMachine(u16),
    /// `e_phentsize` is not the size of `Elf64_Phdr`.
    #[error("program header entry size is {0}, expected 56")]
    BadPhentsize(u16),
    /// `e_phnum` is `PN_XNUM`.
    #[error("too many program headers (e_phnum is PN_XNUM)")]
    TooManyProgramHeaders,
    /// The program header table is not inside the file.
    #[error(
        "program header table ({count} entries at offset {offset:#x}) runs past the end of \
         the file ({file_size} bytes)"
    )]
    ProgramHeadersOutOfFile {
        /// `e_phoff`.
        offset: u64,
        /// `e_phnum`.
        count: u16,
        /// Size of the file.
        file_size: usize,
    },
    /// A segment's file bytes are not inside the file.
    #[error(
        "segment {index}: file bytes {offset:#x}+{size:#x} run past the end of the file \
         ({file_size} bytes)"
    )]
    SegmentOutOfFile {
        /// Index of the program header.
        index: usize,
        /// `p_offset`.
        offset: u64,
        /// `p_filesz`.
        size: u64,
        /// Size of the file.
        file_size: usize,
    },
    /// `p_filesz > p_memsz`.
    #[error("segment {index}: file size {filesz:#x} exceeds memory size {memsz:#x}")]
    FileszExceedsMemsz {
        /// Index of the program header.
        index: usize,
        /// `p_filesz`.
        filesz: u64,
        /// `p_memsz`.
        memsz: u64,
    },
    /// `p_memsz` is larger than [`MAX_SEGMENT_SIZE`].
    #[error("segment {index}: memory size {memsz:#x} is larger than the 1 GiB this tool loads")]
    SegmentTooLarge {
        /// Index of the program header.
        index: usize,
        /// `p_memsz`.
        memsz: u64,
    },
    /// A segment (after relocation by `-a`) wraps around the address space.
    #[error("segment {index}: address range does not fit in 64 bits")]
    AddressOverflow {
        /// Index of the program header.
        index: usize,
    },
    /// Two segments cover the same physical addresses.
    #[error("segments {first} and {second} overlap in physical memory")]
    OverlappingSegments {
        /// Index of one program header.
        first: usize,
        /// Index of the other.
        second: usize,
    },
    /// No `PT_LOAD` segment with memory.
    #[error("no loadable (PT_LOAD) segment")]
    NoLoadableSegments,
}

/// A `PT_LOAD` segment, as located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Index of its program header.
    pub index: usize,
    /// `p_paddr`.
    pub paddr: u64,
    /// Where its file bytes are (`p_offset`, `p_filesz`).
    pub file_range: Range<usize>,
    /// `p_memsz`.
    pub memsz: u64,
}

/// Whether `bytes` start with the ELF magic, i.e. must be loaded as ELF.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(ELF_MAGIC)
}

/// The preload images for the contents of one file: the file itself at
/// `address` (0 if `None`) for a raw binary, or its segments for an ELF
/// image (see the module documentation for what `address` means there).
pub fn images_from_file(bytes: Vec<u8>, address: Option<u64>) -> Result<Vec<LoadImage>, ElfError> {
    if !is_elf(&bytes) {
        return Ok(vec![LoadImage {
            data: bytes,
            target: address.unwrap_or(0),
        }]);
    }
    let segments = elf_segments(&bytes)?;
    let lowest = segments
        .iter()
        .map(|segment| segment.paddr)
        .min()
        .ok_or(ElfError::NoLoadableSegments)?;
    let base = address.unwrap_or(lowest);
    segments
        .iter()
        .map(|segment| {
            let overflow = ElfError::AddressOverflow {
                index: segment.index,
            };
            // Offsets from the lowest address are non-negative; adding them
            // to `base` may still leave the address space.
            let target = base
                .checked_add(segment.paddr - lowest)
                .ok_or(overflow.clone())?;
            target.checked_add(segment.memsz).ok_or(overflow)?;
            let mut data = bytes[segment.file_range.clone()].to_vec();
            // `memsz` is bounded by MAX_SEGMENT_SIZE, so this fits a usize.
            data.resize(segment.memsz as usize, 0);
            Ok(LoadImage { data, target })
        })
        .collect()
}

/// The `PT_LOAD` segments of an ELF64 little-endian aarch64 file with a
/// non-zero memory size, in program-header order, after checking that
/// their file bytes lie inside `bytes` and that they do not overlap.
pub fn elf_segments(bytes: &[u8]) -> Result<Vec<Segment>, ElfError> {
    if bytes.len() < EHDR_SIZE {
        return Err(ElfError::TruncatedHeader(bytes.len()));
    }
    let header = Reader(bytes);
    let class = header.u8(4);
    if class != ELFCLASS64 {
        return Err(ElfError::NotElf64(class));
    }
    let data = header.u8(5);
    if data != ELFDATA2LSB {
        return Err(ElfError::NotLittleEndian(data));
    }
    let machine = header.u16(18);
    if machine != EM_AARCH64 {
        return Err(ElfError::WrongMachine(machine));
    }
    let phoff = header.u64(32);
    let phentsize = header.u16(54);
    let phnum = header.u16(56);
    if phnum == PN_XNUM {
        return Err(ElfError::TooManyProgramHeaders);
    }
    if phnum == 0 {
        return Err(ElfError::NoLoadableSegments);
    }
    if usize::from(phentsize) != PHDR_SIZE {
        return Err(ElfError::BadPhentsize(phentsize));
    }
    let table_out_of_file = ElfError::ProgramHeadersOutOfFile {
        offset: phoff,
        count: phnum,
        file_size: bytes.len(),
    };
    let table = usize::try_from(phoff)
        .ok()
        .and_then(|start| bytes.get(start..)?.get(..usize::from(phnum) * PHDR_SIZE))
        .ok_or(table_out_of_file)?;

    let mut segments = Vec::new();
    for (index, entry) in table.chunks_exact(PHDR_SIZE).enumerate() {
        let phdr = Reader(entry);
        if phdr.u32(0) != PT_LOAD {
            continue;
        }
        let offset = phdr.u64(8);
        let paddr = phdr.u64(24);
        let filesz = phdr.u64(32);
        let memsz = phdr.u64(40);
        if memsz == 0 && filesz == 0 {
            continue;
        }
        if filesz > memsz {
            return Err(ElfError::FileszExceedsMemsz {
                index,
                filesz,
                memsz,
            });
        }
        if memsz > MAX_SEGMENT_SIZE {
            return Err(ElfError::SegmentTooLarge { index, memsz });
        }
        let file_range =
            file_range(offset, filesz, bytes.len()).ok_or(ElfError::SegmentOutOfFile {
                index,
                offset,
                size: filesz,
                file_size: bytes.len(),
            })?;
        if paddr.checked_add(memsz).is_none() {
            return Err(ElfError::AddressOverflow { index });
        }
        segments.push(Segment {
            index,
            paddr,
            file_range,
            memsz,
        });
    }
    if segments.is_empty() {
        return Err(ElfError::NoLoadableSegments);
    }
    check_overlaps(&segments)?;
    Ok(segments)
}

/// `offset..offset + size` if it lies within a file of `file_size` bytes.
fn file_range(offset: u64, size: u64, file_size: usize) -> Option<Range<usize>> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(size).ok()?)?;
    (end <= file_size).then_some(start..end)
}

/// Fails if two segments share a physical address: one would silently
/// overwrite the other in the cell.
fn check_overlaps(segments: &[Segment]) -> Result<(), ElfError> {
    let mut sorted: Vec<&Segment> = segments.iter().collect();
    sorted.sort_by_key(|segment| segment.paddr);
    for pair in sorted.windows(2) {
        if let [low, high] = pair {
            // Cannot overflow: checked when the segments were collected.
            if low.paddr + low.memsz > high.paddr {
                return Err(ElfError::OverlappingSegments {
                    first: low.index.min(high.index),
                    second: low.index.max(high.index),
                });
            }
        }
    }
    Ok(())
}

/// Little-endian field access into a buffer whose length the caller has
/// already checked.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn bytes<const N: usize>(&self, offset: usize) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.0[offset..offset + N]);
        out
    }

    fn u8(&self, offset: usize) -> u8 {
        self.0[offset]
    }

    fn u16(&self, offset: usize) -> u16 {
        u16::from_le_bytes(self.bytes(offset))
    }

    fn u32(&self, offset: usize) -> u32 {
        u32::from_le_bytes(self.bytes(offset))
    }

    fn u64(&self, offset: usize) -> u64 {
        u64::from_le_bytes(self.bytes(offset))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A program header for [`build_elf`].
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Phdr {
        pub p_type: u32,
        pub offset: u64,
        pub paddr: u64,
        pub filesz: u64,
        pub memsz: u64,
    }

    impl Phdr {
        pub(crate) fn load(offset: u64, paddr: u64, filesz: u64, memsz: u64) -> Phdr {
            Phdr {
                p_type: PT_LOAD,
                offset,
                paddr,
                filesz,
                memsz,
            }
        }
    }

    /// Builds an ELF64 LE aarch64 executable: header, program headers at
    /// offset 64, then `payload` placed at `payload_offset`.
    pub(crate) fn build_elf(phdrs: &[Phdr], payload_offset: usize, payload: &[u8]) -> Vec<u8> {
        let mut file = vec![0u8; EHDR_SIZE];
        file[..4].copy_from_slice(ELF_MAGIC);
        file[4] = ELFCLASS64;
        file[5] = ELFDATA2LSB;
        file[6] = 1; // EV_CURRENT
        file[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        file[18..20].copy_from_slice(&EM_AARCH64.to_le_bytes());
        file[20..24].copy_from_slice(&1u32.to_le_bytes());
        file[32..40].copy_from_slice(&(EHDR_SIZE as u64).to_le_bytes());
        file[52..54].copy_from_slice(&(EHDR_SIZE as u16).to_le_bytes());
        file[54..56].copy_from_slice(&(PHDR_SIZE as u16).to_le_bytes());
        file[56..58].copy_from_slice(&(phdrs.len() as u16).to_le_bytes());
        for phdr in phdrs {
            let mut entry = [0u8; PHDR_SIZE];
            entry[0..4].copy_from_slice(&phdr.p_type.to_le_bytes());
            entry[4..8].copy_from_slice(&5u32.to_le_bytes()); // PF_R | PF_X
            entry[8..16].copy_from_slice(&phdr.offset.to_le_bytes());
            entry[16..24].copy_from_slice(&phdr.paddr.to_le_bytes()); // vaddr
            entry[24..32].copy_from_slice(&phdr.paddr.to_le_bytes());
            entry[32..40].copy_from_slice(&phdr.filesz.to_le_bytes());
            entry[40..48].copy_from_slice(&phdr.memsz.to_le_bytes());
            entry[48..56].copy_from_slice(&0x1000u64.to_le_bytes());
            file.extend_from_slice(&entry);
        }
        assert!(
            file.len() <= payload_offset,
            "payload would overwrite headers"
        );
        file.resize(payload_offset, 0);
        file.extend_from_slice(payload);
        file
    }

    /// Two code/data segments plus a note, the way a small RTOS image
    /// looks: text at 0x7a000000, data+bss at 0x7a010000.
    fn rtos_like() -> Vec<u8> {
        let payload: Vec<u8> = (0..0x30u8).collect();
        build_elf(
            &[
                Phdr::load(0x100, 0x7a00_0000, 0x20, 0x20),
                Phdr {
                    p_type: 4, // PT_NOTE
                    offset: 0x100,
                    paddr: 0,
                    filesz: 4,
                    memsz: 4,
                },
                Phdr::load(0x120, 0x7a01_0000, 0x10, 0x40),
            ],
            0x100,
            &payload,
        )
    }

    #[test]
    fn raw_files_load_at_the_given_address() {
        let images = images_from_file(vec![1, 2, 3], Some(0x1000)).unwrap();
        assert_eq!(
            images,
            vec![LoadImage {
                data: vec![1, 2, 3],
                target: 0x1000
            }]
        );
        let images = images_from_file(b"\x7fEL".to_vec(), None).unwrap();
        assert_eq!(images[0].target, 0);
        assert_eq!(images[0].data, b"\x7fEL");
        assert!(images_from_file(Vec::new(), None).unwrap()[0]
            .data
            .is_empty());
    }

    #[test]
    fn elf_segments_load_at_their_physical_address() {
        let images = images_from_file(rtos_like(), None).unwrap();
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].target, 0x7a00_0000);
        assert_eq!(images[0].data, (0..0x20u8).collect::<Vec<_>>());
        assert_eq!(images[1].target, 0x7a01_0000);
        assert_eq!(images[1].data.len(), 0x40);
        assert_eq!(
            &images[1].data[..0x10],
            &(0x20..0x30u8).collect::<Vec<_>>()[..]
        );
        assert!(images[1].data[0x10..].iter().all(|&byte| byte == 0));
    }

    #[test]
    fn address_moves_the_whole_elf_image() {
        let images = images_from_file(rtos_like(), Some(0)).unwrap();
        assert_eq!(images[0].target, 0);
        assert_eq!(images[1].target, 0x1_0000);
    }

    #[test]
    fn bss_only_segments_become_zero_images() {
        let file = build_elf(
            &[
                Phdr::load(0x100, 0x1000, 4, 4),
                Phdr::load(0, 0x2000, 0, 0x100),
                Phdr::load(0, 0x3000, 0, 0),
            ],
            0x100,
            &[9, 9, 9, 9],
        );
        let images = images_from_file(file, None).unwrap();
        assert_eq!(images.len(), 2);
        assert_eq!(images[1].target, 0x2000);
        assert_eq!(images[1].data, vec![0; 0x100]);
    }

    #[test]
    fn segments_are_reported_with_their_file_ranges() {
        let segments = elf_segments(&rtos_like()).unwrap();
        assert_eq!(
            segments,
            vec![
                Segment {
                    index: 0,
                    paddr: 0x7a00_0000,
                    file_range: 0x100..0x120,
                    memsz: 0x20
                },
                Segment {
                    index: 2,
                    paddr: 0x7a01_0000,
                    file_range: 0x120..0x130,
                    memsz: 0x40
                },
            ]
        );
    }

    #[test]
    fn header_problems_are_reported() {
        let good = rtos_like();

        assert_eq!(
            elf_segments(&good[..10]),
            Err(ElfError::TruncatedHeader(10))
        );
        assert_eq!(
            images_from_file(good[..63].to_vec(), None),
            Err(ElfError::TruncatedHeader(63))
        );

        let mut elf32 = good.clone();
        elf32[4] = 1;
        assert_eq!(elf_segments(&elf32), Err(ElfError::NotElf64(1)));

        let mut big_endian = good.clone();
        big_endian[5] = 2;
        assert_eq!(elf_segments(&big_endian), Err(ElfError::NotLittleEndian(2)));

        let mut x86 = good.clone();
        x86[18..20].copy_from_slice(&62u16.to_le_bytes());
        assert_eq!(elf_segments(&x86), Err(ElfError::WrongMachine(62)));

        let mut phentsize = good.clone();
        phentsize[54..56].copy_from_slice(&32u16.to_le_bytes());
        assert_eq!(elf_segments(&phentsize), Err(ElfError::BadPhentsize(32)));

        let mut xnum = good.clone();
        xnum[56..58].copy_from_slice(&PN_XNUM.to_le_bytes());
        assert_eq!(elf_segments(&xnum), Err(ElfError::TooManyProgramHeaders));

        let mut none = good.clone();
        none[56..58].copy_from_slice(&0u16.to_le_bytes());
        assert_eq!(elf_segments(&none), Err(ElfError::NoLoadableSegments));
    }

    #[test]
    fn truncated_program_headers_are_reported() {
        let good = rtos_like();
        // Cut in the middle of the third program header.
        let cut = EHDR_SIZE + 2 * PHDR_SIZE + 10;
        assert_eq!(
            elf_segments(&good[..cut]),
            Err(ElfError::ProgramHeadersOutOfFile {
                offset: 64,
                count: 3,
                file_size: cut
            })
        );
        let mut far = good.clone();
        far[32..40].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            elf_segments(&far),
            Err(ElfError::ProgramHeadersOutOfFile { .. })
        ));
    }

    #[test]
    fn truncated_segment_data_is_reported() {
        let good = rtos_like();
        let cut = good.len() - 1;
        assert_eq!(
            elf_segments(&good[..cut]),
            Err(ElfError::SegmentOutOfFile {
                index: 2,
                offset: 0x120,
                size: 0x10,
                file_size: cut
            })
        );
        let huge_offset = build_elf(&[Phdr::load(u64::MAX, 0, 1, 1)], 0x80, &[0]);
        assert!(matches!(
            elf_segments(&huge_offset),
            Err(ElfError::SegmentOutOfFile { index: 0, .. })
        ));
    }

    #[test]
    fn bad_segment_sizes_and_addresses_are_reported() {
        let filesz = build_elf(&[Phdr::load(0x80, 0, 4, 2)], 0x80, &[0; 4]);
        assert_eq!(
            elf_segments(&filesz),
            Err(ElfError::FileszExceedsMemsz {
                index: 0,
                filesz: 4,
                memsz: 2
            })
        );

        let huge = build_elf(&[Phdr::load(0x80, 0, 0, u64::MAX)], 0x80, &[]);
        assert_eq!(
            elf_segments(&huge),
            Err(ElfError::SegmentTooLarge {
                index: 0,
                memsz: u64::MAX
            })
        );

        let wraps = build_elf(&[Phdr::load(0x80, u64::MAX - 1, 4, 4)], 0x80, &[0; 4]);
        assert_eq!(
            elf_segments(&wraps),
            Err(ElfError::AddressOverflow { index: 0 })
        );

        // Fine at its own address, but `-a` pushes it past the top.
        let high = build_elf(&[Phdr::load(0x80, 0x1000, 4, 4)], 0x80, &[0; 4]);
        assert_eq!(
            images_from_file(high, Some(u64::MAX - 2)),
            Err(ElfError::AddressOverflow { index: 0 })
        );
    }

    #[test]
    fn overlapping_segments_are_reported() {
        let file = build_elf(
            &[
                Phdr::load(0x100, 0x2000, 0x10, 0x10),
                Phdr::load(0x100, 0x1000, 0x10, 0x1001),
            ],
            0x100,
            &[0; 0x10],
        );
        assert_eq!(
            elf_segments(&file),
            Err(ElfError::OverlappingSegments {
                first: 0,
                second: 1
            })
        );
        // Touching is fine.
        let file = build_elf(
            &[
                Phdr::load(0x100, 0x1000, 0x10, 0x1000),
                Phdr::load(0x100, 0x2000, 0x10, 0x10),
            ],
            0x100,
            &[0; 0x10],
        );
        assert_eq!(elf_segments(&file).unwrap().len(), 2);
    }

    #[test]
    fn files_without_load_segments_are_reported() {
        let file = build_elf(
            &[Phdr {
                p_type: 4,
                offset: 0x80,
                paddr: 0,
                filesz: 4,
                memsz: 4,
            }],
            0x80,
            &[0; 4],
        );
        assert_eq!(
            images_from_file(file, None),
            Err(ElfError::NoLoadableSegments)
        );
    }

    #[test]
    fn every_truncation_of_a_valid_image_fails_cleanly() {
        let good = rtos_like();
        for len in 4..good.len() {
            assert!(elf_segments(&good[..len]).is_err(), "length {len}");
        }
    }

    #[test]
    fn corrupting_any_header_byte_never_panics() {
        let good = rtos_like();
        let header_end = EHDR_SIZE + 3 * PHDR_SIZE;
        for position in 4..header_end {
            for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut file = good.clone();
                file[position] = value;
                let _ = images_from_file(file, Some(0x1000));
            }
        }
    }
}
