// SPDX-License-Identifier: GPL-2.0-only

//! `check-rpi4`: the Raspberry Pi 4 cell configs against the board's real
//! device tree (`bcm2711-rpi-4-b.dtb` from Debian's kernel package).
//!
//! What the device tree says (GIC-400 frames and maintenance interrupt,
//! the mini-UART, CPUs, bus windows, devices, interrupts) is read from the
//! blob; what it cannot say, because the GPU firmware writes it at boot,
//! is modelled here and documented: the RAM of a board of each size
//! ([`firmware_ram`]) and the memory reservation the jailhouse overlay
//! adds ([`RESERVATION`]). Every check prints one line, `ok` or `FAIL`,
//! so the output doubles as the report of which facts agreed.

use std::fmt::Write as _;

use jailhouse_abi::config::{CellConfig, ConsoleType, MemFlags, MemoryRegion, SystemConfig};

use crate::devtree::{covered, merge, subtract, DtError, Span, Tree};

/// The no-map reservation of openEuler's `jailhouse-overlay.dtbo` (and of
/// docs/rpi4.md's overlay): `reg = <0x0 0x10000000 0x10000000>`.
pub const RESERVATION: Span = Span {
    start: 0x1000_0000,
    end: 0x2000_0000,
};

/// Where openEuler's rpi4.cell puts the hypervisor: the top 4 MiB of the
/// reservation.
pub const HYPERVISOR: Span = Span {
    start: 0x1fc0_0000,
    end: 0x2000_0000,
};

/// End of the first RAM bank the firmware reports with the default
/// `gpu_mem=76` (MiB): the VideoCore keeps the top of the first GiB.
pub const FIRST_BANK_END: u64 = 0x3b40_0000;

/// Start of the peripherals in "low peripheral" mode; RAM below 4 GiB
/// ends here on 4 and 8 GiB boards.
pub const PERIPHERALS: u64 = 0xfc00_0000;

const GIB: u64 = 1 << 30;

/// The board's SDRAM as the ARM cores see it, GPU memory included.
pub fn sdram(gib: u64) -> Vec<Span> {
    let low_end = (gib * GIB).min(PERIPHERALS);
    let mut out = vec![Span {
        start: 0,
        end: low_end,
    }];
    if gib * GIB > 4 * GIB {
        out.push(Span {
            start: 4 * GIB,
            end: gib * GIB,
        });
    }
    out
}

/// What the firmware writes into the empty `/memory@0` `reg` of the
/// device tree for a board of `gib` GiB with the default `gpu_mem`:
/// [`sdram`] without the GPU's share of the first GiB.
pub fn firmware_ram(gib: u64) -> Vec<Span> {
    subtract(
        &sdram(gib),
        &[Span {
            start: FIRST_BANK_END,
            end: GIB,
        }],
    )
}

/// The facts read from the device tree.
#[derive(Debug, Clone)]
pub struct Board {
    /// `model`.
    pub model: String,
    /// GIC-400 node path.
    pub gic_node: String,
    /// Distributor, CPU interface, virtual interface control, virtual
    /// CPU interface.
    pub gic: [Span; 4],
    /// Maintenance interrupt (PPI) as an interrupt ID.
    pub maintenance_irq: u32,
    /// Mini-UART node path.
    pub uart_node: String,
    /// Its registers.
    pub uart: Span,
    /// MPIDR affinity values of `/cpus/cpu@*`.
    pub cpus: Vec<u64>,
    /// `/memory@0` `reg` as shipped (all zero sizes: a placeholder).
    pub memory: Vec<Span>,
    /// Linux's CMA pool: size and where it must lie.
    pub cma: Option<(u64, Vec<Span>)>,
    /// Every bus window in CPU addresses, with its bus.
    pub windows: Vec<(String, Span)>,
    /// Every MMIO range of every enabled device node: node path, first
    /// `compatible` string, range.
    pub devices: Vec<(String, String, Span)>,
    /// Disabled device nodes skipped.
    pub disabled: usize,
    /// Interrupt IDs of the SPIs routed to the GIC by device nodes.
    pub spis: Vec<u32>,
}

impl Board {
    /// Reads the facts from a parsed Raspberry Pi 4 device tree.
    pub fn from_tree(t: &Tree) -> Result<Board, DtError> {
        let missing = |what: &str| DtError::MissingNode(what.into());
        let model = t.prop_str(0, "model").unwrap_or("?").to_string();

        let gic = (0..t.nodes.len())
            .find(|&n| t.is_compatible(n, "arm,gic-400"))
            .ok_or_else(|| missing("arm,gic-400 interrupt controller"))?;
        let frames = t.cpu_reg(gic)?;
        let [d, c, h, v] =
            frames
                .get(..4)
                .and_then(|f| f.try_into().ok())
                .ok_or(DtError::BadProperty {
                    node: t.nodes[gic].path.clone(),
                    prop: "reg",
                })?;
        // interrupts = <type number flags>; type 1 is a PPI, ID 16 + number.
        let maintenance_irq = match t.cells(gic, "interrupts")?.as_slice() {
            [1, n, _] => 16 + n,
            _ => {
                return Err(DtError::BadProperty {
                    node: t.nodes[gic].path.clone(),
                    prop: "interrupts",
                })
            }
        };

        let aliases = t.find("/aliases").ok_or_else(|| missing("/aliases"))?;
        let uart_path = t
            .prop_str(aliases, "serial1")
            .ok_or_else(|| missing("serial1 alias (the mini-UART)"))?;
        let uart = t
            .find(uart_path)
            .filter(|&n| t.is_compatible(n, "brcm,bcm2835-aux-uart"))
            .ok_or_else(|| missing("brcm,bcm2835-aux-uart at the serial1 alias"))?;
        let uart_span = *t.cpu_reg(uart)?.first().ok_or(DtError::BadProperty {
            node: uart_path.to_string(),
            prop: "reg",
        })?;

        let cpus_node = t.find("/cpus").ok_or_else(|| missing("/cpus"))?;
        // A cpu's reg is its MPIDR affinity (#size-cells is 0 in /cpus).
        let mut cpus = Vec::new();
        for n in 0..t.nodes.len() {
            if t.nodes[n].parent == Some(cpus_node) && t.prop_str(n, "device_type") == Some("cpu") {
                cpus.push(
                    t.cells(n, "reg")?
                        .iter()
                        .fold(0u64, |acc, &c| (acc << 32) | u64::from(c)),
                );
            }
        }
        cpus.sort_unstable();

        let mem = t.find("/memory@0").ok_or_else(|| missing("/memory@0"))?;
        let memory = t
            .reg(mem)?
            .into_iter()
            .map(|(a, s)| Span {
                start: a,
                end: a + s,
            })
            .collect();

        let cma = t.find("/reserved-memory/linux,cma").and_then(|n| {
            let size = match t.cells(n, "size").ok()?.as_slice() {
                [s] => u64::from(*s),
                [hi, lo] => (u64::from(*hi) << 32) | u64::from(*lo),
                _ => return None,
            };
            let within = t
                .cells(n, "alloc-ranges")
                .ok()?
                .chunks_exact(3)
                .map(|e| Span {
                    start: (u64::from(e[0]) << 32) | u64::from(e[1]),
                    end: ((u64::from(e[0]) << 32) | u64::from(e[1])) + u64::from(e[2]),
                })
                .collect();
            Some((size, within))
        });

        let windows = t
            .windows()
            .into_iter()
            .map(|(n, w)| (t.nodes[n].path.clone(), w.cpu))
            .collect();

        let gic_phandle = t
            .cells(gic, "phandle")
            .ok()
            .and_then(|c| c.first().copied());
        let mut devices = Vec::new();
        let mut disabled = 0;
        let mut spis = Vec::new();
        for n in 1..t.nodes.len() {
            let path = &t.nodes[n].path;
            if !t.is_enabled(n) {
                disabled += 1;
                continue;
            }
            if gic_phandle.is_some() && t.interrupt_parent(n) == gic_phandle {
                if let Ok(cells) = t.cells(n, "interrupts") {
                    for e in cells.chunks_exact(3) {
                        if e[0] == 0 {
                            spis.push(32 + e[1]);
                        }
                    }
                }
            }
            let skip = path.starts_with("/memory")
                || path.starts_with("/reserved-memory")
                || path.starts_with("/cpus")
                || t.prop(n, "reg").is_none()
                || t.under_pci(n);
            if skip {
                continue;
            }
            // Nodes on buses without ranges (I2C, SPI, MDIO) are not
            // memory-mapped: no MMIO range to check.
            if let Ok(regs) = t.cpu_reg(n) {
                let compat = t.prop_str(n, "compatible").unwrap_or("").to_string();
                devices.extend(regs.into_iter().map(|s| (path.clone(), compat.clone(), s)));
            }
        }
        spis.sort_unstable();
        spis.dedup();

        Ok(Board {
            model,
            gic_node: t.nodes[gic].path.clone(),
            gic: [d, c, h, v],
            maintenance_irq,
            uart_node: uart_path.to_string(),
            uart: uart_span,
            cpus,
            memory,
            cma,
            windows,
            devices,
            disabled,
            spis,
        })
    }
}

/// Device nodes the root cell deliberately does not map.
const UNMAPPED_DEVICES: [(&str, &str); 2] = [
    (
        "arm,gic-400",
        "the hypervisor owns the GIC and emulates it for the cells",
    ),
    (
        "brcm,bcm2836-l1-intc",
        "ARM local interrupt controller: not an interrupt-controller in this tree, Linux uses the GIC-400",
    ),
];

/// Collected results: one line per check.
#[derive(Debug, Default)]
pub struct Report {
    /// The lines, in order.
    pub lines: Vec<String>,
    /// How many checks failed.
    pub failures: usize,
    /// How many passed.
    pub passes: usize,
}

impl Report {
    fn check(&mut self, ok: bool, what: String) {
        if ok {
            self.passes += 1;
            self.lines.push(format!("  ok    {what}"));
        } else {
            self.failures += 1;
            self.lines.push(format!("  FAIL  {what}"));
        }
    }

    fn note(&mut self, what: String) {
        self.lines.push(format!("  note  {what}"));
    }

    fn head(&mut self, what: String) {
        self.lines.push(what);
    }
}

fn span_of(r: &MemoryRegion) -> Option<Span> {
    Span::new(r.phys_start, r.size)
}

fn list(spans: &[Span]) -> String {
    let mut s = String::new();
    for (i, sp) in spans.iter().enumerate() {
        let _ = write!(s, "{}{sp}", if i == 0 { "" } else { ", " });
    }
    if s.is_empty() {
        s.push_str("nothing");
    }
    s
}

fn is_ram(r: &MemoryRegion) -> bool {
    let f = r.mem_flags();
    !f.contains(MemFlags::IO) && !f.contains(MemFlags::COMM_REGION)
}

/// Checks the device-tree facts the configs rely on.
pub fn check_board(b: &Board, r: &mut Report) {
    r.head(format!("device tree: {}", b.model));
    let gic_names = ["GICD", "GICC", "GICH", "GICV"];
    let mut frames = String::new();
    for (name, s) in gic_names.iter().zip(&b.gic) {
        let _ = write!(frames, " {name} {:#x}", s.start);
    }
    r.note(format!(
        "{} (GIC-400):{frames}, maintenance interrupt {}",
        b.gic_node, b.maintenance_irq
    ));
    r.note(format!("{} (serial1, mini-UART): {}", b.uart_node, b.uart));
    r.note(format!(
        "{} CPUs, MPIDR {:?}; {} device MMIO ranges, {} disabled nodes skipped; SPIs up to {}",
        b.cpus.len(),
        b.cpus,
        b.devices.len(),
        b.disabled,
        b.spis.last().copied().unwrap_or(0)
    ));
    let placeholder = b.memory.iter().all(|m| m.size() == 0);
    r.check(
        placeholder,
        format!(
            "/memory@0 reg is the placeholder the firmware fills in at boot ({}); RAM is modelled: 1 GiB {}; 2 GiB {}; 4 GiB {}; 8 GiB {}",
            b.memory
                .iter()
                .map(|m| format!("{:#x} size {:#x}", m.start, m.size()))
                .collect::<Vec<_>>()
                .join(", "),
            list(&firmware_ram(1)),
            list(&firmware_ram(2)),
            list(&firmware_ram(4)),
            list(&firmware_ram(8)),
        ),
    );
    // Linux's CMA must still find room in the first GiB of the smallest
    // board once the reservation is carved out.
    if let Some((size, within)) = &b.cma {
        let room: Vec<Span> = subtract(&firmware_ram(1), &[RESERVATION])
            .into_iter()
            .flat_map(|s| {
                within.iter().filter_map(move |w| {
                    let start = s.start.max(w.start);
                    let end = s.end.min(w.end);
                    (start < end).then_some(Span { start, end })
                })
            })
            .collect();
        let largest = room.iter().map(Span::size).max().unwrap_or(0);
        r.check(
            largest >= *size,
            format!(
                "CMA pool ({} MiB in {}) still fits beside the reservation {} on a 1 GiB board (largest hole {} MiB)",
                size >> 20,
                list(within),
                RESERVATION,
                largest >> 20
            ),
        );
    }
}

/// Checks a root cell config for a board with `gib` GiB of RAM.
pub fn check_root(b: &Board, name: &str, gib: u64, sys: &SystemConfig<'_>, r: &mut Report) {
    r.head(format!("root cell {name} ({gib} GiB board):"));
    let arm = sys.platform_info().arm;
    let bases = [arm.gicd_base, arm.gicc_base, arm.gich_base, arm.gicv_base];
    let dtb: Vec<u64> = b.gic.iter().map(|s| s.start).collect();
    r.check(
        arm.gic_version == 2 && bases[..] == dtb[..],
        format!(
            "GICv2 GICD/GICC/GICH/GICV {:#x}/{:#x}/{:#x}/{:#x} = device tree's GIC-400 reg",
            bases[0], bases[1], bases[2], bases[3]
        ),
    );
    r.check(
        u32::from(arm.maintenance_irq) == b.maintenance_irq,
        format!(
            "maintenance interrupt {} = device tree's (PPI {})",
            arm.maintenance_irq,
            b.maintenance_irq.wrapping_sub(16)
        ),
    );

    let con = sys.debug_console();
    let con_span = Span::new(con.address, u64::from(con.size));
    r.check(
        con.console_type() == Ok(ConsoleType::Uart8250)
            && con_span.is_some_and(|s| b.uart.contains(&s) && s.start == b.uart.start),
        format!(
            "debug console 8250 at {:#x} size {:#x} = {} ({})",
            { con.address },
            { con.size },
            b.uart,
            b.uart_node
        ),
    );

    let root = sys.root_cell();
    let cpus: Vec<u64> = root.cpus().iter().map(|c| c as u64).collect();
    r.check(
        cpus == b.cpus,
        format!("CPUs {cpus:?} = the device tree's {} CPUs", b.cpus.len()),
    );

    let chips_ok = root.irqchips().iter().all(|c| c.address == b.gic[0].start);
    let missing: Vec<u32> = b
        .spis
        .iter()
        .copied()
        .filter(|&irq| !root.irqchips().iter().any(|c| c.contains(irq)))
        .collect();
    r.check(
        chips_ok && missing.is_empty(),
        format!(
            "irqchips at the GICD own all {} SPIs the device tree's devices use{}",
            b.spis.len(),
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (missing {missing:?})")
            }
        ),
    );

    let hv = span_of(sys.hypervisor_memory());
    r.check(
        hv == Some(HYPERVISOR),
        format!(
            "hypervisor memory {} = {} (4 MiB at the top of the reservation {})",
            hv.map_or("overflowing".into(), |s| s.to_string()),
            HYPERVISOR,
            RESERVATION
        ),
    );

    let regions = root.memory_regions();
    let ram: Vec<Option<Span>> = regions.iter().filter(|m| is_ram(m)).map(span_of).collect();
    let ram: Vec<Span> = match ram.iter().copied().collect::<Option<Vec<_>>>() {
        Some(ram) => ram,
        None => {
            r.check(false, "a RAM region wraps around the address space".into());
            return;
        }
    };
    let board = sdram(gib);
    let want = subtract(&board, &[HYPERVISOR]);
    r.check(
        merge(&ram) == want,
        format!(
            "RAM regions cover the board's SDRAM ({}) except the hypervisor: {}",
            list(&board),
            list(&merge(&ram))
        ),
    );
    r.check(
        subtract(&firmware_ram(gib), &[RESERVATION])
            .iter()
            .all(|s| covered(&ram, s)),
        "every byte the firmware gives Linux outside the reservation is mapped".into(),
    );
    let straddle: Vec<Span> = ram
        .iter()
        .copied()
        .filter(|s| s.overlaps(&RESERVATION) && !RESERVATION.contains(s))
        .collect();
    r.check(
        straddle.is_empty() && !ram.iter().any(|s| s.overlaps(&HYPERVISOR)),
        format!(
            "no RAM region straddles the reservation or touches the hypervisor memory{}",
            if straddle.is_empty() {
                String::new()
            } else {
                format!(" (straddling: {})", list(&straddle))
            }
        ),
    );

    let windows: Vec<Span> = b.windows.iter().map(|(_, s)| *s).collect();
    let mmio: Vec<Span> = regions
        .iter()
        .filter(|m| m.mem_flags().contains(MemFlags::IO))
        .filter_map(span_of)
        .collect();
    for s in &mmio {
        let bus = b
            .windows
            .iter()
            .filter(|(_, w)| w.overlaps(s))
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        r.check(
            covered(&windows, s)
                && !b.gic.iter().any(|g| g.overlaps(s))
                && !board.iter().any(|m| m.overlaps(s)),
            format!("MMIO {s} lies in the bus windows of {bus}, clear of RAM and the GIC"),
        );
    }

    let mut skipped: Vec<String> = Vec::new();
    let mut uncovered = Vec::new();
    let mut mapped = 0;
    for (node, compat, s) in &b.devices {
        if covered(&mmio, s) {
            mapped += 1;
            continue;
        }
        match UNMAPPED_DEVICES.iter().find(|(c, _)| c == compat) {
            Some((_, why)) => {
                let line = format!("{node}: {why}");
                if !skipped.contains(&line) {
                    skipped.push(line);
                }
            }
            None => uncovered.push(format!("{node} {s}")),
        }
    }
    r.check(
        uncovered.is_empty(),
        format!(
            "{mapped} of {} device MMIO ranges lie in the root's MMIO regions{}",
            b.devices.len(),
            if uncovered.is_empty() {
                String::new()
            } else {
                format!("; NOT mapped: {}", uncovered.join("; "))
            }
        ),
    );
    for s in skipped {
        r.note(format!("not mapped on purpose: {s}"));
    }

    let pci = sys.platform_info();
    if pci.pci_is_virtual != 0 {
        let ecam = Span::new(
            pci.pci_mmconfig_base,
            (u64::from(pci.pci_mmconfig_end_bus) + 1) << 20,
        );
        r.check(
            ecam.is_some_and(|e| {
                !b.devices.iter().any(|(_, _, d)| d.overlaps(&e))
                    && !board.iter().any(|m| m.overlaps(&e))
                    && !mmio.iter().any(|m| m.overlaps(&e))
            }),
            format!(
                "virtual PCI config space {} overlaps no device, RAM or MMIO region",
                ecam.map_or("overflowing".into(), |e| e.to_string())
            ),
        );
    }
}

/// Checks a non-root cell config against the board and a root cell.
pub fn check_cell(b: &Board, name: &str, cell: &CellConfig<'_>, r: &mut Report) {
    r.head(format!("cell {name}:"));
    for m in cell.memory_regions() {
        let Some(s) = span_of(m) else {
            r.check(
                false,
                "a memory region wraps around the address space".into(),
            );
            continue;
        };
        if m.mem_flags().contains(MemFlags::COMM_REGION) {
            continue;
        }
        if m.mem_flags().contains(MemFlags::IO) {
            let dev = b.devices.iter().find(|(_, _, d)| d.contains(&s));
            r.check(
                dev.is_some(),
                format!(
                    "MMIO {s} lies in {}{}",
                    dev.map_or("no device node", |(n, _, _)| n.as_str()),
                    if m.is_subpage() {
                        " (sub-page: the hypervisor must emulate the accesses)"
                    } else {
                        ""
                    }
                ),
            );
        } else {
            r.check(
                RESERVATION.contains(&s) && !s.overlaps(&HYPERVISOR),
                format!("RAM {s} lies in the reservation {RESERVATION}, outside the hypervisor memory {HYPERVISOR}"),
            );
        }
    }
    let con = cell.desc().console;
    if con.console_type() == Ok(ConsoleType::Uart8250) {
        r.check(
            con.address == b.uart.start,
            format!("console 8250 at {:#x} = {}", { con.address }, b.uart_node),
        );
    }
    r.check(
        cell.irqchips().iter().all(|c| c.address == b.gic[0].start),
        format!("{} irqchip(s) at the GICD", cell.irqchips().len()),
    );
    let cpus: Vec<u64> = cell.cpus().iter().map(|c| c as u64).collect();
    r.check(
        !cpus.is_empty() && cpus.iter().all(|c| b.cpus.contains(c)),
        format!("CPUs {cpus:?} exist"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtree::be_cells;

    /// The Raspberry Pi 4's tree in miniature: GIC-400 and mini-UART on
    /// /soc (bus addresses), two CPUs, the empty /memory@0.
    fn tiny_board() -> Tree {
        let mut t = Tree::default();
        let root = t.push(
            None,
            "",
            &[
                ("model", b"tiny pi\0".to_vec()),
                ("#address-cells", be_cells(&[2])),
                ("#size-cells", be_cells(&[1])),
            ],
        );
        t.push(
            Some(root),
            "aliases",
            &[("serial1", b"/soc/serial@7e215040\0".to_vec())],
        );
        let soc = t.push(
            Some(root),
            "soc",
            &[
                ("#address-cells", be_cells(&[1])),
                ("#size-cells", be_cells(&[1])),
                ("interrupt-parent", be_cells(&[1])),
                (
                    "ranges",
                    be_cells(&[
                        0x7e00_0000,
                        0,
                        0xfe00_0000,
                        0x180_0000,
                        0x4000_0000,
                        0,
                        0xff80_0000,
                        0x80_0000,
                    ]),
                ),
            ],
        );
        t.push(
            Some(soc),
            "serial@7e215040",
            &[
                ("compatible", b"brcm,bcm2835-aux-uart\0".to_vec()),
                ("reg", be_cells(&[0x7e21_5040, 0x40])),
                ("interrupts", be_cells(&[0, 0x5d, 4])),
            ],
        );
        t.push(
            Some(soc),
            "interrupt-controller@40041000",
            &[
                ("compatible", b"arm,gic-400\0".to_vec()),
                ("phandle", be_cells(&[1])),
                (
                    "reg",
                    be_cells(&[
                        0x4004_1000,
                        0x1000,
                        0x4004_2000,
                        0x2000,
                        0x4004_4000,
                        0x2000,
                        0x4004_6000,
                        0x2000,
                    ]),
                ),
                ("interrupts", be_cells(&[1, 9, 0xf04])),
            ],
        );
        let cpus = t.push(
            Some(root),
            "cpus",
            &[
                ("#address-cells", be_cells(&[1])),
                ("#size-cells", be_cells(&[0])),
            ],
        );
        for i in 0..2 {
            t.push(
                Some(cpus),
                &format!("cpu@{i}"),
                &[("device_type", b"cpu\0".to_vec()), ("reg", be_cells(&[i]))],
            );
        }
        t.push(
            Some(root),
            "memory@0",
            &[
                ("device_type", b"memory\0".to_vec()),
                ("reg", be_cells(&[0, 0, 0])),
            ],
        );
        t
    }

    #[test]
    fn board_facts_from_tiny_tree() {
        let b = Board::from_tree(&tiny_board()).expect("the tiny tree has every fact");
        assert_eq!(
            b.gic.map(|s| s.start),
            [0xff84_1000, 0xff84_2000, 0xff84_4000, 0xff84_6000]
        );
        assert_eq!(b.maintenance_irq, 25);
        assert_eq!(
            b.uart,
            Span {
                start: 0xfe21_5040,
                end: 0xfe21_5080
            }
        );
        assert_eq!(b.cpus, [0, 1]);
        assert_eq!(b.spis, [125]);
        assert!(b.memory.iter().all(|m| m.size() == 0));
        // The GIC and the UART are the device ranges.
        assert_eq!(b.devices.len(), 5);
        let mut report = Report::default();
        check_board(&b, &mut report);
        assert_eq!(report.failures, 0, "{:#?}", report.lines);
    }

    #[test]
    fn missing_uart_alias_is_an_error() {
        let mut t = tiny_board();
        let aliases = t.find("/aliases").expect("aliases");
        t.nodes[aliases].props.clear();
        assert!(matches!(Board::from_tree(&t), Err(DtError::MissingNode(_))));
    }

    #[test]
    fn board_ram_models() {
        let s = |a, b| Span { start: a, end: b };
        assert_eq!(firmware_ram(1), [s(0, 0x3b40_0000)]);
        assert_eq!(
            firmware_ram(2),
            [s(0, 0x3b40_0000), s(0x4000_0000, 0x8000_0000)]
        );
        assert_eq!(
            firmware_ram(4),
            [s(0, 0x3b40_0000), s(0x4000_0000, 0xfc00_0000)]
        );
        assert_eq!(
            firmware_ram(8),
            [
                s(0, 0x3b40_0000),
                s(0x4000_0000, 0xfc00_0000),
                s(0x1_0000_0000, 0x2_0000_0000)
            ]
        );
        assert_eq!(sdram(8).len(), 2);
        assert!(RESERVATION.contains(&HYPERVISOR));
    }
}
