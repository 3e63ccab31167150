// SPDX-License-Identifier: GPL-2.0-only

//! The page pool: a bitmap allocator of 4 KiB pages.
//!
//! The hypervisor has no heap. Page tables, per-cell state and temporary
//! mappings come from a fixed range of pages behind the image, handed out
//! and returned here. This module owns only the bookkeeping (which page
//! index is used); it never touches the pages themselves, so it runs
//! unchanged on the host. Callers hold the pool's lock.

use core::fmt;

/// Bits per bitmap word.
const WORD_BITS: usize = u64::BITS as usize;

/// Why an allocation or release failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolError {
    /// No run of free pages of the requested size and alignment is left.
    OutOfPages {
        /// Pages requested.
        requested: usize,
    },
    /// A zero-page request, or an alignment that is not a power of two.
    InvalidRequest,
    /// Released pages that lie outside the pool or were not allocated.
    NotAllocated {
        /// First page index of the release.
        first: usize,
        /// Pages in the release.
        count: usize,
    },
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::OutOfPages { requested } => {
                write!(f, "page pool exhausted ({requested} pages requested)")
            }
            Self::InvalidRequest => write!(f, "invalid page pool request"),
            Self::NotAllocated { first, count } => {
                write!(f, "pages {first}..{} are not allocated", first + count)
            }
        }
    }
}

/// A bitmap page allocator over `pages` pages, with the bitmap in memory
/// the caller provides (one bit per page, set = used).
#[derive(Debug)]
pub struct PagePool<'a> {
    bitmap: &'a mut [u64],
    pages: usize,
    used: usize,
}

impl<'a> PagePool<'a> {
    /// Number of bitmap words needed to manage `pages` pages.
    pub const fn bitmap_words(pages: usize) -> usize {
        pages.div_ceil(WORD_BITS)
    }

    /// Create a pool of `pages` free pages. Returns `None` if `bitmap` is
    /// too small for them.
    pub fn new(bitmap: &'a mut [u64], pages: usize) -> Option<Self> {
        if bitmap.len() < Self::bitmap_words(pages) {
            return None;
        }
        bitmap.fill(0);
        Some(Self {
            bitmap,
            pages,
            used: 0,
        })
    }

    /// Pages managed by the pool.
    pub fn size(&self) -> usize {
        self.pages
    }

    /// Pages currently allocated.
    pub fn used(&self) -> usize {
        self.used
    }

    fn is_used(&self, page: usize) -> bool {
        self.bitmap[page / WORD_BITS] & (1 << (page % WORD_BITS)) != 0
    }

    fn set(&mut self, first: usize, count: usize, used: bool) {
        for page in first..first + count {
            let word = &mut self.bitmap[page / WORD_BITS];
            let bit = 1u64 << (page % WORD_BITS);
            if used {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    }

    /// Allocate `count` contiguous pages whose first index is a multiple of
    /// `align` (in pages, a power of two). Returns the first page index.
    pub fn alloc(&mut self, count: usize, align: usize) -> Result<usize, PoolError> {
        self.alloc_at(count, align, 0)
    }

    /// Like [`alloc`](Self::alloc), but the alignment applies to
    /// `base + first`: for pools whose page 0 is not aligned itself (the
    /// pool starts behind an image of any page count, while translation
    /// tables need physical alignment). `base` is page 0's page number.
    pub fn alloc_at(
        &mut self,
        count: usize,
        align: usize,
        base: usize,
    ) -> Result<usize, PoolError> {
        if count == 0 || !align.is_power_of_two() {
            return Err(PoolError::InvalidRequest);
        }
        let skew = base % align;
        let mut first: usize = (align - skew) % align;
        while first
            .checked_add(count)
            .is_some_and(|end| end <= self.pages)
        {
            match (first..first + count).find(|&p| self.is_used(p)) {
                None => {
                    self.set(first, count, true);
                    self.used += count;
                    return Ok(first);
                }
                // Skip past the used page, keeping the alignment.
                Some(busy) => first = (busy + 1 + skew).next_multiple_of(align) - skew,
            }
        }
        Err(PoolError::OutOfPages { requested: count })
    }

    /// Release `count` pages starting at page index `first`. Every page
    /// must currently be allocated; otherwise nothing changes.
    pub fn free(&mut self, first: usize, count: usize) -> Result<(), PoolError> {
        let err = PoolError::NotAllocated { first, count };
        let end = first.checked_add(count).ok_or(err)?;
        if count == 0 || end > self.pages || !(first..end).all(|p| self.is_used(p)) {
            return Err(err);
        }
        self.set(first, count, false);
        self.used -= count;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_pool(pages: usize, test: impl FnOnce(&mut PagePool<'_>)) {
        let mut bitmap = vec![u64::MAX; PagePool::bitmap_words(pages)];
        let mut pool = PagePool::new(&mut bitmap, pages).expect("bitmap sized for pool");
        test(&mut pool);
    }

    #[test]
    fn allocates_lowest_free_pages_first() {
        with_pool(10, |pool| {
            assert_eq!(pool.alloc(1, 1), Ok(0));
            assert_eq!(pool.alloc(2, 1), Ok(1));
            assert_eq!(pool.used(), 3);
            assert_eq!(pool.size(), 10);
        });
    }

    #[test]
    fn honours_alignment() {
        with_pool(64, |pool| {
            assert_eq!(pool.alloc(1, 1), Ok(0));
            assert_eq!(pool.alloc(4, 8), Ok(8));
            assert_eq!(pool.alloc(1, 1), Ok(1));
            assert_eq!(pool.alloc(16, 16), Ok(16));
        });
    }

    #[test]
    fn alignment_relative_to_a_base() {
        with_pool(64, |pool| {
            // Page 0 is page number 0x80005 physically: 2-page alignment
            // means odd pool indexes.
            assert_eq!(pool.alloc_at(2, 2, 0x80005), Ok(1));
            assert_eq!(pool.alloc_at(2, 2, 0x80005), Ok(3));
            assert_eq!(pool.alloc(1, 1), Ok(0));
            assert_eq!(pool.alloc_at(4, 8, 0x80005), Ok(11));
            assert_eq!(pool.alloc_at(1, 1, 0x80005), Ok(5));
        });
    }

    #[test]
    fn exhaustion_and_reuse() {
        with_pool(130, |pool| {
            assert_eq!(pool.alloc(130, 1), Ok(0));
            assert_eq!(
                pool.alloc(1, 1),
                Err(PoolError::OutOfPages { requested: 1 })
            );
            assert_eq!(pool.free(64, 2), Ok(()));
            assert_eq!(
                pool.alloc(3, 1),
                Err(PoolError::OutOfPages { requested: 3 })
            );
            assert_eq!(pool.alloc(2, 1), Ok(64));
            assert_eq!(pool.used(), 130);
        });
    }

    #[test]
    fn rejects_bad_requests_and_double_free() {
        with_pool(8, |pool| {
            assert_eq!(pool.alloc(0, 1), Err(PoolError::InvalidRequest));
            assert_eq!(pool.alloc(1, 3), Err(PoolError::InvalidRequest));
            assert_eq!(
                pool.alloc(9, 1),
                Err(PoolError::OutOfPages { requested: 9 })
            );
            let first = pool.alloc(2, 1).expect("pool has room");
            assert_eq!(
                pool.free(first, 3),
                Err(PoolError::NotAllocated { first, count: 3 })
            );
            assert_eq!(pool.used(), 2, "a failed free changes nothing");
            assert_eq!(pool.free(first, 2), Ok(()));
            assert_eq!(
                pool.free(first, 2),
                Err(PoolError::NotAllocated { first, count: 2 })
            );
            assert!(pool.free(usize::MAX, 2).is_err());
            assert_eq!(pool.used(), 0);
        });
    }

    #[test]
    fn bitmap_too_small() {
        let mut bitmap = [0u64; 1];
        assert!(PagePool::new(&mut bitmap, 65).is_none());
        assert!(PagePool::new(&mut bitmap, 64).is_some());
    }

    #[test]
    fn alloc_free_cycles_return_to_baseline() {
        with_pool(256, |pool| {
            let base = pool.alloc(5, 1).expect("room");
            for round in 0..1000 {
                let a = pool.alloc(1 + round % 7, 1 << (round % 4)).expect("room");
                let b = pool.alloc(3, 1).expect("room");
                pool.free(a, 1 + round % 7).expect("allocated");
                pool.free(b, 3).expect("allocated");
                assert_eq!(pool.used(), 5);
            }
            pool.free(base, 5).expect("allocated");
            assert_eq!(pool.used(), 0);
        });
    }
}
