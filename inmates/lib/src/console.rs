// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The cell's console: which UART to use, decided from the console
//! description the hypervisor copies into the communication region, and
//! the byte output for PL011 and 8250-style UARTs.

use core::fmt;

use jailhouse_abi::comm_region::CommRegion;
use jailhouse_abi::config::{Console as ConsoleDesc, ConsoleFlags, ConsoleType};

/// QEMU `virt`'s PL011, used when no communication region describes a
/// console (e.g. an inmate booted directly by QEMU).
pub const DEFAULT_PL011: usize = 0x0900_0000;

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

    /// The console of this cell.
    #[cfg(all(target_arch = "aarch64", target_os = "none"))]
    pub fn get() -> Self {
        // SAFETY: every cell config of an inmate maps its communication
        // region at COMM_REGION_BASE (a page the hypervisor owns and keeps
        // mapped while the cell runs); the struct has alignment 1 and no
        // invalid bit patterns. Volatile, because the hypervisor writes it.
        let comm =
            unsafe { core::ptr::read_volatile(crate::COMM_REGION_BASE as *const CommRegion) };
        Self::from_comm_region(&comm).unwrap_or(Self::Pl011 {
            base: DEFAULT_PL011,
        })
    }

    /// On the host there is no UART.
    #[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
    pub fn get() -> Self {
        Self::Silent
    }

    /// Send one byte, waiting for room in the transmitter.
    pub fn putc(&self, byte: u8) {
        match *self {
            Self::Pl011 { base } => {
                // SAFETY: `base` is the cell's console UART (from its
                // config); FR and DR are PL011 registers.
                while unsafe { read_reg(base + PL011_FR) } & PL011_FR_TXFF != 0 {
                    core::hint::spin_loop();
                }
                // SAFETY: as above.
                unsafe { write_reg(base + PL011_DR, u32::from(byte)) };
            }
            Self::Uart8250 { base, stride } => {
                // SAFETY: `base` is the cell's console UART; LSR and THR
                // are 8250 registers at `stride` spacing.
                while unsafe { read_reg(base + UART8250_LSR * stride) } & UART8250_LSR_THRE == 0 {
                    core::hint::spin_loop();
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
/// `addr` must be a register of a UART the cell owns.
#[cfg(target_arch = "aarch64")]
unsafe fn read_reg(addr: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { crate::arch::mmio_read32(addr) }
}

/// # Safety
/// `addr` must be a register of a UART the cell owns.
#[cfg(target_arch = "aarch64")]
unsafe fn write_reg(addr: usize, value: u32) {
    // SAFETY: forwarded from the caller.
    unsafe { crate::arch::mmio_write32(addr, value) }
}

// Off target there are no UARTs; `Console::get` only returns `Silent`
// there, so these are never reached with a real device address.
#[cfg(not(target_arch = "aarch64"))]
unsafe fn read_reg(_addr: usize) -> u32 {
    0
}

#[cfg(not(target_arch = "aarch64"))]
unsafe fn write_reg(_addr: usize, _value: u32) {}

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
