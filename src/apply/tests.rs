use super::*;

fn change(path: &str, before: &str, after: &str) -> ChangedFile {
    ChangedFile {
        path: PathBuf::from(path),
        before: Some(before.as_bytes().to_vec()),
        after: Some(after.as_bytes().to_vec()),
    }
}

/// A tree of `files` in a temporary directory.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn read(dir: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(dir.path().join(path)).unwrap()
}

/// Every file under `dir` but the saved patches, to see that no temporary is left.
fn files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(next) = dirs.pop() {
        for entry in std::fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("saved") {
                dirs.push(path);
            } else if path.is_file() {
                let relative = path.strip_prefix(dir).unwrap();
                files.push(relative.display().to_string());
            }
        }
    }
    files.sort();
    files
}

fn paths(skipped: &[SkippedFile]) -> Vec<(&Path, &SkipReason)> {
    skipped
        .iter()
        .map(|file| (file.path.as_path(), &file.reason))
        .collect()
}

/// The real disk, but the step named fails for `path`.
struct FailingFor {
    path: PathBuf,
    at_commit: bool,
}

impl Writer for FailingFor {
    fn stage(&mut self, target: &Path, contents: &[u8]) -> io::Result<TempPath> {
        if !self.at_commit && target.ends_with(&self.path) {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        Disk.stage(target, contents)
    }

    fn commit(&mut self, staged: Staged, target: &Path) -> io::Result<()> {
        if self.at_commit && target.ends_with(&self.path) {
            return Err(io::Error::new(io::ErrorKind::NotFound, "directory gone"));
        }
        Disk.commit(staged, target)
    }
}

fn held_back_because_of(paths: &[&str]) -> SkipReason {
    SkipReason::HeldBack {
        because_of: paths.iter().map(PathBuf::from).collect(),
    }
}

#[cfg(unix)]
#[test]
fn nothing_is_written_through_a_symbolic_link_nor_anything_else() {
    let outside = tree(&[("shared/b.rs", "old b"), ("c.rs", "old c")]);
    let dir = tree(&[("a.rs", "old a")]);
    std::os::unix::fs::symlink(outside.path().join("shared"), dir.path().join("src")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("c.rs"), dir.path().join("c.rs")).unwrap();
    let applied = apply_changes(
        dir.path(),
        &[
            change("a.rs", "old a", "new a"),
            change("src/b.rs", "old b", "new b"),
            change("c.rs", "old c", "new c"),
        ],
        &dir.path().join("saved"),
    );
    assert_eq!(applied.written, Vec::<PathBuf>::new());
    assert_eq!(
        paths(&applied.skipped),
        [
            (
                Path::new("a.rs"),
                &held_back_because_of(&["c.rs", "src/b.rs"])
            ),
            (Path::new("c.rs"), &SkipReason::ThroughLink),
            (Path::new("src/b.rs"), &SkipReason::ThroughLink),
        ]
    );
    assert_eq!(read(&dir, "a.rs"), "old a");
    assert_eq!(read(&outside, "shared/b.rs"), "old b");
    assert_eq!(read(&outside, "c.rs"), "old c");
    assert!(dir.path().join("c.rs").is_symlink());
}

#[test]
fn a_file_the_user_edited_holds_back_the_whole_fix_and_every_patch_is_saved() {
    let dir = tree(&[("a.rs", "old a"), ("src/b.rs", "edited by the user")]);
    let save_dir = dir.path().join("saved");
    let applied = apply_changes(
        dir.path(),
        &[
            change("a.rs", "old a", "new a"),
            change("src/b.rs", "old b", "new b"),
        ],
        &save_dir,
    );
    assert_eq!(applied.written, Vec::<PathBuf>::new());
    assert_eq!(read(&dir, "a.rs"), "old a");
    assert_eq!(read(&dir, "src/b.rs"), "edited by the user");
    assert_eq!(
        paths(&applied.skipped),
        [
            (Path::new("a.rs"), &held_back_because_of(&["src/b.rs"])),
            (Path::new("src/b.rs"), &SkipReason::ChangedDuringRun),
        ]
    );
    let saved: Vec<_> = applied
        .skipped
        .iter()
        .map(|file| file.saved_patch.clone().unwrap())
        .collect();
    assert_eq!(
        saved,
        [save_dir.join("a.rs.patch"), save_dir.join("src/b.rs.patch")]
    );
    assert!(
        std::fs::read_to_string(&saved[0])
            .unwrap()
            .contains("+new a")
    );
    assert!(
        std::fs::read_to_string(&saved[1])
            .unwrap()
            .contains("+new b")
    );
    assert_eq!(files(dir.path()), ["a.rs", "src/b.rs"]);
}

#[cfg(unix)]
#[test]
fn a_file_its_owner_may_not_write_is_left_alone_and_so_are_the_others() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tree(&[("locked.rs", "old"), ("script.sh", "old")]);
    let mode = |path: &str| {
        std::fs::metadata(dir.path().join(path))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let set = |path: &str, mode: u32| {
        std::fs::set_permissions(dir.path().join(path), std::fs::Permissions::from_mode(mode))
            .unwrap()
    };
    set("locked.rs", 0o444);
    set("script.sh", 0o751);
    let applied = apply_changes(
        dir.path(),
        &[
            change("locked.rs", "old", "new"),
            change("script.sh", "old", "new"),
        ],
        &dir.path().join("saved"),
    );
    assert_eq!(applied.written, Vec::<PathBuf>::new());
    assert_eq!(
        paths(&applied.skipped),
        [
            (Path::new("locked.rs"), &SkipReason::ReadOnly),
            (
                Path::new("script.sh"),
                &held_back_because_of(&["locked.rs"])
            ),
        ]
    );
    assert!(
        applied
            .skipped
            .iter()
            .all(|file| file.saved_patch.is_some())
    );
    assert_eq!(
        (read(&dir, "locked.rs"), mode("locked.rs")),
        ("old".into(), 0o444)
    );
    assert_eq!(
        (read(&dir, "script.sh"), mode("script.sh")),
        ("old".into(), 0o751)
    );
}

#[cfg(unix)]
#[test]
fn a_written_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tree(&[("script.sh", "old")]);
    let script = dir.path().join("script.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o751)).unwrap();
    let applied = apply_changes(
        dir.path(),
        &[change("script.sh", "old", "new")],
        &dir.path().join("saved"),
    );
    assert_eq!(applied.written, [PathBuf::from("script.sh")]);
    let mode = std::fs::metadata(&script).unwrap().permissions().mode() & 0o777;
    assert_eq!((read(&dir, "script.sh"), mode), ("new".into(), 0o751));
}

/// Applies a change to each of `a.rs`, `b.rs` and `c.rs` through a writer whose step for `b.rs`
/// fails: its staging, or with `at_commit` its rename.
fn three_files_with_b_failing(at_commit: bool) -> (tempfile::TempDir, Applied) {
    let dir = tree(&[("a.rs", "old a"), ("b.rs", "old b"), ("c.rs", "old c")]);
    let mut writer = FailingFor {
        path: PathBuf::from("b.rs"),
        at_commit,
    };
    let applied = apply_with(
        &mut writer,
        dir.path(),
        &[
            change("a.rs", "old a", "new a"),
            change("b.rs", "old b", "new b"),
            change("c.rs", "old c", "new c"),
        ],
        &dir.path().join("saved"),
    );
    (dir, applied)
}

#[test]
fn a_write_that_fails_before_the_renames_writes_nothing() {
    let (dir, applied) = three_files_with_b_failing(false);
    assert_eq!(applied.written, Vec::<PathBuf>::new());
    let held_back = held_back_because_of(&["b.rs"]);
    let failed = SkipReason::WriteFailed {
        error: "disk full".to_owned(),
    };
    assert_eq!(
        paths(&applied.skipped),
        [
            (Path::new("a.rs"), &held_back),
            (Path::new("b.rs"), &failed),
            (Path::new("c.rs"), &held_back),
        ]
    );
    assert!(
        applied
            .skipped
            .iter()
            .all(|file| file.saved_patch.is_some())
    );
    assert_eq!(
        [read(&dir, "a.rs"), read(&dir, "b.rs"), read(&dir, "c.rs")],
        ["old a", "old b", "old c"]
    );
    assert_eq!(files(dir.path()), ["a.rs", "b.rs", "c.rs"]);
}

/// The real disk, but the user saves `edited` just before `before` is renamed into place.
struct UserSavesDuringTheRenames {
    before: PathBuf,
    edited: PathBuf,
}

impl Writer for UserSavesDuringTheRenames {
    fn stage(&mut self, target: &Path, contents: &[u8]) -> io::Result<TempPath> {
        Disk.stage(target, contents)
    }

    fn commit(&mut self, staged: Staged, target: &Path) -> io::Result<()> {
        if target.ends_with(&self.before) {
            std::fs::write(&self.edited, "saved by the user")?;
        }
        Disk.commit(staged, target)
    }
}

#[test]
fn a_file_saved_between_staging_and_its_rename_is_skipped_and_the_lists_say_so() {
    let dir = tree(&[("a.rs", "old a"), ("b.rs", "old b"), ("c.rs", "old c")]);
    let mut writer = UserSavesDuringTheRenames {
        before: PathBuf::from("a.rs"),
        edited: dir.path().join("b.rs"),
    };
    let applied = apply_with(
        &mut writer,
        dir.path(),
        &[
            change("a.rs", "old a", "new a"),
            change("b.rs", "old b", "new b"),
            change("c.rs", "old c", "new c"),
        ],
        &dir.path().join("saved"),
    );
    assert_eq!(
        applied.written,
        [PathBuf::from("a.rs"), PathBuf::from("c.rs")]
    );
    assert_eq!(
        paths(&applied.skipped),
        [(Path::new("b.rs"), &SkipReason::ChangedDuringRun)]
    );
    assert!(applied.skipped[0].saved_patch.is_some());
    assert_eq!(
        [read(&dir, "a.rs"), read(&dir, "b.rs"), read(&dir, "c.rs")],
        ["new a", "saved by the user", "new c"]
    );
    assert_eq!(files(dir.path()), ["a.rs", "b.rs", "c.rs"]);
}

#[test]
fn a_rename_that_fails_part_way_reports_what_was_written_and_what_was_not() {
    let (dir, applied) = three_files_with_b_failing(true);
    assert_eq!(applied.written, [PathBuf::from("a.rs")]);
    assert_eq!(
        paths(&applied.skipped),
        [
            (
                Path::new("b.rs"),
                &SkipReason::WriteFailed {
                    error: "directory gone".to_owned()
                }
            ),
            (Path::new("c.rs"), &held_back_because_of(&["b.rs"])),
        ]
    );
    assert_eq!(
        [read(&dir, "a.rs"), read(&dir, "b.rs"), read(&dir, "c.rs")],
        ["new a", "old b", "old c"]
    );
    assert_eq!(files(dir.path()), ["a.rs", "b.rs", "c.rs"]);
}

#[test]
fn new_and_deleted_files_are_applied_like_the_others() {
    let dir = tree(&[("gone.rs", "old")]);
    let applied = apply_changes(
        dir.path(),
        &[
            ChangedFile {
                path: PathBuf::from("gone.rs"),
                before: Some(b"old".to_vec()),
                after: None,
            },
            ChangedFile {
                path: PathBuf::from("new.rs"),
                before: None,
                after: Some(b"fresh".to_vec()),
            },
        ],
        &dir.path().join("saved"),
    );
    assert_eq!(
        applied.written,
        [PathBuf::from("gone.rs"), PathBuf::from("new.rs")]
    );
    assert!(applied.skipped.is_empty());
    assert_eq!(files(dir.path()), ["new.rs"]);
    assert_eq!(read(&dir, "new.rs"), "fresh");
}
