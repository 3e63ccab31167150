# nooelint: oelint.var.bbclassextend - target firmware and tools only, no native variant
# SPDX-License-Identifier: GPL-2.0-only
SUMMARY = "jailhouse-rs partitioning hypervisor, driver, CLI, cells and inmates"
DESCRIPTION = "jailhouse-rs, a Rust re-implementation of the Jailhouse \
               partitioning hypervisor for arm64 that keeps Jailhouse's \
               interfaces: the firmware jailhouse.bin, the jailhouse.ko \
               driver, the jailhouse command line, revision-13 cell \
               configurations and the demo inmates."
AUTHOR = "jailhouse-rs developers"
BUGTRACKER = "https://github.com/jailhouse-rs/jailhouse-rs/issues"
SECTION = "kernel"
CVE_PRODUCT = "jailhouse-rs"
LICENSE = "GPL-2.0-only & (GPL-2.0-only | BSD-2-Clause)"
LIC_FILES_CHKSUM = "\
    file://Makefile;beginline=1;endline=1;md5=829e563511c9a1d6d41f17a7a4989d6a \
    file://include/jailhouse/cell-config.h;beginline=1;endline=1;md5=113e4389af3741402d4b10aa1dfa397f \
"

require jailhouse-rs-source.inc
require jailhouse-crates.inc

inherit module jailhouse_rust

COMPATIBLE_MACHINE = "qemu-aarch64|raspberrypi4-64"

# openEuler's names (packagegroup-mcs, mcs-km and its kernel recipe refer
# to them): cells are installed for the machine's prefix.
JH_DATADIR ?= "${datadir}/jailhouse"
JH_CELLS:qemu-aarch64 = "qemu-arm64"
JH_CELLS:raspberrypi4-64 = "rpi4"

# The Makefile is the SDK's front door too (make KDIR=...): the recipe only
# tells it where things are. CC/LD are the kernel's (as module.bbclass does);
# the static CLI links against the recipe sysroot's C library.
EXTRA_OEMAKE = "\
    ARCH=${ARCH} \
    CROSS_COMPILE=${TARGET_PREFIX} \
    CC='${KERNEL_CC}' \
    LD='${KERNEL_LD}' \
    OBJCOPY=${TARGET_PREFIX}objcopy \
    SYSROOT=${STAGING_DIR_TARGET} \
    KDIR=${STAGING_KERNEL_BUILDDIR} \
    O=${B} \
    PROFILE=release \
    V=1 \
"

do_configure() {
    jailhouse_rust_do_configure
}

do_compile() {
    jailhouse_rust_path
    oe_runmake all
}

do_install() {
    jailhouse_rust_path
    oe_runmake install DESTDIR=${D} prefix=${prefix} sbindir=${sbindir} \
        datadir=${datadir} firmwaredir=${nonarch_base_libdir}/firmware
    # Only this machine's cells.
    for cell in ${D}${JH_DATADIR}/cells/*.cell; do
        case "$(basename $cell)" in
        ${JH_CELLS}*) ;;
        *) rm -f "$cell" ;;
        esac
    done
}

# module.bbclass puts the module into kernel-module-jailhouse and empties
# ${PN}; the rest of the stack goes here.
FILES:${PN} += "\
    ${nonarch_base_libdir}/firmware/jailhouse.bin \
    ${sbindir}/jailhouse \
    ${JH_DATADIR} \
"
RDEPENDS:${PN} += "kernel-module-jailhouse"
KERNEL_MODULE_AUTOLOAD += "jailhouse"
