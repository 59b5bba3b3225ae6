//! The compilation gate: `cargo check` of a candidate patch in a pooled worktree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::cargo::{Cargo, CargoError, Member};
use crate::config::{CargoSelection, GateKind};
use crate::git::Oid;
use crate::layout::Layout;
use crate::parse::{self, ParsedCheck, SourceRoot};
use crate::patch::Patch;
use crate::pool::{Lease, PoolError};
use crate::user_paths::UserPaths;
use crate::verdict::{self, TestRun};

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error(transparent)]
    Cargo(#[from] CargoError),
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error("a gate task panicked")]
    Panicked,
}

impl GateError {
    pub fn is_cancelled(&self) -> bool {
        matches!(self, GateError::Cargo(CargoError::Cancelled))
    }
}

/// What a check never reached (`Gate::unchecked`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unchecked {
    pub packages: BTreeSet<String>,
    /// Root files of test, bench and example targets.
    pub targets: Vec<PathBuf>,
}

/// Whether `file` belongs to the target whose root is `root`: the root itself, or, for a target
/// laid out as a directory (`tests/cli/main.rs`), any file in that directory.
fn in_target(file: &Path, root: &Path) -> bool {
    let directory = root
        .file_name()
        .is_some_and(|name| name == "main.rs" || name == "mod.rs");
    match root.parent() {
        Some(dir) if directory => file.starts_with(dir),
        _ => file == root,
    }
}

/// What one gate run saw: the diagnostics, and which packages were checked (`None`: the user's
/// whole selection), so that a verdict compares like with like.
#[derive(Debug)]
pub struct GateCheck {
    pub parsed: ParsedCheck,
    /// `cargo test` of the same packages, run when asked for and the check found no error.
    pub tests: Option<TestRun>,
    /// The end of cargo's stderr, for when cargo failed before reporting any diagnostic, with the
    /// user's paths for the worktree's.
    pub stderr_tail: String,
    pub packages: Option<BTreeSet<String>>,
}

/// Knows how to check the user's workspace inside any worktree.
#[derive(Debug)]
pub struct Gate {
    cargo: Cargo,
    selection: CargoSelection,
    /// The manifest the user selected, relative to the checkout root.
    manifest: PathBuf,
    /// The workspace root, relative to the checkout root.
    workspace: PathBuf,
    /// Members with directories relative to the checkout root, longest first.
    members: Vec<Member>,
    kind: GateKind,
    /// How the paths rustc names resolve; `None` takes them as named.
    layout: Option<Arc<Layout>>,
    /// The user's paths for the worktrees' in cargo's stderr; `None` leaves them as cargo said.
    user_paths: Option<UserPaths>,
}

impl Gate {
    pub fn new(
        cargo: Cargo,
        selection: CargoSelection,
        manifest: PathBuf,
        workspace: PathBuf,
        mut members: Vec<Member>,
        kind: GateKind,
    ) -> Gate {
        members.sort_by_key(|member| std::cmp::Reverse(member.dir.components().count()));
        Gate {
            cargo,
            selection,
            manifest,
            workspace,
            members,
            kind,
            layout: None,
            user_paths: None,
        }
    }

    /// Says the user's paths for the worktrees' in what cargo writes on stderr.
    pub fn with_user_paths(mut self, user_paths: UserPaths) -> Gate {
        self.user_paths = Some(user_paths);
        self
    }

    /// Resolves the paths rustc names through `layout`'s links, and keeps its inputs uneditable.
    pub fn with_layout(mut self, layout: Arc<Layout>) -> Gate {
        self.layout = Some(layout);
        self
    }

    /// The package owning `file`, by the deepest member directory that contains it.
    pub fn package_of(&self, file: &Path) -> Option<&str> {
        self.members
            .iter()
            .find(|member| file.starts_with(&member.dir))
            .map(|member| member.name.as_str())
    }

    /// What the check never reached: packages none of whose targets compiled or reported
    /// anything (a package they depend on failed first), and test, bench and example targets that
    /// neither compiled nor reported anything (their library failed first). Errors that show up
    /// there later were hidden, not caused.
    pub fn unchecked(&self, parsed: &ParsedCheck) -> Unchecked {
        let diagnosed: Vec<&Path> = parsed.diagnostics.iter().filter_map(|d| d.file()).collect();
        let targets = self
            .members
            .iter()
            .flat_map(|member| &member.separate_targets)
            .filter(|root| {
                !parsed.compiled_sources.contains(*root)
                    && !diagnosed.iter().any(|file| in_target(file, root))
            })
            .cloned()
            .collect();
        Unchecked {
            packages: self.unchecked_packages(parsed),
            targets,
        }
    }

    /// Whether `file` lies in what `unchecked` says the check never reached.
    pub fn is_unchecked(&self, file: &Path, unchecked: &Unchecked) -> bool {
        self.is_in(file, &unchecked.packages)
            || unchecked.targets.iter().any(|root| in_target(file, root))
    }

    /// Workspace packages the check never reached: no target of theirs compiled and no
    /// diagnostic points into them, because a package they depend on failed first.
    fn unchecked_packages(&self, parsed: &ParsedCheck) -> BTreeSet<String> {
        let reached: BTreeSet<&str> = parsed
            .compiled_sources
            .iter()
            .map(PathBuf::as_path)
            .chain(parsed.diagnostics.iter().filter_map(|d| d.file()))
            .filter_map(|file| self.package_of(file))
            .collect();
        self.members
            .iter()
            .filter(|member| !reached.contains(member.name.as_str()))
            .map(|member| member.name.clone())
            .collect()
    }

    /// What the user's `--gate` asks of every candidate.
    pub fn kind(&self) -> GateKind {
        self.kind
    }

    /// The paths that are, or pass through, a symbolic link (checkout-relative): never edited.
    pub fn links(&self) -> Vec<PathBuf> {
        self.layout
            .as_ref()
            .map(|layout| layout.links().map(Path::to_owned).collect())
            .unwrap_or_default()
    }

    /// Whether a result that compiles is also run through the crate's tests (`--gate test`).
    pub fn runs_tests(&self) -> bool {
        self.kind == GateKind::Test
    }

    /// Whether `file` belongs to one of `packages`.
    pub fn is_in(&self, file: &Path, packages: &BTreeSet<String>) -> bool {
        self.package_of(file)
            .is_some_and(|package| packages.contains(package))
    }

    /// The packages a patch touches, when the user did not narrow the selection already and
    /// every file has an owner; checking only those is what keeps a gate run cheap.
    fn narrowed(&self, patch: &Patch) -> Option<BTreeSet<String>> {
        if !self.selection.packages.is_empty() || self.members.len() < 2 {
            return None;
        }
        patch
            .paths()
            .map(|path| self.package_of(path).map(str::to_owned))
            .collect()
    }

    /// Checks `commit` with `patch` applied on top, in the leased worktree, and puts the
    /// worktree back to `commit` afterwards. The lease returns to the pool when this ends, or,
    /// if this future is dropped midway, when the blocking work it started ends.
    pub async fn check(
        &self,
        lease: Lease,
        commit: Oid,
        patch: Option<&Patch>,
        cancel: &CancellationToken,
    ) -> Result<GateCheck, GateError> {
        self.check_as(lease, commit, patch, cancel, self.kind).await
    }

    /// `check`, with the tests run (`GateKind::Test`) or not whatever the user's `--gate` says: a
    /// model's edit that compiles must pass the tests.
    pub async fn check_as(
        &self,
        lease: Lease,
        commit: Oid,
        patch: Option<&Patch>,
        cancel: &CancellationToken,
        kind: GateKind,
    ) -> Result<GateCheck, GateError> {
        self.check_observed(lease, commit, patch, cancel, kind, &|_| ())
            .await
    }

    /// `check_as`, with `observe` called on each line of the check's JSON output as cargo writes
    /// it: the first check's progress.
    pub async fn check_observed(
        &self,
        lease: Lease,
        commit: Oid,
        patch: Option<&Patch>,
        cancel: &CancellationToken,
        kind: GateKind,
        observe: &(dyn Fn(&str) + Sync),
    ) -> Result<GateCheck, GateError> {
        let patch = patch.cloned().unwrap_or_default();
        let (mut lease, prepared) = tokio::task::spawn_blocking(move || {
            let mut lease = lease;
            let slot = lease.slot();
            let prepared = slot.prepare(commit).and_then(|()| slot.write(&patch));
            (lease, prepared.map(|()| patch))
        })
        .await
        .map_err(|_| GateError::Panicked)?;
        let patch = prepared?;
        let worktree = lease.slot().path.clone();
        let target_dir = lease.slot().target_dir.clone();

        let packages = self.narrowed(&patch);
        let mut args = vec![
            "check".to_owned(),
            "--manifest-path".to_owned(),
            worktree.join(&self.manifest).to_string_lossy().into_owned(),
        ];
        args.extend(self.selection.check_args(packages.as_ref()));
        let run = self
            .cargo
            .run_observed(&worktree, Some(&target_dir), &args, cancel, observe)
            .await?;

        let stderr_tail = tail(&run.stderr, 20);
        let stderr_tail = match &self.user_paths {
            Some(user_paths) => user_paths.map(&stderr_tail),
            None => stderr_tail,
        };
        let root = SourceRoot {
            checkout: worktree.clone(),
            workspace: self.workspace.clone(),
            layout: self.layout.clone(),
        };
        let parsed = tokio::task::spawn_blocking(move || parse::parse_stream(&run.stdout, &root))
            .await
            .map_err(|_| GateError::Panicked)?;
        let green = parsed.build_succeeded == Some(true) && parsed.error_count() == 0;
        let tests = if kind == GateKind::Test && green {
            let mut args = vec![
                "test".to_owned(),
                "--manifest-path".to_owned(),
                worktree.join(&self.manifest).to_string_lossy().into_owned(),
            ];
            args.extend(self.selection.test_args(packages.as_ref()));
            let test = self
                .cargo
                .run(&worktree, Some(&target_dir), &args, cancel)
                .await?;
            Some(TestRun {
                passed: test.success,
                failed: verdict::failed_tests(&test.stdout),
                ran: verdict::test_count(&test.stdout),
                output: verdict::failure_output(&test.stdout),
            })
        } else {
            None
        };
        let restored = tokio::task::spawn_blocking(move || {
            let mut lease = lease;
            lease.slot().restore(&patch)
        })
        .await
        .map_err(|_| GateError::Panicked)?;
        restored?;
        Ok(GateCheck {
            parsed,
            tests,
            stderr_tail,
            packages,
        })
    }
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
