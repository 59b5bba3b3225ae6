//! A run that cannot remove all it made still reports what it did: a failed clean-up is listed
//! beside the outcome, never in its place, and the next run removes what is left.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::Duration;

use crate::util::{Project, Scenario, wait_until};

/// Generous: the shared machine may be busy with other tests' builds.
const LIMIT: Duration = Duration::from_secs(180);

/// With `FIX_SWARM_TEST_LOCK` set, leaves in the build's `OUT_DIR` (inside the target directory
/// the build runs with: a worktree's, removed at the end of the run) a directory with a file in
/// it that nobody may remove: its mode denies writing. With `FIX_SWARM_TEST_PIDS` set as well, it
/// then writes its process id to a file there and holds the build far longer than any test waits.
const LOCKING_BUILD_SCRIPT: &str = r#"use std::os::unix::fs::PermissionsExt as _;

fn main() {
    println!("cargo:rerun-if-env-changed=FIX_SWARM_TEST_LOCK");
    println!("cargo:rerun-if-env-changed=FIX_SWARM_TEST_PIDS");
    if std::env::var_os("FIX_SWARM_TEST_LOCK").is_none() {
        return;
    }
    let locked = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("locked");
    if !locked.exists() {
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("file"), "").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    if let Some(dir) = std::env::var_os("FIX_SWARM_TEST_PIDS") {
        let me = std::process::id();
        std::fs::write(std::path::Path::new(&dir).join(me.to_string()), "held").unwrap();
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}
"#;

/// One E0425 that rustc's suggestion fixes (`twce` → `twice`).
const DOUBLE: &str = "pub fn double(x: i32) -> i32 {\n    let twice = x * 2;\n    twce\n}\n";

fn locking_project() -> Project {
    Scenario::package()
        .file("build.rs", LOCKING_BUILD_SCRIPT)
        .file("src/lib.rs", DOUBLE)
        .create()
}

/// The run's section of the human summary that lists what it could not clean up.
fn cleanup_section(stdout: &str) -> Option<&str> {
    let start = stdout.find("\nclean-up: ")? + 1;
    let rest = &stdout[start..];
    Some(rest.split("\n\n").next().unwrap_or(rest))
}

/// Makes every directory the locking build script left under the run's work directories
/// removable again, then lets another run sweep them and checks that nothing is left.
fn unlock_and_sweep(project: &Project) {
    fn unlock(dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                if path.ends_with("locked") {
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                        .unwrap();
                }
                unlock(&path);
            }
        }
    }
    let work = project.path().join("target/fix-swarm/work");
    assert!(
        std::fs::read_dir(&work).is_ok_and(|mut dir| dir.next().is_some()),
        "the run left nothing behind: the test proves nothing"
    );
    unlock(&work);
    project
        .fix_swarm()
        .args(["--dry-run", "--allow-dirty"])
        .assert()
        .stderr(predicates::str::contains("Swept the leftovers of 1 run"));
    project.assert_no_trace();
}

#[test]
fn a_run_that_cannot_remove_its_worktrees_still_reports_the_fix_it_wrote() {
    let project = locking_project();
    let output = project
        .fix_swarm_bound_by_permissions()
        .args(["-j", "1"])
        .env("FIX_SWARM_TEST_LOCK", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("the build is green"), "{stdout}");
    assert!(project.read("src/lib.rs").contains("    twice\n"));
    let cleanup = cleanup_section(&stdout).unwrap_or_else(|| panic!("no clean-up:\n{stdout}"));
    assert!(cleanup.contains("Permission denied"), "{stdout}");
    assert!(stderr.contains("cleaning up: "), "{stderr}");
    unlock_and_sweep(&project);
}

#[test]
fn a_stopped_run_that_cannot_remove_its_worktrees_still_exits_as_stopped() {
    let project = locking_project();
    let before = project.tree_state();
    let pids = tempfile::tempdir().unwrap();
    let run = project.start_bound_by_permissions(
        &["-j", "1", "--message-format", "json"],
        &[
            ("FIX_SWARM_TEST_LOCK", Path::new("1")),
            ("FIX_SWARM_TEST_PIDS", pids.path()),
        ],
    );
    wait_until(LIMIT, "the build holds", || {
        std::fs::read_dir(pids.path()).is_ok_and(|mut dir| dir.next().is_some())
    });
    run.signal("TERM");
    let finished = run.wait(LIMIT);
    finished.assert_code(143);
    assert_eq!(project.tree_state(), before, "the tree changed");
    let last: serde_json::Value =
        serde_json::from_str(finished.stdout.lines().last().unwrap()).unwrap();
    let summary = &last["summary"];
    assert_eq!(
        summary["outcome"],
        serde_json::json!({"interrupted": {"signal": "SIGTERM"}})
    );
    let cleanup = summary["cleanup"].as_array().unwrap();
    assert!(
        cleanup
            .iter()
            .any(|problem| problem.as_str().unwrap().contains("Permission denied")),
        "{summary}"
    );
    unlock_and_sweep(&project);
}
