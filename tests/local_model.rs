//! A run against a small real model served on loopback (`tools/local-model/serve.sh`), outside CI:
//! ignored unless asked for, and then it needs `FIX_SWARM_LOCAL_MODEL_URL`. A 135M-parameter
//! model does not fix Rust; the run must still go through cleanly: real token counts, the
//! replies it cannot use refused with their reason, a transcript written, the tree untouched.

use std::io::Write as _;

use crate::llm_cli::last_summary;
use crate::util::Scenario;

#[test]
#[ignore = "needs a local model: tools/local-model/serve.sh, then FIX_SWARM_LOCAL_MODEL_URL=http://127.0.0.1:8766/v1"]
fn local_model_a_real_model_run_goes_through_cleanly() {
    let url = std::env::var("FIX_SWARM_LOCAL_MODEL_URL")
        .expect("FIX_SWARM_LOCAL_MODEL_URL names the local model's endpoint");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures-llm/llm-borrow-push-while-iterating/src/lib.rs"
    );
    let source = std::fs::read_to_string(fixture).unwrap();
    let project = Scenario::package().file("src/lib.rs", &source).create();
    let before = project.tree_state();
    let output = project
        .fix_swarm()
        .args(["--llm", "--llm-model", "smollm2", "--llm-base-url", &url])
        .args(["--gate", "test", "--message-format", "json"])
        .env("OPENAI_API_KEY", "unused")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = last_summary(&stdout);
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "a finished run, fixed or not: {code:?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let llm = &summary["llm"];
    assert_eq!(llm["kind"], "used", "{summary:#}");
    let spending = &llm["spending"];
    assert!(spending["requests"].as_u64().unwrap() >= 1, "{spending}");
    assert!(
        spending["prompt_tokens"].as_u64().unwrap() > 0,
        "{spending}"
    );
    assert!(
        spending["completion_tokens"].as_u64().unwrap() > 0,
        "{spending}"
    );

    // One transcript, every reply followed by what became of it.
    let record = std::path::PathBuf::from(summary["record"].as_str().unwrap());
    let transcripts: Vec<_> = std::fs::read_dir(record.join("llm"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(transcripts.len(), 1, "{transcripts:?}");
    let steps: Vec<serde_json::Value> = std::fs::read_to_string(&transcripts[0])
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let kinds: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"request") && kinds.contains(&"reply"),
        "{kinds:?}"
    );
    for (at, kind) in kinds.iter().enumerate() {
        if *kind == "reply" {
            let next = kinds.get(at + 1).copied();
            assert!(
                matches!(next, Some("refused" | "edits")),
                "a reply is refused or applied: {kinds:?}"
            );
        }
    }
    // What it showed, for whoever ran it by hand (`--nocapture`).
    let _ = writeln!(
        std::io::stderr(),
        "local model: {spending}, steps {kinds:?}"
    );
    if summary["outcome"] != "green" {
        assert_eq!(
            project.tree_state(),
            before,
            "an unfixed run changes nothing"
        );
    }
}
