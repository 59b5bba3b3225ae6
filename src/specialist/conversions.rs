//! Type mismatches rustc leaves without a fix (E0308): conversions derived from the types it
//! names, "expected `X`, found `Y`" in its label (or, where the label says something else, its
//! note "expected struct `X`\n found reference `Y`"), each an alternative for the gate (and the
//! tests) to choose from. A call whose several arguments mismatch names each argument's pair in a
//! label of its own; they are converted together.

mod derive;
mod expr;
mod ty;

use crate::diagnostic::{Diagnostic, Span};
use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::patch::Sources;

use super::Context;
use super::rule::{Rule, replace};
use super::scan;

use derive::Place;
use expr::{Expr, Prec};
use ty::Ty;

#[derive(Clone, Copy, Debug, Default)]
pub struct Conversions;

/// One mismatched expression: where it is and the two types.
struct Site<'d> {
    span: &'d Span,
    expected: Ty,
    found: Ty,
}

impl Rule for Conversions {
    const NAME: &'static str = "conversions";
    const CODES: &'static [ErrorCode] = &[ErrorCode::from_static("E0308")];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let sources = context.sources();
        let sites = sites(diagnostic);
        // Each site's rewrites, as (label, edits), in rank order.
        let per_site: Vec<Vec<(String, Vec<Edit>)>> = sites
            .iter()
            .map(|site| rewrites_at(site, sources))
            .collect();
        if per_site.is_empty() || per_site.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        // The sites of one error are fixed together: the nth alternative takes each site's nth
        // rewrite, or its last when it has fewer.
        let count = per_site.iter().map(Vec::len).max().unwrap_or(0);
        (0..count)
            .map(|rank| {
                let chosen: Vec<&(String, Vec<Edit>)> = per_site
                    .iter()
                    .map(|rewrites| &rewrites[rank.min(rewrites.len() - 1)])
                    .collect();
                let label = chosen
                    .iter()
                    .map(|(label, _)| label.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                let edits = chosen
                    .into_iter()
                    .flat_map(|(_, edits)| edits.iter().cloned())
                    .collect();
                (label, edits)
            })
            .collect()
    }
}

/// The mismatched expressions of `diagnostic`: its primary span with the types its label (or its
/// note) names; or, for a call whose arguments mismatch ("arguments to this function are
/// incorrect", whose label is on the callee), each argument rustc labels with its pair.
fn sites(diagnostic: &Diagnostic) -> Vec<Site<'_>> {
    let Some(primary) = &diagnostic.primary else {
        return Vec::new();
    };
    if let Some((expected, found)) = diagnostic.label.as_deref().and_then(pair_in_label) {
        return vec![Site {
            span: primary,
            expected,
            found,
        }];
    }
    let arguments: Vec<Site<'_>> = diagnostic
        .secondary
        .iter()
        .filter_map(|labeled| {
            let (expected, found) = pair_in_label(labeled.label.as_deref()?)?;
            Some(Site {
                span: &labeled.span,
                expected,
                found,
            })
        })
        .collect();
    if !arguments.is_empty() {
        return arguments;
    }
    diagnostic
        .notes
        .iter()
        .find_map(|note| pair_in_note(note))
        .map(|(expected, found)| {
            vec![Site {
                span: primary,
                expected,
                found,
            }]
        })
        .unwrap_or_default()
}

/// The types of a label "expected `X`, found `Y`".
fn pair_in_label(label: &str) -> Option<(Ty, Ty)> {
    if !label.starts_with("expected ") || !label.contains(", found ") {
        return None;
    }
    let types = scan::backticked(label);
    match types.as_slice() {
        [expected, found] => Some((Ty::parse(expected), Ty::parse(found))),
        _ => None,
    }
}

/// The types of a note "expected struct `X`\n   found reference `Y`" (the kinds vary: enum,
/// reference, mutable reference, type…), where rustc writes left-out generic arguments as `_`.
fn pair_in_note(note: &str) -> Option<(Ty, Ty)> {
    let (expected, found) = note.trim_start().split_once('\n')?;
    let (expected, found) = (expected.trim_start(), found.trim_start());
    if !expected.starts_with("expected ") || !found.starts_with("found ") {
        return None;
    }
    match (
        scan::backticked(expected).as_slice(),
        scan::backticked(found).as_slice(),
    ) {
        ([expected], [found]) => Some((Ty::parse(expected), Ty::parse(found))),
        _ => None,
    }
}

/// The rewrites of one site, each as its label and its edits, most direct first; none for text
/// that is not one expression on one line. An element of a `vec![…]` or array literal gets each
/// rewrite twice: alone, then with the literal's later elements converted the same way, since
/// rustc reports only the first element that mismatches, and the next one, worded the same,
/// takes its place once it is fixed.
fn rewrites_at(site: &Site<'_>, sources: &Sources) -> Vec<(String, Vec<Edit>)> {
    let Some(text) = sources.get(&site.span.file) else {
        return Vec::new();
    };
    let Some(alone) = rewrites_of(site, text, site.span.byte_start..site.span.byte_end) else {
        return Vec::new();
    };
    // An unsuffixed number literal takes the expected number type by itself (`9.into()` would
    // leave its type open).
    let number = site.expected.name().and_then(ty::Number::of).is_some();
    let later: Vec<Vec<(String, Edit)>> = later_elements(text, site.span)
        .into_iter()
        .filter(|range| !(number && is_number_literal(&text[range.clone()])))
        .filter_map(|range| rewrites_of(site, text, range))
        .collect();
    let mut out: Vec<(String, Vec<Edit>)> = alone
        .iter()
        .map(|(label, edit)| (label.clone(), vec![edit.clone()]))
        .collect();
    if !later.is_empty() {
        out.extend(alone.into_iter().enumerate().map(|(rank, (label, edit))| {
            let mut edits = vec![edit];
            edits.extend(
                later
                    .iter()
                    .map(|rewrites| rewrites[rank.min(rewrites.len() - 1)].1.clone()),
            );
            let label = format!("{label}, and the literal's {} later elements", later.len());
            (label, edits)
        }));
    }
    out
}

/// The rewrites of the expression at `range` of `text` from the site's found type into its
/// expected one, each as its label and its edit.
fn rewrites_of(
    site: &Site<'_>,
    text: &str,
    range: std::ops::Range<usize>,
) -> Option<Vec<(String, Edit)>> {
    let expression = text.get(range.clone())?;
    if expression.contains('\n') || expression.trim().is_empty() {
        return None;
    }
    let span = Span {
        byte_start: range.start,
        byte_end: range.end,
        ..site.span.clone()
    };
    let (before, after) = (&text[..range.start], &text[range.end..]);
    let e = Expr::read(expression);
    let shorthand = is_shorthand_field(before, expression, after);
    let tight = binds_tightly(before, after);
    let place = if tight { Place::Operand } else { Place::Open };
    let mut rewrites = derive::rewrites(&site.expected, &site.found, &e, place);
    if rewrites.is_empty()
        && matches!(site.expected, Ty::Path { .. })
        && matches!(site.found, Ty::Path { .. })
    {
        // Owned values the derivation has no rule for may still have a `From` impl.
        rewrites.push(e.method("into()"));
    }
    let rewrites: Vec<(String, Edit)> = rewrites
        .into_iter()
        .map(|rewrite| {
            let written = if shorthand {
                format!("{expression}: {}", rewrite.text)
            } else if tight && rewrite.prec < Prec::Atom {
                format!("({})", rewrite.text)
            } else {
                rewrite.text.clone()
            };
            (
                format!(
                    "convert `{}` to `{}`: `{}`",
                    site.found, site.expected, rewrite.text
                ),
                replace(&span, &written),
            )
        })
        .collect();
    (!rewrites.is_empty()).then_some(rewrites)
}

/// The byte ranges of the elements after `span` in the `vec![…]` or array literal whose element
/// it is; none when it is not one (an index `a[i]`, a call's argument).
fn later_elements(text: &str, span: &Span) -> Vec<std::ops::Range<usize>> {
    let before = &text[..span.byte_start];
    let mut depth = 0i32;
    let mut open = None;
    for (at, ch) in before.char_indices().rev() {
        match ch {
            ')' | ']' | '}' => depth += 1,
            '(' | '{' if depth == 0 => return Vec::new(),
            '(' | '[' | '{' if depth > 0 => depth -= 1,
            '[' => {
                open = Some(at);
                break;
            }
            _ => {}
        }
    }
    let Some(open) = open else {
        return Vec::new();
    };
    // `a[i]` and `f()[i]` index; `vec![`, `= [`, `([`, `, [` open a literal.
    let previous = text[..open].trim_end();
    if previous.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ')' || c == ']')
        && !previous.ends_with("vec!")
    {
        return Vec::new();
    }
    let Some(inside) = scan::balanced(text, open) else {
        return Vec::new();
    };
    let start = open + 1;
    let elements: Vec<std::ops::Range<usize>> = scan::split_top_level(inside)
        .into_iter()
        .filter(|(_, part)| !part.trim().is_empty())
        .map(|(offset, part)| {
            let leading = part.len() - part.trim_start().len();
            let from = start + offset + leading;
            from..from + part.trim().len()
        })
        .collect();
    match elements
        .iter()
        .position(|element| *element == (span.byte_start..span.byte_end))
    {
        Some(at) => elements[at + 1..].to_vec(),
        None => Vec::new(),
    }
}

/// Whether `expression` is a number literal without a type suffix (`9`, `-1.5`, `1_000`).
fn is_number_literal(expression: &str) -> bool {
    let digits = expression.trim_start_matches('-');
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == '.')
}

/// Whether the expression is a struct literal's shorthand field (`Point { x, y }`), which a
/// conversion must write out (`x: x.into()`): a name between `{`/`,` and `,`/`}` of braces
/// opened after a type's name.
fn is_shorthand_field(before: &str, expression: &str, after: &str) -> bool {
    if !expression.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    let previous = before.trim_end();
    let next = after.trim_start();
    if !(previous.ends_with('{') || previous.ends_with(',')) || !next.starts_with([',', '}']) {
        return false;
    }
    // The brace that opens the literal, and the word before it.
    let mut depth = 0i32;
    for (at, ch) in previous.char_indices().rev() {
        match ch {
            ')' | ']' | '}' => depth += 1,
            '(' | '[' if depth == 0 => return false,
            '(' | '[' => depth -= 1,
            '{' if depth == 0 => {
                let name = previous[..at]
                    .trim_end()
                    .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or("");
                let last = name.rsplit("::").next().unwrap_or("");
                return last.starts_with(char::is_uppercase);
            }
            '{' => depth -= 1,
            _ => {}
        }
    }
    false
}

/// Whether the place binds more tightly than a whole expression: an operand of an operator or a
/// receiver (`a + <x>`, `<x>.len()`), where a rewrite that is not atomic needs parentheses.
fn binds_tightly(before: &str, after: &str) -> bool {
    let previous = before.trim_end();
    let opens = previous.is_empty()
        || previous.ends_with(['(', ',', '{', '[', ';', ':', '=', '>'])
            && !previous.ends_with("==")
            && !previous.ends_with("!=")
            && !previous.ends_with("<=")
            && !previous.ends_with(">=")
            && !previous.ends_with("::")
        || previous.ends_with("=>")
        || previous.ends_with("return")
        || previous.ends_with("break");
    let receiver = after.starts_with(['.', '?', '[']);
    !opens || receiver
}

#[cfg(test)]
mod tests;
