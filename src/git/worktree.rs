//! Worker worktrees: added detached at a commit, moved between commits, listed, and removed
//! without a trace.

use std::path::{Path, PathBuf};

use git2::build::CheckoutBuilder;
use git2::{BranchType, Oid, Repository, WorktreeAddOptions, WorktreePruneOptions};

use super::repository::filters_may_apply;
use super::{Context, GitError, Repo};

/// Adds a worktree named `name` at `path`, with a detached HEAD at `commit`. git2 can only add a
/// worktree on a branch, so a branch of the same name is made for the moment and deleted at once:
/// no branch of ours outlives this call.
pub fn add_worktree(repo: &Repo, name: &str, path: &Path, commit: Oid) -> Result<(), GitError> {
    let repository = repo.open()?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| GitError::Io {
            context: format!("creating {}", parent.display()),
            source,
        })?;
    }
    let target = repository
        .find_commit(commit)
        .context(|| format!("finding commit {commit}"))?;
    let mut branch = repository
        .branch(name, &target, true)
        .context(|| format!("creating the temporary branch {name}"))?;
    let added = (|| {
        let reference = branch.get();
        let mut options = WorktreeAddOptions::new();
        options.reference(Some(reference));
        let worktree = repository
            .worktree(name, path, Some(&options))
            .context(|| format!("adding the worktree {}", path.display()))?;
        let inside = Repository::open_from_worktree(&worktree)
            .context(|| format!("opening the worktree {}", path.display()))?;
        inside
            .set_head_detached(commit)
            .context(|| format!("detaching the worktree {}", path.display()))?;
        if filters_may_apply(
            &repository,
            tree_paths(&inside, commit)?.iter().map(Vec::as_slice),
        ) {
            write_exact_bytes(&inside, commit, path)?;
        }
        Ok(())
    })();
    let deleted = branch
        .delete()
        .context(|| format!("deleting the temporary branch {name}"));
    added.and(deleted)
}

/// Every path of `commit`'s tree, `/`-separated.
fn tree_paths(repository: &Repository, commit: Oid) -> Result<Vec<Vec<u8>>, GitError> {
    let tree = repository
        .find_commit(commit)
        .and_then(|commit| commit.tree())
        .context(|| format!("reading commit {commit}"))?;
    let mut paths = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let mut path = dir.as_bytes().to_vec();
        path.extend_from_slice(entry.name_bytes());
        paths.push(path);
        git2::TreeWalkResult::Ok
    })
    .context(|| format!("listing the files of {commit}"))?;
    Ok(paths)
}

/// Rewrites every file of the worktree at `path` whose bytes differ from `commit`'s blob. Adding
/// a worktree runs git's checkout filters (LF to CRLF), but the snapshot's blobs already hold the
/// user's exact bytes: a second conversion would put bytes in the worktree that the user's tree
/// does not have.
fn write_exact_bytes(inside: &Repository, commit: Oid, path: &Path) -> Result<(), GitError> {
    let tree = inside
        .find_commit(commit)
        .and_then(|commit| commit.tree())
        .context(|| format!("reading commit {commit}"))?;
    let mut failure = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.filemode() & 0o170_000 != 0o100_000 {
            return git2::TreeWalkResult::Ok;
        }
        let Ok(name) = entry.name() else {
            return git2::TreeWalkResult::Ok;
        };
        let file = path.join(dir).join(name);
        let Ok(blob) = inside.find_blob(entry.id()) else {
            return git2::TreeWalkResult::Ok;
        };
        // Written in place, never through a link (where a case-insensitive file system lets a
        // link and a file share a name).
        let is_link = std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link
            && std::fs::read(&file).ok().as_deref() != Some(blob.content())
            && let Err(source) = std::fs::write(&file, blob.content())
        {
            failure = Some(GitError::Io {
                context: format!("writing {}", file.display()),
                source,
            });
            return git2::TreeWalkResult::Abort;
        }
        git2::TreeWalkResult::Ok
    })
    .context(|| format!("listing the files of {commit}"))
    .or_else(|error| failure.take().map_or(Err(error), Err))?;
    failure.map_or(Ok(()), Err)
}

/// Moves the worktree at `path` to `commit`, rewriting only the files that differ, so that cargo
/// sees unchanged files as fresh. Filters are off: blobs hold the user's exact bytes.
pub fn checkout(path: &Path, commit: Oid) -> Result<(), GitError> {
    let repository =
        Repository::open(path).context(|| format!("opening the worktree {}", path.display()))?;
    let target = repository
        .find_commit(commit)
        .context(|| format!("finding commit {commit}"))?;
    repository
        .checkout_tree(
            target.as_object(),
            Some(CheckoutBuilder::new().force().disable_filters(true)),
        )
        .context(|| format!("checking out {commit} in {}", path.display()))?;
    repository
        .set_head_detached(commit)
        .context(|| format!("moving HEAD of {}", path.display()))
}

/// Removes the worktree `name`: its directory and git's record of it (and a leftover branch of
/// that name, which only a run that died inside `add_worktree` leaves).
pub fn remove_worktree(repo: &Repo, name: &str) -> Result<(), GitError> {
    prune_worktree(repo, name, true)
}

/// Forgets the worktree `name`: git's record of it and a leftover branch, but not its directory,
/// for a worktree that does not lie where our runs put theirs: its files may be anyone's.
pub fn forget_worktree(repo: &Repo, name: &str) -> Result<(), GitError> {
    prune_worktree(repo, name, false)
}

fn prune_worktree(repo: &Repo, name: &str, with_files: bool) -> Result<(), GitError> {
    let repository = repo.open()?;
    match repository.find_worktree(name) {
        Ok(worktree) => {
            let mut options = WorktreePruneOptions::new();
            options.valid(true).locked(true).working_tree(with_files);
            worktree
                .prune(Some(&mut options))
                .context(|| format!("removing the worktree {name}"))?;
        }
        Err(error) if error.code() == git2::ErrorCode::NotFound => {}
        Err(source) => {
            return Err(GitError::Git {
                context: format!("finding the worktree {name}"),
                source,
            });
        }
    }
    if let Ok(mut branch) = repository.find_branch(name, BranchType::Local) {
        branch
            .delete()
            .context(|| format!("deleting the branch {name}"))?;
    }
    Ok(())
}

/// The worktrees whose name starts with `prefix`, each with the path git recorded for it (which
/// may no longer exist). Other runs may add and remove theirs meanwhile.
pub fn worktrees_named(repo: &Repo, prefix: &str) -> Result<Vec<(String, PathBuf)>, GitError> {
    let repository = repo.open()?;
    let names = repository
        .worktrees()
        .context(|| "listing worktrees".to_owned())?;
    let mut found = Vec::new();
    for name in names.iter().filter_map(|name| name.ok().flatten()) {
        if !name.starts_with(prefix) {
            continue;
        }
        // One that cannot be opened was most likely removed by its run since the listing.
        if let Ok(worktree) = repository.find_worktree(name) {
            found.push((name.to_owned(), worktree.path().to_owned()));
        }
    }
    Ok(found)
}

/// The local branches whose name starts with `prefix`: what a run that died inside
/// `add_worktree` leaves.
pub fn branches_named(repo: &Repo, prefix: &str) -> Result<Vec<String>, GitError> {
    let repository = repo.open()?;
    let branches = repository
        .branches(Some(BranchType::Local))
        .context(|| "listing branches".to_owned())?;
    Ok(branches
        .flatten()
        .filter_map(|(branch, _)| branch.name().ok().flatten().map(str::to_owned))
        .filter(|name| name.starts_with(prefix))
        .collect())
}
