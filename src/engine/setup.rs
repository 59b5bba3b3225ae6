//! A run from end to end: `prepare`, the set-up in the repository (dirty check, snapshot, where
//! the rounds start, what they work with), the rounds, then closing the pool once every worktree
//! is back.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::deliver::FixedTree;
use super::dependencies::DependencyLoader;
use super::equip::{Equipment, equip};
use super::error::{RunError, blocking};
use super::llm::equip_llm;
use super::prepare::{Setup, prepare};
use super::resume::{Start, start};
use super::round::rounds;
use super::session::Session;
use super::state;
use crate::cargo::Cargo;
use crate::config::FixConfig;
use crate::event::Event;
use crate::event_sink::{EventSink, duration_ms};
use crate::git::{self, Repo};
use crate::pool::WorktreePool;
use crate::specialist::{self, Specialist};
use crate::stop::Stop;
use crate::summary::RunSummary;

/// What a run hands back: its summary, and the fix of a run that went to its end.
#[derive(Debug)]
pub struct Repaired {
    pub summary: RunSummary,
    /// `None` for a run a signal stopped, which has nothing to deliver.
    pub fixed: Option<FixedTree>,
}

/// Repairs the workspace the configuration names. Returns the summary of a run that went to its
/// end (stopped by a signal included, even in its set-up); errors are those of the environment
/// (exit code 2).
pub async fn repair(
    config: FixConfig,
    cargo: Cargo,
    events: EventSink,
    stop: Stop,
) -> Result<Repaired, RunError> {
    let ran = in_session(config, cargo, events, stop, async |session, start| {
        rounds(session, start, None).await
    })
    .await?;
    Ok(repaired(ran))
}

/// How a job run in a session ended.
pub(super) enum Ran<T> {
    /// It went to its end: what it made, and what the clean-up could not remove.
    Done { value: T, cleanup: Vec<String> },
    /// A signal stopped the set-up.
    StoppedInSetUp(Box<RunSummary>),
}

/// What a run of the rounds hands back, the clean-up's problems in its summary.
pub(super) fn repaired(ran: Ran<(RunSummary, Option<FixedTree>)>) -> Repaired {
    match ran {
        Ran::Done {
            value: (mut summary, fixed),
            cleanup,
        } => {
            // The summary says what happened to the user's tree; a clean-up that failed
            // afterwards changes nothing of that, so it is reported beside it.
            summary.cleanup.extend(cleanup);
            Repaired { summary, fixed }
        }
        Ran::StoppedInSetUp(summary) => Repaired {
            summary: *summary,
            fixed: None,
        },
    }
}

/// Runs `job` in a session set up for the workspace the configuration names (prepared, locked,
/// snapshotted, with its pool and gate), then closes the pool once every worktree is back: the
/// one-machine run's rounds, and each job of a CI matrix (`super::matrix`).
pub(super) async fn in_session<T>(
    config: FixConfig,
    cargo: Cargo,
    events: EventSink,
    stop: Stop,
    job: impl AsyncFnOnce(&mut Session, Start) -> Result<T, RunError>,
) -> Result<Ran<T>, RunError> {
    let (repo, setup, lock) = match prepare(&config, &cargo).await {
        Ok(prepared) => prepared,
        Err(error) => {
            let summary = stopped_in_set_up(&stop, error, config.dry_run, None, &events)?;
            return Ok(Ran::StoppedInSetUp(Box::new(summary)));
        }
    };
    let scratch_git = repo.temporary.then(|| repo.git_dir.clone());
    // The run's own clock, so that cargo's time in its summary is this run's alone (a bench runs
    // many with one `Cargo`).
    let result = run_in(
        config,
        cargo.with_new_clock(),
        repo,
        setup,
        events,
        stop,
        job,
    )
    .await;
    if let Some(git_dir) = scratch_git {
        let _ = std::fs::remove_dir_all(git_dir);
    }
    drop(lock);
    result
}

/// A set-up that fails once a stop was requested is taken to fail because of it (a cargo the
/// signal reached, work cut short): the run ends as stopped before its first check, and the error
/// is only logged. Without a stop, the error stands.
fn stopped_in_set_up(
    stop: &Stop,
    error: RunError,
    dry_run: bool,
    record: Option<PathBuf>,
    events: &EventSink,
) -> Result<RunSummary, RunError> {
    let Some(signal) = stop.requested() else {
        return Err(error);
    };
    tracing::info!("the set-up failed once {signal:?} had asked the run to stop: {error}");
    let duration_ms = duration_ms(events.elapsed());
    Ok(state::interrupted_before_check(
        signal,
        record,
        dry_run,
        duration_ms,
    ))
}

/// The run once prepared: its set-up in the repository, the job, and the pool closed.
async fn run_in<T>(
    config: FixConfig,
    cargo: Cargo,
    repo: Repo,
    setup: Setup,
    events: EventSink,
    stop: Stop,
    job: impl AsyncFnOnce(&mut Session, Start) -> Result<T, RunError>,
) -> Result<Ran<T>, RunError> {
    let (record_dir, dry_run) = (setup.dirs.record(setup.run), config.dry_run);
    let (mut session, start) =
        match set_up(config, cargo, repo, setup, events.clone(), stop.clone()).await {
            Ok(ready) => ready,
            Err(error) => {
                // The record exists once the run was announced, not before.
                let record = record_dir.is_dir().then_some(record_dir);
                let summary = stopped_in_set_up(&stop, error, dry_run, record, &events)?;
                return Ok(Ran::StoppedInSetUp(Box::new(summary)));
            }
        };
    let outcome = job(&mut session, start).await;
    let cleanup = close(&session.pool).await;
    Ok(Ran::Done {
        value: outcome?,
        cleanup,
    })
}

/// The run's set-up in the repository, up to its rounds: the dirty check, the snapshot, where the
/// rounds start, the layout, the pool and the gate. Returns the session and the start.
async fn set_up(
    config: FixConfig,
    cargo: Cargo,
    repo: Repo,
    setup: Setup,
    events: EventSink,
    stop: Stop,
) -> Result<(Session, Start), RunError> {
    let checkout = repo.workdir.clone();
    // The target directory as the checkout sees it: by its canonical path, and by the path cargo
    // named, which differs when it is reached through a link inside the checkout.
    let mut exclude: Vec<PathBuf> = [&setup.target_dir, &setup.workspace.target_dir]
        .into_iter()
        .filter_map(|dir| dir.strip_prefix(&checkout).ok().map(Path::to_owned))
        .collect();
    exclude.dedup();

    let uncommitted = {
        let (repo, exclude) = (repo.clone(), exclude.clone());
        blocking(move || git::uncommitted_files(&repo, &exclude)).await??
    };
    if !uncommitted.is_empty() && !config.allow_dirty && !repo.temporary {
        return Err(RunError::Dirty { files: uncommitted });
    }
    let (run, dirs) = (setup.run, setup.dirs.clone());
    let record_dir = dirs.record(run);
    // Before anything is made: bad settings or an unreachable endpoint change nothing.
    let root_manifest = setup.workspace.root.join("Cargo.toml");
    let manifests = [setup.workspace.manifest.as_path(), root_manifest.as_path()];
    let started = Instant::now()
        .checked_sub(events.elapsed())
        .unwrap_or_else(Instant::now);
    let llm = equip_llm(&config, manifests, &record_dir, started).await?;
    // Made here rather than only by the reporter that writes it, so that a set-up stopped from now
    // on can name it for sure.
    let _ = std::fs::create_dir_all(&record_dir);
    events.emit(Event::RunStarted {
        run_id: run.to_string(),
        workspace: setup.workspace.root.clone(),
        record: record_dir.clone(),
        jobs: config.jobs.get(),
        max_rounds: config.max_rounds.get(),
        dry_run: config.dry_run,
    });
    if !setup.swept.is_empty() {
        events.emit(Event::Swept {
            runs: setup.swept.runs.clone(),
            left: setup.swept.left.clone(),
        });
    }
    let snapshot = {
        let (repo, exclude) = (repo.clone(), exclude.clone());
        blocking(move || git::snapshot(&repo, &exclude)).await??
    };
    events.emit(Event::Snapshot {
        commit: snapshot.to_string(),
        dirty_files: uncommitted.len(),
    });
    let start = start(&config, &repo, &dirs, snapshot).await?;
    let cargo_for_dependencies = cargo.clone();
    let cargo_clock = cargo.clone();
    let Equipment { pool, gate } = equip(&config, cargo, &repo, &setup, &exclude, snapshot).await?;
    let specialists: Arc<[Box<dyn Specialist>]> = specialist::embedded().into();
    let dependencies = DependencyLoader::new(
        cargo_for_dependencies,
        config.cwd.clone(),
        config.manifest_path.clone(),
        repo.clone(),
        setup.workspace.root.clone(),
    );
    let session = Session {
        config,
        repo,
        gate: Arc::new(gate),
        pool,
        specialists,
        events,
        cancel: stop.token(),
        stop,
        record_dir,
        run,
        snapshot,
        dependencies,
        cargo: cargo_clock,
        llm,
    };
    Ok((session, start))
}

/// How long the end of a run waits for worktrees still held by work nobody waits for any more.
const QUIESCE_WITHIN: Duration = Duration::from_secs(60);

/// Removes the pool's worktrees once every one is back in the pool (or `QUIESCE_WITHIN` has
/// passed); returns, and logs, what could not be removed.
async fn close(pool: &WorktreePool) -> Vec<String> {
    let out = pool.quiesce(QUIESCE_WITHIN).await;
    if out > 0 {
        tracing::warn!(
            "{out} worktree(s) still in use after {}s: removing them anyway",
            QUIESCE_WITHIN.as_secs()
        );
    }
    let pool = pool.clone();
    let problems = match blocking(move || pool.close()).await {
        Ok(problems) => problems.iter().map(ToString::to_string).collect(),
        Err(error) => vec![format!("removing the worktrees: {error}")],
    };
    for problem in &problems {
        tracing::warn!("cleaning up: {problem}");
    }
    problems
}
