# SPDX-License-Identifier: GPL-2.0-only
# The kernel jailhouse-rs needs when jailhouse is in MCS_FEATURES; nothing
# changes without the feature.
FILESEXTRAPATHS:prepend:openeuler := "${THISDIR}/files:"

# CPU hotplug (cells take CPUs from Linux), no KVM owning EL2.
SRC_URI:append:openeuler = " ${@bb.utils.contains('MCS_FEATURES', 'jailhouse', 'file://jailhouse-rs.cfg', '', d)}"

# meta-openeuler patches the kernel to export symbols C Jailhouse's driver
# needs, taking the patch from C Jailhouse's source repository. The
# jailhouse-rs driver needs no such export, and that repository is not
# there: drop the patch.
SRC_URI:remove:openeuler = "${@bb.utils.contains('MCS_FEATURES', 'jailhouse', 'file://Jailhouse/jailhouse_export_symbol.patch', '', d)}"
