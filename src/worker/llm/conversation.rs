//! One group's conversation with the model: the prompt, then turns (`sample.rs`: replies
//! applied or refused, gated) whose reason is fed back, up to `ITERATIONS` turns per model; then
//! the escalation model, if any, from a fresh prompt.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Identity};
use crate::edit::Edit;
use crate::gate::GateError;
use crate::llm::chat::{Message, Role, Usage};
use crate::llm::confine::Confinement;
use crate::llm::prompt::{self, Prompt, PromptInput};
use crate::llm::service::LlmService;
use crate::llm::transcript::Transcript;
use crate::patch::Sources;
use crate::reason::UnfixedReason;

use super::super::context::WorkerContext;
use super::super::search::Stage;
use super::sample::{self, Asked, Decision};

/// Replies per model and group: a model that has not fixed an error in three tries rarely does.
pub const ITERATIONS: usize = 3;

/// Diagnostics of one scope that share a file: one conversation.
#[derive(Clone, Debug)]
pub struct Group {
    pub number: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Group {
    pub fn targets(&self) -> Vec<Identity> {
        self.diagnostics.iter().map(Diagnostic::identity).collect()
    }
}

/// How a conversation ended.
#[derive(Debug)]
pub enum Ending {
    /// A reply passed the gate: its edits (on top of the stage, against the round's base), the
    /// files it changed, what the gate saw resolved, and the model that wrote it.
    Fixed {
        edits: Vec<Edit>,
        files: Vec<PathBuf>,
        resolved: Vec<Identity>,
        model: String,
    },
    NotFixed(UnfixedReason),
    /// The budget was spent before the first request.
    Untried,
}

/// What a conversation works with, owned so that it can run as its own task.
#[derive(Clone, Debug)]
pub struct Talk {
    pub context: WorkerContext,
    pub service: Arc<LlmService>,
    pub base: Stage,
    /// The round's sources with the stage's fixes: what the prompt shows.
    pub texts: Arc<Sources>,
    pub transcript: Arc<Transcript>,
}

/// What a conversation spent.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cost {
    /// Replies that reached the gate.
    pub gated: usize,
    pub usage: Usage,
}

/// The conversation of `group`, and what it spent.
pub async fn converse(talk: Talk, group: Group) -> Result<(Ending, Cost), GateError> {
    let code = group.diagnostics.first().and_then(|d| d.code.clone());
    let explain = match &code {
        Some(code) => talk.service.explain(code.as_str()).await,
        None => None,
    };
    let prompt = {
        let read = talk.context.specialists();
        prompt::render(
            &talk.service.templates,
            &PromptInput {
                diagnostics: &group.diagnostics,
                texts: &talk.texts,
                index: read.index(),
                explain: explain.as_deref(),
            },
        )
    };
    let settings = &talk.service.settings;
    let models = std::iter::once(settings.model.clone()).chain(settings.escalation_model.clone());
    let mut last: Option<UnfixedReason> = None;
    let mut cost = Cost::default();
    for model in models {
        match attempts(&talk, &group, &prompt, &model, &mut last, &mut cost).await? {
            Some(ending) => return Ok((ending, cost)),
            None => continue,
        }
    }
    Ok((last.map_or(Ending::Untried, Ending::NotFixed), cost))
}

/// Up to `ITERATIONS` replies of `model`: the ending when one passed or the conversation cannot
/// go on (the endpoint failed, the budget is spent), `None` when every reply failed.
async fn attempts(
    talk: &Talk,
    group: &Group,
    prompt: &Prompt,
    model: &str,
    last: &mut Option<UnfixedReason>,
    cost: &mut Cost,
) -> Result<Option<Ending>, GateError> {
    let mut messages = vec![
        Message::new(Role::System, prompt.system.clone()),
        Message::new(Role::User, prompt.user.clone()),
    ];
    let confinement = Confinement {
        shown: prompt.shown.clone(),
        allow: talk.service.settings.allow.clone(),
        links: talk.context.round().gate.links(),
    };
    for _ in 0..ITERATIONS {
        let asked = Asked {
            talk: talk.clone(),
            group: group.clone(),
            model: model.to_owned(),
            messages: messages.clone(),
            confinement: confinement.clone(),
        };
        let (samples, spent) = sample::samples(asked).await?;
        cost.gated += spent.gated;
        cost.usage += spent.usage;
        match sample::decide(samples, model) {
            Decision::Fixed(ending) => return Ok(Some(ending)),
            Decision::Again {
                reply,
                feedback,
                reason,
            } => {
                *last = Some(reason);
                messages.push(Message::new(Role::Assistant, reply));
                messages.push(Message::new(Role::User, feedback));
            }
            Decision::Failed(error) => {
                return Ok(Some(Ending::NotFixed(UnfixedReason::ModelFailed { error })));
            }
            Decision::Budget => {
                // Tried and stopped: the last reason stands; never tried: untried.
                return Ok(Some(last.take().map_or(Ending::Untried, Ending::NotFixed)));
            }
        }
    }
    Ok(None)
}
