use super::*;
use crate::position::Position;
use crate::schema::SchemaVersion;
use crate::skipped_file::SkipReason;

#[test]
fn the_summary_names_every_fix_and_every_leftover() {
    let summary = RunSummary {
        schema_version: SchemaVersion,
        outcome: Outcome::ErrorsRemain,
        errors_before: Some(5),
        errors_after: Some(1),
        errors_fixed: Some(4),
        errors_revealed: Some(0),
        round_limit: None,
        rounds: 2,
        gate_runs: 7,
        duration_ms: 4200,
        cargo: crate::cargo::CargoTime::default(),
        fixes: vec![ScopeFix {
            round: 1,
            scope: "E0425".to_owned(),
            fixed: 4,
            how: vec!["a local variable with a similar name exists".to_owned()],
            errors: Vec::new(),
        }],
        unfixed: vec![Unfixed {
            code: "E0063".to_owned(),
            message: "missing field `y` in initializer of `Point`".to_owned(),
            detail: None,
            position: Position::parse("src/lib.rs:9:5"),
            position_before: Position::parse("src/lib.rs:9:5"),
            origin: None,
            reason: UnfixedReason::NoProposal,
        }],
        files_changed: vec![PathBuf::from("src/lib.rs")],
        skipped: Vec::new(),
        patch: None,
        saved: None,
        dry_run: false,
        record: None,
        cleanup: Vec::new(),
        deliveries: Vec::new(),
        llm: None,
    };
    insta::assert_snapshot!(summary.render());
}

fn fixed(code: &str, at: &str, change: &str, by: &str) -> FixedError {
    FixedError {
        code: code.to_owned(),
        message: "m".to_owned(),
        position: Position::parse(at),
        how: "rustc's advice".to_owned(),
        change: change.to_owned(),
        by: by.to_owned(),
        why: crate::reason::KeptReason::OnlyProposal,
    }
}

fn left(code: &str, message: &str, detail: Option<&str>, reason: UnfixedReason) -> Unfixed {
    Unfixed {
        code: code.to_owned(),
        message: message.to_owned(),
        detail: detail.map(str::to_owned),
        position: Position::parse("src/lib.rs:30:9"),
        position_before: Position::parse("src/lib.rs:28:9"),
        origin: None,
        reason,
    }
}

/// The summary a person acts on: each fix with its place, what it did and who did it; each error
/// left with rustc's detail, the kind of reason, the particulars and what to do next.
#[test]
fn each_line_says_where_what_who_and_what_next() {
    use crate::diagnostic::Identity;
    use crate::verdict::RejectReason;
    let remaining = Identity {
        code: crate::error_code::ErrorCode::parse("E0308"),
        message: "mismatched types".to_owned(),
        file: Some(PathBuf::from("src/lib.rs")),
        at: "name".to_owned(),
        causes: Vec::new(),
    };
    let summary = RunSummary {
        round_limit: Some(RoundLimit {
            max_rounds: 2,
            suggested: 4,
        }),
        llm: Some(Box::new(LlmAccount::Off {
            could_try: vec!["E0308".to_owned()],
        })),
        fixes: vec![
            ScopeFix {
                round: 1,
                scope: "E0425".to_owned(),
                fixed: 2,
                how: vec!["a local variable with a similar name exists".to_owned()],
                errors: vec![
                    fixed(
                        "E0425",
                        "src/lib.rs:12:9",
                        "`countr` → `counter`",
                        "rustc-suggestions",
                    ),
                    fixed(
                        "E0433",
                        "src/parse/mod.rs:3:5",
                        "added `use std::collections::HashSet;`",
                        "paths",
                    ),
                ],
            },
            ScopeFix {
                round: 2,
                scope: "E0599".to_owned(),
                fixed: 1,
                how: Vec::new(),
                errors: vec![fixed("E0599", "src/lib.rs:40:7", "", "llm")],
            },
        ],
        unfixed: vec![
            left(
                "E0308",
                "mismatched types",
                Some("expected `String`, found `&str`"),
                UnfixedReason::Rejected {
                    last: RejectReason::TargetsRemain {
                        remaining: vec![remaining.clone()],
                    },
                },
            ),
            left(
                "E0061",
                "this function takes 2 arguments but 1 argument was supplied",
                None,
                UnfixedReason::Rejected {
                    last: RejectReason::NewErrors {
                        errors: vec![Identity {
                            code: crate::error_code::ErrorCode::parse("E0599"),
                            message: "no method named `lenght` found".to_owned(),
                            ..remaining.clone()
                        }],
                    },
                },
            ),
            left(
                "E0277",
                "the trait bound `Point: Ord` is not satisfied",
                None,
                UnfixedReason::NoProposal,
            ),
            left(
                "E0063",
                "missing field `y` in initializer of `Point`",
                Some("missing `y`"),
                UnfixedReason::NeedsValue {
                    candidates: vec!["0".to_owned()],
                },
            ),
            left(
                "E0382",
                "borrow of moved value: `v`",
                None,
                UnfixedReason::NotReached {
                    stop: crate::reason::StopReason::MaxRounds,
                },
            ),
        ],
        ..the_summary_of(Outcome::ErrorsRemain)
    };
    let mut summary = summary;
    summary.fixes[1].errors[0].how = "a model's edit (qwen2.5-coder)".to_owned();
    insta::assert_snapshot!(summary.render());
}

/// A finished run's summary with nothing in it but `outcome` and its counts.
fn the_summary_of(outcome: Outcome) -> RunSummary {
    RunSummary {
        schema_version: SchemaVersion,
        outcome,
        errors_before: Some(9),
        errors_after: Some(4),
        errors_fixed: Some(5),
        errors_revealed: Some(0),
        round_limit: None,
        rounds: 2,
        gate_runs: 11,
        duration_ms: 6100,
        cargo: crate::cargo::CargoTime::default(),
        fixes: Vec::new(),
        unfixed: Vec::new(),
        files_changed: vec![PathBuf::from("src/lib.rs")],
        skipped: Vec::new(),
        patch: None,
        saved: None,
        dry_run: false,
        record: None,
        cleanup: Vec::new(),
        deliveries: Vec::new(),
        llm: None,
    }
}

fn skipped(path: &str, reason: SkipReason) -> SkippedFile {
    SkippedFile {
        path: PathBuf::from(path),
        reason,
        saved_patch: Some(PathBuf::from(format!("/record/not-written/{path}.patch"))),
    }
}

fn interrupted(errors: Option<usize>, rounds: usize, gate_runs: usize) -> RunSummary {
    RunSummary {
        schema_version: SchemaVersion,
        outcome: Outcome::Interrupted {
            signal: StopSignal::Terminate,
        },
        errors_before: errors,
        errors_after: errors,
        errors_fixed: None,
        errors_revealed: None,
        round_limit: None,
        rounds,
        gate_runs,
        duration_ms: 2345,
        cargo: crate::cargo::CargoTime::default(),
        fixes: Vec::new(),
        unfixed: Vec::new(),
        files_changed: Vec::new(),
        skipped: Vec::new(),
        patch: None,
        saved: None,
        dry_run: false,
        record: None,
        cleanup: Vec::new(),
        deliveries: Vec::new(),
        llm: None,
    }
}

#[test]
fn a_file_not_written_makes_the_run_not_green_whatever_the_errors() {
    let changed = [skipped("src/lib.rs", SkipReason::ChangedDuringRun)];
    assert_eq!(Outcome::of_finished_run(0, &[]), Outcome::Green);
    assert_eq!(Outcome::of_finished_run(2, &[]), Outcome::ErrorsRemain);
    assert_eq!(Outcome::of_finished_run(0, &changed), Outcome::NotWritten);
    assert_eq!(Outcome::of_finished_run(2, &changed), Outcome::NotWritten);
}

#[test]
fn the_summary_says_what_was_not_written_why_and_where_its_patch_is() {
    let summary = RunSummary {
        schema_version: SchemaVersion,
        outcome: Outcome::NotWritten,
        errors_before: Some(42),
        errors_after: Some(0),
        errors_fixed: Some(42),
        errors_revealed: Some(0),
        round_limit: None,
        rounds: 1,
        gate_runs: 3,
        duration_ms: 1500,
        cargo: crate::cargo::CargoTime::default(),
        fixes: Vec::new(),
        unfixed: Vec::new(),
        files_changed: vec![PathBuf::from("src/a.rs")],
        skipped: vec![
            skipped("src/b.rs", SkipReason::ChangedDuringRun),
            skipped("src/c.rs", SkipReason::ReadOnly),
            skipped(
                "src/d.rs",
                SkipReason::Unreadable {
                    error: "Permission denied (os error 13)".to_owned(),
                },
            ),
            skipped(
                "src/e.rs",
                SkipReason::WriteFailed {
                    error: "No such file or directory (os error 2)".to_owned(),
                },
            ),
            SkippedFile {
                saved_patch: None,
                ..skipped(
                    "src/f.rs",
                    SkipReason::HeldBack {
                        because_of: vec![PathBuf::from("src/e.rs")],
                    },
                )
            },
        ],
        patch: Some(PathBuf::from("/record/final.patch")),
        saved: None,
        dry_run: false,
        record: Some(PathBuf::from("/record")),
        cleanup: Vec::new(),
        deliveries: Vec::new(),
        llm: None,
    };
    insta::assert_snapshot!(summary.render());
}

#[test]
fn a_fix_not_written_whole_says_why_for_each_file_and_what_was_held_back_because_of_them() {
    let held_back = SkipReason::HeldBack {
        because_of: vec![PathBuf::from("src/point.rs"), PathBuf::from("src/shape.rs")],
    };
    let summary = RunSummary {
        schema_version: SchemaVersion,
        outcome: Outcome::NotWritten,
        errors_before: Some(2),
        errors_after: Some(0),
        errors_fixed: Some(2),
        errors_revealed: Some(0),
        round_limit: None,
        rounds: 2,
        gate_runs: 10,
        duration_ms: 2400,
        cargo: crate::cargo::CargoTime::default(),
        fixes: Vec::new(),
        unfixed: Vec::new(),
        files_changed: Vec::new(),
        skipped: vec![
            skipped("src/point.rs", SkipReason::ReadOnly),
            skipped("src/shape.rs", SkipReason::ChangedDuringRun),
            skipped("src/uses.rs", held_back),
        ],
        patch: Some(PathBuf::from("/record/final.patch")),
        saved: None,
        dry_run: false,
        record: Some(PathBuf::from("/record")),
        cleanup: Vec::new(),
        deliveries: Vec::new(),
        llm: None,
    };
    insta::assert_snapshot!(summary.render());
}

#[test]
fn a_run_stopped_before_the_first_check_counted_no_error() {
    assert_eq!(
        interrupted(None, 0, 0).render(),
        "cargo fix-swarm: interrupted by SIGTERM before the first check: nothing was applied \
         (0 rounds, 0 gate runs, 2.3s)\n"
    );
}

#[test]
fn a_run_stopped_later_names_the_signal_and_the_errors_it_counted() {
    assert_eq!(
        interrupted(Some(3), 1, 4).render(),
        "cargo fix-swarm: interrupted by SIGTERM: nothing was applied \
         (3 → 3 errors, 1 round, 4 gate runs, 2.3s)\n"
    );
}

#[test]
fn a_stopped_run_says_what_it_saved_and_how_to_go_on() {
    let summary = RunSummary {
        schema_version: SchemaVersion,
        saved: Some(SavedProgress {
            run: "7-1700000000".to_owned(),
            rounds: 2,
            fixed: 5,
            patch: PathBuf::from("/record/progress.patch"),
        }),
        ..interrupted(Some(9), 3, 12)
    };
    assert_eq!(
        summary.render(),
        "cargo fix-swarm: interrupted by SIGTERM: nothing was applied \
         (9 → 9 errors, 3 rounds, 12 gate runs, 2.3s)\n\n\
         saved: the fixes of 2 rounds (5 errors) that passed the gate: /record/progress.patch\n  \
         go on from the next round with `cargo fix-swarm --resume 7-1700000000`\n"
    );
}

#[test]
fn what_a_run_could_not_clean_up_is_listed_after_its_outcome() {
    let summary = RunSummary {
        schema_version: SchemaVersion,
        cleanup: vec!["removing /t/fix-swarm/work/7-1: Permission denied (os error 13)".into()],
        llm: None,
        ..interrupted(Some(3), 1, 4)
    };
    assert_eq!(
        summary.render(),
        "cargo fix-swarm: interrupted by SIGTERM: nothing was applied \
         (3 → 3 errors, 1 round, 4 gate runs, 2.3s)\n\n\
         clean-up: this run could not remove all it made; the next run on this target \
         directory removes the rest first:\n  \
         removing /t/fix-swarm/work/7-1: Permission denied (os error 13)\n"
    );
}

#[test]
fn the_json_summary_says_which_signal_and_that_nothing_was_counted() {
    let json = serde_json::to_value(interrupted(None, 0, 0)).unwrap();
    assert_eq!(
        json["outcome"],
        serde_json::json!({"interrupted": {"signal": "SIGTERM"}})
    );
    assert_eq!(json["errors_before"], serde_json::Value::Null);
    assert_eq!(json["errors_after"], serde_json::Value::Null);
}

#[test]
fn a_missing_value_names_the_made_up_ones_it_would_have_tried() {
    let reason = UnfixedReason::NeedsValue {
        candidates: vec!["0".to_owned(), "Default::default()".to_owned()],
    };
    assert_eq!(
        why_unfixed(&reason),
        "needs a value: nothing in scope fits, and a made-up one (`0`, `Default::default()`) is \
         accepted only when the crate's tests run and pass with it (`--gate test`, once the rest \
         compiles)"
    );
}

#[test]
fn why_a_fix_won_is_worded_with_its_counts() {
    use crate::reason::KeptReason;
    assert_eq!(
        why_kept(&KeptReason::Decided {
            sites: 20,
            tried: 2,
            answers: 3
        }),
        "one answer for the same question at 20 sites: the 2nd of 3 answers tried, the first that \
         passed at all of them together"
    );
    assert_eq!(
        why_kept(&KeptReason::OnlyOnePassed { alternatives: 4 }),
        "the only one of 4 proposed fixes that passed the gate"
    );
    assert_eq!(super::render::ordinal(11), "11th");
    assert_eq!(super::render::ordinal(21), "21st");
    assert_eq!(super::render::ordinal(3), "3rd");
}

/// An error left that names an item of a bumped dependency says which crate changed between which
/// versions, and where its changelog is.
#[test]
fn an_error_left_by_a_bump_names_the_crate_its_versions_and_its_changelog() {
    let mut bumped = left(
        "E0432",
        "unresolved import `heck::CamelCase`",
        Some("no `CamelCase` in the root"),
        UnfixedReason::NoProposal,
    );
    bumped.origin = Some(Origin {
        krate: "heck".to_owned(),
        from: "0.3.3".to_owned(),
        to: "0.5.0".to_owned(),
        changelog: Some(PathBuf::from(
            "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/heck-0.5.0/CHANGELOG.md",
        )),
    });
    let mut without_changelog = bumped.clone();
    without_changelog.message = "unresolved import `heck::SnakeCase`".to_owned();
    without_changelog.origin.as_mut().expect("set").changelog = None;
    let summary = RunSummary {
        unfixed: vec![bumped, without_changelog],
        ..the_summary_of(Outcome::ErrorsRemain)
    };
    insta::assert_snapshot!(summary.render());
}

#[test]
fn an_error_left_out_of_time_names_both_timeouts_on_one_line() {
    let summary = RunSummary {
        unfixed: vec![left(
            "E0308",
            "mismatched types",
            None,
            UnfixedReason::OutOfTime { after_secs: 600 },
        )],
        ..the_summary_of(Outcome::ErrorsRemain)
    };
    let rendered = summary.render();
    assert!(
        rendered.contains(
            "      next: run again with a larger `--worker-timeout` (it was 600 s), or \
             `--llm-timeout` for a slow model\n"
        ),
        "{rendered}"
    );
}
