//! What a run finds and makes before anything else: the workspace's metadata, its repository (or
//! a scratch one), the run's lock, and the sweep of what dead runs left.

use std::path::{Path, PathBuf};

use super::error::{RunError, blocking};
use crate::cargo::{Cargo, Workspace};
use crate::config::FixConfig;
use crate::git::{self, Repo};
use crate::run_dirs::RunDirs;
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::sweep::{self, Swept};

/// What `repair` finds and makes before the run proper: the workspace, its repository (or a
/// scratch one), the run's lock, and the sweep of what dead runs left.
pub(super) async fn prepare(
    config: &FixConfig,
    cargo: &Cargo,
) -> Result<(Repo, Setup, RunLock), RunError> {
    let workspace = {
        let (cargo, cwd, manifest) = (
            cargo.clone(),
            config.cwd.clone(),
            config.manifest_path.clone(),
        );
        blocking(move || cargo.metadata(&cwd, manifest.as_deref())).await??
    };
    let user_repo = git::Repo::discover(&workspace.root)?;
    if user_repo.is_none() && !config.allow_no_vcs {
        return Err(RunError::NoVcs(workspace.root.clone()));
    }
    let run = RunId::of_this_process();
    // The lock comes before anything else of the run exists, and goes after all of it: it is
    // what tells other runs that this one's files are alive. Taking it makes the target
    // directory, which can then be resolved.
    let lock_path = RunDirs::in_target_dir(&workspace.target_dir).lock(run);
    let lock = RunLock::acquire(&lock_path).map_err(|source| RunError::Lock {
        path: lock_path,
        source,
    })?;
    let target_dir = canonical(&workspace.target_dir);
    let dirs = RunDirs::in_target_dir(&target_dir);
    // Before anything can refuse to run (a dirty tree), so that what a killed run left goes
    // whatever this run does.
    let swept = {
        let (dirs, user_repo) = (dirs.clone(), user_repo.clone());
        blocking(move || sweep::sweep(&dirs, user_repo.as_ref(), run)).await?
    };
    let repo = match user_repo {
        Some(repo) => repo,
        None => git::Repo::init_detached(&workspace.root, &dirs.scratch_git(run))?,
    };
    let setup = Setup {
        workspace,
        target_dir,
        dirs,
        run,
        swept,
    };
    Ok((repo, setup, lock))
}

/// What `repair` found and made before the run proper.
pub(super) struct Setup {
    pub(super) workspace: Workspace,
    /// Canonical.
    pub(super) target_dir: PathBuf,
    pub(super) dirs: RunDirs,
    pub(super) run: RunId,
    pub(super) swept: Swept,
}

/// `path` with its links resolved, or as it is when it cannot be.
pub(super) fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}
