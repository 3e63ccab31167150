#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The real oebuild (PyPI, 0.2.1.3) as far as it goes offline (part of
# `make yocto-check`), in a scratch workspace:
#  1. `oebuild init`;
#  2. `oebuild generate -p qemu-aarch64 -f jailhouse-rs` with the layer's
#     feature (meta-jailhouse-rs/oebuild/features) in a minimal stand-in of
#     yocto-meta-openeuler/.oebuild (common.yaml, platform, env.yaml): the
#     generated compile.yaml must name our layer and MCS_FEATURES;
#  3. `oebuild bitbake jailhouse` on host with the documented compile.yaml
#     (meta-jailhouse-rs/oebuild/compile.yaml.sample): oebuild writes
#     conf/bblayers.conf and conf/local.conf through a stand-in
#     oe-init-build-env, then runs a stand-in `bitbake`; both must carry our
#     layer, MCS_FEATURES and the Rust toolchain setting.
# oebuild refuses to run as root; as root (CI) its user check is skipped.
#
# Usage: oebuild-check.sh <scratch dir>
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(realpath -m "${1:?usage: oebuild-check.sh <scratch dir>}")
bin=$("$src/scripts/setup-host.sh" --python-tools)
rm -rf "$scratch"
mkdir -p "$scratch"
ws=$scratch/workspace

oebuild() {
	(cd "$cwd" && "$bin/python3" -c '
import sys
import oebuild.app.main as m
m.check_user = lambda: True
sys.argv[0] = "oebuild"
sys.exit(m.main())' "$@" </dev/null)
}

fail() {
	echo "oebuild-check: $*" >&2
	exit 1
}

echo "oebuild $("$bin/python3" -c 'import importlib.metadata as m; print(m.version("oebuild"))')"
cwd=$scratch
oebuild init workspace >"$scratch/init.log" 2>&1 || { cat "$scratch/init.log"; fail "oebuild init failed"; }
[ -f "$ws/.oebuild/config" ] || fail "oebuild init wrote no .oebuild/config"
echo "oebuild init workspace: ok"

# Stand-in of yocto-meta-openeuler's oebuild metadata, and our layer in src/.
meta=$ws/src/yocto-meta-openeuler/.oebuild
mkdir -p "$meta/platform" "$meta/features"
cat >"$meta/common.yaml" <<'END'
repos:
  - yocto-poky
  - yocto-meta-openembedded
layers:
  - yocto-meta-openeuler/meta-openeuler
local_conf: |
  DISTRO = "openeuler"
END
cat >"$meta/platform/qemu-aarch64.yaml" <<'END'
type: platform
machine: qemu-aarch64
toolchain_type: EXTERNAL_TOOLCHAIN:aarch64
END
echo "docker_image: openeuler-container:latest" >"$meta/env.yaml"
echo "manifest_list: {}" >"$meta/manifest.yaml"
printf 'MACHINE ??= "qemu-aarch64"\n' >"$meta/local.conf.sample"
printf 'BBLAYERS ?= " \\\n  ##OEROOT##/meta \\\n  "\n' >"$meta/bblayers.conf.sample"
cp -r "$src/meta-jailhouse-rs/oebuild/features/jailhouse-rs" "$meta/features/"
ln -s "$src/meta-jailhouse-rs" "$ws/src/meta-jailhouse-rs"

cwd=$ws
oebuild generate -p qemu-aarch64 -f jailhouse-rs -d jailhouse-rs -b_in host -y \
	>"$scratch/generate.log" 2>&1 || { cat "$scratch/generate.log"; fail "oebuild generate failed"; }
gen=$ws/build/jailhouse-rs/compile.yaml
[ -f "$gen" ] || { cat "$scratch/generate.log"; fail "oebuild generate wrote no $gen"; }
echo "oebuild generate -p qemu-aarch64 -f jailhouse-rs -d jailhouse-rs -b_in host: $gen"
grep -qx -- '- meta-jailhouse-rs' <(sed 's/^ *//' "$gen") || fail "generated compile.yaml lacks layer meta-jailhouse-rs"
grep -q 'MCS_FEATURES = "jailhouse"' "$gen" || fail "generated compile.yaml lacks MCS_FEATURES = \"jailhouse\""
grep -q '^machine: qemu-aarch64' "$gen" || fail "generated compile.yaml lacks machine: qemu-aarch64"
echo "  generated compile.yaml: machine qemu-aarch64, layer meta-jailhouse-rs, MCS_FEATURES = \"jailhouse\""

# oebuild bitbake on host: stand-ins for poky's oe-init-build-env (writes
# conf/ from TEMPLATECONF like the real one) and for bitbake (reports what
# BitBake would read).
poky=$ws/src/yocto-poky
mkdir -p "$poky/meta" "$scratch/bin"
cat >"$poky/oe-init-build-env" <<END
# stand-in: conf/ from \$TEMPLATECONF, then cd into the build directory
builddir=\${1:-build}
mkdir -p "\$builddir/conf"
[ -f "\$builddir/conf/local.conf" ] || cp "\$TEMPLATECONF/local.conf.sample" "\$builddir/conf/local.conf"
[ -f "\$builddir/conf/bblayers.conf" ] ||
	sed "s|##OEROOT##|$poky|" "\$TEMPLATECONF/bblayers.conf.sample" >"\$builddir/conf/bblayers.conf"
cd "\$builddir"
export PATH="$scratch/bin:\$PATH"
END
cat >"$scratch/bin/bitbake" <<'END'
#!/bin/sh
# stand-in: what a real bitbake would be given
echo "bitbake $*"
echo "BBLAYERS: $(tr -d '\\\n' <conf/bblayers.conf | sed 's/.*BBLAYERS[^"]*"//; s/".*//' | tr -s ' ')"
grep -E '^(MACHINE|MCS_FEATURES|DISTRO_FEATURES|JAILHOUSE_RUST_TOOLCHAIN)' conf/local.conf | sed 's/^/local.conf: /'
END
chmod +x "$scratch/bin/bitbake"

build=$ws/build/jailhouse-rs
cp "$src/meta-jailhouse-rs/oebuild/compile.yaml.sample" "$build/compile.yaml"
cwd=$build
oebuild bitbake jailhouse >"$scratch/bitbake.log" 2>&1 || { cat "$scratch/bitbake.log"; fail "oebuild bitbake failed"; }
echo "oebuild bitbake jailhouse (compile.yaml = meta-jailhouse-rs/oebuild/compile.yaml.sample):"
# oebuild logs what bitbake prints as "<time> - INFO - <line>".
sed -n 's/^.* - INFO - \(bitbake \|BBLAYERS:\|local.conf:\)/\1/p' "$scratch/bitbake.log" | sed 's/^/  /'
grep -q ' - INFO - bitbake jailhouse$' "$scratch/bitbake.log" || fail "oebuild did not run bitbake jailhouse"
grep -q "meta-jailhouse-rs" "$build/conf/bblayers.conf" || fail "conf/bblayers.conf lacks meta-jailhouse-rs"
layer=$(tr ' \\"' '\n\n\n' <"$build/conf/bblayers.conf" | grep 'meta-jailhouse-rs$' | head -n1)
[ -f "$layer/conf/layer.conf" ] || fail "bblayers.conf names $layer, which has no conf/layer.conf"
grep -q '^MCS_FEATURES = "jailhouse"' "$build/conf/local.conf" || fail "conf/local.conf lacks MCS_FEATURES"
grep -q '^MACHINE = "qemu-aarch64"' "$build/conf/local.conf" || fail "conf/local.conf lacks MACHINE"
grep -q '^JAILHOUSE_RUST_TOOLCHAIN = ' "$build/conf/local.conf" || fail "conf/local.conf lacks JAILHOUSE_RUST_TOOLCHAIN"
echo "  conf/bblayers.conf: $layer (has conf/layer.conf)"
echo "oebuild-check: passed"
