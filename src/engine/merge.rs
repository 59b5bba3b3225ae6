//! The order in which a round's accepted patches are merged: pure, deterministic, no I/O.

use std::collections::BTreeMap;

use crate::diagnostic::Identity;
use crate::event::WorkerReport;

/// A round's patches as the merge takes them.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct MergeOrder<'a> {
    /// To merge, in this order.
    pub(super) merged: Vec<&'a WorkerReport>,
    /// Left out: every target they fixed, an earlier patch resolved already.
    pub(super) superseded: Vec<&'a WorkerReport>,
}

/// The accepted patches in merge order: those that resolved the most errors first (plan order
/// among equals), without those whose targets an earlier patch resolved already. A fix of a root
/// cause (an import) thus wins over a fix of its symptom (a type parameter invented for the name
/// the import would have brought). Reports without a patch take no part.
pub(super) fn order_for_merge(reports: &[WorkerReport]) -> MergeOrder<'_> {
    let mut candidates: Vec<&WorkerReport> = reports.iter().filter(|r| r.patch.is_some()).collect();
    // A stable sort: plan order among equals.
    candidates.sort_by_key(|report| std::cmp::Reverse(report.resolved.len()));
    let mut resolved: BTreeMap<&Identity, usize> = BTreeMap::new();
    let mut order = MergeOrder {
        merged: Vec::new(),
        superseded: Vec::new(),
    };
    for report in candidates {
        if !report.fixed.is_empty() && is_resolved_by(&resolved, report) {
            order.superseded.push(report);
            continue;
        }
        for identity in &report.resolved {
            *resolved.entry(identity).or_default() += 1;
        }
        order.merged.push(report);
    }
    order
}

/// Whether every target `report` fixed (counted: two errors of one identity need two) is among
/// what earlier patches resolved.
fn is_resolved_by(resolved: &BTreeMap<&Identity, usize>, report: &WorkerReport) -> bool {
    let mut needed: BTreeMap<&Identity, usize> = BTreeMap::new();
    for fix in &report.fixed {
        *needed.entry(&fix.target).or_default() += 1;
    }
    needed
        .iter()
        .all(|(identity, count)| resolved.get(identity).copied().unwrap_or(0) >= *count)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::event::{Fix, WorkerStatus};
    use crate::patch::Patch;

    fn identity(message: &str) -> Identity {
        Identity {
            code: None,
            message: message.to_owned(),
            file: Some(PathBuf::from("src/lib.rs")),
            at: String::new(),
            causes: Vec::new(),
        }
    }

    /// A completed report of `scope` that fixed `fixed` and resolved `resolved`, with a patch
    /// unless it fixed nothing.
    fn report(scope: &str, fixed: &[&str], resolved: &[&str]) -> WorkerReport {
        WorkerReport {
            scope: scope.to_owned(),
            code: None,
            status: WorkerStatus::Completed,
            diagnostics: fixed.len(),
            failure: None,
            fixed: fixed
                .iter()
                .map(|message| Fix {
                    target: identity(message),
                    position: "src/lib.rs:1:1".to_owned(),
                    how: "a fix".to_owned(),
                })
                .collect(),
            unfixed: Vec::new(),
            patch: (!fixed.is_empty()).then(Patch::default),
            resolved: resolved.iter().map(|message| identity(message)).collect(),
            gate_runs: 1,
            candidates: 1,
            tokens: None,
        }
    }

    fn scopes(reports: &[&WorkerReport]) -> Vec<String> {
        reports.iter().map(|report| report.scope.clone()).collect()
    }

    fn check(reports: &[WorkerReport], merged: &[&str], superseded: &[&str]) {
        let order = order_for_merge(reports);
        assert_eq!(scopes(&order.merged), merged);
        assert_eq!(scopes(&order.superseded), superseded);
    }

    #[test]
    fn the_patch_that_resolved_the_most_goes_first() {
        let reports = [
            report("a", &["x"], &["x"]),
            report("b", &["y"], &["y", "z", "w"]),
            report("c", &["v"], &["v", "u"]),
        ];
        check(&reports, &["b", "c", "a"], &[]);
    }

    #[test]
    fn equals_keep_the_plan_order() {
        let reports = [
            report("a", &["x"], &["x"]),
            report("b", &["y"], &["y"]),
            report("c", &["z"], &["z"]),
        ];
        check(&reports, &["a", "b", "c"], &[]);
    }

    #[test]
    fn a_patch_whose_targets_an_earlier_one_resolved_is_superseded() {
        let reports = [
            report(
                "symptom",
                &["cannot find type `T`"],
                &["cannot find type `T`"],
            ),
            report(
                "import",
                &["unresolved import"],
                &["unresolved import", "cannot find type `T`"],
            ),
        ];
        check(&reports, &["import"], &["symptom"]);
    }

    #[test]
    fn a_target_counted_twice_needs_two_resolutions() {
        let reports = [
            report("root", &["r"], &["r", "x"]),
            report("twice", &["x", "x"], &["x", "x"]),
        ];
        // Equals in plan order; one resolution of `x` is not the two that "twice" fixed.
        check(&reports, &["root", "twice"], &[]);
        let reports = [
            report("root", &["r"], &["r", "x", "x"]),
            report("twice", &["x", "x"], &["x", "x"]),
        ];
        check(&reports, &["root"], &["twice"]);
    }

    #[test]
    fn an_empty_report_is_skipped() {
        let reports = [report("empty", &[], &[]), report("a", &["x"], &["x"])];
        check(&reports, &["a"], &[]);
    }
}
