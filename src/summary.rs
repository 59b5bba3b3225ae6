//! The run's final summary: a plain value built by the engine and rendered for people.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cargo::CargoTime;
use crate::delivered::DeliveryReport;
use crate::llm::budget::{Spending, Spent};
use crate::position::Position;
use crate::reason::{KeptReason, UnfixedReason};
use crate::schema::SchemaVersion;
use crate::skipped_file::SkippedFile;
use crate::stop::StopSignal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// `cargo check` passes on the result.
    Green,
    /// Errors remain; whatever passed the gate was still applied.
    ErrorsRemain,
    /// Fixes passed the gate, but were not written to the user's tree: none of them when a file
    /// could not be written (a fix is written whole or not at all), or not all when a file changed
    /// or a rename failed in the last moment of the apply. Whatever the count of errors after the
    /// fix, the tree as written is not green.
    NotWritten,
    /// A signal stopped the run: nothing was applied.
    Interrupted { signal: StopSignal },
}

impl Outcome {
    /// The outcome of a run that went to its end, told about the user's tree as written: a file
    /// left unwritten leaves the tree short of what the gate checked.
    pub fn of_finished_run(errors_after: usize, skipped: &[SkippedFile]) -> Outcome {
        if !skipped.is_empty() {
            Outcome::NotWritten
        } else if errors_after == 0 {
            Outcome::Green
        } else {
            Outcome::ErrorsRemain
        }
    }
}

/// What one scope's worker fixed in one round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeFix {
    pub round: usize,
    pub scope: String,
    pub fixed: usize,
    /// Each distinct way the scope's fixes were made (rustc's help texts).
    pub how: Vec<String>,
    /// Each error fixed, in scope order. Absent from checkpoints saved before it was added.
    #[serde(default)]
    pub errors: Vec<FixedError>,
}

/// One error a merged fix resolved, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedError {
    pub code: String,
    pub message: String,
    /// Where it was before the fix.
    pub position: Option<Position>,
    /// What the fix did: rustc's help text or the rule's description.
    pub how: String,
    /// What its edits did, in a few words (`change::describe`, a model's `change::describe_edited`).
    #[serde(default)]
    pub change: String,
    /// The specialist whose alternative it is.
    pub by: String,
    /// Why that alternative won.
    pub why: KeptReason,
}

/// A diagnostic left in the final state, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unfixed {
    pub code: String,
    pub message: String,
    /// rustc's label on it, the detail its message leaves out (for E0308, "expected `String`,
    /// found `&str`"), if it gave one.
    pub detail: Option<String>,
    /// Where it is in the tree the run leaves (with `--dry-run`, would leave); `None` when rustc
    /// gave it no location.
    pub position: Option<Position>,
    /// The same place in the user's tree as the run found it, where CI's annotations go; `None`
    /// where the fix wrote that line.
    pub position_before: Option<Position>,
    pub reason: UnfixedReason,
    /// The bumped dependency whose item it names, when the index found one: the error may be
    /// the bump's, not the code's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A dependency whose locked version changed since the last commit that locked another one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The name code gives the crate.
    #[serde(rename = "crate")]
    pub krate: String,
    /// The version locked before the bump, and the one locked now.
    pub from: String,
    pub to: String,
    /// The changelog its sources ship (`CHANGELOG.md`, `CHANGES.md`, …), as an absolute path in
    /// cargo's sources, if they ship one.
    pub changelog: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSummary {
    pub schema_version: SchemaVersion,
    pub outcome: Outcome,
    /// `None`: the run was stopped before the first check counted them.
    pub errors_before: Option<usize>,
    /// In the tree as the run leaves it; `None` when `errors_before` is.
    pub errors_after: Option<usize>,
    /// Errors the merged rounds resolved, and errors they revealed (hidden until then: in a
    /// later phase, behind a fixed error, or in a package cargo could not check before):
    /// `errors_after` = `errors_before` − fixed + revealed. `None` for a stopped run, which
    /// applied nothing.
    pub errors_fixed: Option<usize>,
    pub errors_revealed: Option<usize>,
    /// Set when the rounds stopped at `--max-rounds` with errors left.
    pub round_limit: Option<RoundLimit>,
    pub rounds: usize,
    pub gate_runs: usize,
    pub duration_ms: u64,
    /// How long cargo ran (checks, tests) within `duration_ms`.
    pub cargo: CargoTime,
    pub fixes: Vec<ScopeFix>,
    pub unfixed: Vec<Unfixed>,
    /// Files written to the user's tree (with `--dry-run`, those that would be).
    pub files_changed: Vec<PathBuf>,
    /// Files the fix changed that were not written, each with its reason and saved patch.
    pub skipped: Vec<SkippedFile>,
    /// The whole fix as one unified diff, under the run's record, if it could be saved.
    pub patch: Option<PathBuf>,
    /// A stopped run's progress, saved for `--resume`: what passed in its merged rounds.
    pub saved: Option<SavedProgress>,
    pub dry_run: bool,
    /// Where the run's record (events, plan, reports, final patch) was kept.
    pub record: Option<PathBuf>,
    /// What the run could not remove of what it made (its worktrees and their target
    /// directories), each as the error met; the next run on the same target directory removes it
    /// first. It says nothing about the user's tree: the outcome does.
    pub cleanup: Vec<String>,
    /// What the deliveries the user asked for (`--patch-file`, `--summary-md`, `--commit`) made.
    pub deliveries: Vec<DeliveryReport>,
    /// With `--llm`, what the model workers spent and whether the budget stopped them; without,
    /// the scopes a model could still try.
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Boxed: most runs have none, and the summary travels in every run's last event.
    pub llm: Option<Box<LlmAccount>>,
}

/// The model workers' part of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LlmAccount {
    Used {
        model: String,
        spending: Spending,
        /// The limit that stopped new requests (`stopped: budget`), if one did.
        stopped: Option<Spent>,
        /// Scopes the budget left without a request.
        untried: Vec<String>,
    },
    /// `--llm` was not given: the scopes of the errors left, which a model could try.
    Off { could_try: Vec<String> },
}

/// Errors the merged rounds resolved and revealed, counted round by round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub fixed: usize,
    pub revealed: usize,
}

/// The round limit that stopped a run with errors left, and a limit that would give the errors
/// left their rounds: one more for each compiler phase they are in, since an error of an early
/// phase often hides those of later ones until it is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RoundLimit {
    /// The limit reached: the rounds that ran, a stopped run's included.
    pub max_rounds: usize,
    pub suggested: usize,
}

/// What a stopped run saved of its merged rounds, and how to go on with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SavedProgress {
    /// The run to name to `--resume`.
    pub run: String,
    /// Rounds whose fixes were merged.
    pub rounds: usize,
    /// Errors those fixes resolved.
    pub fixed: usize,
    /// The unified diff of those fixes, as `git apply` takes it.
    pub patch: PathBuf,
}

mod deliveries;
mod render;

pub use deliveries::delivery_words;
pub use render::{category, origin_words, what_changed, why_kept, why_unfixed};

#[cfg(test)]
mod tests;
