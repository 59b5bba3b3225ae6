//! When to try a request again, and after how long: exponential backoff with jitter, or the
//! server's `Retry-After`, both capped. Pure: the jitter is a number passed in.

use std::time::Duration;

/// How a failed attempt is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt, doubled before each one after.
    pub base: Duration,
    /// The longest wait, whatever the server asks for: a `Retry-After` of an hour must not hold
    /// the run for an hour.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based), or `None` when no attempt is left.
    /// `jitter` in `[0, 1)` spreads the backoff of concurrent workers (up to half of it again);
    /// a server's `retry_after` is honoured as it says, up to the cap.
    pub fn wait(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let wait = match retry_after {
            Some(asked) => asked,
            None => {
                let backoff = self
                    .base
                    .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
                backoff.saturating_add(backoff.mul_f64(jitter.clamp(0.0, 1.0) / 2.0))
            }
        };
        Some(wait.min(self.cap))
    }
}

/// A number in `[0, 1)` that differs between calls: std's random hasher keys, without a
/// dependency for it.
pub fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u8(0);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_after_the_last_attempt() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.wait(1, None, 0.0), Some(Duration::from_millis(500)));
        assert_eq!(policy.wait(2, None, 0.0), Some(Duration::from_millis(1000)));
        assert_eq!(policy.wait(3, None, 0.5), Some(Duration::from_millis(2500)));
        assert_eq!(policy.wait(4, None, 0.0), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let asked = Some(Duration::from_secs(2));
        assert_eq!(policy.wait(1, asked, 0.9), Some(Duration::from_secs(2)));
        let hour = Some(Duration::from_secs(3600));
        assert_eq!(policy.wait(1, hour, 0.0), Some(Duration::from_secs(60)));
        let long = RetryPolicy {
            max_attempts: 30,
            ..policy
        };
        assert_eq!(long.wait(20, None, 0.0), Some(Duration::from_secs(60)));
    }

    #[test]
    fn jitter_lies_in_the_unit_interval() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
