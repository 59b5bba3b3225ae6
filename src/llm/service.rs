//! `LlmService`, what every model worker of a run shares: the client, the templates, the budget
//! owner, the cap on requests in flight (`--llm-jobs`, apart from the gate's `-j`), the cache of
//! `rustc --explain` texts, and where transcripts go.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::Semaphore;

use super::budget::{BudgetOwner, Spending, Spent};
use super::chat::{ChatReply, ChatRequest};
use super::client::{Endpoint, LlmClient, LlmError};
use super::prompt::{TemplateError, Templates};
use super::settings::{LlmSettings, ReplySource};

/// Why a request was not answered.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    #[error("the model budget is spent ({0:?})")]
    Budget(Spent),
    #[error(transparent)]
    Failed(#[from] LlmError),
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Client(#[from] LlmError),
    #[error(transparent)]
    Templates(#[from] TemplateError),
}

#[derive(Debug)]
pub struct LlmService {
    pub settings: LlmSettings,
    pub templates: Templates,
    client: LlmClient,
    budget: BudgetOwner,
    requests: Semaphore,
    explains: tokio::sync::Mutex<BTreeMap<String, Option<String>>>,
    /// `<record>/llm`: one transcript per worker.
    pub transcripts: PathBuf,
    /// Scopes a request was not started for because the budget was spent.
    untried: Mutex<BTreeSet<String>>,
}

impl LlmService {
    /// The service of a run that started at `started` and keeps its record in `record`.
    pub fn new(
        settings: LlmSettings,
        record: &Path,
        started: Instant,
    ) -> Result<LlmService, ServiceError> {
        let client = match &settings.source {
            ReplySource::Replay(dir) => LlmClient::replaying(dir.clone()),
            ReplySource::Endpoint {
                base_url,
                api_key,
                record,
            } => LlmClient::connect(
                &Endpoint {
                    base_url: base_url.clone(),
                    api_key: api_key.clone(),
                    timeout: settings.timeout,
                    retry: settings.retry,
                },
                record.clone(),
            )?,
        };
        let templates = match &settings.prompts {
            Some(dir) => Templates::with_overrides(dir)?,
            None => Templates::default(),
        };
        Ok(LlmService {
            budget: BudgetOwner::new(settings.limits, started),
            requests: Semaphore::new(settings.jobs.get()),
            templates,
            client,
            explains: tokio::sync::Mutex::new(BTreeMap::new()),
            transcripts: record.join("llm"),
            untried: Mutex::new(BTreeSet::new()),
            settings,
        })
    }

    /// One request, if the budget allows it to start, once a request slot is free. The budget is
    /// asked again once the slot is had: others may have spent it meanwhile.
    pub async fn ask(&self, request: &ChatRequest) -> Result<ChatReply, AskError> {
        self.budget.admit().map_err(AskError::Budget)?;
        let _slot = self.requests.acquire().await.map_err(|_| {
            AskError::Failed(LlmError::Setup("the request slots were closed".to_owned()))
        })?;
        self.budget.admit().map_err(AskError::Budget)?;
        let reply = self.client.complete(request).await?;
        self.budget.charge(reply.usage);
        Ok(reply)
    }

    /// `rustc --explain CODE`, run once per code and run (in the run's record directory: it
    /// reads nothing there).
    pub async fn explain(&self, code: &str) -> Option<String> {
        let dir = self.transcripts.parent().unwrap_or(&self.transcripts);
        let mut cache = self.explains.lock().await;
        if let Some(known) = cache.get(code) {
            return known.clone();
        }
        let output = tokio::process::Command::new("rustc")
            .arg("--explain")
            .arg(code)
            .current_dir(dir)
            .kill_on_drop(true)
            .output()
            .await
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).into_owned());
        cache.insert(code.to_owned(), output.clone());
        output
    }

    pub fn spending(&self) -> Spending {
        self.budget.spending()
    }

    pub fn budget_reached(&self) -> Option<Spent> {
        self.budget.reached()
    }

    pub fn left_untried(&self, scope: &str) {
        self.untried
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(scope.to_owned());
    }

    pub fn untried(&self) -> Vec<String> {
        let untried = self.untried.lock().unwrap_or_else(PoisonError::into_inner);
        untried.iter().cloned().collect()
    }
}
