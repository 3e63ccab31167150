# SPDX-License-Identifier: GPL-2.0-only
#
# The root cell is confined by its stage-2 tables (issue 4): a read of the
# hypervisor memory, or of any physical address its config does not give
# it, is refused by the hypervisor, which names the address and the CPU
# and injects a bus error, so the offending process dies and Linux lives.
#
# Needs the kernel option "iomem=relaxed": the driver holds the hypervisor
# memory, and the GIC driver the redistributor window, as busy resources,
# so with IO_STRICT_DEVMEM (Debian's default) Linux itself would refuse
# /dev/mem access before the hypervisor could; root-isolation.append
# adds it to this scenario's kernel command line.
. /scenario-lib.sh

CELL=/usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell

if ! grep -q iomem=relaxed /proc/cmdline; then
	say "kernel option iomem=relaxed missing"
fi
step "insmod jailhouse.ko" insmod /lib/modules/$(uname -r)/extra/jailhouse.ko
# Before enable, the memory is readable (zeroes: the driver has not
# loaded anything yet, and no region is claimed).
if taskset -c 2 devmem 0x80000000 32 >/dev/null; then
	say "hypervisor memory readable before enable"
fi
step "jailhouse enable" jailhouse enable $CELL
# Pinned to a CPU so that the hypervisor's message is predictable.
if ! taskset -c 2 devmem 0x80000000 32 >/dev/null 2>&1; then
	say "read of the hypervisor memory failed"
fi
# 0x08e00000: inside QEMU's GIC window, but not given to the root (the
# hypervisor passes through only the GICD and the root CPUs' GICR frames).
if ! taskset -c 1 devmem 0x08e00000 32 >/dev/null 2>&1; then
	say "read of an unassigned address failed"
fi
sum=$(cat /bin/busybox | md5sum)
say "root still works: ${#sum}"
step "jailhouse disable" jailhouse disable
step "rmmod jailhouse" rmmod jailhouse
