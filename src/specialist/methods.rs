//! Methods renamed to a dissimilar name (E0599 "no method named `x` found"), which rustc cannot
//! match: the type's own methods that take as many arguments, the likeliest name first.

use std::sync::LazyLock;

use regex::Regex;

use crate::api;
use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::patch::Sources;

use super::Context;
use super::rule::{Rule, replace};
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct RenamedMethods;

static METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^>]*>)?\s*\(").expect("valid regex")
});

/// `(name, arguments besides self)` of the methods in every `impl` block of `type_name`.
fn methods_of(sources: &Sources, type_name: &str) -> Vec<(String, usize)> {
    let header = Regex::new(&format!(
        r"\bimpl\b(?:\s*<[^>{{]*>)?\s+(?:[A-Za-z_:<>, ]+\s+for\s+)?{}\b[^{{;]*\{{",
        regex::escape(type_name)
    ))
    .expect("valid regex");
    let mut found = Vec::new();
    for path in sources.paths() {
        let text = sources.get(path).unwrap_or_default();
        for block in header.find_iter(text) {
            let Some(body) = scan::balanced(text, block.end() - 1) else {
                continue;
            };
            let body_start = block.end();
            for method in METHOD.captures_iter(body) {
                let open = body_start + method.get(0).expect("group 0").end() - 1;
                let Some(params) = scan::balanced(text, open) else {
                    continue;
                };
                let parts = scan::split_top_level(params);
                let takes_self = parts.first().is_some_and(|(_, p)| p.contains("self"));
                if takes_self {
                    found.push((method[1].to_owned(), parts.len() - 1));
                }
            }
        }
    }
    found
}

/// A call of a method the receiver's type does not have (`c.compute_total()`).
struct MissingCall<'t> {
    primary: &'t crate::diagnostic::Span,
    text: &'t str,
    wrong: String,
    type_name: String,
    arguments: usize,
}

impl<'t> MissingCall<'t> {
    fn read(diagnostic: &'t Diagnostic, sources: &'t Sources) -> Option<MissingCall<'t>> {
        if !diagnostic.message.starts_with("no method named") {
            return None;
        }
        let names = scan::backticked(&diagnostic.message);
        let (Some(wrong), Some(type_text)) = (names.first(), names.get(1)) else {
            return None;
        };
        let type_name = type_text
            .trim_start_matches('&')
            .trim_start_matches("mut ")
            .split('<')
            .next()
            .unwrap_or_default()
            .rsplit("::")
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let primary = diagnostic.primary.as_ref()?;
        let text = sources.get(&primary.file).unwrap_or_default();
        if !text[primary.byte_end..].trim_start().starts_with('(') {
            return None;
        }
        let open = primary.byte_end + text[primary.byte_end..].find('(')?;
        let arguments = scan::split_top_level(scan::balanced(text, open)?).len();
        Some(MissingCall {
            primary,
            text,
            wrong: wrong.to_string(),
            type_name,
            arguments,
        })
    }

    /// The workspace's methods of the type taking as many arguments, other than the wrong one.
    /// Where rustc has suggestions, they name the workspace's similar methods already.
    fn workspace_methods(&self, diagnostic: &Diagnostic, sources: &Sources) -> Vec<String> {
        if !diagnostic.suggestions.is_empty() {
            return Vec::new();
        }
        let mut methods: Vec<String> = methods_of(sources, &self.type_name)
            .into_iter()
            .filter(|(name, count)| *count == self.arguments && *name != self.wrong)
            .map(|(name, _)| name)
            .collect();
        methods.sort_by_key(|name| scan::edit_distance(name, &self.wrong));
        methods.dedup();
        methods
    }
}

impl Rule for RenamedMethods {
    const NAME: &'static str = "renamed-methods";
    const CODES: &'static [ErrorCode] = &[ErrorCode::from_static("E0599")];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let sources = context.sources();
        let Some(call) = MissingCall::read(diagnostic, sources) else {
            return Vec::new();
        };
        call.workspace_methods(diagnostic, sources)
            .into_iter()
            .take(3)
            .map(|name| {
                (
                    format!("the method was renamed to `{name}`"),
                    vec![replace(call.primary, &name)],
                )
            })
            .collect()
    }

    /// A dependency's methods, when the workspace has none to offer: a dependency's renamed ones
    /// rustc cannot know.
    fn dependency_alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let sources = context.sources();
        let Some(call) = MissingCall::read(diagnostic, sources) else {
            return Vec::new();
        };
        if !call.workspace_methods(diagnostic, sources).is_empty() {
            return Vec::new();
        }
        dependency_methods(context, &call)
    }
}

/// The methods a dependency's type offers in place of `wrong`: those that replace it (a note of
/// the version before a bump names them, or they have its signature), else those taking as many
/// arguments, likeliest first; a trait's method with the trait's `use` when the file lacks it.
fn dependency_methods(context: &Context<'_>, call: &MissingCall<'_>) -> Vec<(String, Vec<Edit>)> {
    let MissingCall {
        primary,
        text,
        wrong,
        type_name,
        arguments,
    } = call;
    let (text, arguments) = (*text, *arguments);
    let dependencies = context.dependencies();
    let crates = api::crates_used_by(text, dependencies);
    let mut offers = dependencies.methods_for(&crates, type_name, wrong, arguments);
    if offers.iter().any(|o| o.replaces) {
        offers.retain(|o| o.replaces);
    }
    let imported: Vec<String> = api::use_leaves(text)
        .into_iter()
        .filter_map(|leaf| leaf.name)
        .collect();
    let in_scope = |trait_path: &Option<String>| {
        trait_path.as_ref().is_none_or(|path| {
            let name = path.rsplit("::").next().unwrap_or(path);
            imported.iter().any(|i| i == name)
        })
    };
    // Equally likely methods: those whose trait the file already imports first.
    offers.sort_by_key(|offer| !in_scope(&offer.trait_path));
    let mut out = Vec::new();
    for offer in offers.into_iter().take(3) {
        let rename = replace(primary, &offer.name);
        let label = if offer.replaces {
            format!("`{wrong}` was renamed to `{}`", offer.name)
        } else {
            format!("the dependency's method `{}`", offer.name)
        };
        let missing_trait = offer.trait_path.filter(|path| {
            let name = path.rsplit("::").next().unwrap_or(path);
            !imported.iter().any(|i| i == name)
        });
        match missing_trait {
            Some(path) => {
                let at = scan::use_insertion_point(text);
                let import = Edit::insert(&primary.file, at, format!("use {path};\n"));
                out.push((
                    format!("{label}, with `use {path};`"),
                    vec![import, rename.clone()],
                ));
                out.push((label, vec![rename]));
            }
            None => out.push((label, vec![rename])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

    #[test]
    fn methods_taking_as_many_arguments_are_tried() {
        let text = "pub struct Cart;\nimpl Cart {\n    pub fn grand_total(&self) -> u32 { 1 }\n    pub fn add(&mut self, n: u32) {}\n}\n\
                    pub fn t(c: &Cart) -> u32 {\n    c.compute_total()\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0599",
            "no method named `compute_total` found for reference `&Cart` in the current scope",
            span_of(&sources, "src/lib.rs", "compute_total", 0),
        );
        let results = outcomes(&RenamedMethods, error, &sources);
        assert_eq!(results.len(), 1);
        assert!(results[0].1.contains("c.grand_total()"), "{}", results[0].1);
    }
}
