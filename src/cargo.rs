//! The one module that runs cargo: `cargo metadata` to learn the workspace, and `cargo check`,
//! `cargo test` and `cargo fix` with explicit directories and target dirs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;
use tokio_util::sync::CancellationToken;

/// A workspace member: its name and the directory of its manifest, relative to the checkout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub dir: PathBuf,
}

/// What `cargo metadata` says of the user's workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    /// Absolute.
    pub root: PathBuf,
    /// Absolute; where cargo builds, and under which our worktrees live.
    pub target_dir: PathBuf,
    /// Absolute path of the manifest cargo resolved (`--manifest-path` or the one found upwards).
    pub manifest: PathBuf,
    /// Members with absolute directories.
    pub members: Vec<Member>,
}

#[derive(Debug, thiserror::Error)]
pub enum CargoError {
    #[error("could not run `{}`: {source}", program.to_string_lossy())]
    Spawn {
        program: OsString,
        source: std::io::Error,
    },
    #[error("cargo could not read the workspace:\n{stderr}")]
    Metadata { stderr: String },
    #[error("cargo metadata: {0}")]
    MetadataOutput(String),
    #[error("cancelled")]
    Cancelled,
}

/// The output of one cargo invocation.
#[derive(Clone, Debug)]
pub struct CargoRun {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
}

/// How to run cargo: the binary cargo itself told us about (cargo sets `$CARGO` for subcommands),
/// else `cargo` from `PATH`.
#[derive(Clone, Debug)]
pub struct Cargo {
    program: OsString,
}

impl Cargo {
    pub fn from_env() -> Cargo {
        Cargo {
            program: std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")),
        }
    }

    /// Reads the workspace without resolving dependencies, which would write a Cargo.lock.
    pub fn metadata(&self, cwd: &Path, manifest: Option<&Path>) -> Result<Workspace, CargoError> {
        let mut command = cargo_metadata::MetadataCommand::new();
        command.cargo_path(&self.program).current_dir(cwd).no_deps();
        if let Some(manifest) = manifest {
            command.manifest_path(manifest);
        }
        let metadata = command.exec().map_err(|error| match error {
            cargo_metadata::Error::CargoMetadata { stderr } => CargoError::Metadata {
                stderr: stderr.trim_end().to_owned(),
            },
            cargo_metadata::Error::Io(source) => CargoError::Spawn {
                program: self.program.clone(),
                source,
            },
            other => CargoError::MetadataOutput(other.to_string()),
        })?;
        let root = PathBuf::from(metadata.workspace_root.as_std_path());
        let members: Vec<Member> = metadata
            .workspace_packages()
            .into_iter()
            .map(|package| Member {
                name: package.name.to_string(),
                dir: package
                    .manifest_path
                    .parent()
                    .map_or_else(|| root.clone(), |dir| dir.as_std_path().to_owned()),
            })
            .collect();
        let manifest = match manifest {
            Some(path) if path.is_absolute() => path.to_owned(),
            Some(path) => cwd.join(path),
            None => locate_manifest(cwd, &members).unwrap_or_else(|| root.join("Cargo.toml")),
        };
        Ok(Workspace {
            target_dir: metadata.target_directory.as_std_path().to_owned(),
            manifest,
            members,
            root,
        })
    }

    /// Runs cargo with `args` in `cwd`, its build output in `target_dir`; killed when `cancel` fires.
    pub async fn run(
        &self,
        cwd: &Path,
        target_dir: Option<&Path>,
        args: &[String],
        cancel: &CancellationToken,
    ) -> Result<CargoRun, CargoError> {
        let mut command = Command::new(&self.program);
        command
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(target_dir) = target_dir {
            command.env("CARGO_TARGET_DIR", target_dir);
        }
        let child = command.spawn().map_err(|source| CargoError::Spawn {
            program: self.program.clone(),
            source,
        })?;
        let output = tokio::select! {
            output = child.wait_with_output() => output.map_err(|source| CargoError::Spawn {
                program: self.program.clone(),
                source,
            })?,
            () = cancel.cancelled() => return Err(CargoError::Cancelled),
        };
        Ok(CargoRun {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            success: output.status.success(),
        })
    }
}

/// The manifest cargo would use from `cwd`: the nearest member directory at or above it.
fn locate_manifest(cwd: &Path, members: &[Member]) -> Option<PathBuf> {
    let cwd = std::fs::canonicalize(cwd).ok()?;
    cwd.ancestors()
        .find_map(|dir| members.iter().find(|m| m.dir == dir))
        .map(|member| member.dir.join("Cargo.toml"))
}
