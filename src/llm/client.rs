//! The one module that talks to the network: chat completions through async-openai against any
//! OpenAI-compatible endpoint, with our own retries (async-openai's are bypassed: they do not
//! cap `Retry-After`), a timeout per attempt, token accounting from `usage`, and record/replay.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::{HttpRequestFactory, ReqwestService};
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, CreateChatCompletionRequestArgs,
};

use super::cassette::{self, CassetteError};
use super::chat::{ChatReply, ChatRequest, Role, Usage};
use super::retry::{self, RetryPolicy};

/// Why a request got no reply.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the endpoint answered {status} after {attempts} attempts: {body}")]
    Status {
        status: u16,
        attempts: u32,
        body: String,
    },
    #[error("the endpoint refused the request: {0}")]
    Api(String),
    #[error("no answer within {} s, {attempts} attempts", after.as_secs_f64())]
    Timeout { after: Duration, attempts: u32 },
    #[error("cannot reach the endpoint after {attempts} attempts: {message}")]
    Connection { message: String, attempts: u32 },
    #[error("the endpoint's reply is not a chat completion: {0}")]
    Malformed(String),
    #[error("the endpoint's reply has no message")]
    Empty,
    #[error("cannot build the HTTP client: {0}")]
    Setup(String),
    #[error(transparent)]
    Cassette(#[from] CassetteError),
}

impl LlmError {
    /// Whether trying again may help: a rate limit, a server error, a connection that failed or
    /// timed out.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            LlmError::Status { .. } | LlmError::Timeout { .. } | LlmError::Connection { .. }
        )
    }
}

/// A status we retry (429, 5xx), seen by `StatusService` before async-openai reads the body.
#[derive(Debug, thiserror::Error)]
#[error("HTTP {status}")]
struct RetryableStatus {
    status: u16,
    retry_after: Option<Duration>,
    body: String,
}

/// Hands every 429 and 5xx back as a `RetryableStatus` with its `Retry-After`, which
/// async-openai's own error would drop. Used as the client's whole HTTP service, so that
/// async-openai's retry layer is not in the stack at all.
#[derive(Clone, Debug)]
struct StatusService {
    inner: ReqwestService,
}

type Responding = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for StatusService {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = Responding;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: HttpRequestFactory) -> Responding {
        let mut inner = self.inner.clone();
        Box::pin(async move {
            let response = inner.call(request).await?;
            let status = response.status();
            if status.as_u16() != 429 && !status.is_server_error() {
                return Ok(response);
            }
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = response.text().await.unwrap_or_default();
            Err(OpenAIError::Boxed(Box::new(RetryableStatus {
                status: status.as_u16(),
                retry_after,
                body: body.chars().take(300).collect(),
            })))
        })
    }
}

/// Where replies come from.
#[derive(Debug)]
enum Source {
    Endpoint {
        client: Box<Client<OpenAIConfig>>,
        /// `--llm-record`: store every reply here.
        record: Option<PathBuf>,
    },
    /// `--llm-replay`: answer from here, with no network.
    Replay(PathBuf),
}

/// How to reach the endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: String,
    /// The longest one attempt may take.
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

#[derive(Debug)]
pub struct LlmClient {
    source: Source,
    timeout: Duration,
    retry: RetryPolicy,
}

impl LlmClient {
    /// A client of `endpoint`, recording its replies in `record` when given.
    pub fn connect(endpoint: &Endpoint, record: Option<PathBuf>) -> Result<LlmClient, LlmError> {
        // reqwest is built without a crypto provider (no aws-lc): ring must be installed first,
        // or building the client panics. A second install fails harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(endpoint.timeout)
            .build()
            .map_err(|error| LlmError::Setup(error.to_string()))?;
        // Both set explicitly: `OpenAIConfig::new()` reads OPENAI_BASE_URL and OPENAI_API_KEY.
        let config = OpenAIConfig::new()
            .with_api_base(endpoint.base_url.trim_end_matches('/'))
            .with_api_key(endpoint.api_key.clone());
        let client = Client::build(http.clone(), config).with_http_service(StatusService {
            inner: ReqwestService::new(http),
        });
        Ok(LlmClient {
            source: Source::Endpoint {
                client: Box::new(client),
                record,
            },
            timeout: endpoint.timeout,
            retry: endpoint.retry,
        })
    }

    /// A client that answers from the replies recorded in `dir`.
    pub fn replaying(dir: PathBuf) -> LlmClient {
        LlmClient {
            source: Source::Replay(dir),
            timeout: Duration::ZERO,
            retry: RetryPolicy::default(),
        }
    }

    /// One chat completion, retried as the policy says.
    pub async fn complete(&self, request: &ChatRequest) -> Result<ChatReply, LlmError> {
        let (client, record) = match &self.source {
            Source::Replay(dir) => return Ok(cassette::replay(dir, request).await?),
            Source::Endpoint { client, record } => (client, record),
        };
        let wire = to_wire(request)?;
        let mut attempt = 0;
        let reply = loop {
            attempt += 1;
            let (failure, retry_after) = match self.attempt(client, &wire, attempt).await {
                Ok(reply) => break reply,
                Err(failed) => failed,
            };
            // A reply that is not a chat completion, or a request the server refuses (4xx other
            // than 429), would be the same the next time.
            if !failure.is_transient() {
                return Err(failure);
            }
            let Some(wait) = self.retry.wait(attempt, retry_after, retry::jitter()) else {
                return Err(failure);
            };
            tracing::debug!(attempt, ?wait, %failure, "retrying the model's endpoint");
            tokio::time::sleep(wait).await;
        };
        if let Some(dir) = record {
            cassette::record(dir, request, &reply).await?;
        }
        Ok(reply)
    }

    /// One attempt; on failure, the error and the wait the server asked for.
    async fn attempt(
        &self,
        client: &Client<OpenAIConfig>,
        wire: &CreateChatCompletionRequest,
        attempts: u32,
    ) -> Result<ChatReply, (LlmError, Option<Duration>)> {
        let chat = client.chat();
        let sent = chat.create(wire.clone());
        let response = match tokio::time::timeout(self.timeout, sent).await {
            Err(_elapsed) => {
                let after = self.timeout;
                return Err((LlmError::Timeout { after, attempts }, None));
            }
            Ok(Err(error)) => return Err(classify(error, attempts)),
            Ok(Ok(response)) => response,
        };
        let content = response
            .choices
            .into_iter()
            .next()
            .and_then(|choice| choice.message.content)
            .ok_or((LlmError::Empty, None))?;
        let usage = response.usage.map_or_else(Usage::default, |usage| Usage {
            prompt_tokens: u64::from(usage.prompt_tokens),
            completion_tokens: u64::from(usage.completion_tokens),
        });
        Ok(ChatReply { content, usage })
    }
}

/// Whether anything answers a connection at `base_url`'s host and port within `timeout`: run
/// once at the start, so that a wrong URL is a clear error before any work rather than a
/// failure of every scope.
pub async fn reachable(base_url: &str, timeout: Duration) -> Result<(), LlmError> {
    let unreachable = |message: String| LlmError::Connection {
        message,
        attempts: 1,
    };
    let url = reqwest::Url::parse(base_url)
        .map_err(|error| unreachable(format!("invalid URL `{base_url}`: {error}")))?;
    // An IPv6 host is written in brackets in a URL, not in a socket address.
    let host = url
        .host_str()
        .map(|host| host.trim_start_matches('[').trim_end_matches(']'))
        .ok_or_else(|| unreachable(format!("no host in `{base_url}`")))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| unreachable(format!("no port for `{base_url}`")))?;
    let connecting = tokio::net::TcpStream::connect((host, port));
    match tokio::time::timeout(timeout, connecting).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(unreachable(format!("{base_url}: {error}"))),
        Err(_) => Err(unreachable(format!("{base_url}: no answer in {timeout:?}"))),
    }
}

/// Our error for async-openai's, with the wait a 429 or 5xx asked for.
fn classify(error: OpenAIError, attempts: u32) -> (LlmError, Option<Duration>) {
    match error {
        OpenAIError::Boxed(boxed) => match boxed.downcast::<RetryableStatus>() {
            Ok(status) => (
                LlmError::Status {
                    status: status.status,
                    attempts,
                    body: status.body,
                },
                status.retry_after,
            ),
            Err(other) => (
                LlmError::Connection {
                    message: other.to_string(),
                    attempts,
                },
                None,
            ),
        },
        OpenAIError::Reqwest(error) => (
            LlmError::Connection {
                message: error.to_string(),
                attempts,
            },
            None,
        ),
        OpenAIError::JSONDeserialize(error, _) => (LlmError::Malformed(error.to_string()), None),
        other => (LlmError::Api(other.to_string()), None),
    }
}

/// Our request in async-openai's types.
fn to_wire(request: &ChatRequest) -> Result<CreateChatCompletionRequest, LlmError> {
    let messages: Vec<ChatCompletionRequestMessage> = request
        .messages
        .iter()
        .map(|message| match message.role {
            Role::System => {
                ChatCompletionRequestSystemMessage::from(message.content.as_str()).into()
            }
            Role::User => ChatCompletionRequestUserMessage::from(message.content.as_str()).into(),
            Role::Assistant => {
                ChatCompletionRequestAssistantMessage::from(message.content.as_str()).into()
            }
        })
        .collect();
    let mut args = CreateChatCompletionRequestArgs::default();
    args.model(request.model.clone()).messages(messages);
    if let Some(temperature) = request.temperature {
        args.temperature(temperature);
    }
    if let Some(max) = request.max_tokens {
        args.max_completion_tokens(max);
    }
    args.build()
        .map_err(|error| LlmError::Setup(error.to_string()))
}
