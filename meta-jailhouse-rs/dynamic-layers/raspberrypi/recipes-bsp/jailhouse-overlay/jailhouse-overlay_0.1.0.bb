# nooelint: oelint.var.bbclassextend - target firmware and tools only, no native variant
# SPDX-License-Identifier: GPL-2.0-only
SUMMARY = "Raspberry Pi 4 overlay reserving the memory of jailhouse-rs"
DESCRIPTION = "A device tree overlay that reserves 0x10000000-0x20000000 \
               (no-map) for the jailhouse-rs hypervisor and its cells, \
               deployed as jailhouse-overlay.dtbo for the boot partition's \
               overlays directory."
AUTHOR = "jailhouse-rs developers"
HOMEPAGE = "https://github.com/jailhouse-rs/jailhouse-rs"
BUGTRACKER = "https://github.com/jailhouse-rs/jailhouse-rs/issues"
SECTION = "bsp"
CVE_PRODUCT = "jailhouse-rs"
LICENSE = "GPL-2.0-only | BSD-2-Clause"
LIC_FILES_CHKSUM = "file://jailhouse-overlay.dts;beginline=1;endline=1;md5=c17b26d4caf551b727dcdadb18995b0c"

DEPENDS = "dtc-native"

SRC_URI = "file://jailhouse-overlay.dts"

S = "${WORKDIR}"

inherit deploy

COMPATIBLE_MACHINE = "raspberrypi4-64"

do_configure[noexec] = "1"

do_compile() {
    dtc -@ -Wno-avoid_default_addr_size -I dts -O dtb -o ${B}/jailhouse-overlay.dtbo ${S}/jailhouse-overlay.dts
}

do_install() {
    install -d ${D}/boot/overlays
    install -m 0644 ${B}/jailhouse-overlay.dtbo ${D}/boot/overlays/
}

do_deploy() {
    install -m 0644 ${B}/jailhouse-overlay.dtbo ${DEPLOYDIR}/
}
addtask deploy after do_compile before do_build

FILES:${PN} += "/boot/overlays"
