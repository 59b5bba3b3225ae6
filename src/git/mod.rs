//! Everything that touches git, through git2: the user's snapshot, worker worktrees, merges.

mod branch;
mod merge;
mod repository;
mod worktree;

use std::path::PathBuf;

pub use branch::{
    BranchError, Branched, NewBranch, check_branch, commit_on_branch, parent_of, short,
};
pub use git2::Oid;
pub use merge::{ChangedFile, changed_files, commit_files, paths_changed_since_tree, tree_id};
pub use repository::{
    Repo, commit_all, earlier_text, ignored_files, init_with_commit, read_layout, read_rust_files,
    snapshot, uncommitted_files,
};
pub use worktree::{
    add_worktree, branches_named, checkout, forget_worktree, remove_worktree, worktrees_named,
};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{context}: {source}")]
    Git {
        context: String,
        source: git2::Error,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("{} is not valid UTF-8", .0.display())]
    NotUtf8(PathBuf),
    #[error("{} is a symbolic link or a submodule in the tree, not a file to edit", .0.display())]
    NotAFile(PathBuf),
}

/// Adds what we were doing to a git2 error.
trait Context<T> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T> Context<T> for Result<T, git2::Error> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|source| GitError::Git {
            context: context(),
            source,
        })
    }
}

fn signature() -> Result<git2::Signature<'static>, GitError> {
    git2::Signature::now("cargo-fix-swarm", "cargo-fix-swarm@localhost")
        .context(|| "making a commit signature".to_owned())
}
