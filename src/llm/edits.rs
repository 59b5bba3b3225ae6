//! A model's reply turned into the crate's `Edit`s, or refused whole with the reason, which goes
//! back to the model: every block's path must pass the confinement and its SEARCH text match
//! exactly once in the file as the prompt showed it; the result must keep the meaning guard and
//! add no `unsafe`. Pure: texts in, edits or a refusal out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::confine::{Confinement, PathRefusal};
use super::reply::{self, Block, Malformed};
use crate::candidate::{self, Alternative, Refusal};
use crate::diagnostic::Applicability;
use crate::edit::{self, Edit, EditError};
use crate::patch::Sources;

/// Files longer than this get no closest-lines hint: the search for it is quadratic.
const HINT_MAX_LINES: usize = 5_000;

/// Why a reply was refused before it reached the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ReplyRefusal {
    /// Its own field, not a newtype: both enums are tagged with `kind`, and a newtype would write
    /// that key twice into one JSON object.
    #[error("{problem}")]
    Malformed { problem: Malformed },
    #[error("`{path}` may not be edited: {reason}")]
    Path { path: String, reason: PathRefusal },
    #[error("the SEARCH text of block {block} is not in `{}`{}", path.display(), hint(closest))]
    NotFound {
        block: usize,
        path: PathBuf,
        /// The lines of the file most like the SEARCH text, with the line number of the first.
        closest: Option<(usize, String)>,
    },
    #[error("the SEARCH text of block {block} occurs {count} times in `{}`: add lines around it so that it occurs once", path.display())]
    Ambiguous {
        block: usize,
        path: PathBuf,
        count: usize,
    },
    #[error("blocks of the reply overlap in `{}`", path.display())]
    Overlap { path: PathBuf },
    #[error("the blocks change nothing")]
    NoChange,
    #[error("{0}")]
    Meaning(Refusal),
    #[error("it adds `unsafe` to `{}`", path.display())]
    AddsUnsafe { path: PathBuf },
}

fn hint(closest: &Option<(usize, String)>) -> String {
    match closest {
        Some((line, text)) => format!("; the closest lines, from line {line}, are:\n{text}"),
        None => String::new(),
    }
}

static UNSAFE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bunsafe\b").expect("valid regex"));

/// What a reply does, as edits against the round's base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The stage's edits with the reply's on top, against `base`: the whole candidate.
    pub edits: Vec<Edit>,
    /// The files the reply changed.
    pub files: Vec<PathBuf>,
}

/// Applies `reply` on top of `stage` (the fixes earlier strategies kept), whose texts are what
/// the prompt showed. Any block that fails refuses the whole reply.
pub fn apply_reply(
    reply: &str,
    base: &Sources,
    stage: &[Edit],
    confinement: &Confinement,
) -> Result<Applied, ReplyRefusal> {
    let blocks = reply::parse(reply).map_err(|problem| ReplyRefusal::Malformed { problem })?;
    let mut current: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut edits: BTreeMap<PathBuf, Vec<Edit>> = BTreeMap::new();
    for (index, block) in blocks.iter().enumerate() {
        let path = confinement
            .admit(&block.path, base)
            .map_err(|reason| ReplyRefusal::Path {
                path: block.path.clone(),
                reason,
            })?;
        if !current.contains_key(&path) {
            current.insert(path.clone(), staged_text(base, stage, &path)?);
        }
        let text = &current[&path];
        let edit = locate(index + 1, block, &path, text)?;
        edits.entry(path).or_default().push(edit);
    }
    let mut after: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (path, file_edits) in &edits {
        let updated = edit::apply_edits(path, &current[path], file_edits).map_err(|_| {
            ReplyRefusal::Overlap {
                path: path.to_owned(),
            }
        })?;
        after.insert(path.clone(), updated);
    }
    guard(&current, &after)?;
    let mut all: Vec<Edit> = stage
        .iter()
        .filter(|e| !after.contains_key(&e.file))
        .cloned()
        .collect();
    for (path, text) in &after {
        let before = base.get(path).unwrap_or_default();
        all.extend(edit::edits_between(path, before, text));
    }
    Ok(Applied {
        edits: all,
        files: after.into_keys().collect(),
    })
}

/// The text of `path` with the stage's edits applied: what the prompt showed.
fn staged_text(base: &Sources, stage: &[Edit], path: &Path) -> Result<String, ReplyRefusal> {
    let text = base.get(path).unwrap_or_default();
    let own: Vec<Edit> = stage.iter().filter(|e| e.file == path).cloned().collect();
    edit::apply_edits(path, text, &own).map_err(|_: EditError| ReplyRefusal::Overlap {
        path: path.to_owned(),
    })
}

/// The one place `block`'s SEARCH text occurs in `text`, as an edit.
fn locate(number: usize, block: &Block, path: &Path, text: &str) -> Result<Edit, ReplyRefusal> {
    // A file with CRLF line ends holds the model's lines with CRLF.
    let crlf = text.contains("\r\n");
    let convert = |part: &str| {
        if crlf {
            part.replace('\n', "\r\n")
        } else {
            part.to_owned()
        }
    };
    let (search, replace) = (convert(&block.search), convert(&block.replace));
    let found: Vec<usize> = occurrences(text, &search);
    match found.as_slice() {
        [at] => Ok(Edit::new(path, *at..*at + search.len(), replace)),
        [] => Err(ReplyRefusal::NotFound {
            block: number,
            path: path.to_owned(),
            closest: closest_lines(text, &block.search),
        }),
        many => Err(ReplyRefusal::Ambiguous {
            block: number,
            path: path.to_owned(),
            count: many.len(),
        }),
    }
}

/// Every byte offset where `needle` starts in `text`, overlapping ones included.
fn occurrences(text: &str, needle: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|rest| rest.find(needle)) {
        found.push(from + at);
        from += at + needle.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// The window of `text`'s lines most like `search` (as many lines), with its first line's
/// number: the hint that lets a model correct a SEARCH it misremembered.
fn closest_lines(text: &str, search: &str) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let wanted = search.lines().count().max(1);
    if lines.len() > HINT_MAX_LINES || lines.is_empty() {
        return None;
    }
    let width = wanted.min(lines.len());
    (0..=lines.len() - width)
        .map(|start| {
            let window = lines[start..start + width].join("\n") + "\n";
            let ratio = similar::TextDiff::from_chars(search, &window).ratio();
            (ratio, start, window)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        .filter(|(ratio, _, _)| *ratio > 0.0)
        .map(|(_, start, window)| (start + 1, window))
}

/// The meaning guard on what the reply changed, and no `unsafe` added.
fn guard(
    current: &BTreeMap<PathBuf, String>,
    after: &BTreeMap<PathBuf, String>,
) -> Result<(), ReplyRefusal> {
    let mut changed = Vec::new();
    for (path, text) in after {
        let before = &current[path];
        if UNSAFE.find_iter(text).count() > UNSAFE.find_iter(before).count() {
            return Err(ReplyRefusal::AddsUnsafe { path: path.clone() });
        }
        changed.extend(edit::edits_between(path, before, text));
    }
    if changed.is_empty() {
        return Err(ReplyRefusal::NoChange);
    }
    let alternative = Alternative {
        label: "a model's edit".to_owned(),
        by: crate::worker::MODEL_SPECIALIST,
        applicability: Applicability::MaybeIncorrect,
        edits: changed,
        invented: Vec::new(),
    };
    candidate::check_meaning(&alternative, &Sources::new(current.clone()))
        .map_err(ReplyRefusal::Meaning)
}

#[cfg(test)]
#[path = "edits/tests.rs"]
mod tests;
