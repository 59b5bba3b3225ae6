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

    fn dependency_alternatives(
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::sync::{Arc, OnceLock};

    use super::*;
    use crate::api::{CrateApi, DependencyApi};
    use crate::patch::Sources;
    use crate::plan::Scope;
    use crate::specialist::testing::{diagnostic, sources, span_of};
    use crate::specialist::{
        FromDependencies, RenamedMethods, Specialist, Tier, paths::WorkspacePaths,
    };

    fn crate_api(lib: &str) -> CrateApi {
        let files = BTreeMap::from([(PathBuf::from("src/lib.rs"), lib.to_owned())]);
        CrateApi::read("figures", &files)
    }

    /// `figures` bumped: 0.1 deprecated `fold_sum` for `fold_total` and kept `URL_SAFE` at the
    /// root; 0.2 removed `fold_sum` and moved `URL_SAFE` into `general_purpose`.
    fn bumped() -> DependencyIndex {
        let before = "#[deprecated(since = \"0.1.2\", note = \"use fold_total instead\")]\n\
                      pub fn fold_sum(v: &[f64]) -> f64 { 0.0 }\n\
                      pub fn fold_total(v: &[f64]) -> f64 { 0.0 }\npub const URL_SAFE: u8 = 1;\n";
        let after = "pub fn fold_total(v: &[f64]) -> f64 { 0.0 }\npub mod general_purpose;\n";
        let module = BTreeMap::from([
            (PathBuf::from("src/lib.rs"), after.to_owned()),
            (
                PathBuf::from("src/general_purpose.rs"),
                "pub const URL_SAFE: u8 = 1;\n".to_owned(),
            ),
        ]);
        let current = CrateApi::read("figures", &module);
        let mut index = DependencyIndex::default();
        index.insert(
            "figures",
            Arc::new(DependencyApi {
                version: "0.2.0".to_owned(),
                current,
                previous: Some(("0.1.0".to_owned(), crate_api(before))),
            }),
        );
        index
    }

    fn propose(
        rule: &dyn Specialist,
        error: Diagnostic,
        sources: &crate::patch::Sources,
    ) -> Vec<String> {
        propose_with(&bumped(), rule, error, sources)
    }

    /// Each alternative `rule` proposes for `error` with `dependencies`, applied.
    fn propose_with(
        dependencies: &DependencyIndex,
        rule: &dyn Specialist,
        error: Diagnostic,
        sources: &crate::patch::Sources,
    ) -> Vec<String> {
        let scope = Scope {
            id: "test".to_owned(),
            code: error.code.clone(),
            phase: error.phase(),
            files: error.file().map(PathBuf::from).into_iter().collect(),
            diagnostics: vec![error],
        };
        let cell = OnceLock::new();
        let context = Context::new(sources, &cell).with_dependencies(dependencies);
        rule.propose(&scope, &context)
            .into_iter()
            .flat_map(|p| p.alternatives)
            .map(|a| {
                let edits = crate::edit::by_file(&a.edits);
                let (path, edits) = edits.iter().next().expect("one file");
                crate::edit::apply_edits(path, sources.get(path).expect("file"), edits)
                    .expect("applies")
            })
            .collect()
    }

    #[test]
    fn a_removed_function_is_replaced_by_what_its_old_note_names() {
        let text = "pub fn total(v: &[f64]) -> f64 {\n    figures::fold_sum(v)\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0425",
            "cannot find function `fold_sum` in crate `figures`",
            span_of(&sources, "src/lib.rs", "fold_sum", 0),
        );
        let results = propose(&FromDependencies(Deprecations), error, &sources);
        assert_eq!(
            results,
            ["pub fn total(v: &[f64]) -> f64 {\n    figures::fold_total(v)\n}\n"]
        );
    }

    #[test]
    fn a_name_no_note_mentions_gets_no_proposal() {
        let text = "pub fn f() -> u8 {\n    figures::URL_SAFE\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0425",
            "cannot find value `URL_SAFE` in crate `figures`",
            span_of(&sources, "src/lib.rs", "URL_SAFE", 0),
        );
        assert!(propose(&FromDependencies(Deprecations), error, &sources).is_empty());
    }

    #[test]
    fn the_path_rule_finds_a_dependencys_moved_item_in_a_use_and_in_a_path() {
        let text = "use figures::URL_SAFE;\n\npub fn f() -> u8 {\n    figures::URL_SAFE\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0432",
            "unresolved import `figures::URL_SAFE`",
            span_of(&sources, "src/lib.rs", "figures::URL_SAFE", 0),
        );
        assert_eq!(
            propose(&FromDependencies(WorkspacePaths), error, &sources),
            [
                "use figures::general_purpose::URL_SAFE;\n\npub fn f() -> u8 {\n    figures::URL_SAFE\n}\n"
            ]
        );
        let error = diagnostic(
            "E0425",
            "cannot find value `URL_SAFE` in crate `figures`",
            span_of(&sources, "src/lib.rs", "URL_SAFE", 1),
        );
        assert_eq!(
            propose(&FromDependencies(WorkspacePaths), error, &sources),
            [
                "use figures::URL_SAFE;\n\npub fn f() -> u8 {\n    figures::general_purpose::URL_SAFE\n}\n"
            ]
        );
    }

    /// `casing` bumped: 0.3's traits `SnakeCase` and `CamelCase` became 0.5's `ToSnakeCase`,
    /// `ToUpperCamelCase` and `ToLowerCamelCase`, beside new structs of similar names.
    fn traits_renamed() -> DependencyIndex {
        let trait_of = |name: &str, method: &str| {
            format!(
                "pub trait {name} {{\n    fn {method}(&self) -> String;\n}}\n\
                 impl {name} for str {{\n    fn {method}(&self) -> String {{ String::new() }}\n}}\n"
            )
        };
        let before = [
            trait_of("SnakeCase", "to_snake_case"),
            trait_of("CamelCase", "to_camel_case"),
        ]
        .concat();
        let after = [
            trait_of("ToSnakeCase", "to_snake_case"),
            trait_of("ToUpperCamelCase", "to_upper_camel_case"),
            trait_of("ToLowerCamelCase", "to_lower_camel_case"),
            "pub struct AsSnakeCase<T>(pub T);\n".to_owned(),
        ]
        .concat();
        let read = |lib: &str| {
            CrateApi::read(
                "casing",
                &BTreeMap::from([(PathBuf::from("src/lib.rs"), lib.to_owned())]),
            )
        };
        let mut index = DependencyIndex::default();
        index.insert(
            "casing",
            Arc::new(DependencyApi {
                version: "0.5.0".to_owned(),
                current: read(&after),
                previous: Some(("0.3.0".to_owned(), read(&before))),
            }),
        );
        index
    }

    /// Each alternative `specialist` proposes with the `casing` bump's index, applied.
    fn with_casing(
        specialist: &dyn Specialist,
        error: Diagnostic,
        sources: &Sources,
    ) -> Vec<String> {
        propose_with(&traits_renamed(), specialist, error, sources)
    }

    #[test]
    fn a_renamed_trait_is_offered_from_the_dependency_beside_rustc_not_after_it() {
        let text =
            "use casing::SnakeCase;\n\npub fn f(s: &str) -> String {\n    s.to_snake_case()\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0432",
            "unresolved import `casing::SnakeCase`",
            span_of(&sources, "src/lib.rs", "casing::SnakeCase", 0),
        );
        // What the dependency's API says is its own tier, tried with rustc's suggestions; the
        // rule of the workspace's guesses has nothing to say about a dependency's names.
        assert_eq!(FromDependencies(WorkspacePaths).tier(), Tier::Dependencies);
        assert!(with_casing(&WorkspacePaths, error.clone(), &sources).is_empty());
        let offered = with_casing(&FromDependencies(WorkspacePaths), error, &sources);
        assert_eq!(
            offered.first().map(String::as_str),
            Some(
                "use casing::ToSnakeCase;\n\npub fn f(s: &str) -> String {\n    s.to_snake_case()\n}\n"
            )
        );
    }

    #[test]
    fn a_method_of_a_renamed_trait_is_first_the_one_of_the_trait_in_scope() {
        let text = "use casing::ToUpperCamelCase;\n\npub fn f(s: &str) -> String {\n    s.to_camel_case()\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0599",
            "no method named `to_camel_case` found for reference `&str` in the current scope",
            span_of(&sources, "src/lib.rs", "to_camel_case", 0),
        );
        assert!(with_casing(&RenamedMethods, error.clone(), &sources).is_empty());
        let offered = with_casing(&FromDependencies(RenamedMethods), error, &sources);
        assert_eq!(
            offered.first().map(String::as_str),
            Some(
                "use casing::ToUpperCamelCase;\n\npub fn f(s: &str) -> String {\n    s.to_upper_camel_case()\n}\n"
            ),
            "{offered:#?}"
        );
    }
}
