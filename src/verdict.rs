//! The gate's decision on a candidate: a pure comparison of the errors before and after it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Identity};
use crate::parse::ParsedCheck;
use crate::phase::Phase;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "verdict")]
pub enum Verdict {
    Accepted {
        /// Errors left after the candidate, revealed ones included.
        remaining_errors: usize,
        /// Every error of `before` that is gone, the targets and any others the fix resolved too
        /// (repeated once per occurrence gone).
        resolved: Vec<Identity>,
        /// Errors of a later phase that appeared once the targets were fixed: the next round's.
        revealed: Vec<Identity>,
    },
    Rejected(RejectReason),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum RejectReason {
    /// cargo reported no error but did not finish a build either (a manifest error, a crash).
    BuildFailed { detail: String },
    /// Some diagnostic the candidate was meant to fix is still there.
    TargetsRemain { remaining: Vec<Identity> },
    /// The candidate causes errors of its targets' phase or an earlier one.
    NewErrors { errors: Vec<Identity> },
    /// The result compiles, but the crate's own tests fail (`--gate test`).
    TestsFailed { failed: Vec<String> },
    /// The candidate makes a value up, and no test ran to decide it: compiling proves nothing of
    /// a made-up value.
    Untested,
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |identities: &[Identity]| {
            identities
                .iter()
                .map(|identity| {
                    let code = crate::diagnostic::code_label(identity.code.as_ref());
                    let file = identity
                        .file
                        .as_ref()
                        .map_or(String::new(), |f| format!(" in {}", f.display()));
                    format!("[{code}] {}{file}", identity.message)
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        match self {
            RejectReason::BuildFailed { detail } => write!(f, "the build did not run: {detail}"),
            RejectReason::TargetsRemain { remaining } => {
                write!(f, "still there: {}", list(remaining))
            }
            RejectReason::NewErrors { errors } => write!(f, "new errors: {}", list(errors)),
            RejectReason::TestsFailed { failed } if failed.is_empty() => {
                write!(f, "the tests fail")
            }
            RejectReason::TestsFailed { failed } => {
                write!(f, "the tests fail: {}", failed.join(", "))
            }
            RejectReason::Untested => write!(f, "it makes a value up and no test ran to decide it"),
        }
    }
}

impl Verdict {
    pub fn is_accepted(&self) -> bool {
        matches!(self, Verdict::Accepted { .. })
    }

    pub fn remaining_errors(&self) -> Option<usize> {
        match self {
            Verdict::Accepted {
                remaining_errors, ..
            } => Some(*remaining_errors),
            Verdict::Rejected(_) => None,
        }
    }
}

type Counts = BTreeMap<Identity, usize>;

fn count_errors<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) -> Counts {
    let mut counts = Counts::new();
    for diagnostic in diagnostics.filter(|d| d.is_error()) {
        *counts.entry(diagnostic.identity()).or_default() += 1;
    }
    counts
}

/// Judges a candidate that targeted `targets` (identities of errors in `before`, repeated when it
/// targets several equal ones). Diagnostics are compared by identity and counted, never by line:
/// an edit shifts every line below it. `unchecked_before` names files that the `before` check
/// never compiled (their package depends on one that failed): errors there are revealed by the
/// fix, not caused by it.
pub fn judge(
    before: &[Diagnostic],
    targets: &[Identity],
    after: &ParsedCheck,
    unchecked_before: impl Fn(&Path) -> bool,
) -> Verdict {
    let after_errors = count_errors(after.diagnostics.iter());
    if after_errors.is_empty() && after.build_succeeded != Some(true) {
        let detail = after
            .problems
            .first()
            .map(|problem| problem.message.clone())
            .unwrap_or_else(|| "cargo reported no diagnostics and no successful build".to_owned());
        return Verdict::Rejected(RejectReason::BuildFailed { detail });
    }
    let before_errors = count_errors(before.iter());
    let mut targeted = Counts::new();
    for target in targets {
        *targeted.entry(target.clone()).or_default() += 1;
    }

    let remaining: Vec<Identity> = targeted
        .iter()
        .filter(|(identity, wanted)| {
            let had = before_errors.get(*identity).copied().unwrap_or(0);
            let has = after_errors.get(*identity).copied().unwrap_or(0);
            has > had.saturating_sub(**wanted)
        })
        .map(|(identity, _)| identity.clone())
        .collect();
    if !remaining.is_empty() {
        return Verdict::Rejected(RejectReason::TargetsRemain { remaining });
    }

    let ceiling = targets
        .iter()
        .map(|target| Phase::of(target.code.as_ref()))
        .max()
        .unwrap_or(Phase::BorrowChecking);
    let (new_errors, revealed): (Vec<Identity>, Vec<Identity>) = after_errors
        .iter()
        .filter(|(identity, count)| **count > before_errors.get(*identity).copied().unwrap_or(0))
        .map(|(identity, _)| identity.clone())
        .partition(|identity| {
            let unchecked = identity.file.as_deref().is_some_and(&unchecked_before);
            !unchecked && Phase::of(identity.code.as_ref()) <= ceiling
        });
    if !new_errors.is_empty() {
        return Verdict::Rejected(RejectReason::NewErrors { errors: new_errors });
    }
    let resolved = before_errors
        .iter()
        .flat_map(|(identity, &had)| {
            let has = after_errors.get(identity).copied().unwrap_or(0);
            std::iter::repeat_n(identity.clone(), had.saturating_sub(has))
        })
        .collect();
    Verdict::Accepted {
        remaining_errors: after_errors.values().sum(),
        resolved,
        revealed,
    }
}

/// What `cargo test` said of a result that compiles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestRun {
    pub passed: bool,
    /// Names of the failing tests, as cargo printed them.
    pub failed: Vec<String>,
    /// How many tests ran, passed or failed (`test_count`).
    #[serde(default)]
    pub ran: usize,
}

impl TestRun {
    /// Whether the tests stand behind the result: some ran, and all passed. A crate without tests
    /// passes `cargo test` whatever its values are.
    pub fn vouches(&self) -> bool {
        self.passed && self.ran > 0
    }
}

/// A verdict that also heard the tests: an accepted candidate whose tests fail is rejected.
pub fn with_tests(verdict: Verdict, tests: Option<&TestRun>) -> Verdict {
    match (verdict, tests) {
        (Verdict::Accepted { .. }, Some(run)) if !run.passed => {
            Verdict::Rejected(RejectReason::TestsFailed {
                failed: run.failed.clone(),
            })
        }
        (verdict, _) => verdict,
    }
}

/// Reads `cargo test`'s human output: how many tests ran, summed over its `test result:` lines
/// (`test result: ok. 3 passed; 1 failed; 0 ignored; …`).
pub fn test_count(output: &str) -> usize {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test result: "))
        .flat_map(|result| result.split(['.', ';']))
        .filter_map(|part| {
            let (count, what) = part.trim().split_once(' ')?;
            matches!(what, "passed" | "failed").then(|| count.parse::<usize>().ok())?
        })
        .sum()
}

/// Reads `cargo test`'s human output: the names of failing tests (`test name ... FAILED`).
pub fn failed_tests(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
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
        };
        assert!(passing.vouches());
        assert_eq!(with_tests(accepted.clone(), Some(&passing)), accepted);
        // No test at all passes, and vouches for nothing.
        let none = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored\n";
        let empty = TestRun {
            passed: true,
            failed: Vec::new(),
            ran: test_count(none),
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
}
