//! The dispatch of a round's scopes to workers, bounded apart from gate runs, each scope
//! reported whatever happens to its worker.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::task::JoinError;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::session::Session;
use crate::event::{Event, WorkerFailure, WorkerReport, WorkerStatus};
use crate::gate::GateError;
use crate::plan::Scope;
use crate::worker::{self, Embedded, Llm, Round, Strategy};

/// Workers that may run at once, per `-j` job. Workers and gate runs are bounded apart: a gate
/// run holds a worktree's lease (the pool has `jobs` of them) only while cargo runs, so a worker
/// that is proposing, or waiting for a lease, holds none, and a strategy that waits on something
/// else than the gate (a model) may be given more workers than jobs. For the embedded strategy,
/// which only waits for the gate, one per job: a worker's timeout runs while it waits for a
/// lease, so more workers than leases would time out workers that never got a gate run.
const WORKERS_PER_JOB: usize = 1;

/// Runs one worker per scope, at most `WORKERS_PER_JOB × jobs` at once (its own semaphore), in
/// plan order; gate runs stay bounded by the pool's `jobs` leases. Every scope gets a report, whatever happens to its
/// worker.
pub(super) async fn dispatch(
    session: &Session,
    round: &Arc<Round>,
    scopes: Vec<Scope>,
) -> Vec<WorkerReport> {
    let mut workers = session.config.jobs.get().saturating_mul(WORKERS_PER_JOB);
    if let Some(llm) = &session.llm {
        // Workers talking to a model wait on the network, not on the gate: as many as may have
        // a request in flight, so that `--llm-jobs` fans out across scopes too.
        workers = workers.max(llm.settings.jobs.get());
    }
    let slots = Arc::new(Semaphore::new(workers));
    let timeout = session.config.worker_timeout;
    let mut tasks = JoinSet::new();
    let mut scope_of = BTreeMap::new();
    let order: Vec<String> = scopes.iter().map(|scope| scope.id.clone()).collect();
    // The strategies every scope's worker runs, in order: the embedded one, then a model's
    // (`--llm`) for what it left.
    let mut chosen = vec![Strategy::Embedded(Embedded::new(Arc::clone(
        &session.specialists,
    )))];
    if let Some(service) = &session.llm {
        chosen.push(Strategy::Llm(Llm::new(Arc::clone(service))));
    }
    let strategies: Arc<[Strategy]> = chosen.into();
    for scope in scopes {
        let (round, slots) = (Arc::clone(round), Arc::clone(&slots));
        let strategies = Arc::clone(&strategies);
        let (id, code) = (scope.id.clone(), scope.code.clone());
        let diagnostics = scope.diagnostics.len();
        let handle = tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            worker::run_worker(round, strategies, scope, timeout).await
        });
        scope_of.insert(handle.id(), (id, code, diagnostics));
    }
    let mut reports = Vec::new();
    while let Some(joined) = tasks.join_next_with_id().await {
        let (id, outcome) = match joined {
            Ok((id, outcome)) => (id, Ok(outcome)),
            Err(error) => (error.id(), Err(error)),
        };
        let (scope, code, diagnostics) = scope_of.remove(&id).unwrap_or_default();
        // What the worker spent, as the dispatcher saw it: it may have been cut off midway.
        let gate_runs = round.gate_runs_of(&scope);
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
            tokens: None,
        };
        let report = report_of(outcome, unfinished);
        session.emit(report_event(round.number, &report));
        reports.push(report);
    }
    // Deterministic order for merging: the plan's.
    reports.sort_by_key(|report| order.iter().position(|id| *id == report.scope));
    reports
}

/// The event of a worker's report in round `round`.
pub(super) fn report_event(round: usize, report: &WorkerReport) -> Event {
    match report.status {
        WorkerStatus::Completed => Event::WorkerCompleted {
            round,
            report: report.clone(),
        },
        _ => Event::WorkerFailed {
            round,
            report: report.clone(),
        },
    }
}

/// How a worker's task ended: joined (or not), with its report (or an error). A worker whose
/// time ran out reports it itself (`run_worker`).
type Ended = Result<Result<WorkerReport, GateError>, JoinError>;

/// A worker's report: its own, or for a worker that did not complete, `unfinished` with the
/// status and failure that say why.
fn report_of(
    ended: Ended,
    unfinished: impl Fn(WorkerStatus, Option<WorkerFailure>) -> WorkerReport,
) -> WorkerReport {
    match ended {
        Ok(Ok(report)) => report,
        Ok(Err(error)) if error.is_cancelled() => unfinished(WorkerStatus::Stopped, None),
        Ok(Err(error)) => {
            let message = error.to_string();
            unfinished(WorkerStatus::Failed, Some(WorkerFailure::Error { message }))
        }
        Err(error) if error.is_panic() => {
            unfinished(WorkerStatus::Failed, Some(WorkerFailure::Panicked))
        }
        Err(_) => unfinished(WorkerStatus::Stopped, None),
    }
}
