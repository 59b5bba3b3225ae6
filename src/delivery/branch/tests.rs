use super::*;
use crate::delivery::summary_md::tests::summary;

#[test]
fn the_message_lists_what_was_fixed_and_what_was_left() {
    insta::assert_snapshot!(message(&summary(), false));
}

#[test]
fn a_commit_holding_uncommitted_changes_says_so() {
    let text = message(&summary(), true);
    assert!(
        text.ends_with(
            "This commit also holds the uncommitted changes of the tree the run started from \
             (--allow-dirty): the gate passed them with the fix.\n"
        ),
        "{text}"
    );
    assert!(text.starts_with("fix-swarm: fix 2 compile errors (8 → 6)\n"));
}
