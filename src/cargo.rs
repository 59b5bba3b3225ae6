//! The one module that runs cargo: `cargo metadata` to learn the workspace, and `cargo check`,
//! `cargo test` and `cargo fix` with explicit directories and target dirs, each in its own process
//! group that is killed whole when the run no longer wants its result.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};

use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _};
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

mod clock;
mod flags;
mod message;

pub use clock::{CargoClock, CargoTime};
pub use flags::{CargoFlags, Profile};
pub use message::error_message;

/// A workspace member: its name and the directory of its manifest, relative to the checkout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub dir: PathBuf,
    /// Root source files of its test, bench and example targets: cargo builds them only once
    /// the library compiles, so a check can fail to reach them while it reaches the package.
    pub separate_targets: Vec<PathBuf>,
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

/// A library the workspace's members depend on directly, as `cargo metadata` places it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The name code gives the crate (a rename in the manifest applied, `-` as `_`).
    pub name: String,
    /// The package's name, as the lockfile spells it.
    pub package: String,
    pub version: String,
    /// Absolute path of the library's root file (`…/registry/src/…/rand-0.9.0/src/lib.rs`).
    pub lib_root: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum CargoError {
    #[error("could not run `{}`: {source}", program.to_string_lossy())]
    Spawn {
        program: OsString,
        source: std::io::Error,
    },
    /// `stderr`: cargo's error as `error_message` words it.
    #[error("cargo could not read the workspace: {stderr}")]
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
    clock: CargoClock,
    /// The user's pass-through flags, given to every cargo this runs.
    flags: CargoFlags,
}

impl Cargo {
    pub fn from_env() -> Cargo {
        Cargo {
            program: std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")),
            clock: CargoClock::default(),
            flags: CargoFlags::default(),
        }
    }

    /// The same cargo, giving `flags` to every process it runs.
    pub fn with_flags(self, flags: CargoFlags) -> Cargo {
        Cargo { flags, ..self }
    }

    /// The same cargo with a clock of its own, which its clones share: for one run's time.
    pub fn with_new_clock(&self) -> Cargo {
        Cargo {
            program: self.program.clone(),
            clock: CargoClock::default(),
            flags: self.flags.clone(),
        }
    }

    /// How long cargo ran through this `Cargo` and its clones (`cargo metadata` aside).
    pub fn time(&self) -> CargoTime {
        self.clock.time()
    }

    /// Runs `cargo metadata` as `command` says, its failure as a `CargoError`.
    fn run_metadata(
        &self,
        command: &cargo_metadata::MetadataCommand,
    ) -> Result<cargo_metadata::Metadata, CargoError> {
        let mut command = command.clone();
        if let Some(target_dir) = &self.flags.target_dir {
            command.env("CARGO_TARGET_DIR", target_dir);
        }
        command.exec().map_err(|error| match error {
            cargo_metadata::Error::CargoMetadata { stderr } => CargoError::Metadata {
                stderr: error_message(&stderr),
            },
            cargo_metadata::Error::Io(source) => CargoError::Spawn {
                program: self.program.clone(),
                source,
            },
            other => CargoError::MetadataOutput(other.to_string()),
        })
    }

    /// Reads the workspace without resolving dependencies, which would write a Cargo.lock.
    pub fn metadata(&self, cwd: &Path, manifest: Option<&Path>) -> Result<Workspace, CargoError> {
        let mut command = cargo_metadata::MetadataCommand::new();
        command
            .cargo_path(&self.program)
            .current_dir(cwd)
            .no_deps()
            .other_options(self.flags.global_args());
        if let Some(manifest) = manifest {
            command.manifest_path(manifest);
        }
        let metadata = self.run_metadata(&command)?;
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
                separate_targets: package
                    .targets
                    .iter()
                    .filter(|target| target.is_test() || target.is_bench() || target.is_example())
                    .map(|target| target.src_path.as_std_path().to_owned())
                    .collect(),
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

    /// The libraries the workspace's members depend on directly, where cargo keeps their
    /// sources. `--frozen`: from the lockfile as it is and what is already on this machine, so
    /// that it never writes the lockfile and never reaches the network (a dependency not
    /// downloaded yet makes it fail, and the run goes on without the dependencies' API).
    pub fn dependencies(
        &self,
        cwd: &Path,
        manifest: Option<&Path>,
    ) -> Result<Vec<Dependency>, CargoError> {
        let frozen = CargoFlags {
            frozen: true,
            ..self.flags.clone()
        };
        let mut command = cargo_metadata::MetadataCommand::new();
        command
            .cargo_path(&self.program)
            .current_dir(cwd)
            .other_options(frozen.global_args());
        if let Some(manifest) = manifest {
            command.manifest_path(manifest);
        }
        let metadata = self.run_metadata(&command)?;
        let Some(resolve) = &metadata.resolve else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for node in &resolve.nodes {
            if !metadata.workspace_members.contains(&node.id) {
                continue;
            }
            for dep in &node.deps {
                let Some(package) = metadata.packages.iter().find(|p| p.id == dep.pkg) else {
                    continue;
                };
                if metadata.workspace_members.contains(&package.id) {
                    continue;
                }
                let lib = package
                    .targets
                    .iter()
                    .find(|t| t.is_lib() || t.is_proc_macro() || t.is_rlib());
                let Some(lib) = lib else { continue };
                let dependency = Dependency {
                    name: dep.name.replace('-', "_"),
                    package: package.name.to_string(),
                    version: package.version.to_string(),
                    lib_root: lib.src_path.as_std_path().to_owned(),
                };
                if !found.contains(&dependency) {
                    found.push(dependency);
                }
            }
        }
        Ok(found)
    }

    /// About how many units (`compiler-artifact` messages) a check of the workspace's members
    /// reports: a library (and a build script) per package of the resolved graph, and each target
    /// of the members, their libraries' tests too. `--frozen` as for `dependencies`: no lockfile
    /// written, no network; without a lockfile there is no estimate. Unlike `metadata`, run as a
    /// check is, in its own process group and killed with it when this future is dropped: it
    /// runs beside the first check and must not outlive it.
    pub async fn unit_estimate(
        &self,
        cwd: &Path,
        manifest: Option<&Path>,
        cancel: &CancellationToken,
    ) -> Result<usize, CargoError> {
        let frozen = CargoFlags {
            frozen: true,
            ..self.flags.clone()
        };
        let mut command = Command::new(&self.program);
        command
            .args(["metadata", "--format-version", "1"])
            .args(frozen.global_args());
        if let Some(manifest) = manifest {
            command.arg("--manifest-path").arg(manifest);
        }
        let run = self.wait_for(command, cwd, cancel, &|_| (), false).await?;
        if !run.success {
            return Err(CargoError::Metadata {
                stderr: error_message(&run.stderr),
            });
        }
        let metadata = cargo_metadata::MetadataCommand::parse(run.stdout.trim())
            .map_err(|error| CargoError::MetadataOutput(error.to_string()))?;
        Ok(units_of(&metadata))
    }

    /// Runs cargo with `args` (the subcommand first: `check`, `test` or `fix`, each of which takes
    /// the user's build flags, inserted right after it, and `--target-dir`) in `cwd`, its build
    /// output in `target_dir`, else in the user's `--target-dir`, else where cargo's
    /// configuration says.
    /// When `cancel` fires, or
    /// when this future is dropped before cargo ends (a worker's timeout), cargo is killed with
    /// every rustc and build script it started.
    pub async fn run(
        &self,
        cwd: &Path,
        target_dir: Option<&Path>,
        args: &[String],
        cancel: &CancellationToken,
    ) -> Result<CargoRun, CargoError> {
        self.run_observed(cwd, target_dir, args, cancel, &|_| ())
            .await
    }

    /// `run`, with `observe` called on each line of cargo's stdout as it comes (the first check's
    /// progress, from cargo's JSON messages).
    pub async fn run_observed(
        &self,
        cwd: &Path,
        target_dir: Option<&Path>,
        args: &[String],
        cancel: &CancellationToken,
        observe: &(dyn Fn(&str) + Sync),
    ) -> Result<CargoRun, CargoError> {
        let mut command = Command::new(&self.program);
        if let Some((subcommand, rest)) = args.split_first() {
            command
                .arg(subcommand)
                .args(self.flags.build_args())
                .args(rest);
        }
        if let Some(target_dir) = target_dir {
            // As a flag too, which outranks a `--config build.target-dir` of the user's: a gate
            // must build in its own directory, never in one the gates share.
            command.arg("--target-dir").arg(target_dir);
        }
        if let Some(target_dir) = target_dir.or(self.flags.target_dir.as_deref()) {
            command.env("CARGO_TARGET_DIR", target_dir);
        }
        self.wait_for(command, cwd, cancel, observe, true).await
    }

    /// Runs `command` in `cwd` to its end in its own process group (killed whole when `cancel`
    /// fires or this future is dropped), each stdout line shown to `observe`; `timed`: counted
    /// on the clock.
    async fn wait_for(
        &self,
        mut command: Command,
        cwd: &Path,
        cancel: &CancellationToken,
        observe: &(dyn Fn(&str) + Sync),
        timed: bool,
    ) -> Result<CargoRun, CargoError> {
        if cancel.is_cancelled() {
            return Err(CargoError::Cancelled);
        }
        command
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // Its own group, so that the group can be killed without killing us; and so that Ctrl-C
        // in a terminal, which signals the whole foreground group, reaches only us: we decide
        // what to stop, and nothing dies mid-way in a way we would misread as a failed build.
        #[cfg(unix)]
        command.process_group(0);
        let child = command.spawn().map_err(|source| CargoError::Spawn {
            program: self.program.clone(),
            source,
        })?;
        let _timed = timed.then(|| self.clock.start());
        let mut running = Running::new(child);
        let (stdout, stderr, status) = tokio::select! {
            output = running.finish(observe) => output.map_err(|source| CargoError::Spawn {
                program: self.program.clone(),
                source,
            })?,
            // Returning drops `running`, which kills the group.
            () = cancel.cancelled() => return Err(CargoError::Cancelled),
        };
        Ok(CargoRun {
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            success: status.success(),
        })
    }
}

/// A cargo process leading its own process group. Dropped before cargo was reaped, it kills the
/// group: cargo, and the rustc and build-script processes it started, which `kill_on_drop` alone
/// (cargo only) would leave running, orphaned, for as long as their work takes.
#[derive(Debug)]
struct Running {
    child: Child,
    /// The group's id (cargo's pid) while cargo is unreaped; `None` after, because the id may
    /// then be reused by an unrelated process.
    #[cfg(unix)]
    group: Option<rustix::process::Pid>,
}

impl Running {
    fn new(child: Child) -> Running {
        Running {
            #[cfg(unix)]
            group: child
                .id()
                .and_then(|id| i32::try_from(id).ok())
                .and_then(rustix::process::Pid::from_raw),
            child,
        }
    }

    /// Reads cargo's output to its end, each line of stdout shown to `observe`, then reaps it.
    async fn finish(
        &mut self,
        observe: &(dyn Fn(&str) + Sync),
    ) -> std::io::Result<(Vec<u8>, Vec<u8>, ExitStatus)> {
        let (stdout, stderr) = tokio::try_join!(
            read_lines(self.child.stdout.take(), observe),
            read_all(self.child.stderr.take())
        )?;
        let status = self.child.wait().await?;
        // Reaped: no signal may go to that id any more. Nothing awaits between the two lines, so
        // a drop cannot come in between.
        #[cfg(unix)]
        {
            self.group = None;
        }
        Ok((stdout, stderr, status))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Runs before the `child` field is dropped (and reaped by `kill_on_drop`), so the group id
        // is still cargo's.
        #[cfg(unix)]
        if let Some(group) = self.group.take() {
            let killed = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            if let Err(error) = killed {
                tracing::debug!("killing cargo's process group: {error}");
            }
        }
    }
}

async fn read_all(pipe: Option<impl AsyncRead + Unpin>) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_end(&mut bytes).await?;
    }
    Ok(bytes)
}

/// What `Cargo::unit_estimate` says of `metadata`.
fn units_of(metadata: &cargo_metadata::Metadata) -> usize {
    let Some(resolve) = &metadata.resolve else {
        return 0;
    };
    resolve
        .nodes
        .iter()
        .filter_map(|node| metadata.packages.iter().find(|p| p.id == node.id))
        .map(|package| {
            if metadata.workspace_members.contains(&package.id) {
                let lib_tests = usize::from(package.targets.iter().any(|t| t.is_lib()));
                package.targets.len() + lib_tests
            } else {
                1 + usize::from(package.targets.iter().any(|t| t.is_custom_build()))
            }
        })
        .sum()
}

/// Reads `pipe` to its end, showing each line to `observe` as it arrives.
async fn read_lines(
    pipe: Option<impl AsyncRead + Unpin>,
    observe: &(dyn Fn(&str) + Sync),
) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(pipe) = pipe {
        let mut reader = tokio::io::BufReader::new(pipe);
        loop {
            let start = bytes.len();
            if reader.read_until(b'\n', &mut bytes).await? == 0 {
                break;
            }
            observe(&String::from_utf8_lossy(&bytes[start..]));
        }
    }
    Ok(bytes)
}

/// The manifest cargo would use from `cwd`: the nearest member directory at or above it.
fn locate_manifest(cwd: &Path, members: &[Member]) -> Option<PathBuf> {
    let cwd = std::fs::canonicalize(cwd).ok()?;
    cwd.ancestors()
        .find_map(|dir| members.iter().find(|m| m.dir == dir))
        .map(|member| member.dir.join("Cargo.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_counts_each_members_targets_and_its_libs_tests() {
        let recorded = include_str!("../tests/data/metadata-path-dependency.json");
        let metadata = cargo_metadata::MetadataCommand::parse(recorded).unwrap();
        assert_eq!(units_of(&metadata), 4);
    }
}
