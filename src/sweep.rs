//! Sweeps what runs that died without cleaning up (SIGKILL, a crash, a power cut) left: their
//! worktrees and temporary branches in the repository, their work directories (worktrees and
//! target directories), scratch repositories and lock files. A run's files are removed only once
//! its lock could be taken (it is gone, and no other run sweeps it at the same time); a live run,
//! this one or a concurrent one, is never touched. Records (`runs/`) are kept on purpose.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::git::{self, Repo};
use crate::run_dirs::{RunDirs, WORKTREE_PREFIX};
use crate::run_id::RunId;
use crate::run_lock::{self, Claim, RunLock};

/// What the sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Swept {
    /// The dead runs whose files were removed.
    pub runs: Vec<RunId>,
    /// What could not be removed (or looked at); the next run tries again.
    pub left: Vec<Leftover>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Leftover {
    /// A path, or the name of a worktree or branch.
    pub what: PathBuf,
    pub error: String,
}

impl Swept {
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty() && self.left.is_empty()
    }

    fn left(&mut self, what: impl Into<PathBuf>, error: impl ToString) {
        self.left.push(Leftover {
            what: what.into(),
            error: error.to_string(),
        });
    }
}

/// Each run found, in the dirs its files are in, with its worktrees and branches by name, each
/// marked with whether its files lie where that run put them (and may go with it).
type Found = BTreeMap<(RunDirs, RunId), Vec<(String, bool)>>;

/// Sweeps the dead runs found in `dirs` and, when there is one, in the user's repository
/// (`None` with `--allow-no-vcs`: a dead run's worktrees were registered in its scratch
/// repository, which goes with it). `own` is this run, never swept.
pub fn sweep(dirs: &RunDirs, repo: Option<&Repo>, own: RunId) -> Swept {
    let mut swept = Swept::default();
    let mut runs = Found::new();
    find_in_dirs(dirs, &mut runs, &mut swept);
    if let Some(repo) = repo {
        find_in_repo(dirs, repo, &mut runs, &mut swept);
    }
    for ((dirs, run), names) in runs {
        if run != own {
            sweep_run(&dirs, run, repo, names, &mut swept);
        }
    }
    swept.runs.sort();
    swept.runs.dedup();
    swept
}

/// The runs that have a work directory, a scratch repository or a lock file in `dirs`.
fn find_in_dirs(dirs: &RunDirs, runs: &mut Found, swept: &mut Swept) {
    for (dir, run_of) in [
        (dirs.works(), parse_run as fn(&str) -> Option<RunId>),
        (dirs.scratch_gits(), parse_run),
        (dirs.locks(), RunDirs::run_of_lock),
    ] {
        match entries(&dir) {
            Ok(names) => {
                for run in names.iter().filter_map(|name| run_of(name)) {
                    runs.entry((dirs.clone(), run)).or_default();
                }
            }
            Err(error) => swept.left(dir, error),
        }
    }
}

/// The runs that have worktrees or branches in the user's repository. A worktree that lies where
/// its run put it belongs to the dirs it lies in (another target directory's run, perhaps); one
/// that was moved is only forgotten, never removed with what it holds now.
fn find_in_repo(dirs: &RunDirs, repo: &Repo, runs: &mut Found, swept: &mut Swept) {
    match git::worktrees_named(repo, WORKTREE_PREFIX) {
        Ok(worktrees) => {
            for (name, path) in worktrees {
                let in_place = RunDirs::of_worktree(&path)
                    .filter(|(dirs, run)| path.starts_with(dirs.work(*run).join(&name)));
                let (owner, ours) = match in_place {
                    Some(owner) => (Some(owner), true),
                    None => (
                        RunDirs::run_of_worktree_name(&name).map(|run| (dirs.clone(), run)),
                        false,
                    ),
                };
                if let Some(owner) = owner {
                    runs.entry(owner).or_default().push((name, ours));
                }
            }
        }
        Err(error) => swept.left("worktrees", error),
    }
    match git::branches_named(repo, WORKTREE_PREFIX) {
        Ok(branches) => {
            for name in branches {
                if let Some(run) = RunDirs::run_of_worktree_name(&name) {
                    runs.entry((dirs.clone(), run))
                        .or_default()
                        .push((name, true));
                }
            }
        }
        Err(error) => swept.left("branches", error),
    }
}

/// Removes what `run` left, if its lock can be taken (or it has none and is not running): its
/// worktrees and branches, its work directory and scratch repository, then its lock file.
fn sweep_run(
    dirs: &RunDirs,
    run: RunId,
    repo: Option<&Repo>,
    names: Vec<(String, bool)>,
    swept: &mut Swept,
) {
    let lock_path = dirs.lock(run);
    let claimed = match RunLock::claim(&lock_path) {
        Ok(Claim::Held) => return,
        Ok(Claim::Claimed(lock)) => Some(lock),
        Ok(Claim::NoLock) if run_lock::may_be_running(run) => return,
        Ok(Claim::NoLock) => None,
        Err(error) => {
            swept.left(lock_path, error);
            return;
        }
    };
    if let Some(repo) = repo {
        for (name, ours) in names {
            let removed = if ours {
                git::remove_worktree(repo, &name)
            } else {
                git::forget_worktree(repo, &name)
            };
            if let Err(error) = removed {
                swept.left(name, error);
            }
        }
    }
    for dir in [dirs.work(run), dirs.scratch_git(run)] {
        match std::fs::remove_dir_all(&dir) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => swept.left(dir, error),
            _ => {}
        }
    }
    swept.runs.push(run);
    // The claimed lock goes last, with its file.
    drop(claimed);
}

fn parse_run(name: &str) -> Option<RunId> {
    name.parse().ok()
}

/// The names in `dir`; none if it does not exist.
fn entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    Ok(read
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pid: u32) -> RunId {
        RunId {
            pid,
            started: 1_700_000_000,
        }
    }

    /// The files a run makes in `dirs`: a work directory with a target directory inside, and
    /// a scratch repository.
    fn leave_files(dirs: &RunDirs, run: RunId) {
        let target = dirs.work(run).join(format!("fix-swarm-{run}-0.target"));
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("output"), "x").unwrap();
        std::fs::create_dir_all(dirs.scratch_git(run)).unwrap();
    }

    #[test]
    fn a_dead_run_is_swept_and_a_live_one_and_this_one_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = RunDirs::in_target_dir(dir.path());
        let (dead, live, own) = (run(1), run(2), run(3));
        for run in [dead, live, own] {
            leave_files(&dirs, run);
        }
        // The dead run's lock file is left, free; the live one holds its lock.
        std::fs::create_dir_all(dirs.locks()).unwrap();
        std::fs::write(dirs.lock(dead), "").unwrap();
        let _live = RunLock::acquire(&dirs.lock(live)).unwrap();

        let swept = sweep(&dirs, None, own);

        assert_eq!(
            swept,
            Swept {
                runs: vec![dead],
                left: Vec::new()
            }
        );
        assert!(!dirs.work(dead).exists());
        assert!(!dirs.scratch_git(dead).exists());
        assert!(!dirs.lock(dead).exists());
        for run in [live, own] {
            assert!(dirs.work(run).exists());
            assert!(dirs.scratch_git(run).exists());
        }
        assert!(dirs.lock(live).exists());
    }

    #[test]
    fn nothing_to_sweep_is_no_problem() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = RunDirs::in_target_dir(&dir.path().join("never-built"));
        assert!(sweep(&dirs, None, run(3)).is_empty());
    }

    #[test]
    fn directories_that_are_not_runs_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = RunDirs::in_target_dir(dir.path());
        let foreign = dirs.works().join("gate-test");
        std::fs::create_dir_all(&foreign).unwrap();
        assert!(sweep(&dirs, None, run(3)).is_empty());
        assert!(foreign.exists());
    }
}
