//! What is in scope at a place in a function body, read with patterns rather than a parser: the
//! enclosing function's parameters, `let` bindings whose statement ended before the place and
//! whose block is still open, and the bindings of the `for`, `if let` and `while let` blocks and
//! the closures around it, with their types where the code writes or plainly implies them, and
//! whether the function uses them anywhere else. Approximate on purpose: it only feeds proposals,
//! which the gate checks.

use std::sync::LazyLock;

use regex::Regex;

use super::scan;

/// A name in scope, and its type when the code says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    /// As written, without spaces or lifetimes (`&[u8]`, `Vec<_>` for `vec![..]`, `{integer}`).
    pub ty: Option<String>,
    /// Whether the function never names it besides where it binds it: a value made for something
    /// that lost it, as a dropped argument leaves its binding.
    pub unused: bool,
}

static FN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bfn\s+[A-Za-z_][A-Za-z0-9_]*").expect("valid regex"));

static LET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\blet\s+(?:mut\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*([^=;]+?))?\s*=[^=]")
        .expect("valid regex")
});

static LET_TUPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\blet\s+\(([^()=;]*)\)\s*(?::[^=;]+)?=[^=]").expect("valid regex")
});

/// `for x in`, `for (a, b) in`, `if let Some(x) =`, `while let Ok(x) =`: bindings of a block.
static BLOCK_BINDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:for\s+(?:mut\s+)?(\([^()]*\)|[A-Za-z_][A-Za-z0-9_]*)\s+in\b|(?:if|while)\s+let\s+[A-Za-z_][A-Za-z0-9_:]*\s*\(([^()]*)\)\s*=[^=])",
    )
    .expect("valid regex")
});

/// A match arm's pattern with bindings: `Expr::Variable(name) =>`, `Point { x, y: top } =>`,
/// with or without a guard.
static MATCH_ARM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z_][A-Za-z0-9_:]*\s*(?:\(([^()]*)\)|\{([^{}]*)\})\s*(?:if\b[^=;{}]*)?=>")
        .expect("valid regex")
});

/// A closure's parameters: `|a, b|`, `move |(k, v): (u8, u8)|`, after what can precede one.
static CLOSURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:[(,=]|\bmove)\s*\|([^|]*)\|").expect("valid regex"));

static LIFETIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"'[A-Za-z_][A-Za-z0-9_]*\s*").expect("valid regex"));

/// The bindings in scope at byte `site` of `text`, in the order they were made; of two with one
/// name, only the later (which shadows the other).
pub fn in_scope(text: &str, site: usize) -> Vec<Binding> {
    let Some(function) = enclosing_fn(text, site) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, Binding)> = parameters(function.parameters)
        .into_iter()
        .filter_map(|(name, ty)| Some((function.body_start, typed(&name?, Some(ty)))))
        .collect();
    let body = &text[function.body_start..site];
    for capture in LET.captures_iter(body) {
        let at = capture.get(0).expect("group 0");
        let value = function.body_start + at.end() - 1;
        let ty = match capture.get(2) {
            Some(written) => Some(normalize(written.as_str())),
            None => implied_type(&text[value..statement_end(text, value)]),
        };
        if let_in_scope(text, function.body_start + at.start(), value, site) {
            found.push((function.body_start + at.start(), typed(&capture[1], ty)));
        }
    }
    for capture in LET_TUPLE.captures_iter(body) {
        let at = capture.get(0).expect("group 0");
        let value = function.body_start + at.end() - 1;
        if let_in_scope(text, function.body_start + at.start(), value, site) {
            let made = function.body_start + at.start();
            found.extend(names(&capture[1]).map(|name| (made, typed(name, None))));
        }
    }
    for capture in BLOCK_BINDING.captures_iter(body) {
        let at = capture.get(0).expect("group 0");
        let start = function.body_start + at.end();
        let inside = text[start..site]
            .find('{')
            .map(|open| start + open)
            .and_then(|open| Some((open, scan::balanced(text, open)?.len())))
            .is_some_and(|(open, len)| open < site && site <= open + len);
        if inside {
            let pattern = capture.get(1).or(capture.get(2)).map_or("", |m| m.as_str());
            let made = function.body_start + at.start();
            found.extend(names(pattern).map(|name| (made, typed(name, None))));
        }
    }
    for capture in MATCH_ARM.captures_iter(body) {
        let at = capture.get(0).expect("group 0");
        let after = function.body_start + at.end();
        if after <= site && site < closure_end(text, after) {
            let made = function.body_start + at.start();
            let bound: Vec<&str> = match (capture.get(1), capture.get(2)) {
                (Some(tuple), _) => names(tuple.as_str()).collect(),
                (_, Some(fields)) => field_names(fields.as_str()),
                _ => Vec::new(),
            };
            // `Red`, `MAX`: a variant or a constant the pattern compares with, not a binding.
            let lowercase = |name: &&str| name.starts_with(|c: char| c.is_ascii_lowercase());
            found.extend(
                bound
                    .into_iter()
                    .filter(lowercase)
                    .map(|name| (made, typed(name, None))),
            );
        }
    }
    for capture in CLOSURE.captures_iter(body) {
        let list = capture.get(1).expect("group 1");
        let after = function.body_start + list.end() + 1;
        if after <= site && site < closure_end(text, after) {
            let made = function.body_start + list.start();
            for (_, parameter) in scan::split_top_level(list.as_str()) {
                let (pattern, ty) = match top_level_colon(parameter) {
                    Some(colon) => (
                        &parameter[..colon],
                        Some(normalize(&parameter[colon + 1..])),
                    ),
                    None => (parameter, None),
                };
                let simple = !pattern.contains('(');
                found.extend(
                    names(pattern).map(|name| (made, typed(name, ty.clone().filter(|_| simple)))),
                );
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    let whole = &text[function.body_start..function.body_end];
    let mut bindings: Vec<Binding> = Vec::new();
    for (made, mut binding) in found {
        // A parameter is named in the body only where it is used; a local also where it is bound.
        let bound_here = usize::from(made > function.body_start);
        binding.unused = mentions(whole, &binding.name) <= bound_here;
        bindings.retain(|earlier| earlier.name != binding.name);
        bindings.push(binding);
    }
    bindings
}

/// Where a closure whose body starts at `after` (past its `|…|`) ends: its block's end, or the
/// end of its expression (a `,` or `;` outside brackets, or the bracket around the closure).
fn closure_end(text: &str, after: usize) -> usize {
    let start = after + (text.len() - after - text[after..].trim_start().len());
    if text[start..].starts_with('{') {
        return scan::balanced(text, start).map_or(text.len(), |body| start + body.len() + 2);
    }
    let mut depth = 0i32;
    for (offset, byte) in text[start..].bytes().enumerate() {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' | b';' if depth == 0 => return start + offset,
            _ => {}
        }
        if depth < 0 {
            return start + offset;
        }
    }
    text.len()
}

/// How often `text` names `name` as a whole identifier.
fn mentions(text: &str, name: &str) -> usize {
    text.match_indices(name)
        .filter(|(at, _)| {
            let identifier = |c: char| c.is_ascii_alphanumeric() || c == '_';
            let before = text[..*at]
                .chars()
                .next_back()
                .is_none_or(|c| !identifier(c));
            let after = text[at + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !identifier(c));
            before && after
        })
        .count()
}

/// A function around a place: its parameter list's text and where its body's text starts and
/// ends.
struct Function<'t> {
    parameters: &'t str,
    body_start: usize,
    body_end: usize,
}

/// The innermost `fn` whose body holds `site`.
fn enclosing_fn(text: &str, site: usize) -> Option<Function<'_>> {
    let starts: Vec<usize> = FN
        .find_iter(&text[..site])
        .map(|found| found.end())
        .collect();
    starts.into_iter().rev().find_map(|after_name| {
        let open = after_name + text[after_name..site].find('(')?;
        let parameters = scan::balanced(text, open)?;
        let after = open + parameters.len() + 2;
        let brace = after + text[after..site].find(['{', ';'])?;
        if text.as_bytes()[brace] != b'{' {
            return None;
        }
        let body = scan::balanced(text, brace)?;
        (site <= brace + 1 + body.len()).then_some(Function {
            parameters,
            body_start: brace + 1,
            body_end: brace + 1 + body.len(),
        })
    })
}

/// A parameter: its name (`None` for a pattern, `(a, b): (u8, u8)`) and its type, normalized.
pub type Parameter = (Option<String>, String);

/// A parameter list's parameters, `self` left out.
pub fn parameters(list: &str) -> Vec<Parameter> {
    scan::split_top_level(list)
        .into_iter()
        .filter_map(|(_, parameter)| {
            let parameter = parameter.trim();
            let colon = top_level_colon(parameter);
            let pattern = colon.map_or(parameter, |at| &parameter[..at]).trim();
            if pattern
                .trim_start_matches(['&', ' '])
                .trim_start_matches("mut ")
                == "self"
                || pattern.ends_with("self")
            {
                return None;
            }
            let ty = normalize(&parameter[colon? + 1..]);
            let name = pattern.trim_start_matches("mut ").trim();
            Some((is_identifier(name).then(|| name.to_owned()), ty))
        })
        .collect()
}

/// The first `:` of `text` that is not half of a `::`.
fn top_level_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&at| {
        bytes[at] == b':' && bytes.get(at + 1) != Some(&b':') && (at == 0 || bytes[at - 1] != b':')
    })
}

/// Whether a `let` at `start` with its value at `value` binds at `site`: its statement ended
/// before `site`, and no block closed between it and `site`.
fn let_in_scope(text: &str, start: usize, value: usize, site: usize) -> bool {
    if statement_end(text, value) >= site {
        return false;
    }
    let mut depth = 0i32;
    for byte in text[start..site].bytes() {
        match byte {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    true
}

/// Where the statement whose value starts at `value` ends: its `;` outside brackets.
fn statement_end(text: &str, value: usize) -> usize {
    let mut depth = 0i32;
    for (offset, byte) in text[value..].bytes().enumerate() {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b';' if depth == 0 => return value + offset,
            _ => {}
        }
        if depth < 0 {
            return value + offset;
        }
    }
    text.len()
}

/// The type an initializer plainly has: a literal, a constructor named after its type.
fn implied_type(value: &str) -> Option<String> {
    let value = value.trim();
    let ty = if value.starts_with('"') {
        "&str".to_owned()
    } else if value == "true" || value == "false" {
        "bool".to_owned()
    } else if value.starts_with("vec!") || value.starts_with("Vec::") {
        "Vec<_>".to_owned()
    } else if value.starts_with("String::")
        || value.starts_with("format!")
        || value.ends_with(".to_string()")
        || value.ends_with(".to_owned()") && value.starts_with('"')
    {
        "String".to_owned()
    } else if value.bytes().all(|b| b.is_ascii_digit() || b == b'_') && !value.is_empty() {
        "{integer}".to_owned()
    } else if is_float_literal(value) {
        "{float}".to_owned()
    } else {
        // `Config::new(..)`, `Config::default()`, `Config { .. }`: a type's own constructor.
        let head: String = value
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let rest = value[head.len()..].trim_start();
        let constructed =
            rest.starts_with("::new(") || rest.starts_with("::default()") || rest.starts_with('{');
        if !(head.starts_with(|c: char| c.is_ascii_uppercase()) && constructed) {
            return None;
        }
        head
    };
    Some(ty)
}

fn is_float_literal(value: &str) -> bool {
    let (whole, fraction) = value.split_once('.').unwrap_or(("", "x"));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// A type as written, without spaces or lifetimes, so that two spellings compare equal.
pub fn normalize(ty: &str) -> String {
    LIFETIME
        .replace_all(ty, "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

/// The plain names a simple pattern binds (`(a, mut b)`, `x`, `ref y`).
fn names(pattern: &str) -> impl Iterator<Item = &str> {
    pattern
        .trim_matches(['(', ')'])
        .split(',')
        .map(|part| {
            part.trim()
                .trim_start_matches("ref ")
                .trim_start_matches("mut ")
                .trim()
        })
        .filter(|name| is_identifier(name) && !name.starts_with('_'))
}

/// The names a struct pattern's fields bind: `x` for `x`, `top` for `y: top`; none for `..`.
fn field_names(fields: &str) -> Vec<&str> {
    fields
        .split(',')
        .filter_map(|field| {
            let bound = field.rsplit(':').next()?;
            names(bound).next()
        })
        .collect()
}

fn typed(name: &str, ty: Option<String>) -> Binding {
    Binding {
        name: name.to_owned(),
        ty,
        unused: false,
    }
}

#[cfg(test)]
mod tests;
