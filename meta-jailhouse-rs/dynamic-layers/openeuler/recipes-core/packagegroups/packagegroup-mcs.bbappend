# SPDX-License-Identifier: GPL-2.0-only
# With jailhouse in MCS_FEATURES, packagegroup-mcs (and so
# openeuler-image-mcs) carries the whole jailhouse-rs stack: meta-openeuler
# already adds jailhouse (now ours); FreeRTOS for its demo cell on QEMU.
# Nothing changes without the feature.
RDEPENDS:${PN}:append:openeuler = " ${@bb.utils.contains('MCS_FEATURES', 'jailhouse', 'jailhouse', '', d)}"
RDEPENDS:${PN}:append:qemu-aarch64 = " ${@bb.utils.contains('MCS_FEATURES', 'jailhouse', 'jailhouse-freertos', '', d)}"
