//! `cargo fix-swarm bench` from the command line: its exit code says whether every fixture
//! expected green was repaired, its JSON carries the setup and totals, and its table says why a
//! fixture was not repaired.

use std::path::Path;

use serde_json::Value;

/// A fixture crate `name` under `dir` with `lib` as its library.
fn fixture(dir: &Path, name: &str, lib: &str, codes: &str, errors: usize, green: bool) {
    let root = dir.join(name);
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), lib).unwrap();
    let expect = if green { "" } else { "expect_green = false\n" };
    std::fs::write(
        root.join("fixture.toml"),
        format!(
            "description = \"test\"\nexpected_codes = [{codes}]\nexpected_errors = {errors}\n{expect}"
        ),
    )
    .unwrap();
}

/// Two fixtures: a typo the engine repairs, and a call of a method nothing proposes a fix for.
fn fixtures(unfixable_expected_green: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fixture(
        dir.path(),
        "typo",
        "pub fn f() -> i32 {\n    let counter = 1;\n    countr\n}\n",
        "\"E0425\"",
        1,
        true,
    );
    fixture(
        dir.path(),
        "unknown-method",
        "pub fn f() -> u8 {\n    1u8.frobnicate()\n}\n",
        "\"E0599\"",
        1,
        unfixable_expected_green,
    );
    dir
}

fn bench(dir: &Path, extra: &[&str]) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin!("cargo-fix-swarm");
    std::process::Command::new(binary)
        .args(["fix-swarm", "bench"])
        .arg(dir)
        .args(["-j", "1", "--gate", "check"])
        .args(extra)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap()
}

#[test]
fn a_fixture_expected_green_and_left_red_fails_the_bench() {
    let dir = fixtures(true);
    let output = bench(dir.path(), &["--json"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["below_expectation"],
        serde_json::json!(["unknown-method"])
    );
    assert_eq!(report["jobs"], 1);
    assert_eq!(report["gate"], "check");
    assert!(report["toolchain"].as_str().unwrap().starts_with("cargo "));
    assert_eq!(report["totals"]["fixtures"], 2);
    assert_eq!(report["totals"]["repaired"], 1);
    let red = &report["fixtures"][1];
    assert_eq!(red["swarm"]["tests"], "not-run");
    assert_eq!(red["swarm"]["left"][0]["kind"], "no-proposal");
}

#[test]
fn a_fixture_red_by_design_passes_and_the_table_says_why() {
    let dir = fixtures(false);
    let page = dir.path().join("report.html");
    let output = bench(dir.path(), &["--report", page.to_str().unwrap()]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let row = stdout
        .lines()
        .find(|line| line.starts_with("unknown-method"))
        .unwrap();
    assert!(row.contains("not run"), "{row}");
    assert!(row.ends_with("| 1 left: no candidate"), "{row}");
    assert!(stdout.contains("† not expected green"), "{stdout}");
    // The HTML report is written beside, naming both fixtures, with its two charts inline.
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 2);
    assert!(page.contains("<td class=\"name\">typo</td>"));
    assert!(page.contains("<td class=\"name\">unknown-method</td>"));
}
