//! The search's groups: proposals that ask one question (a rename's sites), one answer gated at a
//! time for all of them.

use super::{Choice, Judged, Pick, Purpose, Search};
use crate::verdict::{RejectReason, Verdict};

impl Search<'_> {
    pub(super) fn launch_each_alternative(&mut self, p: usize) {
        for a in 0..self.proposals[p].alternatives.len() {
            self.launch(Purpose::Alone, vec![(p, a)]);
        }
    }

    /// Gates the group's next answer at every member that can give it; once no answer is left,
    /// splits the group.
    pub(super) fn try_next_answer(&mut self, g: usize) {
        let (group, next) = &mut self.groups[g];
        let Some(answer) = group.answers.get(*next).cloned() else {
            let members: Vec<usize> = group.members.drain(..).map(|(p, _)| p).collect();
            self.split.extend(members);
            return;
        };
        *next += 1;
        let choice = group.choice(&answer);
        if choice.is_empty() {
            return self.try_next_answer(g);
        }
        self.launch(Purpose::Decision(g), choice);
    }

    /// Takes in the verdict on a group's answer: kept if it passed; else the members still broken
    /// under it leave the group when others were fixed (and the answer is tried again without
    /// them), or the next answer is tried.
    pub(super) fn decide(&mut self, g: usize, choice: &Choice, judged: Option<Judged>) {
        let remaining = match judged {
            Some(judged) if judged.verdict.is_accepted() => {
                // Members that cannot give the answer are left to be tried on their own.
                let answer = Some((self.groups[g].1, self.groups[g].0.answers.len()));
                let members = std::mem::take(&mut self.groups[g].0.members);
                self.split.extend(
                    members
                        .into_iter()
                        .map(|(p, _)| p)
                        .filter(|p| !choice.iter().any(|(q, _)| q == p)),
                );
                self.decided.push(Pick {
                    choice: choice.clone(),
                    judged,
                    answer,
                });
                return;
            }
            Some(Judged {
                verdict: Verdict::Rejected(RejectReason::TargetsRemain { remaining }),
                ..
            }) => remaining,
            _ => Vec::new(),
        };
        // As many members as errors remain of each identity; sites that share an identity cannot
        // be told apart by the verdict, so the later ones leave first.
        let mut remaining = remaining;
        let mut stuck: Vec<usize> = Vec::new();
        for &(p, _) in choice.iter().rev() {
            if let Some(at) = remaining
                .iter()
                .position(|r| *r == self.proposals[p].target)
            {
                remaining.swap_remove(at);
                stuck.push(p);
            }
        }
        if !stuck.is_empty() && stuck.len() < choice.len() {
            let group = &mut self.groups[g];
            group.0.members.retain(|(p, _)| !stuck.contains(p));
            group.1 -= 1;
            self.split.extend(stuck);
        }
        self.try_next_answer(g);
    }
}
