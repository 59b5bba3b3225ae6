use std::path::PathBuf;

use super::*;
use crate::position::Position;
use crate::reason::UnfixedReason;
use crate::summary::Unfixed;

/// A finished run's summary that left `unfixed`.
fn summary(unfixed: Vec<Unfixed>) -> RunSummary {
    RunSummary {
        unfixed,
        ..crate::delivery::summary_md::tests::summary()
    }
}

#[test]
fn each_error_left_is_annotated_on_its_file_and_line_escaped() {
    let lines = annotations(&summary(vec![
        Unfixed {
            code: "E0063".to_owned(),
            message: "missing field `y`, 100%\nsecond line".to_owned(),
            detail: None,
            // Two lines lower in the fixed tree than in the one CI checked out.
            position: Position::parse("src/a:b.rs:11:5"),
            position_before: Position::parse("src/a:b.rs:9:5"),
            origin: None,
            reason: UnfixedReason::NoProposal,
        },
        Unfixed {
            code: "E0433".to_owned(),
            message: "failed to resolve".to_owned(),
            detail: None,
            position: Position::parse("/registry/dep/src/lib.rs:1:1"),
            position_before: Position::parse("/registry/dep/src/lib.rs:1:1"),
            origin: None,
            reason: UnfixedReason::Outside {
                path: PathBuf::from("/registry/dep/src/lib.rs"),
            },
        },
        Unfixed {
            code: "syntax".to_owned(),
            message: "no span".to_owned(),
            detail: None,
            position: Position::parse("(no location)"),
            position_before: None,
            origin: None,
            reason: UnfixedReason::NoLocation,
        },
        Unfixed {
            code: "E0308".to_owned(),
            message: "on a line the fix wrote".to_owned(),
            detail: None,
            position: Position::parse("src/lib.rs:3:1"),
            position_before: None,
            origin: None,
            reason: UnfixedReason::NoProposal,
        },
    ]));
    assert_eq!(
        lines,
        [
            "::error file=src/a%3Ab.rs,line=9,col=5,title=E0063 left by cargo fix-swarm::\
             missing field `y`, 100%25%0Asecond line: no specialist proposed a fix",
            "::error title=E0433 left by cargo fix-swarm::failed to resolve: lies outside the \
             workspace's sources (/registry/dep/src/lib.rs): not ours to edit",
            "::error title=syntax left by cargo fix-swarm::no span: rustc gave it no location",
            "::error title=E0308 left by cargo fix-swarm::on a line the fix wrote: no specialist \
             proposed a fix",
        ]
    );
}

#[test]
fn a_run_that_could_not_go_on_is_one_annotation_with_its_whole_message() {
    assert_eq!(
        failure_annotation("the working directory has uncommitted changes:\n  notes.txt"),
        "::error title=cargo fix-swarm could not run::the working directory has uncommitted \
         changes:%0A  notes.txt"
    );
}
