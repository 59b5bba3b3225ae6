//! Where runs keep their files under the target directory, all named by run id:
//! `fix-swarm/work/<run>/` (worktrees and their target directories), `fix-swarm/scratch-git/<run>/`
//! (the repository of `--allow-no-vcs`), `fix-swarm/locks/<run>.lock` (held while the run lives)
//! and `fix-swarm/runs/<run>/` (the run's record, which is kept).

use std::path::{Path, PathBuf};

use crate::run_id::RunId;

/// What every worktree and temporary branch of ours is named with, followed by `<run>-<n>`.
pub const WORKTREE_PREFIX: &str = "fix-swarm-";

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunDirs {
    /// `<target dir>/fix-swarm`.
    root: PathBuf,
}

impl RunDirs {
    pub fn in_target_dir(target_dir: &Path) -> RunDirs {
        RunDirs {
            root: target_dir.join("fix-swarm"),
        }
    }

    /// The parent of every run's work directory.
    pub fn works(&self) -> PathBuf {
        self.root.join("work")
    }

    pub fn work(&self, run: RunId) -> PathBuf {
        self.works().join(run.to_string())
    }

    /// The parent of every run's scratch repository.
    pub fn scratch_gits(&self) -> PathBuf {
        self.root.join("scratch-git")
    }

    pub fn scratch_git(&self, run: RunId) -> PathBuf {
        self.scratch_gits().join(run.to_string())
    }

    pub fn locks(&self) -> PathBuf {
        self.root.join("locks")
    }

    pub fn lock(&self, run: RunId) -> PathBuf {
        self.locks().join(format!("{run}.lock"))
    }

    /// The parent of every run's record.
    pub fn runs(&self) -> PathBuf {
        self.root.join("runs")
    }

    pub fn record(&self, run: RunId) -> PathBuf {
        self.runs().join(run.to_string())
    }

    /// The run whose lock file is named `name`.
    pub fn run_of_lock(name: &str) -> Option<RunId> {
        name.strip_suffix(".lock")?.parse().ok()
    }

    /// What the worktrees of `run` are named with, followed by their index.
    pub fn worktree_prefix(run: RunId) -> String {
        format!("{WORKTREE_PREFIX}{run}-")
    }

    /// The run a worktree or branch named `fix-swarm-<run>-<n>` belongs to.
    pub fn run_of_worktree_name(name: &str) -> Option<RunId> {
        let (run, index) = name.strip_prefix(WORKTREE_PREFIX)?.rsplit_once('-')?;
        let is_index = !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit());
        is_index.then(|| run.parse().ok()).flatten()
    }

    /// The dirs and run of a worktree at `path`, if it lies where runs put theirs,
    /// `<root>/work/<run>/<name>/…` (a worktree may be nested deeper below its own directory, see
    /// `layout::Mirror`): the worktree of a run with another target directory is judged by that
    /// run's own lock.
    pub fn of_worktree(path: &Path) -> Option<(RunDirs, RunId)> {
        // The outermost match: the worktree's own path below it may hold anything.
        let ancestors: Vec<&Path> = path.ancestors().skip(1).collect();
        ancestors.into_iter().rev().find_map(|run_dir| {
            let run = run_dir.file_name()?.to_str()?.parse().ok()?;
            let works = run_dir.parent()?;
            if works.file_name()? != "work" {
                return None;
            }
            let root = works.parent()?;
            (root.file_name()? == "fix-swarm").then(|| {
                let dirs = RunDirs {
                    root: root.to_owned(),
                };
                (dirs, run)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: RunId = RunId {
        pid: 77,
        started: 1_700_000_000,
    };

    #[test]
    fn every_file_of_a_run_is_named_by_its_id() {
        let dirs = RunDirs::in_target_dir(Path::new("/p/target"));
        assert_eq!(
            dirs.work(RUN),
            Path::new("/p/target/fix-swarm/work/77-1700000000")
        );
        assert_eq!(
            dirs.scratch_git(RUN),
            Path::new("/p/target/fix-swarm/scratch-git/77-1700000000")
        );
        assert_eq!(
            dirs.lock(RUN),
            Path::new("/p/target/fix-swarm/locks/77-1700000000.lock")
        );
        assert_eq!(RunDirs::run_of_lock("77-1700000000.lock"), Some(RUN));
        assert_eq!(RunDirs::run_of_lock(".tmpXyZ.lock"), None);
    }

    #[test]
    fn a_worktree_names_its_run_and_lies_in_its_layout() {
        let name = format!("{}3", RunDirs::worktree_prefix(RUN));
        assert_eq!(name, "fix-swarm-77-1700000000-3");
        assert_eq!(RunDirs::run_of_worktree_name(&name), Some(RUN));
        // A name from before run ids carried the time, and one of someone else's.
        assert_eq!(RunDirs::run_of_worktree_name("fix-swarm-77-3"), None);
        assert_eq!(RunDirs::run_of_worktree_name("fix-swarm-gate-test-0"), None);

        let dirs = RunDirs::in_target_dir(Path::new("/elsewhere/target"));
        let path = dirs.work(RUN).join(&name);
        assert_eq!(RunDirs::of_worktree(&path), Some((dirs.clone(), RUN)));
        let nested = dirs.work(RUN).join(&name).join("proj/repo");
        assert_eq!(RunDirs::of_worktree(&nested), Some((dirs, RUN)));
        assert_eq!(
            RunDirs::of_worktree(Path::new("/p/target/fix-swarm/other/77-1700000000/w")),
            None
        );
        assert_eq!(
            RunDirs::of_worktree(Path::new("/p/target/work/77-1700000000/w")),
            None
        );
    }
}
