//! The deliveries in words, for the human summary and the markdown one.

use crate::delivered::{DeliveryFailure, DeliveryReport, DeliveryStatus, NotDelivered};

/// One delivery in words: `patch `fix.patch` (2 files): written`.
pub fn delivery_words(delivery: &DeliveryReport) -> String {
    let what = match delivery {
        DeliveryReport::PatchFile { path, files, .. } => match files {
            0 => format!("patch `{}` (empty: nothing passed)", path.display()),
            files => format!(
                "patch `{}` ({files} file{})",
                path.display(),
                plural(*files)
            ),
        },
        DeliveryReport::SummaryMd { path, .. } => format!("summary `{}`", path.display()),
        DeliveryReport::Branch {
            name: Some(name), ..
        } => format!("branch `{name}`"),
        DeliveryReport::Branch { name: None, .. } => "branch".to_owned(),
    };
    let status = match delivery.status() {
        DeliveryStatus::Written => "written".to_owned(),
        DeliveryStatus::Committed {
            commit,
            parent,
            replaced,
        } => {
            let moved = replaced
                .as_ref()
                .map(|old| format!(", moved from {}", short(old)))
                .unwrap_or_default();
            format!("committed {} on {}{moved}", short(commit), short(parent))
        }
        DeliveryStatus::Skipped { reason } => match reason {
            NotDelivered::NothingToCommit => "not made: no fix to commit".to_owned(),
            NotDelivered::Interrupted => "not made: the run was interrupted".to_owned(),
        },
        DeliveryStatus::Failed { reason } => format!("FAILED: {}", failure_words(reason)),
    };
    format!("{what}: {status}")
}

fn failure_words(reason: &DeliveryFailure) -> String {
    match reason {
        DeliveryFailure::WriteFailed { error } => format!("writing it failed: {error}"),
        DeliveryFailure::BranchExists => {
            "a branch of that name exists (--force-branch moves it)".to_owned()
        }
        DeliveryFailure::BranchCheckedOut => {
            "it is the branch checked out, which is never moved".to_owned()
        }
        DeliveryFailure::InvalidBranchName => "git does not take it as a branch name".to_owned(),
        DeliveryFailure::NoHead => "the repository has no commit to be the parent".to_owned(),
        DeliveryFailure::NoRepository => {
            "the run worked in a scratch repository (--allow-no-vcs)".to_owned()
        }
        DeliveryFailure::Git { error } => format!("git failed: {error}"),
    }
}

fn short(commit: &str) -> &str {
    commit.get(..8).unwrap_or(commit)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
