// SPDX-License-Identifier: GPL-2.0-only
//! `Cargo.lock` → BitBake `crate://` SRC_URI entries with their sha256.
//!
//! Only crates.io packages are listed (workspace members have no source);
//! any other source (git, another registry) is refused, because the layer
//! would silently lack it and cargo would then need the network.

use anyhow::{bail, Context, Result};
use handlebars::Handlebars;
use serde::{Deserialize, Serialize};

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";
const TEMPLATE: &str = include_str!("../templates/crates.inc.hbs");

#[derive(Debug, Deserialize)]
struct LockFile {
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(Debug, Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
}

/// One crates.io package as the include file names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Crate {
    pub name: String,
    pub version: String,
    pub checksum: String,
}

/// The crates.io packages of a lock file, sorted by name and version.
pub fn registry_crates(lock: &str) -> Result<Vec<Crate>> {
    let lock: LockFile = toml::from_str(lock).context("not a Cargo.lock")?;
    let mut crates = Vec::new();
    for p in lock.package {
        match p.source.as_deref() {
            None => continue,
            Some(CRATES_IO) => {}
            Some(other) => bail!(
                "{} {} comes from {other}: only crates.io packages can be fetched by the layer",
                p.name,
                p.version
            ),
        }
        let checksum = p
            .checksum
            .with_context(|| format!("{} {} has no checksum", p.name, p.version))?;
        if checksum.len() != 64 || !checksum.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!(
                "{} {}: checksum {checksum:?} is not a sha256",
                p.name,
                p.version
            );
        }
        crates.push(Crate {
            name: p.name,
            version: p.version,
            checksum,
        });
    }
    crates.sort();
    Ok(crates)
}

/// The include file for `crates`.
pub fn render(crates: &[Crate]) -> Result<String> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_template_string("crates.inc", TEMPLATE)?;
    #[derive(Serialize)]
    struct Data<'a> {
        crates: &'a [Crate],
    }
    Ok(hb.render("crates.inc", &Data { crates })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "jailhouse-tools"
version = "0.1.0"
dependencies = ["anyhow"]

[[package]]
name = "zerocopy"
version = "0.8.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "1111111111111111111111111111111111111111111111111111111111111111"

[[package]]
name = "anyhow"
version = "1.0.105"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
"#;

    #[test]
    fn lists_registry_crates_sorted_without_members() {
        let crates = registry_crates(LOCK).unwrap();
        let names: Vec<_> = crates.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["anyhow", "zerocopy"]);
    }

    #[test]
    fn renders_uris_and_checksums() {
        let text = render(&registry_crates(LOCK).unwrap()).unwrap();
        assert!(text.contains("SRC_URI += \"\\\n    crate://crates.io/anyhow/1.0.105 \\\n"));
        assert!(text.contains("    crate://crates.io/zerocopy/0.8.1 \\\n\"\n"));
        assert!(text.contains(&format!(
            "SRC_URI[anyhow-1.0.105.sha256sum] = \"{}\"\n",
            "a".repeat(64)
        )));
        // Nothing is HTML-escaped, and no line ends in blanks.
        assert!(!text.contains("&#"));
        assert!(text.lines().all(|l| l == l.trim_end()));
    }

    #[test]
    fn refuses_git_sources_and_bad_checksums() {
        let git = LOCK.replace(
            "source = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"1111",
            "source = \"git+https://example.org/z#abc\"\nchecksum = \"1111",
        );
        let err = registry_crates(&git).unwrap_err().to_string();
        assert!(err.contains("zerocopy 0.8.1 comes from git+"), "{err}");
        let short = LOCK.replace(&"a".repeat(64), "abc");
        assert!(registry_crates(&short).is_err());
    }

    /// The layer's include file is what the workspace's Cargo.lock gives.
    #[test]
    fn layer_include_is_up_to_date() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).unwrap();
        let inc = std::fs::read_to_string(format!(
            "{root}/meta-jailhouse-rs/recipes-mcs/jailhouse/jailhouse-crates.inc"
        ))
        .unwrap();
        assert!(
            render(&registry_crates(&lock).unwrap()).unwrap() == inc,
            "meta-jailhouse-rs/recipes-mcs/jailhouse/jailhouse-crates.inc is stale: run `make crates-inc`"
        );
    }
}
