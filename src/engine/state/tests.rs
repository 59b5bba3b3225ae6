use super::*;
use crate::event::{Fix, Left, WorkerStatus};
use crate::reason::KeptReason;

fn error(code: &str, message: &str, line: usize) -> Diagnostic {
    Diagnostic::error_on_line(code, message, line)
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
                change: String::new(),
                by: "test".to_owned(),
                why: KeptReason::OnlyProposal,
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
        tokens: None,
    }
}

fn ending() -> Ending {
    Ending {
        run: "1-2".to_owned(),
        record: PathBuf::from("target/fix-swarm/runs/1-2"),
        dry_run: false,
        duration_ms: 7,
        cargo: crate::cargo::CargoTime::default(),
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
    let mut state = RunState::new(
        Oid::ZERO_SHA1,
        first,
        0,
        None,
        Vec::new(),
        Tally::default(),
        1,
    );
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
    unfixed.unfixed = vec![Left {
        target: left.identity(),
        detail: None,
        position: left.position(),
        reason: UnfixedReason::NoProposal,
    }];
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
    assert_eq!(
        (summary.errors_fixed, summary.errors_revealed),
        (Some(3), Some(0))
    );
    assert_eq!(summary.round_limit, None);
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

/// An error in `file` of `code` whose primary span quotes `at`.
fn error_in(file: &str, code: &str, at: &str) -> Diagnostic {
    let mut diagnostic = error(code, &format!("error at `{at}`"), 2);
    diagnostic.primary.as_mut().unwrap().file = PathBuf::from(file);
    diagnostic.primary_text = at.to_owned();
    diagnostic
}

#[test]
fn errors_a_round_reveals_are_counted_apart_from_those_it_fixed_and_the_limit_suggests_more() {
    // core's two errors fixed; app, which depends on core, is checked at last: three errors there,
    // of two phases.
    let method = error_in("core/src/lib.rs", "E0599", "hypto");
    let field = error_in("core/src/lib.rs", "E0609", "vertice");
    let mut state = RunState::new(
        Oid::ZERO_SHA1,
        check(vec![method.clone(), field.clone()]),
        0,
        None,
        Vec::new(),
        Tally::default(),
        1,
    );
    state.rounds = 1;
    let reports = [
        report("E0599", &[&method], "rename"),
        report("E0609", &[&field], "rename"),
    ];
    state.record_reports(&reports);
    let revealed = vec![
        error_in("app/src/main.rs", "E0432", "Polgon"),
        error_in("app/src/main.rs", "E0308", "origin"),
        error_in("app/src/main.rs", "E0308", "corner"),
    ];
    state.merged(
        1,
        &reports.iter().collect::<Vec<_>>(),
        Oid::ZERO_SHA1,
        check(revealed),
    );
    state.stop = StopReason::MaxRounds;
    let summary = state.summarize(Delivery::default(), ending());
    assert_eq!(
        (summary.errors_before, summary.errors_after),
        (Some(2), Some(3))
    );
    assert_eq!(
        (summary.errors_fixed, summary.errors_revealed),
        (Some(2), Some(3))
    );
    assert_eq!(
        summary.round_limit,
        Some(RoundLimit {
            max_rounds: 1,
            suggested: 3
        })
    );
    let rendered = summary.render();
    assert!(
        rendered.starts_with(
            "cargo fix-swarm: errors remain (2 fixed, 3 newly revealed, 3 left, 1 round,"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains(
            "round limit: 1 round ran (`--max-rounds 1`) with errors left; `--max-rounds 3` gives \
             each compiler phase they are in a round"
        ),
        "{rendered}"
    );
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
