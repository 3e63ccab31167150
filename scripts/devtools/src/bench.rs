// SPDX-License-Identifier: GPL-2.0-only

//! `make bench`'s report: from the serial logs of the benchmark runs
//! (`scripts/bench/bench.sh` in the guest, the bare-metal gic-demo) to the
//! figures, the Markdown and JSON tables, and the regression check.
//!
//! This module owns the log format's parsing, the figures' definitions and
//! the thresholds' meaning; it does no I/O (`main.rs` reads and writes the
//! files). Every figure is a count of counter ticks, instructions, exits,
//! pages or bytes: under QEMU's `-icount shift=4` a tick of the 62.5 MHz
//! counter is one guest instruction, 16 ns.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Nanoseconds per counter tick under `-icount shift=4` (62.5 MHz).
pub const NS_PER_TICK: u64 = 16;
/// Counter ticks per second.
pub const TICKS_PER_SECOND: u64 = 62_500_000;

/// The exit kinds exit-bench measures, in its order.
pub const EXIT_KINDS: &[&str] = &["hypercall", "psci", "mmio", "sgi", "irq"];

/// Smallest, median and largest of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub min: u64,
    pub median: u64,
    pub max: u64,
}

impl Spread {
    /// The spread of `samples` (the lower median for an even count).
    pub fn of(samples: &[u64]) -> Option<Spread> {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        Some(Spread {
            min: *sorted.first()?,
            median: sorted[(sorted.len() - 1) / 2],
            max: *sorted.last()?,
        })
    }
}

/// Exit counters of the root over an interval of `ticks`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExitWindow {
    pub ticks: u64,
    pub exits: BTreeMap<String, u64>,
}

/// One exit kind as exit-bench reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCost {
    pub el2_instructions: Spread,
    pub ticks: Spread,
}

/// What one run of `bench.sh` printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    /// `"[bench] NAME: ticks N"` lines (life-cycle commands).
    pub timed: BTreeMap<String, u64>,
    /// `"[bench] NAME: N"` lines with one number (sizes, pool use).
    pub values: BTreeMap<String, u64>,
    pub root_idle: ExitWindow,
    pub root_workload: ExitWindow,
    /// Counter value just before `cell start`, and the inmate's first line.
    pub start_counter: Option<u64>,
    pub first_output_counter: Option<u64>,
    pub exit_costs: BTreeMap<String, ExitCost>,
    pub irq_latency: Option<Spread>,
    /// gic-demo's latencies (ticks) per phase.
    pub latency: BTreeMap<String, Vec<u64>>,
    /// quiet-demo life cycles that succeeded, and were tried.
    pub disturb_cycles: Option<(u64, u64)>,
    /// The gic-demo cell's exits per phase: all, and interrupt injections.
    pub phase_exits: BTreeMap<String, (u64, u64)>,
    /// The line `[bench] done` was seen.
    pub complete: bool,
}

/// Strip the serial `\r` and a kernel timestamp prefix.
fn clean(line: &str) -> &str {
    let line = line.trim_end_matches(['\r', '\n']);
    if let Some(rest) = line.strip_prefix('[') {
        if let Some((stamp, after)) = rest.split_once("] ") {
            if !stamp.is_empty() && stamp.trim().chars().all(|c| c.is_ascii_digit() || c == '.') {
                return after;
            }
        }
    }
    line
}

/// The number after `key ` in `text` (`"... key 123 ..."`).
fn number_after(text: &str, key: &str) -> Option<u64> {
    let at = text.find(key)? + key.len();
    let digits: String = text[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// `"min A median B max C"` anywhere in `text`, after `from`.
fn spread_after(text: &str, from: &str) -> Option<Spread> {
    let at = text.find(from)?;
    let text = &text[at..];
    Some(Spread {
        min: number_after(text, "min ")?,
        median: number_after(text, "median ")?,
        max: number_after(text, "max ")?,
    })
}

/// gic-demo's `Timer fired, jitter: N ns, ...` as ticks.
pub fn jitter_ticks(line: &str) -> Option<u64> {
    let rest = clean(line).strip_prefix("Timer fired, jitter:")?;
    let ns: u64 = rest.split(" ns").next()?.trim().parse().ok()?;
    Some(ns / NS_PER_TICK)
}

/// Parse one run's serial log.
pub fn parse_run(log: &str) -> Run {
    let mut run = Run::default();
    let mut phase: Option<String> = None;
    for raw in log.lines() {
        let line = clean(raw);
        if let Some(ticks) = jitter_ticks(line) {
            if let Some(p) = &phase {
                run.latency.entry(p.clone()).or_default().push(ticks);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("exit-bench: ") {
            parse_exit_bench(&mut run, rest);
            continue;
        }
        let Some(rest) = line.strip_prefix("[bench] ") else {
            continue;
        };
        if rest == "done" {
            run.complete = true;
        } else if let Some(name) = rest.strip_prefix("phase ") {
            phase = match name.strip_suffix(" end") {
                Some(_) => None,
                None => Some(name.to_string()),
            };
        } else if let Some((name, rest)) = rest.split_once(": cell exits ") {
            if let (Ok(total), Some(virq)) = (
                rest.split(',').next().unwrap_or("").trim().parse(),
                number_after(rest, "interrupt injections "),
            ) {
                run.phase_exits.insert(name.to_string(), (total, virq));
            }
        } else if let Some(rest) = rest.strip_prefix("jailhouse cell start: ") {
            run.start_counter = number_after(rest, "counter ");
            if let Some(t) = number_after(rest, "ticks ") {
                run.timed.insert("jailhouse cell start".into(), t);
            }
        } else if let Some((window, rest)) = rest.split_once(": vmexits_") {
            let target = match window {
                "root idle" => &mut run.root_idle,
                "root workload" => &mut run.root_workload,
                _ => continue,
            };
            let mut words = rest.split_whitespace();
            if let (Some(name), Some(Ok(n))) = (words.next(), words.next().map(str::parse)) {
                target.exits.insert(name.to_string(), n);
            }
            if let Some(t) = number_after(rest, "in ") {
                target.ticks = t;
            }
        } else if let Some((label, rest)) = rest.split_once(": ") {
            if let Some(t) = rest.strip_prefix("ticks ").and_then(|t| t.parse().ok()) {
                run.timed.insert(label.to_string(), t);
            } else if let Some((ok, of)) = rest.split_once('/') {
                if let (Ok(ok), Ok(of)) = (ok.parse(), of.parse()) {
                    run.disturb_cycles = Some((ok, of));
                }
            } else if let Ok(v) = rest.strip_prefix("bytes ").unwrap_or(rest).parse() {
                // "LABEL: N" or "LABEL: bytes N": one number.
                run.values.insert(label.to_string(), v);
            }
        }
    }
    run
}

fn parse_exit_bench(run: &mut Run, rest: &str) {
    if let Some(n) = rest.strip_prefix("first output at counter ") {
        run.first_output_counter = n.trim().parse().ok();
    } else if let Some(rest) = rest.strip_prefix("irq latency: ") {
        run.irq_latency = spread_after(rest, "min ");
    } else if let Some((kind, rest)) = rest.split_once(": ") {
        if let (Some(el2), Some(ticks)) = (
            spread_after(rest, "EL2 instructions"),
            spread_after(rest, "ticks"),
        ) {
            run.exit_costs.insert(
                kind.to_string(),
                ExitCost {
                    el2_instructions: el2,
                    ticks,
                },
            );
        }
    }
}

/// One figure of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Stable key (JSON, thresholds).
    pub key: String,
    /// What it is, for the table.
    pub label: String,
    pub unit: &'static str,
    /// Per run (None: that run did not report it).
    pub values: Vec<Option<f64>>,
}

impl Figure {
    /// Whether every run gave the same value.
    pub fn identical(&self) -> bool {
        self.values.windows(2).all(|w| w[0] == w[1])
    }

    /// The first run's value.
    pub fn first(&self) -> Option<f64> {
        self.values.first().copied().flatten()
    }
}

/// Ticks per second of `window` as exits per second of guest time.
fn per_second(exits: u64, ticks: u64) -> Option<f64> {
    (ticks > 0).then(|| (exits as f64 * TICKS_PER_SECOND as f64 / ticks as f64).round())
}

/// The figures of `runs` against the bare-metal latencies
/// (`baremetal`, ticks, one list per bare-metal run).
pub fn figures(runs: &[Run], baremetal: &[Vec<u64>]) -> Vec<Figure> {
    let mut out: Vec<Figure> = Vec::new();
    let mut add =
        |key: &str, label: &str, unit: &'static str, f: &dyn Fn(usize, &Run) -> Option<f64>| {
            out.push(Figure {
                key: key.into(),
                label: label.into(),
                unit,
                values: runs.iter().enumerate().map(|(i, r)| f(i, r)).collect(),
            });
        };
    let u = |v: u64| Some(v as f64);

    // 1. Timer-interrupt latency of a cell, and on bare metal.
    let idle = |r: &Run| r.latency.get("latency idle").and_then(|l| Spread::of(l));
    add(
        "cell_latency_samples",
        "gic-demo in a cell: timer ticks measured",
        "samples",
        &|_, r| r.latency.get("latency idle").map(|l| l.len() as f64),
    );
    add(
        "cell_latency_min_ticks",
        "gic-demo in a cell: latency min",
        "counter ticks",
        &|_, r| idle(r).map(|s| s.min as f64),
    );
    add(
        "cell_latency_median_ticks",
        "gic-demo in a cell: latency median",
        "counter ticks",
        &|_, r| idle(r).map(|s| s.median as f64),
    );
    add(
        "cell_latency_max_ticks",
        "gic-demo in a cell: latency max",
        "counter ticks",
        &|_, r| idle(r).map(|s| s.max as f64),
    );
    let bare = |i: usize| baremetal.get(i).and_then(|l| Spread::of(l));
    add(
        "baremetal_latency_samples",
        "gic-demo on bare metal: timer ticks measured",
        "samples",
        &|i, _| baremetal.get(i).map(|l| l.len() as f64),
    );
    add(
        "baremetal_latency_min_ticks",
        "gic-demo on bare metal: latency min",
        "counter ticks",
        &|i, _| bare(i).map(|s| s.min as f64),
    );
    add(
        "baremetal_latency_median_ticks",
        "gic-demo on bare metal: latency median",
        "counter ticks",
        &|i, _| bare(i).map(|s| s.median as f64),
    );
    add(
        "baremetal_latency_max_ticks",
        "gic-demo on bare metal: latency max",
        "counter ticks",
        &|i, _| bare(i).map(|s| s.max as f64),
    );
    add(
        "latency_over_baremetal_ticks",
        "cell minus bare metal, medians (= instructions added per interrupt)",
        "counter ticks",
        &|i, r| Some(idle(r)?.median as f64 - bare(i)?.median as f64),
    );
    add(
        "latency_ratio",
        "cell / bare metal, medians",
        "ratio",
        &|i, r| {
            let b = bare(i)?.median;
            let c = idle(r)?.median;
            (b > 0).then(|| ((c as f64 / b as f64) * 100.0).round() / 100.0)
        },
    );

    // 2. EL2 instructions per exit.
    for kind in EXIT_KINDS {
        let k = kind.to_string();
        let what = match *kind {
            "hypercall" => "hypercall (HYPERVISOR_GET_INFO)",
            "psci" => "PSCI call (PSCI_VERSION)",
            "mmio" => "trapped GIC access (GICD_TYPER read)",
            "sgi" => "trapped SGI (ICC_SGI1R_EL1) and its injection",
            _ => "interrupt injection (virtual timer)",
        };
        add(
            &format!("el2_instructions_{kind}"),
            &format!("EL2 instructions per exit: {what}, median"),
            "instructions",
            &|_, r| {
                r.exit_costs
                    .get(&k)
                    .map(|c| c.el2_instructions.median as f64)
            },
        );
        add(
            &format!("exit_round_trip_ticks_{kind}"),
            &format!("round trip in the cell: {what}, median"),
            "counter ticks",
            &|_, r| r.exit_costs.get(&k).map(|c| c.ticks.median as f64),
        );
    }
    add(
        "cell_irq_latency_median_ticks",
        "exit-bench timer latency (spinning, not wfi), median",
        "counter ticks",
        &|_, r| r.irq_latency.map(|s| s.median as f64),
    );

    // 3. Root exits per second.
    for (key, label, pick) in [
        (
            "root_idle",
            "root cell idle",
            (|r: &Run| &r.root_idle) as fn(&Run) -> &ExitWindow,
        ),
        (
            "root_workload",
            "root cell running the workload",
            |r: &Run| &r.root_workload,
        ),
    ] {
        add(
            &format!("{key}_exits_per_s"),
            &format!("exits per second, {label}"),
            "exits/s",
            &|_, r| {
                let w = pick(r);
                per_second(*w.exits.get("total")?, w.ticks)
            },
        );
        add(
            &format!("{key}_virt_irq_per_s"),
            &format!("of which interrupt injections, {label}"),
            "exits/s",
            &|_, r| {
                let w = pick(r);
                per_second(*w.exits.get("virt_irq")?, w.ticks)
            },
        );
    }

    // 4. Life-cycle costs.
    for (cmd, key) in [
        ("jailhouse enable", "enable"),
        ("jailhouse cell create", "cell_create"),
        ("jailhouse cell load", "cell_load"),
        ("jailhouse cell destroy", "cell_destroy"),
        ("jailhouse disable", "disable"),
    ] {
        add(
            &format!("{key}_ticks"),
            &format!("`{cmd}` (whole command)"),
            "counter ticks",
            &|_, r| r.timed.get(cmd).copied().and_then(u),
        );
    }
    add(
        "cell_start_to_first_output_ticks",
        "`jailhouse cell start` to the inmate's first output line",
        "counter ticks",
        &|_, r| Some(r.first_output_counter?.checked_sub(r.start_counter?)? as f64),
    );

    // 5. Footprint.
    add(
        "jailhouse_bin_bytes",
        "jailhouse.bin size",
        "bytes",
        &|_, r| r.values.get("jailhouse.bin").copied().and_then(u),
    );
    add(
        "pool_pages_after_enable",
        "page-pool pages used after enable",
        "pages",
        &|_, r| r.values.get("pool used after enable").copied().and_then(u),
    );
    add(
        "pool_pages_per_cell",
        "page-pool pages per created cell (inmate-demo)",
        "pages",
        &|_, r| {
            let after = r.values.get("pool used after cell create")?;
            let before = r.values.get("pool used after enable")?;
            after.checked_sub(*before).and_then(u)
        },
    );
    add(
        "pool_pages_leaked_by_cell",
        "page-pool pages not returned by cell destroy",
        "pages",
        &|_, r| {
            let after = r.values.get("pool used after cell destroy")?;
            let before = r.values.get("pool used after enable")?;
            Some(*after as f64 - *before as f64)
        },
    );

    // 6. Stability.
    let disturbed = |r: &Run| {
        r.latency
            .get("latency disturbed")
            .and_then(|l| Spread::of(l))
    };
    add(
        "disturbed_latency_min_ticks",
        "gic-demo while the root works and cycles a cell: min",
        "counter ticks",
        &|_, r| disturbed(r).map(|s| s.min as f64),
    );
    add(
        "disturbed_latency_median_ticks",
        "gic-demo while the root works and cycles a cell: median",
        "counter ticks",
        &|_, r| disturbed(r).map(|s| s.median as f64),
    );
    add(
        "disturbed_latency_max_ticks",
        "gic-demo while the root works and cycles a cell: max",
        "counter ticks",
        &|_, r| disturbed(r).map(|s| s.max as f64),
    );
    for (phase, what) in [
        ("latency idle", "idle root"),
        ("latency disturbed", "busy root"),
    ] {
        add(
            &format!("cell_other_exits_{}", phase.replace(' ', "_")),
            &format!("gic-demo cell's exits other than interrupt injections, {what}"),
            "exits",
            &|_, r| {
                r.phase_exits
                    .get(phase)
                    .map(|(total, virq)| total.saturating_sub(*virq) as f64)
            },
        );
    }
    add(
        "disturb_cycles_ok",
        "quiet-demo create/load/start/destroy cycles that succeeded",
        "cycles",
        &|_, r| r.disturb_cycles.map(|(ok, _)| ok as f64),
    );
    out
}

/// A limit from the thresholds file.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub key: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// Parse the thresholds file: one `KEY <= VALUE` or `KEY >= VALUE` per
/// line; `#` starts a comment.
pub fn parse_thresholds(text: &str) -> Result<Vec<Threshold>, String> {
    let mut out: Vec<Threshold> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (key, op, value) = if let Some((k, v)) = line.split_once("<=") {
            (k, "<=", v)
        } else if let Some((k, v)) = line.split_once(">=") {
            (k, ">=", v)
        } else {
            return Err(format!(
                "line {}: expected KEY <= VALUE or KEY >= VALUE",
                n + 1
            ));
        };
        let key = key.trim().to_string();
        let value: f64 = value
            .trim()
            .parse()
            .map_err(|_| format!("line {}: bad number {:?}", n + 1, value.trim()))?;
        let entry = match out.iter_mut().find(|t| t.key == key) {
            Some(t) => t,
            None => {
                out.push(Threshold {
                    key,
                    min: None,
                    max: None,
                });
                out.last_mut().ok_or("unreachable")?
            }
        };
        match op {
            "<=" => entry.max = Some(value),
            _ => entry.min = Some(value),
        }
    }
    Ok(out)
}

/// Check every run's figures against `thresholds`; one message per
/// violation (a missing figure is one).
pub fn check(figures: &[Figure], thresholds: &[Threshold]) -> Vec<String> {
    let mut failures = Vec::new();
    for t in thresholds {
        let Some(fig) = figures.iter().find(|f| f.key == t.key) else {
            failures.push(format!("{}: no such figure", t.key));
            continue;
        };
        for (i, v) in fig.values.iter().enumerate() {
            let run = i + 1;
            match v {
                None => failures.push(format!("{}: run {run} did not report it", t.key)),
                Some(v) => {
                    if t.max.is_some_and(|max| *v > max) {
                        failures.push(format!(
                            "{}: run {run}: {v} > {}",
                            t.key,
                            t.max.unwrap_or(0.0)
                        ));
                    }
                    if t.min.is_some_and(|min| *v < min) {
                        failures.push(format!(
                            "{}: run {run}: {v} < {}",
                            t.key,
                            t.min.unwrap_or(0.0)
                        ));
                    }
                }
            }
        }
    }
    failures
}

fn show(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 => format!("{}", v as i64),
        Some(v) => format!("{v:.2}"),
    }
}

/// The Markdown table: one row per figure, one column per run, whether
/// the runs agree, and nanoseconds for tick figures.
pub fn markdown(figures: &[Figure]) -> String {
    let runs = figures.first().map_or(0, |f| f.values.len());
    let mut s = String::new();
    let _ = write!(s, "| Figure | Unit |");
    for i in 1..=runs {
        let _ = write!(s, " Run {i} |");
    }
    let _ = writeln!(s, " Runs agree | Run 1 in ns |");
    let _ = write!(s, "|---|---|");
    for _ in 1..=runs {
        let _ = write!(s, "---:|");
    }
    let _ = writeln!(s, "---|---:|");
    for f in figures {
        let _ = write!(s, "| {} | {} |", f.label, f.unit);
        for v in &f.values {
            let _ = write!(s, " {} |", show(*v));
        }
        let agree = if f.identical() { "yes" } else { "no" };
        let ns = match (f.unit, f.first()) {
            ("counter ticks", Some(v)) => show(Some(v * NS_PER_TICK as f64)),
            _ => String::new(),
        };
        let _ = writeln!(s, " {agree} | {ns} |");
    }
    s
}

/// The JSON document: `{"figures": [{"key", "label", "unit", "runs": [..],
/// "identical"}]}`.
pub fn json(figures: &[Figure]) -> String {
    let list: Vec<serde_json::Value> = figures
        .iter()
        .map(|f| {
            serde_json::json!({
                "key": f.key,
                "label": f.label,
                "unit": f.unit,
                "runs": f.values,
                "identical": f.identical(),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "ns_per_tick": NS_PER_TICK,
        "figures": list,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
[init] running scenario\r
[bench] parameters: ticks 3 rounds 10 cycles 1\r
[bench] jailhouse.bin: bytes 80000\r
[    3.1] random kernel line\r
[bench] jailhouse enable: ticks 5000000\r
[bench] pool: size 4050\r
[bench] pool used after enable: 34\r
[bench] root idle: vmexits_total 500 in 312500000 ticks\r
[bench] root idle: vmexits_virt_irq 400 in 312500000 ticks\r
[bench] root workload: vmexits_total 3000 in 62500000 ticks\r
[bench] root workload: vmexits_virt_irq 2000 in 62500000 ticks\r
[bench] jailhouse cell create: ticks 4000000\r
[bench] pool used after cell create: 44\r
[bench] jailhouse cell load: ticks 1000000\r
exit-bench: first output at counter 1000500\r
exit-bench: none: 10 rounds, EL2 instructions min 0 median 0 max 0, ticks min 3 median 3 max 3\r
exit-bench: irq: 10 rounds, EL2 instructions min 106 median 106 max 900, ticks min 280 median 281 max 1000\r
exit-bench: irq latency: min 200 median 201 max 900 ticks\r
exit-bench: done\r
[bench] jailhouse cell start: status 0, counter 1000000, ticks 2000000\r
[bench] jailhouse cell destroy: ticks 3000000\r
[bench] pool used after cell destroy: 34\r
[bench] phase latency idle\r
Timer fired, jitter:   4240 ns, min:   4240 ns, max:   4240 ns\r
Timer fired, jitter:   4256 ns, min:   4240 ns, max:   4256 ns\r
Timer fired, jitter:  72368 ns, min:   4240 ns, max:  72368 ns\r
[bench] phase latency idle end\r
[bench] latency idle: cell exits 20, of which interrupt injections 3\r
[bench] phase latency disturbed\r
Timer fired, jitter:   4240 ns, min:   4240 ns, max:   4240 ns\r
[bench] phase latency disturbed end\r
[bench] quiet-demo life cycles during the disturbed phase: 1/1\r
[bench] jailhouse disable: ticks 900000\r
[bench] done\r
";

    #[test]
    fn parses_a_run() {
        let run = parse_run(LOG);
        assert!(run.complete);
        assert_eq!(run.timed["jailhouse enable"], 5_000_000);
        assert_eq!(run.timed["jailhouse cell start"], 2_000_000);
        assert_eq!(run.values["jailhouse.bin"], 80_000);
        assert_eq!(run.values["pool used after cell create"], 44);
        assert_eq!(run.root_idle.ticks, 312_500_000);
        assert_eq!(run.root_idle.exits["total"], 500);
        assert_eq!(run.start_counter, Some(1_000_000));
        assert_eq!(run.first_output_counter, Some(1_000_500));
        let irq = run.exit_costs["irq"];
        assert_eq!(
            irq.el2_instructions,
            Spread {
                min: 106,
                median: 106,
                max: 900
            }
        );
        assert_eq!(irq.ticks.median, 281);
        assert_eq!(
            run.irq_latency,
            Some(Spread {
                min: 200,
                median: 201,
                max: 900
            })
        );
        assert_eq!(run.latency["latency idle"], vec![265, 266, 4523]);
        assert_eq!(run.latency["latency disturbed"], vec![265]);
        assert_eq!(run.disturb_cycles, Some((1, 1)));
        assert_eq!(run.phase_exits["latency idle"], (20, 3));
    }

    #[test]
    fn figures_and_checks() {
        let runs = vec![parse_run(LOG), parse_run(LOG)];
        let figs = figures(&runs, &[vec![100, 100, 101], vec![100, 100, 101]]);
        let get = |k: &str| figs.iter().find(|f| f.key == k).and_then(Figure::first);
        assert_eq!(get("cell_latency_median_ticks"), Some(266.0));
        assert_eq!(get("baremetal_latency_median_ticks"), Some(100.0));
        assert_eq!(get("latency_over_baremetal_ticks"), Some(166.0));
        assert_eq!(get("latency_ratio"), Some(2.66));
        assert_eq!(get("el2_instructions_irq"), Some(106.0));
        assert_eq!(get("root_idle_exits_per_s"), Some(100.0));
        assert_eq!(get("root_workload_virt_irq_per_s"), Some(2000.0));
        assert_eq!(get("cell_start_to_first_output_ticks"), Some(500.0));
        assert_eq!(get("pool_pages_per_cell"), Some(10.0));
        assert_eq!(get("pool_pages_leaked_by_cell"), Some(0.0));
        assert_eq!(get("cell_other_exits_latency_idle"), Some(17.0));
        assert_eq!(get("cell_other_exits_latency_disturbed"), None);
        assert!(figs.iter().all(Figure::identical));

        let limits = parse_thresholds(
            "# comment\nel2_instructions_irq <= 120\npool_pages_per_cell <= 9\n\
             disturb_cycles_ok >= 1\n",
        )
        .unwrap();
        let failures = check(&figs, &limits);
        assert_eq!(failures.len(), 2, "{failures:?}"); // pool pages, both runs
        assert!(failures[0].starts_with("pool_pages_per_cell: run 1: 10 > 9"));
        assert!(parse_thresholds("x = 3").is_err());
        assert_eq!(
            check(&figs, &parse_thresholds("nope <= 1").unwrap()).len(),
            1
        );
    }

    #[test]
    fn differing_runs_are_flagged_and_tables_render() {
        let mut other = parse_run(LOG);
        other.timed.insert("jailhouse enable".into(), 5_000_001);
        let figs = figures(&[parse_run(LOG), other], &[]);
        let enable = figs.iter().find(|f| f.key == "enable_ticks").unwrap();
        assert!(!enable.identical());
        let md = markdown(&figs);
        assert!(md.contains("| `jailhouse enable` (whole command) | counter ticks | 5000000 | 5000001 | no | 80000000 |"));
        let json = json(&figs);
        assert!(json.contains("\"key\": \"enable_ticks\""));
        assert!(json.contains("\"identical\": false"));
    }
}
