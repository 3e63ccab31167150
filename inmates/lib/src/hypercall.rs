// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! Hypercalls from a cell: `hvc #0x4a48`, `x0` = code, `x1`/`x2` =
//! arguments, result in `x0` (negative errno on failure). Codes and errno
//! values are `jailhouse_abi::hypercall`'s.

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
use jailhouse_abi::hypercall::Hypercall;
use jailhouse_abi::hypercall::{Errno, HVC_CODE};

// `arch::hvc` spells the immediate out; it must be the ABI's.
const _: () = assert!(HVC_CODE == 0x4a48);

/// Interpret a hypercall result: non-negative values are results,
/// negative ones errnos (`Err(None)` for an errno this ABI does not name).
pub fn decode_result(result: i64) -> Result<u64, Option<Errno>> {
    u64::try_from(result).map_err(|_| Errno::from_result(result))
}

/// Issue hypercall `code` with two arguments; the raw result.
///
/// # Safety
/// The call must be one this cell may make with these arguments: most
/// codes are for the root cell (and then manage other cells), and
/// [`Hypercall::CellCreate`] makes the hypervisor read the cell's memory
/// at `arg1`.
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub unsafe fn hypercall(code: Hypercall, arg1: u64, arg2: u64) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { crate::arch::hvc(code as u64, arg1, arg2) }
}

/// Print one character on the hypervisor's debug console
/// ([`Hypercall::DebugConsolePutc`]); `Err(Some(Errno::Perm))` unless the
/// cell config permits it.
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub fn debug_console_putc(c: u8) -> Result<(), Option<Errno>> {
    // SAFETY: DEBUG_CONSOLE_PUTC reads no memory; any cell may issue it
    // (the hypervisor refuses it with -EPERM when not permitted).
    let result = unsafe { hypercall(Hypercall::DebugConsolePutc, u64::from(c), 0) };
    decode_result(result).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results() {
        assert_eq!(decode_result(0), Ok(0));
        assert_eq!(decode_result(3), Ok(3));
        assert_eq!(decode_result(-1), Err(Some(Errno::Perm)));
        assert_eq!(decode_result(-38), Err(Some(Errno::NoSys)));
        assert_eq!(decode_result(-4), Err(None));
    }
}
