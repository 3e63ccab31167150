// SPDX-License-Identifier: GPL-2.0-only

//! The `jailhouse` command-line tool: argument parsing and dispatch.
//!
//! The tool is a drop-in for upstream Jailhouse's `jailhouse` (as shipped
//! by openEuler Embedded, whose MICA drives cells through it), so this
//! module reproduces upstream's command syntax word for word, including
//! its quirks: positional parsing where `-a ADDRESS` belongs to the image
//! before it, cell names that may begin with `-`, usage text on standard
//! output and exit status 1 for every error. A general-purpose parser
//! (clap) cannot express those without fighting it, so parsing is done by
//! hand here; everything a command *does* lives in `commands`.
//!
//! Two hidden options exist for tests and are accepted only before the
//! command word: `--device-path=PATH` (default `/dev/jailhouse`) and
//! `--sysfs-root=PATH` (default `/sys/devices/jailhouse`).

mod cell_id;
mod cell_list;
mod cell_stats;
mod commands;
mod config_check;
mod device;
mod image;
mod report;
mod sysfs;

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cell_id::CellSelector;
use crate::commands::{ImageArg, ImageSource, Paths};

/// The version `--version` reports.
const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"), " (jailhouse-rs)");

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Command {
    /// `--help`.
    Help,
    /// `--version`.
    Version,
    /// `enable SYSCONFIG`.
    Enable(OsString),
    /// `disable`.
    Disable,
    /// `console [-f | --follow]`.
    Console {
        /// `-f`: keep reading.
        follow: bool,
    },
    /// `cell create CELLCONFIG`.
    CellCreate(OsString),
    /// `cell list`.
    CellList,
    /// `cell load CELL IMAGE...`.
    CellLoad {
        /// The cell.
        cell: CellSelector,
        /// Its images, in command-line order.
        images: Vec<ImageArg>,
    },
    /// `cell start CELL`.
    CellStart(CellSelector),
    /// `cell shutdown CELL`.
    CellShutdown(CellSelector),
    /// `cell destroy CELL`.
    CellDestroy(CellSelector),
    /// `cell stats CELL`.
    CellStats(CellSelector),
    /// `cell stats --help`.
    CellStatsHelp,
    /// `config check SYSCONFIG [CELLCONFIG...]`.
    ConfigCheck {
        /// The system config.
        sysconfig: OsString,
        /// The cell configs.
        cells: Vec<OsString>,
    },
    /// `config check --help`.
    ConfigCheckHelp,
    /// An upstream helper we do not provide, e.g. `cell linux`.
    NotSupported(&'static str),
}

/// A command line that does not parse; says which usage text to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UsageError {
    /// The tool's usage.
    Main,
    /// `cell stats` usage.
    CellStats,
    /// `config check` usage.
    ConfigCheck,
}

/// A command plus the hidden path overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Invocation {
    /// `--device-path=`.
    device: Option<PathBuf>,
    /// `--sysfs-root=`.
    sysfs: Option<PathBuf>,
    /// What to do.
    command: Command,
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let prog = program_name(args.first().map(OsString::as_os_str));
    let invocation = match parse_args(args.get(1..).unwrap_or_default()) {
        Ok(invocation) => invocation,
        Err(usage) => {
            print_usage(usage, &prog);
            return ExitCode::FAILURE;
        }
    };
    let paths = Paths {
        device: invocation
            .device
            .unwrap_or_else(|| PathBuf::from(device::DEFAULT_PATH)),
        sysfs: invocation
            .sysfs
            .unwrap_or_else(|| PathBuf::from(sysfs::DEFAULT_ROOT)),
    };
    let result = match invocation.command {
        Command::Help => {
            print_usage(UsageError::Main, &prog);
            return ExitCode::SUCCESS;
        }
        Command::CellStatsHelp => {
            print_usage(UsageError::CellStats, &prog);
            return ExitCode::SUCCESS;
        }
        Command::ConfigCheckHelp => {
            print_config_check_help(&prog);
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("Jailhouse management tool {VERSION}");
            return ExitCode::SUCCESS;
        }
        Command::NotSupported(what) => {
            eprintln!(
                "{prog}: \"{what}\" is not supported by jailhouse-rs (it is one of upstream's \
                 Python helpers)"
            );
            return ExitCode::FAILURE;
        }
        Command::Enable(sysconfig) => commands::enable(&paths, &sysconfig).map(|()| true),
        Command::Disable => commands::disable(&paths).map(|()| true),
        Command::Console { follow } => commands::console(&paths, follow).map(|()| true),
        Command::CellCreate(config) => commands::cell_create(&paths, &config).map(|()| true),
        Command::CellList => commands::cell_list(&paths).map(|()| true),
        Command::CellLoad { cell, images } => {
            commands::cell_load(&paths, &cell, &images).map(|()| true)
        }
        Command::CellStart(cell) => commands::cell_start(&paths, &cell).map(|()| true),
        Command::CellShutdown(cell) => commands::cell_shutdown(&paths, &cell).map(|()| true),
        Command::CellDestroy(cell) => commands::cell_destroy(&paths, &cell).map(|()| true),
        Command::CellStats(cell) => commands::cell_stats(&paths, &cell).map(|()| true),
        Command::ConfigCheck { sysconfig, cells } => commands::config_check(&sysconfig, &cells),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::FAILURE
        }
    }
}

/// `basename(argv[0])`, which upstream puts into its usage text.
fn program_name(argv0: Option<&OsStr>) -> String {
    argv0
        .and_then(|arg| Path::new(arg).file_name())
        .map_or_else(
            || "jailhouse".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        )
}

/// The tool's usage text: upstream's, with our extension lines (the
/// commands we implement beyond upstream's C tool) in its
/// `"   %s %s %s"` format.
fn usage_text(prog: &str) -> String {
    let mut text = format!(
        "Usage: {prog} {{ COMMAND | --help | --version }}\n\
         \n\
         Available commands:\n   \
         enable SYSCONFIG\n   \
         disable\n   \
         console [-f | --follow]\n   \
         cell create CELLCONFIG\n   \
         cell list\n   \
         cell load {{ ID | [--name] NAME }} {{ IMAGE | {{ -s | --string }} \"STRING\" }}\n             \
         [-a | --address ADDRESS] ...\n   \
         cell start {{ ID | [--name] NAME }}\n   \
         cell shutdown {{ ID | [--name] NAME }}\n   \
         cell destroy {{ ID | [--name] NAME }}\n"
    );
    let extensions = [
        ("cell", "stats", "{ ID | [--name] NAME }"),
        (
            "config",
            "check",
            "[-h] SYSCONFIG [CELLCONFIG [CELLCONFIG ...]]",
        ),
    ];
    for (command, subcommand, help) in extensions {
        text.push_str(&format!("   {command} {subcommand} {help}\n"));
    }
    text
}

/// `cell stats` usage, as upstream's helper prints it.
fn cell_stats_usage(prog: &str) -> String {
    format!("usage: {prog} cell stats {{ ID | [--name] NAME }}\n")
}

/// `config check` usage.
fn config_check_usage(prog: &str) -> String {
    format!("usage: {prog} config check [-h] SYSCONFIG [CELLCONFIG [CELLCONFIG ...]]\n")
}

/// Prints a usage text to stdout, where upstream prints it.
fn print_usage(usage: UsageError, prog: &str) {
    let text = match usage {
        UsageError::Main => usage_text(prog),
        UsageError::CellStats => cell_stats_usage(prog),
        UsageError::ConfigCheck => config_check_usage(prog),
    };
    print_stdout(&text);
}

/// `config check --help`.
fn print_config_check_help(prog: &str) {
    let text = format!(
        "{}\n\
         Check a Jailhouse configuration set: a system configuration and the cell\n\
         configurations meant to run on it. Exits with status 1 if anything is wrong.\n\
         \n\
         positional arguments:\n  \
         SYSCONFIG   system configuration file (.cell)\n  \
         CELLCONFIG  cell configuration file (.cell)\n\
         \n\
         options:\n  \
         -h, --help  show this help message and exit\n",
        config_check_usage(prog)
    );
    print_stdout(&text);
}

/// Writes to stdout, ignoring a closed pipe.
fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Whether `arg` is `short` or `long`.
fn is_opt(arg: &OsStr, short: &str, long: &str) -> bool {
    arg == short || arg == long
}

/// Parses the arguments after `argv[0]`.
fn parse_args(mut args: &[OsString]) -> Result<Invocation, UsageError> {
    let mut device = None;
    let mut sysfs = None;
    while let Some(first) = args.first() {
        let bytes = first.as_bytes();
        if let Some(path) = bytes.strip_prefix(b"--device-path=") {
            device = Some(PathBuf::from(OsStr::from_bytes(path)));
        } else if let Some(path) = bytes.strip_prefix(b"--sysfs-root=") {
            sysfs = Some(PathBuf::from(OsStr::from_bytes(path)));
        } else {
            break;
        }
        args = &args[1..];
    }
    Ok(Invocation {
        device,
        sysfs,
        command: parse_command(args)?,
    })
}

/// Parses `COMMAND ...` the way upstream's `main()` does.
fn parse_command(args: &[OsString]) -> Result<Command, UsageError> {
    let Some(command) = args.first() else {
        return Err(UsageError::Main);
    };
    let rest = &args[1..];
    match command.as_bytes() {
        b"enable" => match rest {
            [sysconfig] => Ok(Command::Enable(sysconfig.clone())),
            _ => Err(UsageError::Main),
        },
        // Upstream ignores anything after `disable`, `--version` and
        // `--help`; so do we.
        b"disable" => Ok(Command::Disable),
        b"--version" => Ok(Command::Version),
        b"--help" => Ok(Command::Help),
        b"console" => match rest {
            [] => Ok(Command::Console { follow: false }),
            [flag] if is_opt(flag, "-f", "--follow") => Ok(Command::Console { follow: true }),
            _ => Err(UsageError::Main),
        },
        b"cell" => parse_cell_command(rest),
        b"config" => match rest.first().map(|sub| sub.as_bytes()) {
            Some(b"check") => parse_config_check(&rest[1..]),
            Some(b"create") => Ok(Command::NotSupported("config create")),
            Some(b"collect") => Ok(Command::NotSupported("config collect")),
            _ => Err(UsageError::Main),
        },
        b"hardware" => match rest.first().map(|sub| sub.as_bytes()) {
            Some(b"check") => Ok(Command::NotSupported("hardware check")),
            _ => Err(UsageError::Main),
        },
        _ => Err(UsageError::Main),
    }
}

/// Parses `cell SUBCOMMAND ...`.
fn parse_cell_command(args: &[OsString]) -> Result<Command, UsageError> {
    let Some(subcommand) = args.first() else {
        return Err(UsageError::Main);
    };
    let rest = &args[1..];
    match subcommand.as_bytes() {
        b"create" => match rest {
            [config] => Ok(Command::CellCreate(config.clone())),
            _ => Err(UsageError::Main),
        },
        b"list" => match rest {
            [] => Ok(Command::CellList),
            _ => Err(UsageError::Main),
        },
        b"load" => parse_cell_load(rest),
        b"start" => parse_lone_cell(rest).map(Command::CellStart),
        b"shutdown" => parse_lone_cell(rest).map(Command::CellShutdown),
        b"destroy" => parse_lone_cell(rest).map(Command::CellDestroy),
        b"stats" => parse_cell_stats(rest),
        b"linux" => Ok(Command::NotSupported("cell linux")),
        _ => Err(UsageError::Main),
    }
}

/// `{ ID | [--name] NAME }` and nothing after it.
fn parse_lone_cell(args: &[OsString]) -> Result<CellSelector, UsageError> {
    match cell_id::parse(args) {
        Some((cell, used)) if used == args.len() => Ok(cell),
        _ => Err(UsageError::Main),
    }
}

/// `cell load { ID | [--name] NAME } { IMAGE | { -s | --string } "STRING" }
/// [-a | --address ADDRESS] ...`, walked like upstream: each image is a
/// file name or `-s` plus a string, and an `-a` right after an image
/// applies to that image only. A word in image position is a file name
/// even if it looks like an option (upstream loads a file called `-a`).
fn parse_cell_load(args: &[OsString]) -> Result<Command, UsageError> {
    let (cell, used) = cell_id::parse(args).ok_or(UsageError::Main)?;
    let mut rest = &args[used..];
    if rest.is_empty() {
        return Err(UsageError::Main);
    }
    let mut images = Vec::new();
    while let Some(word) = rest.first() {
        let source = if is_opt(word, "-s", "--string") {
            let text = rest.get(1).ok_or(UsageError::Main)?;
            rest = &rest[2..];
            ImageSource::String(text.clone())
        } else {
            rest = &rest[1..];
            ImageSource::File(word.clone())
        };
        let mut address = None;
        if let Some(flag) = rest.first() {
            if is_opt(flag, "-a", "--address") {
                let value = rest.get(1).ok_or(UsageError::Main)?;
                let parsed = cell_id::parse_c_integer(value.as_bytes()).ok_or(UsageError::Main)?;
                // Upstream stores strtoll's result in a __u64: negative
                // values wrap, as they do here.
                address = Some(parsed as u64);
                rest = &rest[2..];
            }
        }
        images.push(ImageArg { source, address });
    }
    Ok(Command::CellLoad { cell, images })
}

/// `cell stats`, with the rules of upstream's `jailhouse-cell-stats`:
/// exactly one word, or `--name` and a word; `-h`/`--help` asks for usage.
fn parse_cell_stats(args: &[OsString]) -> Result<Command, UsageError> {
    match args {
        [flag] if is_opt(flag, "-h", "--help") => Ok(Command::CellStatsHelp),
        [_] | [_, _] => match cell_id::parse(args) {
            Some((cell, used)) if used == args.len() => Ok(Command::CellStats(cell)),
            _ => Err(UsageError::CellStats),
        },
        _ => Err(UsageError::CellStats),
    }
}

/// `config check [-h] SYSCONFIG [CELLCONFIG ...]`; `--` ends options.
fn parse_config_check(args: &[OsString]) -> Result<Command, UsageError> {
    let mut files = Vec::new();
    let mut options_done = false;
    for arg in args {
        let bytes = arg.as_bytes();
        if !options_done && bytes == b"--" {
            options_done = true;
        } else if !options_done && is_opt(arg, "-h", "--help") {
            return Ok(Command::ConfigCheckHelp);
        } else if !options_done && bytes.len() > 1 && bytes.starts_with(b"-") {
            return Err(UsageError::ConfigCheck);
        } else {
            files.push(arg.clone());
        }
    }
    let mut files = files.into_iter();
    let sysconfig = files.next().ok_or(UsageError::ConfigCheck)?;
    Ok(Command::ConfigCheck {
        sysconfig,
        cells: files.collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<Command, UsageError> {
        let args: Vec<OsString> = words.iter().map(OsString::from).collect();
        parse_args(&args).map(|invocation| invocation.command)
    }

    fn id(value: i32) -> CellSelector {
        CellSelector::Id(value)
    }

    fn name(text: &str) -> CellSelector {
        CellSelector::Name(text.as_bytes().to_vec())
    }

    fn file(path: &str, address: Option<u64>) -> ImageArg {
        ImageArg {
            source: ImageSource::File(path.into()),
            address,
        }
    }

    fn string(text: &str, address: Option<u64>) -> ImageArg {
        ImageArg {
            source: ImageSource::String(text.into()),
            address,
        }
    }

    fn load(words: &[&str]) -> (CellSelector, Vec<ImageArg>) {
        let mut all = vec!["cell", "load"];
        all.extend_from_slice(words);
        match parse(&all) {
            Ok(Command::CellLoad { cell, images }) => (cell, images),
            other => panic!("{words:?} parsed as {other:?}"),
        }
    }

    fn load_fails(words: &[&str]) {
        let mut all = vec!["cell", "load"];
        all.extend_from_slice(words);
        assert_eq!(parse(&all), Err(UsageError::Main), "{words:?}");
    }

    #[test]
    fn top_level_commands() {
        assert_eq!(parse(&[]), Err(UsageError::Main));
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert_eq!(parse(&["--version"]), Ok(Command::Version));
        assert_eq!(parse(&["--version", "x"]), Ok(Command::Version));
        assert_eq!(parse(&["-h"]), Err(UsageError::Main));
        assert_eq!(parse(&["bogus"]), Err(UsageError::Main));
        assert_eq!(
            parse(&["enable", "sys.cell"]),
            Ok(Command::Enable("sys.cell".into()))
        );
        assert_eq!(parse(&["enable"]), Err(UsageError::Main));
        assert_eq!(parse(&["enable", "a", "b"]), Err(UsageError::Main));
        assert_eq!(parse(&["disable"]), Ok(Command::Disable));
        assert_eq!(parse(&["disable", "now"]), Ok(Command::Disable));
    }

    #[test]
    fn console_options() {
        assert_eq!(parse(&["console"]), Ok(Command::Console { follow: false }));
        assert_eq!(
            parse(&["console", "-f"]),
            Ok(Command::Console { follow: true })
        );
        assert_eq!(
            parse(&["console", "--follow"]),
            Ok(Command::Console { follow: true })
        );
        assert_eq!(parse(&["console", "-x"]), Err(UsageError::Main));
        assert_eq!(parse(&["console", "-f", "-f"]), Err(UsageError::Main));
    }

    #[test]
    fn simple_cell_commands() {
        assert_eq!(parse(&["cell"]), Err(UsageError::Main));
        assert_eq!(parse(&["cell", "bogus"]), Err(UsageError::Main));
        assert_eq!(
            parse(&["cell", "create", "a.cell"]),
            Ok(Command::CellCreate("a.cell".into()))
        );
        assert_eq!(parse(&["cell", "create"]), Err(UsageError::Main));
        assert_eq!(parse(&["cell", "list"]), Ok(Command::CellList));
        assert_eq!(parse(&["cell", "list", "-a"]), Err(UsageError::Main));
        assert_eq!(
            parse(&["cell", "start", "1"]),
            Ok(Command::CellStart(id(1)))
        );
        assert_eq!(
            parse(&["cell", "shutdown", "inmate-demo"]),
            Ok(Command::CellShutdown(name("inmate-demo")))
        );
        assert_eq!(
            parse(&["cell", "destroy", "--name", "2"]),
            Ok(Command::CellDestroy(name("2")))
        );
        assert_eq!(parse(&["cell", "start"]), Err(UsageError::Main));
        assert_eq!(parse(&["cell", "start", "--name"]), Err(UsageError::Main));
        assert_eq!(parse(&["cell", "start", "1", "2"]), Err(UsageError::Main));
        assert_eq!(
            parse(&["cell", "shutdown", "1", "x.bin"]),
            Err(UsageError::Main)
        );
        // A name may look like an option.
        assert_eq!(
            parse(&["cell", "start", "-x"]),
            Ok(Command::CellStart(name("-x")))
        );
    }

    #[test]
    fn load_one_image() {
        assert_eq!(
            load(&["1", "uart-demo.bin"]),
            (id(1), vec![file("uart-demo.bin", None)])
        );
        assert_eq!(
            load(&["inmate-demo", "FreeRTOS.bin", "-a", "0x0"]),
            (name("inmate-demo"), vec![file("FreeRTOS.bin", Some(0))])
        );
        assert_eq!(
            load(&["--name", "demo", "zephyr.elf", "--address", "010"]),
            (name("demo"), vec![file("zephyr.elf", Some(8))])
        );
    }

    #[test]
    fn load_address_applies_to_the_preceding_image() {
        assert_eq!(
            load(&["1", "a.bin", "-a", "0x1000", "b.bin"]).1,
            vec![file("a.bin", Some(0x1000)), file("b.bin", None)]
        );
        assert_eq!(
            load(&["1", "a.bin", "b.bin", "-a", "0x1000"]).1,
            vec![file("a.bin", None), file("b.bin", Some(0x1000))]
        );
    }

    #[test]
    fn load_strings() {
        assert_eq!(
            load(&[
                "inmate-demo",
                "gic-demo.bin",
                "-s",
                "led-reg=0x1 led-pin=17",
                "-a",
                "0x1000"
            ])
            .1,
            vec![
                file("gic-demo.bin", None),
                string("led-reg=0x1 led-pin=17", Some(0x1000))
            ]
        );
        assert_eq!(
            load(&["1", "--string", "", "-s", "-a"]).1,
            vec![string("", None), string("-a", None)]
        );
    }

    #[test]
    fn load_quirks_match_upstream() {
        // In image position, "-a" is a file name.
        assert_eq!(
            load(&["1", "-a", "0x10"]).1,
            vec![file("-a", None), file("0x10", None)]
        );
        // Negative addresses wrap like strtoll into a __u64.
        assert_eq!(
            load(&["1", "a.bin", "-a", "-1"]).1,
            vec![file("a.bin", Some(u64::MAX))]
        );
        // A second -a is an image called "-a".
        assert_eq!(
            load(&["1", "a.bin", "-a", "1", "-a", "2"]).1,
            vec![file("a.bin", Some(1)), file("-a", None), file("2", None)]
        );
        // An empty address is 0 for strtoll.
        assert_eq!(
            load(&["1", "a.bin", "-a", ""]).1,
            vec![file("a.bin", Some(0))]
        );
    }

    #[test]
    fn load_usage_errors() {
        load_fails(&[]);
        load_fails(&["1"]);
        load_fails(&["--name"]);
        load_fails(&["--name", "demo"]);
        load_fails(&["1", "a.bin", "-a"]);
        load_fails(&["1", "a.bin", "-a", "zz"]);
        load_fails(&["1", "a.bin", "-a", "0x"]);
        load_fails(&["1", "a.bin", "-a", "0xffffffffffffffff"]);
        load_fails(&["1", "-s"]);
        load_fails(&["1", "a.bin", "--string"]);
    }

    #[test]
    fn cell_stats_arguments() {
        assert_eq!(
            parse(&["cell", "stats", "1"]),
            Ok(Command::CellStats(id(1)))
        );
        assert_eq!(
            parse(&["cell", "stats", "--name", "demo"]),
            Ok(Command::CellStats(name("demo")))
        );
        assert_eq!(parse(&["cell", "stats", "-h"]), Ok(Command::CellStatsHelp));
        assert_eq!(
            parse(&["cell", "stats", "--help"]),
            Ok(Command::CellStatsHelp)
        );
        assert_eq!(parse(&["cell", "stats"]), Err(UsageError::CellStats));
        assert_eq!(
            parse(&["cell", "stats", "--name"]),
            Err(UsageError::CellStats)
        );
        assert_eq!(
            parse(&["cell", "stats", "1", "2"]),
            Err(UsageError::CellStats)
        );
        assert_eq!(
            parse(&["cell", "stats", "--name", "a", "b"]),
            Err(UsageError::CellStats)
        );
    }

    #[test]
    fn config_check_arguments() {
        assert_eq!(
            parse(&["config", "check", "sys.cell", "a.cell", "b.cell"]),
            Ok(Command::ConfigCheck {
                sysconfig: "sys.cell".into(),
                cells: vec!["a.cell".into(), "b.cell".into()],
            })
        );
        assert_eq!(
            parse(&["config", "check", "--", "-odd.cell"]),
            Ok(Command::ConfigCheck {
                sysconfig: "-odd.cell".into(),
                cells: vec![],
            })
        );
        assert_eq!(
            parse(&["config", "check", "sys.cell", "-h"]),
            Ok(Command::ConfigCheckHelp)
        );
        assert_eq!(parse(&["config", "check"]), Err(UsageError::ConfigCheck));
        assert_eq!(
            parse(&["config", "check", "-x", "sys.cell"]),
            Err(UsageError::ConfigCheck)
        );
        assert_eq!(parse(&["config"]), Err(UsageError::Main));
        assert_eq!(parse(&["config", "bogus"]), Err(UsageError::Main));
    }

    #[test]
    fn python_helpers_are_refused() {
        assert_eq!(
            parse(&["cell", "linux", "a.cell", "Image"]),
            Ok(Command::NotSupported("cell linux"))
        );
        assert_eq!(
            parse(&["config", "create", "x.c"]),
            Ok(Command::NotSupported("config create"))
        );
        assert_eq!(
            parse(&["config", "collect", "x.tar"]),
            Ok(Command::NotSupported("config collect"))
        );
        assert_eq!(
            parse(&["hardware", "check"]),
            Ok(Command::NotSupported("hardware check"))
        );
        assert_eq!(parse(&["hardware"]), Err(UsageError::Main));
    }

    #[test]
    fn hidden_path_options() {
        let args: Vec<OsString> = [
            "--device-path=/tmp/dev",
            "--sysfs-root=/tmp/sys",
            "cell",
            "list",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        assert_eq!(
            parse_args(&args),
            Ok(Invocation {
                device: Some("/tmp/dev".into()),
                sysfs: Some("/tmp/sys".into()),
                command: Command::CellList,
            })
        );
        // Only before the command word.
        assert_eq!(
            parse(&["cell", "list", "--sysfs-root=/x"]),
            Err(UsageError::Main)
        );
        assert_eq!(parse(&["--device-path=/x"]), Err(UsageError::Main));
    }

    #[test]
    fn usage_text_is_upstreams_plus_our_extensions() {
        let expected = concat!(
            "Usage: jailhouse { COMMAND | --help | --version }\n",
            "\n",
            "Available commands:\n",
            "   enable SYSCONFIG\n",
            "   disable\n",
            "   console [-f | --follow]\n",
            "   cell create CELLCONFIG\n",
            "   cell list\n",
            "   cell load { ID | [--name] NAME } { IMAGE | { -s | --string } \"STRING\" }\n",
            "             [-a | --address ADDRESS] ...\n",
            "   cell start { ID | [--name] NAME }\n",
            "   cell shutdown { ID | [--name] NAME }\n",
            "   cell destroy { ID | [--name] NAME }\n",
            "   cell stats { ID | [--name] NAME }\n",
            "   config check [-h] SYSCONFIG [CELLCONFIG [CELLCONFIG ...]]\n",
        );
        assert_eq!(usage_text("jailhouse"), expected);
        assert!(usage_text("jh").starts_with("Usage: jh { COMMAND"));
        assert_eq!(
            cell_stats_usage("jailhouse"),
            "usage: jailhouse cell stats { ID | [--name] NAME }\n"
        );
    }

    #[test]
    fn program_name_is_the_basename() {
        assert_eq!(
            program_name(Some(OsStr::new("/usr/sbin/jailhouse"))),
            "jailhouse"
        );
        assert_eq!(program_name(None), "jailhouse");
    }
}
