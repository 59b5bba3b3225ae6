//! Groups: sites that ask one question (the same name replaced), gated one answer at a time
//! for all of them.

use std::path::PathBuf;

use super::super::*;
use super::{labels, record};
use crate::candidate::Alternative;
use crate::diagnostic::Applicability;
use crate::specialist::testing::sources;

/// Three uses of a renamed field; the file already uses `sku`, never `on_hand` or `count`.
const TEXT: &str = "fn a(i: &Item) -> u32 { i.qty }\nfn b(i: &Item) -> u32 { i.qty }\n\
                    fn c(i: &Item) -> u32 { i.qty + i.sku.len() as u32 }\n";

fn site(n: usize) -> Identity {
    Identity {
        code: crate::error_code::ErrorCode::parse("E0609"),
        message: format!("no field `qty` at site {n}"),
        file: Some(PathBuf::from("src/lib.rs")),
        at: "qty".to_owned(),
        causes: Vec::new(),
    }
}

/// Site `n` (0-based) with the field names to try, in the rule's order.
fn site_proposal(n: usize, names: &[&str]) -> Proposal {
    let start = TEXT.match_indices("qty").nth(n).expect("a site").0;
    Proposal {
        target: site(n),
        site: None,
        alternatives: names
            .iter()
            .map(|name| Alternative {
                by: "test",
                label: format!("the field was renamed to `{name}`"),
                applicability: Applicability::Unspecified,
                invented: Vec::new(),
                edits: vec![Edit {
                    file: PathBuf::from("src/lib.rs"),
                    start,
                    end: start + 3,
                    replacement: (*name).to_owned(),
                }],
            })
            .collect(),
    }
}

fn three_sites() -> Vec<Proposal> {
    (0..3)
        .map(|n| site_proposal(n, &["sku", "on_hand", "count"]))
        .collect()
}

fn accepted_sites(sites: &[usize]) -> Verdict {
    Verdict::Accepted {
        remaining_errors: 0,
        resolved: sites.iter().map(|&n| site(n)).collect(),
        revealed: Vec::new(),
    }
}

fn remaining(sites: &[usize]) -> Verdict {
    Verdict::Rejected(RejectReason::TargetsRemain {
        remaining: sites.iter().map(|&n| site(n)).collect(),
    })
}

#[test]
fn an_answer_that_passes_everywhere_takes_one_gate_run() {
    let sources = sources(&[("src/lib.rs", TEXT)]);
    let mut search = Search::new(&sources, three_sites(), Stage::default());
    let attempts = search.next_attempts();
    // `sku` is used in the file already: `on_hand` is tried first, at all three sites at once.
    assert_eq!(labels(&attempts), ["3 fixes together"]);
    let after = &attempts[0].patch.files[std::path::Path::new("src/lib.rs")].after;
    assert_eq!(after.matches("i.on_hand").count(), 3);
    assert_eq!(attempts[0].targets, [site(0), site(1), site(2)]);
    record(&mut search, &attempts[0], accepted_sites(&[0, 1, 2]));
    assert!(search.next_attempts().is_empty());
    assert!(search.is_done());
    let findings = search.finish();
    assert_eq!(findings.fixed.len(), 3);
    assert!(
        findings
            .fixed
            .iter()
            .all(|(_, kept)| kept.how.contains("`on_hand`"))
    );
    assert!(
        findings.fixed.iter().all(|(_, kept)| matches!(
            kept.why,
            crate::reason::KeptReason::Decided {
                sites: 3,
                tried: 1,
                ..
            }
        )),
        "{:?}",
        findings.fixed
    );
}

#[test]
fn a_failed_answer_gives_way_to_the_next() {
    let sources = sources(&[("src/lib.rs", TEXT)]);
    let mut search = Search::new(&sources, three_sites(), Stage::default());
    let first = search.next_attempts();
    record(&mut search, &first[0], remaining(&[0, 1, 2]));
    let second = search.next_attempts();
    assert_eq!(second.len(), 1);
    let after = &second[0].patch.files[std::path::Path::new("src/lib.rs")].after;
    assert_eq!(after.matches("i.count").count(), 3);
    record(&mut search, &second[0], accepted_sites(&[0, 1, 2]));
    let findings = search.finish();
    assert!(
        findings
            .fixed
            .iter()
            .all(|(_, kept)| kept.how.contains("`count`"))
    );
    assert!(
        findings.fixed.iter().all(|(_, kept)| matches!(
            kept.why,
            crate::reason::KeptReason::Decided {
                sites: 3,
                tried: 2,
                ..
            }
        )),
        "{:?}",
        findings.fixed
    );
    assert_eq!(findings.stage.edits.len(), 3);
}

#[test]
fn a_site_the_answer_leaves_broken_leaves_the_group_and_is_tried_alone() {
    let sources = sources(&[("src/lib.rs", TEXT)]);
    let mut search = Search::new(&sources, three_sites(), Stage::default());
    let first = search.next_attempts();
    record(&mut search, &first[0], remaining(&[2]));
    // The same answer again, without site 2.
    let again = search.next_attempts();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].targets, [site(0), site(1)]);
    record(&mut search, &again[0], accepted_sites(&[0, 1]));
    // Site 2 on its own: each of its alternatives, side by side.
    let alone = search.next_attempts();
    assert_eq!(alone.len(), 3);
    assert!(alone.iter().all(|attempt| attempt.targets == [site(2)]));
    for attempt in &alone {
        let verdict = if attempt.label.contains("`sku`") {
            accepted_sites(&[2])
        } else {
            remaining(&[2])
        };
        record(&mut search, attempt, verdict);
    }
    // What passed is combined: the group's answer and site 2's.
    let together = search.next_attempts();
    assert_eq!(labels(&together), ["3 fixes together"]);
    record(&mut search, &together[0], accepted_sites(&[0, 1, 2]));
    let findings = search.finish();
    let hows: Vec<&str> = findings
        .fixed
        .iter()
        .map(|(_, kept)| kept.how.as_str())
        .collect();
    assert_eq!(
        hows,
        [
            "the field was renamed to `on_hand`",
            "the field was renamed to `on_hand`",
            "the field was renamed to `sku`"
        ]
    );
}

#[test]
fn a_group_no_answer_passes_for_is_split() {
    let sources = sources(&[("src/lib.rs", TEXT)]);
    let mut search = Search::new(&sources, three_sites(), Stage::default());
    for _ in 0..3 {
        let attempts = search.next_attempts();
        assert_eq!(attempts.len(), 1, "one answer at a time");
        record(&mut search, &attempts[0], remaining(&[0, 1, 2]));
    }
    // Every site on its own, every alternative.
    let alone = search.next_attempts();
    assert_eq!(alone.len(), 9);
    for attempt in &alone {
        record(&mut search, attempt, remaining(&[0, 1, 2]));
    }
    assert!(search.is_done());
    let findings = search.finish();
    assert!(findings.fixed.is_empty());
    assert_eq!(findings.rejected.len(), 3);
}
