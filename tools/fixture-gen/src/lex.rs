//! A small Rust lexer: enough to find identifiers, punctuation, literals and comments
//! with their byte ranges. It does not need to be complete, only exact on the base crate.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Lifetime,
    Str,
    Char,
    Num,
    Punct,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// A `/*@...*/` marker comment, with the text between `/*@` and `*/`.
#[derive(Clone, Debug)]
pub struct Marker {
    pub start: usize,
    pub end: usize,
    pub body: String,
}

const PUNCT3: [&str; 3] = ["..=", "<<=", ">>="];
const PUNCT2: [&str; 19] = [
    "::", "..", "=>", "->", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "^=",
    "&=", "|=", "<<",
];

/// Splits `text` into tokens; comments are skipped, marker comments are returned separately.
pub fn lex(text: &str) -> (Vec<Token>, Vec<Marker>) {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut markers = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if text[i..].starts_with("//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if text[i..].starts_with("/*") {
            let start = i;
            let mut depth = 0;
            while i < bytes.len() {
                if text[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if text[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            if text[start..].starts_with("/*@") {
                markers.push(Marker {
                    start,
                    end: i,
                    body: text[start + 3..i - 2].to_string(),
                });
            }
            continue;
        }
        let start = i;
        // Raw strings r"..", r#".."#, and byte strings b"..", br"..".
        if (c == b'r' || c == b'b') && raw_or_byte_string_start(&text[i..]).is_some() {
            let (prefix_len, hashes, raw) = raw_or_byte_string_start(&text[i..]).unwrap();
            i += prefix_len;
            if raw {
                let closing = format!("\"{}", "#".repeat(hashes));
                let rest = &text[i..];
                let found = rest.find(&closing).expect("unterminated raw string");
                i += found + closing.len();
            } else {
                i = skip_quoted(bytes, i, b'"');
            }
            tokens.push(Token {
                kind: Kind::Str,
                start,
                end: i,
            });
            continue;
        }
        if c == b'"' {
            i = skip_quoted(bytes, i + 1, b'"');
            tokens.push(Token {
                kind: Kind::Str,
                start,
                end: i,
            });
            continue;
        }
        if c == b'\'' {
            // A char literal or a lifetime.
            let rest = &text[i + 1..];
            let mut chars = rest.char_indices();
            let first = chars.next();
            let second = chars.next();
            let is_char = matches!(
                (first, second),
                (Some((_, '\\')), _) | (Some(_), Some((_, '\'')))
            );
            if is_char {
                i = skip_quoted(bytes, i + 1, b'\'');
                tokens.push(Token {
                    kind: Kind::Char,
                    start,
                    end: i,
                });
            } else {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                tokens.push(Token {
                    kind: Kind::Lifetime,
                    start,
                    end: i,
                });
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Token {
                kind: Kind::Ident,
                start,
                end: i,
            });
            continue;
        }
        if c.is_ascii_digit() {
            let mut previous = b'0';
            while i < bytes.len() {
                let b = bytes[i];
                let exponent_sign =
                    (b == b'-' || b == b'+') && (previous == b'e' || previous == b'E');
                let fraction = b == b'.' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit();
                if b.is_ascii_alphanumeric() || b == b'_' || exponent_sign || fraction {
                    previous = b;
                    i += 1;
                } else {
                    break;
                }
            }
            tokens.push(Token {
                kind: Kind::Num,
                start,
                end: i,
            });
            continue;
        }
        if c >= 0x80 {
            panic!("non-ASCII character outside a literal at byte {}", i);
        }
        let rest = &text[i..];
        let len = if PUNCT3.iter().any(|p| rest.starts_with(p)) {
            3
        } else if PUNCT2.iter().any(|p| rest.starts_with(p)) {
            2
        } else {
            1
        };
        i += len;
        tokens.push(Token {
            kind: Kind::Punct,
            start,
            end: i,
        });
    }
    (tokens, markers)
}

/// For `r"`, `r#"`, `b"`, `br"`: (prefix length up to and including the quote, hashes, raw).
fn raw_or_byte_string_start(rest: &str) -> Option<(usize, usize, bool)> {
    let bytes = rest.as_bytes();
    let mut i = 0;
    if bytes.first() == Some(&b'b') {
        i += 1;
    }
    let raw = bytes.get(i) == Some(&b'r');
    if raw {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let mut hashes = 0;
    while raw && bytes.get(i) == Some(&b'#') {
        hashes += 1;
        i += 1;
    }
    if bytes.get(i) == Some(&b'"') {
        Some((i + 1, hashes, raw))
    } else {
        None
    }
}

/// Skips to just after the closing `quote`, honouring backslash escapes.
fn skip_quoted(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i] == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    panic!("unterminated literal");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<String> {
        lex(source)
            .0
            .iter()
            .map(|t| source[t.start..t.end].to_string())
            .collect()
    }

    #[test]
    fn lexes_the_tricky_parts() {
        assert_eq!(
            texts("a..=b 'x' 'a '\\n' 1e-9 0..n 2.0_f64 x.0 \"q\\\"\" r#\"s\"# /* c */ ::"),
            [
                "a",
                "..=",
                "b",
                "'x'",
                "'a",
                "'\\n'",
                "1e-9",
                "0",
                "..",
                "n",
                "2.0_f64",
                "x",
                ".",
                "0",
                "\"q\\\"\"",
                "r#\"s\"#",
                "::"
            ]
        );
        let (_, markers) = lex("let /*@m:E0596*/mut x = 1; // /*@no*/");
        assert_eq!(markers.len(), 1);
        assert_eq!(markers[0].body, "m:E0596");
    }
}
