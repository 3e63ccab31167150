// SPDX-License-Identifier: GPL-2.0-only

//! The decisions of GICv3 virtualisation, for the root cell and the
//! non-root cells alike: which interrupts a cell owns, what a trapped
//! distributor or redistributor access may do to the physical GIC, how
//! `ICC_SGI1R_EL1` names target CPUs, how list registers are encoded, how
//! a CPU interface's state moves into the virtual interface and back,
//! and what becomes of the virtual interrupts a CPU still holds when it
//! gives its virtual interface up.
//!
//! Everything here is plain data in, decision out; the arch layer
//! (`arch::aarch64::gic`) performs the register accesses and `hv.rs`
//! applies the decisions. A decision never lets a cell touch an
//! interrupt it does not own, nor the hypervisor's own private
//! interrupts ([`SGI_EVENT`], the maintenance interrupt).

/// Interrupt IDs covered by the bitmaps (SGIs, PPIs and SPIs 32..1019).
pub const MAX_IRQS: usize = 1024;

/// The physical SGI the hypervisor sends to a CPU to make it look at its
/// management requests and at the virtual SGIs posted for it. Linux uses
/// SGIs 0–7 for its IPIs, which the hypervisor forwards as the same
/// physical SGIs between root CPUs.
pub const SGI_EVENT: u32 = 8;

/// Size of the distributor frame (GICv3).
pub const GICD_SIZE: u64 = 0x1_0000;
/// Size of one redistributor (RD_base + SGI_base frames).
pub const GICR_STRIDE: u64 = 0x2_0000;

/// A set of interrupt IDs below [`MAX_IRQS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IrqSet {
    words: [u32; MAX_IRQS / 32],
}

impl Default for IrqSet {
    fn default() -> Self {
        Self::new()
    }
}

impl IrqSet {
    /// The empty set.
    pub const fn new() -> Self {
        Self {
            words: [0; MAX_IRQS / 32],
        }
    }

    /// Add the pins of an irqchip entry: bit `i` of `bitmap[w]` is
    /// interrupt `pin_base + 32 * w + i`. Only SPIs are taken; pins
    /// beyond the table or below 32 are ignored.
    pub fn add_pins(&mut self, pin_base: u32, bitmap: &[u32; 4]) {
        for (w, &bits) in bitmap.iter().enumerate() {
            for i in 0..32 {
                if bits & (1 << i) != 0 {
                    if let Some(irq) = pin_base.checked_add(32 * w as u32 + i) {
                        if (32..MAX_IRQS as u32).contains(&irq) {
                            self.insert(irq);
                        }
                    }
                }
            }
        }
    }

    /// The SPIs that the irqchip entries for the distributor at `gicd`
    /// give a cell.
    pub fn of_irqchips(chips: &[jailhouse_abi::config::IrqChip], gicd: u64) -> Self {
        let mut set = Self::new();
        for chip in chips.iter().filter(|c| { c.address } == gicd) {
            set.add_pins(chip.pin_base, &{ chip.pin_bitmap });
        }
        set
    }

    /// Replace the 32 bits of the set starting at interrupt `32 * word`.
    pub fn set_word(&mut self, word: usize, bits: u32) {
        if let Some(w) = self.words.get_mut(word) {
            *w = bits;
        }
    }

    /// Add `irq`.
    pub fn insert(&mut self, irq: u32) {
        if let Some(word) = self.words.get_mut(irq as usize / 32) {
            *word |= 1 << (irq % 32);
        }
    }

    /// Whether `irq` is in the set.
    pub fn contains(&self, irq: u32) -> bool {
        self.words
            .get(irq as usize / 32)
            .is_some_and(|w| w & (1 << (irq % 32)) != 0)
    }

    /// The 32 bits of the set starting at interrupt `32 * word`.
    pub fn word(&self, word: usize) -> u32 {
        self.words.get(word).copied().unwrap_or(0)
    }

    /// Whether the two sets share an interrupt.
    pub fn intersects(&self, other: &IrqSet) -> bool {
        self.words.iter().zip(&other.words).any(|(a, b)| a & b != 0)
    }

    /// Each interrupt in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..MAX_IRQS as u32).filter(|&irq| self.contains(irq))
    }
}

/// What a trapped register access does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the 32-bit physical register at `offset` (from the frame's
    /// base) and return the bits of `mask` (the others read as 0).
    Read { offset: u64, mask: u32 },
    /// Read the 64-bit physical register at `offset`, OR in `set`.
    Read64 { offset: u64, set: u64 },
    /// Write `value` to the 32-bit physical register at `offset`; its
    /// bits outside the cell's are already 0 (a write-1-to-set/clear
    /// register, where 0 bits have no effect).
    Write { offset: u64, value: u32 },
    /// Replace the bits of `mask` in the 32-bit physical register at
    /// `offset` with those of `value` (under the distributor lock).
    Modify { offset: u64, mask: u32, value: u32 },
    /// Route SPI `irq` (IROUTER at `offset`) to the CPU whose affinity is
    /// `mpidr`, if that CPU belongs to the cell; otherwise refuse.
    Route { offset: u64, irq: u32, mpidr: u64 },
    /// GICv2: replace the bytes of `mask` in the `GICD_ITARGETSR` word at
    /// `offset` with those of `value`, if every CPU interface they name
    /// belongs to the cell; otherwise refuse.
    SetTargets { offset: u64, mask: u32, value: u32 },
    /// GICv2: deliver the SGI of this `GICD_SGIR` value within the cell.
    SendSgi(u32),
    /// Reads give this constant, writes are ignored.
    Constant(u64),
}

/// A trapped access, as the data abort syndrome describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Offset into the frame.
    pub offset: u64,
    /// Bytes: 1, 2, 4 or 8.
    pub size: u32,
    /// A write of `value`, or a read.
    pub write: bool,
    /// The value written (writes only).
    pub value: u64,
}

const GICD_CTLR: u64 = 0x0000;
const GICD_TYPER: u64 = 0x0004;
const GICD_IIDR: u64 = 0x0008;
const GICD_TYPER2: u64 = 0x000c;
const GICD_IGROUPR: u64 = 0x0080;
const GICD_ISENABLER: u64 = 0x0100;
const GICD_ICACTIVER_END: u64 = 0x0400;
const GICD_IPRIORITYR: u64 = 0x0400;
const GICD_IPRIORITYR_END: u64 = 0x0800;
const GICD_ICFGR: u64 = 0x0c00;
const GICD_ICFGR_END: u64 = 0x0d00;
const GICD_IROUTER: u64 = 0x6000;
const GICD_IROUTER_END: u64 = 0x8000;
/// Identification registers (PIDR4..CIDR3) at the end of a frame.
const ID_REGS: u64 = 0xffd0;

/// Bits of a register with `bits_per_irq` bits per interrupt, covering
/// interrupts from `first_irq`, that belong to `owned`.
fn field_mask(owned: &IrqSet, first_irq: u32, bits_per_irq: u32) -> u32 {
    let per_word = 32 / bits_per_irq;
    let field = (1u32 << bits_per_irq) - 1;
    (0..per_word)
        .filter(|i| owned.contains(first_irq + i))
        .fold(0, |mask, i| mask | field << (i * bits_per_irq))
}

/// A 1-bit-per-interrupt register bank (set/clear enable, pending,
/// active) at `offset`: reads and writes limited to `owned`.
fn bitmap_register(owned: &IrqSet, access: &Access, reg: u64, bank_start: u64) -> Action {
    let first_irq = ((reg - bank_start) % 0x80 * 8) as u32;
    let mask = field_mask(owned, first_irq, 1);
    if access.write {
        Action::Write {
            offset: reg,
            value: access.value as u32 & mask,
        }
    } else {
        Action::Read { offset: reg, mask }
    }
}

/// A read-modify-write register bank with `bits_per_irq` bits per
/// interrupt, starting at `bank_start` (interrupt 0).
fn field_register(owned: &IrqSet, access: &Access, bank_start: u64, bits_per_irq: u32) -> Action {
    let reg = access.offset & !3;
    let byte_in_reg = (access.offset & 3) as u32;
    let first_irq = ((reg - bank_start) * 8 / u64::from(bits_per_irq)) as u32;
    let mut mask = field_mask(owned, first_irq, bits_per_irq);
    let mut value = access.value as u32;
    if access.size < 4 {
        // A byte (or halfword) access: only the bytes it covers.
        let bits = access.size * 8;
        let window = (((1u64 << bits) - 1) as u32) << (byte_in_reg * 8);
        mask &= window;
        value <<= byte_in_reg * 8;
    }
    if access.write {
        Action::Modify {
            offset: reg,
            mask,
            value: value & mask,
        }
    } else {
        Action::Read { offset: reg, mask }
    }
}

/// Decide a cell's trapped access to the distributor. `owned` are the
/// cell's SPIs. The caller shifts the result of byte reads back into
/// place (see [`read_result`]).
pub fn distributor(owned: &IrqSet, access: &Access) -> Action {
    let off = access.offset;
    match off {
        GICD_CTLR | GICD_TYPER | GICD_IIDR | GICD_TYPER2 if access.size == 4 && !access.write => {
            Action::Read {
                offset: off,
                mask: u32::MAX,
            }
        }
        GICD_IGROUPR..GICD_ISENABLER if access.size == 4 => {
            field_register(owned, access, GICD_IGROUPR, 1)
        }
        GICD_ISENABLER..GICD_ICACTIVER_END if access.size == 4 => {
            let bank = off & !0x7f;
            bitmap_register(owned, access, off & !3, bank)
        }
        GICD_IPRIORITYR..GICD_IPRIORITYR_END if access.size != 8 => {
            field_register(owned, access, GICD_IPRIORITYR, 8)
        }
        GICD_ICFGR..GICD_ICFGR_END if access.size == 4 => {
            field_register(owned, access, GICD_ICFGR, 2)
        }
        GICD_IROUTER..GICD_IROUTER_END if off % 8 == 0 && access.size >= 4 => {
            let irq = ((off - GICD_IROUTER) / 8) as u32;
            if !owned.contains(irq) {
                Action::Constant(0)
            } else if access.write {
                Action::Route {
                    offset: off,
                    irq,
                    mpidr: access.value & 0xff_00ff_ffff,
                }
            } else {
                Action::Read64 {
                    offset: off,
                    set: 0,
                }
            }
        }
        ID_REGS..GICD_SIZE if access.size == 4 && !access.write => Action::Read {
            offset: off,
            mask: u32::MAX,
        },
        _ => Action::Constant(0),
    }
}

/// Size of the GICv2 distributor frame.
pub const GICD_SIZE_V2: u64 = 0x1000;
/// GICv2 `GICD_ITARGETSR<n>`: one byte of CPU interface targets per
/// interrupt; those of SGIs and PPIs (the first eight words) are banked
/// and read-only.
const GICD_ITARGETSR: u64 = 0x0800;
const GICD_ITARGETSR_SPI: u64 = 0x0820;
const GICD_ITARGETSR_END: u64 = 0x0c00;
/// GICv2 `GICD_SGIR`, `GICD_CPENDSGIR`, `GICD_SPENDSGIR`.
const GICD_SGIR: u64 = 0x0f00;
const GICD_CPENDSGIR: u64 = 0x0f10;
const GICD_SPENDSGIR_END: u64 = 0x0f30;
/// GICv2 identification registers.
const ID_REGS_V2: u64 = 0x0fd0;

/// Decide a cell's trapped access to a GICv2 distributor. `owned` are the
/// interrupts the cell may program: its SPIs, and the PPIs of the
/// accessing CPU (the distributor banks them per CPU). Beyond what
/// [`distributor`] decides: SPI targets ([`Action::SetTargets`]), SGIs
/// ([`Action::SendSgi`]; their pending state is the virtual interface's,
/// so `GICD_[CS]PENDSGIR` do nothing), and group changes are ignored (the
/// hypervisor takes group-0 interrupts, which is every interrupt unless
/// something changed it).
pub fn distributor_v2(owned: &IrqSet, access: &Access) -> Action {
    let off = access.offset;
    match off {
        GICD_IGROUPR..GICD_ISENABLER if access.write => Action::Constant(0),
        GICD_ITARGETSR..GICD_ITARGETSR_SPI if !access.write && access.size != 8 => Action::Read {
            offset: off & !3,
            mask: u32::MAX,
        },
        GICD_ITARGETSR_SPI..GICD_ITARGETSR_END if access.size != 8 => {
            match field_register(owned, access, GICD_ITARGETSR, 8) {
                Action::Modify {
                    offset,
                    mask,
                    value,
                } => Action::SetTargets {
                    offset,
                    mask,
                    value,
                },
                other => other,
            }
        }
        GICD_SGIR if access.write && access.size == 4 => Action::SendSgi(access.value as u32),
        GICD_CPENDSGIR..GICD_SPENDSGIR_END => Action::Constant(0),
        ID_REGS_V2..GICD_SIZE_V2 if access.size == 4 && !access.write => Action::Read {
            offset: off,
            mask: u32::MAX,
        },
        GICD_SIZE_V2.. | GICD_TYPER2 => Action::Constant(0),
        _ => distributor(owned, access),
    }
}

const GICR_CTLR: u64 = 0x0000;
const GICR_IIDR: u64 = 0x0004;
const GICR_TYPER: u64 = 0x0008;
const GICR_WAKER: u64 = 0x0014;
const GICR_SGI_BASE: u64 = 0x1_0000;
/// GICR_TYPER.Last: the last redistributor of the GIC.
pub const GICR_TYPER_LAST: u64 = 1 << 4;

/// Decide a cell's trapped access to one redistributor, at `access.offset`
/// from that redistributor's base. `own` says whether the redistributor
/// belongs to a CPU of the cell; `private` are the private interrupts
/// (SGIs, PPIs) the cell may program; `last` forces TYPER.Last (on the
/// highest redistributor the hypervisor hands out).
pub fn redistributor(access: &Access, own: bool, private: &IrqSet, last: bool) -> Action {
    let off = access.offset;
    let read = !access.write;
    match off {
        GICR_TYPER if read && access.size == 8 => Action::Read64 {
            offset: off,
            set: if last { GICR_TYPER_LAST } else { 0 },
        },
        GICR_TYPER if read && access.size == 4 => Action::Read {
            offset: off,
            mask: u32::MAX,
        },
        0x000c if read && access.size == 4 => Action::Read {
            offset: off,
            mask: u32::MAX,
        },
        GICR_IIDR if read && access.size == 4 => Action::Read {
            offset: off,
            mask: u32::MAX,
        },
        ID_REGS..GICR_SGI_BASE if read && access.size == 4 => Action::Read {
            offset: off,
            mask: u32::MAX,
        },
        GICR_CTLR | GICR_WAKER if own && read && access.size == 4 => Action::Read {
            offset: off,
            mask: u32::MAX,
        },
        _ if !own || off < GICR_SGI_BASE => Action::Constant(0),
        _ => {
            let sgi = Access {
                offset: off - GICR_SGI_BASE,
                ..*access
            };
            let action = match sgi.offset {
                0x0080..0x0084 if sgi.size == 4 => field_register(private, &sgi, 0x0080, 1),
                0x0100..0x0400 if sgi.size == 4 && sgi.offset % 0x80 == 0 => {
                    bitmap_register(private, &sgi, sgi.offset, sgi.offset)
                }
                0x0400..0x0420 if sgi.size != 8 => field_register(private, &sgi, 0x0400, 8),
                0x0c00..0x0c08 if sgi.size == 4 => field_register(private, &sgi, 0x0c00, 2),
                _ => Action::Constant(0),
            };
            match action {
                Action::Read { offset, mask } => Action::Read {
                    offset: offset + GICR_SGI_BASE,
                    mask,
                },
                Action::Write { offset, value } => Action::Write {
                    offset: offset + GICR_SGI_BASE,
                    value,
                },
                Action::Modify {
                    offset,
                    mask,
                    value,
                } => Action::Modify {
                    offset: offset + GICR_SGI_BASE,
                    mask,
                    value,
                },
                other => other,
            }
        }
    }
}

/// A read of `GICR_TYPER` (as one 64-bit or two 32-bit accesses) with
/// the affinity field (bits 63:32) replaced by `affinity`; other reads
/// come back unchanged.
pub fn typer_with_affinity(access: &Access, value: u64, affinity: u64) -> u64 {
    match (access.offset, access.size) {
        (GICR_TYPER, 8) => (value & 0xffff_ffff) | affinity << 32,
        (0x000c, 4) => affinity & 0xffff_ffff,
        _ => value,
    }
}

/// The value a read of `access` returns, given the physical 32-bit
/// register value `raw` already masked by the action: sub-word reads
/// take their bytes from the register.
pub fn read_result(access: &Access, raw: u32) -> u64 {
    if access.size >= 4 {
        return u64::from(raw);
    }
    let shift = (access.offset & 3) * 8;
    let bits = access.size * 8;
    (u64::from(raw) >> shift) & ((1 << bits) - 1)
}

/// The private interrupts a cell CPU may program in its redistributor:
/// the PPIs, except the maintenance interrupt. SGIs stay the
/// hypervisor's (cells get virtual SGIs through `ICC_SGI1R_EL1`).
pub fn cell_private_irqs(maintenance_irq: u32) -> IrqSet {
    let mut set = IrqSet::new();
    for irq in 16..32 {
        if irq != maintenance_irq {
            set.insert(irq);
        }
    }
    set
}

/// `ICC_SGI1R_EL1` as written by a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SgiRequest {
    /// The SGI number (0..15).
    pub intid: u32,
    /// IRM: every CPU of the cell but the sender.
    pub all_but_self: bool,
    /// Affinity 3.2.1 of the targets (in MPIDR layout, Aff0 = 0).
    pub affinity: u64,
    /// Target list: bit n is Aff0 = `range * 16 + n`.
    pub targets: u16,
    /// RS: which group of 16 Aff0 values `targets` means.
    pub range: u32,
}

impl SgiRequest {
    /// Decode a written `ICC_SGI1R_EL1` value.
    pub const fn decode(value: u64) -> Self {
        Self {
            intid: ((value >> 24) & 0xf) as u32,
            all_but_self: value & (1 << 40) != 0,
            affinity: ((value >> 48) & 0xff) << 32
                | ((value >> 32) & 0xff) << 16
                | ((value >> 16) & 0xff) << 8,
            targets: value as u16,
            range: ((value >> 44) & 0xf) as u32,
        }
    }

    /// The affinities a target-list request names (none for IRM).
    pub fn listed_targets(&self) -> impl Iterator<Item = u64> + '_ {
        let base = self.affinity | (u64::from(self.range) * 16);
        (0..16u64)
            .filter(move |n| !self.all_but_self && self.targets & (1 << n) != 0)
            .map(move |n| base + n)
    }

    /// Whether the CPU with affinity `mpidr` is a target (for a sender
    /// with affinity `sender`).
    pub fn targets_cpu(&self, mpidr: u64, sender: u64) -> bool {
        if self.all_but_self {
            return mpidr != sender;
        }
        let aff0 = mpidr & 0xff;
        mpidr & !0xff == self.affinity
            && aff0 / 16 == u64::from(self.range)
            && self.targets & (1 << (aff0 % 16)) != 0
    }
}

/// `ICH_LR<n>_EL2` value injecting `vintid` as pending, group 1, at
/// `priority`; with `hw`, the guest's deactivation also deactivates the
/// physical interrupt of the same number.
pub const fn list_register(vintid: u32, priority: u8, hw: bool) -> u64 {
    let mut lr = vintid as u64 | (priority as u64) << 48 | 1 << 60 | 1 << 62;
    if hw {
        lr |= 1 << 61 | (vintid as u64) << 32;
    }
    lr
}

/// The interrupt an `ICH_LR<n>_EL2` value holds, if it is not empty.
pub const fn list_register_intid(lr: u64) -> Option<u32> {
    if lr >> 62 == 0 {
        None
    } else {
        Some(lr as u32)
    }
}

/// `ICH_LR<n>_EL2` value injecting SGI `intid` from source CPU interface
/// `source`: the form [`list_register`] gives, with the source (GICv2
/// only; 0 on a GICv3) in the physical-ID field, bits 34:32, which a
/// GICv3 ignores without the HW bit. This is the list register form the
/// rest of the hypervisor works with; [`lr_to_v2`] and [`lr_from_v2`]
/// translate it for a GICv2.
pub const fn sgi_list_register(intid: u32, source: u32) -> u64 {
    list_register(intid, 0, false) | ((source & 7) as u64) << 32
}

/// The source CPU interface of a virtual SGI in a list register value
/// (0 for anything else).
pub const fn list_register_source(lr: u64) -> u32 {
    if lr >> 61 & 1 == 0 {
        (lr >> 32) as u32 & 7
    } else {
        0
    }
}

/// A GICv2 `GICH_LR<n>` from the list register form of [`list_register`]:
/// vINTID 9:0, pINTID 19:10 with HW (31) or the SGI's source CPU in
/// 12:10, priority 27:23 (the top five bits), state 29:28. Group 0
/// (bit 30 clear): a GICv2 guest enables it as its first group, and it is
/// signalled as an IRQ unless the guest asks for FIQs.
pub const fn lr_to_v2(lr: u64) -> u32 {
    let hw = lr >> 61 & 1;
    let physical = if hw == 1 {
        (lr >> 32) & 0x3ff
    } else {
        (lr >> 32) & 7
    };
    let priority = (lr >> 48) & 0xff;
    ((lr & 0x3ff) | physical << 10 | (priority >> 3) << 23 | (lr >> 62 & 3) << 28 | hw << 31) as u32
}

/// The list register form of a GICv2 `GICH_LR<n>` (see [`lr_to_v2`]).
pub const fn lr_from_v2(v2: u32) -> u64 {
    let v2 = v2 as u64;
    let hw = v2 >> 31 & 1;
    let physical = if hw == 1 {
        (v2 >> 10) & 0x3ff
    } else {
        (v2 >> 10) & 7
    };
    (v2 & 0x3ff)
        | physical << 32
        | ((v2 >> 23) & 0x1f) << 51
        | 1 << 60
        | hw << 61
        | (v2 >> 28 & 3) << 62
}

/// `GICD_SGIR` (GICv2) as written by a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SgirRequest {
    /// The SGI number (0..15).
    pub intid: u32,
    /// TargetListFilter: 0 the listed interfaces, 1 all but the sender,
    /// 2 the sender only (3 is reserved: nobody).
    pub filter: u32,
    /// CPUTargetList: bit n = CPU interface n.
    pub targets: u8,
}

impl SgirRequest {
    /// Decode a written `GICD_SGIR` value.
    pub const fn decode(value: u32) -> Self {
        Self {
            intid: value & 0xf,
            filter: (value >> 24) & 3,
            targets: (value >> 16) as u8,
        }
    }

    /// Whether CPU interface `interface` is a target for a sender at
    /// interface `sender`.
    pub fn targets_interface(&self, interface: u32, sender: u32) -> bool {
        match self.filter {
            0 => interface < 8 && self.targets & (1 << interface) != 0,
            1 => interface != sender,
            2 => interface == sender,
            _ => false,
        }
    }
}

/// The EL1-visible state of a GIC CPU interface that Linux programs:
/// what moves from the physical `ICC_*` registers into `ICH_VMCR_EL2`
/// when a running root CPU comes under the hypervisor, and back when it
/// leaves. Group 0 is left out: Linux does not use it, and with two
/// security states its registers may belong to the secure firmware.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuInterface {
    /// `ICC_PMR_EL1`: priority mask.
    pub pmr: u8,
    /// `ICC_BPR1_EL1`: binary point of group 1.
    pub bpr1: u8,
    /// `ICC_IGRPEN1_EL1`: group 1 enabled.
    pub group1: bool,
    /// `ICC_CTLR_EL1.EOImode`: EOI only drops the priority.
    pub eoi_drop_only: bool,
    /// `ICC_CTLR_EL1.CBPR`: one binary point for both groups.
    pub common_bpr: bool,
}

/// `ICC_CTLR_EL1.CBPR` and `.EOImode`.
pub const ICC_CTLR_CBPR: u64 = 1 << 0;
pub const ICC_CTLR_EOIMODE: u64 = 1 << 1;

impl CpuInterface {
    /// From the physical registers (`ctlr` = `ICC_CTLR_EL1`).
    pub fn from_icc(pmr: u64, bpr1: u64, group1: u64, ctlr: u64) -> Self {
        Self {
            pmr: pmr as u8,
            bpr1: (bpr1 & 7) as u8,
            group1: group1 & 1 != 0,
            eoi_drop_only: ctlr & ICC_CTLR_EOIMODE != 0,
            common_bpr: ctlr & ICC_CTLR_CBPR != 0,
        }
    }

    /// As `ICH_VMCR_EL2`: VENG1 (bit 1), VCBPR (4), VEOIM (9), VBPR1
    /// (20:18), VBPR0 (23:21; the same binary point), VPMR (31:24).
    pub fn to_vmcr(self) -> u64 {
        u64::from(self.group1) << 1
            | u64::from(self.common_bpr) << 4
            | u64::from(self.eoi_drop_only) << 9
            | u64::from(self.bpr1) << 18
            | u64::from(self.bpr1) << 21
            | u64::from(self.pmr) << 24
    }

    /// From `ICH_VMCR_EL2`.
    pub fn from_vmcr(vmcr: u64) -> Self {
        Self {
            pmr: (vmcr >> 24) as u8,
            bpr1: ((vmcr >> 18) & 7) as u8,
            group1: vmcr & (1 << 1) != 0,
            eoi_drop_only: vmcr & (1 << 9) != 0,
            common_bpr: vmcr & (1 << 4) != 0,
        }
    }

    /// `ICC_CTLR_EL1` value `ctlr` with this interface's EOImode and CBPR.
    pub fn icc_ctlr(self, ctlr: u64) -> u64 {
        let mut ctlr = ctlr & !(ICC_CTLR_CBPR | ICC_CTLR_EOIMODE);
        if self.common_bpr {
            ctlr |= ICC_CTLR_CBPR;
        }
        if self.eoi_drop_only {
            ctlr |= ICC_CTLR_EOIMODE;
        }
        ctlr
    }
}

/// A GICv2 CPU interface's state that Linux programs (`GICC_CTLR`,
/// `GICC_PMR`, `GICC_BPR`) as `GICH_VMCR`, for a root CPU coming under
/// the hypervisor. `GICC_CTLR` bits 4:0 (group enables, AckCtl, FIQEn,
/// CBPR; without security extensions) and 9 (EOImode) have the same place
/// in `GICH_VMCR`; with security extensions Linux runs non-secure and
/// uses bit 0 (its group) and 9 (EOImode) alone, which become the virtual
/// interface's first group (the one list registers inject) and EOImode.
/// The priority mask keeps its top five bits (VMPriMask 31:27), the
/// binary point goes to VMBP (23:21).
pub const fn gich_vmcr(ctlr: u32, pmr: u32, bpr: u32) -> u32 {
    (ctlr & 0x1f) | (ctlr & 1 << 9) | (bpr & 7) << 21 | ((pmr & 0xff) >> 3) << 27
}

/// `GICC_CTLR`, `GICC_PMR` and `GICC_BPR` from `GICH_VMCR` (see
/// [`gich_vmcr`]), when the root CPU's interface goes back to Linux.
pub const fn gicc_from_vmcr(vmcr: u32) -> (u32, u32, u32) {
    (
        (vmcr & 0x1f) | (vmcr & 1 << 9),
        (vmcr >> 27) << 3,
        (vmcr >> 21) & 7,
    )
}

/// What becomes of a virtual interrupt a CPU holds (in a list register
/// or queued) when it gives up its virtual interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// Nothing to do.
    Drop,
    /// Physical interrupt `intid` (which the hypervisor acknowledged, so
    /// it is active): make it pending again if `pend`, deactivate it if
    /// `deactivate`.
    Physical {
        intid: u32,
        pend: bool,
        deactivate: bool,
    },
    /// Raise SGI `intid` again on this CPU, physically.
    Sgi(u32),
}

/// The hand-over of list register value `lr`. With `keep`, the CPU's
/// software goes on with the physical interface (the hypervisor is being
/// disabled): nothing may be lost, and an interrupt it is handling stays
/// active for its deactivation. Without, the CPU stops (it is switched
/// off or leaves its cell): its interrupts are ended, and an SPI it had
/// not taken yet is made pending again so that it reaches the CPU the
/// SPI is routed to now.
pub fn hand_back(lr: u64, keep: bool) -> Handover {
    let pending = lr >> 62 & 1 != 0;
    let active = lr >> 63 != 0;
    if !pending && !active {
        return Handover::Drop;
    }
    if lr >> 61 & 1 == 0 {
        // A virtual SGI: nothing physical stands behind it.
        return if keep && pending {
            Handover::Sgi(lr as u32 & 0xf)
        } else {
            Handover::Drop
        };
    }
    let intid = (lr >> 32) as u32 & 0x3ff;
    let spi = intid >= 32;
    Handover::Physical {
        intid,
        pend: pending && (keep || spi),
        deactivate: !(keep && active),
    }
}

/// The hand-over of an interrupt waiting in the pending queue (pending,
/// not yet in a list register; HW-backed unless an SGI).
pub fn hand_back_queued(intid: u32, keep: bool) -> Handover {
    let lr = if intid < 16 {
        list_register(intid, 0, false)
    } else {
        list_register(intid, 0, true)
    };
    hand_back(lr, keep)
}

/// Source CPU interfaces a GICv2 SGI can name (GICv3 SGIs use source 0).
pub const SGI_SOURCES: usize = 8;

/// Bits of the pending queue: one per interrupt ID, and for SGIs one per
/// (source CPU interface, SGI), so that the same SGI from two sources is
/// delivered twice, as the GICv2 architecture delivers it.
const QUEUE_BITS: usize = MAX_IRQS + SGI_SOURCES * 16;

/// Virtual interrupts waiting for a free list register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    bits: [u64; QUEUE_BITS / 64],
}

impl Default for Pending {
    fn default() -> Self {
        Self::new()
    }
}

impl Pending {
    /// Nothing pending.
    pub const fn new() -> Self {
        Self {
            bits: [0; QUEUE_BITS / 64],
        }
    }

    /// Mark `irq` pending (again: it is pending once); for an SGI,
    /// `source` is the sending CPU interface (GICv2; 0 on GICv3).
    pub fn set(&mut self, irq: u32, source: u32) {
        let key = match irq {
            0..16 if (source as usize) < SGI_SOURCES => MAX_IRQS as u32 + source * 16 + irq,
            0..16 => return,
            _ => irq,
        };
        if let Some(w) = self.bits.get_mut(key as usize / 64) {
            *w |= 1 << (key % 64);
        }
    }

    /// Take the lowest pending interrupt (PPIs and SPIs before SGIs):
    /// its ID and, for an SGI, its source.
    pub fn take(&mut self) -> Option<(u32, u32)> {
        let (i, w) = self.bits.iter_mut().enumerate().find(|(_, w)| **w != 0)?;
        let bit = w.trailing_zeros();
        *w &= !(1 << bit);
        let key = i as u32 * 64 + bit;
        Some(match key.checked_sub(MAX_IRQS as u32) {
            Some(sgi) => (sgi % 16, sgi / 16),
            None => (key, 0),
        })
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spi_144() -> IrqSet {
        let mut set = IrqSet::new();
        set.add_pins(32, &[0, 0, 0, 1 << 16]);
        set
    }

    fn read(offset: u64, size: u32) -> Access {
        Access {
            offset,
            size,
            write: false,
            value: 0,
        }
    }

    fn write(offset: u64, size: u32, value: u64) -> Access {
        Access {
            offset,
            size,
            write: true,
            value,
        }
    }

    #[test]
    fn irqchip_pins_become_spis() {
        let set = spi_144();
        assert!(set.contains(144));
        assert_eq!(set.iter().collect::<Vec<_>>(), [144]);
        let mut all = IrqSet::new();
        all.add_pins(0, &[u32::MAX, 1, 0, 0]);
        assert!(!all.contains(31), "SGIs and PPIs are never cell pins");
        assert!(all.contains(32));
        let mut high = IrqSet::new();
        high.add_pins(992, &[u32::MAX, u32::MAX, 0, 0]);
        assert!(high.contains(1023) && !high.contains(1024));
        assert!(spi_144().intersects(&spi_144()));
        assert!(!spi_144().intersects(&high));
    }

    #[test]
    fn enable_registers_are_limited_to_the_cell() {
        let set = spi_144();
        // ISENABLER4 covers 128..159; 144 is bit 16.
        assert_eq!(
            distributor(&set, &write(0x110, 4, 0xffff_ffff)),
            Action::Write {
                offset: 0x110,
                value: 1 << 16
            }
        );
        assert_eq!(
            distributor(&set, &read(0x190, 4)),
            Action::Read {
                offset: 0x190,
                mask: 1 << 16
            }
        );
        // Another cell's (root's) interrupts: nothing to write.
        assert_eq!(
            distributor(&set, &write(0x104, 4, u64::from(u32::MAX))),
            Action::Write {
                offset: 0x104,
                value: 0
            }
        );
        // Pending and active banks too.
        assert_eq!(
            distributor(&set, &write(0x390, 4, 1 << 16)),
            Action::Write {
                offset: 0x390,
                value: 1 << 16
            }
        );
    }

    #[test]
    fn priorities_and_config_are_read_modify_write() {
        let set = spi_144();
        // IPRIORITYR36 = interrupts 144..147, 144 in byte 0.
        assert_eq!(
            distributor(&set, &write(0x490, 4, 0xa0a0_a0a0)),
            Action::Modify {
                offset: 0x490,
                mask: 0xff,
                value: 0xa0
            }
        );
        // A byte write to 145's priority touches nothing.
        assert_eq!(
            distributor(&set, &write(0x491, 1, 0x80)),
            Action::Modify {
                offset: 0x490,
                mask: 0,
                value: 0
            }
        );
        let byte = read(0x490, 1);
        assert_eq!(
            distributor(&set, &byte),
            Action::Read {
                offset: 0x490,
                mask: 0xff
            }
        );
        assert_eq!(read_result(&read(0x491, 1), 0x1234), 0x12);
        // ICFGR9 covers 144..159: 144 is bits 1:0.
        assert_eq!(
            distributor(&set, &write(0xc24, 4, u64::from(u32::MAX))),
            Action::Modify {
                offset: 0xc24,
                mask: 0b11,
                value: 0b11
            }
        );
    }

    #[test]
    fn routing_only_for_owned_interrupts() {
        let set = spi_144();
        assert_eq!(
            distributor(&set, &write(0x6000 + 8 * 144, 8, 0x1)),
            Action::Route {
                offset: 0x6480,
                irq: 144,
                mpidr: 1
            }
        );
        assert_eq!(
            distributor(&set, &write(0x6000 + 8 * 33, 8, 0x0)),
            Action::Constant(0)
        );
        assert_eq!(
            distributor(&set, &read(0x6480, 8)),
            Action::Read64 {
                offset: 0x6480,
                set: 0
            }
        );
    }

    #[test]
    fn global_registers_are_read_only() {
        let set = spi_144();
        assert_eq!(
            distributor(&set, &read(0, 4)),
            Action::Read {
                offset: 0,
                mask: u32::MAX
            }
        );
        assert_eq!(distributor(&set, &write(0, 4, 0)), Action::Constant(0));
        assert_eq!(distributor(&set, &write(0xf00, 4, 1)), Action::Constant(0));
        assert_eq!(distributor(&set, &read(0x1234, 4)), Action::Constant(0));
    }

    #[test]
    fn redistributors_of_other_cpus_are_only_identified() {
        let ppis = cell_private_irqs(25);
        let typer = redistributor(&read(0x8, 8), false, &ppis, true);
        assert_eq!(
            typer,
            Action::Read64 {
                offset: 8,
                set: GICR_TYPER_LAST
            }
        );
        assert_eq!(
            redistributor(&read(0x1_0100, 4), false, &ppis, false),
            Action::Constant(0)
        );
        assert_eq!(
            redistributor(
                &write(0x1_0100, 4, u64::from(u32::MAX)),
                false,
                &ppis,
                false
            ),
            Action::Constant(0)
        );
        assert_eq!(
            redistributor(&read(0x14, 4), false, &ppis, false),
            Action::Constant(0)
        );
    }

    #[test]
    fn own_redistributor_exposes_ppis_but_not_sgis_or_maintenance() {
        let ppis = cell_private_irqs(25);
        assert_eq!(
            redistributor(&write(0x1_0100, 4, u64::from(u32::MAX)), true, &ppis, false),
            Action::Write {
                offset: 0x1_0100,
                value: 0xfdff_0000
            }
        );
        assert_eq!(
            redistributor(&write(0x1_0180, 4, u64::from(u32::MAX)), true, &ppis, false),
            Action::Write {
                offset: 0x1_0180,
                value: 0xfdff_0000
            }
        );
        // Timer PPI 27's priority (IPRIORITYR6, byte 3).
        assert_eq!(
            redistributor(&write(0x1_041b, 1, 0xa0), true, &ppis, false),
            Action::Modify {
                offset: 0x1_0418,
                mask: 0xff00_0000,
                value: 0xa000_0000
            }
        );
        // SGI priorities are not the cell's to change physically.
        assert_eq!(
            redistributor(&write(0x1_0400, 4, 0), true, &ppis, false),
            Action::Modify {
                offset: 0x1_0400,
                mask: 0,
                value: 0
            }
        );
        assert_eq!(
            redistributor(&read(0x14, 4), true, &ppis, false),
            Action::Read {
                offset: 0x14,
                mask: u32::MAX
            }
        );
    }

    #[test]
    fn typer_affinity_can_be_virtual() {
        let typer = 0x0000_0001_0000_0110; // Aff0 1, Last, processor 1
        assert_eq!(
            typer_with_affinity(&read(0x8, 8), typer, 0),
            0x0000_0000_0000_0110
        );
        assert_eq!(
            typer_with_affinity(&read(0xc, 4), 1, 0xffff_ffff),
            0xffff_ffff
        );
        assert_eq!(typer_with_affinity(&read(0x8, 4), 0x110, 0), 0x110);
        assert_eq!(typer_with_affinity(&read(0x1_0100, 4), 5, 0), 5);
    }

    #[test]
    fn sgi_targets() {
        // SGI 3 to Aff0 = 1 in cluster 0.
        let req = SgiRequest::decode(3 << 24 | 0b10);
        assert_eq!(req.intid, 3);
        assert!(req.targets_cpu(1, 0));
        assert!(!req.targets_cpu(2, 0));
        assert!(!req.targets_cpu(0x100 | 1, 0), "other cluster");
        let all = SgiRequest::decode(1 << 40 | 5 << 24);
        assert!(all.all_but_self && all.targets_cpu(2, 1) && !all.targets_cpu(1, 1));
        let high = SgiRequest::decode(1 << 44 | 1);
        assert!(high.targets_cpu(16, 0) && !high.targets_cpu(0, 0));
        let aff = SgiRequest::decode(2 << 16 | 1);
        assert!(aff.targets_cpu(0x200, 0));
    }

    #[test]
    fn list_registers() {
        let lr = list_register(27, 0xa0, true);
        assert_eq!(lr, 27 | 27 << 32 | 0xa0 << 48 | 1 << 60 | 1 << 61 | 1 << 62);
        assert_eq!(list_register_intid(lr), Some(27));
        assert_eq!(list_register(3, 0, false), 3 | 1 << 60 | 1 << 62);
        assert_eq!(list_register_intid(0), None);
        // Active (state 0b10) still occupies the register.
        assert_eq!(list_register_intid(2 << 62 | 5), Some(5));
    }

    #[test]
    fn sgi_target_lists() {
        // Aff1 = 1, RS = 1, targets 0 and 3: affinities 0x110 and 0x113.
        let req = SgiRequest::decode(5 << 24 | 1 << 44 | 1 << 16 | 0b1001);
        let targets: Vec<u64> = req.listed_targets().collect();
        assert_eq!(targets, [0x110, 0x113]);
        let irm = SgiRequest::decode(5 << 24 | 1 << 40);
        assert_eq!(irm.listed_targets().count(), 0);
    }

    #[test]
    fn cpu_interface_moves_through_vmcr() {
        // Linux at EL1 after booting at EL2: PMR 0xf0, BPR1 0, group 1,
        // EOImode 1.
        let linux = CpuInterface::from_icc(0xf0, 0, 1, 0x40_0402);
        assert!(linux.eoi_drop_only && linux.group1 && !linux.common_bpr);
        let vmcr = linux.to_vmcr();
        assert_eq!(vmcr, 0xf0 << 24 | 1 << 9 | 1 << 1);
        let bpr = CpuInterface::from_icc(0xf0, 3, 1, 1);
        assert_eq!(bpr.to_vmcr() >> 18 & 0x3f, 3 << 3 | 3);
        assert_eq!(CpuInterface::from_vmcr(vmcr), linux);
        // Back to ICC_CTLR_EL1: the mode bits change, the others stay.
        assert_eq!(linux.icc_ctlr(0x40_0401), 0x40_0402);
        let plain = CpuInterface::default();
        assert_eq!(plain.icc_ctlr(0x40_0403), 0x40_0400);
    }

    /// A list register value in state active (only), and active and
    /// pending.
    fn active(lr: u64) -> u64 {
        lr & !(1 << 62) | 1 << 63
    }

    fn both(lr: u64) -> u64 {
        lr | 1 << 63
    }

    fn phys(intid: u32, pend: bool, deactivate: bool) -> Handover {
        Handover::Physical {
            intid,
            pend,
            deactivate,
        }
    }

    #[test]
    fn hand_back_keeps_nothing_from_a_stopping_cpu() {
        let spi = list_register(40, 0xa0, true);
        let ppi = list_register(27, 0xa0, true);
        let sgi = list_register(3, 0, false);
        // Pending SPI: to its current target again; pending PPI: ended.
        assert_eq!(hand_back(spi, false), phys(40, true, true));
        assert_eq!(hand_back(ppi, false), phys(27, false, true));
        assert_eq!(hand_back(active(ppi), false), phys(27, false, true));
        assert_eq!(hand_back(both(spi), false), phys(40, true, true));
        assert_eq!(hand_back(sgi, false), Handover::Drop);
        assert_eq!(hand_back(0, false), Handover::Drop);
    }

    #[test]
    fn hand_back_loses_nothing_when_the_software_goes_on() {
        let spi = list_register(40, 0xa0, true);
        let ppi = list_register(27, 0xa0, true);
        let sgi = list_register(3, 0, false);
        // Not yet taken: pending again, for the physical interface.
        assert_eq!(hand_back(ppi, true), phys(27, true, true));
        assert_eq!(hand_back(spi, true), phys(40, true, true));
        // Being handled: stays active for the software's deactivation.
        assert_eq!(hand_back(active(spi), true), phys(40, false, false));
        assert_eq!(hand_back(both(ppi), true), phys(27, true, false));
        // SGIs: raised again; one being handled is the software's.
        assert_eq!(hand_back(sgi, true), Handover::Sgi(3));
        assert_eq!(hand_back(active(sgi), true), Handover::Drop);
        assert_eq!(hand_back_queued(5, true), Handover::Sgi(5));
        assert_eq!(hand_back_queued(5, false), Handover::Drop);
        assert_eq!(hand_back_queued(33, false), phys(33, true, true));
    }

    #[test]
    fn gicv2_list_registers() {
        // A hardware PPI: vINTID 27, pINTID 27, priority 0xa0 >> 3, pending.
        let lr = list_register(27, 0xa0, true);
        let v2 = lr_to_v2(lr);
        assert_eq!(v2, 27 | 27 << 10 | 0x14 << 23 | 1 << 28 | 1 << 31);
        assert_eq!(lr_from_v2(v2), lr);
        // An SGI keeps its source CPU in bits 12:10, without HW.
        let sgi = sgi_list_register(3, 2);
        assert_eq!(lr_to_v2(sgi), 3 | 2 << 10 | 1 << 28);
        assert_eq!(lr_from_v2(lr_to_v2(sgi)), sgi);
        assert_eq!(list_register_source(sgi), 2);
        assert_eq!(list_register_source(lr), 0);
        assert_eq!(list_register_intid(sgi), Some(3));
        // Active (29) and pending+active (29:28) come back as such.
        assert_eq!(lr_from_v2(2 << 28 | 40 | 40 << 10 | 1 << 31) >> 62, 2);
        assert_eq!(lr_from_v2(3 << 28 | 5) >> 62, 3);
        assert_eq!(list_register_intid(lr_from_v2(0)), None);
        // A GICv3 SGI (source 0) is the plain form.
        assert_eq!(sgi_list_register(5, 0), list_register(5, 0, false));
        // Hand-back reads the SGI, whatever its source.
        assert_eq!(hand_back(lr_from_v2(lr_to_v2(sgi)), true), Handover::Sgi(3));
    }

    #[test]
    fn gicv2_cpu_interface_moves_through_vmcr() {
        // Linux on QEMU's GICv2 (no security extensions): group 0 on,
        // EOImode 1, PMR 0xf0, BPR 0.
        let vmcr = gich_vmcr(1 | 1 << 9, 0xf0, 0);
        assert_eq!(vmcr, 1 | 1 << 9 | 0x1e << 27);
        assert_eq!(gicc_from_vmcr(vmcr), (1 | 1 << 9, 0xf0, 0));
        // Bypass-disable bits (5, 6) are not the virtual interface's; the
        // binary point is.
        assert_eq!(gich_vmcr(0x61, 0xff, 2), 1 | 2 << 21 | 0x1f << 27);
        assert_eq!(gicc_from_vmcr(2 << 21).2, 2);
    }

    #[test]
    fn gicv2_sgir() {
        let list = SgirRequest::decode(0b0110 << 16 | 7);
        assert_eq!(list.intid, 7);
        assert!(list.targets_interface(1, 0) && list.targets_interface(2, 0));
        assert!(!list.targets_interface(0, 0) && !list.targets_interface(3, 0));
        assert!(!list.targets_interface(9, 0));
        let others = SgirRequest::decode(1 << 24 | 0xff << 16 | 2);
        assert!(others.targets_interface(0, 1) && !others.targets_interface(1, 1));
        let own = SgirRequest::decode(2 << 24 | 1);
        assert!(own.targets_interface(3, 3) && !own.targets_interface(0, 3));
        assert!(!SgirRequest::decode(3 << 24 | 0xff << 16).targets_interface(0, 1));
    }

    #[test]
    fn gicv2_distributor() {
        let mut owned = spi_144();
        for ppi in cell_private_irqs(25).iter() {
            owned.insert(ppi);
        }
        // SPI 144's target byte (ITARGETSR36, byte 0), also as a byte.
        assert_eq!(
            distributor_v2(&owned, &write(0x890, 4, 0x0101_0102)),
            Action::SetTargets {
                offset: 0x890,
                mask: 0xff,
                value: 0x02
            }
        );
        assert_eq!(
            distributor_v2(&owned, &write(0x891, 1, 0x01)),
            Action::SetTargets {
                offset: 0x890,
                mask: 0,
                value: 0
            }
        );
        // SGI/PPI targets: this CPU's interface, read-only.
        assert_eq!(
            distributor_v2(&owned, &read(0x81b, 1)),
            Action::Read {
                offset: 0x818,
                mask: u32::MAX
            }
        );
        assert_eq!(
            distributor_v2(&owned, &write(0x800, 4, 0xff)),
            Action::Constant(0)
        );
        // SGIs, and their pending state.
        assert_eq!(
            distributor_v2(&owned, &write(0xf00, 4, 0x2_0001)),
            Action::SendSgi(0x2_0001)
        );
        assert_eq!(
            distributor_v2(&owned, &write(0xf20, 4, 0xff)),
            Action::Constant(0)
        );
        // Banked PPI enables: the timer, not the maintenance interrupt.
        assert_eq!(
            distributor_v2(&owned, &write(0x100, 4, u64::from(u32::MAX))),
            Action::Write {
                offset: 0x100,
                value: 0xfdff_0000
            }
        );
        // Priorities of SPIs as on a GICv3; groups stay.
        assert_eq!(
            distributor_v2(&owned, &write(0x490, 1, 0xa0)),
            Action::Modify {
                offset: 0x490,
                mask: 0xff,
                value: 0xa0
            }
        );
        assert_eq!(
            distributor_v2(&owned, &write(0x84, 4, 0xffff_ffff)),
            Action::Constant(0)
        );
        assert_eq!(
            distributor_v2(&owned, &read(0xfe8, 4)),
            Action::Read {
                offset: 0xfe8,
                mask: u32::MAX
            }
        );
        assert_eq!(
            distributor_v2(&owned, &read(0x1000, 4)),
            Action::Constant(0)
        );
    }

    #[test]
    fn pending_queue() {
        let mut p = Pending::new();
        assert!(p.is_empty());
        p.set(144, 0);
        p.set(27, 0);
        p.set(27, 0);
        assert_eq!(p.take(), Some((27, 0)));
        assert_eq!(p.take(), Some((144, 0)));
        assert_eq!(p.take(), None);
        p.set(2000, 0);
        p.set(3, 8);
        assert!(p.is_empty(), "out of range is ignored");
        // The same SGI from two sources stays two interrupts.
        p.set(3, 1);
        p.set(3, 2);
        p.set(3, 2);
        assert_eq!(p.take(), Some((3, 1)));
        assert_eq!(p.take(), Some((3, 2)));
        assert_eq!(p.take(), None);
    }
}
