//! The summary in words: the headline, what was fixed, written and left, each reason as people
//! read it. The summary itself (`RunSummary`) is data; only this module words it.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{LlmAccount, Origin, Outcome, RunSummary};
use crate::llm::budget::Spent;
use crate::position;
use crate::reason::{KeptReason, StopReason, UnfixedReason};
use crate::skipped_file::SkipReason;
use crate::stop::StopSignal;
use crate::verdict::RejectReason;

impl RunSummary {
    /// The summary as people read it at the end of a run: the headline, then each part that has
    /// something to say.
    pub fn render(&self) -> String {
        let mut out = self.headline();
        self.write_fixes(&mut out);
        self.write_files_changed(&mut out);
        self.write_skipped(&mut out);
        self.write_unfixed(&mut out);
        self.write_round_limit(&mut out);
        self.write_llm(&mut out);
        self.write_saved(&mut out);
        self.write_cleanup(&mut out);
        self.write_deliveries(&mut out);
        if let Some(record) = &self.record {
            let _ = writeln!(out, "\nrecord: {}", record.display());
        }
        out
    }

    /// `cargo fix-swarm: the build is green (3 → 0 errors, 1 round, 5 gate runs, 2.6s)`.
    fn headline(&self) -> String {
        let state = match (self.outcome, self.errors_before) {
            (Outcome::Green, _) => "the build is green".to_owned(),
            (Outcome::ErrorsRemain, _) if self.stopped_by_budget() => {
                "errors remain, stopped: budget".to_owned()
            }
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
            // Errors newly revealed make "7 → 14" read as a fix that made things worse.
            (Some(_), Some(after_fix)) if self.errors_revealed.is_some_and(|n| n > 0) => format!(
                "{} fixed, {} newly revealed, {after_fix} left{after}, ",
                self.errors_fixed.unwrap_or(0),
                self.errors_revealed.unwrap_or(0)
            ),
            (Some(before), Some(after_fix)) => format!("{before} → {after_fix} errors{after}, "),
            _ => String::new(),
        };
        format!(
            "cargo fix-swarm: {state} ({counts}{} round{}, {} gate run{}, {:.1}s)\n",
            self.rounds,
            plural(self.rounds),
            self.gate_runs,
            plural(self.gate_runs),
            self.duration_ms as f64 / 1000.0
        )
    }

    /// A line per error fixed: where it was, what was done, and which specialist did it.
    fn write_fixes(&self, out: &mut String) {
        if self.fixes.is_empty() {
            return;
        }
        let verb = if self.dry_run { "would fix" } else { "fixed" };
        let _ = writeln!(out, "\n{verb}:");
        for fix in &self.fixes {
            // A checkpoint saved before errors were listed has only the scope's count.
            if fix.errors.is_empty() {
                let _ = writeln!(
                    out,
                    "  {} error{} of {} ({}, round {})",
                    fix.fixed,
                    plural(fix.fixed),
                    fix.scope,
                    fix.how.join("; "),
                    fix.round
                );
            }
            for error in &fix.errors {
                let change = what_changed(error);
                let _ = writeln!(
                    out,
                    "  {:<18} [{}] {change}  ({}, round {})",
                    position::short(error.position.as_ref()),
                    error.code,
                    error.by,
                    fix.round
                );
            }
        }
    }

    fn write_files_changed(&self, out: &mut String) {
        if self.files_changed.is_empty() {
            return;
        }
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

    /// The files the apply did not write, why, and the patches to write them by hand.
    fn write_skipped(&self, out: &mut String) {
        if self.skipped.is_empty() {
            return;
        }
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
            let _ = match &skipped.saved_patch {
                Some(patch) => writeln!(out, "      patch: {}", patch.display()),
                None => writeln!(out, "      its patch could not be saved"),
            };
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

    /// Each error left: rustc's words and detail, why it is left (the category, then the
    /// particulars) and what the user can do next.
    fn write_unfixed(&self, out: &mut String) {
        if self.unfixed.is_empty() {
            return;
        }
        let _ = writeln!(out, "\ncould not fix:");
        for unfixed in &self.unfixed {
            let detail = unfixed
                .detail
                .as_deref()
                .map_or(String::new(), |detail| format!(": {detail}"));
            let (kind, why) = (category(&unfixed.reason), why_unfixed(&unfixed.reason));
            let why = if why.starts_with(kind) {
                why
            } else {
                format!("{kind}: {why}")
            };
            let _ = writeln!(
                out,
                "  {} [{}] {}{detail}\n      why: {why}",
                position::label(unfixed.position.as_ref()),
                unfixed.code,
                unfixed.message,
            );
            if let Some(left) = left_by_last_attempt(unfixed) {
                let _ = writeln!(out, "      the last attempt left: {left}");
            }
            if let Some(origin) = &unfixed.origin {
                let _ = writeln!(out, "      dependency: {}", origin_words(origin));
            }
            if let Some(next) = self.next_step(&unfixed.reason) {
                let _ = writeln!(out, "      next: {next}");
            }
        }
    }

    /// What the user can do about an error left for `reason`, when there is something to do.
    fn next_step(&self, reason: &UnfixedReason) -> Option<String> {
        let llm_off = !matches!(self.llm.as_deref(), Some(LlmAccount::Used { .. }));
        let by_hand_or_model = if llm_off {
            "a model may find a fix: run with `--llm --llm-model NAME`; or fix it by hand"
        } else {
            "fix it by hand"
        };
        let step = match reason {
            UnfixedReason::NoProposal
            | UnfixedReason::Refused { .. }
            | UnfixedReason::ModelRefused { .. } => by_hand_or_model.to_owned(),
            UnfixedReason::Rejected {
                last: RejectReason::Untested,
            }
            | UnfixedReason::NeedsValue { .. } => {
                "let the crate's tests decide a made-up value: `--gate test`, once the rest \
                 compiles; or supply the value by hand"
                    .to_owned()
            }
            UnfixedReason::Rejected {
                last: RejectReason::BuildFailed { .. },
            } => "fix what keeps cargo from building, then run again".to_owned(),
            UnfixedReason::Rejected { .. } => by_hand_or_model.to_owned(),
            UnfixedReason::Conflicted
            | UnfixedReason::WorseWithOthers
            | UnfixedReason::NotReached {
                stop: StopReason::NoFixPassed | StopReason::WorseWhenMerged,
            } => "run again: the next run starts from the fixes that went in".to_owned(),
            UnfixedReason::NotReached {
                stop: StopReason::MaxRounds,
            } => match &self.round_limit {
                Some(limit) => format!("run again with `--max-rounds {}`", limit.suggested),
                None => "run again with a larger `--max-rounds`".to_owned(),
            },
            UnfixedReason::NotReached {
                stop: StopReason::Budget,
            } => "raise `--max-tokens`, `--max-cost` or `--max-wall-time`, or run again".to_owned(),
            UnfixedReason::Outside { .. } => {
                "change the dependency's version, or the code that uses it".to_owned()
            }
            UnfixedReason::ModelFailed { .. } => {
                "check the model's endpoint (`--llm-base-url`, the key), then run again".to_owned()
            }
            UnfixedReason::OutOfTime { after_secs } => format!(
                "run again with a larger `--worker-timeout` (it was {after_secs} s), or \
                 `--llm-timeout` for a slow model"
            ),
            UnfixedReason::NoLocation
            | UnfixedReason::NotReached {
                stop: StopReason::NothingInWorkspace,
            } => return None,
        };
        Some(step)
    }

    /// The limit that stopped the rounds, and one that would let them go on.
    fn write_round_limit(&self, out: &mut String) {
        if let Some(limit) = &self.round_limit {
            let _ = writeln!(
                out,
                "\nround limit: {} round{} ran (`--max-rounds {}`) with errors left; \
                 `--max-rounds {}` gives each compiler phase they are in a round",
                limit.max_rounds,
                plural(limit.max_rounds),
                limit.max_rounds,
                limit.suggested
            );
        }
    }

    /// What an interrupted run saved, and how to go on from it.
    fn write_saved(&self, out: &mut String) {
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
    }

    fn write_deliveries(&self, out: &mut String) {
        if self.deliveries.is_empty() {
            return;
        }
        let _ = writeln!(out, "\ndelivered:");
        for delivery in &self.deliveries {
            let _ = writeln!(out, "  {}", super::delivery_words(delivery));
        }
    }

    fn write_cleanup(&self, out: &mut String) {
        if self.cleanup.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\nclean-up: this run could not remove all it made; the next run on this target \
             directory removes the rest first:"
        );
        for problem in &self.cleanup {
            let _ = writeln!(out, "  {problem}");
        }
    }
}

impl RunSummary {
    fn stopped_by_budget(&self) -> bool {
        matches!(
            self.llm.as_deref(),
            Some(LlmAccount::Used {
                stopped: Some(_),
                ..
            })
        )
    }

    /// What the model workers spent, or which scopes a model could still try without them.
    fn write_llm(&self, out: &mut String) {
        match self.llm.as_deref() {
            None => {}
            Some(LlmAccount::Off { could_try }) if could_try.is_empty() => {}
            Some(LlmAccount::Off { could_try }) => {
                let _ = writeln!(
                    out,
                    "\na model could still try: {} (run with --llm --llm-model NAME)",
                    could_try.join(", ")
                );
            }
            Some(LlmAccount::Used {
                model,
                spending,
                stopped,
                untried,
            }) => {
                let cost = spending
                    .cost_usd
                    .map_or(String::new(), |usd| format!(", ${usd:.4}"));
                let _ = writeln!(
                    out,
                    "\nmodel {model}: {} request{}, {} tokens in, {} out{cost}",
                    spending.requests,
                    plural(spending.requests as usize),
                    spending.prompt_tokens,
                    spending.completion_tokens
                );
                if let Some(spent) = stopped {
                    let limit = match spent {
                        Spent::Tokens => "--max-tokens",
                        Spent::Cost => "--max-cost",
                        Spent::WallTime => "--max-wall-time",
                    };
                    let _ = writeln!(out, "stopped: budget ({limit} reached)");
                }
                if !untried.is_empty() {
                    let _ = writeln!(out, "left untried: {}", untried.join(", "));
                }
            }
        }
    }
}

/// What a fix did, in a few words: its edits, or where there are none to tell (a summary saved
/// before they were told), the specialist's own description.
pub fn what_changed(error: &super::FixedError) -> &str {
    if error.change.is_empty() {
        &error.how
    } else {
        &error.change
    }
}

/// What the last candidate gated for `unfixed` left broken, when `why_unfixed` does not say it
/// (it names the errors a candidate caused): errors other than this one that stayed.
fn left_by_last_attempt(unfixed: &super::Unfixed) -> Option<String> {
    let UnfixedReason::Rejected { last } = &unfixed.reason else {
        return None;
    };
    match last {
        RejectReason::TargetsRemain { remaining }
            if remaining.iter().any(|identity| {
                identity.message != unfixed.message
                    || crate::diagnostic::code_label(identity.code.as_ref()) != unfixed.code
            }) =>
        {
            Some(last.to_string())
        }
        _ => None,
    }
}

/// The bumped dependency an error left names, as people read it: which crate changed between
/// which versions, and where its changelog is.
pub fn origin_words(origin: &Origin) -> String {
    let changelog = origin.changelog.as_ref().map_or(String::new(), |path| {
        format!("; see its changelog: {}", path.display())
    });
    format!(
        "this item comes from crate `{}`, which changed between versions {} and {}{changelog}",
        origin.krate, origin.from, origin.to
    )
}

/// The kind of reason a diagnostic is left, in two or three words: what a reader scans for.
pub fn category(reason: &UnfixedReason) -> &'static str {
    match reason {
        UnfixedReason::NoProposal => "no candidate",
        UnfixedReason::Refused { .. } | UnfixedReason::ModelRefused { .. } => {
            "every candidate refused"
        }
        UnfixedReason::Rejected { .. } => "every candidate failed the gate",
        UnfixedReason::NeedsValue { .. } => "needs a value",
        UnfixedReason::Conflicted | UnfixedReason::WorseWithOthers => "did not fit with others",
        UnfixedReason::Outside { .. } | UnfixedReason::NoLocation => "not editable",
        UnfixedReason::NotReached {
            stop: StopReason::MaxRounds,
        } => "round limit",
        UnfixedReason::NotReached {
            stop: StopReason::Budget,
        } => "budget",
        UnfixedReason::NotReached { .. } => "not reached",
        UnfixedReason::ModelFailed { .. } => "model failed",
        UnfixedReason::OutOfTime { .. } => "out of time",
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
            StopReason::Budget => "the model budget was spent first",
        }
        .to_owned(),
        UnfixedReason::ModelRefused { refusal } => {
            format!("the model's last reply was refused: {refusal}")
        }
        UnfixedReason::ModelFailed { error } => format!("the model's endpoint failed: {error}"),
        UnfixedReason::OutOfTime { after_secs } => format!(
            "the worker's time ran out ({after_secs} s, --worker-timeout) before it was done"
        ),
    }
}

/// Why a fix won over the other alternatives proposed for its error, as people read it.
pub fn why_kept(reason: &KeptReason) -> String {
    match *reason {
        KeptReason::OnlyProposal => "the only fix proposed; it passed the gate".to_owned(),
        KeptReason::OnlyOnePassed { alternatives } => {
            format!("the only one of {alternatives} proposed fixes that passed the gate")
        }
        KeptReason::FewestErrors {
            alternatives,
            passed,
        } => format!(
            "of {passed} fixes that passed (of {alternatives} proposed), it left the fewest errors"
        ),
        KeptReason::SmallestDiff {
            alternatives,
            passed,
        } => format!(
            "of {passed} fixes that passed (of {alternatives} proposed) leaving as few errors, it \
             changed the fewest lines"
        ),
        KeptReason::ProposedFirst {
            alternatives,
            passed,
        } => format!(
            "{passed} of {alternatives} proposed fixes passed, alike in errors left and size; it \
             was proposed first"
        ),
        KeptReason::ModelEdit => {
            "a model's edit; it compiled and the tests of what it touched passed".to_owned()
        }
        KeptReason::TestedTogether { together } => format!(
            "a made-up value no test could decide alone; with the {together} other fixes around \
             it nothing was left broken, and the tests passed"
        ),
        KeptReason::Decided {
            sites,
            tried,
            answers,
        } => format!(
            "one answer for the same question at {sites} site{}: the {} of {answers} answers \
             tried, the first that passed at all of them together",
            plural(sites),
            ordinal(tried)
        ),
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `12th`, `13th`, `21st`.
pub(super) fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
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
