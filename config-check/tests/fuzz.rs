// SPDX-License-Identifier: GPL-2.0-only

//! Property tests over mutated valid configs: the checks never panic on
//! anything the parser accepts (integer overflow included: tests build
//! with overflow checks), every finding can be displayed, and whatever
//! passes without an error really has the properties the hypervisor relies
//! on, re-derived here independently of the crate.

mod common;

use common::{demo_cell, inmate, qemu_system, shipped_cell, SHIPPED};
use jailhouse_abi::config::{CellConfig, ConfigKind, MemFlags, MemoryRegion, SystemConfig};
use jailhouse_config_check::{check_all, check_cell, check_cells_together, check_system, Finding};
use proptest::prelude::*;

/// One change to a config blob.
#[derive(Debug, Clone)]
enum Mutation {
    Byte(usize, u8),
    U32(usize, u32),
    U64(usize, u64),
    Truncate(usize),
}

fn interesting_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        Just(0),
        Just(u64::MAX),
        Just(u64::MAX - 0xfff),
        (0u64..0x10_0000).prop_map(|page| page * 0x1000),
        (0u64..64).prop_map(|bit| 1 << bit),
        (0x8000_0000u64..0x8200_0000),
    ]
}

fn interesting_u32() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        Just(0),
        Just(u32::MAX),
        (0u32..64),
        (0u32..40).prop_map(|n| n * 32),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Byte(at, b)),
        3 => (any::<usize>(), interesting_u32()).prop_map(|(at, v)| Mutation::U32(at, v)),
        3 => (any::<usize>(), interesting_u64()).prop_map(|(at, v)| Mutation::U64(at, v)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn write_at(blob: &mut [u8], at: usize, bytes: &[u8]) {
    if blob.len() >= bytes.len() {
        let at = at % (blob.len() - bytes.len() + 1);
        blob[at..at + bytes.len()].copy_from_slice(bytes);
    }
}

fn mutate(mut blob: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        match *m {
            Mutation::Byte(at, b) => write_at(&mut blob, at, &[b]),
            Mutation::U32(at, v) => write_at(&mut blob, at, &v.to_le_bytes()),
            Mutation::U64(at, v) => write_at(&mut blob, at, &v.to_le_bytes()),
            Mutation::Truncate(len) => {
                let len = len % (blob.len() + 1);
                blob.truncate(len);
            }
        }
    }
    blob
}

/// Valid config blobs to start from: (system configs, cell configs).
type Bases = (Vec<Vec<u8>>, Vec<Vec<u8>>);

/// Valid configs to start from: the shipped ones and the Rust-built
/// twins, split by kind.
fn bases() -> Bases {
    let mut systems = vec![qemu_system().blob()];
    let mut cells = vec![
        inmate().blob(),
        demo_cell(b"other", 0b100, 0x8300_0000).blob(),
    ];
    for stem in SHIPPED {
        let blob = shipped_cell(stem).to_vec();
        match ConfigKind::detect(&blob) {
            Some(ConfigKind::System) => systems.push(blob),
            _ => cells.push(blob),
        }
    }
    (systems, cells)
}

fn base_blobs() -> &'static Bases {
    static BASES: std::sync::OnceLock<Bases> = std::sync::OnceLock::new();
    BASES.get_or_init(bases)
}

/// A system blob and up to three cell blobs, each possibly mutated.
fn configs() -> impl Strategy<Value = (Vec<u8>, Vec<Vec<u8>>)> {
    let (systems, cells) = base_blobs();
    let system = (0..systems.len(), prop::collection::vec(mutation(), 0..6))
        .prop_map(|(i, m)| mutate(base_blobs().0[i].clone(), &m));
    let cell = (0..cells.len(), prop::collection::vec(mutation(), 0..6))
        .prop_map(|(i, m)| mutate(base_blobs().1[i].clone(), &m));
    (system, prop::collection::vec(cell, 0..4))
}

fn collect<'a>(run: impl FnOnce(&mut dyn FnMut(Finding<'a>))) -> Vec<Finding<'a>> {
    let mut found = Vec::new();
    run(&mut |f| found.push(f));
    found
}

fn no_errors(found: &[Finding<'_>]) -> bool {
    found.iter().all(|f| !f.is_error())
}

fn span(start: u64, size: u64) -> (u128, u128) {
    (u128::from(start), u128::from(start) + u128::from(size))
}

fn overlap(a: (u128, u128), b: (u128, u128)) -> bool {
    a.0 < a.1 && b.0 < b.1 && a.0 < b.1 && b.0 < a.1
}

fn is_comm(r: &MemoryRegion) -> bool {
    r.mem_flags().contains(MemFlags::COMM_REGION)
}

/// Whether `[start, end)` is covered by the physical ranges of `regions`,
/// byte-exact on the region boundaries (independent of the crate's own
/// coverage walk).
fn covered(start: u128, end: u128, regions: &[MemoryRegion]) -> bool {
    let mut points: Vec<u128> = vec![start, end];
    for r in regions.iter().filter(|r| !is_comm(r)) {
        let (s, e) = span(r.phys_start, r.size);
        points.extend([s, e].into_iter().filter(|p| (start..end).contains(p)));
    }
    points.sort_unstable();
    points.windows(2).all(|w| {
        w[0] == w[1]
            || regions.iter().filter(|r| !is_comm(r)).any(|r| {
                let (s, e) = span(r.phys_start, r.size);
                s <= w[0] && w[0] < e && e <= 1 << 64
            })
    })
}

/// What an accepted non-root cell must satisfy.
fn assert_cell_sane(sys: &SystemConfig<'_>, cell: &CellConfig<'_>) {
    assert!(!cell.cpus().is_empty());
    for cpu in cell.cpus() {
        assert!(sys.cpus().contains(cpu), "CPU {cpu} not in the root cell");
    }
    let hv = sys.hypervisor_memory();
    let hv = span(hv.phys_start, hv.size);
    let regions: Vec<&MemoryRegion> = cell
        .memory_regions()
        .iter()
        .filter(|r| r.size != 0)
        .collect();
    assert_eq!(
        cell.memory_regions().iter().filter(|r| is_comm(r)).count(),
        1,
        "exactly one comm region"
    );
    for (i, a) in regions.iter().enumerate() {
        let guest_a = span(a.virt_start, a.size);
        assert!(guest_a.1 <= 1 << 64);
        if !a.is_subpage() {
            assert_eq!(a.virt_start % 0x1000, 0);
            assert!(is_comm(a) || a.phys_start % 0x1000 == 0);
        } else {
            assert!(a.mem_flags().contains(MemFlags::IO));
        }
        if !is_comm(a) {
            let phys_a = span(a.phys_start, a.size);
            assert!(phys_a.1 <= 1 << 64);
            assert!(!overlap(phys_a, hv), "region {i} overlaps the hypervisor");
            assert!(
                covered(phys_a.0, phys_a.1, sys.memory_regions()),
                "region {i} outside the root cell"
            );
        }
        for b in regions.iter().skip(i + 1) {
            assert!(
                !overlap(guest_a, span(b.virt_start, b.size)),
                "guest overlap accepted"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]

    /// No panic, every finding displays, and `check_all` is the sum of
    /// its parts.
    #[test]
    fn checks_never_panic((system, cells) in configs()) {
        let Ok(sys) = SystemConfig::parse(&system) else {
            return Ok(());
        };
        let parsed: Vec<CellConfig<'_>> =
            cells.iter().filter_map(|c| CellConfig::parse(c).ok()).collect();

        let all = collect(|sink| check_all(&sys, &parsed, &mut |f| sink(f)));
        let mut parts = collect(|sink| check_system(&sys, &mut |f| sink(f)));
        for cell in &parsed {
            parts.extend(collect(|sink| check_cell(&sys, cell, &mut |f| sink(f))));
        }
        parts.extend(collect(|sink| check_cells_together(&sys, &parsed, &mut |f| sink(f))));
        prop_assert_eq!(&all, &parts);

        for f in &all {
            let text = f.to_string();
            prop_assert!(text.starts_with("error: ") || text.starts_with("warning: "));
            prop_assert_eq!(f.severity, f.kind.severity());
        }
    }

    /// Accepted configs have the properties the hypervisor builds on.
    #[test]
    fn accepted_cells_are_sane((system, cells) in configs()) {
        let Ok(sys) = SystemConfig::parse(&system) else {
            return Ok(());
        };
        if !no_errors(&collect(|sink| check_system(&sys, &mut |f| sink(f)))) {
            return Ok(());
        }
        let parsed: Vec<CellConfig<'_>> =
            cells.iter().filter_map(|c| CellConfig::parse(c).ok()).collect();
        let mut accepted = Vec::new();
        for cell in &parsed {
            if no_errors(&collect(|sink| check_cell(&sys, cell, &mut |f| sink(f)))) {
                assert_cell_sane(&sys, cell);
                accepted.push(*cell);
            }
        }
        if no_errors(&collect(|sink| check_cells_together(&sys, &accepted, &mut |f| sink(f)))) {
            for (i, a) in accepted.iter().enumerate() {
                for b in accepted.iter().skip(i + 1) {
                    prop_assert!(a.cpus().iter().all(|cpu| !b.cpus().contains(cpu)));
                    prop_assert_ne!(a.name(), b.name());
                }
            }
        }
    }
}

/// The mutation engine really reaches accepted configs (otherwise the
/// property above would be vacuous).
#[test]
fn unmutated_bases_are_accepted() {
    let (systems, cells) = base_blobs();
    let sys = SystemConfig::parse(&systems[0]).expect("base parses");
    for blob in cells.iter().take(2) {
        let cell = CellConfig::parse(blob).expect("base parses");
        assert!(no_errors(&collect(|sink| check_cell(
            &sys,
            &cell,
            &mut |f| sink(f)
        ))));
        assert_cell_sane(&sys, &cell);
    }
}
