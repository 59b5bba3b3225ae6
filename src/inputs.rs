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
