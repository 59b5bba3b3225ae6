//! A round's accepted patches integrated on its base: merged edit by edit, gated together, and
//! when the whole is worse than its parts promised, rebuilt from the patches that help.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::error::{RunError, blocking};
use super::merge::Rebuild;
use super::session::Session;
use super::state::RunState;
use crate::candidate;
use crate::diagnostic::Identity;
use crate::event::WorkerReport;
use crate::gate::{GateCheck, Unchecked};
use crate::git::{self, Oid};
use crate::parse::ParsedCheck;
use crate::patch::{self, FileChange, Patch, Sources};
use crate::verdict;

/// Patches merged onto a round's base, committed.
struct Integration {
    commit: Oid,
    /// The merged patches as one patch on the base.
    patch: Patch,
    /// Indexes (into the round's accepted patches) of those merged, in order.
    merged: Vec<usize>,
    /// Indexes of those that conflicted with an earlier one, left for the next round.
    conflicted: Vec<usize>,
}

/// The merged result of a round.
pub(super) struct Merge {
    pub(super) commit: Oid,
    pub(super) after: ParsedCheck,
    pub(super) kept: Vec<usize>,
    pub(super) deferred: Vec<usize>,
    pub(super) backed_out: Vec<usize>,
}

/// Merges the accepted patches, gates the result, and backs out patches one by one if the merged
/// whole is worse than its parts promised.
pub(super) async fn merge_round(
    session: &Session,
    state: &mut RunState,
    accepted: &[&WorkerReport],
) -> Result<Merge, RunError> {
    let RunState {
        base,
        current,
        gate_runs,
        ..
    } = state;
    let merging = Merging::new(session, *base, current, accepted);
    let all: Vec<usize> = (0..accepted.len()).collect();
    let integration = merging.integrate(&all).await?;
    let check = session.check(integration.commit, gate_runs).await?;
    if merging.accepts(&integration.merged, &check) {
        return Ok(Merge {
            commit: integration.commit,
            after: check.parsed,
            kept: integration.merged,
            deferred: integration.conflicted,
            backed_out: Vec::new(),
        });
    }
    // What the merge itself caused, rustc may fix: the integration with those fixes, checked once.
    if let Some(commit) = merging.follow_up(&integration, &check).await? {
        let followed = session.check(commit, gate_runs).await?;
        if merging.accepts(&integration.merged, &followed) {
            return Ok(Merge {
                commit,
                after: followed.parsed,
                kept: integration.merged,
                deferred: integration.conflicted,
                backed_out: Vec::new(),
            });
        }
    }
    // Worse together than apart: rebuild from the base, keeping only what helps, the suspects
    // that the check just made names last (`Rebuild`).
    let suspects = merging.suspects(&integration.merged, &check);
    tracing::info!(
        "the round's patches merged did worse than apart ({} errors left); suspects: {}",
        check.parsed.error_count(),
        suspects
            .iter()
            .map(|&i| accepted[i].scope.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (innocent, suspected): (Vec<usize>, Vec<usize>) = integration
        .merged
        .iter()
        .partition(|index| !suspects.contains(index));
    let mut merge = Merge {
        commit: *base,
        after: current.clone(),
        kept: Vec::new(),
        deferred: integration.conflicted,
        backed_out: Vec::new(),
    };
    let mut rebuild = Rebuild::new(innocent, suspected);
    while let Some(chunk) = rebuild.next_chunk() {
        let mut attempt = merge.kept.clone();
        attempt.extend(&chunk);
        let integration = merging.integrate(&attempt).await?;
        let passed = integration.merged.len() == attempt.len() && {
            let check = session.check(integration.commit, gate_runs).await?;
            let passed = merging.accepts(&attempt, &check);
            if passed {
                (merge.commit, merge.after) = (integration.commit, check.parsed);
            }
            passed
        };
        if passed {
            merge.kept = attempt;
        } else {
            tracing::info!(
                "backing out or splitting: {}",
                chunk
                    .iter()
                    .map(|&i| accepted[i].scope.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        rebuild.judged(chunk, passed);
    }
    merge.backed_out = rebuild.backed_out;
    merge.backed_out.sort_unstable();
    Ok(merge)
}

/// A round's accepted patches, integrated on its base and judged against its check.
struct Merging<'a> {
    session: &'a Session,
    base: Oid,
    current: &'a ParsedCheck,
    accepted: &'a [&'a WorkerReport],
    /// What the round's check did not reach.
    unchecked: Unchecked,
}

impl<'a> Merging<'a> {
    fn new(
        session: &'a Session,
        base: Oid,
        current: &'a ParsedCheck,
        accepted: &'a [&'a WorkerReport],
    ) -> Merging<'a> {
        let unchecked = session.gate.unchecked(current);
        Merging {
            session,
            base,
            current,
            accepted,
            unchecked,
        }
    }

    /// The base with the patches at `indexes` merged edit by edit (`patch::merge`), those that
    /// conflict left out, committed. Positions in the result are into `indexes`' patches.
    async fn integrate(&self, indexes: &[usize]) -> Result<Integration, RunError> {
        let empty = Patch::default();
        let chosen: Vec<&Patch> = indexes
            .iter()
            .map(|&i| self.accepted[i].patch.as_ref().unwrap_or(&empty))
            .collect();
        let merged = patch::merge(&chosen);
        let (repo, base) = (self.session.repo.clone(), self.base);
        let files = merged.files;
        let before = |path: &PathBuf| {
            chosen
                .iter()
                .find_map(|patch| patch.files.get(path).map(|change| change.before.clone()))
                .unwrap_or_default()
        };
        let whole = Patch {
            files: files
                .iter()
                .map(|(path, after)| {
                    let change = FileChange {
                        before: before(path),
                        after: after.clone(),
                    };
                    (path.clone(), change)
                })
                .collect(),
        };
        let commit = blocking(move || {
            git::commit_files(&repo, base, &files, "cargo-fix-swarm: merged fixes")
        })
        .await??;
        let position = |at: &usize| indexes[*at];
        Ok(Integration {
            commit,
            patch: whole,
            merged: merged.merged.iter().map(position).collect(),
            conflicted: merged.conflicted.iter().map(position).collect(),
        })
    }

    /// The integration extended with rustc's own fixes for the errors the merge caused, committed:
    /// two patches that each import a name (one rewrites a misspelt `use`, the other adds the
    /// `use` rustc suggested for the name's uses) leave it imported twice, E0252, whose fix rustc
    /// gives. `None` when some new error has no fix the meaning guard lets through.
    async fn follow_up(
        &self,
        integration: &Integration,
        after: &GateCheck,
    ) -> Result<Option<Oid>, RunError> {
        let targets = self.targets(&integration.merged);
        let comparison = verdict::compare(
            &self.current.diagnostics,
            &targets,
            &after.parsed.diagnostics,
        );
        if comparison.appeared.is_empty() || !comparison.remaining.is_empty() {
            return Ok(None);
        }
        let base = Sources::new(
            integration
                .patch
                .files
                .iter()
                .map(|(path, change)| (path.clone(), change.before.clone()))
                .collect(),
        );
        let Some((edits, _labels)) = candidate::follow_up(
            &base,
            &integration.patch,
            &after.parsed,
            &comparison.appeared,
        ) else {
            return Ok(None);
        };
        let Ok(followed) = Patch::from_edits(&base, &edits) else {
            return Ok(None);
        };
        let files: BTreeMap<PathBuf, String> = followed
            .files
            .into_iter()
            .map(|(path, change)| (path, change.after))
            .collect();
        let (repo, base) = (self.session.repo.clone(), self.base);
        let commit = blocking(move || {
            git::commit_files(&repo, base, &files, "cargo-fix-swarm: merged fixes")
        })
        .await??;
        Ok(Some(commit))
    }

    /// The targets the patches at `indexes` fixed.
    fn targets(&self, indexes: &[usize]) -> Vec<Identity> {
        indexes
            .iter()
            .flat_map(|&i| self.accepted[i].fixed.iter().map(|fix| fix.target.clone()))
            .collect()
    }

    /// The patches at `indexes` that `after`, the check of them merged, points at: those whose
    /// targets are still there, and those that changed a file where an error appeared.
    fn suspects(&self, indexes: &[usize], after: &GateCheck) -> BTreeSet<usize> {
        let targets: Vec<Identity> = indexes
            .iter()
            .flat_map(|&i| self.accepted[i].fixed.iter().map(|fix| fix.target.clone()))
            .collect();
        let comparison = verdict::compare(
            &self.current.diagnostics,
            &targets,
            &after.parsed.diagnostics,
        );
        let named = |identities: &[Identity]| -> Vec<String> {
            identities
                .iter()
                .take(8)
                .map(|i| format!("{:?} {} in {:?}", i.code, i.message, i.file))
                .collect()
        };
        tracing::info!(
            "merged: {} targets remain {:?}; {} errors appeared {:?}; {} revealed behind",
            comparison.remaining.len(),
            named(&comparison.remaining),
            comparison.appeared.len(),
            named(&comparison.appeared),
            comparison.behind.len(),
        );
        let files_with_new_errors: BTreeSet<&Path> = comparison
            .appeared
            .iter()
            .chain(&comparison.behind)
            .filter_map(|identity| identity.file.as_deref())
            .collect();
        indexes
            .iter()
            .copied()
            .filter(|&i| {
                let report = self.accepted[i];
                let stayed = report
                    .fixed
                    .iter()
                    .any(|fix| comparison.remaining.contains(&fix.target));
                let touched = report
                    .patch
                    .as_ref()
                    .is_some_and(|patch| patch.paths().any(|p| files_with_new_errors.contains(p)));
                stayed || touched
            })
            .collect()
    }

    /// Whether `after`, the check of the patches at `indexes` merged, passes the gate's verdict
    /// on their targets.
    fn accepts(&self, indexes: &[usize], after: &GateCheck) -> bool {
        let targets: Vec<Identity> = indexes
            .iter()
            .flat_map(|&i| self.accepted[i].fixed.iter().map(|fix| fix.target.clone()))
            .collect();
        let gate = &self.session.gate;
        let verdict = verdict::judge(&self.current.diagnostics, &targets, &after.parsed, |file| {
            gate.is_unchecked(file, &self.unchecked)
        });
        verdict::with_tests(verdict, after.tests.as_ref()).is_accepted()
    }
}
