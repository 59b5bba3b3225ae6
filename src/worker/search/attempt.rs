//! What a search exchanges: the attempts it hands a driver, the stage it builds on, and what it
//! found.

use crate::diagnostic::Identity;
use crate::edit::Edit;
use crate::patch::Patch;
use crate::reason::{KeptReason, UnfixedReason};

/// Names one attempt of one search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AttemptId(pub(super) usize);

/// A candidate for the gate: a patch on the round's base, and the targets it must fix.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub id: AttemptId,
    /// What the candidate does, for reports.
    pub label: String,
    pub patch: Patch,
    pub targets: Vec<Identity>,
}

/// Fixes a search builds on: every candidate of the search is gated with them applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stage {
    pub edits: Vec<Edit>,
    pub targets: Vec<Identity>,
}

/// A fix a search kept for one target: what it does, who proposed it, why it won.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The alternative's label, with the follow-up fixes added to it.
    pub how: String,
    /// What its edits did, in a few words (`change::describe`).
    pub change: String,
    /// The specialist that proposed the alternative.
    pub by: &'static str,
    pub why: KeptReason,
}

/// What a search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Targets fixed, with how, by whom and why.
    pub fixed: Vec<(Identity, Kept)>,
    /// Targets not fixed, with why.
    pub rejected: Vec<(Identity, UnfixedReason)>,
    /// The final fixes, the stage's base included.
    pub stage: Stage,
    /// What the gate saw resolved by the final edits.
    pub resolved: Vec<Identity>,
}
