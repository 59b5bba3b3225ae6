//! The rounds: the first check, then round after round (plan, dispatch, merge with back-out,
//! checkpoint) while errors are left and fixes pass, then the delivery and the summary.

use std::sync::{Arc, Mutex, OnceLock};

use super::deliver::{FixedTree, deliver};
use super::dispatch::{dispatch, report_event};
use super::error::{RunError, blocking};
use super::integrate::merge_round;
use super::merge::{MergeOrder, order_for_merge};
use super::resume::{Start, save_checkpoint};
use super::session::Session;
use super::state::{self, Ending, RoundOutcome, RunState};
use crate::checkpoint;
use crate::diagnostic::Diagnostic;
use crate::event::{Event, ScopeOutline, WorkerReport};
use crate::event_sink::duration_ms;
use crate::git;
use crate::matrix;
use crate::patch::Sources;
use crate::plan::{self, Scope};
use crate::reason::{StopReason, UnfixedReason};
use crate::stop::StopSignal;
use crate::summary::{LlmAccount, RunSummary};
use crate::worker::Round;

/// A scope of more errors than this that spans several files is split by file.
const SPLIT_SCOPES_ABOVE: usize = 40;

/// The rounds, then the final apply. Returns the summary, and the fix of a run that went to its
/// end (a stopped run has none to deliver).
pub(super) async fn rounds(
    session: &mut Session,
    start: Start,
    mut worked: Option<Worked>,
) -> Result<(RunSummary, Option<FixedTree>), RunError> {
    let mut state = match first_check(session, start).await? {
        Ok(state) => state,
        Err(signal) => {
            let duration_ms = duration_ms(session.events.elapsed());
            let record = Some(session.record_dir.clone());
            let dry_run = session.config.dry_run;
            let summary = state::interrupted_before_check(signal, record, dry_run, duration_ms);
            return Ok((summary, None));
        }
    };
    let max_rounds = session.config.max_rounds.get();
    for number in state.rounds + 1..=max_rounds {
        if state.current.error_count() == 0 || session.stop.requested().is_some() {
            break;
        }
        let outcome = match run_round(session, &mut state, number, worked.take()).await {
            Ok(outcome) => outcome,
            Err(error) => RoundOutcome::Stopped(session.stopped_by(&error).ok_or(error)?),
        };
        state.ended(outcome);
        let budget_spent = session.llm.as_ref().and_then(|llm| llm.budget_reached());
        if budget_spent.is_some() && state.current.error_count() > 0 {
            // No new request may start: what passed is applied, and the run says why it stopped.
            state.stop = StopReason::Budget;
            if !matches!(outcome, RoundOutcome::Stopped(_)) {
                break;
            }
        }
        match outcome {
            RoundOutcome::Merged => {
                if number == max_rounds && state.current.error_count() > 0 {
                    state.stop = StopReason::MaxRounds;
                }
            }
            RoundOutcome::Stopped(signal) => {
                return Ok((state.interrupted(signal, ending(session)), None));
            }
            _ => break,
        }
    }
    if let Some(signal) = session.stop.requested() {
        return Ok((state.interrupted(signal, ending(session)), None));
    }
    let (delivery, fixed) = deliver(session, state.base).await?;
    // The run ended by itself and its result is written: nothing is left to resume.
    let record = session.record_dir.clone();
    blocking(move || checkpoint::remove(&record)).await?;
    let mut summary = state.summarize(delivery, ending(session));
    add_origins(session, &state, &mut summary).await;
    summary.llm = llm_account(session, &summary).map(Box::new);
    Ok((summary, Some(fixed)))
}

/// Names, on each error left that names an item of a bumped dependency, that dependency (see
/// `DependencyLoader::origins`). The errors left are the summary's, in its order. Sources that
/// cannot be read leave the summary without origins: they only add to it.
async fn add_origins(session: &Session, state: &RunState, summary: &mut RunSummary) {
    if summary.unfixed.is_empty() {
        return;
    }
    let (repo, base) = (session.repo.clone(), state.base);
    let Ok(Ok(files)) = blocking(move || git::read_rust_files(&repo, base)).await else {
        return;
    };
    let errors: Vec<Diagnostic> = state.current.errors().cloned().collect();
    let origins = session
        .dependencies
        .origins(&errors, &Sources::new(files))
        .await;
    for (unfixed, origin) in summary.unfixed.iter_mut().zip(origins) {
        unfixed.origin = origin;
    }
}

/// What the model workers spent, or, without them, the scopes a model could still try.
fn llm_account(session: &Session, summary: &RunSummary) -> Option<LlmAccount> {
    match &session.llm {
        Some(llm) => Some(LlmAccount::Used {
            model: llm.settings.model.clone(),
            spending: llm.spending(),
            stopped: llm.budget_reached(),
            untried: llm.untried(),
        }),
        None => {
            let mut could_try: Vec<String> = summary
                .unfixed
                .iter()
                .filter(|unfixed| {
                    !matches!(
                        unfixed.reason,
                        UnfixedReason::Outside { .. } | UnfixedReason::NoLocation
                    )
                })
                .map(|unfixed| unfixed.code.clone())
                .collect();
            could_try.sort();
            could_try.dedup();
            (!could_try.is_empty()).then_some(LlmAccount::Off { could_try })
        }
    }
}

/// The facts of the run a summary made now needs.
pub(super) fn ending(session: &Session) -> Ending {
    Ending {
        run: session.run.to_string(),
        record: session.record_dir.clone(),
        dry_run: session.config.dry_run,
        duration_ms: duration_ms(session.events.elapsed()),
        cargo: session.cargo.time(),
    }
}

/// The first check, of where the rounds start, and what follows it before the first round: the
/// rest of the pool seeded, and a resumed run's checkpoint saved as its own. `None`: a signal
/// stopped the check.
pub(super) async fn first_check(
    session: &mut Session,
    start: Start,
) -> Result<Result<RunState, StopSignal>, RunError> {
    let mut gate_runs = 0;
    let current = match session
        .check_showing_progress(start.base, &mut gate_runs)
        .await
    {
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
    });
    let (base, rounds, errors_before) = (start.base, start.rounds, start.errors_before);
    let mut state = RunState::new(
        base,
        current,
        rounds,
        errors_before,
        start.fixes,
        start.tally,
        gate_runs,
    );
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

/// Round `number` on one machine: plan, work, merge, the steps a CI matrix's jobs take apart
/// (`super::matrix`). With `worked`, the reports of round 1 that the matrix's work jobs made, in
/// place of the work.
async fn run_round(
    session: &mut Session,
    state: &mut RunState,
    number: usize,
    worked: Option<Worked>,
) -> Result<RoundOutcome, RunError> {
    let scopes = plan_round(state);
    if scopes.is_empty() {
        return Ok(RoundOutcome::NothingInWorkspace);
    }
    let reports = match worked {
        None => {
            start_round(session, state, number, &scopes);
            work(session, state, number, scopes).await?
        }
        Some(worked) => {
            matrix::same_scopes(&worked.planned, &scopes)?;
            start_round(session, state, number, &scopes);
            for report in &worked.reports {
                session.emit(report_event(number, report));
            }
            worked.reports
        }
    };
    merge_reports(session, state, number, reports).await
}

/// The reports of a round the matrix's work jobs made, and the scopes of the plan they worked.
pub(super) struct Worked {
    pub(super) planned: Vec<Scope>,
    pub(super) reports: Vec<WorkerReport>,
}

/// The plan of the next round: its scopes, in plan order; what lies outside the workspace is set
/// apart in the state.
pub(super) fn plan_round(state: &mut RunState) -> Vec<Scope> {
    let plan = plan::plan(&state.current.diagnostics, SPLIT_SCOPES_ABOVE);
    state.set_outside(&plan.outside);
    plan.scopes
}

/// Round `number` starts on `scopes`.
pub(super) fn start_round(
    session: &Session,
    state: &mut RunState,
    number: usize,
    scopes: &[Scope],
) {
    state.rounds = number;
    session.emit(Event::RoundStarted {
        round: number,
        errors: state.current.error_count(),
        scopes: scopes.iter().map(outline).collect(),
    });
}

/// The work of round `number` on `scopes`: one worker each, their reports in plan order.
pub(super) async fn work(
    session: &Session,
    state: &RunState,
    number: usize,
    scopes: Vec<Scope>,
) -> Result<Vec<WorkerReport>, RunError> {
    let round = new_round(session, state, number).await?;
    Ok(dispatch(session, &round, scopes).await)
}

/// The merge of round `number`'s reports (in plan order): their patches merged, gated together,
/// what makes it worse backed out; the result checkpointed.
pub(super) async fn merge_reports(
    session: &mut Session,
    state: &mut RunState,
    number: usize,
    reports: Vec<WorkerReport>,
) -> Result<RoundOutcome, RunError> {
    let errors_at_start = state.current.error_count();
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
    let dependencies = session
        .dependencies
        .index_for(&state.current.diagnostics, &sources)
        .await;
    Ok(Arc::new(Round {
        number,
        base,
        before: state.current.diagnostics.clone(),
        unchecked: session.gate.unchecked(&state.current),
        decided: state.decided.clone(),
        sources,
        index: OnceLock::new(),
        dependencies: Arc::new(dependencies),
        gate: Arc::clone(&session.gate),
        pool: session.pool.clone(),
        events: session.events.clone(),
        cancel: session.cancel.clone(),
        gate_runs: Mutex::default(),
    }))
}

fn outline(scope: &Scope) -> ScopeOutline {
    ScopeOutline {
        id: scope.id.clone(),
        phase: scope.phase,
        diagnostics: scope.diagnostics.len(),
        files: scope.files.len(),
    }
}
