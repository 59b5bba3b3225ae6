//! What specialists propose: per diagnostic, ranked alternative edits, and the guard that refuses
//! edits which would silence an error instead of fixing it, or invent a value without saying so.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Applicability, Identity, Span};
use crate::edit::{self, Edit};
use crate::parse::ParsedCheck;
use crate::patch::{Patch, Sources};

/// One way to fix one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alternative {
    /// What the fix does, for reports: rustc's help text or the rule's description.
    pub label: String,
    /// The specialist that proposed it (`Specialist::name`).
    pub by: &'static str,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// The values it writes that the code never had (`0`, `Vec::new()`, `len: Default::default()`
    /// for a dropped argument or field), when it makes any up: such a fix compiles whatever the
    /// value means, so only passing tests may accept it, never `cargo check` alone. Empty when
    /// every value it writes comes from the code (a binding in scope, rustc's own fix).
    pub invented: Vec<String>,
}

impl Alternative {
    /// Whether it makes up a value (see `invented`).
    pub fn invents(&self) -> bool {
        !self.invented.is_empty()
    }
}

/// A specialist's answer for one diagnostic: alternatives, the most promising first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub target: Identity,
    /// Where the diagnostic is (its primary span): two diagnostics can share an identity (the
    /// same renamed field used twice in one file), and each needs its own fix.
    pub site: Option<Span>,
    pub alternatives: Vec<Alternative>,
}

/// Why an alternative was refused before it reached the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    #[error("adds `{0}`, which silences or stubs code instead of fixing it")]
    Silences(String),
    #[error("deletes the item `{0}`")]
    DeletesItem(String),
    #[error("writes `{0}`, a value the code never had, without saying it makes one up")]
    InventsValue(String),
}

static SILENCERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"#!?\[\s*(allow|expect)\s*\(|\btodo!|\bunimplemented!").expect("valid regex")
});

/// A value that means "whatever the type's default is": a placeholder, not a choice.
static PLACEHOLDER_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\.\.\s*)?\bDefault\s*::\s*default\s*\(\s*\)").expect("valid regex")
});

static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(fn|struct|enum|trait|impl|mod|union|static|const|type|macro_rules!)\s+[A-Za-z_<]",
    )
    .expect("valid regex")
});

/// Refuses alternatives that would make an error go away without preserving meaning: adding
/// `#[allow]`/`#[expect]`, `todo!()` or `unimplemented!()`, removing an item, or writing a
/// `Default::default()` placeholder without declaring it `invented` (which leaves it to the tests).
pub fn check_meaning(alternative: &Alternative, sources: &Sources) -> Result<(), Refusal> {
    if !alternative.invents()
        && let Some(value) = placeholder_values(&alternative.edits, sources).first()
    {
        return Err(Refusal::InventsValue(value.clone()));
    }
    for edit in &alternative.edits {
        if let Some(found) = SILENCERS.find(&edit.replacement) {
            return Err(Refusal::Silences(found.as_str().trim().to_owned()));
        }
        let removed = removed_by(edit, sources);
        let removed_items = ITEM.find_iter(removed).count();
        let kept_items = ITEM.find_iter(&edit.replacement).count();
        if removed_items > kept_items {
            let item = ITEM.find(removed).map_or("", |m| m.as_str());
            return Err(Refusal::DeletesItem(item.trim().to_owned()));
        }
    }
    Ok(())
}

/// The `Default::default()` placeholders `edits` add to the code (more in a replacement than in
/// the text it replaces), in order: values made up rather than found.
pub fn placeholder_values(edits: &[Edit], sources: &Sources) -> Vec<String> {
    edits
        .iter()
        .flat_map(|edit| {
            let had = PLACEHOLDER_VALUE
                .find_iter(removed_by(edit, sources))
                .count();
            PLACEHOLDER_VALUE
                .find_iter(&edit.replacement)
                .skip(had)
                .map(|found| found.as_str().to_owned())
        })
        .collect()
}

/// The text `edit` replaces.
fn removed_by<'s>(edit: &Edit, sources: &'s Sources) -> &'s str {
    sources
        .get(&edit.file)
        .and_then(|text| text.get(edit.start..edit.end))
        .unwrap_or("")
}

/// Extends a candidate with rustc's own fixes for the errors it caused: for each new error, its
/// most certain suggestion, applied to the candidate's output. Returns the extended candidate as
/// edits against the base (with the follow-ups' labels), or `None` when some new error has no
/// suggestion, a suggestion fails the meaning guard, or the follow-ups do not apply cleanly.
pub fn follow_up(
    sources: &Sources,
    patch: &Patch,
    after: &ParsedCheck,
    new_errors: &[Identity],
) -> Option<(Vec<Edit>, Vec<String>)> {
    let mut texts: std::collections::BTreeMap<std::path::PathBuf, String> = patch
        .files
        .iter()
        .map(|(path, change)| (path.clone(), change.after.clone()))
        .collect();
    let mut extra: Vec<Edit> = Vec::new();
    let mut labels = Vec::new();
    for identity in new_errors {
        let diagnostic = after.errors().find(|d| &d.identity() == identity)?;
        let suggestion = diagnostic
            .suggestions
            .iter()
            .filter(|s| !s.edits.is_empty())
            .min_by_key(|s| s.applicability)?;
        let alternative = Alternative {
            // rustc's suggestion, as `specialist::RustcSuggestions` names itself; only the guard
            // below reads it.
            by: "rustc-suggestions",
            label: suggestion.message.clone(),
            applicability: suggestion.applicability,
            edits: suggestion.edits.clone(),
            // A follow-up that makes a value up is refused by the guard below.
            invented: Vec::new(),
        };
        // The suggestion's offsets are into the candidate's output, so guard against that text.
        let current = Sources::new(
            alternative
                .edits
                .iter()
                .filter_map(|e| {
                    let text = texts
                        .get(&e.file)
                        .cloned()
                        .or_else(|| sources.get(&e.file).map(str::to_owned))?;
                    Some((e.file.clone(), text))
                })
                .collect(),
        );
        check_meaning(&alternative, &current).ok()?;
        extra.extend(alternative.edits);
        labels.push(alternative.label);
    }
    for (path, file_edits) in edit::by_file(&extra) {
        let text = texts
            .get(path)
            .cloned()
            .or_else(|| sources.get(path).map(str::to_owned))?;
        let updated = edit::apply_edits(path, &text, &file_edits).ok()?;
        texts.insert(path.to_owned(), updated);
    }
    let mut edits = Vec::new();
    for (path, text) in &texts {
        edits.extend(edit::edits_between(path, sources.get(path)?, text));
    }
    Some((edits, labels))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    fn sources() -> Sources {
        let text = "fn helper() -> u8 { 1 }\nfn main() { let x = helper(1); }\n";
        Sources::new(BTreeMap::from([(
            PathBuf::from("src/main.rs"),
            text.to_owned(),
        )]))
    }

    fn alternative(start: usize, end: usize, replacement: &str) -> Alternative {
        Alternative {
            by: "test",
            label: "test".to_owned(),
            applicability: Applicability::MaybeIncorrect,
            edits: vec![Edit {
                file: PathBuf::from("src/main.rs"),
                start,
                end,
                replacement: replacement.to_owned(),
            }],
            invented: Vec::new(),
        }
    }

    #[test]
    fn ordinary_fixes_pass() {
        assert_eq!(check_meaning(&alternative(52, 53, ""), &sources()), Ok(()));
        assert_eq!(
            check_meaning(&alternative(0, 0, "use std::fmt;\n"), &sources()),
            Ok(())
        );
    }

    #[test]
    fn silencers_and_stubs_are_refused() {
        for text in [
            "#[allow(unused)]\n",
            "#![allow(dead_code)]",
            "todo!()",
            "unimplemented!()",
        ] {
            assert!(
                matches!(
                    check_meaning(&alternative(0, 0, text), &sources()),
                    Err(Refusal::Silences(_))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn a_default_placeholder_passes_only_when_declared_invented() {
        // `helper(1)` → `helper(Default::default())`, at bytes 51..52 of `sources()`.
        let undeclared = alternative(51, 52, "Default::default()");
        assert_eq!(
            check_meaning(&undeclared, &sources()),
            Err(Refusal::InventsValue("Default::default()".to_owned()))
        );
        assert_eq!(
            placeholder_values(&undeclared.edits, &sources()),
            ["Default::default()"]
        );
        let declared = Alternative {
            invented: vec!["Default::default()".to_owned()],
            ..undeclared
        };
        assert_eq!(check_meaning(&declared, &sources()), Ok(()));
        // Rewriting code that already had one adds none.
        let text = "fn f() -> u8 { Default::default() }\n";
        let had = Sources::new(BTreeMap::from([(
            PathBuf::from("src/main.rs"),
            text.to_owned(),
        )]));
        let kept = alternative(15, 33, "u8::from(Default::default())");
        assert_eq!(check_meaning(&kept, &had), Ok(()));
    }

    #[test]
    fn deleting_an_item_is_refused() {
        assert_eq!(
            check_meaning(&alternative(0, 24, ""), &sources()),
            Err(Refusal::DeletesItem("fn h".to_owned()))
        );
    }
}
