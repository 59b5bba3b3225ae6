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
    fn long_text_is_cut_on_one_line() {
        let long = "a\n".repeat(60);
        let words = describe(&sources(), &[edit(0..0, &long)]);
        assert!(words.ends_with("…`"), "{words}");
        assert!(!words.contains('\n'));
    }
}
