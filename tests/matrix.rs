//! The CI matrix end to end: `plan`, each `work` job in a fresh clone of its own (standing in for
//! separate runners), and `merge` in another clone give the one-machine run's patch byte for
//! byte; a plan or result that does not belong is refused with its own exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::{BROKEN_LIB, Project, Scenario};

/// The exit code of a plan or result that does not belong (`exit_code::PLAN_MISMATCH`).
const PLAN_MISMATCH: i32 = 5;

/// A git project holding the fixture `name` as it is in the repository.
fn fixture_project(name: &str) -> Project {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let mut scenario = Scenario::package();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                scenario = scenario.file(&relative, &std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    scenario.create()
}

/// A fresh clone of `project` at `at`, as a runner checks it out.
fn clone(project: &Project, at: &Path) -> PathBuf {
    let status = Command::new("git")
        .args(["clone", "-q"])
        .arg(project.path())
        .arg(at)
        .status()
        .unwrap();
    assert!(status.success());
    at.to_owned()
}

/// The binary under test in `dir` with `args`, not yet started.
fn fix_swarm(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin!("cargo-fix-swarm"));
    command
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("GITHUB_ACTIONS")
        .arg("fix-swarm")
        .args(args);
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    fix_swarm(dir, args).output().unwrap()
}

fn assert_code(output: &Output, code: i32, what: &str) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_matrix_of_separate_clones_gives_the_one_machine_patch_byte_for_byte() {
    let project = fixture_project("many-scopes");
    let runners = tempfile::tempdir().unwrap();
    let at = |name: &str| runners.path().join(name);

    // The one-machine run.
    let one = clone(&project, &at("one"));
    let output = run(
        &one,
        &[
            "-j",
            "2",
            "-q",
            "--dry-run",
            "--patch-file",
            path(&at("one.patch")),
        ],
    );
    assert_code(&output, 0, "the one-machine run");

    // The plan job; the plan and results live outside every checkout, as artifacts do.
    let planner = clone(&project, &at("plan"));
    let plan = at("plan.json");
    let output = run(
        &planner,
        &[
            "plan",
            "--out",
            path(&plan),
            "--max-jobs",
            "3",
            "--matrix-json",
            "-q",
        ],
    );
    assert_code(&output, 0, "plan");
    let matrix: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let jobs = matrix["include"].as_array().unwrap();
    assert_eq!(jobs.len(), 3, "{matrix}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert!(
        written["scopes"].as_array().unwrap().len() >= 6,
        "{written}"
    );
    assert_eq!(written["schema_version"], 1);

    // Each work job in a clone of its own, all at once, as runners run them.
    let workers: Vec<_> = jobs
        .iter()
        .map(|job| {
            let job = job["job"].as_u64().unwrap().to_string();
            let dir = clone(&project, &at(&format!("work-{job}")));
            let out = at(&format!("result-{job}.json"));
            let args = [
                "work",
                "--plan",
                path(&plan),
                "--job",
                &job,
                "--out",
                path(&out),
            ];
            let child = fix_swarm(&dir, &args)
                .args(["-j", "1", "-q"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (child, out)
        })
        .collect();
    let mut results: Vec<PathBuf> = workers
        .into_iter()
        .map(|(child, out)| {
            assert_code(&child.wait_with_output().unwrap(), 0, "work");
            out
        })
        .collect();

    // The merge job, given the results in another order than the jobs'.
    results.reverse();
    let merger = clone(&project, &at("merge"));
    let merge_patch = at("merge.patch");
    let mut args = vec!["merge", "--plan", path(&plan)];
    args.extend(results.iter().map(|result| path(result)));
    args.extend(["-q", "--dry-run", "--patch-file", path(&merge_patch)]);
    assert_code(&run(&merger, &args), 0, "merge");

    let (one, merged) = (
        std::fs::read(at("one.patch")).unwrap(),
        std::fs::read(&merge_patch).unwrap(),
    );
    assert!(!one.is_empty());
    assert!(
        one == merged,
        "the merged patch differs:\n{}",
        String::from_utf8_lossy(&merged)
    );
}

#[test]
fn a_result_of_another_plan_and_a_plan_of_other_sources_are_refused() {
    let ours = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let other_lib = BROKEN_LIB.replace("countr += v;", "countr += v;\n        let x: u8 = \"s\";");
    let theirs = Scenario::package().file("src/lib.rs", &other_lib).create();
    let files = tempfile::tempdir().unwrap();
    let at = |name: &str| files.path().join(name);

    assert_code(
        &run(ours.path(), &["plan", "--out", path(&at("ours.json"))]),
        0,
        "plan",
    );
    assert_code(
        &run(theirs.path(), &["plan", "--out", path(&at("theirs.json"))]),
        0,
        "plan",
    );

    // Our plan on their sources.
    let output = run(
        theirs.path(),
        &[
            "work",
            "--plan",
            path(&at("ours.json")),
            "--job",
            "1",
            "--out",
            path(&at("r.json")),
        ],
    );
    assert_code(&output, PLAN_MISMATCH, "work on other sources");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the plan is for other sources"), "{stderr}");

    // Their result, given to our merge.
    let theirs_result = at("theirs-result.json");
    let output = run(
        theirs.path(),
        &[
            "work",
            "--plan",
            path(&at("theirs.json")),
            "--job",
            "1",
            "--out",
            path(&theirs_result),
        ],
    );
    assert_code(&output, 0, "work");
    let output = run(
        ours.path(),
        &[
            "merge",
            "--plan",
            path(&at("ours.json")),
            path(&theirs_result),
        ],
    );
    assert_code(&output, PLAN_MISMATCH, "merge of another plan's result");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is the result of another plan"), "{stderr}");
    assert_eq!(ours.read("src/lib.rs"), BROKEN_LIB, "nothing was changed");
}
