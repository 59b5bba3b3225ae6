//! `RunError`, why a run could not go on, with its kind for the final event and the exit code.

use std::path::PathBuf;

use crate::cargo::CargoError;
use crate::checkpoint::ResumeError;
use crate::event::FailureKind;
use crate::gate::GateError;
use crate::git::GitError;
use crate::matrix::MatrixError;
use crate::pool::PoolError;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Cargo(#[from] CargoError),
    #[error(
        "no git repository holds {}, and `cargo fix-swarm` needs one to work in isolated worktrees\n\
         help: run `git init`, or pass `--allow-no-vcs` to let it use a scratch repository",
        .0.display()
    )]
    NoVcs(PathBuf),
    #[error(
        "the working directory has uncommitted changes:\n{}\n\
         help: commit or stash them, or pass `--allow-dirty`: they are snapshotted first and a file \
         you change during the run is never overwritten",
        files.iter().map(|f| format!("  {}", f.display())).collect::<Vec<_>>().join("\n")
    )]
    Dirty { files: Vec<PathBuf> },
    /// cargo's error, its paths the user's (`UserPaths`), worded by `cargo::error_message`.
    #[error("cargo check could not run on the workspace: {0}")]
    CheckFailed(String),
    #[error("could not take the run's lock {}: {source}", path.display())]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error(transparent)]
    Gate(GateError),
    #[error(transparent)]
    Resume(#[from] ResumeError),
    #[error("internal task failed: {0}")]
    Task(String),
    #[error("the model workers cannot start: {0}")]
    Llm(String),
    #[error(transparent)]
    Matrix(#[from] MatrixError),
}

impl RunError {
    /// The error's kind, for the final event and the exit code.
    pub fn kind(&self) -> FailureKind {
        match self {
            RunError::Cargo(_) => FailureKind::Cargo,
            RunError::NoVcs(_) => FailureKind::NoVcs,
            RunError::Dirty { .. } => FailureKind::Dirty,
            RunError::CheckFailed(_) => FailureKind::CheckFailed,
            RunError::Lock { .. } => FailureKind::Lock,
            RunError::Git(_) => FailureKind::Git,
            RunError::Pool(_) => FailureKind::Pool,
            RunError::Gate(_) => FailureKind::Gate,
            RunError::Resume(_) => FailureKind::Resume,
            RunError::Task(_) => FailureKind::Internal,
            RunError::Llm(_) => FailureKind::Llm,
            RunError::Matrix(_) => FailureKind::Matrix,
        }
    }
}

impl From<GateError> for RunError {
    fn from(error: GateError) -> RunError {
        match error {
            GateError::Cargo(error) => RunError::Cargo(error),
            GateError::Pool(error) => RunError::Pool(error),
            other => RunError::Gate(other),
        }
    }
}

pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, RunError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| RunError::Task(error.to_string()))
}
