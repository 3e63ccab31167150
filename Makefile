# SPDX-License-Identifier: GPL-2.0-only
#
# jailhouse-rs front door.
#
#   make [KDIR=<kernel build dir>]   firmware, module, CLI, cells, inmates
#   make install DESTDIR=<dir>       install in Jailhouse's layout
#   make test                        host setup, host tests, lints, QEMU scenarios
#   make demo                        host setup, build, boot QEMU, run the demo
#   make dist                        reproducible source tarball + sha256 in $(O)/dist
#   make bench                       benchmarks under QEMU -icount: table in $(O)/bench/bench.md, .json
#   make bench-check                 the short benchmark against scripts/bench/thresholds (in make test)
#   make baremetal-inmates           gic-demo for QEMU virt without hypervisor, in $(O)/bench
#
# Honoured: ARCH (arm64 only), CROSS_COMPILE, CC, LD, OBJCOPY, KDIR, O
# (output directory, default ./out), V=1 (verbose), DESTDIR, CARGO/RUSTC.
# The Rust parts use rustup's targets when installed and otherwise Debian's
# toolchain (rustc-web, rust-web-src) with -Zbuild-std.

SHELL := /bin/bash
.SUFFIXES:
empty :=
space := $(empty) $(empty)
.DELETE_ON_ERROR:

SRCDIR := $(CURDIR)
O ?= $(SRCDIR)/out
override O := $(abspath $(O))

ARCH ?= arm64
ifneq ($(ARCH),arm64)
$(error jailhouse-rs supports ARCH=arm64 only, not ARCH=$(ARCH))
endif
CROSS_COMPILE ?= aarch64-linux-gnu-
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin LD),default)
LD := $(CROSS_COMPILE)ld
endif
OBJCOPY ?= $(CROSS_COMPILE)objcopy

V ?= 0
ifeq ($(V),1)
Q :=
CARGO_VERBOSE := -v
else
Q := @
CARGO_VERBOSE := -q
endif

JH_CACHE ?= $(HOME)/.cache/jailhouse-rs
# The kernel the module is built for. Without KDIR, the Debian arm64 test
# kernel prepared by scripts/setup-host.sh.
KDIR ?= $(JH_CACHE)/kernel/current/build

# ---------------------------------------------------------------- Rust --
# Host cargo (tests, lints, host tools): whatever `cargo` is on PATH.
CARGO ?= cargo
HOST_RUSTC := $(shell command -v rustc 2>/dev/null)
RUST_SYSROOT := $(if $(HOST_RUSTC),$(shell rustc --print sysroot 2>/dev/null))

BAREMETAL_TARGET := aarch64-unknown-none-softfloat
LINUX_TARGET := aarch64-unknown-linux-gnu

# Cross cargo: rustup's toolchain if it has the target's standard library,
# else Debian's rustc-web (in /usr/bin) building it from rust-web-src.
# /usr/bin first, so that cargo finds Debian's cargo-clippy, not rustup's proxy.
DEBIAN_CARGO := env PATH=/usr/bin:$$PATH RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 /usr/bin/cargo
have_std = $(wildcard $(RUST_SYSROOT)/lib/rustlib/$(1)/lib/libcore-*.rlib)
ifneq ($(call have_std,$(BAREMETAL_TARGET)),)
BAREMETAL_CARGO := $(CARGO)
BAREMETAL_STD :=
else
BAREMETAL_CARGO := $(DEBIAN_CARGO)
BAREMETAL_STD := -Zbuild-std=core,compiler_builtins -Zbuild-std-features=compiler-builtins-mem
endif
ifneq ($(call have_std,$(LINUX_TARGET)),)
LINUX_CARGO := $(CARGO)
LINUX_STD :=
else
LINUX_CARGO := $(DEBIAN_CARGO)
LINUX_STD := -Zbuild-std=std,panic_abort
endif

PROFILE ?= release
CARGO_PROFILE := $(if $(filter release,$(PROFILE)),--release,)
CARGO_TARGET_DIR := $(O)/cargo
export CARGO_TARGET_DIR

# Bare metal links with the cross binutils; the CLI statically with the
# cross gcc's driver (never a sysroot-specific CC, which may carry flags).
# A Yocto SDK's or recipe's compiler finds the C library only through
# --sysroot: SYSROOT (default: the --sysroot=... word of $(CC)) is passed on.
SYSROOT ?= $(patsubst --sysroot=%,%,$(firstword $(filter --sysroot=%,$(CC))))
CROSS_ENV := \
	CARGO_TARGET_AARCH64_UNKNOWN_NONE_SOFTFLOAT_LINKER=$(CROSS_COMPILE)ld \
	CARGO_TARGET_AARCH64_UNKNOWN_NONE_SOFTFLOAT_RUSTFLAGS="-C linker-flavor=ld" \
	CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=$(CROSS_COMPILE)gcc \
	CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="$(strip -C target-feature=+crt-static \
		-C panic=abort $(if $(SYSROOT),-C link-arg=--sysroot=$(SYSROOT)))"

BAREMETAL_OUT := $(CARGO_TARGET_DIR)/$(BAREMETAL_TARGET)/$(PROFILE)
LINUX_OUT := $(CARGO_TARGET_DIR)/$(LINUX_TARGET)/$(PROFILE)

# Rebuild Rust artefacts whenever any Rust source changes; cargo itself
# decides what is really out of date.
RUST_SOURCES := $(shell find $(SRCDIR)/Cargo.toml $(SRCDIR)/Cargo.lock $(SRCDIR)/abi \
	$(SRCDIR)/config-check $(SRCDIR)/hypervisor $(SRCDIR)/tools $(SRCDIR)/inmates \
	-name target -prune -o -type f \( -name '*.rs' -o -name '*.toml' -o -name '*.ld' \
	-o -name Cargo.lock \) -print 2>/dev/null)

INMATES := uart-demo gic-demo isolation-probe exit-bench

# --------------------------------------------------------------- build --
FIRMWARE := $(O)/hypervisor/jailhouse.bin
MODULE := $(O)/kmod/jailhouse.ko
CLI := $(O)/tools/jailhouse
CELL_SOURCES := $(wildcard $(SRCDIR)/conf/arm64/*.c)
CELLS := $(patsubst $(SRCDIR)/conf/arm64/%.c,$(O)/cells/%.cell,$(CELL_SOURCES))
INMATE_BINS := $(patsubst %,$(O)/inmates/%.bin,$(INMATES))
INMATE_ELFS := $(patsubst %,$(O)/inmates/%.elf,$(INMATES))
INMATE_STAMP := $(O)/inmates/.cargo-stamp
FREERTOS_BIN := $(O)/freertos/FreeRTOS.bin

all: firmware module tools cells inmates freertos

firmware: $(FIRMWARE)
module: $(MODULE)
tools: $(CLI)
cells: $(CELLS)
inmates: $(INMATE_BINS) $(INMATE_ELFS)

# FreeRTOS.bin for the freertos cell: recipes-freertos decides what is out
# of date (and fetches the pinned FreeRTOS-Kernel once).
freertos:
	$(Q)$(MAKE) --no-print-directory -C $(SRCDIR)/recipes-freertos \
		O=$(O)/freertos CROSS_COMPILE=$(CROSS_COMPILE) FREERTOS_CC="$(CC)" \
		JH_CACHE=$(JH_CACHE)

$(FIRMWARE): $(RUST_SOURCES)
	@echo "  CARGO   hypervisor ($(BAREMETAL_TARGET), $(PROFILE))"
	$(Q)$(CROSS_ENV) $(BAREMETAL_CARGO) build $(CARGO_VERBOSE) $(CARGO_PROFILE) \
		--manifest-path $(SRCDIR)/Cargo.toml -p jailhouse-hypervisor \
		--bin jailhouse-hypervisor --target $(BAREMETAL_TARGET) $(BAREMETAL_STD)
	@mkdir -p $(@D)
	$(Q)cp $(BAREMETAL_OUT)/jailhouse-hypervisor $(O)/hypervisor/hypervisor.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $(O)/hypervisor/hypervisor.elf $@

# One cargo run builds every inmate (the stamp records it); each .elf is
# then copied and each .bin made on its own, so `make -j` never runs the
# cargo step once per inmate.
$(INMATE_STAMP): $(RUST_SOURCES)
	@echo "  CARGO   inmates ($(BAREMETAL_TARGET), $(PROFILE))"
	$(Q)$(CROSS_ENV) $(BAREMETAL_CARGO) build $(CARGO_VERBOSE) $(CARGO_PROFILE) \
		--manifest-path $(SRCDIR)/Cargo.toml -p jailhouse-inmate-demos \
		--target $(BAREMETAL_TARGET) $(BAREMETAL_STD)
	@mkdir -p $(@D)
	$(Q)touch $@

# Installed ELFs carry no debug info (cargo's copy keeps it for gdb).
$(O)/inmates/%.elf: $(INMATE_STAMP)
	$(Q)$(OBJCOPY) --strip-debug $(BAREMETAL_OUT)/$* $@

$(O)/inmates/%.bin: $(O)/inmates/%.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

# The bare-metal flavour (feature bare-metal of the inmate library): the
# same gic-demo for QEMU virt without a hypervisor, linked at 0x40200000,
# the reference run of `make bench` (docs/benchmarks.md). Its own cargo
# target directory, so that cargo never replaces a cell inmate in
# $(BAREMETAL_OUT) with its bare-metal build.
BAREMETAL_INMATES := gic-demo
BAREMETAL_TARGET_DIR := $(O)/cargo-bare-metal
BAREMETAL_INMATE_ELFS := $(patsubst %,$(O)/bench/%-baremetal.elf,$(BAREMETAL_INMATES))
BAREMETAL_INMATE_BINS := $(patsubst %,$(O)/bench/%-baremetal.bin,$(BAREMETAL_INMATES))
BAREMETAL_STAMP := $(O)/bench/.cargo-stamp
# QEMU for a bare-metal inmate: no EL2/EL3, so the CPU starts at EL1 at
# the ELF's entry (the loader sets the PC because of cpu-num), and QEMU
# answers PSCI calls made with hvc itself. `baremetal-run` runs gic-demo.
BAREMETAL_QEMU = qemu-system-aarch64 -machine virt,gic-version=$(GIC) -cpu cortex-a57 \
	-smp 1 -m 256M -nographic -nic none -no-reboot -icount shift=4,sleep=off

baremetal-inmates: $(BAREMETAL_INMATE_ELFS) $(BAREMETAL_INMATE_BINS)

$(BAREMETAL_STAMP): $(RUST_SOURCES)
	@echo "  CARGO   bare-metal inmates ($(BAREMETAL_TARGET), $(PROFILE))"
	$(Q)$(CROSS_ENV) $(BAREMETAL_CARGO) build $(CARGO_VERBOSE) $(CARGO_PROFILE) \
		--manifest-path $(SRCDIR)/Cargo.toml -p jailhouse-inmate-demos \
		--features bare-metal $(patsubst %,--bin %,$(BAREMETAL_INMATES)) \
		--target $(BAREMETAL_TARGET) $(BAREMETAL_STD) --target-dir $(BAREMETAL_TARGET_DIR)
	@mkdir -p $(@D)
	$(Q)touch $@

$(O)/bench/%-baremetal.elf: $(BAREMETAL_STAMP)
	$(Q)$(OBJCOPY) --strip-debug $(BAREMETAL_TARGET_DIR)/$(BAREMETAL_TARGET)/$(PROFILE)/$* $@

$(O)/bench/%-baremetal.bin: $(O)/bench/%-baremetal.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

baremetal-run: $(O)/bench/gic-demo-baremetal.elf
	$(Q)timeout 120 $(BAREMETAL_QEMU) -device loader,file=$<,cpu-num=0

$(CLI): $(RUST_SOURCES)
	@echo "  CARGO   jailhouse CLI ($(LINUX_TARGET), static, $(PROFILE))"
	$(Q)$(CROSS_ENV) $(LINUX_CARGO) build $(CARGO_VERBOSE) $(CARGO_PROFILE) \
		--manifest-path $(SRCDIR)/Cargo.toml -p jailhouse-tools \
		--bin jailhouse --target $(LINUX_TARGET) $(LINUX_STD)
	@mkdir -p $(@D)
	$(Q)cp $(LINUX_OUT)/jailhouse $@

# Cell configs are compiled like upstream's: C → object → raw bytes.
CELL_CFLAGS := -O1 -ffreestanding -nostdinc -fno-common -fno-pic \
	-I$(SRCDIR)/include -Wall -Werror
# Shared parts of a board's configs live in conf/arm64/*.h (rpi4-root.h).
$(O)/cells/%.o: $(SRCDIR)/conf/arm64/%.c $(wildcard $(SRCDIR)/include/jailhouse/*.h) \
		$(wildcard $(SRCDIR)/conf/arm64/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(CELL_CFLAGS) -c $< -o $@

$(O)/cells/%.cell: $(O)/cells/%.o
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary --remove-section=.note.gnu.property $< $@

# The module builds out of tree in $(O)/kmod, from a copy of its sources,
# so that the source tree stays clean and O= is honoured.
KMOD_SOURCES := $(wildcard $(SRCDIR)/kmod/*.c $(SRCDIR)/kmod/*.h) $(SRCDIR)/kmod/Kbuild
$(MODULE): $(KMOD_SOURCES) $(wildcard $(SRCDIR)/include/jailhouse/*.h)
	@test -f $(KDIR)/Makefile || { echo "error: KDIR=$(KDIR) is not a kernel build directory" \
		"(run scripts/setup-host.sh, or pass KDIR=...)" >&2; exit 1; }
	@mkdir -p $(O)/kmod
	$(Q)cp $(KMOD_SOURCES) $(O)/kmod/
	@# O= : our own O (inherited through MAKEFLAGS) means something else to Kbuild.
	$(Q)$(MAKE) -C $(KDIR) O= M=$(O)/kmod ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) \
		CC="$(CC)" LD="$(LD)" V=$(V) JAILHOUSE_INCLUDE=$(SRCDIR)/include modules

# ------------------------------------------------------------- install --
DESTDIR ?=
prefix ?= /usr
sbindir ?= $(prefix)/sbin
datadir ?= $(prefix)/share
firmwaredir ?= /lib/firmware
# The release the module's vermagic names (Debian's kernel.release file
# holds the upstream version instead).
KERNELRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

install: all
	$(Q)test -n "$(KERNELRELEASE)" || { echo "error: cannot read the kernel release of KDIR=$(KDIR)" >&2; exit 1; }
	$(Q)install -D -m 0644 $(FIRMWARE) $(DESTDIR)$(firmwaredir)/jailhouse.bin
	$(Q)install -D -m 0755 $(CLI) $(DESTDIR)$(sbindir)/jailhouse
	$(Q)install -d $(DESTDIR)$(datadir)/jailhouse/cells $(DESTDIR)$(datadir)/jailhouse/inmates
	$(Q)$(if $(CELLS),install -m 0644 $(CELLS) $(DESTDIR)$(datadir)/jailhouse/cells/)
	$(Q)install -m 0644 $(INMATE_BINS) $(INMATE_ELFS) $(DESTDIR)$(datadir)/jailhouse/inmates/
	$(Q)install -m 0644 $(FREERTOS_BIN) $(DESTDIR)$(datadir)/jailhouse/inmates/
	$(Q)install -D -m 0644 $(MODULE) \
		$(DESTDIR)/lib/modules/$(KERNELRELEASE)/extra/jailhouse.ko

# ---------------------------------------------------------------- test --
DEVTOOLS := $(O)/host/jailhouse-devtools
STAGING := $(O)/staging
SCENARIOS ?= root-smoke root-enable root-isolation root-gic demo cell-demo cell-gic cell-isolation cell-cycle \
	cell-subpage freertos
# The scenarios `make test` also runs on gic-version=2 (the RPi4's GIC);
# scenarios pick the root config for the machine's GIC (lib.sh).
GICV2_SCENARIOS ?= root-enable cell-demo cell-gic cell-cycle cell-subpage root-ipi freertos
SCENARIO_TIMEOUT ?= 180
# Harness variants: GIC=2 boots QEMU with gic-version=2 (the RPi4's GIC),
# ICOUNT=4 makes guest time deterministic (-icount shift=4,sleep=off).
GIC ?= 3
ICOUNT ?=
# Where scenario initramfs images and serial logs go: out/qemu, or
# out/qemu-gicv2 for GIC=2 runs, so that both sets of logs stay.
QEMU_OUT ?= $(O)/qemu$(if $(filter 2,$(GIC)),-gicv2)
HARNESS_OPTS = --gic $(GIC) $(if $(ICOUNT),--icount $(ICOUNT)) --timeout $(SCENARIO_TIMEOUT)
KERNEL_IMAGE = $(JH_CACHE)/kernel/current/vmlinuz
BUSYBOX = $(JH_CACHE)/kernel/current/busybox

setup:
	$(Q)$(SRCDIR)/scripts/setup-host.sh

$(DEVTOOLS): $(RUST_SOURCES) $(shell find $(SRCDIR)/scripts/devtools -name '*.rs' -o -name Cargo.toml)
	@mkdir -p $(@D)
	$(Q)$(CARGO) build $(CARGO_VERBOSE) --release --manifest-path $(SRCDIR)/Cargo.toml \
		-p jailhouse-devtools --target-dir $(O)/host-cargo
	$(Q)cp $(O)/host-cargo/release/jailhouse-devtools $@

staging: all
	$(Q)rm -rf $(STAGING)
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(STAGING)

host-test:
	$(Q)$(CARGO) test --workspace --manifest-path $(SRCDIR)/Cargo.toml
	@# The hypervisor's build of the config checks: findings without advice.
	$(Q)$(CARGO) test --manifest-path $(SRCDIR)/Cargo.toml -p jailhouse-config-check \
		--no-default-features

lint:
	$(Q)$(CARGO) fmt --all --manifest-path $(SRCDIR)/Cargo.toml -- --check
	$(Q)$(CARGO) clippy --workspace --all-targets --manifest-path $(SRCDIR)/Cargo.toml -- -D warnings
	$(Q)$(CROSS_ENV) $(BAREMETAL_CARGO) clippy $(CARGO_VERBOSE) --manifest-path $(SRCDIR)/Cargo.toml \
		-p jailhouse-hypervisor -p jailhouse-abi -p jailhouse-inmate -p jailhouse-inmate-demos \
		--target $(BAREMETAL_TARGET) $(BAREMETAL_STD) -- -D warnings
	$(Q)$(CROSS_ENV) $(BAREMETAL_CARGO) clippy $(CARGO_VERBOSE) --manifest-path $(SRCDIR)/Cargo.toml \
		-p jailhouse-inmate -p jailhouse-inmate-demos --features jailhouse-inmate-demos/bare-metal \
		--target $(BAREMETAL_TARGET) $(BAREMETAL_STD) --target-dir $(BAREMETAL_TARGET_DIR) \
		-- -D warnings

# `jailhouse config check` (host build) on every shipped configuration set:
# each root with each of its cells must be clean.
HOST_CLI := $(O)/host/jailhouse
$(HOST_CLI): $(RUST_SOURCES)
	@mkdir -p $(@D)
	$(Q)$(CARGO) build $(CARGO_VERBOSE) --release --manifest-path $(SRCDIR)/Cargo.toml \
		-p jailhouse-tools --bin jailhouse --target-dir $(O)/host-cargo
	$(Q)cp $(O)/host-cargo/release/jailhouse $@

# A set is ROOT:CELL[:CELL...]; its cells must also fit together.
RPI4_ROOTS := rpi4 rpi4-1g rpi4-2g rpi4-4g rpi4-8g
RPI4_CELLS := rpi4-inmate-demo rpi4-freertos-demo
CONFIG_SETS := \
	qemu-arm64-openeuler-demo:qemu-arm64-inmate-demo:qemu-arm64-quiet-demo \
	qemu-arm64-openeuler-demo:qemu-arm64-freertos-demo:qemu-arm64-quiet-demo \
	qemu-arm64-gicv2-demo:qemu-arm64-inmate-demo \
	qemu-arm64-openeuler-demo:qemu-arm64-subpage-demo \
	qemu-arm64-gicv2-demo:qemu-arm64-subpage-demo \
	$(foreach root,$(RPI4_ROOTS),$(root):$(subst $(space),:,$(RPI4_CELLS)))

config-check: $(HOST_CLI) $(CELLS)
	$(Q)for set in $(CONFIG_SETS); do \
		root=$${set%%:*}; cells=$${set#*:}; args=; \
		for cell in $${cells//:/ }; do args="$$args $(O)/cells/$$cell.cell"; done; \
		$(HOST_CLI) config check $(O)/cells/$$root.cell $$args || exit 1; \
	done
	@# Two cells that both want CPU 1 must be refused with that reason.
	$(Q)out=$$($(HOST_CLI) config check $(O)/cells/qemu-arm64-openeuler-demo.cell \
		$(O)/cells/qemu-arm64-inmate-demo.cell $(O)/cells/qemu-arm64-freertos-demo.cell); \
	status=$$?; echo "$$out"; \
	test $$status = 1 && grep -q 'both claim CPU 1' <<<"$$out" || \
		{ echo "error: config check accepted two cells sharing CPU 1" >&2; exit 1; }

# The Raspberry Pi 4 configs against the board's device tree, as Debian's
# arm64 kernel package ships it (scripts/setup-host.sh unpacks that
# package into $(JH_CACHE)/kernel/current/root). RPI4_SIZES maps each
# root config to the RAM size of the board it is for.
RPI4_DTB ?= $(firstword $(wildcard \
	$(JH_CACHE)/kernel/current/root/usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb))
RPI4_SIZES := 1:rpi4-1g 2:rpi4-2g 4:rpi4-4g 8:rpi4-8g 4:rpi4
rpi4-check: $(DEVTOOLS) $(CELLS)
	$(Q)test -n "$(RPI4_DTB)" && test -f "$(RPI4_DTB)" || { echo "error: no" \
		"bcm2711-rpi-4-b.dtb: run scripts/setup-host.sh (it unpacks Debian's arm64" \
		"kernel into $(JH_CACHE)/kernel/current), or pass RPI4_DTB=<file>" >&2; exit 1; }
	$(Q)$(DEVTOOLS) check-rpi4 --dtb $(RPI4_DTB) \
		$(foreach s,$(RPI4_SIZES),--root $(word 1,$(subst :, ,$(s)))=$(O)/cells/$(word 2,$(subst :, ,$(s))).cell) \
		$(foreach c,$(RPI4_CELLS),--cell $(O)/cells/$(c).cell)

image-check: $(DEVTOOLS) $(FIRMWARE) $(MODULE) $(CLI)
	$(Q)$(DEVTOOLS) check-image $(FIRMWARE)
	$(Q)file -b $(CLI) | grep -q 'ARM aarch64.*statically linked' || \
		{ echo "error: $(CLI) is not a static aarch64 binary: $$(file -b $(CLI))" >&2; exit 1; }
	$(Q)echo "$(CLI): static aarch64 executable"
	$(Q)file -b $(MODULE) | grep -q 'ELF 64-bit LSB relocatable, ARM aarch64' || \
		{ echo "error: $(MODULE) is not an aarch64 module" >&2; exit 1; }
	$(Q)test "$$(/sbin/modinfo -F license $(MODULE))" = GPL || \
		{ echo "error: $(MODULE) does not carry license GPL" >&2; exit 1; }
	$(Q)echo "$(MODULE): aarch64 module, license $$(/sbin/modinfo -F license $(MODULE))"

# jailhouse.ko against every kernel line scripts/setup-host.sh prepares
# ($(JH_CACHE)/kernel/lines/<suite>), each built into $(O)/compat/<release>/.
# A line passes when the build is warning-free, modpost reports no undefined
# symbol and the module's vermagic names that kernel release. All lines are
# compiled with $(CC) whatever gcc built the kernel (bullseye's names gcc-10,
# trixie's gcc-14): an option that kernel's config chose and $(CC) lacks
# (-fmin-function-alignment, gcc 14) falls back to Kbuild's alternative
# (-falign-functions), and BTF is not generated (that needs the kernel's
# pahole). These builds check the source against each kernel's API and
# exports; a module to ship is built with the kernel's own compiler.
COMPAT_LINES ?= bookworm bullseye trixie
module-compat: $(KMOD_SOURCES) $(wildcard $(SRCDIR)/include/jailhouse/*.h)
	$(Q)set -euo pipefail; \
	for line in $(COMPAT_LINES); do \
		kdir=$(JH_CACHE)/kernel/lines/$$line/build; \
		test -f $$kdir/Makefile || { echo "error: kernel line $$line is not prepared" \
			"(run scripts/setup-host.sh --kernel-lines)" >&2; exit 1; }; \
		rel=$$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' $$kdir/include/generated/utsrelease.h); \
		test -n "$$rel" || { echo "error: no kernel release in $$kdir" >&2; exit 1; }; \
		out=$(O)/compat/$$rel; \
		rm -rf $$out; mkdir -p $$out; cp $(KMOD_SOURCES) $$out/; \
		extra="CONFIG_DEBUG_INFO_BTF_MODULES="; \
		if grep -qx 'CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' $$kdir/include/config/auto.conf && \
		   ! $(CC) -fmin-function-alignment=8 -S -x c -o /dev/null /dev/null 2>/dev/null; then \
			extra="$$extra CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT="; \
		fi; \
		echo "  MODULE  $$line ($$rel) -> $$out"; \
		status=0; \
		$(MAKE) --no-print-directory -C $$kdir O= M=$$out ARCH=$(ARCH) \
			CROSS_COMPILE=$(CROSS_COMPILE) CC="$(CC)" LD="$(LD)" V=$(V) \
			JAILHOUSE_INCLUDE=$(SRCDIR)/include $$extra modules >$$out/build.log 2>&1 || status=$$?; \
		if [ $$status != 0 ]; then cat $$out/build.log >&2; \
			echo "error: jailhouse.ko does not build against $$line ($$rel)" >&2; exit 1; fi; \
		if grep -iE 'warning|undefined!' $$out/build.log >&2; then \
			echo "error: the $$line ($$rel) build printed warnings (log: $$out/build.log)" >&2; exit 1; fi; \
		grep -q MODPOST $$out/build.log || $(if $(filter 1,$(V)),true,{ \
			echo "error: modpost did not run for $$line ($$rel)" >&2; exit 1; }); \
		vermagic=$$(/sbin/modinfo -F vermagic $$out/jailhouse.ko); \
		test "$${vermagic%% *}" = "$$rel" || { echo "error: $$out/jailhouse.ko:" \
			"vermagic '$$vermagic' does not name $$rel" >&2; exit 1; }; \
		echo "$$out/jailhouse.ko: modpost: no undefined symbols; vermagic: $$vermagic"; \
	done
.PHONY: module-compat

# One QEMU boot per scenario: scripts/scenarios/NAME.sh runs in the guest,
# NAME.expect lists the serial lines it must produce, and the optional
# NAME.append holds extra kernel command-line words for that scenario.
qemu-test: staging $(DEVTOOLS)
	$(Q)for s in $(SCENARIOS); do \
		$(SRCDIR)/scripts/mkinitramfs.sh $(QEMU_OUT)/$$s.cpio.gz $(STAGING) $(BUSYBOX) \
			$(SRCDIR)/scripts/scenarios/$$s.sh || exit 1; \
		append=; for word in $$(cat $(SRCDIR)/scripts/scenarios/$$s.append 2>/dev/null); do \
			append="$$append --append $$word"; done; \
		$(DEVTOOLS) run-scenario --quiet --kernel $(KERNEL_IMAGE) \
			--initrd $(QEMU_OUT)/$$s.cpio.gz --expect $(SRCDIR)/scripts/scenarios/$$s.expect \
			--log $(QEMU_OUT)/$$s.log $(HARNESS_OPTS) $$append || exit 1; \
	done

test: setup
	$(Q)$(MAKE) --no-print-directory host-test
	$(Q)$(MAKE) --no-print-directory lint
	$(Q)$(MAKE) --no-print-directory config-check
	$(Q)$(MAKE) --no-print-directory rpi4-check
	$(Q)$(MAKE) --no-print-directory image-check
	$(Q)$(MAKE) --no-print-directory module-compat
	$(Q)$(MAKE) --no-print-directory yocto-check
	$(Q)$(MAKE) --no-print-directory sdk-check
	$(Q)$(MAKE) --no-print-directory qemu-test
	$(Q)$(MAKE) --no-print-directory qemu-test GIC=2 SCENARIOS="$(GICV2_SCENARIOS)"
	@# The short benchmark against scripts/bench/thresholds (release).
	$(Q)$(MAKE) --no-print-directory bench-check
	@# The same scenarios on debug builds (overflow checks, debug asserts).
	$(Q)$(MAKE) --no-print-directory qemu-test PROFILE=debug O=$(O)/debug
	$(Q)$(MAKE) --no-print-directory qemu-test PROFILE=debug GIC=2 SCENARIOS="$(GICV2_SCENARIOS)" O=$(O)/debug
	@echo "make test: all host tests, lints, image checks, QEMU scenarios (release and debug, GICv3 and GICv2) and the benchmark thresholds passed"

# ----------------------------------------------------- Yocto, packaging --
# The release tool (scripts/packaging): the layer's crates.inc from
# Cargo.lock, and the reproducible source tarball.
PACKAGING := $(O)/host/jailhouse-packaging
CRATES_INC := $(SRCDIR)/meta-jailhouse-rs/recipes-mcs/jailhouse/jailhouse-crates.inc
$(PACKAGING): $(SRCDIR)/Cargo.lock $(shell find $(SRCDIR)/scripts/packaging -type f)
	@mkdir -p $(@D)
	$(Q)$(CARGO) build $(CARGO_VERBOSE) --release --manifest-path $(SRCDIR)/Cargo.toml \
		-p jailhouse-packaging --target-dir $(O)/host-cargo
	$(Q)cp $(O)/host-cargo/release/jailhouse-packaging $@

crates-inc: $(PACKAGING)
	$(Q)$(PACKAGING) crates-inc --lock $(SRCDIR)/Cargo.lock --output $(CRATES_INC)

dist: $(PACKAGING)
	$(Q)$(PACKAGING) dist --source $(SRCDIR) --output-dir $(O)/dist

# The layer's checks: crates.inc up to date, the tarball reproducible (two
# builds, one sha256), oelint-adv and BitBake's parser on every recipe,
# class, append and conf, and the real oebuild on the documented compile.yaml.
yocto-check: $(PACKAGING)
	$(Q)$(PACKAGING) crates-inc --check --lock $(SRCDIR)/Cargo.lock --output $(CRATES_INC)
	$(Q)rm -rf $(O)/dist-check
	$(Q)$(PACKAGING) dist --source $(SRCDIR) --output-dir $(O)/dist-check/1 >/dev/null
	$(Q)sleep 1; $(PACKAGING) dist --source $(SRCDIR) --output-dir $(O)/dist-check/2 >/dev/null
	$(Q)a=$$(cat $(O)/dist-check/1/*.sha256); b=$$(cat $(O)/dist-check/2/*.sha256); \
		echo "dist 1: $$a"; echo "dist 2: $$b"; \
		test "$$a" = "$$b" || { echo "error: make dist is not reproducible" >&2; exit 1; }
	$(Q)$(SRCDIR)/scripts/yocto/check-layer.sh $(O)/yocto
	$(Q)$(SRCDIR)/scripts/yocto/oebuild-check.sh $(O)/oebuild

# The openEuler SDK flow: `make KDIR=...` in an environment shaped like
# environment-setup-aarch64-openeuler-linux (wrapper compilers that insist
# on the SDK's --sysroot), into $(O)/sdk.
sdk-check:
	$(Q)$(SRCDIR)/scripts/yocto/sdk-check.sh $(O)/sdk

DEMO_SCENARIO ?= demo
demo: setup
	$(Q)$(MAKE) --no-print-directory staging $(DEVTOOLS)
	$(Q)$(SRCDIR)/scripts/mkinitramfs.sh $(O)/qemu/demo.cpio.gz $(STAGING) $(BUSYBOX) \
		$(SRCDIR)/scripts/scenarios/$(DEMO_SCENARIO).sh
	$(Q)$(DEVTOOLS) run-scenario --kernel $(KERNEL_IMAGE) --initrd $(O)/qemu/demo.cpio.gz \
		--expect $(SRCDIR)/scripts/scenarios/$(DEMO_SCENARIO).expect \
		--log $(O)/demo-serial.log $(HARNESS_OPTS)
	@echo "demo serial log: $(O)/demo-serial.log"

# ----------------------------------------------------------- benchmarks --
# `make bench`: release artefacts; every measurement under QEMU -icount
# (scripts/bench/bench.sh in the guest, gic-demo on bare metal beside it),
# BENCH_RUNS times; the table in $(BENCH_OUT)/bench.md and bench.json and
# on stdout (docs/benchmarks.md). BENCH_ARGS are kernel command-line words
# for bench.sh (its length). `make bench-check` is the short version CI
# runs: the same measurements, fewer rounds, judged against
# scripts/bench/thresholds.
BENCH_OUT ?= $(O)/bench
BENCH_ARGS ?= jhbench.ticks=250 jhbench.rounds=1000 jhbench.cycles=10
BENCH_TIMEOUT ?= 900
BENCH_RUNS ?= 1 2
BENCH_THRESHOLDS ?=
VCOUNT := $(O)/bench/vcount
$(VCOUNT): $(SRCDIR)/scripts/bench/vcount.c
	@mkdir -p $(@D)
	$(Q)$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

bench-run: staging $(DEVTOOLS) $(VCOUNT) $(O)/bench/gic-demo-baremetal.elf
	$(Q)$(SRCDIR)/scripts/mkinitramfs.sh $(BENCH_OUT)/bench.cpio.gz $(STAGING) $(BUSYBOX) \
		$(SRCDIR)/scripts/bench/bench.sh $(VCOUNT)
	$(Q)for run in $(BENCH_RUNS); do \
		echo "  BENCH   run $$run: bare-metal gic-demo"; \
		timeout 120 $(BAREMETAL_QEMU:gic-version=$(GIC)=gic-version=3) \
			-device loader,file=$(O)/bench/gic-demo-baremetal.elf,cpu-num=0 \
			>$(BENCH_OUT)/baremetal-$$run.log 2>$(BENCH_OUT)/baremetal-$$run.err || \
			{ echo "error: the bare-metal run failed, see $(BENCH_OUT)/baremetal-$$run.*" >&2; exit 1; }; \
		grep -q 'gic-demo: done after' $(BENCH_OUT)/baremetal-$$run.log || \
			{ echo "error: the bare-metal gic-demo did not finish" >&2; exit 1; }; \
		echo "  BENCH   run $$run: jailhouse-rs (bench.sh $(BENCH_ARGS))"; \
		$(DEVTOOLS) run-scenario --quiet --kernel $(KERNEL_IMAGE) \
			--initrd $(BENCH_OUT)/bench.cpio.gz --expect $(SRCDIR)/scripts/bench/bench.expect \
			--log $(BENCH_OUT)/bench-$$run.log --gic 3 --icount 4 --timeout $(BENCH_TIMEOUT) \
			$(foreach w,$(BENCH_ARGS),--append $(w)) || exit 1; \
	done

bench-report: $(DEVTOOLS)
	$(Q)$(DEVTOOLS) bench-report \
		$(foreach r,$(BENCH_RUNS),--run $(BENCH_OUT)/bench-$(r).log) \
		$(foreach r,$(BENCH_RUNS),--baremetal $(BENCH_OUT)/baremetal-$(r).log) \
		--markdown $(BENCH_OUT)/bench.md --json $(BENCH_OUT)/bench.json \
		$(if $(BENCH_THRESHOLDS),--thresholds $(BENCH_THRESHOLDS))
	@echo "bench: table in $(BENCH_OUT)/bench.md and $(BENCH_OUT)/bench.json"

bench: setup
	$(Q)$(MAKE) --no-print-directory bench-run PROFILE=release
	$(Q)$(MAKE) --no-print-directory bench-report PROFILE=release

bench-check:
	$(Q)$(MAKE) --no-print-directory bench-run PROFILE=release BENCH_OUT=$(O)/bench-check \
		BENCH_ARGS="jhbench.ticks=40 jhbench.rounds=200 jhbench.cycles=2"
	$(Q)$(MAKE) --no-print-directory bench-report PROFILE=release BENCH_OUT=$(O)/bench-check \
		BENCH_THRESHOLDS=$(SRCDIR)/scripts/bench/thresholds

clean:
	$(Q)rm -rf $(O)

.PHONY: all firmware module tools cells inmates freertos install setup staging host-test lint \
	config-check rpi4-check image-check qemu-test test demo clean crates-inc dist yocto-check \
	sdk-check baremetal-inmates baremetal-run bench bench-run bench-report bench-check
