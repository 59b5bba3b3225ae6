//! The machine report against its JSON Schema (`schema/events.schema.json`): real output of real
//! runs validates (see `ci.rs`), and output the schema does not describe does not.

use std::sync::LazyLock;

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
    let valid = json!({"event": "diff", "patch": "p", "elapsed_ms": 3, "schema_version": 1});
    assert!(VALIDATOR.is_valid(&valid));
    let mut unversioned = valid.clone();
    unversioned
        .as_object_mut()
        .unwrap()
        .remove("schema_version");
    let mut other_version = valid.clone();
    other_version["schema_version"] = json!(2);
    let mut undocumented = valid.clone();
    undocumented["colour"] = json!("blue");
    let unknown = json!({"event": "party", "elapsed_ms": 3, "schema_version": 1});
    let mut mistyped = valid;
    mistyped["elapsed_ms"] = json!("3");
    for event in [unversioned, other_version, undocumented, unknown, mistyped] {
        assert!(!VALIDATOR.is_valid(&event), "{event}");
    }
}
