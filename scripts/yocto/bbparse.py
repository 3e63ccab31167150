#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Parse meta-jailhouse-rs with BitBake's own parser (the `bb` library that
PyPI's bitbake-setup ships) and check what the metadata evaluates to.

Every recipe, include, class, append and layer.conf goes through
bb.parse.handle (syntax, override syntax, inline python, requires). The
layer's classes are real; oe-core's (module, deploy, ...) are empty stand-ins
on BBPATH, so this checks our metadata, not oe-core's. The appends are
applied to stand-ins of the recipes they extend (linux-openeuler,
packagegroup-mcs, openeuler-image-mcs, rpi-config), each evaluated with and
without jailhouse in MCS_FEATURES: without it they must change nothing.

Usage: bbparse.py <layer dir> <scratch dir>
"""

import os
import sys
import types

# bb.parse imports hashserv (BitBake's hash equivalence server), which the
# wheel does not carry; parsing never uses it.
for name in ("hashserv", "hashserv.client"):
    sys.modules[name] = types.ModuleType(name)

import bb  # noqa: E402
import bb.data  # noqa: E402
import bb.parse  # noqa: E402
import bb.siggen  # noqa: E402
import bb.utils  # noqa: E402

LAYER = os.path.abspath(sys.argv[1])
SCRATCH = os.path.abspath(sys.argv[2])

STUB_CLASSES = ["module", "deploy", "packagegroup", "image", "core-image", "kernel-yocto"]
# The variables oe-core's bitbake.conf defines that the layer's metadata
# reads. Enough to expand them; values are the usual ones.
BITBAKE_CONF = r"""
PN = "${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[0] or 'defaultpkgname'}"
PV = "${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[1] or '1.0'}"
BPN = "${PN}"
BP = "${BPN}-${PV}"
TMPDIR = "/tmp/bbparse"
WORKDIR = "${TMPDIR}/work/${PN}/${PV}"
S = "${WORKDIR}/${BP}"
B = "${S}"
D = "${WORKDIR}/image"
THISDIR = "${@os.path.dirname(d.getVar('FILE'))}"
FILESEXTRAPATHS ?= "__default:"
prefix = "/usr"
datadir = "${prefix}/share"
sbindir = "${prefix}/sbin"
nonarch_base_libdir = "/lib"
ARCH = "arm64"
TARGET_PREFIX = "aarch64-openeuler-linux-"
BUILD_PREFIX = ""
KERNEL_CC = "${TARGET_PREFIX}gcc"
KERNEL_LD = "${TARGET_PREFIX}ld.bfd"
STAGING_DIR_TARGET = "${WORKDIR}/recipe-sysroot"
STAGING_KERNEL_BUILDDIR = "${TMPDIR}/work-shared/kernel-build-artifacts"
DEPLOYDIR = "${WORKDIR}/deploy"
BOOTFILES_DIR_NAME = "bootfiles"
OVERRIDES = "${MACHINEOVERRIDES}:${DISTROOVERRIDES}:pn-${PN}"
MACHINEOVERRIDES = "${MACHINE}"
DISTROOVERRIDES = "${DISTRO}"
DISTRO = "openeuler"
"""

STANDINS = {
    "linux-openeuler_5.10.bb": 'SRC_URI = "file://defconfig file://Jailhouse/jailhouse_export_symbol.patch"\n',
    "packagegroup-mcs.bb": 'inherit packagegroup\nRDEPENDS:${PN} = "screen mcs-linux"\n',
    "openeuler-image-mcs.bb": 'inherit image\nIMAGE_BOOT_FILES = "Image"\nEXTRA_IMAGEDEPENDS = ""\n',
    "rpi-config_git.bb": 'inherit deploy\ndo_deploy() {\n    echo base\n}\n',
}

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def setup():
    os.makedirs(os.path.join(SCRATCH, "classes"), exist_ok=True)
    os.makedirs(os.path.join(SCRATCH, "conf"), exist_ok=True)
    for c in STUB_CLASSES + ["base"]:
        open(os.path.join(SCRATCH, "classes", c + ".bbclass"), "w").close()
    with open(os.path.join(SCRATCH, "conf", "bitbake.conf"), "w") as f:
        f.write(BITBAKE_CONF)
    for name, text in STANDINS.items():
        with open(os.path.join(SCRATCH, name), "w") as f:
            f.write(text)


def base_data(machine, mcs_features):
    d = bb.data.init()
    d.setVar("BBPATH", LAYER + ":" + SCRATCH)
    d.setVar("BB_SIGNATURE_HANDLER", "noop")
    bb.parse.siggen = bb.siggen.init(d)
    d.setVar("MACHINE", machine)
    d.setVar("MCS_FEATURES", mcs_features)
    d = bb.parse.handle(os.path.join(SCRATCH, "conf", "bitbake.conf"), d, True)
    d.setVar("__bbclasstype", "recipe")
    bb.parse.handle(os.path.join(SCRATCH, "classes", "base.bbclass"), d, True)
    return d


def parse(recipe, machine="qemu-aarch64", mcs_features="", appends=()):
    d = base_data(machine, mcs_features)
    if appends:
        d.setVar("__BBAPPEND", " ".join(appends))
    # The machine's override must be active while the recipe is parsed.
    d.setVar("OVERRIDES", "%s:openeuler:pn-%s" % (machine, "x"))
    return bb.parse.handle(recipe, d)[""]


def files(pattern_ext):
    out = []
    for root, _, names in os.walk(LAYER):
        for n in sorted(names):
            if n.endswith(pattern_ext):
                out.append(os.path.join(root, n))
    return sorted(out)


def main():
    setup()
    rel = lambda p: os.path.relpath(p, os.path.dirname(LAYER))  # noqa: E731

    # layer.conf through the configuration parser.
    d = bb.data.init()
    d.setVar("LAYERDIR", LAYER)
    conf = os.path.join(LAYER, "conf", "layer.conf")
    bb.parse.handle(conf, d, True)
    check(d.getVar("LAYERSERIES_COMPAT_jailhouse-rs").split() == ["kirkstone", "scarthgap"],
          "%s: LAYERSERIES_COMPAT = kirkstone scarthgap" % rel(conf))
    check(d.getVar("BBFILE_PRIORITY_jailhouse-rs") == "35" and
          d.getVar("LAYERDEPENDS_jailhouse-rs") == "core",
          "%s: priority 35, LAYERDEPENDS core" % rel(conf))

    # Every class on its own.
    for cls in files(".bbclass"):
        dd = base_data("qemu-aarch64", "")
        bb.parse.handle(cls, dd, True)
        check(True, "%s parses" % rel(cls))

    # Every recipe, for each machine it supports.
    recipes = files(".bb")
    for recipe in recipes:
        for machine in ("qemu-aarch64", "raspberrypi4-64"):
            d = parse(recipe, machine)
            compatible = d.getVar("COMPATIBLE_MACHINE") or ""
            if machine not in compatible.split("|"):
                continue
            check(bool(d.getVar("LICENSE")) and bool(d.getVar("SRC_URI")),
                  "%s parses for %s (PN %s, PV %s)" % (rel(recipe), machine,
                                                         d.getVar("PN"), d.getVar("PV")))
            if d.getVar("PN") == "jailhouse":
                src = d.getVar("SRC_URI").split()
                crates = [u for u in src if u.startswith("crate://")]
                check(len(crates) > 50 and all(
                    d.getVarFlag("SRC_URI", u.split("/")[3] + "-" + u.split("/")[4] + ".sha256sum")
                    for u in crates),
                    "  jailhouse: %d crate:// entries, each with a sha256" % len(crates))
                cells = {"qemu-aarch64": "qemu-arm64", "raspberrypi4-64": "rpi4"}[machine]
                check(d.getVar("JH_CELLS") == cells, "  jailhouse: JH_CELLS = %s" % cells)
                check("jailhouse" in d.getVar("KERNEL_MODULE_AUTOLOAD").split(),
                      "  jailhouse: KERNEL_MODULE_AUTOLOAD has jailhouse")
                files_pn = d.getVar("FILES:jailhouse") or d.getVar("FILES:${PN}") or ""
                check("/lib/firmware/jailhouse.bin" in files_pn and "/usr/share/jailhouse" in files_pn,
                      "  jailhouse: FILES has /lib/firmware/jailhouse.bin and /usr/share/jailhouse")
                make = d.getVar("EXTRA_OEMAKE")
                check("KDIR=" in make and "CROSS_COMPILE=aarch64-openeuler-linux-" in make,
                      "  jailhouse: EXTRA_OEMAKE passes KDIR and CROSS_COMPILE")
            if d.getVar("PN") == "jailhouse-freertos":
                check(d.getVar("JH_FREERTOS_DIR") == "/Jailhouse_FreeRTOS_demo" and
                      "crate://crates.io/freertos-next/0.12.0" in d.getVar("SRC_URI"),
                      "  jailhouse-freertos: freertos-next crate, FreeRTOS.bin in /Jailhouse_FreeRTOS_demo")
    for inc in files(".inc"):
        check(bool(bb.parse.handle(inc, base_data("qemu-aarch64", ""), True)), "%s parses" % rel(inc))

    # The appends: nothing without the feature, the stack with it.
    appends = {os.path.basename(a): a for a in files(".bbappend")}

    def standin(name):
        return os.path.join(SCRATCH, name)

    def both(recipe, append, machine, var):
        off = parse(standin(recipe), machine, "openamp", [appends[append]])
        on = parse(standin(recipe), machine, "jailhouse", [appends[append]])
        base = parse(standin(recipe), machine, "openamp")
        get = (lambda dd: dd.getVar(var) or "") if not var.startswith("func:") else \
            (lambda dd: dd.getVar(var[5:]) or "")
        return get(base), get(off), get(on)

    base, off, on = both("linux-openeuler_5.10.bb", "linux-openeuler.bbappend", "qemu-aarch64", "SRC_URI")
    check(off.split() == base.split(), "linux-openeuler.bbappend: SRC_URI unchanged without jailhouse")
    check("file://jailhouse-rs.cfg" in on.split() and
          "file://Jailhouse/jailhouse_export_symbol.patch" not in on.split(),
          "linux-openeuler.bbappend: with jailhouse, + jailhouse-rs.cfg, - C Jailhouse's export patch")
    cfg = os.path.join(os.path.dirname(appends["linux-openeuler.bbappend"]), "files", "jailhouse-rs.cfg")
    text = open(cfg).read()
    check("CONFIG_HOTPLUG_CPU=y" in text and "# CONFIG_KVM is not set" in text,
          "jailhouse-rs.cfg: CONFIG_HOTPLUG_CPU=y, # CONFIG_KVM is not set")

    base, off, on = both("packagegroup-mcs.bb", "packagegroup-mcs.bbappend", "qemu-aarch64", "RDEPENDS:packagegroup-mcs")
    check(off.split() == base.split(), "packagegroup-mcs.bbappend: RDEPENDS unchanged without jailhouse")
    check({"jailhouse", "jailhouse-freertos"} <= set(on.split()),
          "packagegroup-mcs.bbappend: qemu-aarch64 with jailhouse: RDEPENDS %s" % on.strip())
    base, off, on = both("packagegroup-mcs.bb", "packagegroup-mcs.bbappend", "raspberrypi4-64", "RDEPENDS:packagegroup-mcs")
    check("jailhouse" in on.split() and "jailhouse-freertos" not in on.split(),
          "packagegroup-mcs.bbappend: raspberrypi4-64 with jailhouse: RDEPENDS %s" % on.strip())

    base, off, on = both("openeuler-image-mcs.bb", "openeuler-image-mcs.bbappend", "raspberrypi4-64", "IMAGE_BOOT_FILES")
    check(off.split() == base.split(), "openeuler-image-mcs.bbappend: IMAGE_BOOT_FILES unchanged without jailhouse")
    check("jailhouse-overlay.dtbo;overlays/jailhouse-overlay.dtbo" in on.split(),
          "openeuler-image-mcs.bbappend: raspberrypi4-64 boot files get overlays/jailhouse-overlay.dtbo")
    base, off, on = both("openeuler-image-mcs.bb", "openeuler-image-mcs.bbappend", "qemu-aarch64", "IMAGE_BOOT_FILES")
    check(on.split() == base.split(), "openeuler-image-mcs.bbappend: qemu-aarch64 unchanged with jailhouse")

    base, off, on = both("rpi-config_git.bb", "rpi-config_git.bbappend", "raspberrypi4-64", "do_deploy")
    check("enable_gic" not in off and "dtoverlay" not in off,
          "rpi-config_git.bbappend: config.txt unchanged without jailhouse")
    check("enable_gic=1 dtoverlay=jailhouse-overlay" in on,
          "rpi-config_git.bbappend: raspberrypi4-64 with jailhouse: enable_gic=1, dtoverlay=jailhouse-overlay")

    print("bbparse: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
