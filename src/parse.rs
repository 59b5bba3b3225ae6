//! Parses a `cargo check --message-format=json` stream into domain diagnostics. It never fails as a
//! whole: lines it cannot read become problems that the report shows.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cargo_metadata::Message;
use cargo_metadata::diagnostic::{Diagnostic as WireDiagnostic, DiagnosticLevel};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{
    Applicability, Diagnostic, LabeledSpan, Level, Location, Span, Suggestion, without_paths,
};
use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::layout::{Layout, Resolved, normalize};

/// Where the checked sources live, to turn rustc's file names into checkout-relative paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRoot {
    /// Absolute root of the git checkout (the user's tree or a worktree).
    pub checkout: PathBuf,
    /// The cargo workspace root, relative to `checkout`; rustc's relative file names start here.
    pub workspace: PathBuf,
    /// How paths resolve through the snapshot's links, and which are inputs only; `None` takes
    /// every path inside the checkout as it is named (recorded streams, fixtures).
    pub layout: Option<Arc<Layout>>,
}

impl SourceRoot {
    /// Resolves a file name from rustc to a path relative to the checkout, or says it is outside.
    /// rustc names the workspace's own files relative to the workspace root; an absolute name is a
    /// registry crate, the standard library or code generated under OUT_DIR (which may well sit
    /// inside the checkout, in `target/`), none of which is ours to edit.
    fn locate(&self, file_name: &str) -> Result<PathBuf, PathBuf> {
        let given = Path::new(file_name);
        if given.is_absolute() {
            return Err(normalize(given));
        }
        let absolute = normalize(&self.checkout.join(&self.workspace).join(given));
        let relative = self.relative(&absolute).ok_or(absolute)?;
        let Some(layout) = &self.layout else {
            return Ok(relative);
        };
        // rustc names a file by the path it opened, which may pass through a link: edits go to
        // the file the link leads to, and never to one outside the checkout or an input.
        match layout.resolve(&relative) {
            Resolved::Inside(path) if layout.is_input(&path) => Err(layout.checkout().join(path)),
            Resolved::Inside(path) => Ok(path),
            Resolved::Outside(path) => Err(path),
        }
    }

    /// An absolute path inside the checkout, made relative to it.
    fn relative(&self, absolute: &Path) -> Option<PathBuf> {
        match absolute.strip_prefix(&self.checkout) {
            Ok(relative) if !relative.as_os_str().is_empty() => Some(relative.to_owned()),
            _ => None,
        }
    }
}

/// A line of the stream that could not be understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseProblem {
    /// 1-based line number in the stream.
    pub line: usize,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedCheck {
    /// Diagnostics (errors, warnings, and failure notes as `Level::Other`) in stream order, each
    /// reported once even when several targets (the library and its test harness, a binary and
    /// its) compiled the same file: see [`parse_stream`].
    pub diagnostics: Vec<Diagnostic>,
    pub problems: Vec<ParseProblem>,
    /// What cargo's `build-finished` message said, if the stream got that far.
    pub build_succeeded: Option<bool>,
    /// Root source files (checkout-relative) of the targets that compiled: with the files of the
    /// diagnostics, they tell which packages this check reached at all.
    pub compiled_sources: BTreeSet<PathBuf>,
}

impl ParsedCheck {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn error_count(&self) -> usize {
        self.errors().count()
    }
}

enum Line {
    Diagnostic(Box<Diagnostic>),
    Compiled(PathBuf),
    Finished(bool),
    Skip,
    Problem(String),
}

/// Parses a whole stream. A diagnostic that several targets report is kept once: two are the
/// same when they have the same level, code and primary span and their messages are equal once
/// the paths in front of quoted type names are left out. rustc writes `&Square` in a library and
/// `&geo_core::Square` in its test harness when the harness sees another `Square`: one error,
/// worded for two targets. Of such wordings the shortest (then the first in byte order) is kept,
/// so that which target finished first does not change the diagnostic, nor its identity.
pub fn parse_stream(stream: &str, root: &SourceRoot) -> ParsedCheck {
    let raw: Vec<&str> = stream.lines().collect();
    let lines: Vec<(usize, Line)> = raw
        .par_iter()
        .enumerate()
        .map(|(index, line)| (index + 1, parse_line(line, root)))
        .collect();

    let mut parsed = ParsedCheck::default();
    let mut seen = HashMap::new();
    for (number, line) in lines {
        match line {
            Line::Diagnostic(diagnostic) => {
                let key = (
                    diagnostic.level,
                    diagnostic.code.clone(),
                    without_paths(&diagnostic.message),
                    diagnostic.primary.clone(),
                );
                match seen.entry(key) {
                    Entry::Vacant(entry) => {
                        entry.insert(parsed.diagnostics.len());
                        parsed.diagnostics.push(*diagnostic);
                    }
                    Entry::Occupied(entry) => {
                        let kept = &mut parsed.diagnostics[*entry.get()];
                        let wording = |d: &Diagnostic| (d.message.len(), d.message.clone());
                        if wording(&diagnostic) < wording(kept) {
                            *kept = *diagnostic;
                        }
                    }
                }
            }
            Line::Compiled(source) => {
                parsed.compiled_sources.insert(source);
            }
            Line::Finished(success) => parsed.build_succeeded = Some(success),
            Line::Skip => {}
            Line::Problem(message) => parsed.problems.push(ParseProblem {
                line: number,
                message,
            }),
        }
    }
    parsed
}

fn parse_line(line: &str, root: &SourceRoot) -> Line {
    if line.trim().is_empty() {
        return Line::Skip;
    }
    let message = match serde_json::from_str::<Message>(line) {
        Ok(message) => message,
        Err(error) => return Line::Problem(format!("not a cargo JSON message: {error}")),
    };
    match message {
        Message::CompilerMessage(message) => convert(&message.message, root)
            .map_or(Line::Skip, |diagnostic| {
                Line::Diagnostic(Box::new(diagnostic))
            }),
        Message::CompilerArtifact(artifact) => root
            .relative(&normalize(artifact.target.src_path.as_std_path()))
            .map_or(Line::Skip, Line::Compiled),
        Message::BuildFinished(finished) => Line::Finished(finished.success),
        _ => Line::Skip,
    }
}

/// Converts one rustc diagnostic, or drops it when it only summarises others.
fn convert(wire: &WireDiagnostic, root: &SourceRoot) -> Option<Diagnostic> {
    let level = match wire.level {
        DiagnosticLevel::Error | DiagnosticLevel::Ice => Level::Error,
        DiagnosticLevel::Warning => Level::Warning,
        _ => Level::Other,
    };
    // "aborting due to 3 previous errors" counts the others; it is not one of them.
    if wire.spans.is_empty() && wire.message.starts_with("aborting due to") {
        return None;
    }
    let code = wire
        .code
        .as_ref()
        .and_then(|code| ErrorCode::parse(&code.code));
    let primary_wire = wire.spans.iter().find(|span| span.is_primary);
    let (primary, location) = match primary_wire {
        None => (None, Location::Nowhere),
        Some(span) => {
            let (file, location) = match root.locate(&span.file_name) {
                Ok(relative) => (relative, Location::Workspace),
                Err(absolute) => (PathBuf::from(&span.file_name), Location::External(absolute)),
            };
            let primary = Span {
                file,
                byte_start: span.byte_start as usize,
                byte_end: span.byte_end as usize,
                line: span.line_start,
                column: span.column_start,
            };
            (Some(primary), location)
        }
    };
    let (suggestions, placeholders) = if has_suggestions(wire) {
        (
            suggestions(wire, root, false),
            suggestions(wire, root, true),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Some(Diagnostic {
        level,
        code,
        message: wire.message.clone(),
        primary,
        location,
        label: primary_wire.and_then(|span| span.label.clone()),
        primary_text: primary_wire.map_or(String::new(), quoted_text),
        secondary: wire
            .spans
            .iter()
            .filter(|span| !span.is_primary)
            .filter_map(|span| {
                Some(LabeledSpan {
                    span: Span {
                        file: root.locate(&span.file_name).ok()?,
                        byte_start: span.byte_start as usize,
                        byte_end: span.byte_end as usize,
                        line: span.line_start,
                        column: span.column_start,
                    },
                    label: span.label.clone(),
                    text: quoted_text(span),
                })
            })
            .collect(),
        notes: wire
            .children
            .iter()
            .map(|child| child.message.clone())
            .collect(),
        suggestions,
        placeholders,
        rendered: wire.rendered.clone().unwrap_or_default(),
    })
}

/// The source text under a span, from the lines rustc quotes with it (highlights are 1-based
/// character columns, end exclusive); lines joined with `\n`.
fn quoted_text(span: &cargo_metadata::diagnostic::DiagnosticSpan) -> String {
    span.text
        .iter()
        .map(|line| {
            let start = line.highlight_start.saturating_sub(1);
            let length = line.highlight_end.saturating_sub(line.highlight_start);
            line.text
                .chars()
                .skip(start)
                .take(length)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_suggestions(wire: &WireDiagnostic) -> bool {
    wire.children.iter().any(|child| {
        child
            .spans
            .iter()
            .any(|span| span.suggested_replacement.is_some())
    })
}

/// rustc's suggestions as alternatives, read with rustfix: the complete ones, or, with
/// `placeholders`, only those that hold a placeholder, whose text (`/* i32 */`, `todo!()`, `...`)
/// is not code anyone meant but says where a value goes. A suggestion rustc marks as having
/// placeholders counts as complete when its text holds none (`Box<ListNode>`, `: Vec<_>`).
fn suggestions(wire: &WireDiagnostic, root: &SourceRoot, placeholders: bool) -> Vec<Suggestion> {
    use rustfix::diagnostics::Applicability as RustfixApplicability;

    // rustfix reads rustc's own format, which cargo_metadata's types serialise back to.
    let Ok(mut rustc) = serde_json::to_value(wire)
        .and_then(serde_json::from_value::<rustfix::diagnostics::Diagnostic>)
    else {
        return Vec::new();
    };
    for child in &mut rustc.children {
        child.spans.retain(|span| {
            let holds_placeholder = span.suggestion_applicability
                == Some(RustfixApplicability::HasPlaceholders)
                && span
                    .suggested_replacement
                    .as_deref()
                    .is_none_or(has_placeholder);
            holds_placeholder == placeholders
        });
    }
    // rustfix makes one solution per child that has replacements, in child order.
    let applicabilities: Vec<Applicability> = rustc
        .children
        .iter()
        .filter(|child| {
            child
                .spans
                .iter()
                .any(|span| span.suggested_replacement.is_some())
        })
        .map(|child| {
            child
                .spans
                .iter()
                .filter(|span| span.suggested_replacement.is_some())
                .map(|span| match span.suggestion_applicability {
                    Some(RustfixApplicability::MachineApplicable) => {
                        Applicability::MachineApplicable
                    }
                    Some(RustfixApplicability::MaybeIncorrect) => Applicability::MaybeIncorrect,
                    Some(RustfixApplicability::HasPlaceholders) => Applicability::HasPlaceholders,
                    _ => Applicability::Unspecified,
                })
                .max()
                .unwrap_or(Applicability::Unspecified)
        })
        .collect();
    let Some(collected) = rustfix::collect_suggestions(
        &rustc,
        &HashSet::<String>::new(),
        rustfix::Filter::Everything,
    ) else {
        return Vec::new();
    };

    let mut out = Vec::new();
    for (solution, applicability) in collected.solutions.iter().zip(applicabilities) {
        for alternative in split_alternatives(&solution.replacements) {
            let edits: Result<Vec<Edit>, PathBuf> = alternative
                .iter()
                .map(|replacement| {
                    Ok(Edit {
                        file: root.locate(&replacement.snippet.file_name)?,
                        start: replacement.snippet.range.start,
                        end: replacement.snippet.range.end,
                        replacement: replacement.replacement.clone(),
                    })
                })
                .collect();
            // A suggestion to edit a file outside the checkout is not ours to apply.
            if let Ok(edits) = edits {
                out.push(Suggestion {
                    message: solution.message.clone(),
                    applicability,
                    edits,
                });
            }
        }
    }
    out
}

/// Whether a suggested text holds something for a person to fill in: a comment where code goes
/// (`/* i32 */`, `/* fields */`), `todo!()`/`unimplemented!()`, or an ellipsis (`...`, `…`).
fn has_placeholder(text: &str) -> bool {
    text.contains("/*")
        || text.contains("todo!")
        || text.contains("unimplemented!")
        || text.contains('…')
        || text.contains("...")
}

/// rustc lays out "one of these" alternatives as several replacements of one range within one
/// child, and a multipart suggestion as replacements of different ranges. A child can mix both
/// (several alternatives, each in several parts): the n-th alternative takes the n-th replacement
/// of every range that has several, and the single replacement of every range that has one.
fn split_alternatives(replacements: &[rustfix::Replacement]) -> Vec<Vec<&rustfix::Replacement>> {
    let mut groups: Vec<Vec<&rustfix::Replacement>> = Vec::new();
    for replacement in replacements {
        let same_range = groups.iter_mut().find(|group| {
            group[0].snippet.file_name == replacement.snippet.file_name
                && group[0].snippet.range == replacement.snippet.range
        });
        match same_range {
            Some(group) => group.push(replacement),
            None => groups.push(vec![replacement]),
        }
    }
    let count = groups.iter().map(Vec::len).max().unwrap_or(0);
    (0..count)
        .map(|n| {
            groups
                .iter()
                .filter_map(|group| match group.len() {
                    1 => Some(group[0]),
                    _ => group.get(n).copied(),
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests;
