//! GitHub Actions' workflow commands: a log group (`::group::`) around each round, and an
//! `::error` annotation, on the file and line, for each error the run left. Written to stderr,
//! which the runner reads as it reads stdout, so that `--message-format json` keeps stdout to
//! JSON lines.

use std::io::Write as _;

use super::Reporter;
use crate::event::{Event, Stamped};
use crate::summary::{RunSummary, why_unfixed};

#[derive(Debug, Default)]
pub struct GithubReporter {
    /// Whether a group is open (the round's), to be closed before anything else is said.
    grouped: bool,
}

impl GithubReporter {
    fn say(&self, command: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{command}");
    }

    fn close_group(&mut self) {
        if std::mem::take(&mut self.grouped) {
            self.say("::endgroup::");
        }
    }
}

impl Reporter for GithubReporter {
    fn report(&mut self, stamped: &Stamped) {
        match &stamped.event {
            Event::RoundStarted { round, errors, .. } => {
                self.close_group();
                self.say(&format!(
                    "::group::cargo fix-swarm: round {round} ({errors} error{})",
                    if *errors == 1 { "" } else { "s" }
                ));
                self.grouped = true;
            }
            Event::RoundFinished { .. } => self.close_group(),
            Event::RunFailed { message, .. } => {
                self.close_group();
                self.say(&failure_annotation(message));
            }
            Event::RunFinished { summary } => {
                self.close_group();
                for line in annotations(summary) {
                    self.say(&line);
                }
            }
            _ => {}
        }
    }
}

/// One `::error` command per error left, at its place in the tree the run started from: the
/// commit CI ran on, whose files the annotations mark (with `--dry-run` or without, and whether
/// or not a branch was made). An error on a line the fix wrote, or outside the workspace's files,
/// gets one without a place, so that it still shows on the run's page.
pub fn annotations(summary: &RunSummary) -> Vec<String> {
    summary
        .unfixed
        .iter()
        .map(|unfixed| {
            let title = format!("{} left by cargo fix-swarm", unfixed.code);
            let message = format!("{}: {}", unfixed.message, why_unfixed(&unfixed.reason));
            let place = unfixed
                .position_before
                .as_ref()
                .filter(|place| !place.file.is_absolute());
            let properties = match place {
                Some(place) => format!(
                    "file={},line={},col={},title={}",
                    property(&place.file.to_string_lossy()),
                    place.line,
                    place.column,
                    property(&title)
                ),
                None => format!("title={}", property(&title)),
            };
            format!("::error {properties}::{}", data(&message))
        })
        .collect()
}

/// A run that could not go on, as one annotation on the run's page: the message, whole.
pub fn failure_annotation(message: &str) -> String {
    format!(
        "::error title=cargo fix-swarm could not run::{}",
        data(message)
    )
}

/// A command's message, escaped as the runner unescapes it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value, which may not hold `:` or `,` either.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests;
