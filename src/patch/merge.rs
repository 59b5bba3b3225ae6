//! Merging a round's patches, all made against the same base, at the level of the edits they
//! make rather than of lines: two scopes that change different names on one line (a field and a
//! method in `format!("{}", item.qty, item.total_value())`) both go in, where a line-based
//! three-way merge would call it a conflict and put one off to the next round. The merged whole is
//! gated again, so a merge that is textually clean but wrong is still caught.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Patch;
use crate::edit::{self, Edit};

/// The files of the patches merged, and which patches went in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Each file any merged patch changes, with its new text.
    pub files: BTreeMap<PathBuf, String>,
    /// Positions (in the order given) of the patches merged.
    pub merged: Vec<usize>,
    /// Positions of the patches left out: an edit of theirs touches one merged before, or they
    /// saw a file as another patch did not (a different base).
    pub conflicted: Vec<usize>,
}

/// Merges `patches` in order, each only if none of its edits touches an edit already taken.
pub fn merge(patches: &[&Patch]) -> Merged {
    let mut bases: BTreeMap<&Path, &str> = BTreeMap::new();
    let mut taken: Vec<Edit> = Vec::new();
    let mut merged = Merged::default();
    for (position, patch) in patches.iter().enumerate() {
        let same_base = patch.files.iter().all(|(path, change)| {
            bases
                .get(path.as_path())
                .is_none_or(|base| *base == change.before)
        });
        // An edit another patch made already (the same import, the same derive) is made once.
        let edits: Vec<Edit> = patch
            .files
            .iter()
            .flat_map(|(path, change)| narrow_edits(path, &change.before, &change.after))
            .filter(|edit| !taken.contains(edit))
            .collect();
        if !same_base || edits.iter().any(|e| taken.iter().any(|t| touch(e, t))) {
            merged.conflicted.push(position);
            continue;
        }
        for (path, change) in &patch.files {
            bases.insert(path, &change.before);
        }
        taken.extend(edits);
        merged.merged.push(position);
    }
    for (path, edits) in edit::by_file(&taken) {
        let base = bases.get(path).copied().unwrap_or_default();
        // The edits touch none of each other, so they apply.
        if let Ok(text) = edit::apply_edits(path, base, &edits) {
            merged.files.insert(path.to_owned(), text);
        }
    }
    merged
}

/// Whether two edits of a base must not both be made: they overlap, or one inserts where the
/// other begins or ends (which goes first is anybody's guess).
fn touch(a: &Edit, b: &Edit) -> bool {
    if a.file != b.file {
        return false;
    }
    let overlap = a.start < b.end && b.start < a.end;
    let inserts_at_edge =
        |x: &Edit, y: &Edit| x.start == x.end && (x.start == y.start || x.start == y.end);
    overlap || a.start == b.start || inserts_at_edge(a, b) || inserts_at_edge(b, a)
}

/// The edits that turn `before` into `after`, each as small as it can be: the changed lines,
/// less what they share at their start and end.
pub fn narrow_edits(path: &Path, before: &str, after: &str) -> Vec<Edit> {
    edit::edits_between(path, before, after)
        .into_iter()
        .map(|edit| {
            let old = &before[edit.start..edit.end];
            let new = edit.replacement.as_str();
            let prefix = common_prefix(old, new);
            let suffix = common_suffix(&old[prefix..], &new[prefix..]);
            Edit {
                file: edit.file,
                start: edit.start + prefix,
                end: edit.end - suffix,
                replacement: new[prefix..new.len() - suffix].to_owned(),
            }
        })
        .collect()
}

/// Bytes `a` and `b` share at their start, ending on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((at, _), _)| at)
}

/// Bytes `a` and `b` share at their end, starting on a character boundary.
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::FileChange;

    const BASE: &str = "fn line(item: &Item) -> String {\n    format!(\"{} {}\", item.qty, item.total_value())\n}\n";

    fn patch(before: &str, after: &str) -> Patch {
        Patch {
            files: BTreeMap::from([(
                PathBuf::from("src/report.rs"),
                FileChange {
                    before: before.to_owned(),
                    after: after.to_owned(),
                },
            )]),
        }
    }

    #[test]
    fn changes_to_different_names_on_one_line_both_go_in() {
        let field = patch(BASE, &BASE.replace("qty", "on_hand"));
        let method = patch(BASE, &BASE.replace("total_value", "valuation"));
        let merged = merge(&[&field, &method]);
        assert_eq!(merged.merged, [0, 1]);
        assert!(merged.conflicted.is_empty());
        assert_eq!(
            merged.files[Path::new("src/report.rs")],
            BASE.replace("qty", "on_hand")
                .replace("total_value", "valuation")
        );
    }

    #[test]
    fn changes_to_the_same_text_conflict_and_the_later_is_left_out() {
        let one = patch(BASE, &BASE.replace("qty", "on_hand"));
        let other = patch(BASE, &BASE.replace("item.qty", "item.count"));
        // An insertion right where a taken edit ends: which goes first is unknown.
        let insert_at_edge = patch(BASE, &BASE.replace("item.qty", "item.qty_n"));
        // One a little before it is no conflict.
        let borrow = patch(BASE, &BASE.replace("item.qty", "&item.qty"));
        let merged = merge(&[&one, &other, &insert_at_edge, &borrow]);
        assert_eq!(merged.merged, [0, 3]);
        assert_eq!(merged.conflicted, [1, 2]);
        assert_eq!(
            merged.files[Path::new("src/report.rs")],
            BASE.replace("item.qty", "&item.on_hand")
        );
    }

    #[test]
    fn the_same_edit_in_two_patches_is_made_once() {
        let import = "use std::fmt;\n";
        let one = patch(BASE, &format!("{import}{}", BASE.replace("qty", "on_hand")));
        let other = patch(BASE, &format!("{import}{BASE}"));
        let merged = merge(&[&one, &other]);
        assert_eq!(merged.merged, [0, 1]);
        assert_eq!(
            merged.files[Path::new("src/report.rs")],
            format!("{import}{}", BASE.replace("qty", "on_hand"))
        );
    }

    #[test]
    fn a_patch_made_against_another_base_is_left_out() {
        let one = patch(BASE, &BASE.replace("qty", "on_hand"));
        let stale = patch(&BASE.replace("{} {}", "{}, {}"), BASE);
        let merged = merge(&[&one, &stale]);
        assert_eq!(merged.conflicted, [1]);
    }

    #[test]
    fn edits_are_narrowed_to_what_changed_within_multibyte_text() {
        let before = "let s = \"é\"; let n = qty;\n";
        let after = "let s = \"é\"; let n = on_hand;\n";
        let edits = narrow_edits(Path::new("a.rs"), before, after);
        assert_eq!(edits.len(), 1);
        assert_eq!(&before[edits[0].start..edits[0].end], "qty");
        assert_eq!(edits[0].replacement, "on_hand");
        // Shared characters at both ends of a changed run are kept out of the edit.
        let edits = narrow_edits(Path::new("a.rs"), "aéb\n", "aéxéb\n");
        assert_eq!(edits[0].replacement, "xé");
    }
}
