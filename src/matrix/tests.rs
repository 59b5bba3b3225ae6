use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use super::*;
use crate::config::{CargoSelection, GateKind, NamedTarget, TargetSelection};
use crate::event::{WorkerReport, WorkerStatus};
use crate::patch::{FileChange, Patch};
use crate::plan::{self, Scope};
use crate::specialist::testing::{diagnostic, sources, span_of};

/// A plan of three scopes (two codes, one of them in two files) for tree `tree`.
fn scopes() -> Vec<Scope> {
    let sources = sources(&[
        ("src/a.rs", "fn a() { let x: u8 = conut; }\n"),
        ("src/b.rs", "fn b() { sumary(); let y: String = \"s\"; }\n"),
    ]);
    let diagnostics = [
        diagnostic(
            "E0425",
            "cannot find value `conut`",
            span_of(&sources, "src/a.rs", "conut", 0),
        ),
        diagnostic(
            "E0425",
            "cannot find function `sumary`",
            span_of(&sources, "src/b.rs", "sumary", 0),
        ),
        diagnostic(
            "E0308",
            "mismatched types",
            span_of(&sources, "src/b.rs", "\"s\"", 0),
        ),
    ];
    plan::plan(&diagnostics, 1).scopes
}

fn plan_file(tree: &str, max_jobs: usize) -> PlanFile {
    let selection = CargoSelection {
        packages: vec!["demo".to_owned()],
        exclude: vec!["slow".to_owned()],
        targets: TargetSelection::Some {
            lib: true,
            bins: false,
            tests: true,
            examples: false,
            benches: true,
            named: vec![NamedTarget::Bin("tool".to_owned())],
        },
        ..CargoSelection::default()
    };
    let sizes: BTreeMap<PathBuf, u64> = [(PathBuf::from("src/b.rs"), 20_000)].into();
    PlanFile::new(
        PlanSources {
            tree: tree.to_owned(),
            head: Some("abc".to_owned()),
        },
        &selection,
        GateKind::Test,
        scopes(),
        &sizes,
        NonZeroUsize::new(max_jobs).unwrap(),
    )
}

fn report(scope: &str) -> WorkerReport {
    let mut patch = Patch::default();
    patch.files.insert(
        PathBuf::from("src/a.rs"),
        FileChange {
            before: "conut".to_owned(),
            after: "count".to_owned(),
        },
    );
    WorkerReport {
        scope: scope.to_owned(),
        code: None,
        status: WorkerStatus::Completed,
        diagnostics: 1,
        failure: None,
        fixed: Vec::new(),
        unfixed: vec![crate::event::Left {
            target: scopes()[0].diagnostics[0].identity(),
            detail: Some("expected `u32`, found `String`".to_owned()),
            position: None,
            reason: crate::reason::UnfixedReason::NoProposal,
        }],
        patch: Some(patch),
        resolved: Vec::new(),
        gate_runs: 2,
        candidates: 3,
        tokens: None,
    }
}

#[test]
fn a_plan_reads_back_as_written_with_its_selection_and_gate() {
    let plan = plan_file("tree1", 2);
    assert_eq!(plan.scopes.len(), 3);
    let read = PlanFile::from_json(&plan.to_json(), Path::new("plan.json")).unwrap();
    assert_eq!(read, plan);
    assert_eq!(read.gate_kind(), GateKind::Test);
    assert_eq!(read.cargo_selection().packages, ["demo"]);
    assert_eq!(
        read.cargo_selection().targets,
        TargetSelection::Some {
            lib: true,
            bins: false,
            tests: true,
            examples: false,
            benches: true,
            named: vec![NamedTarget::Bin("tool".to_owned())],
        }
    );
    assert_eq!(read.cargo_selection().exclude, ["slow"]);
    let jobs: Vec<Vec<String>> = read.matrix.iter().map(|job| job.scopes.clone()).collect();
    assert_eq!(jobs.concat().len(), 3);
    assert_eq!(read.matrix.len(), 2);
}

#[test]
fn the_plan_id_does_not_depend_on_the_matrix_but_on_the_sources() {
    assert_eq!(plan_file("tree1", 1).plan_id, plan_file("tree1", 4).plan_id);
    assert_ne!(plan_file("tree1", 1).plan_id, plan_file("tree2", 1).plan_id);
}

#[test]
fn a_plan_of_another_version_schema_or_edited_is_refused() {
    let path = Path::new("plan.json");
    let mut plan = plan_file("tree1", 2);
    plan.tool_version = "0.0.1-other".to_owned();
    assert!(matches!(
        PlanFile::from_json(&plan.to_json(), path),
        Err(MatrixError::OtherVersion { found, .. }) if found == "0.0.1-other"
    ));
    let mut plan = plan_file("tree1", 2);
    plan.schema_version = SCHEMA_VERSION + 1;
    assert!(matches!(
        PlanFile::from_json(&plan.to_json(), path),
        Err(MatrixError::Schema { found, .. }) if found == SCHEMA_VERSION + 1
    ));
    let mut plan = plan_file("tree1", 2);
    plan.scopes.pop();
    assert!(matches!(
        PlanFile::from_json(&plan.to_json(), path),
        Err(MatrixError::Tampered { .. })
    ));
    assert!(matches!(
        PlanFile::from_json("{\"schema_version\": 1}", path),
        Err(MatrixError::Unreadable { .. })
    ));
}

#[test]
fn other_sources_are_refused() {
    let plan = plan_file("tree1", 2);
    assert_eq!(plan.admit_sources("tree1"), Ok(()));
    assert_eq!(
        plan.admit_sources("tree2"),
        Err(MatrixError::OtherSources {
            planned: "tree1".to_owned(),
            here: "tree2".to_owned()
        })
    );
}

#[test]
fn jobs_and_named_scopes_resolve_in_plan_order() {
    let plan = plan_file("tree1", 2);
    let all: Vec<String> = plan.scopes.iter().map(|s| s.id.clone()).collect();
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(plan.scopes_named(&reversed).unwrap(), all);
    assert_eq!(
        plan.scopes_named(&["E9999".to_owned()]),
        Err(MatrixError::UnknownScope("E9999".to_owned()))
    );
    assert_eq!(plan.scopes_of_job(1).unwrap(), plan.matrix[0].scopes);
    // A CI with more parallel jobs than the plan needs: the extra ones work nothing.
    assert!(plan.scopes_of_job(9).unwrap().is_empty());
    assert!(plan.scopes_of_job(0).is_err());
    let matrix: serde_json::Value = serde_json::from_str(&plan.matrix_json()).unwrap();
    assert_eq!(matrix["include"][0]["job"], 1);
}

#[test]
fn results_read_back_and_are_collected_in_plan_order_whatever_their_order() {
    let plan = plan_file("tree1", 2);
    let ids: Vec<String> = plan.scopes.iter().map(|s| s.id.clone()).collect();
    let first = WorkResult::new(&plan, vec![ids[0].clone()], vec![report(&ids[0])]);
    let rest = WorkResult::new(
        &plan,
        ids[1..].to_vec(),
        ids[1..].iter().map(|id| report(id)).collect(),
    );
    let read = WorkResult::from_json(&rest.to_json(), Path::new("r2.json")).unwrap();
    assert_eq!(read, rest);
    let forwards = collect(
        &plan,
        vec![("r1".into(), first.clone()), ("r2".into(), rest.clone())],
    )
    .unwrap();
    let backwards = collect(&plan, vec![("r2".into(), rest), ("r1".into(), first)]).unwrap();
    assert_eq!(forwards, backwards);
    let scopes: Vec<&str> = forwards.iter().map(|r| r.scope.as_str()).collect();
    assert_eq!(scopes, ids.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn a_result_of_another_plan_a_scope_twice_or_missing_is_refused() {
    let plan = plan_file("tree1", 2);
    let other = plan_file("tree2", 2);
    let ids: Vec<String> = plan.scopes.iter().map(|s| s.id.clone()).collect();
    let all = |plan: &PlanFile| {
        WorkResult::new(plan, ids.clone(), ids.iter().map(|id| report(id)).collect())
    };
    assert!(matches!(
        collect(&plan, vec![("theirs.json".into(), all(&other))]),
        Err(MatrixError::AnotherPlan { path, .. }) if path == Path::new("theirs.json")
    ));
    assert!(matches!(
        collect(
            &plan,
            vec![("a".into(), all(&plan)), ("b".into(), all(&plan))]
        ),
        Err(MatrixError::Twice { .. })
    ));
    let some = WorkResult::new(&plan, vec![ids[0].clone()], vec![report(&ids[0])]);
    assert_eq!(
        collect(&plan, vec![("a".into(), some)]),
        Err(MatrixError::Missing(ids[1..].to_vec()))
    );
    let mut old = all(&plan);
    old.tool_version = "0.0.1-other".to_owned();
    assert!(matches!(
        WorkResult::from_json(&old.to_json(), Path::new("old.json")),
        Err(MatrixError::OtherVersion { .. })
    ));
}

#[test]
fn scopes_found_here_must_be_the_plans() {
    let planned = scopes();
    assert_eq!(same_scopes(&planned, &planned), Ok(()));
    let fewer = &planned[1..];
    let Err(MatrixError::OtherErrors { differing }) = same_scopes(&planned, fewer) else {
        panic!("expected other errors")
    };
    assert_eq!(differing, [planned[0].id.clone()]);
}
