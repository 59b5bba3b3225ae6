//! The gate in a reused worktree must judge each candidate on its own sources: a type error that
//! an earlier candidate did not have is caught, although the target directory is warm from it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cargo_fix_swarm::cargo::{Cargo, Member};
use cargo_fix_swarm::config::{CargoSelection, GateKind};
use cargo_fix_swarm::gate::Gate;
use cargo_fix_swarm::git::{self, Oid, Repo};
use cargo_fix_swarm::patch::{FileChange, Patch};
use cargo_fix_swarm::pool::{PoolSpec, WorktreePool};
use cargo_fix_swarm::verdict::{self, RejectReason, Verdict};
use tokio_util::sync::CancellationToken;

use crate::util::{Project, Scenario};

const BASE: &str = "pub fn answer() -> u32 {\n    41\n}\n";

fn candidate(after: &str) -> Patch {
    candidate_of(BASE, after)
}

fn candidate_of(before: &str, after: &str) -> Patch {
    let change = FileChange {
        before: before.to_owned(),
        after: after.to_owned(),
    };
    Patch {
        files: BTreeMap::from([(PathBuf::from("src/lib.rs"), change)]),
    }
}

/// A one-worktree pool on the project's snapshot, and a `cargo check` gate for it.
fn pool_and_gate(project: &Project) -> (WorktreePool, Gate, Oid) {
    let cargo = Cargo::from_env();
    let workspace = cargo.metadata(project.path(), None).unwrap();
    let repo = Repo::discover(project.path()).unwrap().unwrap();
    let snapshot = git::snapshot(&repo, &[PathBuf::from("target")]).unwrap();
    let spec = PoolSpec {
        repo,
        work_dir: workspace.target_dir.join("fix-swarm/work/gate-test"),
        prefix: "fix-swarm-gate-test-".to_owned(),
        size: 1,
        seed: Vec::new(),
        mtimes_from: None,
        layout: Default::default(),
        mirror: Default::default(),
    };
    let pool = WorktreePool::create(spec, snapshot).unwrap();
    let members = vec![Member {
        name: "demo".to_owned(),
        dir: PathBuf::new(),
        separate_targets: vec![PathBuf::from("tests/api.rs")],
    }];
    let gate = Gate::new(
        cargo,
        CargoSelection::default(),
        PathBuf::from("Cargo.toml"),
        PathBuf::new(),
        members,
        GateKind::Check,
    );
    (pool, gate, snapshot)
}

#[test]
fn a_reused_worktree_catches_a_type_error_an_earlier_candidate_did_not_have() {
    let project = Scenario::package().file("src/lib.rs", BASE).create();
    let (pool, gate, snapshot) = pool_and_gate(&project);
    let cancel = CancellationToken::new();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let errors = runtime.block_on(async {
        let mut errors = Vec::new();
        for after in [
            "pub fn answer() -> u32 {\n    42\n}\n",
            "pub fn answer() -> u32 {\n    \"forty-two\"\n}\n",
            "pub fn answer() -> u32 {\n    42\n}\n",
        ] {
            // The pool has one worktree: every check reuses it.
            let lease = pool.acquire().await;
            let check = gate
                .check(lease, snapshot, Some(&candidate(after)), &cancel)
                .await
                .unwrap();
            let codes: Vec<String> = check
                .parsed
                .errors()
                .map(|d| {
                    d.code
                        .as_ref()
                        .map_or("syntax".to_owned(), ToString::to_string)
                })
                .collect();
            errors.push(codes);
        }
        let lease = pool.acquire().await;
        let base = gate.check(lease, snapshot, None, &cancel).await.unwrap();
        errors.push(base.parsed.errors().map(|d| d.message.clone()).collect());
        errors
    });
    let none: Vec<String> = Vec::new();
    assert_eq!(
        errors,
        [none.clone(), vec!["E0308".to_owned()], none.clone(), none]
    );
    // The worktree was put back to the snapshot after every candidate.
    let problems = pool.close();
    assert!(problems.is_empty(), "{problems:?}");
    project.assert_no_trace();
}

#[test]
fn a_gate_run_dropped_midway_gives_its_worktree_back_to_the_pool() {
    // A worker cut off by its timeout, or a task aborted with its JoinSet, drops its gate run
    // wherever it is; the next gate run must still find the worktree.
    let project = Scenario::package().file("src/lib.rs", BASE).create();
    let (pool, gate, snapshot) = pool_and_gate(&project);
    let cancel = CancellationToken::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let errors = runtime.block_on(async {
        let lease = pool.acquire().await;
        let patch = candidate("pub fn answer() -> u32 {\n    42\n}\n");
        // Polled once, which starts writing the worktree in a blocking task, then dropped.
        let mut cut_off = Box::pin(gate.check(lease, snapshot, Some(&patch), &cancel));
        let finished = std::future::poll_fn(|context| {
            std::task::Poll::Ready(cut_off.as_mut().poll(context).is_ready())
        })
        .await;
        assert!(!finished, "the gate run was meant to be cut off");
        drop(cut_off);
        let lease = pool.acquire().await;
        let check = gate.check(lease, snapshot, None, &cancel).await;
        check.map(|check| check.parsed.error_count())
    });
    assert_eq!(errors.unwrap(), 0);
    let problems = pool.close();
    assert!(problems.is_empty(), "{problems:?}");
    project.assert_no_trace();
}

/// The library's error keeps cargo from building the integration test; the fix lets it build
/// and shows the test's own error, which was hidden, not caused: the fix passes.
#[test]
fn errors_in_a_test_target_its_library_kept_from_building_are_revealed_not_caused() {
    let broken =
        "pub fn total(values: &[u32]) -> u32 {\n    values.iter().sum::<u32>() + extra\n}\n";
    let fixed = "pub fn total(values: &[u32]) -> u32 {\n    values.iter().sum::<u32>()\n}\n";
    let test = "#[test]\nfn sums() {\n    assert_eq!(demo::totl(&[1, 2]), 3);\n}\n";
    let project = Scenario::package()
        .file("src/lib.rs", broken)
        .file("tests/api.rs", test)
        .create();
    let (pool, gate, snapshot) = pool_and_gate(&project);
    let cancel = CancellationToken::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (base, after) = runtime.block_on(async {
        let lease = pool.acquire().await;
        let base = gate.check(lease, snapshot, None, &cancel).await.unwrap();
        let lease = pool.acquire().await;
        let patch = candidate_of(broken, fixed);
        let after = gate
            .check(lease, snapshot, Some(&patch), &cancel)
            .await
            .unwrap();
        (base.parsed, after.parsed)
    });
    let unchecked = gate.unchecked(&base);
    assert_eq!(unchecked.targets, [PathBuf::from("tests/api.rs")]);
    let target = base
        .errors()
        .next()
        .expect("the library's error")
        .identity();
    let hidden = after.errors().next().expect("the test's error").identity();
    assert_eq!(hidden.file, Some(PathBuf::from("tests/api.rs")));
    let verdict = verdict::judge(
        &base.diagnostics,
        std::slice::from_ref(&target),
        &after,
        |file| gate.is_unchecked(file, &unchecked),
    );
    assert!(
        matches!(&verdict, Verdict::Accepted { revealed, .. } if revealed == std::slice::from_ref(&hidden)),
        "{verdict:?}"
    );
    // Without knowing what the check never reached, the same fix looks like it caused the error.
    let blind = verdict::judge(&base.diagnostics, &[target], &after, |_| false);
    assert!(
        matches!(&blind, Verdict::Rejected(RejectReason::NewErrors { errors }) if errors == &[hidden]),
        "{blind:?}"
    );
    assert!(pool.close().is_empty());
}
