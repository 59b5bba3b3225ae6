//! The jobs of a CI matrix, each in a session of its own: `plan_job` (the first check and round
//! 1's plan), `work_job` (round 1's work on some of its scopes) and `merge_job` (round 1's merge of
//! every job's reports, then the rounds that follow). They take the steps of the one-machine run's
//! round (`round::run_round`: `plan_round`, `work`, `merge_reports`) apart, on other machines.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::error::{RunError, blocking};
use super::round::{Worked, ending, first_check, plan_round, rounds, start_round, work};
use super::session::Session;
use super::setup::{Ran, Repaired, in_session, repaired};
use super::state::{self, RunState};
use crate::cargo::Cargo;
use crate::config::FixConfig;
use crate::event::WorkerReport;
use crate::event_sink::{EventSink, duration_ms};
use crate::git;
use crate::matrix::{self, PlanFile, PlanSources};
use crate::plan::Scope;
use crate::stop::{Stop, StopSignal};
use crate::summary::RunSummary;

/// How a plan or work job ended.
#[derive(Debug)]
pub enum JobEnd<T> {
    Done(T),
    /// A signal stopped it: the summary says when.
    Stopped(Box<RunSummary>),
}

/// What the plan job found: the sources, round 1's scopes, and the size of the files they name.
#[derive(Debug)]
pub struct Planned {
    pub sources: PlanSources,
    pub scopes: Vec<Scope>,
    /// Bytes of every Rust file of the sources, to weigh the scopes.
    pub file_sizes: BTreeMap<PathBuf, u64>,
}

/// The plan job: the first check of the sources, and round 1's plan of it.
pub async fn plan_job(
    config: FixConfig,
    cargo: Cargo,
    events: EventSink,
    stop: Stop,
) -> Result<JobEnd<Planned>, RunError> {
    let ran = in_session(config, cargo, events, stop, async |session, start| {
        let mut state = match first_check(session, start).await? {
            Ok(state) => state,
            Err(signal) => return Ok(stopped_before_check(session, signal)),
        };
        let scopes = plan_round(&mut state);
        let sources = sources_of(session).await?;
        let (repo, base) = (session.repo.clone(), state.base);
        let files = blocking(move || git::read_rust_files(&repo, base)).await??;
        let file_sizes = files
            .into_iter()
            .map(|(path, text)| (path, text.len() as u64))
            .collect();
        Ok(JobEnd::Done(Planned {
            sources,
            scopes,
            file_sizes,
        }))
    })
    .await?;
    Ok(ended(ran))
}

/// A work job: round 1's work on the scopes `ids` of `plan`, on sources that must be the plan's
/// and must give its errors. Returns their reports in plan order.
pub async fn work_job(
    config: FixConfig,
    cargo: Cargo,
    events: EventSink,
    stop: Stop,
    plan: &PlanFile,
    ids: &[String],
) -> Result<JobEnd<Vec<WorkerReport>>, RunError> {
    let ran = in_session(config, cargo, events, stop, async |session, start| {
        admit_sources(session, plan).await?;
        let mut state = match first_check(session, start).await? {
            Ok(state) => state,
            Err(signal) => return Ok(stopped_before_check(session, signal)),
        };
        let scopes = plan_round(&mut state);
        matrix::same_scopes(&plan.scopes, &scopes)?;
        let chosen: Vec<Scope> = scopes
            .into_iter()
            .filter(|scope| ids.contains(&scope.id))
            .collect();
        if chosen.is_empty() {
            return Ok(JobEnd::Done(Vec::new()));
        }
        let number = state.rounds + 1;
        start_round(session, &mut state, number, &chosen);
        let reports = work(session, &state, number, chosen).await?;
        match session.stop.requested() {
            Some(signal) => Ok(stopped(session, &state, signal)),
            None => Ok(JobEnd::Done(reports)),
        }
    })
    .await?;
    Ok(ended(ran))
}

/// The merge job: round 1 merged from the work jobs' `reports` (every scope of `plan`, in plan
/// order), then the rounds that follow, as the one-machine run goes on, and the same delivery.
pub async fn merge_job(
    config: FixConfig,
    cargo: Cargo,
    events: EventSink,
    stop: Stop,
    plan: &PlanFile,
    reports: Vec<WorkerReport>,
) -> Result<Repaired, RunError> {
    let worked = Worked {
        planned: plan.scopes.clone(),
        reports,
    };
    let ran = in_session(config, cargo, events, stop, async |session, start| {
        admit_sources(session, plan).await?;
        rounds(session, start, Some(worked)).await
    })
    .await?;
    Ok(repaired(ran))
}

/// The sources of the session: its snapshot's tree, and the commit checked out.
async fn sources_of(session: &Session) -> Result<PlanSources, RunError> {
    let (repo, snapshot) = (session.repo.clone(), session.snapshot);
    let (tree, head) = blocking(move || {
        let tree = git::tree_id(&repo, snapshot)?;
        let head = git::parent_of(&repo, snapshot)?;
        Ok::<_, git::GitError>((tree, head))
    })
    .await??;
    Ok(PlanSources {
        tree: tree.to_string(),
        head: head.map(|commit| commit.to_string()),
    })
}

/// Refuses a session whose sources are not the plan's, before any check.
async fn admit_sources(session: &Session, plan: &PlanFile) -> Result<(), RunError> {
    let here = sources_of(session).await?;
    Ok(plan.admit_sources(&here.tree)?)
}

fn stopped_before_check<T>(session: &Session, signal: StopSignal) -> JobEnd<T> {
    let duration_ms = duration_ms(session.events.elapsed());
    let record = Some(session.record_dir.clone());
    let summary =
        state::interrupted_before_check(signal, record, session.config.dry_run, duration_ms);
    JobEnd::Stopped(Box::new(summary))
}

fn stopped<T>(session: &Session, state: &RunState, signal: StopSignal) -> JobEnd<T> {
    JobEnd::Stopped(Box::new(state.interrupted(signal, ending(session))))
}

fn ended<T>(ran: Ran<JobEnd<T>>) -> JobEnd<T> {
    match ran {
        // The clean-up's problems are logged where they happen; a job's file has no place for them.
        Ran::Done { value, .. } => value,
        Ran::StoppedInSetUp(summary) => JobEnd::Stopped(summary),
    }
}
