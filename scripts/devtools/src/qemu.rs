// SPDX-License-Identifier: GPL-2.0-only

//! Booting the test machine in QEMU and judging its serial output.
//!
//! [`Machine`] turns the options of a run into the QEMU command line (pure,
//! tested on its own); [`run`] starts QEMU, copies the serial output to a
//! log file and the terminal, feeds it to [`Expectations`] and enforces the
//! hard timeout.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::expect::{Expectations, Progress};

/// The kernel command line of openEuler's QEMU recipe.
pub const OPENEULER_CMDLINE: &str = "console=ttyAMA0 mem=1G";

/// What Debian's kernel needs on top: keep KVM off EL2, and make a panic
/// end the run instead of hanging it.
pub const DEBIAN_EXTRA_CMDLINE: &str = "kvm-arm.mode=none panic=-1";

/// The emulated machine of a run.
#[derive(Debug, Clone)]
pub struct Machine {
    /// QEMU binary.
    pub qemu: String,
    /// Kernel image.
    pub kernel: PathBuf,
    /// Initramfs.
    pub initrd: PathBuf,
    /// GIC version: 3 (QEMU default for our tests) or 2 (Raspberry Pi 4's).
    pub gic_version: u8,
    /// Deterministic time: `-icount shift=N,sleep=off`.
    pub icount_shift: Option<u8>,
    /// Extra kernel command-line words.
    pub extra_cmdline: Vec<String>,
}

impl Machine {
    /// QEMU's arguments for this machine: openEuler's documented line, with
    /// the serial port on stdio and no network, display or reboot.
    pub fn args(&self) -> Vec<String> {
        let machine = format!(
            "virt,gic-version={},virtualization=on,its=off",
            self.gic_version
        );
        let mut cmdline = format!("{OPENEULER_CMDLINE} {DEBIAN_EXTRA_CMDLINE}");
        for word in &self.extra_cmdline {
            cmdline.push(' ');
            cmdline.push_str(word);
        }
        let mut args: Vec<String> = [
            "-machine",
            &machine,
            "-cpu",
            "cortex-a57",
            "-smp",
            "4",
            "-m",
            "2G",
            "-nographic",
            "-monitor",
            "none",
            "-serial",
            "stdio",
            "-nic",
            "none",
            "-no-reboot",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Some(shift) = self.icount_shift {
            args.push("-icount".into());
            args.push(format!("shift={shift},sleep=off"));
        }
        args.push("-kernel".into());
        args.push(self.kernel.display().to_string());
        args.push("-initrd".into());
        args.push(self.initrd.display().to_string());
        args.push("-append".into());
        args.push(cmdline);
        args
    }
}

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every expected line was seen.
    Passed,
    /// The run failed; the string says why.
    Failed(String),
}

/// Boot `machine`, judge its serial output against `expect` within
/// `timeout`, and write the whole log to `log`.
pub fn run(
    machine: &Machine,
    mut expect: Expectations,
    timeout: Duration,
    log: &PathBuf,
    echo: bool,
) -> std::io::Result<(Verdict, Expectations, Vec<String>)> {
    let mut log_file = File::create(log)?;
    let mut child = Command::new(&machine.qemu)
        .args(machine.args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (tx, rx) = mpsc::channel::<String>();
    spawn_reader(child.stdout.take(), tx.clone());
    spawn_reader(child.stderr.take(), tx);

    let deadline = Instant::now() + timeout;
    let mut tail: Vec<String> = Vec::new();
    let verdict = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break Verdict::Failed(format!("timeout after {} s", timeout.as_secs()));
        }
        let line = match rx.recv_timeout(left) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                break Verdict::Failed("QEMU exited before all expected lines appeared".into())
            }
        };
        writeln!(log_file, "{line}")?;
        if echo {
            println!("{line}");
        }
        tail.push(line.clone());
        if tail.len() > 60 {
            tail.remove(0);
        }
        match expect.feed(&line) {
            Progress::Done => break Verdict::Passed,
            Progress::Fatal(why) => break Verdict::Failed(why),
            Progress::Matched(_) | Progress::Ignored => {}
        }
    };
    // Let the guest finish its scenario (it powers off by itself), but
    // never wait beyond the deadline.
    finish(&mut child, &rx, &mut log_file, deadline, echo)?;
    Ok((verdict, expect, tail))
}

fn spawn_reader<R: std::io::Read + Send + 'static>(pipe: Option<R>, tx: mpsc::Sender<String>) {
    if let Some(pipe) = pipe {
        thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut buf = Vec::new();
            while reader.read_until(b'\n', &mut buf).unwrap_or(0) > 0 {
                let text = String::from_utf8_lossy(&buf);
                let line = text.trim_end_matches('\n').to_string();
                if tx.send(line).is_err() {
                    break;
                }
                buf.clear();
            }
        });
    }
}

fn finish(
    child: &mut Child,
    rx: &mpsc::Receiver<String>,
    log_file: &mut File,
    deadline: Instant,
    echo: bool,
) -> std::io::Result<()> {
    let grace = Instant::now() + Duration::from_secs(20);
    let until = grace.min(deadline);
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            child.kill()?;
            child.wait()?;
            break;
        }
        if let Ok(line) = rx.recv_timeout(left.min(Duration::from_millis(200))) {
            writeln!(log_file, "{line}")?;
            if echo {
                println!("{line}");
            }
        }
    }
    // Drain what the readers still hold.
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
        writeln!(log_file, "{line}")?;
        if echo {
            println!("{line}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine {
        Machine {
            qemu: "qemu-system-aarch64".into(),
            kernel: "vmlinuz".into(),
            initrd: "initrd.gz".into(),
            gic_version: 3,
            icount_shift: None,
            extra_cmdline: vec![],
        }
    }

    fn value_after<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
        let i = args.iter().position(|a| a == flag)?;
        args.get(i + 1).map(String::as_str)
    }

    #[test]
    fn openeuler_machine_line() {
        let args = machine().args();
        assert_eq!(
            value_after(&args, "-machine"),
            Some("virt,gic-version=3,virtualization=on,its=off")
        );
        assert_eq!(value_after(&args, "-cpu"), Some("cortex-a57"));
        assert_eq!(value_after(&args, "-smp"), Some("4"));
        assert_eq!(value_after(&args, "-m"), Some("2G"));
        assert_eq!(
            value_after(&args, "-append"),
            Some("console=ttyAMA0 mem=1G kvm-arm.mode=none panic=-1")
        );
        assert!(!args.iter().any(|a| a == "-icount"));
    }

    #[test]
    fn gicv2_icount_and_extra_cmdline() {
        let mut m = machine();
        m.gic_version = 2;
        m.icount_shift = Some(4);
        m.extra_cmdline = vec!["loglevel=8".into()];
        let args = m.args();
        assert_eq!(
            value_after(&args, "-machine"),
            Some("virt,gic-version=2,virtualization=on,its=off")
        );
        assert_eq!(value_after(&args, "-icount"), Some("shift=4,sleep=off"));
        assert!(value_after(&args, "-append").is_some_and(|c| c.ends_with(" loglevel=8")));
    }

    #[test]
    fn run_judges_a_fake_qemu() {
        // A shell script standing in for QEMU exercises the I/O path.
        let dir = std::env::temp_dir().join(format!("jh-harness-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let fake = dir.join("fake-qemu");
        std::fs::write(
            &fake,
            "#!/bin/sh\necho '[    0.1] boot'\necho 'step one'\necho noise\necho 'step two'\n",
        )
        .expect("write fake qemu");
        let mut perms = std::fs::metadata(&fake).expect("stat").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&fake, perms).expect("chmod");
        let mut m = machine();
        m.qemu = fake.display().to_string();
        let log = dir.join("serial.log");

        let pass = Expectations::parse("boot\nstep one\nstep two\n");
        let (verdict, _, _) = run(&m, pass, Duration::from_secs(10), &log, false).expect("run");
        assert_eq!(verdict, Verdict::Passed);
        let logged = std::fs::read_to_string(&log).expect("log");
        assert!(logged.contains("noise"));

        let fail = Expectations::parse("step two\nstep one\n");
        let (verdict, e, _) = run(&m, fail, Duration::from_secs(10), &log, false).expect("run");
        assert!(matches!(verdict, Verdict::Failed(_)));
        assert_eq!(e.pending(), Some("step one"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
