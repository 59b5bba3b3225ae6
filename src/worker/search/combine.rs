//! The search's last passes: what passed alone, combined and gated once more, or, when that
//! fails, added one pick at a time.

use crate::diagnostic::Identity;
use crate::edit::Edit;

use super::{Judged, Pass, Purpose, Search, resolved_by, with_follow_ups};

impl Search<'_> {
    /// Starts the combination: the batch if it passed, plus each other proposal's best lone
    /// alternative, gated together.
    pub(super) fn combine(&mut self) {
        self.pass = Pass::Combine;
        if let Some(judged) = self.batch_result.take() {
            self.chosen = self.batch.clone();
            self.resolved = resolved_by(&judged.verdict);
            for &(p, a) in &self.batch {
                let label = self.proposals[p].alternatives[a].label.as_str();
                self.labels
                    .insert(p, with_follow_ups(label, &judged.follow_ups));
            }
            self.edits = judged.edits;
        }
        let chosen = &self.chosen;
        self.picks = std::mem::take(&mut self.best)
            .into_iter()
            .enumerate()
            .filter(|(p, _)| !chosen.iter().any(|(q, _)| q == p))
            .filter_map(|(p, pick)| pick.map(|(a, judged)| (p, a, judged)))
            .collect();
        if self.picks.is_empty() {
            self.pass = Pass::Done;
        } else if self.chosen.is_empty() && self.picks.len() == 1 {
            // One fix alone passed already: nothing to combine.
            let resolved = resolved_by(&self.picks[0].2.verdict);
            self.keep_all_picks(resolved);
        } else {
            let mut together = self.chosen.clone();
            together.extend(self.picks.iter().map(|&(p, a, _)| (p, a)));
            let everything = self.everything();
            let label = format!("{} fixes together", together.len());
            let targets = self.targets_with_base(&together);
            self.offer(self.pending(Purpose::Combination, together, label, everything, targets));
        }
    }

    /// The edits kept so far and every pick's.
    fn everything(&self) -> Vec<Edit> {
        let picked = self
            .picks
            .iter()
            .flat_map(|(_, _, j)| j.edits.iter().cloned());
        self.edits.iter().cloned().chain(picked).collect()
    }

    pub(super) fn keep_all_picks(&mut self, resolved: Vec<Identity>) {
        self.edits = self.everything();
        self.resolved = resolved;
        for (p, a, judged) in std::mem::take(&mut self.picks) {
            self.chosen.push((p, a));
            let label = self.proposals[p].alternatives[a].label.as_str();
            self.labels
                .insert(p, with_follow_ups(label, &judged.follow_ups));
        }
        self.pass = Pass::Done;
    }

    /// Adds one pick to what is kept, if it still passes with it.
    pub(super) fn try_pick(&mut self, pick: (usize, usize, Judged)) {
        let (p, a, ref judged) = pick;
        if self.chosen.is_empty() {
            let resolved = resolved_by(&judged.verdict);
            self.keep_pick(pick, resolved);
            return;
        }
        let mut edits = self.edits.clone();
        edits.extend(judged.edits.iter().cloned());
        let mut attempt = self.chosen.clone();
        attempt.push((p, a));
        let label = self.proposals[p].alternatives[a].label.clone();
        let targets = self.targets_with_base(&attempt);
        self.step = Some(pick);
        self.offer(self.pending(Purpose::Step, attempt, label, edits, targets));
    }

    fn keep_pick(&mut self, (p, a, judged): (usize, usize, Judged), resolved: Vec<Identity>) {
        self.resolved = resolved;
        self.chosen.push((p, a));
        self.edits.extend(judged.edits);
        let label = self.proposals[p].alternatives[a].label.as_str();
        self.labels
            .insert(p, with_follow_ups(label, &judged.follow_ups));
    }
}
