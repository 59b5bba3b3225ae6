//! `--patch-file`: the fix as one unified diff, for `git apply` at the repository's root, against
//! the user's tree as the run found it.

use std::path::Path;

use crate::delivered::{DeliveryFailure, DeliveryReport, DeliveryStatus};
use crate::engine::FixedTree;

/// Writes the fix's diff to `path`: an empty file when nothing passed, so that a pipeline finds
/// the file it asked for and can tell "nothing to apply" by its size.
pub(super) fn write(path: &Path, fixed: &FixedTree) -> DeliveryReport {
    let status = match std::fs::write(path, &fixed.diff) {
        Ok(()) => DeliveryStatus::Written,
        Err(error) => DeliveryStatus::Failed {
            reason: DeliveryFailure::WriteFailed {
                error: error.to_string(),
            },
        },
    };
    DeliveryReport::PatchFile {
        path: path.to_owned(),
        files: fixed.files.len(),
        status,
    }
}
