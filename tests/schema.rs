//! The machine report against its JSON Schema (`schema/events.schema.json`): real output of real
//! runs validates (see `ci.rs`), and output the schema does not describe does not.

use std::sync::LazyLock;

use cargo_fix_swarm::schema::SCHEMA_VERSION;
use serde_json::{Value, json};

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/events.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
});

/// Fails the test, naming the line and what is wrong, unless every line of `lines` (JSON lines)
/// is an event the schema describes. Returns the events.
pub fn assert_valid_lines(lines: &str) -> Vec<Value> {
    let events: Vec<Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    assert!(!events.is_empty(), "no events");
    for (number, event) in events.iter().enumerate() {
        let errors: Vec<String> = VALIDATOR
            .iter_errors(event)
            .map(|error| format!("{error} at {}", error.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "line {}: {}\n{:#}",
            number + 1,
            errors.join("\n"),
            event
        );
    }
    events
}

#[test]
fn output_the_schema_does_not_describe_is_refused() {
    let version = SCHEMA_VERSION;
    let valid = json!({"event": "diff", "patch": "p", "elapsed_ms": 3, "schema_version": version});
    assert!(VALIDATOR.is_valid(&valid));
    let mut unversioned = valid.clone();
    unversioned
        .as_object_mut()
        .unwrap()
        .remove("schema_version");
    let mut other_version = valid.clone();
    other_version["schema_version"] = json!(version - 1);
    let mut undocumented = valid.clone();
    undocumented["colour"] = json!("blue");
    let unknown = json!({"event": "party", "elapsed_ms": 3, "schema_version": version});
    let mut mistyped = valid;
    mistyped["elapsed_ms"] = json!("3");
    for event in [unversioned, other_version, undocumented, unknown, mistyped] {
        assert!(!VALIDATOR.is_valid(&event), "{event}");
    }
}

/// A worker's report as schema_version 2 has it: positions as objects, the patch as a diff, an
/// unfixed diagnostic as the object the summary uses too.
fn worker_completed() -> Value {
    let position = json!({"file": "src/lib.rs", "line": 4, "column": 9});
    json!({
        "event": "worker-completed",
        "schema_version": SCHEMA_VERSION,
        "elapsed_ms": 3,
        "round": 1,
        "report": {
            "scope": "E0425",
            "code": "E0425",
            "status": "completed",
            "diagnostics": 2,
            "failure": null,
            "fixed": [{
                "target": {"code": "E0425", "message": "cannot find value `countr` in this scope", "file": "src/lib.rs"},
                "position": position,
                "how": "a local variable with a similar name exists",
                "change": "`countr` → `counter`",
                "by": "rustc-suggestions",
                "why": {"kind": "only-proposal"}
            }],
            "unfixed": [{
                "code": "E0425",
                "message": "cannot find value `x` in this scope",
                "detail": "not found in this scope",
                "position": null,
                "reason": {"kind": "no-proposal"}
            }],
            "patch": "--- a/src/lib.rs\n+++ b/src/lib.rs\n",
            "resolved": [],
            "gate_runs": 1,
            "candidates": 1
        }
    })
}

#[test]
fn positions_are_objects_patches_diffs_and_unfixed_one_shape() {
    assert!(VALIDATOR.is_valid(&worker_completed()));
    // A model worker's report says what its requests cost.
    let mut with_tokens = worker_completed();
    with_tokens["report"]["tokens"] = json!({"prompt_tokens": 1200, "completion_tokens": 80});
    assert!(VALIDATOR.is_valid(&with_tokens));
    let mut string_position = worker_completed();
    string_position["report"]["fixed"][0]["position"] = json!("src/lib.rs:4:9");
    let mut whole_files = worker_completed();
    whole_files["report"]["patch"] =
        json!({"files": {"src/lib.rs": {"before": "a", "after": "b"}}});
    let mut tuple = worker_completed();
    tuple["report"]["unfixed"] = json!([[
        {"code": "E0425", "message": "m", "file": "src/lib.rs"},
        {"kind": "no-proposal"}
    ]]);
    for event in [string_position, whole_files, tuple] {
        assert!(!VALIDATOR.is_valid(&event), "{event}");
    }
}

/// An error left because a dependency was bumped names the crate, both versions and the
/// changelog (null when its sources ship none); an origin short of its versions is refused.
#[test]
fn an_unfixed_diagnostic_may_name_the_bumped_crate_it_comes_from() {
    let mut with_origin = worker_completed();
    with_origin["report"]["unfixed"][0]["origin"] = json!({
        "crate": "heck", "from": "0.3.3", "to": "0.5.0",
        "changelog": "/home/u/.cargo/registry/src/index/heck-0.5.0/CHANGELOG.md"
    });
    assert!(VALIDATOR.is_valid(&with_origin));
    with_origin["report"]["unfixed"][0]["origin"]["changelog"] = Value::Null;
    assert!(VALIDATOR.is_valid(&with_origin));
    let mut short = worker_completed();
    short["report"]["unfixed"][0]["origin"] = json!({"crate": "heck", "changelog": null});
    assert!(!VALIDATOR.is_valid(&short));
}
