//! cargo-fix-swarm: repairs Rust compile errors with gated specialists in isolated git worktrees.

pub mod diagnostic;
pub mod edit;
pub mod parse;
pub mod patch;
pub mod phase;
pub mod candidate;
pub mod plan;
pub mod verdict;
pub mod event;
pub mod specialist;
pub mod summary;
pub mod cargo;
pub mod config;
pub mod git;
pub mod gate;
pub mod pool;
pub mod worker;
pub mod apply;
pub mod engine;
pub mod exit_code;
pub mod report;
pub mod bench;
pub mod cli;
pub mod run;
