// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The cell's console: which UART to use, decided from the console
//! description the hypervisor copies into the communication region, and
//! the byte output for PL011 and 8250-style UARTs.
//!
//! Startup selects the console once ([`Console::from_comm_region`]) after
//! mapping its block; until then, and when the region names no usable
//! UART, output goes nowhere (touching a guessed UART address could fail
//! the cell).

use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

use jailhouse_abi::comm_region::CommRegion;
use jailhouse_abi::config::{Console as ConsoleDesc, ConsoleFlags, ConsoleType};

/// A UART the inmate can print on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// Arm PL011 at this base address.
    Pl011 { base: usize },
    /// 8250/16550 with registers `stride` bytes apart (1 or 4).
    Uart8250 { base: usize, stride: usize },
    /// Nowhere to print.
    Silent,
}

// The selected console, in three words: written once by startup before
// the program (and any interrupt handler) runs, read by every print. The
// Release store of the base publishes kind and stride with it.
const KIND_SILENT: usize = 0;
const KIND_PL011: usize = 1;
const KIND_8250: usize = 2;
static SELECTED_KIND: AtomicUsize = AtomicUsize::new(KIND_SILENT);
static SELECTED_BASE: AtomicUsize = AtomicUsize::new(0);
static SELECTED_STRIDE: AtomicUsize = AtomicUsize::new(0);

const PL011_DR: usize = 0x00;
const PL011_FR: usize = 0x18;
const PL011_FR_TXFF: u32 = 1 << 5;
const UART8250_THR: usize = 0;
const UART8250_LSR: usize = 5;
const UART8250_LSR_THRE: u32 = 1 << 5;

impl Console {
    /// The console a communication region describes; `None` when the region
    /// is not valid (no "JHCOMM" signature).
    pub fn from_comm_region(comm: &CommRegion) -> Option<Self> {
        if !comm.is_valid() {
            return None;
        }
        Some(Self::from_desc(&comm.console))
    }

    /// The console a cell-config console entry describes. Only memory-mapped
    /// PL011 and 8250 UARTs can be driven; anything else stays silent.
    pub fn from_desc(desc: &ConsoleDesc) -> Self {
        let flags = desc.console_flags();
        let Ok(base) = usize::try_from(desc.address) else {
            return Self::Silent;
        };
        if !flags.contains(ConsoleFlags::ACCESS_MMIO) || base == 0 {
            return Self::Silent;
        }
        match desc.console_type() {
            Ok(ConsoleType::Pl011) => Self::Pl011 { base },
            Ok(ConsoleType::Uart8250) => Self::Uart8250 {
                base,
                stride: if flags.contains(ConsoleFlags::REGDIST_4) {
                    4
                } else {
                    1
                },
            },
            _ => Self::Silent,
        }
    }

    /// The console of this cell, as startup selected it.
    pub fn get() -> Self {
        let base = SELECTED_BASE.load(Ordering::Acquire);
        match SELECTED_KIND.load(Ordering::Relaxed) {
            KIND_PL011 => Self::Pl011 { base },
            KIND_8250 => Self::Uart8250 {
                base,
                stride: SELECTED_STRIDE.load(Ordering::Relaxed),
            },
            _ => Self::Silent,
        }
    }

    /// Make `self` the console [`Console::get`] returns (and `println!`
    /// prints on). Startup selects the communication region's console.
    ///
    /// # Safety
    /// The UART's registers must be mapped device memory
    /// ([`crate::mmu`]), and writing them must not disturb anything but
    /// the UART.
    pub unsafe fn select(self) {
        let (kind, base, stride) = match self {
            Self::Pl011 { base } => (KIND_PL011, base, 0),
            Self::Uart8250 { base, stride } => (KIND_8250, base, stride),
            Self::Silent => (KIND_SILENT, 0, 0),
        };
        SELECTED_KIND.store(kind, Ordering::Relaxed);
        SELECTED_STRIDE.store(stride, Ordering::Relaxed);
        SELECTED_BASE.store(base, Ordering::Release);
    }

    /// Send one byte, waiting for room in the transmitter.
    pub fn putc(&self, byte: u8) {
        match *self {
            Self::Pl011 { base } => {
                // SAFETY: `base` is the cell's console UART (from its
                // config, mapped by startup); FR and DR are PL011 registers.
                while unsafe { read_reg(base + PL011_FR) } & PL011_FR_TXFF != 0 {
                    relax();
                }
                // SAFETY: as above.
                unsafe { write_reg(base + PL011_DR, u32::from(byte)) };
            }
            Self::Uart8250 { base, stride } => {
                // SAFETY: `base` is the cell's console UART (mapped by
                // startup); LSR and THR are 8250 registers at `stride`
                // spacing.
                while unsafe { read_reg(base + UART8250_LSR * stride) } & UART8250_LSR_THRE == 0 {
                    relax();
                }
                // SAFETY: as above.
                unsafe { write_reg(base + UART8250_THR * stride, u32::from(byte)) };
            }
            Self::Silent => {}
        }
    }
}

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for byte in s.bytes() {
            if byte == b'\n' {
                self.putc(b'\r');
            }
            self.putc(byte);
        }
        Ok(())
    }
}

/// # Safety
/// `addr` must be a mapped register of a UART the cell owns.
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
unsafe fn read_reg(addr: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { crate::arch::mmio_read32(addr) }
}

/// # Safety
/// `addr` must be a mapped register of a UART the cell owns.
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
unsafe fn write_reg(addr: usize, value: u32) {
    // SAFETY: forwarded from the caller.
    unsafe { crate::arch::mmio_write32(addr, value) }
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
fn relax() {
    crate::arch::cpu_relax();
}

// Off target there are no UARTs; nothing selects a console there, so
// `Console::get` returns `Silent` and these are never reached with a real
// device address.
#[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
unsafe fn read_reg(_addr: usize) -> u32 {
    0
}

#[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
unsafe fn write_reg(_addr: usize, _value: u32) {}

#[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
fn relax() {
    core::hint::spin_loop();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(kind: u16, address: u64, flags: u16) -> ConsoleDesc {
        ConsoleDesc {
            address,
            size: 0x1000,
            kind,
            flags,
            ..Default::default()
        }
    }

    #[test]
    fn pl011_and_8250_from_config() {
        assert_eq!(
            Console::from_desc(&desc(3, 0x0900_0000, 0x3)),
            Console::Pl011 { base: 0x0900_0000 }
        );
        assert_eq!(
            Console::from_desc(&desc(2, 0xfe21_5040, 0x3)),
            Console::Uart8250 {
                base: 0xfe21_5040,
                stride: 4
            }
        );
        assert_eq!(
            Console::from_desc(&desc(2, 0x1000, 0x1)),
            Console::Uart8250 {
                base: 0x1000,
                stride: 1
            }
        );
    }

    #[test]
    fn unusable_consoles_are_silent() {
        assert_eq!(
            Console::from_desc(&desc(3, 0x0900_0000, 0x0)),
            Console::Silent,
            "PIO"
        );
        assert_eq!(
            Console::from_desc(&desc(0, 0x0900_0000, 0x1)),
            Console::Silent,
            "none"
        );
        assert_eq!(
            Console::from_desc(&desc(1, 0x0900_0000, 0x1)),
            Console::Silent,
            "efifb"
        );
        assert_eq!(
            Console::from_desc(&desc(0x77, 0x0900_0000, 0x1)),
            Console::Silent
        );
        assert_eq!(Console::from_desc(&desc(3, 0, 0x1)), Console::Silent);
    }

    #[test]
    fn selected_console() {
        assert_eq!(Console::get(), Console::Silent);
        let uart = Console::Uart8250 {
            base: 0xfe21_5040,
            stride: 4,
        };
        // SAFETY: on the host the register accessors do nothing.
        unsafe { uart.select() };
        assert_eq!(Console::get(), uart);
        // SAFETY: as above.
        unsafe { Console::Silent.select() };
        assert_eq!(Console::get(), Console::Silent);
    }

    #[test]
    fn comm_region_signature_decides() {
        let mut comm = CommRegion {
            console: desc(3, 0x0900_0000, 0x3),
            ..Default::default()
        };
        assert_eq!(Console::from_comm_region(&comm), None);
        comm.signature = *b"JHCOMM";
        comm.revision = 2;
        assert_eq!(
            Console::from_comm_region(&comm),
            Some(Console::Pl011 { base: 0x0900_0000 })
        );
    }
}
