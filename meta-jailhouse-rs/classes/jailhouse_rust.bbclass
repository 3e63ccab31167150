# SPDX-License-Identifier: GPL-2.0-only
#
# Rust for jailhouse-rs recipes, offline after do_fetch.
#
# Crates: the recipe lists every crate of Cargo.lock as crate:// in SRC_URI
# (jailhouse-crates.inc); BitBake's crate fetcher unpacks them into
# cargo_home/bitbake, and cargo is pointed there, offline.
#
# Toolchain: oe-core's rust (1.59 in kirkstone, 1.75 in scarthgap) is older
# than jailhouse-rs' minimum, and openEuler's prebuilt one lacks the
# bare-metal target, so the layer uses an official Rust release installed on
# the build host, the same way openEuler uses an external GCC:
# JAILHOUSE_RUST_TOOLCHAIN names its directory (bin/rustc, bin/cargo,
# lib/rustlib/<target>/lib). It needs rustc >= JAILHOUSE_RUST_MIN_VERSION and
# the standard libraries of JAILHOUSE_RUST_TARGETS, e.g.
#   rustup toolchain install 1.85.0 --profile minimal \
#       --target aarch64-unknown-none-softfloat,aarch64-unknown-linux-gnu
#   JAILHOUSE_RUST_TOOLCHAIN = "/home/me/.rustup/toolchains/1.85.0-x86_64-unknown-linux-gnu"
# Nothing is fetched for it.

JAILHOUSE_RUST_MIN_VERSION = "1.85.0"
JAILHOUSE_RUST_TARGETS = "aarch64-unknown-none-softfloat aarch64-unknown-linux-gnu"
JAILHOUSE_RUST_TOOLCHAIN ??= ""

JAILHOUSE_CARGO_HOME = "${WORKDIR}/cargo_home"
JAILHOUSE_CRATES_DIR = "${JAILHOUSE_CARGO_HOME}/bitbake"

export CARGO_HOME = "${JAILHOUSE_CARGO_HOME}"
export CARGO_NET_OFFLINE = "true"
# Build scripts and proc-macros run on the (x86_64) build host: link them
# with the host's gcc (plain `cc` is not among HOSTTOOLS).
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER = "${BUILD_PREFIX}gcc"

jailhouse_rust_check[doc] = "Fail unless JAILHOUSE_RUST_TOOLCHAIN is a new enough Rust with the targets' standard libraries"
jailhouse_rust_check() {
    tc="${JAILHOUSE_RUST_TOOLCHAIN}"
    if [ -z "$tc" ]; then
        bbfatal "JAILHOUSE_RUST_TOOLCHAIN is not set: install Rust >= ${JAILHOUSE_RUST_MIN_VERSION} with the targets ${JAILHOUSE_RUST_TARGETS} and set it to that toolchain's directory (see meta-jailhouse-rs/README.md)"
    fi
    [ -x "$tc/bin/rustc" ] && [ -x "$tc/bin/cargo" ] ||
        bbfatal "JAILHOUSE_RUST_TOOLCHAIN=$tc has no bin/rustc and bin/cargo"
    version=$("$tc/bin/rustc" --version | cut -d' ' -f2)
    lowest=$(printf '%s\n%s\n' "${JAILHOUSE_RUST_MIN_VERSION}" "${version%%-*}" | sort -V | head -n1)
    [ "$lowest" = "${JAILHOUSE_RUST_MIN_VERSION}" ] ||
        bbfatal "rustc $version in $tc is older than ${JAILHOUSE_RUST_MIN_VERSION}"
    sysroot=$("$tc/bin/rustc" --print sysroot)
    for target in ${JAILHOUSE_RUST_TARGETS}; do
        ls "$sysroot/lib/rustlib/$target/lib/"libcore-*.rlib >/dev/null 2>&1 ||
            bbfatal "rustc $version in $tc has no standard library for $target (rustup target add $target)"
    done
    bbnote "Rust toolchain: rustc $version in $tc"
}

jailhouse_rust_do_configure[doc] = "Check the Rust toolchain and point cargo at the crates BitBake fetched"
jailhouse_rust_do_configure() {
    jailhouse_rust_check
    mkdir -p ${JAILHOUSE_CARGO_HOME}
    printf '%s\n' \
        '[source.crates-io]' \
        'replace-with = "bitbake"' \
        '[source.bitbake]' \
        'directory = "${JAILHOUSE_CRATES_DIR}"' \
        '[net]' \
        'offline = true' >${JAILHOUSE_CARGO_HOME}/config.toml
}

jailhouse_rust_path[doc] = "Put the Rust toolchain first on PATH, where the Makefile looks for cargo and rustc"
jailhouse_rust_path() {
    export PATH="${JAILHOUSE_RUST_TOOLCHAIN}/bin:$PATH"
    export RUSTC="${JAILHOUSE_RUST_TOOLCHAIN}/bin/rustc"
    export CARGO="${JAILHOUSE_RUST_TOOLCHAIN}/bin/cargo"
}

EXPORT_FUNCTIONS do_configure
