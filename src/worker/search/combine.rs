//! The search's last passes: what passed alone, combined and gated once more, or, when that
//! fails, added one pick at a time.

use crate::diagnostic::Identity;
use crate::edit::Edit;

use super::{Choice, Judged, Pass, Pick, Purpose, Search, resolved_by, with_follow_ups};
use crate::reason::KeptReason;

impl Search<'_> {
    /// Starts the combination: the batch if it passed, plus the decided groups and each other
    /// proposal's best lone alternative, gated together.
    pub(super) fn combine(&mut self) {
        self.pass = Pass::Combine;
        if let Some(judged) = self.batch_result.take() {
            self.chosen = self.batch.clone();
            self.resolved = resolved_by(&judged.verdict);
            for &(p, a) in &self.batch {
                let label = self.proposals[p].alternatives[a].label.as_str();
                self.labels
                    .insert(p, with_follow_ups(label, &judged.follow_ups));
                // The batch holds only proposals with one alternative.
                self.kept.insert(p, KeptReason::OnlyProposal);
            }
            self.edits = judged.edits;
        }
        let best = std::mem::take(&mut self.best);
        let mut picks: Vec<Pick> = lone_picks(best, &self.chosen);
        picks.append(&mut self.decided);
        // Made-up values no test could decide alone, for proposals nothing else fixed: tried
        // together with the rest once, for when together they leave nothing that keeps the tests
        // from running.
        let mut untested = lone_picks(std::mem::take(&mut self.untested), &self.chosen);
        untested.retain(|lone| {
            !picks
                .iter()
                .any(|pick| pick.choice.iter().any(|(q, _)| lone.choice[0].0 == *q))
        });
        // Alone, an untested pick was judged already: only with others can it be judged anew.
        let with_others = !self.chosen.is_empty() || picks.len() + untested.len() > 1;
        self.provisional = !untested.is_empty() && with_others;
        self.proven = picks.iter().map(|pick| pick.choice.clone()).collect();
        if self.provisional {
            picks.extend(untested);
        }
        // Plan order, whichever gate run finished first: the same input gives the same fix.
        picks.sort_by_key(|pick| pick.choice.first().map(|&(p, _)| p));
        self.picks = picks.into();
        self.gate_combination();
    }

    /// Gates the picks together (or keeps a lone proven one as it is).
    fn gate_combination(&mut self) {
        if self.picks.is_empty() {
            self.pass = Pass::Done;
        } else if self.chosen.is_empty() && self.picks.len() == 1 && !self.provisional {
            // One fix alone passed already: nothing to combine.
            let resolved = resolved_by(&self.picks[0].judged.verdict);
            self.keep_all_picks(resolved);
        } else {
            let mut together = self.chosen.clone();
            together.extend(
                self.picks
                    .iter()
                    .flat_map(|pick| pick.choice.iter().copied()),
            );
            let everything = self.everything();
            let label = format!("{} fixes together", together.len());
            let targets = self.targets_with_base(&together);
            self.offer(self.pending(Purpose::Combination, together, label, everything, targets));
        }
    }

    /// After a combination with untested picks failed: the same without them, which is what
    /// the search would have combined had there been none.
    pub(super) fn combine_without_untested(&mut self) {
        self.provisional = false;
        let proven = std::mem::take(&mut self.proven);
        self.picks.retain(|pick| proven.contains(&pick.choice));
        self.gate_combination();
    }

    /// The edits kept so far and every pick's.
    fn everything(&self) -> Vec<Edit> {
        let picked = self
            .picks
            .iter()
            .flat_map(|pick| pick.judged.edits.iter().cloned());
        self.edits.iter().cloned().chain(picked).collect()
    }

    pub(super) fn keep_all_picks(&mut self, resolved: Vec<Identity>) {
        self.edits = self.everything();
        self.resolved = resolved;
        let picks = std::mem::take(&mut self.picks);
        let together = picks.len().saturating_sub(1);
        for pick in picks {
            self.chosen.extend(pick.choice.iter().copied());
            self.label_pick(&pick);
            if self.provisional && !self.proven.contains(&pick.choice) {
                for &(p, _) in &pick.choice {
                    self.kept.insert(p, KeptReason::TestedTogether { together });
                }
            }
        }
        self.pass = Pass::Done;
    }

    /// Labels each proposal of `pick` with its alternative and the pick's follow-ups, and says
    /// why it won.
    pub(super) fn label_pick(&mut self, pick: &Pick) {
        for &(p, a) in &pick.choice {
            let label = self.proposals[p].alternatives[a].label.as_str();
            let label = with_follow_ups(label, &pick.judged.follow_ups);
            self.labels.insert(p, label);
            let why = match pick.answer {
                Some((tried, answers)) => KeptReason::Decided {
                    sites: pick.choice.len(),
                    tried,
                    answers,
                },
                None => self.why_best(p, a),
            };
            self.kept.insert(p, why);
        }
    }

    /// Why alternative `a` was proposal `p`'s best alone: what set it apart from the others that
    /// passed, in the order `Judged::rank` then the alternatives' order compare them.
    fn why_best(&self, p: usize, a: usize) -> KeptReason {
        let alternatives = self.proposals[p].alternatives.len();
        let passed = &self.passed[p];
        let Some(&(_, mine)) = passed.iter().find(|(b, _)| *b == a) else {
            return KeptReason::OnlyProposal;
        };
        let others: Vec<(usize, usize)> = passed
            .iter()
            .filter(|(b, _)| *b != a)
            .map(|&(_, rank)| rank)
            .collect();
        let count = passed.len();
        if alternatives == 1 {
            KeptReason::OnlyProposal
        } else if others.is_empty() {
            KeptReason::OnlyOnePassed { alternatives }
        } else if others.iter().all(|other| other.0 > mine.0) {
            KeptReason::FewestErrors {
                alternatives,
                passed: count,
            }
        } else if others.iter().all(|other| *other > mine) {
            KeptReason::SmallestDiff {
                alternatives,
                passed: count,
            }
        } else {
            KeptReason::ProposedFirst {
                alternatives,
                passed: count,
            }
        }
    }

    /// Adds one pick to what is kept, if it still passes with it.
    pub(super) fn try_pick(&mut self, pick: Pick) {
        if self.chosen.is_empty() {
            let resolved = resolved_by(&pick.judged.verdict);
            self.keep_pick(pick, resolved);
            return;
        }
        let mut edits = self.edits.clone();
        edits.extend(pick.judged.edits.iter().cloned());
        let mut attempt = self.chosen.clone();
        attempt.extend(pick.choice.iter().copied());
        let label = self.label_of(&pick.choice);
        let targets = self.targets_with_base(&attempt);
        self.step = Some(pick);
        self.offer(self.pending(Purpose::Step, attempt, label, edits, targets));
    }

    fn keep_pick(&mut self, pick: Pick, resolved: Vec<Identity>) {
        self.resolved = resolved;
        self.chosen.extend(pick.choice.iter().copied());
        self.label_pick(&pick);
        self.edits.extend(pick.judged.edits);
    }
}

/// Per proposal, its lone alternative (if any) as a pick, but for the proposals `chosen` holds.
fn lone_picks(per_proposal: Vec<Option<(usize, Judged)>>, chosen: &Choice) -> Vec<Pick> {
    per_proposal
        .into_iter()
        .enumerate()
        .filter(|(p, _)| !chosen.iter().any(|(q, _)| q == p))
        .filter_map(|(p, pick)| {
            pick.map(|(a, judged)| Pick {
                choice: vec![(p, a)],
                judged,
                answer: None,
            })
        })
        .collect()
}
