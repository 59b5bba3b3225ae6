//! Workers: one per scope, running the round's strategies in order, each on what the ones before
//! left, and reporting what passed the gate.

mod context;
mod driver;
mod embedded;
mod llm;
mod round;
mod search;
mod strategy;

pub use context::{Budget, StrategyReport, WorkerContext};
pub use embedded::Embedded;
pub use llm::{Llm, MODEL_SPECIALIST};
pub use round::Round;
pub use search::{Attempt, AttemptId, Findings, Kept, Search, Stage};
pub use strategy::{Strategy, run_worker};
