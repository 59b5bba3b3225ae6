//! Progress for people: on a terminal, one line per active worker under an overall bar; elsewhere
//! (a pipeline's log, a file), plain lines stamped with the run's time. The summary (and a dry
//! run's diff) goes to stdout, progress to stderr.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Reporter;
use super::progress::{CheckProgress, RoundProgress, eta_words};
use crate::config::Verbosity;
use crate::event::{
    Event, Progress, ScopeOutline, Stamped, WorkerFailure, WorkerReport, WorkerStatus,
};
use crate::parse::ParseProblem;
use crate::run_id::RunId;
use crate::summary::why_unfixed;
use crate::sweep::Leftover;
use crate::verdict::Verdict;

#[derive(Debug)]
pub struct HumanReporter {
    verbosity: Verbosity,
    live: Option<Live>,
    /// When each running worker started, in the run's milliseconds.
    began: BTreeMap<String, u64>,
    /// The run's time of the event being reported, which stamps plain lines.
    now: u64,
}

/// The terminal's live display.
#[derive(Debug)]
struct Live {
    multi: MultiProgress,
    overall: ProgressBar,
    /// Whether the overall bar's templates may color.
    color: bool,
    workers: BTreeMap<String, ProgressBar>,
    /// Each scope of the round through its lifecycle, from pending to its final status.
    states: BTreeMap<String, WorkerStatus>,
    round: usize,
    /// The round's scopes weighted by their errors, and its gate runs, for the bar and the ETA.
    progress: RoundProgress,
}

impl Live {
    fn set_state(&mut self, scope: &str, state: WorkerStatus, now: u64) {
        self.states.insert(scope.to_owned(), state);
        self.refresh(now);
    }

    /// The overall bar as the round's progress says, at the run's time `now`.
    fn refresh(&self, now: u64) {
        let count = |wanted| self.states.values().filter(|s| **s == wanted).count();
        let (finished, scopes) = self.progress.scopes();
        self.overall.set_length(self.progress.total() as u64);
        self.overall.set_position(self.progress.done() as u64);
        let eta = self
            .progress
            .eta_ms(now)
            .map(|ms| format!(", about {} left in the round", eta_words(ms)))
            .unwrap_or_default();
        self.overall.set_message(format!(
            "round {}: {finished}/{scopes} scopes ({} of {} errors), {} running, {} pending{eta}",
            self.round,
            self.progress.done(),
            self.progress.total(),
            count(WorkerStatus::Running),
            count(WorkerStatus::Pending)
        ));
    }

    /// The overall bar as a bar (`total` known, and how much of it is `done`) or a spinner, with
    /// `prefix`. Length and position also before the style: drawn in the new style with the old
    /// ones, a bar would flash full.
    fn restyle(&self, prefix: &str, total: Option<usize>, done: usize) {
        if let Some(total) = total {
            self.overall.set_length(total as u64);
            self.overall.set_position(done as u64);
        }
        let template = match (total.is_some(), self.color) {
            (true, true) => "{prefix:>12.cyan.bold} [{bar:30.cyan/blue}] {msg}",
            (true, false) => "{prefix:>12} [{bar:30}] {msg}",
            (false, true) => "{prefix:>12.cyan.bold} {spinner} {msg}",
            (false, false) => "{prefix:>12} {spinner} {msg}",
        };
        self.overall.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        self.overall.set_prefix(prefix.to_owned());
        if let Some(total) = total {
            self.overall.set_length(total as u64);
            self.overall.set_position(done as u64);
        }
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

    /// `live`: whether stderr is a terminal to redraw bars on (`Terminal::live`); `color` is
    /// used only there.
    pub fn new(verbosity: Verbosity, color: bool, live: bool) -> HumanReporter {
        let live = (verbosity != Verbosity::Quiet && live).then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            // Of length 1 rather than 0, which a bar draws full.
            let overall = multi.add(ProgressBar::new(1));
            let live = Live {
                multi,
                overall,
                color,
                workers: BTreeMap::new(),
                states: BTreeMap::new(),
                round: 0,
                progress: RoundProgress::new(0, &[]),
            };
            // A spinner from the first second: the set-up and the first check come before any
            // number is known.
            live.restyle("Preparing", None, 0);
            live.overall.set_message("snapshot, worktrees, first check");
            live.overall.enable_steady_tick(Duration::from_millis(120));
            live
        });
        HumanReporter {
            verbosity,
            live,
            began: BTreeMap::new(),
            now: 0,
        }
    }

    /// A line of progress: above the bars on a terminal, else on stderr stamped with the run's
    /// time (a pipeline's log shows when each step happened, and how long the run sat in one).
    fn line(&self, text: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        match &self.live {
            Some(live) => {
                let _ = live.multi.println(text);
            }
            None => {
                let _ = writeln!(std::io::stderr(), "{}", stamped_line(self.now, text));
            }
        }
    }

    fn swept(&self, runs: &[RunId], left: &[Leftover]) {
        if !runs.is_empty() {
            let names: Vec<String> = runs.iter().map(ToString::to_string).collect();
            self.line(&format!(
                "{:>12} the leftovers of {} run{} that did not end cleanly: {}",
                "Swept",
                runs.len(),
                plural(runs.len()),
                names.join(", ")
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

    fn checked(&self, errors: usize, problems: &[ParseProblem]) {
        if let Some(live) = &self.live {
            live.restyle("Planning", None, 0);
            live.overall
                .set_message("the worktrees and the first round");
        }
        self.line(&format!(
            "{:>12} {errors} error{}",
            "Checked",
            plural(errors)
        ));
        for problem in problems {
            self.line(&format!(
                "{:>12} line {}: {}",
                "Unreadable", problem.line, problem.message
            ));
        }
    }

    /// The first check's progress on the overall bar: units against the estimate, else a count.
    fn compiling(&self, progress: CheckProgress, unit: &str) {
        let Some(live) = &self.live else { return };
        let total = progress.total();
        live.restyle("Checking", total, progress.compiled);
        let count = match total {
            Some(total) => format!("{}/~{total} units", progress.compiled),
            None => format!("{} units", progress.compiled),
        };
        live.overall.set_message(format!("{count} ({unit})"));
    }

    fn round_started(&mut self, round: usize, errors: usize, scopes: &[ScopeOutline]) {
        let outline: Vec<String> = scopes
            .iter()
            .map(|s| format!("{} ({})", s.id, s.diagnostics))
            .collect();
        self.line(&format!(
            "{:>12} {round}: {errors} error{} in {} scope{}: {}",
            "Round",
            plural(errors),
            scopes.len(),
            plural(scopes.len()),
            outline.join(", ")
        ));
        let now = self.now;
        if let Some(live) = &mut self.live {
            live.round = round;
            live.progress = RoundProgress::new(now, scopes);
            live.restyle("Fixing", Some(live.progress.total()), 0);
            live.states.clear();
            for scope in scopes {
                live.set_state(&scope.id, WorkerStatus::Pending, now);
            }
        }
    }

    fn worker_started(&mut self, scope: &str, diagnostics: usize, at: u64) {
        self.began.insert(scope.to_owned(), at);
        if let Some(live) = &mut self.live {
            let bar = live.multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:>10} {msg}")
                    .expect("valid template"),
            );
            bar.set_prefix(scope.to_owned());
            bar.set_message(format!("{diagnostics} error{}", plural(diagnostics)));
            bar.enable_steady_tick(Duration::from_millis(120));
            live.workers.insert(scope.to_owned(), bar);
            live.set_state(scope, WorkerStatus::Running, at);
        }
    }

    /// What a worker is doing: on its bar, and with `-v` as a line stamped with the run's time.
    fn worker_says(&self, scope: &str, what: &str, at: u64) {
        if let Some(bar) = self.live.as_ref().and_then(|live| live.workers.get(scope)) {
            bar.set_message(what.chars().take(70).collect::<String>());
        }
        if self.verbosity == Verbosity::Verbose {
            self.line(&format!("{:>12} {scope}: {what} [{}]", "", seconds(at)));
        }
    }

    fn gate_finished(&mut self, scope: &str, candidate: &str, verdict: &Verdict, at: u64) {
        if let Some(live) = &mut self.live {
            live.progress.gate_finished();
            live.refresh(at);
        }
        self.worker_says(
            scope,
            &format!("gate: `{candidate}` {}", verdict_words(verdict)),
            at,
        );
    }

    fn finish_worker(&mut self, report: &WorkerReport, at: u64) {
        if let Some(live) = &mut self.live {
            if let Some(bar) = live.workers.remove(&report.scope) {
                bar.finish_and_clear();
                live.multi.remove(&bar);
            }
            live.progress
                .scope_finished(&report.scope, report.gate_runs);
            live.set_state(&report.scope, report.status, at);
        }
        // A worker that never started (stopped while it waited for its turn) took no time.
        let took = self
            .began
            .remove(&report.scope)
            .map(|began| format!(", {}", seconds(at.saturating_sub(began))))
            .unwrap_or_default();
        let tokens = report
            .tokens
            .map(|usage| format!(", {} model tokens", usage.total()))
            .unwrap_or_default();
        self.line(&format!(
            "{:>12} {}: {} ({} gate run{}{tokens}{took})",
            format!("{:?}", report.status).to_lowercase(),
            report.scope,
            outcome(report),
            report.gate_runs,
            plural(report.gate_runs),
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
    fn report(&mut self, stamped: &Stamped) {
        let at = stamped.elapsed_ms;
        self.now = at;
        match &stamped.event {
            Event::RunStarted {
                workspace, jobs, ..
            } => self.line(&format!(
                "{:>12} {} ({jobs} worker{})",
                "Repairing",
                workspace.display(),
                plural(*jobs)
            )),
            Event::Swept { runs, left } => self.swept(runs, left),
            Event::Compiling {
                compiled,
                estimate,
                unit,
            } => self.compiling(
                CheckProgress {
                    compiled: *compiled,
                    estimate: *estimate,
                },
                unit,
            ),
            Event::Checked {
                errors, problems, ..
            } => self.checked(*errors, problems),
            Event::RoundStarted {
                round,
                errors,
                scopes,
            } => self.round_started(*round, *errors, scopes),
            Event::WorkerStarted {
                scope, diagnostics, ..
            } => self.worker_started(scope, *diagnostics, at),
            Event::WorkerProgress {
                scope, progress, ..
            } => self.worker_says(scope, &progress_words(progress), at),
            Event::GateFinished {
                scope,
                candidate,
                verdict,
                ..
            } => self.gate_finished(scope, candidate, verdict, at),
            Event::WorkerBlocked { scope, reason, .. } => {
                if self.verbosity == Verbosity::Verbose {
                    let why = why_unfixed(reason);
                    self.line(&format!("{:>12} {scope}: {why}", "Blocked"));
                }
            }
            Event::WorkerCompleted { report, .. } | Event::WorkerFailed { report, .. } => {
                self.finish_worker(report, at);
            }
            Event::Merged {
                merged,
                deferred,
                superseded,
                backed_out,
                errors,
                ..
            } => self.line(&merged_words(
                merged, deferred, superseded, backed_out, *errors,
            )),
            Event::Diff { patch } => {
                let _ = write!(std::io::stdout(), "{patch}");
            }
            Event::Applied { written, skipped } => {
                self.line(&applied_words(written.len(), skipped.len()));
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

/// `"s"` when `count` is not one.
fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// A worker's progress, in words.
fn progress_words(progress: &Progress) -> String {
    match progress {
        Progress::Proposed {
            candidates,
            addressed,
            diagnostics,
        } => format!(
            "{candidates} candidate fix{} for {addressed} of {diagnostics} errors",
            if *candidates == 1 { "" } else { "es" }
        ),
    }
}

/// What a gate run decided, in words.
fn verdict_words(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Accepted {
            remaining_errors, ..
        } => format!("passed, {remaining_errors} errors left"),
        Verdict::Rejected(reason) => format!("rejected: {reason}"),
    }
}

fn merged_words(
    merged: &[String],
    deferred: &[String],
    superseded: &[String],
    backed_out: &[String],
    errors: usize,
) -> String {
    let mut text = format!(
        "{:>12} {} scope{}",
        "Merged",
        merged.len(),
        plural(merged.len())
    );
    for (what, scopes) in [
        ("deferred (conflict)", deferred),
        ("superseded", superseded),
        ("backed out", backed_out),
    ] {
        if !scopes.is_empty() {
            text.push_str(&format!(", {what}: {}", scopes.join(", ")));
        }
    }
    text.push_str(&format!("; {errors} error{} left", plural(errors)));
    text
}

fn applied_words(written: usize, skipped: usize) -> String {
    let mut text = format!("{:>12} {written} file{}", "Wrote", plural(written));
    if skipped > 0 {
        text.push_str(&format!("; {skipped} not written (see the summary)"));
    }
    text
}

/// A plain line with the run's time before it: `[   12.3s]    Checked 3 errors`.
fn stamped_line(at_ms: u64, text: &str) -> String {
    format!("[{:>8}] {text}", seconds(at_ms))
}

/// Seconds with one decimal, from milliseconds.
fn seconds(ms: u64) -> String {
    format!("{:.1}s", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests;
