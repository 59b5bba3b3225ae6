//! A run's id, `<pid>-<unix seconds>`: it names the run's worktrees, work directory, scratch
//! repository, lock file and record, so that a later run can tell whose they are.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunId {
    pub pid: u32,
    /// Seconds since the Unix epoch when the run began.
    pub started: u64,
}

impl RunId {
    /// The id of a run beginning now in this process.
    pub fn of_this_process() -> RunId {
        RunId {
            pid: std::process::id(),
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_secs()),
        }
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.pid, self.started)
    }
}

/// Not a run id: a name that is not `<digits>-<digits>`.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a run id: {0}")]
pub struct NotARunId(String);

impl FromStr for RunId {
    type Err = NotARunId;

    /// Strict: digits only, so that a directory someone else made is never taken for a run's.
    fn from_str(text: &str) -> Result<RunId, NotARunId> {
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let parsed = text
            .split_once('-')
            .filter(|(pid, started)| digits(pid) && digits(started))
            .and_then(|(pid, started)| Some((pid.parse().ok()?, started.parse().ok()?)));
        match parsed {
            Some((pid, started)) => Ok(RunId { pid, started }),
            None => Err(NotARunId(text.to_owned())),
        }
    }
}

impl Serialize for RunId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_id_reads_back_what_it_writes() {
        let run = RunId {
            pid: 4242,
            started: 1_796_004_148,
        };
        assert_eq!(run.to_string(), "4242-1796004148");
        assert_eq!("4242-1796004148".parse(), Ok(run));
    }

    #[test]
    fn only_digits_dash_digits_is_a_run_id() {
        for text in [
            "",
            "4242",
            "4242-",
            "-17",
            "+4242-17",
            "4242-17-0",
            "gate-test",
            "99999999999-1",
        ] {
            assert!(text.parse::<RunId>().is_err(), "{text}");
        }
    }
}
