//! A request to stop a run early: the signal that asked for it, and the token that carries it to
//! every worker and cargo process.

use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tokio_util::sync::CancellationToken;

/// The signal that stopped a run. Each has its own exit code (`exit_code::for_signal`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum StopSignal {
    /// Ctrl-C.
    #[serde(rename = "SIGINT")]
    Interrupt,
    /// What CI runners, `timeout` and service managers send.
    #[serde(rename = "SIGTERM")]
    Terminate,
    /// The terminal went away.
    #[serde(rename = "SIGHUP")]
    Hangup,
}

/// A run's stop request, shared by clones. Only `request` cancels the token, and it records the
/// signal first, so whoever sees the token cancelled can always learn why.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    token: CancellationToken,
    signal: Arc<OnceLock<StopSignal>>,
}

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks the run to stop because of `signal`. The first request wins: a second signal during
    /// the clean-up does not change the exit code.
    pub fn request(&self, signal: StopSignal) {
        let _ = self.signal.set(signal);
        self.token.cancel();
    }

    /// The signal that asked the run to stop, if one did.
    pub fn requested(&self) -> Option<StopSignal> {
        self.signal.get().copied()
    }

    /// A token cancelled by `request`. It is a child token: cancelling it stops nothing else, so
    /// that the run cannot be stopped without a recorded reason.
    pub fn token(&self) -> CancellationToken {
        self.token.child_token()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_signal_is_the_reason_and_cancels_every_token() {
        let stop = Stop::new();
        let token = stop.token();
        assert_eq!(stop.requested(), None);
        assert!(!token.is_cancelled());
        stop.request(StopSignal::Terminate);
        stop.request(StopSignal::Interrupt);
        assert_eq!(stop.requested(), Some(StopSignal::Terminate));
        assert!(token.is_cancelled());
        assert!(stop.token().is_cancelled());
    }

    #[test]
    fn cancelling_a_handed_out_token_does_not_stop_the_run() {
        let stop = Stop::new();
        stop.token().cancel();
        assert_eq!(stop.requested(), None);
        assert!(!stop.token().is_cancelled());
    }
}
