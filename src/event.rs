//! The closed set of events the engine emits, and the per-worker report they carry. Reporters
//! consume events; nothing in the engine prints.

use std::path::PathBuf;

use serde::{Deserialize, Serialize, Serializer};

use crate::diagnostic::{Identity, code_label};
use crate::error_code::ErrorCode;
use crate::llm::chat::Usage;
use crate::parse::ParseProblem;
use crate::patch::Patch;
use crate::phase::Phase;
use crate::position::Position;
use crate::reason::{KeptReason, UnfixedReason};
use crate::run_id::RunId;
use crate::schema::SchemaVersion;
use crate::skipped_file::SkippedFile;
use crate::summary::RunSummary;
use crate::sweep::Leftover;
use crate::verdict::Verdict;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkerStatus {
    Pending,
    Running,
    Completed,
    Failed,
    TimedOut,
    Stopped,
}

/// One diagnostic a worker fixed, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub target: Identity,
    /// Where it was before the fix.
    pub position: Option<Position>,
    /// rustc's help text or the rule's description.
    pub how: String,
    /// What its edits did, in a few words (`change::describe`, a model's `change::describe_edited`).
    pub change: String,
    /// The specialist whose alternative it is (`Specialist::name`).
    pub by: String,
    /// Why that alternative won.
    pub why: KeptReason,
}

/// Why a worker did not complete: not a rejected candidate, which is an ordinary outcome, but its
/// machinery or its time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum WorkerFailure {
    /// git or cargo failed to run; the error as it reads.
    Error {
        message: String,
    },
    Panicked,
    /// `--worker-timeout` cut it off.
    TimedOut {
        after_secs: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkerReport {
    pub scope: String,
    pub code: Option<ErrorCode>,
    pub status: WorkerStatus,
    /// Errors in the scope.
    pub diagnostics: usize,
    /// Why a worker that failed or timed out did not complete.
    pub failure: Option<WorkerFailure>,
    pub fixed: Vec<Fix>,
    /// Diagnostics of the scope left unfixed, with the reason.
    pub unfixed: Vec<Left>,
    /// In JSON, its unified diff: the whole texts it was computed from and to would make a
    /// report as large as the files it touched.
    #[serde(serialize_with = "patch_as_diff")]
    pub patch: Option<Patch>,
    /// Every error the patch resolved in its gate run: its targets, and errors elsewhere that
    /// went away with them (an import fix resolves every use of the name).
    pub resolved: Vec<Identity>,
    pub gate_runs: usize,
    pub candidates: usize,
    /// What the worker's model requests cost, when it made any (`--llm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Usage>,
}

/// One diagnostic of a scope that its worker left, and why: kept by identity for the engine,
/// which carries the reason to the summary; in JSON, the shape every unfixed diagnostic has
/// (`code`, `message`, `detail`, `position`, `reason`; the summary's adds `position_before`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Left {
    pub target: Identity,
    /// rustc's label on it (`Unfixed::detail`).
    pub detail: Option<String>,
    /// Where it is in the round's tree.
    pub position: Option<Position>,
    pub reason: UnfixedReason,
}

impl Serialize for Left {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            code: &'a str,
            message: &'a str,
            detail: Option<&'a str>,
            position: Option<&'a Position>,
            reason: &'a UnfixedReason,
        }
        Wire {
            code: code_label(self.target.code.as_ref()),
            message: &self.target.message,
            detail: self.detail.as_deref(),
            position: self.position.as_ref(),
            reason: &self.reason,
        }
        .serialize(serializer)
    }
}

fn patch_as_diff<S: Serializer>(patch: &Option<Patch>, serializer: S) -> Result<S::Ok, S::Error> {
    patch
        .as_ref()
        .map(Patch::unified_diff)
        .serialize(serializer)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeOutline {
    pub id: String,
    pub phase: Phase,
    pub diagnostics: usize,
    pub files: usize,
}

/// What a worker has got to, short of its report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Progress {
    /// Its specialists proposed `candidates` fixes, for `addressed` of the scope's `diagnostics`.
    Proposed {
        candidates: usize,
        addressed: usize,
        diagnostics: usize,
    },
}

/// An event as the stream carries it: stamped by the `EventSink` with the milliseconds since the
/// run began (in JSON, one more field of the event's object).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stamped {
    /// The machine report's version (`schema/events.schema.json`).
    pub schema_version: SchemaVersion,
    pub elapsed_ms: u64,
    #[serde(flatten)]
    pub event: Event,
}

/// What happened in a run, in the order it happened. Events carry no time: the sink stamps them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    RunStarted {
        run_id: String,
        workspace: PathBuf,
        /// Where the run's record is kept.
        record: PathBuf,
        jobs: usize,
        max_rounds: usize,
        dry_run: bool,
    },
    /// What runs that died without cleaning up had left was removed; `left` could not be.
    Swept {
        runs: Vec<RunId>,
        left: Vec<Leftover>,
    },
    /// The user's state (HEAD plus uncommitted and untracked files) was captured as a commit.
    Snapshot {
        commit: String,
        dirty_files: usize,
    },
    /// The pool is made and the first check done.
    WorktreesReady {
        count: usize,
    },
    /// The first check's progress, until the plan exists: cargo finished one more unit (a
    /// target of a crate, fresh or compiled), `unit` the target's name. `estimate` is about how
    /// many units the check has (from `cargo metadata`'s resolved graph; `None` when it could not
    /// tell): an estimate, never a promise.
    Compiling {
        compiled: usize,
        estimate: Option<usize>,
        unit: String,
    },
    Checked {
        round: usize,
        errors: usize,
        warnings: usize,
        problems: Vec<ParseProblem>,
    },
    RoundStarted {
        round: usize,
        errors: usize,
        scopes: Vec<ScopeOutline>,
    },
    WorkerStarted {
        round: usize,
        scope: String,
        diagnostics: usize,
    },
    WorkerProgress {
        round: usize,
        scope: String,
        progress: Progress,
    },
    GateFinished {
        round: usize,
        scope: String,
        candidate: String,
        verdict: Verdict,
    },
    /// The worker can do nothing for its scope, for this reason.
    WorkerBlocked {
        round: usize,
        scope: String,
        reason: UnfixedReason,
    },
    WorkerCompleted {
        round: usize,
        report: WorkerReport,
    },
    WorkerFailed {
        round: usize,
        report: WorkerReport,
    },
    Merged {
        round: usize,
        merged: Vec<String>,
        deferred: Vec<String>,
        /// Patches left out because a patch merged before them resolved their errors already.
        superseded: Vec<String>,
        backed_out: Vec<String>,
        errors: usize,
    },
    RoundFinished {
        round: usize,
        errors_before: usize,
        errors_after: usize,
    },
    /// `--dry-run`: the unified diff of what would change; nothing was written.
    Diff {
        patch: String,
    },
    Applied {
        written: Vec<PathBuf>,
        skipped: Vec<SkippedFile>,
    },
    RunFinished {
        summary: Box<RunSummary>,
    },
    /// The run could not go on (the environment, bad input): the last event of such a run, so
    /// that a consumer of the stream always sees how it ended. Nothing was written to the tree.
    RunFailed {
        kind: FailureKind,
        /// The error as `cargo fix-swarm` prints it.
        message: String,
    },
}

/// What kind of error ended a run early: a stable tag for machines; the message says the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// cargo could not run, or could not read the workspace.
    Cargo,
    /// No git repository, and `--allow-no-vcs` not given.
    NoVcs,
    /// Uncommitted changes, and `--allow-dirty` not given.
    Dirty,
    /// `cargo check` failed before reporting any diagnostic.
    CheckFailed,
    /// The run's lock could not be taken.
    Lock,
    /// A git operation failed.
    Git,
    /// The worktree pool could not be made or used.
    Pool,
    /// The compilation gate failed in a way that is not a verdict.
    Gate,
    /// `--resume` could not go on with the stopped run.
    Resume,
    /// A delivery asked for (`--commit`) cannot be made: found before the run.
    Delivery,
    /// An internal task failed.
    Internal,
    /// The model workers' settings are invalid, or their endpoint cannot be reached.
    Llm,
    /// A CI matrix's plan or work result does not belong here: another version, other sources,
    /// other errors, another plan's result, a scope in no result or in two.
    Matrix,
}
