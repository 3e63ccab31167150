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
say "enabled: $(cat /sys/devices/jailhouse/enabled)"
run jailhouse --version
# Not yet supported (the hypervisor's root-cell support is being written):
# enable is refused by the driver, so the cell steps cannot follow yet.
run jailhouse enable /usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell
say "enabled: $(cat /sys/devices/jailhouse/enabled)"
