//! The delivery of the fix: its diff saved in the record, shown with `--dry-run`, else applied
//! once to the user's tree.

use super::error::{RunError, blocking};
use super::session::Session;
use super::state::Delivery;
use crate::apply;
use crate::event::Event;
use crate::git::{self, Oid, Repo};
use crate::patch::Patch;

/// The fix a finished run arrived at, where it lies in the user's repository: what the deliveries
/// (`crate::delivery`) are made from, after the run, without the engine knowing of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedTree {
    pub repo: Repo,
    /// The snapshot of the user's tree the run started from.
    pub snapshot: Oid,
    /// The snapshot with every merged fix: what the last check passed on.
    pub result: Oid,
    /// The unified diff from `snapshot` to `result`, for `git apply` at the repository's root.
    pub diff: String,
    /// The files it changes, relative to the repository's root.
    pub files: Vec<std::path::PathBuf>,
}

/// Delivers the fix from the snapshot to `base`: its patch saved in the record, then with
/// `--dry-run` the diff as an event, else the one apply to the user's tree.
pub(super) async fn deliver(
    session: &Session,
    base: Oid,
) -> Result<(Delivery, FixedTree), RunError> {
    let changes = {
        let (repo, snapshot) = (session.repo.clone(), session.snapshot);
        blocking(move || git::changed_files(&repo, snapshot, base)).await??
    };
    let fix = patch_of(&changes);
    let diff = fix.unified_diff();
    let fixed = FixedTree {
        repo: session.repo.clone(),
        snapshot: session.snapshot,
        result: base,
        diff: diff.clone(),
        files: changes.iter().map(|change| change.path.clone()).collect(),
    };
    let patch = session.record_dir.join("final.patch");
    let patch = std::fs::create_dir_all(&session.record_dir)
        .and_then(|()| std::fs::write(&patch, &diff))
        .is_ok()
        .then_some(patch);
    let (files_changed, skipped) = if session.config.dry_run {
        session.emit(Event::Diff { patch: diff });
        let files = changes.iter().map(|change| change.path.clone()).collect();
        (files, Vec::new())
    } else if changes.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let (workdir, save_dir) = (
            session.repo.workdir.clone(),
            session.record_dir.join("not-written"),
        );
        let applied = blocking(move || apply::apply_changes(&workdir, &changes, &save_dir)).await?;
        session.emit(Event::Applied {
            written: applied.written.clone(),
            skipped: applied.skipped.clone(),
        });
        (applied.written, applied.skipped)
    };
    let delivery = Delivery {
        files_changed,
        skipped,
        patch,
        fix,
    };
    Ok((delivery, fixed))
}

pub(super) fn patch_of(changes: &[git::ChangedFile]) -> Patch {
    Patch::from_contents(changes.iter().map(|change| {
        (
            change.path.clone(),
            change.before.as_deref(),
            change.after.as_deref(),
        )
    }))
}
