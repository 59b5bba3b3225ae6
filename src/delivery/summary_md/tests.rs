use std::path::PathBuf;

use super::*;
use crate::candidate::Refusal;
use crate::delivered::{DeliveryFailure, DeliveryStatus};
use crate::llm::budget::Spending;
use crate::position::Position;
use crate::reason::{KeptReason, StopReason};
use crate::schema::SchemaVersion;
use crate::summary::{FixedError, LlmAccount, ScopeFix};
use crate::verdict::RejectReason;

fn unfixed(position: &str, code: &str, reason: UnfixedReason) -> Unfixed {
    Unfixed {
        code: code.to_owned(),
        message: format!("an {code} error"),
        detail: None,
        position: Position::parse(position),
        position_before: Position::parse(position),
        origin: None,
        reason,
    }
}

/// Two fixes in two scopes, four errors left for four reasons (two of one group), every delivery.
pub(crate) fn summary() -> RunSummary {
    RunSummary {
        schema_version: SchemaVersion,
        outcome: Outcome::ErrorsRemain,
        errors_before: Some(8),
        errors_after: Some(6),
        errors_fixed: Some(2),
        errors_revealed: Some(0),
        round_limit: None,
        rounds: 2,
        gate_runs: 9,
        duration_ms: 4250,
        cargo: crate::cargo::CargoTime::default(),
        fixes: vec![
            ScopeFix {
                round: 1,
                scope: "E0425".to_owned(),
                fixed: 1,
                how: vec!["a local variable with a similar name exists: `counter`".to_owned()],
                errors: vec![FixedError {
                    code: "E0425".to_owned(),
                    message: "cannot find value `countr` in this scope".to_owned(),
                    position: Position::parse("src/lib.rs:4:9"),
                    how: "a local variable with a similar name exists: `counter`".to_owned(),
                    change: "`countr` → `counter`".to_owned(),
                    by: "rustc-suggestions".to_owned(),
                    why: KeptReason::OnlyProposal,
                }],
            },
            ScopeFix {
                round: 2,
                scope: "E0308".to_owned(),
                fixed: 1,
                how: vec!["try using a conversion method: `.to_string()`".to_owned()],
                errors: vec![FixedError {
                    code: "E0308".to_owned(),
                    message: "mismatched types | expected `String`, found &str<'a>".to_owned(),
                    position: Position::parse("src/lib.rs:19:5"),
                    how: "try using a conversion method: `.to_string()`".to_owned(),
                    change: "`name` → `name.to_string()`".to_owned(),
                    by: "conversions".to_owned(),
                    why: KeptReason::FewestErrors {
                        alternatives: 3,
                        passed: 2,
                    },
                }],
            },
        ],
        unfixed: vec![
            unfixed("src/a.rs:1:1", "E0063", UnfixedReason::NoProposal),
            unfixed(
                "src/b.rs:2:5",
                "E0061",
                UnfixedReason::NeedsValue {
                    candidates: vec!["0".to_owned()],
                },
            ),
            unfixed("src/c.rs:3:1", "E0599", UnfixedReason::NoProposal),
            unfixed(
                "src/d.rs:4:2",
                "E0277",
                UnfixedReason::Refused {
                    refusal: Refusal::Silences("#[allow(".to_owned()),
                },
            ),
            unfixed(
                "src/e.rs:5:3",
                "E0308",
                UnfixedReason::Rejected {
                    last: RejectReason::TargetsRemain {
                        remaining: Vec::new(),
                    },
                },
            ),
            unfixed(
                "src/f.rs:6:4",
                "E0382",
                UnfixedReason::NotReached {
                    stop: StopReason::MaxRounds,
                },
            ),
        ],
        files_changed: vec![PathBuf::from("src/lib.rs")],
        skipped: Vec::new(),
        patch: Some(PathBuf::from("/record/final.patch")),
        saved: None,
        dry_run: true,
        record: Some(PathBuf::from("/record")),
        cleanup: Vec::new(),
        llm: None,
        deliveries: vec![
            DeliveryReport::PatchFile {
                path: PathBuf::from("/out/fix.patch"),
                files: 1,
                status: DeliveryStatus::Written,
            },
            DeliveryReport::Branch {
                name: Some("fix-swarm/0123abcd".to_owned()),
                status: DeliveryStatus::Committed {
                    commit: "0123abcdef".to_owned(),
                    parent: "fedcba9876".to_owned(),
                    replaced: None,
                },
            },
            DeliveryReport::Branch {
                name: Some("taken".to_owned()),
                status: DeliveryStatus::Failed {
                    reason: DeliveryFailure::BranchExists,
                },
            },
        ],
    }
}

const DIFF: &str = "diff --git a/src/lib.rs b/src/lib.rs\n--- a/src/lib.rs\n+++ b/src/lib.rs\n\
                    @@ -1,1 +1,1 @@\n-    countr\n+    counter\n";

#[test]
fn the_markdown_holds_the_counts_a_row_per_fix_the_reasons_grouped_and_the_diff() {
    insta::assert_snapshot!(render_markdown(&summary(), Some(DIFF)));
}

#[test]
fn a_green_run_without_fixes_or_diff_says_only_that() {
    let mut summary = summary();
    summary.outcome = Outcome::Green;
    summary.dry_run = false;
    summary.errors_before = Some(0);
    summary.errors_after = Some(0);
    summary.fixes.clear();
    summary.unfixed.clear();
    summary.deliveries.clear();
    assert_eq!(
        render_markdown(&summary, Some("")),
        "## cargo fix-swarm: the build is green\n\n**0 → 0 errors** · 2 rounds · 9 gate runs · 4.2 s\n"
    );
}

#[test]
fn backticks_in_the_diff_cannot_close_its_fence() {
    let diff = "+ let s = \"```\";\n+ let t = \"````\";\n";
    let markdown = render_markdown(&summary(), Some(diff));
    assert!(markdown.contains("\n`````diff\n"), "{markdown}");
    assert!(markdown.contains("\n`````\n"), "{markdown}");
}

#[test]
fn a_diff_beyond_the_limit_is_cut_and_says_so() {
    let line = "+ x\n";
    let diff = line.repeat(DIFF_LIMIT / line.len() + 10);
    let markdown = render_markdown(&summary(), Some(&diff));
    assert!(markdown.len() < DIFF_LIMIT + 8 * 1024);
    assert!(markdown.contains("The diff is cut here"));
}

#[test]
fn tokens_and_cost_are_told_only_when_a_model_was_used() {
    let without = render_markdown(&summary(), None);
    assert!(!without.contains("Model:"));
    let mut with = summary();
    with.llm = Some(Box::new(LlmAccount::Used {
        model: "gpt-x".to_owned(),
        spending: Spending {
            requests: 12,
            prompt_tokens: 30_000,
            completion_tokens: 4_000,
            cost_usd: Some(0.042),
        },
        stopped: None,
        untried: Vec::new(),
    }));
    assert!(render_markdown(&with, None).contains(
        "\nModel `gpt-x`: 12 requests, 30000 prompt and 4000 completion tokens, $0.0420.\n"
    ));
}

#[test]
fn a_run_that_could_not_go_on_says_why_in_a_fence_its_message_cannot_close() {
    assert_eq!(
        render_failure_markdown("uncommitted changes:\n  notes.txt ```"),
        "## cargo fix-swarm: could not run\n\nNothing was changed.\n\n\
         ````text\nuncommitted changes:\n  notes.txt ```\n````\n"
    );
}

#[test]
fn an_error_left_by_a_bump_names_the_crate_and_its_versions() {
    let mut left = unfixed("src/lib.rs:1:5", "E0432", UnfixedReason::NoProposal);
    left.origin = Some(crate::summary::Origin {
        krate: "heck".to_owned(),
        from: "0.3.3".to_owned(),
        to: "0.5.0".to_owned(),
        changelog: Some(PathBuf::from("/registry/heck-0.5.0/CHANGELOG.md")),
    });
    let summary = RunSummary {
        unfixed: vec![left],
        ..summary()
    };
    let markdown = render_markdown(&summary, None);
    let line = markdown
        .lines()
        .find(|line| line.contains("E0432"))
        .expect("the error's line");
    assert_eq!(
        line,
        "- `src/lib.rs:1:5` E0432: an E0432 error — no specialist proposed a fix; this item comes \
         from crate `heck`, which changed between versions 0.3.3 and 0.5.0; see its changelog: \
         /registry/heck-0.5.0/CHANGELOG.md"
    );
}
