//! Missing `mut` where rustc offers no fix (E0596, E0594, E0384): the nearest `let` of the
//! binding above the error, in the same file, gets `mut`; and a binding made by a pattern over a
//! shared borrow (`match &self.lines { Some(lines) => lines.push(..) }`) gets its borrow made
//! `&mut`: the nearest two such borrows above the error are the alternatives.

use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::patch::Sources;

use super::Context;
use super::rule::Rule;
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct MissingMut;

static ROOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\*?([A-Za-z_][A-Za-z0-9_]*)").expect("valid regex"));

impl Rule for MissingMut {
    const NAME: &'static str = "missing-mut";
    const CODES: &'static [ErrorCode] = &[
        ErrorCode::from_static("E0596"),
        ErrorCode::from_static("E0594"),
        ErrorCode::from_static("E0384"),
    ];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let sources = context.sources();
        if diagnostic.message.contains("behind a") {
            return borrowed_scrutinees(diagnostic, sources);
        }
        let names = scan::backticked(&diagnostic.message);
        // "cannot assign to `p.x`, as `p` is not declared as mutable": the binding is the last.
        let Some(binding) = names
            .last()
            .and_then(|n| ROOT.captures(n))
            .map(|c| c[1].to_owned())
        else {
            return Vec::new();
        };
        let Some(primary) = &diagnostic.primary else {
            return Vec::new();
        };
        let Some(text) = sources.get(&primary.file) else {
            return Vec::new();
        };
        let pattern = Regex::new(&format!(
            r"\blet\s+(\(?[^=;]*?)\b{}\b",
            regex::escape(&binding)
        ))
        .expect("valid regex");
        let Some(found) = pattern.captures_iter(&text[..primary.byte_start]).last() else {
            return Vec::new();
        };
        let whole = found.get(0).expect("group 0");
        let at = whole.end() - binding.len();
        if text[..at].trim_end().ends_with("mut") {
            return Vec::new();
        }
        let edit = Edit::insert(&primary.file, at, "mut ");
        vec![(format!("declare `{binding}` mutable"), vec![edit])]
    }
}

static SHARED_BORROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\bmatch\s+|=\s*|\bin\s+)&([^m\s]|m[^u]|mu[^t]|mut[^\s])").expect("valid regex")
});

/// Shared borrows that a pattern above the error destructures, nearest first, made `&mut`.
fn borrowed_scrutinees(diagnostic: &Diagnostic, sources: &Sources) -> Vec<(String, Vec<Edit>)> {
    let Some(primary) = &diagnostic.primary else {
        return Vec::new();
    };
    let Some(text) = sources.get(&primary.file) else {
        return Vec::new();
    };
    // Only within the enclosing function.
    let function = text[..primary.byte_start].rfind("fn ").unwrap_or(0);
    let mut borrows: Vec<usize> = SHARED_BORROW
        .find_iter(&text[function..primary.byte_start])
        .map(|found| function + found.start() + found.as_str().find('&').unwrap_or(0) + 1)
        .collect();
    borrows.reverse();
    borrows
        .into_iter()
        .take(2)
        .map(|at| {
            let edit = Edit::insert(&primary.file, at, "mut ");
            (
                "borrow the destructured value mutably".to_owned(),
                vec![edit],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

    #[test]
    fn the_nearest_let_of_the_binding_gets_mut() {
        let text = "pub fn f() -> i32 {\n    let p = (1, 2);\n    let (a, b) = p;\n    b = 3;\n    a + b\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0384",
            "cannot assign twice to immutable variable `b`",
            span_of(&sources, "src/lib.rs", "b = 3", 0),
        );
        let results = outcomes(&MissingMut, error, &sources);
        assert_eq!(results.len(), 1);
        assert!(
            results[0].1.contains("let (a, mut b) = p;"),
            "{}",
            results[0].1
        );
    }

    #[test]
    fn behind_a_reference_it_stays_out() {
        let sources = sources(&[("src/lib.rs", "fn f(v: &Vec<u8>) { v.push(1) }\n")]);
        let error = diagnostic(
            "E0596",
            "cannot borrow `*v` as mutable, as it is behind a `&` reference",
            span_of(&sources, "src/lib.rs", "v.push", 0),
        );
        assert!(outcomes(&MissingMut, error, &sources).is_empty());
    }
}
