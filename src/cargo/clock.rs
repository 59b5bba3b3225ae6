//! How long cargo ran during a run, as a share of its wall time tells where the time went: what
//! the compiler took, against what the tool itself did around it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Cargo's time in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoTime {
    /// While at least one cargo process was running.
    pub busy_ms: u64,
    /// The cargo processes' own times, added up: more than `busy_ms` when they overlapped.
    pub processes_ms: u64,
    pub processes: usize,
}

/// Counts cargo's time, shared by every clone of one `Cargo`.
#[derive(Clone, Debug, Default)]
pub struct CargoClock {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    running: usize,
    busy_since: Option<Instant>,
    busy: Duration,
    processes: Duration,
    count: usize,
}

impl CargoClock {
    /// Starts timing one cargo process; the time ends when the returned guard is dropped, which
    /// also covers a process killed because its result was no longer wanted.
    pub fn start(&self) -> Running {
        let now = Instant::now();
        let mut state = self.lock();
        if state.running == 0 {
            state.busy_since = Some(now);
        }
        state.running += 1;
        state.count += 1;
        Running {
            clock: self.clone(),
            started: now,
        }
    }

    /// The time so far; a process still running counts up to now.
    pub fn time(&self) -> CargoTime {
        let now = Instant::now();
        let state = self.lock();
        let open = state.busy_since.map_or(Duration::ZERO, |since| now - since);
        CargoTime {
            busy_ms: millis(state.busy + open),
            processes_ms: millis(state.processes),
            processes: state.count,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is counters only: one a panic interrupted is still worth reading.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One cargo process being timed.
#[derive(Debug)]
pub struct Running {
    clock: CargoClock,
    started: Instant,
}

impl Drop for Running {
    fn drop(&mut self) {
        let now = Instant::now();
        let mut state = self.clock.lock();
        state.processes += now - self.started;
        state.running -= 1;
        if state.running == 0
            && let Some(since) = state.busy_since.take()
        {
            state.busy += now - since;
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_processes_count_once_as_busy_and_twice_as_processes() {
        let clock = CargoClock::default();
        let first = clock.start();
        std::thread::sleep(Duration::from_millis(30));
        let second = clock.start();
        std::thread::sleep(Duration::from_millis(30));
        drop(first);
        drop(second);
        let time = clock.time();
        assert_eq!(time.processes, 2);
        assert!(time.busy_ms >= 60, "{time:?}");
        // The second overlapped the first: processes add up to more than the busy time.
        assert!(time.processes_ms >= time.busy_ms + 25, "{time:?}");
        // Idle time is not cargo's.
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(clock.time().busy_ms, time.busy_ms);
    }
}
