//! The dispatcher: owns the run state, runs rounds of check → plan → fix → merge, and applies the
//! result once at the end. Workers get owned scopes and send back reports; nothing here prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

mod merge;
mod state;

use self::merge::{MergeOrder, order_for_merge};
use self::state::{Delivery, Ending, RoundOutcome, RunState};
use crate::apply;
use crate::cargo::{Cargo, CargoError, Member, Workspace};
use crate::checkpoint::{self, Checkpoint, ResumeError, ResumeFrom};
use crate::config::{FixConfig, ResumeRequest};
use crate::diagnostic::Identity;
use crate::event::{Event, FailureKind, ScopeOutline, WorkerFailure, WorkerReport, WorkerStatus};
use crate::gate::{Gate, GateCheck, GateError};
use crate::git::{self, GitError, Oid, Repo};
use crate::inputs;
use crate::layout::Mirror;
use crate::parse::ParsedCheck;
use crate::patch::{Patch, Sources};
use crate::plan::{self, Scope};
use crate::pool::{PoolError, PoolSpec, WorktreePool};
use crate::reason::StopReason;
use crate::run_dirs::RunDirs;
use crate::run_id::RunId;
use crate::run_lock::{self, Claim, RunLock};
use crate::specialist::{self, Specialist};
use crate::stop::{Stop, StopSignal};
use crate::summary::{RunSummary, ScopeFix};
use crate::sweep::{self, Swept};
use crate::verdict;
use crate::worker::{self, Embedded, Round, Strategy};

/// A scope of more errors than this that spans several files is split by file.
const SPLIT_SCOPES_ABOVE: usize = 40;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Cargo(#[from] CargoError),
    #[error(
        "no git repository holds {}, and `cargo fix-swarm` needs one to work in isolated worktrees\n\
         help: run `git init`, or pass `--allow-no-vcs` to let it use a scratch repository",
        .0.display()
    )]
    NoVcs(PathBuf),
    #[error(
        "the working directory has uncommitted changes:\n{}\n\
         help: commit or stash them, or pass `--allow-dirty`: they are snapshotted first and a file \
         you change during the run is never overwritten",
        files.iter().map(|f| format!("  {}", f.display())).collect::<Vec<_>>().join("\n")
    )]
    Dirty { files: Vec<PathBuf> },
    #[error("cargo check could not run on the workspace:\n{0}")]
    CheckFailed(String),
    #[error("could not take the run's lock {}: {source}", path.display())]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error(transparent)]
    Gate(GateError),
    #[error(transparent)]
    Resume(#[from] ResumeError),
    #[error("internal task failed: {0}")]
    Task(String),
}

impl RunError {
    /// The error's kind, for the final event and the exit code.
    pub fn kind(&self) -> FailureKind {
        match self {
            RunError::Cargo(_) => FailureKind::Cargo,
            RunError::NoVcs(_) => FailureKind::NoVcs,
            RunError::Dirty { .. } => FailureKind::Dirty,
            RunError::CheckFailed(_) => FailureKind::CheckFailed,
            RunError::Lock { .. } => FailureKind::Lock,
            RunError::Git(_) => FailureKind::Git,
            RunError::Pool(_) => FailureKind::Pool,
            RunError::Gate(_) => FailureKind::Gate,
            RunError::Resume(_) => FailureKind::Resume,
            RunError::Task(_) => FailureKind::Internal,
        }
    }
}

impl From<GateError> for RunError {
    fn from(error: GateError) -> RunError {
        match error {
            GateError::Cargo(error) => RunError::Cargo(error),
            GateError::Pool(error) => RunError::Pool(error),
            other => RunError::Gate(other),
        }
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, RunError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| RunError::Task(error.to_string()))
}

fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_owned(), Path::to_owned)
}

/// Everything a run set up, for the rounds to use.
struct Session {
    config: FixConfig,
    repo: Repo,
    gate: Arc<Gate>,
    pool: WorktreePool,
    specialists: Arc<[Box<dyn Specialist>]>,
    events: UnboundedSender<Event>,
    stop: Stop,
    /// `stop`'s token, for cargo and the workers.
    cancel: CancellationToken,
    record_dir: PathBuf,
    run: RunId,
    /// The snapshot of the user's sources this run started from.
    snapshot: Oid,
}

/// Where the rounds begin: a fresh run at the snapshot, or a stopped run's progress.
#[derive(Debug)]
struct Start {
    base: Oid,
    /// Rounds already run (by the stopped run).
    rounds: usize,
    /// The errors the stopped run's first check counted.
    errors_before: Option<usize>,
    fixes: Vec<ScopeFix>,
    /// The stopped run this one resumes: its checkpoint is retired once this run has saved its
    /// own.
    resumes: Option<Resumed>,
}

impl Session {
    fn emit(&self, event: Event) {
        let _ = self.events.send(event);
    }

    /// The signal that stopped the run, when `error` is only the consequence of that stop.
    fn stopped_by(&self, error: &RunError) -> Option<StopSignal> {
        match error {
            RunError::Cargo(CargoError::Cancelled) => self.stop.requested(),
            _ => None,
        }
    }

    /// Checks `commit` in a leased worktree, counting the gate run in `gate_runs`.
    async fn check(&self, commit: Oid, gate_runs: &mut usize) -> Result<GateCheck, RunError> {
        let lease = self.pool.acquire().await;
        let check = self.gate.check(lease, commit, None, &self.cancel).await?;
        *gate_runs += 1;
        if check.parsed.error_count() == 0 && check.parsed.build_succeeded != Some(true) {
            return Err(RunError::CheckFailed(check.stderr_tail));
        }
        Ok(check)
    }
}

/// Repairs the workspace the configuration names. Returns the summary of a run that went to its
/// end (stopped by a signal included, even in its set-up); errors are those of the environment
/// (exit code 2).
pub async fn repair(
    config: FixConfig,
    cargo: Cargo,
    events: UnboundedSender<Event>,
    stop: Stop,
) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let (repo, setup, lock) = match prepare(&config, &cargo, started).await {
        Ok(prepared) => prepared,
        Err(error) => return stopped_in_set_up(&stop, error, config.dry_run, None, started),
    };
    let scratch_git = repo.temporary.then(|| repo.git_dir.clone());
    let result = run_in(config, cargo, repo, setup, events, stop).await;
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
    started: Instant,
) -> Result<RunSummary, RunError> {
    let Some(signal) = stop.requested() else {
        return Err(error);
    };
    tracing::info!("the set-up failed once {signal:?} had asked the run to stop: {error}");
    let duration_ms = started.elapsed().as_millis() as u64;
    Ok(state::interrupted_before_check(
        signal,
        record,
        dry_run,
        duration_ms,
    ))
}

/// What `repair` finds and makes before the run proper: the workspace, its repository (or a
/// scratch one), the run's lock, and the sweep of what dead runs left.
async fn prepare(
    config: &FixConfig,
    cargo: &Cargo,
    started: Instant,
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
        started,
    };
    Ok((repo, setup, lock))
}

/// What `repair` found and made before the run proper.
struct Setup {
    workspace: Workspace,
    /// Canonical.
    target_dir: PathBuf,
    dirs: RunDirs,
    run: RunId,
    swept: Swept,
    started: Instant,
}

async fn run_in(
    config: FixConfig,
    cargo: Cargo,
    repo: Repo,
    setup: Setup,
    events: UnboundedSender<Event>,
    stop: Stop,
) -> Result<RunSummary, RunError> {
    let (started, record_dir, dry_run) =
        (setup.started, setup.dirs.record(setup.run), config.dry_run);
    let (mut session, start, seeding) =
        match set_up(config, cargo, repo, setup, events, stop.clone()).await {
            Ok(ready) => ready,
            Err(error) => {
                // The record exists once the run was announced, not before.
                let record = record_dir.is_dir().then_some(record_dir);
                return stopped_in_set_up(&stop, error, dry_run, record, started);
            }
        };
    let outcome = rounds(&mut session, start, seeding, started).await;
    let cleanup = close(&session.pool).await;
    // The summary says what happened to the user's tree; a clean-up that failed afterwards
    // changes nothing of that, so it is reported beside it, never in its place.
    let mut summary = outcome?;
    summary.cleanup.extend(cleanup);
    Ok(summary)
}

/// The run's set-up in the repository, up to its rounds: the dirty check, the snapshot, where the
/// rounds start, the layout, the pool and the gate. Returns the session, the start, and when the
/// pool began to be made.
async fn set_up(
    config: FixConfig,
    cargo: Cargo,
    repo: Repo,
    setup: Setup,
    events: UnboundedSender<Event>,
    stop: Stop,
) -> Result<(Session, Start, Instant), RunError> {
    let Setup {
        workspace,
        target_dir,
        dirs,
        run,
        swept,
        started: _,
    } = setup;
    let checkout = repo.workdir.clone();
    // The target directory as the checkout sees it: by its canonical path, and by the path cargo
    // named, which differs when it is reached through a link inside the checkout.
    let mut exclude: Vec<PathBuf> = [&target_dir, &workspace.target_dir]
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
    let record_dir = dirs.record(run);
    // Made here rather than only by the reporter that writes it, so that a set-up stopped from now
    // on can name it for sure.
    let _ = std::fs::create_dir_all(&record_dir);
    let _ = events.send(Event::RunStarted {
        run_id: run.to_string(),
        workspace: workspace.root.clone(),
        record: record_dir.clone(),
        jobs: config.jobs.get(),
        max_rounds: config.max_rounds.get(),
        dry_run: config.dry_run,
    });
    if !swept.is_empty() {
        let _ = events.send(Event::Swept {
            runs: swept.runs,
            left: swept.left,
        });
    }
    let snapshot = {
        let (repo, exclude) = (repo.clone(), exclude.clone());
        blocking(move || git::snapshot(&repo, &exclude)).await??
    };
    let _ = events.send(Event::Snapshot {
        commit: snapshot.to_string(),
        dirty_files: uncommitted.len(),
    });
    let start = match &config.resume {
        None => Start {
            base: snapshot,
            rounds: 0,
            errors_before: None,
            fixes: Vec::new(),
            resumes: None,
        },
        Some(request) => {
            let (repo, dirs, request) = (repo.clone(), dirs.clone(), request.clone());
            let selection = resume_selection(&config);
            blocking(move || resume(&repo, &dirs, &request, snapshot, &selection)).await??
        }
    };
    let build_dirs: Vec<PathBuf> = std::iter::once(target_dir.join("debug"))
        .chain(
            config
                .selection
                .target
                .iter()
                .map(|triple| target_dir.join(triple).join("debug")),
        )
        .collect();
    let layout = {
        let (repo, exclude, root) = (repo.clone(), exclude.clone(), canonical(&workspace.root));
        let layout = blocking(move || {
            let inputs = inputs::ignored_inputs(&repo, &build_dirs, &root, &exclude)?;
            git::read_layout(&repo, snapshot).map(|layout| layout.with_inputs(inputs))
        });
        Arc::new(layout.await??)
    };

    let mirror = {
        // Manifests by their place in the canonical checkout, which the worktrees reproduce.
        let in_checkout = |dir: &Path| checkout.join(relative_to(&canonical(dir), &checkout));
        let manifests: Vec<PathBuf> = std::iter::once(workspace.root.as_path())
            .chain(workspace.members.iter().map(|member| member.dir.as_path()))
            .map(|dir| in_checkout(dir).join("Cargo.toml"))
            .collect();
        let outside_members: Vec<PathBuf> = workspace
            .members
            .iter()
            .map(|member| canonical(&member.dir))
            .filter(|dir| !dir.starts_with(&checkout))
            .collect();
        let checkout = checkout.clone();
        blocking(move || {
            let mut outside = inputs::outside_directories(&manifests, &checkout);
            outside.extend(outside_members);
            Mirror::new(&checkout, &outside)
        })
        .await?
    };
    let mut seed = vec![(target_dir.join("debug"), PathBuf::from("debug"))];
    if let Some(triple) = &config.selection.target {
        seed.push((
            target_dir.join(triple).join("debug"),
            Path::new(triple).join("debug"),
        ));
    }
    let seeding = Instant::now();
    let spec = PoolSpec {
        repo: repo.clone(),
        work_dir: dirs.work(run),
        prefix: RunDirs::worktree_prefix(run),
        size: config.jobs.get(),
        seed,
        mtimes_from: Some(checkout.clone()),
        layout: Arc::clone(&layout),
        mirror,
    };
    let pool = blocking(move || WorktreePool::create(spec, snapshot)).await??;

    let members: Vec<Member> = workspace
        .members
        .iter()
        .map(|member| Member {
            name: member.name.clone(),
            dir: relative_to(&canonical(&member.dir), &checkout),
        })
        .collect();
    let gate = Gate::new(
        cargo,
        config.selection.clone(),
        relative_to(&canonical(&workspace.manifest), &checkout),
        relative_to(&canonical(&workspace.root), &checkout),
        members,
        config.gate,
    )
    .with_layout(layout);
    let specialists: Arc<[Box<dyn Specialist>]> = specialist::embedded().into();
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
    };
    Ok((session, start, seeding))
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

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// The rounds, then the final apply. Returns the summary.
async fn rounds(
    session: &mut Session,
    start: Start,
    seeding: Instant,
    started: Instant,
) -> Result<RunSummary, RunError> {
    let mut state = match first_check(session, start, seeding).await? {
        Ok(state) => state,
        Err(signal) => {
            let duration_ms = started.elapsed().as_millis() as u64;
            let record = Some(session.record_dir.clone());
            let dry_run = session.config.dry_run;
            return Ok(state::interrupted_before_check(
                signal,
                record,
                dry_run,
                duration_ms,
            ));
        }
    };
    let max_rounds = session.config.max_rounds.get();
    for number in state.rounds + 1..=max_rounds {
        if state.current.error_count() == 0 || session.stop.requested().is_some() {
            break;
        }
        let outcome = match run_round(session, &mut state, number).await {
            Ok(outcome) => outcome,
            Err(error) => RoundOutcome::Stopped(session.stopped_by(&error).ok_or(error)?),
        };
        state.ended(outcome);
        match outcome {
            RoundOutcome::Merged => {
                if number == max_rounds && state.current.error_count() > 0 {
                    state.stop = StopReason::MaxRounds;
                }
            }
            RoundOutcome::Stopped(signal) => {
                return Ok(state.interrupted(signal, ending(session, started)));
            }
            _ => break,
        }
    }
    if let Some(signal) = session.stop.requested() {
        return Ok(state.interrupted(signal, ending(session, started)));
    }
    let delivery = deliver(session, state.base).await?;
    // The run ended by itself and its result is written: nothing is left to resume.
    let record = session.record_dir.clone();
    blocking(move || checkpoint::remove(&record)).await?;
    Ok(state.summarize(delivery, ending(session, started)))
}

/// The facts of the run a summary made now needs.
fn ending(session: &Session, started: Instant) -> Ending {
    Ending {
        run: session.run.to_string(),
        record: session.record_dir.clone(),
        dry_run: session.config.dry_run,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

/// The first check, of where the rounds start, and what follows it before the first round: the
/// rest of the pool seeded, and a resumed run's checkpoint saved as its own. `None`: a signal
/// stopped the check.
async fn first_check(
    session: &mut Session,
    start: Start,
    seeding: Instant,
) -> Result<Result<RunState, StopSignal>, RunError> {
    let mut gate_runs = 0;
    let current = match session.check(start.base, &mut gate_runs).await {
        Ok(check) => check.parsed,
        Err(error) => {
            return match session.stopped_by(&error) {
                Some(signal) => Ok(Err(signal)),
                None => Err(error),
            };
        }
    };
    let errors_now = current.error_count();
    session.emit(Event::Checked {
        round: start.rounds,
        errors: errors_now,
        warnings: current.diagnostics.len() - errors_now,
        problems: current.problems.clone(),
    });
    if errors_now > 0 {
        let pool = session.pool.clone();
        blocking(move || pool.seed_rest()).await?;
    }
    session.emit(Event::WorktreesReady {
        count: session.pool.size(),
        duration_ms: seeding.elapsed().as_millis() as u64,
    });
    let (base, rounds, errors_before) = (start.base, start.rounds, start.errors_before);
    let mut state = RunState::new(base, current, rounds, errors_before, start.fixes, gate_runs);
    if let Some(resumed) = start.resumes {
        // A resumed run is resumable again from where it began; once its own checkpoint is
        // saved, the stopped run's is retired (and its lock, held till then, released).
        if save_checkpoint(session, &state).await? {
            state.saved = Some(state.rounds);
            blocking(move || resumed.retire()).await?;
        }
    }
    Ok(Ok(state))
}

/// Round `number`: plan, dispatch, merge, checkpoint.
async fn run_round(
    session: &mut Session,
    state: &mut RunState,
    number: usize,
) -> Result<RoundOutcome, RunError> {
    let plan = plan::plan(&state.current.diagnostics, SPLIT_SCOPES_ABOVE);
    state.set_outside(&plan.outside);
    if plan.scopes.is_empty() {
        return Ok(RoundOutcome::NothingInWorkspace);
    }
    state.rounds = number;
    let errors_at_start = state.current.error_count();
    session.emit(Event::RoundStarted {
        round: number,
        errors: errors_at_start,
        scopes: plan.scopes.iter().map(outline).collect(),
    });
    let round = new_round(session, state, number).await?;
    let reports = dispatch(session, &round, plan.scopes).await;
    state.record_reports(&reports);
    if let Some(signal) = session.stop.requested() {
        return Ok(RoundOutcome::Stopped(signal));
    }
    let MergeOrder {
        merged: accepted,
        superseded,
    } = order_for_merge(&reports);
    if accepted.is_empty() {
        session.emit(Event::RoundFinished {
            round: number,
            errors_before: errors_at_start,
            errors_after: errors_at_start,
        });
        return Ok(RoundOutcome::NoFixPassed);
    }
    let merge = merge_round(session, state, &accepted).await?;
    let scopes = |indexes: &[usize]| -> Vec<String> {
        indexes.iter().map(|&i| accepted[i].scope.clone()).collect()
    };
    session.emit(Event::Merged {
        round: number,
        merged: scopes(&merge.kept),
        deferred: scopes(&merge.deferred),
        superseded: superseded
            .iter()
            .map(|report| report.scope.clone())
            .collect(),
        backed_out: scopes(&merge.backed_out),
        errors: merge.after.error_count(),
    });
    session.emit(Event::RoundFinished {
        round: number,
        errors_before: errors_at_start,
        errors_after: merge.after.error_count(),
    });
    if merge.kept.is_empty() {
        return Ok(RoundOutcome::WorseWhenMerged);
    }
    let kept: Vec<&WorkerReport> = merge.kept.iter().map(|&i| accepted[i]).collect();
    state.merged(number, &kept, merge.commit, merge.after);
    if save_checkpoint(session, state).await? {
        state.saved = Some(number);
    }
    Ok(RoundOutcome::Merged)
}

/// The round every worker of round `number` shares: its base's Rust sources (the files rustc's
/// diagnostics and suggestions point at, and what the rules search for definitions), the gate,
/// the strategies.
async fn new_round(
    session: &Session,
    state: &RunState,
    number: usize,
) -> Result<Arc<Round>, RunError> {
    let base = state.base;
    let sources = {
        let repo = session.repo.clone();
        Sources::new(blocking(move || git::read_rust_files(&repo, base)).await??)
    };
    Ok(Arc::new(Round {
        number,
        base,
        before: state.current.diagnostics.clone(),
        unchecked: session.gate.unchecked_packages(&state.current),
        sources,
        index: OnceLock::new(),
        gate: Arc::clone(&session.gate),
        pool: session.pool.clone(),
        strategies: Arc::new([Strategy::Embedded(Embedded::new(Arc::clone(
            &session.specialists,
        )))]),
        events: session.events.clone(),
        cancel: session.cancel.clone(),
        gate_runs: Mutex::default(),
    }))
}

/// Delivers the fix from the snapshot to `base`: its patch saved in the record, then with
/// `--dry-run` the diff as an event, else the one apply to the user's tree.
async fn deliver(session: &Session, base: Oid) -> Result<Delivery, RunError> {
    let changes = {
        let (repo, snapshot) = (session.repo.clone(), session.snapshot);
        blocking(move || git::changed_files(&repo, snapshot, base)).await??
    };
    let diff = unified_diff(&changes);
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
    Ok(Delivery {
        files_changed,
        skipped,
        patch,
    })
}

/// What `--resume` requires to be the same: the selection as `cargo check` arguments, and the gate.
fn resume_selection(config: &FixConfig) -> Vec<String> {
    let mut selection = config.selection.check_args(None);
    selection.push(config.gate.as_flag().to_owned());
    selection
}

/// Saves what the merged rounds achieved (the snapshot to `base`) in the run's record, for
/// `--resume`, and says whether it was saved. A checkpoint that cannot be saved (a full disk) is
/// not worth stopping a run for: it is logged, and the run claims no saved progress.
async fn save_checkpoint(session: &Session, state: &RunState) -> Result<bool, RunError> {
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
struct Resumed {
    record: PathBuf,
    /// The stopped run's lock, when it had one left: held so that no other run resumes it too.
    _lock: Option<RunLock>,
}

impl Resumed {
    /// Removes the stopped run's checkpoint (blocking), then releases its lock.
    fn retire(self) {
        checkpoint::remove(&self.record);
    }
}

fn outline(scope: &Scope) -> ScopeOutline {
    ScopeOutline {
        id: scope.id.clone(),
        phase: scope.phase,
        diagnostics: scope.diagnostics.len(),
        files: scope.files.len(),
    }
}

/// Workers that may run at once, per `-j` job. Workers and gate runs are bounded apart: a gate
/// run holds a worktree's lease (the pool has `jobs` of them) only while cargo runs, so a worker
/// that is proposing, or waiting for a lease, holds none, and a strategy that waits on something
/// else than the gate (a model) may be given more workers than jobs. For the embedded strategy,
/// which only waits for the gate, one per job: a worker's timeout runs while it waits for a
/// lease, so more workers than leases would time out workers that never got a gate run.
const WORKERS_PER_JOB: usize = 1;

/// Runs one worker per scope, at most `WORKERS_PER_JOB × jobs` at once (its own semaphore), in plan order; gate runs
/// stay bounded by the pool's `jobs` leases. Every scope gets a report, whatever happens to its
/// worker.
async fn dispatch(session: &Session, round: &Arc<Round>, scopes: Vec<Scope>) -> Vec<WorkerReport> {
    let workers = session.config.jobs.get().saturating_mul(WORKERS_PER_JOB);
    let slots = Arc::new(Semaphore::new(workers));
    let timeout = session.config.worker_timeout;
    let mut tasks = JoinSet::new();
    let mut scope_of = BTreeMap::new();
    let order: Vec<String> = scopes.iter().map(|scope| scope.id.clone()).collect();
    for scope in scopes {
        let (round, slots) = (Arc::clone(round), Arc::clone(&slots));
        let (id, code) = (scope.id.clone(), scope.code.clone());
        let diagnostics = scope.diagnostics.len();
        // When the worker began, for the report of one that does not complete.
        let began: Arc<OnceLock<Instant>> = Arc::default();
        let worker_began = Arc::clone(&began);
        let handle = tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            let _ = worker_began.set(Instant::now());
            tokio::time::timeout(timeout, worker::run_worker(round, scope)).await
        });
        scope_of.insert(handle.id(), (id, code, diagnostics, began));
    }
    let mut reports = Vec::new();
    while let Some(joined) = tasks.join_next_with_id().await {
        let (id, outcome) = match joined {
            Ok((id, outcome)) => (id, Ok(outcome)),
            Err(error) => (error.id(), Err(error)),
        };
        let (scope, code, diagnostics, began) = scope_of.remove(&id).unwrap_or_default();
        // What the worker spent, as the dispatcher saw it: it may have been cut off midway.
        let gate_runs = round.gate_runs_of(&scope);
        let duration_ms = began
            .get()
            .map_or(0, |began| began.elapsed().as_millis() as u64);
        let unfinished = |status: WorkerStatus, failure: Option<WorkerFailure>| WorkerReport {
            scope: scope.clone(),
            code: code.clone(),
            status,
            diagnostics,
            failure,
            fixed: Vec::new(),
            unfixed: Vec::new(),
            patch: None,
            resolved: Vec::new(),
            gate_runs,
            candidates: 0,
            duration_ms,
        };
        let report = match outcome {
            Ok(Ok(Ok(report))) => report,
            Ok(Ok(Err(error))) if error.is_cancelled() => unfinished(WorkerStatus::Stopped, None),
            Ok(Ok(Err(error))) => {
                let message = error.to_string();
                unfinished(WorkerStatus::Failed, Some(WorkerFailure::Error { message }))
            }
            Ok(Err(_elapsed)) => {
                let after_secs = timeout.as_secs();
                unfinished(
                    WorkerStatus::TimedOut,
                    Some(WorkerFailure::TimedOut { after_secs }),
                )
            }
            Err(error) if error.is_panic() => {
                unfinished(WorkerStatus::Failed, Some(WorkerFailure::Panicked))
            }
            Err(_) => unfinished(WorkerStatus::Stopped, None),
        };
        let event = match report.status {
            WorkerStatus::Completed => Event::WorkerCompleted {
                round: round.number,
                report: report.clone(),
            },
            _ => Event::WorkerFailed {
                round: round.number,
                report: report.clone(),
            },
        };
        session.emit(event);
        reports.push(report);
    }
    // Deterministic order for merging: the plan's.
    reports.sort_by_key(|report| order.iter().position(|id| *id == report.scope));
    reports
}

/// The merged result of a round.
struct Merge {
    commit: Oid,
    after: ParsedCheck,
    kept: Vec<usize>,
    deferred: Vec<usize>,
    backed_out: Vec<usize>,
}

/// Merges the accepted patches, gates the result, and backs out patches one by one if the merged
/// whole is worse than its parts promised.
async fn merge_round(
    session: &Session,
    state: &mut RunState,
    accepted: &[&WorkerReport],
) -> Result<Merge, RunError> {
    let RunState {
        base,
        current,
        gate_runs,
        ..
    } = state;
    let (base, current): (Oid, &ParsedCheck) = (*base, current);
    let patches: Vec<BTreeMap<PathBuf, String>> = accepted
        .iter()
        .map(|report| {
            report
                .patch
                .iter()
                .flat_map(|patch| patch.files.iter())
                .map(|(path, change)| (path.clone(), change.after.clone()))
                .collect()
        })
        .collect();
    let targets_of = |indexes: &[usize]| -> Vec<Identity> {
        indexes
            .iter()
            .flat_map(|&i| accepted[i].fixed.iter().map(|fix| fix.target.clone()))
            .collect()
    };
    let repo = session.repo.clone();
    let integrate = |indexes: Vec<usize>| {
        let repo = repo.clone();
        let chosen: Vec<_> = indexes.iter().map(|&i| patches[i].clone()).collect();
        async move {
            blocking(move || git::integrate(&repo, base, &chosen, "cargo-fix-swarm: merged fixes"))
                .await?
                .map_err(RunError::from)
        }
    };

    let unchecked = session.gate.unchecked_packages(current);
    let gate = Arc::clone(&session.gate);
    let judge = |targets: &[Identity], after: &GateCheck| {
        let verdict = verdict::judge(&current.diagnostics, targets, &after.parsed, |file| {
            gate.is_in(file, &unchecked)
        });
        verdict::with_tests(verdict, after.tests.as_ref()).is_accepted()
    };
    let all: Vec<usize> = (0..accepted.len()).collect();
    let integration = integrate(all).await?;
    let merged: Vec<usize> = integration.merged.clone();
    let deferred = integration.conflicted.clone();
    let check = session.check(integration.commit, gate_runs).await?;
    if judge(&targets_of(&merged), &check) {
        return Ok(Merge {
            commit: integration.commit,
            after: check.parsed,
            kept: merged,
            deferred,
            backed_out: Vec::new(),
        });
    }

    // Worse together than apart: rebuild from the base, keeping each patch only if it helps.
    let mut kept: Vec<usize> = Vec::new();
    let mut backed_out = Vec::new();
    let mut result = (base, current.clone());
    for candidate in merged {
        let mut attempt = kept.clone();
        attempt.push(candidate);
        let integration = integrate(attempt.clone()).await?;
        if integration.merged.len() != attempt.len() {
            backed_out.push(candidate);
            continue;
        }
        let check = session.check(integration.commit, gate_runs).await?;
        if judge(&targets_of(&attempt), &check) {
            kept = attempt;
            result = (integration.commit, check.parsed);
        } else {
            backed_out.push(candidate);
        }
    }
    Ok(Merge {
        commit: result.0,
        after: result.1,
        kept,
        deferred,
        backed_out,
    })
}

fn unified_diff(changes: &[git::ChangedFile]) -> String {
    patch_of(changes).unified_diff()
}

fn patch_of(changes: &[git::ChangedFile]) -> Patch {
    Patch::from_contents(changes.iter().map(|change| {
        (
            change.path.clone(),
            change.before.as_deref(),
            change.after.as_deref(),
        )
    }))
}
