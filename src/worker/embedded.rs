//! The embedded strategy: the built-in specialists in two tiers, rustc's suggestions first, then
//! the rules' guesses only for what those left, gated on top of their fixes. The rules thus cost
//! gate runs only where rustc had nothing. Alternatives that make a value up come last, only for
//! what nothing else fixed, and only when the gate runs the tests, which alone may accept them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::candidate::{self, Proposal, Refusal};
use crate::diagnostic::Identity;
use crate::event::{Event, Progress};
use crate::gate::GateError;
use crate::llm::chat::Usage;
use crate::plan::Scope;
use crate::reason::UnfixedReason;
use crate::specialist::{Specialist, Tier};

use super::context::{StrategyReport, WorkerContext, take};
use super::driver;
use super::search::{self, Findings, Stage};

/// The built-in specialists, each of its tier.
#[derive(Debug)]
pub struct Embedded {
    specialists: Arc<[Box<dyn Specialist>]>,
}

/// Proposals of the two tiers, those that make values up apart, and the targets whose every
/// proposal the meaning guard refused.
struct Proposals {
    compiler: Vec<Proposal>,
    rules: Vec<Proposal>,
    /// Per target, the alternatives of either tier that make a value up, in tier order.
    inventions: Vec<Proposal>,
    refused: BTreeMap<Identity, Refusal>,
}

impl Embedded {
    pub fn new(specialists: Arc<[Box<dyn Specialist>]>) -> Embedded {
        Embedded { specialists }
    }

    pub async fn run(
        &self,
        context: &WorkerContext,
        scope: &Scope,
        base: Stage,
    ) -> Result<StrategyReport, GateError> {
        let Proposals {
            compiler,
            rules,
            inventions,
            refused,
        } = self.propose(context, scope);
        let candidates = announce(context, scope, &compiler, &rules, &inventions);
        let first = driver::search(context, compiler, base).await?;
        let mut report = StrategyReport {
            fixed: first.fixed,
            rejected: first.rejected,
            refused,
            stage: first.stage,
            resolved: first.resolved,
            candidates,
            tokens: Usage::default(),
        };
        let left = not_fixed(&report, rules);
        if !left.is_empty() {
            let second = driver::search(context, left, report.stage.clone()).await?;
            take_in(&mut report, second);
        }
        let left = not_fixed(&report, inventions);
        if context.round().gate.runs_tests() {
            if !left.is_empty() {
                let third = driver::search(context, left, report.stage.clone()).await?;
                take_in(&mut report, third);
            }
        } else {
            // `cargo check` cannot tell one made-up value from another: say what would have been
            // tried, and gate none of it.
            let needs: Vec<(Identity, UnfixedReason)> = left
                .iter()
                .map(|proposal| (proposal.target.clone(), search::needs_value(proposal)))
                .collect();
            report.rejected.splice(0..0, needs);
        }
        Ok(report)
    }

    /// Every specialist's proposals in two tiers (rustc's own, the rules'), alternatives merged
    /// per diagnostic within a tier, minus those the meaning guard refuses (whose reasons are
    /// kept).
    fn propose(&self, context: &WorkerContext, scope: &Scope) -> Proposals {
        let mut compiler: Vec<Proposal> = Vec::new();
        let mut rules: Vec<Proposal> = Vec::new();
        let read = context.specialists();
        for specialist in self.specialists.iter() {
            // A tier added later (a model's) must choose its place here, not fall into one.
            let tier = match specialist.tier() {
                Tier::Compiler | Tier::Dependencies => &mut compiler,
                Tier::Rule => &mut rules,
            };
            for proposal in specialist.propose(scope, &read) {
                match tier
                    .iter_mut()
                    .find(|p| p.target == proposal.target && p.site == proposal.site)
                {
                    Some(existing) => existing.alternatives.extend(proposal.alternatives),
                    None => tier.push(proposal),
                }
            }
        }
        let mut refused = BTreeMap::new();
        for proposal in compiler.iter_mut().chain(rules.iter_mut()) {
            proposal.alternatives.retain(|alternative| {
                match candidate::check_meaning(alternative, context.sources()) {
                    Ok(()) => true,
                    Err(refusal) => {
                        refused.insert(proposal.target.clone(), refusal);
                        false
                    }
                }
            });
        }
        let mut inventions: Vec<Proposal> = Vec::new();
        for proposal in compiler.iter_mut().chain(rules.iter_mut()) {
            let (made_up, found): (Vec<_>, Vec<_>) = std::mem::take(&mut proposal.alternatives)
                .into_iter()
                .partition(|alternative| alternative.invents());
            proposal.alternatives = found;
            if made_up.is_empty() {
                continue;
            }
            match inventions
                .iter_mut()
                .find(|p| p.target == proposal.target && p.site == proposal.site)
            {
                Some(existing) => existing.alternatives.extend(made_up),
                None => inventions.push(Proposal {
                    target: proposal.target.clone(),
                    site: proposal.site.clone(),
                    alternatives: made_up,
                }),
            }
        }
        compiler.retain(|proposal| !proposal.alternatives.is_empty());
        rules.retain(|proposal| !proposal.alternatives.is_empty());
        Proposals {
            compiler,
            rules,
            inventions,
            refused,
        }
    }
}

/// The proposals of `next` whose target `report` neither fixed nor saw resolved.
fn not_fixed(report: &StrategyReport, next: Vec<Proposal>) -> Vec<Proposal> {
    let mut covered: Vec<Identity> = report.resolved.clone();
    covered.extend(report.fixed.iter().map(|(identity, _)| identity.clone()));
    next.into_iter()
        .filter(|p| !take(&mut covered, &p.target))
        .collect()
}

/// Adds what a later search found on top of `report`'s stage. Its reasons come first: the latest
/// word on what it tried. Its fixes carry the earlier ones, so when it kept any, they are the
/// scope's.
fn take_in(report: &mut StrategyReport, later: Findings) {
    report.rejected.splice(0..0, later.rejected);
    if !later.fixed.is_empty() {
        report.fixed.extend(later.fixed);
        report.stage = later.stage;
        report.resolved = later.resolved;
    }
}

/// Tells what was proposed (or that nothing was); returns how many candidate fixes.
fn announce(
    context: &WorkerContext,
    scope: &Scope,
    compiler: &[Proposal],
    rules: &[Proposal],
    inventions: &[Proposal],
) -> usize {
    let round = context.round().number;
    let all = || compiler.iter().chain(rules).chain(inventions);
    let candidates: usize = all().map(|p| p.alternatives.len()).sum();
    let addressed: BTreeSet<&Identity> = all().map(|p| &p.target).collect();
    if addressed.is_empty() {
        context.emit(Event::WorkerBlocked {
            round,
            scope: scope.id.clone(),
            reason: UnfixedReason::NoProposal,
        });
    } else {
        context.emit(Event::WorkerProgress {
            round,
            scope: scope.id.clone(),
            progress: Progress::Proposed {
                candidates,
                addressed: addressed.len(),
                diagnostics: scope.diagnostics.len(),
            },
        });
    }
    candidates
}
