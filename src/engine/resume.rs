//! Checkpoints for `--resume`: where the rounds start, saving a run's progress, resuming a
//! stopped run's (its lock claimed first).

use std::path::PathBuf;

use super::deliver::patch_of;
use super::error::{RunError, blocking};
use super::session::Session;
use super::state::RunState;
use crate::checkpoint::{self, Checkpoint, ResumeError, ResumeFrom};
use crate::config::{FixConfig, ResumeRequest};
use crate::git::{self, GitError, Oid, Repo};
use crate::patch::Patch;
use crate::run_dirs::RunDirs;
use crate::run_id::RunId;
use crate::run_lock::{self, Claim, RunLock};
use crate::summary::{ScopeFix, Tally};

/// Where the rounds begin: a fresh run at the snapshot, or a stopped run's progress.
#[derive(Debug)]
pub(super) struct Start {
    pub(super) base: Oid,
    /// Rounds already run (by the stopped run).
    pub(super) rounds: usize,
    /// The errors the stopped run's first check counted.
    pub(super) errors_before: Option<usize>,
    pub(super) fixes: Vec<ScopeFix>,
    pub(super) tally: Tally,
    /// The stopped run this one resumes: its checkpoint is retired once this run has saved its
    /// own.
    pub(super) resumes: Option<Resumed>,
}

/// Where the rounds start: at the snapshot, or with `--resume` at the progress of the stopped run
/// it names.
pub(super) async fn start(
    config: &FixConfig,
    repo: &Repo,
    dirs: &RunDirs,
    snapshot: Oid,
) -> Result<Start, RunError> {
    let Some(request) = &config.resume else {
        return Ok(Start {
            base: snapshot,
            rounds: 0,
            errors_before: None,
            fixes: Vec::new(),
            tally: Tally::default(),
            resumes: None,
        });
    };
    let (repo, dirs, request) = (repo.clone(), dirs.clone(), request.clone());
    let selection = resume_selection(config);
    blocking(move || resume(&repo, &dirs, &request, snapshot, &selection)).await?
}

/// What `--resume` requires to be the same: the selection as `cargo check` arguments, the
/// profile, and the gate.
fn resume_selection(config: &FixConfig) -> Vec<String> {
    let mut selection = config.selection.check_args(None);
    selection.extend(config.cargo.profile_args());
    selection.push(config.gate.as_flag().to_owned());
    selection
}

/// Saves what the merged rounds achieved (the snapshot to `base`) in the run's record, for
/// `--resume`, and says whether it was saved. A checkpoint that cannot be saved (a full disk) is
/// not worth stopping a run for: it is logged, and the run claims no saved progress.
pub(super) async fn save_checkpoint(session: &Session, state: &RunState) -> Result<bool, RunError> {
    let base = state.base;
    let (repo, snapshot, record) = (
        session.repo.clone(),
        session.snapshot,
        session.record_dir.clone(),
    );
    let mut checkpoint = Checkpoint {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        run: session.run.to_string(),
        check_args: resume_selection(&session.config),
        snapshot_tree: String::new(),
        progress_tree: String::new(),
        rounds: state.rounds,
        errors_before: state.errors_before,
        fixes: state.fixes.clone(),
        tally: state.tally,
        patch: Patch::default(),
    };
    blocking(move || {
        checkpoint.snapshot_tree = git::tree_id(&repo, snapshot)?.to_string();
        checkpoint.progress_tree = git::tree_id(&repo, base)?.to_string();
        checkpoint.patch = patch_of(&git::changed_files(&repo, snapshot, base)?);
        let saved = checkpoint::save(&record, &checkpoint);
        if let Err(error) = &saved {
            tracing::warn!(
                "could not save the checkpoint in {}: {error}",
                record.display()
            );
        }
        Ok::<bool, GitError>(saved.is_ok())
    })
    .await?
    .map_err(RunError::from)
}

/// Where a resumed run starts: the stopped run's checkpoint, checked against the user's sources
/// now (`snapshot`) and the selection, and its progress rebuilt on top of the snapshot. The
/// stopped run must be gone: its lock is claimed and held until its checkpoint is retired.
fn resume(
    repo: &Repo,
    dirs: &RunDirs,
    request: &ResumeRequest,
    snapshot: Oid,
    selection: &[String],
) -> Result<Start, RunError> {
    let runs = dirs.runs();
    let is_live = |run: RunId| !matches!(claim(dirs, run), Ok(Some(_)));
    let run = match request {
        ResumeRequest::Latest => checkpoint::latest(&runs, is_live)?,
        ResumeRequest::Run(run) => *run,
    };
    let lock = claim(dirs, run)
        .map_err(|source| RunError::Lock {
            path: dirs.lock(run),
            source,
        })?
        .ok_or_else(|| ResumeError::StillRunning(run.to_string()))?;
    let record = dirs.record(run);
    let saved = checkpoint::load(&record, &run.to_string())?;
    let tree = git::tree_id(repo, snapshot)?.to_string();
    let from = saved.resume_from(&tree, selection, &record, || {
        git::paths_changed_since_tree(repo, &saved.snapshot_tree, snapshot)
    })?;
    let base = match from {
        ResumeFrom::Progress => snapshot,
        ResumeFrom::Snapshot => {
            let files = saved
                .patch
                .files
                .iter()
                .map(|(path, change)| (path.clone(), change.after.clone()))
                .collect();
            let base = git::commit_files(repo, snapshot, &files, "cargo-fix-swarm: resumed")?;
            if git::tree_id(repo, base)?.to_string() != saved.progress_tree {
                let path = record.join(checkpoint::FILE_NAME);
                return Err(ResumeError::DoesNotRebuild(path).into());
            }
            base
        }
    };
    Ok(Start {
        base,
        rounds: saved.rounds,
        errors_before: Some(saved.errors_before),
        fixes: saved.fixes,
        tally: saved.tally,
        resumes: Some(Resumed {
            record,
            _lock: lock,
        }),
    })
}

/// The lock of a stopped run, if it is gone: `None` while it may still run.
fn claim(dirs: &RunDirs, run: RunId) -> std::io::Result<Option<Option<RunLock>>> {
    Ok(match RunLock::claim(&dirs.lock(run))? {
        Claim::Held => None,
        Claim::Claimed(lock) => Some(Some(lock)),
        Claim::NoLock if run_lock::may_be_running(run) => None,
        Claim::NoLock => Some(None),
    })
}

/// The stopped run a resumed run goes on with.
#[derive(Debug)]
pub(super) struct Resumed {
    pub(super) record: PathBuf,
    /// The stopped run's lock, when it had one left: held so that no other run resumes it too.
    pub(super) _lock: Option<RunLock>,
}

impl Resumed {
    /// Removes the stopped run's checkpoint (blocking), then releases its lock.
    pub(super) fn retire(self) {
        checkpoint::remove(&self.record);
    }
}
