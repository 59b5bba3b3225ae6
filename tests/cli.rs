//! The binary end to end: real git repositories, real `cargo check`.

use predicates::prelude::*;

use crate::util::{BROKEN_LIB, Scenario};

#[test]
fn fixes_a_broken_crate_and_leaves_no_trace() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    project
        .fix_swarm()
        .assert()
        .code(0)
        .stdout(predicate::str::contains("the build is green (3 → 0 errors"));
    let fixed = project.read("src/lib.rs");
    assert!(fixed.contains("        counter += v;"), "{fixed}");
    assert!(
        fixed.starts_with("use std::collections::HashSet;\n"),
        "{fixed}"
    );
    assert!(fixed.contains("    name.to_string()\n"), "{fixed}");
    assert!(project.cargo(&["test", "-q"]).status.success());
    project.assert_no_trace();
}

#[test]
fn a_run_that_fails_ends_its_json_stream_with_a_final_event() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    project.write("notes.txt", "mine\n");
    let output = project
        .fix_swarm()
        .args(["--message-format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let last: serde_json::Value = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .last()
        .map(|line| serde_json::from_str(line).unwrap())
        .expect("a final event");
    assert_eq!(last["event"], "run-failed");
    assert_eq!(last["kind"], "dirty");
    assert!(last["message"].as_str().unwrap().contains("notes.txt"));
}

#[test]
fn uncommitted_changes_are_refused_without_allow_dirty() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    project.write("notes.txt", "mine\n");
    project.fix_swarm().assert().code(2).stderr(
        predicate::str::contains("uncommitted changes")
            .and(predicate::str::contains("--allow-dirty")),
    );
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
    project.assert_no_trace();
}

#[test]
fn a_dirty_tree_survives_byte_for_byte() {
    let project = Scenario::package()
        .file("src/lib.rs", BROKEN_LIB)
        .file("src/extra.rs", "pub const A: u8 = 1;\n")
        .create();
    // Unstaged in a file the fix edits, staged elsewhere, and untracked.
    let edited = BROKEN_LIB.replace("pub fn greet", "/// Says hello.\npub fn greet");
    project.write("src/lib.rs", &edited);
    project.write("src/extra.rs", "pub const A: u8 = 2;\n");
    project.git(&["add", "src/extra.rs"]);
    project.write("scratch.txt", "untracked\n");
    let staged_before = project.git(&["diff", "--cached"]);

    project.fix_swarm().arg("--allow-dirty").assert().code(0);

    let fixed = project.read("src/lib.rs");
    assert!(
        fixed.contains("/// Says hello.\npub fn greet"),
        "the user's edit was lost:\n{fixed}"
    );
    assert!(fixed.contains("name.to_string()"), "{fixed}");
    assert_eq!(project.read("src/extra.rs"), "pub const A: u8 = 2;\n");
    assert_eq!(project.git(&["diff", "--cached"]), staged_before);
    assert_eq!(project.read("scratch.txt"), "untracked\n");
    assert_eq!(project.git(&["stash", "list"]), "");
    assert_eq!(
        project.git(&["log", "--oneline"]).lines().count(),
        1,
        "HEAD moved"
    );
    project.assert_no_trace();
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    project
        .fix_swarm()
        .arg("--dry-run")
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("--- a/src/lib.rs")
                .and(predicate::str::contains("+        counter += v;"))
                .and(predicate::str::contains("would fix")),
        );
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
    assert_eq!(project.git(&["status", "--porcelain"]), "");
    project.assert_no_trace();
}

#[test]
fn json_messages_are_one_event_per_line_ending_with_the_summary() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let output = project
        .fix_swarm()
        .args(["--message-format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let events: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"run-started"));
    assert!(kinds.contains(&"worker-completed"), "{kinds:?}");
    let summary = &events.last().unwrap()["summary"];
    assert_eq!(kinds.last(), Some(&"run-finished"));
    assert_eq!(summary["outcome"], "green");
    assert_eq!(summary["errors_before"], 3);
    assert_eq!(summary["errors_after"], 0);
}

#[test]
fn errors_a_fix_reveals_are_counted_apart_and_the_round_limit_names_a_limit() {
    // The macro call's parse error hides the type error below until its comma is added.
    let source = "pub fn primes() -> Vec<u32> {\n    vec![2, 3 5, 7]\n}\n\n\
                  pub fn label() -> String {\n    \"label\"\n}\n";
    let project = Scenario::package().file("src/lib.rs", source).create();
    project
        .fix_swarm()
        .args(["--max-rounds", "1"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("errors remain (1 fixed, 1 newly revealed, 1 left, 1 round,")
                .and(predicate::str::contains(
                    "round limit: 1 round ran (`--max-rounds 1`) with errors left; \
                     `--max-rounds 2` gives each compiler phase they are in a round",
                )),
        );
    // Written: the comma (the type error is left, with the rounds).
    assert!(project.read("src/lib.rs").contains("vec![2, 3,"));
    project.assert_no_trace();
}

#[test]
fn what_cannot_be_fixed_is_named_with_its_location() {
    // E0063 has only a HasPlaceholders suggestion: it must be reported, never stubbed.
    let source =
        "pub struct P { pub x: i32, pub y: i32 }\npub fn origin() -> P {\n    P { x: 0 }\n}\n";
    let project = Scenario::package().file("src/lib.rs", source).create();
    project.fix_swarm().assert().code(1).stdout(
        predicate::str::contains("could not fix:")
            .and(predicate::str::contains("src/lib.rs:3:5 [E0063]")),
    );
    assert_eq!(project.read("src/lib.rs"), source);
    project.assert_no_trace();
}

#[test]
fn without_git_it_refuses_unless_allowed_and_then_leaves_no_repository() {
    let project = Scenario::package()
        .file("src/lib.rs", BROKEN_LIB)
        .without_git()
        .create();
    project.fix_swarm().assert().code(2).stderr(
        predicate::str::contains("no git repository")
            .and(predicate::str::contains("--allow-no-vcs")),
    );
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);

    project.fix_swarm().arg("--allow-no-vcs").assert().code(0);
    assert!(project.read("src/lib.rs").contains("name.to_string()"));
    assert!(!project.path().join(".git").exists());
    assert!(
        !project
            .path()
            .join("target/fix-swarm/scratch-git")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some())
    );
}

#[test]
fn no_manifest_is_an_environment_error() {
    let project = Scenario::package().create();
    std::fs::remove_file(project.path().join("Cargo.toml")).unwrap();
    project
        .fix_swarm()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("could not find `Cargo.toml`"));
}

#[test]
fn a_manifest_cargo_rejects_is_an_environment_error() {
    let project = Scenario::package()
        .file("Cargo.toml", "[package]\nname = \"demo\"\nversion = \n")
        .file("src/lib.rs", "")
        .create();
    project
        .fix_swarm()
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cargo could not read the workspace",
        ));
    project.assert_no_trace();
}

#[test]
fn a_cargo_that_cannot_run_is_an_environment_error() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    project
        .fix_swarm()
        .env("CARGO", "/nonexistent/cargo")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "could not run `/nonexistent/cargo`",
        ));
    assert_eq!(project.read("src/lib.rs"), BROKEN_LIB);
}

#[test]
fn bad_flags_are_usage_errors_and_help_documents_exit_codes() {
    let project = Scenario::package().create();
    project.fix_swarm().arg("--no-such-flag").assert().code(2);
    project
        .fix_swarm()
        .args(["fix-swarm", "--help"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("130")
                .and(predicate::str::contains("  3    fixes passed the gate"))
                .and(predicate::str::contains("143  stopped by SIGTERM"))
                .and(predicate::str::contains("129  stopped by SIGHUP"))
                .and(predicate::str::contains("--allow-dirty")),
        );
}

#[test]
fn the_test_gate_refuses_a_fix_whose_tests_fail() {
    // The only fix rustc offers compiles, but the crate's test pins other behaviour.
    let source = "pub fn double(x: i32) -> i32 {\n    let twice = x * 2;\n    twce\n}\n\n\
                  #[cfg(test)]\nmod tests {\n    #[test]\n    fn triples() {\n        assert_eq!(super::double(2), 6);\n    }\n}\n";
    let project = Scenario::package().file("src/lib.rs", source).create();
    project
        .fix_swarm()
        .args(["--gate", "test"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("the tests fail: tests::triples"));
    assert_eq!(project.read("src/lib.rs"), source);
    project
        .fix_swarm()
        .args(["--gate", "check"])
        .assert()
        .code(0);
    assert!(project.read("src/lib.rs").contains("    twice\n"));
    project.assert_no_trace();
}

#[test]
fn a_rule_specialist_fixes_what_rustc_has_no_suggestion_for() {
    // `name` was renamed to `title`: rustc only lists the available fields, so the fix comes from
    // the field-rename rule, gated like any other, and the test pins the meaning.
    let source = "pub struct Book {\n    pub title: String,\n    pub pages: u32,\n}\n\n\
                  pub fn make(name: String) -> Book {\n    Book { name, pages: 3 }\n}\n\n\
                  #[cfg(test)]\nmod tests {\n    #[test]\n    fn keeps_the_title() {\n        assert_eq!(super::make(\"Dune\".into()).title, \"Dune\");\n    }\n}\n";
    let project = Scenario::package().file("src/lib.rs", source).create();
    project
        .fix_swarm()
        .args(["--gate", "test"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "src/lib.rs:7       [E0560] `name` → `title: name`",
        ));
    assert!(
        project
            .read("src/lib.rs")
            .contains("Book { title: name, pages: 3 }")
    );
    project.assert_no_trace();
}
