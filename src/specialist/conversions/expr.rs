//! `Expr`, the text of an expression with how tightly it binds, so that a conversion written
//! around it (`.clone()` after it, `&` or `*` before it, `as T` after it) keeps its meaning:
//! `(a + b).into()`, `(*x).into()`, `&(s + "x")`.

/// How tightly an expression's outermost operator binds, loosest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prec {
    /// Closures, ranges, assignments, `return`, blocks and `if`/`match` as written in a place.
    Loose,
    /// `a + b`, `a == b`, `a && b`.
    Binary,
    /// `x as T`.
    Cast,
    /// `&x`, `&mut x`, `*x`, `-x`, `!x`.
    Prefix,
    /// Paths, literals, calls, method calls, fields, indexing, `?`, parenthesised and macro calls.
    Atom,
}

/// An expression's text and how tightly it binds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub text: String,
    pub prec: Prec,
}

impl Expr {
    /// Reads how tightly `text` (one expression as written in the source) binds.
    pub fn read(text: &str) -> Expr {
        Expr {
            text: text.to_owned(),
            prec: precedence(text),
        }
    }

    fn new(text: String, prec: Prec) -> Expr {
        Expr { text, prec }
    }

    /// The text as an operand that needs at least `prec`, parenthesised if it binds more loosely.
    fn operand(&self, prec: Prec) -> String {
        if self.prec < prec {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    /// `e.method` (`method` holds the call: `clone()`, `map(|x| x.into())`).
    pub fn method(&self, call: &str) -> Expr {
        Expr::new(format!("{}.{call}", self.operand(Prec::Atom)), Prec::Atom)
    }

    /// `&e`, `&mut e`, `*e`.
    pub fn prefix(&self, operator: &str) -> Expr {
        Expr::new(
            format!("{operator}{}", self.operand(Prec::Prefix)),
            Prec::Prefix,
        )
    }

    /// `e as T`.
    pub fn cast(&self, ty: &str) -> Expr {
        Expr::new(format!("{} as {ty}", self.operand(Prec::Cast)), Prec::Cast)
    }

    /// `f(e)`: `Some(e)`, `String::from(e)`; any expression is a whole argument.
    pub fn call(&self, function: &str) -> Expr {
        Expr::new(format!("{function}({})", self.text), Prec::Atom)
    }

    /// `e[..]`.
    pub fn full_range(&self) -> Expr {
        Expr::new(format!("{}[..]", self.operand(Prec::Atom)), Prec::Atom)
    }
}

/// How tightly `text` binds: by its operators outside brackets, strings and character literals.
fn precedence(text: &str) -> Prec {
    let text = text.trim();
    let starts_loose = [
        "|", "move ", "return", "break", "if ", "match ", "loop ", "while ", "for ",
    ]
    .iter()
    .any(|start| text.starts_with(start))
        || text.starts_with('{')
        || text.starts_with("..");
    if starts_loose {
        return Prec::Loose;
    }
    let top = outside_brackets(text);
    let body = top.trim_start_matches(['&', '*', '-', '!', ' ']);
    let body = body.strip_prefix("mut ").unwrap_or(body);
    if body.contains("..") || has_assignment(body) {
        return Prec::Loose;
    }
    // A `!` alone is a prefix inside the body or a macro call (`name!(…)`); `!=` compares.
    if body.contains(['+', '-', '*', '/', '%', '^', '|', '&', '<', '>', '=']) {
        return Prec::Binary;
    }
    if body.contains(" as ") {
        return Prec::Cast;
    }
    if body.len() < top.len() {
        return Prec::Prefix;
    }
    Prec::Atom
}

/// Whether `body` assigns (`=`, `+=`), as opposed to comparing (`==`, `<=`, `!=`).
fn has_assignment(body: &str) -> bool {
    let bytes = body.as_bytes();
    bytes.iter().enumerate().any(|(at, byte)| {
        *byte == b'='
            && bytes.get(at + 1) != Some(&b'=')
            && bytes.get(at + 1) != Some(&b'>')
            && at
                .checked_sub(1)
                .and_then(|before| bytes.get(before))
                .is_none_or(|before| !b"=<>!".contains(before))
    })
}

/// `text` with what lies inside brackets, string literals and character literals removed (the
/// brackets stay), and a turbofish's `::<…>` removed whole.
fn outside_brackets(text: &str) -> String {
    let mut out = String::new();
    let mut open: Vec<char> = Vec::new();
    let mut chars = text.char_indices();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '"' => {
                // Skip to the closing quote, past escapes.
                let mut escaped = false;
                for (_, inner) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if inner == '\\' {
                        escaped = true;
                    } else if inner == '"' {
                        break;
                    }
                }
                if open.is_empty() {
                    out.push_str("\"\"");
                }
            }
            '\'' if text[at..].chars().nth(2) == Some('\'') || text[at..].starts_with("'\\") => {
                // A character literal: `'a'` or `'\n'`.
                chars.next();
                for (_, inner) in chars.by_ref() {
                    if inner == '\'' {
                        break;
                    }
                }
                if open.is_empty() {
                    out.push_str("' '");
                }
            }
            '<' if text[..at].ends_with("::") || open.last() == Some(&'<') => {
                if open.is_empty() {
                    out.truncate(out.len() - 2);
                }
                open.push('<');
            }
            '(' | '[' | '{' => {
                if open.is_empty() {
                    out.push(ch);
                }
                open.push(ch);
            }
            ')' | ']' | '}' | '>' if open.last() == Some(&opening(ch)) => {
                open.pop();
                if open.is_empty() && ch != '>' {
                    out.push(ch);
                }
            }
            _ if open.is_empty() => out.push(ch),
            _ => {}
        }
    }
    out
}

/// The bracket that `closing` closes.
fn opening(closing: char) -> char {
    match closing {
        ')' => '(',
        ']' => '[',
        '}' => '{',
        _ => '<',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_read_from_the_outermost_operator() {
        for (text, prec) in [
            ("name", Prec::Atom),
            ("self.items[i].name", Prec::Atom),
            ("Vec::<u8>::with_capacity(a + b)", Prec::Atom),
            ("format!(\"{} + {}\", a, b)", Prec::Atom),
            ("\"a - b\"", Prec::Atom),
            ("'-'", Prec::Atom),
            ("v.iter().map(|x| x + 1).sum::<u32>()", Prec::Atom),
            ("parse(s)?", Prec::Atom),
            ("(a + b)", Prec::Atom),
            ("&x", Prec::Prefix),
            ("&mut self.buckets", Prec::Prefix),
            ("*count", Prec::Prefix),
            ("-1", Prec::Prefix),
            ("!done", Prec::Prefix),
            ("a as u64", Prec::Cast),
            ("a + b", Prec::Binary),
            ("&a + &b", Prec::Binary),
            ("a != b", Prec::Binary),
            ("s + \"x\"", Prec::Binary),
            ("a..b", Prec::Loose),
            ("|x| x + 1", Prec::Loose),
            ("if a { b } else { c }", Prec::Loose),
        ] {
            assert_eq!(precedence(text), prec, "{text}");
        }
    }

    #[test]
    fn conversions_keep_their_operands_whole() {
        let sum = Expr::read("a + b");
        assert_eq!(sum.method("into()").text, "(a + b).into()");
        assert_eq!(sum.prefix("&").text, "&(a + b)");
        assert_eq!(sum.cast("u64").text, "(a + b) as u64");
        assert_eq!(sum.call("u64::from").text, "u64::from(a + b)");
        let deref = Expr::read("x").prefix("*");
        assert_eq!(deref.method("into()").text, "(*x).into()");
        assert_eq!(deref.cast("u64").text, "*x as u64");
        assert_eq!(Expr::read("x as u8").cast("u64").text, "x as u8 as u64");
        assert_eq!(Expr::read("v").full_range().prefix("&").text, "&v[..]");
    }
}
