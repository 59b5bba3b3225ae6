use super::*;
use crate::specialist::testing::{diagnostic, outcomes, sources, span_of, with_secondary};

/// The line of `text` that changed in each alternative.
fn changed_lines(text: &str, error: Diagnostic) -> Vec<String> {
    let sources = sources(&[("src/lib.rs", text)]);
    outcomes(&Conversions, error, &sources)
        .into_iter()
        .map(|(_, after)| {
            after
                .lines()
                .zip(text.lines())
                .find(|(new, old)| new != old)
                .map(|(new, _)| new.trim().to_owned())
                .expect("a changed line")
        })
        .collect()
}

fn rewrites(expected: &str, found: &str, expression: &str) -> Vec<String> {
    let text = format!("fn f() {{\n    let x = {expression};\n}}\n");
    let sources = sources(&[("src/lib.rs", &text)]);
    let mut error = diagnostic(
        "E0308",
        "mismatched types",
        span_of(&sources, "src/lib.rs", expression, 0),
    );
    error.label = Some(format!("expected `{expected}`, found `{found}`"));
    changed_lines(&text, error)
        .into_iter()
        .map(|line| {
            line.trim_start_matches("let x = ")
                .trim_end_matches(';')
                .to_owned()
        })
        .collect()
}

#[test]
fn conversions_follow_the_label() {
    assert_eq!(
        rewrites("Option<String>", "&str", "name"),
        ["Some(name.to_string())"]
    );
    assert_eq!(rewrites("i64", "i32", "r.milli"), ["r.milli.into()"]);
    assert_eq!(rewrites("f64", "u32", "a + b"), ["(a + b).into()"]);
    assert_eq!(rewrites("i32", "i64", "r.milli"), ["r.milli as i32"]);
    assert_eq!(rewrites("Item", "&Item", "i"), ["i.clone()"]);
    assert_eq!(
        rewrites("Option<String>", "&str", "\"server room\""),
        ["Some(\"server room\".to_string())"]
    );
    // Nothing derived: a `From` impl may still exist.
    assert_eq!(rewrites("Config", "Settings", "s"), ["s.into()"]);
}

#[test]
fn the_note_names_the_types_when_the_label_does_not() {
    let text = "fn f(v: &Vec<u8>) {\n    let z: &mut Vec<u8> = v;\n    g(v);\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let mut error = diagnostic(
        "E0308",
        "mismatched types",
        span_of(&sources, "src/lib.rs", "v;", 0),
    );
    error.primary.as_mut().unwrap().byte_end -= 1;
    error.label = Some("types differ in mutability".to_owned());
    error.notes = vec![
        "expected mutable reference `&mut Vec<_>`\n           found reference `&Vec<_>`".to_owned(),
    ];
    // No expression-level conversion turns `&` into `&mut`.
    assert!(changed_lines(text, error.clone()).is_empty());
    error.notes = vec!["  expected enum `Option<String>`\nfound reference `&str`".to_owned()];
    assert_eq!(
        changed_lines(text, error)[0],
        "let z: &mut Vec<u8> = Some(v.to_string());"
    );
}

#[test]
fn a_shorthand_field_is_written_out() {
    let text = "fn f(name: &str) -> W {\n    W { name, tags: vec![] }\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let mut error = diagnostic(
        "E0308",
        "mismatched types",
        span_of(&sources, "src/lib.rs", "name", 1),
    );
    error.label = Some("expected `Option<String>`, found `&str`".to_owned());
    assert_eq!(
        changed_lines(text, error)[0],
        "W { name: Some(name.to_string()), tags: vec![] }"
    );
    assert!(
        !is_shorthand_field("{\n    ", "name", "\n}"),
        "a block's value"
    );
    assert!(!is_shorthand_field("f(", "name", ")"));
    assert!(is_shorthand_field("geo::Point { x: 1, ", "y", " }"));
}

#[test]
fn an_operand_keeps_its_rewrite_whole() {
    let text = "fn f(a: u64, b: u32) -> u64 {\n    a + b\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let mut error = diagnostic(
        "E0308",
        "mismatched types",
        span_of(&sources, "src/lib.rs", "b", 1),
    );
    error.label = Some("expected `u64`, found `u32`".to_owned());
    assert_eq!(changed_lines(text, error.clone()), ["a + u64::from(b)"]);
    error.label = Some("expected `u32`, found `u64`".to_owned());
    assert_eq!(changed_lines(text, error), ["a + (b as u32)"]);
}

#[test]
fn a_literal_element_is_converted_alone_then_with_the_later_ones() {
    let text = "fn f(a: u32, b: u32) -> Vec<u64> {\n    let v = vec![a, b, 7];\n    v[i]\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let mut error = diagnostic(
        "E0308",
        "mismatched types",
        span_of(&sources, "src/lib.rs", "a", 1),
    );
    error.label = Some("expected `u64`, found `u32`".to_owned());
    assert_eq!(
        changed_lines(text, error),
        [
            "let v = vec![a.into(), b, 7];",
            "let v = vec![a.into(), b.into(), 7];"
        ]
    );
    let index = span_of(&sources, "src/lib.rs", "i", 0);
    assert!(later_elements(text, &index).is_empty(), "an index");
}

#[test]
fn mismatched_arguments_convert_together() {
    let text = "fn f(s: &String, n: &u32) -> usize {\n    takes(s, n, 1)\n}\n";
    let sources = sources(&[("src/lib.rs", text)]);
    let error = diagnostic(
        "E0308",
        "arguments to this function are incorrect",
        span_of(&sources, "src/lib.rs", "takes", 0),
    );
    let error = with_secondary(
        error,
        span_of(&sources, "src/lib.rs", "s", 3),
        "expected `String`, found `&String`",
    );
    let error = with_secondary(
        error,
        span_of(&sources, "src/lib.rs", "n", 3),
        "expected `u64`, found `&u32`",
    );
    assert_eq!(
        changed_lines(text, error),
        ["takes(s.clone(), (*n).into(), 1)"]
    );
}
