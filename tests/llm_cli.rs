//! The model workers through the CLI: a real crate in a real git repository, real `cargo check`
//! and `cargo test`, and a real HTTP server on loopback scripted with the model's replies.

use std::process::Output;

use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::llm_client::completion;
use crate::util::{Project, Scenario};

/// An E0502 no rule fixes (the borrow must end before the push), and lines that occur twice.
pub const BORROWS: &str = r#"pub fn push_first(v: &mut Vec<i32>) {
    let first = &v[0];
    v.push(*first);
    v.push(*first);
}

pub fn one() -> i32 {
    1
}

pub fn also_one() -> i32 {
    1
}

#[cfg(test)]
mod tests {
    #[test]
    fn pushes_the_first() {
        let mut v = vec![3, 1];
        super::push_first(&mut v);
        assert_eq!(v, vec![3, 1, 3, 3]);
        assert_eq!(super::one() + super::also_one(), 2);
    }
}
"#;

/// A reply in the edit format: one block.
pub fn block(path: &str, search: &str, replace: &str) -> String {
    format!(
        "Here is the fix.\n\n{path}\n```rust\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n```\n"
    )
}

pub fn fixing_reply() -> String {
    block(
        "src/lib.rs",
        "    let first = &v[0];\n    v.push(*first);\n    v.push(*first);\n",
        "    let first = v[0];\n    v.push(first);\n    v.push(first);\n",
    )
}

/// Replies `replies` in order, one each, then the last one for ever.
pub async fn scripted(replies: &[String], usage: (u32, u32)) -> MockServer {
    let server = MockServer::start().await;
    for (at, reply) in replies.iter().enumerate() {
        let mock = Mock::given(method("POST")).respond_with(
            ResponseTemplate::new(200).set_body_json(completion(reply, usage.0, usage.1)),
        );
        let mock = if at + 1 < replies.len() {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(&server).await;
    }
    server
}

/// The binary with `--llm` against `server`, off the runtime's threads (the server lives on
/// them).
pub async fn run_llm(project: &Project, server: &str, extra: &[&str]) -> Output {
    let mut command = project.fix_swarm();
    command
        .args([
            "--llm",
            "--llm-model",
            "test-model",
            "--llm-base-url",
            server,
        ])
        .args(extra)
        .env("OPENAI_API_KEY", "test-key");
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// The user messages of every request the server received, in order.
pub async fn prompts(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| {
            let body: serde_json::Value = request.body_json().unwrap();
            let messages = body["messages"].as_array().unwrap();
            messages.last().unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_a_model_fixes_an_e0502_the_rules_cannot_and_the_tests_pass() {
    let project = Scenario::package().file("src/lib.rs", BORROWS).create();
    // Without a model, the run says what a model could still try.
    let without = project.fix_swarm().output().unwrap();
    assert_eq!(without.status.code(), Some(1), "{}", stdout(&without));
    assert!(
        stdout(&without).contains("a model could still try: E0502"),
        "{}",
        stdout(&without)
    );
    assert_eq!(project.read("src/lib.rs"), BORROWS);

    let server = scripted(&[fixing_reply()], (900, 60)).await;
    let output = run_llm(&project, &format!("{}/v1", server.uri()), &[]).await;
    let out = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.contains("the build is green (1 → 0 errors"), "{out}");
    // The fix's line says what the model's edit did, in a few words.
    assert!(
        out.contains("[E0502] edited 3 lines in `push_first`  (model, round 1)"),
        "{out}"
    );
    let progress = String::from_utf8_lossy(&output.stderr);
    assert!(
        progress.contains("fixed all 1 (1 gate run, 960 model tokens"),
        "{progress}"
    );
    assert!(
        out.contains("model test-model: 1 request, 900 tokens in, 60 out"),
        "{out}"
    );
    let fixed = project.read("src/lib.rs");
    assert!(
        fixed.contains("    let first = v[0];\n    v.push(first);\n"),
        "{fixed}"
    );
    assert!(project.cargo(&["test", "-q"]).status.success());
    // What was sent: the diagnostic, numbered source, the rules.
    let sent = prompts(&server).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("error[E0502]"), "{}", sent[0]);
    assert!(
        sent[0].contains("    2 |     let first = &v[0];"),
        "{}",
        sent[0]
    );
    // The transcript is in the run's record.
    let record = project.path().join("target/fix-swarm/runs");
    let transcripts: Vec<String> = walk(&record)
        .into_iter()
        .filter(|path| {
            path.extension().is_some_and(|e| e == "jsonl")
                && path.to_string_lossy().contains("/llm/")
        })
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    assert_eq!(transcripts.len(), 1, "{transcripts:?}");
    let steps: Vec<serde_json::Value> = transcripts[0]
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let kinds: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["request", "reply", "edits", "verdict"]);
    assert_eq!(steps[3]["verdict"]["verdict"], "accepted", "{:?}", steps[3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_refused_replies_are_reprompted_with_the_reason_and_leave_the_tree_unchanged() {
    let project = Scenario::package().file("src/lib.rs", BORROWS).create();
    let replies = [
        block(
            "src/lib.rs",
            "    let first = &v[1];\n",
            "    let first = v[0];\n",
        ),
        block("src/lib.rs", "    1\n", "    2\n"),
        "You should copy the value before pushing it.".to_owned(),
        block("build.rs", "fn main() {}\n", "fn main() { }\n"),
        block("Cargo.toml", "[workspace]\n", "[workspace]\nmembers = []\n"),
        block("../x.rs", "fn x() {}\n", "fn y() {}\n"),
    ];
    let server = scripted(&replies, (100, 20)).await;
    let output = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &[
            "--llm-escalation-model",
            "big-model",
            "--message-format",
            "json",
        ],
    )
    .await;
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert_eq!(project.read("src/lib.rs"), BORROWS);
    assert_eq!(project.git(&["status", "--porcelain"]), "");
    let sent = prompts(&server).await;
    // Three replies of the worker model, then three of the escalation model, each after the
    // reason the one before was refused.
    assert_eq!(sent.len(), 6, "{sent:#?}");
    assert!(
        sent[1].contains("is not in `src/lib.rs`; the closest lines, from line 2"),
        "{}",
        sent[1]
    );
    assert!(
        sent[2].contains("occurs 2 times in `src/lib.rs`"),
        "{}",
        sent[2]
    );
    // The escalation model starts afresh from the prompt.
    assert!(sent[3].contains("error[E0502]"), "{}", sent[3]);
    assert!(
        sent[4].contains("`build.rs` may not be edited: it is a build script"),
        "{}",
        sent[4]
    );
    assert!(
        sent[5].contains("`Cargo.toml` may not be edited: it is a cargo manifest"),
        "{}",
        sent[5]
    );
    let models: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.body_json::<serde_json::Value>().unwrap()["model"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        models,
        [
            "test-model",
            "test-model",
            "test-model",
            "big-model",
            "big-model",
            "big-model"
        ]
    );
    // Per worker: the tokens of its six requests.
    let completed: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|event| event["event"] == "worker-completed")
        .collect();
    assert_eq!(completed.len(), 1);
    assert_eq!(
        completed[0]["report"]["tokens"],
        serde_json::json!({"prompt_tokens": 600, "completion_tokens": 120})
    );
    let summary = last_summary(&out);
    let reason = &summary["unfixed"][0]["reason"];
    assert_eq!(reason["kind"], "model-refused", "{reason}");
    assert_eq!(reason["refusal"]["kind"], "path", "{reason}");
    assert_eq!(reason["refusal"]["reason"], "parent-dir", "{reason}");
    assert_eq!(summary["llm"]["spending"]["requests"], 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_a_recorded_run_replays_with_the_server_gone() {
    let cassette = tempfile::tempdir().unwrap();
    let first = Scenario::package().file("src/lib.rs", BORROWS).create();
    let server = scripted(&[fixing_reply()], (900, 60)).await;
    let dir = cassette.path().to_string_lossy().into_owned();
    let output = run_llm(
        &first,
        &format!("{}/v1", server.uri()),
        &["--llm-record", &dir],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let uri = server.uri();
    drop(server);
    let second = Scenario::package().file("src/lib.rs", BORROWS).create();
    let replayed = run_llm(&second, &format!("{uri}/v1"), &["--llm-replay", &dir]).await;
    let out = stdout(&replayed);
    assert_eq!(
        replayed.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&replayed.stderr)
    );
    assert!(
        out.contains("model test-model: 1 request, 900 tokens in, 60 out"),
        "{out}"
    );
    assert_eq!(second.read("src/lib.rs"), first.read("src/lib.rs"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_an_unreachable_endpoint_is_a_clear_error_before_any_work() {
    let project = Scenario::package().file("src/lib.rs", BORROWS).create();
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let output = run_llm(&project, &format!("http://{address}/v1"), &[]).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the model workers cannot start"),
        "{stderr}"
    );
    assert_eq!(project.read("src/lib.rs"), BORROWS);
}

/// The summary of the JSON stream's last event.
pub fn last_summary(stdout: &str) -> serde_json::Value {
    let last: serde_json::Value =
        serde_json::from_str(stdout.lines().last().expect("events")).unwrap();
    assert_eq!(last["event"], "run-finished", "{last}");
    last["summary"].clone()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_an_edit_that_compiles_must_pass_the_tests_whatever_the_gate() {
    let project = Scenario::package().file("src/lib.rs", BORROWS).create();
    let compiles_but_changes_meaning = block(
        "src/lib.rs",
        "    let first = &v[0];\n    v.push(*first);\n    v.push(*first);\n",
        "    let first = v[0];\n    v.push(first);\n    v.push(0);\n",
    );
    let server = scripted(&[compiles_but_changes_meaning, fixing_reply()], (500, 40)).await;
    let output = run_llm(
        &project,
        &format!("{}/v1", server.uri()),
        &["--gate", "check"],
    )
    .await;
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    let fixed = project.read("src/lib.rs");
    assert!(!fixed.contains("v.push(0)"), "{fixed}");
    let sent = prompts(&server).await;
    assert_eq!(sent.len(), 2);
    assert!(sent[1].contains("rejected"), "{}", sent[1]);
    assert!(sent[1].contains("pushes_the_first"), "{}", sent[1]);
}
