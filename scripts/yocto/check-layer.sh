#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Offline checks of meta-jailhouse-rs (part of `make yocto-check`):
#  1. oelint-adv on every recipe, include, class, append and conf, for
#     kirkstone and scarthgap, with openEuler's constants
#     (../shared/tools/oelint-openeuler.json, or the copy named by
#     $OELINT_CONSTANTS); every finding of every severity fails. Only
#     oelint.vars.homepageping is suppressed: it needs the network.
#  2. BitBake's own parser on all of it (scripts/yocto/bbparse.py), with the
#     appends evaluated with and without jailhouse in MCS_FEATURES.
#  3. The RPi4 overlay compiles and applies to the upstream
#     bcm2711-rpi-4-b.dtb (from the Debian test kernel's package).
#
# Usage: check-layer.sh <scratch dir>
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(realpath -m "${1:?usage: check-layer.sh <scratch dir>}")
layer=$src/meta-jailhouse-rs
bin=$("$src/scripts/setup-host.sh" --python-tools)
constants=${OELINT_CONSTANTS:-$src/../shared/tools/oelint-openeuler.json}
[ -f "$constants" ] || { echo "check-layer: $constants not found (set OELINT_CONSTANTS)" >&2; exit 1; }
rm -rf "$scratch"
mkdir -p "$scratch"

mapfile -t files < <(cd "$src" && find meta-jailhouse-rs -type f \( -name '*.bb' -o -name '*.bbappend' \
	-o -name '*.bbclass' -o -name '*.inc' -o -name '*.conf' \) | sort)
for release in kirkstone scarthgap; do
	echo "oelint-adv --release $release --mode all --suppress oelint.vars.homepageping --constantmods=+$(basename "$constants") (${#files[@]} files)"
	(cd "$src" && "$bin/oelint-adv" --release "$release" --mode all --relpaths --quiet \
		--suppress oelint.vars.homepageping --constantmods=+"$constants" "${files[@]}") || {
		echo "check-layer: oelint-adv ($release) has findings" >&2
		exit 1
	}
	echo "oelint-adv ($release): no findings"
done

echo "BitBake parser (bb from bitbake-setup $("$bin/python3" -c 'import importlib.metadata as m; print(m.version("bitbake-setup"))'))"
"$bin/python3" "$src/scripts/yocto/bbparse.py" "$layer" "$scratch/bbparse"

dts=$layer/dynamic-layers/raspberrypi/recipes-bsp/jailhouse-overlay/files/jailhouse-overlay.dts
base=$(ls "${JH_CACHE:-$HOME/.cache/jailhouse-rs}"/kernel/current/root/usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb 2>/dev/null | head -n1 || true)
dtc -@ -Wno-avoid_default_addr_size -I dts -O dtb -o "$scratch/jailhouse-overlay.dtbo" "$dts"
if [ -n "$base" ]; then
	fdtoverlay -i "$base" -o "$scratch/bcm2711-rpi-4-b-jailhouse.dtb" "$scratch/jailhouse-overlay.dtbo"
	reg=$(fdtget -t x "$scratch/bcm2711-rpi-4-b-jailhouse.dtb" /reserved-memory/jailhouse@10000000 reg)
	nomap=no
	fdtget "$scratch/bcm2711-rpi-4-b-jailhouse.dtb" /reserved-memory/jailhouse@10000000 no-map >/dev/null && nomap=yes
	echo "jailhouse-overlay.dtbo on $(basename "$base"): /reserved-memory/jailhouse@10000000 reg = <$reg>, no-map: $nomap"
	[ "$reg" = "0 10000000 10000000" ] && [ "$nomap" = yes ] || {
		echo "check-layer: the overlay does not reserve 0x10000000-0x1fffffff" >&2
		exit 1
	}
else
	echo "check-layer: no bcm2711-rpi-4-b.dtb in the test kernel; overlay only compiled" >&2
fi
echo "check-layer: meta-jailhouse-rs passed"
