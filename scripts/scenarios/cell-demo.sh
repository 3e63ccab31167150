# SPDX-License-Identifier: GPL-2.0-only
#
# The openEuler workflow with a non-root cell: enable, create the
# inmate-demo cell on CPU 1, load and start uart-demo, watch it print,
# shut it down, destroy it, and check CPU 1 is back with Linux; then
# reboot with a cell created (the driver's reboot notifier cleans up).
. /scenario-lib.sh

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
step "jailhouse enable" jailhouse enable $ROOT_CELL
baseline=$(cat /sys/devices/jailhouse/mem_pool_used)
step "jailhouse cell create" jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
jailhouse cell list
step "jailhouse cell load" jailhouse cell load 1 /usr/share/jailhouse/inmates/uart-demo.bin
step "jailhouse cell start" jailhouse cell start 1
sleep 5
jailhouse cell list
step "jailhouse cell shutdown" jailhouse cell shutdown 1
say "state after shutdown: $(cat /sys/devices/jailhouse/cells/1/state)"
step "jailhouse cell destroy" jailhouse cell destroy 1
say "cpu1 online: $(cat /sys/devices/system/cpu/cpu1/online)"
after=$(cat /sys/devices/jailhouse/mem_pool_used)
say "mem_pool_used before $baseline after $after"
jailhouse cell list
step "jailhouse disable" jailhouse disable

# Reboot with the hypervisor enabled and a cell created: the driver's
# reboot notifier destroys the cell and disables the hypervisor first.
step "jailhouse enable again" jailhouse enable $ROOT_CELL
step "jailhouse cell create again" jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
say "rebooting"
reboot -f
