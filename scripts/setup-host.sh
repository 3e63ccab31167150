#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare a Debian 12 (bookworm) x86_64 host to build and test jailhouse-rs.
# Idempotent: every step checks whether its result is already there.
#
#   scripts/setup-host.sh            apt packages + the test kernel
#   scripts/setup-host.sh --packages apt packages only
#   scripts/setup-host.sh --kernel   the test kernel only (prints nothing else)
#
# The arm64 test kernel, its headers and busybox are fetched with
# `apt-get download` into $JH_CACHE (default ~/.cache/jailhouse-rs) and
# unpacked there; nothing is installed into the host's arm64 dpkg database.
# On success the last line printed is the directory of the prepared kernel.

set -euo pipefail

JH_CACHE=${JH_CACHE:-$HOME/.cache/jailhouse-rs}

die() {
	echo "setup-host: error: $*" >&2
	exit 1
}

log() {
	echo "setup-host: $*" >&2
}

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

# Host packages. rustc-web/cargo-web/rust-web-src give a toolchain able to
# build `core`/`std` for targets that rustup has not installed.
PACKAGES=(
	make gcc libc6-dev bc flex bison libelf-dev kmod file xz-utils zstd
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm cpio device-tree-compiler
	rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web lld
	ca-certificates debian-archive-keyring
)

apt_updated=
apt_update_once() {
	if [ -z "$apt_updated" ]; then
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
			die "apt-get update failed"
		apt_updated=1
	fi
}

install_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "host packages present"
		return
	fi
	log "installing: ${missing[*]}"
	apt_update_once
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install failed for: ${missing[*]}"
}

ensure_arm64_arch() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "adding dpkg architecture arm64 (for apt-get download only)"
		as_root dpkg --add-architecture arm64
		apt_updated=
	fi
	# Make sure the package lists know the arm64 kernel.
	if ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1; then
		apt_update_once
	fi
}

# Resolve a metapackage to the versioned package it depends on.
resolve_dep() {
	local meta=$1 pattern=$2
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^  Depends: <\?\([^:>]*\).*$/\1/p' |
		grep -x "$pattern" | head -n1
}

download() {
	# $1: directory, rest: package specs
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && apt-get download -q "$@" >&2) ||
		die "cannot download $* (is the Debian archive reachable?)"
}

prepare_kernel() {
	ensure_arm64_arch
	local image headers common kbuild kver dir
	image=$(resolve_dep linux-image-arm64:arm64 'linux-image-[0-9.]*-[0-9]*-arm64')
	[ -n "$image" ] || die "cannot resolve linux-image-arm64:arm64 in apt's lists"
	kver=${image#linux-image-}
	headers=linux-headers-$kver
	common=$(resolve_dep "$headers:arm64" 'linux-headers-[0-9.]*-[0-9]*-common')
	kbuild=$(resolve_dep "$headers:arm64" 'linux-kbuild-[0-9.]*')
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		die "cannot resolve the dependencies of $headers"
	dir=$JH_CACHE/kernel/$kver
	if [ -f "$dir/.prepared" ]; then
		ln -sfn "$dir" "$JH_CACHE/kernel/current"
		echo "$dir"
		return
	fi
	log "fetching Debian arm64 kernel $kver"
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	# The kbuild package must be the amd64 one: its host programs
	# (fixdep, modpost) run on this machine.
	download "$dir/debs" "$image:arm64" "$headers:arm64" "$common:all" \
		"$kbuild:amd64" busybox-static:arm64
	local deb
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root" || die "cannot unpack $deb"
	done
	local hdr=$dir/root/usr/src/$headers
	[ -d "$hdr" ] || die "headers missing after unpacking: $hdr"
	# The arm64 headers' Makefile includes the common tree by absolute path;
	# point it into the cache. Absolute symlinks get the same treatment.
	sed -i "s|/usr/src/$common|$dir/root/usr/src/$common|g" "$hdr/Makefile"
	local l target
	while IFS= read -r l; do
		target=$(readlink "$l")
		case "$target" in
		/*) ln -sfn "$dir/root$target" "$l" ;;
		esac
	done < <(find "$dir/root/usr/src" "$dir/root/usr/lib" -maxdepth 3 -type l)
	ln -sfn "$hdr" "$dir/build"
	ln -sfn "$(ls "$dir"/root/boot/vmlinuz-*)" "$dir/vmlinuz"
	ln -sfn "$dir/root/bin/busybox" "$dir/busybox"
	[ -x "$dir/busybox" ] || die "busybox-static did not unpack"
	echo "$kver" >"$dir/version"
	touch "$dir/.prepared"
	ln -sfn "$dir" "$JH_CACHE/kernel/current"
	log "kernel $kver prepared in $dir"
	echo "$dir"
}

case "${1:-}" in
--packages)
	install_packages
	;;
--kernel)
	prepare_kernel
	;;
"")
	install_packages
	prepare_kernel
	;;
*)
	die "unknown option $1 (use --packages or --kernel)"
	;;
esac
