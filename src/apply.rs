//! The one write to the user's tree: the fix is written whole or not at all. Every changed file
//! must still be as the snapshot had it and writable, and all of them are staged beside their
//! originals before any is renamed into place; a file that cannot be written leaves the tree as
//! it was.

use std::fs::File;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use tempfile::TempPath;

use crate::git::ChangedFile;
use crate::patch::Patch;
use crate::skipped_file::{SkipReason, SkippedFile};

/// What the apply did to the user's tree. Never an error: whatever happened is in these lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Files really written (replaced, created or removed), in path order.
    pub written: Vec<PathBuf>,
    /// Files left as they were, in path order, each with the reason and its saved patch.
    pub skipped: Vec<SkippedFile>,
}

/// Writes the changes to the tree at `workdir`, whole or not at all, saving the patch of each file
/// it does not write under `save_dir`.
///
/// Every file must still hold exactly the snapshot's bytes, lie under no symbolic link and have
/// permission bits that let its owner write it; if one does not, nothing is written: that file is
/// skipped for its reason and the others are held back because of it. The files are then each
/// written to a temporary file in the same directory, with the original's permissions; if any of
/// that fails (a read-only directory, a full disk), the temporaries are removed and nothing is
/// written. Only then are they renamed into place, one rename each, each file checked once more
/// just before: one the user saved in those milliseconds is skipped alone, and a rename that fails
/// (rare: the directory changed in the meantime) stops the apply there. Those two leave the files
/// renamed before them written, and the lists say exactly which.
pub fn apply_changes(workdir: &Path, changes: &[ChangedFile], save_dir: &Path) -> Applied {
    apply_with(&mut Disk, workdir, changes, save_dir)
}

/// The two file-system steps of a write, apart so that tests can make either fail.
trait Writer {
    /// Writes `contents` to a new temporary file beside `target`, with `target`'s permissions.
    fn stage(&mut self, target: &Path, contents: &[u8]) -> io::Result<TempPath>;
    /// Puts the staged change in place of `target`.
    fn commit(&mut self, staged: Staged, target: &Path) -> io::Result<()>;
}

/// A change ready to be put in place.
#[derive(Debug)]
enum Staged {
    /// New contents in a temporary file beside the target (removed if dropped).
    Replacement(TempPath),
    /// The fix deletes the file.
    Removal,
}

/// The real file system.
#[derive(Debug)]
struct Disk;

impl Writer for Disk {
    fn stage(&mut self, target: &Path, contents: &[u8]) -> io::Result<TempPath> {
        let (mut file, temporary) = create_beside(target)?;
        file.write_all(contents)?;
        if let Ok(metadata) = std::fs::metadata(target) {
            file.set_permissions(metadata.permissions())?;
        }
        file.sync_all()?;
        Ok(temporary)
    }

    fn commit(&mut self, staged: Staged, target: &Path) -> io::Result<()> {
        match staged {
            Staged::Replacement(temporary) => {
                temporary.persist(target).map_err(|error| error.error)
            }
            Staged::Removal => std::fs::remove_file(target),
        }
    }
}

/// A new empty file in `target`'s directory (the same file system, so that the rename into place
/// is atomic), removed when the returned path is dropped. Named after this process, so that one
/// left by a killed run says whose it is. Made here rather than by `tempfile`, whose errors carry
/// the temporary's path, a name that means nothing to the user once it is gone.
fn create_beside(target: &Path) -> io::Result<(File, TempPath)> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let mut attempts = 0;
    loop {
        let number = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".fix-swarm-{}-{number}.tmp", std::process::id()));
        match File::options().write(true).create_new(true).open(&path) {
            Ok(file) => {
                return match TempPath::try_from_path(&path) {
                    Ok(temporary) => Ok((file, temporary)),
                    Err(error) => {
                        let _ = std::fs::remove_file(&path);
                        Err(error)
                    }
                };
            }
            // Left by an earlier process of the same id: not ours to remove.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => {
                attempts += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// `apply_changes` through `writer`.
fn apply_with(
    writer: &mut impl Writer,
    workdir: &Path,
    changes: &[ChangedFile],
    save_dir: &Path,
) -> Applied {
    let blocked: Vec<(&ChangedFile, SkipReason)> = changes
        .iter()
        .filter_map(|change| {
            may_write(workdir, change)
                .err()
                .map(|reason| (change, reason))
        })
        .collect();
    if !blocked.is_empty() {
        return hold_back(changes, blocked, save_dir);
    }

    let mut staged = Vec::new();
    for change in changes {
        let step = match &change.after {
            Some(after) => writer
                .stage(&workdir.join(&change.path), after)
                .map(Staged::Replacement),
            None => Ok(Staged::Removal),
        };
        match step {
            Ok(step) => staged.push((change, step)),
            Err(error) => {
                // Dropping the staged temporaries removes them: the tree is as it was.
                drop(staged);
                let failed = SkipReason::WriteFailed {
                    error: error.to_string(),
                };
                return hold_back(changes, vec![(change, failed)], save_dir);
            }
        }
    }

    let mut written = Vec::new();
    let mut skipped = Vec::new();
    let mut staged = staged.into_iter();
    while let Some((change, step)) = staged.next() {
        let target = workdir.join(&change.path);
        // Checked again just before the rename: the user may have saved the file while the
        // others were staged. Too late to hold the others back (some may be in place already):
        // this file alone is skipped, and the lists say so.
        if let Err(reason) = may_write(workdir, change) {
            skipped.push((change, reason));
            continue;
        }
        if let Err(error) = writer.commit(step, &target) {
            skipped.push((
                change,
                SkipReason::WriteFailed {
                    error: error.to_string(),
                },
            ));
            for (rest, _) in staged.by_ref() {
                skipped.push((
                    rest,
                    SkipReason::HeldBack {
                        because_of: vec![change.path.clone()],
                    },
                ));
            }
            break;
        }
        written.push(change.path.clone());
    }
    finish(written, skipped, save_dir)
}

/// Writes nothing: each file of `failed` is skipped for its own reason, and every other change
/// is held back because of them. A fix is one whole: a file written without the others may not
/// compile (a `.clone()` that needs the derive another file was to get).
fn hold_back<'a>(
    changes: &'a [ChangedFile],
    failed: Vec<(&'a ChangedFile, SkipReason)>,
    save_dir: &Path,
) -> Applied {
    let mut because_of: Vec<PathBuf> = failed
        .iter()
        .map(|(change, _)| change.path.clone())
        .collect();
    because_of.sort();
    let held_back: Vec<(&ChangedFile, SkipReason)> = changes
        .iter()
        .filter(|change| !because_of.contains(&change.path))
        .map(|change| {
            let reason = SkipReason::HeldBack {
                because_of: because_of.clone(),
            };
            (change, reason)
        })
        .collect();
    let mut skipped = failed;
    skipped.extend(held_back);
    finish(Vec::new(), skipped, save_dir)
}

/// Saves the patch of every skipped file and puts both lists in path order.
fn finish(
    mut written: Vec<PathBuf>,
    mut skipped: Vec<(&ChangedFile, SkipReason)>,
    save_dir: &Path,
) -> Applied {
    written.sort();
    skipped.sort_by(|(a, _), (b, _)| a.path.cmp(&b.path));
    Applied {
        written,
        skipped: skipped
            .into_iter()
            .map(|(change, reason)| SkippedFile {
                path: change.path.clone(),
                reason,
                saved_patch: save_patch(save_dir, change),
            })
            .collect(),
    }
}

/// Whether the change's file under `workdir` may be written: neither it nor a directory on the
/// way to it is a symbolic link, it still holds the snapshot's bytes (or is still absent), and its
/// owner may write it.
fn may_write(workdir: &Path, change: &ChangedFile) -> Result<(), SkipReason> {
    let target = workdir.join(&change.path);
    let target = target.as_path();
    let mut on_the_way = workdir.to_owned();
    for component in change.path.components() {
        on_the_way.push(component);
        if std::fs::symlink_metadata(&on_the_way).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(SkipReason::ThroughLink);
        }
    }
    let unreadable = |error: io::Error| SkipReason::Unreadable {
        error: error.to_string(),
    };
    let current = match std::fs::read(target) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(unreadable(error)),
    };
    if current != change.before {
        return Err(SkipReason::ChangedDuringRun);
    }
    if current.is_some() {
        let metadata = std::fs::metadata(target).map_err(unreadable)?;
        if denies_its_owner_writing(&metadata.permissions()) {
            return Err(SkipReason::ReadOnly);
        }
    }
    Ok(())
}

/// Whether the permission bits say the file is not to be written. The bits, not a trial write:
/// the apply renames a new file over the old one, which the old one's bits do not prevent, and
/// root may write any file anyway; the bits are how the user said "leave this alone".
#[cfg(unix)]
fn denies_its_owner_writing(permissions: &std::fs::Permissions) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    permissions.mode() & 0o200 == 0
}

#[cfg(not(unix))]
fn denies_its_owner_writing(permissions: &std::fs::Permissions) -> bool {
    permissions.readonly()
}

/// Saves the change as a unified diff at the file's path under `save_dir` with `.patch` added;
/// `None` if even that fails.
fn save_patch(save_dir: &Path, change: &ChangedFile) -> Option<PathBuf> {
    let patch = Patch::from_contents([(
        change.path.clone(),
        change.before.as_deref(),
        change.after.as_deref(),
    )]);
    let mut name = change.path.clone().into_os_string();
    name.push(".patch");
    let file = save_dir.join(name);
    std::fs::create_dir_all(file.parent()?).ok()?;
    std::fs::write(&file, patch.unified_diff()).ok()?;
    Some(file)
}

#[cfg(test)]
mod tests;
