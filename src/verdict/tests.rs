use std::path::PathBuf;

use super::*;

fn error(code: &str, message: &str, line: usize) -> Diagnostic {
    Diagnostic::error_on_line(code, message, line)
}

fn check(diagnostics: Vec<Diagnostic>) -> ParsedCheck {
    let build_succeeded = Some(!diagnostics.iter().any(Diagnostic::is_error));
    ParsedCheck {
        diagnostics,
        build_succeeded,
        ..ParsedCheck::default()
    }
}

#[test]
fn a_fix_that_moves_other_errors_down_is_accepted() {
    let typo = error("E0425", "cannot find value `conut`", 3);
    let mismatch = error("E0308", "mismatched types", 9);
    let before = [typo.clone(), mismatch.clone()];
    let after = check(vec![error("E0308", "mismatched types", 10)]);
    assert_eq!(
        judge(&before, &[typo.identity()], &after, |_| false),
        Verdict::Accepted {
            remaining_errors: 1,
            resolved: vec![typo.identity()],
            revealed: vec![]
        }
    );
}

#[test]
fn one_of_two_equal_errors_may_be_targeted() {
    let typo = error("E0425", "cannot find value `conut`", 3);
    let before = [typo.clone(), error("E0425", "cannot find value `conut`", 7)];
    let after = check(vec![error("E0425", "cannot find value `conut`", 7)]);
    assert!(judge(&before, &[typo.identity()], &after, |_| false).is_accepted());
    let both = [typo.identity(), typo.identity()];
    assert!(matches!(
        judge(&before, &both, &after, |_| false),
        Verdict::Rejected(RejectReason::TargetsRemain { .. })
    ));
}

#[test]
fn new_errors_of_the_same_phase_reject_and_later_phases_are_revealed() {
    let import = error("E0432", "unresolved import `std::colections`", 1);
    let same_phase = check(vec![error("E0425", "cannot find value `x`", 4)]);
    assert_eq!(
        judge(
            std::slice::from_ref(&import),
            &[import.identity()],
            &same_phase,
            |_| false
        ),
        Verdict::Rejected(RejectReason::NewErrors {
            errors: vec![error("E0425", "cannot find value `x`", 4).identity()]
        })
    );
    let later_phase = check(vec![error("E0308", "mismatched types", 4)]);
    assert_eq!(
        judge(
            std::slice::from_ref(&import),
            &[import.identity()],
            &later_phase,
            |_| false
        ),
        Verdict::Accepted {
            remaining_errors: 1,
            resolved: vec![import.identity()],
            revealed: vec![error("E0308", "mismatched types", 4).identity()]
        }
    );
}

#[test]
fn errors_in_a_package_that_could_not_compile_before_are_revealed() {
    let field = error("E0609", "no field `vertice` on type `&Polygon`", 3);
    let mut import = error("E0432", "unresolved import `core_lib::Pointt`", 1);
    import.primary.as_mut().unwrap().file = PathBuf::from("app/src/main.rs");
    let after = check(vec![import.clone()]);
    let in_app = |file: &Path| file.starts_with("app");
    assert_eq!(
        judge(
            std::slice::from_ref(&field),
            &[field.identity()],
            &after,
            in_app
        ),
        Verdict::Accepted {
            remaining_errors: 1,
            resolved: vec![field.identity()],
            revealed: vec![import.identity()]
        }
    );
    assert!(
        !judge(
            std::slice::from_ref(&field),
            &[field.identity()],
            &after,
            |_| false
        )
        .is_accepted()
    );
}

/// An E0308 on line `line` whose primary span quotes `at`.
fn mismatch(at: &str, line: usize) -> Diagnostic {
    let mut diagnostic = error("E0308", "mismatched types", line);
    diagnostic.primary_text = at.to_owned();
    diagnostic
}

#[test]
fn an_error_whose_text_an_edit_changed_is_neither_resolved_nor_new() {
    // Fixing the inner mismatch rewrites the text of the outer one around it.
    let inner = mismatch("x", 4);
    let outer = mismatch("{ f(x) }", 3);
    let after = check(vec![mismatch("{ f(x.into()) }", 3)]);
    let before = [outer.clone(), inner.clone()];
    assert_eq!(
        judge(&before, &[inner.identity()], &after, |_| false),
        Verdict::Accepted {
            remaining_errors: 1,
            resolved: vec![inner.identity()],
            revealed: vec![]
        }
    );
    // A target whose own text changed while its error stayed is still there.
    let still = check(vec![outer.clone(), mismatch("x.into()", 4)]);
    assert_eq!(
        judge(&before, &[inner.identity()], &still, |_| false),
        Verdict::Rejected(RejectReason::TargetsRemain {
            remaining: vec![inner.identity()]
        })
    );
}

#[test]
fn a_cause_hidden_behind_a_target_is_revealed_not_new() {
    let moved = |what: &str| {
        let mut diagnostic = error("E0382", "borrow of moved value: `p`", 9);
        diagnostic.primary_text = "&p".to_owned();
        diagnostic.secondary.push(crate::diagnostic::LabeledSpan {
            span: diagnostic.primary.clone().unwrap(),
            label: Some("value moved here".to_owned()),
            text: what.to_owned(),
        });
        diagnostic
    };
    let (tags, body) = (moved("p.tags"), moved("p.body"));
    let after = check(vec![body.clone()]);
    assert_eq!(
        judge(
            std::slice::from_ref(&tags),
            &[tags.identity()],
            &after,
            |_| false
        ),
        Verdict::Accepted {
            remaining_errors: 1,
            resolved: vec![tags.identity()],
            revealed: vec![body.identity()]
        }
    );
    // At another place in the target's wording and file, it may be the target moved by the
    // edit: the target counts as still there, as it did when wording alone identified it.
    let mut elsewhere = body.clone();
    elsewhere.primary_text = "&q".to_owned();
    assert_eq!(
        judge(
            std::slice::from_ref(&tags),
            &[tags.identity()],
            &check(vec![elsewhere.clone()]),
            |_| false
        ),
        Verdict::Rejected(RejectReason::TargetsRemain {
            remaining: vec![tags.identity()]
        })
    );
}

#[test]
fn failing_tests_reject_an_accepted_candidate() {
    let typo = error("E0425", "cannot find value `conut`", 3);
    let green = check(vec![]);
    let accepted = judge(
        std::slice::from_ref(&typo),
        &[typo.identity()],
        &green,
        |_| false,
    );
    let output = "running 2 tests\ntest tests::keeps ... ok\ntest tests::sums ... FAILED\n\n\
                  test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let failing = TestRun {
        passed: false,
        failed: failed_tests(output),
        ran: test_count(output),
        output: String::new(),
    };
    assert_eq!(failing.ran, 2);
    assert!(!failing.vouches());
    assert_eq!(
        with_tests(accepted.clone(), Some(&failing)),
        Verdict::Rejected(RejectReason::TestsFailed {
            failed: vec!["tests::sums".to_owned()]
        })
    );
    let passing = TestRun {
        passed: true,
        failed: Vec::new(),
        ran: 2,
        output: String::new(),
    };
    assert!(passing.vouches());
    assert_eq!(with_tests(accepted.clone(), Some(&passing)), accepted);
    // No test at all passes, and vouches for nothing.
    let none = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored\n";
    let empty = TestRun {
        passed: true,
        failed: Vec::new(),
        ran: test_count(none),
        output: String::new(),
    };
    assert!(!empty.vouches());
    assert_eq!(with_tests(accepted.clone(), None), accepted);
}

#[test]
fn a_build_that_did_not_run_is_rejected() {
    let typo = error("E0425", "cannot find value `conut`", 3);
    let nothing = ParsedCheck::default();
    assert!(matches!(
        judge(
            std::slice::from_ref(&typo),
            &[typo.identity()],
            &nothing,
            |_| false
        ),
        Verdict::Rejected(RejectReason::BuildFailed { .. })
    ));
}

#[test]
fn failing_tests_output_keeps_what_each_failing_test_printed() {
    let output = "running 2 tests\ntest tests::keeps ... ok\ntest tests::dots ... FAILED\n\n\
                  failures:\n\n---- tests::dots stdout ----\n\n\
                  thread 'tests::dots' (25245) panicked at src/lib.rs:30:9:\n\
                  assertion `left == right` failed\n  left: \"Intro 1\"\n right: \"Intro.1\"\n\
                  stack backtrace:\n   0: __rustc::rust_begin_unwind\n             at /rustc/x/panicking.rs:689:5\n\
                  note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n\n\n\
                  failures:\n    tests::dots\n\n\
                  test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let kept = failure_output(output);
    assert!(kept.starts_with("---- tests::dots stdout ----"), "{kept}");
    assert!(kept.contains("right: \"Intro.1\""), "{kept}");
    assert!(!kept.contains("test result"), "{kept}");
    assert!(!kept.contains("    tests::dots\n"), "{kept}");
    // What differs between runs and machines is left out: the thread id, the backtrace.
    assert_eq!(
        kept,
        "---- tests::dots stdout ----\n\nthread 'tests::dots' panicked at src/lib.rs:30:9:\n\
         assertion `left == right` failed\n  left: \"Intro 1\"\n right: \"Intro.1\""
    );
    // A passing run printed no failure.
    assert_eq!(failure_output("running 1 test\ntest a ... ok\n"), "");
    // A long failure is cut, and says so.
    let long: String = std::iter::once("---- t stdout ----".to_owned())
        .chain((0..100).map(|i| format!("line {i}")))
        .collect::<Vec<_>>()
        .join("\n");
    let cut = failure_output(&long);
    assert_eq!(cut.lines().count(), FAILURE_LINES + 1);
    assert!(cut.ends_with("[61 more lines]"), "{cut}");
}
