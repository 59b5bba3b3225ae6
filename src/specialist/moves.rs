//! Use after move (E0382, E0505): borrow at the place the value moved, or clone it there. The
//! borrow comes first, since it keeps the code's cost; whether the callee accepts a reference is for
//! the gate to say.

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;

use super::Context;
use super::rule::{Rule, text_of};

#[derive(Clone, Copy, Debug, Default)]
pub struct Moves;

impl Rule for Moves {
    const NAME: &'static str = "moves";
    const CODES: &'static [ErrorCode] = &[
        ErrorCode::from_static("E0382"),
        ErrorCode::from_static("E0505"),
    ];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let moved = diagnostic.secondary.iter().find(|s| {
            s.label.as_deref().is_some_and(|l| {
                l.starts_with("value moved here") || l.starts_with("value partially moved here")
            })
        });
        let Some(moved) = moved else {
            return Vec::new();
        };
        let Some(expression) = text_of(context.sources(), &moved.span) else {
            return Vec::new();
        };
        let simple = expression
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if !simple || expression.is_empty() {
            return Vec::new();
        }
        let insert = |at: usize, text: &str| Edit::insert(&moved.span.file, at, text);
        vec![
            (
                format!("borrow `{expression}` instead of moving it"),
                vec![insert(moved.span.byte_start, "&")],
            ),
            (
                format!("clone `{expression}` where it moves"),
                vec![insert(moved.span.byte_end, ".clone()")],
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of, with_secondary};

    #[test]
    fn a_partial_move_is_borrowed_first_then_cloned() {
        let text = "pub fn f(post: Post) -> usize {\n    let tags = count(post.tags);\n    show(&post) + tags\n}\n";
        let sources = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0382",
            "borrow of partially moved value: `post`",
            span_of(&sources, "src/lib.rs", "&post", 0),
        );
        let error = with_secondary(
            error,
            span_of(&sources, "src/lib.rs", "post.tags", 0),
            "value partially moved here",
        );
        let lines: Vec<String> = outcomes(&Moves, error, &sources)
            .into_iter()
            .map(|(_, t)| t.lines().nth(1).unwrap().to_owned())
            .collect();
        assert_eq!(
            lines,
            [
                "    let tags = count(&post.tags);",
                "    let tags = count(post.tags.clone());"
            ]
        );
    }
}
