//! Turning new file contents into commits, and listing what a result changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{Index, IndexEntry, IndexTime, Oid, Repository};

use super::{Context, GitError, Repo, signature};

/// A file that differs between two commits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedFile {
    pub path: PathBuf,
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
}

fn tree_of<'r>(repository: &'r Repository, commit: Oid) -> Result<git2::Tree<'r>, GitError> {
    repository
        .find_commit(commit)
        .and_then(|commit| commit.tree())
        .context(|| format!("reading the tree of {commit}"))
}

/// Writes a tree that is `base`'s with `files` replaced; only the repository's object store is
/// written, through an index that lives in memory.
fn tree_with(
    repository: &Repository,
    base: &git2::Tree<'_>,
    files: &BTreeMap<PathBuf, String>,
) -> Result<Oid, GitError> {
    let mut index = Index::new().context(|| "creating an index in memory".to_owned())?;
    index
        .read_tree(base)
        .context(|| "reading the base tree".to_owned())?;
    for (path, text) in files {
        let blob = repository
            .blob(text.as_bytes())
            .context(|| format!("storing {}", path.display()))?;
        let mut entry = index.get_path(path, 0).unwrap_or_else(|| new_entry(path));
        // Writing file contents into a link's or a submodule's entry would turn source into a
        // link target (or a broken commit id).
        if entry.mode & 0o170_000 != 0o100_000 {
            return Err(GitError::NotAFile(path.clone()));
        }
        entry.id = blob;
        entry.file_size = u32::try_from(text.len()).unwrap_or(u32::MAX);
        index
            .add(&entry)
            .context(|| format!("staging {}", path.display()))?;
    }
    index
        .write_tree_to(repository)
        .context(|| "writing a tree".to_owned())
}

fn new_entry(path: &Path) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100_644,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: Oid::ZERO_SHA1,
        flags: 0,
        flags_extended: 0,
        path: path.to_string_lossy().replace('\\', "/").into_bytes(),
    }
}

fn commit_tree(
    repository: &Repository,
    tree: Oid,
    parent: Oid,
    message: &str,
) -> Result<Oid, GitError> {
    let tree = repository
        .find_tree(tree)
        .context(|| "reading a new tree".to_owned())?;
    let parent = repository
        .find_commit(parent)
        .context(|| format!("finding commit {parent}"))?;
    let signature = signature()?;
    repository
        .commit(None, &signature, &signature, message, &tree, &[&parent])
        .context(|| "committing".to_owned())
}

/// Commits `files` (new contents by path) on top of `base`, referenced by nothing.
pub fn commit_files(
    repo: &Repo,
    base: Oid,
    files: &BTreeMap<PathBuf, String>,
    message: &str,
) -> Result<Oid, GitError> {
    let repository = repo.open()?;
    let base_tree = tree_of(&repository, base)?;
    let tree = tree_with(&repository, &base_tree, files)?;
    commit_tree(&repository, tree, base, message)
}

/// Files that differ between the trees of two commits, with both contents.
pub fn changed_files(repo: &Repo, from: Oid, to: Oid) -> Result<Vec<ChangedFile>, GitError> {
    let repository = repo.open()?;
    let old = tree_of(&repository, from)?;
    let new = tree_of(&repository, to)?;
    let diff = repository
        .diff_tree_to_tree(Some(&old), Some(&new), None)
        .context(|| "comparing trees".to_owned())?;
    let content = |id: Oid| -> Result<Option<Vec<u8>>, GitError> {
        if id.is_zero() {
            return Ok(None);
        }
        let blob = repository
            .find_blob(id)
            .context(|| format!("reading blob {id}"))?;
        Ok(Some(blob.content().to_vec()))
    };
    let mut files = Vec::new();
    for delta in diff.deltas() {
        let Some(path) = delta.new_file().path().or_else(|| delta.old_file().path()) else {
            continue;
        };
        files.push(ChangedFile {
            path: path.to_owned(),
            before: content(delta.old_file().id())?,
            after: content(delta.new_file().id())?,
        });
    }
    Ok(files)
}

/// The tree of `commit`.
pub fn tree_id(repo: &Repo, commit: Oid) -> Result<Oid, GitError> {
    let repository = repo.open()?;
    Ok(tree_of(&repository, commit)?.id())
}

/// Paths that differ between the tree `from` (hex) and the tree of commit `to`; none if the
/// repository does not have `from` (any more).
pub fn paths_changed_since_tree(repo: &Repo, from: &str, to: Oid) -> Vec<PathBuf> {
    let paths = || -> Result<Vec<PathBuf>, git2::Error> {
        let repository = Repository::open(&repo.git_dir)?;
        let old = repository.find_tree(Oid::from_str(from)?)?;
        let new = repository.find_commit(to)?.tree()?;
        let diff = repository.diff_tree_to_tree(Some(&old), Some(&new), None)?;
        Ok(diff
            .deltas()
            .filter_map(|delta| delta.new_file().path().or_else(|| delta.old_file().path()))
            .map(Path::to_owned)
            .collect())
    };
    paths().unwrap_or_default()
}
