# SPDX-License-Identifier: GPL-2.0-only
#
# Interrupts in a cell: gic-demo programs the virtual timer at 10 Hz and
# prints the latency of every tick; then the same cell runs uart-demo
# loaded as an ELF64 image (segments placed at their physical addresses).
#
# The cell prints on the same UART as this script: while it runs, the
# script stays silent, and reports the statuses once the cell is shut down.
. /scenario-lib.sh

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
step "jailhouse enable" jailhouse enable $ROOT_CELL
step "jailhouse cell create" jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
step "load gic-demo" jailhouse cell load inmate-demo /usr/share/jailhouse/inmates/gic-demo.bin
jailhouse cell start inmate-demo
started=$?
sleep 3
jailhouse cell shutdown inmate-demo
stopped=$?
say "start gic-demo: exit $started"
say "shutdown gic-demo: exit $stopped"
step "cell stats" jailhouse cell stats inmate-demo
say "virt_irq exits: $([ "$(cat /sys/devices/jailhouse/cells/1/statistics/vmexits_virt_irq)" -gt 10 ] && echo many)"
step "load uart-demo.elf" jailhouse cell load inmate-demo /usr/share/jailhouse/inmates/uart-demo.elf
jailhouse cell start inmate-demo
started=$?
sleep 3
jailhouse cell shutdown inmate-demo
stopped=$?
say "start uart-demo.elf: exit $started"
say "shutdown uart-demo.elf: exit $stopped"
step "jailhouse cell destroy" jailhouse cell destroy inmate-demo
step "jailhouse disable" jailhouse disable
