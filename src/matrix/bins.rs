//! The suggested matrix: scopes binned into at most N jobs of about equal work, estimated from
//! what is known before any work: the scopes' error counts and the size of their files.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use crate::plan::Scope;

/// The estimated work of one scope, in abstract units.
pub type Weighed = u64;

/// What any scope costs, whatever its size: at least one gate run, which checks the whole crate.
const PER_SCOPE: u64 = 4;
/// What each error adds: a proposal, and a share of the gate runs of its candidates.
const PER_ERROR: u64 = 1;
/// Bytes of a scope's files per unit: rules read their files, and rustc's check of a larger file
/// takes longer.
const BYTES_PER_UNIT: u64 = 8 * 1024;

/// The estimated work of `scope`, given the size in bytes of the files it names.
pub fn weight(scope: &Scope, file_sizes: &BTreeMap<PathBuf, u64>) -> Weighed {
    let bytes: u64 = scope
        .files
        .iter()
        .filter_map(|file| file_sizes.get(file))
        .sum();
    PER_SCOPE + PER_ERROR * scope.diagnostics.len() as u64 + bytes / BYTES_PER_UNIT
}

/// Bins scopes of the given weights (in plan order) into at most `max_jobs` jobs of about equal
/// total weight: the heaviest first, each to the lightest job so far (the first of equals), as a
/// greedy longest-processing-time schedule does. Returns each job's scope indexes in plan order,
/// jobs ordered by their first scope, none empty. Only the weights and `max_jobs` decide it, so
/// the same plan always gives the same matrix.
pub fn bin(weights: &[Weighed], max_jobs: NonZeroUsize) -> Vec<Vec<usize>> {
    let jobs = max_jobs.get().min(weights.len());
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // A stable sort: plan order among equal weights.
    order.sort_by_key(|&index| std::cmp::Reverse(weights[index]));
    let mut bins: Vec<(Weighed, Vec<usize>)> = vec![(0, Vec::new()); jobs];
    for index in order {
        let lightest = bins
            .iter_mut()
            .min_by_key(|(load, _)| *load)
            .expect("at least one job when there is a scope");
        lightest.0 += weights[index];
        lightest.1.push(index);
    }
    let mut bins: Vec<Vec<usize>> = bins
        .into_iter()
        .map(|(_, mut scopes)| {
            scopes.sort_unstable();
            scopes
        })
        .filter(|scopes| !scopes.is_empty())
        .collect();
    bins.sort_by_key(|scopes| scopes[0]);
    bins
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    fn loads(weights: &[Weighed], bins: &[Vec<usize>]) -> Vec<Weighed> {
        bins.iter()
            .map(|scopes| scopes.iter().map(|&i| weights[i]).sum())
            .collect()
    }

    #[test]
    fn equal_scopes_are_dealt_evenly_and_each_job_keeps_plan_order() {
        let weights = [5; 8];
        assert_eq!(
            bin(&weights, jobs(3)),
            [vec![0, 3, 6], vec![1, 4, 7], vec![2, 5]]
        );
    }

    #[test]
    fn small_scopes_fill_up_beside_a_large_one() {
        let weights = [40, 10, 10, 10, 10];
        let bins = bin(&weights, jobs(2));
        assert_eq!(bins, [vec![0], vec![1, 2, 3, 4]]);
        assert_eq!(loads(&weights, &bins), [40, 40]);
    }

    #[test]
    fn no_job_is_left_empty_and_one_job_takes_all() {
        assert_eq!(bin(&[3, 1], jobs(8)), [vec![0], vec![1]]);
        assert_eq!(bin(&[3, 1, 2], jobs(1)), [vec![0, 1, 2]]);
        assert!(bin(&[], jobs(4)).is_empty());
    }

    #[test]
    fn the_heaviest_job_is_within_one_scope_of_the_ideal() {
        let weights: Vec<Weighed> = (0..37).map(|i| 4 + (i * 7919) % 23).collect();
        for n in 1..=6 {
            let bins = bin(&weights, jobs(n));
            let total: Weighed = weights.iter().sum();
            let heaviest = *loads(&weights, &bins).iter().max().unwrap();
            let largest = *weights.iter().max().unwrap();
            assert!(
                heaviest <= total.div_ceil(n as u64) + largest,
                "{n} jobs: {heaviest}"
            );
            let mut all: Vec<usize> = bins.concat();
            all.sort_unstable();
            assert_eq!(all, (0..37).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_weight_counts_errors_and_file_sizes() {
        let scope = Scope {
            id: "E0425".to_owned(),
            code: None,
            phase: crate::phase::Phase::NameResolution,
            diagnostics: Vec::new(),
            files: [PathBuf::from("src/a.rs"), PathBuf::from("src/b.rs")].into(),
        };
        let sizes = [
            (PathBuf::from("src/a.rs"), 16 * 1024),
            (PathBuf::from("src/b.rs"), 8 * 1024),
        ]
        .into();
        assert_eq!(weight(&scope, &sizes), PER_SCOPE + 3);
        assert_eq!(weight(&scope, &BTreeMap::new()), PER_SCOPE);
    }
}
