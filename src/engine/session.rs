//! `Session`, everything a run set up for its rounds to use, and its one gate check.

use std::path::PathBuf;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::dependencies::DependencyLoader;
use super::error::RunError;
use crate::cargo::{Cargo, CargoError, error_message};
use crate::config::FixConfig;
use crate::event::Event;
use crate::event_sink::EventSink;
use crate::gate::{Gate, GateCheck};
use crate::git::{Oid, Repo};
use crate::llm::service::LlmService;
use crate::pool::WorktreePool;
use crate::run_id::RunId;
use crate::specialist::Specialist;
use crate::stop::{Stop, StopSignal};

/// Everything a run set up, for the rounds to use.
pub(super) struct Session {
    pub(super) config: FixConfig,
    pub(super) repo: Repo,
    pub(super) gate: Arc<Gate>,
    pub(super) pool: WorktreePool,
    pub(super) specialists: Arc<[Box<dyn Specialist>]>,
    pub(super) events: EventSink,
    pub(super) stop: Stop,
    /// `stop`'s token, for cargo and the workers.
    pub(super) cancel: CancellationToken,
    pub(super) record_dir: PathBuf,
    pub(super) run: RunId,
    /// The snapshot of the user's sources this run started from.
    pub(super) snapshot: Oid,
    /// The dependencies' API, read when a round's errors first name a dependency.
    pub(super) dependencies: DependencyLoader,
    /// The cargo every part of the run uses (gate, dependencies), for its clock.
    pub(super) cargo: Cargo,
    /// The model workers' service, with `--llm`.
    pub(super) llm: Option<Arc<LlmService>>,
}

impl Session {
    pub(super) fn emit(&self, event: Event) {
        self.events.emit(event);
    }

    /// The signal that stopped the run, when `error` is only the consequence of that stop.
    pub(super) fn stopped_by(&self, error: &RunError) -> Option<StopSignal> {
        match error {
            RunError::Cargo(CargoError::Cancelled) => self.stop.requested(),
            _ => None,
        }
    }

    /// Checks `commit` in a leased worktree, counting the gate run in `gate_runs`.
    pub(super) async fn check(
        &self,
        commit: Oid,
        gate_runs: &mut usize,
    ) -> Result<GateCheck, RunError> {
        let lease = self.pool.acquire().await;
        let check = self.gate.check(lease, commit, None, &self.cancel).await?;
        *gate_runs += 1;
        if check.parsed.error_count() == 0 && check.parsed.build_succeeded != Some(true) {
            return Err(RunError::CheckFailed(error_message(&check.stderr_tail)));
        }
        Ok(check)
    }
}
