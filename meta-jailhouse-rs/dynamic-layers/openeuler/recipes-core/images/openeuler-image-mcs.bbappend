# SPDX-License-Identifier: GPL-2.0-only
# Raspberry Pi 4 with jailhouse in MCS_FEATURES: the boot partition gets the
# overlay reserving 0x10000000-0x20000000 for the hypervisor and the cells
# (config.txt loads it, see rpi-config_git.bbappend). Nothing changes
# without the feature or on other machines.
IMAGE_BOOT_FILES:append:raspberrypi4-64 = " ${@bb.utils.contains('MCS_FEATURES', 'jailhouse', 'jailhouse-overlay.dtbo;overlays/jailhouse-overlay.dtbo', '', d)}"
EXTRA_IMAGEDEPENDS:append:raspberrypi4-64 = " ${@bb.utils.contains('MCS_FEATURES', 'jailhouse', 'jailhouse-overlay', '', d)}"
