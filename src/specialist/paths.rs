//! Names the workspace still defines but elsewhere: an item or module moved (E0432, E0433), or a
//! `use` deleted (E0412, E0422, E0423, E0425, E0433). Every definition of the name in the
//! workspace's index is an alternative: a `use` statement rewritten with each name's new path, a
//! qualified path replaced in place, or a `use` line added.

use crate::api::DependencyIndex;
use crate::diagnostic::{Diagnostic, Span};
use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::index::{self, Item, ItemIndex};

use super::Context;
use super::rule::Rule;
use super::scan;

#[derive(Clone, Copy, Debug, Default)]
pub struct WorkspacePaths;

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The path around a span: `a::b::c` extended over `::`-joined segments on both sides.
fn path_region(text: &str, span: &Span) -> (usize, usize) {
    let mut start = span.byte_start;
    loop {
        let before = &text[..start];
        let Some(rest) = before.strip_suffix("::") else {
            break;
        };
        let segment = rest.len()
            - rest
                .chars()
                .rev()
                .take_while(|c| is_ident(*c))
                .map(char::len_utf8)
                .sum::<usize>();
        if segment == rest.len() {
            break;
        }
        start = segment;
    }
    let mut end = span.byte_end;
    while let Some(rest) = text[end..].strip_prefix("::") {
        let segment: usize = rest
            .chars()
            .take_while(|c| is_ident(*c))
            .map(char::len_utf8)
            .sum();
        if segment == 0 {
            break;
        }
        end += 2 + segment;
    }
    (start, end)
}

/// The `use` statement around byte `at`, as `(start, end)` with `end` after its `;`.
fn use_statement(text: &str, at: usize) -> Option<(usize, usize)> {
    let start = text[..at].rfind(';').map_or(0, |n| n + 1);
    let start = start + text[start..at].find("use ")?;
    let head = text[text[..start].rfind('\n').map_or(0, |n| n + 1)..start].trim();
    if !(head.is_empty() || head == "pub" || head.starts_with("pub(")) {
        return None;
    }
    let end = at + text[at..].find(';')? + 1;
    Some((start, end))
}

/// The names a `use` tree brings in: `(leaf, alias)`; `None` for trees too complex to rewrite.
fn leaves(tree: &str) -> Option<Vec<(String, Option<String>)>> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let (prefix, inside) = match tree.split_once('{') {
        Some((prefix, rest)) => (prefix, rest.strip_suffix('}')?),
        None => ("", tree.as_str()),
    };
    if inside.contains('{') || inside.contains('*') {
        return None;
    }
    let parts: Vec<&str> = if prefix.is_empty() {
        vec![inside]
    } else {
        inside.split(',').collect()
    };
    let mut out = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let (path, alias) = match part.split_once(" as ") {
            Some((path, alias)) => (path.trim(), Some(alias.trim().to_owned())),
            None => (part, None),
        };
        let leaf = path.rsplit("::").next()?.trim();
        if leaf == "self" || leaf.is_empty() {
            return None;
        }
        out.push((leaf.to_owned(), alias));
    }
    Some(out)
}

/// The definitions of `name` usable from `file`: not in `file` itself; those of `file`'s own
/// crate first, then types and functions before modules, public first.
fn definitions<'i>(index: &'i ItemIndex, name: &str, file: &std::path::Path) -> Vec<&'i Item> {
    let mut found: Vec<&Item> = index
        .named(name)
        .into_iter()
        .filter(|item| item.file != file)
        .collect();
    rank_definitions(&mut found, file);
    found
}

/// The workspace's items named `name`, wherever they are, ranked as `definitions` ranks them.
fn definitions_anywhere<'i>(
    index: &'i ItemIndex,
    name: &str,
    file: &std::path::Path,
) -> Vec<&'i Item> {
    let mut found: Vec<&Item> = index.named(name);
    rank_definitions(&mut found, file);
    found
}

/// An item of `file` itself first, then one of `file`'s own crate before another crate's: a workspace of similar crates (two
/// services, a crate and its fork) defines one name in each, and another crate is reachable only
/// as a dependency, which it seldom is; then items before modules, public first.
fn rank_definitions(found: &mut [&Item], file: &std::path::Path) {
    let own = index::crate_of(file).map(|(dir, _)| dir);
    found.sort_by_key(|item| {
        (
            // A test module's `use super::{parse, moved}`: `parse` is the file's own, though
            // another module defines one too.
            item.file != file,
            own.as_ref() != Some(&item.crate_dir),
            item.kind == index::ItemKind::Mod,
            !item.public,
        )
    });
}

impl Rule for WorkspacePaths {
    const NAME: &'static str = "workspace-paths";
    const CODES: &'static [ErrorCode] = &[
        ErrorCode::from_static("E0412"),
        ErrorCode::from_static("E0422"),
        ErrorCode::from_static("E0423"),
        ErrorCode::from_static("E0425"),
        ErrorCode::from_static("E0432"),
        ErrorCode::from_static("E0433"),
        ErrorCode::from_static("E0531"),
    ];

    fn alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        match offers(diagnostic, context) {
            (Whose::Workspace, found) => found,
            (Whose::Dependency, _) => Vec::new(),
        }
    }

    fn dependency_alternatives(
        &self,
        diagnostic: &Diagnostic,
        context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        match offers(diagnostic, context) {
            (Whose::Dependency, found) => found,
            (Whose::Workspace, _) => Vec::new(),
        }
    }
}

/// Whose items a path's alternatives name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Whose {
    Workspace,
    /// A dependency's, read from its API (some names of a rewritten `use` may be the workspace's).
    Dependency,
}

/// Where the name rustc could not find is defined, as rewrites of the path or `use` naming it.
fn offers(diagnostic: &Diagnostic, context: &Context<'_>) -> (Whose, Vec<(String, Vec<Edit>)>) {
    let none = (Whose::Workspace, Vec::new());
    let Some(primary) = &diagnostic.primary else {
        return none;
    };
    let file = &primary.file;
    let Some(text) = context.sources().get(file) else {
        return none;
    };
    let index = context.index();
    if let Some((start, end)) = use_statement(text, primary.byte_start) {
        let unresolved = &text[primary.byte_start..primary.byte_end];
        let statement = UseStatement {
            text,
            file,
            range: start..end,
            unresolved,
        };
        return rewrite_use(index, context.dependencies(), &statement);
    }
    let (start, end) = path_region(text, primary);
    let region = &text[start..end];
    let segments: Vec<&str> = region.split("::").collect();
    let mut out = Vec::new();
    if segments.len() > 1 {
        // A qualified path: replace it up to the first segment the workspace defines as an
        // item (a type, function or constant) with that item's path.
        let unresolved = text[primary.byte_start..primary.byte_end]
            .rsplit("::")
            .next()
            .unwrap_or("");
        let from = segments.iter().position(|s| *s == unresolved).unwrap_or(0);
        for (n, segment) in segments.iter().enumerate().skip(from) {
            let items = definitions(index, segment, file);
            let items: Vec<&&Item> = items
                .iter()
                .filter(|item| item.kind != index::ItemKind::Mod)
                .collect();
            if items.is_empty() {
                continue;
            }
            let rest: String = segments[n + 1..].iter().map(|s| format!("::{s}")).collect();
            for item in items {
                let path = item.path_from(file);
                let edit = Edit::new(file, start..end, format!("{path}{rest}"));
                out.push((format!("`{segment}` is defined at `{path}`"), vec![edit]));
            }
            break;
        }
        if out.is_empty() {
            let moved =
                moved_in_dependency(context.dependencies(), &segments, from, file, start..end);
            return (Whose::Dependency, moved);
        }
        return (Whose::Workspace, out);
    }
    // A bare name: import it.
    let name = region;
    let at = scan::use_insertion_point(text);
    for item in definitions(index, name, file) {
        let path = item.path_from(file);
        let edit = Edit::insert(file, at, format!("use {path};\n"));
        out.push((format!("import `{path}`"), vec![edit]));
    }
    (Whose::Workspace, out)
}

/// A qualified path into a dependency (`base64::URL_SAFE_NO_PAD`), replaced up to the first
/// segment the dependency offers now as an item with that item's public paths.
fn moved_in_dependency(
    dependencies: &DependencyIndex,
    segments: &[&str],
    from: usize,
    file: &std::path::Path,
    region: std::ops::Range<usize>,
) -> Vec<(String, Vec<Edit>)> {
    let Some(krate) = segments.first().filter(|k| dependencies.get(k).is_some()) else {
        return Vec::new();
    };
    for (n, segment) in segments.iter().enumerate().skip(from.max(1)) {
        let items: Vec<_> = dependencies
            .public_named(krate, segment)
            .into_iter()
            .filter(|item| item.kind != Some(index::ItemKind::Mod))
            .collect();
        if items.is_empty() {
            continue;
        }
        let rest: String = segments[n + 1..].iter().map(|s| format!("::{s}")).collect();
        return items
            .into_iter()
            .take(CHOICES)
            .map(|item| {
                let path = item.path_text();
                let edit = Edit::new(file, region.clone(), format!("{path}{rest}"));
                (format!("`{segment}` is at `{path}` now"), vec![edit])
            })
            .collect();
    }
    Vec::new()
}

/// How many choices a rewritten `use` offers when a dependency's renamed item has several
/// likely successors.
const CHOICES: usize = 3;

/// A `use` statement rustc could not resolve a name of.
struct UseStatement<'t> {
    text: &'t str,
    file: &'t std::path::Path,
    range: std::ops::Range<usize>,
    /// The text rustc points at: the name (or the module) it could not find.
    unresolved: &'t str,
}

/// Rewrites a `use` statement with one `use` per name, each at the path the workspace (or, for a
/// dependency's path, the dependency's API now) defines it at; `None` when some name is defined
/// nowhere or the tree is too complex. The name rustc could not find is looked for outside its
/// file (it moved away); the others may be defined anywhere, this file included
/// (`use super::{kept, moved}` in a test module). A name a dependency renamed may have several
/// successors: the `k`th rewrite takes each name's `k`th choice (or its last).
fn rewrite_use(
    index: &ItemIndex,
    dependencies: &DependencyIndex,
    use_statement: &UseStatement<'_>,
) -> (Whose, Vec<(String, Vec<Edit>)>) {
    let UseStatement {
        text,
        file,
        range,
        unresolved,
    } = use_statement;
    let (start, end) = (range.start, range.end);
    let statement = &text[start..end];
    let Some(tree) = statement
        .trim_start_matches("pub ")
        .strip_prefix("use ")
        .and_then(|t| t.strip_suffix(';'))
        .map(str::trim)
    else {
        return (Whose::Workspace, Vec::new());
    };
    let root = tree
        .trim_start_matches("::")
        .split("::")
        .next()
        .unwrap_or("")
        .trim();
    let visibility = &text[text[..start].rfind('\n').map_or(0, |n| n + 1)..start];
    let line_start = start - visibility.len();
    let indent: String = visibility
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let visibility = visibility.trim();
    let prefix = if visibility.is_empty() {
        String::new()
    } else {
        format!("{visibility} ")
    };
    let Some(leaves) = leaves(tree) else {
        return (Whose::Workspace, Vec::new());
    };
    let mut choices: Vec<(Vec<String>, Option<String>)> = Vec::new();
    let mut whose = Whose::Workspace;
    for (leaf, alias) in leaves {
        let found = if leaf == *unresolved {
            definitions(index, &leaf, file)
        } else {
            definitions_anywhere(index, &leaf, file)
        };
        let paths = match found.into_iter().next() {
            Some(item) => vec![item.path_from(file)],
            None => {
                whose = Whose::Dependency;
                dependency_paths(dependencies, root, &leaf)
            }
        };
        if paths.is_empty() {
            return (Whose::Workspace, Vec::new());
        }
        choices.push((paths, alias));
    }
    let rewrites = choices.iter().map(|(p, _)| p.len()).max().unwrap_or(0);
    let found = (0..rewrites.min(CHOICES))
        .map(|k| {
            let mut lines = Vec::new();
            let mut paths = Vec::new();
            for (candidates, alias) in &choices {
                let path = &candidates[k.min(candidates.len() - 1)];
                let alias = alias.as_ref().map_or(String::new(), |a| format!(" as {a}"));
                lines.push(format!("{indent}{prefix}use {path}{alias};"));
                paths.push(path.clone());
            }
            let edit = Edit::new(file, line_start..end, lines.join("\n"));
            let where_ = match whose {
                Whose::Dependency => "the dependency offers it now",
                Whose::Workspace => "the workspace defines it",
            };
            (
                format!("import from where {where_}: {}", paths.join(", ")),
                vec![edit],
            )
        })
        .collect();
    (whose, found)
}

/// Where dependency `krate` offers `name` now: its public paths, shortest first; or, when its
/// version before a bump had `name` and the current one has it nowhere, what it added in its
/// place, likeliest first.
fn dependency_paths(dependencies: &DependencyIndex, krate: &str, name: &str) -> Vec<String> {
    let now = dependencies.public_named(krate, name);
    if let Some(item) = now.first() {
        return vec![item.path_text()];
    }
    dependencies
        .renamed_items(krate, name)
        .into_iter()
        .take(CHOICES)
        .map(|item| item.path_text())
        .collect()
}

#[cfg(test)]
mod tests;
