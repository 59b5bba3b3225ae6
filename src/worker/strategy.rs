//! The seam every kind of worker plugs into: a `Strategy` takes a scope and a `WorkerContext`,
//! iterates as it likes (propose, gate, read the verdict, propose again) and reports what it
//! fixed. `run_worker` runs the round's strategies in order on one scope, each on what the ones
//! before left, and turns what they found into the scope's `WorkerReport`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::candidate::Refusal;
use crate::diagnostic::Identity;
use crate::event::{Event, Fix, WorkerReport, WorkerStatus};
use crate::gate::GateError;
use crate::parse::ParsedCheck;
use crate::patch::{Patch, Sources};
use crate::plan::Scope;
use crate::reason::UnfixedReason;
use crate::specialist::Context;
use crate::verdict::Verdict;

use super::embedded::Embedded;
use super::round::Round;
use super::search::Stage;

/// A kind of worker.
#[derive(Debug)]
pub enum Strategy {
    /// The specialists built in: rustc's suggestions, then rules for what they left.
    Embedded(Embedded),
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
        }
    }
}

/// What a strategy found for a scope.
#[derive(Debug, Default)]
pub struct StrategyReport {
    /// Targets fixed, with how.
    pub fixed: Vec<(Identity, String)>,
    /// Targets tried and not fixed, with why; the first entry for an identity is the one told.
    pub rejected: Vec<(Identity, UnfixedReason)>,
    /// Targets whose every proposal the meaning guard refused.
    pub refused: BTreeMap<Identity, Refusal>,
    /// The fixes kept, those of the base included, and every target they fix.
    pub stage: Stage,
    /// What the gate saw resolved by `stage`.
    pub resolved: Vec<Identity>,
    /// Candidate fixes proposed.
    pub candidates: usize,
}

/// How much a worker may still spend. Unlimited today: a strategy that pays for what it asks
/// (a model) will carry its limit here.
#[derive(Clone, Debug, Default)]
pub struct Budget {
    /// Gate runs a scope may take; `None`: no limit.
    gate_runs: Option<usize>,
}

impl Budget {
    pub fn unlimited() -> Budget {
        Budget { gate_runs: None }
    }

    /// Whether a scope that took `spent` gate runs may start another strategy.
    pub fn allows(&self, spent: usize) -> bool {
        self.gate_runs.is_none_or(|limit| spent < limit)
    }
}

/// What a strategy works with: the round's sources and their index, the gate, the event sink,
/// the run's cancellation, and the worker's budget. Cheap to clone into the tasks of gate runs.
#[derive(Clone, Debug)]
pub struct WorkerContext {
    round: Arc<Round>,
    scope: String,
    budget: Budget,
}

impl WorkerContext {
    pub fn new(round: Arc<Round>, scope: &str, budget: Budget) -> WorkerContext {
        WorkerContext {
            round,
            scope: scope.to_owned(),
            budget,
        }
    }

    pub fn round(&self) -> &Round {
        &self.round
    }

    pub fn sources(&self) -> &Sources {
        &self.round.sources
    }

    /// What the specialists read: the sources and the round's index.
    pub fn specialists(&self) -> Context<'_> {
        Context::new(&self.round.sources, &self.round.index)
    }

    pub fn emit(&self, event: Event) {
        self.round.emit(event);
    }

    pub fn cancel(&self) -> &CancellationToken {
        &self.round.cancel
    }

    /// Whether the budget allows more work on the scope.
    pub fn within_budget(&self) -> bool {
        self.budget.allows(self.round.gate_runs_of(&self.scope))
    }

    /// Gates `patch` for `targets`, counted against the scope.
    pub async fn gate(
        &self,
        label: &str,
        patch: &Patch,
        targets: &[Identity],
    ) -> Result<(Verdict, ParsedCheck), GateError> {
        self.round
            .gate_once(&self.scope, label, patch, targets)
            .await
    }
}

/// Runs one scope to its report. Errors are only those of the machinery (git, cargo failing to
/// run, cancellation); a rejected candidate is an ordinary outcome.
pub async fn run_worker(round: Arc<Round>, scope: Scope) -> Result<WorkerReport, GateError> {
    let started = Instant::now();
    round.emit(Event::WorkerStarted {
        round: round.number,
        scope: scope.id.clone(),
        diagnostics: scope.diagnostics.len(),
    });
    let context = WorkerContext::new(Arc::clone(&round), &scope.id, Budget::unlimited());
    let mut found = StrategyReport::default();
    let mut left = scope.clone();
    for strategy in round.strategies.iter() {
        if left.diagnostics.is_empty() || context.cancel().is_cancelled() {
            break;
        }
        if !context.within_budget() {
            break;
        }
        let report = strategy.run(&context, &left, found.stage.clone()).await?;
        left.diagnostics = not_covered(&left, &report);
        absorb(&mut found, report);
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
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Adds what a later strategy found to what the ones before found: its fixes build on theirs,
/// and its reasons come first, being the latest word on what it tried.
fn absorb(found: &mut StrategyReport, report: StrategyReport) {
    found.candidates += report.candidates;
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
    mut fixed_pool: Vec<(Identity, String)>,
    rejected: &[(Identity, UnfixedReason)],
    mut refused: BTreeMap<Identity, Refusal>,
) -> (Vec<Fix>, Vec<(Identity, UnfixedReason)>) {
    let mut fixed = Vec::new();
    let mut unfixed = Vec::new();
    for diagnostic in &scope.diagnostics {
        let identity = diagnostic.identity();
        if let Some(at) = fixed_pool.iter().position(|(i, _)| *i == identity) {
            let (_, how) = fixed_pool.swap_remove(at);
            fixed.push(Fix {
                target: identity,
                position: diagnostic.position(),
                how,
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
        unfixed.push((identity, reason));
    }
    (fixed, unfixed)
}

/// Removes one occurrence of `identity` from `pool`, saying whether there was one.
pub(super) fn take(pool: &mut Vec<Identity>, identity: &Identity) -> bool {
    match pool.iter().position(|i| i == identity) {
        Some(at) => {
            pool.swap_remove(at);
            true
        }
        None => false,
    }
}
