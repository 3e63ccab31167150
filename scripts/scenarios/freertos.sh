# SPDX-License-Identifier: GPL-2.0-only
#
# FreeRTOS in a cell, as openEuler runs it: create the freertos cell on
# CPU 1, load FreeRTOS.bin at guest address 0, start it, watch the banner
# and the progress lines (two tasks and a queue, a software timer, the
# tick), shut it down through the comm-region protocol (FreeRTOS approves
# the request), destroy the cell and get CPU 1 back.
#
# The progress lines' tick counts are checked here too, not only matched:
# FreeRTOS notes each progress report and its shutdown in a status record
# at offset 0x1000 of its RAM (recipes-freertos/bsp/status.c), which the
# root reads through /dev/mem once the cell is shut down and its RAM is
# the root's again.
#
# The cell prints on the same UART as this script: while it runs, the
# script stays silent, and reports the statuses once the cell is shut down.
. /scenario-lib.sh

# The freertos cell's RAM (conf/arm64/qemu-arm64-freertos-demo.c).
STATUS=$((0x85000000 + 0x1000))
STATUS_MAGIC=$((0x534f5452))

# Word at byte offset $1 of the status record, in decimal ("" if unreadable).
status_word() {
	v=$(devmem $((STATUS + $1)) 32 2>/dev/null) && echo $((v))
}

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
step "jailhouse enable" jailhouse enable $ROOT_CELL
baseline=$(cat /sys/devices/jailhouse/mem_pool_used)
step "jailhouse cell create" jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-freertos-demo.cell
step "jailhouse cell load" jailhouse cell load 1 /usr/share/jailhouse/inmates/FreeRTOS.bin -a 0x0
jailhouse cell start 1
started=$?
# One progress line a second: at least 5 in 8 seconds.
sleep 8
jailhouse cell shutdown 1
stopped=$?
say "start FreeRTOS: exit $started"
say "shutdown FreeRTOS: exit $stopped"
say "state after shutdown: $(cat /sys/devices/jailhouse/cells/1/state)"

if [ "$(status_word 0)" = "$STATUS_MAGIC" ]; then
	say "status record: found"
else
	say "status record: missing"
fi
reports=$(status_word 4)
[ "${reports:-0}" -ge 5 ] && say "progress reports: at least 5" ||
	say "progress reports: ${reports:-unreadable}"
# Each report's tick count must exceed the previous one by one timer
# period, 1000 ticks (a little slack for a late timer task).
verdict="increasing, about 1000 apart"
prev=0
i=0
while [ $i -lt "${reports:-0}" ] && [ $i -lt 64 ]; do
	tick=$(status_word $((0x18 + 4 * i)))
	delta=$((${tick:-0} - prev))
	if [ $delta -lt 950 ] || [ $delta -gt 1050 ]; then
		verdict="report $i at tick ${tick:-?} after tick $prev"
		break
	fi
	prev=$tick
	i=$((i + 1))
done
say "tick counts: $verdict"
[ "$(status_word 8)" = 1 ] && [ "$(status_word 0x10)" -ge $prev ] &&
	say "shutdown approved by FreeRTOS: yes" ||
	say "shutdown approved by FreeRTOS: no"
say "queue errors: $(status_word 0xc)"

step "jailhouse cell destroy" jailhouse cell destroy 1
say "cpu1 online: $(cat /sys/devices/system/cpu/cpu1/online)"
after=$(cat /sys/devices/jailhouse/mem_pool_used)
[ "$after" = "$baseline" ] && say "mem_pool_used back to baseline: yes" ||
	say "mem_pool_used before $baseline after $after"
step "jailhouse disable" jailhouse disable
