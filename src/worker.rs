//! A worker: takes one scope, asks the specialists for fixes, has the gate judge them in pooled
//! worktrees, and reports the patch that passed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::candidate::{self, Proposal, Refusal};
use crate::cargo::CargoError;
use crate::diagnostic::{Diagnostic, Identity};
use crate::edit::{self, Edit};
use crate::event::{Event, Fix, WorkerReport, WorkerStatus};
use crate::gate::{Gate, GateError};
use crate::git::Oid;
use crate::index::ItemIndex;
use crate::parse::ParsedCheck;
use crate::patch::{Patch, Sources};
use crate::plan::Scope;
use crate::pool::WorktreePool;
use crate::reason::UnfixedReason;
use crate::specialist::{Context, Specialist, Tier};
use crate::verdict::{self, RejectReason, Verdict};

/// What every worker of a round shares. Owned data only: workers hold no reference into the
/// dispatcher's state.
#[derive(Debug)]
pub struct Round {
    pub number: usize,
    pub base: Oid,
    /// The base's diagnostics, against which every candidate is judged.
    pub before: Vec<Diagnostic>,
    /// Packages the base's check could not reach (a dependency failed): their errors, once they
    /// appear, are revealed rather than caused.
    pub unchecked: BTreeSet<String>,
    pub sources: Sources,
    /// What `sources` define, indexed when a rule first asks: once per round, for every worker.
    pub index: OnceLock<ItemIndex>,
    pub gate: Arc<Gate>,
    pub pool: WorktreePool,
    pub specialists: Arc<[Box<dyn Specialist>]>,
    pub events: UnboundedSender<Event>,
    pub cancel: CancellationToken,
    /// Gate runs started, by scope. Counted here rather than in the worker, so that the
    /// dispatcher knows what a worker cut off by its timeout (or stopped) spent.
    pub gate_runs: Mutex<BTreeMap<String, usize>>,
}

/// A set of chosen alternatives: `(proposal, alternative)` index pairs.
type Choice = Vec<(usize, usize)>;

/// How many times a candidate may be extended with rustc's fixes for the errors it causes.
const FOLLOW_UP_DEPTH: usize = 2;

/// A candidate the gate judged: the edits it finally consisted of (the proposal's, plus any
/// follow-up fixes), the patch they make, and the verdict on it.
#[derive(Debug)]
struct Judged {
    verdict: Verdict,
    patch: Patch,
    edits: Vec<Edit>,
    follow_ups: Vec<String>,
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

    /// The gate runs the worker of `scope` started, finished or not.
    pub fn gate_runs_of(&self, scope: &str) -> usize {
        let counts = self
            .gate_runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        counts.get(scope).copied().unwrap_or(0)
    }

    fn edits_of(proposals: &[Proposal], choice: &Choice) -> Vec<Edit> {
        choice
            .iter()
            .flat_map(|&(p, a)| proposals[p].alternatives[a].edits.iter().cloned())
            .collect()
    }

    fn targets_of(proposals: &[Proposal], choice: &Choice) -> Vec<Identity> {
        choice
            .iter()
            .map(|&(p, _)| proposals[p].target.clone())
            .collect()
    }

    fn label_of(proposals: &[Proposal], choice: &Choice) -> String {
        match choice.as_slice() {
            [(p, a)] => proposals[*p].alternatives[*a].label.clone(),
            _ => format!("{} fixes together", choice.len()),
        }
    }

    /// Gates `edits` applied together, for `targets`. When the only fault is new errors that
    /// rustc offers fixes for (making `&self` into `&mut self` makes a caller's binding need
    /// `mut`), the candidate is extended with those fixes and gated again: the result must still
    /// pass with no new error. `None`: the edits make no patch (they overlap, or change nothing).
    async fn judge(
        &self,
        scope: &str,
        label: &str,
        mut edits: Vec<Edit>,
        targets: &[Identity],
    ) -> Result<Option<Judged>, GateError> {
        let mut follow_ups = Vec::new();
        let mut gate_runs = 0;
        loop {
            let Ok(patch) = Patch::from_edits(&self.sources, &edits) else {
                return Ok(None);
            };
            if patch.is_empty() {
                return Ok(None);
            }
            let (verdict, after) = self.gate_once(scope, label, &patch, targets).await?;
            gate_runs += 1;
            let extension = match &verdict {
                Verdict::Rejected(RejectReason::NewErrors { errors })
                    if gate_runs <= FOLLOW_UP_DEPTH =>
                {
                    candidate::follow_up(&self.sources, &patch, &after, errors)
                }
                _ => None,
            };
            match extension {
                Some((extended, labels)) => {
                    edits = extended;
                    follow_ups.extend(labels);
                }
                None => {
                    return Ok(Some(Judged {
                        verdict,
                        patch,
                        edits,
                        follow_ups,
                    }));
                }
            }
        }
    }

    /// Gates fixes that each passed alone, together. They pass only as they are (no follow-up
    /// may be added at this stage); returns what they resolved.
    async fn judge_combination(
        &self,
        scope: &str,
        label: &str,
        edits: &[Edit],
        targets: &[Identity],
    ) -> Result<Option<Vec<Identity>>, GateError> {
        let judged = self.judge(scope, label, edits.to_vec(), targets).await?;
        Ok(judged
            .filter(|j| j.verdict.is_accepted() && j.follow_ups.is_empty())
            .map(|j| resolved_by(&j.verdict)))
    }

    async fn gate_once(
        &self,
        scope: &str,
        label: &str,
        patch: &Patch,
        targets: &[Identity],
    ) -> Result<(Verdict, ParsedCheck), GateError> {
        // A stopped run starts no more gate runs, and counts none.
        if self.cancel.is_cancelled() {
            return Err(GateError::Cargo(CargoError::Cancelled));
        }
        let started = Instant::now();
        let lease = self.pool.acquire().await;
        *self
            .gate_runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(scope.to_owned())
            .or_default() += 1;
        let check = self
            .gate
            .check(lease, self.base, Some(patch), &self.cancel)
            .await?;
        // Compare only what the gate checked: a narrowed check does not see other packages.
        let before: Vec<Diagnostic> = match &check.packages {
            None => self.before.clone(),
            Some(packages) => self
                .before
                .iter()
                .filter(|d| d.file().is_some_and(|file| self.gate.is_in(file, packages)))
                .cloned()
                .collect(),
        };
        let verdict = verdict::judge(&before, targets, &check.parsed, |file| {
            self.gate.is_in(file, &self.unchecked)
        });
        let verdict = verdict::with_tests(verdict, check.tests.as_ref());
        self.emit(Event::GateFinished {
            round: self.number,
            scope: scope.to_owned(),
            candidate: label.to_owned(),
            verdict: verdict.clone(),
            duration_ms: started.elapsed().as_millis() as u64,
        });
        Ok((verdict, check.parsed))
    }
}

/// What a worker found, before it becomes a report.
#[derive(Debug, Default)]
struct Findings {
    /// Targets fixed, with how.
    fixed: Vec<(Identity, String)>,
    /// Targets not fixed, with why.
    rejected: Vec<(Identity, UnfixedReason)>,
    /// The final edits (the stage's base included) and every target they fix.
    edits: Vec<Edit>,
    targets: Vec<Identity>,
    /// What the gate saw resolved by the final edits.
    resolved: Vec<Identity>,
}

/// Fixes a search builds on: every candidate of the search is gated with them applied.
#[derive(Debug, Default)]
struct Stage {
    edits: Vec<Edit>,
    targets: Vec<Identity>,
}

/// Removes one occurrence of `identity` from `pool`, saying whether there was one.
fn take(pool: &mut Vec<Identity>, identity: &Identity) -> bool {
    match pool.iter().position(|i| i == identity) {
        Some(at) => {
            pool.swap_remove(at);
            true
        }
        None => false,
    }
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

    let (compiler, rules, mut refused) = propose(&round, &scope);
    let candidates: usize = compiler
        .iter()
        .chain(&rules)
        .map(|p| p.alternatives.len())
        .sum();
    let addressed: BTreeSet<&Identity> = compiler.iter().chain(&rules).map(|p| &p.target).collect();
    if addressed.is_empty() {
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
                addressed.len(),
                scope.diagnostics.len()
            ),
        });
    }
    // Stage one: rustc's own suggestions. Stage two: the rules' guesses, only for what stage one
    // left, gated on top of its fixes. The rules thus cost gate runs only where rustc had nothing.
    let first = search(
        &round,
        &scope.id,
        &Arc::new(compiler),
        Arc::new(Stage::default()),
    )
    .await?;
    let mut covered: Vec<Identity> = first.resolved.clone();
    covered.extend(first.fixed.iter().map(|(identity, _)| identity.clone()));
    let left: Vec<Proposal> = rules
        .into_iter()
        .filter(|p| !take(&mut covered, &p.target))
        .collect();
    let second = if left.is_empty() {
        None
    } else {
        let base = Stage {
            edits: first.edits.clone(),
            targets: first.targets.clone(),
        };
        Some(search(&round, &scope.id, &Arc::new(left), Arc::new(base)).await?)
    };
    let mut fixed_pool: Vec<(Identity, String)> = first.fixed.clone();
    let mut rejected: Vec<(Identity, UnfixedReason)> = first.rejected.clone();
    let last = match second {
        Some(second) if !second.fixed.is_empty() => {
            fixed_pool.extend(second.fixed.iter().cloned());
            rejected.splice(0..0, second.rejected.iter().cloned());
            second
        }
        Some(second) => {
            rejected.splice(0..0, second.rejected.iter().cloned());
            first
        }
        None => first,
    };
    let patch = if fixed_pool.is_empty() {
        None
    } else {
        Patch::from_edits(&round.sources, &last.edits).ok()
    };

    let mut fixed = Vec::new();
    let mut unfixed = Vec::new();
    for diagnostic in &scope.diagnostics {
        let identity = diagnostic.identity();
        if let Some(at) = fixed_pool.iter().position(|(i, _)| *i == identity) {
            let (_, how) = fixed_pool.swap_remove(at);
            fixed.push(Fix {
                target: identity,
                position: diagnostic.position(),
                how,
            });
            continue;
        }
        let reason = rejected
            .iter()
            .find(|(i, _)| *i == identity)
            .map(|(_, why)| why.clone())
            .or_else(|| {
                let refusal = refused.remove(&identity)?;
                Some(UnfixedReason::Refused { refusal })
            })
            .unwrap_or(UnfixedReason::NoProposal);
        unfixed.push((identity, reason));
    }
    let summary = match (fixed.len(), scope.diagnostics.len()) {
        (0, total) => format!("fixed none of {total}"),
        (done, total) if done == total => format!("fixed all {total}"),
        (done, total) => format!("fixed {done} of {total}"),
    };
    let gate_runs = round.gate_runs_of(&scope.id);
    Ok(WorkerReport {
        scope: scope.id,
        code: scope.code,
        status: WorkerStatus::Completed,
        summary,
        fixed,
        unfixed,
        patch,
        resolved: last.resolved,
        gate_runs,
        candidates,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Every specialist's proposals in two tiers (rustc's own, the rules'), alternatives merged per
/// diagnostic within a tier, minus those the meaning guard refuses (whose reasons are kept).
fn propose(
    round: &Round,
    scope: &Scope,
) -> (
    Vec<Proposal>,
    Vec<Proposal>,
    std::collections::BTreeMap<Identity, Refusal>,
) {
    let mut tiers: [Vec<Proposal>; 2] = [Vec::new(), Vec::new()];
    let context = Context::new(&round.sources, &round.index);
    for specialist in round.specialists.iter() {
        let tier = &mut tiers[usize::from(specialist.tier() == Tier::Rule)];
        for proposal in specialist.propose(scope, &context) {
            match tier.iter_mut().find(|p| p.target == proposal.target) {
                Some(existing) => existing.alternatives.extend(proposal.alternatives),
                None => tier.push(proposal),
            }
        }
    }
    let mut refused = std::collections::BTreeMap::new();
    for proposal in tiers.iter_mut().flatten() {
        proposal.alternatives.retain(|alternative| {
            match candidate::check_meaning(alternative, &round.sources) {
                Ok(()) => true,
                Err(refusal) => {
                    refused.insert(proposal.target.clone(), refusal);
                    false
                }
            }
        });
    }
    let [mut compiler, mut rules] = tiers;
    compiler.retain(|proposal| !proposal.alternatives.is_empty());
    rules.retain(|proposal| !proposal.alternatives.is_empty());
    (compiler, rules, refused)
}

/// Why a proposal whose candidate got `verdict` was not kept.
fn unfixed_by(verdict: &Verdict) -> UnfixedReason {
    match verdict {
        Verdict::Accepted { .. } => UnfixedReason::Conflicted,
        Verdict::Rejected(reason) => UnfixedReason::Rejected {
            last: reason.clone(),
        },
    }
}

/// The search: proposals with one alternative are first tried all together in one gate run;
/// proposals with several have each alternative tried on its own, side by side, and keep the best.
/// What passed alone is then combined and gated once more.
async fn search(
    round: &Arc<Round>,
    scope: &str,
    proposals: &Arc<Vec<Proposal>>,
    base: Arc<Stage>,
) -> Result<Findings, GateError> {
    let mut findings = Findings::default();
    let mut rejections: Vec<Option<UnfixedReason>> = vec![None; proposals.len()];
    let with_base = |edits: Vec<Edit>, targets: Vec<Identity>| {
        let mut all_edits = base.edits.clone();
        all_edits.extend(edits);
        let mut all_targets = base.targets.clone();
        all_targets.extend(targets);
        (all_edits, all_targets)
    };
    let (singles, multis): (Vec<usize>, Vec<usize>) =
        (0..proposals.len()).partition(|&p| proposals[p].alternatives.len() == 1);

    // The batch: every single-alternative proposal that does not overlap an earlier one.
    let mut batch: Choice = Vec::new();
    let mut alone: Vec<usize> = Vec::new();
    for &p in &singles {
        let edits = &proposals[p].alternatives[0].edits;
        let mut taken = Round::edits_of(proposals, &batch);
        taken.extend(base.edits.iter().cloned());
        if edit::conflict(&taken, edits) {
            alone.push(p);
        } else {
            batch.push((p, 0));
        }
    }

    type Outcome = (Choice, Result<Option<Judged>, GateError>);
    let spawn = |tasks: &mut JoinSet<Outcome>, choice: Choice| {
        let round = Arc::clone(round);
        let proposals = Arc::clone(proposals);
        let scope = scope.to_owned();
        let base = Arc::clone(&base);
        tasks.spawn(async move {
            let label = Round::label_of(&proposals, &choice);
            let mut targets = base.targets.clone();
            targets.extend(Round::targets_of(&proposals, &choice));
            let mut edits = base.edits.clone();
            edits.extend(Round::edits_of(&proposals, &choice));
            let judged = round.judge(&scope, &label, edits, &targets).await;
            (choice, judged)
        });
    };
    let mut tasks = JoinSet::new();
    if batch.len() > 1 {
        spawn(&mut tasks, batch.clone());
    } else {
        alone.extend(batch.drain(..).map(|(p, _)| p));
    }
    for &p in &multis {
        for a in 0..proposals[p].alternatives.len() {
            spawn(&mut tasks, vec![(p, a)]);
        }
    }

    // Per proposal, its best accepted alternative alone: (alternative, judged).
    let mut best: Vec<Option<(usize, Judged)>> = (0..proposals.len()).map(|_| None).collect();
    let mut batch_result: Option<Judged> = None;
    let mut first_pass = true;
    loop {
        while let Some(joined) = tasks.join_next().await {
            let (choice, judged) = joined.map_err(|_| GateError::Panicked)?;
            let Some(judged) = judged? else { continue };
            if choice.len() > 1 {
                if judged.verdict.is_accepted() {
                    batch_result = Some(judged);
                } else {
                    // The batch failed: judge its members one by one.
                    alone.extend(choice.iter().map(|&(p, _)| p));
                }
                continue;
            }
            let (p, a) = choice[0];
            if judged.verdict.is_accepted() {
                // Ties go to the earlier alternative (rustc's before the rules'), not to the gate
                // run that happened to finish first: the same input must give the same fix.
                let better = best[p]
                    .as_ref()
                    .is_none_or(|(b_a, b)| (judged.rank(), a) < (b.rank(), *b_a));
                if better {
                    best[p] = Some((a, judged));
                }
            } else if best[p].is_none() {
                rejections[p] = Some(unfixed_by(&judged.verdict));
            }
        }
        if !first_pass || alone.is_empty() {
            break;
        }
        first_pass = false;
        for p in alone.drain(..) {
            spawn(&mut tasks, vec![(p, 0)]);
        }
    }

    // Combine: the batch if it passed, plus each other proposal's best lone alternative.
    let mut chosen: Choice = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut labels: Vec<(usize, String)> = Vec::new();
    let mut resolved: Vec<Identity> = Vec::new();
    if let Some(judged) = batch_result {
        chosen.extend(batch.iter().copied());
        resolved = resolved_by(&judged.verdict);
        edits = judged.edits;
        for &(p, a) in &batch {
            labels.push((
                p,
                with_follow_ups(&proposals[p].alternatives[a].label, &judged.follow_ups),
            ));
        }
    }
    let picks: Vec<(usize, usize, Judged)> = best
        .into_iter()
        .enumerate()
        .filter(|(p, _)| !chosen.iter().any(|(q, _)| q == p))
        .filter_map(|(p, pick)| pick.map(|(a, judged)| (p, a, judged)))
        .collect();
    let everything: Vec<Edit> = edits
        .iter()
        .cloned()
        .chain(
            picks
                .iter()
                .flat_map(|(_, _, judged)| judged.edits.iter().cloned()),
        )
        .collect();
    let mut together = chosen.clone();
    together.extend(picks.iter().map(|&(p, a, _)| (p, a)));
    let all_at_once = if chosen.is_empty() && picks.len() == 1 {
        Some(resolved_by(&picks[0].2.verdict))
    } else if picks.is_empty() {
        None
    } else {
        let label = format!("{} fixes together", together.len());
        let (_, targets) = with_base(Vec::new(), Round::targets_of(proposals, &together));
        round
            .judge_combination(scope, &label, &everything, &targets)
            .await?
    };
    if let Some(all_resolved) = all_at_once {
        resolved = all_resolved;
        chosen = together;
        edits = everything;
        for (p, a, judged) in &picks {
            labels.push((
                *p,
                with_follow_ups(&proposals[*p].alternatives[*a].label, &judged.follow_ups),
            ));
        }
    } else {
        // Add the picks one at a time, keeping those that still pass with the rest.
        for (p, a, judged) in picks {
            let mut attempt_edits = edits.clone();
            attempt_edits.extend(judged.edits.iter().cloned());
            let mut attempt = chosen.clone();
            attempt.push((p, a));
            let passes = if chosen.is_empty() {
                Some(resolved_by(&judged.verdict))
            } else {
                let label = Round::label_of(proposals, &vec![(p, a)]);
                let (_, targets) = with_base(Vec::new(), Round::targets_of(proposals, &attempt));
                round
                    .judge_combination(scope, &label, &attempt_edits, &targets)
                    .await?
            };
            if let Some(now_resolved) = passes {
                resolved = now_resolved;
                chosen = attempt;
                edits = attempt_edits;
                labels.push((
                    p,
                    with_follow_ups(&proposals[p].alternatives[a].label, &judged.follow_ups),
                ));
            } else {
                rejections[p] = Some(UnfixedReason::WorseWithOthers);
            }
        }
    }
    let labels: std::collections::BTreeMap<usize, String> = labels.into_iter().collect();
    for (p, proposal) in proposals.iter().enumerate() {
        match labels.get(&p) {
            Some(how) if chosen.iter().any(|(q, _)| *q == p) => {
                findings.fixed.push((proposal.target.clone(), how.clone()));
            }
            _ => {
                let why = rejections[p].clone().unwrap_or(UnfixedReason::Conflicted);
                findings.rejected.push((proposal.target.clone(), why));
            }
        }
    }
    let (edits, targets) = if chosen.is_empty() {
        with_base(Vec::new(), Vec::new())
    } else {
        // The judged edits carry the base already.
        let (_, targets) = with_base(Vec::new(), Round::targets_of(proposals, &chosen));
        (edits, targets)
    };
    findings.edits = edits;
    findings.targets = targets;
    findings.resolved = resolved;
    Ok(findings)
}

fn resolved_by(verdict: &Verdict) -> Vec<Identity> {
    match verdict {
        Verdict::Accepted { resolved, .. } => resolved.clone(),
        Verdict::Rejected(_) => Vec::new(),
    }
}

fn with_follow_ups(label: &str, follow_ups: &[String]) -> String {
    if follow_ups.is_empty() {
        label.to_owned()
    } else {
        format!("{label}, then {}", follow_ups.join(", then "))
    }
}
