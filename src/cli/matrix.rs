//! The CI matrix's subcommands as the user typed them: `plan`, `work` and `merge`, each with the
//! flags of the one-machine run besides its own.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::Args;

use super::FixArgs;

/// `cargo fix-swarm plan`: check, plan the scopes, write the plan and a suggested matrix.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Where to write the plan (keep it out of the checkout, or under target/: a new file in the
    /// checkout changes the sources the plan is for)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Bin the scopes into at most this many jobs of about equal work
    #[arg(long, value_name = "N", default_value = "4")]
    pub max_jobs: NonZeroUsize,
    /// Print the matrix on stdout as JSON, for GitHub Actions' `fromJSON(...)`
    #[arg(long)]
    pub matrix_json: bool,
    #[command(flatten)]
    pub fix: FixArgs,
}

/// `cargo fix-swarm work`: work some scopes of a plan, as one job of the matrix.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["scopes", "job"])))]
pub struct WorkArgs {
    /// The plan, as `plan --out` wrote it
    #[arg(long, value_name = "PATH")]
    pub plan: PathBuf,
    /// A scope of the plan to work (repeat for several)
    #[arg(long = "scope", value_name = "ID")]
    pub scopes: Vec<String>,
    /// The scopes of this job (1-based) of the plan's matrix; a job beyond it works none
    #[arg(long, value_name = "N")]
    pub job: Option<usize>,
    /// Where to write the result (reports and patches) for the merge job
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    #[command(flatten)]
    pub fix: FixArgs,
}

/// `cargo fix-swarm merge`: merge the work jobs' results, go on with local rounds, deliver.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The plan the results were worked from
    #[arg(long, value_name = "PATH")]
    pub plan: PathBuf,
    /// The work jobs' results, in any order
    #[arg(value_name = "RESULT")]
    pub results: Vec<PathBuf>,
    #[command(flatten)]
    pub fix: FixArgs,
}
