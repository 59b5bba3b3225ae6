//! Methods renamed to a dissimilar name (E0599 "no method named `x` found"), which rustc cannot
//! match: the type's own methods that take as many arguments, the likeliest name first.

use std::sync::LazyLock;

use regex::Regex;

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

impl Rule for RenamedMethods {
    const NAME: &'static str = "renamed-methods";
    const CODES: &'static [ErrorCode] = &[ErrorCode::from_static("E0599")];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let sources = context.sources();
        if !diagnostic.message.starts_with("no method named") || !diagnostic.suggestions.is_empty()
        {
            return Vec::new();
        }
        let names = scan::backticked(&diagnostic.message);
        let (Some(wrong), Some(type_text)) = (names.first(), names.get(1)) else {
            return Vec::new();
        };
        let type_name = type_text
            .trim_start_matches('&')
            .trim_start_matches("mut ")
            .split('<')
            .next()
            .unwrap_or_default()
            .trim();
        let Some(primary) = &diagnostic.primary else {
            return Vec::new();
        };
        let text = sources.get(&primary.file).unwrap_or_default();
        let arguments = text[primary.byte_end..]
            .trim_start()
            .starts_with('(')
            .then(|| {
                let open = primary.byte_end + text[primary.byte_end..].find('(')?;
                Some(scan::split_top_level(scan::balanced(text, open)?).len())
            })
            .flatten();
        let Some(arguments) = arguments else {
            return Vec::new();
        };
        let mut methods: Vec<String> = methods_of(sources, type_name)
            .into_iter()
            .filter(|(name, count)| *count == arguments && name != wrong)
            .map(|(name, _)| name)
            .collect();
        methods.sort_by_key(|name| scan::edit_distance(name, wrong));
        methods.dedup();
        methods
            .into_iter()
            .take(3)
            .map(|name| {
                (
                    format!("the method was renamed to `{name}`"),
                    vec![replace(primary, &name)],
                )
            })
            .collect()
    }
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
