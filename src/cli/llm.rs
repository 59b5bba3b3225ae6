//! The model workers' flags, as the user typed them; validated once the run knows its manifests
//! (`llm::settings::resolve`), whose `fix-swarm` metadata tables they override.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::Args;

use crate::llm::settings::LlmFlags;

#[derive(Debug, Args)]
#[command(next_help_heading = "LLM Options")]
pub struct LlmArgs {
    /// Let a language model try what the built-in specialists leave (off unless given)
    #[arg(long)]
    pub llm: bool,
    /// The OpenAI-compatible endpoint [default: https://api.openai.com/v1]
    #[arg(long, value_name = "URL", env = "FIX_SWARM_LLM_BASE_URL")]
    pub llm_base_url: Option<String>,
    /// The worker model
    #[arg(long, value_name = "NAME")]
    pub llm_model: Option<String>,
    /// A stronger model for a scope the worker model failed
    #[arg(long, value_name = "NAME")]
    pub llm_escalation_model: Option<String>,
    /// The environment variable holding the API key [default: OPENAI_API_KEY]
    #[arg(long, value_name = "NAME")]
    pub llm_api_key_env: Option<String>,
    /// Model requests in flight at once, apart from -j [default: 8]
    #[arg(long, value_name = "N")]
    pub llm_jobs: Option<NonZeroUsize>,
    /// Sample N replies at once per turn, each gated apart; the best that passes is kept
    /// [default: 1]
    #[arg(long, value_name = "N")]
    pub llm_candidates: Option<NonZeroUsize>,
    /// Give up on one attempt of a request after this many seconds [default: 120]
    #[arg(long, value_name = "SECS")]
    pub llm_timeout: Option<u64>,
    /// Replace the built-in prompt templates by the files of the same name in DIR
    #[arg(long, value_name = "DIR")]
    pub llm_prompts: Option<PathBuf>,
    /// Also let the model edit files matching GLOB (beyond the .rs files its prompt showed)
    #[arg(long, value_name = "GLOB")]
    pub llm_allow: Vec<String>,
    /// Store every request and reply in DIR, keyed by a hash of the request
    #[arg(long, value_name = "DIR", conflicts_with = "llm_replay")]
    pub llm_record: Option<PathBuf>,
    /// Answer every request from DIR (recorded with --llm-record), with no network
    #[arg(long, value_name = "DIR")]
    pub llm_replay: Option<PathBuf>,
    /// Start no model request once this many tokens were spent
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u64>,
    /// Start no model request once this many USD were spent (needs the prices)
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Start no model request once the run has taken this long (90s, 5m, 1h)
    #[arg(long, value_name = "DURATION")]
    pub max_wall_time: Option<String>,
    /// The model's price per million input tokens, in USD
    #[arg(long, value_name = "USD")]
    pub llm_price_input: Option<f64>,
    /// The model's price per million output tokens, in USD
    #[arg(long, value_name = "USD")]
    pub llm_price_output: Option<f64>,
}

impl LlmArgs {
    pub fn into_flags(self) -> LlmFlags {
        LlmFlags {
            enabled: self.llm,
            base_url: self.llm_base_url,
            model: self.llm_model,
            escalation_model: self.llm_escalation_model,
            api_key_env: self.llm_api_key_env,
            jobs: self.llm_jobs,
            candidates: self.llm_candidates,
            timeout: self.llm_timeout,
            prompts: self.llm_prompts,
            allow: self.llm_allow,
            record: self.llm_record,
            replay: self.llm_replay,
            max_tokens: self.max_tokens,
            max_cost: self.max_cost,
            max_wall_time: self.max_wall_time,
            price_input: self.llm_price_input,
            price_output: self.llm_price_output,
        }
    }
}
