// SPDX-License-Identifier: GPL-2.0-only

//! The hypervisor's debug console: the UART named by the system config
//! (PL011 so far) and the virtual console ring in the image's console
//! page, which the root cell reads through the driver.
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
    /// EL2 virtual address of a PL011, if one is mapped.
    uart: Option<usize>,
    /// The virtual console page, if the system config enables it.
    ring: Option<*mut VirtConsolePage>,
}

// SAFETY: the raw pointers name device registers and the console page,
// which every CPU maps at the same address; access is serialised by the
// console lock.
unsafe impl Send for Sinks {}

impl Sinks {
    fn put_byte(&mut self, byte: u8) {
        if let Some(base) = self.uart {
            let fr = (base + PL011_FR) as *const u32;
            let dr = (base + PL011_DR) as *mut u32;
            // SAFETY: `base` is the mapped PL011 (contract of `init`); FR
            // and DR are 32-bit registers inside its page.
            while unsafe { fr.read_volatile() } & PL011_FR_TXFF != 0 {
                core::hint::spin_loop();
            }
            // SAFETY: as above.
            unsafe { dr.write_volatile(u32::from(byte)) };
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

/// Direct output to a PL011 at EL2 virtual address `uart` (if any) and
/// to the console page `ring` (if any).
///
/// # Safety
/// `uart` must be the mapped register page of a PL011 and `ring` the
/// console page, both mapped at these addresses on every CPU for as long
/// as the hypervisor prints.
pub unsafe fn init(uart: Option<usize>, ring: Option<*mut VirtConsolePage>) {
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
