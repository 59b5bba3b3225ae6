//! `SkippedFile`: a file the fix changed that the final apply did not write, and why
//! (`SkipReason`). The apply reports them, events carry them, the summary words them.

use std::path::PathBuf;

use serde::Serialize;

/// A file the fix changed that the final apply did not write to the user's tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub path: PathBuf,
    pub reason: SkipReason,
    /// Where the patch that was not written was saved instead.
    pub saved_patch: Option<PathBuf>,
}

/// Why a file was not written; worded by the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SkipReason {
    /// Its bytes are no longer the snapshot's: the user changed it during the run.
    ChangedDuringRun,
    /// Its permission bits deny its owner writing it.
    ReadOnly,
    /// It is, or lies under, a symbolic link: nothing is written through a link.
    ThroughLink,
    /// It could not be read, so whether the user changed it is unknown.
    Unreadable { error: String },
    /// Writing it failed (its temporary copy, or the rename into place).
    WriteFailed { error: String },
    /// It could have been written, but the files `because_of` (in path order) could not be, and
    /// a fix is written whole or not at all; or a rename into place failed before its turn.
    HeldBack { because_of: Vec<PathBuf> },
}
