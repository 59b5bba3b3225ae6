//! `WorkResult`, what a work job hands the merge job: the reports (with their patches) of the
//! scopes it worked, tied to its plan; and `collect`, the merge's reading of all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan_file::read_versioned;
use super::{MatrixError, PlanFile, SCHEMA_VERSION, TOOL_VERSION};
use crate::event::WorkerReport;

/// A work job's result, as written to `result.json` (documented in the README).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkResult {
    pub schema_version: u32,
    pub tool_version: String,
    /// The `plan_id` of the plan it worked.
    pub plan_id: String,
    /// The scopes it was given, in plan order (a job beyond the matrix is given none).
    pub scopes: Vec<String>,
    /// One report per scope, in plan order: what was fixed and how, what was left and why, and
    /// the patch (whole files, before and after).
    #[serde(with = "stored")]
    pub reports: Vec<WorkerReport>,
}

/// The reports as a work result stores them: whole, unlike their events (whose patch is a diff
/// and whose unfixed diagnostics keep no identity), since the merge job applies the patches and
/// carries every reason to the summary as a one-machine run would.
mod stored {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::diagnostic::Identity;
    use crate::error_code::ErrorCode;
    use crate::event::{Fix, Left, WorkerFailure, WorkerReport, WorkerStatus};
    use crate::llm::chat::Usage;
    use crate::patch::Patch;
    use crate::position::Position;
    use crate::reason::UnfixedReason;

    #[derive(Serialize, Deserialize)]
    struct Report {
        scope: String,
        code: Option<ErrorCode>,
        status: WorkerStatus,
        diagnostics: usize,
        failure: Option<WorkerFailure>,
        fixed: Vec<Fix>,
        unfixed: Vec<Unfixed>,
        patch: Option<Patch>,
        resolved: Vec<Identity>,
        gate_runs: usize,
        candidates: usize,
        tokens: Option<Usage>,
    }

    #[derive(Serialize, Deserialize)]
    struct Unfixed {
        target: Identity,
        detail: Option<String>,
        position: Option<Position>,
        reason: UnfixedReason,
    }

    pub fn serialize<S: Serializer>(
        reports: &[WorkerReport],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let stored: Vec<Report> = reports.iter().cloned().map(Report::from).collect();
        stored.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<WorkerReport>, D::Error> {
        let stored = Vec::<Report>::deserialize(deserializer)?;
        Ok(stored.into_iter().map(WorkerReport::from).collect())
    }

    impl From<WorkerReport> for Report {
        fn from(report: WorkerReport) -> Report {
            Report {
                scope: report.scope,
                code: report.code,
                status: report.status,
                diagnostics: report.diagnostics,
                failure: report.failure,
                fixed: report.fixed,
                unfixed: report
                    .unfixed
                    .into_iter()
                    .map(|left| Unfixed {
                        target: left.target,
                        detail: left.detail,
                        position: left.position,
                        reason: left.reason,
                    })
                    .collect(),
                patch: report.patch,
                resolved: report.resolved,
                gate_runs: report.gate_runs,
                candidates: report.candidates,
                tokens: report.tokens,
            }
        }
    }

    impl From<Report> for WorkerReport {
        fn from(report: Report) -> WorkerReport {
            WorkerReport {
                scope: report.scope,
                code: report.code,
                status: report.status,
                diagnostics: report.diagnostics,
                failure: report.failure,
                fixed: report.fixed,
                unfixed: report
                    .unfixed
                    .into_iter()
                    .map(|left| Left {
                        target: left.target,
                        detail: left.detail,
                        position: left.position,
                        reason: left.reason,
                    })
                    .collect(),
                patch: report.patch,
                resolved: report.resolved,
                gate_runs: report.gate_runs,
                candidates: report.candidates,
                tokens: report.tokens,
            }
        }
    }
}

impl WorkResult {
    pub fn new(plan: &PlanFile, scopes: Vec<String>, reports: Vec<WorkerReport>) -> WorkResult {
        WorkResult {
            schema_version: SCHEMA_VERSION,
            tool_version: TOOL_VERSION.to_owned(),
            plan_id: plan.plan_id.clone(),
            scopes,
            reports,
        }
    }

    pub fn from_json(text: &str, path: &Path) -> Result<WorkResult, MatrixError> {
        let result: WorkResult = read_versioned(text, path, "work result")?;
        if result.tool_version != TOOL_VERSION {
            return Err(MatrixError::OtherVersion {
                path: path.to_owned(),
                found: result.tool_version,
                ours: TOOL_VERSION.to_owned(),
            });
        }
        Ok(result)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a result serializes") + "\n"
    }
}

/// The reports of every scope of `plan`, in plan order, from `results` (each with the path it was
/// read from): refused when one is of another plan, when a scope is in two, or when a scope is in
/// none. The order the results are given in makes no difference.
pub fn collect(
    plan: &PlanFile,
    results: Vec<(PathBuf, WorkResult)>,
) -> Result<Vec<WorkerReport>, MatrixError> {
    let mut by_scope: BTreeMap<String, (PathBuf, WorkerReport)> = BTreeMap::new();
    for (path, result) in results {
        if result.plan_id != plan.plan_id {
            return Err(MatrixError::AnotherPlan {
                path,
                found: result.plan_id,
                expected: plan.plan_id.clone(),
            });
        }
        for report in result.reports {
            if !plan.scopes.iter().any(|scope| scope.id == report.scope) {
                return Err(MatrixError::UnknownScope(report.scope));
            }
            if let Some((first, _)) = by_scope.get(&report.scope) {
                return Err(MatrixError::Twice {
                    scope: report.scope.clone(),
                    first: first.clone(),
                    second: path,
                });
            }
            by_scope.insert(report.scope.clone(), (path.clone(), report));
        }
    }
    let missing: Vec<String> = plan
        .scopes
        .iter()
        .filter(|scope| !by_scope.contains_key(&scope.id))
        .map(|scope| scope.id.clone())
        .collect();
    if !missing.is_empty() {
        return Err(MatrixError::Missing(missing));
    }
    Ok(plan
        .scopes
        .iter()
        .filter_map(|scope| by_scope.remove(&scope.id).map(|(_, report)| report))
        .collect())
}
