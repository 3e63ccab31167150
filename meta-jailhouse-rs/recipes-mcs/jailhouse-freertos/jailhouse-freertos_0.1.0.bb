# nooelint: oelint.var.bbclassextend - target firmware and tools only, no native variant
# SPDX-License-Identifier: GPL-2.0-only
SUMMARY = "FreeRTOS for a jailhouse-rs cell (FreeRTOS.bin)"
DESCRIPTION = "FreeRTOS-Kernel with jailhouse-rs' Jailhouse BSP (startup, \
               GIC, generic timer tick, UART, comm region), built as \
               FreeRTOS.bin for the qemu-arm64-freertos-demo cell and \
               installed where meta-freertos puts it."
AUTHOR = "jailhouse-rs developers"
BUGTRACKER = "https://github.com/jailhouse-rs/jailhouse-rs/issues"
SECTION = "kernel"
CVE_PRODUCT = "freertos"
LICENSE = "MIT & (GPL-2.0-only | BSD-2-Clause)"
LIC_FILES_CHKSUM = "\
    file://${FREERTOS_KERNEL}/LICENSE.md;md5=7ae2be7fb1637141840314b51970a9f7 \
    file://include/jailhouse/cell-config.h;beginline=1;endline=1;md5=113e4389af3741402d4b10aa1dfa397f \
"

require recipes-mcs/jailhouse/jailhouse-rs-source.inc

# FreeRTOS-Kernel V11.2.0, as bundled by the crates.io crate freertos-next:
# the crate fetcher unpacks it under cargo_home/bitbake.
FREERTOS_NEXT_VERSION = "0.12.0"
SRC_URI += "crate://crates.io/freertos-next/${FREERTOS_NEXT_VERSION}"
SRC_URI[freertos-next-0.12.0.sha256sum] = "b7824fb42660c16e1b3b573eef99c2fe5c5cba6294a631c309084635f6bfcbb0"
FREERTOS_KERNEL = "${WORKDIR}/cargo_home/bitbake/freertos-next-${FREERTOS_NEXT_VERSION}/FreeRTOS-Kernel"

# The FreeRTOS cell configuration exists for QEMU only.
COMPATIBLE_MACHINE = "qemu-aarch64"

# meta-freertos installs the image at /Jailhouse_FreeRTOS_demo/FreeRTOS.bin;
# documentation and test reports load it from there.
JH_FREERTOS_DIR ?= "/Jailhouse_FreeRTOS_demo"

EXTRA_OEMAKE = "\
    -C ${S}/recipes-freertos \
    CROSS_COMPILE=${TARGET_PREFIX} \
    FREERTOS_KERNEL=${FREERTOS_KERNEL} \
    O=${B} \
"

do_configure[noexec] = "1"

do_compile() {
    oe_runmake
}

do_install() {
    install -d ${D}${JH_FREERTOS_DIR}
    install -m 0644 ${B}/FreeRTOS.bin ${D}${JH_FREERTOS_DIR}/FreeRTOS.bin
}

FILES:${PN} += "${JH_FREERTOS_DIR}"
