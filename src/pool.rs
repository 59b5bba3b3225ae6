//! The pool of persistent worktrees the gate runs in: each with its own target directory, seeded
//! with timestamps kept, reused between candidates, and all removed when the run ends.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::git::{self, GitError, Oid, Repo};
use crate::patch::Patch;

/// One persistent worktree and its own cargo target directory.
#[derive(Debug)]
pub struct Slot {
    pub name: String,
    /// Canonical path of the worktree.
    pub path: PathBuf,
    pub target_dir: PathBuf,
    /// The commit whose files the worktree holds, apart from `written`.
    at: Oid,
    /// Files written for a candidate and not yet restored: a worker that died mid-gate leaves them.
    written: BTreeSet<PathBuf>,
}

impl Slot {
    /// Brings the worktree to exactly `commit`. Only files that differ are rewritten, so cargo's
    /// fingerprints of everything else stay fresh.
    pub fn prepare(&mut self, commit: Oid) -> Result<(), PoolError> {
        if self.at != commit || !self.written.is_empty() {
            git::checkout(&self.path, commit)?;
            self.at = commit;
            self.written.clear();
        }
        Ok(())
    }

    pub fn write(&mut self, patch: &Patch) -> Result<(), PoolError> {
        for (path, change) in &patch.files {
            self.written.insert(path.clone());
            write_file(&self.path.join(path), &change.after)?;
        }
        Ok(())
    }

    /// Puts back the files `patch` changed. Their new mtime makes cargo recheck them next time,
    /// which is what we want: a later candidate must never be judged on an earlier one's build.
    pub fn restore(&mut self, patch: &Patch) -> Result<(), PoolError> {
        for (path, change) in &patch.files {
            write_file(&self.path.join(path), &change.before)?;
            self.written.remove(path);
        }
        Ok(())
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), PoolError> {
    std::fs::write(path, text).map_err(|source| PoolError::Io {
        context: format!("writing {}", path.display()),
        source,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

#[derive(Debug)]
struct Shared {
    repo: Repo,
    work_dir: PathBuf,
    prefix: String,
    idle: Mutex<Vec<Slot>>,
    /// Every worktree ever added, so that cleanup finds those a dead worker still held.
    names: Mutex<Vec<String>>,
    permits: Arc<Semaphore>,
}

impl Shared {
    fn remove_all(&self) -> Result<(), PoolError> {
        let names = std::mem::take(&mut *self.names.lock().unwrap_or_else(PoisonError::into_inner));
        let mut first_error = None;
        for name in names {
            if let Err(error) = git::remove_worktree(&self.repo, &name) {
                first_error.get_or_insert(PoolError::Git(error));
            }
        }
        if let Err(source) = remove_dir_all_retrying(&self.work_dir) {
            first_error.get_or_insert(PoolError::Io {
                context: format!("removing {}", self.work_dir.display()),
                source,
            });
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Drop for Shared {
    /// The last handle gone (a normal end, an error, a panic unwinding): no worktree survives.
    fn drop(&mut self) {
        if let Err(error) = self.remove_all() {
            tracing::warn!("cleaning up worktrees: {error}");
        }
    }
}

/// A cargo killed on Ctrl-C may leave rustc writing for a moment; try again briefly.
fn remove_dir_all_retrying(dir: &Path) -> std::io::Result<()> {
    let mut attempt = 0;
    loop {
        match std::fs::remove_dir_all(dir) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(_) if attempt < 5 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

/// A cheap handle to the pool; clones share it.
#[derive(Clone, Debug)]
pub struct WorktreePool {
    shared: Arc<Shared>,
}

/// A slot taken from the pool; dropping it gives the slot back.
#[derive(Debug)]
pub struct Lease {
    slot: Option<Slot>,
    shared: Arc<Shared>,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    /// Takes the slot out to move it into blocking work; give it back with `put_back`.
    pub fn take(&mut self) -> Option<Slot> {
        self.slot.take()
    }

    pub fn put_back(&mut self, slot: Slot) {
        self.slot = Some(slot);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.shared
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(slot);
        }
    }
}

impl WorktreePool {
    /// Makes the pool with its first worktree at `commit`, its target seeded from `seed` (the
    /// user's build directories for this profile, as `(source, path inside the target dir)`).
    /// `prefix` names this run's worktrees so that a later run can tell stale ones.
    pub fn create(
        repo: Repo,
        work_dir: PathBuf,
        prefix: String,
        commit: Oid,
        seed: &[(PathBuf, PathBuf)],
    ) -> Result<WorktreePool, PoolError> {
        let shared = Arc::new(Shared {
            repo,
            work_dir,
            prefix,
            idle: Mutex::new(Vec::new()),
            names: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(0)),
        });
        let pool = WorktreePool { shared };
        let slot = pool.add_slot(0, commit)?;
        for (source, relative) in seed {
            copy_with_timestamps(source, &slot.target_dir.join(relative));
        }
        pool.release_new(slot);
        Ok(pool)
    }

    fn add_slot(&self, index: usize, commit: Oid) -> Result<Slot, PoolError> {
        let name = format!("{}{index}", self.shared.prefix);
        let path = self.shared.work_dir.join(&name);
        self.shared
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(name.clone());
        git::add_worktree(&self.shared.repo, &name, &path, commit)?;
        let path = std::fs::canonicalize(&path).map_err(|source| PoolError::Io {
            context: format!("resolving {}", path.display()),
            source,
        })?;
        let target_dir = self.shared.work_dir.join(format!("{name}.target"));
        Ok(Slot {
            name,
            path,
            target_dir,
            at: commit,
            written: BTreeSet::new(),
        })
    }

    fn release_new(&self, slot: Slot) {
        self.shared
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(slot);
        self.shared.permits.add_permits(1);
    }

    pub fn size(&self) -> usize {
        self.shared
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Grows the pool to `total` worktrees, each target seeded from the first slot's, which must
    /// be idle (it is: this runs right after the first check, before any worker starts).
    pub fn grow(&self, total: usize, commit: Oid) -> Result<(), PoolError> {
        let template = {
            let idle = self
                .shared
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            idle.first().map(|slot| slot.target_dir.clone())
        };
        let start = self.size();
        let slots: Vec<Result<Slot, PoolError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (start..total)
                .map(|index| {
                    let template = template.clone();
                    scope.spawn(move || {
                        let slot = self.add_slot(index, commit)?;
                        if let Some(template) = template {
                            copy_with_timestamps(&template, &slot.target_dir);
                        }
                        Ok(slot)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("seeding a worktree does not panic"))
                .collect()
        });
        for slot in slots {
            self.release_new(slot?);
        }
        Ok(())
    }

    /// Waits for a free worktree: this is what bounds concurrent gate runs.
    pub async fn acquire(&self) -> Lease {
        let permit = Arc::clone(&self.shared.permits)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        let slot = self
            .shared
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        Lease {
            slot,
            shared: Arc::clone(&self.shared),
            _permit: permit,
        }
    }

    /// Removes every worktree and target directory of the pool now.
    pub fn close(&self) -> Result<(), PoolError> {
        self.shared.remove_all()
    }
}

/// Copies a build directory keeping modification times, which cargo's freshness checks read: a
/// plain copy makes cargo rebuild half the graph. Never hard links: cargo writes fingerprints in
/// place, and a hard-linked copy would let one tree's build vouch for another's sources. A failed
/// copy is not an error, only a colder first check.
fn copy_with_timestamps(source: &Path, destination: &Path) {
    if !source.is_dir() {
        return;
    }
    if let Some(parent) = destination.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let mut command = Command::new("cp");
    command.arg("-a");
    if cfg!(target_os = "linux") {
        command.arg("--reflink=auto");
    }
    match command.arg(source).arg(destination).status() {
        Ok(status) if status.success() => {}
        outcome => tracing::warn!(
            "could not seed {} from {}: {outcome:?}",
            destination.display(),
            source.display()
        ),
    }
}
