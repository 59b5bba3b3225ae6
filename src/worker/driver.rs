//! Runs a search's attempts through the gate, side by side, and feeds the verdicts back.

use tokio::task::JoinSet;

use crate::candidate::Proposal;
use crate::gate::GateError;

use super::context::WorkerContext;
use super::search::{Findings, Search, Stage};

/// Searches `proposals` on top of `base` to the end: every attempt the search offers is gated at
/// once (the pool's leases bound how many run), each verdict recorded as it arrives. Errors are
/// only those of the machinery; the first one ends the search, and dropping the other gate runs
/// stops them.
pub async fn search(
    context: &WorkerContext,
    proposals: Vec<Proposal>,
    base: Stage,
) -> Result<Findings, GateError> {
    let round = context.round();
    let mut search = Search::new_with(&round.sources, proposals, base, &round.decided);
    let mut runs = JoinSet::new();
    loop {
        for attempt in search.next_attempts() {
            let context = context.clone();
            runs.spawn(async move {
                let gated = context
                    .gate(&attempt.label, &attempt.patch, &attempt.targets)
                    .await;
                (attempt.id, gated)
            });
        }
        let Some(joined) = runs.join_next().await else {
            break;
        };
        let (id, gated) = joined.map_err(|_| GateError::Panicked)?;
        let (verdict, after) = gated?;
        search.record(id, verdict, &after.parsed, after.tests.as_ref());
    }
    Ok(search.finish())
}
