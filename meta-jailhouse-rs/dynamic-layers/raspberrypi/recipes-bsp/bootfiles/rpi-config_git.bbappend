# SPDX-License-Identifier: GPL-2.0-only
# Raspberry Pi 4 with jailhouse in MCS_FEATURES: the firmware must hand
# Linux the GIC-400 (enable_gic=1) and load the overlay that reserves the
# hypervisor's memory. Lines already there (meta-openeuler adds the same)
# are not repeated; nothing changes without the feature.
do_deploy:append:raspberrypi4-64() {
    for line in ${@bb.utils.contains('MCS_FEATURES', 'jailhouse', 'enable_gic=1 dtoverlay=jailhouse-overlay', '', d)}; do
        grep -qx "$line" ${DEPLOYDIR}/${BOOTFILES_DIR_NAME}/config.txt ||
            echo "$line" >>${DEPLOYDIR}/${BOOTFILES_DIR_NAME}/config.txt
    done
}
