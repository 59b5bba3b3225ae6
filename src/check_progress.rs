//! What cargo's JSON stream says of a check's progress while it runs: each `compiler-artifact`
//! message is one unit (a crate's target) done, fresh or compiled.

use serde::Deserialize;

/// The target's name when `line` is a `compiler-artifact` message, else `None`. Cheap on every
/// other line: only lines that name the reason are parsed.
pub fn artifact(line: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Message {
        reason: String,
        target: Target,
    }
    #[derive(Deserialize)]
    struct Target {
        name: String,
    }
    if !line.contains("\"compiler-artifact\"") {
        return None;
    }
    let message: Message = serde_json::from_str(line.trim_end()).ok()?;
    (message.reason == "compiler-artifact").then_some(message.target.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_are_counted_and_other_messages_are_not() {
        let artifact_line = r#"{"reason":"compiler-artifact","package_id":"x","manifest_path":"/p/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"serde","src_path":"/s/lib.rs","edition":"2021","doc":true,"doctest":true,"test":true},"profile":{},"features":[],"filenames":[],"executable":null,"fresh":true}"#;
        assert_eq!(artifact(artifact_line).as_deref(), Some("serde"));
        let message = r#"{"reason":"compiler-message","target":{"name":"demo"},"message":{"rendered":"\"compiler-artifact\""}}"#;
        assert_eq!(artifact(message), None);
        assert_eq!(
            artifact(r#"{"reason":"build-finished","success":true}"#),
            None
        );
        assert_eq!(artifact("not json \"compiler-artifact\""), None);
    }

    #[test]
    fn a_recorded_check_finishes_its_build_script_as_one_unit() {
        let recorded = include_str!("../tests/data/external-span.jsonl");
        let units: Vec<String> = recorded.lines().filter_map(artifact).collect();
        assert_eq!(units, ["build-script-build"]);
    }
}
