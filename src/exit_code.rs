//! The process's exit codes, documented in `--help` and the README.

use crate::summary::Outcome;

/// The build is green.
pub const GREEN: i32 = 0;
/// Errors remain; whatever passed the gate was applied.
pub const ERRORS_REMAIN: i32 = 1;
/// A usage or environment error: bad flags, not a git repository, no Cargo.toml, a cargo that
/// cannot run, a dirty tree without `--allow-dirty`. Nothing was changed.
pub const USAGE_OR_ENVIRONMENT: i32 = 2;
/// Fixes passed the gate but some or all were not written to your tree (a file changed during
/// the run, a read-only file, a failed write); their patch is saved and named in the summary;
/// the tree is not green.
pub const FIXES_NOT_WRITTEN: i32 = 3;
/// Interrupted by Ctrl-C: nothing was changed, and no worktree is left.
pub const INTERRUPTED: i32 = 130;

pub fn for_outcome(outcome: Outcome) -> i32 {
    match outcome {
        Outcome::Green => GREEN,
        Outcome::ErrorsRemain => ERRORS_REMAIN,
        Outcome::NotWritten => FIXES_NOT_WRITTEN,
        Outcome::Interrupted => INTERRUPTED,
    }
}
