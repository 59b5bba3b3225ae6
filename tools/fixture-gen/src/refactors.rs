//! Sites of the two refactor kinds, which leave many sites behind one change: a `pub` item moved
//! into another module with its old paths left as they were (E0432 at a `use`, E0425 or E0433
//! at a path), and a field or method renamed at its definition only (E0609, E0560, E0599 at
//! every use). rustc names neither the new place nor the new name, so they are not in the
//! default kinds: they are there for a repair that finds the item or the member again.

use std::collections::{BTreeMap, BTreeSet};

use crate::site::{Expected, Kind, Occ, Site, SourceFile};

/// A rename needs at least this many uses (a private field's are all in its own file).
pub const MIN_RENAMED_USES: usize = 10;

/// Field names std's own types expose (`Range`), where `.name` may not be the crate's field.
const STD_FIELDS: &[&str] = &["start", "end"];

/// Per token: the brace depth before it, and the `{` of the innermost `mod name {` around it.
struct Scopes {
    depth: Vec<usize>,
    module: Vec<Option<usize>>,
}

fn scopes(file: &SourceFile) -> Scopes {
    let mut depth = Vec::with_capacity(file.tokens.len());
    let mut module = Vec::with_capacity(file.tokens.len());
    // Open braces: their token index and whether they open a module.
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for i in 0..file.tokens.len() {
        if file.is(i, "}") {
            stack.pop();
        }
        depth.push(stack.len());
        module.push(stack.iter().rev().find(|(_, m)| *m).map(|(at, _)| *at));
        if file.is(i, "{") {
            let is_mod = i >= 2 && file.is(i - 2, "mod") && file.is_ident(i - 1);
            stack.push((i, is_mod));
        }
    }
    Scopes { depth, module }
}

/// A `use` declaration: its token range (`use` to `;`) and the names it brings in, with the
/// full path of each.
struct Import {
    start: usize,
    end: usize,
    names: Vec<(String, String)>,
}

fn imports(file: &SourceFile) -> Vec<Import> {
    let mut found = Vec::new();
    for i in 0..file.tokens.len() {
        if !file.is(i, "use") {
            continue;
        }
        let Some(end) = (i..file.tokens.len()).find(|&j| file.is(j, ";")) else {
            continue;
        };
        let mut names = Vec::new();
        match (i..end).find(|&j| file.is(j, "{")) {
            None => {
                let path: String = (i + 1..end).map(|j| file.tok(j)).collect();
                names.push((file.tok(end - 1).to_string(), path));
            }
            Some(open) => {
                let prefix: String = (i + 1..open).map(|j| file.tok(j)).collect();
                for j in open + 1..end {
                    let ends = file.is(j + 1, ",") || file.is(j + 1, "}");
                    let starts = file.is(j - 1, ",") || file.is(j - 1, "{");
                    if file.is_ident(j) && ends && starts {
                        names.push((
                            file.tok(j).to_string(),
                            format!("{}{}", prefix, file.tok(j)),
                        ));
                    }
                }
            }
        }
        found.push(Import {
            start: i,
            end,
            names,
        });
    }
    found
}

/// The top-level items of a file (outside any braces): name -> (is `pub`, keyword token).
fn items(file: &SourceFile, scopes: &Scopes) -> BTreeMap<String, (bool, usize)> {
    let mut found = BTreeMap::new();
    for i in 0..file.tokens.len() {
        let keyword = matches!(
            file.tok(i),
            "fn" | "struct" | "enum" | "const" | "type" | "trait" | "static"
        );
        if keyword && scopes.depth[i] == 0 && file.is_ident(i + 1) {
            let public = i > 0 && file.is(i - 1, "pub");
            found.insert(file.tok(i + 1).to_string(), (public, i));
        }
    }
    found
}

fn module_name(file: &SourceFile) -> Option<&str> {
    let name = file.path.strip_prefix("src/")?.strip_suffix(".rs")?;
    (name != "lib").then_some(name)
}

fn line_start(file: &SourceFile, offset: usize) -> usize {
    file.line_range(offset).0
}

/// Every `pub fn` or `pub struct` (without impls) at the top level of a module, moved into each
/// other module that can hold it: every name it needs from its module is `pub` there or
/// imported there, and comes along as a `use`.
pub fn move_sites(files: &[SourceFile], sites: &mut Vec<Site>) {
    let all_scopes: Vec<Scopes> = files.iter().map(scopes).collect();
    let all_imports: Vec<Vec<Import>> = files.iter().map(imports).collect();
    let all_items: Vec<BTreeMap<String, (bool, usize)>> = files
        .iter()
        .zip(&all_scopes)
        .map(|(file, scopes)| items(file, scopes))
        .collect();
    // How often each name is defined anywhere (methods and nested items included).
    let mut defined: BTreeMap<&str, usize> = BTreeMap::new();
    for file in files {
        for i in 1..file.tokens.len() {
            if matches!(file.tok(i - 1), "fn" | "struct" | "enum" | "trait" | "type") {
                *defined.entry(file.tok(i)).or_insert(0) += 1;
            }
        }
    }
    for (a, file) in files.iter().enumerate() {
        let Some(module) = module_name(file) else {
            continue;
        };
        let top_imports: BTreeMap<&str, &str> = all_imports[a]
            .iter()
            .filter(|import| all_scopes[a].depth[import.start] == 0)
            .flat_map(|import| import.names.iter())
            .map(|(name, path)| (name.as_str(), path.as_str()))
            .collect();
        for (name, &(public, keyword)) in &all_items[a] {
            let is_fn = file.is(keyword, "fn");
            if !public || !(is_fn || file.is(keyword, "struct")) {
                continue;
            }
            if defined.get(name.as_str()) != Some(&1) || file.is(keyword + 2, "<") {
                continue;
            }
            let Some(item) = extent(file, keyword) else {
                continue;
            };
            let Some(needs) = needed_names(file, item, name, &all_items[a], &top_imports, module)
            else {
                continue;
            };
            let Some(errors) = old_paths(files, &all_scopes, &all_imports, a, keyword, name) else {
                continue;
            };
            if !is_fn && has_impl(files, name) {
                continue;
            }
            for (b, target) in files.iter().enumerate() {
                if b == a || module_name(target).is_none() {
                    continue;
                }
                if let Some(site) = move_site(
                    files,
                    &all_items,
                    &all_imports,
                    &all_scopes,
                    a,
                    b,
                    item,
                    name,
                    &needs,
                    &errors,
                ) {
                    sites.push(site);
                }
            }
        }
    }
}

/// Byte range of an item with its doc comments and attributes, through its line break and one
/// blank line after it.
fn extent(file: &SourceFile, keyword: usize) -> Option<(usize, usize)> {
    let mut start = line_start(file, file.tokens[keyword].start);
    loop {
        if start == 0 {
            break;
        }
        let previous = line_start(file, start - 1);
        let text = file.text[previous..start].trim();
        if text.starts_with("///") || text.starts_with("#[") {
            start = previous;
        } else {
            break;
        }
    }
    let open = (keyword..file.tokens.len()).find(|&j| file.is(j, "{") || file.is(j, ";"))?;
    let last = if file.is(open, ";") {
        open
    } else {
        let mut depth = 0;
        let mut close = open;
        for j in open..file.tokens.len() {
            if file.is(j, "{") {
                depth += 1;
            } else if file.is(j, "}") {
                depth -= 1;
                if depth == 0 {
                    close = j;
                    break;
                }
            }
        }
        close
    };
    let mut end = file.line_range(file.tokens[last].start).1;
    if file.text[end..].starts_with('\n') {
        end += 1;
    }
    Some((start, end))
}

/// The names the item takes from its module, with the path a `use` in another module needs,
/// or None if it needs something private there.
fn needed_names(
    file: &SourceFile,
    (start, end): (usize, usize),
    own: &str,
    items: &BTreeMap<String, (bool, usize)>,
    imports: &BTreeMap<&str, &str>,
    module: &str,
) -> Option<BTreeMap<String, String>> {
    let mut needs = BTreeMap::new();
    for i in 1..file.tokens.len() {
        let token = &file.tokens[i];
        if token.start < start || token.end > end || !file.is_ident(i) {
            continue;
        }
        let name = file.tok(i);
        if name == own || file.is(i - 1, ".") || file.is(i - 1, "::") {
            continue;
        }
        if let Some(path) = imports.get(name) {
            if path.starts_with("super::") || path.starts_with("self::") {
                return None;
            }
            needs.insert(name.to_string(), path.to_string());
        } else if let Some((public, _)) = items.get(name) {
            if !public {
                return None;
            }
            needs.insert(name.to_string(), format!("crate::{}::{}", module, name));
        }
    }
    Some(needs)
}

fn has_impl(files: &[SourceFile], name: &str) -> bool {
    files.iter().any(|file| {
        (1..file.tokens.len())
            .any(|i| file.tok(i) == name && (file.is(i - 1, "impl") || file.is(i - 1, "for")))
    })
}

/// Every place that still names the item where it was, as an expected error, and the bodies
/// and lines it touches; None if a use of the name could not be predicted.
#[derive(Clone)]
struct OldPath {
    file: usize,
    token: usize,
    code: &'static str,
    lines: Vec<usize>,
}

fn old_paths(
    files: &[SourceFile],
    all_scopes: &[Scopes],
    all_imports: &[Vec<Import>],
    a: usize,
    keyword: usize,
    name: &str,
) -> Option<Vec<OldPath>> {
    let mut found = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for i in 1..file.tokens.len() {
            if file.tok(i) != name || (f == a && i == keyword + 1) || file.is(i - 1, ".") {
                continue;
            }
            if let Some(import) = all_imports[f]
                .iter()
                .find(|import| import.start < i && i < import.end)
            {
                // `use crate::a::name;` no longer resolves; the names it brought in are then
                // silently unresolved where they are used.
                let lines = (file.token_line(import.start)..=file.token_line(import.end)).collect();
                found.push(OldPath {
                    file: f,
                    token: i,
                    code: "E0432",
                    lines,
                });
                continue;
            }
            // A use of the name that a (now failing) import in the same module brought in.
            let scope = all_scopes[f].module[i];
            let imported = all_imports[f].iter().any(|import| {
                all_scopes[f].module[import.start] == scope
                    && import.names.iter().any(|(n, _)| n == name)
            });
            let qualified = file.is(i - 1, "::");
            if imported && !qualified {
                file.region_of[i]?;
                found.push(OldPath {
                    file: f,
                    token: i,
                    code: "",
                    lines: vec![file.token_line(i)],
                });
                continue;
            }
            if !qualified && f != a {
                // Not a path to the item (a local or a field of the same name): unpredictable.
                return None;
            }
            file.region_of[i]?;
            let code = if file.is(i + 1, "::") {
                "E0433"
            } else if file.is(i + 1, "{") {
                "E0422"
            } else {
                "E0425"
            };
            found.push(OldPath {
                file: f,
                token: i,
                code,
                lines: vec![file.token_line(i)],
            });
        }
    }
    Some(found)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the crate-wide tables of one pass"
)]
fn move_site(
    files: &[SourceFile],
    all_items: &[BTreeMap<String, (bool, usize)>],
    all_imports: &[Vec<Import>],
    all_scopes: &[Scopes],
    a: usize,
    b: usize,
    (start, end): (usize, usize),
    name: &str,
    needs: &BTreeMap<String, String>,
    errors: &[OldPath],
) -> Option<Site> {
    let target = &files[b];
    let target_imports: BTreeMap<&str, &str> = all_imports[b]
        .iter()
        .filter(|import| all_scopes[b].depth[import.start] == 0)
        .flat_map(|import| import.names.iter())
        .map(|(n, path)| (n.as_str(), path.as_str()))
        .collect();
    // The target must not name the item at all, and must take the item's names as they are.
    if (0..target.tokens.len()).any(|i| target.tok(i) == name) {
        return None;
    }
    let target_module = module_name(target)?;
    let mut uses = String::new();
    for (needed, path) in needs {
        let own_path = format!("crate::{}::{}", target_module, needed);
        match target_imports.get(needed.as_str()) {
            Some(existing) if existing == path => continue,
            Some(_) => return None,
            None => {}
        }
        if all_items[b].contains_key(needed) {
            if *path == own_path {
                continue;
            }
            return None;
        }
        uses.push_str(&format!("use {};\n", path));
    }
    // Before the target's tests, or at its end.
    let at = (0..target.tokens.len())
        .find(|&i| {
            target.is(i, "#")
                && all_scopes[b].depth[i] == 0
                && target.text[target.tokens[i].start..].starts_with("#[cfg(test)]")
        })
        .map_or(target.text.len(), |i| {
            line_start(target, target.tokens[i].start)
        });
    let source = &files[a];
    let item = source.text[start..end].trim_end();
    let inserted = if uses.is_empty() {
        format!("{}\n\n", item)
    } else {
        format!("{}\n{}\n\n", uses, item)
    };
    let mut lines: Vec<(usize, usize)> = (source.line_of(start)..source.line_of(end - 1) + 1)
        .map(|line| (a, line))
        .collect();
    let mut occupancy = Vec::new();
    let mut expected = Vec::new();
    for error in errors {
        let file = &files[error.file];
        lines.extend(error.lines.iter().map(|line| (error.file, *line)));
        // An unresolved name is an error type wherever it is used: each body is claimed whole.
        if let Some(region) = file.region_of[error.token] {
            occupancy.push((region, Occ::Exclusive));
        }
        if !error.code.is_empty() {
            expected.push(Expected {
                code: error.code.to_string(),
                file: error.file,
                offset: file.tokens[error.token].start,
            });
        }
    }
    occupancy.sort_by_key(|(region, _)| *region);
    occupancy.dedup_by_key(|(region, _)| *region);
    let count = expected.len();
    Some(Site {
        kind: Kind::MoveItem,
        file: a,
        deletions: vec![(start, end)],
        rename: None,
        insertions: vec![(b, at, inserted)],
        lines,
        occupancy,
        expected,
        what: format!(
            "`{}` moved from `{}` to `{}` ({} old path{})",
            name,
            module_name(source).unwrap_or("crate"),
            target_module,
            count,
            if count == 1 { "" } else { "s" }
        ),
    })
}

/// The `{` that directly encloses token `i`: None if a `(` or `[` is closer, or nothing is.
fn enclosing_brace(file: &SourceFile, i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for j in (0..i).rev() {
        match file.tok(j) {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth > 0 => depth -= 1,
            "{" => return Some(j),
            "(" | "[" => return None,
            _ => {}
        }
    }
    None
}

fn closing(file: &SourceFile, open: usize) -> usize {
    let mut depth = 0;
    for j in open..file.tokens.len() {
        if file.is(j, "{") {
            depth += 1;
        } else if file.is(j, "}") {
            depth -= 1;
            if depth == 0 {
                return j;
            }
        }
    }
    panic!("{}: unbalanced braces", file.path);
}

/// The type an `impl` block around token `i` is for (`impl T {`, `impl Trait for T {`).
fn impl_type(file: &SourceFile, scopes: &Scopes, i: usize) -> Option<String> {
    let at = (0..i)
        .rev()
        .find(|&j| file.is(j, "impl") && scopes.depth[j] == 0)?;
    let open = (at..file.tokens.len()).find(|&j| file.is(j, "{"))?;
    (closing(file, open) > i).then(|| file.tok(open - 1).to_string())
}

/// Whether the entry at token `i` of the brace group opening at `open` names a field there:
/// `{ name: value` or shorthand `{ name,` / `, name }`.
fn is_entry(file: &SourceFile, open: usize, i: usize) -> bool {
    enclosing_brace(file, i) == Some(open)
        && (file.is(i - 1, "{") || file.is(i - 1, ","))
        && (file.is(i + 1, ":") || file.is(i + 1, ",") || file.is(i + 1, "}"))
}

/// One renamed member's uses: the error each gives and how it uses its body.
struct Use {
    file: usize,
    token: usize,
    code: &'static str,
    occ: Occ,
}

/// Fields named once in the crate's structs, and inherent methods defined once, that are used
/// at least `MIN_RENAMED_USES` times; the definition is renamed.
pub fn rename_sites(files: &[SourceFile], std_names: &[&str], sites: &mut Vec<Site>) {
    let all_scopes: Vec<Scopes> = files.iter().map(scopes).collect();
    let mut functions: BTreeMap<&str, usize> = BTreeMap::new();
    // Where each name is declared as a field (file, token), in a struct or an enum variant.
    let mut declared_fields: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (f, file) in files.iter().enumerate() {
        for i in 1..file.tokens.len() {
            if file.is(i - 1, "fn") {
                *functions.entry(file.tok(i)).or_insert(0) += 1;
            }
            if !file.is_ident(i) || !file.is(i + 1, ":") {
                continue;
            }
            let Some(open) = enclosing_brace(file, i) else {
                continue;
            };
            let definition = open >= 2
                && (file.is(open - 2, "struct") || all_scopes[f].depth[open] == 1)
                && file.is_ident(open - 1)
                && (file.is(i - 1, "{") || file.is(i - 1, ",") || file.is(i - 1, "pub"));
            let in_struct = open >= 2 && file.is(open - 2, "struct");
            let in_enum = (0..open)
                .rev()
                .find(|&j| all_scopes[f].depth[j] == 0 && file.is(j, "enum"))
                .is_some_and(|e| closing(file, (e..).find(|&j| file.is(j, "{")).unwrap()) > i);
            if definition && (in_struct || in_enum) {
                declared_fields.entry(file.tok(i)).or_default().push((f, i));
            }
        }
    }
    for (name, places) in &declared_fields {
        let &[(f, at)] = places.as_slice() else {
            continue;
        };
        let file = &files[f];
        let open = enclosing_brace(file, at).expect("a field in braces");
        if !file.is(open - 2, "struct") || functions.contains_key(name) {
            continue;
        }
        if STD_FIELDS.contains(name) || name.len() < 3 {
            continue;
        }
        let owner = file.tok(open - 1);
        if let Some(uses) = field_uses(files, &all_scopes, name, owner, (f, at)) {
            push_rename(files, f, at, uses, "field", sites);
        }
    }
    for (f, file) in files.iter().enumerate() {
        for at in 1..file.tokens.len() {
            if !file.is(at - 1, "fn") || all_scopes[f].depth[at] != 1 {
                continue;
            }
            let name = file.tok(at);
            if functions.get(name) != Some(&1)
                || declared_fields.contains_key(name)
                || std_names.contains(&name)
                || name.len() < 4
            {
                continue;
            }
            let Some(owner) = impl_type(file, &all_scopes[f], at) else {
                continue;
            };
            // Only inherent methods: renaming a trait's method breaks the impl instead.
            let impl_at = (0..at)
                .rev()
                .find(|&j| file.is(j, "impl") && all_scopes[f].depth[j] == 0)
                .expect("in an impl");
            let header_end = (impl_at..at).find(|&j| file.is(j, "{")).expect("impl body");
            if (impl_at..header_end).any(|j| file.is(j, "for")) {
                continue;
            }
            if let Some(uses) = method_uses(files, &all_scopes, name, &owner, (f, at)) {
                push_rename(files, f, at, uses, "method", sites);
            }
        }
    }
}

fn field_uses(
    files: &[SourceFile],
    all_scopes: &[Scopes],
    name: &str,
    owner: &str,
    definition: (usize, usize),
) -> Option<Vec<Use>> {
    let mut uses = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for i in 1..file.tokens.len() {
            if file.tok(i) != name || (f, i) == definition {
                continue;
            }
            if file.is(i - 1, ".") {
                if file.is(i + 1, "(") {
                    // A std method of the same name (`.count()`), not the field.
                    continue;
                }
                file.region_of[i]?;
                uses.push(Use {
                    file: f,
                    token: i,
                    code: "E0609",
                    occ: Occ::Dependent,
                });
                continue;
            }
            let Some(open) = enclosing_brace(file, i) else {
                continue;
            };
            if !is_entry(file, open, i) || open == 0 {
                continue;
            }
            let path = file.tok(open - 1);
            let path = if path == "Self" {
                impl_type(file, &all_scopes[f], i)?
            } else {
                path.to_string()
            };
            let close = closing(file, open);
            let pattern = ["=>", "=", "|"].iter().any(|t| file.is(close + 1, t))
                || (open..close).any(|j| file.is(j, "..") && file.is(j + 1, "}"));
            if path != owner || pattern {
                // Another struct's field, an enum variant's or a pattern: not predicted.
                return None;
            }
            file.region_of[i]?;
            uses.push(Use {
                file: f,
                token: i,
                code: "E0560",
                occ: Occ::Independent,
            });
        }
    }
    Some(uses)
}

fn method_uses(
    files: &[SourceFile],
    all_scopes: &[Scopes],
    name: &str,
    owner: &str,
    definition: (usize, usize),
) -> Option<Vec<Use>> {
    let mut uses = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for i in 2..file.tokens.len() {
            if file.tok(i) != name || (f, i) == definition {
                continue;
            }
            let call = file.is(i - 1, ".") && file.is(i + 1, "(");
            let path = file.is(i - 1, "::")
                && (file.is(i - 2, owner)
                    || (file.is(i - 2, "Self")
                        && impl_type(file, &all_scopes[f], i).as_deref() == Some(owner)));
            if call || path {
                file.region_of[i]?;
                uses.push(Use {
                    file: f,
                    token: i,
                    code: "E0599",
                    occ: Occ::Dependent,
                });
            } else if file.is(i - 1, ".") || file.is(i - 1, "::") || file.is(i + 1, "(") {
                return None;
            }
        }
    }
    Some(uses)
}

fn push_rename(
    files: &[SourceFile],
    f: usize,
    at: usize,
    uses: Vec<Use>,
    member: &str,
    sites: &mut Vec<Site>,
) {
    let spread: BTreeSet<usize> = uses.iter().map(|u| u.file).collect();
    if uses.len() < MIN_RENAMED_USES {
        return;
    }
    let file = &files[f];
    let token = &file.tokens[at];
    let mut occupancy: Vec<(usize, Occ)> = Vec::new();
    for u in &uses {
        let region = files[u.file].region_of[u.token].expect("checked");
        match occupancy.iter_mut().find(|(r, _)| *r == region) {
            Some(entry) if u.occ == Occ::Dependent => entry.1 = Occ::Dependent,
            Some(_) => {}
            None => occupancy.push((region, u.occ)),
        }
    }
    sites.push(Site {
        kind: Kind::RenameMember,
        file: f,
        deletions: Vec::new(),
        rename: Some((token.start, token.end)),
        insertions: Vec::new(),
        lines: std::iter::once((f, file.token_line(at)))
            .chain(
                uses.iter()
                    .map(|u| (u.file, files[u.file].token_line(u.token))),
            )
            .collect(),
        occupancy,
        expected: uses
            .iter()
            .map(|u| Expected {
                code: u.code.to_string(),
                file: u.file,
                offset: files[u.file].tokens[u.token].start,
            })
            .collect(),
        what: format!(
            "{} `{}` ({} uses in {} files)",
            member,
            file.tok(at),
            uses.len(),
            spread.len()
        ),
    });
}
