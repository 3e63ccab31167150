# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's IPIs under the hypervisor, under load: while gic-demo ticks in a
# cell on CPU 1, the root runs four md5sum loops at once (rescheduling and
# function-call IPIs between its CPUs) and hot-unplugs and replugs CPU 3
# ten times (stop_machine: every root CPU must answer its IPIs). Every
# checksum must be right, every hotplug must succeed, RCU must never
# report a stall; then the cell still shuts down and disable gives the
# CPUs back. Written for make GIC=2 (IPIs as trapped GICD_SGIR writes,
# forwarded with their source CPU), runs on a GICv3 too.
#
# The cell prints on the same UART as this script: while it runs, the
# script stays silent, and reports once the cell is shut down.
. /scenario-lib.sh

DATA=/bin/busybox
REF=$(md5sum <$DATA | cut -d ' ' -f 1)

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
step "jailhouse enable" jailhouse enable $ROOT_CELL
step "jailhouse cell create" jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
step "load gic-demo" jailhouse cell load inmate-demo /usr/share/jailhouse/inmates/gic-demo.bin
jailhouse cell start inmate-demo
started=$?
for n in 1 2 3 4; do
	(
		i=0
		bad=0
		while [ $i -lt 40 ]; do
			sum=$(md5sum <$DATA)
			[ "${sum%% *}" = "$REF" ] || bad=$((bad + 1))
			i=$((i + 1))
		done
		echo $bad >/tmp/bad$n
	) &
done
plugged=0
k=0
while [ $k -lt 10 ]; do
	echo 0 >/sys/devices/system/cpu/cpu3/online &&
		echo 1 >/sys/devices/system/cpu/cpu3/online &&
		plugged=$((plugged + 1))
	k=$((k + 1))
done
wait
ticks=$(cat /sys/devices/jailhouse/cells/1/statistics/vmexits_virt_irq)
jailhouse cell shutdown inmate-demo
stopped=$?
say "start gic-demo: exit $started"
say "shutdown gic-demo: exit $stopped"
say "cpu3 hotplug cycles under load: $plugged/10"
say "wrong checksums: $(cat /tmp/bad1 /tmp/bad2 /tmp/bad3 /tmp/bad4 | tr '\n' ' ')"
say "cell timer fired meanwhile: $([ "$ticks" -gt 10 ] && echo yes || echo "no ($ticks)")"
say "online: $(cat /sys/devices/system/cpu/online)"
step "jailhouse cell destroy" jailhouse cell destroy inmate-demo
say "cpu1 online after destroy: $(cat /sys/devices/system/cpu/cpu1/online)"
step "jailhouse disable" jailhouse disable
sum=$(md5sum <$DATA)
say "checksum after disable: $([ "${sum%% *}" = "$REF" ] && echo right || echo wrong)"
say "RCU stall reports: $(dmesg | grep -c 'rcu.*stall')"
