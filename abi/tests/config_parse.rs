// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The config parser on hand-built configs: round trips, every kind of
//! malformed input, and the error messages.

mod common;

use common::{
    sample_cell_blob, sample_cell_desc, sample_system_blob, sample_system_desc, SampleArrays,
};
use jailhouse_abi::config::{
    cell_config_size, system_config_size, CellConfig, CellDesc, CellFlags, ConfigArray, ConfigKind,
    ConsoleType, CpuSet, MemFlags, ParseError, SystemConfig, SystemDesc, CONFIG_REVISION,
    ROOT_CELL_OFFSET,
};
use zerocopy::{FromBytes, FromZeros, IntoBytes};

const SYSTEM_DESC_SIZE: usize = size_of::<SystemDesc>();
const CELL_DESC_SIZE: usize = size_of::<CellDesc>();

#[test]
fn cell_round_trip() {
    let arrays = SampleArrays::new();
    let desc = sample_cell_desc(&arrays);
    let blob = sample_cell_blob();
    let cell = CellConfig::parse(&blob).expect("sample cell parses");

    assert_eq!(*cell.desc(), desc);
    assert_eq!(cell.name(), b"sample-cell");
    assert_eq!(cell.desc().name_str(), Ok("sample-cell"));
    assert_eq!(
        cell.flags(),
        CellFlags::PASSIVE_COMMREG | CellFlags::VIRT_CPUID
    );
    assert_eq!(cell.desc().console.console_type(), Ok(ConsoleType::Pl011));
    assert_eq!(cell.cpu_set(), &arrays.cpus);
    assert_eq!(cell.cpus().iter().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(cell.memory_regions(), &arrays.memory[..]);
    assert_eq!(cell.cache_regions(), &arrays.cache[..]);
    assert_eq!(cell.irqchips(), &arrays.irqchips[..]);
    assert_eq!(cell.pio_regions(), &arrays.pio[..]);
    assert_eq!(cell.pci_devices(), &arrays.pci[..]);
    assert_eq!(cell.pci_caps(), &arrays.caps[..]);
    assert_eq!(cell.stream_ids(), &arrays.stream_ids[..]);
    assert!(cell.memory_regions()[2]
        .mem_flags()
        .contains(MemFlags::COMM_REGION));
    assert!(cell.pci_devices()[0].msi_64bits() && cell.pci_devices()[0].msi_maskable());

    let expected = 132 + 8 + 3 * 32 + 12 + 32 + 2 * 4 + 56 + 2 * 8 + 3 * 4;
    assert_eq!(blob.len(), expected);
    assert_eq!(cell.config_size(), expected);
    assert_eq!(cell_config_size(&desc), Some(expected));
    assert_eq!(desc.config_size(), Some(expected));
    assert_eq!(cell.as_bytes(), &blob[..]);
}

#[test]
fn system_round_trip() {
    let arrays = SampleArrays::new();
    let desc = sample_system_desc(&arrays);
    let blob = sample_system_blob();
    let sys = SystemConfig::parse(&blob).expect("sample system parses");

    assert_eq!(*sys.desc(), desc);
    assert_eq!({ sys.hypervisor_memory().phys_start }, 0x8000_0000);
    assert_eq!({ sys.platform_info().arm.gicr_base }, 0x080a_0000);
    assert_eq!(sys.platform_info().arm.maintenance_irq, 25);
    let root = sys.root_cell();
    assert_eq!(root.name(), b"root");
    assert_eq!(*root.desc(), desc.root_cell);
    assert_eq!(sys.cpu_set(), &arrays.cpus);
    assert_eq!(sys.memory_regions(), &arrays.memory[..]);
    assert_eq!(sys.cache_regions(), &arrays.cache[..]);
    assert_eq!(sys.irqchips(), &arrays.irqchips[..]);
    assert_eq!(sys.pio_regions(), &arrays.pio[..]);
    assert_eq!(sys.pci_devices(), &arrays.pci[..]);
    assert_eq!(sys.pci_caps(), &arrays.caps[..]);
    assert_eq!(sys.stream_ids(), &arrays.stream_ids[..]);

    let expected = 488 + 8 + 3 * 32 + 12 + 32 + 2 * 4 + 56 + 2 * 8 + 3 * 4;
    assert_eq!(blob.len(), expected);
    assert_eq!(sys.config_size(), expected);
    assert_eq!(system_config_size(&desc), Some(expected));
    assert_eq!(sys.as_bytes(), &blob[..]);
    // The root cell is the tail of the system config from offset 356.
    assert_eq!(root.as_bytes(), &blob[ROOT_CELL_OFFSET..]);
    assert_eq!(root.config_size(), expected - ROOT_CELL_OFFSET);
}

#[test]
fn trailing_bytes_are_ignored() {
    let mut blob = sample_cell_blob();
    let size = blob.len();
    blob.extend_from_slice(&[0xa5; 100]);
    let cell = CellConfig::parse(&blob).expect("parses with trailing bytes");
    assert_eq!(cell.config_size(), size);
    assert_eq!(cell.as_bytes(), &blob[..size]);

    let mut blob = sample_system_blob();
    let size = blob.len();
    blob.extend_from_slice(&[0x5a; 4096]);
    let sys = SystemConfig::parse(&blob).expect("parses with trailing bytes");
    assert_eq!(sys.config_size(), size);
    assert_eq!(sys.root_cell().as_bytes(), &blob[ROOT_CELL_OFFSET..size]);
}

#[test]
fn empty_arrays_parse() {
    let mut desc = CellDesc::new_zeroed();
    desc.signature = *b"JHCELL";
    desc.revision = CONFIG_REVISION;
    let cell = CellConfig::parse(desc.as_bytes()).expect("a bare descriptor parses");
    assert!(cell.cpu_set().is_empty() && cell.memory_regions().is_empty());
    assert!(cell.cpus().is_empty());
    assert_eq!(cell.config_size(), CELL_DESC_SIZE);
}

/// Every proper prefix of a valid config is rejected with an error that
/// points inside the prefix; none panics.
#[test]
fn truncation_at_every_offset_is_an_error() {
    let blob = sample_cell_blob();
    for len in 0..blob.len() {
        let err = CellConfig::parse(&blob[..len]).expect_err("a truncated cell config parsed");
        match err {
            ParseError::DescriptorTruncated {
                kind,
                needed,
                available,
            } => {
                assert_eq!(
                    (kind, needed, available),
                    (ConfigKind::Cell, CELL_DESC_SIZE, len)
                );
                assert!(len < CELL_DESC_SIZE);
            }
            ParseError::ArrayTruncated {
                kind,
                offset,
                needed,
                available,
                ..
            } => {
                assert_eq!(kind, ConfigKind::Cell);
                assert!(len >= CELL_DESC_SIZE);
                assert!(offset <= len && available == len - offset && needed > available);
            }
            other => panic!("unexpected error at length {len}: {other}"),
        }
    }

    let blob = sample_system_blob();
    for len in 0..blob.len() {
        let err = SystemConfig::parse(&blob[..len]).expect_err("a truncated system config parsed");
        match err {
            ParseError::DescriptorTruncated { kind, needed, .. } => {
                assert_eq!((kind, needed), (ConfigKind::System, SYSTEM_DESC_SIZE));
                assert!(len < SYSTEM_DESC_SIZE);
            }
            ParseError::ArrayTruncated {
                kind,
                offset,
                available,
                ..
            } => {
                assert_eq!(kind, ConfigKind::System);
                assert!(offset <= len && available == len - offset);
            }
            other => panic!("unexpected error at length {len}: {other}"),
        }
    }
}

#[test]
fn truncation_messages_name_the_array() {
    let blob = sample_cell_blob();
    // Cut inside the memory regions: 132 + 8 bytes of CPU set come first.
    let err = CellConfig::parse(&blob[..150]).expect_err("truncated");
    assert_eq!(
        err,
        ParseError::ArrayTruncated {
            kind: ConfigKind::Cell,
            array: ConfigArray::MemoryRegions,
            count: 3,
            offset: 140,
            needed: 96,
            available: 10,
        }
    );
    assert_eq!(
        err.to_string(),
        "cell config truncated: memory regions (num_memory_regions = 3, 32 bytes each): 96 \
         bytes needed at offset 140, but only 10 are left"
    );

    let err = SystemConfig::parse(&sample_system_blob()[..100]).expect_err("truncated");
    assert_eq!(
        err.to_string(),
        "system config truncated: struct jailhouse_system needs 488 bytes, but the buffer has \
         only 100"
    );
}

#[test]
fn wrong_signature_is_rejected() {
    let mut blob = sample_cell_blob();
    blob[0] = b'X';
    let err = CellConfig::parse(&blob).expect_err("bad signature");
    assert_eq!(
        err,
        ParseError::BadSignature {
            kind: ConfigKind::Cell,
            found: *b"XHCELL"
        }
    );
    assert_eq!(
        err.to_string(),
        "cell config: bad signature \"XHCELL\" at offset 0, expected \"JHCELL\""
    );

    // A system config handed to the cell parser, and the other way round.
    let err = CellConfig::parse(&sample_system_blob()).expect_err("system as cell");
    assert!(
        err.to_string().ends_with("(this is a system config)"),
        "{err}"
    );
    let err = SystemConfig::parse(&sample_cell_blob()).expect_err("cell as system");
    assert!(
        err.to_string().ends_with("(this is a cell config)"),
        "{err}"
    );

    // Non-printable bytes are escaped.
    let mut blob = sample_system_blob();
    blob[..6].copy_from_slice(b"\0\x01JH\xffS");
    let err = SystemConfig::parse(&blob).expect_err("garbage signature");
    assert_eq!(
        err.to_string(),
        "system config: bad signature \"\\x00\\x01JH\\xffS\" at offset 0, expected \"JHSYST\""
    );
}

#[test]
fn upstream_revision_14_is_explained() {
    let mut blob = sample_system_blob();
    blob[..6].copy_from_slice(b"JHSYS\x02");
    blob[6..8].copy_from_slice(&14u16.to_le_bytes());
    let err = SystemConfig::parse(&blob).expect_err("rev 14");
    assert!(matches!(err, ParseError::BadSignature { .. }));
    assert!(
        err.to_string().contains("upstream revision-14 config"),
        "{err}"
    );

    let mut blob = sample_cell_blob();
    blob[..6].copy_from_slice(b"JHCLL\x02");
    let err = CellConfig::parse(&blob).expect_err("rev 14");
    assert!(
        err.to_string().contains("upstream revision-14 config"),
        "{err}"
    );
}

#[test]
fn wrong_revision_is_rejected() {
    for revision in [0u16, 12, 14, 0xffff] {
        let mut blob = sample_cell_blob();
        blob[6..8].copy_from_slice(&revision.to_le_bytes());
        let err = CellConfig::parse(&blob).expect_err("bad revision");
        assert_eq!(
            err,
            ParseError::BadRevision {
                kind: ConfigKind::Cell,
                found: revision
            }
        );

        let mut blob = sample_system_blob();
        blob[6..8].copy_from_slice(&revision.to_le_bytes());
        let err = SystemConfig::parse(&blob).expect_err("bad revision");
        assert_eq!(
            err,
            ParseError::BadRevision {
                kind: ConfigKind::System,
                found: revision
            }
        );
    }

    let mut blob = sample_system_blob();
    blob[6..8].copy_from_slice(&12u16.to_le_bytes());
    let msg = SystemConfig::parse(&blob).expect_err("rev 12").to_string();
    assert!(
        msg.starts_with("system config: unsupported config revision 12 at offset 6, expected 13"),
        "{msg}"
    );
    assert!(msg.contains("Jailhouse v0.12's layout"), "{msg}");
}

/// Configs leave the root cell's signature and revision zero; any value
/// there is accepted.
#[test]
fn root_cell_header_is_not_checked() {
    let mut blob = sample_system_blob();
    blob[ROOT_CELL_OFFSET..ROOT_CELL_OFFSET + 8].copy_from_slice(b"garbage!");
    let sys = SystemConfig::parse(&blob).expect("root cell signature is not checked");
    assert_eq!(sys.root_cell().desc().signature, *b"garbag");
}

/// Sets one count field of a sample cell blob.
fn with_count(mut blob: Vec<u8>, field_offset: usize, count: u32) -> Vec<u8> {
    blob[field_offset..field_offset + 4].copy_from_slice(&count.to_le_bytes());
    blob
}

#[test]
fn huge_counts_are_rejected_without_overflow() {
    let fields = [
        (48, ConfigArray::CpuSet),
        (52, ConfigArray::MemoryRegions),
        (56, ConfigArray::CacheRegions),
        (60, ConfigArray::IrqChips),
        (64, ConfigArray::PioRegions),
        (68, ConfigArray::PciDevices),
        (72, ConfigArray::PciCaps),
        (76, ConfigArray::StreamIds),
    ];
    for (field_offset, array) in fields {
        for count in [u32::MAX, u32::MAX / 2, 0x1000_0000, 1 << 27] {
            let blob = with_count(sample_cell_blob(), field_offset, count);
            let err = CellConfig::parse(&blob).expect_err("huge count parsed");
            match err {
                ParseError::ArrayTruncated {
                    array: a, count: c, ..
                }
                | ParseError::ArrayOverflow {
                    array: a, count: c, ..
                } => {
                    assert_eq!((a, c), (array, count));
                }
                other => panic!("unexpected error {other}"),
            }
            assert!(err.to_string().contains(array.count_field()), "{err}");

            // The same count in the root cell of a system config.
            let blob = with_count(sample_system_blob(), ROOT_CELL_OFFSET + field_offset, count);
            let err = SystemConfig::parse(&blob).expect_err("huge count parsed");
            assert!(matches!(
                err,
                ParseError::ArrayTruncated {
                    kind: ConfigKind::System,
                    ..
                } | ParseError::ArrayOverflow {
                    kind: ConfigKind::System,
                    ..
                }
            ));
        }
    }

    // All counts at the maximum: the size helpers still compute (64-bit
    // usize) or report overflow, never wrap.
    let mut desc = CellDesc::new_zeroed();
    desc.cpu_set_size = u32::MAX;
    desc.num_memory_regions = u32::MAX;
    desc.num_cache_regions = u32::MAX;
    desc.num_irqchips = u32::MAX;
    desc.num_pio_regions = u32::MAX;
    desc.num_pci_devices = u32::MAX;
    desc.num_pci_caps = u32::MAX;
    desc.num_stream_ids = u32::MAX;
    let exact = 132u128 + u128::from(u32::MAX) * (1 + 32 + 12 + 32 + 4 + 56 + 8 + 4);
    let expected = usize::try_from(exact).ok();
    assert_eq!(desc.config_size(), expected);
    let mut sys = SystemDesc::new_zeroed();
    sys.root_cell = desc;
    assert_eq!(sys.config_size(), usize::try_from(exact - 132 + 488).ok());
}

#[test]
fn detect_kind() {
    assert_eq!(
        ConfigKind::detect(&sample_cell_blob()),
        Some(ConfigKind::Cell)
    );
    assert_eq!(
        ConfigKind::detect(&sample_system_blob()),
        Some(ConfigKind::System)
    );
    assert_eq!(ConfigKind::detect(b"JHSYS"), None);
    assert_eq!(ConfigKind::detect(b"JAILHOUS"), None);
}

#[test]
fn cell_names() {
    let mut desc = CellDesc::new_zeroed();
    assert_eq!(desc.name(), b"");
    desc.name = [b'a'; 32];
    // Like the driver, byte 31 always terminates the name.
    assert_eq!(desc.name(), [b'a'; 31]);
    desc.name[3] = 0;
    assert_eq!(desc.name(), b"aaa");
    desc.name[1] = 0xff;
    assert!(desc.name_str().is_err());
}

#[test]
fn cpu_sets() {
    let set = CpuSet::new(&[0b1000_0001, 0, 0b0000_0100]);
    assert_eq!(set.iter().collect::<Vec<_>>(), [0, 7, 18]);
    assert_eq!(set.count(), 3);
    assert_eq!(set.last(), Some(18));
    assert!(set.contains(7) && set.contains(18) && !set.contains(8) && !set.contains(1000));
    assert!(!set.is_empty());

    let empty = CpuSet::new(&[0, 0]);
    assert_eq!(empty.iter().next(), None);
    assert_eq!(empty.last(), None);
    assert!(empty.is_empty());

    // A large sparse bitmap: the highest CPU a 4 KiB cpu_set_size allows.
    let mut big = vec![0u8; 4096];
    big[4095] = 0x80;
    let set = CpuSet::new(&big);
    assert_eq!(set.iter().collect::<Vec<_>>(), [4096 * 8 - 1]);
    assert_eq!(set.last(), Some(4096 * 8 - 1));
    assert_eq!(set.into_iter().count(), 1);
}

#[test]
fn descriptor_views_read_unaligned_buffers() {
    // Parsing at an odd address must work: all structs are packed.
    let blob = sample_cell_blob();
    let mut shifted = vec![0u8; 1];
    shifted.extend_from_slice(&blob);
    let cell = CellConfig::parse(&shifted[1..]).expect("unaligned buffer parses");
    assert_eq!(cell.as_bytes(), &blob[..]);
    let desc = CellDesc::ref_from_prefix(&shifted[1..]).expect("prefix").0;
    assert_eq!({ desc.vpci_irq_base }, 108);
}
