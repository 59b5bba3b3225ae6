use super::*;
use crate::verdict::RejectReason;

#[test]
fn lines_say_what_happened() {
    let scopes = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        merged_words(&scopes(&["E0308"]), &[], &scopes(&["E0425"]), &[], 1),
        "      Merged 1 scope, superseded: E0425; 1 error left"
    );
    assert_eq!(
        merged_words(
            &scopes(&["a", "b"]),
            &scopes(&["c"]),
            &[],
            &scopes(&["d"]),
            0
        ),
        "      Merged 2 scopes, deferred (conflict): c, backed out: d; 0 errors left"
    );
    assert_eq!(applied_words(1, 0), "       Wrote 1 file");
    assert_eq!(
        applied_words(3, 2),
        "       Wrote 3 files; 2 not written (see the summary)"
    );
    let proposed = |candidates| Progress::Proposed {
        candidates,
        addressed: 2,
        diagnostics: 3,
    };
    assert_eq!(
        progress_words(&proposed(1)),
        "1 candidate fix for 2 of 3 errors"
    );
    assert_eq!(
        progress_words(&proposed(4)),
        "4 candidate fixes for 2 of 3 errors"
    );
    assert_eq!(seconds(1250), "1.2s");
    let failed = vec!["tests::entry".to_owned()];
    assert!(
        verdict_words(&Verdict::Rejected(RejectReason::TestsFailed { failed }))
            .starts_with("rejected: ")
    );
}

#[test]
fn plain_lines_carry_the_runs_time() {
    assert_eq!(
        stamped_line(61_250, "     Checked 3 errors"),
        "[   61.2s]      Checked 3 errors"
    );
}
