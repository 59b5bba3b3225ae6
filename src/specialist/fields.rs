//! Renamed fields: a struct literal, pattern or access naming a field the type no longer has.
//! rustc suggests a name only when it is similar; after a rename (`name` → `title`) it only lists
//! what is available. Each available field is an alternative, likeliest first; the gate decides.

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;

use super::Context;
use super::rule::{Rule, replace, text_of};
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct FieldNames;

/// An unknown field in a struct literal.
const UNKNOWN_IN_LITERAL: ErrorCode = ErrorCode::from_static("E0560");
/// No such field on a type (an access).
const NO_FIELD: ErrorCode = ErrorCode::from_static("E0609");
/// An unknown field in a pattern.
const UNKNOWN_IN_PATTERN: ErrorCode = ErrorCode::from_static("E0026");

impl Rule for FieldNames {
    const NAME: &'static str = "field-names";
    const CODES: &'static [ErrorCode] = &[UNKNOWN_IN_LITERAL, NO_FIELD, UNKNOWN_IN_PATTERN];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let sources = context.sources();
        let Some(primary) = &diagnostic.primary else {
            return Vec::new();
        };
        let Some(wrong) = text_of(sources, primary) else {
            return Vec::new();
        };
        let mut candidates: Vec<String> = diagnostic
            .notes
            .iter()
            .filter_map(|note| note.strip_prefix("available fields are: "))
            .flat_map(scan::backticked)
            .map(str::to_owned)
            .collect();
        if candidates.is_empty() {
            candidates = fields_of_type(diagnostic, context);
        }
        candidates.retain(|field| field != wrong);
        let text = sources.get(&primary.file).unwrap_or_default();
        if diagnostic.code.as_ref() == Some(&UNKNOWN_IN_LITERAL) {
            // A literal names each field once: those it gives already are not the renamed one.
            let given = fields_given(text, primary.byte_start);
            candidates.retain(|field| !given.contains(field));
        }
        candidates.sort_by_key(|field| scan::edit_distance(field, wrong));
        // `Book { name }` is shorthand for `name: name`: keep the value, change the field.
        let shorthand = diagnostic.code.as_ref().is_some_and(|c| *c != NO_FIELD)
            && !text[primary.byte_end..].trim_start().starts_with(':');
        candidates
            .into_iter()
            .take(6)
            .map(|field| {
                let replacement = if shorthand {
                    format!("{field}: {wrong}")
                } else {
                    field.clone()
                };
                (
                    format!("the field was renamed to `{field}`"),
                    vec![replace(primary, &replacement)],
                )
            })
            .collect()
    }
}

/// The fields a struct literal around byte `at` of `text` gives (`name: value`, or `name` as
/// shorthand), the one at `at` included.
fn fields_given(text: &str, at: usize) -> Vec<String> {
    let mut depth = 0usize;
    let open = text[..at].bytes().enumerate().rev().find_map(|(i, byte)| {
        match byte {
            b'}' | b')' | b']' => depth += 1,
            b'{' | b'(' | b'[' if depth > 0 => depth -= 1,
            b'{' => return Some(i),
            _ => {}
        }
        None
    });
    let Some(body) = open.and_then(|open| scan::balanced(text, open)) else {
        return Vec::new();
    };
    scan::split_top_level(body)
        .into_iter()
        .filter_map(|(_, entry)| {
            let name = entry.split(':').next()?.trim();
            let plain = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            plain.then(|| name.to_owned())
        })
        .collect()
}

/// The fields of the type a message names (`no field `x` on type `&Book``).
fn fields_of_type(diagnostic: &Diagnostic, context: &Context<'_>) -> Vec<String> {
    let names = scan::backticked(&diagnostic.message);
    let Some(type_text) = names.get(1) else {
        return Vec::new();
    };
    let type_name = type_text
        .trim_start_matches(['&', ' '])
        .trim_start_matches("mut ")
        .split(['<', ' '])
        .next()
        .unwrap_or_default()
        .rsplit("::")
        .next()
        .unwrap_or_default();
    let Some(file) = diagnostic.file() else {
        return Vec::new();
    };
    let Some(item) = context.index().type_named(type_name, file) else {
        return Vec::new();
    };
    let text = context.sources().get(&item.file).unwrap_or_default();
    scan::struct_fields(text, item.line_start)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

    const LIB: &str = "pub struct Book {\n    pub title: String,\n    pub pages: u32,\n}\n\
                       pub fn make(name: String) -> Book {\n    Book { name, pages: 3 }\n}\n\
                       pub fn pages(b: &Book) -> u32 {\n    b.page_count\n}\n";

    #[test]
    fn a_renamed_field_in_a_shorthand_literal_keeps_its_value() {
        let sources = sources(&[("src/lib.rs", LIB)]);
        let mut error = diagnostic(
            "E0560",
            "struct `Book` has no field named `name`",
            span_of(&sources, "src/lib.rs", "name", 1),
        );
        error.notes.push("available fields are: `title`".to_owned());
        let results = outcomes(&FieldNames, error, &sources);
        assert_eq!(results.len(), 1);
        assert!(
            results[0].1.contains("Book { title: name, pages: 3 }"),
            "{}",
            results[0].1
        );
    }

    #[test]
    fn a_literal_never_gets_a_field_it_gives_already() {
        let lib = "pub struct Matrix {\n    pub rows: usize,\n    pub cols: usize,\n    pub data: Vec<f64>,\n}\n\
                   pub fn make(rows: usize) -> Matrix {\n    Matrix { rows, colz: rows, data: vec![0.0; rows] }\n}\n";
        let sources = sources(&[("src/lib.rs", lib)]);
        let mut error = diagnostic(
            "E0560",
            "struct `Matrix` has no field named `colz`",
            span_of(&sources, "src/lib.rs", "colz", 0),
        );
        error
            .notes
            .push("available fields are: `rows`, `cols`, `data`".to_owned());
        let results = outcomes(&FieldNames, error, &sources);
        let fields: Vec<&str> = results.iter().map(|(label, _)| label.as_str()).collect();
        assert_eq!(fields, ["the field was renamed to `cols`"]);
    }

    #[test]
    fn an_unknown_field_access_tries_the_type_fields_likeliest_first() {
        let sources = sources(&[("src/lib.rs", LIB)]);
        let error = diagnostic(
            "E0609",
            "no field `page_count` on type `&Book`",
            span_of(&sources, "src/lib.rs", "page_count", 0),
        );
        let results = outcomes(&FieldNames, error, &sources);
        let accesses: Vec<&str> = results
            .iter()
            .map(|(_, text)| text.lines().nth(8).unwrap().trim())
            .collect();
        assert_eq!(accesses, ["b.pages", "b.title"]);
    }
}
