//! Holes: a dropped argument (E0061 with fewer arguments than parameters) or a missing struct field
//! (E0063). rustc writes only a placeholder (`/* i32 */`) there, which no one may apply; the value
//! is often right there in the code. Found values come first: a binding in scope with the
//! parameter's or field's name (`decode_table`, field shorthand `len`), or else the one binding the
//! function leaves unused, or else the one binding of the expected type. Made-up values (the type's obvious empty value: `0`, `false`, `String::new()`,
//! `Vec::new()`, `None`, else `Default::default()`) are offered as inventions, which only passing
//! tests may accept.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::error_code::ErrorCode;

use super::Context;
use super::bindings::{self, Binding};
use super::rule::{Invention, Rule};
use super::scan;

use locate::{arguments, fields};
use values::{empty_value, fits, passed};

#[derive(Clone, Copy, Debug, Default)]
pub struct Holes;

/// A call with the wrong number of arguments: too few is ours, too many `ExtraArguments`'.
const ARGUMENT_COUNT: ErrorCode = ErrorCode::from_static("E0061");
/// A struct literal without some of its fields.
const MISSING_FIELDS: ErrorCode = ErrorCode::from_static("E0063");

impl Rule for Holes {
    const NAME: &'static str = "holes";
    const CODES: &'static [ErrorCode] = &[ARGUMENT_COUNT, MISSING_FIELDS];

    /// Every hole filled from the code, when the code has a value for each.
    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        let Some(site) = Site::of(diagnostic, context) else {
            return Vec::new();
        };
        let found: Option<Vec<Fill>> = site
            .holes
            .iter()
            .map(|hole| site.found(hole).map(Fill::Found))
            .collect();
        found
            .map(|fills| (site.label(&fills), vec![site.write(&fills)]))
            .into_iter()
            .collect()
    }

    /// The holes the code has no value for made up, the others filled from the code; then every
    /// hole made up, for when the values found are the wrong ones.
    fn inventions(&self, diagnostic: &Diagnostic, context: &Context<'_>) -> Vec<Invention> {
        let Some(site) = Site::of(diagnostic, context) else {
            return Vec::new();
        };
        let made_up = |hole: &Hole| empty_value(hole.ty.as_deref()).map(Fill::MadeUp);
        let mixed: Option<Vec<Fill>> = site
            .holes
            .iter()
            .map(|hole| site.found(hole).map(Fill::Found).or_else(|| made_up(hole)))
            .collect();
        let all: Option<Vec<Fill>> = site.holes.iter().map(made_up).collect();
        // Last, a binding the call passes already, where it is the one of the hole's type
        // (`Matrix::zeros(size)` for `zeros(rows, cols)`): a guess, so the tests decide it.
        let again: Option<Vec<Fill>> = site
            .holes
            .iter()
            .map(|hole| site.passed_again(hole).map(Fill::Again))
            .collect();
        // Where a lone hole has a few bindings of its type and nothing tells which (`a.midpoint()`
        // with `a` and `b` in scope), each of them: guesses, for the tests to decide.
        let one_of: Vec<Vec<Fill>> = match site.holes.as_slice() {
            [hole] if site.found(hole).is_none() => {
                let typed = site.typed(hole);
                let count = typed.len();
                if (2..=MAX_GUESSED_BINDINGS).contains(&count) {
                    typed
                        .into_iter()
                        .map(|value| vec![Fill::OneOf { value, count }])
                        .collect()
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        };
        mixed
            .into_iter()
            .chain(all)
            .chain(again)
            .chain(one_of)
            .filter(|fills| fills.iter().any(Fill::is_guess))
            .map(|fills| Invention {
                label: site.label(&fills),
                edits: vec![site.write(&fills)],
                values: site.made_up(&fills),
            })
            .collect()
    }
}

/// What goes into one hole: a value found in the code, one made up, or a binding the site passes
/// already, passed again (as much a guess as a made-up value).
#[derive(Clone, Debug)]
enum Fill {
    Found(String),
    MadeUp(String),
    Again(String),
    /// One of the `count` bindings of the hole's type.
    OneOf {
        value: String,
        count: usize,
    },
}

/// At most this many bindings of a hole's type are each tried as its value.
const MAX_GUESSED_BINDINGS: usize = 3;

impl Fill {
    fn value(&self) -> &str {
        match self {
            Fill::Found(value)
            | Fill::MadeUp(value)
            | Fill::Again(value)
            | Fill::OneOf { value, .. } => value,
        }
    }

    /// Whether only tests may accept it.
    fn is_guess(&self) -> bool {
        !matches!(self, Fill::Found(_))
    }
}

/// A place that lacks values.
#[derive(Debug, PartialEq, Eq)]
struct Hole {
    /// The parameter's or field's name, when known.
    name: Option<String>,
    /// The expected type, as rustc or the definition writes it, normalized.
    ty: Option<String>,
}

#[derive(Debug)]
enum Shape {
    /// rustc's argument list, `(input, /* &[u8] */, true)`, over the call's `range`: each
    /// placeholder, in order, takes a hole's value.
    Arguments {
        range: std::ops::Range<usize>,
        template: String,
    },
    /// A struct literal whose body lies between the braces at `open` and `close`.
    Fields { open: usize, close: usize },
}

/// Where values are missing: the holes, in order, and what is in scope there.
#[derive(Debug)]
struct Site<'t> {
    file: PathBuf,
    text: &'t str,
    holes: Vec<Hole>,
    shape: Shape,
    bindings: Vec<Binding>,
    /// Bindings the call already passes, or the literal already gives a field, whole.
    used: Vec<String>,
}

impl<'t> Site<'t> {
    fn of(diagnostic: &Diagnostic, context: &Context<'t>) -> Option<Site<'t>> {
        let primary = diagnostic.primary.as_ref()?;
        let text = context.sources().get(&primary.file)?;
        let (holes, shape) = match diagnostic.code.as_ref()? {
            code if *code == ARGUMENT_COUNT => arguments(diagnostic, context)?,
            _ => fields(diagnostic, context)?,
        };
        let (body, at) = match &shape {
            Shape::Arguments { range, .. } => {
                let list = text.get(range.clone())?;
                (list.get(1..list.len().saturating_sub(1))?, range.start)
            }
            Shape::Fields { open, close } => (text.get(open + 1..*close)?, *open),
        };
        Some(Site {
            file: primary.file.clone(),
            text,
            holes,
            bindings: bindings::in_scope(text, at),
            used: passed_names(body),
            shape,
        })
    }

    /// A value from the code for `hole`, from the strongest evidence that names exactly one: the
    /// binding of its name; the one binding (of a type that fits, or of none written) that the
    /// function never uses otherwise, as a dropped argument or field leaves the value it was
    /// given (code rarely keeps an unused binding, rustc warns of it); the one binding of its type
    /// that the site does not pass yet. A binding that merely has the type compiles just as well
    /// when it is the wrong one, so weaker evidence is asked only when the stronger names none.
    fn found(&self, hole: &Hole) -> Option<String> {
        let expected = hole.ty.as_deref();
        let named = hole
            .name
            .as_deref()
            .and_then(|name| self.bindings.iter().find(|b| b.name == name));
        if let Some(binding) = named {
            return Some(passed(binding, expected).unwrap_or_else(|| binding.name.clone()));
        }
        let free = || {
            self.bindings
                .iter()
                .filter(|b| !self.used.contains(&b.name))
        };
        let left_over: Vec<String> = free()
            .filter(|b| b.unused)
            .filter_map(|b| match (&b.ty, expected) {
                (Some(_), Some(_)) => passed(b, expected),
                _ => Some(b.name.clone()),
            })
            .collect();
        if let Ok([only]) = <[String; 1]>::try_from(left_over) {
            return Some(only);
        }
        // A binding of the very type first; then one that fits once borrowed (`&_`, a type rustc
        // leaves to inference, fits `&count` as well as `sku: &str`).
        let as_is: Vec<String> = free()
            .filter(|b| {
                b.ty.as_deref()
                    .zip(expected)
                    .is_some_and(|(t, e)| fits(t, e))
            })
            .map(|b| b.name.clone())
            .collect();
        if let Ok([only]) = <[String; 1]>::try_from(as_is) {
            return Some(only);
        }
        <[String; 1]>::try_from(self.typed(hole))
            .ok()
            .map(|[only]| only)
    }

    /// The bindings the site does not pass yet that fit `hole`'s type, as they would be passed
    /// (borrowed where it wants a reference).
    fn typed(&self, hole: &Hole) -> Vec<String> {
        let Some(expected) = hole.ty.as_deref() else {
            return Vec::new();
        };
        self.bindings
            .iter()
            .filter(|b| !self.used.contains(&b.name))
            .filter_map(|b| passed(b, Some(expected)))
            .collect()
    }

    /// The one binding of `hole`'s type that the site passes already, as it would be passed.
    fn passed_again(&self, hole: &Hole) -> Option<String> {
        let expected = hole.ty.as_deref()?;
        let typed: Vec<String> = self
            .bindings
            .iter()
            .filter(|b| self.used.contains(&b.name))
            .filter_map(|b| passed(b, Some(expected)))
            .collect();
        <[String; 1]>::try_from(typed).ok().map(|[only]| only)
    }

    /// The code each fill writes for its hole: the value of an argument, the field of a literal
    /// (`len`, `len: 0`).
    fn entries(&self, fills: &[Fill]) -> Vec<String> {
        self.holes
            .iter()
            .zip(fills)
            .map(|(hole, fill)| match (&self.shape, hole.name.as_deref()) {
                (Shape::Fields { .. }, Some(name)) if fill.value() == name => name.to_owned(),
                (Shape::Fields { .. }, Some(name)) => format!("{name}: {}", fill.value()),
                _ => fill.value().to_owned(),
            })
            .collect()
    }

    /// The entries of the made-up fills.
    fn made_up(&self, fills: &[Fill]) -> Vec<String> {
        self.entries(fills)
            .into_iter()
            .zip(fills)
            .filter(|(_, fill)| fill.is_guess())
            .map(|(entry, _)| entry)
            .collect()
    }

    fn label(&self, fills: &[Fill]) -> String {
        let what = match self.shape {
            Shape::Arguments { .. } => "the dropped argument",
            Shape::Fields { .. } => "the missing field",
        };
        let parts: Vec<String> = self
            .holes
            .iter()
            .zip(fills)
            .enumerate()
            .map(|(n, (hole, fill))| {
                let hole_name = hole
                    .name
                    .as_ref()
                    .map_or(format!("#{}", n + 1), |name| format!("`{name}`"));
                let value = fill.value();
                match fill {
                    Fill::Found(_) => format!("fill {what} {hole_name} with `{value}`"),
                    Fill::MadeUp(_) => {
                        format!("fill {what} {hole_name} with the made-up `{value}`")
                    }
                    Fill::Again(_) => format!(
                        "fill {what} {hole_name} with `{value}` again, which it passes already"
                    ),
                    Fill::OneOf { count, .. } => format!(
                        "fill {what} {hole_name} with `{value}`, one of {count} bindings of its type"
                    ),
                }
            })
            .collect();
        parts.join("; ")
    }

    /// The edit that puts `fills` into the holes.
    fn write(&self, fills: &[Fill]) -> Edit {
        let entries = self.entries(fills);
        match &self.shape {
            Shape::Arguments { range, template } => {
                let mut written = String::new();
                let mut rest = template.as_str();
                let mut entries = entries.iter();
                while let Some((before, after)) = placeholder(rest) {
                    written.push_str(before);
                    written.push_str(entries.next().map_or("", String::as_str));
                    rest = after;
                }
                written.push_str(rest);
                Edit::new(&self.file, range.clone(), written)
            }
            Shape::Fields { open, close } => {
                let (at, inserted) = field_insertion(self.text, *open, *close, &entries);
                Edit::new(&self.file, at..at, inserted)
            }
        }
    }
}

/// The text before the first `/* … */` of `text`, and the text after it.
fn placeholder(text: &str) -> Option<(&str, &str)> {
    let start = text.find("/*")?;
    let end = start + text[start..].find("*/")? + 2;
    Some((&text[..start], &text[end..]))
}

/// Where the fields `entries` go in the literal whose braces are at `open` and `close`, and the
/// text to insert there, in the literal's own layout (one line, or a field per line).
fn field_insertion(text: &str, open: usize, close: usize, entries: &[String]) -> (usize, String) {
    let body = &text[open + 1..close];
    let end = open + 1 + body.trim_end().len();
    let trailing_comma = body.trim_end().ends_with(',');
    if body.trim().is_empty() {
        return (open + 1, format!(" {} ", entries.join(", ")));
    }
    if !body.contains('\n') {
        let joined = entries.join(", ");
        let inserted = if trailing_comma {
            format!(" {joined},")
        } else {
            format!(", {joined}")
        };
        return (end, inserted);
    }
    let indent: String = body
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map(|line| line.chars().take_while(|c| c.is_whitespace()).collect())
        .unwrap_or_default();
    let lines: Vec<String> = entries.iter().map(|e| format!("\n{indent}{e}")).collect();
    if trailing_comma {
        (end, format!("{},", lines.join(",")))
    } else {
        (end, format!(",{}", lines.join(",")))
    }
}

/// The bindings an argument list or a literal's fields pass whole (`input`, `&table`, `len`,
/// `title: name`): a binding given once is rarely meant twice.
fn passed_names(list: &str) -> Vec<String> {
    scan::split_top_level(list)
        .into_iter()
        .filter_map(|(_, part)| {
            let value = part.rsplit(':').next()?.trim();
            let name = value
                .trim_start_matches('&')
                .trim_start_matches("mut ")
                .trim();
            let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            plain.then(|| name.to_owned())
        })
        .collect()
}

mod locate;
#[cfg(test)]
mod tests;
mod values;
