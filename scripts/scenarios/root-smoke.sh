# SPDX-License-Identifier: GPL-2.0-only
#
# First light: the kernel runs at EL2 on all CPUs, the driver loads and
# exposes its device and sysfs tree, the CLI runs on the target.
. /scenario-lib.sh

step "insmod jailhouse.ko" insmod /lib/modules/$(uname -r)/extra/jailhouse.ko
if [ -c /dev/jailhouse ]; then
	say "/dev/jailhouse is a character device"
fi
say "enabled: $(cat /sys/devices/jailhouse/enabled)"
say "firmware: $(head -c 8 /lib/firmware/jailhouse.bin)"
say "cli: $(jailhouse --version)"
step "rmmod jailhouse" rmmod jailhouse
if [ ! -e /dev/jailhouse ]; then
	say "/dev/jailhouse is gone"
fi
