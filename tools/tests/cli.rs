// SPDX-License-Identifier: GPL-2.0-only

//! The `jailhouse` binary as scripts see it: output, exit statuses and
//! error messages, with the device and sysfs paths pointed at fakes via
//! the hidden `--device-path=` / `--sysfs-root=` options.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn jailhouse() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jailhouse"))
}

/// Invocation with the device and sysfs pointed at `device` and `sysfs`.
fn jailhouse_at(device: &Path, sysfs: &Path) -> Command {
    let mut command = jailhouse();
    command
        .arg(format!("--device-path={}", device.display()))
        .arg(format!("--sysfs-root={}", sysfs.display()));
    command
}

fn stdout_of(command: &mut Command) -> String {
    String::from_utf8(command.assert().get_output().stdout.clone()).unwrap()
}

const USAGE: &str = "\
Usage: jailhouse { COMMAND | --help | --version }

Available commands:
   enable SYSCONFIG
   disable
   console [-f | --follow]
   cell create CELLCONFIG
   cell list
   cell load { ID | [--name] NAME } { IMAGE | { -s | --string } \"STRING\" }
             [-a | --address ADDRESS] ...
   cell start { ID | [--name] NAME }
   cell shutdown { ID | [--name] NAME }
   cell destroy { ID | [--name] NAME }
   cell stats { ID | [--name] NAME }
   config check [-h] SYSCONFIG [CELLCONFIG [CELLCONFIG ...]]
";

#[test]
fn version() {
    jailhouse()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!(
            "Jailhouse management tool v{} (jailhouse-rs)\n",
            env!("CARGO_PKG_VERSION")
        ))
        .stderr("");
}

#[test]
fn help_prints_usage_and_succeeds() {
    jailhouse()
        .arg("--help")
        .assert()
        .success()
        .stdout(USAGE)
        .stderr("");
}

#[test]
fn bad_arguments_print_usage_and_fail() {
    let cases: &[&[&str]] = &[
        &[],
        &["bogus"],
        &["-h"],
        &["enable"],
        &["enable", "a", "b"],
        &["console", "--bogus"],
        &["cell"],
        &["cell", "bogus"],
        &["cell", "list", "extra"],
        &["cell", "create"],
        &["cell", "load", "1"],
        &["cell", "load", "1", "a.bin", "-a"],
        &["cell", "load", "1", "a.bin", "-a", "nonsense"],
        &["cell", "start"],
        &["cell", "start", "1", "2"],
        &["cell", "shutdown", "1", "image.bin"],
        &["cell", "destroy", "--name"],
        &["config"],
        &["hardware"],
    ];
    for args in cases {
        jailhouse()
            .args(*args)
            .assert()
            .code(1)
            .stdout(USAGE)
            .stderr("");
    }
}

#[test]
fn cell_stats_usage() {
    let usage = "usage: jailhouse cell stats { ID | [--name] NAME }\n";
    jailhouse()
        .args(["cell", "stats"])
        .assert()
        .code(1)
        .stdout(usage);
    jailhouse()
        .args(["cell", "stats", "--help"])
        .assert()
        .success()
        .stdout(usage);
}

#[test]
fn python_helpers_are_not_supported() {
    for args in [
        &["cell", "linux", "linux.cell", "Image"][..],
        &["config", "create", "sys.c"],
        &["config", "collect", "x.tar"],
        &["hardware", "check"],
    ] {
        let what = format!("{} {}", args[0], args[1]);
        jailhouse()
            .args(args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!(
                "jailhouse: \"{what}\" is not supported by jailhouse-rs (it is one of \
                 upstream's Python helpers)\n"
            ));
    }
}

#[test]
fn config_check_reports_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.cell");
    jailhouse()
        .args(["config", "check"])
        .arg(&missing)
        .assert()
        .code(1)
        .stdout(format!(
            "Reading configuration set:\n{}: No such file or directory\n",
            missing.display()
        ));
}

#[test]
fn config_check_without_files_is_a_usage_error() {
    jailhouse()
        .args(["config", "check"])
        .assert()
        .code(1)
        .stdout("usage: jailhouse config check [-h] SYSCONFIG [CELLCONFIG [CELLCONFIG ...]]\n");
    jailhouse()
        .args(["config", "check", "-h"])
        .assert()
        .success();
}

#[test]
fn enable_reports_a_missing_device() {
    let dir = tempfile::tempdir().unwrap();
    let sysconfig = dir.path().join("sys.cell");
    fs::write(&sysconfig, b"JHSYST").unwrap();
    let device = dir.path().join("jailhouse");
    jailhouse_at(&device, dir.path())
        .arg("enable")
        .arg(&sysconfig)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "opening {}: No such file or directory\n\
             hint: is the jailhouse module loaded? (modprobe jailhouse)\n",
            device.display()
        ));
}

#[test]
fn unreadable_inputs_are_reported_before_the_device_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.cell");
    for command in ["enable", "cell create"] {
        jailhouse_at(&dir.path().join("jailhouse"), dir.path())
            .args(command.split(' '))
            .arg(&missing)
            .assert()
            .code(1)
            .stderr(format!(
                "opening {}: No such file or directory\n",
                missing.display()
            ));
    }
    jailhouse_at(&dir.path().join("jailhouse"), dir.path())
        .args(["cell", "load", "demo"])
        .arg(&missing)
        .args(["-a", "0x1000"])
        .assert()
        .code(1)
        .stderr(format!(
            "opening {}: No such file or directory\n",
            missing.display()
        ));
}

#[test]
fn default_device_is_dev_jailhouse() {
    if Path::new("/dev/jailhouse").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    jailhouse()
        .arg("disable")
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(
            "opening /dev/jailhouse: No such file or directory\n\
             hint: is the jailhouse module loaded? (modprobe jailhouse)\n",
        );
}

#[test]
fn broken_elf_images_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let elf = dir.path().join("zephyr.elf");
    let mut header = vec![0u8; 64];
    header[..4].copy_from_slice(b"\x7fELF");
    header[4] = 1; // ELFCLASS32
    fs::write(&elf, &header).unwrap();
    jailhouse_at(Path::new("/dev/null"), dir.path())
        .args(["cell", "load", "demo"])
        .arg(&elf)
        .assert()
        .code(1)
        .stderr(format!(
            "{}: not a loadable ELF image: not an ELF64 file (EI_CLASS is 1, ELF64 is 2); \
             only ELF64 images can be loaded\n",
            elf.display()
        ));
}

#[test]
fn ioctl_failures_are_reported_like_perror() {
    // /dev/null opens fine but rejects every jailhouse ioctl.
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("a.bin");
    fs::write(&image, b"\x00\x01").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["disable"], "JAILHOUSE_DISABLE: "),
        (&["cell", "start", "1"], "JAILHOUSE_CELL_START: "),
        (&["cell", "destroy", "demo"], "JAILHOUSE_CELL_DESTROY: "),
        (
            &["cell", "shutdown", "--name", "demo"],
            "JAILHOUSE_CELL_LOAD: ",
        ),
    ];
    for (args, prefix) in cases {
        let output = jailhouse_at(Path::new("/dev/null"), dir.path())
            .args(*args)
            .assert()
            .code(1)
            .get_output()
            .clone();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with(prefix), "{args:?}: {stderr}");
    }
    let output = jailhouse_at(Path::new("/dev/null"), dir.path())
        .args(["cell", "load", "1"])
        .arg(&image)
        .args(["-a", "0x1000", "-s", "key=value"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("JAILHOUSE_CELL_LOAD: "), "{stderr}");
}

#[test]
fn console_dumps_whatever_the_device_returns() {
    let dir = tempfile::tempdir().unwrap();
    jailhouse_at(Path::new("/dev/null"), dir.path())
        .arg("console")
        .assert()
        .success()
        .stdout("");
}

#[test]
fn cell_list_reads_sysfs() {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("jailhouse");
    let sysfs = dir.path().join("sysfs");

    // No driver: no output, success.
    let output = stdout_of(jailhouse_at(&device, &sysfs).args(["cell", "list"]));
    assert_eq!(output, "");

    for (id, name, state, cpus) in [
        (0, "qemu-arm64", "running", "0,2-3"),
        (1, "inmate-demo", "running", "1"),
    ] {
        let cell = sysfs.join("cells").join(id.to_string());
        fs::create_dir_all(&cell).unwrap();
        fs::write(cell.join("name"), format!("{name}\n")).unwrap();
        fs::write(cell.join("state"), format!("{state}\n")).unwrap();
        fs::write(cell.join("cpus_assigned_list"), format!("{cpus}\n")).unwrap();
        fs::write(cell.join("cpus_failed_list"), "\n").unwrap();
    }
    jailhouse_at(&device, &sysfs)
        .args(["cell", "list"])
        .assert()
        .success()
        .stdout(concat!(
            "ID      Name                    State             Assigned CPUs           Failed CPUs             \n",
            "0       qemu-arm64              running           0,2-3                                           \n",
            "1       inmate-demo             running           1                                               \n",
        ));

    let stats = sysfs.join("cells/1/statistics");
    fs::create_dir_all(stats.join("cpu1")).unwrap();
    fs::write(stats.join("vmexits_total"), "42\n").unwrap();
    fs::write(stats.join("cpu1/vmexits_total"), "42\n").unwrap();
    jailhouse_at(&device, &sysfs)
        .args(["cell", "stats", "inmate-demo"])
        .assert()
        .success()
        .stdout(
            "Statistics for inmate-demo cell\n\n\
             COUNTER                              SUM      CPU1\n\
             vmexits_total                         42        42\n",
        );
    jailhouse_at(&device, &sysfs)
        .args(["cell", "stats", "7"])
        .assert()
        .code(1)
        .stderr(
            "reading stats: no cell 7\n\
             hint: see `jailhouse cell list` (is the jailhouse module loaded?)\n",
        );
}
