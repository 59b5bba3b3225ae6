//! A worker: takes one scope, asks the specialists for fixes, has the gate judge them in pooled
//! worktrees, and reports the patch that passed.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::candidate::{self, Proposal};
use crate::diagnostic::{Diagnostic, Identity};
use crate::edit::{self, Edit};
use crate::event::{Event, Fix, WorkerReport, WorkerStatus};
use crate::gate::{Gate, GateError};
use crate::git::Oid;
use crate::patch::{Patch, Sources};
use crate::plan::Scope;
use crate::pool::WorktreePool;
use crate::specialist::Specialist;
use crate::verdict::{self, Verdict};

/// What every worker of a round shares. Owned data only: workers hold no reference into the
/// dispatcher's state.
#[derive(Debug)]
pub struct Round {
    pub number: usize,
    pub base: Oid,
    /// The base's diagnostics, against which every candidate is judged.
    pub before: Vec<Diagnostic>,
    pub sources: Sources,
    pub gate: Arc<Gate>,
    pub pool: WorktreePool,
    pub specialists: Arc<[Box<dyn Specialist>]>,
    pub events: UnboundedSender<Event>,
    pub cancel: CancellationToken,
}

/// A set of chosen alternatives: `(proposal, alternative)` index pairs.
type Choice = Vec<(usize, usize)>;

/// A candidate the gate judged, with the patch it was judged on.
#[derive(Debug)]
struct Judged {
    verdict: Verdict,
    patch: Patch,
}

impl Judged {
    /// Fewest remaining errors, then the smallest diff.
    fn rank(&self) -> (usize, usize) {
        (
            self.verdict.remaining_errors().unwrap_or(usize::MAX),
            self.patch.changed_lines(),
        )
    }
}

impl Round {
    fn emit(&self, event: Event) {
        // A closed channel only means nobody listens any more.
        let _ = self.events.send(event);
    }

    fn edits_of(proposals: &[Proposal], choice: &Choice) -> Vec<Edit> {
        choice
            .iter()
            .flat_map(|&(p, a)| proposals[p].alternatives[a].edits.iter().cloned())
            .collect()
    }

    /// Gates the alternatives in `choice` applied together. `None`: they make no patch at all
    /// (their edits overlap, or change nothing).
    async fn judge(
        &self,
        scope: &str,
        proposals: &[Proposal],
        choice: &Choice,
    ) -> Result<Option<Judged>, GateError> {
        let Ok(patch) = Patch::from_edits(&self.sources, &Self::edits_of(proposals, choice)) else {
            return Ok(None);
        };
        if patch.is_empty() {
            return Ok(None);
        }
        let targets: Vec<Identity> = choice.iter().map(|&(p, _)| proposals[p].target.clone()).collect();
        let started = Instant::now();
        let mut lease = self.pool.acquire().await;
        let check = self
            .gate
            .check(&mut lease, self.base, Some(&patch), &self.cancel)
            .await?;
        drop(lease);
        // Compare only what the gate checked: a narrowed check does not see other packages.
        let before: Vec<Diagnostic> = match &check.packages {
            None => self.before.clone(),
            Some(packages) => self
                .before
                .iter()
                .filter(|d| {
                    d.file()
                        .and_then(|file| self.gate.package_of(file))
                        .is_some_and(|package| packages.contains(package))
                })
                .cloned()
                .collect(),
        };
        let verdict = verdict::judge(&before, &targets, &check.parsed);
        let candidate = match choice.as_slice() {
            [(p, a)] => proposals[*p].alternatives[*a].label.clone(),
            _ => format!("{} fixes together", choice.len()),
        };
        self.emit(Event::GateFinished {
            round: self.number,
            scope: scope.to_owned(),
            candidate,
            verdict: verdict.clone(),
            duration_ms: started.elapsed().as_millis() as u64,
        });
        Ok(Some(Judged { verdict, patch }))
    }
}

/// What a worker found, before it becomes a report.
#[derive(Debug, Default)]
struct Findings {
    chosen: Choice,
    patch: Option<Patch>,
    gate_runs: usize,
    /// Per proposal, why its alternatives failed.
    rejections: Vec<Option<String>>,
}

/// Runs one scope to its report. Errors are only those of the machinery (git, cargo failing to
/// run, cancellation); a rejected candidate is an ordinary outcome.
pub async fn run_worker(round: Arc<Round>, scope: Scope) -> Result<WorkerReport, GateError> {
    let started = Instant::now();
    round.emit(Event::WorkerStarted {
        round: round.number,
        scope: scope.id.clone(),
        diagnostics: scope.diagnostics.len(),
    });

    let (proposals, mut refused) = propose(&round, &scope);
    let candidates = proposals.iter().map(|p| p.alternatives.len()).sum();
    if proposals.is_empty() {
        round.emit(Event::WorkerBlocked {
            round: round.number,
            scope: scope.id.clone(),
            reason: "no specialist proposed a fix".to_owned(),
        });
    } else {
        round.emit(Event::WorkerProgress {
            round: round.number,
            scope: scope.id.clone(),
            message: format!(
                "{candidates} candidate fix{} for {} of {} errors",
                if candidates == 1 { "" } else { "es" },
                proposals.len(),
                scope.diagnostics.len()
            ),
        });
    }
    let proposals = Arc::new(proposals);
    let findings = search(&round, &scope.id, &proposals).await?;

    let fixed_targets: BTreeSet<usize> = findings.chosen.iter().map(|&(p, _)| p).collect();
    let mut fixed = Vec::new();
    let mut unfixed = Vec::new();
    let mut claimed = vec![false; proposals.len()];
    for diagnostic in &scope.diagnostics {
        let identity = diagnostic.identity();
        // Equal identities map to distinct proposals, in order.
        let proposal = (0..proposals.len()).find(|&p| !claimed[p] && proposals[p].target == identity);
        if let Some(p) = proposal {
            claimed[p] = true;
            if fixed_targets.contains(&p) {
                let &(_, a) = findings.chosen.iter().find(|(q, _)| *q == p).expect("chosen");
                fixed.push(Fix {
                    target: identity,
                    position: diagnostic.position(),
                    how: proposals[p].alternatives[a].label.clone(),
                });
                continue;
            }
            let reason = findings.rejections[p]
                .clone()
                .unwrap_or_else(|| "its fix conflicted with another fix of the scope".to_owned());
            unfixed.push((identity, reason));
        } else {
            let reason = refused
                .remove(&identity)
                .unwrap_or_else(|| "no specialist proposed a fix".to_owned());
            unfixed.push((identity, reason));
        }
    }
    let summary = match (fixed.len(), scope.diagnostics.len()) {
        (0, total) => format!("fixed none of {total}"),
        (done, total) if done == total => format!("fixed all {total}"),
        (done, total) => format!("fixed {done} of {total}"),
    };
    Ok(WorkerReport {
        scope: scope.id,
        code: scope.code,
        status: WorkerStatus::Completed,
        summary,
        fixed,
        unfixed,
        patch: findings.patch,
        gate_runs: findings.gate_runs,
        candidates,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Every specialist's proposals, alternatives merged per diagnostic, minus those the meaning
/// guard refuses (whose reasons are kept per diagnostic).
fn propose(
    round: &Round,
    scope: &Scope,
) -> (Vec<Proposal>, std::collections::BTreeMap<Identity, String>) {
    let mut proposals: Vec<Proposal> = Vec::new();
    for specialist in round.specialists.iter() {
        for proposal in specialist.propose(scope, &round.sources) {
            match proposals.iter_mut().find(|p| p.target == proposal.target) {
                Some(existing) => existing.alternatives.extend(proposal.alternatives),
                None => proposals.push(proposal),
            }
        }
    }
    let mut refused = std::collections::BTreeMap::new();
    for proposal in &mut proposals {
        proposal.alternatives.retain(|alternative| {
            match candidate::check_meaning(alternative, &round.sources) {
                Ok(()) => true,
                Err(refusal) => {
                    refused.insert(proposal.target.clone(), format!("refused: {refusal}"));
                    false
                }
            }
        });
    }
    proposals.retain(|proposal| !proposal.alternatives.is_empty());
    (proposals, refused)
}

fn describe(verdict: &Verdict) -> String {
    use crate::verdict::RejectReason;
    match verdict {
        Verdict::Accepted { .. } => "accepted".to_owned(),
        Verdict::Rejected(RejectReason::BuildFailed { detail }) => format!("the build failed: {detail}"),
        Verdict::Rejected(RejectReason::TargetsRemain { .. }) => {
            "rustc's suggestions did not make the error go away".to_owned()
        }
        Verdict::Rejected(RejectReason::NewErrors { errors }) => format!(
            "every suggestion caused new errors (e.g. {})",
            errors.first().map_or("", |e| e.message.as_str())
        ),
    }
}

/// The search: proposals with one alternative are first tried all together in one gate run;
/// proposals with several have each alternative tried on its own, side by side, and keep the best.
/// What passed alone is then combined and gated once more.
async fn search(
    round: &Arc<Round>,
    scope: &str,
    proposals: &Arc<Vec<Proposal>>,
) -> Result<Findings, GateError> {
    let mut findings = Findings {
        rejections: vec![None; proposals.len()],
        ..Findings::default()
    };
    let (singles, multis): (Vec<usize>, Vec<usize>) =
        (0..proposals.len()).partition(|&p| proposals[p].alternatives.len() == 1);

    // The batch: every single-alternative proposal that does not overlap an earlier one.
    let mut batch: Choice = Vec::new();
    let mut left_out: Vec<usize> = Vec::new();
    for &p in &singles {
        let edits = &proposals[p].alternatives[0].edits;
        if edit::conflict(&Round::edits_of(proposals, &batch), edits) {
            left_out.push(p);
        } else {
            batch.push((p, 0));
        }
    }

    let mut tasks: JoinSet<(Choice, Result<Option<Judged>, GateError>)> = JoinSet::new();
    let spawn = |tasks: &mut JoinSet<_>, choice: Choice| {
        let round = Arc::clone(round);
        let proposals = Arc::clone(proposals);
        let scope = scope.to_owned();
        tasks.spawn(async move {
            let judged = round.judge(&scope, &proposals, &choice).await;
            (choice, judged)
        });
    };
    if !batch.is_empty() {
        spawn(&mut tasks, batch.clone());
    }
    for &p in &multis {
        for a in 0..proposals[p].alternatives.len() {
            spawn(&mut tasks, vec![(p, a)]);
        }
    }

    let mut best: Vec<Option<(usize, Judged)>> = (0..proposals.len()).map(|_| None).collect();
    let mut batch_passed = false;
    let record = |findings: &mut Findings,
                      best: &mut Vec<Option<(usize, Judged)>>,
                      choice: Choice,
                      judged: Option<Judged>|
     -> bool {
        let Some(judged) = judged else { return false };
        findings.gate_runs += 1;
        if choice.len() > 1 {
            return judged.verdict.is_accepted();
        }
        let (p, a) = choice[0];
        if judged.verdict.is_accepted() {
            let better = best[p].as_ref().is_none_or(|(_, b)| judged.rank() < b.rank());
            if better {
                best[p] = Some((a, judged));
            }
        } else if best[p].is_none() {
            findings.rejections[p] = Some(describe(&judged.verdict));
        }
        false
    };
    while let Some(joined) = tasks.join_next().await {
        let (choice, judged) = joined.map_err(|_| GateError::Panicked)?;
        let is_batch = choice.len() > 1 || (choice.len() == 1 && batch == choice);
        let accepted = record(&mut findings, &mut best, choice, judged?);
        if is_batch && accepted {
            batch_passed = true;
        }
    }
    if batch.len() == 1 && !batch_passed {
        // The lone batch member was judged alone already; its verdict is in `best`/`rejections`.
        batch_passed = best[batch[0].0].is_some();
    }

    // Single-alternative proposals that could not go in the batch, or all of them if the batch
    // failed, are judged one by one, side by side.
    let mut alone: Vec<usize> = left_out;
    if !batch_passed && batch.len() > 1 {
        alone.extend(batch.iter().map(|&(p, _)| p));
    }
    for &p in &alone {
        spawn(&mut tasks, vec![(p, 0)]);
    }
    while let Some(joined) = tasks.join_next().await {
        let (choice, judged) = joined.map_err(|_| GateError::Panicked)?;
        record(&mut findings, &mut best, choice, judged?);
    }

    // Combine: the batch if it passed, plus each proposal's best lone alternative.
    let mut chosen: Choice = if batch_passed { batch.clone() } else { Vec::new() };
    let picks: Choice = (0..proposals.len())
        .filter(|p| !chosen.iter().any(|(q, _)| q == p))
        .filter_map(|p| best[p].as_ref().map(|(a, _)| (p, *a)))
        .collect();
    if chosen.is_empty() && picks.len() == 1 {
        chosen = picks;
    } else if !picks.is_empty() {
        let mut together = chosen.clone();
        together.extend(picks.iter().copied());
        let judged = round.judge(scope, proposals, &together).await?;
        if judged.as_ref().is_some_and(|j| j.verdict.is_accepted()) {
            findings.gate_runs += 1;
            chosen = together;
        } else {
            findings.gate_runs += usize::from(judged.is_some());
            // Add the picks one at a time, keeping those that still pass with the rest.
            for pick in picks {
                let mut attempt = chosen.clone();
                attempt.push(pick);
                if chosen.is_empty() {
                    chosen = attempt;
                    continue;
                }
                let judged = round.judge(scope, proposals, &attempt).await?;
                findings.gate_runs += usize::from(judged.is_some());
                if judged.is_some_and(|j| j.verdict.is_accepted()) {
                    chosen = attempt;
                } else {
                    findings.rejections[pick.0] =
                        Some("its fix passed alone but not with the scope's other fixes".to_owned());
                }
            }
        }
    }
    if !chosen.is_empty() {
        findings.patch = Patch::from_edits(&round.sources, &Round::edits_of(proposals, &chosen)).ok();
    }
    findings.chosen = chosen;
    Ok(findings)
}
