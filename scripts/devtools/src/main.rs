// SPDX-License-Identifier: GPL-2.0-only

//! `jailhouse-devtools`: host-side tools used by `make test` and `make demo`.
//!
//! ```text
//! jailhouse-devtools run-scenario --kernel K --initrd I --expect FILE --log FILE
//!                                 [--gic 2|3] [--icount SHIFT] [--timeout SECONDS]
//!                                 [--append WORD]... [--qemu BINARY] [--quiet]
//! jailhouse-devtools check-image JAILHOUSE.BIN
//! jailhouse-devtools check-rpi4 --dtb BCM2711-RPI-4-B.DTB --root GIB=ROOT.CELL...
//!                               [--cell CELL.CELL]...
//! jailhouse-devtools bench-report --run LOG... [--baremetal LOG]... --markdown FILE
//!                                 --json FILE [--thresholds FILE]
//! ```
//!
//! `run-scenario` boots QEMU and exits 0 only if every expected line
//! appeared in order before the timeout; otherwise it prints which line is
//! missing and the tail of the serial log, and exits 1.
//!
//! `check-rpi4` checks Raspberry Pi 4 cell configs against the board's
//! device tree (see the `rpi4` module) and prints which facts agreed; it
//! exits 1 if any did not.
//!
//! `bench-report` turns the serial logs of `make bench`'s runs into the
//! table (see the `bench` module), writes it as Markdown and JSON, prints
//! the Markdown, and exits 1 if a run is incomplete or a figure is outside
//! its threshold.

mod bench;
mod devtree;
mod expect;
mod image;
mod qemu;
mod rpi4;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use expect::Expectations;
use qemu::{Machine, Verdict};

fn usage() -> ExitCode {
    eprintln!(
        "usage: jailhouse-devtools run-scenario --kernel K --initrd I --expect FILE --log FILE\n\
         \x20                                      [--gic 2|3] [--icount SHIFT] [--timeout SECONDS]\n\
         \x20                                      [--append WORD]... [--qemu BINARY] [--quiet]\n\
         \x20      jailhouse-devtools check-image JAILHOUSE.BIN\n\
         \x20      jailhouse-devtools check-rpi4 --dtb FILE --root GIB=ROOT.CELL... [--cell CELL.CELL]..."
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run-scenario") => match run_scenario(&args[1..]) {
            Ok(code) => code,
            Err(msg) => {
                eprintln!("run-scenario: {msg}");
                usage()
            }
        },
        Some("check-image") if args.len() == 2 => check_image(&args[1]),
        Some("check-rpi4") => match check_rpi4(&args[1..]) {
            Ok(code) => code,
            Err(msg) => {
                eprintln!("check-rpi4: {msg}");
                ExitCode::FAILURE
            }
        },
        Some("bench-report") => match bench_report(&args[1..]) {
            Ok(code) => code,
            Err(msg) => {
                eprintln!("bench-report: {msg}");
                ExitCode::from(2)
            }
        },
        _ => usage(),
    }
}

fn check_image(path: &str) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("check-image: reading {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match image::check(&bytes) {
        Ok(summary) => {
            println!("{path}: {summary}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("check-image: {path}: {why}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {path}: {e}"))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn check_rpi4(args: &[String]) -> Result<ExitCode, String> {
    use jailhouse_abi::config::{CellConfig, SystemConfig};

    let mut dtb = None;
    let mut roots = Vec::new();
    let mut cells = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--dtb" => dtb = Some(value.clone()),
            "--root" => {
                let (gib, path) = value
                    .split_once('=')
                    .ok_or(format!("--root wants GIB=FILE, not {value}"))?;
                let gib: u64 = match gib {
                    "1" | "2" | "4" | "8" => gib.parse().map_err(|_| format!("bad size {gib}"))?,
                    _ => return Err(format!("a Raspberry Pi 4 has 1, 2, 4 or 8 GiB, not {gib}")),
                };
                roots.push((gib, path.to_string()));
            }
            "--cell" => cells.push(value.clone()),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let dtb = dtb.ok_or("--dtb is required")?;
    if roots.is_empty() {
        return Err("no --root given".into());
    }
    let blob = read(&dtb)?;
    let tree = devtree::Tree::from_blob(&blob).map_err(|e| format!("{dtb}: {e}"))?;
    let board = rpi4::Board::from_tree(&tree).map_err(|e| format!("{dtb}: {e}"))?;

    let mut report = rpi4::Report::default();
    report.lines.push(format!("check-rpi4: {dtb}"));
    rpi4::check_board(&board, &mut report);
    for (gib, path) in &roots {
        let bytes = read(path)?;
        let sys = SystemConfig::parse(&bytes).map_err(|e| format!("{path}: {e}"))?;
        rpi4::check_root(&board, file_name(path), *gib, &sys, &mut report);
    }
    for path in &cells {
        let bytes = read(path)?;
        let cell = CellConfig::parse(&bytes).map_err(|e| format!("{path}: {e}"))?;
        rpi4::check_cell(&board, file_name(path), &cell, &mut report);
    }
    for line in &report.lines {
        println!("{line}");
    }
    println!(
        "check-rpi4: {} passed, {} failed",
        report.passes, report.failures
    );
    Ok(if report.failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn run_scenario(args: &[String]) -> Result<ExitCode, String> {
    let mut kernel = None;
    let mut initrd = None;
    let mut expect_file = None;
    let mut log = None;
    let mut machine = Machine {
        qemu: "qemu-system-aarch64".into(),
        kernel: PathBuf::new(),
        initrd: PathBuf::new(),
        gic_version: 3,
        icount_shift: None,
        extra_cmdline: Vec::new(),
    };
    let mut timeout = 120;
    let mut echo = true;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--quiet" {
            echo = false;
            continue;
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--kernel" => kernel = Some(PathBuf::from(value)),
            "--initrd" => initrd = Some(PathBuf::from(value)),
            "--expect" => expect_file = Some(PathBuf::from(value)),
            "--log" => log = Some(PathBuf::from(value)),
            "--qemu" => machine.qemu = value.clone(),
            "--append" => machine.extra_cmdline.push(value.clone()),
            "--gic" => {
                machine.gic_version = match value.as_str() {
                    "2" => 2,
                    "3" => 3,
                    _ => return Err(format!("--gic must be 2 or 3, not {value}")),
                }
            }
            "--icount" => {
                machine.icount_shift =
                    Some(value.parse().map_err(|_| format!("bad --icount {value}"))?)
            }
            "--timeout" => {
                timeout = value
                    .parse()
                    .map_err(|_| format!("bad --timeout {value}"))?
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    machine.kernel = kernel.ok_or("--kernel is required")?;
    machine.initrd = initrd.ok_or("--initrd is required")?;
    let expect_file = expect_file.ok_or("--expect is required")?;
    let log = log.ok_or("--log is required")?;
    let text = std::fs::read_to_string(&expect_file)
        .map_err(|e| format!("reading {}: {e}", expect_file.display()))?;
    let expect = Expectations::parse(&text);
    if expect.is_empty() {
        return Err(format!("{} expects nothing", expect_file.display()));
    }
    let name = expect_file.display().to_string();
    let (verdict, expect, tail) =
        qemu::run(&machine, expect, Duration::from_secs(timeout), &log, echo)
            .map_err(|e| format!("running {}: {e}", machine.qemu))?;
    match verdict {
        Verdict::Passed => {
            println!(
                "scenario {name}: PASSED ({} lines matched), log: {}",
                expect.len(),
                log.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Verdict::Failed(why) => {
            eprintln!("---- last lines of {} ----", log.display());
            for line in &tail {
                eprintln!("{line}");
            }
            eprintln!("---- expected lines (ok = seen) ----\n{expect}");
            eprintln!(
                "scenario {name}: FAILED: {why}; waiting for: {:?}",
                expect.pending().unwrap_or("")
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn bench_report(args: &[String]) -> Result<ExitCode, String> {
    let (mut runs, mut baremetal) = (Vec::new(), Vec::new());
    let (mut markdown, mut json, mut thresholds) = (None, None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let read = |path: &str| {
            std::fs::read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| format!("reading {path}: {e}"))
        };
        match flag.as_str() {
            "--run" => runs.push((value.clone(), bench::parse_run(&read(value)?))),
            "--baremetal" => baremetal.push(
                read(value)?
                    .lines()
                    .filter_map(bench::jitter_ticks)
                    .collect::<Vec<u64>>(),
            ),
            "--markdown" => markdown = Some(value.clone()),
            "--json" => json = Some(value.clone()),
            "--thresholds" => thresholds = Some(read(value)?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if runs.is_empty() {
        return Err("no --run LOG given".into());
    }
    let mut failures = Vec::new();
    for (path, run) in &runs {
        if !run.complete {
            failures.push(format!(
                "{path}: the run did not complete (no \"[bench] done\")"
            ));
        }
    }
    let list: Vec<bench::Run> = runs.into_iter().map(|(_, r)| r).collect();
    let figures = bench::figures(&list, &baremetal);
    let table = bench::markdown(&figures);
    for (path, text) in [(markdown, &table), (json, &bench::json(&figures))] {
        let path = path.ok_or("--markdown and --json are required")?;
        std::fs::write(&path, text).map_err(|e| format!("writing {path}: {e}"))?;
    }
    print!("{table}");
    if let Some(text) = thresholds {
        let limits = bench::parse_thresholds(&text)?;
        failures.extend(bench::check(&figures, &limits));
        if failures.is_empty() {
            println!("bench-report: all {} thresholds hold", limits.len());
        }
    }
    for failure in &failures {
        eprintln!("bench-report: FAIL {failure}");
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
