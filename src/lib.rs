//! cargo-fix-swarm: repairs Rust compile errors with gated specialists in isolated git worktrees.

pub mod apply;
pub mod bench;
pub mod candidate;
pub mod cargo;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod engine;
pub mod event;
pub mod exit_code;
pub mod gate;
pub mod git;
pub mod index;
pub mod layout;
pub mod parse;
pub mod patch;
pub mod phase;
pub mod plan;
pub mod pool;
pub mod report;
pub mod run;
pub mod specialist;
pub mod summary;
pub mod verdict;
pub mod worker;
