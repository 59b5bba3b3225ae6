//! The specialist that applies rustc's own structured suggestions, of every applicability.

use crate::candidate::{self, Alternative, Proposal};
use crate::plan::Scope;

use super::{Context, Specialist, Tier};

/// rustc's suggestions as alternatives. Unlike `cargo fix`, MaybeIncorrect suggestions are tried
/// too, since the gate (not the applicability) decides; MachineApplicable ones come first.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustcSuggestions;

impl Specialist for RustcSuggestions {
    fn name(&self) -> &'static str {
        "rustc-suggestions"
    }

    fn tier(&self) -> Tier {
        Tier::Compiler
    }

    fn propose(&self, scope: &Scope, context: &Context<'_>) -> Vec<Proposal> {
        scope
            .diagnostics
            .iter()
            .filter_map(|diagnostic| {
                let mut alternatives: Vec<Alternative> = diagnostic
                    .suggestions
                    .iter()
                    .filter(|suggestion| !suggestion.edits.is_empty())
                    .map(|suggestion| Alternative {
                        label: suggestion.message.clone(),
                        by: self.name(),
                        applicability: suggestion.applicability,
                        edits: suggestion.edits.clone(),
                        // `..Default::default()` for missing fields fills them with made-up
                        // values: the tests decide it, as they do a rule's.
                        invented: candidate::placeholder_values(
                            &suggestion.edits,
                            context.sources(),
                        ),
                    })
                    .collect();
                // A stable sort keeps rustc's own order among equally sure suggestions.
                alternatives.sort_by_key(|alternative| alternative.applicability);
                alternatives.dedup_by(|a, b| a.edits == b.edits);
                (!alternatives.is_empty()).then(|| Proposal {
                    target: diagnostic.identity(),
                    site: diagnostic.primary.clone(),
                    alternatives,
                })
            })
            .collect()
    }
}
