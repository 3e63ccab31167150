# SPDX-License-Identifier: GPL-2.0-only
#
# The openEuler Embedded Jailhouse workflow, verbatim: enable the root
# cell, create the inmate-demo cell, load uart-demo, start it and let it
# print for a while, then tidy up. Each command is echoed, its output
# shown, and its exit status reported.
. /scenario-lib.sh

run() {
	say "\$ $*"
	"$@"
	say "exit status $?"
}

cd /lib/modules/$(uname -r)/extra && run insmod jailhouse.ko && cd /
run jailhouse --version
run jailhouse enable /usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell
run jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
run jailhouse cell load 1 /usr/share/jailhouse/inmates/uart-demo.bin
run jailhouse cell start 1
sleep 4
# The cell prints on this UART too: take the list while it runs, show it
# once the cell is quiet, so the lines cannot interleave.
jailhouse cell list > /tmp/cell-list
listed=$?
run jailhouse cell shutdown 1
say "\$ jailhouse cell list   (taken while the cell ran)"
cat /tmp/cell-list
say "exit status $listed"
run jailhouse cell destroy 1
run jailhouse disable
