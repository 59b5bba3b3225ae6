//! Ctrl-C in the middle of a run: nothing changes, nothing is left behind.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{BROKEN_LIB, Scenario};

/// Waits until `condition` holds, failing the test after `limit`.
fn wait_until(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigint_leaves_the_tree_unchanged_and_no_worktrees() {
    // The build script keeps the first gate run busy, so the signal lands mid-run.
    let project = Scenario::package()
        .file(
            "build.rs",
            "fn main() { std::thread::sleep(std::time::Duration::from_secs(30)); }\n",
        )
        .file("src/lib.rs", BROKEN_LIB)
        .create();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("cargo-fix-swarm"))
        .current_dir(project.path())
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(
        Duration::from_secs(60),
        "a worktree of the run exists",
        || {
            project
                .git(&["worktree", "list", "--porcelain"])
                .matches("worktree ")
                .count()
                > 1
        },
    );
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    let mut exit = None;
    wait_until(Duration::from_secs(60), "the run ends", || {
        exit = child.try_wait().unwrap();
        exit.is_some()
    });
    let exit = exit.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        assert_eq!(
            exit.signal(),
            None,
            "the run died of a signal instead of handling it"
        );
    }
    assert_eq!(exit.code(), Some(130));
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
    assert_eq!(project.git(&["status", "--porcelain"]), "");
    project.assert_no_trace();
}
