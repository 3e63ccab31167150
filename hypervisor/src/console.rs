// SPDX-License-Identifier: GPL-2.0-only

//! The hypervisor's debug console: the UART named by the system config
//! (a PL011, or an 8250/16550 such as the Raspberry Pi 4's mini-UART) and
//! the virtual console ring in the image's console page, which the root
//! cell reads through the driver.
//!
//! This module owns output formatting details (CR/LF, ring protocol). It
//! does not decide where the UART is mapped; the init code hands it a
//! virtual address.

use core::fmt;
use core::sync::atomic::{fence, AtomicU32, Ordering};

use jailhouse_abi::header::VIRT_CONSOLE_SIZE;

use crate::sync::SpinLock;

/// PL011 data register.
const PL011_DR: usize = 0x00;
/// PL011 flag register.
const PL011_FR: usize = 0x18;
/// FR: transmit FIFO full.
const PL011_FR_TXFF: u32 = 1 << 5;
/// 8250 transmit holding register and line status register (register
/// numbers; their distance comes from the config).
const UART8250_THR: usize = 0;
const UART8250_LSR: usize = 5;
/// LSR: the transmit holding register is empty.
const UART8250_LSR_THRE: u32 = 1 << 5;

/// A UART the console can drive, at an EL2 virtual address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uart {
    /// Arm PL011.
    Pl011(usize),
    /// 8250/16550: registers 4 bytes apart and accessed 32 bits wide
    /// (`regdist_4`), or 1 byte apart and accessed 8 bits wide.
    Ns8250 { base: usize, regdist_4: bool },
}

impl Uart {
    /// Wait until the UART takes a byte, then send it.
    fn put(self, byte: u8) {
        match self {
            Uart::Pl011(base) => {
                let fr = (base + PL011_FR) as *const u32;
                let dr = (base + PL011_DR) as *mut u32;
                // SAFETY: `base` is the mapped PL011 (contract of
                // `init`); FR and DR are 32-bit registers inside its page.
                while unsafe { fr.read_volatile() } & PL011_FR_TXFF != 0 {
                    core::hint::spin_loop();
                }
                // SAFETY: as above.
                unsafe { dr.write_volatile(u32::from(byte)) };
            }
            Uart::Ns8250 { base, regdist_4 } => {
                let reg = |n: usize| base + if regdist_4 { 4 * n } else { n };
                let lsr = || {
                    if regdist_4 {
                        // SAFETY: `base` is the mapped 8250 (contract of
                        // `init`), LSR one of its registers.
                        unsafe { (reg(UART8250_LSR) as *const u32).read_volatile() }
                    } else {
                        // SAFETY: as above, byte-wide registers.
                        u32::from(unsafe { (reg(UART8250_LSR) as *const u8).read_volatile() })
                    }
                };
                while lsr() & UART8250_LSR_THRE == 0 {
                    core::hint::spin_loop();
                }
                if regdist_4 {
                    // SAFETY: as above; THR is write-only data.
                    unsafe { (reg(UART8250_THR) as *mut u32).write_volatile(u32::from(byte)) };
                } else {
                    // SAFETY: as above.
                    unsafe { (reg(UART8250_THR) as *mut u8).write_volatile(byte) };
                }
            }
        }
    }
}

/// Append `byte` to a console ring whose writer has produced `tail` bytes
/// so far; returns the new tail. The ring keeps the newest
/// [`VIRT_CONSOLE_SIZE`] bytes.
pub fn ring_push(content: &mut [u8; VIRT_CONSOLE_SIZE], tail: u32, byte: u8) -> u32 {
    content[tail as usize % VIRT_CONSOLE_SIZE] = byte;
    tail.wrapping_add(1)
}

/// The virtual console page (`struct jailhouse_virt_console`).
#[repr(C)]
#[derive(Debug)]
pub struct VirtConsolePage {
    busy: AtomicU32,
    tail: AtomicU32,
    content: [u8; VIRT_CONSOLE_SIZE],
}

/// Where console output goes.
#[derive(Debug)]
pub struct Sinks {
    /// The UART, if one is mapped.
    uart: Option<Uart>,
    /// The virtual console page, if the system config enables it.
    ring: Option<*mut VirtConsolePage>,
}

// SAFETY: the raw pointers name device registers and the console page,
// which every CPU maps at the same address; access is serialised by the
// console lock.
unsafe impl Send for Sinks {}

impl Sinks {
    fn put_byte(&mut self, byte: u8) {
        if let Some(uart) = self.uart {
            uart.put(byte);
        }
        if let Some(page) = self.ring {
            // SAFETY: `page` is the console page (contract of `init`); the
            // console lock makes this CPU its only writer.
            let page = unsafe { &mut *page };
            // The protocol of header.h: busy is published before the
            // content changes, tail and then busy after it.
            page.busy.store(1, Ordering::Relaxed);
            fence(Ordering::Release);
            let tail = ring_push(&mut page.content, page.tail.load(Ordering::Relaxed), byte);
            page.tail.store(tail, Ordering::Release);
            page.busy.store(0, Ordering::Release);
        }
    }
}

impl fmt::Write for Sinks {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for byte in s.bytes() {
            if byte == b'\n' {
                self.put_byte(b'\r');
            }
            self.put_byte(byte);
        }
        Ok(())
    }
}

static CONSOLE: SpinLock<Sinks> = SpinLock::new(Sinks {
    uart: None,
    ring: None,
});

/// Direct output to `uart` (if any) and to the console page `ring` (if
/// any).
///
/// # Safety
/// `uart` must name the mapped registers of a UART of that kind and
/// `ring` the console page, both mapped at these addresses on every CPU
/// for as long as the hypervisor prints.
pub unsafe fn init(uart: Option<Uart>, ring: Option<*mut VirtConsolePage>) {
    let mut sinks = CONSOLE.lock();
    sinks.uart = uart;
    sinks.ring = ring;
}

/// Print formatted text; used by [`crate::println`].
pub fn print(args: fmt::Arguments<'_>) {
    let _ = fmt::Write::write_fmt(&mut *CONSOLE.lock(), args);
}

/// Print one raw byte (the `DEBUG_CONSOLE_PUTC` hypercall).
pub fn putc(byte: u8) {
    CONSOLE.lock().put_byte(byte);
}

/// Print a line on the hypervisor console.
#[macro_export]
macro_rules! println {
    () => { $crate::console::print(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::console::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_wraps_and_keeps_counting() {
        let mut content = [0u8; VIRT_CONSOLE_SIZE];
        let mut tail = 0;
        for i in 0..VIRT_CONSOLE_SIZE + 3 {
            tail = ring_push(&mut content, tail, i as u8);
        }
        assert_eq!(tail as usize, VIRT_CONSOLE_SIZE + 3);
        assert_eq!(&content[..3], &[0, 1, 2]);
        assert_eq!(content[3], 3);
        assert_eq!(ring_push(&mut content, u32::MAX, 7), 0);
        assert_eq!(content[u32::MAX as usize % VIRT_CONSOLE_SIZE], 7);
    }

    #[test]
    fn newlines_become_crlf_in_the_ring() {
        let mut page = VirtConsolePage {
            busy: AtomicU32::new(0),
            tail: AtomicU32::new(0),
            content: [0; VIRT_CONSOLE_SIZE],
        };
        let mut sinks = Sinks {
            uart: None,
            ring: Some(&raw mut page),
        };
        fmt::Write::write_str(&mut sinks, "a\nb").expect("infallible");
        assert_eq!(page.tail.load(Ordering::Relaxed), 4);
        assert_eq!(&page.content[..4], b"a\r\nb");
        assert_eq!(page.busy.load(Ordering::Relaxed), 0);
    }
}
