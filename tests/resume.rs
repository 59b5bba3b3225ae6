//! A run stopped after some rounds keeps what passed, and `--resume` goes on from the next round.

use std::path::Path;
use std::time::Duration;

use predicates::prelude::*;

use crate::util::{Finished, Project, Scenario, wait_until};

const LIMIT: Duration = Duration::from_secs(180);

/// Two rounds: the missing comma aborts macro expansion and hides the `&str` returned as
/// `String`, which only the second round sees.
const TWO_ROUNDS: &str = "pub fn limits() -> Vec<u32> {\n    vec![90, 80 70]\n}\n\n\
                          pub fn greet(name: &str) -> String {\n    name\n}\n";

/// Holds every gate run of the second round (its candidates call `to_string`) when
/// `FIX_SWARM_TEST_HOLD` names a directory: it leaves a file there, then sleeps far longer than
/// any test waits.
const HOLD_IN_ROUND_TWO: &str = r#"fn main() {
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-env-changed=FIX_SWARM_TEST_HOLD");
    let Ok(dir) = std::env::var("FIX_SWARM_TEST_HOLD") else { return };
    if !std::fs::read_to_string("src/lib.rs").unwrap().contains("to_string") {
        return;
    }
    std::fs::write(format!("{dir}/{}", std::process::id()), "").unwrap();
    std::thread::sleep(std::time::Duration::from_secs(600));
}
"#;

/// Runs the repair until its second round holds, calls `meanwhile` with the run's id, stops the
/// run with Ctrl-C, and returns how it ended.
fn stopped_in_round_two_after(project: &Project, meanwhile: impl FnOnce(&str)) -> Finished {
    let hold = tempfile::tempdir().unwrap();
    let running = project.start(&[], &[("FIX_SWARM_TEST_HOLD", hold.path())]);
    wait_until(LIMIT, "the second round holds", || {
        std::fs::read_dir(hold.path()).unwrap().next().is_some()
    });
    let runs = project.path().join("target/fix-swarm/runs");
    let run = std::fs::read_dir(runs).unwrap().flatten().next().unwrap();
    meanwhile(run.file_name().to_str().unwrap());
    running.signal("INT");
    let finished = running.wait(LIMIT);
    finished.assert_code(130);
    finished
}

fn stopped_in_round_two(project: &Project) -> Finished {
    stopped_in_round_two_after(project, |_| {})
}

fn project() -> Project {
    Scenario::package()
        .file("build.rs", HOLD_IN_ROUND_TWO)
        .file("src/lib.rs", TWO_ROUNDS)
        .create()
}

/// The run id the summary names after `--resume`.
fn resume_hint(stdout: &str) -> String {
    let (_, after) = stdout
        .split_once("cargo fix-swarm --resume ")
        .unwrap_or_else(|| panic!("no resume hint in:\n{stdout}"));
    after.split('`').next().unwrap().to_owned()
}

#[test]
fn a_run_stopped_after_a_round_saves_it_and_resume_goes_on_from_the_next() {
    let project = project();
    let before = project.tree_state();
    let stopped = stopped_in_round_two(&project);
    assert_eq!(
        project.tree_state(),
        before,
        "a stopped run applies nothing"
    );
    assert!(
        stopped
            .stdout
            .contains("saved: the fixes of 1 round (1 error)"),
        "{}",
        stopped.stdout
    );
    let run = resume_hint(&stopped.stdout);
    let patch = project
        .path()
        .join("target/fix-swarm/runs")
        .join(&run)
        .join("progress.patch");
    assert!(
        std::fs::read_to_string(&patch)
            .unwrap()
            .contains("+    vec![90, 80,")
    );
    project.assert_no_trace();

    project
        .fix_swarm()
        .args(["--resume", &run])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            // The stopped run's round counts: its fix, and the error it revealed.
            "the build is green (2 fixed, 1 newly revealed, 0 left, 2 rounds",
        ));
    let fixed = project.read("src/lib.rs");
    assert!(fixed.contains("vec![90, 80,"), "{fixed}");
    assert!(fixed.contains("name.to_string()"), "{fixed}");
    project.assert_no_trace();
    // Finished by itself, the resumed run leaves nothing to resume.
    project
        .fix_swarm()
        .args(["--resume", "--allow-dirty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no stopped run to resume"));
}

#[test]
fn resume_goes_on_after_the_saved_patch_was_applied_by_hand() {
    let project = project();
    let stopped = stopped_in_round_two(&project);
    let run = resume_hint(&stopped.stdout);
    let patch = Path::new("target/fix-swarm/runs")
        .join(&run)
        .join("progress.patch");
    project.git(&["apply", patch.to_str().unwrap()]);
    project
        .fix_swarm()
        .args(["--resume", "--allow-dirty"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "the build is green (2 fixed, 1 newly revealed, 0 left",
        ));
    assert!(project.read("src/lib.rs").contains("name.to_string()"));
    project.assert_no_trace();
}

#[test]
fn resume_refuses_sources_that_changed_since_the_stop() {
    let project = project();
    let stopped = stopped_in_round_two(&project);
    let run = resume_hint(&stopped.stdout);
    let edited = TWO_ROUNDS.replace("pub fn greet", "/// Mine.\npub fn greet");
    project.write("src/lib.rs", &edited);
    project
        .fix_swarm()
        .args(["--resume", &run, "--allow-dirty"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("your sources changed since the run")
                .and(predicate::str::contains("  src/lib.rs"))
                .and(predicate::str::contains("progress.patch")),
        );
    assert_eq!(project.read("src/lib.rs"), edited);
    project.assert_no_trace();
}

#[test]
fn a_live_run_is_never_resumed() {
    let project = project();
    stopped_in_round_two_after(&project, |live| {
        project
            .fix_swarm()
            .args(["--resume", live])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "the run {live} is still running"
            )));
        project
            .fix_swarm()
            .arg("--resume")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no stopped run to resume"));
    });
    project.assert_no_trace();
}

#[test]
fn resume_names_only_run_ids() {
    let project = project();
    project
        .fix_swarm()
        .args(["--resume", "../../elsewhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a run id"));
}
