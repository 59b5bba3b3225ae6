//! What a prompt quotes of the workspace: numbered lines around each span of the diagnostics,
//! the definitions of the items they name (from the `ItemIndex`), and the crate's edition. Pure.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::index::ItemIndex;
use crate::patch::Sources;
use crate::specialist::scan;

/// Lines quoted on each side of a span.
pub const CONTEXT_LINES: usize = 40;
/// The longest definition quoted, in lines.
const DEFINITION_LINES: usize = 60;

static EDITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^\s*edition\s*=\s*"(\d{4})""#).expect("valid regex"));

/// The numbered excerpts of every file the diagnostics' spans lie in, and the files quoted.
pub fn numbered(diagnostics: &[Diagnostic], texts: &Sources) -> (String, BTreeSet<PathBuf>) {
    let mut ranges: BTreeMap<PathBuf, Vec<RangeInclusive<usize>>> = BTreeMap::new();
    for diagnostic in diagnostics {
        let spans = diagnostic
            .primary
            .iter()
            .chain(diagnostic.secondary.iter().map(|s| &s.span));
        for span in spans {
            let from = span.line.saturating_sub(CONTEXT_LINES).max(1);
            let to = span.line + CONTEXT_LINES;
            ranges.entry(span.file.clone()).or_default().push(from..=to);
        }
    }
    let mut out = String::new();
    let mut shown = BTreeSet::new();
    for (file, mut spans) in ranges {
        let Some(text) = texts.get(&file) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        for range in merged(&mut spans) {
            let (from, to) = (*range.start(), (*range.end()).min(lines.len()));
            if from > to {
                continue;
            }
            out.push_str(&format!(
                "{} (lines {from}-{to})\n```rust\n",
                file.display()
            ));
            for (number, line) in (from..=to).zip(&lines[from - 1..to]) {
                out.push_str(&format!("{number:>5} | {line}\n"));
            }
            out.push_str("```\n\n");
        }
        shown.insert(file);
    }
    (out, shown)
}

/// Ranges sorted and joined where they overlap or touch.
fn merged(ranges: &mut [RangeInclusive<usize>]) -> Vec<RangeInclusive<usize>> {
    ranges.sort_by_key(|range| *range.start());
    let mut out: Vec<RangeInclusive<usize>> = Vec::new();
    for range in ranges.iter() {
        match out.last_mut() {
            Some(last) if *range.start() <= last.end() + 1 => {
                *last = *last.start()..=(*last.end()).max(*range.end());
            }
            _ => out.push(range.clone()),
        }
    }
    out
}

/// The definitions of the workspace items the diagnostics name in backticks or quote under their
/// spans (the struct, the trait with its items, the function's signature and body), each once,
/// cut at `DEFINITION_LINES` lines.
pub fn definitions(diagnostics: &[Diagnostic], texts: &Sources, index: &ItemIndex) -> String {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for diagnostic in diagnostics {
        let texts = std::iter::once(diagnostic.message.as_str())
            .chain(diagnostic.label.as_deref())
            .chain(
                diagnostic
                    .secondary
                    .iter()
                    .filter_map(|s| s.label.as_deref()),
            )
            .chain(diagnostic.notes.iter().map(String::as_str));
        for text in texts {
            names.extend(scan::backticked(text).into_iter().flat_map(identifiers));
        }
        // The code under the spans names the items too (`impl Shape for Square`).
        let quoted = std::iter::once(diagnostic.primary_text.as_str())
            .chain(diagnostic.secondary.iter().map(|s| s.text.as_str()));
        for text in quoted {
            names.extend(identifiers(text));
        }
    }
    let mut out = String::new();
    for name in names {
        for item in index.named(name) {
            let Some(text) = texts.get(&item.file) else {
                continue;
            };
            let body = item_text(text, item.line_start);
            let line = text[..item.line_start].lines().count() + 1;
            out.push_str(&format!(
                "{} (line {line})\n```rust\n{body}\n```\n\n",
                item.file.display()
            ));
        }
    }
    out
}

/// The identifiers in a backticked text (`Shape::name`, `&mut Vec<u8>`).
fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.chars().next().is_some_and(|c| c.is_alphabetic()))
}

/// An item's text from its line: up to its `;` or its matching `}`, whichever ends it.
fn item_text(text: &str, line_start: usize) -> String {
    let rest = &text[line_start..];
    let end = match (rest.find('{'), rest.find(';')) {
        (Some(open), semi) if semi.is_none_or(|semi| open < semi) => {
            scan::balanced(rest, open).map_or(rest.len(), |inner| open + inner.len() + 2)
        }
        (_, Some(semi)) => semi + 1,
        _ => rest.len(),
    };
    let lines: Vec<&str> = rest[..end].lines().collect();
    let mut out = lines[..lines.len().min(DEFINITION_LINES)].join("\n");
    if lines.len() > DEFINITION_LINES {
        out.push_str("\n// …");
    }
    out
}

/// The edition of the crate holding `file`: its manifest's, else the workspace root's, else
/// cargo's default.
pub fn edition(file: &Path, texts: &Sources) -> String {
    file.ancestors()
        .skip(1)
        .filter_map(|dir| texts.get(&dir.join("Cargo.toml")))
        .find_map(|manifest| EDITION.captures(manifest))
        .map_or_else(|| "2015".to_owned(), |found| found[1].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_join_where_they_meet() {
        assert_eq!(
            merged(&mut [5..=9, 1..=3, 4..=4, 12..=20]),
            [1..=9, 12..=20]
        );
    }

    #[test]
    fn an_item_ends_at_its_brace_or_its_semicolon() {
        let text = "pub trait Shape {\n    fn area(&self) -> f64;\n}\nfn x();\nfn y() {}\n";
        assert_eq!(
            item_text(text, 0),
            "pub trait Shape {\n    fn area(&self) -> f64;\n}"
        );
        let at = text.find("fn x").unwrap();
        assert_eq!(item_text(text, at), "fn x();");
    }

    #[test]
    fn the_edition_comes_from_the_nearest_manifest_that_says() {
        let texts = Sources::new(BTreeMap::from([
            (
                PathBuf::from("Cargo.toml"),
                "[workspace.package]\nedition = \"2021\"\n".to_owned(),
            ),
            (
                PathBuf::from("a/Cargo.toml"),
                "[package]\nedition = \"2024\"\n".to_owned(),
            ),
            (
                PathBuf::from("b/Cargo.toml"),
                "[package]\nedition.workspace = true\n".to_owned(),
            ),
        ]));
        assert_eq!(edition(Path::new("a/src/lib.rs"), &texts), "2024");
        assert_eq!(edition(Path::new("b/src/lib.rs"), &texts), "2021");
        assert_eq!(
            edition(Path::new("c/src/lib.rs"), &Sources::default()),
            "2015"
        );
    }
}
