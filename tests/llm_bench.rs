//! The bench with model workers on `fixtures-llm/`, whose errors no built-in specialist can fix,
//! answered from the replies recorded in `fixtures-llm/replies/` (written by hand and recorded
//! through the real client with `tools/scripted-llm/serve.py`): no network, no key.

use std::path::Path;
use std::process::Output;

fn bench(extra: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::process::Command::new(env!("CARGO_BIN_EXE_cargo-fix-swarm"))
        .current_dir(root)
        .args(["fix-swarm", "bench", "fixtures-llm", "-j", "2", "--json"])
        .args(extra)
        // What the recorded prompts were keyed on must not depend on the caller's environment,
        // and replay must need no key and no endpoint.
        .env_remove("RUST_BACKTRACE")
        .env_remove("OPENAI_API_KEY")
        .env("FIX_SWARM_LLM_BASE_URL", "http://127.0.0.1:9/v1")
        .output()
        .expect("the bench runs")
}

fn report(output: &Output, code: i32) -> serde_json::Value {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the bench prints JSON")
}

#[test]
fn llm_bench_replays_recorded_replies_and_every_model_only_fixture_goes_green() {
    let output = bench(&[
        "--llm",
        "--llm-model",
        "scripted-by-hand",
        "--llm-replay",
        "fixtures-llm/replies",
    ]);
    let report = report(&output, 0);
    let fixtures = report["fixtures"].as_array().expect("fixtures");
    assert_eq!(fixtures.len(), 4, "{report:#}");
    let mut requests = 0;
    for fixture in fixtures {
        let name = &fixture["fixture"];
        let swarm = &fixture["swarm"];
        assert_eq!(swarm["green"], true, "{name}: {swarm:#}");
        assert_eq!(swarm["tests"], "pass", "{name}: {swarm:#}");
        let model = &swarm["model"];
        assert_eq!(model["model"], "scripted-by-hand", "{name}");
        assert_eq!(model["fixed_by_model"], 1, "{name}: {model:#}");
        assert_eq!(model["fixed_by_rules"], 0, "{name}: {model:#}");
        assert!(model["prompt_tokens"].as_u64().unwrap() > 0, "{name}");
        requests += model["requests"].as_u64().unwrap();
    }
    // One request per fixture, and one more where the first reply failed the tests and the
    // model was told what they printed.
    assert_eq!(requests, 5, "{report:#}");
}

#[test]
fn llm_bench_fixtures_are_beyond_the_built_in_specialists() {
    // Every fixture is expected green (with a model), so the bench says it fell short: 1.
    let report = report(&bench(&[]), 1);
    assert_eq!(
        report["below_expectation"].as_array().unwrap().len(),
        4,
        "{report:#}"
    );
    for fixture in report["fixtures"].as_array().expect("fixtures") {
        let swarm = &fixture["swarm"];
        assert_eq!(
            swarm["green"], false,
            "{}: the built-in specialists fixed it, so it no longer tests the model: {swarm:#}",
            fixture["fixture"]
        );
        assert!(swarm.get("model").is_none(), "{swarm:#}");
    }
}
