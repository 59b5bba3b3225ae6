//! A candidate the gate judged, and what its verdict means for the search.

use crate::candidate::Proposal;
use crate::diagnostic::Identity;
use crate::edit::Edit;
use crate::patch::Patch;
use crate::reason::UnfixedReason;
use crate::verdict::Verdict;

/// A candidate the gate judged: the edits it finally consisted of (the proposal's, plus any
/// follow-up fixes), the patch they make, and the verdict on it.
#[derive(Debug)]
pub(super) struct Judged {
    pub(super) verdict: Verdict,
    pub(super) patch: Patch,
    pub(super) edits: Vec<Edit>,
    pub(super) follow_ups: Vec<String>,
}

impl Judged {
    /// Fewest remaining errors, then the smallest diff.
    pub(super) fn rank(&self) -> (usize, usize) {
        (
            self.verdict.remaining_errors().unwrap_or(usize::MAX),
            self.patch.changed_lines(),
        )
    }

    /// Passed as it is, with no follow-up added: what a combination must do.
    pub(super) fn passed_as_is(&self) -> bool {
        self.verdict.is_accepted() && self.follow_ups.is_empty()
    }
}

/// Why a proposal whose candidate got `verdict` was not kept.
pub(super) fn unfixed_by(verdict: &Verdict) -> UnfixedReason {
    match verdict {
        Verdict::Accepted { .. } => UnfixedReason::Conflicted,
        Verdict::Rejected(reason) => UnfixedReason::Rejected {
            last: reason.clone(),
        },
    }
}

pub(super) fn resolved_by(verdict: &Verdict) -> Vec<Identity> {
    match verdict {
        Verdict::Accepted { resolved, .. } => resolved.clone(),
        Verdict::Rejected(_) => Vec::new(),
    }
}

pub(super) fn with_follow_ups(label: &str, follow_ups: &[String]) -> String {
    if follow_ups.is_empty() {
        label.to_owned()
    } else {
        format!("{label}, then {}", follow_ups.join(", then "))
    }
}

/// Why `proposal` is left when its made-up values were all that was left and no test decided
/// them: each alternative's values, as the code it would have written.
pub fn needs_value(proposal: &Proposal) -> UnfixedReason {
    UnfixedReason::NeedsValue {
        candidates: proposal
            .alternatives
            .iter()
            .filter(|alternative| alternative.invents())
            .map(|alternative| alternative.invented.join(", "))
            .collect(),
    }
}
