//! The JSON-lines contract, by value: a small repair's events with what varies from run to run
//! (times, ids, temporary paths, commit ids) blanked, and the progress of concurrent workers left
//! out, snapshot-tested.

use serde_json::Value;

use crate::util::{BROKEN_LIB, Scenario};

/// Keys whose values change from run to run.
const VARYING: [&str; 8] = [
    "elapsed_ms",
    "duration_ms",
    "busy_ms",
    "processes_ms",
    "run_id",
    "commit",
    "saved_patch",
    "record",
];

/// Blanks what varies: the keys above, and the project's temporary directory in any string.
fn blank(value: &mut Value, project: &str) {
    match value {
        Value::Object(map) => {
            for (key, entry) in map.iter_mut() {
                if VARYING.contains(&key.as_str()) && !entry.is_null() {
                    *entry = Value::String(format!("[{key}]"));
                } else {
                    blank(entry, project);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| blank(item, project)),
        Value::String(text) if text.contains(project) => {
            let mut blanked = text.replace(project, "[project]");
            // A run's record is named by its id.
            let runs = "/fix-swarm/runs/";
            if let Some(at) = blanked.find(runs) {
                let id = at + runs.len();
                let end = blanked[id..].find('/').map_or(blanked.len(), |n| id + n);
                blanked.replace_range(id..end, "[run]");
            }
            *text = blanked;
        }
        _ => {}
    }
}

#[test]
fn a_small_repair_emits_these_events() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let output = project
        .fix_swarm()
        .args(["--message-format", "json", "-j", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let root = std::fs::canonicalize(project.path()).unwrap();
    let root = root.to_str().unwrap();
    let mut events: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .filter(|event: &Value| {
            // Workers run concurrently: their progress interleaves differently each run.
            !matches!(
                event["event"].as_str(),
                Some("worker-started" | "worker-progress" | "gate-finished" | "worker-blocked")
            )
        })
        .collect();
    assert_record_holds_what_the_readme_says(&events);
    for event in &mut events {
        blank(event, root);
    }
    // Reports arrive as workers finish: each round's block of them is put in scope order.
    let is_report = |event: &Value| {
        matches!(
            event["event"].as_str(),
            Some("worker-completed" | "worker-failed")
        )
    };
    let mut start = 0;
    while start < events.len() {
        let end = start + events[start..].iter().take_while(|e| is_report(e)).count();
        events[start..end].sort_by_key(|event| event["report"]["scope"].to_string());
        start = end + 1;
    }
    insta::assert_json_snapshot!("small-repair-events", events);
}

/// The summary people read, of the same repair: each fix's place, change and specialist. Times
/// and the record's path, which vary, are blanked.
#[test]
fn a_small_repair_is_summed_up_like_this() {
    let project = Scenario::package().file("src/lib.rs", BROKEN_LIB).create();
    let output = project.fix_swarm().args(["-j", "1"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let summary: Vec<String> = stdout
        .lines()
        .map(|line| {
            if line.starts_with("record: ") {
                return "record: [record]".to_owned();
            }
            match (line.rfind(", "), line.strip_suffix("s)")) {
                (Some(at), Some(_)) if line.starts_with("cargo fix-swarm:") => {
                    format!("{}, [duration])", &line[..at])
                }
                _ => line.to_owned(),
            }
        })
        .collect();
    insta::assert_snapshot!("small-repair-summary", summary.join("\n"));
}

/// The run's record (README, "Install and use"): every event, the plan, each worker's report and
/// patch, the final patch and the summary.
fn assert_record_holds_what_the_readme_says(events: &[Value]) {
    let record = std::path::PathBuf::from(events[0]["record"].as_str().unwrap());
    let read = |name: &str| {
        std::fs::read_to_string(record.join(name))
            .unwrap_or_else(|error| panic!("{name} in the record: {error}"))
    };
    assert!(read("events.jsonl").lines().count() >= events.len());
    let plan: Value = serde_json::from_str(&read("round-1/plan.json")).unwrap();
    assert_eq!(plan.as_array().map(Vec::len), Some(3), "{plan:#}");
    for scope in ["E0425", "E0433", "E0308"] {
        let report: Value = serde_json::from_str(&read(&format!("round-1/{scope}.json"))).unwrap();
        assert_eq!(report["scope"], scope);
        let patch = read(&format!("round-1/{scope}.patch"));
        assert!(
            patch.contains("--- a/src/lib.rs\n+++ b/src/lib.rs"),
            "{patch}"
        );
        assert_eq!(report["patch"].as_str(), Some(patch.as_str()));
    }
    assert!(read("final.patch").contains("+++ b/src/lib.rs"));
    let summary: Value = serde_json::from_str(&read("summary.json")).unwrap();
    assert_eq!(summary["outcome"], "green");
}
