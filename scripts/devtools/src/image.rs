// SPDX-License-Identifier: GPL-2.0-only

//! Sanity checks of a built `jailhouse.bin` against the image-header
//! contract the driver relies on (include/jailhouse/header.h).

use jailhouse_abi::header::HypervisorHeader;

const PAGE_SIZE: u64 = 4096;

/// Check `image` and describe it, or say what is wrong with it.
pub fn check(image: &[u8]) -> Result<String, String> {
    let header = HypervisorHeader::parse(image).map_err(|e| e.to_string())?;
    let core_size = header.core_size;
    let percpu_size = header.percpu_size;
    let entry = header.entry;
    let console_page = header.console_page;
    let len = image.len() as u64;
    if core_size == 0 || core_size % PAGE_SIZE != 0 {
        return Err(format!(
            "core_size {core_size:#x} is not a non-zero page multiple"
        ));
    }
    if core_size < len {
        return Err(format!(
            "core_size {core_size:#x} is smaller than the image ({len:#x} bytes)"
        ));
    }
    if percpu_size == 0 || percpu_size % PAGE_SIZE != 0 {
        return Err(format!(
            "percpu_size {percpu_size:#x} is not a non-zero page multiple"
        ));
    }
    if entry < 80 || entry >= len {
        return Err(format!(
            "entry offset {entry:#x} is outside the image's code (size {len:#x})"
        ));
    }
    if console_page % PAGE_SIZE != 0 || console_page + PAGE_SIZE > core_size {
        return Err(format!(
            "console page {console_page:#x} is not a page inside the core"
        ));
    }
    let (max_cpus, online_cpus) = (header.max_cpus, header.online_cpus);
    if max_cpus != 0 || online_cpus != 0 {
        return Err("driver-owned header fields are not zero in the built image".into());
    }
    Ok(format!(
        "JAILHOUS image: {len} bytes, core_size {core_size:#x}, percpu_size {percpu_size:#x}, entry {entry:#x}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jailhouse_abi::zerocopy::IntoBytes;

    fn image(edit: impl FnOnce(&mut HypervisorHeader)) -> Vec<u8> {
        let mut h = HypervisorHeader {
            signature: *b"JAILHOUS",
            core_size: 0x2000,
            percpu_size: 0x4000,
            entry: 0x50,
            console_page: 0x1000,
            ..Default::default()
        };
        edit(&mut h);
        let mut bytes = h.as_bytes().to_vec();
        bytes.extend_from_slice(&[0; 8]);
        bytes
    }

    #[test]
    fn accepts_a_good_image() {
        assert!(check(&image(|_| {})).is_ok());
    }

    #[test]
    fn rejects_bad_images() {
        assert!(check(b"JAILHOUS").is_err(), "truncated");
        assert!(check(&image(|h| h.signature = *b"JAILHOUZ")).is_err());
        assert!(check(&image(|h| h.core_size = 0x1001)).is_err());
        assert!(check(&image(|h| h.percpu_size = 0)).is_err());
        assert!(check(&image(|h| h.entry = 0x1000)).is_err());
        assert!(check(&image(|h| h.console_page = 0x2000)).is_err());
        assert!(check(&image(|h| h.max_cpus = 4)).is_err());
    }
}
