//! The model transport against a real HTTP server on loopback (wiremock), driving the real
//! async-openai client: retries, `Retry-After`, timeouts, faults, token accounting, and
//! record/replay.

use std::path::Path;
use std::time::{Duration, Instant};

use cargo_fix_swarm::llm::cassette::CassetteError;
use cargo_fix_swarm::llm::chat::{ChatRequest, Message, Role, Usage};
use cargo_fix_swarm::llm::client::{Endpoint, LlmClient, LlmError};
use cargo_fix_swarm::llm::retry::RetryPolicy;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A chat completion as OpenAI-compatible servers send it (`object` and `created` included:
/// async-openai refuses a reply without them).
pub fn completion(content: &str, prompt_tokens: u32, completion_tokens: u32) -> serde_json::Value {
    serde_json::json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "test-model",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        }
    })
}

fn request(text: &str) -> ChatRequest {
    ChatRequest {
        model: "test-model".to_owned(),
        messages: vec![
            Message::new(Role::System, "rules"),
            Message::new(Role::User, text),
        ],
        temperature: None,
        max_tokens: Some(512),
        sample: 0,
    }
}

fn client(base_url: &str, attempts: u32, timeout: Duration) -> LlmClient {
    let endpoint = Endpoint {
        base_url: base_url.to_owned(),
        api_key: "test-key".to_owned(),
        timeout,
        retry: RetryPolicy {
            max_attempts: attempts,
            base: Duration::from_millis(20),
            cap: Duration::from_secs(60),
        },
    };
    LlmClient::connect(&endpoint, None).unwrap()
}

fn recording_client(base_url: &str, dir: &Path) -> LlmClient {
    let endpoint = Endpoint {
        base_url: base_url.to_owned(),
        api_key: "test-key".to_owned(),
        timeout: Duration::from_secs(10),
        retry: RetryPolicy::default(),
    };
    LlmClient::connect(&endpoint, Some(dir.to_owned())).unwrap()
}

#[tokio::test]
async fn llm_a_reply_carries_its_text_and_usage_and_the_key_goes_where_told() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer test-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("hello", 12, 5)))
        .expect(1)
        .mount(&server)
        .await;
    let reply = client(&format!("{}/v1", server.uri()), 3, Duration::from_secs(10))
        .complete(&request("hi"))
        .await
        .unwrap();
    assert_eq!(reply.content, "hello");
    assert_eq!(
        reply.usage,
        Usage {
            prompt_tokens: 12,
            completion_tokens: 5
        }
    );
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(sent["model"], "test-model");
    assert_eq!(sent["messages"][1]["content"], "hi");
    assert_eq!(sent["max_completion_tokens"], 512);
}

#[tokio::test]
async fn llm_a_429_with_retry_after_is_waited_out_then_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(
                    serde_json::json!({"error": {"message": "slow down", "type": "rate_limit"}}),
                ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("after the wait", 3, 2)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let reply = client(&server.uri(), 3, Duration::from_secs(10))
        .complete(&request("hi"))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(reply.content, "after the wait");
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    // The backoff alone (20 ms) would not have waited a second: the header was honoured.
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn llm_persistent_500s_fail_after_our_attempts_and_no_hidden_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream broke"))
        .mount(&server)
        .await;
    let error = client(&server.uri(), 3, Duration::from_secs(10))
        .complete(&request("hi"))
        .await
        .unwrap_err();
    match error {
        LlmError::Status {
            status,
            attempts,
            ref body,
        } => {
            assert_eq!((status, attempts), (500, 3));
            assert_eq!(body, "upstream broke");
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    // Exactly our three attempts: async-openai's own retry layer is out of the stack.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn llm_malformed_json_is_an_error_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"choices\": [", "application/json"),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri(), 3, Duration::from_secs(10))
        .complete(&request("hi"))
        .await
        .unwrap_err();
    assert!(matches!(error, LlmError::Malformed(_)), "{error:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn llm_a_stalled_endpoint_times_out_on_every_attempt() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let started = Instant::now();
    let error = client(
        &format!("http://{address}/v1"),
        2,
        Duration::from_millis(300),
    )
    .complete(&request("hi"))
    .await
    .unwrap_err();
    let waited = started.elapsed();
    held.abort();
    match error {
        LlmError::Timeout { after, attempts } => {
            assert_eq!((after, attempts), (Duration::from_millis(300), 2));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(waited >= Duration::from_millis(600), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn llm_an_unreachable_endpoint_is_a_connection_error() {
    // A port nothing listens on: bound, then closed.
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let error = client(&format!("http://{address}/v1"), 2, Duration::from_secs(5))
        .complete(&request("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, LlmError::Connection { attempts: 2, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn llm_recorded_replies_replay_with_the_server_gone() {
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("recorded", 7, 3)))
        .expect(1)
        .mount(&server)
        .await;
    let recorded = recording_client(&server.uri(), dir.path())
        .complete(&request("hi"))
        .await
        .unwrap();
    drop(server);
    let replayed = LlmClient::replaying(dir.path().to_owned())
        .complete(&request("hi"))
        .await
        .unwrap();
    assert_eq!(replayed, recorded);
    let miss = LlmClient::replaying(dir.path().to_owned())
        .complete(&request("something else"))
        .await
        .unwrap_err();
    assert!(
        matches!(miss, LlmError::Cassette(CassetteError::Miss { .. })),
        "{miss:?}"
    );
    assert!(miss.to_string().contains("no recorded reply"));
}

#[tokio::test]
async fn llm_reachable_tells_a_listening_endpoint_from_a_closed_one() {
    use cargo_fix_swarm::llm::client::reachable;
    let timeout = Duration::from_secs(5);
    let listener = tokio::net::TcpListener::bind("[::1]:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    reachable(&format!("http://[::1]:{port}/v1"), timeout)
        .await
        .unwrap();
    drop(listener);
    let closed = reachable(&format!("http://[::1]:{port}/v1"), timeout).await;
    assert!(
        matches!(closed, Err(LlmError::Connection { .. })),
        "{closed:?}"
    );
    assert!(reachable("not a url", timeout).await.is_err());
}
