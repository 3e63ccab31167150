# SPDX-License-Identifier: GPL-2.0-only
#
# A hostile cell: the isolation probe reads root RAM (guest-physical
# 0x40000000, not in its config). The hypervisor must park its CPU and
# fail the cell, while root Linux keeps running a workload whose result
# stays the same.
. /scenario-lib.sh

workload() {
	i=0
	while [ $i -lt 20 ]; do
		cat /bin/busybox /lib/modules/*/extra/jailhouse.ko | md5sum
		i=$((i + 1))
	done | sort -u | wc -l
}

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
reference=$(cat /bin/busybox /lib/modules/*/extra/jailhouse.ko | md5sum)
step "jailhouse enable" jailhouse enable $ROOT_CELL
step "jailhouse cell create" jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
step "load isolation-probe" jailhouse cell load 1 /usr/share/jailhouse/inmates/isolation-probe.bin
workload > /tmp/distinct &
# The cell and the hypervisor print on the same UART right after the
# start: report its status only once they are done.
jailhouse cell start 1
started=$?
wait
say "start isolation-probe: exit $started"
say "workload results: $(cat /tmp/distinct) distinct"
say "workload result unchanged: $([ "$(cat /bin/busybox /lib/modules/*/extra/jailhouse.ko | md5sum)" = "$reference" ] && echo yes)"
sleep 1
say "cell state: $(cat /sys/devices/jailhouse/cells/1/state)"
say "failed CPUs: $(cat /sys/devices/jailhouse/cells/1/cpus_failed_list)"
jailhouse cell list
step "jailhouse cell destroy" jailhouse cell destroy 1
say "cpu1 online: $(cat /sys/devices/system/cpu/cpu1/online)"
step "jailhouse disable" jailhouse disable
