//! The order in which a round's accepted patches are merged, and in which they are tried again
//! when together they did worse than apart: pure, deterministic, no I/O.

use std::collections::{BTreeMap, VecDeque};

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

/// The order in which a round's patches are added back, on top of what was kept, when together
/// they did worse than apart: the patches the failed check does not point at (`innocent`) first
/// as one chunk, which usually passes in one check; then the suspects one by one. A chunk that
/// fails is halved, so one bad patch among fifty costs about a dozen checks rather than fifty.
#[derive(Debug)]
pub(super) struct Rebuild {
    chunks: VecDeque<Vec<usize>>,
    /// The patches that failed alone on top of what was kept.
    pub(super) backed_out: Vec<usize>,
}

impl Rebuild {
    pub(super) fn new(innocent: Vec<usize>, suspected: Vec<usize>) -> Rebuild {
        let mut chunks = VecDeque::new();
        if !innocent.is_empty() {
            chunks.push_back(innocent);
        }
        chunks.extend(suspected.into_iter().map(|index| vec![index]));
        Rebuild {
            chunks,
            backed_out: Vec::new(),
        }
    }

    /// The patches to add next to what was kept, `None` when all are judged.
    pub(super) fn next_chunk(&mut self) -> Option<Vec<usize>> {
        self.chunks.pop_front()
    }

    /// Takes in whether `chunk`, added to what was kept, passed (and so is kept now).
    pub(super) fn judged(&mut self, chunk: Vec<usize>, passed: bool) {
        if passed {
            return;
        }
        match chunk.as_slice() {
            [] => {}
            [one] => self.backed_out.push(*one),
            _ => {
                let (first, second) = chunk.split_at(chunk.len() / 2);
                self.chunks.push_front(second.to_vec());
                self.chunks.push_front(first.to_vec());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::event::{Fix, WorkerStatus};
    use crate::patch::Patch;
    use crate::position::Position;
    use crate::reason::KeptReason;

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
                    position: Position::parse("src/lib.rs:1:1"),
                    how: "a fix".to_owned(),
                    change: String::new(),
                    by: "test".to_owned(),
                    why: KeptReason::OnlyProposal,
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

    /// Runs a rebuild against `bad` (a chunk passes when it holds none of them); returns what was
    /// kept, what was backed out, and how many checks it took.
    fn rebuild(
        innocent: Vec<usize>,
        suspected: Vec<usize>,
        bad: &[usize],
    ) -> (Vec<usize>, Vec<usize>, usize) {
        let mut rebuild = Rebuild::new(innocent, suspected);
        let (mut kept, mut checks) = (Vec::new(), 0);
        while let Some(chunk) = rebuild.next_chunk() {
            checks += 1;
            let passed = !chunk.iter().any(|index| bad.contains(index));
            if passed {
                kept.extend(&chunk);
            }
            rebuild.judged(chunk, passed);
        }
        kept.sort_unstable();
        (kept, rebuild.backed_out, checks)
    }

    #[test]
    fn one_bad_patch_among_fifty_costs_a_dozen_checks_not_fifty() {
        let all: Vec<usize> = (0..50).collect();
        let (kept, backed_out, checks) = rebuild(all, Vec::new(), &[37]);
        assert_eq!(backed_out, [37]);
        assert_eq!(kept, (0..50).filter(|i| *i != 37).collect::<Vec<_>>());
        assert!(checks <= 13, "{checks} checks");
    }

    #[test]
    fn the_suspects_the_check_named_cost_one_check_each_after_the_rest() {
        let (kept, backed_out, checks) = rebuild((0..48).collect(), vec![48, 49], &[49]);
        assert_eq!(backed_out, [49]);
        assert_eq!(kept, (0..49).collect::<Vec<_>>());
        // The innocent in one check, then each suspect.
        assert_eq!(checks, 3);
    }

    #[test]
    fn every_patch_bad_backs_out_every_patch() {
        let (kept, mut backed_out, _) = rebuild(vec![0, 1, 2], vec![3], &[0, 1, 2, 3]);
        backed_out.sort_unstable();
        assert!(kept.is_empty());
        assert_eq!(backed_out, [0, 1, 2, 3]);
    }
}
