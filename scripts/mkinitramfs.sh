#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the initramfs of a QEMU test run.
#
#   mkinitramfs.sh OUT.cpio.gz STAGING BUSYBOX SCENARIO [TOOL...]
#
# STAGING is a `make install DESTDIR=...` tree (module, firmware, CLI,
# cells, inmates); BUSYBOX a static arm64 busybox; SCENARIO a shell script
# that /init runs after mounting the usual file systems. Each TOOL (a
# static arm64 program, e.g. the benchmarks' vcount) lands in /usr/bin.
# The machine powers off when the scenario ends.

set -euo pipefail

[ $# -ge 4 ] || { echo "usage: $0 OUT.cpio.gz STAGING BUSYBOX SCENARIO [TOOL...]" >&2; exit 2; }
out=$1 staging=$2 busybox=$3 scenario=$4
shift 4
for f in "$staging" "$busybox" "$scenario" "$@"; do
	[ -e "$f" ] || { echo "mkinitramfs: missing $f" >&2; exit 1; }
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

cp -a "$staging/." "$root/"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,etc}
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
mkdir -p "$root/usr/bin"
for tool in "$@"; do
	install -m 755 "$tool" "$root/usr/bin/"
done
cp "$scenario" "$root/scenario.sh"
chmod 755 "$root/scenario.sh"
# Helpers every scenario may use.
cp "$(dirname "$0")/scenarios/lib.sh" "$root/scenario-lib.sh"

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
echo "[init] running scenario"
sh /scenario.sh
echo "[init] scenario exited with status $?"
sync
poweroff -f
INIT
chmod 755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet --owner=0:0) |
	gzip -1 >"$out"
