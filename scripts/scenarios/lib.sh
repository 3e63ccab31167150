# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for scenario scripts (sourced inside the guest). Every line a
# scenario wants judged is printed with say(), so it starts with
# "[scenario] " and cannot be confused with kernel output.

say() {
	echo "[scenario] $*"
}

# Run a command and report its exit status in a fixed form:
#   [scenario] <label>: ok            (status 0)
#   [scenario] <label>: exit <status>
step() {
	label=$1
	shift
	if "$@"; then
		say "$label: ok"
	else
		say "$label: exit $?"
	fi
}

# Quiet the kernel console down to warnings and errors so that kernel
# messages rarely interleave with scenario lines.
dmesg -n 4

# The root cell config for the machine's GIC: scenarios run unchanged on
# QEMU's gic-version=3 (the default) and gic-version=2 (make GIC=2).
if grep -qs gic-v3 /proc/device-tree/intc@*/compatible; then
	ROOT_CELL=/usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell
else
	ROOT_CELL=/usr/share/jailhouse/cells/qemu-arm64-gicv2-demo.cell
fi
