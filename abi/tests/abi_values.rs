// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause

//! The numeric enums, the image header, the comm region and the ioctl
//! argument helpers.

use jailhouse_abi::comm_region::{
    CommFlags, CommRegion, COMM_REGION_ABI_REVISION, COMM_REGION_MAGIC,
};
use jailhouse_abi::config::{ConsoleType, Iommu, IommuType};
use jailhouse_abi::header::{HeaderError, HypervisorHeader, HEADER_SIGNATURE};
use jailhouse_abi::hypercall::{
    CellState, CpuInfo, CpuStat, Errno, Hypercall, InfoKind, MsgToCell, ReplyFromCell,
    NUM_CPU_STATS,
};
use jailhouse_abi::ioctl::{CellId, CellLoad, PreloadImage, CELL_ID_UNUSED};
use jailhouse_abi::UnknownValue;
use zerocopy::IntoBytes;

#[test]
fn hypercall_codes() {
    for code in 0u32..=8 {
        let hc = Hypercall::try_from(code).expect("codes 0-8 exist");
        assert_eq!(hc.value(), code);
        assert_eq!(Hypercall::try_from(u64::from(code)), Ok(hc));
    }
    assert_eq!(Hypercall::ALL.len(), 9);
    assert_eq!(
        Hypercall::try_from(9u32),
        Err(UnknownValue {
            what: "hypercall code",
            value: 9
        })
    );
    // A 64-bit x0 whose low half is a valid code is still unknown.
    assert!(Hypercall::try_from(0x1_0000_0001u64).is_err());
    assert_eq!(
        Hypercall::try_from(42u32).unwrap_err().to_string(),
        "unknown hypercall code 42 (0x2a)"
    );
    assert_eq!(InfoKind::try_from(4u64), Ok(InfoKind::NumCells));
    assert!(InfoKind::try_from(5u32).is_err());
}

#[test]
fn cpu_info_kinds() {
    assert_eq!(CpuInfo::try_from(0u64), Ok(CpuInfo::State));
    assert_eq!(
        CpuInfo::try_from(1005u64),
        Ok(CpuInfo::Stat(CpuStat::VmexitsVirq))
    );
    assert_eq!(
        CpuInfo::try_from(1008u32),
        Ok(CpuInfo::Stat(CpuStat::VmexitsSmccc))
    );
    for bad in [1u64, 999, 1009, u64::MAX] {
        assert!(CpuInfo::try_from(bad).is_err(), "{bad}");
    }
    assert_eq!(CpuStat::ALL.len() as u32, NUM_CPU_STATS);
    for stat in CpuStat::ALL {
        assert_eq!(
            CpuInfo::try_from(CpuInfo::Stat(*stat).value()),
            Ok(CpuInfo::Stat(*stat))
        );
    }
    assert_eq!(CpuStat::VmexitsVsgi.sysfs_name(), "vmexits_virt_sgi");
}

#[test]
fn messages_and_states() {
    assert_eq!(MsgToCell::try_from(1u32), Ok(MsgToCell::ShutdownRequest));
    assert!(MsgToCell::try_from(3u32).is_err());
    assert_eq!(
        ReplyFromCell::try_from(3u32),
        Ok(ReplyFromCell::RequestApproved)
    );
    assert!(ReplyFromCell::try_from(5u32).is_err());
    let states: Vec<_> = (0u32..5)
        .map(|s| CellState::try_from(s).unwrap().sysfs_str())
        .collect();
    assert_eq!(
        states,
        [
            "running",
            "running/locked",
            "shut down",
            "failed",
            "Comm ABI mismatch"
        ]
    );
    assert!(CellState::try_from(5u32).is_err());
    assert!(!CellState::RunningLocked.is_terminal() && CellState::FailedCommRev.is_terminal());
}

#[test]
fn errno_values() {
    assert_eq!(Errno::Inval.to_result(), -22);
    assert_eq!(Errno::from_result(-22), Some(Errno::Inval));
    assert_eq!(Errno::from_result(-38), Some(Errno::NoSys));
    assert_eq!(Errno::from_result(0), None);
    assert_eq!(Errno::from_result(22), None);
    assert_eq!(Errno::from_result(i64::MIN), None);
    assert_eq!(Errno::try_from(7), Ok(Errno::TooBig));
    assert!(Errno::try_from(8).is_err());
    assert_eq!(Errno::TooBig.to_string(), "E2BIG (7)");
    let codes: Vec<i32> = Errno::ALL.iter().map(|e| e.code()).collect();
    assert_eq!(codes, [1, 2, 5, 7, 12, 16, 17, 19, 22, 34, 38]);
}

#[test]
fn console_and_iommu_types() {
    assert_eq!(ConsoleType::try_from(3u16), Ok(ConsoleType::Pl011));
    assert_eq!(ConsoleType::try_from(2u64), Ok(ConsoleType::Uart8250));
    assert!(ConsoleType::try_from(0xbu16).is_err());
    let mut unit = Iommu::default();
    assert_eq!(unit.iommu_type(), Ok(None));
    unit.kind = 3;
    assert_eq!(unit.iommu_type(), Ok(Some(IommuType::SmmuV3)));
    unit.kind = 99;
    assert!(unit.iommu_type().is_err());
    unit.unit = [0x34, 0x12, 0x40, 0x50, 1, 0, 0, 0, 9, 0, 0, 0];
    let amd = unit.amd();
    assert_eq!(
        ({ amd.bdf }, amd.base_cap, amd.msi_cap, { amd.features }),
        (0x1234, 0x40, 0x50, 1)
    );
    let pvu = unit.tipvu();
    assert_eq!(
        ({ pvu.tlb_base }, { pvu.tlb_size }),
        (0x0000_0001_5040_1234, 9)
    );
}

#[test]
fn hypervisor_header() {
    let header = HypervisorHeader {
        signature: HEADER_SIGNATURE,
        core_size: 0x2_0000,
        percpu_size: 0x4000,
        entry: 0x800,
        max_cpus: 4,
        ..Default::default()
    };
    let mut image = header.as_bytes().to_vec();
    image.extend_from_slice(&[0; 64]);
    let parsed = HypervisorHeader::parse(&image).expect("valid header");
    assert_eq!(*parsed, header);

    assert_eq!(
        HypervisorHeader::parse(&image[..79]),
        Err(HeaderError::Truncated { available: 79 })
    );
    image[0] = b'j';
    let err = HypervisorHeader::parse(&image).unwrap_err();
    assert_eq!(
        err,
        HeaderError::BadSignature {
            found: *b"jAILHOUS"
        }
    );
    assert_eq!(
        err.to_string(),
        "not a hypervisor image: signature \"jAILHOUS\" at offset 0, expected \"JAILHOUS\""
    );
    assert!(HeaderError::Truncated { available: 3 }
        .to_string()
        .contains("needs 80 bytes"));
}

#[test]
fn comm_region() {
    let mut comm = CommRegion {
        signature: COMM_REGION_MAGIC,
        revision: COMM_REGION_ABI_REVISION,
        flags: CommFlags::DBG_PUTC_PERMITTED.bits(),
        ..Default::default()
    };
    assert!(comm.is_valid());
    assert_eq!(comm.comm_flags(), CommFlags::DBG_PUTC_PERMITTED);
    comm.revision = 1;
    assert!(!comm.is_valid());
}

#[test]
fn ioctl_arguments() {
    let id = CellId::by_name(b"inmate-demo").expect("short name");
    assert_eq!(id.id, CELL_ID_UNUSED);
    assert_eq!(&id.name[..12], b"inmate-demo\0");
    assert!(CellId::by_name(&[b'a'; 31]).is_some());
    assert!(CellId::by_name(&[b'a'; 32]).is_none());
    assert!(CellId::by_name(b"a\0b").is_none());
    assert_eq!(CellId::by_id(3).as_bytes()[..8], [3, 0, 0, 0, 0, 0, 0, 0]);

    // A load request is the fixed part followed by the images.
    let load = CellLoad {
        cell_id: CellId::by_id(1),
        num_preload_images: 1,
        padding: 0,
    };
    let image = PreloadImage {
        source_address: 0x1000,
        size: 0x200,
        target_address: 0,
        padding: 0,
    };
    let mut arg = load.as_bytes().to_vec();
    arg.extend_from_slice(image.as_bytes());
    assert_eq!(arg.len(), 80);
    assert_eq!(arg[48..56], 0x1000u64.to_le_bytes());
}
