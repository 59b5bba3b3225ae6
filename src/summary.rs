//! The run's final summary: a plain value built by the engine and rendered for people.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::reason::{StopReason, UnfixedReason};
use crate::skipped_file::{SkipReason, SkippedFile};
use crate::stop::StopSignal;
use crate::verdict::RejectReason;

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
}

/// A diagnostic left in the final state, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unfixed {
    pub code: String,
    pub message: String,
    pub position: String,
    pub reason: UnfixedReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    pub outcome: Outcome,
    /// `None`: the run was stopped before the first check counted them.
    pub errors_before: Option<usize>,
    /// In the tree as the run leaves it; `None` when `errors_before` is.
    pub errors_after: Option<usize>,
    pub rounds: usize,
    pub gate_runs: usize,
    pub duration_ms: u64,
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

impl RunSummary {
    /// The summary as people read it at the end of a run.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let verb = if self.dry_run { "would fix" } else { "fixed" };
        let headline = match (self.outcome, self.errors_before) {
            (Outcome::Green, _) => "the build is green".to_owned(),
            (Outcome::ErrorsRemain, _) => "errors remain".to_owned(),
            (Outcome::NotWritten, _) if self.files_changed.is_empty() => {
                "not green: the fixes that passed the gate were not written to your tree".to_owned()
            }
            (Outcome::NotWritten, _) => {
                "not green: fixes that passed the gate were not all written to your tree".to_owned()
            }
            (Outcome::Interrupted { signal }, None) => format!(
                "interrupted by {} before the first check: nothing was applied",
                signal_name(signal)
            ),
            (Outcome::Interrupted { signal }, Some(_)) => {
                format!(
                    "interrupted by {}: nothing was applied",
                    signal_name(signal)
                )
            }
        };
        let after = match self.outcome {
            Outcome::NotWritten => " with every fix written",
            _ => "",
        };
        let counts = match (self.errors_before, self.errors_after) {
            (Some(before), Some(after_fix)) => format!("{before} → {after_fix} errors{after}, "),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "cargo fix-swarm: {headline} ({counts}{} round{}, {} gate run{}, {:.1}s)",
            self.rounds,
            plural(self.rounds),
            self.gate_runs,
            plural(self.gate_runs),
            self.duration_ms as f64 / 1000.0
        );
        if !self.fixes.is_empty() {
            let _ = writeln!(out, "\n{verb}:");
            for fix in &self.fixes {
                let _ = writeln!(
                    out,
                    "  round {} {:<24} {:>3} error{}  via {}",
                    fix.round,
                    fix.scope,
                    fix.fixed,
                    plural(fix.fixed),
                    fix.how.join("; ")
                );
            }
        }
        if !self.files_changed.is_empty() {
            let action = if self.dry_run {
                "would change"
            } else {
                "changed"
            };
            let _ = writeln!(out, "\n{action}:");
            for file in &self.files_changed {
                let _ = writeln!(out, "  {}", file.display());
            }
        }
        if !self.skipped.is_empty() {
            let heading = if self.files_changed.is_empty() {
                "nothing was written to your tree (a fix is written whole or not at all)"
            } else {
                "not written to your tree"
            };
            let _ = writeln!(out, "\n{heading}:");
            for skipped in &self.skipped {
                let _ = writeln!(
                    out,
                    "  {}: {}",
                    skipped.path.display(),
                    why_not_written(&skipped.reason)
                );
                match &skipped.saved_patch {
                    Some(patch) => {
                        let _ = writeln!(out, "      patch: {}", patch.display());
                    }
                    None => {
                        let _ = writeln!(out, "      its patch could not be saved");
                    }
                }
            }
            if let Some(patch) = &self.patch {
                let _ = writeln!(out, "the whole fix as one patch: {}", patch.display());
            }
            let _ = writeln!(
                out,
                "once checked against your tree, a patch applies with `git apply PATCH` at the \
                 repository's root"
            );
        }
        if !self.unfixed.is_empty() {
            let _ = writeln!(out, "\ncould not fix:");
            for unfixed in &self.unfixed {
                let _ = writeln!(
                    out,
                    "  {} [{}] {}\n      {}",
                    unfixed.position,
                    unfixed.code,
                    unfixed.message,
                    why_unfixed(&unfixed.reason)
                );
            }
        }
        if let Some(saved) = &self.saved {
            let _ = writeln!(
                out,
                "\nsaved: the fixes of {} round{} ({} error{}) that passed the gate: {}\n  \
                 go on from the next round with `cargo fix-swarm --resume {}`",
                saved.rounds,
                plural(saved.rounds),
                saved.fixed,
                plural(saved.fixed),
                saved.patch.display(),
                saved.run
            );
        }
        if !self.cleanup.is_empty() {
            let _ = writeln!(
                out,
                "\nclean-up: this run could not remove all it made; the next run on this target \
                 directory removes the rest first:"
            );
            for problem in &self.cleanup {
                let _ = writeln!(out, "  {problem}");
            }
        }
        if let Some(record) = &self.record {
            let _ = writeln!(out, "\nrecord: {}", record.display());
        }
        out
    }
}

/// Why a diagnostic is left, as people read it.
pub fn why_unfixed(reason: &UnfixedReason) -> String {
    match reason {
        UnfixedReason::NoProposal => "no specialist proposed a fix".to_owned(),
        UnfixedReason::Refused { refusal } => {
            format!("every proposed fix was refused: it {refusal}")
        }
        UnfixedReason::Rejected {
            last: RejectReason::TargetsRemain { .. },
        } => "no proposed fix made the error go away".to_owned(),
        UnfixedReason::Rejected {
            last: RejectReason::BuildFailed { detail },
        } => format!("the build failed: {detail}"),
        UnfixedReason::Rejected { last } => {
            format!("every proposed fix was rejected; the last: {last}")
        }
        UnfixedReason::NeedsValue { candidates } => needs_value(candidates),
        UnfixedReason::Conflicted => "its fix conflicted with another fix of the scope".to_owned(),
        UnfixedReason::WorseWithOthers => {
            "its fix passed alone but not with the scope's other fixes".to_owned()
        }
        UnfixedReason::Outside { path } => format!(
            "lies outside the workspace's sources ({}): not ours to edit",
            path.display()
        ),
        UnfixedReason::NoLocation => "rustc gave it no location".to_owned(),
        UnfixedReason::NotReached { stop } => match stop {
            StopReason::NoFixPassed => "no fix passed the gate",
            StopReason::WorseWhenMerged => "fixes passed alone but not once merged",
            StopReason::MaxRounds => "the round limit (--max-rounds) was reached",
            StopReason::NothingInWorkspace => "no error lies in the workspace's sources",
        }
        .to_owned(),
    }
}

fn needs_value(candidates: &[String]) -> String {
    let tried: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    format!(
        "needs a value: nothing in scope fits, and a made-up one ({}) is accepted only when the \
         crate's tests run and pass with it (`--gate test`, once the rest compiles)",
        tried.join(", ")
    )
}

fn why_not_written(reason: &SkipReason) -> String {
    match reason {
        SkipReason::ChangedDuringRun => {
            "you changed it during the run, so it was not overwritten".to_owned()
        }
        SkipReason::ReadOnly => {
            "it is read-only (its owner may not write it), so it was not replaced".to_owned()
        }
        SkipReason::ThroughLink => {
            "it is, or lies under, a symbolic link, and nothing is written through a link"
                .to_owned()
        }
        SkipReason::Unreadable { error } => {
            format!("it could not be read to see whether you changed it: {error}")
        }
        SkipReason::WriteFailed { error } => format!("writing it failed: {error}"),
        SkipReason::HeldBack { because_of } => {
            format!(
                "held back because {} could not be written",
                listed(because_of)
            )
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn listed(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn signal_name(signal: StopSignal) -> &'static str {
    match signal {
        StopSignal::Interrupt => "Ctrl-C (SIGINT)",
        StopSignal::Terminate => "SIGTERM",
        StopSignal::Hangup => "SIGHUP",
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests;
