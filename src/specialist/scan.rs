//! What rules read in source text and in rustc's messages, with patterns rather than a parser:
//! matching brackets, top-level comma lists, a struct's fields, where a `use` line goes, names in
//! backticks, and how far one name is from another.

/// The text between the bracket opening at `open` and its match, exclusive.
pub fn balanced(text: &str, open: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let (opening, closing) = match bytes.get(open)? {
        b'{' => (b'{', b'}'),
        b'(' => (b'(', b')'),
        b'[' => (b'[', b']'),
        b'<' => (b'<', b'>'),
        _ => return None,
    };
    let mut depth = 0usize;
    for (offset, byte) in bytes[open..].iter().enumerate() {
        if *byte == opening {
            depth += 1;
        } else if *byte == closing {
            depth -= 1;
            if depth == 0 {
                return text.get(open + 1..open + offset);
            }
        }
    }
    None
}

/// The arguments a function takes and those a call supplied, from E0061's message: `this
/// function takes 3 arguments but 2 arguments were supplied` → (3, 2).
pub fn argument_counts(message: &str) -> Option<(usize, usize)> {
    let words: Vec<&str> = message.split_whitespace().collect();
    let takes = words.iter().position(|w| *w == "takes")?;
    let but = words.iter().position(|w| *w == "but")?;
    Some((
        words.get(takes + 1)?.parse().ok()?,
        words.get(but + 1)?.parse().ok()?,
    ))
}

/// Splits at commas outside brackets, with each part's byte offset into `text`; a trailing comma
/// makes no empty last part.
pub fn split_top_level(text: &str) -> Vec<(usize, &str)> {
    let mut parts = split_outside_brackets(text, ',');
    if parts.last().is_some_and(|(_, last)| last.trim().is_empty()) {
        parts.pop();
    }
    parts
}

/// Splits at `separator` outside brackets of any kind, with each part's byte offset into `text`;
/// the last part is kept even when empty (`(T,)` is a tuple).
pub fn split_outside_brackets(text: &str, separator: char) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (offset, ch) in text.char_indices() {
        match ch {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            _ if ch == separator && depth == 0 => {
                parts.push((start, &text[start..offset]));
                start = offset + ch.len_utf8();
            }
            _ => {}
        }
    }
    parts.push((start, &text[start..]));
    parts
}

/// The named fields of the struct whose keyword line starts at `line_start`: `(name, type)`.
pub fn struct_fields(text: &str, line_start: usize) -> Vec<(String, String)> {
    let Some(open) = text[line_start..]
        .find(['{', ';', '('])
        .map(|at| line_start + at)
    else {
        return Vec::new();
    };
    if text.as_bytes()[open] != b'{' {
        return Vec::new();
    }
    let Some(body) = balanced(text, open) else {
        return Vec::new();
    };
    split_top_level(body)
        .into_iter()
        .filter_map(|(_, field)| {
            let field = strip_attributes(field);
            let (name, kind) = field.split_once(':')?;
            let name = name.trim().rsplit(char::is_whitespace).next()?.to_owned();
            Some((name, kind.trim().to_owned()))
        })
        .collect()
}

/// A field's text without the comments and attributes before it.
fn strip_attributes(field: &str) -> &str {
    let mut rest = field.trim_start();
    loop {
        if rest.starts_with("//") {
            rest = rest
                .split_once('\n')
                .map_or("", |(_, after)| after)
                .trim_start();
        } else if rest.starts_with("#[") {
            let close = rest.find(']').map_or(rest.len(), |at| at + 1);
            rest = rest[close..].trim_start();
        } else {
            return rest;
        }
    }
}

/// Where a new `use` line goes: after the file's last top-level `use` before its first item, or
/// else after its inner attributes and `//!` comments.
pub fn use_insertion_point(text: &str) -> usize {
    let mut offset = 0;
    let mut after_uses = None;
    let mut after_header = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let next = offset + line.len();
        if trimmed.starts_with("use ") || trimmed.starts_with("pub use ") {
            // A `use` may span lines: it ends at its `;`.
            let end = text[offset..].find(';').map_or(next, |at| {
                let semicolon = offset + at;
                text[semicolon..]
                    .find('\n')
                    .map_or(text.len(), |nl| semicolon + nl + 1)
            });
            after_uses = Some(end);
        } else if trimmed.starts_with("//!") || trimmed.starts_with("#![") || trimmed.is_empty() {
            if after_uses.is_none() && !trimmed.is_empty() {
                after_header = next;
            }
        } else if after_uses.is_some_and(|end| next > end) || after_uses.is_none() {
            break;
        }
        offset = next;
    }
    after_uses.unwrap_or(after_header)
}

/// Levenshtein distance, for picking the likeliest of several names.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Every name in backticks in a rustc message, in order.
pub fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_fields_are_read_past_comments_attributes_and_generics() {
        let text = "pub struct Book {\n    /// The title.\n    pub title: String,\n    #[allow(dead_code)]\n    pages: HashMap<u32, (u8, u8)>,\n}\n";
        assert_eq!(
            struct_fields(text, 0),
            [
                ("title".to_owned(), "String".to_owned()),
                ("pages".to_owned(), "HashMap<u32, (u8, u8)>".to_owned())
            ]
        );
        assert!(struct_fields("pub struct Unit;\n", 0).is_empty());
    }

    #[test]
    fn use_lines_go_after_the_last_use_or_the_header() {
        let text = "//! Docs.\n#![deny(missing_docs)]\n\nuse std::fmt;\nuse std::io::{\n    Read,\n};\n\nfn f() {}\n";
        assert_eq!(&text[use_insertion_point(text)..], "\nfn f() {}\n");
        let bare = "//! Docs.\n\nfn f() {}\n";
        assert_eq!(&bare[use_insertion_point(bare)..], "\nfn f() {}\n");
        assert_eq!(use_insertion_point("fn f() {}\n"), 0);
    }

    #[test]
    fn small_helpers() {
        assert_eq!(edit_distance("title", "titel"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            backticked("missing fields `a` and `b` in initializer of `P`"),
            ["a", "b", "P"]
        );
        assert_eq!(split_top_level("a, f(b, c), [d, e]").len(), 3);
        assert_eq!(balanced("x(a(b)c)d", 1), Some("a(b)c"));
    }
}
