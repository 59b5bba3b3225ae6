//! A round's patches that pass apart can clash merged: the merge follows up with rustc's own fixes
//! for what the clash caused rather than backing a patch out for a round.

use serde_json::Value;

use crate::util::Scenario;

/// `a.rs` misspells its import of `HashMap`, and `b.rs` and `c.rs` never import it. The E0433
/// scope imports it in all three files (rustc's suggestion) and resolves the most, so it merges
/// first; the E0432 scope corrects the misspelt import. Together, `a.rs` imports `HashMap` twice
/// (E0252), which rustc's "remove unnecessary import" fixes.
#[test]
fn two_patches_that_import_one_name_merge_with_rustcs_fix_for_the_duplicate() {
    let project = Scenario::package()
        .file("src/lib.rs", "pub mod a;\npub mod b;\npub mod c;\n")
        .file(
            "src/a.rs",
            "use std::collections::HashMpa;\n\npub fn a() -> usize {\n    HashMap::<u8, u8>::new().len()\n}\n",
        )
        .file(
            "src/b.rs",
            "pub fn b() -> usize {\n    HashMap::<u8, u8>::new().len()\n}\n",
        )
        .file(
            "src/c.rs",
            "pub fn c() -> usize {\n    HashMap::<u8, u16>::new().len()\n}\n",
        )
        .create();
    let output = project
        .fix_swarm()
        .args(["--message-format", "json", "-j", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let events: Vec<Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let merged: Vec<&Value> = events
        .iter()
        .filter(|event| event["event"] == "merged")
        .collect();
    assert!(!merged.is_empty(), "{stdout}");
    let summary = &events.last().expect("events")["summary"];
    assert_eq!(summary["outcome"], "green", "{stdout}");
    // The first round merged its patches whole: nothing backed out, nothing left for a second.
    assert_eq!(
        merged[0]["backed_out"],
        Value::Array(Vec::new()),
        "{stdout}"
    );
    assert_eq!(summary["rounds"], 1, "{stdout}");
    let a = project.read("src/a.rs");
    assert_eq!(a.matches("HashMap;").count(), 1, "{a}");
    assert_eq!(project.cargo(&["check", "--quiet"]).status.code(), Some(0));
}
