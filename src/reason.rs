//! Why a diagnostic was left unfixed, and why the rounds stopped: reasons as data, serialised as
//! stable tags, worded only where people read them (the summary, the reporters).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::candidate::Refusal;
use crate::llm::edits::ReplyRefusal;
use crate::verdict::RejectReason;

/// Why one diagnostic is still there at the end of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum UnfixedReason {
    /// No specialist proposed a fix for it.
    NoProposal,
    /// Every fix proposed for it was refused before the gate: it would not have kept the code's
    /// meaning (the last refusal).
    Refused { refusal: Refusal },
    /// Every fix proposed for it reached the gate and was rejected (the last verdict's reason).
    Rejected { last: RejectReason },
    /// It lacks a value (a dropped argument, a missing field) that nothing in scope supplies, and
    /// only made-up values were left to try (`candidates`, the code each would have written),
    /// which only the crate's tests may accept: there were none, or they did not run (`--gate
    /// check`, or the crate did not compile yet).
    NeedsValue { candidates: Vec<String> },
    /// Its fix passed the gate but conflicted with another fix of the scope that was kept.
    Conflicted,
    /// Its fix passed the gate alone, but not together with the scope's other fixes.
    WorseWithOthers,
    /// It lies outside the workspace's sources (a registry crate, the standard library, a file a
    /// link leads out to, a submodule, an ignored input): not ours to edit.
    Outside { path: PathBuf },
    /// rustc gave it no location to edit.
    NoLocation,
    /// No worker reached it: the rounds stopped first, for this reason.
    NotReached { stop: StopReason },
    /// A model's last reply was refused before the gate (not in the edit format, an edit of a
    /// file it may not touch, a SEARCH text not found once, a change of meaning).
    ModelRefused { refusal: ReplyRefusal },
    /// The model's endpoint failed, retries spent: its error as it reads.
    ModelFailed { error: String },
    /// The worker's time (`--worker-timeout`, `after_secs`) ran out before a strategy was done
    /// with it; what the strategies before it fixed in the scope was kept.
    OutOfTime { after_secs: u64 },
}

/// Why the search kept the fix it kept for one error, of what was proposed for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum KeptReason {
    /// The only fix proposed for it, and it passed the gate.
    OnlyProposal,
    /// Of `alternatives` proposed, the only one that passed the gate.
    OnlyOnePassed { alternatives: usize },
    /// Of the `passed` alternatives that passed the gate (of `alternatives` proposed), it left the
    /// fewest errors.
    FewestErrors { alternatives: usize, passed: usize },
    /// Of those that left as few errors, it changed the fewest lines.
    SmallestDiff { alternatives: usize, passed: usize },
    /// Of those that left as few errors with as small a change, it was proposed first (rustc's
    /// suggestions before the rules', names the file never uses before others).
    ProposedFirst { alternatives: usize, passed: usize },
    /// The answer to one question (a rename), gated at its `sites` together: the `tried`th of
    /// `answers` in order of likelihood, the first that passed.
    Decided {
        sites: usize,
        tried: usize,
        answers: usize,
    },
    /// A made-up value no test could decide alone (other errors kept the tests from running):
    /// gated with the `together` fixes around it, it left nothing broken and the tests passed.
    TestedTogether { together: usize },
    /// A model's edit: applied within its confinement, it compiled and the tests of what it
    /// touched passed.
    ModelEdit,
}

/// Why the rounds stopped with errors left (a green build needs no reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopReason {
    /// A round ended with no fix that passed the gate.
    NoFixPassed,
    /// Fixes passed the gate alone, but none kept passing once merged with the round's others.
    WorseWhenMerged,
    /// `--max-rounds` rounds ran.
    MaxRounds,
    /// No error left lies in the workspace's sources.
    NothingInWorkspace,
    /// The model budget (`--max-tokens`, `--max-cost`, `--max-wall-time`) was spent.
    Budget,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_reason_serialises_as_a_stable_tag() {
        let tag = |reason: UnfixedReason| serde_json::to_value(reason).unwrap()["kind"].clone();
        assert_eq!(tag(UnfixedReason::NoProposal), "no-proposal");
        assert_eq!(
            tag(UnfixedReason::Refused {
                refusal: Refusal::DeletesItem("f".to_owned())
            }),
            "refused"
        );
        assert_eq!(
            tag(UnfixedReason::Rejected {
                last: RejectReason::TestsFailed {
                    failed: vec!["t".to_owned()]
                }
            }),
            "rejected"
        );
        assert_eq!(tag(UnfixedReason::Conflicted), "conflicted");
        assert_eq!(
            serde_json::to_value(UnfixedReason::NeedsValue {
                candidates: vec!["0".to_owned()]
            })
            .unwrap(),
            json!({"kind": "needs-value", "candidates": ["0"]})
        );
        let rejected = [
            RejectReason::BuildFailed {
                detail: "d".to_owned(),
            },
            RejectReason::TargetsRemain {
                remaining: Vec::new(),
            },
            RejectReason::NewErrors { errors: Vec::new() },
            RejectReason::TestsFailed { failed: Vec::new() },
            RejectReason::Untested,
        ]
        .map(|last| {
            serde_json::to_value(UnfixedReason::Rejected { last }).unwrap()["last"]["reason"]
                .clone()
        });
        assert_eq!(
            rejected,
            [
                json!("build-failed"),
                json!("targets-remain"),
                json!("new-errors"),
                json!("tests-failed"),
                json!("untested")
            ]
        );
        assert_eq!(tag(UnfixedReason::WorseWithOthers), "worse-with-others");
        assert_eq!(
            tag(UnfixedReason::Outside {
                path: PathBuf::from("/r/lib.rs")
            }),
            "outside"
        );
        assert_eq!(tag(UnfixedReason::NoLocation), "no-location");
        assert_eq!(
            serde_json::to_value(UnfixedReason::NotReached {
                stop: StopReason::MaxRounds
            })
            .unwrap(),
            json!({"kind": "not-reached", "stop": "max-rounds"})
        );
        let stops = [
            StopReason::NoFixPassed,
            StopReason::WorseWhenMerged,
            StopReason::MaxRounds,
            StopReason::NothingInWorkspace,
            StopReason::Budget,
        ]
        .map(|stop| serde_json::to_value(stop).unwrap());
        assert_eq!(
            stops,
            [
                json!("no-fix-passed"),
                json!("worse-when-merged"),
                json!("max-rounds"),
                json!("nothing-in-workspace"),
                json!("budget")
            ]
        );
    }
}
