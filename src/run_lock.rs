//! A run's lock file, and how another run tells a live run from a dead one. The lock is held from
//! before the run makes anything until after it removed everything; the kernel releases it
//! however the process ends (SIGKILL included). Unlike a process id, which the system hands to an
//! unrelated process once the run is gone, a lock that can be taken proves the run is gone, and
//! one that cannot proves it lives.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use crate::run_id::RunId;

/// A held lock file. Dropping it removes the file, then releases the lock.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    _file: File,
}

/// What trying another run's lock found.
#[derive(Debug)]
pub enum Claim {
    /// Its lock is held: the run lives. Nothing of it may be touched.
    Held,
    /// Its lock was free, so the run is gone; the lock is now ours until its files are removed,
    /// so that no other sweeping run works on them at the same time.
    Claimed(RunLock),
    /// It has no lock that can tell: no lock file (it finished or was swept already, or it is a
    /// run of a version without lock files), or a file system that cannot lock;
    /// `may_be_running` tells.
    NoLock,
}

impl RunLock {
    /// Takes the lock at `path`, making the file. The file appears under its name already locked
    /// (made under a temporary name, locked, then renamed), so a lock file that can be taken
    /// always belongs to a run that is gone, never to one about to lock it.
    pub fn acquire(path: &Path) -> io::Result<RunLock> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let temporary = tempfile::Builder::new()
            .prefix(".")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        match temporary.as_file().lock() {
            Ok(()) => {}
            // Other runs then judge this one by its process, as they would without the file.
            Err(error) if error.kind() == io::ErrorKind::Unsupported => {
                tracing::warn!("cannot lock {}: {error}", path.display());
            }
            Err(error) => return Err(error),
        }
        // No clobbering: two live runs never share an id, and must never share a lock.
        let file = temporary
            .persist_noclobber(path)
            .map_err(|error| error.error)?;
        Ok(RunLock {
            path: path.to_owned(),
            _file: file,
        })
    }

    /// Tries the lock at `path` of another run, without waiting.
    pub fn claim(path: &Path) -> io::Result<Claim> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Claim::NoLock),
            Err(error) => return Err(error),
        };
        match file.try_lock() {
            Ok(()) => Ok(Claim::Claimed(RunLock {
                path: path.to_owned(),
                _file: file,
            })),
            Err(TryLockError::WouldBlock) => Ok(Claim::Held),
            Err(TryLockError::Error(error)) if error.kind() == io::ErrorKind::Unsupported => {
                Ok(Claim::NoLock)
            }
            Err(TryLockError::Error(error)) => Err(error),
        }
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock is released when `_file` closes right after.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// How far apart the run's own clock reading and the kernel's account of its process's start may
/// be: `/proc/stat`'s boot time is whole seconds, and drifts with clock adjustments.
const START_SLACK_SECS: u64 = 2;

/// Whether the process with `run`'s pid may still be that run, for a run without a lock. It
/// may not if no such process exists (a zombie counts as gone), or if it started after the run
/// did: the pid was reused by an unrelated process, whose life must not keep the run's files
/// forever. When the start cannot be read (not Linux), the answer is yes: a run's files are
/// never removed on a guess.
pub fn may_be_running(run: RunId) -> bool {
    #[cfg(target_os = "linux")]
    {
        let stat = match std::fs::read_to_string(format!("/proc/{}/stat", run.pid)) {
            Ok(stat) => stat,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return false,
            Err(_) => return true,
        };
        let boot = std::fs::read_to_string("/proc/stat").ok();
        let boot = boot.as_deref().and_then(boot_time);
        let ticks = rustix::param::clock_ticks_per_second();
        match (parse_stat(&stat), boot) {
            (Some(process), Some(boot)) if ticks > 0 => {
                process.state != 'Z'
                    && process.state != 'X'
                    && could_be(run, boot + process.start_ticks / ticks)
            }
            _ => true,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = run;
        true
    }
}

/// Whether a process with the run's pid, started at `process_started` (Unix seconds), could be
/// the run: it must have been running when the run read the clock for its id.
fn could_be(run: RunId, process_started: u64) -> bool {
    process_started <= run.started + START_SLACK_SECS
}

/// A process's state letter and start (clock ticks after boot), from `/proc/<pid>/stat`.
#[derive(Debug, PartialEq, Eq)]
struct ProcessStat {
    state: char,
    start_ticks: u64,
}

fn parse_stat(stat: &str) -> Option<ProcessStat> {
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself:
    // fields are counted after the last `)`. State is field 3, the start time field 22.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(ProcessStat {
        state: fields.first()?.chars().next()?,
        start_ticks: fields.get(22 - 3)?.parse().ok()?,
    })
}

/// The boot time (Unix seconds) from `/proc/stat`.
fn boot_time(proc_stat: &str) -> Option<u64> {
    proc_stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))
        .and_then(|secs| secs.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: RunId = RunId {
        pid: 4242,
        started: 1_000_000,
    };

    #[test]
    fn a_process_that_started_after_the_run_holds_a_reused_pid() {
        assert!(could_be(RUN, 999_990));
        assert!(could_be(RUN, 1_000_000));
        assert!(could_be(RUN, 1_000_000 + START_SLACK_SECS));
        assert!(!could_be(RUN, 1_000_000 + START_SLACK_SECS + 1));
        assert!(!could_be(RUN, 2_000_000));
    }

    #[test]
    fn the_stat_line_is_read_after_the_command_name_whatever_it_holds() {
        let stat = "4242 (we ird) (name) S 1 4242 4242 0 -1 4194560 1200 0 0 0 3 1 0 0 20 0 \
                    1 0 987654 12345678 900 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 \
                    1 0 0 0 0 0";
        assert_eq!(
            parse_stat(stat),
            Some(ProcessStat {
                state: 'S',
                start_ticks: 987_654
            })
        );
        assert_eq!(parse_stat("4242 (cut"), None);
        assert_eq!(
            boot_time("cpu  1 2 3\nbtime 1700000000\nprocesses 9\n"),
            Some(1_700_000_000)
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_may_be_a_run_that_began_after_it_and_not_one_before() {
        let now = RunId::of_this_process();
        assert!(may_be_running(now));
        assert!(!may_be_running(RunId { started: 1, ..now }));
    }

    #[test]
    fn a_lock_is_held_while_its_run_lives_and_claimed_once_it_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locks").join("7-1.lock");
        assert!(matches!(RunLock::claim(&path), Ok(Claim::NoLock)));

        let held = RunLock::acquire(&path).unwrap();
        assert!(matches!(RunLock::claim(&path), Ok(Claim::Held)));
        assert!(
            RunLock::acquire(&path).is_err(),
            "a second run took the same lock"
        );
        drop(held);
        assert!(!path.exists());

        // What a killed run leaves: the file, with nobody holding it.
        std::fs::write(&path, "").unwrap();
        let Ok(Claim::Claimed(claimed)) = RunLock::claim(&path) else {
            panic!("a free lock was not claimed");
        };
        assert!(matches!(RunLock::claim(&path), Ok(Claim::Held)));
        drop(claimed);
        assert!(!path.exists());
        // Only the lock file is left in the directory: no temporary file.
        assert_eq!(
            std::fs::read_dir(dir.path().join("locks")).unwrap().count(),
            0
        );
    }
}
