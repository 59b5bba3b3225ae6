//! The one write to the user's tree: changed files only, each only if the user has not touched it
//! since the snapshot, each written atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::event::SkippedFile;
use crate::git::ChangedFile;
use crate::patch::Patch;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("writing {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub written: Vec<PathBuf>,
    pub skipped: Vec<SkippedFile>,
}

/// Writes each change whose file still holds exactly the snapshot's bytes. A file edited during
/// the run is left alone and its patch saved under `save_dir` instead.
pub fn apply_changes(
    workdir: &Path,
    changes: &[ChangedFile],
    save_dir: &Path,
) -> Result<Applied, ApplyError> {
    let mut applied = Applied::default();
    for change in changes {
        let path = workdir.join(&change.path);
        let current = std::fs::read(&path).ok();
        let (Some(after), true) = (&change.after, current == change.before) else {
            let saved_patch = save_patch(save_dir, change);
            applied.skipped.push(SkippedFile {
                path: change.path.clone(),
                saved_patch,
            });
            continue;
        };
        write_atomically(&path, after).map_err(|source| ApplyError::Write {
            path: path.clone(),
            source,
        })?;
        applied.written.push(change.path.clone());
    }
    Ok(applied)
}

/// Writes through a temporary file in the same directory and renames it over the original, so
/// that the file is either old or new, never half written; permissions are kept.
fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(path) {
        temporary
            .as_file()
            .set_permissions(metadata.permissions())?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Saves the change as a unified diff named after the file; `None` if even that fails.
fn save_patch(save_dir: &Path, change: &ChangedFile) -> Option<PathBuf> {
    let patch = Patch::from_contents([(
        change.path.clone(),
        change.before.as_deref(),
        change.after.as_deref(),
    )]);
    let name = change.path.display().to_string();
    let file = save_dir.join(format!("{}.patch", name.replace(['/', '\\'], "__")));
    std::fs::create_dir_all(save_dir).ok()?;
    std::fs::write(&file, patch.unified_diff()).ok()?;
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, before: &str, after: &str) -> ChangedFile {
        ChangedFile {
            path: PathBuf::from(path),
            before: Some(before.as_bytes().to_vec()),
            after: Some(after.as_bytes().to_vec()),
        }
    }

    #[test]
    fn untouched_files_are_written_and_edited_ones_saved_as_patches() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "old a").unwrap();
        std::fs::write(dir.path().join("b.rs"), "edited by the user").unwrap();
        let save_dir = dir.path().join("saved");
        let applied = apply_changes(
            dir.path(),
            &[
                change("a.rs", "old a", "new a"),
                change("b.rs", "old b", "new b"),
            ],
            &save_dir,
        )
        .unwrap();
        assert_eq!(applied.written, [PathBuf::from("a.rs")]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.rs")).unwrap(),
            "new a"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.rs")).unwrap(),
            "edited by the user"
        );
        let saved = applied.skipped[0].saved_patch.clone().unwrap();
        assert_eq!(saved, save_dir.join("b.rs.patch"));
        assert!(std::fs::read_to_string(saved).unwrap().contains("+new b"));
    }
}
