//! Specialists: pure functions from a scope's diagnostics and a round's sources to proposed fixes.

mod arguments;
mod bindings;
mod context;
mod conversions;
mod deprecations;
mod derives;
mod fields;
mod holes;
mod methods;
mod moves;
mod mutability;
pub(crate) mod paths;
mod rule;
pub(crate) mod scan;
mod suggestion;
#[cfg(test)]
pub(crate) mod testing;

use std::fmt;

pub use arguments::ExtraArguments;
pub use context::Context;
pub use conversions::Conversions;
pub use deprecations::Deprecations;
pub use derives::MissingDerives;
pub use fields::FieldNames;
pub use holes::Holes;
pub use methods::RenamedMethods;
pub use moves::Moves;
pub use mutability::MissingMut;
pub use paths::WorkspacePaths;
pub use rule::{FromDependencies, Invention, Rule};
pub use suggestion::RustcSuggestions;

use crate::candidate::Proposal;
use crate::plan::Scope;

/// Whose knowledge a proposal comes from, which decides when it is tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// rustc's own suggestions: tried first.
    Compiler,
    /// What the dependencies' API says (a rule's `dependency_alternatives`): tried side by side with
    /// rustc's suggestions for the same error.
    Dependencies,
    /// Rules' guesses: tried only for what rustc's suggestions left unfixed.
    Rule,
}

/// A kind of worker's expertise. It proposes; the gate decides. It does no I/O, so that it can be
/// tested on recorded diagnostics and run on any thread. Every `Rule` is a specialist of tier
/// `Rule`.
pub trait Specialist: Send + Sync + fmt::Debug {
    fn name(&self) -> &'static str;

    fn tier(&self) -> Tier;

    /// Proposals for the diagnostics of `scope` this specialist can address, in scope order.
    fn propose(&self, scope: &Scope, context: &Context<'_>) -> Vec<Proposal>;
}

/// Every specialist of the embedded engine, rustc's suggestions first: where rustc has a fix, it is
/// tried before the rules' guesses.
pub fn embedded() -> Vec<Box<dyn Specialist>> {
    vec![
        Box::new(RustcSuggestions),
        Box::new(FromDependencies(WorkspacePaths)),
        Box::new(FromDependencies(RenamedMethods)),
        Box::new(FromDependencies(Deprecations)),
        Box::new(FieldNames),
        Box::new(ExtraArguments),
        Box::new(Holes),
        Box::new(MissingDerives),
        Box::new(WorkspacePaths),
        Box::new(MissingMut),
        Box::new(RenamedMethods),
        Box::new(Moves),
        Box::new(Conversions),
    ]
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::testing::{diagnostic, sources};
    use super::*;
    use crate::diagnostic::Span;
    use crate::plan::Scope;

    #[test]
    fn spans_past_the_text_make_no_proposal_and_no_panic() {
        // The text is a link's target path, as git stores a link; rustc's offsets are into the
        // file it leads to. Every specialist must see that and propose nothing.
        let sources = sources(&[("src/linked.rs", "../../outside/real.rs")]);
        let index = OnceLock::new();
        let context = Context::new(&sources, &index);
        for code in [
            "E0425", "E0432", "E0433", "E0596", "E0599", "E0308", "E0061", "E0382",
        ] {
            let primary = Span {
                file: std::path::PathBuf::from("src/linked.rs"),
                byte_start: 30,
                byte_end: 36,
                line: 3,
                column: 5,
            };
            let error = diagnostic(code, "cannot find value `countr` in this scope", primary);
            let scope = Scope {
                id: code.to_owned(),
                code: error.code.clone(),
                phase: error.phase(),
                files: [std::path::PathBuf::from("src/linked.rs")].into(),
                diagnostics: vec![error],
            };
            for specialist in embedded() {
                assert!(specialist.propose(&scope, &context).is_empty(), "{code}");
            }
        }
    }
}
