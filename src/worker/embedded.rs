//! The embedded strategy: the built-in specialists in two tiers, rustc's suggestions first, then
//! the rules' guesses only for what those left, gated on top of their fixes. The rules thus cost
//! gate runs only where rustc had nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::candidate::{self, Proposal, Refusal};
use crate::diagnostic::Identity;
use crate::event::{Event, Progress};
use crate::gate::GateError;
use crate::plan::Scope;
use crate::reason::UnfixedReason;
use crate::specialist::{Specialist, Tier};

use super::context::{StrategyReport, WorkerContext, take};
use super::driver;
use super::search::Stage;

/// The built-in specialists, each of its tier.
#[derive(Debug)]
pub struct Embedded {
    specialists: Arc<[Box<dyn Specialist>]>,
}

/// Proposals of the two tiers, and the targets whose every proposal the meaning guard refused.
struct Proposals {
    compiler: Vec<Proposal>,
    rules: Vec<Proposal>,
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
            refused,
        } = self.propose(context, scope);
        let candidates = announce(context, scope, &compiler, &rules);
        let first = driver::search(context, compiler, base).await?;
        let mut covered: Vec<Identity> = first.resolved.clone();
        covered.extend(first.fixed.iter().map(|(identity, _)| identity.clone()));
        let left: Vec<Proposal> = rules
            .into_iter()
            .filter(|p| !take(&mut covered, &p.target))
            .collect();
        let second = if left.is_empty() {
            None
        } else {
            Some(driver::search(context, left, first.stage.clone()).await?)
        };
        let mut report = StrategyReport {
            fixed: first.fixed,
            rejected: first.rejected,
            refused,
            stage: first.stage,
            resolved: first.resolved,
            candidates,
        };
        // The second tier's reasons come first: the latest word on what it tried. Its fixes
        // carry the first tier's, so when it kept any, they are the scope's.
        if let Some(second) = second {
            report.rejected.splice(0..0, second.rejected);
            if !second.fixed.is_empty() {
                report.fixed.extend(second.fixed);
                report.stage = second.stage;
                report.resolved = second.resolved;
            }
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
                Tier::Compiler => &mut compiler,
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
        compiler.retain(|proposal| !proposal.alternatives.is_empty());
        rules.retain(|proposal| !proposal.alternatives.is_empty());
        Proposals {
            compiler,
            rules,
            refused,
        }
    }
}

/// Tells what was proposed (or that nothing was); returns how many candidate fixes.
fn announce(
    context: &WorkerContext,
    scope: &Scope,
    compiler: &[Proposal],
    rules: &[Proposal],
) -> usize {
    let round = context.round().number;
    let candidates: usize = compiler
        .iter()
        .chain(rules)
        .map(|p| p.alternatives.len())
        .sum();
    let addressed: BTreeSet<&Identity> = compiler.iter().chain(rules).map(|p| &p.target).collect();
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
