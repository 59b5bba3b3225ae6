//! One turn of a conversation: `--llm-candidates N` replies asked at once (sampled, temperature
//! above zero, when N > 1), each applied or refused and, when applied, gated in its own gate run
//! (the tests run whenever the result compiles); the best accepted one is kept (fewest errors
//! left, then the smallest change), else the first reply's reason is what the model hears next.

use tokio::task::JoinSet;

use crate::config::GateKind;
use crate::edit::Edit;
use crate::gate::{GateCheck, GateError};
use crate::llm::chat::{ChatRequest, Message, Usage};
use crate::llm::confine::Confinement;
use crate::llm::edits::{self, Applied, ReplyRefusal};
use crate::llm::service::AskError;
use crate::llm::transcript::Step;
use crate::patch::Patch;
use crate::reason::UnfixedReason;
use crate::verdict::{RejectReason, Verdict};

use super::conversation::{Cost, Ending, Group, Talk};

/// The most tokens one reply may take.
const REPLY_TOKENS: u32 = 4096;
/// Errors of a rejected attempt quoted back to the model.
const ERRORS_FED_BACK: usize = 5;
/// How far samples may stray from the likeliest reply: enough for N replies to differ.
const SAMPLING_TEMPERATURE: f32 = 0.7;

/// What one turn asks with, owned so that each sample runs as its own task.
#[derive(Clone, Debug)]
pub struct Asked {
    pub talk: Talk,
    pub group: Group,
    pub model: String,
    pub messages: Vec<Message>,
    pub confinement: Confinement,
}

/// What became of one sample.
#[derive(Debug)]
pub enum Sample {
    Refused {
        reply: String,
        refusal: ReplyRefusal,
    },
    Gated {
        reply: String,
        applied: Applied,
        verdict: Verdict,
        check: Box<GateCheck>,
    },
    Budget,
    Failed(String),
}

/// What a turn decided.
#[derive(Debug)]
pub enum Decision {
    Fixed(Ending),
    /// No sample passed: the reply and the feedback to continue the conversation with.
    Again {
        reply: String,
        feedback: String,
        reason: UnfixedReason,
    },
    Failed(String),
    Budget,
}

/// The turn's samples, in sample order, and what they spent.
pub async fn samples(asked: Asked) -> Result<(Vec<Sample>, Cost), GateError> {
    let count = asked.talk.service.settings.candidates.get();
    let mut running = JoinSet::new();
    for index in 0..count {
        let asked = asked.clone();
        running.spawn(async move { (index, one(asked, index, count).await) });
    }
    let mut done = Vec::new();
    while let Some(joined) = running.join_next().await {
        let (index, result) = joined.map_err(|_| GateError::Panicked)?;
        done.push((index, result?));
    }
    done.sort_by_key(|(index, _)| *index);
    let mut cost = Cost::default();
    let mut samples = Vec::new();
    for (_, (sample, usage)) in done {
        cost.usage += usage;
        cost.gated += usize::from(matches!(sample, Sample::Gated { .. }));
        samples.push(sample);
    }
    Ok((samples, cost))
}

/// One sample: asked, applied or refused, gated.
async fn one(asked: Asked, index: usize, count: usize) -> Result<(Sample, Usage), GateError> {
    let Asked {
        talk,
        group,
        model,
        messages,
        confinement,
    } = asked;
    let number = group.number;
    let request = ChatRequest {
        model: model.clone(),
        messages,
        temperature: (count > 1).then_some(SAMPLING_TEMPERATURE),
        max_tokens: Some(REPLY_TOKENS),
        sample: index as u32,
    };
    talk.transcript
        .write(&Step::Request {
            group: number,
            model: &model,
            messages: &request.messages,
        })
        .await;
    let reply = match talk.service.ask(&request).await {
        Ok(reply) => reply,
        Err(AskError::Budget(_)) => {
            talk.transcript.write(&Step::Budget { group: number }).await;
            return Ok((Sample::Budget, Usage::default()));
        }
        Err(AskError::Failed(error)) => {
            let error = error.to_string();
            let step = Step::Failed {
                group: number,
                error: error.clone(),
            };
            talk.transcript.write(&step).await;
            return Ok((Sample::Failed(error), Usage::default()));
        }
    };
    let (content, usage) = (reply.content, reply.usage);
    talk.transcript
        .write(&Step::Reply {
            group: number,
            content: &content,
            usage,
        })
        .await;
    let sources = talk.context.sources();
    let applied = match edits::apply_reply(&content, sources, &talk.base.edits, &confinement) {
        Ok(applied) => applied,
        Err(refusal) => {
            let step = Step::Refused {
                group: number,
                refusal: &refusal,
            };
            talk.transcript.write(&step).await;
            let sample = Sample::Refused {
                reply: content,
                refusal,
            };
            return Ok((sample, usage));
        }
    };
    let files = &applied.files;
    talk.transcript
        .write(&Step::Edits {
            group: number,
            files,
        })
        .await;
    let (verdict, check) = gate(&talk, &group, &model, &applied.edits).await?;
    let sample = Sample::Gated {
        reply: content,
        applied,
        verdict,
        check: Box::new(check),
    };
    Ok((sample, usage))
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

/// The turn's decision: the best accepted sample, else the first with a reply to answer.
pub fn decide(samples: Vec<Sample>, model: &str) -> Decision {
    let best = samples
        .iter()
        .enumerate()
        .filter_map(|(at, sample)| match sample {
            Sample::Gated {
                applied,
                verdict:
                    Verdict::Accepted {
                        remaining_errors, ..
                    },
                ..
            } => Some((at, (*remaining_errors, size(&applied.edits)))),
            _ => None,
        })
        .min_by_key(|(at, rank)| (*rank, *at))
        .map(|(at, _)| at);
    let mut samples: Vec<Option<Sample>> = samples.into_iter().map(Some).collect();
    if let Some(at) = best
        && let Some(Sample::Gated {
            applied,
            verdict: Verdict::Accepted { resolved, .. },
            ..
        }) = samples[at].take()
    {
        return Decision::Fixed(Ending::Fixed {
            edits: applied.edits,
            files: applied.files,
            resolved,
            model: model.to_owned(),
        });
    }
    let mut failed = None;
    for sample in samples.into_iter().flatten() {
        match sample {
            Sample::Refused { reply, refusal } => {
                return Decision::Again {
                    feedback: refused(&refusal),
                    reason: UnfixedReason::ModelRefused { refusal },
                    reply,
                };
            }
            Sample::Gated {
                reply,
                verdict: Verdict::Rejected(reason),
                check,
                ..
            } => {
                return Decision::Again {
                    feedback: rejected(&reason, &check),
                    reason: UnfixedReason::Rejected { last: reason },
                    reply,
                };
            }
            Sample::Failed(error) => failed = failed.or(Some(error)),
            Sample::Gated { .. } | Sample::Budget => {}
        }
    }
    failed.map_or(Decision::Budget, Decision::Failed)
}

/// How much a candidate changes: the bytes its edits write and remove.
fn size(edits: &[Edit]) -> usize {
    edits
        .iter()
        .map(|edit| edit.replacement.len() + (edit.end - edit.start))
        .sum()
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
    let printed = match &check.tests {
        Some(tests) if !tests.output.is_empty() => {
            format!(
                "\nThe failing tests printed:\n```text\n{}\n```",
                tests.output
            )
        }
        _ => String::new(),
    };
    format!(
        "Your edit was applied and checked, and rejected: {reason}.{quoted}{printed}\n\
         It was not kept: the files are as first shown. Answer again with SEARCH/REPLACE blocks."
    )
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::parse::ParsedCheck;
    use crate::verdict::TestRun;

    fn gated(edit: &str, verdict: Verdict) -> Sample {
        Sample::Gated {
            reply: edit.to_owned(),
            applied: Applied {
                edits: vec![Edit::new(Path::new("src/lib.rs"), 0..1, edit)],
                files: vec![PathBuf::from("src/lib.rs")],
            },
            verdict,
            check: Box::new(GateCheck {
                parsed: ParsedCheck::default(),
                tests: None,
                stderr_tail: String::new(),
                packages: None,
            }),
        }
    }

    fn accepted(remaining_errors: usize) -> Verdict {
        Verdict::Accepted {
            remaining_errors,
            resolved: Vec::new(),
            revealed: Vec::new(),
        }
    }

    fn fixed_with(decision: Decision) -> String {
        match decision {
            Decision::Fixed(Ending::Fixed { edits, .. }) => edits[0].replacement.clone(),
            other => panic!("expected a fix, got {other:?}"),
        }
    }

    #[test]
    fn the_best_accepted_sample_wins_by_errors_left_then_size() {
        let samples = vec![
            gated("a long replacement", accepted(0)),
            gated("short", accepted(1)),
            gated("tiny", accepted(0)),
            gated("x", Verdict::Rejected(RejectReason::Untested)),
        ];
        assert_eq!(fixed_with(decide(samples, "m")), "tiny");
    }

    #[test]
    fn without_a_pass_the_first_reason_is_answered_and_failures_come_last() {
        let samples = vec![
            Sample::Failed("503".to_owned()),
            Sample::Refused {
                reply: "prose".to_owned(),
                refusal: ReplyRefusal::NoChange,
            },
            gated("x", Verdict::Rejected(RejectReason::Untested)),
        ];
        match decide(samples, "m") {
            Decision::Again { reply, reason, .. } => {
                assert_eq!(reply, "prose");
                assert_eq!(
                    reason,
                    UnfixedReason::ModelRefused {
                        refusal: ReplyRefusal::NoChange
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        let failed = vec![Sample::Budget, Sample::Failed("503".to_owned())];
        assert!(matches!(decide(failed, "m"), Decision::Failed(e) if e == "503"));
        assert!(matches!(
            decide(vec![Sample::Budget], "m"),
            Decision::Budget
        ));
    }

    #[test]
    fn a_rejection_by_the_tests_shows_the_model_what_they_printed() {
        let reason = RejectReason::TestsFailed {
            failed: vec!["tests::dots".to_owned()],
        };
        let check = GateCheck {
            parsed: ParsedCheck::default(),
            tests: Some(TestRun {
                passed: false,
                failed: vec!["tests::dots".to_owned()],
                ran: 2,
                output: "---- tests::dots stdout ----\n  left: \"a 1\"\n right: \"a.1\"".to_owned(),
            }),
            stderr_tail: String::new(),
            packages: None,
        };
        let feedback = rejected(&reason, &check);
        assert!(
            feedback.contains("the tests fail: tests::dots"),
            "{feedback}"
        );
        assert!(
            feedback.contains("The failing tests printed:\n```text\n---- tests::dots stdout"),
            "{feedback}"
        );
        assert!(feedback.contains("right: \"a.1\""), "{feedback}");
    }
}
