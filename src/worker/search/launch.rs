//! How the search makes an attempt: its edits on top of the base, its targets and label, handed
//! out to the gate, or concluded unjudged when its edits make no patch.

use super::{Attempt, AttemptId, Choice, Pending, Purpose, Search};
use crate::diagnostic::Identity;
use crate::edit::Edit;
use crate::patch::Patch;

impl Search<'_> {
    /// An attempt at `choice` alone, on top of the base.
    pub(super) fn launch(&mut self, purpose: Purpose, choice: Choice) {
        let label = self.label_of(&choice);
        let mut edits = self.base.edits.clone();
        edits.extend(self.edits_of(&choice));
        let targets = self.targets_with_base(&choice);
        self.offer(self.pending(purpose, choice, label, edits, targets));
    }

    pub(super) fn pending(
        &self,
        purpose: Purpose,
        choice: Choice,
        label: String,
        edits: Vec<Edit>,
        targets: Vec<Identity>,
    ) -> Pending {
        Pending {
            purpose,
            choice,
            label,
            edits,
            patch: Patch::default(),
            targets,
            gate_runs: 0,
            follow_ups: Vec::new(),
        }
    }

    /// Hands `pending` out to the gate, or, when its edits make no patch (they overlap, or change
    /// nothing), concludes it unjudged.
    pub(super) fn offer(&mut self, mut pending: Pending) {
        let patch = match Patch::from_edits(self.sources, &pending.edits) {
            Ok(patch) if !patch.is_empty() => patch,
            _ => return self.conclude(pending.purpose, &pending.choice.clone(), None),
        };
        let id = AttemptId(self.next_id);
        self.next_id += 1;
        self.ready.push(Attempt {
            id,
            label: pending.label.clone(),
            patch: patch.clone(),
            targets: pending.targets.clone(),
        });
        pending.patch = patch;
        self.pending.insert(id, pending);
    }

    pub(super) fn edits_of(&self, choice: &Choice) -> Vec<Edit> {
        choice
            .iter()
            .flat_map(|&(p, a)| self.proposals[p].alternatives[a].edits.iter().cloned())
            .collect()
    }

    /// The base's targets, then those of `choice`.
    pub(super) fn targets_with_base(&self, choice: &Choice) -> Vec<Identity> {
        let mut targets = self.base.targets.clone();
        targets.extend(
            choice
                .iter()
                .map(|&(p, _)| self.proposals[p].target.clone()),
        );
        targets
    }

    pub(super) fn label_of(&self, choice: &Choice) -> String {
        match choice.as_slice() {
            [(p, a)] => self.proposals[*p].alternatives[*a].label.clone(),
            _ => format!("{} fixes together", choice.len()),
        }
    }
}
