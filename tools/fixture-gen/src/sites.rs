//! Where each kind of mutation can be applied in the base crate, and what rustc should say.
//!
//! Token-level kinds (typos of locals, methods, fields and struct-literal fields, and dropped
//! method-call parentheses) are found automatically inside function bodies. The others are
//! marked in the base sources with `/*@...*/` comments, which never reach the output:
//!
//! * `/*@m:CODE*/mut` - removing `mut` gives CODE (E0596 or E0384)
//! * `/*@c*/.clone()` - removing the clone moves a value that is used later (E0382)
//! * `/*@r*/&arg` - removing the borrow of an argument (E0308)
//! * `/*@s*/"text".to_string()` - removing the conversion where a `String` is expected (E0308);
//!   `"text".to_string()` as a struct-literal field value is found without a marker
//! * `/*@d:TAG*/Trait` in a derive list - removing the derive; every `/*@t:TAG*/` marks the start
//!   of a line where that gives one error (E0277 for Debug, E0369 for PartialEq)
//! * `/*@u:CODE:TAG*/use ...;` - deleting the import gives CODE on each `/*@t:TAG*/` line; for a
//!   non-trait import a typo in its last segment (E0432) is a second kind of site
//! * `/*@lt*/fn name<'a>(...)` - removing the lifetime parameter and its uses (E0106)
//! * `/*@x*/` - no automatic site on this line
//!
//! The hole kinds (a dropped call argument, a dropped struct-literal field) are found
//! automatically too, in `holes.rs`, and used only when `--kinds` names them.

use std::collections::{BTreeMap, BTreeSet};

use crate::holes;
use crate::lex::{lex, Kind as TokKind};
use crate::refactors;
pub use crate::site::{Expected, Kind, Occ, Site, SourceFile, HOLE_KINDS, KINDS, REFACTOR_KINDS};

/// Strips markers and lexes a base file. `next_region` numbers function bodies across files.
pub fn load(path: &str, raw: &str, next_region: &mut usize) -> SourceFile {
    let (_, raw_markers) = lex(raw);
    let mut text = String::with_capacity(raw.len());
    let mut marker_offsets = Vec::new();
    let mut copied = 0;
    // A marker goes with the whitespace after it, so that `(/*@r*/ &x)` and a marker that
    // rustfmt put on a line of its own both leave the code as it was written without them.
    // When that whitespace holds a line break, the spaces before a marker that follows code
    // go too: `overrides /*@c*/\n    .clone()` becomes `overrides.clone()`.
    for marker in &raw_markers {
        let mut start = marker.start;
        let mut end = marker.end;
        while end < raw.len() && raw.as_bytes()[end].is_ascii_whitespace() {
            end += 1;
        }
        let line_start = raw[..start].rfind('\n').map_or(0, |i| i + 1);
        let at_line_start = raw[line_start..start].trim().is_empty();
        if raw[marker.end..end].contains('\n') && !at_line_start {
            while start > copied && raw.as_bytes()[start - 1] == b' ' {
                start -= 1;
            }
        }
        text.push_str(&raw[copied..start]);
        marker_offsets.push((text.len(), marker.body.clone()));
        copied = end;
    }
    text.push_str(&raw[copied..]);
    let (tokens, leftover) = lex(&text);
    assert!(leftover.is_empty());
    let mut line_starts = vec![0];
    for (index, byte) in text.bytes().enumerate() {
        if byte == b'\n' {
            line_starts.push(index + 1);
        }
    }
    let mut file = SourceFile {
        path: path.to_string(),
        text,
        tokens,
        line_starts,
        region_of: Vec::new(),
        excluded_lines: BTreeSet::new(),
        markers: Vec::new(),
    };
    for (offset, body) in marker_offsets {
        let index = file
            .tokens
            .iter()
            .position(|token| token.start >= offset)
            .unwrap_or_else(|| panic!("{}: marker {} at the end", path, body));
        if body == "x" {
            let line = file.token_line(index);
            file.excluded_lines.insert(line);
        } else {
            file.markers.push((index, body));
        }
    }
    file.region_of = vec![None; file.tokens.len()];
    let mut index = 0;
    while index < file.tokens.len() {
        if file.is(index, "fn") && file.is_ident(index + 1) {
            if let Some((open, close)) = fn_body(&file, index) {
                let region = *next_region;
                *next_region += 1;
                for slot in &mut file.region_of[index..=close] {
                    *slot = Some(region);
                }
                index = open + 1;
                continue;
            }
        }
        index += 1;
    }
    file
}

/// The token indices of the `{` and `}` of the body of the fn whose `fn` keyword is at `index`.
fn fn_body(file: &SourceFile, index: usize) -> Option<(usize, usize)> {
    let mut depth = 0i32;
    let mut open = None;
    for j in index + 2..file.tokens.len() {
        match file.tok(j) {
            "(" | "[" => depth += 1,
            ")" | "]" => depth -= 1,
            "{" if depth == 0 => {
                open = Some(j);
                break;
            }
            ";" if depth == 0 => return None,
            _ => {}
        }
    }
    let open = open?;
    Some((open, matching(file, open)))
}

/// Index of the token closing the bracket at `open`.
fn matching(file: &SourceFile, open: usize) -> usize {
    let (opening, closing) = match file.tok(open) {
        "{" => ("{", "}"),
        "(" => ("(", ")"),
        "[" => ("[", "]"),
        other => panic!("not a bracket: {}", other),
    };
    let mut depth = 0;
    for j in open..file.tokens.len() {
        let text = file.tok(j);
        if text == opening {
            depth += 1;
        } else if text == closing {
            depth -= 1;
            if depth == 0 {
                return j;
            }
        }
    }
    panic!("{}: unbalanced {}", file.path, opening);
}

/// Field names of all struct definitions (a method of the same name must keep its parentheses).
pub fn field_names(files: &[SourceFile]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for file in files {
        for index in 0..file.tokens.len() {
            if file.is(index, "struct") && file.is_ident(index + 1) && file.is(index + 2, "{") {
                let close = matching(file, index + 2);
                let mut depth = 0;
                for j in index + 2..close {
                    match file.tok(j) {
                        "{" | "(" | "[" | "<" => depth += 1,
                        "}" | ")" | "]" | ">" => depth -= 1,
                        _ => {}
                    }
                    if depth == 1 && file.is_ident(j) && file.is(j + 1, ":") {
                        names.insert(file.tok(j).to_string());
                    }
                }
            }
        }
    }
    names
}

fn auto_ok(file: &SourceFile, index: usize) -> bool {
    file.region_of[index].is_some() && !file.excluded_lines.contains(&file.token_line(index))
}

fn expect(code: &str, file: usize, offset: usize) -> Expected {
    Expected {
        code: code.to_string(),
        file,
        offset,
    }
}

/// Every site of every kind, in a fixed order.
pub fn find_sites(files: &[SourceFile]) -> Vec<Site> {
    let fields = field_names(files);
    let mut sites = Vec::new();
    // Tags: TAG -> (file, token index) of each line it marks.
    let mut tags: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (f, file) in files.iter().enumerate() {
        for (index, body) in &file.markers {
            if let Some(tag) = body.strip_prefix("t:") {
                tags.entry(tag.to_string()).or_default().push((f, *index));
            }
        }
    }
    for (f, file) in files.iter().enumerate() {
        auto_sites(f, file, &fields, &mut sites);
        holes::argument_sites(f, file, files, &mut sites);
        holes::field_sites(f, file, &mut sites);
        for (index, body) in &file.markers {
            marked_site(files, f, *index, body, &tags, &mut sites);
        }
    }
    refactors::move_sites(files, &mut sites);
    refactors::rename_sites(files, crate::STD_NAMES, &mut sites);
    for site in &mut sites {
        site.lines.sort();
        site.lines.dedup();
    }
    sites.sort_by_key(|site| {
        (
            site.kind,
            site.file,
            site.rename
                .map(|r| r.0)
                .or(site.deletions.first().map(|d| d.0)),
        )
    });
    sites
}

fn simple(
    kind: Kind,
    f: usize,
    file: &SourceFile,
    index: usize,
    occ: Occ,
    code: &str,
    what: String,
) -> Site {
    let token = &file.tokens[index];
    Site {
        kind,
        file: f,
        deletions: Vec::new(),
        rename: if kind.is_typo() {
            Some((token.start, token.end))
        } else {
            None
        },
        insertions: Vec::new(),
        lines: vec![(f, file.token_line(index))],
        occupancy: vec![(file.region_of[index].expect("site outside a function"), occ)],
        expected: vec![expect(code, f, token.start)],
        what,
    }
}

fn auto_sites(f: usize, file: &SourceFile, fields: &BTreeSet<String>, sites: &mut Vec<Site>) {
    let n = file.tokens.len();
    // Method calls, field accesses and calls without parentheses.
    for i in 0..n {
        if !file.is(i, ".") || !file.is_ident(i + 1) || !auto_ok(file, i) {
            continue;
        }
        let name = file.tok(i + 1);
        let lower = name.starts_with(|c: char| c.is_ascii_lowercase());
        if !lower || name == "await" {
            continue;
        }
        let call = file.is(i + 2, "(");
        if call && name.len() >= 4 {
            sites.push(simple(
                Kind::MethodTypo,
                f,
                file,
                i + 1,
                Occ::Dependent,
                "E0599",
                format!("method `{}`", name),
            ));
        }
        if call
            && file.is(i + 3, ")")
            && !fields.contains(name)
            && name != "len"
            && !in_assigned_place(file, i)
        {
            let mut site = simple(
                Kind::MethodParens,
                f,
                file,
                i + 1,
                Occ::Dependent,
                "E0615",
                format!("call `{}()`", name),
            );
            site.deletions
                .push((file.tokens[i + 2].start, file.tokens[i + 3].end));
            sites.push(site);
        }
        let not_field = call || file.is(i + 2, "::") || file.is(i + 2, "!");
        if !not_field && name.len() >= 4 {
            sites.push(simple(
                Kind::FieldTypo,
                f,
                file,
                i + 1,
                Occ::Dependent,
                "E0609",
                format!("field `{}`", name),
            ));
        }
    }
    // Struct literals: `Path {` with `field: value` entries.
    for i in 1..n {
        if !file.is(i, "{") || !auto_ok(file, i) {
            continue;
        }
        let path = file.tok(i - 1);
        if !file.is_ident(i - 1) || !path.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        if i >= 2
            && matches!(
                file.tok(i - 2),
                "struct"
                    | "enum"
                    | "union"
                    | "impl"
                    | "for"
                    | "trait"
                    | "let"
                    | "mod"
                    | "=="
                    | "!="
            )
        {
            continue;
        }
        let close = matching(file, i);
        if file.is(close + 1, "=>") || file.is(close + 1, "=") || file.is(close + 1, "|") {
            continue;
        }
        // The body must look like fields: the first token is an identifier followed by `:` or `,` or `}`.
        if !(file.is_ident(i + 1)
            && (file.is(i + 2, ":") || file.is(i + 2, ",") || file.is(i + 2, "}")))
        {
            continue;
        }
        let mut depth = 0;
        let mut j = i;
        while j < close {
            match file.tok(j) {
                "{" | "(" | "[" => depth += 1,
                "}" | ")" | "]" => depth -= 1,
                _ => {}
            }
            let entry_start = depth == 1 && (file.is(j, "{") || file.is(j, ","));
            if entry_start && file.is_ident(j + 1) && file.is(j + 2, ":") {
                let name = file.tok(j + 1);
                if name.len() >= 3 && auto_ok(file, j + 1) {
                    sites.push(simple(
                        Kind::StructFieldTypo,
                        f,
                        file,
                        j + 1,
                        Occ::Independent,
                        "E0560",
                        format!("field `{}` of `{}` literal", name, path),
                    ));
                }
                // `field: "text".to_string(),` is a place where a String is expected.
                let value = j + 3;
                if file.tokens[value].kind == TokKind::Str
                    && file.is(value + 1, ".")
                    && file.is(value + 2, "to_string")
                    && file.is(value + 3, "(")
                    && file.is(value + 4, ")")
                    && (file.is(value + 5, ",") || file.is(value + 5, "}"))
                {
                    sites.push(to_string_site(f, file, value));
                }
            }
            j += 1;
        }
    }
    // `vec!["a".to_string(), "b".to_string()]`: the first element makes it a Vec<String>, so a
    // later element without `.to_string()` is one mismatch.
    let is_to_string = |at: usize| {
        at + 4 < n
            && file.tokens[at].kind == TokKind::Str
            && file.is(at + 1, ".")
            && file.is(at + 2, "to_string")
            && file.is(at + 3, "(")
            && file.is(at + 4, ")")
    };
    for i in 2..n {
        if !(file.is(i, "[") && file.is(i - 1, "!") && file.is(i - 2, "vec") && auto_ok(file, i)) {
            continue;
        }
        if !is_to_string(i + 1) {
            continue;
        }
        let close = matching(file, i);
        let mut j = i + 6;
        while j < close {
            if file.is(j - 1, ",")
                && is_to_string(j)
                && (file.is(j + 5, ",") || j + 5 == close)
                && auto_ok(file, j)
            {
                // rustc reports only the first mismatched element of a `vec!`, so the whole
                // literal is claimed: one such mutation per vector.
                let mut site = to_string_site(f, file, j);
                site.lines = (file.token_line(i)..=file.token_line(close))
                    .map(|line| (f, line))
                    .collect();
                sites.push(site);
            }
            j += 1;
        }
    }
    // Locals declared with `let name` / `let mut name`, misspelt at a later use in the same body.
    let mut declared: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for i in 0..n {
        let region = match file.region_of[i] {
            Some(region) => region,
            None => continue,
        };
        if file.is(i, "let") {
            let name_at = if file.is(i + 1, "mut") { i + 2 } else { i + 1 };
            if file.is_ident(name_at) && (file.is(name_at + 1, "=") || file.is(name_at + 1, ":")) {
                declared
                    .entry((region, file.tok(name_at).to_string()))
                    .or_insert(name_at);
            }
            continue;
        }
        if !file.is_ident(i) || !auto_ok(file, i) || i == 0 || i + 1 >= n {
            continue;
        }
        let name = file.tok(i);
        match declared.get(&(region, name.to_string())) {
            Some(at) if *at < i => {}
            _ => continue,
        }
        if name.len() < 3 {
            continue;
        }
        let before = file.tok(i - 1);
        let after = file.tok(i + 1);
        if matches!(
            before,
            "." | "::" | "let" | "mut" | "|" | "for" | "ref" | "fn" | "@"
        ) {
            continue;
        }
        if matches!(after, ":" | "::" | "(" | "!" | "=>" | "|" | "@" | "=" | "{") {
            continue;
        }
        if matches!(before, "{" | ",") && matches!(after, "," | "}") {
            continue;
        }
        sites.push(simple(
            Kind::LocalTypo,
            f,
            file,
            i,
            Occ::Dependent,
            "E0425",
            format!("local `{}`", name),
        ));
    }
}

/// True if the token at `index` is part of the left-hand side of an assignment, as in
/// `*counts.entry(name.as_str()).or_insert(0) += 1`. There rustc's E0615 ("attempted to take
/// value of method") comes without the "use parentheses" suggestion.
fn in_assigned_place(file: &SourceFile, index: usize) -> bool {
    // Back to the start of the statement: the nearest `;` or `{` that is not inside a group
    // closed before `index`. An unmatched `(` or `[` on the way encloses `index`: go on.
    let mut skipping = 0;
    let mut start = 0;
    for j in (0..index).rev() {
        match file.tok(j) {
            ")" | "]" | "}" => skipping += 1,
            "(" | "[" if skipping > 0 => skipping -= 1,
            "{" if skipping > 0 => skipping -= 1,
            "{" => {
                start = j + 1;
                break;
            }
            ";" if skipping == 0 => {
                start = j + 1;
                break;
            }
            _ => {}
        }
    }
    // Forward to its end, looking for an assignment at the statement's own level after `index`.
    let mut depth = 0i32;
    for j in start..file.tokens.len() {
        match file.tok(j) {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" => depth -= 1,
            "}" if depth == 0 => return false,
            "}" => depth -= 1,
            ";" if depth == 0 => return false,
            "=" | "+=" | "-=" | "*=" | "/=" | "%=" if depth == 0 => return j > index,
            _ => {}
        }
    }
    false
}

fn to_string_site(f: usize, file: &SourceFile, literal: usize) -> Site {
    let mut site = simple(
        Kind::RemoveToString,
        f,
        file,
        literal,
        Occ::Independent,
        "E0308",
        format!("{}.to_string()", file.tok(literal)),
    );
    site.deletions
        .push((file.tokens[literal + 1].start, file.tokens[literal + 4].end));
    site
}

fn marked_site(
    files: &[SourceFile],
    f: usize,
    index: usize,
    body: &str,
    tags: &BTreeMap<String, Vec<(usize, usize)>>,
    sites: &mut Vec<Site>,
) {
    let file = &files[f];
    let parts: Vec<&str> = body.split(':').collect();
    let here = || format!("{}:{}", file.path, file.token_line(index));
    // The lines, bodies and error positions of the `/*@t:TAG*/` marks of a tag.
    let users = |tag: &str| -> Vec<(usize, usize, usize, usize)> {
        let marks = tags
            .get(tag)
            .unwrap_or_else(|| panic!("{}: tag {} is never used", here(), tag));
        marks
            .iter()
            .map(|(uf, ui)| {
                let user = &files[*uf];
                let region = user.region_of[*ui]
                    .unwrap_or_else(|| panic!("{}: tag {} outside a function", user.path, tag));
                (*uf, user.token_line(*ui), region, user.tokens[*ui].start)
            })
            .collect()
    };
    match parts[0] {
        "t" => {}
        "m" => {
            assert!(file.is(index, "mut"), "{}: m marker not on mut", here());
            let mut site = simple(
                Kind::RemoveMut,
                f,
                file,
                index,
                Occ::Exclusive,
                parts[1],
                format!("`mut {}`", file.tok(index + 1)),
            );
            site.deletions
                .push((file.tokens[index].start, file.tokens[index + 1].start));
            sites.push(site);
        }
        "c" => {
            assert!(
                file.is(index, ".")
                    && file.is(index + 1, "clone")
                    && file.is(index + 2, "(")
                    && file.is(index + 3, ")"),
                "{}: c marker not on .clone()",
                here()
            );
            let mut site = simple(
                Kind::RemoveClone,
                f,
                file,
                index,
                Occ::Exclusive,
                "E0382",
                format!("`{}.clone()`", file.tok(index - 1)),
            );
            site.deletions
                .push((file.tokens[index].start, file.tokens[index + 3].end));
            sites.push(site);
        }
        "r" => {
            assert!(file.is(index, "&"), "{}: r marker not on &", here());
            let mut site = simple(
                Kind::RemoveRef,
                f,
                file,
                index,
                Occ::Dependent,
                "E0308",
                format!("`&{}`", file.tok(index + 1)),
            );
            site.deletions
                .push((file.tokens[index].start, file.tokens[index].end));
            sites.push(site);
        }
        "s" => {
            assert!(
                file.tokens[index].kind == TokKind::Str && file.is(index + 2, "to_string"),
                "{}: s marker not on a literal with .to_string()",
                here()
            );
            sites.push(to_string_site(f, file, index));
        }
        "d" => {
            let code = match file.tok(index) {
                "Debug" => "E0277",
                "PartialEq" => "E0369",
                other => panic!("{}: no code known for derive {}", here(), other),
            };
            let deletion = if file.is(index - 1, ",") {
                (file.tokens[index - 1].start, file.tokens[index].end)
            } else if file.is(index + 1, ",") {
                (file.tokens[index].start, file.tokens[index + 2].start)
            } else {
                file.line_range(file.tokens[index].start)
            };
            let users = users(parts[1]);
            sites.push(Site {
                kind: Kind::RemoveDerive,
                file: f,
                deletions: vec![deletion],
                rename: None,
                insertions: Vec::new(),
                lines: std::iter::once((f, file.token_line(index)))
                    .chain(users.iter().map(|u| (u.0, u.1)))
                    .collect(),
                occupancy: users.iter().map(|u| (u.2, Occ::Dependent)).collect(),
                expected: users.iter().map(|u| expect(code, u.0, u.3)).collect(),
                what: format!(
                    "derive({}) ({} use{})",
                    file.tok(index),
                    users.len(),
                    if users.len() == 1 { "" } else { "s" }
                ),
            });
        }
        "u" => {
            assert!(file.is(index, "use"), "{}: u marker not on use", here());
            let code = parts[1];
            let users = users(parts[2]);
            let mut end = index;
            while !file.is(end, ";") {
                end += 1;
            }
            let last = end - 1;
            let lines: Vec<(usize, usize)> = std::iter::once((f, file.token_line(index)))
                .chain(users.iter().map(|u| (u.0, u.1)))
                .collect();
            // Every body that names the import is claimed whole: an unresolved name is an error
            // type there, which would hide other mutations in it.
            let occupancy: Vec<(usize, Occ)> =
                users.iter().map(|u| (u.2, Occ::Exclusive)).collect();
            sites.push(Site {
                kind: Kind::RemoveUse,
                file: f,
                deletions: vec![file.line_range(file.tokens[index].start)],
                rename: None,
                insertions: Vec::new(),
                lines: lines.clone(),
                occupancy: occupancy.clone(),
                expected: users.iter().map(|u| expect(code, u.0, u.3)).collect(),
                what: format!("`use` of `{}`", file.tok(last)),
            });
            if code != "E0599" {
                // Misspelling a trait import could stop type checking, so only non-traits.
                let token = &file.tokens[last];
                sites.push(Site {
                    kind: Kind::ImportTypo,
                    file: f,
                    deletions: Vec::new(),
                    rename: Some((token.start, token.end)),
                    insertions: Vec::new(),
                    lines,
                    occupancy,
                    // The use sites still name the original, so they fail as well.
                    expected: std::iter::once(expect("E0432", f, token.start))
                        .chain(users.iter().map(|u| expect(code, u.0, u.3)))
                        .collect(),
                    what: format!("import `{}`", file.tok(last)),
                });
            }
        }
        "lt" => {
            let mut at = index;
            while !file.is(at, "fn") {
                at += 1;
            }
            assert!(
                file.is(at + 2, "<") && file.is(at + 3, "'a") && file.is(at + 4, ">"),
                "{}: lt marker on a fn without <'a>",
                here()
            );
            let mut deletions = vec![(file.tokens[at + 2].start, file.tokens[at + 4].end)];
            let mut j = at + 5;
            while !file.is(j, "{") {
                if file.is(j, "'a") {
                    deletions.push((file.tokens[j].start, file.tokens[j + 1].start));
                }
                j += 1;
            }
            let region = file.region_of[j].expect("fn body");
            // Without its lifetime the return type is an error for every caller, which hides
            // other errors there: each calling body is claimed whole.
            let name = file.tok(at + 1);
            let mut occupancy = vec![(region, Occ::Dependent)];
            for caller in files {
                for k in 1..caller.tokens.len() {
                    if caller.tok(k) == name
                        && caller.is(k + 1, "(")
                        && !caller.is(k - 1, "fn")
                        && !caller.is(k - 1, ".")
                    {
                        let calling = caller.region_of[k].unwrap_or_else(|| {
                            panic!("{}: call of {} outside a function", caller.path, name)
                        });
                        if calling != region {
                            occupancy.push((calling, Occ::Exclusive));
                        }
                    }
                }
            }
            sites.push(Site {
                kind: Kind::RemoveLifetime,
                file: f,
                deletions,
                rename: None,
                insertions: Vec::new(),
                lines: vec![(f, file.token_line(at))],
                occupancy,
                expected: vec![expect("E0106", f, file.tokens[at].start)],
                what: format!("lifetime of `{}`", file.tok(at + 1)),
            });
        }
        other => panic!("{}: unknown marker {}", here(), other),
    }
}
