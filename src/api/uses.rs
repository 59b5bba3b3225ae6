//! The `use` declarations at a module's top level, with their trees expanded into one path per
//! name: what re-exports (`pub use`) the dependency index follows.

use std::sync::LazyLock;

use regex::Regex;

use crate::index::Visibility;

/// One name a `use` declaration brings in: `use a::b::{c as d, e::*};` gives `a::b::c` as `d` and
/// the glob `a::b::e::*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseLeaf {
    pub visibility: Visibility,
    /// The path's segments, `self`/`super`/`crate` included as written; for a glob, the module's.
    pub path: Vec<String>,
    /// The name it is known by where it is brought in (`None` for a glob).
    pub name: Option<String>,
    pub glob: bool,
}

static USE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(pub(?:\([^)]*\))?\s+)?use\s+([^;]*);").expect("valid regex")
});

/// The `use` declarations of a text at its top level (column 0), each name of each tree.
pub fn use_leaves(text: &str) -> Vec<UseLeaf> {
    let mut leaves = Vec::new();
    for found in USE.captures_iter(text) {
        let visibility = match found.get(1).map(|v| v.as_str()) {
            None => Visibility::Private,
            Some(v) if v.starts_with("pub(") => Visibility::Restricted,
            Some(_) => Visibility::Public,
        };
        let tree: String = found[2].split_whitespace().collect::<Vec<_>>().join(" ");
        expand(&tree, &[], visibility, &mut leaves);
    }
    leaves
}

/// Expands a use tree under `prefix` into leaves.
fn expand(tree: &str, prefix: &[String], visibility: Visibility, out: &mut Vec<UseLeaf>) {
    let tree = tree.trim().trim_start_matches("::");
    if tree.is_empty() {
        return;
    }
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = segments(&tree[..open]);
        let Some(inner) = tree[open + 1..].strip_suffix('}') else {
            return;
        };
        let mut path = prefix.to_vec();
        path.extend(head);
        for part in split_commas(inner) {
            expand(part, &path, visibility, out);
        }
        return;
    }
    let (path_text, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path.trim(), Some(alias.trim().to_owned())),
        None => (tree, None),
    };
    let mut path = prefix.to_vec();
    path.extend(segments(path_text));
    if path.last().is_some_and(|last| last == "*") {
        path.pop();
        out.push(UseLeaf {
            visibility,
            path,
            name: None,
            glob: true,
        });
        return;
    }
    // `a::b::{self}` names the module `b` itself.
    if path.last().is_some_and(|last| last == "self") && path.len() > 1 {
        path.pop();
    }
    let Some(last) = path.last().cloned() else {
        return;
    };
    if alias.as_deref() == Some("_") {
        return;
    }
    out.push(UseLeaf {
        visibility,
        path,
        name: Some(alias.unwrap_or(last)),
        glob: false,
    });
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits at commas outside braces.
fn split_commas(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (at, ch) in text.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Vec<String> {
        use_leaves(text)
            .iter()
            .map(|leaf| {
                let vis = match leaf.visibility {
                    Visibility::Public => "pub ",
                    Visibility::Restricted => "pub(..) ",
                    Visibility::Private => "",
                };
                match &leaf.name {
                    Some(name) => format!("{vis}{} as {name}", leaf.path.join("::")),
                    None => format!("{vis}{}::*", leaf.path.join("::")),
                }
            })
            .collect()
    }

    #[test]
    fn nested_trees_aliases_globs_and_self_are_expanded() {
        let text = "use std::fmt;\npub use self::a::{b::{C, D as E}, f::*, g::{self}};\n\
                    pub(crate) use crate::h as _;\n    use indented::Skipped;\npub use ::outer::Thing;\n";
        assert_eq!(
            show(text),
            [
                "std::fmt as fmt",
                "pub self::a::b::C as C",
                "pub self::a::b::D as E",
                "pub self::a::f::*",
                "pub self::a::g as g",
                "pub outer::Thing as Thing",
            ]
        );
    }
}
