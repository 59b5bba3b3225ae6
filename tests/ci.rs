//! CI job mode end to end, as the shipped workflow runs it: in a pipeline's environment (`CI=true`,
//! no terminal), the fix handed back as a patch file, a branch and a markdown summary, with the
//! user's checkout left byte for byte as it was; GitHub Actions' log groups and annotations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::schema::assert_valid_lines;
use crate::util::{BROKEN_LIB, Project, Scenario};

/// Everything of a checkout a run must not change: HEAD, the branch checked out, the index file's
/// bytes, every file of the work tree, and git's view of them.
#[derive(Debug, PartialEq, Eq)]
struct Checkout {
    head: String,
    branch: String,
    index: Vec<u8>,
    files: BTreeMap<PathBuf, Vec<u8>>,
    status: String,
}

fn checkout(project: &Project) -> Checkout {
    Checkout {
        head: project.git(&["rev-parse", "HEAD"]),
        branch: project.git(&["symbolic-ref", "HEAD"]),
        index: std::fs::read(project.path().join(".git/index")).unwrap(),
        files: project.tree_state(),
        status: project.git(&["status", "--porcelain", "--untracked-files=all"]),
    }
}

/// A fresh clone of `project` (its HEAD, or `branch`) in a new temporary directory.
fn clone(project: &Project, branch: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new("git");
    command.args(["clone", "-q"]);
    if let Some(branch) = branch {
        command.args(["--branch", branch]);
    }
    let status = command
        .arg(project.path())
        .arg(dir.path().join("clone"))
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

fn run_in(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap()
}

fn assert_ok(output: &std::process::Output, what: &str) {
    assert!(
        output.status.success(),
        "{what}:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_ci_job_hands_back_a_patch_a_branch_and_a_summary_and_leaves_the_checkout_alone() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let out = tempfile::tempdir().unwrap();
    let (patch, summary) = (out.path().join("fix.patch"), out.path().join("summary.md"));
    let before = checkout(&project);
    let output = project
        .fix_swarm()
        .env("CI", "true")
        .env_remove("GITHUB_ACTIONS")
        .args([
            "--dry-run",
            "--commit",
            "--message-format",
            "json",
            "--patch-file",
        ])
        .arg(&patch)
        .arg("--summary-md")
        .arg(&summary)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(checkout(&project), before, "the checkout changed");

    // The patch applies to a fresh clone of the original and makes it green, tests passing.
    let fresh = clone(&project, None);
    let fresh = fresh.path().join("clone");
    assert_ok(
        &run_in(&fresh, "git", &["apply", patch.to_str().unwrap()]),
        "git apply",
    );
    assert_ok(
        &run_in(&fresh, env!("CARGO"), &["test", "-q"]),
        "cargo test",
    );

    // The branch holds the fix on the user's HEAD, and builds with its tests passing.
    let branches = project.git(&[
        "branch",
        "--list",
        "fix-swarm/*",
        "--format=%(refname:short)",
    ]);
    let branch = branches.trim();
    assert!(branch.starts_with("fix-swarm/"), "{branches}");
    assert_eq!(
        project.git(&["rev-parse", &format!("{branch}^")]),
        before.head
    );
    let message = project.git(&["log", "-1", "--format=%B", branch]);
    assert!(
        message.starts_with("fix-swarm: fix 3 compile errors (3 → 0)"),
        "{message}"
    );
    assert!(message.contains("src/lib.rs:4:9 [E0425]"), "{message}");
    let on_branch = clone(&project, Some(branch));
    let on_branch = on_branch.path().join("clone");
    assert_ok(
        &run_in(&on_branch, env!("CARGO"), &["test", "-q"]),
        "cargo test on the branch",
    );

    // The markdown summary holds the counts, a row per fix, the deliveries and the diff.
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.starts_with("## cargo fix-swarm: the fix makes the build green\n"),
        "{markdown}"
    );
    assert!(markdown.contains("**3 → 0 errors**"), "{markdown}");
    assert!(
        markdown.contains("| `src/lib.rs:4:9` | E0425 |"),
        "{markdown}"
    );
    assert_eq!(
        markdown.matches("\n| `src/lib.rs:").count(),
        3,
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("- branch `{branch}`: committed")),
        "{markdown}"
    );
    assert!(
        markdown.contains("<details><summary>The full diff (1 file)</summary>"),
        "{markdown}"
    );

    // The machine report follows its schema, and says what was delivered.
    let events = assert_valid_lines(&stdout);
    let last = events.last().unwrap();
    assert_eq!(last["event"], "run-finished");
    let deliveries = &last["summary"]["deliveries"];
    assert_eq!(deliveries[0]["delivery"], "patch-file");
    assert_eq!(deliveries[0]["status"], "written");
    assert_eq!(deliveries[0]["files"], 1);
    assert_eq!(deliveries[1]["delivery"], "branch");
    assert_eq!(deliveries[1]["name"], branch);
    assert_eq!(deliveries[1]["status"], "committed");
    assert_eq!(deliveries[2]["delivery"], "summary-md");
}

#[test]
fn what_a_ci_job_leaves_is_explained_in_the_summary_and_annotated_on_github() {
    let left =
        "pub struct P { pub x: i32, pub y: i32 }\npub fn origin() -> P {\n    P { x: 0 }\n}\n";
    let project = Scenario::package()
        .file("src/lib.rs", &format!("{BROKEN_LIB}\n{left}"))
        .create();
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("summary.md");
    let output = project
        .fix_swarm()
        .env("CI", "true")
        .env("GITHUB_ACTIONS", "true")
        .args(["--summary-md"])
        .arg(&summary)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("::group::cargo fix-swarm: round 1 (4 errors)\n"),
        "{stderr}"
    );
    assert!(stderr.contains("::endgroup::\n"), "{stderr}");
    // Line 33 as the user wrote it, in the commit CI ran on, which the annotation marks; 35 in
    // the tree as fixed, whose import and blank line came first.
    assert!(
        stderr.contains(
            "::error file=src/lib.rs,line=33,col=5,title=E0063 left by cargo fix-swarm::"
        ),
        "{stderr}"
    );
    // Plain lines stamped with the run's time, no progress bar redraws.
    let checked = stderr
        .lines()
        .find(|line| line.contains("Checked 4 errors"))
        .unwrap();
    assert!(
        checked.starts_with('[') && checked.contains("s] "),
        "{checked}"
    );
    assert!(!stderr.contains('\r'), "{stderr}");

    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.starts_with("## cargo fix-swarm: errors remain\n"),
        "{markdown}"
    );
    assert!(markdown.contains("### Left (1)"), "{markdown}");
    assert!(
        markdown.contains("**Needs a value nothing in scope supplies** (1)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- `src/lib.rs:35:5` E0063:"),
        "{markdown}"
    );

    // The run's record holds the same machine report: it follows the schema too, reasons included.
    let runs = project.path().join("target/fix-swarm/runs");
    let record = std::fs::read_dir(&runs)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let events = assert_valid_lines(&std::fs::read_to_string(record.join("events.jsonl")).unwrap());
    let summary = &events.last().unwrap()["summary"];
    assert_eq!(summary["unfixed"][0]["reason"]["kind"], "needs-value");
}

#[test]
fn a_branch_that_exists_is_refused_before_the_run_and_kept() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    project.git(&["branch", "taken"]);
    let taken = project.git(&["rev-parse", "taken"]);
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("summary.md");
    let output = project
        .fix_swarm()
        .env("GITHUB_ACTIONS", "true")
        .args(["--commit", "--branch", "taken", "--message-format", "json"])
        .arg("--summary-md")
        .arg(&summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("::error title=cargo fix-swarm could not run::--commit: a branch `taken`"),
        "{stderr}"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let last: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "run-failed");
    assert_eq!(last["kind"], "delivery");
    assert!(last["message"].as_str().unwrap().contains("--force-branch"));
    assert_eq!(project.git(&["rev-parse", "taken"]), taken);
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
    // The job's page still says why.
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.starts_with("## cargo fix-swarm: could not run\n")
            && markdown.contains("--force-branch"),
        "{markdown}"
    );
}

#[test]
fn force_branch_moves_a_branch_but_never_the_one_checked_out() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let current = project.git(&["symbolic-ref", "--short", "HEAD"]);
    let output = project
        .fix_swarm()
        .args(["--commit", "--force-branch", "--branch", current.trim()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is the one checked out"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    project.git(&["branch", "old-fix"]);
    let before = checkout(&project);
    let output = project
        .fix_swarm()
        .args([
            "--dry-run",
            "--commit",
            "--force-branch",
            "--branch",
            "old-fix",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(checkout(&project), before);
    assert_eq!(
        project.git(&["rev-parse", "old-fix^"]),
        before.head,
        "the branch was moved onto a fix of HEAD"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("branch `old-fix`: committed"), "{stdout}");
    assert!(stdout.contains(", moved from "), "{stdout}");
}

#[test]
fn on_a_detached_head_as_ci_checks_out_the_branch_grows_from_it_and_head_stays_detached() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let head = project.git(&["rev-parse", "HEAD"]);
    project.git(&["checkout", "-q", "--detach"]);
    let output = project
        .fix_swarm()
        .env("CI", "true")
        .args(["--commit", "--branch", "fix-swarm/ci"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    // Without --dry-run the one final apply wrote the tree; HEAD did not move.
    assert!(project.read("src/lib.rs").contains("counter += v;"));
    assert_eq!(project.git(&["rev-parse", "HEAD"]), head);
    assert!(
        Command::new("git")
            .args(["symbolic-ref", "-q", "HEAD"])
            .current_dir(project.path())
            .status()
            .unwrap()
            .code()
            == Some(1),
        "HEAD is no longer detached"
    );
    assert_eq!(project.git(&["rev-parse", "fix-swarm/ci^"]), head);
    // The branch holds exactly what was written to the tree.
    assert_eq!(
        project.git(&["show", "fix-swarm/ci:src/lib.rs"]),
        project.read("src/lib.rs")
    );
}

#[test]
fn a_patch_that_cannot_be_written_fails_the_run_with_its_own_code() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let out = tempfile::tempdir().unwrap();
    let output = project
        .fix_swarm()
        .arg("--dry-run")
        .arg("--patch-file")
        .arg(out.path().join("missing-dir/fix.patch"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("the build is green"), "{stdout}");
    assert!(
        stdout.contains("(1 file): FAILED: writing it failed: No such file or directory"),
        "{stdout}"
    );
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
}
