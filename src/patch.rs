//! A patch: whole-file changes computed from edits against a known base, and their unified diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::edit::{self, Edit, EditError};

mod merge;

pub use merge::{Merged, merge, narrow_edits};

/// The base text of the files a round may edit, keyed by path relative to the checkout root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    files: BTreeMap<PathBuf, String>,
}

impl Sources {
    pub fn new(files: BTreeMap<PathBuf, String>) -> Sources {
        Sources { files }
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    pub before: String,
    pub after: String,
}

/// New contents for some files, each with the contents it was computed from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch {
    pub files: BTreeMap<PathBuf, FileChange>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PatchError {
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("no base text for {}", .0.display())]
    UnknownFile(PathBuf),
}

impl Patch {
    pub fn from_edits(sources: &Sources, edits: &[Edit]) -> Result<Patch, PatchError> {
        let mut files = BTreeMap::new();
        for (path, file_edits) in edit::by_file(edits) {
            let before = sources
                .get(path)
                .ok_or_else(|| PatchError::UnknownFile(path.to_owned()))?;
            let after = edit::apply_edits(path, before, &file_edits)?;
            if after != before {
                let change = FileChange {
                    before: before.to_owned(),
                    after,
                };
                files.insert(path.to_owned(), change);
            }
        }
        Ok(Patch { files })
    }

    /// A patch from whole contents as bytes (`None`: the file is absent), read lossily as text:
    /// what a diff of two commits gives.
    pub fn from_contents<'a>(
        files: impl IntoIterator<Item = (PathBuf, Option<&'a [u8]>, Option<&'a [u8]>)>,
    ) -> Patch {
        let text =
            |bytes: Option<&[u8]>| String::from_utf8_lossy(bytes.unwrap_or_default()).into_owned();
        let files = files
            .into_iter()
            .map(|(path, before, after)| {
                let change = FileChange {
                    before: text(before),
                    after: text(after),
                };
                (path, change)
            })
            .collect();
        Patch { files }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }

    /// Changed lines, added plus removed: the measure by which the smaller of two fixes wins.
    pub fn changed_lines(&self) -> usize {
        self.files
            .values()
            .map(|change| {
                similar::TextDiff::from_lines(&change.before, &change.after)
                    .iter_all_changes()
                    .filter(|line| line.tag() != similar::ChangeTag::Equal)
                    .count()
            })
            .sum()
    }

    /// The 1-based line of `path` before the patch that became `line` after it: the same line
    /// where the patch left it as it was (shifted by what it inserted or removed above), `None`
    /// where the patch wrote it. A file the patch does not change keeps its lines.
    pub fn line_before(&self, path: &Path, line: usize) -> Option<usize> {
        let Some(change) = self.files.get(path) else {
            return Some(line);
        };
        let diff = similar::TextDiff::from_lines(&change.before, &change.after);
        let wanted = line.checked_sub(1)?;
        diff.ops().iter().find_map(|op| match *op {
            similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } if (new_index..new_index + len).contains(&wanted) => {
                Some(old_index + (wanted - new_index) + 1)
            }
            _ => None,
        })
    }

    /// A unified diff with `a/` and `b/` prefixes, which `git apply` and `patch -p1` accept.
    pub fn unified_diff(&self) -> String {
        let mut out = String::new();
        for (path, change) in &self.files {
            let path = path.display();
            let diff = similar::TextDiff::from_lines(&change.before, &change.after);
            let unified = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string();
            out.push_str(&format!("diff --git a/{path} b/{path}\n"));
            out.push_str(&unified);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let mut files = BTreeMap::new();
        files.insert(
            PathBuf::from("src/lib.rs"),
            "fn f() {\n    conut\n}\n".to_owned(),
        );
        Sources::new(files)
    }

    fn rename_edit() -> Edit {
        Edit {
            file: PathBuf::from("src/lib.rs"),
            start: 13,
            end: 18,
            replacement: "count".to_owned(),
        }
    }

    #[test]
    fn a_patch_holds_whole_files_and_renders_a_git_diff() {
        let patch = Patch::from_edits(&sources(), &[rename_edit()]).unwrap();
        assert_eq!(
            patch.files[Path::new("src/lib.rs")].after,
            "fn f() {\n    count\n}\n"
        );
        assert_eq!(patch.changed_lines(), 2);
        assert_eq!(
            patch.unified_diff(),
            "diff --git a/src/lib.rs b/src/lib.rs\n--- a/src/lib.rs\n+++ b/src/lib.rs\n\
             @@ -1,3 +1,3 @@\n fn f() {\n-    conut\n+    count\n }\n"
        );
    }

    #[test]
    fn a_line_after_the_patch_maps_back_unless_the_patch_wrote_it() {
        let mut files = BTreeMap::new();
        let change = FileChange {
            before: "a\nb\nc\nd\n".to_owned(),
            after: "use x;\na\nB\nc\nd\n".to_owned(),
        };
        files.insert(PathBuf::from("src/lib.rs"), change);
        let patch = Patch { files };
        let lib = Path::new("src/lib.rs");
        let mapped: Vec<Option<usize>> = (1..=5).map(|line| patch.line_before(lib, line)).collect();
        assert_eq!(mapped, [None, Some(1), None, Some(3), Some(4)]);
        assert_eq!(patch.line_before(Path::new("src/other.rs"), 7), Some(7));
        assert_eq!(patch.line_before(lib, 0), None);
    }

    #[test]
    fn edits_of_unknown_files_are_refused() {
        let mut edit = rename_edit();
        edit.file = PathBuf::from("src/other.rs");
        assert_eq!(
            Patch::from_edits(&sources(), &[edit]),
            Err(PatchError::UnknownFile(PathBuf::from("src/other.rs")))
        );
    }

    #[test]
    fn edits_that_change_nothing_make_an_empty_patch() {
        let mut edit = rename_edit();
        edit.replacement = "conut".to_owned();
        assert!(Patch::from_edits(&sources(), &[edit]).unwrap().is_empty());
    }
}
