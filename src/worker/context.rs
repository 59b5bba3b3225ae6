//! What a strategy works with (`WorkerContext`: the round, the scope, the budget) and what it
//! hands back (`StrategyReport`).

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::candidate::Refusal;
use crate::config::GateKind;
use crate::diagnostic::Identity;
use crate::event::Event;
use crate::gate::{GateCheck, GateError};
use crate::llm::chat::Usage;
use crate::patch::{Patch, Sources};
use crate::reason::UnfixedReason;
use crate::specialist::Context;
use crate::verdict::Verdict;

use super::round::Round;
use super::search::{Kept, Stage};

/// What a strategy found for a scope.
#[derive(Debug, Default)]
pub struct StrategyReport {
    /// Targets fixed, with how, by whom and why.
    pub fixed: Vec<(Identity, Kept)>,
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
    /// Tokens its model requests cost.
    pub tokens: Usage,
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
            .with_dependencies(&self.round.dependencies)
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

    /// `gate`, with the tests run or not as `kind` says, whatever the user's `--gate`.
    pub async fn gate_as(
        &self,
        label: &str,
        patch: &Patch,
        targets: &[Identity],
        kind: GateKind,
    ) -> Result<(Verdict, GateCheck), GateError> {
        self.round
            .gate_once_as(&self.scope, label, patch, targets, kind)
            .await
    }

    /// Gates `patch` for `targets`, counted against the scope.
    pub async fn gate(
        &self,
        label: &str,
        patch: &Patch,
        targets: &[Identity],
    ) -> Result<(Verdict, GateCheck), GateError> {
        self.round
            .gate_once(&self.scope, label, patch, targets)
            .await
    }
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
