//! Progress for people: on a terminal, one line per active worker under an overall bar; elsewhere,
//! plain lines. The summary (and a dry run's diff) goes to stdout, progress to stderr.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Reporter;
use crate::config::Verbosity;
use crate::event::{Event, WorkerFailure, WorkerReport, WorkerStatus};
use crate::summary::why_unfixed;
use crate::verdict::Verdict;

#[derive(Debug)]
pub struct HumanReporter {
    verbosity: Verbosity,
    live: Option<Live>,
}

/// The terminal's live display.
#[derive(Debug)]
struct Live {
    multi: MultiProgress,
    overall: ProgressBar,
    workers: BTreeMap<String, ProgressBar>,
    /// Each scope of the round through its lifecycle, from pending to its final status.
    states: BTreeMap<String, WorkerStatus>,
    round: usize,
}

impl Live {
    fn set_state(&mut self, scope: &str, state: WorkerStatus) {
        self.states.insert(scope.to_owned(), state);
        let count = |wanted| self.states.values().filter(|s| **s == wanted).count();
        self.overall.set_message(format!(
            "round {}: {} running, {} pending",
            self.round,
            count(WorkerStatus::Running),
            count(WorkerStatus::Pending)
        ));
    }
}

impl HumanReporter {
    /// Takes the progress bars off the terminal.
    fn clear_live(&mut self) {
        if let Some(live) = self.live.take() {
            live.overall.finish_and_clear();
            let _ = live.multi.clear();
        }
    }

    pub fn new(verbosity: Verbosity, color: bool) -> HumanReporter {
        let live = (verbosity != Verbosity::Quiet && std::io::stderr().is_terminal()).then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let template = if color {
                "{prefix:>12.cyan.bold} [{bar:30.cyan/blue}] {pos}/{len} scopes {msg}"
            } else {
                "{prefix:>12} [{bar:30}] {pos}/{len} scopes {msg}"
            };
            let overall = multi.add(ProgressBar::new(0));
            overall.set_style(
                ProgressStyle::with_template(template)
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            overall.set_prefix("Fixing");
            Live {
                multi,
                overall,
                workers: BTreeMap::new(),
                states: BTreeMap::new(),
                round: 0,
            }
        });
        HumanReporter { verbosity, live }
    }

    /// A line of progress: above the bars on a terminal, else on stderr.
    fn line(&self, text: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        match &self.live {
            Some(live) => {
                let _ = live.multi.println(text);
            }
            None => {
                let _ = writeln!(std::io::stderr(), "{text}");
            }
        }
    }

    fn finish_worker(&mut self, report: &WorkerReport) {
        if let Some(live) = &mut self.live {
            if let Some(bar) = live.workers.remove(&report.scope) {
                bar.finish_and_clear();
                live.multi.remove(&bar);
            }
            live.overall.inc(1);
            live.set_state(&report.scope, report.status);
        }
        self.line(&format!(
            "{:>12} {}: {} ({} gate run{}, {:.1}s)",
            format!("{:?}", report.status).to_lowercase(),
            report.scope,
            outcome(report),
            report.gate_runs,
            if report.gate_runs == 1 { "" } else { "s" },
            report.duration_ms as f64 / 1000.0
        ));
    }
}

/// What became of a worker, in words.
fn outcome(report: &WorkerReport) -> String {
    match report.status {
        WorkerStatus::Completed => match (report.fixed.len(), report.diagnostics) {
            (0, total) => format!("fixed none of {total}"),
            (done, total) if done == total => format!("fixed all {total}"),
            (done, total) => format!("fixed {done} of {total}"),
        },
        WorkerStatus::Failed => match &report.failure {
            Some(WorkerFailure::Error { message }) => message.clone(),
            Some(WorkerFailure::Panicked) => "the worker panicked".to_owned(),
            _ => "failed".to_owned(),
        },
        WorkerStatus::TimedOut => match &report.failure {
            Some(WorkerFailure::TimedOut { after_secs }) => {
                format!("timed out after {after_secs}s")
            }
            _ => "timed out".to_owned(),
        },
        WorkerStatus::Stopped => "stopped".to_owned(),
        WorkerStatus::Pending | WorkerStatus::Running => "unfinished".to_owned(),
    }
}

impl Reporter for HumanReporter {
    fn report(&mut self, event: &Event) {
        match event {
            Event::RunStarted {
                workspace, jobs, ..
            } => {
                self.line(&format!(
                    "{:>12} {} ({jobs} worker{})",
                    "Repairing",
                    workspace.display(),
                    if *jobs == 1 { "" } else { "s" }
                ));
            }
            Event::Swept { runs, left } => {
                if !runs.is_empty() {
                    self.line(&format!(
                        "{:>12} the leftovers of {} run{} that did not end cleanly: {}",
                        "Swept",
                        runs.len(),
                        if runs.len() == 1 { "" } else { "s" },
                        runs.iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                for leftover in left {
                    self.line(&format!(
                        "{:>12} could not remove {}: {}",
                        "Warning",
                        leftover.what.display(),
                        leftover.error
                    ));
                }
            }
            Event::Checked {
                errors, problems, ..
            } => {
                self.line(&format!(
                    "{:>12} {errors} error{}",
                    "Checked",
                    if *errors == 1 { "" } else { "s" }
                ));
                for problem in problems {
                    self.line(&format!(
                        "{:>12} line {}: {}",
                        "Unreadable", problem.line, problem.message
                    ));
                }
            }
            Event::RoundStarted {
                round,
                errors,
                scopes,
            } => {
                self.line(&format!(
                    "{:>12} {round}: {errors} error{} in {} scope{}: {}",
                    "Round",
                    if *errors == 1 { "" } else { "s" },
                    scopes.len(),
                    if scopes.len() == 1 { "" } else { "s" },
                    scopes
                        .iter()
                        .map(|s| format!("{} ({})", s.id, s.diagnostics))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                if let Some(live) = &mut self.live {
                    live.overall.set_length(scopes.len() as u64);
                    live.overall.set_position(0);
                    live.round = *round;
                    live.states.clear();
                    for scope in scopes {
                        live.set_state(&scope.id, WorkerStatus::Pending);
                    }
                }
            }
            Event::WorkerStarted {
                scope, diagnostics, ..
            } => {
                if let Some(live) = &mut self.live {
                    let bar = live.multi.add(ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {prefix:>10} {msg}")
                            .expect("valid template"),
                    );
                    bar.set_prefix(scope.clone());
                    bar.set_message(format!(
                        "{diagnostics} error{}",
                        if *diagnostics == 1 { "" } else { "s" }
                    ));
                    bar.enable_steady_tick(Duration::from_millis(120));
                    live.workers.insert(scope.clone(), bar);
                    live.set_state(scope, WorkerStatus::Running);
                }
            }
            Event::WorkerProgress { scope, message, .. } => {
                if let Some(bar) = self.live.as_ref().and_then(|live| live.workers.get(scope)) {
                    bar.set_message(message.clone());
                }
                if self.verbosity == Verbosity::Verbose {
                    self.line(&format!("{:>12} {scope}: {message}", ""));
                }
            }
            Event::GateFinished {
                scope,
                candidate,
                verdict,
                duration_ms,
                ..
            } => {
                let outcome = match verdict {
                    Verdict::Accepted {
                        remaining_errors, ..
                    } => format!("passed, {remaining_errors} errors left"),
                    Verdict::Rejected(reason) => format!("rejected: {reason}"),
                };
                if let Some(bar) = self.live.as_ref().and_then(|live| live.workers.get(scope)) {
                    bar.set_message(format!(
                        "gate: {candidate}: {}",
                        outcome.chars().take(60).collect::<String>()
                    ));
                }
                if self.verbosity == Verbosity::Verbose {
                    self.line(&format!(
                        "{:>12} {scope}: `{candidate}` {outcome} ({duration_ms} ms)",
                        "Gate"
                    ));
                }
            }
            Event::WorkerBlocked { scope, reason, .. } => {
                if self.verbosity == Verbosity::Verbose {
                    let why = why_unfixed(reason);
                    self.line(&format!("{:>12} {scope}: {why}", "Blocked"));
                }
            }
            Event::WorkerCompleted { report, .. } | Event::WorkerFailed { report, .. } => {
                self.finish_worker(report);
            }
            Event::Merged {
                merged,
                deferred,
                superseded,
                backed_out,
                errors,
                ..
            } => {
                let mut text = format!(
                    "{:>12} {} scope{}",
                    "Merged",
                    merged.len(),
                    if merged.len() == 1 { "" } else { "s" }
                );
                if !deferred.is_empty() {
                    text.push_str(&format!(", deferred (conflict): {}", deferred.join(", ")));
                }
                if !superseded.is_empty() {
                    text.push_str(&format!(", superseded: {}", superseded.join(", ")));
                }
                if !backed_out.is_empty() {
                    text.push_str(&format!(", backed out: {}", backed_out.join(", ")));
                }
                text.push_str(&format!(
                    "; {errors} error{} left",
                    if *errors == 1 { "" } else { "s" }
                ));
                self.line(&text);
            }
            Event::Diff { patch } => {
                let _ = write!(std::io::stdout(), "{patch}");
            }
            Event::Applied { written, skipped } => {
                let mut text = format!(
                    "{:>12} {} file{}",
                    "Wrote",
                    written.len(),
                    if written.len() == 1 { "" } else { "s" }
                );
                if !skipped.is_empty() {
                    text.push_str(&format!(
                        "; {} not written (see the summary)",
                        skipped.len()
                    ));
                }
                self.line(&text);
            }
            Event::RunFinished { summary } => {
                self.clear_live();
                let _ = write!(std::io::stdout(), "{}", summary.render());
            }
            // The error itself is printed once, by `run.rs`, on stderr like every error.
            Event::RunFailed { .. } => self.clear_live(),
            Event::Snapshot { .. } | Event::WorktreesReady { .. } | Event::RoundFinished { .. } => {
            }
        }
    }
}
