// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The bare-metal flavour (feature `bare-metal`): an inmate run on QEMU's
//! `virt` board without a hypervisor, booted straight into its reset code
//! at EL1 — the reference that `make bench` compares cells with.
//!
//! This module provides what a cell gets from the hypervisor and from
//! the firmware and root cell before it, and nothing else:
//!
//! * the machine description: the board's PL011 and GIC addresses, in the
//!   shape of a communication region ([`qemu_virt`]), so that startup, the
//!   console and the GIC driver run the code they run in a cell. The GIC
//!   version is read from ID_AA64PFR0_EL1.GIC, which QEMU sets when the
//!   board has a GICv3 (`gic-version=3`);
//! * the distributor set-up a cell finds done: distributor enabled and,
//!   on a GICv3, every interrupt in group 1 (the one the library's CPU
//!   interface code enables and acknowledges);
//! * power-off through PSCI SYSTEM_OFF. Without EL2 and EL3 firmware
//!   (`virtualization=off`, `secure=off`) QEMU implements PSCI itself,
//!   with `hvc` as the conduit (`machvirt_init` in QEMU's hw/arm/virt.c).
//!
//! Nothing here may run in a cell: it would touch the real distributor
//! and call PSCI the hypervisor does not offer. The register values are
//! plain functions, tested on the host; the rest exists only in the
//! `bare-metal` build for `aarch64-unknown-none(-softfloat)`.

use jailhouse_abi::comm_region::{CommRegion, COMM_REGION_ABI_REVISION, COMM_REGION_MAGIC};
use jailhouse_abi::config::{Console, ConsoleFlags, ConsoleType};

/// QEMU virt's PL011 (`VIRT_UART`).
pub const QEMU_VIRT_UART: u64 = 0x0900_0000;
/// QEMU virt's GIC distributor (`VIRT_GIC_DIST`).
pub const QEMU_VIRT_GICD: u64 = 0x0800_0000;
/// QEMU virt's GICv2 CPU interface (`VIRT_GIC_CPU`).
pub const QEMU_VIRT_GICC: u64 = 0x0801_0000;
/// QEMU virt's GICv3 redistributors (`VIRT_GIC_REDIST`).
pub const QEMU_VIRT_GICR: u64 = 0x080a_0000;

/// GICD_CTLR.
pub const GICD_CTLR: usize = 0x0000;
/// GICD_TYPER.
pub const GICD_TYPER: usize = 0x0004;
/// GICD_IGROUPR<n>: group, one bit per interrupt (1: group 1).
pub const GICD_IGROUPR: usize = 0x0080;
/// GICR_IGROUPR0 in the SGI frame: group of the SGIs and PPIs.
pub const GICR_IGROUPR0: usize = 0x0080;
/// GICD_CTLR.EnableGrp0 (GICv3 with one security state; GICv2: Enable).
pub const GICD_CTLR_ENABLE_GRP0: u32 = 1 << 0;
/// GICD_CTLR.EnableGrp1 (GICv3 with one security state; GICv2 with
/// groups).
pub const GICD_CTLR_ENABLE_GRP1: u32 = 1 << 1;
/// GICD_CTLR.ARE (GICv3 with one security state): affinity routing.
pub const GICD_CTLR_ARE: u32 = 1 << 4;
/// GICD_CTLR.RWP (GICv3): a write to CTLR is still taking effect.
pub const GICD_CTLR_RWP: u32 = 1 << 31;

/// The GIC version ID_AA64PFR0_EL1 indicates: 3 when the GIC system
/// register interface is implemented (GIC field, bits 27:24, non-zero),
/// else 2.
pub const fn gic_version(id_aa64pfr0: u64) -> u8 {
    if (id_aa64pfr0 >> 24) & 0xf != 0 {
        3
    } else {
        2
    }
}

/// QEMU virt described as a valid communication region would describe a
/// cell owning the whole board: the PL011 as console, the GIC of
/// `gic_version` at the board's addresses. Everything a cell's region
/// holds beyond that (messages, flags, PCI) is zero.
pub fn qemu_virt(gic_version: u8) -> CommRegion {
    let (gicc_base, gicr_base) = match gic_version {
        2 => (QEMU_VIRT_GICC, 0),
        _ => (0, QEMU_VIRT_GICR),
    };
    CommRegion {
        signature: COMM_REGION_MAGIC,
        revision: COMM_REGION_ABI_REVISION,
        console: Console {
            address: QEMU_VIRT_UART,
            size: 0x1000,
            kind: ConsoleType::Pl011 as u16,
            flags: (ConsoleFlags::ACCESS_MMIO | ConsoleFlags::REGDIST_4).bits(),
            ..Default::default()
        },
        gic_version,
        gicd_base: QEMU_VIRT_GICD,
        gicc_base,
        gicr_base,
        ..Default::default()
    }
}

/// Number of GICD_IGROUPR registers that hold SPIs, from GICD_TYPER
/// (ITLinesNumber + 1 registers in all; register 0 holds SGIs and PPIs).
pub const fn spi_group_registers(gicd_typer: u32) -> usize {
    (gicd_typer & 0x1f) as usize
}

#[cfg(all(feature = "bare-metal", target_arch = "aarch64", target_os = "none"))]
mod hw {
    use jailhouse_abi::comm_region::CommRegion;

    use super::{
        gic_version, qemu_virt, spi_group_registers, GICD_CTLR, GICD_CTLR_ARE,
        GICD_CTLR_ENABLE_GRP0, GICD_CTLR_ENABLE_GRP1, GICD_CTLR_RWP, GICD_IGROUPR, GICD_TYPER,
        GICR_IGROUPR0,
    };
    use crate::arch;
    use crate::gic::{Gic, GicError, GICR_SGI_BASE};
    use crate::psci::PSCI_SYSTEM_OFF;

    /// This machine, as [`crate::comm::machine`] reports it.
    pub(crate) fn description() -> CommRegion {
        qemu_virt(gic_version(arch::read_id_aa64pfr0()))
    }

    /// Set the distributor up as a cell finds it: GICv3 with affinity
    /// routing, every SPI and this CPU's SGIs and PPIs in group 1, group 1
    /// enabled; GICv2 enabled (QEMU's GICv2 without security extensions
    /// has no groups, and the CPU interface signals all as IRQs).
    ///
    /// # Safety
    /// `gic` must be this board's GIC, mapped as device memory, with
    /// `redist` this CPU's redistributor; nothing else may use the
    /// distributor (on bare metal this program is alone on the machine).
    pub(crate) unsafe fn init_distributor(gic: Gic) -> Result<(), GicError> {
        match gic {
            Gic::V3 { gicd, redist } => {
                // SAFETY: registers of the caller's GIC, which this program
                // owns alone; TYPER reads have no side effects, group and
                // control writes only configure interrupt delivery. ("See
                // above" below refers to this.)
                let typer = unsafe { arch::mmio_read32(gicd + GICD_TYPER) };
                for n in 1..=spi_group_registers(typer) {
                    // SAFETY: see above.
                    unsafe { arch::mmio_write32(gicd + GICD_IGROUPR + 4 * n, !0) };
                }
                let igroupr0 = redist + GICR_SGI_BASE + GICR_IGROUPR0;
                // SAFETY: see above.
                unsafe { arch::mmio_write32(igroupr0, !0) };
                // ARE first, on its own: changing it with a group enabled
                // is UNPREDICTABLE.
                // SAFETY: see above.
                unsafe { arch::mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE) };
                // SAFETY: see above.
                unsafe { wait_for_rwp(gicd) }?;
                let ctlr = GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1;
                // SAFETY: see above.
                unsafe { arch::mmio_write32(gicd + GICD_CTLR, ctlr) };
                // SAFETY: see above.
                unsafe { wait_for_rwp(gicd) }
            }
            Gic::V2 { gicd, .. } => {
                let ctlr = GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1;
                // SAFETY: the caller's distributor, which this program
                // owns alone; enabling it only lets it forward interrupts.
                unsafe { arch::mmio_write32(gicd + GICD_CTLR, ctlr) };
                Ok(())
            }
        }
    }

    /// # Safety
    /// `gicd` must be a mapped GICv3 distributor.
    unsafe fn wait_for_rwp(gicd: usize) -> Result<(), GicError> {
        for _ in 0..1_000_000 {
            // SAFETY: the caller's distributor; reading CTLR has no side
            // effects.
            if unsafe { arch::mmio_read32(gicd + GICD_CTLR) } & GICD_CTLR_RWP == 0 {
                return Ok(());
            }
            arch::cpu_relax();
        }
        Err(GicError::DistributorBusy)
    }

    /// Power the machine off (PSCI SYSTEM_OFF); stop this CPU if that
    /// returns (no PSCI, or a refusal).
    pub(crate) fn power_off() -> ! {
        // SAFETY: SYSTEM_OFF takes no arguments and touches no memory of
        // this program; on bare metal nothing else runs that could object.
        let _ = unsafe { arch::psci_hvc(PSCI_SYSTEM_OFF) };
        crate::stop()
    }
}

#[cfg(all(feature = "bare-metal", target_arch = "aarch64", target_os = "none"))]
pub(crate) use hw::{description, init_distributor, power_off};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::Console as Uart;
    use crate::gic::Gic;

    #[test]
    fn gic_version_from_id_register() {
        // cortex-a57 on QEMU: 0x1111 (EL0-EL3 AArch64), GIC field set by
        // QEMU when the board has a GICv3.
        assert_eq!(gic_version(0x0000_0000_0100_1111), 3);
        assert_eq!(gic_version(0x0000_0000_0000_1111), 2);
        assert_eq!(gic_version(0x0000_0000_0300_0000), 3);
    }

    #[test]
    fn description_takes_the_cell_paths() {
        let v3 = qemu_virt(3);
        assert!(v3.is_valid());
        assert_eq!(
            Uart::from_comm_region(&v3),
            Some(Uart::Pl011 { base: 0x0900_0000 })
        );
        // QEMU virt, one CPU: redistributor 0 at GICR, marked Last.
        let gic = Gic::from_comm_region(&v3, 0x8000_0000, |typer| {
            assert_eq!(typer, 0x080a_0008);
            1 << 4
        });
        assert_eq!(
            gic,
            Ok(Gic::V3 {
                gicd: 0x0800_0000,
                redist: 0x080a_0000
            })
        );

        let v2 = qemu_virt(2);
        assert!(v2.is_valid());
        assert_eq!({ v2.gicr_base }, 0);
        assert_eq!(
            Gic::from_comm_region(&v2, 0x8000_0000, |_| unreachable!()),
            Ok(Gic::V2 {
                gicd: 0x0800_0000,
                gicc: 0x0801_0000
            })
        );
    }

    #[test]
    fn register_values() {
        // QEMU virt GICv3 with 288 interrupts: ITLinesNumber 8.
        assert_eq!(spi_group_registers(0x0078_0408), 8);
        assert_eq!(spi_group_registers(0), 0);
        assert_eq!(GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1, 0x12);
    }
}
