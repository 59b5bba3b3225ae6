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

fn count<'a>(identities: impl Iterator<Item = &'a Identity>) -> Counts {
    let mut counts = Counts::new();
    for identity in identities {
        *counts.entry(identity.clone()).or_default() += 1;
    }
    counts
}

fn count_errors<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) -> Counts {
    let identities: Vec<Identity> = diagnostics
        .filter(|d| d.is_error())
        .map(Diagnostic::identity)
        .collect();
    count(identities.iter())
}

/// Takes one of `counts` that `fits`, if any is left.
fn take_one(counts: &mut Counts, fits: impl Fn(&Identity) -> bool) -> Option<Identity> {
    let identity = counts
        .iter()
        .find(|(identity, left)| **left > 0 && fits(identity))
        .map(|(identity, _)| identity.clone())?;
    if let Some(left) = counts.get_mut(&identity) {
        *left -= 1;
    }
    Some(identity)
}

fn repeated(counts: &Counts) -> Vec<Identity> {
    counts
        .iter()
        .flat_map(|(identity, &times)| std::iter::repeat_n(identity.clone(), times))
        .collect()
}

/// How the errors of a check after a change relate to those before it, by identity and count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Targets still there: unchanged, or at another place in the same wording and file (an edit
    /// that changed the target's own text without fixing it).
    pub remaining: Vec<Identity>,
    /// Errors before that are gone (once per occurrence gone).
    pub resolved: Vec<Identity>,
    /// Errors after at the place of a resolved target, for another cause: rustc reports one
    /// error at a place, so they were hidden behind the target, and are revealed by its fix.
    pub behind: Vec<Identity>,
    /// Other errors after that were not there before.
    pub appeared: Vec<Identity>,
}

/// Compares the errors `before` a change that targeted `targets` with those `after` it. An
/// error gone and an error come in the same wording and file are one error that an edit inside
/// its spans changed (its text or a cause's), neither resolved nor new; unless the error gone was
/// a target, which is then still there. An error come at a resolved target's place is one that
/// was behind it.
pub fn compare(before: &[Diagnostic], targets: &[Identity], after: &[Diagnostic]) -> Comparison {
    let before_errors = count_errors(before.iter());
    let after_errors = count_errors(after.iter());
    let targeted = count(targets.iter());
    let mut comparison = Comparison::default();
    // Targets gone, and other errors gone.
    let (mut targets_gone, mut others_gone) = (Counts::new(), Counts::new());
    for (identity, &had) in &before_errors {
        let has = after_errors.get(identity).copied().unwrap_or(0);
        let wanted = targeted.get(identity).copied().unwrap_or(0);
        let gone = had.saturating_sub(has);
        if wanted > 0 && has > had.saturating_sub(wanted) {
            comparison.remaining.push(identity.clone());
        }
        targets_gone.insert(identity.clone(), gone.min(wanted));
        others_gone.insert(identity.clone(), gone.saturating_sub(wanted));
    }
    // A target the check before did not count is still there if the check after does.
    comparison.remaining.extend(
        targeted
            .keys()
            .filter(|identity| {
                !before_errors.contains_key(*identity) && after_errors.contains_key(*identity)
            })
            .cloned(),
    );
    let came: Vec<Identity> = after_errors
        .iter()
        .flat_map(|(identity, &has)| {
            let had = before_errors.get(identity).copied().unwrap_or(0);
            std::iter::repeat_n(identity.clone(), has.saturating_sub(had))
        })
        .collect();
    let resolved_targets = targets_gone.clone();
    let mut unexplained = Vec::new();
    for identity in came {
        // At most one error behind each resolved target.
        if take_one(&mut targets_gone, |gone| gone.same_place(&identity)).is_some() {
            comparison.behind.push(identity);
        } else {
            unexplained.push(identity);
        }
    }
    let mut still_targets = Counts::new();
    for identity in unexplained {
        if take_one(&mut others_gone, |gone| gone.same_wording(&identity)).is_some() {
            continue;
        }
        match take_one(&mut targets_gone, |gone| gone.same_wording(&identity)) {
            Some(target) => *still_targets.entry(target).or_default() += 1,
            None => comparison.appeared.push(identity),
        }
    }
    for target in still_targets.keys() {
        if !comparison.remaining.contains(target) {
            comparison.remaining.push(target.clone());
        }
    }
    // Resolved: the targets gone that stayed gone, and the other errors gone that no error
    // come in their wording stands for.
    let mut resolved = resolved_targets;
    for (identity, still) in &still_targets {
        if let Some(count) = resolved.get_mut(identity) {
            *count = count.saturating_sub(*still);
        }
    }
    comparison.resolved = repeated(&resolved);
    comparison.resolved.extend(repeated(&others_gone));
    comparison.resolved.sort();
    comparison
}

/// Judges a candidate that targeted `targets` (identities of errors in `before`, repeated when it
/// targets several equal ones), by [`compare`]: never by line, since an edit shifts every line
/// below it. `unchecked_before` names files that the `before` check never compiled (their package
/// depends on one that failed): errors there are revealed by the fix, not caused by it, as are
/// errors of a later phase than every target's and errors behind a target.
pub fn judge(
    before: &[Diagnostic],
    targets: &[Identity],
    after: &ParsedCheck,
    unchecked_before: impl Fn(&Path) -> bool,
) -> Verdict {
    if after.error_count() == 0 && after.build_succeeded != Some(true) {
        let detail = after
            .problems
            .first()
            .map(|problem| problem.message.clone())
            .unwrap_or_else(|| "cargo reported no diagnostics and no successful build".to_owned());
        return Verdict::Rejected(RejectReason::BuildFailed { detail });
    }
    let comparison = compare(before, targets, &after.diagnostics);
    if !comparison.remaining.is_empty() {
        return Verdict::Rejected(RejectReason::TargetsRemain {
            remaining: comparison.remaining,
        });
    }
    let ceiling = targets
        .iter()
        .map(|target| Phase::of(target.code.as_ref()))
        .max()
        .unwrap_or(Phase::BorrowChecking);
    let (mut new_errors, later): (Vec<Identity>, Vec<Identity>) =
        comparison.appeared.into_iter().partition(|identity| {
            let unchecked = identity.file.as_deref().is_some_and(&unchecked_before);
            !unchecked && Phase::of(identity.code.as_ref()) <= ceiling
        });
    if !new_errors.is_empty() {
        new_errors.dedup();
        return Verdict::Rejected(RejectReason::NewErrors { errors: new_errors });
    }
    let mut revealed = comparison.behind;
    revealed.extend(later);
    revealed.sort();
    Verdict::Accepted {
        remaining_errors: after.error_count(),
        resolved: comparison.resolved,
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
    /// What the failing tests printed (`failure_output`), for whoever must fix them: a model is
    /// shown it with the gate's verdict.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub output: String,
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

/// The most lines of failing tests' output kept (`failure_output`): enough for a few assertion
/// messages with their values, not a whole log.
const FAILURE_LINES: usize = 40;

/// Reads `cargo test`'s human output: what the failing tests printed, the `---- name stdout ----`
/// sections of each `failures:` block (assertion messages with their left and right values), at
/// most `FAILURE_LINES` lines. What differs from run to run or machine to machine is left out
/// (thread ids, backtraces, which `RUST_BACKTRACE` decides), so that the same failure reads the
/// same everywhere: a model's recorded replies are keyed by what it was told.
pub fn failure_output(output: &str) -> String {
    let mut kept = Vec::new();
    let mut inside = false;
    let mut in_backtrace = false;
    for line in output.lines() {
        if line.starts_with("---- ") && line.ends_with(" ----") {
            inside = true;
        } else if line == "failures:" || line.starts_with("test result: ") {
            inside = false;
            continue;
        }
        if !inside {
            continue;
        }
        if line == "stack backtrace:" {
            in_backtrace = true;
            continue;
        }
        if in_backtrace && line.starts_with(' ') {
            continue;
        }
        in_backtrace = false;
        if line.starts_with("note: ") && line.contains("RUST_BACKTRACE") {
            continue;
        }
        kept.push(without_thread_id(line));
    }
    while kept.last().is_some_and(|line| line.trim().is_empty()) {
        kept.pop();
    }
    if kept.len() > FAILURE_LINES {
        let left = kept.len() - FAILURE_LINES;
        kept.truncate(FAILURE_LINES);
        return format!("{}\n[{left} more lines]", kept.join("\n"));
    }
    kept.join("\n")
}

/// `thread 'name' (12345) panicked at …` without its thread id, which newer test harnesses print.
fn without_thread_id(line: &str) -> String {
    let Some(rest) = line.strip_prefix("thread '") else {
        return line.to_owned();
    };
    let Some((name, after)) = rest.split_once("' (") else {
        return line.to_owned();
    };
    match after.split_once(") ") {
        Some((id, tail)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            format!("thread '{name}' {tail}")
        }
        _ => line.to_owned(),
    }
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
mod tests;
