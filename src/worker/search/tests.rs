//! The search policy driven by scripted verdicts: no cargo, no worktree.

use std::path::PathBuf;

use super::*;
use crate::candidate::Alternative;
use crate::diagnostic::{Applicability, Suggestion};
use crate::specialist::testing::{diagnostic, sources, span_of};

const TEXT: &str = "fn a() { aa }\nfn b() { bb }\nfn c() { cc }\n";

fn base_sources() -> Sources {
    sources(&[("src/lib.rs", TEXT)])
}

/// What a search fixed, each target with its label.
fn hows(findings: &Findings) -> Vec<(Identity, String)> {
    findings
        .fixed
        .iter()
        .map(|(target, kept)| (target.clone(), kept.how.clone()))
        .collect()
}

fn error(name: &str) -> Identity {
    Identity {
        code: crate::error_code::ErrorCode::parse("E0425"),
        message: format!("cannot find value `{name}`"),
        file: Some(PathBuf::from("src/lib.rs")),
        at: String::new(),
        causes: Vec::new(),
    }
}

/// An alternative replacing the first `from` of the text with `to`.
fn alternative(from: &str, to: &str) -> Alternative {
    let start = TEXT.find(from).expect("in the text");
    Alternative {
        by: "test",
        label: format!("{from} → {to}"),
        applicability: Applicability::MaybeIncorrect,
        edits: vec![Edit {
            file: PathBuf::from("src/lib.rs"),
            start,
            end: start + from.len(),
            replacement: to.to_owned(),
        }],
        invented: Vec::new(),
    }
}

fn proposal(target: &str, alternatives: Vec<Alternative>) -> Proposal {
    Proposal {
        target: error(target),
        site: None,
        alternatives,
    }
}

fn accepted(remaining_errors: usize, resolved: &[&str]) -> Verdict {
    Verdict::Accepted {
        remaining_errors,
        resolved: resolved.iter().map(|name| error(name)).collect(),
        revealed: Vec::new(),
    }
}

fn targets_remain(name: &str) -> Verdict {
    Verdict::Rejected(RejectReason::TargetsRemain {
        remaining: vec![error(name)],
    })
}

fn labels(attempts: &[Attempt]) -> Vec<&str> {
    attempts.iter().map(|a| a.label.as_str()).collect()
}

fn record(search: &mut Search<'_>, attempt: &Attempt, verdict: Verdict) {
    search.record(attempt.id, verdict, &ParsedCheck::default(), None);
}

#[test]
fn ties_go_to_the_earlier_alternative_whichever_verdict_arrives_first() {
    let sources = base_sources();
    for later_first in [true, false] {
        let proposals = vec![proposal(
            "aa",
            vec![alternative("aa", "xx"), alternative("aa", "yy")],
        )];
        let mut search = Search::new(&sources, proposals, Stage::default());
        let attempts = search.next_attempts();
        assert_eq!(labels(&attempts), ["aa → xx", "aa → yy"]);
        let mut order = vec![&attempts[0], &attempts[1]];
        if later_first {
            order.reverse();
        }
        for attempt in order {
            record(&mut search, attempt, accepted(0, &["aa"]));
        }
        // One proposal, one pick: it passed alone, so nothing is gated together.
        assert!(search.next_attempts().is_empty());
        assert!(search.is_done());
        let findings = search.finish();
        assert_eq!(hows(&findings), [(error("aa"), "aa → xx".to_owned())]);
        let why = KeptReason::ProposedFirst {
            alternatives: 2,
            passed: 2,
        };
        assert_eq!(findings.fixed[0].1.why, why);
        assert_eq!(findings.fixed[0].1.by, "test");
        assert_eq!(findings.resolved, [error("aa")]);
    }
}

#[test]
fn a_better_later_alternative_wins_over_an_earlier_one() {
    let sources = base_sources();
    let proposals = vec![proposal(
        "aa",
        vec![alternative("aa", "xx"), alternative("aa", "yy")],
    )];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let attempts = search.next_attempts();
    record(&mut search, &attempts[0], accepted(2, &["aa"]));
    record(&mut search, &attempts[1], accepted(1, &["aa"]));
    let findings = search.finish();
    assert_eq!(hows(&findings), [(error("aa"), "aa → yy".to_owned())]);
    let why = KeptReason::FewestErrors {
        alternatives: 2,
        passed: 2,
    };
    assert_eq!(findings.fixed[0].1.why, why);
}

#[test]
fn of_two_that_leave_as_many_errors_the_smaller_wins_and_one_alone_says_so() {
    let sources = base_sources();
    let proposals = vec![
        proposal(
            "aa",
            // The first also rewrites the next line: a bigger change for the same result.
            vec![
                alternative("aa }\nfn b() { bb }", "xx }\nfn b() {  bb }"),
                alternative("aa", "yy"),
            ],
        ),
        proposal("cc", vec![alternative("cc", "yy"), alternative("cc", "zz")]),
    ];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let attempts = search.next_attempts();
    assert_eq!(attempts.len(), 4);
    record(&mut search, &attempts[0], accepted(1, &["aa"]));
    record(&mut search, &attempts[1], accepted(1, &["aa"]));
    record(&mut search, &attempts[2], targets_remain("cc"));
    record(&mut search, &attempts[3], accepted(1, &["cc"]));
    let together = search.next_attempts();
    record(&mut search, &together[0], accepted(0, &["aa", "cc"]));
    let findings = search.finish();
    assert_eq!(
        hows(&findings),
        [
            (error("aa"), "aa → yy".to_owned()),
            (error("cc"), "cc → zz".to_owned())
        ]
    );
    let whys: Vec<KeptReason> = findings.fixed.iter().map(|(_, kept)| kept.why).collect();
    assert_eq!(
        whys,
        [
            KeptReason::SmallestDiff {
                alternatives: 2,
                passed: 2
            },
            KeptReason::OnlyOnePassed { alternatives: 2 }
        ]
    );
}

#[test]
fn a_batch_that_passes_takes_one_gate_run() {
    let sources = base_sources();
    let proposals = vec![
        proposal("aa", vec![alternative("aa", "xx")]),
        proposal("bb", vec![alternative("bb", "yy")]),
    ];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let attempts = search.next_attempts();
    assert_eq!(labels(&attempts), ["2 fixes together"]);
    assert_eq!(attempts[0].targets, [error("aa"), error("bb")]);
    record(&mut search, &attempts[0], accepted(0, &["aa", "bb"]));
    assert!(search.next_attempts().is_empty());
    let findings = search.finish();
    assert_eq!(
        hows(&findings),
        [
            (error("aa"), "aa → xx".to_owned()),
            (error("bb"), "bb → yy".to_owned())
        ]
    );
    assert_eq!(findings.stage.edits.len(), 2);
    assert!(
        findings
            .fixed
            .iter()
            .all(|(_, kept)| kept.why == KeptReason::OnlyProposal)
    );
}

#[test]
fn a_batch_that_fails_is_split_and_what_passed_alone_is_combined() {
    let sources = base_sources();
    let proposals = vec![
        proposal("aa", vec![alternative("aa", "xx")]),
        proposal("bb", vec![alternative("bb", "yy")]),
        proposal("cc", vec![alternative("cc", "zz")]),
    ];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let batch = search.next_attempts();
    assert_eq!(labels(&batch), ["3 fixes together"]);
    record(&mut search, &batch[0], targets_remain("bb"));

    let alone = search.next_attempts();
    assert_eq!(labels(&alone), ["aa → xx", "bb → yy", "cc → zz"]);
    record(&mut search, &alone[2], accepted(1, &["cc"]));
    record(&mut search, &alone[1], targets_remain("bb"));
    assert!(
        search.next_attempts().is_empty(),
        "waits for every lone run"
    );
    record(&mut search, &alone[0], accepted(1, &["aa"]));

    let together = search.next_attempts();
    assert_eq!(labels(&together), ["2 fixes together"]);
    assert_eq!(together[0].targets, [error("aa"), error("cc")]);
    record(&mut search, &together[0], accepted(1, &["aa", "cc"]));
    assert!(search.is_done());
    let findings = search.finish();
    assert_eq!(
        hows(&findings),
        [
            (error("aa"), "aa → xx".to_owned()),
            (error("cc"), "cc → zz".to_owned())
        ]
    );
    assert_eq!(
        findings.rejected,
        [(
            error("bb"),
            UnfixedReason::Rejected {
                last: RejectReason::TargetsRemain {
                    remaining: vec![error("bb")]
                }
            }
        )]
    );
    assert_eq!(findings.resolved, [error("aa"), error("cc")]);
}

#[test]
fn when_the_final_combination_fails_picks_are_added_one_at_a_time() {
    let sources = base_sources();
    let proposals = vec![
        proposal("aa", vec![alternative("aa", "xx"), alternative("aa", "x")]),
        proposal("bb", vec![alternative("bb", "yy"), alternative("bb", "y")]),
    ];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let attempts = search.next_attempts();
    assert_eq!(
        labels(&attempts),
        ["aa → xx", "aa → x", "bb → yy", "bb → y"]
    );
    for attempt in &attempts {
        let target = &attempt.label[..2];
        record(&mut search, attempt, accepted(1, &[target]));
    }
    let together = search.next_attempts();
    assert_eq!(labels(&together), ["2 fixes together"]);
    record(&mut search, &together[0], targets_remain("aa"));

    // The first pick passed alone and is kept without another run; the second goes on top.
    let step = search.next_attempts();
    assert_eq!(labels(&step), ["bb → yy"]);
    assert_eq!(step[0].targets, [error("aa"), error("bb")]);
    record(&mut search, &step[0], targets_remain("aa"));
    assert!(search.is_done());
    let findings = search.finish();
    assert_eq!(hows(&findings), [(error("aa"), "aa → xx".to_owned())]);
    assert_eq!(
        findings.rejected,
        [(error("bb"), UnfixedReason::WorseWithOthers)]
    );
    assert_eq!(findings.stage.edits, alternative("aa", "xx").edits);
    assert_eq!(findings.stage.targets, [error("aa")]);
    assert_eq!(findings.resolved, [error("aa")]);
}

#[test]
fn new_errors_with_a_suggestion_are_followed_up_and_gated_again() {
    let sources = base_sources();
    let proposals = vec![proposal("aa", vec![alternative("aa", "xx")])];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let first = search.next_attempts();
    assert_eq!(labels(&first), ["aa → xx"]);

    // The candidate's output, with rustc's fix for what it caused: `bb` → `bbb`.
    let output = sources_after(&first[0]);
    let mut caused = diagnostic("E0425", "cannot find value `bb`", {
        span_of(&output, "src/lib.rs", "bb", 0)
    });
    let at = output.get(std::path::Path::new("src/lib.rs")).unwrap();
    let start = at.find("bb").unwrap();
    caused.suggestions.push(Suggestion {
        message: "rename to `bbb`".to_owned(),
        applicability: Applicability::MachineApplicable,
        edits: vec![Edit {
            file: PathBuf::from("src/lib.rs"),
            start,
            end: start + 2,
            replacement: "bbb".to_owned(),
        }],
    });
    let after = ParsedCheck {
        diagnostics: vec![caused.clone()],
        ..ParsedCheck::default()
    };
    let new_errors = Verdict::Rejected(RejectReason::NewErrors {
        errors: vec![caused.identity()],
    });
    search.record(first[0].id, new_errors, &after, None);

    let second = search.next_attempts();
    assert_eq!(labels(&second), ["aa → xx"]);
    let changed = &second[0].patch.files[&PathBuf::from("src/lib.rs")].after;
    assert_eq!(changed, "fn a() { xx }\nfn b() { bbb }\nfn c() { cc }\n");
    record(&mut search, &second[0], accepted(0, &["aa"]));
    let findings = search.finish();
    assert_eq!(
        hows(&findings),
        [(error("aa"), "aa → xx, then rename to `bbb`".to_owned())]
    );
}

#[test]
fn follow_ups_stop_at_their_depth() {
    let sources = base_sources();
    let proposals = vec![proposal("aa", vec![alternative("aa", "xx")])];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let mut runs = 0;
    while let Some(attempt) = search.next_attempts().pop() {
        runs += 1;
        // Every run causes a new error whose suggested fix appends to the same file.
        let output = sources_after(&attempt);
        let text = output.get(std::path::Path::new("src/lib.rs")).unwrap();
        let mut caused = diagnostic(
            "E0425",
            &format!("cannot find value `n{runs}`"),
            span_of(&output, "src/lib.rs", "fn", 0),
        );
        caused.suggestions.push(Suggestion {
            message: format!("define `n{runs}`"),
            applicability: Applicability::MachineApplicable,
            edits: vec![Edit {
                file: PathBuf::from("src/lib.rs"),
                start: text.len(),
                end: text.len(),
                replacement: format!("const N{runs}: u8 = 0;\n"),
            }],
        });
        let verdict = Verdict::Rejected(RejectReason::NewErrors {
            errors: vec![caused.identity()],
        });
        let after = ParsedCheck {
            diagnostics: vec![caused],
            ..ParsedCheck::default()
        };
        search.record(attempt.id, verdict, &after, None);
    }
    assert_eq!(runs, 1 + FOLLOW_UP_DEPTH);
    assert!(search.is_done());
    let findings = search.finish();
    assert!(hows(&findings).is_empty());
    assert!(matches!(
        findings.rejected[0].1,
        UnfixedReason::Rejected {
            last: RejectReason::NewErrors { .. }
        }
    ));
}

#[test]
fn proposals_that_overlap_the_batch_are_tried_alone_after_it() {
    let sources = base_sources();
    let proposals = vec![
        proposal("aa", vec![alternative("aa", "xx")]),
        proposal("bb", vec![alternative("bb", "yy")]),
        proposal("a2", vec![alternative("aa", "zz")]),
    ];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let batch = search.next_attempts();
    assert_eq!(labels(&batch), ["2 fixes together"]);
    record(&mut search, &batch[0], accepted(1, &["aa", "bb"]));
    let alone = search.next_attempts();
    assert_eq!(labels(&alone), ["aa → zz"]);
    record(&mut search, &alone[0], accepted(2, &["a2"]));
    // It passed alone, but overlaps the batch: together, the edits make no patch.
    assert!(search.next_attempts().is_empty());
    let findings = search.finish();
    assert_eq!(hows(&findings).len(), 2);
    assert_eq!(
        findings.rejected,
        [(error("a2"), UnfixedReason::WorseWithOthers)]
    );
}

/// The sources as `attempt`'s patch leaves them.
fn sources_after(attempt: &Attempt) -> Sources {
    Sources::new(
        attempt
            .patch
            .files
            .iter()
            .map(|(path, change)| (path.clone(), change.after.clone()))
            .collect(),
    )
}

/// `alternative`, marked as making up the value it writes.
fn made_up(from: &str, to: &str) -> Alternative {
    Alternative {
        by: "test",
        invented: vec![to.to_owned()],
        ..alternative(from, to)
    }
}

#[test]
fn a_made_up_value_is_accepted_only_when_tests_ran_and_passed() {
    let sources = base_sources();
    let tests = |ran| TestRun {
        passed: true,
        failed: Vec::new(),
        ran,
        output: String::new(),
    };
    // Check alone, a run of no test, and passing tests.
    for (run, fixed) in [
        (None, false),
        (Some(tests(0)), false),
        (Some(tests(3)), true),
    ] {
        let proposals = vec![proposal("aa", vec![made_up("aa", "0"), made_up("aa", "1")])];
        let mut search = Search::new(&sources, proposals, Stage::default());
        for attempt in search.next_attempts() {
            search.record(
                attempt.id,
                accepted(0, &["aa"]),
                &ParsedCheck::default(),
                run.as_ref(),
            );
        }
        let findings = search.finish();
        if fixed {
            assert_eq!(hows(&findings), [(error("aa"), "aa → 0".to_owned())]);
        } else {
            assert!(hows(&findings).is_empty(), "{run:?}");
            let candidates = vec!["0".to_owned(), "1".to_owned()];
            assert_eq!(
                findings.rejected,
                [(error("aa"), UnfixedReason::NeedsValue { candidates })]
            );
            assert_eq!(findings.stage, Stage::default());
        }
    }
}

#[test]
fn a_batch_with_a_made_up_value_judged_by_check_alone_is_split() {
    let sources = base_sources();
    let proposals = vec![
        proposal("aa", vec![alternative("aa", "xx")]),
        proposal("bb", vec![made_up("bb", "0")]),
    ];
    let mut search = Search::new(&sources, proposals, Stage::default());
    let batch = search.next_attempts();
    assert_eq!(labels(&batch), ["2 fixes together"]);
    record(&mut search, &batch[0], accepted(0, &["aa", "bb"]));
    let alone = search.next_attempts();
    assert_eq!(labels(&alone), ["aa → xx", "bb → 0"]);
    for attempt in &alone {
        record(&mut search, attempt, accepted(1, &[&attempt.label[..2]]));
    }
    // The made-up value that compiled alone is tried once more with the fix that passed; again
    // no test runs, so only the fix that passed is kept.
    let together = search.next_attempts();
    assert_eq!(labels(&together), ["2 fixes together"]);
    record(&mut search, &together[0], accepted(0, &["aa", "bb"]));
    let findings = search.finish();
    assert_eq!(hows(&findings), [(error("aa"), "aa → xx".to_owned())]);
    assert!(matches!(
        &findings.rejected[..],
        [(_, UnfixedReason::NeedsValue { .. })]
    ));
}

#[test]
fn made_up_values_no_test_could_decide_alone_are_decided_together() {
    let sources = base_sources();
    // Two holes: each alone leaves the other, so the crate never compiles and no test runs.
    let proposals = vec![
        proposal("aa", vec![made_up("aa", "0"), made_up("aa", "1")]),
        proposal("bb", vec![made_up("bb", "0")]),
    ];
    let mut search = Search::new(&sources, proposals, Stage::default());
    for attempt in search.next_attempts() {
        let target = if attempt.label.starts_with("bb") {
            "bb"
        } else {
            "aa"
        };
        record(&mut search, &attempt, accepted(1, &[target]));
    }
    for attempt in search.next_attempts() {
        record(&mut search, &attempt, accepted(1, &["bb"]));
    }
    // Together they leave no error: the tests run, and pass.
    let together = search.next_attempts();
    assert_eq!(labels(&together), ["2 fixes together"]);
    let passed = TestRun {
        passed: true,
        failed: Vec::new(),
        ran: 4,
        output: String::new(),
    };
    search.record(
        together[0].id,
        accepted(0, &["aa", "bb"]),
        &ParsedCheck::default(),
        Some(&passed),
    );
    let findings = search.finish();
    assert_eq!(
        hows(&findings),
        [
            (error("aa"), "aa → 0".to_owned()),
            (error("bb"), "bb → 0".to_owned())
        ]
    );
    let whys: Vec<KeptReason> = findings.fixed.iter().map(|(_, kept)| kept.why).collect();
    assert_eq!(whys, [KeptReason::TestedTogether { together: 1 }; 2]);
    assert!(findings.rejected.is_empty());
}

mod groups;
