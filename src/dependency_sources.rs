//! Reads a dependency's sources where cargo already keeps them (its registry's `src` directory,
//! its git checkouts, a path dependency's directory): the edge that hands `api::CrateApi` its
//! texts. Never the network: a version whose sources are not on this machine is not read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How much of one crate is read at most: enough for the largest crates' libraries, bounded so
/// that a vendored monster cannot stall a round.
const MAX_FILES: usize = 3000;
const MAX_BYTES: u64 = 24 * 1024 * 1024;

/// The Rust files of the library whose root is `lib_root`, keyed as `CrateApi::read` wants them:
/// the root as `src/lib.rs`, the others by their path under the root's directory, under `src/`.
/// Files that are not UTF-8 are left out.
pub fn read_library(lib_root: &Path) -> std::io::Result<BTreeMap<PathBuf, String>> {
    let dir = lib_root.parent().unwrap_or(Path::new("."));
    let mut files = BTreeMap::new();
    let mut budget = (MAX_FILES, MAX_BYTES);
    files.insert(
        PathBuf::from("src/lib.rs"),
        std::fs::read_to_string(lib_root)?,
    );
    let mut pending = vec![dir.to_owned()];
    while let Some(at) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::path);
        for entry in entries {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            if path == lib_root || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let size = entry.metadata().map_or(0, |m| m.len());
            if budget.0 == 0 || budget.1 < size {
                return Ok(files);
            }
            budget = (budget.0 - 1, budget.1 - size);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Ok(relative) = path.strip_prefix(dir) {
                files.insert(Path::new("src").join(relative), text);
            }
        }
    }
    Ok(files)
}

/// The library root of version `version` of `package` when cargo keeps it beside the version
/// whose library root is `current_root` (`…/registry/src/<index>/<package>-<version>/`), which is
/// where a registry's earlier downloads stay: `None` when it is not on this machine.
pub fn sibling_version(current_root: &Path, package: &str, version: &str) -> Option<PathBuf> {
    let package_dir = current_root
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())?;
    let sibling = package_dir.parent()?.join(format!("{package}-{version}"));
    let manifest = std::fs::read_to_string(sibling.join("Cargo.toml")).ok()?;
    let lib_path = manifest
        .parse::<toml::Table>()
        .ok()
        .and_then(|table| table.get("lib")?.get("path")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "src/lib.rs".to_owned());
    let root = sibling.join(lib_path);
    root.is_file().then_some(root)
}

/// The names of the files a crate's changelog goes by, compared without case, likeliest first.
const CHANGELOG_NAMES: [&str; 6] = [
    "changelog.md",
    "changelog",
    "changes.md",
    "changes",
    "releases.md",
    "history.md",
];

/// The changelog at the source root of the package whose library root is `lib_root` (the
/// directory of its `Cargo.toml`), if its sources ship one.
pub fn changelog(lib_root: &Path) -> Option<PathBuf> {
    let package_dir = lib_root
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())?;
    let files: Vec<PathBuf> = std::fs::read_dir(package_dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .map(|entry| entry.path())
        .collect();
    CHANGELOG_NAMES.iter().find_map(|wanted| {
        files
            .iter()
            .find(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.eq_ignore_ascii_case(wanted))
            })
            .cloned()
    })
}
