//! The final delivery step: each delivery asked for, made from the run's fix after the run, its
//! report added to the summary; and the checks made before the run, so that a taken branch name
//! or a missing repository is told at once rather than after the repair.

use std::path::Path;

use super::config::DeliveryConfig;
use super::{branch, patch_file, summary_md};
use crate::delivered::{DeliveryFailure, DeliveryReport, DeliveryStatus, NotDelivered};
use crate::engine::FixedTree;
use crate::git::{self, BranchError, GitError, Repo};
use crate::summary::RunSummary;

/// Why the deliveries asked for cannot be made, found before the run.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(
        "--commit needs a git repository, and none holds {}\n\
         help: run `git init` and commit your sources first",
        .0.display()
    )]
    NoRepository(std::path::PathBuf),
    #[error("--commit: {0}")]
    Branch(#[from] BranchError),
    #[error(transparent)]
    Git(#[from] GitError),
}

/// Checks, before the run, what can be known now: that `--commit` has a repository and that its
/// branch may be made. `start` is where the repository is looked for (the manifest's directory).
pub fn preflight(config: &DeliveryConfig, start: &Path) -> Result<(), DeliveryError> {
    let Some(request) = &config.branch else {
        return Ok(());
    };
    let repo = Repo::discover(start)?.ok_or_else(|| DeliveryError::NoRepository(start.into()))?;
    // The default name holds the new commit's id: it cannot be taken yet.
    if let Some(name) = &request.name {
        git::check_branch(&repo, name, request.force)?;
    }
    Ok(())
}

/// Makes every delivery asked for, in an order where each can name the ones before: the patch,
/// the branch, then the markdown summary (which lists them). Their reports go in `summary`.
/// `fixed` is `None` for a run a signal stopped: only its summary is delivered.
pub fn deliver(config: &DeliveryConfig, summary: &mut RunSummary, fixed: Option<&FixedTree>) {
    let interrupted = DeliveryStatus::Skipped {
        reason: NotDelivered::Interrupted,
    };
    if let Some(path) = &config.patch_file {
        summary.deliveries.push(match fixed {
            Some(fixed) => patch_file::write(path, fixed),
            None => DeliveryReport::PatchFile {
                path: path.clone(),
                files: 0,
                status: interrupted.clone(),
            },
        });
    }
    if let Some(request) = &config.branch {
        summary.deliveries.push(match fixed {
            Some(fixed) => branch::commit(request, summary, fixed),
            None => DeliveryReport::Branch {
                name: request.name.clone(),
                status: interrupted,
            },
        });
    }
    if let Some(path) = &config.summary_md {
        let markdown = summary_md::render_markdown(summary, fixed.map(|fixed| fixed.diff.as_str()));
        let status = match std::fs::write(path, markdown) {
            Ok(()) => DeliveryStatus::Written,
            Err(error) => DeliveryStatus::Failed {
                reason: DeliveryFailure::WriteFailed {
                    error: error.to_string(),
                },
            },
        };
        summary.deliveries.push(DeliveryReport::SummaryMd {
            path: path.clone(),
            status,
        });
    }
}
