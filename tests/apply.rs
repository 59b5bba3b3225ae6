//! The one write to the user's tree, when it cannot write everything: a file the user changed
//! during the run, a read-only file, a failed write. The fix is written whole or not at all: the
//! tree keeps what the user has, the run ends "not written" (exit 3) and names every file left
//! out, why, and where its patch is.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::util::{BROKEN_LIB, Project, Scenario};

/// One E0425 that rustc's suggestion fixes (`twce` → `twice`).
const DOUBLE: &str = "pub fn double(x: i32) -> i32 {\n    let twice = x * 2;\n    twce\n}\n";
/// Another (`thrce` → `thrice`).
const TRIPLE: &str = "pub fn triple(x: i32) -> i32 {\n    let thrice = x * 3;\n    thrce\n}\n";

/// Plays the user: the first `cargo check` of the run (in a worktree, after the snapshot) runs
/// this build script, which edits the file `DEMO_EDIT_DURING_RUN` names in the user's tree. In the
/// user's own `cargo check` the variable is unset and it does nothing.
const EDITING_BUILD_SCRIPT: &str = r#"fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEMO_EDIT_DURING_RUN");
    if let Some(path) = std::env::var_os("DEMO_EDIT_DURING_RUN") {
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.starts_with(USER_EDIT) {
            std::fs::write(&path, format!("{USER_EDIT}{text}")).unwrap();
        }
    }
}

const USER_EDIT: &str = "// edited during the run\n";
"#;

const USER_EDIT: &str = "// edited during the run\n";

/// A crate of four errors in two files, whose `src/lib.rs` the "user" edits during the run.
fn edited_during_the_run() -> (Project, String) {
    let lib = format!("pub mod other;\n\n{BROKEN_LIB}");
    let project = Scenario::package()
        .file("build.rs", EDITING_BUILD_SCRIPT)
        .file("src/lib.rs", &lib)
        .file("src/other.rs", DOUBLE)
        .create();
    (project, lib)
}

/// The path the human summary gives as the saved patch of `file`.
fn saved_patch_of(stdout: &str, file: &str) -> PathBuf {
    let mut lines = stdout.lines();
    lines
        // `path: why` under "not written"; a fixed error's line starts `path:line`.
        .find(|line| line.trim_start().starts_with(&format!("{file}: ")))
        .unwrap_or_else(|| panic!("{file} is not listed as not written:\n{stdout}"));
    let patch = lines
        .next()
        .and_then(|line| line.trim_start().strip_prefix("patch: "))
        .unwrap_or_else(|| panic!("no patch named for {file}:\n{stdout}"));
    PathBuf::from(patch)
}

/// The summary's section that starts with `heading`, up to the next blank line.
fn section<'a>(stdout: &'a str, heading: &str) -> Option<&'a str> {
    let start = stdout.find(&format!("\n{heading}\n"))? + 1;
    let rest = &stdout[start..];
    Some(rest.split("\n\n").next().unwrap_or(rest))
}

/// The summary the run kept in its record, as JSON.
fn recorded_summary(project: &Project) -> serde_json::Value {
    let runs = project.path().join("target/fix-swarm/runs");
    let run = std::fs::read_dir(&runs).unwrap().next().unwrap().unwrap();
    serde_json::from_str(&std::fs::read_to_string(run.path().join("summary.json")).unwrap())
        .unwrap()
}

#[test]
fn a_file_changed_during_the_run_holds_back_the_whole_fix() {
    let (project, lib) = edited_during_the_run();
    let output = project
        .fix_swarm()
        .env("DEMO_EDIT_DURING_RUN", project.path().join("src/lib.rs"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("not green"), "{stdout}");
    assert!(!stdout.contains("the build is green"), "{stdout}");
    assert!(section(&stdout, "changed:").is_none(), "{stdout}");
    assert!(
        stdout.contains("nothing was written to your tree"),
        "{stdout}"
    );
    assert!(
        stdout.contains("src/lib.rs: you changed it during the run"),
        "{stdout}"
    );
    assert!(
        stdout.contains("src/other.rs: held back because src/lib.rs could not be written"),
        "{stdout}"
    );

    // The user's edit is intact, and the other file was not written without it.
    assert_eq!(project.read("src/lib.rs"), format!("{USER_EDIT}{lib}"));
    assert_eq!(project.read("src/other.rs"), DOUBLE);

    let patch = std::fs::read_to_string(saved_patch_of(&stdout, "src/lib.rs")).unwrap();
    assert!(patch.contains("+        counter += v;"), "{patch}");
    let patch = std::fs::read_to_string(saved_patch_of(&stdout, "src/other.rs")).unwrap();
    assert!(patch.contains("+    twice"), "{patch}");
    assert_eq!(recorded_summary(&project)["outcome"], "not-written");
    project.assert_no_trace();
}

#[test]
fn json_messages_end_with_a_not_written_outcome_when_a_file_changed_during_the_run() {
    let (project, _) = edited_during_the_run();
    let output = project
        .fix_swarm()
        .args(["--message-format", "json"])
        .env("DEMO_EDIT_DURING_RUN", project.path().join("src/lib.rs"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "run-finished");
    let summary = &last["summary"];
    assert_eq!(summary["outcome"], "not-written");
    assert_eq!(summary["files_changed"], serde_json::json!([]));
    let skipped = &summary["skipped"];
    assert_eq!(skipped[0]["path"], "src/lib.rs");
    assert_eq!(skipped[0]["reason"]["kind"], "changed-during-run");
    assert_eq!(skipped[1]["path"], "src/other.rs");
    assert_eq!(
        skipped[1]["reason"],
        serde_json::json!({"kind": "held-back", "because_of": ["src/lib.rs"]})
    );
    for file in skipped.as_array().unwrap() {
        assert!(Path::new(file["saved_patch"].as_str().unwrap()).is_file());
    }
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_write_that_fails_writes_nothing_and_says_where_the_patch_is() {
    let lib = format!("pub mod sub;\n\n{DOUBLE}");
    let project = Scenario::package()
        .file("src/lib.rs", &lib)
        .file("src/sub/mod.rs", TRIPLE)
        .create();
    // `src/lib.rs` comes first and could be written; `src/sub/mod.rs` cannot.
    let sub = project.path().join("src/sub");
    set_mode(&sub, 0o555);
    let output = project.fix_swarm_bound_by_permissions().output().unwrap();
    set_mode(&sub, 0o755);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(3), "{stdout}{stderr}");

    assert_eq!(project.read("src/lib.rs"), lib);
    assert_eq!(project.read("src/sub/mod.rs"), TRIPLE);
    assert_eq!(names_in(&project.path().join("src")), ["lib.rs", "sub"]);
    assert_eq!(names_in(&sub), ["mod.rs"]);

    assert!(stdout.contains("not green"), "{stdout}");
    assert!(
        stdout.contains("nothing was written to your tree"),
        "{stdout}"
    );
    assert!(section(&stdout, "changed:").is_none(), "{stdout}");
    assert!(
        stdout.contains("src/sub/mod.rs: writing it failed"),
        "{stdout}"
    );
    let held_back = std::fs::read_to_string(saved_patch_of(&stdout, "src/lib.rs")).unwrap();
    assert!(held_back.contains("+    twice"), "{held_back}");
    let failed = std::fs::read_to_string(saved_patch_of(&stdout, "src/sub/mod.rs")).unwrap();
    assert!(failed.contains("+    thrice"), "{failed}");
    let whole = stdout
        .lines()
        .find_map(|line| line.strip_prefix("the whole fix as one patch: "))
        .unwrap_or_else(|| panic!("no whole patch named:\n{stdout}"));
    let whole = std::fs::read_to_string(whole).unwrap();
    assert!(
        whole.contains("+    twice") && whole.contains("+    thrice"),
        "{whole}"
    );

    assert_eq!(recorded_summary(&project)["outcome"], "not-written");
    project.assert_no_trace();
}

/// Two rounds whose fixes depend on each other: round 1 derives `Clone` in `src/point.rs` (for
/// the E0308 in `copy`), round 2 clones in `src/uses.rs` (for the E0382 in `pair`), which compiles
/// only with that derive.
const POINT: &str = "pub struct Point {\n    pub x: i32,\n}\n";
const USES: &str = "use crate::point::Point;\n\n\
                    pub fn copy(p: &Point) -> Point {\n    p.clone()\n}\n\n\
                    pub fn pair(p: Point) -> (Point, Point) {\n    (p, p)\n}\n";

#[test]
fn a_read_only_file_holds_back_the_whole_fix_whose_patch_applies_once_it_is_writable() {
    let project = Scenario::package()
        .file("src/lib.rs", "pub mod point;\npub mod uses;\n")
        .file("src/point.rs", POINT)
        .file("src/uses.rs", USES)
        .create();
    let point = project.path().join("src/point.rs");
    set_mode(&point, 0o444);
    let before = project.tree_state();
    let output = project.fix_swarm().output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(3), "{stdout}");

    // `src/uses.rs` alone would not compile (`Point` has no `clone`): neither file was written.
    assert_eq!(project.tree_state(), before);
    assert_eq!(
        std::fs::metadata(&point).unwrap().permissions().mode() & 0o777,
        0o444
    );
    assert!(stdout.contains("not green"), "{stdout}");
    assert!(section(&stdout, "changed:").is_none(), "{stdout}");
    assert!(
        stdout.contains("nothing was written to your tree"),
        "{stdout}"
    );
    assert!(stdout.contains("src/point.rs: it is read-only"), "{stdout}");
    assert!(
        stdout.contains("src/uses.rs: held back because src/point.rs could not be written"),
        "{stdout}"
    );
    let derive = std::fs::read_to_string(saved_patch_of(&stdout, "src/point.rs")).unwrap();
    assert!(derive.contains("+#[derive(Clone)]"), "{derive}");
    let clone = std::fs::read_to_string(saved_patch_of(&stdout, "src/uses.rs")).unwrap();
    assert!(clone.contains("+    (p.clone(), p)"), "{clone}");
    assert!(stdout.contains("`git apply PATCH`"), "{stdout}");
    assert_eq!(recorded_summary(&project)["outcome"], "not-written");
    project.assert_no_trace();

    // The whole fix, applied by hand once the file may be written, makes the build green.
    let whole = stdout
        .lines()
        .find_map(|line| line.strip_prefix("the whole fix as one patch: "))
        .unwrap_or_else(|| panic!("no whole patch named:\n{stdout}"));
    set_mode(&point, 0o644);
    project.git(&["apply", whole]);
    let check = project.cargo(&["check", "-q"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
