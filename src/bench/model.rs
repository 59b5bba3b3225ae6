//! The model workers in the bench: each fixture's own record or replay directory, and what the
//! model fixed and spent there beside what the built-in specialists fixed.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::table::BenchReport;
use crate::llm::budget::Spent;
use crate::llm::settings::LlmFlags;
use crate::summary::{LlmAccount, RunSummary};
use crate::worker::MODEL_SPECIALIST;

/// The flags of one fixture's repair: the record and replay directories are the fixture's own
/// (`DIR/<fixture>`), so that a cassette of several fixtures can be recorded in one bench run and
/// each fixture's replies read apart; relative paths are the bench's, not the fresh copy's.
pub fn fixture_flags(flags: &LlmFlags, bench_cwd: &Path, fixture: &str) -> LlmFlags {
    let own =
        |dir: &Option<std::path::PathBuf>| dir.as_ref().map(|d| bench_cwd.join(d).join(fixture));
    LlmFlags {
        record: own(&flags.record),
        replay: own(&flags.replay),
        prompts: flags.prompts.as_ref().map(|d| bench_cwd.join(d)),
        ..flags.clone()
    }
}

/// What the model did in one repair, beside the built-in specialists.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ModelUse {
    pub model: String,
    /// Errors fixed by the built-in specialists and by the model, in the merged rounds.
    pub fixed_by_rules: usize,
    pub fixed_by_model: usize,
    pub requests: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// At the given prices; `None` without them.
    pub cost_usd: Option<f64>,
    /// The budget limit that stopped new requests, if one did.
    pub stopped: Option<Spent>,
}

impl ModelUse {
    pub fn tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }

    /// Tokens spent per error the model fixed; `None` when it fixed none.
    pub fn tokens_per_fix(&self) -> Option<u64> {
        (self.fixed_by_model > 0).then(|| self.tokens() / self.fixed_by_model as u64)
    }
}

/// The model's part of a repair; `None` when the run had no model workers.
pub fn model_use(summary: &RunSummary) -> Option<ModelUse> {
    let Some(LlmAccount::Used {
        model,
        spending,
        stopped,
        ..
    }) = summary.llm.as_deref()
    else {
        return None;
    };
    let fixed = summary.fixes.iter().flat_map(|fix| &fix.errors);
    let fixed_by_model = fixed.clone().filter(|e| e.by == MODEL_SPECIALIST).count();
    Some(ModelUse {
        model: model.clone(),
        fixed_by_rules: fixed.count() - fixed_by_model,
        fixed_by_model,
        requests: spending.requests,
        prompt_tokens: spending.prompt_tokens,
        completion_tokens: spending.completion_tokens,
        cost_usd: spending.cost_usd,
        stopped: *stopped,
    })
}

/// The model's table, under the main one: present only when a fixture ran with a model.
pub fn render_model_table(report: &BenchReport) -> String {
    let rows: Vec<(&str, &ModelUse)> = report
        .fixtures
        .iter()
        .filter_map(|f| f.swarm.model.as_ref().map(|m| (f.fixture.as_str(), m)))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let width = rows
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{:<width$}  rules model requests  tokens tokens/fix    cost",
        "model"
    );
    let mut total = ModelUse::default();
    for (name, used) in &rows {
        let _ = writeln!(out, "{name:<width$}  {}", row(used));
        total.add(used);
    }
    let _ = writeln!(
        out,
        "{:<width$}  {}",
        format!("total ({})", rows.len()),
        row(&total)
    );
    let models: std::collections::BTreeSet<&str> =
        rows.iter().map(|(_, m)| m.model.as_str()).collect();
    let _ = writeln!(
        out,
        "rules: errors the built-in specialists fixed; model: errors `{}` fixed",
        models.into_iter().collect::<Vec<_>>().join("`, `")
    );
    out
}

fn row(used: &ModelUse) -> String {
    let per_fix = used
        .tokens_per_fix()
        .map_or_else(|| "-".to_owned(), |t| t.to_string());
    let cost = used
        .cost_usd
        .map_or_else(|| "-".to_owned(), |c| format!("${c:.4}"));
    let stopped = used.stopped.as_ref().map_or("", |limit| match limit {
        Spent::Tokens => "  stopped: token budget",
        Spent::Cost => "  stopped: cost budget",
        Spent::WallTime => "  stopped: wall-time budget",
    });
    format!(
        "{:>5} {:>5} {:>8} {:>7} {per_fix:>10} {cost:>7}{stopped}",
        used.fixed_by_rules,
        used.fixed_by_model,
        used.requests,
        used.tokens(),
    )
}

impl ModelUse {
    fn add(&mut self, used: &ModelUse) {
        self.fixed_by_rules += used.fixed_by_rules;
        self.fixed_by_model += used.fixed_by_model;
        self.requests += used.requests;
        self.prompt_tokens += used.prompt_tokens;
        self.completion_tokens += used.completion_tokens;
        self.cost_usd = match (self.cost_usd, used.cost_usd) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
    }
}
