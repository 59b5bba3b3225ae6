//! What every worker of a round shares, and the gate client workers judge candidates through.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tokio_util::sync::CancellationToken;

use crate::api::DependencyIndex;
use crate::cargo::CargoError;
use crate::config::GateKind;
use crate::decision::Decided;
use crate::diagnostic::{Diagnostic, Identity};
use crate::event::Event;
use crate::event_sink::EventSink;
use crate::gate::{Gate, GateCheck, GateError, Unchecked};
use crate::git::Oid;
use crate::index::ItemIndex;
use crate::patch::{Patch, Sources};
use crate::pool::WorktreePool;
use crate::verdict::{self, Verdict};

/// What every worker of a round shares. Owned data only: workers hold no reference into the
/// dispatcher's state.
#[derive(Debug)]
pub struct Round {
    pub number: usize,
    pub base: Oid,
    /// The base's diagnostics, against which every candidate is judged.
    pub before: Vec<Diagnostic>,
    /// What the base's check could not reach (packages whose dependency failed, test targets
    /// whose library failed): their errors, once they appear, are revealed rather than caused.
    pub unchecked: Unchecked,
    /// The renames earlier rounds decided: tried first where the same question comes up.
    pub decided: Decided,
    pub sources: Sources,
    /// What `sources` define, indexed when a rule first asks: once per round, for every worker.
    pub index: OnceLock<ItemIndex>,
    /// The API of the dependencies the round's errors name, read before the round began: what
    /// rules read, and what later strategies (a model's prompt) can be given.
    pub dependencies: Arc<DependencyIndex>,
    pub gate: Arc<Gate>,
    pub pool: WorktreePool,
    pub events: EventSink,
    pub cancel: CancellationToken,
    /// Gate runs started, by scope. Counted here rather than in the worker, so that the
    /// dispatcher knows what a worker cut off by its timeout (or stopped) spent.
    pub gate_runs: Mutex<BTreeMap<String, usize>>,
}

impl Round {
    pub fn emit(&self, event: Event) {
        self.events.emit(event);
    }

    /// The gate runs the worker of `scope` started, finished or not.
    pub fn gate_runs_of(&self, scope: &str) -> usize {
        let counts = self
            .gate_runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        counts.get(scope).copied().unwrap_or(0)
    }

    /// One gate run of `patch` on the round's base for `scope`, judged against `targets`: the
    /// verdict, and the check (and tests) it came from. The worktree's lease (a gate slot) is taken only
    /// here, once the run may start, and given back when `Gate::check` ends.
    pub async fn gate_once(
        &self,
        scope: &str,
        label: &str,
        patch: &Patch,
        targets: &[Identity],
    ) -> Result<(Verdict, GateCheck), GateError> {
        let kind = self.gate.kind();
        self.gate_once_as(scope, label, patch, targets, kind).await
    }

    /// `gate_once` with the tests run or not as `kind` says, whatever the user's `--gate`.
    pub async fn gate_once_as(
        &self,
        scope: &str,
        label: &str,
        patch: &Patch,
        targets: &[Identity],
        kind: GateKind,
    ) -> Result<(Verdict, GateCheck), GateError> {
        // A stopped run starts no more gate runs, and counts none.
        if self.cancel.is_cancelled() {
            return Err(GateError::Cargo(CargoError::Cancelled));
        }
        let lease = self.pool.acquire().await;
        *self
            .gate_runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(scope.to_owned())
            .or_default() += 1;
        let check = self
            .gate
            .check_as(lease, self.base, Some(patch), &self.cancel, kind)
            .await?;
        // Compare only what the gate checked: a narrowed check does not see other packages.
        let before: Vec<Diagnostic> = match &check.packages {
            None => self.before.clone(),
            Some(packages) => self
                .before
                .iter()
                .filter(|d| d.file().is_some_and(|file| self.gate.is_in(file, packages)))
                .cloned()
                .collect(),
        };
        let verdict = verdict::judge(&before, targets, &check.parsed, |file| {
            self.gate.is_unchecked(file, &self.unchecked)
        });
        let verdict = verdict::with_tests(verdict, check.tests.as_ref());
        self.emit(Event::GateFinished {
            round: self.number,
            scope: scope.to_owned(),
            candidate: label.to_owned(),
            verdict: verdict.clone(),
        });
        Ok((verdict, check))
    }
}
