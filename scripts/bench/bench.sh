# SPDX-License-Identifier: GPL-2.0-only
#
# The guest side of `make bench`, run by /init under QEMU -icount
# shift=4,sleep=off (one counter tick = one instruction = 16 ns). Every
# figure is printed as a "[bench] ..." line that `jailhouse-devtools
# bench-report` turns into the table; the serial output of the cells
# (exit-bench's and gic-demo's lines) is parsed too.
#
# Kernel command-line words set the length: jhbench.ticks=N (gic-demo
# timer ticks per latency phase, 10 per second), jhbench.rounds=N
# (exit-bench rounds per exit kind), jhbench.cycles=N (quiet-demo
# create/destroy cycles during the loaded latency phase).
#
# While a cell prints on the shared UART this script stays silent.
. /scenario-lib.sh

arg() {
	for word in $(cat /proc/cmdline); do
		case $word in jhbench.$1=*) echo "${word#*=}"; return ;; esac
	done
	echo "$2"
}
TICKS=$(arg ticks 250)
ROUNDS=$(arg rounds 1000)
CYCLES=$(arg cycles 10)
CELLS=/usr/share/jailhouse/cells
INMATES=/usr/share/jailhouse/inmates
SYS=/sys/devices/jailhouse

bench() {
	echo "[bench] $*"
}

# timed LABEL CMD...: run CMD under vcount; "[bench] LABEL: ticks N".
timed() {
	label=$1
	shift
	if vcount -o /tmp/timed "$@" >/tmp/timed.out 2>&1; then
		set -- $(cat /tmp/timed)
		bench "$label: ticks $2"
	else
		bench "$label: failed: $(tr '\n' ' ' </tmp/timed.out)"
	fi
}

# The root cell's exit counters, as "name value" lines.
root_exits() {
	for f in $SYS/cells/0/statistics/vmexits_*; do
		echo "${f##*/} $(cat "$f")"
	done
}

# exits_between LABEL BEFORE AFTER TICKS: one line per counter.
exits_between() {
	echo "$2" >/tmp/before
	echo "$3" >/tmp/after
	while read -r name before && read -r _ after <&3; do
		bench "$1: $name $((after - before)) in $4 ticks"
	done </tmp/before 3</tmp/after
}

# A fixed workload for the root: checksums of the installed files.
workload() {
	i=0
	while [ $i -lt 10 ]; do
		md5sum /lib/firmware/jailhouse.bin /bin/busybox $CELLS/* $INMATES/* >/dev/null
		i=$((i + 1))
	done
}

# A memory-heavy workload: 32 MiB written to tmpfs, read back, removed.
memory_workload() {
	i=0
	while [ $i -lt 4 ]; do
		dd if=/dev/zero of=/tmp/fill bs=1M count=32 2>/dev/null
		md5sum /tmp/fill >/dev/null
		rm -f /tmp/fill
		i=$((i + 1))
	done
}

bench "parameters: ticks $TICKS rounds $ROUNDS cycles $CYCLES"
cd /lib/modules/$(uname -r)/extra && insmod jailhouse.ko
cd /
bench "jailhouse.bin: bytes $(wc -c </lib/firmware/jailhouse.bin)"

timed "jailhouse enable" jailhouse enable $ROOT_CELL
bench "pool: size $(cat $SYS/mem_pool_size)"
bench "pool used after enable: $(cat $SYS/mem_pool_used)"

# Root exits per second, idle and under the workload.
before=$(root_exits); c0=$(vcount); sleep 5; c1=$(vcount); after=$(root_exits)
exits_between "root idle" "$before" "$after" $((c1 - c0))
before=$(root_exits); c0=$(vcount); workload; c1=$(vcount); after=$(root_exits)
exits_between "root workload" "$before" "$after" $((c1 - c0))

# Life-cycle costs, and the exit costs exit-bench measures in the cell.
timed "jailhouse cell create" jailhouse cell create $CELLS/qemu-arm64-inmate-demo.cell
bench "pool used after cell create: $(cat $SYS/mem_pool_used)"
timed "jailhouse cell load" jailhouse cell load inmate-demo $INMATES/exit-bench.bin \
	-s "rounds=$ROUNDS" -a 0x1000
vcount -o /tmp/start jailhouse cell start inmate-demo
status=$?
sleep 2
set -- $(cat /tmp/start)
bench "jailhouse cell start: status $status, counter $1, ticks $2"
for f in $SYS/cells/1/statistics/vmexits_*; do
	bench "exit-bench cell: ${f##*/} $(cat "$f")"
done
timed "jailhouse cell destroy" jailhouse cell destroy inmate-demo
bench "pool used after cell destroy: $(cat $SYS/mem_pool_used)"

# latency PHASE: gic-demo in inmate-demo for $TICKS ticks while "$@" runs
# in the root (nothing for the idle phase). The cell's exit counters are
# read before it is shut down and printed after it stopped printing.
latency() {
	phase=$1
	shift
	jailhouse cell create $CELLS/qemu-arm64-inmate-demo.cell &&
		jailhouse cell load inmate-demo $INMATES/gic-demo.bin ||
		{ bench "$phase: cell setup failed"; return; }
	bench "phase $phase"
	c0=$(vcount)
	jailhouse cell start inmate-demo
	"$@"
	# Until $TICKS ticks of 100 ms (6250000 counter ticks) have passed
	# since the start, and five more.
	left=$(( (TICKS + 5) * 6250000 - ($(vcount) - c0) ))
	[ $left -gt 0 ] && sleep $(( left / 62500000 + 1 ))
	total=$(cat $SYS/cells/1/statistics/vmexits_total)
	virq=$(cat $SYS/cells/1/statistics/vmexits_virt_irq)
	jailhouse cell shutdown inmate-demo
	jailhouse cell destroy inmate-demo
	bench "phase $phase end"
	bench "$phase: cell exits $total, of which interrupt injections $virq"
}

nothing() {
	:
}

# Another cell's whole life cycle, $CYCLES times, beside a memory-heavy
# root workload; the results are written to /tmp and reported afterwards.
disturb() {
	memory_workload &
	ok=0
	i=0
	while [ $i -lt $CYCLES ]; do
		if jailhouse cell create $CELLS/qemu-arm64-quiet-demo.cell >/dev/null 2>&1 &&
			jailhouse cell load quiet-demo $INMATES/exit-bench.bin >/dev/null 2>&1 &&
			jailhouse cell start quiet-demo >/dev/null 2>&1 &&
			jailhouse cell destroy quiet-demo >/dev/null 2>&1; then
			ok=$((ok + 1))
		fi
		i=$((i + 1))
	done
	wait
	echo "$ok" >/tmp/disturb
}

latency "latency idle" nothing
latency "latency disturbed" disturb
bench "quiet-demo life cycles during the disturbed phase: $(cat /tmp/disturb)/$CYCLES"

timed "jailhouse disable" jailhouse disable
bench "done"
