# SPDX-License-Identifier: GPL-2.0-only
#
# Endurance: create, load, start and destroy the inmate-demo cell 50
# times in a row; the page pool must come back to where it started and
# CPU 1 must be Linux's again after every round.
. /scenario-lib.sh

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
step "jailhouse enable" jailhouse enable $ROOT_CELL
before=$(cat /sys/devices/jailhouse/mem_pool_used)
failures=0
i=1
while [ $i -le 50 ]; do
	jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell &&
	jailhouse cell load inmate-demo /usr/share/jailhouse/inmates/uart-demo.bin &&
	jailhouse cell start inmate-demo &&
	jailhouse cell destroy inmate-demo &&
	[ "$(cat /sys/devices/system/cpu/cpu1/online)" = 1 ] || {
		failures=$((failures + 1))
		say "round $i failed"
	}
	i=$((i + 1))
done
after=$(cat /sys/devices/jailhouse/mem_pool_used)
say "50 rounds, $failures failed"
say "mem_pool_used before: $before"
say "mem_pool_used after: $after"
if [ "$before" = "$after" ]; then say "page pool back to its baseline"; fi
step "jailhouse disable" jailhouse disable
