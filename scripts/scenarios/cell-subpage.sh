# SPDX-License-Identifier: GPL-2.0-only
#
# Sub-page MMIO regions: the subpage-demo cell gets only the first 0x40
# bytes of the PL011's page (the way the Raspberry Pi 4 cells get the
# mini-UART). uart-demo prints through the hypervisor, which performs each
# trapped 32-bit access to FR and DR. Then the isolation probe touches the
# same page outside the 0x40 bytes, and inside them with a width the
# region does not allow: each time the cell fails with the hypervisor's
# reason, root Linux lives on, and the cell can be destroyed. Finally the
# page pool is back at its baseline.
. /scenario-lib.sh

CELL=/usr/share/jailhouse/cells/qemu-arm64-subpage-demo.cell
PROBE=/usr/share/jailhouse/inmates/isolation-probe.bin

checksum() {
	cat /bin/busybox /lib/modules/*/extra/jailhouse.ko | md5sum
}

# Run the probe with command line $2 in a fresh cell; label $1.
probe() {
	step "$1: cell create" jailhouse cell create $CELL
	step "$1: load probe" jailhouse cell load subpage-demo $PROBE -s "$2" -a 0x1000
	# The cell and the hypervisor print on the same UART right after the
	# start: report its status only once they are done.
	jailhouse cell start subpage-demo
	started=$?
	sleep 1
	say "$1: start: exit $started"
	say "$1: cell state: $(cat /sys/devices/jailhouse/cells/1/state)"
	say "$1: failed CPUs: $(cat /sys/devices/jailhouse/cells/1/cpus_failed_list)"
	say "$1: root checksum unchanged: $([ "$(checksum)" = "$reference" ] && echo yes)"
	step "$1: cell destroy" jailhouse cell destroy subpage-demo
	say "$1: cpu1 online: $(cat /sys/devices/system/cpu/cpu1/online)"
}

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
reference=$(checksum)
step "jailhouse enable" jailhouse enable $ROOT_CELL
baseline=$(cat /sys/devices/jailhouse/mem_pool_used)

step "jailhouse cell create" jailhouse cell create $CELL
step "jailhouse cell load" jailhouse cell load subpage-demo /usr/share/jailhouse/inmates/uart-demo.bin
step "jailhouse cell start" jailhouse cell start subpage-demo
sleep 4
say "cell state: $(cat /sys/devices/jailhouse/cells/1/state)"
step "jailhouse cell shutdown" jailhouse cell shutdown subpage-demo
step "jailhouse cell destroy" jailhouse cell destroy subpage-demo
say "cpu1 online: $(cat /sys/devices/system/cpu/cpu1/online)"

# The UART's page, but past the cell's 0x40 bytes.
probe outside "probe-addr=0x09000040"
# Inside them (FR), but 16 bits wide: the region allows 8 and 32.
probe width "probe-addr=0x09000018 probe-size=2"

say "page pool back to baseline: $([ "$(cat /sys/devices/jailhouse/mem_pool_used)" = "$baseline" ] && echo yes)"
step "jailhouse disable" jailhouse disable
