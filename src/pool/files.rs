//! The file-system work of the pool's worktrees: links retargeted and refused, inputs copied in,
//! target directories seeded and timestamps inherited, all with `cp -a` in its own process group.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::PoolError;
use crate::layout::Layout;

/// Fails if `relative`, or any directory on the way to it inside `root`, is a symbolic link.
pub(super) fn refuse_links(root: &Path, relative: &Path) -> Result<(), PoolError> {
    let mut path = root.to_owned();
    for component in relative.components() {
        path.push(component);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(PoolError::ThroughLink(relative.to_owned()));
        }
    }
    Ok(())
}

/// Points the worktree's links where they lead in the user's tree (see `Layout::retargets`). A
/// checkout puts back the stored targets, so this follows every checkout.
pub(super) fn retarget_links(worktree: &Path, layout: &Layout) -> Result<(), PoolError> {
    for (link, target) in layout.retargets() {
        let path = worktree.join(link);
        if std::fs::read_link(&path).is_ok_and(|current| &current == target) {
            continue;
        }
        let io = |source| PoolError::Io {
            context: format!(
                "pointing the link {} at {}",
                path.display(),
                target.display()
            ),
            source,
        };
        match std::fs::remove_file(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(io(error)),
            _ => {}
        }
        make_link(target, &path).map_err(io)?;
    }
    Ok(())
}

#[cfg(unix)]
pub(super) fn make_link(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
pub(super) fn make_link(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "symbolic links are supported on unix only",
    ))
}

/// Copies the layout's inputs (submodules' working trees, ignored files the build reads) from the
/// user's tree into a worktree, timestamps kept; a submodule's `.git` link stays behind.
pub(super) fn copy_inputs(worktree: &Path, layout: &Layout) -> Result<(), PoolError> {
    for input in layout.inputs() {
        let source = layout.checkout().join(input);
        let destination = worktree.join(input);
        refuse_links(worktree, input)?;
        let copied = if source.is_dir() {
            std::fs::create_dir_all(&destination)
                .and_then(|()| copy_tree(&source.join("."), &destination))
                .and_then(|()| remove_git_link(&destination.join(".git")))
        } else {
            destination
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| copy_tree(&source, &destination))
        };
        copied.map_err(|source| PoolError::Io {
            context: format!("copying {} into {}", input.display(), worktree.display()),
            source,
        })?;
    }
    Ok(())
}

fn remove_git_link(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
}

/// `cp -a`: contents, permissions and timestamps (cargo's freshness reads the latter).
pub(super) fn copy_tree(source: &Path, destination: &Path) -> std::io::Result<()> {
    let output = copy_command().arg(source).arg(destination).output()?;
    copied(&output)
}

/// `cp -a`, in its own process group and with its stderr captured. A Ctrl-C at the terminal
/// signals the terminal's foreground process group, ours: the run's handler turns it into a stop,
/// while a `cp` in that group would die midway and fail the set-up. And only reporters print.
pub(super) fn copy_command() -> Command {
    let mut command = Command::new("cp");
    command
        .arg("-a")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    command
}

/// `Ok` if `cp` succeeded, else an error with its exit status and what it said.
pub(super) fn copied(output: &Output) -> std::io::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    Err(std::io::Error::other(format!(
        "cp -a exited with {}: {}",
        output.status,
        said.trim_end()
    )))
}

pub(super) fn write_file(path: &Path, text: &str) -> Result<(), PoolError> {
    std::fs::write(path, text).map_err(|source| PoolError::Io {
        context: format!("writing {}", path.display()),
        source,
    })
}

/// Gives each file under `worktree` (below `relative`) the modification time of the user's file
/// at the same path, where both hold the same bytes. cargo then judges freshness in the worktree
/// exactly as it would in the user's tree: a file the user built unchanged stays fresh, one edited
/// since the user's last build is rebuilt. Best effort: a file left as checked out is only rebuilt.
pub(super) fn inherit_mtimes(worktree: &Path, user_tree: &Path, relative: &Path) {
    let Ok(entries) = std::fs::read_dir(worktree.join(relative)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if relative.as_os_str().is_empty() && name == ".git" {
            continue;
        }
        let path = relative.join(&name);
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => inherit_mtimes(worktree, user_tree, &path),
            Ok(kind) if kind.is_file() => {
                let ours = worktree.join(&path);
                let theirs = user_tree.join(&path);
                let Ok(their_metadata) = std::fs::metadata(&theirs) else {
                    continue;
                };
                let same_size = entry
                    .metadata()
                    .is_ok_and(|m| m.len() == their_metadata.len());
                if !same_size || std::fs::read(&ours).ok() != std::fs::read(&theirs).ok() {
                    continue;
                }
                if let (Ok(modified), Ok(file)) = (
                    their_metadata.modified(),
                    std::fs::File::options().write(true).open(&ours),
                ) {
                    let _ = file.set_modified(modified);
                }
            }
            _ => {}
        }
    }
}

/// Copies a build directory keeping modification times, which cargo's freshness checks read: a
/// plain copy makes cargo rebuild half the graph. Never hard links: cargo writes fingerprints in
/// place, and a hard-linked copy would let one tree's build vouch for another's sources. A failed
/// copy is not an error, only a colder first check.
pub(super) fn copy_with_timestamps(source: &Path, destination: &Path) {
    if !source.is_dir() {
        return;
    }
    if let Some(parent) = destination.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let mut command = copy_command();
    if cfg!(target_os = "linux") {
        command.arg("--reflink=auto");
    }
    let outcome = command.arg(source).arg(destination).output();
    if let Err(error) = outcome.and_then(|output| copied(&output)) {
        tracing::warn!(
            "could not seed {} from {}: {error}",
            destination.display(),
            source.display()
        );
    }
}
