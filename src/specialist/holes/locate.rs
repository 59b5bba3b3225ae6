//! Where a diagnostic's holes are and of which type: a call's from rustc's placeholder suggestion
//! and the called function's parameters, a struct literal's from rustc's message and the struct's
//! definition.

use std::path::Path;

use crate::diagnostic::Diagnostic;

use super::super::Context;
use super::super::bindings::{self, Parameter};
use super::super::rule::text_of;
use super::super::scan;
use super::{Hole, Shape};

/// The holes of a call that lacks arguments, from rustc's placeholder suggestion (which says where
/// each goes, and of which type) and the called function's parameters (which name them).
pub(super) fn arguments(
    diagnostic: &Diagnostic,
    context: &Context<'_>,
) -> Option<(Vec<Hole>, Shape)> {
    let (wanted, supplied) = scan::argument_counts(&diagnostic.message)?;
    if supplied >= wanted {
        return None;
    }
    let primary = diagnostic.primary.as_ref()?;
    let edit = diagnostic
        .placeholders
        .iter()
        .filter_map(|s| match s.edits.as_slice() {
            [edit] if edit.file == primary.file => Some(edit),
            _ => None,
        })
        .find(|edit| edit.replacement.starts_with('(') && edit.replacement.contains("/*"))?;
    let template = &edit.replacement;
    let callee = text_of(context.sources(), primary)?;
    let parameters = definition(callee, wanted, &primary.file, context).unwrap_or_default();
    let inside = &template[1..template.len().saturating_sub(1)];
    let holes: Vec<Hole> = scan::split_top_level(inside)
        .into_iter()
        .enumerate()
        .filter_map(|(n, (_, part))| {
            let written = part.trim().strip_prefix("/*")?.strip_suffix("*/")?.trim();
            let (name, declared) = parameters.get(n).cloned().unwrap_or((None, String::new()));
            if !looks_like_a_name(written) {
                let ty = Some(bindings::normalize(written));
                return Some(Hole { name, ty });
            }
            // rustc names the parameter when it has no type to show (`/* k */` of a generic
            // `HashMap::get_mut`): that name is rustc's, and a definition found by the callee's
            // name alone is the one called only if it agrees.
            let agrees = name.as_deref() == Some(written) && !declared.is_empty();
            Some(Hole {
                name: Some(written.to_owned()),
                ty: agrees
                    .then_some(declared)
                    .or_else(|| missing_argument_type(diagnostic, n + 1)),
            })
        })
        .collect();
    if holes.len() != wanted - supplied {
        return None;
    }
    let shape = Shape::Arguments {
        range: edit.start..edit.end,
        template: template.clone(),
    };
    Some((holes, shape))
}

/// The type rustc's label gives the `nth` (1-based) argument of a call that lacks it ("argument #2
/// of type `&_` is missing"), normalized: where it names the parameter instead of typing it in
/// its placeholder, the label still says what shape of value goes there.
fn missing_argument_type(diagnostic: &Diagnostic, nth: usize) -> Option<String> {
    let prefix = format!("argument #{nth} of type `");
    diagnostic.secondary.iter().find_map(|labeled| {
        let label = labeled.label.as_deref()?;
        let ty = label.strip_prefix(&prefix)?.strip_suffix("` is missing")?;
        Some(bindings::normalize(ty))
    })
}

/// The holes of a struct literal that lacks fields, named by rustc's message, typed by the
/// struct's definition.
pub(super) fn fields(diagnostic: &Diagnostic, context: &Context<'_>) -> Option<(Vec<Hole>, Shape)> {
    let primary = diagnostic.primary.as_ref()?;
    let text = context.sources().get(&primary.file)?;
    let open = primary.byte_end + text[primary.byte_end..].find('{')?;
    let body = scan::balanced(text, open)?;
    let close = open + 1 + body.len();
    if body.contains("..") {
        return None;
    }
    // `missing fields `a`, `b` and `c` in initializer of `Config``, or `… and 2 other fields`.
    let (missing, type_part) = diagnostic.message.split_once(" in initializer of ")?;
    let type_name = scan::backticked(type_part)
        .first()?
        .split('<')
        .next()?
        .rsplit("::")
        .next()?
        .to_owned();
    let declared: Vec<(String, String)> = context
        .index()
        .type_named(&type_name, &primary.file)
        .map(|item| {
            let text = context.sources().get(&item.file).unwrap_or_default();
            scan::struct_fields(text, item.line_start)
        })
        .unwrap_or_default();
    let named: Vec<String> = if missing.contains(" other field") {
        let present: Vec<String> = scan::split_top_level(body)
            .into_iter()
            .filter_map(|(_, field)| {
                let name = field.split(':').next()?.trim();
                (!name.is_empty()).then(|| name.to_owned())
            })
            .collect();
        declared
            .iter()
            .map(|(name, _)| name.clone())
            .filter(|name| !present.contains(name))
            .collect()
    } else {
        scan::backticked(missing)
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    if named.is_empty() {
        return None;
    }
    let holes = named
        .into_iter()
        .map(|name| {
            let ty = declared
                .iter()
                .find(|(field, _)| *field == name)
                .map(|(_, ty)| bindings::normalize(ty));
            Hole {
                name: Some(name),
                ty,
            }
        })
        .collect();
    Some((holes, Shape::Fields { open, close }))
}

/// The parameters (without `self`) of the function `callee` names, found by its name and
/// parameter count: in `near`'s file first, then its crate, then anywhere.
pub(super) fn definition(
    callee: &str,
    count: usize,
    near: &Path,
    context: &Context<'_>,
) -> Option<Vec<Parameter>> {
    let name = callee
        .split("::<")
        .next()?
        .rsplit("::")
        .next()?
        .trim()
        .to_owned();
    let pattern = regex::Regex::new(&format!(r"\bfn\s+{}\b", regex::escape(&name))).ok()?;
    let home = crate::index::crate_of(near).map(|(dir, _)| dir);
    let mut found: Vec<(u8, Vec<Parameter>)> = Vec::new();
    for path in context.sources().paths() {
        let text = context.sources().get(path).unwrap_or_default();
        for at in pattern.find_iter(text) {
            let Some(open) = text[at.end()..].find('(').map(|o| at.end() + o) else {
                continue;
            };
            let Some(list) = scan::balanced(text, open) else {
                continue;
            };
            let parameters = bindings::parameters(list);
            if parameters.len() == count {
                let closeness = if path == near {
                    0
                } else if crate::index::crate_of(path).map(|(dir, _)| dir) == home {
                    1
                } else {
                    2
                };
                found.push((closeness, parameters));
            }
        }
    }
    found.sort_by_key(|(closeness, _)| *closeness);
    found.into_iter().next().map(|(_, parameters)| parameters)
}

/// Whether a placeholder names a parameter (`/* v2 */`, when rustc knows no type) rather than a
/// type (`/* i32 */`, `/* Vec<u8> */`, `/* &str */`).
pub(super) fn looks_like_a_name(written: &str) -> bool {
    const PRIMITIVES: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
        "f32", "f64", "bool", "char", "str",
    ];
    written.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && written
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !PRIMITIVES.contains(&written)
}
