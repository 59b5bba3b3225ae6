//! Text edits and their application to source text in memory, with overlap detection.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Replace the bytes `start..end` of `file` with `replacement`. An empty range is an insertion.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Edit {
    /// Relative to the root of the git checkout, with `/`.
    pub file: PathBuf,
    /// Byte offsets into the file, end exclusive.
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

impl Edit {
    /// Replaces the bytes `range` of `file` with `replacement`.
    pub fn new(file: &Path, range: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit {
            file: file.to_owned(),
            start: range.start,
            end: range.end,
            replacement: replacement.into(),
        }
    }

    /// Inserts `text` into `file` at byte `at`.
    pub fn insert(file: &Path, at: usize, text: impl Into<String>) -> Edit {
        Edit::new(file, at..at, text)
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Whether two edits of one file cannot both be applied. Two insertions at the same offset can
    /// (they go in the order given); an insertion strictly inside a replaced range cannot.
    pub fn overlaps(&self, other: &Edit) -> bool {
        if self.file != other.file {
            return false;
        }
        let (a, b) = (self.range(), other.range());
        match (a.is_empty(), b.is_empty()) {
            (true, true) => false,
            (true, false) => b.start < a.start && a.start < b.end,
            (false, true) => a.start < b.start && b.start < a.end,
            (false, false) => a.start < b.end && b.start < a.end,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("edits overlap at bytes {first:?} and {second:?} of {}", file.display())]
    Overlap {
        file: PathBuf,
        first: Range<usize>,
        second: Range<usize>,
    },
    #[error("edit at bytes {range:?} lies outside {} ({len} bytes)", file.display())]
    OutOfBounds {
        file: PathBuf,
        range: Range<usize>,
        len: usize,
    },
    #[error("edit at bytes {range:?} of {} splits a character", file.display())]
    NotCharBoundary { file: PathBuf, range: Range<usize> },
}

/// Applies edits of one file to its text. Identical duplicates are applied once (rustc often
/// suggests the same import for several diagnostics); overlapping edits are an error.
pub fn apply_edits(file: &Path, source: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut ordered: Vec<&Edit> = edits.iter().collect();
    // A stable sort keeps insertions at one offset in the order they were given.
    ordered.sort_by_key(|edit| (edit.start, edit.end));
    ordered.dedup_by(|later, earlier| later == earlier);

    let mut output = String::with_capacity(source.len());
    let mut cursor = 0;
    let mut previous: Option<&Edit> = None;
    for edit in ordered {
        if edit.start > edit.end || edit.end > source.len() {
            return Err(EditError::OutOfBounds {
                file: file.to_owned(),
                range: edit.range(),
                len: source.len(),
            });
        }
        if !source.is_char_boundary(edit.start) || !source.is_char_boundary(edit.end) {
            return Err(EditError::NotCharBoundary {
                file: file.to_owned(),
                range: edit.range(),
            });
        }
        if let Some(previous) = previous
            && (edit.start < cursor || previous.overlaps(edit))
        {
            return Err(EditError::Overlap {
                file: file.to_owned(),
                first: previous.range(),
                second: edit.range(),
            });
        }
        output.push_str(&source[cursor..edit.start]);
        output.push_str(&edit.replacement);
        cursor = edit.end;
        previous = Some(edit);
    }
    output.push_str(&source[cursor..]);
    Ok(output)
}

/// The edits that turn `before` into `after`, one per changed run of lines: how a result
/// computed in several steps (a fix, then a follow-up fix on its output) is expressed against the
/// text both started from.
pub fn edits_between(file: &Path, before: &str, after: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(before, after);
    let old_offsets = line_offsets(before);
    let new_offsets = line_offsets(after);
    diff.ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (old, new) = (op.old_range(), op.new_range());
            Edit {
                file: file.to_owned(),
                start: old_offsets[old.start],
                end: old_offsets[old.end],
                replacement: after[new_offsets[new.start]..new_offsets[new.end]].to_owned(),
            }
        })
        .collect()
}

/// Byte offset of the start of each line, and of the end of the text.
fn line_offsets(text: &str) -> Vec<usize> {
    let mut offsets = vec![0];
    offsets.extend(text.match_indices('\n').map(|(at, _)| at + 1));
    if offsets.last() != Some(&text.len()) {
        offsets.push(text.len());
    }
    offsets
}

/// Groups edits by the file they change, in path order.
pub fn by_file(edits: &[Edit]) -> BTreeMap<&Path, Vec<Edit>> {
    let mut files: BTreeMap<&Path, Vec<Edit>> = BTreeMap::new();
    for edit in edits {
        files
            .entry(edit.file.as_path())
            .or_default()
            .push(edit.clone());
    }
    files
}

/// Whether any edit of `a` overlaps any edit of `b`.
pub fn conflict(a: &[Edit], b: &[Edit]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.overlaps(y) && x != y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            file: PathBuf::from("src/lib.rs"),
            start,
            end,
            replacement: text.to_owned(),
        }
    }

    fn apply(source: &str, edits: &[Edit]) -> Result<String, EditError> {
        apply_edits(Path::new("src/lib.rs"), source, edits)
    }

    #[test]
    fn replaces_in_any_order() {
        let source = "let x = conut + 1;";
        let edits = [edit(18, 18, " // ok"), edit(8, 13, "count")];
        assert_eq!(apply(source, &edits).unwrap(), "let x = count + 1; // ok");
    }

    #[test]
    fn insertions_at_one_offset_keep_their_order() {
        let edits = [edit(0, 0, "use a;\n"), edit(0, 0, "use b;\n")];
        assert_eq!(
            apply("fn f() {}", &edits).unwrap(),
            "use a;\nuse b;\nfn f() {}"
        );
    }

    #[test]
    fn identical_duplicates_apply_once() {
        let edits = [edit(0, 0, "use a;\n"), edit(0, 0, "use a;\n")];
        assert_eq!(apply("fn f() {}", &edits).unwrap(), "use a;\nfn f() {}");
    }

    #[test]
    fn overlapping_replacements_are_refused() {
        let error = apply("abcdef", &[edit(0, 3, "x"), edit(2, 4, "y")]).unwrap_err();
        assert_eq!(
            error,
            EditError::Overlap {
                file: PathBuf::from("src/lib.rs"),
                first: 0..3,
                second: 2..4
            }
        );
        assert!(apply("abcdef", &[edit(0, 4, "x"), edit(2, 2, "y")]).is_err());
        assert_eq!(
            apply("abcdef", &[edit(0, 2, "x"), edit(2, 2, "y")]).unwrap(),
            "xycdef"
        );
    }

    #[test]
    fn bounds_and_char_boundaries_are_checked() {
        assert!(matches!(
            apply("abc", &[edit(2, 9, "")]),
            Err(EditError::OutOfBounds { len: 3, .. })
        ));
        assert!(matches!(
            apply("é", &[edit(1, 1, "x")]),
            Err(EditError::NotCharBoundary { .. })
        ));
    }

    #[test]
    fn edits_between_two_texts_rebuild_the_second() {
        let before = "a\nb\nc\nd";
        for after in ["a\nB\nc\nd", "x\na\nb\nc\nd\ny", "a\nd", "", "a\nb\nc\nd\n"] {
            let edits = edits_between(Path::new("src/lib.rs"), before, after);
            assert_eq!(apply(before, &edits).unwrap(), after, "{after:?}");
        }
        assert!(edits_between(Path::new("src/lib.rs"), before, before).is_empty());
    }

    #[test]
    fn conflicts_ignore_identical_edits_and_other_files() {
        let mut other_file = edit(0, 3, "x");
        other_file.file = PathBuf::from("src/main.rs");
        assert!(!conflict(&[edit(0, 3, "x")], &[edit(0, 3, "x")]));
        assert!(!conflict(&[edit(0, 3, "x")], &[other_file]));
        assert!(conflict(&[edit(0, 3, "x")], &[edit(1, 2, "y")]));
    }
}
