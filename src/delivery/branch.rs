//! `--commit`: the fix committed on a branch of its own, whose parent is the user's HEAD when the
//! run took its snapshot, with a message listing what was fixed and what was left.

use std::fmt::Write as _;

use super::config::BranchRequest;
use crate::delivered::{DeliveryFailure, DeliveryReport, DeliveryStatus, NotDelivered};
use crate::engine::FixedTree;
use crate::git::{self, BranchError, NewBranch};
use crate::position;
use crate::summary::{RunSummary, what_changed, why_kept, why_unfixed};

/// What a branch made by default is named with, followed by the commit's short id.
pub const BRANCH_PREFIX: &str = "fix-swarm/";

/// Commits the fix on the requested branch. A fix with no change makes no branch.
pub(super) fn commit(
    request: &BranchRequest,
    summary: &RunSummary,
    fixed: &FixedTree,
) -> DeliveryReport {
    let report = |name: Option<String>, status| DeliveryReport::Branch { name, status };
    if fixed.files.is_empty() {
        let reason = NotDelivered::NothingToCommit;
        return report(request.name.clone(), DeliveryStatus::Skipped { reason });
    }
    if fixed.repo.temporary {
        let reason = DeliveryFailure::NoRepository;
        return report(request.name.clone(), DeliveryStatus::Failed { reason });
    }
    match commit_fix(request, summary, fixed) {
        Ok(made) => made,
        Err(reason) => report(request.name.clone(), DeliveryStatus::Failed { reason }),
    }
}

fn commit_fix(
    request: &BranchRequest,
    summary: &RunSummary,
    fixed: &FixedTree,
) -> Result<DeliveryReport, DeliveryFailure> {
    let git_failure = |error: git::GitError| DeliveryFailure::Git {
        error: error.to_string(),
    };
    let parent = git::parent_of(&fixed.repo, fixed.snapshot)
        .map_err(git_failure)?
        .ok_or(DeliveryFailure::NoHead)?;
    // A snapshot whose tree is not HEAD's holds uncommitted changes (`--allow-dirty`): the
    // commit holds them too, being the tree the gate passed; the message says so.
    let dirty = git::tree_id(&fixed.repo, fixed.snapshot).map_err(git_failure)?
        != git::tree_id(&fixed.repo, parent).map_err(git_failure)?;
    let message = message(summary, dirty);
    let branch = NewBranch {
        name: request.name.as_deref(),
        default_prefix: BRANCH_PREFIX,
        force: request.force,
    };
    let made = git::commit_on_branch(&fixed.repo, parent, fixed.result, &message, &branch)
        .map_err(failure_of)?;
    Ok(DeliveryReport::Branch {
        name: Some(made.name),
        status: DeliveryStatus::Committed {
            commit: made.commit.to_string(),
            parent: parent.to_string(),
            replaced: made.replaced.map(|commit| commit.to_string()),
        },
    })
}

pub(super) fn failure_of(error: BranchError) -> DeliveryFailure {
    match error {
        BranchError::InvalidName(_) => DeliveryFailure::InvalidBranchName,
        BranchError::Exists(_) => DeliveryFailure::BranchExists,
        BranchError::CheckedOut(_) => DeliveryFailure::BranchCheckedOut,
        BranchError::Git(error) => DeliveryFailure::Git {
            error: error.to_string(),
        },
    }
}

/// The commit message: a subject with the counts, each error fixed with how, each left with why.
pub(super) fn message(summary: &RunSummary, dirty: bool) -> String {
    let fixed: Vec<_> = summary.fixes.iter().flat_map(|fix| &fix.errors).collect();
    let counts = match (summary.errors_before, summary.errors_after) {
        (Some(before), Some(after)) => format!(" ({before} → {after})"),
        _ => String::new(),
    };
    // Errors resolved, which a fix of one error can outnumber (an import resolves every use).
    let resolved = summary.errors_fixed.unwrap_or(fixed.len());
    let mut text = format!(
        "fix-swarm: fix {resolved} compile error{}{counts}\n",
        if resolved == 1 { "" } else { "s" }
    );
    if !fixed.is_empty() {
        text.push_str("\nFixed:\n");
    }
    for error in &fixed {
        let _ = writeln!(
            text,
            "- {} [{}] {}\n  {} ({}: {})",
            position::label(error.position.as_ref()),
            error.code,
            error.message,
            what_changed(error),
            error.by,
            why_kept(&error.why)
        );
    }
    if !summary.unfixed.is_empty() {
        text.push_str("\nLeft:\n");
    }
    for unfixed in &summary.unfixed {
        let _ = writeln!(
            text,
            "- {} [{}] {}\n  {}",
            position::label(unfixed.position.as_ref()),
            unfixed.code,
            unfixed.message,
            why_unfixed(&unfixed.reason)
        );
    }
    let _ = writeln!(
        text,
        "\nEvery change passed the gate, alone and merged: {} round{}, {} gate run{}.",
        summary.rounds,
        if summary.rounds == 1 { "" } else { "s" },
        summary.gate_runs,
        if summary.gate_runs == 1 { "" } else { "s" },
    );
    if dirty {
        text.push_str(
            "This commit also holds the uncommitted changes of the tree the run started from \
             (--allow-dirty): the gate passed them with the fix.\n",
        );
    }
    text
}

#[cfg(test)]
mod tests;
