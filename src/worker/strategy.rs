//! The seam every kind of worker plugs into: a `Strategy` takes a scope and a `WorkerContext`,
//! iterates as it likes (propose, gate, read the verdict, propose again) and reports what it
//! fixed. `run_worker` runs the round's strategies in order on one scope, each on what the ones
//! before left, and turns what they found into the scope's `WorkerReport`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::candidate::Refusal;
use crate::diagnostic::Identity;
use crate::event::{Event, Fix, Left, WorkerFailure, WorkerReport, WorkerStatus};
use crate::gate::GateError;
use crate::patch::Patch;
use crate::plan::Scope;
use crate::reason::UnfixedReason;

use super::context::{Budget, StrategyReport, WorkerContext, take};
use super::embedded::Embedded;
use super::llm::Llm;
use super::round::Round;
use super::search::{Kept, Stage};

/// A kind of worker.
#[derive(Debug)]
pub enum Strategy {
    /// The specialists built in: rustc's suggestions, then rules for what they left.
    Embedded(Embedded),
    /// A language model, through an OpenAI-compatible endpoint (`--llm`), for what the
    /// embedded strategy left.
    Llm(Llm),
}

impl Strategy {
    /// Works on `scope` on top of `base` (the fixes earlier strategies kept for it).
    pub async fn run(
        &self,
        context: &WorkerContext,
        scope: &Scope,
        base: Stage,
    ) -> Result<StrategyReport, GateError> {
        match self {
            Strategy::Embedded(embedded) => embedded.run(context, scope, base).await,
            Strategy::Llm(llm) => llm.run(context, scope, base).await,
        }
    }
}

/// Runs one scope to its report. Errors are only those of the machinery (git, cargo failing to
/// run, cancellation); a rejected candidate is an ordinary outcome.
///
/// The worker owns its time (`--worker-timeout`): when it runs out during a strategy, what the
/// strategies before found is kept and reported, and the diagnostics left say the time ran out.
/// A model's strategy waits on the network; a slow endpoint must not cost the fixes the built-in
/// specialists had already made. Only a worker that found nothing at all is reported timed out.
pub async fn run_worker(
    round: Arc<Round>,
    strategies: Arc<[Strategy]>,
    scope: Scope,
    time_limit: Duration,
) -> Result<WorkerReport, GateError> {
    let deadline = tokio::time::Instant::now() + time_limit;
    round.emit(Event::WorkerStarted {
        round: round.number,
        scope: scope.id.clone(),
        diagnostics: scope.diagnostics.len(),
    });
    let context = WorkerContext::new(Arc::clone(&round), &scope.id, Budget::unlimited());
    let mut found = StrategyReport::default();
    let mut left = scope.clone();
    let mut timed_out = false;
    for strategy in strategies.iter() {
        if left.diagnostics.is_empty() || context.cancel().is_cancelled() {
            break;
        }
        if !context.within_budget() {
            break;
        }
        let run = strategy.run(&context, &left, found.stage.clone());
        let Ok(report) = tokio::time::timeout_at(deadline, run).await else {
            timed_out = true;
            break;
        };
        let report = report?;
        left.diagnostics = not_covered(&left, &report);
        absorb(&mut found, report);
    }
    let after_secs = time_limit.as_secs();
    if timed_out {
        if found.fixed.is_empty() {
            return Ok(WorkerReport {
                gate_runs: round.gate_runs_of(&scope.id),
                scope: scope.id,
                code: scope.code,
                status: WorkerStatus::TimedOut,
                diagnostics: scope.diagnostics.len(),
                failure: Some(WorkerFailure::TimedOut { after_secs }),
                fixed: Vec::new(),
                unfixed: Vec::new(),
                patch: None,
                resolved: Vec::new(),
                candidates: found.candidates,
                tokens: (found.tokens.total() > 0).then_some(found.tokens),
            });
        }
        let out_of_time = left
            .diagnostics
            .iter()
            .map(|d| (d.identity(), UnfixedReason::OutOfTime { after_secs }));
        found.rejected.splice(0..0, out_of_time);
    }
    let patch = if found.fixed.is_empty() {
        None
    } else {
        Patch::from_edits(&round.sources, &found.stage.edits).ok()
    };
    let (fixed, unfixed) = account(&scope, found.fixed, &found.rejected, found.refused);
    Ok(WorkerReport {
        gate_runs: round.gate_runs_of(&scope.id),
        scope: scope.id,
        code: scope.code,
        status: WorkerStatus::Completed,
        diagnostics: scope.diagnostics.len(),
        failure: None,
        fixed,
        unfixed,
        patch,
        resolved: found.resolved,
        candidates: found.candidates,
        tokens: (found.tokens.total() > 0).then_some(found.tokens),
    })
}

/// Adds what a later strategy found to what the ones before found: its fixes build on theirs,
/// and its reasons come first, being the latest word on what it tried.
fn absorb(found: &mut StrategyReport, report: StrategyReport) {
    found.candidates += report.candidates;
    found.tokens += report.tokens;
    if !report.fixed.is_empty() {
        found.stage = report.stage;
        found.resolved = report.resolved;
    }
    found.fixed.extend(report.fixed);
    found.rejected.splice(0..0, report.rejected);
    for (identity, refusal) in report.refused {
        found.refused.entry(identity).or_insert(refusal);
    }
}

/// The diagnostics of `scope` that `report` neither fixed nor saw resolved, one occurrence each.
fn not_covered(scope: &Scope, report: &StrategyReport) -> Vec<crate::diagnostic::Diagnostic> {
    let mut covered: Vec<Identity> = report.resolved.clone();
    covered.extend(report.fixed.iter().map(|(identity, _)| identity.clone()));
    scope
        .diagnostics
        .iter()
        .filter(|d| !take(&mut covered, &d.identity()))
        .cloned()
        .collect()
}

/// Per diagnostic of the scope, in scope order: fixed (and how), or unfixed (and why).
fn account(
    scope: &Scope,
    mut fixed_pool: Vec<(Identity, Kept)>,
    rejected: &[(Identity, UnfixedReason)],
    mut refused: BTreeMap<Identity, Refusal>,
) -> (Vec<Fix>, Vec<Left>) {
    let mut fixed = Vec::new();
    let mut unfixed = Vec::new();
    for diagnostic in &scope.diagnostics {
        let identity = diagnostic.identity();
        if let Some(at) = fixed_pool.iter().position(|(i, _)| *i == identity) {
            let (_, kept) = fixed_pool.swap_remove(at);
            fixed.push(Fix {
                target: identity,
                position: diagnostic.position(),
                how: kept.how,
                change: kept.change,
                by: kept.by.to_owned(),
                why: kept.why,
            });
            continue;
        }
        let reason = rejected
            .iter()
            .find(|(i, _)| *i == identity)
            .map(|(_, why)| why.clone())
            .or_else(|| {
                let refusal = refused.remove(&identity)?;
                Some(UnfixedReason::Refused { refusal })
            })
            .unwrap_or(UnfixedReason::NoProposal);
        unfixed.push(Left {
            target: identity,
            detail: diagnostic.label.clone(),
            position: diagnostic.position(),
            reason,
        });
    }
    (fixed, unfixed)
}
