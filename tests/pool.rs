//! The end of a run's pool: its worktrees are removed only once every one is back, or after a
//! bounded wait, since a worker cut off by its timeout may still hold one in blocking work.

use std::path::PathBuf;
use std::time::Duration;

use cargo_fix_swarm::git::{self, Repo};
use cargo_fix_swarm::pool::{PoolSpec, WorktreePool};

use crate::util::{Project, Scenario};

/// A pool of two worktrees on the project's snapshot, both offered.
fn pool_of(project: &Project) -> WorktreePool {
    let repo = Repo::discover(project.path()).unwrap().unwrap();
    let snapshot = git::snapshot(&repo, &[PathBuf::from("target")]).unwrap();
    let spec = PoolSpec {
        repo,
        work_dir: project.path().join("target/fix-swarm/work/pool-test"),
        prefix: "fix-swarm-pool-test-".to_owned(),
        size: 2,
        seed: Vec::new(),
        mtimes_from: None,
        layout: Default::default(),
        mirror: Default::default(),
    };
    let pool = WorktreePool::create(spec, snapshot).unwrap();
    pool.seed_rest();
    pool
}

fn project() -> Project {
    Scenario::package()
        .file("src/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n")
        .create()
}

/// Whether `future` is still waiting after being polled once.
async fn pending<F: Future>(future: std::pin::Pin<&mut F>) -> bool {
    tokio::select! {
        biased;
        _ = future => false,
        () = std::future::ready(()) => true,
    }
}

#[test]
fn closing_waits_for_a_worktree_held_by_blocking_work_nobody_waits_for() {
    let project = project();
    let pool = pool_of(&project);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let idle = pool.acquire().await;
        let mut lease = pool.acquire().await;
        let worktree = lease.slot().path.clone();
        // A gate run whose future a timeout dropped: the checkout it started in a blocking task
        // goes on, with the lease, until it ends.
        let (end, ended) = std::sync::mpsc::channel::<()>();
        let work = tokio::task::spawn_blocking(move || {
            ended.recv().unwrap();
            let intact = worktree.join("src/lib.rs").is_file();
            drop(lease);
            intact
        });
        drop(idle);

        let mut quiescing = std::pin::pin!(pool.quiesce(Duration::from_secs(60)));
        assert!(
            pending(quiescing.as_mut()).await,
            "quiesce returned while a worktree was still leased"
        );
        end.send(()).unwrap();
        assert_eq!(quiescing.await, 0);
        assert!(work.await.unwrap(), "the worktree changed under its lease");

        // Every worktree is kept back now: no gate run can start in one being removed.
        assert!(pending(std::pin::pin!(pool.acquire())).await);
        let problems = pool.close();
        assert!(problems.is_empty(), "{problems:?}");
    });
    assert!(
        !project
            .path()
            .join("target/fix-swarm/work/pool-test")
            .exists()
    );
    project.assert_no_trace();
}

#[test]
fn closing_waits_no_longer_than_it_was_told_and_says_how_many_worktrees_are_still_out() {
    let project = project();
    let pool = pool_of(&project);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let lease = pool.acquire().await;
        assert_eq!(pool.quiesce(Duration::from_millis(10)).await, 1);
        drop(lease);
        assert_eq!(pool.quiesce(Duration::from_secs(60)).await, 0);
        let problems = pool.close();
        assert!(problems.is_empty(), "{problems:?}");
    });
    project.assert_no_trace();
}
