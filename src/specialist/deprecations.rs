//! A dependency's item or method that is gone (E0425, E0432, E0433, E0599…) replaced by what its
//! `#[deprecated]` note names, when the note names exactly one thing the dependency has now
//! ("Renamed to `rng`", "use fold_total instead"): the notes of the version before a lockfile
//! bump, which marked what the new version removed, and the current version's own.

use crate::api::{self, DependencyIndex};
use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;

use super::Context;
use super::rule::{Rule, replace, text_of};
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct Deprecations;

impl Rule for Deprecations {
    const NAME: &'static str = "deprecation-notes";
    const CODES: &'static [ErrorCode] = &[
        ErrorCode::from_static("E0412"),
        ErrorCode::from_static("E0422"),
        ErrorCode::from_static("E0423"),
        ErrorCode::from_static("E0425"),
        ErrorCode::from_static("E0432"),
        ErrorCode::from_static("E0433"),
        ErrorCode::from_static("E0599"),
    ];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let dependencies = context.dependencies();
        let Some(primary) = &diagnostic.primary else {
            return Vec::new();
        };
        let Some(text) = context.sources().get(&primary.file) else {
            return Vec::new();
        };
        let Some(written) = text_of(context.sources(), primary) else {
            return Vec::new();
        };
        // The name that is gone: the last segment of what the span covers.
        let name = written.rsplit("::").next().unwrap_or(written).trim();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Vec::new();
        }
        let mut out = Vec::new();
        for krate in crates_of(diagnostic, text, dependencies) {
            for noted in dependencies.noted_replacements(&krate, name) {
                // A note naming a path (`Builder::from_env`) replaces the whole segment run only
                // when it is one name; a name replaces the name.
                let replacement = noted.replacement.rsplit("::").next().unwrap_or("");
                if replacement.is_empty()
                    || noted.replacement.contains("::") && is_method(diagnostic)
                {
                    continue;
                }
                let edit = if written.contains("::") {
                    let head = &written[..written.len() - name.len()];
                    replace(primary, &format!("{head}{replacement}"))
                } else {
                    replace(primary, replacement)
                };
                out.push((
                    format!(
                        "`{name}` → `{replacement}`, as {krate}'s note says: \"{}\"",
                        noted.note
                    ),
                    vec![edit],
                ));
            }
        }
        out
    }
}

fn is_method(diagnostic: &Diagnostic) -> bool {
    diagnostic.message.starts_with("no method named")
}

/// The dependencies the diagnostic's message names, else those its file uses.
fn crates_of(diagnostic: &Diagnostic, text: &str, dependencies: &DependencyIndex) -> Vec<String> {
    let named: Vec<String> = scan::backticked(&diagnostic.message)
        .into_iter()
        .filter_map(|quoted| quoted.trim_start_matches("::").split("::").next())
        .filter(|first| dependencies.get(first).is_some())
        .map(str::to_owned)
        .collect();
    if !named.is_empty() {
        let mut named = named;
        named.dedup();
        return named;
    }
    api::crates_used_by(text, dependencies)
        .into_iter()
        .collect()
}
