//! The model strategy: for what the embedded one left, one conversation per group of the scope's
//! diagnostics (those sharing a file), all at once as tasks; the requests in flight are bounded
//! by the service's `--llm-jobs`, and a conversation waiting on the network holds no gate slot.
//! The fixes of the groups are then gated together; if they fail together, the first alone is
//! kept.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::task::JoinSet;

use crate::change;
use crate::config::GateKind;
use crate::diagnostic::{Diagnostic, Identity};
use crate::edit::{self, Edit};
use crate::gate::GateError;
use crate::llm::service::LlmService;
use crate::llm::transcript::Transcript;
use crate::patch::{Patch, Sources};
use crate::plan::Scope;
use crate::reason::{KeptReason, StopReason, UnfixedReason};
use crate::verdict::Verdict;

use super::context::{StrategyReport, WorkerContext};
use super::search::{Kept, Stage};

mod conversation;
mod sample;

use conversation::{Ending, Group, Talk};

/// The name model workers' fixes go by, as a specialist's.
pub const MODEL_SPECIALIST: &str = "model";

/// A group whose conversation ended with a fix.
struct Fixed {
    group: Group,
    edits: Vec<Edit>,
    files: Vec<PathBuf>,
    resolved: Vec<Identity>,
    model: String,
}

#[derive(Debug)]
pub struct Llm {
    service: Arc<LlmService>,
}

impl Llm {
    pub fn new(service: Arc<LlmService>) -> Llm {
        Llm { service }
    }

    pub async fn run(
        &self,
        context: &WorkerContext,
        scope: &Scope,
        base: Stage,
    ) -> Result<StrategyReport, GateError> {
        let groups = groups_of(&scope.diagnostics);
        if groups.is_empty() {
            return Ok(StrategyReport {
                stage: base,
                ..StrategyReport::default()
            });
        }
        let round = context.round().number;
        let transcript =
            Arc::new(Transcript::open(&self.service.transcripts, round, &scope.id).await);
        let talk = Talk {
            context: context.clone(),
            service: Arc::clone(&self.service),
            texts: Arc::new(staged(context.sources(), &base.edits)),
            base: base.clone(),
            transcript,
        };
        let mut conversations = JoinSet::new();
        for group in groups {
            let talk = talk.clone();
            conversations.spawn(async move {
                let ended = conversation::converse(talk, group.clone()).await;
                (group, ended)
            });
        }
        let mut ended = Vec::new();
        while let Some(joined) = conversations.join_next().await {
            let (group, result) = joined.map_err(|_| GateError::Panicked)?;
            let (ending, cost) = result?;
            ended.push((group, ending, cost));
        }
        ended.sort_by_key(|(group, _, _)| group.number);
        let mut report = StrategyReport {
            stage: base.clone(),
            candidates: ended.iter().map(|(_, _, cost)| cost.gated).sum(),
            ..StrategyReport::default()
        };
        for (_, _, cost) in &ended {
            report.tokens += cost.usage;
        }
        let mut fixed = Vec::new();
        for (group, ending, _) in ended {
            let reason = match ending {
                Ending::Fixed {
                    edits,
                    files,
                    resolved,
                    model,
                } => {
                    fixed.push(Fixed {
                        group,
                        edits,
                        files,
                        resolved,
                        model,
                    });
                    continue;
                }
                Ending::NotFixed(reason) => reason,
                Ending::Untried => {
                    self.service.left_untried(&scope.id);
                    UnfixedReason::NotReached {
                        stop: StopReason::Budget,
                    }
                }
            };
            for target in group.targets() {
                report.rejected.push((target, reason.clone()));
            }
        }
        keep(context, &base, fixed, &mut report).await?;
        Ok(report)
    }
}

/// The scope's diagnostics by the file of their primary span, in scope order; those without one
/// have nothing to show a model.
fn groups_of(diagnostics: &[Diagnostic]) -> Vec<Group> {
    let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    let mut order: Vec<PathBuf> = Vec::new();
    for diagnostic in diagnostics {
        let Some(file) = diagnostic.file() else {
            continue;
        };
        if !by_file.contains_key(file) {
            order.push(file.to_owned());
        }
        by_file
            .entry(file.to_owned())
            .or_default()
            .push(diagnostic.clone());
    }
    order
        .into_iter()
        .enumerate()
        .filter_map(|(number, file)| {
            let diagnostics = by_file.remove(&file)?;
            Some(Group {
                number: number + 1,
                diagnostics,
            })
        })
        .collect()
}

/// `sources` with the stage's edits applied, where they apply.
fn staged(sources: &Sources, stage: &[Edit]) -> Sources {
    let mut files = BTreeMap::new();
    for path in sources.paths() {
        files.insert(
            path.to_owned(),
            sources.get(path).unwrap_or_default().to_owned(),
        );
    }
    for (path, edits) in edit::by_file(stage) {
        if let Some(text) = files.get_mut(path)
            && let Ok(updated) = edit::apply_edits(path, text, &edits)
        {
            *text = updated;
        }
    }
    Sources::new(files)
}

/// Puts the fixed groups into `report`: all of them when they pass the gate together (one run,
/// tests included), else the first alone (which passed alone) and the others as worse together.
/// Groups that edit a file an earlier one edited conflict with it.
async fn keep(
    context: &WorkerContext,
    base: &Stage,
    fixed: Vec<Fixed>,
    report: &mut StrategyReport,
) -> Result<(), GateError> {
    let mut taken: BTreeSet<PathBuf> = BTreeSet::new();
    let mut together: Vec<Fixed> = Vec::new();
    for one in fixed {
        if one.files.iter().any(|file| taken.contains(file)) {
            for target in one.group.targets() {
                report.rejected.push((target, UnfixedReason::Conflicted));
            }
            continue;
        }
        taken.extend(one.files.iter().cloned());
        together.push(one);
    }
    if together.is_empty() {
        return Ok(());
    }
    let mut stage = base.clone();
    for one in &together {
        stage.edits.retain(|e| !one.files.contains(&e.file));
        stage.edits.extend(
            one.edits
                .iter()
                .filter(|e| one.files.contains(&e.file))
                .cloned(),
        );
        stage.targets.extend(one.group.targets());
    }
    let resolved = if together.len() == 1 {
        Some(together[0].resolved.clone())
    } else {
        let patch = Patch::from_edits(context.sources(), &stage.edits).unwrap_or_default();
        let (verdict, _) = context
            .gate_as(
                "the model's fixes together",
                &patch,
                &stage.targets,
                GateKind::Test,
            )
            .await?;
        match verdict {
            Verdict::Accepted { resolved, .. } => Some(resolved),
            Verdict::Rejected(_) => None,
        }
    };
    let resolved = match resolved {
        Some(resolved) => resolved,
        None => {
            let first = together.remove(0);
            for other in &together {
                for target in other.group.targets() {
                    report
                        .rejected
                        .push((target, UnfixedReason::WorseWithOthers));
                }
            }
            stage = Stage {
                edits: first.edits.clone(),
                targets: base
                    .targets
                    .iter()
                    .cloned()
                    .chain(first.group.targets())
                    .collect(),
            };
            together = vec![first];
            together[0].resolved.clone()
        }
    };
    for one in &together {
        // The model's own edits: those of its files that the stage did not already hold.
        let edited: Vec<Edit> = one
            .edits
            .iter()
            .filter(|e| one.files.contains(&e.file) && !base.edits.contains(e))
            .cloned()
            .collect();
        let kept = Kept {
            how: format!("a model's edit ({})", one.model),
            change: change::describe_edited(context.sources(), &edited),
            by: MODEL_SPECIALIST,
            why: KeptReason::ModelEdit,
        };
        report
            .fixed
            .extend(one.group.targets().into_iter().map(|t| (t, kept.clone())));
    }
    report.stage = stage;
    report.resolved = resolved;
    Ok(())
}
