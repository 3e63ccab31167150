// SPDX-License-Identifier: GPL-2.0-only

//! `jailhouse-devtools`: host-side tools used by `make test` and `make demo`.
//!
//! ```text
//! jailhouse-devtools run-scenario --kernel K --initrd I --expect FILE --log FILE
//!                                 [--gic 2|3] [--icount SHIFT] [--timeout SECONDS]
//!                                 [--append WORD]... [--qemu BINARY] [--quiet]
//! jailhouse-devtools check-image JAILHOUSE.BIN
//! ```
//!
//! `run-scenario` boots QEMU and exits 0 only if every expected line
//! appeared in order before the timeout; otherwise it prints which line is
//! missing and the tail of the serial log, and exits 1.

mod expect;
mod image;
mod qemu;

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
         \x20      jailhouse-devtools check-image JAILHOUSE.BIN"
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
