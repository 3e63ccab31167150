#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Obtain the FreeRTOS-Kernel sources pinned by recipes-freertos/Makefile:
# the crate freertos-next VERSION from the crates.io registry, verified
# against SHA256 (the checksum crates.io's index records for it), unpacked
# once under CACHE. Prints the FreeRTOS-Kernel directory inside it.
#
#   fetch-freertos-kernel.sh VERSION SHA256 CACHE
#
# A copy of the .crate already in CACHE, or in cargo's own download cache,
# is used (after the same check) without touching the network.

set -eu

[ $# -eq 3 ] || { echo "usage: $0 VERSION SHA256 CACHE" >&2; exit 2; }
version=$1 sha256=$2 cache=$3
name=freertos-next-$version
crate=$cache/$name.crate
dir=$cache/$name

verify() {
	[ "$(sha256sum "$1" | cut -d' ' -f1)" = "$sha256" ]
}

if [ ! -f "$dir/.verified" ]; then
	mkdir -p "$cache"
	if [ ! -f "$crate" ] || ! verify "$crate"; then
		for c in "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name.crate"; do
			if [ -f "$c" ] && verify "$c"; then
				cp "$c" "$crate.tmp" && mv "$crate.tmp" "$crate"
				break
			fi
		done
	fi
	if [ ! -f "$crate" ] || ! verify "$crate"; then
		# The registry's download location (index.crates.io/config.json
		# "dl"), then its API, which redirects there.
		url=
		for u in https://static.crates.io/crates/freertos-next/$name.crate \
			 https://crates.io/api/v1/crates/freertos-next/$version/download; do
			echo "  FETCH   $u" >&2
			if curl -sSfL --retry 2 -o "$crate.tmp" "$u"; then
				url=$u
				break
			fi
		done
		[ -n "$url" ] ||
			{ echo "error: cannot download $name.crate" >&2; rm -f "$crate.tmp"; exit 1; }
		verify "$crate.tmp" || {
			echo "error: $url: sha256 $(sha256sum "$crate.tmp" | cut -d' ' -f1)," \
				"expected $sha256" >&2
			rm -f "$crate.tmp"; exit 1; }
		mv "$crate.tmp" "$crate"
	fi
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xzf "$crate" -C "$dir.tmp" --strip-components=1
	[ -f "$dir.tmp/FreeRTOS-Kernel/tasks.c" ] ||
		{ echo "error: $crate has no FreeRTOS-Kernel/tasks.c" >&2; exit 1; }
	touch "$dir.tmp/.verified"
	mv "$dir.tmp" "$dir"
fi
echo "$dir/FreeRTOS-Kernel"
