//! What the user's build reads that the snapshot does not hold: files git ignores but the build
//! compiles or includes (`include!("gen.rs")`, generated modules, data for `include_str!`). A
//! worktree without them would report a phantom "couldn't read" error in place of the real ones.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::git::{self, GitError, Repo};
use crate::layout::{dep_info_sources, normalize};

/// Ignored files of the checkout that the build may read: every ignored Rust source, and every
/// ignored file that the dep-info of the user's last build names. `build_dirs` are the user's
/// profile directories (`target/debug`, `target/<triple>/debug`); `workspace` is the directory
/// rustc ran in for the workspace's own crates; `exclude` holds the target directory.
pub fn ignored_inputs(
    repo: &Repo,
    build_dirs: &[PathBuf],
    workspace: &Path,
    exclude: &[PathBuf],
) -> Result<Vec<PathBuf>, GitError> {
    let read_by_build = read_by_last_build(build_dirs, workspace, &repo.workdir);
    git::ignored_files(repo, exclude, |path| {
        path.extension().is_some_and(|extension| extension == "rs") || read_by_build.contains(path)
    })
}

/// Checkout-relative paths of the files that the dep-info files under `build_dirs` name.
fn read_by_last_build(
    build_dirs: &[PathBuf],
    workspace: &Path,
    checkout: &Path,
) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for dir in build_dirs {
        let Ok(entries) = std::fs::read_dir(dir.join("deps")) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|extension| extension != "d") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for source in dep_info_sources(&text) {
                let absolute = normalize(&workspace.join(source));
                if let Ok(relative) = absolute.strip_prefix(checkout) {
                    out.insert(relative.to_owned());
                }
            }
        }
    }
    out
}

/// Directories outside the checkout that the workspace's manifests reach by relative paths
/// (`path = "../dep"` dependencies and patches, workspace members), followed through the
/// manifests of those directories in turn: absolute and canonical, sorted.
pub fn outside_directories(manifests: &[PathBuf], checkout: &Path) -> Vec<PathBuf> {
    let mut found = BTreeSet::new();
    let mut queue: Vec<PathBuf> = manifests.to_vec();
    let mut seen = BTreeSet::new();
    while let Some(manifest) = queue.pop() {
        if !seen.insert(manifest.clone()) {
            continue;
        }
        let Some(dir) = manifest.parent() else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        for declared in relative_paths(&table) {
            // Lexically, as cargo joins a manifest's directory and a declared path: a link on
            // the way (`../vendor -> /opt/vendor`) is followed only by the file system.
            let target = normalize(&dir.join(&declared));
            if !target.exists() {
                continue;
            }
            if !target.starts_with(checkout) && found.insert(target.clone()) {
                queue.push(target.join("Cargo.toml"));
            }
        }
    }
    found.into_iter().collect()
}

/// The relative paths a manifest declares for dependencies (of every kind and target), patches
/// and workspace members. Absolute ones lead to the same place from anywhere.
fn relative_paths(manifest: &toml::Table) -> Vec<PathBuf> {
    const KINDS: [&str; 4] = [
        "dependencies",
        "dev-dependencies",
        "build-dependencies",
        "dev_dependencies",
    ];
    fn add_kinds<'t>(table: &'t toml::Table, tables: &mut Vec<&'t toml::Table>) {
        for kind in KINDS {
            if let Some(dependencies) = table.get(kind).and_then(toml::Value::as_table) {
                tables.push(dependencies);
            }
        }
    }
    let mut tables: Vec<&toml::Table> = Vec::new();
    add_kinds(manifest, &mut tables);
    let targets = manifest.get("target").and_then(toml::Value::as_table);
    for platform in targets.into_iter().flat_map(|targets| targets.values()) {
        if let Some(platform) = platform.as_table() {
            add_kinds(platform, &mut tables);
        }
    }
    let workspace = manifest.get("workspace").and_then(toml::Value::as_table);
    if let Some(workspace) = workspace {
        add_kinds(workspace, &mut tables);
    }
    let patches = manifest.get("patch").and_then(toml::Value::as_table);
    for source in patches.into_iter().flat_map(|patches| patches.values()) {
        if let Some(source) = source.as_table() {
            tables.push(source);
        }
    }
    let mut out: Vec<PathBuf> = tables
        .iter()
        .flat_map(|table| table.values())
        .filter_map(|dependency| dependency.get("path")?.as_str())
        .map(PathBuf::from)
        .collect();
    let members = workspace
        .and_then(|workspace| workspace.get("members"))
        .and_then(toml::Value::as_array);
    out.extend(
        members
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .filter(|member| !member.contains(['*', '?', '[']))
            .map(PathBuf::from),
    );
    out.retain(|path| path.is_relative());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_declare_relative_paths_of_every_kind() {
        let manifest: toml::Table = r#"
            [package]
            name = "app"
            [dependencies]
            a = { path = "../a" }
            serde = "1"
            abs = { path = "/opt/abs" }
            [dev-dependencies.b]
            path = "../b"
            [target.'cfg(unix)'.build-dependencies]
            c = { path = "vendor/c" }
            [workspace]
            members = ["crates/*", "../d"]
            [workspace.dependencies]
            e = { path = "../../e" }
            [patch.crates-io]
            f = { path = "../f" }
        "#
        .parse()
        .unwrap();
        let mut paths = relative_paths(&manifest);
        paths.sort();
        let expected: Vec<PathBuf> = ["../../e", "../a", "../b", "../d", "../f", "vendor/c"]
            .map(PathBuf::from)
            .to_vec();
        assert_eq!(paths, expected);
    }
}
