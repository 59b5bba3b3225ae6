//! The dependencies' API for a round: which crates its errors name, read once per run from where
//! cargo keeps them, with the version before a lockfile bump where its sources are on this
//! machine. The I/O edge of `api`: cargo metadata (offline), git (the earlier lockfile), files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

use super::error::blocking;
use crate::api::{self, CrateApi, DependencyApi, DependencyIndex};
use crate::cargo::{Cargo, Dependency};
use crate::dependency_sources;
use crate::diagnostic::Diagnostic;
use crate::git::{self, Repo};
use crate::patch::Sources;
use crate::summary::Origin;

/// How far back the history is searched for the lockfile as it was before a bump.
const LOCK_HISTORY_DEPTH: usize = 50;

/// What a run knows of its dependencies, learnt when a round's errors first name one.
#[derive(Debug)]
pub(super) struct DependencyLoader {
    cargo: Cargo,
    cwd: PathBuf,
    manifest: Option<PathBuf>,
    repo: Repo,
    /// The workspace's root, whose `Cargo.lock` is compared with the history's.
    root: PathBuf,
    known: OnceCell<Known>,
    /// The crates read so far, by the name code gives them: each at most once per run.
    read: Mutex<BTreeMap<String, Arc<DependencyApi>>>,
}

/// The direct dependencies, and the versions they were bumped from.
#[derive(Debug, Default)]
struct Known {
    dependencies: BTreeMap<String, Dependency>,
    /// Package name and version now → version before.
    bumped_from: BTreeMap<(String, String), String>,
}

impl DependencyLoader {
    pub(super) fn new(
        cargo: Cargo,
        cwd: PathBuf,
        manifest: Option<PathBuf>,
        repo: Repo,
        root: PathBuf,
    ) -> DependencyLoader {
        DependencyLoader {
            cargo,
            cwd,
            manifest,
            repo,
            root,
            known: OnceCell::new(),
            read: Mutex::default(),
        }
    }

    /// The index of the dependencies `diagnostics` name (see `api::named_crates`), reading those
    /// not read yet. A failure to learn or read anything is logged and leaves it out: the
    /// dependencies' API only adds proposals.
    pub(super) async fn index_for(
        &self,
        diagnostics: &[Diagnostic],
        sources: &Sources,
    ) -> DependencyIndex {
        let mut index = DependencyIndex::default();
        if !diagnostics.iter().any(Diagnostic::is_error) {
            return index;
        }
        let known = self.known.get_or_init(|| self.learn()).await;
        let names: BTreeSet<String> = known.dependencies.keys().cloned().collect();
        let named = api::named_crates(diagnostics, sources, &names);
        for name in named {
            let cached = self
                .read
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&name)
                .cloned();
            let api = match cached {
                Some(api) => api,
                None => {
                    let dependency = known.dependencies[&name].clone();
                    let from = known
                        .bumped_from
                        .get(&(dependency.package.clone(), dependency.version.clone()))
                        .cloned();
                    let read = blocking(move || read_dependency(&dependency, from)).await;
                    let Ok(Some(api)) = read else {
                        tracing::debug!("could not read the sources of {name}");
                        continue;
                    };
                    let api = Arc::new(api);
                    self.read
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(name.clone(), Arc::clone(&api));
                    api
                }
            };
            index.insert(&name, api);
        }
        index
    }

    /// For each of `diagnostics`, the bumped dependency it names (see
    /// `api::bumped_crate_named`), with both versions and its changelog; `None` for the others.
    /// Without a bump, nothing is read.
    pub(super) async fn origins(
        &self,
        diagnostics: &[Diagnostic],
        sources: &Sources,
    ) -> Vec<Option<Origin>> {
        let known = self.known.get_or_init(|| self.learn()).await;
        let bumped: BTreeMap<&str, (&Dependency, &str)> = known
            .dependencies
            .iter()
            .filter_map(|(name, dependency)| {
                let from = known
                    .bumped_from
                    .get(&(dependency.package.clone(), dependency.version.clone()))?;
                Some((name.as_str(), (dependency, from.as_str())))
            })
            .collect();
        if bumped.is_empty() {
            return vec![None; diagnostics.len()];
        }
        let index = self.index_for(diagnostics, sources).await;
        let names: BTreeSet<String> = bumped.keys().map(|&name| name.to_owned()).collect();
        let mut changelogs: BTreeMap<String, Option<PathBuf>> = BTreeMap::new();
        let mut origins = Vec::with_capacity(diagnostics.len());
        for diagnostic in diagnostics {
            let text = diagnostic.file().and_then(|file| sources.get(file));
            let named = api::bumped_crate_named(diagnostic, text, &names, &index);
            let Some((krate, (dependency, from))) =
                named.and_then(|krate| bumped.get(krate.as_str()).map(|found| (krate, *found)))
            else {
                origins.push(None);
                continue;
            };
            let changelog = match changelogs.get(&krate) {
                Some(found) => found.clone(),
                None => {
                    let root = dependency.lib_root.clone();
                    let found = blocking(move || dependency_sources::changelog(&root))
                        .await
                        .ok()
                        .flatten();
                    changelogs.insert(krate.clone(), found.clone());
                    found
                }
            };
            origins.push(Some(Origin {
                krate,
                from: from.to_owned(),
                to: dependency.version.clone(),
                changelog,
            }));
        }
        origins
    }

    /// The direct dependencies from `cargo metadata --frozen`, and the bumps between the
    /// lockfile and the last committed one that differs.
    async fn learn(&self) -> Known {
        let (cargo, cwd, manifest) = (self.cargo.clone(), self.cwd.clone(), self.manifest.clone());
        let dependencies =
            match blocking(move || cargo.dependencies(&cwd, manifest.as_deref())).await {
                Ok(Ok(found)) => found,
                Ok(Err(error)) => {
                    tracing::info!("the dependencies' API is left out: {error}");
                    return Known::default();
                }
                Err(error) => {
                    tracing::info!("the dependencies' API is left out: {error}");
                    return Known::default();
                }
            };
        let (repo, root) = (self.repo.clone(), self.root.clone());
        let bumps = blocking(move || lockfile_bumps(&repo, &root))
            .await
            .unwrap_or_default();
        Known {
            dependencies: dependencies
                .into_iter()
                .map(|d| (d.name.clone(), d))
                .collect(),
            bumped_from: bumps
                .into_iter()
                .map(|bump| ((bump.package, bump.to), bump.from))
                .collect(),
        }
    }
}

/// The bumps between the workspace's `Cargo.lock` and the newest committed one that differs.
fn lockfile_bumps(repo: &Repo, root: &Path) -> Vec<api::Bump> {
    let lock = root.join("Cargo.lock");
    let Ok(current) = std::fs::read_to_string(&lock) else {
        return Vec::new();
    };
    let workdir = std::fs::canonicalize(&repo.workdir).unwrap_or_else(|_| repo.workdir.clone());
    let lock = std::fs::canonicalize(&lock).unwrap_or(lock);
    let Ok(relative) = lock.strip_prefix(&workdir) else {
        return Vec::new();
    };
    match git::earlier_text(repo, relative, &current, LOCK_HISTORY_DEPTH) {
        Ok(Some(earlier)) => api::lockfile::bumps(&earlier, &current),
        Ok(None) => Vec::new(),
        Err(error) => {
            tracing::debug!("reading the earlier lockfile: {error}");
            Vec::new()
        }
    }
}

/// One dependency's API now and, when it was bumped from `from` and that version's sources are
/// beside it, before.
fn read_dependency(dependency: &Dependency, from: Option<String>) -> Option<DependencyApi> {
    let files = dependency_sources::read_library(&dependency.lib_root).ok()?;
    let current = CrateApi::read(&dependency.name, &files);
    let previous = from.and_then(|version| {
        let root = dependency_sources::sibling_version(
            &dependency.lib_root,
            &dependency.package,
            &version,
        )?;
        let files = dependency_sources::read_library(&root).ok()?;
        Some((version, CrateApi::read(&dependency.name, &files)))
    });
    Some(DependencyApi {
        version: dependency.version.clone(),
        current,
        previous,
    })
}
