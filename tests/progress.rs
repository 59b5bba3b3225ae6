//! Progress from the first second: the first check's units, as events in the JSON stream.

use crate::schema::assert_valid_lines;
use crate::util::{BROKEN_LIB, Scenario};

#[test]
fn the_first_check_reports_each_unit_cargo_finishes() {
    let manifest = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                    [dependencies]\nhelper = { path = \"helper\" }\n\n[workspace]\n";
    let project = Scenario::package()
        .file("Cargo.toml", manifest)
        .file(
            "helper/Cargo.toml",
            "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("helper/src/lib.rs", "pub fn one() -> i32 { 1 }\n")
        .file("src/lib.rs", BROKEN_LIB)
        .create();
    assert!(project.cargo(&["generate-lockfile"]).status.success());
    project.git(&["add", "Cargo.lock"]);
    project.git(&["commit", "-q", "-m", "lock"]);
    let output = project
        .fix_swarm()
        .args(["--message-format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let events = assert_valid_lines(&String::from_utf8(output.stdout).unwrap());
    let checked = events
        .iter()
        .position(|event| event["event"] == "checked")
        .expect("a checked event");
    let compiling: Vec<&serde_json::Value> = events[..checked]
        .iter()
        .filter(|event| event["event"] == "compiling")
        .collect();
    assert!(
        compiling.iter().any(|event| event["unit"] == "helper"),
        "{compiling:#?}"
    );
    for (number, event) in compiling.iter().enumerate() {
        assert_eq!(event["compiled"], number + 1);
    }
    // With a lockfile, `cargo metadata` gives the estimate; the first unit may come before it.
    let last = compiling.last().unwrap();
    assert!(
        last["estimate"]
            .as_u64()
            .is_none_or(|estimate| estimate >= 2),
        "{last}"
    );
    assert!(
        events[checked..]
            .iter()
            .all(|event| event["event"] != "compiling"),
        "progress events after the first check"
    );
}
