// SPDX-License-Identifier: GPL-2.0-only

//! A flattened device tree as an owned tree of nodes and raw properties,
//! with the address arithmetic the config checks need: `reg` decoding and
//! translation of bus addresses to CPU physical addresses through the
//! parents' `ranges`.
//!
//! The `fdt` crate only reads the blob (nodes and property bytes); cells
//! are decoded here, so that nothing in that crate that panics on odd
//! input (its `reg()` and `memory()` helpers) is ever reached, and so that
//! tests can build a tree without a blob. This module knows nothing of
//! any board.

use std::collections::BTreeMap;
use std::fmt;

/// Half-open address range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
}

impl Span {
    /// `size` bytes from `start`; `None` if that passes the end of the
    /// 64-bit address space.
    pub fn new(start: u64, size: u64) -> Option<Span> {
        Some(Span {
            start,
            end: start.checked_add(size)?,
        })
    }

    /// Bytes covered.
    pub fn size(&self) -> u64 {
        self.end - self.start
    }

    /// Whether `other` lies completely inside `self`.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}-{:#x}", self.start, self.end.wrapping_sub(1))
    }
}

/// `spans` sorted and with touching or overlapping spans merged.
pub fn merge(spans: &[Span]) -> Vec<Span> {
    let mut sorted = spans.to_vec();
    sorted.sort();
    let mut out: Vec<Span> = Vec::new();
    for s in sorted {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// `from` without anything in `holes`, merged.
pub fn subtract(from: &[Span], holes: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for s in merge(from) {
        let mut pieces = vec![s];
        for h in holes {
            pieces = pieces
                .into_iter()
                .flat_map(|p| {
                    if !p.overlaps(h) {
                        return vec![p];
                    }
                    let mut rest = Vec::new();
                    if p.start < h.start {
                        rest.push(Span {
                            start: p.start,
                            end: h.start,
                        });
                    }
                    if h.end < p.end {
                        rest.push(Span {
                            start: h.end,
                            end: p.end,
                        });
                    }
                    rest
                })
                .collect();
        }
        out.extend(pieces);
    }
    merge(&out)
}

/// Whether `span` lies inside the union of `spans`.
pub fn covered(spans: &[Span], span: &Span) -> bool {
    merge(spans).iter().any(|s| s.contains(span))
}

/// Why a device tree or one of its properties cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DtError {
    /// The blob is not a flattened device tree.
    Blob(String),
    /// A node the check needs is missing.
    MissingNode(String),
    /// A property is missing or its length is not a whole number of
    /// entries.
    BadProperty {
        /// Path of the node.
        node: String,
        /// Property name.
        prop: &'static str,
    },
    /// A bus address is not inside any of the parent bus's `ranges`, or a
    /// bus on the way up has no `ranges` at all.
    NotTranslatable {
        /// Path of the bus whose children use the address.
        bus: String,
        /// The bus address.
        addr: u64,
    },
}

impl fmt::Display for DtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DtError::Blob(why) => write!(f, "not a device tree blob: {why}"),
            DtError::MissingNode(what) => write!(f, "the device tree has no {what}"),
            DtError::BadProperty { node, prop } => {
                write!(f, "{node}: property {prop} is missing or malformed")
            }
            DtError::NotTranslatable { bus, addr } => write!(
                f,
                "address {addr:#x} on bus {bus} does not translate to a CPU address"
            ),
        }
    }
}

impl std::error::Error for DtError {}

/// One node: its path, its parent and its properties' raw bytes.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Full path, `/` for the root.
    pub path: String,
    /// Index of the parent node; `None` for the root.
    pub parent: Option<usize>,
    /// Property name → big-endian bytes.
    pub props: BTreeMap<String, Vec<u8>>,
}

/// A whole device tree; node 0 is the root.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// All nodes, parents before children.
    pub nodes: Vec<Node>,
}

/// One `ranges` entry of a bus, with the parent side already in CPU
/// addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start of the window in the bus's own (child) address space.
    pub bus_start: u64,
    /// The window in CPU physical addresses.
    pub cpu: Span,
}

impl Tree {
    /// Reads a flattened device tree blob.
    pub fn from_blob(blob: &[u8]) -> Result<Tree, DtError> {
        let fdt = fdt::Fdt::new(blob).map_err(|e| DtError::Blob(e.to_string()))?;
        let root = fdt
            .find_node("/")
            .ok_or_else(|| DtError::MissingNode("root node".into()))?;
        let mut tree = Tree::default();
        tree.add(root, None);
        Ok(tree)
    }

    fn add(&mut self, node: fdt::node::FdtNode<'_, '_>, parent: Option<usize>) {
        let path = match parent {
            None => "/".to_string(),
            Some(p) if self.nodes[p].path == "/" => format!("/{}", node.name),
            Some(p) => format!("{}/{}", self.nodes[p].path, node.name),
        };
        let props = node
            .properties()
            .map(|p| (p.name.to_string(), p.value.to_vec()))
            .collect();
        let me = self.nodes.len();
        self.nodes.push(Node {
            path,
            parent,
            props,
        });
        for child in node.children() {
            self.add(child, Some(me));
        }
    }

    /// Adds a node below `parent` (for building trees in tests).
    #[cfg(test)]
    pub fn push(&mut self, parent: Option<usize>, name: &str, props: &[(&str, Vec<u8>)]) -> usize {
        let path = match parent {
            None => "/".to_string(),
            Some(p) if self.nodes[p].path == "/" => format!("/{name}"),
            Some(p) => format!("{}/{name}", self.nodes[p].path),
        };
        self.nodes.push(Node {
            path,
            parent,
            props: props
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        });
        self.nodes.len() - 1
    }

    /// The node at `path`.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.path == path)
    }

    /// A property's bytes.
    pub fn prop(&self, node: usize, name: &str) -> Option<&[u8]> {
        self.nodes[node].props.get(name).map(Vec::as_slice)
    }

    /// A string property (the first string of a string list).
    pub fn prop_str(&self, node: usize, name: &str) -> Option<&str> {
        let bytes = self.prop(node, name)?;
        let first = bytes.split(|&b| b == 0).next()?;
        std::str::from_utf8(first).ok()
    }

    /// Whether `compatible` lists `what`.
    pub fn is_compatible(&self, node: usize, what: &str) -> bool {
        self.prop(node, "compatible")
            .is_some_and(|bytes| bytes.split(|&b| b == 0).any(|s| s == what.as_bytes()))
    }

    /// Whether the node is enabled (no `status`, or "okay"/"ok").
    pub fn is_enabled(&self, node: usize) -> bool {
        matches!(self.prop_str(node, "status"), None | Some("okay" | "ok"))
    }

    /// A property as 32-bit cells.
    pub fn cells(&self, node: usize, name: &'static str) -> Result<Vec<u32>, DtError> {
        let bytes = self.prop(node, name).ok_or_else(|| self.bad(node, name))?;
        if bytes.len() % 4 != 0 {
            return Err(self.bad(node, name));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn bad(&self, node: usize, prop: &'static str) -> DtError {
        DtError::BadProperty {
            node: self.nodes[node].path.clone(),
            prop,
        }
    }

    /// `#address-cells` and `#size-cells` a node gives its children
    /// (defaults 2 and 1).
    pub fn child_cells(&self, node: usize) -> Result<(usize, usize), DtError> {
        let one = |name: &'static str, default: usize| match self.prop(node, name) {
            None => Ok(default),
            Some(_) => match self.cells(node, name)?.as_slice() {
                [v] => Ok(*v as usize),
                _ => Err(self.bad(node, name)),
            },
        };
        Ok((one("#address-cells", 2)?, one("#size-cells", 1)?))
    }

    /// The node's `reg` as (bus address, size) pairs, in the parent's
    /// address space. Addresses wider than 64 bits (PCI) keep their low
    /// 64 bits.
    pub fn reg(&self, node: usize) -> Result<Vec<(u64, u64)>, DtError> {
        let parent = self.nodes[node]
            .parent
            .ok_or_else(|| self.bad(node, "reg"))?;
        let (ac, sc) = self.child_cells(parent)?;
        let cells = self.cells(node, "reg")?;
        if ac == 0 || sc == 0 || cells.len() % (ac + sc) != 0 {
            return Err(self.bad(node, "reg"));
        }
        Ok(cells
            .chunks_exact(ac + sc)
            .map(|e| (join(&e[..ac]), join(&e[ac..])))
            .collect())
    }

    /// CPU physical address of `addr`, an address of the children of
    /// `bus`, for a `size`-byte access: walks up through each bus's
    /// `ranges` (an empty `ranges` is the identity; none at all means the
    /// children are not memory-mapped).
    pub fn translate(&self, bus: usize, addr: u64, size: u64) -> Result<u64, DtError> {
        let mut node = bus;
        let mut a = addr;
        while let Some(parent) = self.nodes[node].parent {
            let not = || DtError::NotTranslatable {
                bus: self.nodes[node].path.clone(),
                addr: a,
            };
            let ranges = self.prop(node, "ranges").ok_or_else(not)?;
            if !ranges.is_empty() {
                let hit = self
                    .ranges(node, parent)?
                    .into_iter()
                    .find(|&(child, _, len)| {
                        child <= a && a.checked_add(size).is_some_and(|e| e <= child + len)
                    })
                    .ok_or_else(not)?;
                a = hit.1 + (a - hit.0);
            }
            node = parent;
        }
        Ok(a)
    }

    /// A bus's `ranges` as (child address, parent address, size).
    fn ranges(&self, node: usize, parent: usize) -> Result<Vec<(u64, u64, u64)>, DtError> {
        let (cac, csc) = self.child_cells(node)?;
        let (pac, _) = self.child_cells(parent)?;
        let cells = self.cells(node, "ranges")?;
        let entry = cac + pac + csc;
        if cac == 0 || csc == 0 || cells.len() % entry != 0 {
            return Err(self.bad(node, "ranges"));
        }
        Ok(cells
            .chunks_exact(entry)
            .map(|e| {
                (
                    join(&e[..cac]),
                    join(&e[cac..cac + pac]),
                    join(&e[cac + pac..]),
                )
            })
            .collect())
    }

    /// Every bus window (`ranges` entry) of every node, translated to CPU
    /// addresses. Windows that do not translate are left out.
    pub fn windows(&self) -> Vec<(usize, Window)> {
        let mut out = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let Some(parent) = n.parent else { continue };
            let Ok(entries) = self.ranges(i, parent) else {
                continue;
            };
            for (child, paddr, size) in entries {
                let Ok(cpu) = self.translate(parent, paddr, size) else {
                    continue;
                };
                if let Some(cpu) = Span::new(cpu, size) {
                    out.push((
                        i,
                        Window {
                            bus_start: child,
                            cpu,
                        },
                    ));
                }
            }
        }
        out
    }

    /// The node's `reg` entries translated to CPU addresses.
    pub fn cpu_reg(&self, node: usize) -> Result<Vec<Span>, DtError> {
        let parent = self.nodes[node]
            .parent
            .ok_or_else(|| self.bad(node, "reg"))?;
        self.reg(node)?
            .into_iter()
            .map(|(addr, size)| {
                let cpu = self.translate(parent, addr, size)?;
                Span::new(cpu, size).ok_or_else(|| self.bad(node, "reg"))
            })
            .collect()
    }

    /// Whether the node or one of its ancestors is a PCI bus (whose
    /// children's `reg` are config-space addresses, not memory).
    pub fn under_pci(&self, node: usize) -> bool {
        let mut cur = self.nodes[node].parent;
        while let Some(p) = cur {
            if self.prop_str(p, "device_type") == Some("pci") {
                return true;
            }
            cur = self.nodes[p].parent;
        }
        false
    }

    /// The node's interrupt parent's phandle (`interrupt-parent` of the
    /// node or its nearest ancestor that has one).
    pub fn interrupt_parent(&self, node: usize) -> Option<u32> {
        let mut cur = Some(node);
        while let Some(n) = cur {
            if let Ok(cells) = self.cells(n, "interrupt-parent") {
                return cells.first().copied();
            }
            cur = self.nodes[n].parent;
        }
        None
    }
}

/// Big-endian cells as one number; wider than 64 bits keeps the low part.
fn join(cells: &[u32]) -> u64 {
    cells
        .iter()
        .fold(0u64, |acc, &c| acc.wrapping_shl(32) | u64::from(c))
}

/// Encodes 32-bit cells as property bytes (for tests).
#[cfg(test)]
pub fn be_cells(cells: &[u32]) -> Vec<u8> {
    cells.iter().flat_map(|c| c.to_be_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A miniature of the Raspberry Pi 4's buses: /soc maps bus
    /// 0x7e000000 to CPU 0xfe000000 and 0x40000000 to 0xff800000; /scb
    /// passes 0x6_00000000 through to a PCIe bridge whose PCI window
    /// 0xf8000000 sits at 0x6_00000000; /i2c has no ranges.
    fn fixture() -> Tree {
        let mut t = Tree::default();
        let root = t.push(
            None,
            "",
            &[
                ("#address-cells", be_cells(&[2])),
                ("#size-cells", be_cells(&[1])),
            ],
        );
        let soc = t.push(
            Some(root),
            "soc",
            &[
                ("#address-cells", be_cells(&[1])),
                ("#size-cells", be_cells(&[1])),
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
            &[("reg", be_cells(&[0x7e21_5040, 0x40]))],
        );
        let i2c = t.push(
            Some(soc),
            "i2c@7e804000",
            &[
                ("reg", be_cells(&[0x7e80_4000, 0x1000])),
                ("#address-cells", be_cells(&[1])),
                ("#size-cells", be_cells(&[0])),
            ],
        );
        t.push(Some(i2c), "eeprom@50", &[("reg", be_cells(&[0x50]))]);
        let scb = t.push(
            Some(root),
            "scb",
            &[
                ("#address-cells", be_cells(&[2])),
                ("#size-cells", be_cells(&[1])),
                (
                    "ranges",
                    be_cells(&[
                        6,
                        0,
                        6,
                        0,
                        0x4000_0000,
                        0,
                        0x7c00_0000,
                        0,
                        0xfc00_0000,
                        0x380_0000,
                    ]),
                ),
            ],
        );
        t.push(
            Some(scb),
            "pcie@7d500000",
            &[
                ("reg", be_cells(&[0, 0x7d50_0000, 0x9310])),
                ("device_type", b"pci\0".to_vec()),
                ("#address-cells", be_cells(&[3])),
                ("#size-cells", be_cells(&[2])),
                (
                    "ranges",
                    be_cells(&[0x0200_0000, 0, 0xf800_0000, 6, 0, 0, 0x400_0000]),
                ),
            ],
        );
        t
    }

    #[test]
    fn reg_translates_through_soc_ranges() {
        let t = fixture();
        let uart = t
            .find("/soc/serial@7e215040")
            .expect("fixture has the UART");
        assert_eq!(t.reg(uart), Ok(vec![(0x7e21_5040, 0x40)]));
        assert_eq!(
            t.cpu_reg(uart),
            Ok(vec![Span {
                start: 0xfe21_5040,
                end: 0xfe21_5080
            }])
        );
    }

    #[test]
    fn address_outside_every_range_is_refused() {
        let t = fixture();
        let soc = t.find("/soc").expect("fixture has /soc");
        assert!(matches!(
            t.translate(soc, 0x7d00_0000, 4),
            Err(DtError::NotTranslatable { .. })
        ));
        // The last byte of a window translates, one more does not.
        assert_eq!(t.translate(soc, 0x7f7f_ffff, 1), Ok(0xff7f_ffff));
        assert!(t.translate(soc, 0x7f7f_ffff, 2).is_err());
    }

    #[test]
    fn bus_without_ranges_is_not_memory_mapped() {
        let t = fixture();
        let eeprom = t.find("/soc/i2c@7e804000/eeprom@50").expect("eeprom");
        // #size-cells = 0: no reg entry of this node is an MMIO range.
        assert!(matches!(t.reg(eeprom), Err(DtError::BadProperty { .. })));
        assert!(t
            .translate(t.find("/soc/i2c@7e804000").expect("i2c"), 0x50, 1)
            .is_err());
    }

    #[test]
    fn windows_include_pci_outbound_window() {
        let t = fixture();
        let cpu: Vec<Span> = t.windows().into_iter().map(|(_, w)| w.cpu).collect();
        assert!(cpu.contains(&Span {
            start: 0x6_0000_0000,
            end: 0x6_0400_0000
        }));
        assert!(cpu.contains(&Span {
            start: 0xff80_0000,
            end: 0x1_0000_0000
        }));
        let pcie = t.find("/scb/pcie@7d500000").expect("pcie");
        assert!(!t.under_pci(pcie));
        assert_eq!(t.cpu_reg(pcie).map(|r| r[0].start), Ok(0xfd50_0000));
    }

    #[test]
    fn span_arithmetic() {
        let s = |a, b| Span { start: a, end: b };
        assert_eq!(merge(&[s(5, 8), s(0, 5), s(10, 12)]), [s(0, 8), s(10, 12)]);
        assert_eq!(
            subtract(&[s(0, 100)], &[s(10, 20), s(90, 200)]),
            [s(0, 10), s(20, 90)]
        );
        assert!(covered(&[s(0, 5), s(5, 9)], &s(2, 8)));
        assert!(!covered(&[s(0, 5), s(6, 9)], &s(2, 8)));
        assert!(Span::new(u64::MAX, 2).is_none());
        assert_eq!(s(0x1000, 0x2000).to_string(), "0x1000-0x1fff");
    }
}
