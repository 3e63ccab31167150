# SPDX-License-Identifier: GPL-2.0-only
#
# The openEuler Embedded Jailhouse workflow, run verbatim as far as
# jailhouse-rs supports it today. Each command is echoed, its output shown,
# and its exit status reported.
. /scenario-lib.sh

run() {
	say "\$ $*"
	"$@"
	say "exit status $?"
}

cd /lib/modules/$(uname -r)/extra && run insmod jailhouse.ko && cd /
run jailhouse --version
run jailhouse enable /usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell
say "enabled: $(cat /sys/devices/jailhouse/enabled)"
# Not yet supported: non-root cells. The driver does not implement the
# cell ioctls yet (EINVAL), so the workflow stops here.
run jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
run jailhouse disable
say "enabled: $(cat /sys/devices/jailhouse/enabled)"
