//! cargo's own flags: accepted, and passed to every cargo of the run (seen through a wrapper that
//! `$CARGO` names, or by what they do).

use std::path::Path;

use predicates::prelude::*;

use crate::util::{BROKEN_LIB, Project, Scenario};

/// A `$CARGO` that logs each invocation's arguments, one line each, then runs the real cargo.
struct Wrapper {
    dir: tempfile::TempDir,
}

impl Wrapper {
    fn new() -> Wrapper {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("cargo");
        let log = dir.path().join("log");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
                log.display(),
                env!("CARGO")
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        Wrapper { dir }
    }

    fn cargo(&self) -> std::path::PathBuf {
        self.dir.path().join("cargo")
    }

    fn invocations(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn with_lockfile(project: &Project) {
    assert!(project.cargo(&["generate-lockfile"]).status.success());
    project.git(&["add", "Cargo.lock"]);
    project.git(&["commit", "-q", "-m", "lock"]);
}

#[test]
fn cargo_flags_reach_every_cargo_of_the_run() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    with_lockfile(&project);
    let wrapper = Wrapper::new();
    project
        .fix_swarm()
        .env("CARGO", wrapper.cargo())
        .args([
            "--locked",
            "--offline",
            "--config",
            "net.retry=1",
            // Outranked for the gates, whose target directories are their own.
            "--config",
            "build.target-dir=\"shared\"",
            "--release",
            "--ignore-rust-version",
            "--keep-going",
            "--broken-code",
            "--message-format",
            "short",
        ])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("note: `--broken-code` is implied"))
        .stdout(predicate::str::contains("the build is green"));
    let invocations = wrapper.invocations();
    let (metadata, builds): (Vec<&String>, Vec<&String>) = invocations
        .iter()
        .partition(|line| line.starts_with("metadata"));
    assert!(
        !metadata.is_empty() && !builds.is_empty(),
        "{invocations:#?}"
    );
    for line in &invocations {
        for flag in ["--locked", "--offline", "--config net.retry=1"] {
            assert!(line.contains(flag), "{flag} missing from `cargo {line}`");
        }
    }
    for line in builds {
        assert!(
            line.starts_with("check") || line.starts_with("test"),
            "{line}"
        );
        for flag in ["--release", "--ignore-rust-version", "--target-dir"] {
            assert!(line.contains(flag), "{flag} missing from `cargo {line}`");
        }
        assert!(
            line.contains("/fix-swarm/work/"),
            "a gate outside its worktree: {line}"
        );
    }
    for line in metadata {
        assert!(
            !line.contains("--release"),
            "`cargo {line}` takes no profile"
        );
    }
    project.assert_no_trace();
}

#[test]
fn target_dir_is_where_the_run_builds_and_keeps_its_files() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let elsewhere = tempfile::tempdir().unwrap();
    project
        .fix_swarm()
        .arg("--target-dir")
        .arg(elsewhere.path())
        .assert()
        .code(0);
    assert!(
        elsewhere.path().join("fix-swarm/runs").is_dir(),
        "the run's record is not under --target-dir"
    );
    assert!(
        !project.path().join("target").exists(),
        "the run built in the default target directory"
    );
    // The user's own build with the same flag finds the result green.
    let check = project.cargo(&["check", "--target-dir", &elsewhere.path().to_string_lossy()]);
    assert!(check.status.success());
}

#[test]
fn frozen_without_a_lockfile_is_one_clean_error_with_the_users_paths() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let output = project.fix_swarm().arg("--frozen").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let root = std::fs::canonicalize(project.path()).unwrap();
    let lockfile = Path::new(&root).join("Cargo.lock");
    assert!(
        stderr.contains(&format!(
            "error: cargo check could not run on the workspace: cannot create the lock file {}",
            lockfile.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("fix-swarm/work"), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(!lockfile.exists());
    project.assert_no_trace();
}

#[test]
fn zero_jobs_get_a_sentence() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    project
        .fix_swarm()
        .args(["-j", "0"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("`-j 0` would start no worker")
                .and(predicate::str::contains("non-zero").not()),
        );
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
}

#[test]
fn a_manifest_cargo_rejects_is_one_clean_error() {
    let project = Scenario::package()
        .file(
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbogus = [\n",
        )
        .file("src/lib.rs", BROKEN_LIB)
        .create();
    let output = project.fix_swarm().output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cargo could not read the workspace: "),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(stderr.contains("Cargo.toml"), "{stderr}");
}
