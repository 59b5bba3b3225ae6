//! `RunState`, what the dispatcher knows of a run between its rounds, and the summaries it makes:
//! plain data, no I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::cargo::CargoTime;
use crate::checkpoint;
use crate::decision::{self, Decided};
use crate::diagnostic::{Diagnostic, Identity, Location, code_label};
use crate::event::WorkerReport;
use crate::git::Oid;
use crate::parse::ParsedCheck;
use crate::patch::Patch;
use crate::phase::Phase;
use crate::position::Position;
use crate::reason::{StopReason, UnfixedReason};
use crate::schema::SchemaVersion;
use crate::skipped_file::SkippedFile;
use crate::stop::StopSignal;
use crate::summary::{
    FixedError, Outcome, RoundLimit, RunSummary, SavedProgress, ScopeFix, Tally, Unfixed,
};
use crate::verdict;

/// How one round ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RoundOutcome {
    /// Fixes were merged: the state moved on to the merged commit.
    Merged,
    /// No worker's fix passed the gate.
    NoFixPassed,
    /// Fixes passed alone, but none kept passing once merged.
    WorseWhenMerged,
    /// No error left lies in the workspace's sources: the round did not start.
    NothingInWorkspace,
    /// A signal stopped the round.
    Stopped(StopSignal),
}

/// The run's state between rounds, owned by the dispatcher.
#[derive(Debug)]
pub(super) struct RunState {
    /// The commit the next round starts from.
    pub(super) base: Oid,
    /// The check of `base`.
    pub(super) current: ParsedCheck,
    /// The errors the run's first check counted (a resumed run: the stopped run's).
    pub(super) errors_before: usize,
    /// Rounds started, a stopped run's included.
    pub(super) rounds: usize,
    /// The last round whose fixes are in this run's checkpoint, if it saved one.
    pub(super) saved: Option<usize>,
    pub(super) gate_runs: usize,
    pub(super) fixes: Vec<ScopeFix>,
    /// The errors the merged rounds resolved and revealed, a stopped run's included.
    pub(super) tally: Tally,
    /// Why each diagnostic was left, as the last worker (or the plan) said.
    pub(super) reasons: BTreeMap<Identity, UnfixedReason>,
    /// Why the rounds stopped, for the errors no round reached.
    pub(super) stop: StopReason,
    /// The renames merged rounds decided, which later rounds try first for the same question.
    pub(super) decided: Decided,
}

/// What a summary needs besides the state: facts of the run and its end.
#[derive(Debug)]
pub(super) struct Ending {
    pub(super) run: String,
    pub(super) record: PathBuf,
    pub(super) dry_run: bool,
    pub(super) duration_ms: u64,
    pub(super) cargo: CargoTime,
}

/// What the final apply did (with `--dry-run`, would have done).
#[derive(Debug, Default)]
pub(super) struct Delivery {
    pub(super) files_changed: Vec<PathBuf>,
    pub(super) skipped: Vec<SkippedFile>,
    /// The whole fix's patch, if it could be saved.
    pub(super) patch: Option<PathBuf>,
    /// The fix itself, from the snapshot to the result: what maps a position in the result back
    /// to the user's tree as the run found it.
    pub(super) fix: Patch,
}

impl RunState {
    /// The state once the first check of `base` counted its errors: after `rounds` rounds and
    /// with the `errors_before` of a stopped run this one resumes, if any.
    pub(super) fn new(
        base: Oid,
        current: ParsedCheck,
        rounds: usize,
        errors_before: Option<usize>,
        fixes: Vec<ScopeFix>,
        tally: Tally,
        gate_runs: usize,
    ) -> RunState {
        let errors_before = errors_before.unwrap_or(current.error_count());
        RunState {
            base,
            current,
            errors_before,
            rounds,
            saved: None,
            gate_runs,
            fixes,
            tally,
            reasons: BTreeMap::new(),
            stop: StopReason::NoFixPassed,
            decided: Decided::new(),
        }
    }

    /// Records why the errors outside the workspace are left.
    pub(super) fn set_outside(&mut self, outside: &[Diagnostic]) {
        for diagnostic in outside {
            let reason = match &diagnostic.location {
                Location::External(path) => UnfixedReason::Outside { path: path.clone() },
                _ => UnfixedReason::NoLocation,
            };
            self.reasons.insert(diagnostic.identity(), reason);
        }
    }

    /// Records what a round's workers spent and left.
    pub(super) fn record_reports(&mut self, reports: &[WorkerReport]) {
        self.gate_runs += reports.iter().map(|report| report.gate_runs).sum::<usize>();
        for report in reports {
            for left in &report.unfixed {
                self.reasons
                    .insert(left.target.clone(), left.reason.clone());
            }
        }
    }

    /// Moves on to the merge of round `number`: `kept`'s fixes, at `commit`, checked as `after`;
    /// counts what they resolved and revealed, as the gate compares checks.
    pub(super) fn merged(
        &mut self,
        number: usize,
        kept: &[&WorkerReport],
        commit: Oid,
        after: ParsedCheck,
    ) {
        let targets: Vec<Identity> = kept
            .iter()
            .flat_map(|report| report.fixed.iter().map(|fix| fix.target.clone()))
            .collect();
        let comparison = verdict::compare(&self.current.diagnostics, &targets, &after.diagnostics);
        self.tally.fixed += comparison.resolved.len();
        self.tally.revealed += comparison.behind.len() + comparison.appeared.len();
        for report in kept {
            let decisions = report
                .patch
                .iter()
                .flat_map(|patch| decision::decisions_in(report.code.as_ref(), patch));
            for made in decisions {
                self.decided.insert(made.question, made.answer);
            }
            let mut how: Vec<String> = report.fixed.iter().map(|fix| fix.how.clone()).collect();
            how.sort();
            how.dedup();
            let errors = report
                .fixed
                .iter()
                .map(|fix| FixedError {
                    code: code_label(fix.target.code.as_ref()).to_owned(),
                    message: fix.target.message.clone(),
                    position: fix.position.clone(),
                    how: fix.how.clone(),
                    change: fix.change.clone(),
                    by: fix.by.clone(),
                    why: fix.why,
                })
                .collect();
            self.fixes.push(ScopeFix {
                round: number,
                scope: report.scope.clone(),
                fixed: report.fixed.len(),
                how,
                errors,
            });
        }
        self.base = commit;
        self.current = after;
    }

    /// Records how a round ended: why the rounds stop, if they do.
    pub(super) fn ended(&mut self, outcome: RoundOutcome) {
        match outcome {
            RoundOutcome::NoFixPassed => self.stop = StopReason::NoFixPassed,
            RoundOutcome::WorseWhenMerged => self.stop = StopReason::WorseWhenMerged,
            RoundOutcome::NothingInWorkspace => self.stop = StopReason::NothingInWorkspace,
            RoundOutcome::Merged | RoundOutcome::Stopped(_) => {}
        }
    }

    /// The summary of a run that went to its end and delivered its fix.
    pub(super) fn summarize(&self, delivery: Delivery, ending: Ending) -> RunSummary {
        let unfixed = self
            .current
            .errors()
            .map(|diagnostic| Unfixed {
                code: code_label(diagnostic.code.as_ref()).to_owned(),
                message: diagnostic.message.clone(),
                detail: diagnostic.label.clone(),
                position: diagnostic.position(),
                position_before: position_before(&delivery.fix, diagnostic.position().as_ref()),
                origin: None,
                reason: self
                    .reasons
                    .get(&diagnostic.identity())
                    .cloned()
                    .unwrap_or(UnfixedReason::NotReached { stop: self.stop }),
            })
            .collect();
        let errors_after = self.current.error_count();
        let round_limit = (self.stop == StopReason::MaxRounds && errors_after > 0).then(|| {
            let phases: BTreeSet<Phase> = self.current.errors().map(Diagnostic::phase).collect();
            RoundLimit {
                max_rounds: self.rounds,
                suggested: self.rounds + phases.len(),
            }
        });
        RunSummary {
            schema_version: SchemaVersion,
            outcome: Outcome::of_finished_run(errors_after, &delivery.skipped),
            errors_before: Some(self.errors_before),
            errors_after: Some(errors_after),
            errors_fixed: Some(self.tally.fixed),
            errors_revealed: Some(self.tally.revealed),
            round_limit,
            rounds: self.rounds,
            gate_runs: self.gate_runs,
            duration_ms: ending.duration_ms,
            cargo: ending.cargo,
            fixes: self.fixes.clone(),
            unfixed,
            files_changed: delivery.files_changed,
            skipped: delivery.skipped,
            patch: delivery.patch,
            saved: None,
            dry_run: ending.dry_run,
            record: Some(ending.record),
            cleanup: Vec::new(),
            deliveries: Vec::new(),
            llm: None,
        }
    }

    /// The summary of a run stopped by `signal` after its first check: nothing was applied, so the
    /// errors after are those before, and what it saved is named.
    pub(super) fn interrupted(&self, signal: StopSignal, ending: Ending) -> RunSummary {
        let saved = self.saved.map(|rounds| SavedProgress {
            run: ending.run.clone(),
            rounds,
            fixed: self.fixes.iter().map(|fix| fix.fixed).sum(),
            patch: ending.record.join(checkpoint::PATCH_NAME),
        });
        RunSummary {
            schema_version: SchemaVersion,
            errors_before: Some(self.errors_before),
            errors_after: Some(self.errors_before),
            rounds: self.rounds,
            gate_runs: self.gate_runs,
            saved,
            cargo: ending.cargo,
            ..interrupted_before_check(
                signal,
                Some(ending.record),
                ending.dry_run,
                ending.duration_ms,
            )
        }
    }
}

/// `position` (in the result) in the user's tree as the run found it, through
/// `fix`; `None` where the fix wrote that line, or for a position without a line.
fn position_before(fix: &Patch, position: Option<&Position>) -> Option<Position> {
    let position = position?;
    let line = fix.line_before(&position.file, position.line)?;
    Some(Position {
        line,
        ..position.clone()
    })
}

/// The summary of a run stopped by `signal` before its first check counted the errors.
pub(super) fn interrupted_before_check(
    signal: StopSignal,
    record: Option<PathBuf>,
    dry_run: bool,
    duration_ms: u64,
) -> RunSummary {
    RunSummary {
        schema_version: SchemaVersion,
        outcome: Outcome::Interrupted { signal },
        errors_before: None,
        errors_after: None,
        errors_fixed: None,
        errors_revealed: None,
        round_limit: None,
        rounds: 0,
        gate_runs: 0,
        duration_ms,
        cargo: CargoTime::default(),
        fixes: Vec::new(),
        unfixed: Vec::new(),
        files_changed: Vec::new(),
        skipped: Vec::new(),
        patch: None,
        saved: None,
        dry_run,
        record,
        cleanup: Vec::new(),
        deliveries: Vec::new(),
        llm: None,
    }
}

#[cfg(test)]
mod tests;
