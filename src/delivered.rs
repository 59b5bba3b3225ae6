//! What the deliveries (`--patch-file`, `--summary-md`, `--commit`) made, or why they did not:
//! data the summary carries and the reporters word, kept apart from `delivery/` so that the
//! summary can hold it without importing the module that reads the summary.

use std::path::PathBuf;

use serde::Serialize;

/// One delivery the user asked for, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "delivery", rename_all = "kebab-case")]
pub enum DeliveryReport {
    /// `--patch-file`: the fix as a `git apply`-able patch.
    PatchFile {
        path: PathBuf,
        /// How many files of the user's tree the patch changes (0: nothing passed).
        files: usize,
        #[serde(flatten)]
        status: DeliveryStatus,
    },
    /// `--summary-md`: the summary in markdown.
    SummaryMd {
        path: PathBuf,
        #[serde(flatten)]
        status: DeliveryStatus,
    },
    /// `--commit`: the fix committed on a branch of its own.
    Branch {
        /// The branch's name; `None` when none was made and none was named (`--branch`).
        name: Option<String>,
        #[serde(flatten)]
        status: DeliveryStatus,
    },
}

/// What became of one delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum DeliveryStatus {
    /// The file was written.
    Written,
    /// A commit was made and the branch points at it. `replaced`: the commit the branch pointed at
    /// before (`--force-branch` only).
    Committed {
        commit: String,
        parent: String,
        replaced: Option<String>,
    },
    /// Not made, and rightly so.
    Skipped { reason: NotDelivered },
    /// Asked for, and could not be made: the run's exit code says so (`exit_code::DELIVERY_FAILED`).
    Failed { reason: DeliveryFailure },
}

/// Why a delivery was rightly not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotDelivered {
    /// No fix passed the gate: there is nothing to commit.
    NothingToCommit,
    /// A signal stopped the run before it had a result: nothing was fixed to deliver.
    Interrupted,
}

/// Why a delivery that was asked for could not be made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DeliveryFailure {
    /// Writing the file failed.
    WriteFailed { error: String },
    /// A branch of that name exists, and `--force-branch` was not given.
    BranchExists,
    /// The branch is the one checked out: moving it would change the user's checkout.
    BranchCheckedOut,
    /// git does not take the name as a branch name.
    InvalidBranchName,
    /// The repository has no commit yet (an unborn HEAD): a branch needs a parent.
    NoHead,
    /// The run worked in a scratch repository (`--allow-no-vcs`), removed at its end.
    NoRepository,
    /// A git operation failed.
    Git { error: String },
}

impl DeliveryReport {
    pub fn status(&self) -> &DeliveryStatus {
        match self {
            DeliveryReport::PatchFile { status, .. }
            | DeliveryReport::SummaryMd { status, .. }
            | DeliveryReport::Branch { status, .. } => status,
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self.status(), DeliveryStatus::Failed { .. })
    }
}
