// SPDX-License-Identifier: GPL-2.0-only
//! The reproducible source tarball: `<name>-<version>/...` in a `.tar.gz`
//! whose bytes depend only on the files' paths, contents and executable
//! bits, the version and the chosen mtime. Entries are sorted by name;
//! owners are 0/0 without names; modes are 0644/0755; gzip carries no
//! timestamp or file name.
//!
//! In a git checkout the files git tracks or would track are packed (what
//! .gitignore names, build output and caches, stays out); outside git (an
//! unpacked tarball) every file but the build directories is.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use flate2::{Compression, GzBuilder};
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

/// Directories never packed, git or not.
const SKIPPED_DIRS: &[&str] = &[".git", "out", "target"];

/// What `write_dist` produced.
#[derive(Debug)]
pub struct Dist {
    pub tarball: PathBuf,
    pub sha256: String,
    pub entries: usize,
}

/// `[workspace.package] version` of `<source>/Cargo.toml`.
pub fn workspace_version(source: &Path) -> Result<String> {
    let path = source.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
    doc.get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .with_context(|| format!("{} has no [workspace.package] version", path.display()))
}

/// $SOURCE_DATE_EPOCH, else the commit time of HEAD, else 0.
pub fn default_mtime(source: &Path) -> Result<u64> {
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH") {
        return v
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH={v:?} is not a number"));
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(source)
        .args(["log", "-1", "--format=%ct"])
        .output();
    Ok(match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .unwrap_or(0),
        _ => 0,
    })
}

/// The files git tracks or would track (not ignored) under `source`
/// (relative paths), or `None` when
/// `source` is not a git work tree.
fn tracked_files(source: &Path) -> Result<Option<BTreeSet<PathBuf>>> {
    let out = match Command::new("git")
        .arg("-C")
        .arg(source)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--full-name",
            ".",
        ])
        .output()
    {
        Ok(o) if o.status.success() => o,
        _ => return Ok(None),
    };
    // --full-name gives paths from the repository root; make them relative
    // to `source` (which may be a subdirectory).
    let prefix = Command::new("git")
        .arg("-C")
        .arg(source)
        .args(["rev-parse", "--show-prefix"])
        .output()
        .context("git rev-parse")?;
    let prefix = String::from_utf8(prefix.stdout)?.trim().to_owned();
    let files = out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .filter_map(|p| p.strip_prefix(&prefix).map(PathBuf::from))
        .collect();
    Ok(Some(files))
}

/// The relative paths to pack, directories included, in tar order.
pub fn collect(source: &Path) -> Result<Vec<(PathBuf, bool)>> {
    let tracked = tracked_files(source)?;
    let mut files = Vec::new();
    let walker = WalkDir::new(source)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir() && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
        });
    for entry in walker {
        let entry = entry?;
        if entry.depth() == 0 || entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(source)?.to_path_buf();
        if tracked.as_ref().is_some_and(|t| !t.contains(&rel)) {
            continue;
        }
        files.push(rel);
    }
    // Directories that hold a packed file, then everything in path order
    // (a directory sorts before its contents).
    let mut all: BTreeSet<(PathBuf, bool)> = BTreeSet::new();
    for f in &files {
        for dir in f.ancestors().skip(1) {
            if !dir.as_os_str().is_empty() {
                all.insert((dir.to_path_buf(), true));
            }
        }
        all.insert((f.clone(), false));
    }
    let mut all: Vec<_> = all.into_iter().collect();
    all.sort_by(|a, b| a.0.components().cmp(b.0.components()));
    Ok(all)
}

fn header(kind: tar::EntryType, mode: u32, size: u64, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_size(size);
    h.set_mtime(mtime);
    h.set_uid(0);
    h.set_gid(0);
    h
}

/// Write `<output_dir>/<name>-<version>.tar.gz` and its `.sha256`.
pub fn write_dist(
    source: &Path,
    output_dir: &Path,
    name: &str,
    version: &str,
    mtime: u64,
) -> Result<Dist> {
    use std::os::unix::fs::PermissionsExt;

    let entries = collect(source)?;
    if !entries.iter().any(|(p, _)| p == Path::new("Cargo.toml")) {
        bail!(
            "{} does not look like the jailhouse-rs tree (no Cargo.toml)",
            source.display()
        );
    }
    std::fs::create_dir_all(output_dir)?;
    let top = PathBuf::from(format!("{name}-{version}"));
    let tarball = output_dir.join(format!("{name}-{version}.tar.gz"));
    let partial = output_dir.join(format!(".{name}-{version}.tar.gz.partial"));

    let file = BufWriter::new(File::create(&partial)?);
    let gz = GzBuilder::new().mtime(0).write(file, Compression::best());
    let mut tar = tar::Builder::new(gz);
    let mut h = header(tar::EntryType::Directory, 0o755, 0, mtime);
    tar.append_data(&mut h, &top, std::io::empty())?;
    for (rel, is_dir) in &entries {
        let path = source.join(rel);
        let meta = std::fs::symlink_metadata(&path)?;
        let name_in_tar = top.join(rel);
        if *is_dir {
            let mut h = header(tar::EntryType::Directory, 0o755, 0, mtime);
            tar.append_data(&mut h, &name_in_tar, std::io::empty())?;
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path)?;
            let mut h = header(tar::EntryType::Symlink, 0o777, 0, mtime);
            tar.append_link(&mut h, &name_in_tar, &target)?;
        } else {
            let mode = if meta.permissions().mode() & 0o111 != 0 {
                0o755
            } else {
                0o644
            };
            let mut h = header(tar::EntryType::Regular, mode, meta.len(), mtime);
            tar.append_data(&mut h, &name_in_tar, File::open(&path)?)
                .with_context(|| format!("cannot pack {}", path.display()))?;
        }
    }
    let gz = tar.into_inner()?;
    gz.finish()?.flush()?;
    std::fs::rename(&partial, &tarball)?;

    let sha256 = sha256_file(&tarball)?;
    let file_name = tarball
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::write(
        output_dir.join(format!("{file_name}.sha256")),
        format!("{sha256}  {file_name}\n"),
    )?;
    Ok(Dist {
        tarball,
        sha256,
        entries: entries.len() + 1,
    })
}

/// Hex sha256 of a file.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace.package]\nversion = \"1.2.3\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        std::fs::write(root.join("b/c/z.txt"), "z").unwrap();
        std::fs::write(root.join("b/run.sh"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(
            root.join("b/run.sh"),
            std::fs::Permissions::from_mode(0o775),
        )
        .unwrap();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::fs::create_dir_all(root.join("out/x")).unwrap();
        std::fs::write(root.join("out/x/junk"), "junk").unwrap();
        dir
    }

    fn list(tarball: &Path) -> Vec<(String, u32, u64)> {
        let gz = flate2::read::GzDecoder::new(File::open(tarball).unwrap());
        let mut ar = tar::Archive::new(gz);
        ar.entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let h = e.header();
                (
                    e.path().unwrap().display().to_string(),
                    h.mode().unwrap(),
                    h.mtime().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn version_comes_from_the_workspace() {
        let t = tree();
        assert_eq!(workspace_version(t.path()).unwrap(), "1.2.3");
    }

    #[test]
    fn sorted_normalised_entries_without_build_output() {
        let t = tree();
        let out = tempfile::tempdir().unwrap();
        let d = write_dist(t.path(), out.path(), "pkg", "1.2.3", 42).unwrap();
        let entries = list(&d.tarball);
        let names: Vec<_> = entries.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "pkg-1.2.3",
                "pkg-1.2.3/Cargo.toml",
                "pkg-1.2.3/a.txt",
                "pkg-1.2.3/b",
                "pkg-1.2.3/b/c",
                "pkg-1.2.3/b/c/z.txt",
                "pkg-1.2.3/b/run.sh",
            ]
        );
        let run = entries.iter().find(|e| e.0.ends_with("run.sh")).unwrap();
        assert_eq!(run.1, 0o755);
        let z = entries.iter().find(|e| e.0.ends_with("z.txt")).unwrap();
        assert_eq!(z.1, 0o644);
        assert!(entries.iter().all(|e| e.2 == 42));
        let sum = std::fs::read_to_string(out.path().join("pkg-1.2.3.tar.gz.sha256")).unwrap();
        assert_eq!(sum, format!("{}  pkg-1.2.3.tar.gz\n", d.sha256));
    }

    #[test]
    fn same_tree_same_bytes_whatever_the_file_times() {
        let t = tree();
        let out = tempfile::tempdir().unwrap();
        let first = write_dist(t.path(), out.path(), "pkg", "1", 0)
            .unwrap()
            .sha256;
        // Rewrite a file: new mtime, same content.
        std::fs::write(t.path().join("a.txt"), "a").unwrap();
        let second = write_dist(t.path(), out.path(), "pkg", "1", 0)
            .unwrap()
            .sha256;
        assert_eq!(first, second);
        std::fs::write(t.path().join("a.txt"), "b").unwrap();
        let third = write_dist(t.path(), out.path(), "pkg", "1", 0)
            .unwrap()
            .sha256;
        assert_ne!(first, third);
    }
}
