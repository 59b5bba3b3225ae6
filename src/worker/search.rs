//! The embedded strategy's search policy, as a pure state machine: which candidates to gate, and
//! what to keep of their verdicts. It does no I/O; a driver gates its attempts and feeds back what
//! the gate said.
//!
//! The policy: proposals with one alternative are first tried all together in one gate run (a
//! batch that fails is split, each member then tried alone). Proposals with several that ask one
//! question (the same name replaced at every site of one error: a rename) are a group: each
//! answer, likeliest first, is gated once for every site that can give it, until one passes; a
//! site that stays broken leaves the group, and a group no answer passes for is split. Other
//! proposals with several alternatives have each tried on its own, side by side, and keep the
//! best (ties go to the earlier alternative; answers their file never uses rank first). A candidate whose only fault is new errors rustc offers fixes for is extended
//! with those fixes and tried again. What passed alone is then combined and gated once more; if
//! the combination fails, the picks are added one at a time, keeping those that still pass.
//!
//! A candidate with an alternative that makes a value up (`Alternative::invented`) is accepted only
//! when the tests ran and passed: `cargo check` alone accepts any value of the right type.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::candidate::{self, Proposal};
use crate::change;
use crate::decision::{self, Decided, Group};
use crate::diagnostic::Identity;
use crate::edit::{self, Edit};
use crate::parse::ParsedCheck;
use crate::patch::{Patch, Sources};
use crate::reason::{KeptReason, UnfixedReason};
use crate::verdict::{RejectReason, TestRun, Verdict};

mod attempt;
mod combine;
mod groups;
mod judged;
mod launch;
#[cfg(test)]
mod tests;

pub use attempt::{Attempt, AttemptId, Findings, Kept, Stage};
pub use judged::needs_value;
use judged::{Judged, resolved_by, unfixed_by, with_follow_ups};

/// How many times a candidate may be extended with rustc's fixes for the errors it causes.
const FOLLOW_UP_DEPTH: usize = 2;

/// A set of chosen alternatives: `(proposal, alternative)` index pairs.
type Choice = Vec<(usize, usize)>;

/// What an attempt is for, which decides what its verdict changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    /// Every single-alternative fix that overlaps no other, in one gate run.
    Batch,
    /// One alternative on its own.
    Alone,
    /// One answer of a group, at every member that can give it.
    Decision(usize),
    /// Everything that passed alone, together.
    Combination,
    /// The fixes kept so far, plus the next pick.
    Step,
}

/// An attempt out at the gate.
#[derive(Debug)]
struct Pending {
    purpose: Purpose,
    choice: Choice,
    label: String,
    edits: Vec<Edit>,
    patch: Patch,
    targets: Vec<Identity>,
    /// Gate runs this candidate took so far, follow-ups included.
    gate_runs: usize,
    follow_ups: Vec<String>,
}

/// Fixes that passed their gate run: one proposal's alternative, or a group's answer at each of
/// its members.
#[derive(Debug)]
struct Pick {
    choice: Choice,
    judged: Judged,
    /// For a group's answer: the how-manieth answer it was (1-based) of how many.
    answer: Option<(usize, usize)>,
}

/// Where the search is. Each pass starts once every attempt of the one before is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    /// The batch, and every alternative of proposals that have several.
    Probe,
    /// Single-alternative fixes outside the batch (overlapping, or split from a failed batch).
    Alone,
    /// Everything that passed alone, together.
    Combine,
    /// The picks added one at a time.
    OneByOne,
    Done,
}

/// The search over one stage's proposals.
#[derive(Debug)]
pub struct Search<'a> {
    sources: &'a Sources,
    proposals: Vec<Proposal>,
    base: Stage,
    pass: Pass,
    next_id: usize,
    pending: BTreeMap<AttemptId, Pending>,
    /// Attempts made and not yet handed out.
    ready: Vec<Attempt>,
    batch: Choice,
    /// Single-alternative proposals to try on their own in the second pass.
    alone: Vec<usize>,
    /// Proposals that ask one question, with the next answer to try for each.
    groups: Vec<(Group, usize)>,
    /// Members of groups no answer passed for: each alternative tried alone in the second pass.
    split: Vec<usize>,
    /// The answers that passed for groups.
    decided: Vec<Pick>,
    batch_result: Option<Judged>,
    /// Per proposal, its best accepted alternative alone: (alternative, judged).
    best: Vec<Option<(usize, Judged)>>,
    /// Per proposal, its best alternative that makes a value up and compiled alone, but which no
    /// test could decide because other errors kept the tests from running: (alternative, judged
    /// as the check saw it). Together, such values may leave nothing broken, and the tests run.
    untested: Vec<Option<(usize, Judged)>>,
    /// Whether the combination out at the gate holds untested picks.
    provisional: bool,
    /// The choices of the picks that passed on their own, apart from the untested ones.
    proven: Vec<Choice>,
    /// Per proposal, the rejection of its last rejected alternative: (alternative, why).
    rejections: Vec<Option<(usize, UnfixedReason)>>,
    /// Per proposal, each alternative that passed alone, with its rank (`Judged::rank`).
    passed: Vec<Vec<(usize, (usize, usize))>>,
    /// Why each kept proposal's alternative won, set as it is kept.
    kept: BTreeMap<usize, KeptReason>,
    /// Proposals whose fix passed alone but not with the others.
    worse: BTreeSet<usize>,
    /// What is kept so far.
    chosen: Choice,
    edits: Vec<Edit>,
    labels: BTreeMap<usize, String>,
    resolved: Vec<Identity>,
    /// The decided groups and each other proposal's best lone alternative, in proposal order,
    /// still to combine.
    picks: VecDeque<Pick>,
    /// The pick a `Step` attempt is out for.
    step: Option<Pick>,
}

impl<'a> Search<'a> {
    /// A search over `proposals` (of one tier, in scope order), every candidate gated on top of
    /// `base`, with edits against `sources`.
    pub fn new(sources: &'a Sources, proposals: Vec<Proposal>, base: Stage) -> Search<'a> {
        Search::new_with(sources, proposals, base, &Decided::new())
    }

    /// A search as `new` makes it, where the answers earlier rounds `decided` are tried first.
    pub fn new_with(
        sources: &'a Sources,
        mut proposals: Vec<Proposal>,
        base: Stage,
        decided: &Decided,
    ) -> Search<'a> {
        for proposal in &mut proposals {
            decision::rank_unused_answers_first(proposal, sources);
            decision::rank_decided_first(proposal, sources, decided);
        }
        let count = proposals.len();
        let mut search = Search {
            sources,
            proposals,
            base,
            pass: Pass::Probe,
            next_id: 0,
            pending: BTreeMap::new(),
            ready: Vec::new(),
            batch: Vec::new(),
            alone: Vec::new(),
            groups: Vec::new(),
            split: Vec::new(),
            decided: Vec::new(),
            batch_result: None,
            best: (0..count).map(|_| None).collect(),
            untested: (0..count).map(|_| None).collect(),
            provisional: false,
            proven: Vec::new(),
            rejections: vec![None; count],
            passed: vec![Vec::new(); count],
            kept: BTreeMap::new(),
            worse: BTreeSet::new(),
            chosen: Vec::new(),
            edits: Vec::new(),
            labels: BTreeMap::new(),
            resolved: Vec::new(),
            picks: VecDeque::new(),
            step: None,
        };
        search.probe();
        search.settle();
        search
    }

    /// The attempts to gate now, side by side. Empty while earlier ones are out, and once the
    /// search is done.
    pub fn next_attempts(&mut self) -> Vec<Attempt> {
        std::mem::take(&mut self.ready)
    }

    /// Whether every attempt is judged and nothing is left to try.
    pub fn is_done(&self) -> bool {
        self.pass == Pass::Done
    }

    /// What the gate said of `id`: its verdict, the check it came from (whose suggestions may
    /// extend the candidate), and the tests it ran, if any. An unknown id changes nothing.
    pub fn record(
        &mut self,
        id: AttemptId,
        verdict: Verdict,
        after: &ParsedCheck,
        tests: Option<&TestRun>,
    ) {
        let Some(mut pending) = self.pending.remove(&id) else {
            return;
        };
        let untested = verdict.is_accepted() && !tests.is_some_and(TestRun::vouches);
        let (verdict, compiled) = if untested && self.invents(&pending.choice) {
            (Verdict::Rejected(RejectReason::Untested), Some(verdict))
        } else {
            (verdict, None)
        };
        pending.gate_runs += 1;
        let extension = match &verdict {
            Verdict::Rejected(RejectReason::NewErrors { errors })
                if pending.gate_runs <= FOLLOW_UP_DEPTH =>
            {
                candidate::follow_up(self.sources, &pending.patch, after, errors)
            }
            _ => None,
        };
        match extension {
            Some((extended, labels)) => {
                pending.follow_ups.extend(labels);
                pending.edits = extended;
                self.offer(pending);
            }
            None => {
                let judged = Judged {
                    verdict,
                    patch: pending.patch,
                    edits: pending.edits,
                    follow_ups: pending.follow_ups,
                };
                if let (Some(compiled), Purpose::Alone) = (compiled, pending.purpose) {
                    self.keep_untested(&pending.choice, compiled, &judged);
                }
                self.conclude(pending.purpose, &pending.choice, Some(judged));
            }
        }
        self.settle();
    }

    /// What the search found. Call once it is done; before, it says what is kept so far.
    pub fn finish(self) -> Findings {
        debug_assert!(
            self.is_done(),
            "a search finishes once every attempt is judged"
        );
        let mut findings = Findings::default();
        for (p, proposal) in self.proposals.iter().enumerate() {
            let chosen = self.chosen.iter().find(|(q, _)| *q == p);
            match (self.labels.get(&p), chosen) {
                (Some(how), Some(&(_, a))) => {
                    let kept = Kept {
                        how: how.clone(),
                        change: change::describe(self.sources, &proposal.alternatives[a].edits),
                        by: proposal.alternatives[a].by,
                        why: self
                            .kept
                            .get(&p)
                            .copied()
                            .unwrap_or(KeptReason::OnlyProposal),
                    };
                    findings.fixed.push((proposal.target.clone(), kept));
                }
                _ => {
                    let why = if self.worse.contains(&p) {
                        UnfixedReason::WorseWithOthers
                    } else {
                        match &self.rejections[p] {
                            None => UnfixedReason::Conflicted,
                            Some((_, UnfixedReason::Rejected { last }))
                                if *last == RejectReason::Untested =>
                            {
                                needs_value(proposal)
                            }
                            Some((_, why)) => why.clone(),
                        }
                    };
                    findings.rejected.push((proposal.target.clone(), why));
                }
            }
        }
        findings.stage = if self.chosen.is_empty() {
            self.base.clone()
        } else {
            // The judged edits carry the base already.
            Stage {
                targets: self.targets_with_base(&self.chosen),
                edits: self.edits,
            }
        };
        findings.resolved = self.resolved;
        findings
    }

    /// The first pass: the batch, and every alternative of proposals that have several.
    fn probe(&mut self) {
        let (singles, multis): (Vec<usize>, Vec<usize>) =
            (0..self.proposals.len()).partition(|&p| self.proposals[p].alternatives.len() == 1);
        // The batch: every single-alternative proposal that does not overlap an earlier one.
        for p in singles {
            let mut taken = self.edits_of(&self.batch);
            taken.extend(self.base.edits.iter().cloned());
            if edit::conflict(&taken, &self.proposals[p].alternatives[0].edits) {
                self.alone.push(p);
            } else {
                self.batch.push((p, 0));
            }
        }
        if self.batch.len() > 1 {
            self.launch(Purpose::Batch, self.batch.clone());
        } else {
            let batch = std::mem::take(&mut self.batch);
            self.alone.extend(batch.into_iter().map(|(p, _)| p));
        }
        self.groups = decision::groups(&self.proposals, self.sources)
            .into_iter()
            .map(|group| (group, 0))
            .collect();
        for p in multis {
            let grouped = self
                .groups
                .iter()
                .any(|(group, _)| group.members.iter().any(|(q, _)| *q == p));
            if !grouped {
                self.launch_each_alternative(p);
            }
        }
        for g in 0..self.groups.len() {
            self.try_next_answer(g);
        }
    }

    /// Moves on to the next pass whenever nothing is out, until something is or all is done.
    fn settle(&mut self) {
        while self.pending.is_empty() {
            match self.pass {
                Pass::Probe => {
                    self.pass = Pass::Alone;
                    for p in std::mem::take(&mut self.alone) {
                        self.launch(Purpose::Alone, vec![(p, 0)]);
                    }
                    for p in std::mem::take(&mut self.split) {
                        self.launch_each_alternative(p);
                    }
                }
                Pass::Alone => self.combine(),
                // A combination concludes by choosing the next pass itself.
                Pass::Combine | Pass::OneByOne => match self.picks.pop_front() {
                    Some(pick) => {
                        self.pass = Pass::OneByOne;
                        self.try_pick(pick);
                    }
                    None => self.pass = Pass::Done,
                },
                Pass::Done => return,
            }
        }
    }

    /// Takes in a judged attempt (`None`: its edits made no patch).
    fn conclude(&mut self, purpose: Purpose, choice: &Choice, judged: Option<Judged>) {
        match purpose {
            Purpose::Batch => match judged {
                Some(judged) if judged.verdict.is_accepted() => self.batch_result = Some(judged),
                // The batch failed: judge its members one by one.
                Some(_) => self.alone.extend(choice.iter().map(|&(p, _)| p)),
                None => {}
            },
            Purpose::Alone => {
                let Some(judged) = judged else { return };
                let (p, a) = choice[0];
                if judged.verdict.is_accepted() {
                    self.passed[p].push((a, judged.rank()));
                    // Ties go to the earlier alternative (rustc's before the rules'), not to the
                    // gate run that happened to finish first: the same input gives the same fix.
                    let better = self.best[p]
                        .as_ref()
                        .is_none_or(|(b_a, b)| (judged.rank(), a) < (b.rank(), *b_a));
                    if better {
                        self.best[p] = Some((a, judged));
                    }
                } else if self.rejections[p].as_ref().is_none_or(|(r_a, _)| *r_a < a) {
                    // The later alternative's reason, whichever verdict arrived last.
                    self.rejections[p] = Some((a, unfixed_by(&judged.verdict)));
                }
            }
            Purpose::Decision(g) => self.decide(g, choice, judged),
            Purpose::Combination => match judged {
                Some(judged) if judged.passed_as_is() => {
                    self.keep_all_picks(resolved_by(&judged.verdict));
                }
                _ if self.provisional => self.combine_without_untested(),
                // Add the picks one at a time, keeping those that still pass with the rest.
                _ => self.pass = Pass::OneByOne,
            },
            Purpose::Step => {
                let Some(pick) = self.step.take() else { return };
                match judged {
                    Some(judged) if judged.passed_as_is() => {
                        self.resolved = resolved_by(&judged.verdict);
                        self.chosen = choice.clone();
                        self.edits = judged.edits;
                        self.label_pick(&pick);
                    }
                    _ => self.worse.extend(pick.choice.iter().map(|&(p, _)| p)),
                }
            }
        }
    }

    /// Keeps a lone alternative that made a value up, compiled, and could not be tested, when it
    /// is its proposal's best so far: `compiled` is the check's verdict on it.
    fn keep_untested(&mut self, choice: &Choice, compiled: Verdict, judged: &Judged) {
        let &[(p, a)] = choice.as_slice() else {
            return;
        };
        let judged = Judged {
            verdict: compiled,
            patch: judged.patch.clone(),
            edits: judged.edits.clone(),
            follow_ups: judged.follow_ups.clone(),
        };
        let better = self.untested[p]
            .as_ref()
            .is_none_or(|(b_a, b)| (judged.rank(), a) < (b.rank(), *b_a));
        if better {
            self.untested[p] = Some((a, judged));
        }
    }

    /// Whether some alternative of `choice` makes a value up.
    fn invents(&self, choice: &Choice) -> bool {
        choice
            .iter()
            .any(|&(p, a)| self.proposals[p].alternatives[a].invents())
    }
}
