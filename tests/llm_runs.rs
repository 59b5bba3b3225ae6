//! More runs with a model through the CLI: an endpoint that fails (the scope is reported failed
//! with the reason, the run goes on and applies what passed), a budget spent mid-run, sampled
//! candidates, settings from the manifest.

use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::llm_cli::{BORROWS, last_summary, run_llm, scripted, stdout};
use crate::util::{BROKEN_LIB, Scenario};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_persistent_500s_fail_the_scope_and_the_run_goes_on() {
    // The built-in specialists fix BROKEN_LIB's three errors; the E0502 needs the model, whose
    // endpoint fails every time.
    let project = Scenario::package()
        .file("src/lib.rs", "pub mod borrows;\npub mod broken;\n")
        .file("src/borrows.rs", BORROWS)
        .file("src/broken.rs", BROKEN_LIB)
        .create();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("overloaded"))
        .mount(&server)
        .await;
    let output = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &["--message-format", "json"],
    )
    .await;
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let summary = last_summary(&out);
    assert_eq!(summary["errors_before"], 4, "{summary}");
    assert_eq!(summary["errors_after"], 1, "{summary}");
    let unfixed = &summary["unfixed"][0];
    assert_eq!(unfixed["code"], "E0502");
    assert_eq!(unfixed["reason"]["kind"], "model-failed", "{unfixed}");
    let error = unfixed["reason"]["error"].as_str().unwrap();
    assert!(
        error.contains("503") && error.contains("4 attempts"),
        "{error}"
    );
    // Our four attempts per round, and no reply asked after a failure: round 1 merged the
    // built-in fixes, so round 2 asked once more for what was left, and then no fix passed.
    assert_eq!(summary["rounds"], 2, "{summary}");
    assert_eq!(server.received_requests().await.unwrap().len(), 8);
    // What passed was applied.
    assert!(project.read("src/broken.rs").contains("counter += v;"));
    assert_eq!(project.read("src/borrows.rs"), BORROWS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_a_malformed_reply_fails_the_scope_with_the_reason() {
    let project = Scenario::package().file("src/lib.rs", BORROWS).create();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"choices\": [", "application/json"),
        )
        .mount(&server)
        .await;
    let output = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &["--message-format", "json"],
    )
    .await;
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let summary = last_summary(&out);
    let reason = &summary["unfixed"][0]["reason"];
    assert_eq!(reason["kind"], "model-failed", "{reason}");
    assert!(
        reason["error"]
            .as_str()
            .unwrap()
            .contains("not a chat completion"),
        "{reason}"
    );
    assert_eq!(project.read("src/lib.rs"), BORROWS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_candidates_are_sampled_at_once_and_the_one_that_passes_is_kept() {
    use crate::llm_cli::{block, fixing_reply};
    let project = Scenario::package().file("src/lib.rs", BORROWS).create();
    // One of the two samples compiles but breaks the test; whichever sample gets it, the other
    // passes, and one turn is enough.
    let breaks_the_test = block(
        "src/lib.rs",
        "    let first = &v[0];\n    v.push(*first);\n    v.push(*first);\n",
        "    let first = v[0];\n    v.push(first);\n    v.push(0);\n",
    );
    let server = scripted(&[breaks_the_test, fixing_reply()], (300, 30)).await;
    let output = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &["--llm-candidates", "2"],
    )
    .await;
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        project
            .read("src/lib.rs")
            .contains("    v.push(first);\n    v.push(first);\n")
    );
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    for request in &sent {
        let body: serde_json::Value = request.body_json().unwrap();
        assert!(body["temperature"].as_f64().unwrap() > 0.0, "{body}");
        assert!(body.get("sample").is_none(), "{body}");
    }
    assert!(
        out.contains("model test-model: 2 requests, 600 tokens in, 60 out"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_settings_come_from_the_workspace_metadata_and_flags_win() {
    use crate::llm_cli::fixing_reply;
    let server = scripted(&[fixing_reply()], (10, 5)).await;
    let manifest = format!(
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
         [workspace.metadata.fix-swarm]\nmodel = \"table-model\"\nbase-url = \"{}/v1\"\n\
         api-key-env = \"DEMO_KEY\"\n",
        server.uri()
    );
    let project = Scenario::package()
        .file("Cargo.toml", &manifest)
        .file("src/lib.rs", BORROWS)
        .create();
    let mut command = project.fix_swarm();
    command
        .args(["--llm", "--llm-model", "flag-model"])
        .env("DEMO_KEY", "demo");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    // The URL and the key's variable from the table; the model from the flag, which wins.
    assert!(out.contains("model flag-model: 1 request"), "{out}");
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent[0].headers["authorization"], "Bearer demo");
    let body: serde_json::Value = sent[0].body_json().unwrap();
    assert_eq!(body["model"], "flag-model");
    // Without --llm the table alone turns nothing on.
    let project = Scenario::package()
        .file("Cargo.toml", &manifest)
        .file("src/lib.rs", BORROWS)
        .create();
    let output = project.fix_swarm().output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_a_token_budget_reached_mid_run_stops_with_its_own_status() {
    // Two E0502 in two files: two conversations, one request slot.
    let other = BORROWS
        .replace("push_first", "push_head")
        .replace("pub fn one", "pub fn uno")
        .replace("pub fn also_one", "pub fn also_uno")
        .replace("super::one", "super::uno")
        .replace("super::also_one", "super::also_uno");
    let project = Scenario::package()
        .file("src/lib.rs", "pub mod a;\npub mod b;\n")
        .file("src/a.rs", BORROWS)
        .file("src/b.rs", &other)
        .create();
    let server = scripted(&["Copy the value first.".to_owned()], (150, 10)).await;
    let output = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &[
            "--llm-jobs",
            "1",
            "--max-tokens",
            "100",
            "--message-format",
            "json",
        ],
    )
    .await;
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    // One request spent the budget; no other started.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let summary = last_summary(&out);
    assert_eq!(summary["llm"]["stopped"], "tokens", "{summary}");
    assert_eq!(
        summary["llm"]["untried"],
        serde_json::json!(["E0502"]),
        "{summary}"
    );
    let reasons: Vec<&str> = summary["unfixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["reason"]["kind"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"not-reached"), "{reasons:?}");
    assert_eq!(project.git(&["status", "--porcelain"]), "");
    // The human summary says it too.
    let human = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &["--llm-jobs", "1", "--max-tokens", "100"],
    )
    .await;
    let text = stdout(&human);
    assert!(text.contains("errors remain, stopped: budget"), "{text}");
    assert!(
        text.contains("stopped: budget (--max-tokens reached)"),
        "{text}"
    );
    assert!(text.contains("left untried: E0502"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_a_slow_model_costs_the_scope_only_what_it_had_not_fixed() {
    // One scope of two E0425: rustc's suggestion fixes the typo, the unknown name is left to the
    // model, whose endpoint answers only after the worker's time has run out.
    let lib = "pub fn total(values: &[i32]) -> i32 {\n    let mut sum = 0;\n    \
               for v in values {\n        sum += v;\n    }\n    summ\n}\n\n\
               pub fn scaled(x: i32) -> i32 {\n    x * qzx_factor\n}\n";
    let project = Scenario::package().file("src/lib.rs", lib).create();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_delay(std::time::Duration::from_secs(120)))
        .mount(&server)
        .await;
    let output = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &[
            "--message-format",
            "json",
            "--worker-timeout",
            "20",
            "--max-rounds",
            "1",
        ],
    )
    .await;
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let summary = last_summary(&out);
    assert_eq!(summary["errors_before"], 2, "{summary}");
    assert_eq!(summary["errors_after"], 1, "{summary}");
    let unfixed = &summary["unfixed"][0];
    assert_eq!(unfixed["reason"]["kind"], "out-of-time", "{unfixed}");
    assert_eq!(unfixed["reason"]["after_secs"], 20, "{unfixed}");
    // The built-in fix was kept and applied.
    let fixed = project.read("src/lib.rs");
    assert!(fixed.contains("    sum\n}"), "{fixed}");
    assert!(fixed.contains("qzx_factor"), "{fixed}");
}
