//! Type mismatches rustc leaves without a fix (E0308): conversions chosen from its label
//! "expected `X`, found `Y`", each an alternative for the gate (and the tests) to choose from.

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;

use super::Context;
use super::rule::{Rule, replace, text_of};
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct Conversions;

const NUMBERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64",
];

/// Rewrites of `e` that turn a `found` into an `expected`, most specific first.
fn conversions(expected: &str, found: &str, e: &str, raw: &str) -> Vec<String> {
    let found_str = found.starts_with('&')
        && found
            .trim_start_matches('&')
            .trim_start_matches("'static ")
            .trim()
            == "str";
    let mut out = Vec::new();
    match expected {
        "Option<String>" if found_str => out.push(format!("Some({e}.to_string())")),
        "String" if found_str => out.push(format!("{e}.to_string()")),
        "&str" if found == "String" => out.extend([format!("&{e}"), format!("{e}.as_str()")]),
        _ => {}
    }
    if let Some(inner) = expected
        .strip_prefix("Option<")
        .and_then(|rest| rest.strip_suffix('>'))
        && inner == found
    {
        out.push(format!("Some({e})"));
    }
    if NUMBERS.contains(&expected) && NUMBERS.contains(&found) {
        out.extend([
            format!("{e}.into()"),
            format!("{expected}::from({raw})"),
            format!("{e} as {expected}"),
        ]);
    }
    if let Some(referent) = found.strip_prefix('&')
        && referent == expected
    {
        out.extend([format!("{e}.clone()"), format!("*{e}")]);
    }
    if let Some(referent) = expected.strip_prefix('&')
        && referent == found
    {
        out.push(format!("&{e}"));
    }
    if out.is_empty() {
        out.push(format!("{e}.into()"));
    }
    out
}

impl Rule for Conversions {
    const NAME: &'static str = "conversions";
    const CODES: &'static [ErrorCode] = &[ErrorCode::from_static("E0308")];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let Some(label) = &diagnostic.label else {
            return Vec::new();
        };
        if !label.starts_with("expected") {
            return Vec::new();
        }
        let types = scan::backticked(label);
        let (Some(expected), Some(found)) = (types.first(), types.get(1)) else {
            return Vec::new();
        };
        let Some(primary) = &diagnostic.primary else {
            return Vec::new();
        };
        let Some(expression) = text_of(context.sources(), primary) else {
            return Vec::new();
        };
        if expression.contains('\n') || expression.is_empty() {
            return Vec::new();
        }
        let literal =
            expression.len() > 1 && expression.starts_with('"') && expression.ends_with('"');
        let atomic = literal
            || expression
                .chars()
                .all(|c| c.is_alphanumeric() || "_.\"()&'".contains(c));
        let e = if atomic {
            expression.to_owned()
        } else {
            format!("({expression})")
        };
        conversions(expected, found, &e, expression)
            .into_iter()
            .map(|rewrite| {
                (
                    format!("convert `{found}` to `{expected}`: `{rewrite}`"),
                    vec![replace(primary, &rewrite)],
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

    fn rewrites(expected: &str, found: &str, expression: &str) -> Vec<String> {
        let text = format!("fn f() {{\n    let x = {expression};\n}}\n");
        let sources = sources(&[("src/lib.rs", &text)]);
        let mut error = diagnostic(
            "E0308",
            "mismatched types",
            span_of(&sources, "src/lib.rs", expression, 0),
        );
        error.label = Some(format!("expected `{expected}`, found `{found}`"));
        outcomes(&Conversions, error, &sources)
            .into_iter()
            .map(|(_, t)| {
                t.lines()
                    .nth(1)
                    .unwrap()
                    .trim()
                    .trim_start_matches("let x = ")
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
        assert_eq!(
            rewrites("i64", "i32", "r.milli"),
            ["r.milli.into()", "i64::from(r.milli)", "r.milli as i64"]
        );
        assert_eq!(
            rewrites("f64", "u32", "a + b"),
            ["(a + b).into()", "f64::from(a + b)", "(a + b) as f64"]
        );
        assert_eq!(rewrites("Item", "&Item", "i"), ["i.clone()", "*i"]);
        assert_eq!(
            rewrites("Option<String>", "&str", "\"server room\""),
            ["Some(\"server room\".to_string())"]
        );
    }
}
