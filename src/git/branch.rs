//! A fix committed on a branch of its own: the commit is written to the object store and the
//! branch's ref alone is set. HEAD, the index and the files of the checkout are never read for
//! it nor written.

use git2::{BranchType, Oid, Repository};

use super::{Context, GitError, Repo, signature};

/// Why a branch could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BranchError {
    #[error("`{0}` is not a valid branch name")]
    InvalidName(String),
    #[error("a branch `{0}` exists already (pass --force-branch to move it)")]
    Exists(String),
    #[error("the branch `{0}` is the one checked out, and moving it would change your checkout")]
    CheckedOut(String),
    #[error(transparent)]
    Git(#[from] GitError),
}

/// The branch to make: its name, or `None` for `<prefix><short id of the new commit>`.
#[derive(Clone, Debug)]
pub struct NewBranch<'a> {
    pub name: Option<&'a str>,
    pub default_prefix: &'a str,
    pub force: bool,
}

/// A branch made by `commit_on_branch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branched {
    pub name: String,
    pub commit: Oid,
    /// The commit the branch pointed at before, when `force` moved it.
    pub replaced: Option<Oid>,
}

/// The first parent of `commit`: for a snapshot, the user's HEAD when it was taken. `None` when
/// it has none (a repository without commits).
pub fn parent_of(repo: &Repo, commit: Oid) -> Result<Option<Oid>, GitError> {
    let repository = repo.open()?;
    let commit = repository
        .find_commit(commit)
        .context(|| format!("finding commit {commit}"))?;
    Ok(commit.parent_id(0).ok())
}

/// Whether `name` could be made (or, with `force`, moved) now: checked before a run, so that a
/// pipeline learns of a taken name at once rather than at the end.
pub fn check_branch(repo: &Repo, name: &str, force: bool) -> Result<(), BranchError> {
    let repository = repo.open()?;
    check_name(&repository, name, force).map(|_| ())
}

/// Commits `tree_of`'s tree with `parent` as its only parent and `message`, and points the branch
/// at it. Nothing but the object store and the branch's ref (with its reflog) is written.
pub fn commit_on_branch(
    repo: &Repo,
    parent: Oid,
    tree_of: Oid,
    message: &str,
    branch: &NewBranch<'_>,
) -> Result<Branched, BranchError> {
    let repository = repo.open()?;
    if let Some(name) = branch.name {
        check_name(&repository, name, branch.force)?;
    }
    let tree = repository
        .find_commit(tree_of)
        .and_then(|commit| commit.tree())
        .context(|| format!("reading the tree of {tree_of}"))?;
    let parent = repository
        .find_commit(parent)
        .context(|| format!("finding commit {parent}"))?;
    // The user's identity where git has one (a pipeline sets its bot's), else ours.
    let author = match repository.signature() {
        Ok(configured) => configured,
        Err(_) => signature()?,
    };
    let commit = repository
        .commit(None, &author, &author, message, &tree, &[&parent])
        .context(|| "committing the fix".to_owned())?;
    let name = match branch.name {
        Some(name) => name.to_owned(),
        None => format!("{}{}", branch.default_prefix, short(commit)),
    };
    let replaced = check_name(&repository, &name, branch.force)?;
    let target = repository
        .find_commit(commit)
        .context(|| format!("finding commit {commit}"))?;
    repository
        .branch(&name, &target, branch.force)
        .context(|| format!("creating the branch {name}"))?;
    Ok(Branched {
        name,
        commit,
        replaced,
    })
}

/// Checks that `name` is a branch name that may be set now; returns the commit it points at
/// when it exists (and `force` allows moving it).
fn check_name(
    repository: &Repository,
    name: &str,
    force: bool,
) -> Result<Option<Oid>, BranchError> {
    if !git2::Branch::name_is_valid(name).unwrap_or(false) {
        return Err(BranchError::InvalidName(name.to_owned()));
    }
    let Ok(existing) = repository.find_branch(name, BranchType::Local) else {
        return Ok(None);
    };
    if existing.is_head() {
        return Err(BranchError::CheckedOut(name.to_owned()));
    }
    if !force {
        return Err(BranchError::Exists(name.to_owned()));
    }
    Ok(existing.get().target())
}

/// The first 8 hex digits of `commit`, as its branch's default name carries it.
pub fn short(commit: Oid) -> String {
    commit.to_string().chars().take(8).collect()
}
