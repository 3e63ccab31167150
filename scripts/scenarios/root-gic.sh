# SPDX-License-Identifier: GPL-2.0-only
#
# The root cell's GIC accesses are filtered (issue 4): the root reaches
# the distributor and the redistributors only through the hypervisor,
# which lets it program its own interrupts and nothing of a non-root
# cell's. While gic-demo ticks in a cell on CPU 1 (virtual timer, PPI 27)
# and owns SPI 144, the root writes through /dev/mem to disable every PPI
# of CPU 1, to disable SPI 144 and to route it to CPU 0; the cell's timer
# keeps firing, and the root reads nothing of what it does not own.
# (Linux, booted at EL2 without VHE, ticks with the EL1 physical timer,
# PPI 30.)
#
# root-gic.append adds iomem=relaxed: the GIC driver claims the frames,
# and /dev/mem stays closed for claimed regions without it.
#
# Addresses (QEMU virt, GICv3): GICD 0x08000000; CPU n's redistributor
# at 0x080a0000 + n * 0x20000, its SGI/PPI frame 0x10000 above.
. /scenario-lib.sh

GICD=0x08000000
CPU1_ISENABLER0=0x080d0100
CPU1_ICENABLER0=0x080d0180
SPI144_ICENABLER=0x08000190
SPI144_IROUTER=0x08006480
STATS=/sys/devices/jailhouse/cells/1/statistics/vmexits_virt_irq

cd /lib/modules/$(uname -r)/extra && step "insmod jailhouse.ko" insmod jailhouse.ko
cd /
step "jailhouse enable" jailhouse enable /usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell
typer=$(devmem $((GICD + 4)) 32)
say "root reads GICD_TYPER: $([ $((typer & 0x1f)) -gt 0 ] && echo ITLinesNumber $((typer & 0x1f)))"
ppis=$(devmem $CPU1_ISENABLER0 32)
say "CPU 1 is the root's, its timer PPI 30 enabled: $([ $((ppis & (1 << 30))) -ne 0 ] && echo yes || echo no)"

step "jailhouse cell create" jailhouse cell create /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell
step "load gic-demo" jailhouse cell load inmate-demo /usr/share/jailhouse/inmates/gic-demo.bin
jailhouse cell start inmate-demo
started=$?
sleep 1
before=$(cat $STATS)
devmem $CPU1_ICENABLER0 32 0xffff0000
devmem $SPI144_ICENABLER 32 0x00010000
devmem $SPI144_IROUTER 64 0
cell_ppis=$(devmem $CPU1_ISENABLER0 32)
route=$(devmem $SPI144_IROUTER 64)
sleep 2
after=$(cat $STATS)
jailhouse cell shutdown inmate-demo
stopped=$?
say "start gic-demo: exit $started"
say "shutdown gic-demo: exit $stopped"
ticks=$((after - before))
say "cell timer kept firing after the root's writes: $([ $ticks -ge 10 ] && echo yes || echo "no ($ticks interrupts)")"
say "root reads CPU 1's PPI enables as: $cell_ppis"
say "root reads SPI 144's route as: $route"

step "jailhouse cell destroy" jailhouse cell destroy inmate-demo
ppis=$(devmem $CPU1_ISENABLER0 32)
say "CPU 1 is the root's again, its timer PPI 30 enabled: $([ $((ppis & (1 << 30))) -ne 0 ] && echo yes || echo no)"
step "jailhouse disable" jailhouse disable
