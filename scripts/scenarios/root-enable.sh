# SPDX-License-Identifier: GPL-2.0-only
#
# Linux becomes the root cell and comes back (issue 4): enable, a workload
# under the hypervisor gives the same result as without it, hypercall-backed
# sysfs files, CPU 3 hot-unplugged and replugged (PSCI through the
# hypervisor), disable, repeated enable/disable, EBUSY on a second enable.
. /scenario-lib.sh

CELL=$ROOT_CELL
SYSFS=/sys/devices/jailhouse

# A workload whose result must not depend on the hypervisor.
workload() {
	i=0
	sum=
	while [ $i -lt 20 ]; do
		sum=$(cat /lib/firmware/jailhouse.bin $CELL /bin/busybox | md5sum)
		i=$((i + 1))
	done
	echo "${sum%% *}"
}

step "insmod jailhouse.ko" insmod /lib/modules/$(uname -r)/extra/jailhouse.ko
before=$(workload)
say "pool before enable: $(cat $SYSFS/mem_pool_size) $(cat $SYSFS/mem_pool_used)"

# No hypervisor ran yet: no console to show.
if ! jailhouse console >/dev/null 2>&1; then
	say "console before the first enable: refused"
fi

step "jailhouse enable" jailhouse enable $CELL
say "enabled: $(cat $SYSFS/enabled)"
# The pool is the hypervisor memory (16 MiB) behind the image's core.
core_size=$(od -An -t u8 -j 8 -N 8 /lib/firmware/jailhouse.bin | tr -d ' ')
pool=$(((16 * 1024 * 1024 - core_size) / 4096))
if [ "$(cat $SYSFS/mem_pool_size)" = "$pool" ]; then
	say "mem_pool_size: hypervisor memory minus core"
fi
used=$(cat $SYSFS/mem_pool_used)
# Per-CPU areas and the config copy (17 pages), plus the root's stage-2
# tables: a handful of pages, thanks to 1 GiB and 2 MiB blocks.
if [ "$used" -gt 17 ] && [ "$used" -lt 40 ]; then
	say "mem_pool_used: per-CPU areas, config and stage-2 tables"
else
	say "mem_pool_used: $used"
fi
if grep -q "^Page pool usage after late setup: mem $used/$pool, remap 0/0" $SYSFS/console; then
	say "console: page pool usage after late setup matches sysfs"
fi
say "remap_pool_size: $(cat $SYSFS/remap_pool_size)"
say "remap_pool_used: $(cat $SYSFS/remap_pool_used)"
if grep -q "^Activating hypervisor" $SYSFS/console; then
	say "console ring holds the boot log"
fi
# The same ring through /dev/jailhouse (the CLI strips nothing, the serial
# line would double the ring's \r).
say "console via CLI:"
jailhouse console | tr -d '\r' | grep '^Initializing Jailhouse hypervisor'
say "console via CLI: $(jailhouse console | grep -c '^Activating hypervisor') activation line"
# A blocking reader gets the ring, then waits until interrupted.
jailhouse console -f >/tmp/follow &
follow=$!
sleep 1
kill $follow
wait $follow 2>/dev/null
say "console -f: $(grep -c '^Activating hypervisor' /tmp/follow) activation line"
CELL0=$SYSFS/cells/0
say "root cell name: $(cat $CELL0/name)"
say "root cell state: $(cat $CELL0/state)"
say "root cell cpus_assigned: $(cat $CELL0/cpus_assigned), list $(cat $CELL0/cpus_assigned_list)"
say "root cell cpus_failed: $(cat $CELL0/cpus_failed), list '$(cat $CELL0/cpus_failed_list)'"
under=$(workload)
if [ "$under" = "$before" ]; then
	say "workload under the hypervisor: same result"
else
	say "workload under the hypervisor: DIFFERENT ($under vs $before)"
fi
# CPU hot-unplug and replug under the hypervisor: PSCI CPU_OFF parks CPU 3
# in the hypervisor, CPU_ON resumes it at EL1, still on the hypervisor.
if echo 0 >/sys/devices/system/cpu/cpu3/online; then
	say "cpu3 unplugged, online: $(cat /sys/devices/system/cpu/online)"
fi
if ! jailhouse disable 2>/dev/null; then
	say "disable refused while a CPU is offline, enabled: $(cat $SYSFS/enabled)"
fi
if echo 1 >/sys/devices/system/cpu/cpu3/online; then
	say "cpu3 replugged, online: $(cat /sys/devices/system/cpu/online)"
fi
# Work on every CPU, the replugged one included.
replug=$(taskset -c 3 sh -c 'cat /lib/firmware/jailhouse.bin | md5sum')
if [ "${replug%% *}" = "$(md5sum </lib/firmware/jailhouse.bin | cut -d ' ' -f 1)" ]; then
	say "cpu3 computes after replug"
fi
under=$(workload)
if [ "$under" = "$before" ]; then
	say "workload after replug: same result"
fi
# Exit statistics of the root cell after the workload. The CPU 3
# unplug/replug above went through trapped PSCI calls (CPU_OFF, CPU_ON),
# so the PSCI counter must have moved; reading these files is itself done
# with hypercalls, so that counter proves less.
if [ "$(cat $CELL0/statistics/vmexits_psci)" -ge 1 ]; then
	say "PSCI exits counted"
fi
for stat in $CELL0/statistics/vmexits_*; do
	say "root cell ${stat##*/}: $(cat $stat)"
done
n=0
for cpu in $CELL0/statistics/cpu*; do
	say "${cpu##*/} vmexits_total: $(cat $cpu/vmexits_total)"
	n=$((n + 1))
done
say "per-CPU statistics directories: $n"
# The module is pinned while the hypervisor runs.
if ! rmmod jailhouse 2>/dev/null; then
	say "rmmod refused while enabled"
fi
if ! jailhouse enable $CELL 2>/tmp/err; then
	say "second enable refused: $(grep -o 'busy' /tmp/err | head -n 1)"
fi
step "jailhouse disable" jailhouse disable
say "enabled: $(cat $SYSFS/enabled)"
if [ ! -e $CELL0 ]; then
	say "cells/0 removed"
fi
say "console after disable: $(jailhouse console | grep -c '^Shutting down hypervisor') shutdown line"
after=$(workload)
if [ "$after" = "$before" ]; then
	say "workload after disable: same result"
fi

ok=0
n=0
while [ $n -lt 20 ]; do
	jailhouse enable $CELL && [ "$(cat $SYSFS/enabled)" = 1 ] &&
		jailhouse disable && [ "$(cat $SYSFS/enabled)" = 0 ] &&
		ok=$((ok + 1))
	n=$((n + 1))
done
say "enable/disable cycles: $ok/$n"

# A corrupted config is refused and changes nothing.
dd if=$CELL of=/tmp/bad.cell bs=1 count=6 2>/dev/null
printf 'X' >>/tmp/bad.cell
dd if=$CELL of=/tmp/bad.cell bs=1 skip=7 seek=7 2>/dev/null
if ! jailhouse enable /tmp/bad.cell 2>/dev/null; then
	say "corrupted config refused, enabled: $(cat $SYSFS/enabled)"
fi

step "jailhouse disable while disabled" jailhouse disable 2>/dev/null
step "rmmod jailhouse" rmmod jailhouse
