//! The numbers behind the progress display, pure: how far the first check is, how far a round
//! is (scopes weighted by their error count), and when it may end, from the gate runs measured
//! so far. `human.rs` draws them.

use std::collections::BTreeMap;

use crate::event::ScopeOutline;

/// The first check: units cargo finished, against the estimate when there is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckProgress {
    pub compiled: usize,
    pub estimate: Option<usize>,
}

impl CheckProgress {
    /// The total to show: the estimate, raised to what was compiled when it fell short (it is
    /// an estimate), so that the bar never runs past its end.
    pub fn total(&self) -> Option<usize> {
        self.estimate.map(|estimate| estimate.max(self.compiled))
    }
}

/// A round: each scope's weight (its errors), which have finished and how many gate runs they
/// took, and every gate run finished so far, in the run's milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundProgress {
    started_ms: u64,
    weights: BTreeMap<String, usize>,
    /// Finished scopes and the gate runs each took.
    finished: BTreeMap<String, usize>,
    gate_runs: usize,
}

impl RoundProgress {
    pub fn new(started_ms: u64, scopes: &[ScopeOutline]) -> RoundProgress {
        RoundProgress {
            started_ms,
            // A scope counts for at least one, so that every scope moves the bar.
            weights: scopes
                .iter()
                .map(|scope| (scope.id.clone(), scope.diagnostics.max(1)))
                .collect(),
            finished: BTreeMap::new(),
            gate_runs: 0,
        }
    }

    pub fn gate_finished(&mut self) {
        self.gate_runs += 1;
    }

    pub fn scope_finished(&mut self, scope: &str, gate_runs: usize) {
        if self.weights.contains_key(scope) {
            self.finished.insert(scope.to_owned(), gate_runs);
        }
    }

    /// The errors of every scope of the round.
    pub fn total(&self) -> usize {
        self.weights.values().sum()
    }

    /// The errors of the scopes finished.
    pub fn done(&self) -> usize {
        self.finished
            .keys()
            .filter_map(|scope| self.weights.get(scope))
            .sum()
    }

    pub fn scopes(&self) -> (usize, usize) {
        (self.finished.len(), self.weights.len())
    }

    /// Milliseconds left until every scope of the round has finished (merging aside): the gate
    /// runs the unfinished scopes will likely take (as many per error as the finished scopes
    /// took, less those they took already), at the pace gate runs have finished this round.
    /// `None` until a scope has finished after at least one gate run, or when the finished
    /// scopes say nothing of what the others need (they took no gate run).
    pub fn eta_ms(&self, now_ms: u64) -> Option<u64> {
        let done = self.done();
        let runs_of_finished: usize = self.finished.values().sum();
        let elapsed = now_ms.saturating_sub(self.started_ms);
        if done == 0 || runs_of_finished == 0 || self.gate_runs == 0 || elapsed == 0 {
            return None;
        }
        let left = self.total() - done;
        if left == 0 {
            return Some(0);
        }
        let runs_per_error = runs_of_finished as f64 / done as f64;
        let runs_spent_on_unfinished = self.gate_runs.saturating_sub(runs_of_finished) as f64;
        let runs_left = (runs_per_error * left as f64 - runs_spent_on_unfinished).max(1.0);
        let ms_per_run = elapsed as f64 / self.gate_runs as f64;
        Some((runs_left * ms_per_run).round() as u64)
    }
}

/// `1m05s`, `42s`: a duration as a person reads an estimate.
pub fn eta_words(ms: u64) -> String {
    let seconds = ms.div_ceil(1000);
    match seconds {
        0..60 => format!("{seconds}s"),
        _ => format!("{}m{:02}s", seconds / 60, seconds % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phase::Phase;

    fn scope(id: &str, diagnostics: usize) -> ScopeOutline {
        ScopeOutline {
            id: id.to_owned(),
            phase: Phase::TypesAndTraits,
            diagnostics,
            files: 1,
        }
    }

    #[test]
    fn an_estimate_that_falls_short_is_raised_to_what_was_compiled() {
        let progress = |compiled, estimate| CheckProgress { compiled, estimate }.total();
        assert_eq!(progress(3, Some(10)), Some(10));
        assert_eq!(progress(12, Some(10)), Some(12));
        assert_eq!(progress(12, None), None);
    }

    #[test]
    fn scopes_weigh_as_many_errors_as_they_hold() {
        let mut round = RoundProgress::new(0, &[scope("E0308", 30), scope("E0425", 10)]);
        assert_eq!((round.done(), round.total()), (0, 40));
        round.scope_finished("E0425", 2);
        assert_eq!((round.done(), round.total()), (10, 40));
        assert_eq!(round.scopes(), (1, 2));
        round.scope_finished("unknown", 1);
        assert_eq!(round.done(), 10);
    }

    #[test]
    fn no_eta_before_a_scope_finished_after_a_gate_run() {
        let mut round = RoundProgress::new(1_000, &[scope("a", 2), scope("b", 2)]);
        assert_eq!(round.eta_ms(5_000), None);
        round.gate_finished();
        assert_eq!(round.eta_ms(5_000), None);
        round.scope_finished("a", 0);
        assert_eq!(round.eta_ms(5_000), None, "no gate run of a finished scope");
    }

    #[test]
    fn the_eta_follows_the_pace_of_gate_runs() {
        // 4 gate runs in 8 s: 2 s each. Scope a (2 errors) took 2 runs: 1 per error. Scope b
        // (6 errors) should take 6, of which it took 2 already: 4 left, 8 s.
        let mut round = RoundProgress::new(10_000, &[scope("a", 2), scope("b", 6)]);
        for _ in 0..4 {
            round.gate_finished();
        }
        round.scope_finished("a", 2);
        assert_eq!(round.eta_ms(18_000), Some(8_000));
        // b over its share already: at least one more run.
        for _ in 0..6 {
            round.gate_finished();
        }
        assert_eq!(round.eta_ms(30_000), Some(2_000));
        round.scope_finished("b", 8);
        assert_eq!(round.eta_ms(30_000), Some(0));
    }

    #[test]
    fn etas_read_as_minutes_and_seconds() {
        assert_eq!(eta_words(0), "0s");
        assert_eq!(eta_words(1_200), "2s");
        assert_eq!(eta_words(65_000), "1m05s");
    }
}
