//! Extra arguments after a refactor removed a parameter (E0061). rustc's own fix has placeholders;
//! removing the argument it calls unexpected is concrete, and removing each other argument in turn
//! covers the case where its guess is wrong. Missing arguments are the `Holes` rule's.

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;

use super::Context;
use super::rule::Rule;
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct ExtraArguments;

impl Rule for ExtraArguments {
    const NAME: &'static str = "extra-arguments";
    const CODES: &'static [ErrorCode] = &[ErrorCode::from_static("E0061")];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let Some((wanted, supplied)) = scan::argument_counts(&diagnostic.message) else {
            return Vec::new();
        };
        if supplied <= wanted {
            return Vec::new();
        }
        let Some(primary) = &diagnostic.primary else {
            return Vec::new();
        };
        let Some(text) = context.sources().get(&primary.file) else {
            return Vec::new();
        };
        // The argument list is the first parenthesis after the callee's name.
        let Some(open) = text[primary.byte_end..]
            .find('(')
            .map(|at| primary.byte_end + at)
        else {
            return Vec::new();
        };
        let Some(inside) = scan::balanced(text, open) else {
            return Vec::new();
        };
        let arguments: Vec<(usize, usize)> = scan::split_top_level(inside)
            .into_iter()
            .map(|(offset, part)| (open + 1 + offset, part.len()))
            .collect();
        if arguments.len() != supplied {
            return Vec::new();
        }
        let flagged: Vec<usize> = diagnostic
            .secondary
            .iter()
            .filter(|s| {
                s.label
                    .as_deref()
                    .is_some_and(|l| l.starts_with("unexpected argument"))
            })
            .filter_map(|s| {
                arguments.iter().position(|&(start, len)| {
                    start <= s.span.byte_start && s.span.byte_end <= start + len
                })
            })
            .collect();
        let mut removals: Vec<Vec<usize>> = Vec::new();
        if flagged.len() == supplied - wanted {
            removals.push(flagged);
        }
        if supplied - wanted == 1 {
            removals.extend((0..supplied).rev().map(|n| vec![n]));
        }
        removals
            .into_iter()
            .map(|remove| {
                let label = format!(
                    "remove argument #{}",
                    remove
                        .iter()
                        .map(|n| (n + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", #")
                );
                let edit = removal_edit(text, open, &arguments, &remove, &primary.file);
                (label, vec![edit])
            })
            .collect()
    }
}

/// One edit rewriting the argument list without the arguments at `remove`.
fn removal_edit(
    text: &str,
    open: usize,
    arguments: &[(usize, usize)],
    remove: &[usize],
    file: &std::path::Path,
) -> Edit {
    let kept: Vec<&str> = arguments
        .iter()
        .enumerate()
        .filter(|(n, _)| !remove.contains(n))
        .map(|(_, &(start, len))| text[start..start + len].trim())
        .collect();
    let close = arguments
        .last()
        .map_or(open + 1, |&(start, len)| start + len);
    Edit::new(file, open + 1..close, kept.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of, with_secondary};

    #[test]
    fn the_flagged_argument_goes_first_then_each_other() {
        let text = "pub fn scale(x: u32) -> u32 { x }\npub fn call() -> u32 { scale(1, offset(2)) }\nfn offset(x: u32) -> u32 { x }\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0061",
            "this function takes 1 argument but 2 arguments were supplied",
            span_of(&sources, "src/lib.rs", "scale", 1),
        );
        let error = with_secondary(
            error,
            span_of(&sources, "src/lib.rs", "offset(2)", 0),
            "unexpected argument #2 of type `u32`",
        );
        let calls: Vec<String> = outcomes(&ExtraArguments, error, &sources)
            .into_iter()
            .map(|(_, text)| text.lines().nth(1).unwrap().to_owned())
            .collect();
        assert_eq!(
            calls,
            [
                "pub fn call() -> u32 { scale(1) }",
                "pub fn call() -> u32 { scale(offset(2)) }"
            ]
        );
    }

    #[test]
    fn missing_arguments_are_not_invented() {
        let sources = sources(&[("src/lib.rs", "fn f(a: u8, b: u8) {}\nfn g() { f(1) }\n")]);
        let error = diagnostic(
            "E0061",
            "this function takes 2 arguments but 1 argument was supplied",
            span_of(&sources, "src/lib.rs", "f", 2),
        );
        assert!(outcomes(&ExtraArguments, error, &sources).is_empty());
    }
}
