//! The model workers' settings: what the flags said (`LlmFlags`, every value optional), merged at
//! the start of a run with the `[workspace.metadata.fix-swarm]` and `[package.metadata.fix-swarm]`
//! tables of the manifests (flags win, then the package's, then the workspace's) into validated
//! `LlmSettings`. Pure: the tables and the environment are passed in.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::budget::{Limits, Prices};
use super::confine::AllowGlob;
use super::retry::RetryPolicy;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const DEFAULT_KEY_ENV: &str = "OPENAI_API_KEY";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_JOBS: usize = 8;

/// The settings as flags or a metadata table give them; `None`: not said there.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct LlmFlags {
    /// `--llm`: only a flag turns the model workers on.
    #[serde(skip)]
    pub enabled: bool,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub escalation_model: Option<String>,
    pub api_key_env: Option<String>,
    pub jobs: Option<NonZeroUsize>,
    /// Replies sampled at once per turn.
    pub candidates: Option<NonZeroUsize>,
    /// Seconds.
    pub timeout: Option<u64>,
    pub prompts: Option<PathBuf>,
    pub allow: Vec<String>,
    pub record: Option<PathBuf>,
    pub replay: Option<PathBuf>,
    pub max_tokens: Option<u64>,
    pub max_cost: Option<f64>,
    /// `90s`, `5m`, `1h`, or seconds.
    pub max_wall_time: Option<String>,
    /// USD per million input tokens.
    pub price_input: Option<f64>,
    pub price_output: Option<f64>,
}

impl LlmFlags {
    /// `self` with what it leaves unsaid taken from `under`.
    fn over(self, under: LlmFlags) -> LlmFlags {
        LlmFlags {
            enabled: self.enabled,
            base_url: self.base_url.or(under.base_url),
            model: self.model.or(under.model),
            escalation_model: self.escalation_model.or(under.escalation_model),
            api_key_env: self.api_key_env.or(under.api_key_env),
            jobs: self.jobs.or(under.jobs),
            candidates: self.candidates.or(under.candidates),
            timeout: self.timeout.or(under.timeout),
            prompts: self.prompts.or(under.prompts),
            allow: if self.allow.is_empty() {
                under.allow
            } else {
                self.allow
            },
            record: self.record.or(under.record),
            replay: self.replay.or(under.replay),
            max_tokens: self.max_tokens.or(under.max_tokens),
            max_cost: self.max_cost.or(under.max_cost),
            max_wall_time: self.max_wall_time.or(under.max_wall_time),
            price_input: self.price_input.or(under.price_input),
            price_output: self.price_output.or(under.price_output),
        }
    }
}

/// Where replies come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplySource {
    /// The endpoint, each reply also stored in `record` when given.
    Endpoint {
        base_url: String,
        api_key: String,
        record: Option<PathBuf>,
    },
    /// `--llm-replay DIR`: recorded replies only, no network.
    Replay(PathBuf),
}

/// Valid settings of a run with model workers.
#[derive(Clone, Debug)]
pub struct LlmSettings {
    pub source: ReplySource,
    pub model: String,
    pub escalation_model: Option<String>,
    pub jobs: NonZeroUsize,
    /// Replies sampled at once per turn, each gated apart (`--llm-candidates`).
    pub candidates: NonZeroUsize,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub prompts: Option<PathBuf>,
    pub allow: Vec<AllowGlob>,
    pub limits: Limits,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SettingsError {
    #[error(
        "--llm needs a model: give --llm-model NAME or `model` in [workspace.metadata.fix-swarm]"
    )]
    NoModel,
    #[error(
        "no API key: the environment variable {0} is not set (name another with --llm-api-key-env)"
    )]
    NoKey(String),
    #[error("--llm-record and --llm-replay cannot be used together")]
    RecordAndReplay,
    #[error(
        "--max-cost needs prices: give --llm-price-input and --llm-price-output (USD per million tokens)"
    )]
    CostWithoutPrices,
    #[error("invalid duration `{0}` (write 90s, 5m, 1h or seconds)")]
    Duration(String),
    #[error("invalid --llm-allow glob `{0}`")]
    Glob(String),
    #[error("invalid [fix-swarm] metadata table: {0}")]
    Table(String),
}

/// The settings of a run: `None` without `--llm`. `tables` are the metadata tables, nearest
/// first (the package's, then the workspace's); `env` reads an environment variable.
pub fn resolve(
    flags: LlmFlags,
    tables: &[toml::Value],
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<LlmSettings>, SettingsError> {
    if !flags.enabled {
        return Ok(None);
    }
    let mut merged = flags;
    for table in tables {
        let under: LlmFlags = table
            .clone()
            .try_into()
            .map_err(|error: toml::de::Error| SettingsError::Table(error.message().to_owned()))?;
        merged = merged.over(under);
    }
    let model = merged.model.ok_or(SettingsError::NoModel)?;
    let source = match (merged.record, merged.replay) {
        (Some(_), Some(_)) => return Err(SettingsError::RecordAndReplay),
        (_, Some(dir)) => ReplySource::Replay(dir),
        (record, None) => {
            let key_env = merged.api_key_env.unwrap_or(DEFAULT_KEY_ENV.to_owned());
            let api_key = env(&key_env).ok_or(SettingsError::NoKey(key_env))?;
            let base_url = merged
                .base_url
                .or_else(|| env("FIX_SWARM_LLM_BASE_URL"))
                .unwrap_or(DEFAULT_BASE_URL.to_owned());
            ReplySource::Endpoint {
                base_url,
                api_key,
                record,
            }
        }
    };
    let prices = match (merged.price_input, merged.price_output) {
        (Some(input), Some(output)) => Some(Prices {
            input_per_million: input,
            output_per_million: output,
        }),
        _ => None,
    };
    if merged.max_cost.is_some() && prices.is_none() {
        return Err(SettingsError::CostWithoutPrices);
    }
    let max_wall_time = merged.max_wall_time.as_deref().map(duration).transpose()?;
    let allow = merged
        .allow
        .iter()
        .map(|glob| AllowGlob::new(glob).map_err(|_| SettingsError::Glob(glob.clone())))
        .collect::<Result<_, _>>()?;
    Ok(Some(LlmSettings {
        source,
        model,
        escalation_model: merged.escalation_model,
        jobs: merged
            .jobs
            .unwrap_or(NonZeroUsize::new(DEFAULT_JOBS).unwrap_or(NonZeroUsize::MIN)),
        candidates: merged.candidates.unwrap_or(NonZeroUsize::MIN),
        timeout: merged
            .timeout
            .map_or(DEFAULT_TIMEOUT, |secs| Duration::from_secs(secs.max(1))),
        retry: RetryPolicy::default(),
        prompts: merged.prompts,
        allow,
        limits: Limits {
            max_tokens: merged.max_tokens,
            max_cost_usd: merged.max_cost,
            max_wall_time,
            prices,
        },
    }))
}

/// `90s`, `5m`, `1h`, or a number of seconds.
pub fn duration(text: &str) -> Result<Duration, SettingsError> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: u64 = number
        .parse()
        .map_err(|_| SettingsError::Duration(text.to_owned()))?;
    let seconds = match unit {
        "s" => value,
        "m" => value * 60,
        "h" => value * 3600,
        _ => return Err(SettingsError::Duration(text.to_owned())),
    };
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
#[path = "settings/tests.rs"]
mod tests;
