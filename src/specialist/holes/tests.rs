use std::path::Path;

use super::locate::looks_like_a_name;
use super::values::fits;
use super::*;
use crate::candidate::Alternative;
use crate::diagnostic::{Applicability, Suggestion};
use crate::patch::Sources;
use crate::plan::Scope;
use crate::specialist::Specialist;
use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

const LIB: &str = "pub struct Table {\n    pub decode_table: Vec<u8>,\n    pub len: usize,\n    pub label: Option<String>,\n}\n\
pub fn decode(input: &[u8], decode_table: &[u8], strict: bool) -> usize {\n    input.len() + decode_table.len() + usize::from(strict)\n}\n\
pub fn run(input: &[u8], strict: bool) -> usize {\n    let decode_table = vec![1u8, 2];\n    decode(input, true)\n}\n\
pub fn check(input: &[u8], lenient: bool) -> usize {\n    decode(input, input)\n}\n\
pub fn make(len: usize) -> Table {\n    Table { decode_table: Vec::new() }\n}\n\
pub fn build(size: usize) -> Table {\n    Table {\n        decode_table: vec![0; size],\n    }\n}\n";

fn lib() -> Sources {
    sources(&[("src/lib.rs", LIB)])
}

/// A dropped argument: rustc's E0061 with its placeholder suggestion over the call's parentheses.
fn dropped(sources: &Sources, call: &str, nth: usize, template: &str) -> Diagnostic {
    let name = span_of(sources, "src/lib.rs", call, nth);
    let mut error = diagnostic(
        "E0061",
        "this function takes 3 arguments but 2 arguments were supplied",
        name.clone(),
    );
    let text = sources.get(Path::new("src/lib.rs")).unwrap();
    let open = name.byte_end - 1;
    let close = open + 1 + scan::balanced(text, open).unwrap().len() + 1;
    error.placeholders.push(Suggestion {
        message: "provide the argument".to_owned(),
        applicability: Applicability::Unspecified,
        edits: vec![Edit::new(Path::new("src/lib.rs"), open..close, template)],
    });
    error.primary = Some(crate::diagnostic::Span {
        byte_end: open,
        ..name
    });
    error
}

/// Every alternative the rule proposes: `(label, line `line` of the result, invented values)`.
fn proposed(
    error: Diagnostic,
    sources: &Sources,
    line: usize,
) -> Vec<(String, String, Vec<String>)> {
    let scope = Scope {
        id: "test".to_owned(),
        code: error.code.clone(),
        phase: error.phase(),
        files: [PathBuf::from("src/lib.rs")].into(),
        diagnostics: vec![error.clone()],
    };
    let index = std::sync::OnceLock::new();
    let alternatives: Vec<Alternative> = Holes
        .propose(&scope, &Context::new(sources, &index))
        .into_iter()
        .flat_map(|p| p.alternatives)
        .collect();
    let texts = outcomes(&Holes, error, sources);
    alternatives
        .into_iter()
        .zip(texts)
        .map(|(alternative, (label, text))| {
            let at = text.lines().nth(line - 1).unwrap().trim().to_owned();
            (label, at, alternative.invented)
        })
        .collect()
}

#[test]
fn a_dropped_argument_takes_the_binding_of_its_name_borrowed_as_the_parameter_wants() {
    let sources = lib();
    let error = dropped(&sources, "decode(", 1, "(input, /* &[u8] */, true)");
    let results = proposed(error, &sources, 11);
    assert_eq!(
        results[0],
        (
            "fill the dropped argument `decode_table` with `&decode_table`".to_owned(),
            "decode(input, &decode_table, true)".to_owned(),
            vec![]
        )
    );
    // Then the only other binding of type `&[u8]` the call does not use yet: none (`input` is
    // used), so the made-up empty slice, and last `input` passed again: guesses, for the tests to
    // decide.
    assert_eq!(
        results[1..],
        [
            (
                "fill the dropped argument `decode_table` with the made-up `&[]`".to_owned(),
                "decode(input, &[], true)".to_owned(),
                vec!["&[]".to_owned()]
            ),
            (
                "fill the dropped argument `decode_table` with `input` again, which it passes already"
                    .to_owned(),
                "decode(input, input, true)".to_owned(),
                vec!["input".to_owned()]
            )
        ]
    );
}

#[test]
fn without_a_binding_of_its_name_the_one_unused_binding_of_its_type_fills_it() {
    let sources = lib();
    let error = dropped(&sources, "decode(", 2, "(input, input, /* bool */)");
    let results = proposed(error, &sources, 14);
    let lines: Vec<(&str, &[String])> = results
        .iter()
        .map(|(_, line, invented)| (line.as_str(), invented.as_slice()))
        .collect();
    assert_eq!(
        lines,
        [
            ("decode(input, input, lenient)", &[][..]),
            ("decode(input, input, false)", &["false".to_owned()][..])
        ]
    );
}

#[test]
fn a_missing_field_is_written_as_shorthand_in_the_literal_layout() {
    let sources = lib();
    let one_line = diagnostic(
        "E0063",
        "missing fields `label` and `len` in initializer of `Table`",
        span_of(&sources, "src/lib.rs", "Table", 2),
    );
    let results = proposed(one_line, &sources, 17);
    // `len` is in scope, `label` is not: no alternative from the code alone; made up, `label`
    // takes `None` beside the found `len`, then both made up.
    assert_eq!(
        results,
        [
            (
                "fill the missing field `label` with the made-up `None`; fill the missing field \
                 `len` with `len`"
                    .to_owned(),
                "Table { decode_table: Vec::new(), label: None, len }".to_owned(),
                vec!["label: None".to_owned()]
            ),
            (
                "fill the missing field `label` with the made-up `None`; fill the missing field \
                 `len` with the made-up `0`"
                    .to_owned(),
                "Table { decode_table: Vec::new(), label: None, len: 0 }".to_owned(),
                vec!["label: None".to_owned(), "len: 0".to_owned()]
            ),
        ]
    );
    let multi_line = diagnostic(
        "E0063",
        "missing field `len` in initializer of `Table`",
        span_of(&sources, "src/lib.rs", "Table", 4),
    );
    let results = outcomes(&Holes, multi_line, &sources);
    assert!(
        results[0]
            .1
            .contains("        decode_table: vec![0; size],\n        len: size,\n    }"),
        "{}",
        results[0].1
    );
    assert_eq!(results[0].0, "fill the missing field `len` with `size`");
}

#[test]
fn too_many_arguments_and_other_codes_are_not_holes() {
    let sources = lib();
    let extra = diagnostic(
        "E0061",
        "this function takes 3 arguments but 4 arguments were supplied",
        span_of(&sources, "src/lib.rs", "decode", 2),
    );
    assert!(outcomes(&Holes, extra, &sources).is_empty());
}

#[test]
fn small_helpers() {
    assert!(fits("Vec<_>", "Vec<u8>") && fits("{integer}", "u64") && !fits("String", "&str"));
    assert_eq!(
        empty_value(Some("HashMap<String,u8>")).as_deref(),
        Some("Default::default()")
    );
    assert_eq!(empty_value(None).as_deref(), Some("Default::default()"));
    assert_eq!(empty_value(Some("&Config")), None);
    assert!(looks_like_a_name("v2") && !looks_like_a_name("u8") && !looks_like_a_name("Vec<u8>"));
}

#[test]
fn a_binding_the_function_leaves_unused_fills_a_hole_nothing_else_names() {
    // `first` is the one `&Matrix` by type, but `next` (of no written type) is the binding the
    // function leaves unused, as a dropped argument leaves it: the stronger evidence.
    let text = "pub fn chain(first: &Matrix, matrices: &[Matrix]) -> Matrix {\n    \
                let mut product = first.clone();\n    for next in &matrices[1..] {\n        \
                product = product.multiply();\n    }\n    product\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let mut error = diagnostic(
        "E0061",
        "this method takes 1 argument but 0 arguments were supplied",
        span_of(&sources, "src/lib.rs", "multiply", 0),
    );
    let open = text.find("multiply(").unwrap() + "multiply".len();
    error.placeholders.push(Suggestion {
        message: "provide the argument".to_owned(),
        applicability: Applicability::Unspecified,
        edits: vec![Edit::new(
            Path::new("src/lib.rs"),
            open..open + 2,
            "(/* &Matrix */)",
        )],
    });
    let results = outcomes(&Holes, error, &sources);
    assert_eq!(results.len(), 1, "{results:?}");
    assert!(results[0].1.contains("product = product.multiply(next);"));
    assert_eq!(results[0].0, "fill the dropped argument #1 with `next`");
}

#[test]
fn a_parameter_rustc_names_is_not_typed_by_a_namesake_of_the_callee() {
    // `HashMap::get_mut`'s parameter has no type rustc can show (`/* k */`); the workspace's own
    // `get_mut` (by `id: u32`) is not the one called, so `count: u32` is no candidate.
    let text = "impl Customers {\n    pub fn get_mut(&mut self, id: u32) -> Option<&mut u32> {\n        \
                self.map.get_mut(&id)\n    }\n}\n\
                impl Stock {\n    pub fn restock(&mut self, sku: &str, count: u32) -> u32 {\n        \
                let item = self.items.get_mut().unwrap();\n        *item += count;\n        \
                *item\n    }\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let mut error = diagnostic(
        "E0061",
        "this method takes 1 argument but 0 arguments were supplied",
        span_of(&sources, "src/lib.rs", "get_mut", 2),
    );
    let open = text.find("get_mut()").unwrap() + "get_mut".len();
    error.placeholders.push(Suggestion {
        message: "provide the argument".to_owned(),
        applicability: Applicability::Unspecified,
        edits: vec![Edit::new(
            Path::new("src/lib.rs"),
            open..open + 2,
            "(/* k */)",
        )],
    });
    let results = outcomes(&Holes, error, &sources);
    assert_eq!(results[0].0, "fill the dropped argument `k` with `sku`");
    assert!(results[0].1.contains("self.items.get_mut(sku).unwrap()"));
}

#[test]
fn a_reference_rustc_leaves_to_inference_takes_the_one_reference_in_scope() {
    let text = "pub fn ship(&mut self, sku: &str, count: u32) -> u32 {\n    let left = self.reserved.remove(sku).unwrap_or(count);\n    self.items.get_mut().map_or(left, |_| 1)\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    // rustc names the generic parameter in the placeholder and types it only in a label.
    let mut error = dropped(&sources, "get_mut(", 0, "(/* k */)");
    error.message = "this method takes 1 argument but 0 arguments were supplied".to_owned();
    let call = span_of(&sources, "src/lib.rs", "()", 0);
    let error = crate::specialist::testing::with_secondary(
        error,
        call,
        "argument #1 of type `&_` is missing",
    );
    let results = proposed(error, &sources, 3);
    // `sku` is used elsewhere, so only its type names it: `&str` is a reference as `&_` is, where
    // `count` would need a borrow.
    assert_eq!(results[0].1, "self.items.get_mut(sku).map_or(left, |_| 1)");
    assert!(results[0].2.is_empty(), "found, not made up: {results:?}");
    assert!(fits("&str", "&_") && fits("&mut Vec<u8>", "&_") && !fits("u32", "&_"));
}

#[test]
fn a_lone_hole_with_two_bindings_of_its_type_tries_each_as_a_guess() {
    let text = "pub struct Point {\n    pub x: f64,\n}\nimpl Point {\n    pub fn midpoint(&self, other: &Point) -> Point {\n        Point { x: (self.x + other.x) / 2.0 }\n    }\n}\n\
                pub fn t() -> f64 {\n    let a: Point = Point { x: 0.0 };\n    let b: Point = Point { x: 2.0 };\n    a.midpoint().x + b.x + a.x\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let mut error = dropped(&sources, "midpoint(", 1, "(/* &Point */)");
    error.message = "this method takes 1 argument but 0 arguments were supplied".to_owned();
    let results = proposed(error, &sources, 12);
    let lines: Vec<(&str, &[String])> = results
        .iter()
        .map(|(_, line, invented)| (line.as_str(), invented.as_slice()))
        .collect();
    // Nothing tells `a` from `b`: both are tried, and only passing tests may accept either.
    assert_eq!(
        lines,
        [
            ("a.midpoint(&a).x + b.x + a.x", &["&a".to_owned()][..]),
            ("a.midpoint(&b).x + b.x + a.x", &["&b".to_owned()][..])
        ]
    );
    assert_eq!(
        results[1].0,
        "fill the dropped argument `other` with `&b`, one of 2 bindings of its type"
    );
}
