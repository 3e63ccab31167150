# SPDX-License-Identifier: GPL-2.0-only
#
# Linux becomes the root cell and comes back (issue 4): enable, a workload
# under the hypervisor gives the same result as without it, hypercall-backed
# sysfs files, disable, repeated enable/disable, EBUSY on a second enable.
. /scenario-lib.sh

CELL=/usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell
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

step "jailhouse enable" jailhouse enable $CELL
say "enabled: $(cat $SYSFS/enabled)"
# The pool is the hypervisor memory (16 MiB) behind the image's core.
core_size=$(od -An -t u8 -j 8 -N 8 /lib/firmware/jailhouse.bin | tr -d ' ')
pool=$(((16 * 1024 * 1024 - core_size) / 4096))
if [ "$(cat $SYSFS/mem_pool_size)" = "$pool" ]; then
	say "mem_pool_size: hypervisor memory minus core"
fi
say "mem_pool_used: $(cat $SYSFS/mem_pool_used)"
if grep -q "^Page pool usage after late setup: mem 17/$pool, remap 0/0" $SYSFS/console; then
	say "console: page pool usage after late setup matches sysfs"
fi
say "remap_pool_size: $(cat $SYSFS/remap_pool_size)"
say "remap_pool_used: $(cat $SYSFS/remap_pool_used)"
if grep -q "^Activating hypervisor" $SYSFS/console; then
	say "console ring holds the boot log"
fi
under=$(workload)
if [ "$under" = "$before" ]; then
	say "workload under the hypervisor: same result"
else
	say "workload under the hypervisor: DIFFERENT ($under vs $before)"
fi
# The module is pinned while the hypervisor runs.
if ! rmmod jailhouse 2>/dev/null; then
	say "rmmod refused while enabled"
fi
if ! jailhouse enable $CELL 2>/tmp/err; then
	say "second enable refused: $(grep -o 'busy' /tmp/err | head -n 1)"
fi
step "jailhouse disable" jailhouse disable
say "enabled: $(cat $SYSFS/enabled)"
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
