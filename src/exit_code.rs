//! The process's exit codes, documented in `--help` and the README.

use crate::event::FailureKind;
use crate::stop::StopSignal;
use crate::summary::{Outcome, RunSummary};

/// The build is green.
pub const GREEN: i32 = 0;
/// Errors remain; whatever passed the gate was applied.
pub const ERRORS_REMAIN: i32 = 1;
/// A usage or environment error: bad flags, not a git repository, no Cargo.toml, a cargo that
/// cannot run, a dirty tree without `--allow-dirty`. Nothing was changed.
pub const USAGE_OR_ENVIRONMENT: i32 = 2;
/// Fixes passed the gate but were not written to your tree: the fix is written whole or not at
/// all, and a file of it could not be (changed during the run, read-only, behind a symbolic link,
/// a failed write); the summary says why and where the patch is; the tree is not green.
pub const FIXES_NOT_WRITTEN: i32 = 3;
/// A delivery asked for (`--patch-file`, `--summary-md`, `--commit`) could not be made at the end
/// of the run; the summary says which and why. The tree is as the outcome says (green or not):
/// a pipeline must not take a missing patch or branch for "nothing to fix".
pub const DELIVERY_FAILED: i32 = 4;
/// A CI matrix's plan or work result does not belong to this run (`plan`, `work`, `merge`): made
/// by another version, for other sources, a result of another plan, a scope in no result or in
/// two. Nothing was changed. Apart from usage errors, so that a pipeline can tell a stale or
/// mixed-up artifact from a broken set-up.
pub const PLAN_MISMATCH: i32 = 5;

/// `cargo fix-swarm bench`: a fixture expected green (the default in `fixture.toml`) was not
/// repaired (green with its tests passing); the table's last lines name them.
pub const BENCH_BELOW_EXPECTATION: i32 = 1;
/// Stopped by SIGHUP (128 + 1, as a shell reports a process the signal killed): nothing was
/// changed, and no worktree or cargo process is left.
pub const HANGUP: i32 = 129;
/// Interrupted by Ctrl-C (SIGINT, 128 + 2): nothing was changed, and no worktree or cargo process
/// is left.
pub const INTERRUPTED: i32 = 130;
/// Stopped by SIGTERM (128 + 15), as CI runners and `timeout` send: nothing was changed, and no
/// worktree or cargo process is left.
pub const TERMINATED: i32 = 143;

pub fn for_outcome(outcome: Outcome) -> i32 {
    match outcome {
        Outcome::Green => GREEN,
        Outcome::ErrorsRemain => ERRORS_REMAIN,
        Outcome::NotWritten => FIXES_NOT_WRITTEN,
        Outcome::Interrupted { signal } => for_signal(signal),
    }
}

/// The code of a run that went to its end: its outcome's, unless a delivery it was asked for
/// failed (a stopped run keeps its signal's code: it was asked to stop, not to deliver).
pub fn for_summary(summary: &RunSummary) -> i32 {
    let failed = summary.deliveries.iter().any(|delivery| delivery.failed());
    match summary.outcome {
        Outcome::Interrupted { signal } => for_signal(signal),
        Outcome::Green | Outcome::ErrorsRemain | Outcome::NotWritten if failed => DELIVERY_FAILED,
        outcome => for_outcome(outcome),
    }
}

/// The code of a run that ended early on an error of `kind`. Every such error comes before the
/// final apply, so nothing was written: the same code for all, chosen here one by one so that a
/// new kind must be placed.
pub fn for_failure(kind: FailureKind) -> i32 {
    match kind {
        FailureKind::Cargo
        | FailureKind::NoVcs
        | FailureKind::Dirty
        | FailureKind::CheckFailed
        | FailureKind::Lock
        | FailureKind::Git
        | FailureKind::Pool
        | FailureKind::Gate
        | FailureKind::Resume
        | FailureKind::Delivery
        | FailureKind::Internal
        | FailureKind::Llm => USAGE_OR_ENVIRONMENT,
        FailureKind::Matrix => PLAN_MISMATCH,
    }
}

/// The code of a run stopped by `signal`.
pub fn for_signal(signal: StopSignal) -> i32 {
    match signal {
        StopSignal::Interrupt => INTERRUPTED,
        StopSignal::Terminate => TERMINATED,
        StopSignal::Hangup => HANGUP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stop_signal_exits_as_a_shell_would_report_it() {
        let codes = [
            StopSignal::Interrupt,
            StopSignal::Terminate,
            StopSignal::Hangup,
        ]
        .map(|signal| for_outcome(Outcome::Interrupted { signal }));
        assert_eq!(codes, [130, 143, 129]);
    }

    #[test]
    fn every_early_failure_says_nothing_was_changed() {
        let kinds = [
            FailureKind::Cargo,
            FailureKind::NoVcs,
            FailureKind::Dirty,
            FailureKind::CheckFailed,
            FailureKind::Lock,
            FailureKind::Git,
            FailureKind::Pool,
            FailureKind::Gate,
            FailureKind::Resume,
            FailureKind::Delivery,
            FailureKind::Internal,
        ];
        assert!(
            kinds
                .into_iter()
                .all(|kind| for_failure(kind) == USAGE_OR_ENVIRONMENT)
        );
        let outcomes = [Outcome::Green, Outcome::ErrorsRemain, Outcome::NotWritten];
        assert_eq!(
            outcomes.map(for_outcome),
            [GREEN, ERRORS_REMAIN, FIXES_NOT_WRITTEN]
        );
    }

    #[test]
    fn a_plan_or_result_that_does_not_belong_has_its_own_code() {
        assert_eq!(for_failure(FailureKind::Matrix), PLAN_MISMATCH);
        assert_ne!(PLAN_MISMATCH, USAGE_OR_ENVIRONMENT);
    }

    #[test]
    fn a_failed_delivery_fails_a_finished_run_but_not_a_stopped_ones_code() {
        // Errors remain, and one of its deliveries (a taken branch name) failed.
        let mut summary = crate::delivery::summary_md::tests::summary();
        assert_eq!(for_summary(&summary), DELIVERY_FAILED);
        summary.outcome = Outcome::Green;
        assert_eq!(for_summary(&summary), DELIVERY_FAILED);
        summary.outcome = Outcome::Interrupted {
            signal: StopSignal::Terminate,
        };
        assert_eq!(for_summary(&summary), TERMINATED);
        summary.deliveries.retain(|delivery| !delivery.failed());
        summary.outcome = Outcome::ErrorsRemain;
        assert_eq!(for_summary(&summary), ERRORS_REMAIN);
    }
}
