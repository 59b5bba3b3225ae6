//! The delivery flags as the user typed them (`--patch-file`, `--summary-md`, `--commit`,
//! `--branch`, `--force-branch`), and their conversion into a `DeliveryConfig`.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::delivery::{BranchRequest, DeliveryConfig};

/// What the run hands back besides the write to your tree: each is made at its end, from the fix
/// that passed the gate, and none of them touches your checkout.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Delivery Options")]
pub struct DeliveryArgs {
    /// Write the fix as a patch for `git apply` at the repository's root (against your tree as it
    /// was; empty when nothing passed)
    #[arg(long, value_name = "PATH")]
    pub patch_file: Option<PathBuf>,
    /// Write the summary as markdown (for $GITHUB_STEP_SUMMARY or a pull-request comment)
    #[arg(long, value_name = "PATH")]
    pub summary_md: Option<PathBuf>,
    /// Commit the fix on a new branch whose parent is your HEAD; your checkout (HEAD, index,
    /// files, current branch) is left as it is
    #[arg(long)]
    pub commit: bool,
    /// The branch --commit makes [default: fix-swarm/<short commit id>]
    #[arg(long, value_name = "NAME", requires = "commit")]
    pub branch: Option<String>,
    /// Let --commit move a branch of that name that exists already (never the one checked out)
    #[arg(long, requires = "commit")]
    pub force_branch: bool,
}

impl DeliveryArgs {
    /// The deliveries asked for, with paths made absolute against `cwd` (where the user typed
    /// them), so that nothing later depends on a current directory.
    pub fn into_config(self, cwd: &Path) -> DeliveryConfig {
        DeliveryConfig {
            patch_file: self.patch_file.map(|path| cwd.join(path)),
            summary_md: self.summary_md.map(|path| cwd.join(path)),
            branch: self.commit.then_some(BranchRequest {
                name: self.branch,
                force: self.force_branch,
            }),
        }
    }
}
