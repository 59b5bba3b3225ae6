//! Sites of the two hole kinds: a call that drops one of its arguments (E0061) and a struct literal
//! that drops one of its fields (E0063). rustc marks these holes with placeholders only
//! (`/* &[u8] */`) or not at all, so they are not in the default kinds: they are there for a
//! repair that fills a hole from the bindings in scope, as the dropped value always is one here.

use std::collections::BTreeMap;

use crate::lex::Kind as TokKind;
use crate::site::{Expected, Kind, Occ, Site, SourceFile};

/// What the crate defines under one function name.
#[derive(Default)]
struct Definitions {
    count: usize,
    /// Parameters besides `self`, of the last definition seen.
    parameters: usize,
    has_self: bool,
    generic: bool,
}

/// Every function name the crate defines, with how often and how.
fn definitions(files: &[SourceFile]) -> BTreeMap<String, Definitions> {
    let mut found: BTreeMap<String, Definitions> = BTreeMap::new();
    for file in files {
        for i in 0..file.tokens.len() {
            if !(file.is(i, "fn") && file.is_ident(i + 1)) {
                continue;
            }
            let entry = found.entry(file.tok(i + 1).to_string()).or_default();
            entry.count += 1;
            entry.generic = file.is(i + 2, "<");
            let Some(open) = (i + 2..file.tokens.len()).find(|&j| file.is(j, "(")) else {
                continue;
            };
            let arguments = arguments(file, open);
            entry.has_self = arguments.first().is_some_and(|&(start, end)| {
                (start..end).any(|j| file.is(j, "self")) && !(start..end).any(|j| file.is(j, ":"))
            });
            entry.parameters = arguments.len() - usize::from(entry.has_self);
        }
    }
    found
}

/// The top-level comma-separated parts of the bracket opening at token `open`, as token ranges
/// (end exclusive).
fn arguments(file: &SourceFile, open: usize) -> Vec<(usize, usize)> {
    let close = matching(file, open);
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, open + 1);
    for j in open + 1..close {
        match file.tok(j) {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            "," if depth == 0 => {
                parts.push((start, j));
                start = j + 1;
            }
            _ => {}
        }
    }
    if start < close {
        parts.push((start, close));
    }
    parts
}

fn matching(file: &SourceFile, open: usize) -> usize {
    let (opening, closing) = match file.tok(open) {
        "(" => ("(", ")"),
        "[" => ("[", "]"),
        _ => ("{", "}"),
    };
    let mut depth = 0;
    for j in open..file.tokens.len() {
        if file.is(j, opening) {
            depth += 1;
        } else if file.is(j, closing) {
            depth -= 1;
            if depth == 0 {
                return j;
            }
        }
    }
    panic!("{}: unbalanced {}", file.path, opening);
}

/// Whether the tokens `start..end` are one binding, passed as it is or borrowed: `x`, `&x`,
/// `&mut x`. Such a value is in scope at the call, where a repair can find it again.
fn is_binding(file: &SourceFile, start: usize, end: usize) -> bool {
    let name = match end - start {
        1 => start,
        2 if file.is(start, "&") => start + 1,
        3 if file.is(start, "&") && file.is(start + 1, "mut") => start + 2,
        _ => return false,
    };
    let text = file.tok(name);
    file.is_ident(name)
        && text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && !matches!(text, "self" | "true" | "false")
}

/// The bytes that drop part `at` of `parts` and its separator: the comma after it, or the one
/// before it for the last part.
fn deletion(
    file: &SourceFile,
    parts: &[(usize, usize)],
    at: usize,
    close: usize,
) -> (usize, usize) {
    let (start, end) = parts[at];
    if at + 1 < parts.len() {
        (file.tokens[start].start, file.tokens[parts[at + 1].0].start)
    } else if at > 0 {
        // From the end of the part before, its comma included.
        (
            file.tokens[parts[at - 1].1 - 1].end,
            file.tokens[end - 1].end,
        )
    } else {
        // The only part: up to the bracket, a trailing comma included.
        (file.tokens[start].start, file.tokens[close].start)
    }
}

fn lines_between(file: &SourceFile, f: usize, from: usize, to: usize) -> Vec<(usize, usize)> {
    (file.token_line(from)..=file.token_line(to))
        .map(|line| (f, line))
        .collect()
}

/// Calls of a function the crate defines once, dropping one argument that is a binding.
pub fn argument_sites(f: usize, file: &SourceFile, files: &[SourceFile], sites: &mut Vec<Site>) {
    let defined = definitions(files);
    for i in 1..file.tokens.len() {
        if !(file.is_ident(i) && file.is(i + 1, "(") && file.region_of[i].is_some()) {
            continue;
        }
        if file.is(i - 1, "fn") || file.excluded_lines.contains(&file.token_line(i)) {
            continue;
        }
        let Some(definition) = defined.get(file.tok(i)) else {
            continue;
        };
        // A method is called after `.`, anything else by its name or path.
        let method = file.is(i - 1, ".");
        if definition.count != 1
            || definition.generic
            || definition.has_self != method
            || definition.parameters == 0
        {
            continue;
        }
        let close = matching(file, i + 1);
        let parts = arguments(file, i + 1);
        if parts.len() != definition.parameters {
            continue;
        }
        for (at, &(start, end)) in parts.iter().enumerate() {
            if !is_binding(file, start, end) {
                continue;
            }
            sites.push(Site {
                kind: Kind::DropArgument,
                file: f,
                deletions: vec![deletion(file, &parts, at, close)],
                rename: None,
                insertions: Vec::new(),
                lines: lines_between(file, f, i, close),
                // The call keeps its type, but an error type in its receiver or arguments
                // would hide the count: the body gets no other dependent mutation.
                occupancy: vec![(file.region_of[i].expect("in a body"), Occ::Dependent)],
                expected: vec![Expected {
                    code: "E0061".to_string(),
                    file: f,
                    offset: file.tokens[i].start,
                }],
                what: format!(
                    "argument #{} `{}` of `{}`",
                    at + 1,
                    &file.text[file.tokens[start].start..file.tokens[end - 1].end],
                    file.tok(i)
                ),
            });
        }
    }
}

/// Struct literals without functional update, dropping one field whose value is a binding
/// (`field: name`) or written as shorthand (`field`).
pub fn field_sites(f: usize, file: &SourceFile, sites: &mut Vec<Site>) {
    for i in 1..file.tokens.len() {
        let path = file.tok(i - 1);
        let literal = file.is(i, "{")
            && file.is_ident(i - 1)
            && path.starts_with(|c: char| c.is_ascii_uppercase())
            && file.region_of[i].is_some()
            && !(i >= 2
                && matches!(
                    file.tok(i - 2),
                    "struct" | "enum" | "impl" | "for" | "trait"
                ))
            && file.is_ident(i + 1)
            && (file.is(i + 2, ":") || file.is(i + 2, ",") || file.is(i + 2, "}"));
        if !literal || file.excluded_lines.contains(&file.token_line(i)) {
            continue;
        }
        let close = matching(file, i);
        // A pattern, not a literal.
        if file.is(close + 1, "=>") || file.is(close + 1, "=") || file.is(close + 1, "|") {
            continue;
        }
        if (i..close).any(|j| file.is(j, "..")) {
            continue;
        }
        let parts = arguments(file, i);
        for (at, &(start, end)) in parts.iter().enumerate() {
            let shorthand = end - start == 1 && file.is_ident(start);
            let named_binding = end - start == 3
                && file.is_ident(start)
                && file.is(start + 1, ":")
                && file.tokens[start + 2].kind == TokKind::Ident
                && is_binding(file, start + 2, end);
            if !(shorthand || named_binding) {
                continue;
            }
            sites.push(Site {
                kind: Kind::DropField,
                file: f,
                deletions: vec![deletion(file, &parts, at, close)],
                rename: None,
                insertions: Vec::new(),
                // One per literal: rustc reports one E0063 naming every missing field.
                lines: lines_between(file, f, i - 1, close),
                occupancy: vec![(file.region_of[i].expect("in a body"), Occ::Independent)],
                expected: vec![Expected {
                    code: "E0063".to_string(),
                    file: f,
                    offset: file.tokens[i - 1].start,
                }],
                what: format!("field `{}` of `{}` literal", file.tok(start), path),
            });
        }
    }
}
