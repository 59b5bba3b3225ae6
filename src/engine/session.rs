//! `Session`, everything a run set up for its rounds to use, and its one gate check.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

use super::dependencies::DependencyLoader;
use super::error::RunError;
use crate::cargo::{Cargo, CargoError, error_message};
use crate::check_progress;
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
        self.check_observed(commit, gate_runs, &|_| ()).await
    }

    /// `check`, emitting `Event::Compiling` for each unit cargo finishes: the first check, which
    /// on a cold target directory may take minutes before there is any plan to show.
    pub(super) async fn check_showing_progress(
        &self,
        commit: Oid,
        gate_runs: &mut usize,
    ) -> Result<GateCheck, RunError> {
        // The estimate comes from `cargo metadata` beside the check; the units finished before
        // it arrives are shown without one. It ends with the check at the latest.
        let estimate = OnceLock::new();
        let estimating = async {
            let manifest = self.config.manifest_path.as_deref();
            let found = self
                .cargo
                .unit_estimate(&self.config.cwd, manifest, &self.cancel)
                .await;
            match found {
                Ok(units) if units > 0 => {
                    let _ = estimate.set(units);
                }
                Ok(_) => {}
                Err(error) => tracing::debug!("no estimate of the check's units: {error}"),
            }
        };
        let compiled = AtomicUsize::new(0);
        let observe = |line: &str| {
            if let Some(unit) = check_progress::artifact(line) {
                self.emit(Event::Compiling {
                    compiled: compiled.fetch_add(1, Ordering::Relaxed) + 1,
                    estimate: estimate.get().copied(),
                    unit,
                });
            }
        };
        let checking = self.check_observed(commit, gate_runs, &observe);
        tokio::pin!(checking);
        // The check ending first drops the estimate's future, which kills its cargo.
        tokio::select! {
            check = &mut checking => check,
            () = estimating => checking.await,
        }
    }

    async fn check_observed(
        &self,
        commit: Oid,
        gate_runs: &mut usize,
        observe: &(dyn Fn(&str) + Sync),
    ) -> Result<GateCheck, RunError> {
        let lease = self.pool.acquire().await;
        let kind = self.gate.kind();
        let check = self
            .gate
            .check_observed(lease, commit, None, &self.cancel, kind, observe)
            .await?;
        *gate_runs += 1;
        if check.parsed.error_count() == 0 && check.parsed.build_succeeded != Some(true) {
            return Err(RunError::CheckFailed(error_message(&check.stderr_tail)));
        }
        Ok(check)
    }
}
