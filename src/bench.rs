//! `cargo fix-swarm bench`: repairs every fixture in a fresh repository and judges the result.

use std::path::PathBuf;

use crate::cli::BenchArgs;

pub async fn run_bench(_args: BenchArgs, _cwd: PathBuf) -> i32 {
    crate::exit_code::USAGE_OR_ENVIRONMENT
}
