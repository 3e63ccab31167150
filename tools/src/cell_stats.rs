// SPDX-License-Identifier: GPL-2.0-only

//! The `cell stats` report.
//!
//! Upstream's `jailhouse-cell-stats` is an interactive curses viewer. This
//! module owns our one-shot equivalent: the same title and the same first
//! two columns (counter name in 30 columns, `SUM` right-aligned in 10,
//! counters ordered by value, highest first, then by name), followed by
//! one 10-column value per CPU of the cell instead of upstream's
//! `PER SEC` rate, which needs two samples. Reading the counters is
//! `sysfs`'s job.

use std::io::{self, Write};

use crate::sysfs::Statistics;

/// Writes the report for the cell called `name`.
pub fn write_report(name: &[u8], statistics: &Statistics, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Statistics for {} cell\n",
        String::from_utf8_lossy(name)
    )?;

    let mut header = format!("{:<30}{:>10}", "COUNTER", "SUM");
    for (cpu, _) in &statistics.cpus {
        header.push_str(&format!("{:>10}", format!("CPU{cpu}")));
    }
    writeln!(out, "{}", header.trim_end())?;

    let mut counters: Vec<&(String, u64)> = statistics.counters.iter().collect();
    counters.sort_by(|(name_a, value_a), (name_b, value_b)| {
        value_b.cmp(value_a).then_with(|| name_a.cmp(name_b))
    });
    for (counter, sum) in counters {
        let mut line = format!("{counter:<30}{sum:>10}");
        for (_, per_cpu) in &statistics.cpus {
            let value = per_cpu
                .iter()
                .find(|(name, _)| name == counter)
                .map_or_else(|| "-".to_owned(), |(_, value)| value.to_string());
            line.push_str(&format!("{value:>10}"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(name: &str, value: u64) -> (String, u64) {
        (name.to_owned(), value)
    }

    #[test]
    fn sums_then_cpus_highest_first() {
        let statistics = Statistics {
            counters: vec![
                pair("vmexits_hypercall", 3),
                pair("vmexits_mmio", 40),
                pair("vmexits_psci", 3),
                pair("vmexits_total", 120),
            ],
            cpus: vec![
                (
                    2,
                    vec![
                        pair("vmexits_hypercall", 1),
                        pair("vmexits_mmio", 30),
                        pair("vmexits_psci", 3),
                        pair("vmexits_total", 100),
                    ],
                ),
                (
                    3,
                    vec![
                        pair("vmexits_hypercall", 2),
                        pair("vmexits_mmio", 10),
                        pair("vmexits_total", 20),
                    ],
                ),
            ],
        };
        let mut out = Vec::new();
        write_report(b"inmate-demo", &statistics, &mut out).unwrap();
        let expected = concat!(
            "Statistics for inmate-demo cell\n",
            "\n",
            "COUNTER                              SUM      CPU2      CPU3\n",
            "vmexits_total                        120       100        20\n",
            "vmexits_mmio                          40        30        10\n",
            "vmexits_hypercall                      3         1         2\n",
            "vmexits_psci                           3         3         -\n",
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn without_cpu_directories_only_sums_are_shown() {
        let statistics = Statistics {
            counters: vec![pair("vmexits_total", 5)],
            cpus: Vec::new(),
        };
        let mut out = Vec::new();
        write_report(b"root", &statistics, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Statistics for root cell\n\nCOUNTER                              SUM\nvmexits_total                          5\n"
        );
    }
}
