//! The budget owner of a run's model requests: what was spent (requests, tokens, the cost they
//! come to at the given prices) and whether another request may start. Every worker asks it
//! before each request and tells it each reply's `usage`; once a limit is reached it stays
//! reached, so no new request starts and in-flight ones finish.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::chat::Usage;

/// Prices in USD per million tokens.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Prices {
    pub input_per_million: f64,
    pub output_per_million: f64,
}

impl Prices {
    pub fn cost(&self, input: u64, output: u64) -> f64 {
        (input as f64 * self.input_per_million + output as f64 * self.output_per_million) / 1e6
    }
}

/// The limits a run's model requests keep to; `None`: no limit of that kind.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Limits {
    pub max_tokens: Option<u64>,
    pub max_cost_usd: Option<f64>,
    pub max_wall_time: Option<Duration>,
    pub prices: Option<Prices>,
}

/// Which limit was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Spent {
    Tokens,
    Cost,
    WallTime,
}

/// What the run's requests spent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Spending {
    pub requests: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// At the given prices; `None` without prices.
    pub cost_usd: Option<f64>,
}

#[derive(Debug)]
pub struct BudgetOwner {
    limits: Limits,
    started: Instant,
    spent: Mutex<Spending>,
    reached: OnceLock<Spent>,
}

impl BudgetOwner {
    pub fn new(limits: Limits, started: Instant) -> BudgetOwner {
        BudgetOwner {
            limits,
            started,
            spent: Mutex::new(Spending::default()),
            reached: OnceLock::new(),
        }
    }

    /// Whether a new request may start now; the limit reached otherwise.
    pub fn admit(&self) -> Result<(), Spent> {
        if let Some(reached) = self.reached.get() {
            return Err(*reached);
        }
        let spending = self.spending();
        let over = if self
            .limits
            .max_wall_time
            .is_some_and(|limit| self.started.elapsed() >= limit)
        {
            Some(Spent::WallTime)
        } else if self
            .limits
            .max_tokens
            .is_some_and(|limit| spending.prompt_tokens + spending.completion_tokens >= limit)
        {
            Some(Spent::Tokens)
        } else if let (Some(limit), Some(cost)) = (self.limits.max_cost_usd, spending.cost_usd) {
            (cost >= limit).then_some(Spent::Cost)
        } else {
            None
        };
        match over {
            Some(spent) => Err(*self.reached.get_or_init(|| spent)),
            None => Ok(()),
        }
    }

    /// Counts one request and what its reply cost.
    pub fn charge(&self, usage: Usage) {
        let mut spent = self.spent.lock().unwrap_or_else(PoisonError::into_inner);
        spent.requests += 1;
        spent.prompt_tokens += usage.prompt_tokens;
        spent.completion_tokens += usage.completion_tokens;
        spent.cost_usd = self
            .limits
            .prices
            .map(|prices| prices.cost(spent.prompt_tokens, spent.completion_tokens));
    }

    pub fn spending(&self) -> Spending {
        *self.spent.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The limit reached, once one was.
    pub fn reached(&self) -> Option<Spent> {
        self.reached.get().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(prompt: u64, completion: u64) -> Usage {
        Usage {
            prompt_tokens: prompt,
            completion_tokens: completion,
        }
    }

    #[test]
    fn a_token_limit_stops_new_requests_once_reached_and_for_good() {
        let limits = Limits {
            max_tokens: Some(1_000),
            ..Limits::default()
        };
        let owner = BudgetOwner::new(limits, Instant::now());
        assert_eq!(owner.admit(), Ok(()));
        owner.charge(usage(600, 300));
        assert_eq!(owner.admit(), Ok(()));
        owner.charge(usage(90, 10));
        assert_eq!(owner.admit(), Err(Spent::Tokens));
        assert_eq!(owner.reached(), Some(Spent::Tokens));
        assert_eq!(owner.spending().requests, 2);
    }

    #[test]
    fn cost_follows_the_prices_and_a_cost_limit_applies() {
        let prices = Prices {
            input_per_million: 2.0,
            output_per_million: 8.0,
        };
        let limits = Limits {
            max_cost_usd: Some(0.01),
            prices: Some(prices),
            ..Limits::default()
        };
        let owner = BudgetOwner::new(limits, Instant::now());
        owner.charge(usage(1_000, 500));
        assert_eq!(owner.spending().cost_usd, Some(0.006));
        assert_eq!(owner.admit(), Ok(()));
        owner.charge(usage(1_000, 500));
        assert_eq!(owner.admit(), Err(Spent::Cost));
    }

    #[test]
    fn the_wall_time_counts_from_the_runs_start() {
        let limits = Limits {
            max_wall_time: Some(Duration::from_secs(5)),
            ..Limits::default()
        };
        let long_ago = Instant::now() - Duration::from_secs(6);
        assert_eq!(
            BudgetOwner::new(limits, long_ago).admit(),
            Err(Spent::WallTime)
        );
        assert_eq!(BudgetOwner::new(limits, Instant::now()).admit(), Ok(()));
    }
}
