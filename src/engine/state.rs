//! `RunState`, what the dispatcher knows of a run between its rounds, and the summaries it makes:
//! plain data, no I/O.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::checkpoint;
use crate::diagnostic::{Diagnostic, Identity, Location, code_label};
use crate::event::WorkerReport;
use crate::git::Oid;
use crate::parse::ParsedCheck;
use crate::reason::{StopReason, UnfixedReason};
use crate::skipped_file::SkippedFile;
use crate::stop::StopSignal;
use crate::summary::{Outcome, RunSummary, SavedProgress, ScopeFix, Unfixed};

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
    /// Why each diagnostic was left, as the last worker (or the plan) said.
    pub(super) reasons: BTreeMap<Identity, UnfixedReason>,
    /// Why the rounds stopped, for the errors no round reached.
    pub(super) stop: StopReason,
}

/// What a summary needs besides the state: facts of the run and its end.
#[derive(Debug)]
pub(super) struct Ending {
    pub(super) run: String,
    pub(super) record: PathBuf,
    pub(super) dry_run: bool,
    pub(super) duration_ms: u64,
}

/// What the final apply did (with `--dry-run`, would have done).
#[derive(Debug, Default)]
pub(super) struct Delivery {
    pub(super) files_changed: Vec<PathBuf>,
    pub(super) skipped: Vec<SkippedFile>,
    /// The whole fix's patch, if it could be saved.
    pub(super) patch: Option<PathBuf>,
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
            reasons: BTreeMap::new(),
            stop: StopReason::NoFixPassed,
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
            for (identity, reason) in &report.unfixed {
                self.reasons.insert(identity.clone(), reason.clone());
            }
        }
    }

    /// Moves on to the merge of round `number`: `kept`'s fixes, at `commit`, checked as `after`.
    pub(super) fn merged(
        &mut self,
        number: usize,
        kept: &[&WorkerReport],
        commit: Oid,
        after: ParsedCheck,
    ) {
        for report in kept {
            let mut how: Vec<String> = report.fixed.iter().map(|fix| fix.how.clone()).collect();
            how.sort();
            how.dedup();
            self.fixes.push(ScopeFix {
                round: number,
                scope: report.scope.clone(),
                fixed: report.fixed.len(),
                how,
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
                position: diagnostic.position(),
                reason: self
                    .reasons
                    .get(&diagnostic.identity())
                    .cloned()
                    .unwrap_or(UnfixedReason::NotReached { stop: self.stop }),
            })
            .collect();
        let errors_after = self.current.error_count();
        RunSummary {
            outcome: Outcome::of_finished_run(errors_after, &delivery.skipped),
            errors_before: Some(self.errors_before),
            errors_after: Some(errors_after),
            rounds: self.rounds,
            gate_runs: self.gate_runs,
            duration_ms: ending.duration_ms,
            fixes: self.fixes.clone(),
            unfixed,
            files_changed: delivery.files_changed,
            skipped: delivery.skipped,
            patch: delivery.patch,
            saved: None,
            dry_run: ending.dry_run,
            record: Some(ending.record),
            cleanup: Vec::new(),
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
            errors_before: Some(self.errors_before),
            errors_after: Some(self.errors_before),
            rounds: self.rounds,
            gate_runs: self.gate_runs,
            saved,
            ..interrupted_before_check(
                signal,
                Some(ending.record),
                ending.dry_run,
                ending.duration_ms,
            )
        }
    }
}

/// The summary of a run stopped by `signal` before its first check counted the errors.
pub(super) fn interrupted_before_check(
    signal: StopSignal,
    record: Option<PathBuf>,
    dry_run: bool,
    duration_ms: u64,
) -> RunSummary {
    RunSummary {
        outcome: Outcome::Interrupted { signal },
        errors_before: None,
        errors_after: None,
        rounds: 0,
        gate_runs: 0,
        duration_ms,
        fixes: Vec::new(),
        unfixed: Vec::new(),
        files_changed: Vec::new(),
        skipped: Vec::new(),
        patch: None,
        saved: None,
        dry_run,
        record,
        cleanup: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::event::{Fix, WorkerStatus};

    fn error(code: &str, message: &str, line: usize) -> Diagnostic {
        let span = Span {
            file: PathBuf::from("src/lib.rs"),
            byte_start: line * 10,
            byte_end: line * 10 + 3,
            line,
            column: 5,
        };
        Diagnostic::for_test(Some(code), message, span)
    }

    fn check(diagnostics: Vec<Diagnostic>) -> ParsedCheck {
        ParsedCheck {
            diagnostics,
            ..ParsedCheck::default()
        }
    }

    fn report(scope: &str, fixed: &[&Diagnostic], how: &str) -> WorkerReport {
        WorkerReport {
            scope: scope.to_owned(),
            code: None,
            status: WorkerStatus::Completed,
            diagnostics: fixed.len(),
            failure: None,
            fixed: fixed
                .iter()
                .map(|diagnostic| Fix {
                    target: diagnostic.identity(),
                    position: diagnostic.position(),
                    how: how.to_owned(),
                })
                .collect(),
            unfixed: Vec::new(),
            patch: None,
            resolved: fixed
                .iter()
                .map(|diagnostic| diagnostic.identity())
                .collect(),
            gate_runs: 3,
            candidates: 1,
            duration_ms: 0,
        }
    }

    fn ending() -> Ending {
        Ending {
            run: "1-2".to_owned(),
            record: PathBuf::from("target/fix-swarm/runs/1-2"),
            dry_run: false,
            duration_ms: 7,
        }
    }

    /// Four errors; round 1 fixes two (one scope), round 2 fixes one and leaves one refused; the
    /// rounds stop because no fix passed for the last.
    fn after_two_rounds() -> RunState {
        let typo = error("E0425", "cannot find value `conut`", 3);
        let typo2 = error("E0425", "cannot find value `idx`", 4);
        let field = error("E0560", "no field `nme`", 6);
        let left = error("E0308", "mismatched types", 9);
        let first = check(vec![
            typo.clone(),
            typo2.clone(),
            field.clone(),
            left.clone(),
        ]);
        let mut state = RunState::new(Oid::ZERO_SHA1, first, 0, None, Vec::new(), 1);
        state.rounds = 1;
        let reports = [report("E0425", &[&typo, &typo2], "rename")];
        state.record_reports(&reports);
        let kept: Vec<&WorkerReport> = reports.iter().collect();
        state.merged(
            1,
            &kept,
            Oid::ZERO_SHA1,
            check(vec![field.clone(), left.clone()]),
        );
        state.saved = Some(1);
        state.rounds = 2;
        let mut refused = report("E0560", &[&field], "a field with a similar name");
        let mut unfixed = report("E0308", &[], "");
        unfixed.unfixed = vec![(left.identity(), UnfixedReason::NoProposal)];
        refused.gate_runs = 2;
        let reports = [refused, unfixed];
        state.record_reports(&reports);
        state.merged(2, &[&reports[0]], Oid::ZERO_SHA1, check(vec![left]));
        state.saved = Some(2);
        state.ended(RoundOutcome::NoFixPassed);
        state
    }

    #[test]
    fn the_summary_counts_what_the_rounds_did() {
        let summary = after_two_rounds().summarize(Delivery::default(), ending());
        assert_eq!(summary.outcome, Outcome::ErrorsRemain);
        assert_eq!(
            (summary.errors_before, summary.errors_after),
            (Some(4), Some(1))
        );
        assert_eq!((summary.rounds, summary.gate_runs), (2, 1 + 3 + 2 + 3));
        let fixes: Vec<(usize, &str, usize)> = summary
            .fixes
            .iter()
            .map(|fix| (fix.round, fix.scope.as_str(), fix.fixed))
            .collect();
        assert_eq!(fixes, [(1, "E0425", 2), (2, "E0560", 1)]);
        assert_eq!(summary.fixes[0].how, ["rename"]);
        let unfixed: Vec<(&str, &UnfixedReason)> = summary
            .unfixed
            .iter()
            .map(|unfixed| (unfixed.code.as_str(), &unfixed.reason))
            .collect();
        assert_eq!(unfixed, [("E0308", &UnfixedReason::NoProposal)]);
        assert_eq!(summary.saved, None);
    }

    #[test]
    fn an_error_no_worker_spoke_of_was_not_reached() {
        let mut state = after_two_rounds();
        state.reasons.clear();
        state.ended(RoundOutcome::WorseWhenMerged);
        let summary = state.summarize(Delivery::default(), ending());
        let stop = StopReason::WorseWhenMerged;
        assert_eq!(
            summary.unfixed[0].reason,
            UnfixedReason::NotReached { stop }
        );
    }

    #[test]
    fn a_green_state_whose_files_were_written_is_green() {
        let mut state = after_two_rounds();
        state.current = check(Vec::new());
        let delivery = Delivery {
            files_changed: vec![PathBuf::from("src/lib.rs")],
            ..Delivery::default()
        };
        let summary = state.summarize(delivery, ending());
        assert_eq!(summary.outcome, Outcome::Green);
        assert!(summary.unfixed.is_empty());
    }

    #[test]
    fn an_interrupted_run_names_what_it_saved_and_applies_nothing() {
        let summary = after_two_rounds().interrupted(StopSignal::Interrupt, ending());
        let signal = StopSignal::Interrupt;
        assert_eq!(summary.outcome, Outcome::Interrupted { signal });
        assert_eq!(
            (summary.errors_before, summary.errors_after),
            (Some(4), Some(4))
        );
        assert!(summary.fixes.is_empty() && summary.unfixed.is_empty());
        let saved = summary.saved.unwrap();
        assert_eq!(
            (saved.run.as_str(), saved.rounds, saved.fixed),
            ("1-2", 2, 3)
        );
        assert_eq!(saved.patch, ending().record.join(checkpoint::PATCH_NAME));
    }

    #[test]
    fn a_run_stopped_before_its_first_check_counts_nothing() {
        let signal = StopSignal::Terminate;
        let summary = interrupted_before_check(signal, None, true, 5);
        assert_eq!(summary.outcome, Outcome::Interrupted { signal });
        assert_eq!((summary.errors_before, summary.rounds), (None, 0));
        assert!(summary.dry_run && summary.record.is_none());
    }
}
