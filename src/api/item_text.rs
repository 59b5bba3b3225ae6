//! What the text around one item of a dependency says: the attributes above it (its doc comment,
//! its `#[deprecated]` note) and, for `impl` and `trait` blocks, the methods they define. What
//! `CrateApi::read` reads item by item. Pure, approximate, pattern-based like `ItemIndex`.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::specialist::scan;

/// A `#[deprecated]` attribute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deprecation {
    pub since: Option<String>,
    pub note: Option<String>,
}

/// A method of a type (`impl Type { … }`) or of a trait (its declaration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    /// The type's or the trait's name.
    pub owner: String,
    pub of_trait: bool,
    /// Parameters besides `self`.
    pub arguments: usize,
    /// Parameter types after `self` and the return type, whitespace collapsed: `(usize) -> u8`.
    pub signature: String,
    pub deprecation: Option<Deprecation>,
}

/// `impl Trait for Type`: `self_type` is `None` for a blanket implementation (`for T`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraitImpl {
    pub trait_name: String,
    pub self_type: Option<String>,
}

static DEPRECATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"#\[deprecated(?:\s*=\s*"((?:[^"\\]|\\.)*)"|\s*\(((?:[^"\]]|"(?:[^"\\]|\\.)*")*)\))?\s*\]"#)
        .expect("valid regex")
});
static NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bnote\s*=\s*"((?:[^"\\]|\\.)*)""#).expect("valid regex"));
static SINCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bsince\s*=\s*"((?:[^"\\]|\\.)*)""#).expect("valid regex"));
static IMPL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*(?:unsafe\s+)?impl\b").expect("valid regex"));
static TRAIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?trait\s+([A-Za-z_][A-Za-z0-9_]*)",
    )
    .expect("valid regex")
});
static METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*((?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern\s+\x22[^\x22]*\x22)\s+)*)fn\s+([A-Za-z_][A-Za-z0-9_]*)")
        .expect("valid regex")
});

/// The attributes and doc comments just above `line_start`.
fn attributes_before(text: &str, line_start: usize) -> &str {
    let mut start = line_start;
    while start > 0 {
        let before = &text[..start - 1];
        let line_begin = before.rfind('\n').map_or(0, |n| n + 1);
        let line = before[line_begin..].trim();
        // Comments and attributes belong to the item whatever they end with; other lines are
        // an attribute's continuation unless they end a statement or open or close a block.
        let comment_or_attribute = line.starts_with("//") || line.starts_with('#');
        if !comment_or_attribute
            && (line.is_empty()
                || line.ends_with(';')
                || line.ends_with('}')
                || line.ends_with('{'))
        {
            break;
        }
        start = line_begin;
    }
    &text[start..line_start]
}

/// The `///` lines just above `line_start`, joined.
pub(super) fn doc_before(text: &str, line_start: usize) -> String {
    attributes_before(text, line_start)
        .lines()
        .filter_map(|line| line.trim().strip_prefix("///"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `#[deprecated]` attribute among the attributes and doc comments just above `line_start`.
pub(super) fn deprecation_before(text: &str, line_start: usize) -> Option<Deprecation> {
    let found = DEPRECATED.captures(attributes_before(text, line_start))?;
    if let Some(note) = found.get(1) {
        return Some(Deprecation {
            since: None,
            note: Some(unescape(note.as_str())),
        });
    }
    let inside = found.get(2).map_or("", |m| m.as_str());
    Some(Deprecation {
        since: SINCE.captures(inside).map(|c| unescape(&c[1])),
        note: NOTE.captures(inside).map(|c| unescape(&c[1])),
    })
}

fn unescape(text: &str) -> String {
    text.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// The methods of every `impl` block and trait declaration of a text, and the traits it
/// implements for which types.
pub(super) fn read_methods(text: &str, methods: &mut Vec<Method>, impls: &mut Vec<TraitImpl>) {
    for found in IMPL.find_iter(text) {
        let Some(open) = text[found.end()..]
            .find(['{', ';'])
            .map(|n| found.end() + n)
        else {
            continue;
        };
        if text.as_bytes()[open] != b'{' {
            continue;
        }
        let header = text[found.end()..open].trim();
        let Some((trait_name, self_type)) = impl_header(header) else {
            continue;
        };
        match &trait_name {
            Some(trait_name) => impls.push(TraitImpl {
                trait_name: trait_name.clone(),
                self_type: self_type.clone(),
            }),
            None => {
                let Some(owner) = self_type else { continue };
                let Some(body) = scan::balanced(text, open) else {
                    continue;
                };
                methods_in(body, &owner, false, methods);
            }
        }
    }
    for found in TRAIT.captures_iter(text) {
        let whole = found.get(0).expect("group 0");
        let Some(open) = text[whole.end()..]
            .find(['{', ';'])
            .map(|n| whole.end() + n)
        else {
            continue;
        };
        if text.as_bytes()[open] != b'{' {
            continue;
        }
        if let Some(body) = scan::balanced(text, open) {
            methods_in(body, &found[1], true, methods);
        }
    }
}

/// `(trait, self type)` of an `impl` header (what lies between `impl` and `{`); the self type is
/// `None` when it is one of the block's own type parameters.
fn impl_header(header: &str) -> Option<(Option<String>, Option<String>)> {
    let header = header.split(" where").next().unwrap_or(header).trim();
    let (params, rest) = if header.starts_with('<') {
        let inside = scan::balanced(header, 0)?;
        (inside, header[inside.len() + 2..].trim())
    } else {
        ("", header)
    };
    let param_names: BTreeSet<&str> = scan::split_top_level(params)
        .iter()
        .map(|(_, p)| p.split(':').next().unwrap_or("").trim())
        .collect();
    let (trait_part, type_part) = match rest.split_once(" for ") {
        Some((t, ty)) => (Some(t.trim()), ty.trim()),
        None => (None, rest),
    };
    let type_name = type_part
        .trim_start_matches('&')
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ")
        .trim();
    let type_name = last_segment(type_name);
    let self_type = (!param_names.contains(type_name.as_str())).then_some(type_name);
    Some((trait_part.map(last_segment), self_type))
}

/// `a::b::C<T>` → `C`.
fn last_segment(path: &str) -> String {
    let before_generics = path.split('<').next().unwrap_or(path);
    before_generics
        .rsplit("::")
        .next()
        .unwrap_or(before_generics)
        .trim()
        .to_owned()
}

/// The methods (taking `self`) at the top level of an `impl` or trait body.
fn methods_in(body: &str, owner: &str, of_trait: bool, methods: &mut Vec<Method>) {
    for found in METHOD.captures_iter(body) {
        let whole = found.get(0).expect("group 0");
        if depth_at(body, whole.start()) != 0 {
            continue;
        }
        let visibility = found.get(1).map_or("", |m| m.as_str());
        if !(of_trait || visibility.starts_with("pub ") || visibility.starts_with("pub\t")) {
            continue;
        }
        let after_name = whole.end();
        let mut open = after_name + body[after_name..].find('(').unwrap_or(0);
        if body[after_name..].trim_start().starts_with('<') {
            let lt = after_name + body[after_name..].find('<').unwrap_or(0);
            let Some(generics) = scan::balanced(body, lt) else {
                continue;
            };
            open = lt + generics.len() + 2 + body[lt + generics.len() + 2..].find('(').unwrap_or(0);
        }
        let Some(params) = scan::balanced(body, open) else {
            continue;
        };
        let parts = scan::split_top_level(params);
        let takes_self = parts.first().is_some_and(|(_, p)| is_self_parameter(p));
        if !takes_self {
            continue;
        }
        let close = open + params.len() + 1;
        let tail_end = body[close..]
            .find(['{', ';'])
            .map_or(body.len(), |n| close + n);
        let tail = body[close + 1..tail_end]
            .split(" where")
            .next()
            .unwrap_or("");
        let returns = tail.trim().trim_start_matches("->").trim();
        let types: Vec<String> = parts[1..]
            .iter()
            .map(|(_, p)| collapse(p.split_once(':').map_or(*p, |(_, ty)| ty)))
            .collect();
        let signature = if returns.is_empty() {
            format!("({})", types.join(", "))
        } else {
            format!("({}) -> {}", types.join(", "), collapse(returns))
        };
        methods.push(Method {
            name: found[2].to_owned(),
            owner: owner.to_owned(),
            of_trait,
            arguments: parts.len() - 1,
            signature,
            deprecation: deprecation_before(body, whole.start()),
        });
    }
}

/// `self`, `&self`, `&'a mut self`, `mut self`, `self: Box<Self>`.
fn is_self_parameter(parameter: &str) -> bool {
    let rest = parameter.trim().trim_start_matches('&').trim_start();
    let rest = match rest.strip_prefix('\'') {
        Some(lifetime) => lifetime
            .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_')
            .trim_start(),
        None => rest,
    };
    let rest = rest.strip_prefix("mut ").unwrap_or(rest).trim_start();
    rest.strip_prefix("self")
        .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How deep in braces byte `at` of `text` lies.
fn depth_at(text: &str, at: usize) -> i32 {
    text[..at]
        .bytes()
        .map(|b| match b {
            b'{' => 1,
            b'}' => -1,
            _ => 0,
        })
        .sum()
}
