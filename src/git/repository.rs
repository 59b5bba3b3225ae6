//! The user's repository: finding it, seeing what is uncommitted, and snapshotting it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Oid, Repository, StatusOptions};

use super::{Context, GitError, signature};
use crate::layout::Layout;

/// Git's file modes for a symbolic link and for a submodule (a commit inside a tree).
const MODE_LINK: i32 = 0o120_000;
const MODE_SUBMODULE: i32 = 0o160_000;

/// A git repository with a working directory. `temporary` marks one made by `--allow-no-vcs`,
/// whose git directory lives under the target directory and is deleted after the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    pub git_dir: PathBuf,
    pub workdir: PathBuf,
    pub temporary: bool,
}

impl Repo {
    /// The repository holding `start`, or `None` when there is none.
    pub fn discover(start: &Path) -> Result<Option<Repo>, GitError> {
        match Repository::discover(start) {
            Ok(repository) => {
                let Some(workdir) = repository.workdir() else {
                    return Ok(None);
                };
                Ok(Some(Repo {
                    git_dir: repository.path().to_owned(),
                    workdir: canonical(workdir)?,
                    temporary: false,
                }))
            }
            Err(error) if error.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(source) => Err(GitError::Git {
                context: format!("opening the git repository of {}", start.display()),
                source,
            }),
        }
    }

    /// A repository kept apart from `workdir` (its git directory is `git_dir`), for a tree under
    /// no version control. It has no commits; the snapshot becomes its first. It is made bare and
    /// given its work tree only in memory (see `open`): a repository made with a work tree would
    /// leave a `.git` link file in the user's tree.
    pub fn init_detached(workdir: &Path, git_dir: &Path) -> Result<Repo, GitError> {
        Repository::init_bare(git_dir)
            .context(|| format!("creating a scratch repository in {}", git_dir.display()))?;
        Ok(Repo {
            git_dir: git_dir.to_owned(),
            workdir: canonical(workdir)?,
            temporary: true,
        })
    }

    pub fn open(&self) -> Result<Repository, GitError> {
        let repository = Repository::open(&self.git_dir)
            .context(|| format!("opening {}", self.git_dir.display()))?;
        if self.temporary {
            repository
                .set_workdir(&self.workdir, false)
                .context(|| "setting the scratch repository's work tree".to_owned())?;
        }
        Ok(repository)
    }
}

fn canonical(path: &Path) -> Result<PathBuf, GitError> {
    std::fs::canonicalize(path).map_err(|source| GitError::Io {
        context: format!("resolving {}", path.display()),
        source,
    })
}

fn is_excluded(path: &Path, exclude: &[PathBuf]) -> bool {
    exclude.iter().any(|dir| path.starts_with(dir))
}

/// Files with staged, unstaged or untracked (not ignored) changes, relative to the work tree.
pub fn uncommitted_files(repo: &Repo, exclude: &[PathBuf]) -> Result<Vec<PathBuf>, GitError> {
    let mut options = StatusOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    Ok(status(repo, options)?
        .into_iter()
        .filter(|(_, status)| !status.is_ignored())
        .map(|(path, _)| path)
        .filter(|path| !is_excluded(path, exclude))
        .collect())
}

/// `git status` with `options` (submodules left out): each path with its status.
fn status(
    repo: &Repo,
    mut options: StatusOptions,
) -> Result<Vec<(PathBuf, git2::Status)>, GitError> {
    let repository = repo.open()?;
    options.exclude_submodules(true);
    let statuses = repository
        .statuses(Some(&mut options))
        .context(|| "reading git status".to_owned())?;
    Ok(statuses
        .iter()
        .filter_map(|entry| Some((PathBuf::from(entry.path().ok()?), entry.status())))
        .collect())
}

/// How many entries of one ignored directory `ignored_files` looks at: an ignored directory can be
/// a whole build or dependency tree, and only a few of its files are ever inputs.
const IGNORED_DIR_ENTRIES: usize = 20_000;

/// Files git ignores (outside `exclude`) for which `wanted` holds: relative to the work tree.
pub fn ignored_files(
    repo: &Repo,
    exclude: &[PathBuf],
    wanted: impl Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, GitError> {
    let mut options = StatusOptions::new();
    options.include_ignored(true).recurse_ignored_dirs(false);
    let mut files = Vec::new();
    for (path, status) in status(repo, options)? {
        if !status.is_ignored() || is_excluded(&path, exclude) || path.starts_with(".git") {
            continue;
        }
        // Not followed: an ignored link (`target -> /fast/target`) leads out of the checkout.
        let absolute = repo.workdir.join(&path);
        if std::fs::symlink_metadata(&absolute).is_ok_and(|metadata| metadata.is_dir()) {
            let mut budget = IGNORED_DIR_ENTRIES;
            walk_files(&repo.workdir, &path, exclude, &mut budget, &mut |file| {
                if wanted(file) {
                    files.push(file.to_owned());
                }
            });
        } else if wanted(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Calls `found` for every regular file under `relative` (not following links), looking at no
/// more than `budget` entries.
fn walk_files(
    root: &Path,
    relative: &Path,
    exclude: &[PathBuf],
    budget: &mut usize,
    found: &mut dyn FnMut(&Path),
) {
    let Ok(entries) = std::fs::read_dir(root.join(relative)) else {
        return;
    };
    for entry in entries.flatten() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let path = relative.join(entry.file_name());
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && !is_excluded(&path, exclude) => {
                walk_files(root, &path, exclude, budget, found);
            }
            Ok(kind) if kind.is_file() => found(&path),
            _ => {}
        }
    }
}

/// Captures HEAD plus every staged, unstaged and untracked-but-not-ignored file as a commit
/// object, without touching HEAD, the index file, the stash, any branch or any file: the index is
/// changed in memory only and never written back.
pub fn snapshot(repo: &Repo, exclude: &[PathBuf]) -> Result<Oid, GitError> {
    let repository = repo.open()?;
    let mut index = repository
        .index()
        .context(|| "reading the git index".to_owned())?;
    let mut skip_excluded = |path: &Path, _spec: &[u8]| i32::from(is_excluded(path, exclude));
    index
        .add_all(["*"], IndexAddOption::DEFAULT, Some(&mut skip_excluded))
        .context(|| "adding the working tree to the snapshot".to_owned())?;
    index
        .update_all(["*"], None)
        .context(|| "recording deleted files in the snapshot".to_owned())?;
    let paths: Vec<Vec<u8>> = index.iter().map(|entry| entry.path).collect();
    if filters_may_apply(&repository, paths.iter().map(Vec::as_slice)) {
        keep_exact_bytes(&repository, &mut index, &repo.workdir)?;
    }
    let tree_id = index
        .write_tree()
        .context(|| "writing the snapshot tree".to_owned())?;
    let tree = repository
        .find_tree(tree_id)
        .context(|| "reading the snapshot tree".to_owned())?;
    let head = repository
        .head()
        .ok()
        .and_then(|head| head.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
    let signature = signature()?;
    repository
        .commit(
            None,
            &signature,
            &signature,
            "cargo-fix-swarm: snapshot of the working tree",
            &tree,
            &parents,
        )
        .context(|| "committing the snapshot".to_owned())
}

/// Whether git may store a file's bytes other than the working tree has them: line-ending
/// conversion (`core.autocrlf`, `core.eol`, `text`/`eol` attributes) or `ident`. `paths` are the
/// tree's paths (`/`-separated), searched for `.gitattributes` files.
pub(super) fn filters_may_apply<'p>(
    repository: &Repository,
    mut paths: impl Iterator<Item = &'p [u8]>,
) -> bool {
    let config = repository.config().ok();
    let configured = |name: &str| {
        config
            .as_ref()
            .and_then(|config| config.get_string(name).ok())
            .is_some_and(|value| !value.eq_ignore_ascii_case("false"))
    };
    // git's default global attributes file, read even when `core.attributesFile` is unset.
    let global = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")))
        .is_some_and(|config| config.join("git/attributes").exists());
    configured("core.autocrlf")
        || configured("core.eol")
        || configured("core.attributesFile")
        || global
        || repository.commondir().join("info/attributes").exists()
        || paths.any(|path| path.split(|&byte| byte == b'/').next_back() == Some(b".gitattributes"))
}

/// Replaces every staged blob whose bytes differ from the working tree's file with the file's
/// exact bytes. The snapshot must hold what the user's tree holds, byte for byte: rustc's offsets
/// are into those bytes, and the final apply compares against them. Git's clean filter (CRLF to
/// LF) would make both wrong.
fn keep_exact_bytes(
    repository: &Repository,
    index: &mut git2::Index,
    workdir: &Path,
) -> Result<(), GitError> {
    let entries: Vec<git2::IndexEntry> = index
        .iter()
        .filter(|entry| entry.mode & 0o170_000 == 0o100_000)
        .collect();
    for mut entry in entries {
        let relative = PathBuf::from(String::from_utf8_lossy(&entry.path).into_owned());
        let Ok(bytes) = std::fs::read(workdir.join(&relative)) else {
            continue;
        };
        let exact = Oid::hash_object(git2::ObjectType::Blob, &bytes)
            .context(|| format!("hashing {}", relative.display()))?;
        if exact == entry.id {
            continue;
        }
        entry.id = repository
            .blob(&bytes)
            .context(|| format!("storing {}", relative.display()))?;
        entry.file_size = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        index
            .add(&entry)
            .context(|| format!("staging {}", relative.display()))?;
    }
    Ok(())
}

/// Every Rust source file (`*.rs`, UTF-8) and manifest (`Cargo.toml`) in the tree of `commit`,
/// by path: what rule-based specialists search for definitions and crate names.
pub fn read_rust_files(repo: &Repo, commit: Oid) -> Result<BTreeMap<PathBuf, String>, GitError> {
    let repository = repo.open()?;
    let tree = repository
        .find_commit(commit)
        .and_then(|commit| commit.tree())
        .context(|| format!("reading commit {commit}"))?;
    let mut files = BTreeMap::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let wanted = |name: &&str| name.ends_with(".rs") || *name == "Cargo.toml";
        let Some(name) = entry.name().ok().filter(wanted) else {
            return git2::TreeWalkResult::Ok;
        };
        // A link's blob is the text of its target, not source: `Layout` resolves links.
        if entry.filemode() == MODE_LINK {
            return git2::TreeWalkResult::Ok;
        }
        if let Ok(blob) = repository.find_blob(entry.id())
            && let Ok(text) = std::str::from_utf8(blob.content())
        {
            files.insert(Path::new(dir).join(name), text.to_owned());
        }
        git2::TreeWalkResult::Ok
    })
    .context(|| format!("listing the files of {commit}"))?;
    Ok(files)
}

/// The layout of `commit`'s tree in the user's checkout: its symbolic links with their stored
/// targets, its regular files, and its submodules, whose working trees (read from the user's
/// checkout, where they are not empty) become inputs.
pub fn read_layout(repo: &Repo, commit: Oid) -> Result<Layout, GitError> {
    let repository = repo.open()?;
    let tree = repository
        .find_commit(commit)
        .and_then(|commit| commit.tree())
        .context(|| format!("reading commit {commit}"))?;
    let mut links = BTreeMap::new();
    let mut files = BTreeSet::new();
    let mut submodules = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let Ok(name) = entry.name() else {
            return git2::TreeWalkResult::Ok;
        };
        let path = Path::new(dir).join(name);
        match entry.filemode() {
            MODE_LINK => {
                if let Ok(blob) = repository.find_blob(entry.id()) {
                    let target = PathBuf::from(String::from_utf8_lossy(blob.content()).as_ref());
                    // An absolute target may name the checkout by another path than its
                    // canonical one (a linked home directory): compare like with like.
                    let target = match target.is_absolute() {
                        true => std::fs::canonicalize(&target).unwrap_or(target),
                        false => target,
                    };
                    links.insert(path, target);
                }
            }
            MODE_SUBMODULE => submodules.push(path),
            _ if entry.kind() == Some(git2::ObjectType::Blob) => {
                files.insert(path);
            }
            _ => {}
        }
        git2::TreeWalkResult::Ok
    })
    .context(|| format!("listing the files of {commit}"))?;
    let checked_out = |path: &PathBuf| {
        std::fs::read_dir(repo.workdir.join(path)).is_ok_and(|mut dir| dir.next().is_some())
    };
    let submodules: Vec<PathBuf> = submodules.into_iter().filter(checked_out).collect();
    Ok(Layout::new(repo.workdir.clone(), links, files).with_inputs(submodules))
}

/// The text `path` (relative to the checkout) had in the newest commit on HEAD's first-parent
/// line, at most `depth` commits back, where it differed from `current`: what a lockfile was
/// before the bump the user's tree holds, committed or not. `None` when no such commit is found.
pub fn earlier_text(
    repo: &Repo,
    path: &Path,
    current: &str,
    depth: usize,
) -> Result<Option<String>, GitError> {
    let repository = repo.open()?;
    let Ok(head) = repository.head().and_then(|head| head.peel_to_commit()) else {
        return Ok(None);
    };
    let mut commit = Some(head);
    for _ in 0..depth {
        let Some(at) = commit else { break };
        let text = at
            .tree()
            .ok()
            .and_then(|tree| tree.get_path(path).ok())
            .and_then(|entry| repository.find_blob(entry.id()).ok())
            .and_then(|blob| String::from_utf8(blob.content().to_vec()).ok());
        if let Some(text) = text
            && text != current
        {
            return Ok(Some(text));
        }
        commit = at.parent(0).ok();
    }
    Ok(None)
}

/// Commits every file of `dir` on top of its HEAD, making the repository first if there is none:
/// how the bench gives a fixture a history (the state before a dependency bump, then the bump).
pub fn commit_all(dir: &Path, message: &str) -> Result<(), GitError> {
    let repository = match Repository::open(dir) {
        Ok(repository) => repository,
        Err(_) => Repository::init(dir)
            .context(|| format!("creating a repository in {}", dir.display()))?,
    };
    let mut index = repository
        .index()
        .context(|| "reading the index".to_owned())?;
    index
        .add_all(["*"], IndexAddOption::DEFAULT, None)
        .context(|| "adding the files".to_owned())?;
    index.write().context(|| "writing the index".to_owned())?;
    let tree_id = index
        .write_tree()
        .context(|| "writing the tree".to_owned())?;
    let tree = repository
        .find_tree(tree_id)
        .context(|| "reading the tree".to_owned())?;
    let signature = signature()?;
    let parent = repository.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repository
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            &parents,
        )
        .context(|| format!("committing {message}"))?;
    Ok(())
}

/// Makes `dir` a new git repository whose first commit holds every file in it, as a user's
/// checkout would be (the bench's fresh copies of fixtures).
pub fn init_with_commit(dir: &Path) -> Result<(), GitError> {
    commit_all(dir, "fixture")
}
