//! A run's checkpoint: what its merged rounds achieved so far, saved in its record after every
//! round, so that a run stopped by a signal (or killed) loses nothing and `--resume` can go on
//! from the next round. A run that ends by itself removes its checkpoint: only a stopped run can
//! be resumed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::patch::Patch;
use crate::run_id::RunId;
use crate::summary::{ScopeFix, Tally};

/// The checkpoint's file name in a run's record.
pub const FILE_NAME: &str = "checkpoint.json";
/// The patch of everything that passed so far, as `git apply` takes it, beside the checkpoint.
pub const PATCH_NAME: &str = "progress.patch";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The version of cargo-fix-swarm that wrote it: another version's rounds are not resumed.
    pub version: String,
    /// The run that wrote it.
    pub run: String,
    /// The run's selection as `cargo check` arguments, and its gate: a resume must check the
    /// same thing the same way.
    pub check_args: Vec<String>,
    /// The tree of the snapshot the run started from (hex).
    pub snapshot_tree: String,
    /// The tree after the last merged round (hex): the snapshot with `patch` applied.
    pub progress_tree: String,
    /// How many rounds ran.
    pub rounds: usize,
    /// The errors the run's first check counted.
    pub errors_before: usize,
    /// What the merged rounds fixed.
    pub fixes: Vec<ScopeFix>,
    /// The errors the merged rounds resolved and revealed.
    #[serde(default)]
    pub tally: Tally,
    /// Every file the merged rounds changed, whole: the snapshot's text and the progress's.
    pub patch: Patch,
}

/// Where a resumed run starts, given the tree of the user's sources now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResumeFrom {
    /// The sources are still the snapshot's: the saved patch goes on top of them.
    Snapshot,
    /// The sources are the snapshot's with the saved patch applied (the user applied it).
    Progress,
}

/// Why a checkpoint cannot be resumed on the user's sources now.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResumeError {
    #[error(
        "no stopped run to resume in {}\n\
         help: a run stopped by a signal saves a checkpoint there; run without `--resume`",
        .0.display()
    )]
    NoneFound(PathBuf),
    #[error("the run {0} left no checkpoint\nhelp: only a stopped run can be resumed")]
    NoCheckpoint(String),
    #[error(
        "the run {0} is still running\n\
         help: stop it first (Ctrl-C), then resume it; two runs never work on one checkpoint"
    )]
    StillRunning(String),
    #[error(
        "the checkpoint {} does not rebuild the progress it saved\n\
         help: its patch is still there to apply by hand; start a new run without `--resume`",
        .0.display()
    )]
    DoesNotRebuild(PathBuf),
    #[error("the checkpoint {} cannot be read: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error(
        "the run {run} was made by cargo-fix-swarm {theirs}, this is {ours}\n\
         help: resume it with that version, or start a new run without `--resume`"
    )]
    OtherVersion {
        run: String,
        theirs: String,
        ours: String,
    },
    #[error(
        "the run {run} checked other packages, targets, features or gate (`{theirs}`, now \
         `{ours}`)\n\
         help: pass the same selection and `--gate` flags as the stopped run"
    )]
    OtherSelection {
        run: String,
        theirs: String,
        ours: String,
    },
    #[error(
        "your sources changed since the run {run} stopped:\n{}\n\
         help: its fixes are saved in {}; apply them with `git apply`, or start a new run \
         without `--resume`",
        files.iter().map(|f| format!("  {}", f.display())).collect::<Vec<_>>().join("\n"),
        patch.display()
    )]
    SourcesChanged {
        run: String,
        files: Vec<PathBuf>,
        patch: PathBuf,
    },
}

impl Checkpoint {
    /// Whether the checkpoint can go on from the sources whose tree is `tree` now, checked with
    /// `check_args`; `changed` lists the files that differ from the snapshot, for the error.
    pub fn resume_from(
        &self,
        tree: &str,
        check_args: &[String],
        record: &Path,
        changed: impl FnOnce() -> Vec<PathBuf>,
    ) -> Result<ResumeFrom, ResumeError> {
        let ours = env!("CARGO_PKG_VERSION");
        if self.version != ours {
            return Err(ResumeError::OtherVersion {
                run: self.run.clone(),
                theirs: self.version.clone(),
                ours: ours.to_owned(),
            });
        }
        if self.check_args != check_args {
            return Err(ResumeError::OtherSelection {
                run: self.run.clone(),
                theirs: self.check_args.join(" "),
                ours: check_args.join(" "),
            });
        }
        if tree == self.snapshot_tree {
            Ok(ResumeFrom::Snapshot)
        } else if tree == self.progress_tree {
            Ok(ResumeFrom::Progress)
        } else {
            Err(ResumeError::SourcesChanged {
                run: self.run.clone(),
                files: changed(),
                patch: record.join(PATCH_NAME),
            })
        }
    }
}

/// Saves `checkpoint` and its patch in the run's record `record`, each written whole (a run
/// killed while saving leaves the previous checkpoint).
pub fn save(record: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    std::fs::create_dir_all(record)?;
    let json = serde_json::to_vec_pretty(checkpoint).map_err(std::io::Error::other)?;
    write_whole(
        &record.join(PATCH_NAME),
        checkpoint.patch.unified_diff().as_bytes(),
    )?;
    write_whole(&record.join(FILE_NAME), &json)
}

fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

/// Removes the checkpoint of a run that ended by itself; its progress patch stays in the record.
pub fn remove(record: &Path) {
    let _ = std::fs::remove_file(record.join(FILE_NAME));
}

/// Reads the checkpoint of the run recorded in `record`.
pub fn load(record: &Path, run: &str) -> Result<Checkpoint, ResumeError> {
    let path = record.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ResumeError::NoCheckpoint(run.to_owned()));
        }
        Err(error) => {
            return Err(ResumeError::Unreadable {
                path,
                reason: error.to_string(),
            });
        }
    };
    serde_json::from_str(&text).map_err(|error| ResumeError::Unreadable {
        path,
        reason: error.to_string(),
    })
}

/// The run under `runs` whose checkpoint was saved last, leaving out runs `is_live` says still
/// run (they save checkpoints as they go).
pub fn latest(runs: &Path, is_live: impl Fn(RunId) -> bool) -> Result<RunId, ResumeError> {
    let none = || ResumeError::NoneFound(runs.to_owned());
    let entries = std::fs::read_dir(runs).map_err(|_| none())?;
    entries
        .flatten()
        .filter_map(|entry| {
            let run: RunId = entry.file_name().to_str()?.parse().ok()?;
            let checkpoint = entry.path().join(FILE_NAME);
            let saved = checkpoint.metadata().ok()?.modified().ok()?;
            (!is_live(run)).then_some((saved, run))
        })
        .max()
        .map(|(_, run)| run)
        .ok_or_else(none)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            run: "7-1700000000".to_owned(),
            check_args: vec!["--all-targets".to_owned()],
            snapshot_tree: "aaaa".to_owned(),
            progress_tree: "bbbb".to_owned(),
            rounds: 1,
            errors_before: 3,
            fixes: Vec::new(),
            tally: Tally::default(),
            patch: Patch::from_contents([(
                PathBuf::from("src/lib.rs"),
                Some(&b"countr\n"[..]),
                Some(&b"counter\n"[..]),
            )]),
        }
    }

    #[test]
    fn a_checkpoint_goes_on_from_the_snapshot_or_from_its_own_progress_only() {
        let checkpoint = checkpoint();
        let args = checkpoint.check_args.clone();
        let record = Path::new("/record");
        let unused = || unreachable!("no file list is needed");
        assert_eq!(
            checkpoint.resume_from("aaaa", &args, record, unused),
            Ok(ResumeFrom::Snapshot)
        );
        assert_eq!(
            checkpoint.resume_from("bbbb", &args, record, unused),
            Ok(ResumeFrom::Progress)
        );
        assert_eq!(
            checkpoint.resume_from("cccc", &args, record, || vec![PathBuf::from("src/x.rs")]),
            Err(ResumeError::SourcesChanged {
                run: "7-1700000000".to_owned(),
                files: vec![PathBuf::from("src/x.rs")],
                patch: PathBuf::from("/record/progress.patch"),
            })
        );
        assert!(matches!(
            checkpoint.resume_from("aaaa", &["--lib".to_owned()], record, unused),
            Err(ResumeError::OtherSelection { .. })
        ));
        let old = Checkpoint {
            version: "0.0.0".to_owned(),
            ..checkpoint
        };
        assert!(matches!(
            old.resume_from("aaaa", &args, record, unused),
            Err(ResumeError::OtherVersion { .. })
        ));
    }

    #[test]
    fn a_saved_checkpoint_reads_back_and_the_latest_is_found() {
        let runs = tempfile::tempdir().unwrap();
        let alive = |_| false;
        assert_eq!(
            latest(runs.path(), alive),
            Err(ResumeError::NoneFound(runs.path().to_owned()))
        );
        let record = runs.path().join("7-1700000000");
        save(&record, &checkpoint()).unwrap();
        std::fs::create_dir_all(runs.path().join("8-1700000001")).unwrap();
        assert_eq!(load(&record, "7-1700000000"), Ok(checkpoint()));
        let run: RunId = "7-1700000000".parse().unwrap();
        assert_eq!(latest(runs.path(), alive), Ok(run));
        assert_eq!(
            latest(runs.path(), |live| live == run),
            Err(ResumeError::NoneFound(runs.path().to_owned()))
        );
        let patch = std::fs::read_to_string(record.join(PATCH_NAME)).unwrap();
        assert!(patch.contains("+counter"), "{patch}");
        remove(&record);
        assert_eq!(
            load(&record, "7-1700000000"),
            Err(ResumeError::NoCheckpoint("7-1700000000".to_owned()))
        );
    }
}
