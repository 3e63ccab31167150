#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare a Debian 12 (bookworm) x86_64 host to build and test jailhouse-rs.
# Idempotent: every step checks whether its result is already there.
#
#   scripts/setup-host.sh                apt packages, test kernel, kernel lines
#   scripts/setup-host.sh --packages     apt packages only
#   scripts/setup-host.sh --kernel       the test kernel only (prints nothing else)
#   scripts/setup-host.sh --kernel-lines the test kernel and the other kernel lines
#   scripts/setup-host.sh --python-tools the Yocto checkers' venv only (prints its bin dir)
#
# The arm64 test kernel, its headers and busybox are fetched with
# `apt-get download` into $JH_CACHE (default ~/.cache/jailhouse-rs) and
# unpacked there; nothing is installed into the host's arm64 dpkg database.
# $JH_CACHE/kernel/current is the test kernel (the QEMU tests boot it).
# With --kernel, the one line printed is its directory.
#
# Kernel lines: the module is also built against the arm64 headers of
# Debian bullseye (Linux 5.10) and trixie (6.12), fetched from the mirror
# of the host's own apt sources through a private apt configuration in
# $JH_CACHE/apt/<suite>; $JH_CACHE/kernel/lines/<suite> links each line's
# directory. The default run and --kernel-lines print "<suite> <directory>"
# for every prepared line.

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
	qemu-system-arm cpio device-tree-compiler curl
	rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web lld
	ca-certificates debian-archive-keyring
	python3 python3-venv git
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
		grep -x "$pattern" | head -n1 || true
}

download() {
	# $1: directory, rest: package specs
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && apt-get download -q "$@" >&2) ||
		die "cannot download $* (is the Debian archive reachable?)"
}

# Unpack the downloaded .debs of a kernel in $1 ($1/debs) into $1/root and
# make its headers usable from there: $1/build is the Kbuild directory.
# $2: the arm64 headers package, $3: the common headers package.
unpack_kernel() {
	local dir=$1 headers=$2 common=$3 deb
	rm -rf "$dir/root"
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
	[ -f "$dir/build/Makefile" ] && [ -d "$dir/build/scripts/" ] ||
		die "$headers did not unpack into a usable Kbuild tree"
}

# Mark $1 as prepared for kernel line $2 (a Debian suite).
finish_kernel() {
	local dir=$1 line=$2 kver=$3
	echo "$kver" >"$dir/version"
	touch "$dir/.prepared"
	mkdir -p "$JH_CACHE/kernel/lines"
	ln -sfn "$dir" "$JH_CACHE/kernel/lines/$line"
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
		# Caches from before kernel lines existed lack the line link.
		finish_kernel "$dir" "$(host_suite)" "$kver"
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
	unpack_kernel "$dir" "$headers" "$common"
	ln -sfn "$(ls "$dir"/root/boot/vmlinuz-*)" "$dir/vmlinuz"
	ln -sfn "$dir/root/bin/busybox" "$dir/busybox"
	[ -x "$dir/busybox" ] || die "busybox-static did not unpack"
	finish_kernel "$dir" "$(host_suite)" "$kver"
	ln -sfn "$dir" "$JH_CACHE/kernel/current"
	log "kernel $kver prepared in $dir"
	echo "$dir"
}

# ------------------------------------------------------ kernel lines --
# Besides the host's own (bookworm, 6.1) kernel, the module is built
# against the arm64 headers of other Debian releases: bullseye (5.10,
# openEuler's Jailhouse kernel line) and trixie (6.12). They come from the
# Debian mirror the host's apt sources name, through a private sources list
# and private lists/cache under $JH_CACHE/apt/<suite>; the system's apt
# configuration and dpkg database are left alone. Headers only.
KERNEL_LINES=(bullseye trixie)

# The suite of the host's own Debian release (the test kernel's line).
host_suite() {
	local suite
	suite=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null || true)
	echo "${suite:-bookworm}"
}

# The Debian archive URI from the system's own apt sources: the first
# enabled "deb" entry of a release suite (not -security, -updates,
# -backports). JH_DEBIAN_MIRROR overrides it.
debian_mirror() {
	if [ -n "${JH_DEBIAN_MIRROR:-}" ]; then
		echo "$JH_DEBIAN_MIRROR"
		return
	fi
	local uri f
	shopt -s nullglob
	# deb822 (.sources): one stanza per paragraph.
	for f in /etc/apt/sources.list.d/*.sources; do
		uri=$(awk '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && enabled != "no" &&
				    uris != "" && release && !found) {
					split(uris, u, " "); print u[1]; found = 1
				}
				types = ""; uris = ""; enabled = ""; release = 0
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				key = tolower($1); sub(/:$/, "", key)
				val = $0; sub(/^[^:]*:[ \t]*/, "", val)
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "enabled") enabled = tolower(val)
				else if (key == "suites") {
					n = split(val, s, " ")
					for (i = 1; i <= n; i++)
						if (s[i] !~ /-(security|updates|backports|proposed-updates)$/)
							release = 1
				}
			}
			END { flush() }' "$f")
		[ -n "$uri" ] && break
	done
	# One-line style (sources.list, *.list).
	if [ -z "$uri" ]; then
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '
				$1 == "deb" && $3 !~ /-(security|updates|backports|proposed-updates)$/ {
					print $2; exit
				}')
			[ -n "$uri" ] && break
		done
	fi
	shopt -u nullglob
	case "$uri" in
	http://* | https://* | file:/* | ftp://*) echo "${uri%/}" ;;
	"") die "no Debian archive found in /etc/apt/sources.list{,.d} (set JH_DEBIAN_MIRROR=<archive URI>)" ;;
	*) die "unsupported archive URI '$uri' in the apt sources (set JH_DEBIAN_MIRROR=<archive URI>)" ;;
	esac
}

# apt-get/apt-cache on the private configuration of suite $1.
APT_DIR=$JH_CACHE/apt
papt() {
	local tool=$1 suite=$2 d=$APT_DIR/$2
	shift 2
	"$tool" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=- \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Architecture=amd64 -o APT::Architectures::=amd64 \
		-o APT::Architectures::=arm64 -o Acquire::Languages=none \
		-o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false \
		-o APT::Sandbox::User="$(id -un)" "$@"
}

# The private sources list of suite $1.
papt_sources() {
	echo "deb [arch=arm64,amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $1 main"
}

# Update suite $1's private lists; with $2 = if-needed, only when they are
# missing or were made from another sources list.
papt_update() {
	local suite=$1 d=$APT_DIR/$1 list
	list=$(papt_sources "$suite")
	if [ "${2:-}" = if-needed ] && [ "$(cat "$d/sources.list" 2>/dev/null)" = "$list" ] &&
		compgen -G "$d/lists/*_Packages*" >/dev/null; then
		return
	fi
	[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		die "missing /usr/share/keyrings/debian-archive-keyring.gpg (install debian-archive-keyring)"
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	echo "$list" >"$d/sources.list"
	log "updating the private package lists of $suite (${list#*] })"
	papt apt-get "$suite" update -q --error-on=any >&2 ||
		die "apt-get update of $suite failed (is the Debian archive reachable?)"
}

# Resolve in suite $1 the dependency of package $2 that matches $3.
papt_dep() {
	papt apt-cache "$1" depends "$2" 2>/dev/null |
		sed -n 's/^  Depends: <\?\([^:>]*\).*$/\1/p' |
		grep -x "$3" | head -n1 || true
}

# The newest glibc symbol version an ELF file needs, or nothing.
elf_glibc() {
	objdump -T "$1" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' |
		sort -Vu | tail -n1 || true
}

# A newer suite's amd64 kbuild programs may need a newer glibc than the
# host has (trixie's modpost needs 2.38, bookworm has 2.36). Such programs
# are run through that suite's own dynamic loader and libc, unpacked
# beside them in $dir/glibc.
wrap_kbuild_glibc() {
	local suite=$1 dir=$2 kbuild=$3 host f need wrapped=()
	host=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
	while IFS= read -r f; do
		[[ $(file -b "$f") == "ELF 64-bit"*x86-64* ]] || continue
		need=$(elf_glibc "$f")
		[ -n "$need" ] || continue
		[ "$(printf '%s\n%s\n' "$need" "$host" | sort -V | tail -n1)" = "$host" ] ||
			wrapped+=("$f")
	done < <(find "$dir/root/usr/lib/$kbuild" -type f -perm -u+x)
	[ ${#wrapped[@]} -gt 0 ] || return 0
	log "$kbuild: ${#wrapped[@]} host programs need a newer glibc than $host; using $suite's libc6"
	mkdir -p "$dir/glibc-debs"
	(cd "$dir/glibc-debs" && papt apt-get "$suite" download -q libc6:amd64 >&2) ||
		die "cannot download libc6:amd64 of $suite"
	dpkg-deb -x "$dir"/glibc-debs/libc6_*_amd64.deb "$dir/glibc" ||
		die "cannot unpack libc6 of $suite"
	local ldso=$dir/glibc/usr/lib64/ld-linux-x86-64.so.2
	[ -e "$ldso" ] || ldso=$dir/glibc/lib64/ld-linux-x86-64.so.2
	[ -e "$ldso" ] || die "no dynamic loader in libc6 of $suite"
	local libs=$dir/glibc/usr/lib/x86_64-linux-gnu:$dir/glibc/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
	for f in "${wrapped[@]}"; do
		mv "$f" "$f.elf"
		printf '#!/bin/sh\n# Added by setup-host.sh: run with the libc of %s.\nexec %s --library-path %s %s "$@"\n' \
			"$suite" "$ldso" "$libs" "$f.elf" >"$f"
		chmod +x "$f"
	done
}

# The Kbuild host programs an out-of-tree module build runs must start
# (a usage error is fine; 126/127 or a loader error is not).
check_kbuild_runs() {
	local dir=$1 p out status
	for p in scripts/basic/fixdep scripts/mod/modpost; do
		status=0
		out=$("$dir/build/$p" </dev/null 2>&1) || status=$?
		if [ "$status" -ge 126 ] || grep -q 'version .GLIBC_\|error while loading shared libraries' <<<"$out"; then
			die "$dir/build/$p cannot run on this host: $(head -n1 <<<"$out")"
		fi
	done
}

# Prepare the arm64 headers of Debian suite $1; prints their directory.
prepare_kernel_line() {
	local suite=$1 attempt headers kver common kbuild dir
	for attempt in 1 2; do
		if [ "$attempt" = 1 ]; then
			papt_update "$suite" if-needed
		else
			papt_update "$suite"
		fi
		headers=$(papt_dep "$suite" linux-headers-arm64:arm64 'linux-headers-[0-9].*-arm64')
		if [ -z "$headers" ]; then
			[ "$attempt" = 1 ] && continue
			die "$suite has no linux-headers-arm64 for arm64"
		fi
		kver=${headers#linux-headers-}
		dir=$JH_CACHE/kernel/$kver
		if [ -f "$dir/.prepared" ]; then
			finish_kernel "$dir" "$suite" "$kver"
			echo "$dir"
			return
		fi
		common=$(papt_dep "$suite" "$headers:arm64" 'linux-headers-.*-common')
		kbuild=$(papt_dep "$suite" "$headers:arm64" 'linux-kbuild-[0-9].*')
		[ -n "$common" ] && [ -n "$kbuild" ] ||
			die "cannot resolve the dependencies of $headers in $suite"
		log "fetching Debian $suite arm64 headers $kver"
		rm -rf "$dir"
		mkdir -p "$dir/debs"
		# Stale lists name packages the mirror has dropped: update, retry.
		if ! (cd "$dir/debs" && papt apt-get "$suite" download -q \
			"$headers:arm64" "$common:all" "$kbuild:amd64" >&2); then
			[ "$attempt" = 1 ] && { log "download failed; refreshing $suite's lists"; continue; }
			die "cannot download $headers, $common, $kbuild:amd64 from $suite"
		fi
		unpack_kernel "$dir" "$headers" "$common"
		wrap_kbuild_glibc "$suite" "$dir" "$kbuild"
		check_kbuild_runs "$dir"
		finish_kernel "$dir" "$suite" "$kver"
		log "$suite headers $kver prepared in $dir ($(du -sh "$dir/debs" | cut -f1) downloaded)"
		echo "$dir"
		return
	done
}

# Every prepared line, "<suite> <directory>", the host's own first.
print_kernel_lines() {
	local suite
	for suite in "$(host_suite)" "${KERNEL_LINES[@]}"; do
		[ -f "$JH_CACHE/kernel/lines/$suite/.prepared" ] || continue
		echo "$suite $(readlink -f "$JH_CACHE/kernel/lines/$suite")"
	done
	log "QEMU test kernel (current): $(readlink -f "$JH_CACHE/kernel/current")"
}

prepare_kernel_lines() {
	local suite
	for suite in "${KERNEL_LINES[@]}"; do
		prepare_kernel_line "$suite"
	done
}

# ------------------------------------------------------ python tools --
# The Yocto layer's checkers (make yocto-check, oebuild-check), from PyPI
# into a venv in $JH_CACHE/venv: oebuild (openEuler's build front end),
# oelint-adv (the recipe linter) and bitbake-setup (which carries
# BitBake's own `bb` library). Pinned; reinstalled when the pins change.
PYTHON_TOOLS=(oebuild==0.2.1.3 oelint-adv==9.11.2 oelint-parser==8.13.2
	oelint-data==1.5.26 bitbake-setup==2.19.0)
setup_python_tools() {
	local venv=$JH_CACHE/venv want
	want=$(printf '%s\n' "${PYTHON_TOOLS[@]}")
	if [ -x "$venv/bin/python3" ] && [ "$(cat "$venv/.pins" 2>/dev/null)" = "$want" ]; then
		echo "$venv/bin"
		return
	fi
	log "installing into $venv: ${PYTHON_TOOLS[*]}"
	rm -rf "$venv"
	/usr/bin/python3 -m venv "$venv" || die "cannot create a venv (python3-venv missing?)"
	"$venv/bin/python3" -m pip install -q --disable-pip-version-check "${PYTHON_TOOLS[@]}" >&2 ||
		die "pip install failed for: ${PYTHON_TOOLS[*]} (is PyPI reachable?)"
	echo "$want" >"$venv/.pins"
	echo "$venv/bin"
}

case "${1:-}" in
--python-tools)
	setup_python_tools
	;;
--packages)
	install_packages
	;;
--kernel)
	prepare_kernel
	;;
--kernel-lines)
	prepare_kernel >/dev/null
	prepare_kernel_lines >/dev/null
	print_kernel_lines
	;;
"")
	install_packages
	prepare_kernel >/dev/null
	prepare_kernel_lines >/dev/null
	setup_python_tools >/dev/null
	print_kernel_lines
	;;
*)
	die "unknown option $1 (use --packages, --kernel, --kernel-lines or --python-tools)"
	;;
esac
