// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Property tests: the parsers never panic on arbitrary or mutated input,
//! accept exactly the buffers whose declared size fits, and hand out views
//! that stay inside the buffer.

mod common;

use common::{sample_cell_blob, sample_system_blob};
use jailhouse_abi::config::{
    CellConfig, CellDesc, SystemConfig, SystemDesc, CONFIG_REVISION, ROOT_CELL_OFFSET,
};
use proptest::prelude::*;

/// Exact config size from the descriptor counts at `desc_offset`, computed
/// independently of the crate with 128-bit arithmetic.
fn declared_size(bytes: &[u8], desc_offset: usize, fixed: u128) -> u128 {
    let count = |field: usize| {
        let at = desc_offset + field;
        u128::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()))
    };
    fixed
        + count(48)
        + count(52) * 32
        + count(56) * 12
        + count(60) * 32
        + count(64) * 4
        + count(68) * 56
        + count(72) * 8
        + count(76) * 4
}

/// Checks what a successful cell parse hands out.
fn check_cell_views(bytes: &[u8], cell: &CellConfig<'_>) {
    let size = cell.config_size();
    assert!(size <= bytes.len());
    let range = bytes.as_ptr_range();
    for (ptr, len) in [
        (cell.cpu_set().as_ptr(), cell.cpu_set().len()),
        (
            cell.memory_regions().as_ptr().cast(),
            size_of_val(cell.memory_regions()),
        ),
        (
            cell.cache_regions().as_ptr().cast(),
            size_of_val(cell.cache_regions()),
        ),
        (
            cell.irqchips().as_ptr().cast(),
            size_of_val(cell.irqchips()),
        ),
        (
            cell.pio_regions().as_ptr().cast(),
            size_of_val(cell.pio_regions()),
        ),
        (
            cell.pci_devices().as_ptr().cast(),
            size_of_val(cell.pci_devices()),
        ),
        (
            cell.pci_caps().as_ptr().cast(),
            size_of_val(cell.pci_caps()),
        ),
        (
            cell.stream_ids().as_ptr().cast(),
            size_of_val(cell.stream_ids()),
        ),
    ] {
        let start = ptr as usize;
        assert!(start >= range.start as usize && start + len <= range.end as usize);
    }
    // Exercise the accessors that interpret values.
    let _ = cell.cpus().iter().count();
    let _ = cell.cpus().last();
    let _ = cell.desc().name_str();
    for r in cell.memory_regions() {
        let _ = (r.mem_flags(), r.is_subpage());
    }
    for c in cell.irqchips() {
        let _ = c.contains(u32::MAX) || c.contains(0);
    }
    for d in cell.pci_devices() {
        let _ = (d.pci_type(), d.msi_64bits(), d.msi_maskable());
    }
}

fn with_header(mut bytes: Vec<u8>, signature: &[u8; 6]) -> Vec<u8> {
    if bytes.len() >= 8 {
        bytes[..6].copy_from_slice(signature);
        bytes[6..8].copy_from_slice(&CONFIG_REVISION.to_le_bytes());
    }
    bytes
}

/// Small counts most of the time, any u32 sometimes.
fn count() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..8, 1 => any::<u32>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1200)) {
        if let Ok(cell) = CellConfig::parse(&bytes) {
            check_cell_views(&bytes, &cell);
        }
        if let Ok(sys) = SystemConfig::parse(&bytes) {
            check_cell_views(&bytes, &sys.root_cell());
        }
    }

    #[test]
    fn random_bytes_with_valid_header(bytes in prop::collection::vec(any::<u8>(), 0..1200)) {
        let cell_bytes = with_header(bytes.clone(), b"JHCELL");
        match CellConfig::parse(&cell_bytes) {
            Ok(cell) => check_cell_views(&cell_bytes, &cell),
            Err(e) => { let _ = e.to_string(); }
        }
        let sys_bytes = with_header(bytes, b"JHSYST");
        match SystemConfig::parse(&sys_bytes) {
            Ok(sys) => check_cell_views(&sys_bytes, &sys.root_cell()),
            Err(e) => { let _ = e.to_string(); }
        }
    }

    /// A valid config with random byte changes and a random cut.
    #[test]
    fn mutated_configs_never_panic(
        system in any::<bool>(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut blob = if system { sample_system_blob() } else { sample_cell_blob() };
        for (index, value) in mutations {
            let i = index.index(blob.len());
            blob[i] = value;
        }
        if truncate {
            blob.truncate(cut.index(blob.len() + 1));
        }
        if system {
            if let Ok(sys) = SystemConfig::parse(&blob) {
                check_cell_views(&blob, &sys.root_cell());
                prop_assert_eq!(
                    sys.config_size() as u128,
                    declared_size(&blob, ROOT_CELL_OFFSET, 488 - 132 + 132)
                );
            }
        } else if let Ok(cell) = CellConfig::parse(&blob) {
            check_cell_views(&blob, &cell);
            prop_assert_eq!(cell.config_size() as u128, declared_size(&blob, 0, 132));
        }
    }

    /// With a valid header and arbitrary counts, a parse succeeds exactly
    /// when the declared size fits the buffer.
    #[test]
    fn accepts_exactly_when_the_declared_size_fits(
        counts in prop::array::uniform8(count()),
        system in any::<bool>(),
        extra in 0usize..600,
    ) {
        let (mut blob, desc_offset, fixed) = if system {
            let d = SystemDesc {
                signature: *b"JHSYST",
                revision: CONFIG_REVISION,
                ..Default::default()
            };
            (zerocopy::IntoBytes::as_bytes(&d).to_vec(), ROOT_CELL_OFFSET, 488u128)
        } else {
            let d = CellDesc {
                signature: *b"JHCELL",
                revision: CONFIG_REVISION,
                ..Default::default()
            };
            (zerocopy::IntoBytes::as_bytes(&d).to_vec(), 0, 132u128)
        };
        for (i, c) in counts.iter().enumerate() {
            let at = desc_offset + 48 + 4 * i;
            blob[at..at + 4].copy_from_slice(&c.to_le_bytes());
        }
        blob.resize(blob.len() + extra, 0xee);
        let declared = declared_size(&blob, desc_offset, fixed);
        let fits = declared <= blob.len() as u128;
        if system {
            let result = SystemConfig::parse(&blob);
            prop_assert_eq!(result.is_ok(), fits, "{:?}", result.err());
            if let Ok(sys) = result {
                prop_assert_eq!(sys.config_size() as u128, declared);
                prop_assert_eq!(sys.desc().config_size().map(|s| s as u128), Some(declared));
            }
        } else {
            let result = CellConfig::parse(&blob);
            prop_assert_eq!(result.is_ok(), fits, "{:?}", result.err());
            if let Ok(cell) = result {
                prop_assert_eq!(cell.config_size() as u128, declared);
                prop_assert_eq!(cell.desc().config_size().map(|s| s as u128), Some(declared));
            }
        }
    }
}
