//! `DeliveryConfig`: the deliveries a run was asked for, validated, with no knowledge of clap.

use std::path::PathBuf;

/// The deliveries asked for; all empty by default (only the write to the user's tree).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// `--patch-file`, absolute.
    pub patch_file: Option<PathBuf>,
    /// `--summary-md`, absolute.
    pub summary_md: Option<PathBuf>,
    /// `--commit`.
    pub branch: Option<BranchRequest>,
}

/// `--commit`, with `--branch` and `--force-branch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchRequest {
    /// `None`: `fix-swarm/<short commit id>`.
    pub name: Option<String>,
    /// Whether an existing branch of that name may be moved (never the checked-out one).
    pub force: bool,
}

impl DeliveryConfig {
    pub fn is_empty(&self) -> bool {
        self.patch_file.is_none() && self.summary_md.is_none() && self.branch.is_none()
    }
}
