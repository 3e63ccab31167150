#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The openEuler SDK flow (`make sdk-check`): source an
# environment-setup-aarch64-openeuler-linux shaped like the one openEuler's
# SDK installs (poky's toolchain-scripts: CC/LD/... with --sysroot and
# target flags, CROSS_COMPILE, ARCH, CFLAGS, LDFLAGS, KCFLAGS, ...), then
# `make KDIR=<kernel> O=<dir>` and `make install DESTDIR=<dir>`.
#
# The SDK's compilers are wrapper scripts named aarch64-openeuler-linux-*
# around Debian's aarch64-linux-gnu-* tools; like a real SDK compiler, the
# gcc wrapper refuses to run without --sysroot=$SDKTARGETSYSROOT. The kernel
# is the Linux 5.10 line (openEuler's Jailhouse kernel) when
# scripts/setup-host.sh prepared it, else the test kernel.
#
# Usage: sdk-check.sh <scratch dir>
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(realpath -m "${1:?usage: sdk-check.sh <scratch dir>}")
cache=${JH_CACHE:-$HOME/.cache/jailhouse-rs}
kdir=$cache/kernel/lines/bullseye/build
[ -f "$kdir/Makefile" ] || kdir=$cache/kernel/current/build
[ -f "$kdir/Makefile" ] || { echo "sdk-check: no kernel headers (run scripts/setup-host.sh)" >&2; exit 1; }

sdk=$scratch/sdk
target=$sdk/sysroots/cortexa57-openeuler-linux
native=$sdk/sysroots/x86_64-openeulersdk-linux
tools=$native/usr/bin/aarch64-openeuler-linux
rm -rf "$sdk" "$scratch/rootfs"
mkdir -p "$target/usr" "$tools"
# The target sysroot: Debian's arm64 cross libc.
ln -s /usr/aarch64-linux-gnu/include "$target/usr/include"
ln -s /usr/aarch64-linux-gnu/lib "$target/usr/lib"
ln -s usr/lib "$target/lib"

for tool in as ld ld.bfd objcopy objdump ar nm ranlib readelf strip size strings gcc-ar cpp; do
	cat >"$tools/aarch64-openeuler-linux-$tool" <<END
#!/bin/sh
# SDK stand-in: Debian's cross tool under the SDK's name.
for a; do case "\$a" in --sysroot=*) ;; *) set -- "\$@" "\$a" ;; esac; shift; done
exec aarch64-linux-gnu-$tool "\$@"
END
done
cat >"$tools/aarch64-openeuler-linux-gcc" <<END
#!/bin/sh
# SDK stand-in: like the SDK's gcc (built with --with-sysroot=/not/exist),
# useless without --sysroot=<the SDK's target sysroot>.
ok=
for a; do case "\$a" in --sysroot=$target) ok=1 ;; esac; done
if [ -z "\$ok" ]; then
	echo "aarch64-openeuler-linux-gcc: called without --sysroot=$target: \$*" >>$scratch/sdk-errors.log
	echo "aarch64-openeuler-linux-gcc: error: no --sysroot (this SDK's compiler needs it)" >&2
	exit 1
fi
for a; do case "\$a" in --sysroot=*) ;; *) set -- "\$@" "\$a" ;; esac; shift; done
exec aarch64-linux-gnu-gcc "\$@"
END
chmod +x "$tools"/*
rm -f "$scratch/sdk-errors.log"

env_setup=$sdk/environment-setup-aarch64-openeuler-linux
cat >"$env_setup" <<END
# Shaped like poky's toolchain-scripts output for openEuler's SDK.
export SDKTARGETSYSROOT=$target
export PATH=$native/usr/bin:$tools:\$PATH
export PKG_CONFIG_SYSROOT_DIR=\$SDKTARGETSYSROOT
export PKG_CONFIG_PATH=\$SDKTARGETSYSROOT/usr/lib/pkgconfig:\$SDKTARGETSYSROOT/usr/share/pkgconfig
export CONFIG_SITE=$sdk/site-config-cortexa57-openeuler-linux
export OECORE_NATIVE_SYSROOT="$native"
export OECORE_TARGET_SYSROOT="\$SDKTARGETSYSROOT"
export OECORE_ACLOCAL_OPTS="-I $native/usr/share/aclocal"
export OECORE_BASELIB="lib64"
export OECORE_TARGET_ARCH="aarch64"
export OECORE_TARGET_OS="linux"
export CC="aarch64-openeuler-linux-gcc  -mcpu=cortex-a57 -fstack-protector-strong  -O2 -D_FORTIFY_SOURCE=2 -Wformat -Wformat-security -Werror=format-security --sysroot=\$SDKTARGETSYSROOT"
export CXX="aarch64-openeuler-linux-g++  -mcpu=cortex-a57 -fstack-protector-strong  -O2 -D_FORTIFY_SOURCE=2 -Wformat -Wformat-security -Werror=format-security --sysroot=\$SDKTARGETSYSROOT"
export CPP="aarch64-openeuler-linux-gcc -E  -mcpu=cortex-a57 -fstack-protector-strong  -O2 -D_FORTIFY_SOURCE=2 -Wformat -Wformat-security -Werror=format-security --sysroot=\$SDKTARGETSYSROOT"
export AS="aarch64-openeuler-linux-as "
export LD="aarch64-openeuler-linux-ld  --sysroot=\$SDKTARGETSYSROOT"
export GDB=aarch64-openeuler-linux-gdb
export STRIP=aarch64-openeuler-linux-strip
export RANLIB=aarch64-openeuler-linux-ranlib
export OBJCOPY=aarch64-openeuler-linux-objcopy
export OBJDUMP=aarch64-openeuler-linux-objdump
export READELF=aarch64-openeuler-linux-readelf
export AR=aarch64-openeuler-linux-ar
export NM=aarch64-openeuler-linux-nm
export M4=m4
export TARGET_PREFIX=aarch64-openeuler-linux-
export CONFIGURE_FLAGS="--target=aarch64-openeuler-linux --host=aarch64-openeuler-linux --build=x86_64-linux --with-libtool-sysroot=\$SDKTARGETSYSROOT"
export CFLAGS=" -O2 -pipe -g -feliminate-unused-debug-types "
export CXXFLAGS=" -O2 -pipe -g -feliminate-unused-debug-types "
export LDFLAGS="-Wl,-O1 -Wl,--hash-style=gnu -Wl,--as-needed -Wl,-z,relro,-z,now"
export CPPFLAGS=""
export KCFLAGS="--sysroot=\$SDKTARGETSYSROOT"
export OECORE_DISTRO_VERSION="24.03-LTS"
export OECORE_SDK_VERSION="24.03-LTS"
export ARCH=arm64
export CROSS_COMPILE=aarch64-openeuler-linux-
END

echo "SDK stand-in: $env_setup"
echo "kernel: KDIR=$kdir"
out=$scratch/out
(
	# shellcheck disable=SC1090
	. "$env_setup"
	echo "\$ . environment-setup-aarch64-openeuler-linux"
	echo "  CC=$CC"
	echo "  CROSS_COMPILE=$CROSS_COMPILE ARCH=$ARCH LD=$LD OBJCOPY=$OBJCOPY"
	echo "\$ make KDIR=$kdir O=$out"
	nice make -C "$src" --no-print-directory KDIR="$kdir" O="$out"
	echo "\$ make install KDIR=$kdir O=$out DESTDIR=$scratch/rootfs"
	make -C "$src" --no-print-directory KDIR="$kdir" O="$out" DESTDIR="$scratch/rootfs" install
) >"$scratch/build.log" 2>&1 || { tail -n 40 "$scratch/build.log"; echo "sdk-check: make failed (log: $scratch/build.log)" >&2; exit 1; }
grep -E '^(\$|  CC=|  CROSS)' "$scratch/build.log"
if [ -s "$scratch/sdk-errors.log" ]; then
	cat "$scratch/sdk-errors.log" >&2
	echo "sdk-check: the SDK compiler was called without its sysroot" >&2
	exit 1
fi

root=$scratch/rootfs
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
fail=0
need() {
	if [ -e "$root$1" ]; then echo "  $1: $2"; else echo "sdk-check: missing $1" >&2; fail=1; fi
}
need /lib/firmware/jailhouse.bin "$(head -c 8 "$root/lib/firmware/jailhouse.bin" 2>/dev/null | tr -dc 'A-Z')"
need /usr/sbin/jailhouse "$(file -b "$root/usr/sbin/jailhouse" 2>/dev/null | cut -d, -f1-2,4)"
need /lib/modules/$rel/extra/jailhouse.ko "vermagic $(/sbin/modinfo -F vermagic "$root/lib/modules/$rel/extra/jailhouse.ko" 2>/dev/null)"
need /usr/share/jailhouse/cells/qemu-arm64-openeuler-demo.cell "$(ls "$root/usr/share/jailhouse/cells" 2>/dev/null | wc -l) cells"
need /usr/share/jailhouse/inmates/uart-demo.bin "$(ls "$root/usr/share/jailhouse/inmates" 2>/dev/null | wc -l) inmate files"
file -b "$root/usr/sbin/jailhouse" | grep -q 'ARM aarch64.*statically linked' || { echo "sdk-check: the CLI is not a static aarch64 executable" >&2; fail=1; }
[ "$(/sbin/modinfo -F vermagic "$root/lib/modules/$rel/extra/jailhouse.ko" | cut -d' ' -f1)" = "$rel" ] ||
	{ echo "sdk-check: jailhouse.ko is not built for $rel" >&2; fail=1; }
[ "$fail" = 0 ] || exit 1
echo "sdk-check: make KDIR=... in the SDK environment built and installed everything (Linux $rel)"
