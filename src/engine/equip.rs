//! What the rounds work with, made in the set-up: the layout of the user's tree as cargo sees
//! it, the mirror of what lies outside the checkout, the pool of worktrees and the gate.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{RunError, blocking};
use super::prepare::{Setup, canonical};
use crate::cargo::{Cargo, Member, Workspace};
use crate::config::FixConfig;
use crate::gate::Gate;
use crate::git::{self, Oid, Repo};
use crate::inputs;
use crate::layout::{Layout, Mirror};
use crate::pool::{PoolSpec, WorktreePool};
use crate::run_dirs::RunDirs;
use crate::user_paths::UserPaths;

/// What `equip` made.
#[derive(Debug)]
pub(super) struct Equipment {
    pub(super) pool: WorktreePool,
    pub(super) gate: Gate,
}

/// Reads the layout of the snapshot and makes the mirror, the pool at the snapshot and the gate.
/// `exclude`: the target directory as the checkout sees it.
pub(super) async fn equip(
    config: &FixConfig,
    cargo: Cargo,
    repo: &Repo,
    setup: &Setup,
    exclude: &[PathBuf],
    snapshot: Oid,
) -> Result<Equipment, RunError> {
    let checkout = repo.workdir.clone();
    let layout = read_layout(config, repo, setup, exclude, snapshot).await?;
    let mirror = mirror(&setup.workspace, &checkout).await?;
    let work_dir = setup.dirs.work(setup.run);
    let user_paths = UserPaths::new(
        &work_dir,
        &mirror.nesting,
        &checkout,
        &setup.workspace.target_dir,
    );
    let target_dir = &setup.target_dir;
    // What the user's last build with this profile left (`--release`: `release/`).
    let profile = config.cargo.profile_dir();
    let mut seed = vec![(target_dir.join(profile), PathBuf::from(profile))];
    if let Some(triple) = &config.selection.target {
        seed.push((
            target_dir.join(triple).join(profile),
            Path::new(triple).join(profile),
        ));
    }
    let spec = PoolSpec {
        repo: repo.clone(),
        work_dir,
        prefix: RunDirs::worktree_prefix(setup.run),
        size: config.jobs.get(),
        seed,
        mtimes_from: Some(checkout.clone()),
        layout: Arc::clone(&layout),
        mirror,
    };
    let pool = blocking(move || WorktreePool::create(spec, snapshot)).await??;
    let gate = gate(config, cargo, &setup.workspace, &checkout)
        .with_layout(layout)
        .with_user_paths(user_paths);
    Ok(Equipment { pool, gate })
}

/// The snapshot's layout, with the ignored inputs the user's last build read.
async fn read_layout(
    config: &FixConfig,
    repo: &Repo,
    setup: &Setup,
    exclude: &[PathBuf],
    snapshot: Oid,
) -> Result<Arc<Layout>, RunError> {
    let target_dir = &setup.target_dir;
    let profile = config.cargo.profile_dir();
    let build_dirs: Vec<PathBuf> = std::iter::once(target_dir.join(profile))
        .chain(
            config
                .selection
                .target
                .iter()
                .map(|triple| target_dir.join(triple).join(profile)),
        )
        .collect();
    let (repo, exclude) = (repo.clone(), exclude.to_vec());
    let root = canonical(&setup.workspace.root);
    let layout = blocking(move || {
        let inputs = inputs::ignored_inputs(&repo, &build_dirs, &root, &exclude)?;
        git::read_layout(&repo, snapshot).map(|layout| layout.with_inputs(inputs))
    });
    Ok(Arc::new(layout.await??))
}

/// The mirror of the directories outside the checkout that the manifests reach.
async fn mirror(workspace: &Workspace, checkout: &Path) -> Result<Mirror, RunError> {
    // Manifests by their place in the canonical checkout, which the worktrees reproduce.
    let in_checkout = |dir: &Path| checkout.join(relative_to(&canonical(dir), checkout));
    let manifests: Vec<PathBuf> = std::iter::once(workspace.root.as_path())
        .chain(workspace.members.iter().map(|member| member.dir.as_path()))
        .map(|dir| in_checkout(dir).join("Cargo.toml"))
        .collect();
    let outside_members: Vec<PathBuf> = workspace
        .members
        .iter()
        .map(|member| canonical(&member.dir))
        .filter(|dir| !dir.starts_with(checkout))
        .collect();
    let checkout = checkout.to_owned();
    blocking(move || {
        let mut outside = inputs::outside_directories(&manifests, &checkout);
        outside.extend(outside_members);
        Mirror::new(&checkout, &outside)
    })
    .await
}

/// The gate, with the workspace's paths relative to the checkout.
fn gate(config: &FixConfig, cargo: Cargo, workspace: &Workspace, checkout: &Path) -> Gate {
    let members: Vec<Member> = workspace
        .members
        .iter()
        .map(|member| Member {
            name: member.name.clone(),
            dir: relative_to(&canonical(&member.dir), checkout),
            separate_targets: member
                .separate_targets
                .iter()
                .map(|root| relative_to(&canonical(root), checkout))
                .collect(),
        })
        .collect();
    Gate::new(
        cargo,
        config.selection.clone(),
        relative_to(&canonical(&workspace.manifest), checkout),
        relative_to(&canonical(&workspace.root), checkout),
        members,
        config.gate,
    )
}

/// `path` relative to `root`, or as it is when it lies outside.
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_owned(), Path::to_owned)
}
