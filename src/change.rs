//! A fix's edits in a few words, for people: "`countr` → `counter`", "added `use
//! std::collections::HashSet;`". The summary says what was done, not rustc's advice ("a local
//! variable with a similar name exists"), which reads as a question rather than an answer.

use crate::edit::Edit;
use crate::patch::Sources;

/// The longest quoted text, in characters: a line of a summary, not a listing.
const QUOTED: usize = 40;

/// Edits shown before "and N more edits".
const SHOWN: usize = 2;

/// `edits` (against `sources`) in a few words; empty when there are none.
pub fn describe(sources: &Sources, edits: &[Edit]) -> String {
    let mut words: Vec<String> = edits
        .iter()
        .take(SHOWN)
        .map(|edit| {
            let before = sources
                .get(&edit.file)
                .and_then(|text| text.get(edit.start..edit.end))
                .unwrap_or_default();
            one(before, &edit.replacement)
        })
        .collect();
    if edits.len() > SHOWN {
        let more = edits.len() - SHOWN;
        words.push(format!(
            "{more} more edit{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// A model's `edits` (against `sources`) in a few words: the one name they rename wherever every
/// edit renames the same name (`` `countr` → `counter` ``); else how many lines they changed and
/// where: the function the first edit is in (`edited 5 lines in `promote``), the file, or how
/// many files. Empty when there are none.
pub fn describe_edited(sources: &Sources, edits: &[Edit]) -> String {
    let Some(first) = edits.first() else {
        return String::new();
    };
    let before = |edit: &Edit| {
        sources
            .get(&edit.file)
            .and_then(|text| text.get(edit.start..edit.end))
            .unwrap_or_default()
    };
    let renames: Vec<Option<(&str, &str)>> = edits
        .iter()
        .map(|edit| renamed_name(before(edit), &edit.replacement))
        .collect();
    if let Some(Some(rename)) = renames.first()
        && renames.iter().all(|other| other.as_ref() == Some(rename))
    {
        return one(rename.0, rename.1);
    }
    let lines: usize = edits
        .iter()
        .map(|edit| {
            let count = |text: &str| text.lines().count();
            count(before(edit)).max(count(&edit.replacement)).max(1)
        })
        .sum();
    let plural = if lines == 1 { "" } else { "s" };
    let files: std::collections::BTreeSet<&std::path::Path> =
        edits.iter().map(|edit| edit.file.as_path()).collect();
    let place = if files.len() > 1 {
        format!("{} files", files.len())
    } else {
        let text = sources.get(&first.file).unwrap_or_default();
        match enclosing_function(text, first.start) {
            Some(name) => format!("`{name}`"),
            None => first.file.display().to_string(),
        }
    };
    format!("edited {lines} line{plural} in {place}")
}

/// The name `before` renames in `after` when they differ in one name only (the rest of the line
/// kept): `("countr", "counter")` for `x = countr + 1;` and `x = counter + 1;`.
fn renamed_name<'t>(before: &'t str, after: &'t str) -> Option<(&'t str, &'t str)> {
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut prefix = before
        .char_indices()
        .zip(after.chars())
        .find(|((_, a), b)| a != b)
        .map_or(before.len().min(after.len()), |((at, _), _)| at);
    let longest_suffix = before.len().min(after.len()) - prefix;
    let mut suffix = before
        .chars()
        .rev()
        .zip(after.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>()
        .min(longest_suffix);
    // Widen the difference to whole names on both sides: `countr` → `counter`, not `` → `e`.
    while let Some(c) = before[..prefix]
        .chars()
        .next_back()
        .filter(|&c| is_name_char(c))
    {
        prefix -= c.len_utf8();
    }
    while let Some(c) = before
        .get(before.len() - suffix..)
        .and_then(|rest| rest.chars().next())
        .filter(|&c| is_name_char(c))
    {
        suffix -= c.len_utf8();
    }
    let old = before.get(prefix..before.len() - suffix)?;
    let new = after.get(prefix..after.len() - suffix)?;
    let is_name = |text: &str| {
        text.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && text.chars().all(is_name_char)
    };
    (is_name(old) && is_name(new) && old != new).then_some((old, new))
}

/// The function whose body holds byte `at` of `text`: the last `fn NAME` before it whose braces
/// are still open there. Braces in strings and comments are counted too: a few words, not a parse.
fn enclosing_function(text: &str, at: usize) -> Option<&str> {
    let before = text.get(..at)?;
    FUNCTION
        .captures_iter(before)
        .filter_map(|found| {
            let name = found.get(1)?;
            let body = &before[name.end()..];
            let open = body.find('{')?;
            let mut depth = 0_usize;
            for c in body[open..].chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.checked_sub(1)?,
                    _ => {}
                }
            }
            (depth > 0).then_some(name.as_str())
        })
        .last()
}

static FUNCTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)").expect("valid regex")
});

/// One replacement of `before` by `after`.
fn one(before: &str, after: &str) -> String {
    let (before, after) = (quoted(before), quoted(after));
    match (before.is_empty(), after.is_empty()) {
        (true, true) => "whitespace changed".to_owned(),
        (true, false) => format!("added `{after}`"),
        (false, true) => format!("removed `{before}`"),
        (false, false) => format!("`{before}` → `{after}`"),
    }
}

/// `text` on one line, whitespace collapsed, cut with `…` after [`QUOTED`] characters.
fn quoted(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= QUOTED {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(QUOTED - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::*;

    fn sources() -> Sources {
        let text = "use a;\nfn f() { countr += 1; }\n".to_owned();
        Sources::new(BTreeMap::from([(PathBuf::from("src/lib.rs"), text)]))
    }

    fn edit(range: std::ops::Range<usize>, replacement: &str) -> Edit {
        Edit::new(Path::new("src/lib.rs"), range, replacement)
    }

    #[test]
    fn a_replacement_reads_as_before_and_after() {
        assert_eq!(
            describe(&sources(), &[edit(16..22, "counter")]),
            "`countr` → `counter`"
        );
    }

    #[test]
    fn an_insertion_and_a_removal_say_what_they_did() {
        assert_eq!(
            describe(
                &sources(),
                &[edit(0..0, "use std::collections::HashSet;\n")]
            ),
            "added `use std::collections::HashSet;`"
        );
        assert_eq!(describe(&sources(), &[edit(0..7, "")]), "removed `use a;`");
    }

    #[test]
    fn many_edits_name_the_first_and_count_the_rest() {
        let edits = [
            edit(16..22, "counter"),
            edit(0..0, "use b;\n"),
            edit(7..7, "x"),
            edit(8..8, "y"),
        ];
        assert_eq!(
            describe(&sources(), &edits),
            "`countr` → `counter`, added `use b;` and 2 more edits"
        );
        assert_eq!(describe(&sources(), &[]), "");
    }

    #[test]
    fn a_models_rename_reads_as_the_name_it_renamed_wherever_it_is() {
        let text = "fn f() {\n    let countr = 1;\n    countr + 1\n}\n";
        let sources = Sources::new(BTreeMap::from([(
            PathBuf::from("src/lib.rs"),
            text.to_owned(),
        )]));
        let line = |n: usize| {
            let start: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
            start..start + text.split_inclusive('\n').nth(n).expect("a line").len()
        };
        let edits = [
            edit(line(1), "    let counter = 1;\n"),
            edit(line(2), "    counter + 1\n"),
        ];
        assert_eq!(describe_edited(&sources, &edits), "`countr` → `counter`");
    }

    #[test]
    fn a_models_larger_edit_counts_its_lines_and_names_its_function() {
        let text = "struct S;\n\nfn promote(x: u8) -> u8 {\n    if x > 1 {\n        x\n    } else {\n        0\n    }\n}\n";
        let sources = Sources::new(BTreeMap::from([(
            PathBuf::from("src/lib.rs"),
            text.to_owned(),
        )]));
        let start = text.find("    if").expect("the body");
        let end = text.rfind('}').expect("the end");
        let edits = [edit(start..end, "    x.saturating_sub(1)\n")];
        assert_eq!(
            describe_edited(&sources, &edits),
            "edited 5 lines in `promote`"
        );
        // Outside any function: the file; in two files: how many.
        let edits = [edit(0..10, "struct S(u8);\n")];
        assert_eq!(
            describe_edited(&sources, &edits),
            "edited 1 line in src/lib.rs"
        );
        let other = Edit::new(Path::new("src/main.rs"), 0..0, "mod a;\n");
        let edits = [edit(0..10, "struct S(u8);\n"), other];
        assert_eq!(
            describe_edited(&sources, &edits),
            "edited 2 lines in 2 files"
        );
        assert_eq!(describe_edited(&sources, &[]), "");
    }

    #[test]
    fn long_text_is_cut_on_one_line() {
        let long = "a\n".repeat(60);
        let words = describe(&sources(), &[edit(0..0, &long)]);
        assert!(words.ends_with("…`"), "{words}");
        assert!(!words.contains('\n'));
    }
}
