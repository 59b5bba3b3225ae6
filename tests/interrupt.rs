//! Stopping a run midway: SIGINT, SIGTERM and SIGHUP leave the tree as it was, nothing behind and
//! no cargo process running; what SIGKILL leaves, the next run sweeps; a worker cut off by its
//! timeout reports what it spent.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::{BROKEN_LIB, Finished, Project, Running, Scenario, wait_until};

/// Generous: the shared two-core machine may be busy with other tests' builds.
const LIMIT: Duration = Duration::from_secs(180);

/// Holds the build where the test wants to interrupt the run: when the tree it builds has at least
/// `FIX_SWARM_TEST_HOLD_AT` of `BROKEN_LIB`'s three errors fixed (0: the first check, 1: a
/// worker's gate run, 3: the merge), it writes its process id and its parent's (cargo's) to a
/// file in `FIX_SWARM_TEST_PIDS` and sleeps far longer than any test waits. Rerun whenever
/// `src/lib.rs` changes, so every gate run of a candidate runs it again.
const HOLDING_BUILD_SCRIPT: &str = r#"fn main() {
    println!("cargo:rerun-if-changed=src/lib.rs");
    let Ok(at) = std::env::var("FIX_SWARM_TEST_HOLD_AT") else { return };
    let at: usize = at.parse().unwrap();
    let source = std::fs::read_to_string("src/lib.rs").unwrap();
    let fixed = ["counter += v", "use std::collections::HashSet", "name.to_string()"]
        .iter()
        .filter(|fix| source.contains(*fix))
        .count();
    if fixed < at {
        return;
    }
    let dir = std::env::var("FIX_SWARM_TEST_PIDS").unwrap();
    let me = std::process::id();
    let cargo = std::os::unix::process::parent_id();
    std::fs::write(format!("{dir}/{me}"), cargo.to_string()).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(600));
}
"#;

/// Where the build holds.
#[derive(Clone, Copy)]
enum Stage {
    FirstCheck,
    GateRun,
    Merge,
}

impl Stage {
    fn fixed(self) -> &'static str {
        match self {
            Stage::FirstCheck => "0",
            Stage::GateRun => "1",
            Stage::Merge => "3",
        }
    }
}

fn holding_project() -> Project {
    Scenario::package()
        .file("build.rs", HOLDING_BUILD_SCRIPT)
        .file("src/lib.rs", BROKEN_LIB)
        .create()
}

/// The processes the holding build scripts report, in a directory outside the project.
struct Holds {
    dir: tempfile::TempDir,
    at: &'static str,
}

impl Holds {
    fn at(stage: Stage) -> Holds {
        Holds {
            dir: tempfile::tempdir().unwrap(),
            at: stage.fixed(),
        }
    }

    fn start(&self, project: &Project, args: &[&str]) -> Running {
        project.start(
            args,
            &[
                ("FIX_SWARM_TEST_HOLD_AT", Path::new(self.at)),
                ("FIX_SWARM_TEST_PIDS", self.dir.path()),
            ],
        )
    }

    /// Every build script that held, and the cargo that ran it.
    fn pids(&self) -> Vec<u32> {
        let mut pids = Vec::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap().flatten() {
            pids.push(entry.file_name().to_str().unwrap().parse().unwrap());
            let cargo = std::fs::read_to_string(entry.path()).unwrap_or_default();
            pids.extend(cargo.trim().parse::<u32>().ok());
        }
        pids
    }

    fn wait_for_a_hold(&self) {
        wait_until(LIMIT, "a build script holds", || {
            std::fs::read_dir(self.dir.path())
                .unwrap()
                .flatten()
                .any(|entry| entry.metadata().is_ok_and(|m| m.len() > 0))
        });
    }

    /// Fails the test unless every process that held is gone (or a zombie, which runs nothing).
    fn assert_all_gone(&self) {
        let pids = self.pids();
        assert!(!pids.is_empty());
        wait_until(LIMIT, "the run's cargo and build scripts are gone", || {
            pids.iter().all(|&pid| !is_running(pid))
        });
    }

    /// What a SIGKILLed run leaves running, ended as the test's own clean-up.
    fn kill_all(&self) {
        for pid in self.pids() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        wait_until(LIMIT, "the killed processes are gone", || {
            self.pids().iter().all(|&pid| !is_running(pid))
        });
    }
}

fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
        !state.is_some_and(|state| state.starts_with('Z'))
    })
}

/// Runs on the holding project, sends `signal` once the build holds at `stage`, and checks what
/// every stop must leave: the exit code, the tree byte for byte, no trace, no process of the run.
fn stop_at(stage: Stage, signal: &str, code: i32, args: &[&str]) -> Finished {
    let project = holding_project();
    let before = project.tree_state();
    let refs_before = project.git(&["show-ref"]);
    let holds = Holds::at(stage);
    let mut all_args = vec!["-j", "2"];
    all_args.extend(args);
    let run = holds.start(&project, &all_args);
    holds.wait_for_a_hold();
    run.signal(signal);
    let finished = run.wait(LIMIT);
    finished.assert_code(code);
    assert_eq!(project.tree_state(), before, "the tree changed");
    assert_eq!(project.git(&["show-ref"]), refs_before);
    assert_eq!(project.git(&["status", "--porcelain"]), "");
    project.assert_no_trace();
    holds.assert_all_gone();
    // Cancelled workers stopped; none failed.
    assert!(!finished.stderr.contains("failed"), "{}", finished.stderr);
    finished
}

#[test]
fn sigterm_in_the_first_check_stops_cleanly_and_says_no_error_was_counted() {
    let finished = stop_at(Stage::FirstCheck, "TERM", 143, &[]);
    assert!(
        finished
            .stdout
            .contains("interrupted by SIGTERM before the first check: nothing was applied"),
        "{}",
        finished.stdout
    );
    assert!(!finished.stdout.contains("0 → 0"), "{}", finished.stdout);
}

#[test]
fn sigterm_in_a_gate_run_stops_cleanly_and_the_workers_report_stopped() {
    let finished = stop_at(Stage::GateRun, "TERM", 143, &[]);
    assert!(finished.stderr.contains("stopped E"), "{}", finished.stderr);
    assert!(
        finished
            .stdout
            .contains("interrupted by SIGTERM: nothing was applied (3 → 3 errors"),
        "{}",
        finished.stdout
    );
}

#[test]
fn sigterm_in_the_merge_stops_cleanly() {
    let finished = stop_at(Stage::Merge, "TERM", 143, &["--message-format", "json"]);
    let last: serde_json::Value =
        serde_json::from_str(finished.stdout.lines().last().unwrap()).unwrap();
    let summary = &last["summary"];
    assert_eq!(
        summary["outcome"],
        serde_json::json!({"interrupted": {"signal": "SIGTERM"}})
    );
    assert_eq!(summary["errors_before"], 3);
    assert_eq!(summary["rounds"], 1);
}

#[test]
fn sighup_stops_cleanly_with_129() {
    stop_at(Stage::GateRun, "HUP", 129, &[]);
}

#[test]
fn sigint_stops_cleanly_with_130() {
    stop_at(Stage::GateRun, "INT", 130, &[]);
}

/// A run on `project` killed with SIGKILL once its first check holds; its orphaned cargo and
/// build script are then ended by the test, as a later run could not be sure to.
fn kill_midway(project: &Project, args: &[&str]) {
    let holds = Holds::at(Stage::FirstCheck);
    let run = holds.start(project, args);
    holds.wait_for_a_hold();
    run.signal("KILL");
    let finished = run.wait(LIMIT);
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        assert_eq!(finished.status.signal(), Some(9));
    }
    holds.kill_all();
    let work = project.path().join("target/fix-swarm/work");
    assert!(
        std::fs::read_dir(&work).is_ok_and(|mut dir| dir.next().is_some()),
        "the killed run left nothing to sweep"
    );
}

#[test]
fn what_a_run_killed_with_sigkill_left_is_swept_by_the_next() {
    let project = holding_project();
    kill_midway(&project, &["-j", "2"]);
    project
        .fix_swarm()
        .arg("--dry-run")
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "Swept the leftovers of 1 run that did not end cleanly",
        ));
    project.assert_no_trace();
}

#[test]
fn what_a_killed_run_without_git_left_is_swept_by_the_next() {
    let project = Scenario::package()
        .file("build.rs", HOLDING_BUILD_SCRIPT)
        .file("src/lib.rs", BROKEN_LIB)
        .without_git()
        .create();
    kill_midway(&project, &["--allow-no-vcs"]);
    let scratch = project.path().join("target/fix-swarm/scratch-git");
    assert!(std::fs::read_dir(&scratch).is_ok_and(|mut dir| dir.next().is_some()));
    project
        .fix_swarm()
        .args(["--allow-no-vcs", "--dry-run"])
        .assert()
        .code(0);
    project.assert_no_files_left();
    assert!(!project.path().join(".git").exists());
}

#[test]
fn leftovers_of_a_dead_run_whose_pid_now_belongs_to_another_process_are_swept() {
    // A run that began in 1970 with this test's pid: the pid is alive, but not that run.
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let run = format!("{}-1", std::process::id());
    let work = PathBuf::from("target/fix-swarm/work").join(&run);
    let worktree = work.join(format!("fix-swarm-{run}-0"));
    project.git(&["worktree", "add", "--detach", worktree.to_str().unwrap()]);
    let target = project
        .path()
        .join(work.join(format!("fix-swarm-{run}-0.target/debug")));
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("build-output"), "left behind").unwrap();

    project.fix_swarm().arg("--dry-run").assert().code(0);
    project.assert_no_trace();
}

#[test]
fn a_live_run_is_never_swept_by_a_concurrent_one() {
    let project = holding_project();
    let holds = Holds::at(Stage::FirstCheck);
    let first = holds.start(&project, &["-j", "1"]);
    holds.wait_for_a_hold();
    let worktrees = project.git(&["worktree", "list", "--porcelain"]);

    project
        .fix_swarm()
        .args(["--dry-run", "-j", "1"])
        .assert()
        .code(0);

    assert_eq!(
        project.git(&["worktree", "list", "--porcelain"]),
        worktrees,
        "the second run touched the first's worktrees"
    );
    let work = project.path().join("target/fix-swarm/work");
    assert_eq!(std::fs::read_dir(&work).unwrap().count(), 1);
    assert!(holds.pids().iter().all(|&pid| is_running(pid)));
    first.signal("TERM");
    first.wait(LIMIT).assert_code(143);
    project.assert_no_trace();
    holds.assert_all_gone();
}

#[test]
fn a_worker_cut_off_by_its_timeout_reports_the_gate_runs_and_time_it_spent() {
    let project = holding_project();
    let holds = Holds::at(Stage::GateRun);
    let run = holds.start(&project, &["-j", "2", "--worker-timeout", "3"]);
    holds.wait_for_a_hold();
    let finished = run.wait(LIMIT);
    finished.assert_code(1);
    let timed_out: Vec<&str> = finished
        .stderr
        .lines()
        .filter(|line| line.contains("timedout"))
        .collect();
    assert_eq!(timed_out.len(), 3, "{}", finished.stderr);
    for line in timed_out {
        // `timedout E0425: timed out after 3s (1 gate run, 3.0s)`
        let spent = line
            .split_once("timed out after 3s (1 gate run, ")
            .and_then(|(_, rest)| rest.strip_suffix("s)"))
            .and_then(|secs| secs.parse::<f64>().ok());
        assert!(spent.is_some_and(|secs| secs >= 3.0), "{}", finished.stderr);
    }
    assert!(!finished.stderr.contains("failed"), "{}", finished.stderr);
    // The cut-off gate runs' cargo and build scripts were killed with them.
    holds.assert_all_gone();
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
    project.assert_no_trace();
}

#[test]
fn a_worktree_named_like_ours_but_elsewhere_is_forgotten_never_deleted() {
    // Named as a dead run's worktree would be, but not where runs put theirs: git's record of it
    // goes, its files (anyone's) stay.
    let project = Scenario::package()
        .file("src/lib.rs", "pub fn f() -> i32 {\n    1\n}\n")
        .create();
    let elsewhere = tempfile::tempdir().unwrap();
    let worktree = elsewhere.path().join("fix-swarm-999999-1700000000-0");
    project.git(&[
        "worktree",
        "add",
        "-q",
        "--detach",
        worktree.to_str().unwrap(),
    ]);
    std::fs::write(worktree.join("notes.txt"), "mine\n").unwrap();

    project.fix_swarm().assert().code(0);

    assert_eq!(
        std::fs::read_to_string(worktree.join("notes.txt")).unwrap(),
        "mine\n"
    );
    project.assert_no_trace();
}

/// Stands in for `cp` (first in the run's `PATH`): says it started, waits for the test's word,
/// then fails saying so, or copies with the real `cp` and says it finished.
const WAITING_CP: &str = r#"#!/bin/sh
dir="$FIX_SWARM_TEST_CP"
: > "$dir/started.$$"
until [ -e "$dir/go" ]; do sleep 0.05; done
if [ "$(cat "$dir/go")" = fail ]; then
    echo "cp: told to fail" >&2
    exit 1
fi
echo "fake cp: copying" >&2
"$FIX_SWARM_TEST_REAL_CP" "$@" || exit
: > "$dir/finished.$$"
"#;

/// A `cp` that waits for the test's word, and what it says.
struct WaitingCp {
    bin: tempfile::TempDir,
    state: tempfile::TempDir,
    path: String,
    real: PathBuf,
}

impl WaitingCp {
    fn new() -> WaitingCp {
        use std::os::unix::fs::PermissionsExt as _;
        let bin = tempfile::tempdir().unwrap();
        let cp = bin.path().join("cp");
        std::fs::write(&cp, WAITING_CP).unwrap();
        std::fs::set_permissions(&cp, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::var("PATH").unwrap();
        let real = std::env::split_paths(&path)
            .map(|dir| dir.join("cp"))
            .find(|cp| cp.is_file())
            .expect("no cp in PATH");
        WaitingCp {
            path: format!("{}:{path}", bin.path().display()),
            bin,
            state: tempfile::tempdir().unwrap(),
            real,
        }
    }

    /// The environment that puts it in the run's `PATH`, with the log line that says the run
    /// took a stop (`stop requested`).
    fn env(&self) -> Vec<(&str, &Path)> {
        assert!(self.bin.path().join("cp").is_file());
        vec![
            ("PATH", Path::new(&self.path)),
            ("FIX_SWARM_TEST_CP", self.state.path()),
            ("FIX_SWARM_TEST_REAL_CP", &self.real),
            ("CARGO_FIX_SWARM_LOG", Path::new("cargo_fix_swarm=info")),
        ]
    }

    fn marks(&self, prefix: &str) -> Vec<String> {
        let mut marks: Vec<String> = std::fs::read_dir(self.state.path())
            .unwrap()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().unwrap();
                name.strip_prefix(prefix).map(str::to_owned)
            })
            .collect();
        marks.sort();
        marks
    }

    fn wait_until_started(&self) {
        wait_until(LIMIT, "the run starts cp", || {
            !self.marks("started.").is_empty()
        });
    }

    /// Lets every `cp` go on: `copy`, or `fail`.
    fn go(&self, word: &str) {
        let word_file = self.state.path().join("go.tmp");
        std::fs::write(&word_file, word).unwrap();
        std::fs::rename(word_file, self.state.path().join("go")).unwrap();
    }
}

/// A project whose build compiles an ignored source, which the set-up copies into every
/// worktree with `cp -a`.
fn project_with_an_ignored_source() -> Project {
    let project = Scenario::package()
        .file("src/lib.rs", &format!("mod generated;\n\n{BROKEN_LIB}"))
        .file("src/generated.rs", "pub fn generated() {}\n")
        .create();
    project.write(".gitignore", "target/\nsrc/generated.rs\n");
    project.git(&["rm", "-q", "--cached", "src/generated.rs"]);
    project.git(&["commit", "-q", "-am", "ignore the generated source"]);
    project
}

/// Waits until the run has taken the stop it was sent (or ended).
fn wait_for_the_stop(run: &mut Running) {
    wait_until(LIMIT, "the run takes the stop", || {
        run.stderr_so_far().contains("stop requested") || run.has_ended()
    });
}

#[test]
fn a_ctrl_c_at_the_terminal_during_the_set_up_stops_the_run_but_not_the_copy_under_way() {
    let project = project_with_an_ignored_source();
    let before = project.tree_state();
    let cp = WaitingCp::new();
    let mut run = project.start_in_the_foreground(&["-j", "1"], &cp.env());
    cp.wait_until_started();
    run.signal_group("INT");
    wait_for_the_stop(&mut run);
    cp.go("copy");
    let finished = run.wait(LIMIT);
    finished.assert_code(130);
    assert!(
        finished
            .stdout
            .contains("interrupted by Ctrl-C (SIGINT) before the first check: nothing was applied"),
        "{}",
        finished.stdout
    );
    // The copy was not killed under the run: every cp it started finished.
    assert_eq!(cp.marks("finished."), cp.marks("started."));
    // What cp said went to the run, not to the terminal.
    assert!(!finished.stderr.contains("fake cp"), "{}", finished.stderr);
    assert_eq!(project.tree_state(), before, "the tree changed");
    project.assert_no_trace();
}

#[test]
fn a_set_up_that_fails_once_a_stop_was_requested_ends_as_stopped() {
    let project = project_with_an_ignored_source();
    let before = project.tree_state();
    let cp = WaitingCp::new();
    let mut run = project.start(&["-j", "1"], &cp.env());
    cp.wait_until_started();
    run.signal("TERM");
    wait_for_the_stop(&mut run);
    cp.go("fail");
    let finished = run.wait(LIMIT);
    finished.assert_code(143);
    assert!(
        finished
            .stdout
            .contains("interrupted by SIGTERM before the first check: nothing was applied"),
        "{}",
        finished.stdout
    );
    // The record the run had begun is named, and the failure is logged, with what cp said.
    assert!(
        finished.stdout.contains("\nrecord: "),
        "{}",
        finished.stdout
    );
    assert!(
        finished
            .stderr
            .contains("cp -a exited with exit status: 1: cp: told to fail"),
        "{}",
        finished.stderr
    );
    assert_eq!(project.tree_state(), before, "the tree changed");
    project.assert_no_trace();
}
