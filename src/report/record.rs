//! The run's record under the target directory: every event as JSON lines, each round's plan,
//! each worker's report and patch, and the summary as JSON (the final patch, checkpoint and
//! model transcripts are written beside them by their owners).
//!
//! Layout, under `target/fix-swarm/runs/<run>/`:
//! - `events.jsonl`: every event, as `--message-format json` prints them;
//! - `round-<n>/plan.json`: the round's scopes (id, phase, errors, files);
//! - `round-<n>/<scope>.json` and `round-<n>/<scope>.patch`: a worker's report, and its patch as
//!   a unified diff for `git apply` on the round's base;
//! - `summary.json`: the summary, as `run-finished` carries it.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use super::Reporter;
use crate::event::{Event, Stamped, WorkerReport};

#[derive(Debug, Default)]
pub struct RecordWriter {
    dir: Option<PathBuf>,
    events: Option<BufWriter<File>>,
}

impl Reporter for RecordWriter {
    fn report(&mut self, stamped: &Stamped) {
        let event = &stamped.event;
        if let Event::RunStarted { record, .. } = event {
            self.events = std::fs::create_dir_all(record)
                .and_then(|()| File::create(record.join("events.jsonl")))
                .map(BufWriter::new)
                .ok();
            self.dir = Some(record.clone());
        }
        let (Some(file), Some(dir)) = (&mut self.events, &self.dir) else {
            return;
        };
        if let Ok(line) = serde_json::to_string(stamped) {
            let _ = writeln!(file, "{line}");
        }
        // The record is a convenience beside the events, which hold the same facts: a file that
        // cannot be written is skipped rather than stopping the run.
        match event {
            Event::RoundStarted { round, scopes, .. } => {
                if let Ok(json) = serde_json::to_string_pretty(scopes) {
                    let _ = write_in(&round_dir(dir, *round), "plan.json", &json);
                }
            }
            Event::WorkerCompleted { round, report } | Event::WorkerFailed { round, report } => {
                write_report(&round_dir(dir, *round), report);
            }
            Event::RunFinished { summary } => {
                let _ = file.flush();
                if let (Some(record), Ok(json)) =
                    (&summary.record, serde_json::to_string_pretty(summary))
                {
                    let _ = std::fs::write(record.join("summary.json"), json);
                }
            }
            _ => {}
        }
    }
}

fn round_dir(record: &Path, round: usize) -> PathBuf {
    record.join(format!("round-{round}"))
}

fn write_report(dir: &Path, report: &WorkerReport) {
    let name = file_name(&report.scope);
    if let Ok(json) = serde_json::to_string_pretty(report) {
        let _ = write_in(dir, &format!("{name}.json"), &json);
    }
    if let Some(patch) = &report.patch {
        let _ = write_in(dir, &format!("{name}.patch"), &patch.unified_diff());
    }
}

fn write_in(dir: &Path, name: &str, contents: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(name), contents)
}

/// A scope id as a file name: a split scope's id names a file (`E0425 in src/a.rs`), whose
/// separators and spaces would make directories or awkward names.
fn file_name(scope: &str) -> String {
    scope
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_id_becomes_one_plain_file_name() {
        assert_eq!(file_name("E0425"), "E0425");
        assert_eq!(
            file_name("E0425 in src/a b.rs and 2 more files"),
            "E0425_in_src_a_b.rs_and_2_more_files"
        );
    }
}
