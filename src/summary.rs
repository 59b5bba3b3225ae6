//! The run's final summary: a plain value built by the engine and rendered for people.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::event::SkippedFile;
use crate::stop::StopSignal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// `cargo check` passes on the result.
    Green,
    /// Errors remain; whatever passed the gate was still applied.
    ErrorsRemain,
    /// A signal stopped the run: nothing was applied.
    Interrupted { signal: StopSignal },
}

/// What one scope's worker fixed in one round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    pub reason: String,
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
    pub files_changed: Vec<PathBuf>,
    pub skipped: Vec<SkippedFile>,
    pub dry_run: bool,
    /// Where the run's record (events, plan, reports, final patch) was kept.
    pub record: Option<PathBuf>,
}

impl RunSummary {
    /// The summary as people read it at the end of a run.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let verb = if self.dry_run { "would fix" } else { "fixed" };
        let headline = match (self.outcome, self.errors_before) {
            (Outcome::Green, _) => "the build is green".to_owned(),
            (Outcome::ErrorsRemain, _) => "errors remain".to_owned(),
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
        let counts = match (self.errors_before, self.errors_after) {
            (Some(before), Some(after)) => format!("{before} → {after} errors, "),
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
            let _ = writeln!(
                out,
                "\nnot written, because the file changed during the run:"
            );
            for skipped in &self.skipped {
                let saved = skipped.saved_patch.as_ref().map_or(String::new(), |patch| {
                    format!(" (patch saved to {})", patch.display())
                });
                let _ = writeln!(out, "  {}{saved}", skipped.path.display());
            }
        }
        if !self.unfixed.is_empty() {
            let _ = writeln!(out, "\ncould not fix:");
            for unfixed in &self.unfixed {
                let _ = writeln!(
                    out,
                    "  {} [{}] {}\n      {}",
                    unfixed.position, unfixed.code, unfixed.message, unfixed.reason
                );
            }
        }
        if let Some(record) = &self.record {
            let _ = writeln!(out, "\nrecord: {}", record.display());
        }
        out
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
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_every_fix_and_every_leftover() {
        let summary = RunSummary {
            outcome: Outcome::ErrorsRemain,
            errors_before: Some(5),
            errors_after: Some(1),
            rounds: 2,
            gate_runs: 7,
            duration_ms: 4200,
            fixes: vec![ScopeFix {
                round: 1,
                scope: "E0425".to_owned(),
                fixed: 4,
                how: vec!["a local variable with a similar name exists".to_owned()],
            }],
            unfixed: vec![Unfixed {
                code: "E0063".to_owned(),
                message: "missing field `y` in initializer of `Point`".to_owned(),
                position: "src/lib.rs:9:5".to_owned(),
                reason: "no specialist proposed a fix".to_owned(),
            }],
            files_changed: vec![PathBuf::from("src/lib.rs")],
            skipped: Vec::new(),
            dry_run: false,
            record: None,
        };
        insta::assert_snapshot!(summary.render());
    }

    fn interrupted(errors: Option<usize>, rounds: usize, gate_runs: usize) -> RunSummary {
        RunSummary {
            outcome: Outcome::Interrupted {
                signal: StopSignal::Terminate,
            },
            errors_before: errors,
            errors_after: errors,
            rounds,
            gate_runs,
            duration_ms: 2345,
            fixes: Vec::new(),
            unfixed: Vec::new(),
            files_changed: Vec::new(),
            skipped: Vec::new(),
            dry_run: false,
            record: None,
        }
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
    fn the_json_summary_says_which_signal_and_that_nothing_was_counted() {
        let json = serde_json::to_value(interrupted(None, 0, 0)).unwrap();
        assert_eq!(
            json["outcome"],
            serde_json::json!({"interrupted": {"signal": "SIGTERM"}})
        );
        assert_eq!(json["errors_before"], serde_json::Value::Null);
        assert_eq!(json["errors_after"], serde_json::Value::Null);
    }
}
