// SPDX-License-Identifier: GPL-2.0-only

//! Address-range arithmetic for the checks: overlap, containment and
//! coverage by a set of regions, in 128-bit arithmetic so that no
//! combination of 64-bit starts and sizes can overflow.
//!
//! It knows nothing about cells or findings.

use jailhouse_abi::config::{MemFlags, MemoryRegion};

use crate::finding::PAGE_SIZE;

/// A half-open range `[start, end)` of 64-bit addresses; `end` may be
/// 2^64 or beyond for a range that wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub(crate) start: u128,
    pub(crate) end: u128,
}

impl Range {
    pub(crate) fn new(start: u64, size: u64) -> Self {
        Range {
            start: u128::from(start),
            end: u128::from(start) + u128::from(size),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether the range ends beyond the 64-bit address space.
    pub(crate) fn wraps(&self) -> bool {
        self.end > 1u128 << 64
    }

    pub(crate) fn overlaps(&self, other: &Range) -> bool {
        !self.is_empty() && !other.is_empty() && self.start < other.end && other.start < self.end
    }

    pub(crate) fn contains(&self, addr: u128) -> bool {
        self.start <= addr && addr < self.end
    }
}

/// The host physical range of a region.
pub(crate) fn phys(region: &MemoryRegion) -> Range {
    Range::new(region.phys_start, region.size)
}

/// The guest physical range of a region.
pub(crate) fn guest(region: &MemoryRegion) -> Range {
    Range::new(region.virt_start, region.size)
}

/// An entry of all zeroes: the unused slot `JAILHOUSE_SHMEM_NET_REGIONS`
/// leaves in its four-region group. It maps nothing and is accepted.
pub(crate) fn is_unused_slot(region: &MemoryRegion) -> bool {
    *region == MemoryRegion::default()
}

pub(crate) fn is_comm(region: &MemoryRegion) -> bool {
    region.mem_flags().contains(MemFlags::COMM_REGION)
}

/// Whether a region maps anything at all and has ranges the overlap
/// checks can reason about (a wrapping region is reported on its own).
pub(crate) fn is_mappable(region: &MemoryRegion) -> bool {
    region.size != 0 && !phys(region).wraps() && !guest(region).wraps()
}

/// Whether a region takes part in physical-memory checks: it maps
/// something, and its `phys_start` means something (a comm region's does
/// not).
pub(crate) fn has_phys(region: &MemoryRegion) -> bool {
    is_mappable(region) && !is_comm(region)
}

pub(crate) fn is_page_aligned(value: u64) -> bool {
    value % PAGE_SIZE == 0
}

/// Whether `range` is covered by the physical ranges of `regions`
/// together (they may be adjacent or overlapping). Regions without a
/// physical meaning are ignored.
pub(crate) fn covered_by(range: Range, regions: &[MemoryRegion]) -> bool {
    let mut pos = range.start;
    'next: while pos < range.end {
        for region in regions.iter().filter(|r| has_phys(r)) {
            let r = phys(region);
            if r.contains(pos) {
                // Strictly increases pos, so the loop ends.
                pos = r.end;
                continue 'next;
            }
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{covered_by, Range};
    use jailhouse_abi::config::{MemFlags, MemoryRegion};

    fn region(phys_start: u64, size: u64) -> MemoryRegion {
        MemoryRegion {
            phys_start,
            virt_start: phys_start,
            size,
            flags: MemFlags::READ.bits(),
        }
    }

    #[test]
    fn ranges() {
        let a = Range::new(0x1000, 0x1000);
        assert!(a.overlaps(&Range::new(0x1fff, 1)));
        assert!(!a.overlaps(&Range::new(0x2000, 1)));
        assert!(!a.overlaps(&Range::new(0x1800, 0)));
        assert!(Range::new(u64::MAX, 2).wraps());
        assert!(!Range::new(u64::MAX, 1).wraps());
    }

    #[test]
    fn coverage_by_adjacent_regions() {
        let root = [region(0x3000, 0x1000), region(0x1000, 0x2000)];
        assert!(covered_by(Range::new(0x1000, 0x3000), &root));
        assert!(covered_by(Range::new(0x2800, 0x1000), &root));
        assert!(!covered_by(Range::new(0x1000, 0x3001), &root));
        assert!(!covered_by(Range::new(0x800, 0x1000), &root));
        assert!(covered_by(Range::new(0x1234, 0), &root));
    }
}
