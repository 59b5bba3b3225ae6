//! Specialists: pure functions from a scope's diagnostics and sources to proposed fixes.

mod suggestion;

use std::fmt;

pub use suggestion::RustcSuggestions;

use crate::candidate::Proposal;
use crate::patch::Sources;
use crate::plan::Scope;

/// A kind of worker's expertise. It proposes; the gate decides. It does no I/O, so that it can be
/// tested on recorded diagnostics and run on any thread.
pub trait Specialist: Send + Sync + fmt::Debug {
    fn name(&self) -> &'static str;

    /// Proposals for the diagnostics of `scope` this specialist can address, in scope order.
    fn propose(&self, scope: &Scope, sources: &Sources) -> Vec<Proposal>;
}
