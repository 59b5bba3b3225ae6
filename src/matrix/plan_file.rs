//! `PlanFile`, what the plan job hands the work and merge jobs: the tool's version, the sources it
//! was made for, the selection and the gate, the scopes, and a suggested matrix.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::bins::{Weighed, bin, weight};
use super::{MatrixError, SCHEMA_VERSION, TOOL_VERSION, fingerprint};
use crate::config::{CargoSelection, GateKind};
use crate::plan::Scope;

/// A plan, as written to `plan.json` (documented in the README, "Plan and result files").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    pub schema_version: u32,
    pub tool_version: String,
    /// The fingerprint of everything below but the matrix: every result repeats it, and the merge
    /// takes only results that do. Two plans of the same sources, selection and gate by the same
    /// version have the same id whatever their `--max-jobs`.
    pub plan_id: String,
    pub sources: PlanSources,
    pub selection: CargoSelection,
    pub gate: PlanGate,
    /// In plan order, which is the order their patches are merged in.
    pub scopes: Vec<Scope>,
    /// The suggested jobs: each job's scopes, in plan order.
    pub matrix: Vec<MatrixJob>,
}

/// The sources a plan was made for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSources {
    /// The git tree of the snapshot (the checked-out commit's files with any uncommitted change,
    /// the target directory left out): what the work and merge jobs must have too.
    pub tree: String,
    /// The commit checked out when the plan was made, for people; the tree decides.
    pub head: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanGate {
    Check,
    Test,
}

/// One job of the suggested matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixJob {
    /// 1-based, as `work --job` takes it.
    pub job: usize,
    pub scopes: Vec<String>,
    /// The estimated work of its scopes (`bins::weight`), in abstract units.
    pub weight: Weighed,
}

impl PlanFile {
    /// The plan of `scopes` for the sources `sources`, with a matrix of at most `max_jobs` jobs
    /// weighed with the sizes of the files (in bytes).
    pub fn new(
        sources: PlanSources,
        selection: &CargoSelection,
        gate: GateKind,
        scopes: Vec<Scope>,
        file_sizes: &BTreeMap<PathBuf, u64>,
        max_jobs: NonZeroUsize,
    ) -> PlanFile {
        let weights: Vec<Weighed> = scopes.iter().map(|s| weight(s, file_sizes)).collect();
        let matrix = bin(&weights, max_jobs)
            .into_iter()
            .enumerate()
            .map(|(at, indexes)| MatrixJob {
                job: at + 1,
                scopes: indexes.iter().map(|&i| scopes[i].id.clone()).collect(),
                weight: indexes.iter().map(|&i| weights[i]).sum(),
            })
            .collect();
        let mut plan = PlanFile {
            schema_version: SCHEMA_VERSION,
            tool_version: TOOL_VERSION.to_owned(),
            plan_id: String::new(),
            sources,
            selection: selection.clone(),
            gate: match gate {
                GateKind::Check => PlanGate::Check,
                GateKind::Test => PlanGate::Test,
            },
            scopes,
            matrix,
        };
        plan.plan_id = plan.computed_id();
        plan
    }

    /// Reads a plan written by this version of the tool (`path` names it in errors).
    pub fn from_json(text: &str, path: &Path) -> Result<PlanFile, MatrixError> {
        let plan: PlanFile = read_versioned(text, path, "plan")?;
        if plan.tool_version != TOOL_VERSION {
            return Err(MatrixError::OtherVersion {
                path: path.to_owned(),
                found: plan.tool_version,
                ours: TOOL_VERSION.to_owned(),
            });
        }
        let computed = plan.computed_id();
        if plan.plan_id != computed {
            return Err(MatrixError::Tampered {
                stated: plan.plan_id,
                computed,
            });
        }
        Ok(plan)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan serializes") + "\n"
    }

    /// The matrix as GitHub Actions' `fromJSON` takes it: `{"include": [{"job": 1, …}, …]}`.
    pub fn matrix_json(&self) -> String {
        serde_json::json!({ "include": self.matrix }).to_string()
    }

    /// Refuses sources other than the plan's (`tree`, the snapshot's tree here).
    pub fn admit_sources(&self, tree: &str) -> Result<(), MatrixError> {
        if self.sources.tree == tree {
            return Ok(());
        }
        Err(MatrixError::OtherSources {
            planned: self.sources.tree.clone(),
            here: tree.to_owned(),
        })
    }

    /// The scopes of job `job` (1-based) of the matrix; none for a job beyond it, so that a CI
    /// with a fixed number of parallel jobs may run more than the plan needs.
    pub fn scopes_of_job(&self, job: usize) -> Result<Vec<String>, MatrixError> {
        if job == 0 {
            return Err(MatrixError::UnknownJob {
                job,
                jobs: self.matrix.len(),
            });
        }
        Ok(self
            .matrix
            .get(job - 1)
            .map(|entry| entry.scopes.clone())
            .unwrap_or_default())
    }

    /// `ids` checked against the plan, in plan order.
    pub fn scopes_named(&self, ids: &[String]) -> Result<Vec<String>, MatrixError> {
        if let Some(unknown) = ids
            .iter()
            .find(|id| !self.scopes.iter().any(|s| s.id == **id))
        {
            return Err(MatrixError::UnknownScope(unknown.clone()));
        }
        Ok(self
            .scopes
            .iter()
            .filter(|scope| ids.contains(&scope.id))
            .map(|scope| scope.id.clone())
            .collect())
    }

    /// The cargo selection the plan was made with.
    pub fn cargo_selection(&self) -> CargoSelection {
        self.selection.clone()
    }

    pub fn gate_kind(&self) -> GateKind {
        match self.gate {
            PlanGate::Check => GateKind::Check,
            PlanGate::Test => GateKind::Test,
        }
    }

    /// The fingerprint of the plan without its id and matrix.
    fn computed_id(&self) -> String {
        let identified = serde_json::json!({
            "schema_version": self.schema_version,
            "tool_version": self.tool_version,
            "sources": self.sources.tree,
            "selection": self.selection,
            "gate": self.gate,
            "scopes": self.scopes,
        });
        fingerprint(&identified.to_string())
    }
}

/// Reads a file of the matrix's contract: its schema version first, so that a file of another
/// version is named as such rather than as unreadable.
pub(super) fn read_versioned<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    what: &'static str,
) -> Result<T, MatrixError> {
    #[derive(Deserialize)]
    struct Versioned {
        schema_version: u32,
    }
    let unreadable = |error: serde_json::Error| MatrixError::Unreadable {
        path: path.to_owned(),
        what,
        reason: error.to_string(),
    };
    let Versioned { schema_version } = serde_json::from_str(text).map_err(unreadable)?;
    if schema_version != SCHEMA_VERSION {
        return Err(MatrixError::Schema {
            path: path.to_owned(),
            found: schema_version,
            expected: SCHEMA_VERSION,
        });
    }
    serde_json::from_str(text).map_err(unreadable)
}

/// Refuses a check here whose scopes differ from the plan's (`planned`): by id and by the errors'
/// identities, which hold no line or offset.
pub fn same_scopes(planned: &[Scope], here: &[Scope]) -> Result<(), MatrixError> {
    let identities = |scope: &Scope| -> Vec<crate::diagnostic::Identity> {
        scope.diagnostics.iter().map(|d| d.identity()).collect()
    };
    let by_id = |scopes: &[Scope]| -> BTreeMap<String, Vec<crate::diagnostic::Identity>> {
        scopes
            .iter()
            .map(|s| (s.id.clone(), identities(s)))
            .collect()
    };
    let (planned, here) = (by_id(planned), by_id(here));
    let mut differing: Vec<String> = planned
        .iter()
        .filter(|(id, identities)| here.get(*id) != Some(identities))
        .map(|(id, _)| id.clone())
        .chain(here.keys().filter(|id| !planned.contains_key(*id)).cloned())
        .collect();
    differing.sort();
    differing.dedup();
    if differing.is_empty() {
        Ok(())
    } else {
        Err(MatrixError::OtherErrors { differing })
    }
}
