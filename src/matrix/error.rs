//! `MatrixError`, why a plan or a work result does not belong where it was given.

use std::path::PathBuf;

/// A plan or result that does not belong to this run: the exit code says so apart from usage
/// errors, so that a pipeline can tell a stale artifact from a broken set-up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    #[error("{} is not a {what} of this tool: {reason}", path.display())]
    Unreadable {
        path: PathBuf,
        what: &'static str,
        reason: String,
    },
    #[error(
        "{} has schema version {found}, and this cargo-fix-swarm reads version {expected}",
        path.display()
    )]
    Schema {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error(
        "{} was made by cargo-fix-swarm {found}, and this is {ours}: plan, work and merge with one \
         version",
        path.display()
    )]
    OtherVersion {
        path: PathBuf,
        found: String,
        ours: String,
    },
    #[error(
        "the plan is for other sources (tree {planned}) than these (tree {here}): check out the \
         commit the plan was made on, without other changes"
    )]
    OtherSources { planned: String, here: String },
    #[error(
        "the plan was edited after it was made (its id {stated} does not match its contents, \
         {computed})"
    )]
    Tampered { stated: String, computed: String },
    #[error(
        "cargo check finds other errors here than the plan holds (scopes {}): the toolchain or \
         the dependencies differ from the plan job's",
        differing.join(", ")
    )]
    OtherErrors { differing: Vec<String> },
    #[error(
        "{} is the result of another plan ({found}), not of this one ({expected})",
        path.display()
    )]
    AnotherPlan {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("the plan has no scope {0:?}")]
    UnknownScope(String),
    #[error("the plan's matrix has no job {job} (it has {jobs})")]
    UnknownJob { job: usize, jobs: usize },
    #[error("scope {scope:?} is in two results: {} and {}", first.display(), second.display())]
    Twice {
        scope: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("no result holds scope(s) {}: every job of the matrix must hand its result to the merge", .0.join(", "))]
    Missing(Vec<String>),
}
