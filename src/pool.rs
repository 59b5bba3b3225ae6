//! The pool of persistent worktrees the gate runs in: each with its own target directory, seeded
//! with timestamps kept, reused between candidates, and all removed when the run ends.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::git::{self, GitError, Oid, Repo};
use crate::layout::{Layout, Mirror};
use crate::patch::Patch;

mod files;

use files::{
    copy_inputs, copy_with_timestamps, inherit_mtimes, make_link, refuse_links, retarget_links,
    write_file,
};

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
    /// What makes the worktree the user's tree as cargo sees it, beyond the commit's files.
    layout: Arc<Layout>,
}

impl Slot {
    /// Brings the worktree to exactly `commit`. Only files that differ are rewritten, so cargo's
    /// fingerprints of everything else stay fresh.
    pub fn prepare(&mut self, commit: Oid) -> Result<(), PoolError> {
        if self.at != commit || !self.written.is_empty() {
            git::checkout(&self.path, commit)?;
            retarget_links(&self.path, &self.layout)?;
            self.at = commit;
            self.written.clear();
        }
        Ok(())
    }

    /// Writes the candidate's files. A path that is a link, or passes through one, is refused:
    /// a link may lead out of the worktree, into the user's tree or anywhere else.
    pub fn write(&mut self, patch: &Patch) -> Result<(), PoolError> {
        for path in patch.paths() {
            refuse_links(&self.path, path)?;
        }
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

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("refusing to write {}: it is, or passes through, a symbolic link", .0.display())]
    ThroughLink(PathBuf),
}

#[derive(Debug)]
struct Shared {
    repo: Repo,
    work_dir: PathBuf,
    prefix: String,
    idle: Mutex<Vec<Slot>>,
    /// Worktrees made but not yet seeded, hence not offered.
    waiting: Mutex<Vec<Slot>>,
    /// Every worktree ever added, so that cleanup finds those a dead worker still held.
    names: Mutex<Vec<String>>,
    permits: Arc<Semaphore>,
    /// Permits added with an offered worktree and not yet taken back by `quiesce`.
    offered: AtomicU32,
    /// Whether `close` ran: its problems were reported, and trying again on drop would only log
    /// them twice.
    closed: AtomicBool,
    layout: Arc<Layout>,
    mirror: Mirror,
}

impl Shared {
    /// Removes every worktree and the work directory; returns each problem met.
    fn remove_all(&self) -> Vec<PoolError> {
        let names = std::mem::take(&mut *self.names.lock().unwrap_or_else(PoisonError::into_inner));
        let mut problems = Vec::new();
        for name in names {
            if let Err(error) = git::remove_worktree(&self.repo, &name) {
                problems.push(PoolError::Git(error));
            }
        }
        if let Err(source) = remove_dir_all_retrying(&self.work_dir) {
            problems.push(PoolError::Io {
                context: format!("removing {}", self.work_dir.display()),
                source,
            });
        }
        problems
    }
}

impl Drop for Shared {
    /// The last handle gone (a normal end, an error, a panic unwinding): no worktree survives.
    fn drop(&mut self) {
        if self.closed.load(Ordering::SeqCst) {
            return;
        }
        for problem in self.remove_all() {
            tracing::warn!("cleaning up worktrees: {problem}");
        }
    }
}

/// A cargo group killed by a stop may leave rustc writing for the moment it takes to die; try
/// again briefly.
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

/// A slot taken from the pool, with the permit that bounds gate runs; dropping the lease gives
/// both back, the slot first. The slot never leaves the lease: to work on it in a blocking task,
/// move the whole lease there and back, so that however the future waiting for that task ends
/// (finished, dropped by a timeout, aborted with its JoinSet), the task's end still drops the
/// lease and the worktree returns. A permit without its slot would make a later gate run find no
/// worktree.
#[derive(Debug)]
pub struct Lease {
    /// `Some` from `acquire` until the lease is dropped.
    slot: Option<Slot>,
    shared: Arc<Shared>,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    pub fn slot(&mut self) -> &mut Slot {
        self.slot
            .as_mut()
            .expect("a lease holds its slot until it is dropped")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // `_permit` is dropped after this body: the slot is idle before its permit is free.
        if let Some(slot) = self.slot.take() {
            self.shared
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(slot);
        }
    }
}

/// What the pool is made of.
#[derive(Clone, Debug)]
pub struct PoolSpec {
    pub repo: Repo,
    /// Where the worktrees and their target directories go (under the user's target directory).
    pub work_dir: PathBuf,
    /// Names this run's worktrees, so that a later run can tell stale ones.
    pub prefix: String,
    pub size: usize,
    /// The user's build directories for this profile, as `(source, path inside a target dir)`.
    pub seed: Vec<(PathBuf, PathBuf)>,
    /// The user's work tree, whose files' modification times the worktrees take over where the
    /// bytes are the same.
    pub mtimes_from: Option<PathBuf>,
    /// Links to retarget and inputs to copy in every worktree.
    pub layout: Arc<Layout>,
    /// Where each worktree sits below its own directory, and the links beside it, so that
    /// relative paths out of the checkout lead where they do from the user's tree.
    pub mirror: Mirror,
}

impl WorktreePool {
    /// Makes all the pool's worktrees at `commit`, but offers only the first, its target seeded
    /// from the user's; `seed_rest` offers the others once the first has been checked. Checking
    /// every worktree out before that first check is what keeps the copies of its target fresh:
    /// their sources are older than the fingerprints copied with it.
    pub fn create(spec: PoolSpec, commit: Oid) -> Result<WorktreePool, PoolError> {
        let shared = Arc::new(Shared {
            repo: spec.repo,
            work_dir: spec.work_dir,
            prefix: spec.prefix,
            idle: Mutex::new(Vec::new()),
            waiting: Mutex::new(Vec::new()),
            names: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(0)),
            offered: AtomicU32::new(0),
            closed: AtomicBool::new(false),
            layout: spec.layout,
            mirror: spec.mirror,
        });
        let pool = WorktreePool { shared };
        // One after another: libgit2 takes locks in the shared git directory to add each one.
        let mut slots = (0..spec.size.max(1))
            .map(|index| pool.add_slot(index, commit))
            .collect::<Result<Vec<Slot>, PoolError>>()?;
        if let Some(user_tree) = spec.mtimes_from.as_deref() {
            std::thread::scope(|scope| {
                for slot in &slots {
                    scope.spawn(move || inherit_mtimes(&slot.path, user_tree, Path::new("")));
                }
            });
        }
        let first = slots.remove(0);
        for (source, relative) in &spec.seed {
            copy_with_timestamps(source, &first.target_dir.join(relative));
        }
        pool.release(first);
        *pool
            .shared
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = slots;
        Ok(pool)
    }

    fn add_slot(&self, index: usize, commit: Oid) -> Result<Slot, PoolError> {
        let name = format!("{}{index}", self.shared.prefix);
        let base = self.shared.work_dir.join(&name);
        let path = base.join(&self.shared.mirror.nesting);
        self.shared
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(name.clone());
        for (link, target) in &self.shared.mirror.links {
            let at = base.join(link);
            let made = at
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| make_link(target, &at));
            made.map_err(|source| PoolError::Io {
                context: format!("linking {} to {}", at.display(), target.display()),
                source,
            })?;
        }
        git::add_worktree(&self.shared.repo, &name, &path, commit)?;
        let path = std::fs::canonicalize(&path).map_err(|source| PoolError::Io {
            context: format!("resolving {}", path.display()),
            source,
        })?;
        retarget_links(&path, &self.shared.layout)?;
        copy_inputs(&path, &self.shared.layout)?;
        let target_dir = self.shared.work_dir.join(format!("{name}.target"));
        Ok(Slot {
            name,
            path,
            target_dir,
            at: commit,
            written: BTreeSet::new(),
            layout: Arc::clone(&self.shared.layout),
        })
    }

    fn release(&self, slot: Slot) {
        self.shared
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(slot);
        self.shared.offered.fetch_add(1, Ordering::SeqCst);
        self.shared.permits.add_permits(1);
    }

    /// How many worktrees the pool has made.
    pub fn size(&self) -> usize {
        self.shared
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Seeds the other worktrees' targets from the first one's and offers them. The first must be
    /// idle (it is: this runs right after the first check, before any worker starts).
    pub fn seed_rest(&self) {
        let template = {
            let idle = self
                .shared
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            idle.first().map(|slot| slot.target_dir.clone())
        };
        let waiting = std::mem::take(
            &mut *self
                .shared
                .waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        std::thread::scope(|scope| {
            for slot in &waiting {
                if let Some(template) = &template {
                    scope.spawn(move || copy_with_timestamps(template, &slot.target_dir));
                }
            }
        });
        for slot in waiting {
            self.release(slot);
        }
    }

    /// Waits for a free worktree: this is what bounds concurrent gate runs.
    pub async fn acquire(&self) -> Lease {
        let permit = Arc::clone(&self.shared.permits)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        // A permit is added only with an idle slot (`release`) and freed only after its slot went
        // back (`Lease::drop`), so there is always one to take.
        let slot = self
            .shared
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .expect("a free permit always has an idle slot");
        Lease {
            slot: Some(slot),
            shared: Arc::clone(&self.shared),
            _permit: permit,
        }
    }

    /// Waits until every worktree the pool offered is back, and keeps them: no lease can be taken
    /// afterwards. A worker cut off by its timeout may still hold one in blocking work (a
    /// checkout) that runs on although nobody waits for it; removing the worktree under it would
    /// race with that work. Gives up after `within`, and returns how many worktrees were still
    /// out then (0 when all came back).
    pub async fn quiesce(&self, within: Duration) -> u32 {
        let offered = self.shared.offered.load(Ordering::SeqCst);
        let all = Arc::clone(&self.shared.permits).acquire_many_owned(offered);
        match tokio::time::timeout(within, all).await {
            Ok(permits) => {
                permits
                    .expect("the pool's semaphore is never closed")
                    .forget();
                self.shared.offered.fetch_sub(offered, Ordering::SeqCst);
                0
            }
            Err(_elapsed) => {
                let free = u32::try_from(self.shared.permits.available_permits()).unwrap_or(0);
                offered.saturating_sub(free)
            }
        }
    }

    /// Removes every worktree and target directory of the pool now; returns each problem met (none
    /// when everything is gone). Call `quiesce` first: a worktree still leased is removed all
    /// the same.
    pub fn close(&self) -> Vec<PoolError> {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.remove_all()
    }
}

#[cfg(test)]
mod tests;
