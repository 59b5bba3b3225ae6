//! Missing derives on local types (E0277, E0369, E0599, E0382, E0308): a trait the code needs that
//! `#[derive]` can provide. rustc suggests one derive at a time and forgets what it implies
//! (`Eq` needs `PartialEq`, `Ord` needs `PartialOrd` and `Eq`); this adds the whole set to the
//! type's existing derive list, and, as a second alternative, to the local types of its fields.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::index::ItemIndex;
use crate::patch::Sources;

use super::Context;
use super::rule::Rule;
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct MissingDerives;

/// Derivable traits in the order they are conventionally written.
const DERIVABLE: &[&str] = &[
    "Debug",
    "Clone",
    "Copy",
    "PartialEq",
    "Eq",
    "Hash",
    "Default",
    "PartialOrd",
    "Ord",
];

/// A trait with the derivable traits it requires.
fn with_requirements(name: &str) -> Vec<&'static str> {
    match name {
        "Eq" => vec!["PartialEq", "Eq"],
        "PartialOrd" => vec!["PartialEq", "PartialOrd"],
        "Ord" => vec!["PartialEq", "Eq", "PartialOrd", "Ord"],
        "Copy" => vec!["Clone", "Copy"],
        other => DERIVABLE.iter().copied().filter(|t| *t == other).collect(),
    }
}

/// The last path segment of a trait (`std::fmt::Debug` → `Debug`).
fn trait_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path).trim()
}

/// `(type, traits)` pairs a diagnostic says are missing.
fn wanted(diagnostic: &Diagnostic) -> Vec<(String, Vec<&'static str>)> {
    let message = &diagnostic.message;
    let names = scan::backticked(message);
    let mut found: Vec<(String, Vec<&'static str>)> = Vec::new();
    let mut push = |type_text: &str, trait_text: &str| {
        let traits = with_requirements(trait_name(trait_text));
        if !traits.is_empty() {
            found.push((type_text.to_owned(), traits));
        }
    };
    if let Some(bound) = message
        .strip_prefix("the trait bound `")
        .and_then(|rest| rest.split_once("` is not satisfied"))
    {
        if let Some((type_text, trait_text)) = bound.0.rsplit_once(": ") {
            push(type_text, trait_text);
        }
    } else if message.contains("doesn't implement") && names.len() >= 2 {
        push(names[0], names[1]);
    } else if message.starts_with("binary operation") && names.len() >= 2 {
        let trait_text = match names[0] {
            "==" | "!=" => "PartialEq",
            "<" | ">" | "<=" | ">=" => "PartialOrd",
            _ => "",
        };
        push(names[1], trait_text);
    } else if message.starts_with("can't compare") && !names.is_empty() {
        push(names[0], "PartialEq");
    }
    // E0599's "the following trait bounds were not satisfied: `Key: Eq`, `Key: Hash`".
    for note in &diagnostic.notes {
        if note.starts_with("the following trait bounds were not satisfied") {
            for bound in scan::backticked(note) {
                if let Some((type_text, trait_text)) = bound.rsplit_once(": ") {
                    push(type_text, trait_text);
                }
            }
        }
        // E0308's "`Item` does not implement `Clone`, so `&Item` was cloned instead".
        if note.contains("does not implement `Clone`")
            && let Some(type_text) = scan::backticked(note).first()
        {
            push(type_text, "Clone");
        }
    }
    // E0599 "no method named `clone` found for struct `Item`", and "no function or associated
    // item named `default` found for struct `RetryPolicy`".
    if message.starts_with("no method named `clone`") && names.len() >= 2 {
        push(names[1], "Clone");
    }
    if message.starts_with("no function or associated item named `default`") && names.len() >= 2 {
        push(names[1], "Default");
    }
    found
}

/// The local type a type text names (`&Key`, `Vec<Key>` → `Key`, if defined in the workspace).
fn local_types<'i>(
    type_text: &str,
    index: &'i ItemIndex,
    near: &std::path::Path,
) -> Vec<&'i crate::index::Item> {
    type_text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter_map(|word| index.type_named(word, near))
        .collect()
}

impl Rule for MissingDerives {
    const NAME: &'static str = "missing-derives";
    const CODES: &'static [ErrorCode] = &[
        ErrorCode::from_static("E0277"),
        ErrorCode::from_static("E0369"),
        ErrorCode::from_static("E0599"),
        ErrorCode::from_static("E0308"),
        ErrorCode::from_static("E0382"),
    ];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let Some(near) = diagnostic.file() else {
            return Vec::new();
        };
        let wanted = wanted(diagnostic);
        if wanted.is_empty() {
            return Vec::new();
        }
        let (sources, index) = (context.sources(), context.index());
        let mut alone: Vec<Edit> = Vec::new();
        let mut with_fields: Vec<Edit> = Vec::new();
        let mut names = BTreeSet::new();
        for (type_text, traits) in &wanted {
            for item in local_types(type_text, index, near) {
                names.insert(item.name.clone());
                if let Some(edit) = add_derives(sources, item, traits) {
                    alone.push(edit.clone());
                    with_fields.push(edit);
                }
                for field_type in field_types(sources, index, item) {
                    if let Some(edit) = add_derives(sources, field_type, traits) {
                        with_fields.push(edit);
                    }
                }
            }
        }
        let traits: BTreeSet<&str> = wanted.iter().flat_map(|(_, t)| t.iter().copied()).collect();
        let what = format!(
            "derive {} for `{}`",
            traits.into_iter().collect::<Vec<_>>().join(", "),
            names.into_iter().collect::<Vec<_>>().join("`, `")
        );
        let mut out = vec![(what.clone(), merge_same_item(alone))];
        if with_fields.len() > out[0].1.len() {
            out.push((
                format!("{what} and its fields' types"),
                merge_same_item(with_fields),
            ));
        }
        out
    }
}

/// Local types named in the fields of `item`, other than itself.
fn field_types<'i>(
    sources: &Sources,
    index: &'i ItemIndex,
    item: &crate::index::Item,
) -> Vec<&'i crate::index::Item> {
    let text = sources.get(&item.file).unwrap_or_default();
    scan::struct_fields(text, item.line_start)
        .iter()
        .flat_map(|(_, type_text)| local_types(type_text, index, &item.file))
        .filter(|field| field.name != item.name)
        .collect()
}

/// Two derive edits of one item (from two diagnostics) become one.
fn merge_same_item(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.file.clone(), e.start, e.end));
    let mut merged: Vec<Edit> = Vec::new();
    for edit in edits {
        match merged.last_mut() {
            Some(last)
                if last.file == edit.file && last.start == edit.start && last.end == edit.end =>
            {
                *last = union_of(last, &edit);
            }
            _ => merged.push(edit),
        }
    }
    merged
}

fn union_of(a: &Edit, b: &Edit) -> Edit {
    // A new attribute reads `#[derive(A, B)]\n`; an addition to an existing one is `A, B`.
    let split = |e: &Edit| -> (String, Vec<String>, String) {
        let (prefix, list, suffix) = match e.replacement.split_once("derive(") {
            Some((before, rest)) => {
                let (list, after) = rest.split_once(')').unwrap_or((rest, ""));
                (
                    format!("{before}derive("),
                    list.to_owned(),
                    format!("){after}"),
                )
            }
            None => (String::new(), e.replacement.clone(), String::new()),
        };
        let traits = list
            .split(',')
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        (prefix, traits, suffix)
    };
    let (prefix, mut all, suffix) = split(a);
    for t in split(b).1 {
        if !all.contains(&t) {
            all.push(t);
        }
    }
    Edit {
        replacement: format!("{prefix}{}{suffix}", all.join(", ")),
        ..a.clone()
    }
}

/// The edit that adds `traits` to the item's `#[derive(..)]`, or a new one above it.
fn add_derives(sources: &Sources, item: &crate::index::Item, traits: &[&str]) -> Option<Edit> {
    let text = sources.get(&item.file)?;
    // The attributes directly above the item, within its doc comments and other attributes.
    let mut cursor = item.line_start;
    let mut existing: Option<(usize, usize)> = None;
    while cursor > 0 {
        let line_start = text[..cursor - 1].rfind('\n').map_or(0, |at| at + 1);
        let line = text[line_start..cursor].trim();
        if line.starts_with("#[derive(") {
            existing = Some((line_start, cursor));
            break;
        }
        if !(line.starts_with("#[") || line.starts_with("///") || line.starts_with("//")) {
            break;
        }
        cursor = line_start;
    }
    let indent: String = text[item.line_start..]
        .chars()
        .take_while(|c| c.is_whitespace() && *c != '\n')
        .collect();
    match existing {
        Some((start, end)) => {
            let line = &text[start..end];
            let open = line.find("derive(")? + "derive(".len();
            let close = open + line[open..].find(')')?;
            let mut present: Vec<String> = line[open..close]
                .split(',')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            let before = present.len();
            for t in traits {
                if !present.iter().any(|p| trait_name(p) == *t) {
                    present.push((*t).to_owned());
                }
            }
            (present.len() > before)
                .then(|| Edit::new(&item.file, start + open..start + close, present.join(", ")))
        }
        None => Some(Edit::insert(
            &item.file,
            item.line_start,
            format!("{indent}#[derive({})]\n", traits.join(", ")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

    const LIB: &str = "use std::collections::HashMap;\n\n/// A key.\n#[derive(Debug)]\npub struct Key {\n    id: Id,\n}\n\n\
                       pub struct Id(u32);\n\npub fn count() -> usize {\n    let mut m = HashMap::new();\n    m.insert(Key { id: Id(1) }, 2);\n    m.len()\n}\n";

    #[test]
    fn eq_brings_partial_eq_into_the_existing_derive_list() {
        let sources = sources(&[("src/lib.rs", LIB)]);
        let error = diagnostic(
            "E0277",
            "the trait bound `Key: Eq` is not satisfied",
            span_of(&sources, "src/lib.rs", "insert", 0),
        );
        let results = outcomes(&MissingDerives, error, &sources);
        assert_eq!(results[0].0, "derive Eq, PartialEq for `Key`");
        assert!(
            results[0]
                .1
                .contains("#[derive(Debug, PartialEq, Eq)]\npub struct Key"),
            "{}",
            results[0].1
        );
        assert!(
            results[1]
                .1
                .contains("#[derive(PartialEq, Eq)]\npub struct Id(u32);"),
            "{}",
            results[1].1
        );
    }

    #[test]
    fn unsatisfied_bounds_in_e0599_notes_are_derived_together() {
        let sources = sources(&[("src/lib.rs", LIB)]);
        let mut error = diagnostic(
            "E0599",
            "the method `insert` exists for struct `HashMap<Key, i32>`, but its trait bounds were not satisfied",
            span_of(&sources, "src/lib.rs", "insert", 0),
        );
        error.notes.push(
            "the following trait bounds were not satisfied:\n`Key: Eq`\n`Key: Hash`".to_owned(),
        );
        let results = outcomes(&MissingDerives, error, &sources);
        assert!(
            results[0]
                .1
                .contains("#[derive(Debug, PartialEq, Eq, Hash)]\npub struct Key"),
            "{}",
            results[0].1
        );
    }

    #[test]
    fn a_missing_default_constructor_derives_default_through_the_fields() {
        let text = "pub struct Backoff {\n    pub base: u32,\n}\npub struct Policy {\n    pub backoff: Backoff,\n}\npub fn p() -> Policy {\n    Policy::default()\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0599",
            "no function or associated item named `default` found for struct `Policy` in the current scope",
            span_of(&sources, "src/lib.rs", "default", 0),
        );
        let results = outcomes(&MissingDerives, error, &sources);
        assert_eq!(results.len(), 2);
        assert!(
            results[1]
                .1
                .contains("#[derive(Default)]\npub struct Backoff"),
            "{}",
            results[1].1
        );
        assert!(
            results[1]
                .1
                .contains("#[derive(Default)]\npub struct Policy"),
            "{}",
            results[1].1
        );
    }

    #[test]
    fn a_type_without_derives_gets_a_new_attribute() {
        let sources = sources(&[(
            "src/lib.rs",
            "pub struct P {\n    x: i32,\n}\npub fn same(a: &P, b: &P) -> bool {\n    a == b\n}\n",
        )]);
        let error = diagnostic(
            "E0369",
            "binary operation `==` cannot be applied to type `&P`",
            span_of(&sources, "src/lib.rs", "a == b", 0),
        );
        let results = outcomes(&MissingDerives, error, &sources);
        assert!(
            results[0]
                .1
                .starts_with("#[derive(PartialEq)]\npub struct P {"),
            "{}",
            results[0].1
        );
    }
}
