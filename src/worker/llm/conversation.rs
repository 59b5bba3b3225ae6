//! One group's conversation with the model: prompt → reply → the edits applied, or the reply
//! refused with its reason → the gate (tests run whenever the result compiles) → the verdict fed
//! back, up to `ITERATIONS` replies per model; then the escalation model, if any, from a fresh
//! prompt.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::GateKind;
use crate::diagnostic::{Diagnostic, Identity};
use crate::edit::Edit;
use crate::gate::{GateCheck, GateError};
use crate::llm::chat::{ChatRequest, Message, Role, Usage};
use crate::llm::confine::Confinement;
use crate::llm::edits::{self, ReplyRefusal};
use crate::llm::prompt::{self, Prompt, PromptInput};
use crate::llm::service::{AskError, LlmService};
use crate::llm::transcript::{Step, Transcript};
use crate::patch::{Patch, Sources};
use crate::reason::UnfixedReason;
use crate::verdict::{RejectReason, Verdict};

use super::super::context::WorkerContext;
use super::super::search::Stage;

/// Replies per model and group: a model that has not fixed an error in three tries rarely does.
pub const ITERATIONS: usize = 3;
/// The most tokens one reply may take.
const REPLY_TOKENS: u32 = 4096;
/// Errors of a rejected attempt quoted back to the model.
const ERRORS_FED_BACK: usize = 5;

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
    let number = group.number;
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
        let request = ChatRequest {
            model: model.to_owned(),
            messages: messages.clone(),
            temperature: None,
            max_tokens: Some(REPLY_TOKENS),
        };
        talk.transcript
            .write(&Step::Request {
                group: number,
                model,
                messages: &messages,
            })
            .await;
        let reply = match talk.service.ask(&request).await {
            Ok(reply) => reply,
            Err(AskError::Budget(_)) => {
                talk.transcript.write(&Step::Budget { group: number }).await;
                // Tried and stopped: the last reason stands; never tried: untried.
                return Ok(Some(last.take().map_or(Ending::Untried, Ending::NotFixed)));
            }
            Err(AskError::Failed(error)) => {
                let error = error.to_string();
                talk.transcript
                    .write(&Step::Failed {
                        group: number,
                        error: error.clone(),
                    })
                    .await;
                return Ok(Some(Ending::NotFixed(UnfixedReason::ModelFailed { error })));
            }
        };
        cost.usage.prompt_tokens += reply.usage.prompt_tokens;
        cost.usage.completion_tokens += reply.usage.completion_tokens;
        talk.transcript
            .write(&Step::Reply {
                group: number,
                content: &reply.content,
                usage: reply.usage,
            })
            .await;
        messages.push(Message::new(Role::Assistant, reply.content.clone()));
        let sources = talk.context.sources();
        let feedback =
            match edits::apply_reply(&reply.content, sources, &talk.base.edits, &confinement) {
                Err(refusal) => {
                    talk.transcript
                        .write(&Step::Refused {
                            group: number,
                            refusal: &refusal,
                        })
                        .await;
                    let text = refused(&refusal);
                    *last = Some(UnfixedReason::ModelRefused { refusal });
                    text
                }
                Ok(applied) => {
                    talk.transcript
                        .write(&Step::Edits {
                            group: number,
                            files: &applied.files,
                        })
                        .await;
                    cost.gated += 1;
                    let (verdict, check) = gate(talk, group, model, &applied.edits).await?;
                    match verdict {
                        Verdict::Accepted { resolved, .. } => {
                            return Ok(Some(Ending::Fixed {
                                edits: applied.edits,
                                files: applied.files,
                                resolved,
                                model: model.to_owned(),
                            }));
                        }
                        Verdict::Rejected(reason) => {
                            let text = rejected(&reason, &check);
                            *last = Some(UnfixedReason::Rejected { last: reason });
                            text
                        }
                    }
                }
            };
        messages.push(Message::new(Role::User, feedback));
    }
    Ok(None)
}

/// One gate run of a reply's edits, with the tests whenever the result compiles.
async fn gate(
    talk: &Talk,
    group: &Group,
    model: &str,
    edits: &[Edit],
) -> Result<(Verdict, GateCheck), GateError> {
    let mut targets = talk.base.targets.clone();
    targets.extend(group.targets());
    // The applier made these edits from these sources: they apply.
    let patch = Patch::from_edits(talk.context.sources(), edits).unwrap_or_default();
    let label = format!("{model}, group {}", group.number);
    let (verdict, check) = talk
        .context
        .gate_as(&label, &patch, &targets, GateKind::Test)
        .await?;
    talk.transcript
        .write(&Step::Verdict {
            group: group.number,
            verdict: &verdict,
        })
        .await;
    Ok((verdict, check))
}

/// What the model is told of a refused reply.
fn refused(refusal: &ReplyRefusal) -> String {
    format!(
        "Your reply was refused, and nothing was changed: {refusal}.\n\
         The files are as first shown. Answer again with SEARCH/REPLACE blocks."
    )
}

/// What the model is told of a reply the gate rejected: why, and the errors it left.
fn rejected(reason: &RejectReason, check: &GateCheck) -> String {
    let errors: Vec<&str> = check
        .parsed
        .errors()
        .take(ERRORS_FED_BACK)
        .map(|d| d.rendered.trim_end())
        .collect();
    let quoted = if errors.is_empty() {
        String::new()
    } else {
        format!(
            "\nThe compiler now reports:\n```text\n{}\n```",
            errors.join("\n")
        )
    };
    format!(
        "Your edit was applied and checked, and rejected: {reason}.{quoted}\n\
         It was not kept: the files are as first shown. Answer again with SEARCH/REPLACE blocks."
    )
}
