//! `Ty`, a type as rustc writes it in an E0308 message (`&[Bucket<K, _>]`, `Option<&'static str>`),
//! read into the shape the conversions reason about: reference layers, slices, paths with their
//! generic arguments; anything else is kept as text.

use std::fmt;

use crate::specialist::scan;

/// A type read from rustc's text. Lifetimes are dropped: no conversion depends on them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `&T`, `&mut T`.
    Ref { mutable: bool, to: Box<Ty> },
    /// `[T]`.
    Slice(Box<Ty>),
    /// `[T; N]`, with `N` as written.
    Array(Box<Ty>, String),
    /// `(A, B)`, `()`.
    Tuple(Vec<Ty>),
    /// `Vec<T>`, `std::path::PathBuf`, `u32`: the path as written and its generic arguments.
    Path { path: String, args: Vec<Ty> },
    /// `_`: a part rustc left out, which fits anything.
    Infer,
    /// What the conversions do not look into (`dyn Fn()`, `{integer}`, `fn(u8)`), as written.
    Other(String),
}

impl Ty {
    /// Reads rustc's text of a type; whatever is not understood becomes `Other`.
    pub fn parse(text: &str) -> Ty {
        let text = text.trim();
        if text == "_" {
            return Ty::Infer;
        }
        if let Some(rest) = text.strip_prefix('&') {
            let rest = skip_lifetime(rest.trim_start());
            let (mutable, rest) = match rest.strip_prefix("mut ") {
                Some(rest) => (true, rest),
                None => (false, rest),
            };
            return Ty::Ref {
                mutable,
                to: Box::new(Ty::parse(rest)),
            };
        }
        if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let parts = split_top(inner, ';');
            return match parts.as_slice() {
                [element] => Ty::Slice(Box::new(Ty::parse(element))),
                [element, length] => {
                    Ty::Array(Box::new(Ty::parse(element)), length.trim().to_owned())
                }
                _ => Ty::Other(text.to_owned()),
            };
        }
        if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            return Ty::Tuple(
                split_top(inner, ',')
                    .into_iter()
                    .filter(|part| !part.trim().is_empty())
                    .map(Ty::parse)
                    .collect(),
            );
        }
        let path_like = |t: &str| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
        };
        if path_like(text) {
            return Ty::Path {
                path: text.to_owned(),
                args: Vec::new(),
            };
        }
        if let Some(open) = text.find('<')
            && text.ends_with('>')
            && path_like(&text[..open])
        {
            let path = text[..open].trim_end_matches("::").to_owned();
            let args = split_top(&text[open + 1..text.len() - 1], ',')
                .into_iter()
                .map(|arg| arg.trim())
                .filter(|arg| !arg.is_empty() && !arg.starts_with('\''))
                .map(Ty::parse)
                .collect();
            return Ty::Path { path, args };
        }
        Ty::Other(text.to_owned())
    }

    /// The last segment of a path type (`PathBuf` of `std::path::PathBuf`).
    pub fn name(&self) -> Option<&str> {
        match self {
            Ty::Path { path, .. } => path.rsplit("::").next(),
            _ => None,
        }
    }

    /// The generic arguments of a path type named `name`, if this is one.
    pub fn args_of(&self, name: &str) -> Option<&[Ty]> {
        match self {
            Ty::Path { args, .. } if self.name() == Some(name) => Some(args),
            _ => None,
        }
    }

    /// The one generic argument of `Option<T>`, `Vec<T>`, `Box<T>`, `Result<T, _>` (its first).
    pub fn arg_of(&self, name: &str) -> Option<&Ty> {
        self.args_of(name).and_then(<[Ty]>::first)
    }

    /// Whether this is the plain path type `name` (`str`, `String`), without arguments.
    pub fn is(&self, name: &str) -> bool {
        self.args_of(name).is_some_and(<[Ty]>::is_empty)
    }

    /// Whether a value of `found`'s type is one of this type: equal, where a left-out part (`_`)
    /// fits anything and paths compare by their last segment (rustc writes `geo::Square` or
    /// `Square` depending on what else is in scope).
    pub fn fits(&self, found: &Ty) -> bool {
        match (self, found) {
            (Ty::Infer, _) | (_, Ty::Infer) => true,
            (
                Ty::Ref { mutable, to },
                Ty::Ref {
                    mutable: found_mutable,
                    to: found_to,
                },
            ) => mutable == found_mutable && to.fits(found_to),
            (Ty::Slice(a), Ty::Slice(b)) => a.fits(b),
            (Ty::Array(a, n), Ty::Array(b, m)) => n == m && a.fits(b),
            (Ty::Tuple(a), Ty::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.fits(b))
            }
            (Ty::Path { args: a, .. }, Ty::Path { args: b, .. }) => {
                self.name() == found.name()
                    && a.len() == b.len()
                    && a.iter().zip(b).all(|(a, b)| a.fits(b))
            }
            (Ty::Other(a), Ty::Other(b)) => a == b,
            _ => false,
        }
    }

    /// Whether a value of this type is plainly `Copy`: numbers, `bool`, `char`, shared references.
    pub fn is_copy(&self) -> bool {
        match self {
            Ty::Ref { mutable, .. } => !mutable,
            Ty::Path { .. } => self
                .name()
                .is_some_and(|name| Number::of(name).is_some() || name == "bool" || name == "char"),
            _ => false,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, items: &[Ty]| -> fmt::Result {
            for (at, item) in items.iter().enumerate() {
                if at > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            Ok(())
        };
        match self {
            Ty::Ref { mutable, to } => write!(f, "&{}{to}", if *mutable { "mut " } else { "" }),
            Ty::Slice(element) => write!(f, "[{element}]"),
            Ty::Array(element, length) => write!(f, "[{element}; {length}]"),
            Ty::Tuple(items) => {
                f.write_str("(")?;
                list(f, items)?;
                f.write_str(if items.len() == 1 { ",)" } else { ")" })
            }
            Ty::Path { path, args } if args.is_empty() => f.write_str(path),
            Ty::Path { path, args } => {
                write!(f, "{path}<")?;
                list(f, args)?;
                f.write_str(">")
            }
            Ty::Infer => f.write_str("_"),
            Ty::Other(text) => f.write_str(text),
        }
    }
}

/// A primitive number type: its kind and width in bits (`usize`/`isize` as `None`: their width
/// depends on the target, so std converts them losslessly only from the narrowest types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number {
    kind: NumberKind,
    bits: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumberKind {
    Signed,
    Unsigned,
    Float,
}

impl Number {
    pub fn of(name: &str) -> Option<Number> {
        let (kind, width) = match name.split_at_checked(1)? {
            ("i", width) => (NumberKind::Signed, width),
            ("u", width) => (NumberKind::Unsigned, width),
            ("f", width) => (NumberKind::Float, width),
            _ => return None,
        };
        let bits = match (kind, width) {
            (NumberKind::Float, "32" | "64") | (_, "8" | "16" | "32" | "64" | "128") => {
                Some(width.parse().ok()?)
            }
            (NumberKind::Signed | NumberKind::Unsigned, "size") => None,
            _ => return None,
        };
        Some(Number { kind, bits })
    }

    /// Whether std converts every value of `from` into this type exactly (`impl From<from>`),
    /// so that `.into()` and `T::from` compile and keep the value.
    pub fn widens(self, from: Number) -> bool {
        use NumberKind::{Float, Signed, Unsigned};
        // The pointer-sized types take only what fits in 16 bits; nothing comes from them.
        let Some(from_bits) = from.bits else {
            return false;
        };
        let Some(to_bits) = self.bits else {
            return from_bits <= 16
                && match (from.kind, self.kind) {
                    (Unsigned, Unsigned) | (Signed, Signed) => true,
                    (Unsigned, Signed) => from_bits == 8,
                    _ => false,
                };
        };
        match (from.kind, self.kind) {
            (Unsigned, Unsigned) | (Signed, Signed) | (Float, Float) => to_bits > from_bits,
            (Unsigned, Signed) => to_bits > from_bits,
            // A float's mantissa: 24 bits for f32, 53 for f64.
            (Unsigned | Signed, Float) => from_bits < if to_bits == 32 { 24 } else { 53 },
            (Signed, Unsigned) | (Float, Unsigned | Signed) => false,
        }
    }
}

/// `rest` without a leading lifetime (`'a `, `'static `).
fn skip_lifetime(rest: &str) -> &str {
    match rest.strip_prefix('\'') {
        Some(lifetime) => lifetime
            .split_once(' ')
            .map_or(rest, |(_, after)| after.trim_start()),
        None => rest,
    }
}

/// Splits `text` at `separator` outside brackets of any kind.
fn split_top(text: &str, separator: char) -> Vec<&str> {
    scan::split_outside_brackets(text, separator)
        .into_iter()
        .map(|(_, part)| part)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(path: &str, args: Vec<Ty>) -> Ty {
        Ty::Path {
            path: path.to_owned(),
            args,
        }
    }

    #[test]
    fn types_read_as_rustc_writes_them() {
        assert_eq!(
            Ty::parse("&[Bucket<K, _>]"),
            Ty::Ref {
                mutable: false,
                to: Box::new(Ty::Slice(Box::new(path(
                    "Bucket",
                    vec![path("K", vec![]), Ty::Infer]
                )))),
            }
        );
        assert_eq!(
            Ty::parse("&'static str"),
            Ty::parse("&str"),
            "lifetimes are dropped"
        );
        assert_eq!(
            Ty::parse("&'a mut Vec<Cow<'a, str>>"),
            Ty::Ref {
                mutable: true,
                to: Box::new(path("Vec", vec![path("Cow", vec![path("str", vec![])])])),
            }
        );
        assert_eq!(
            Ty::parse("Result<u32, String>").args_of("Result"),
            Some(&[path("u32", vec![]), path("String", vec![])][..])
        );
        assert_eq!(Ty::parse("[u8; 4]").to_string(), "[u8; 4]");
        assert_eq!(Ty::parse("(u8, &str)").to_string(), "(u8, &str)");
        assert_eq!(Ty::parse("{integer}"), Ty::Other("{integer}".to_owned()));
        assert_eq!(Ty::parse("dyn Fn(u8)"), Ty::Other("dyn Fn(u8)".to_owned()));
    }

    #[test]
    fn fitting_ignores_left_out_parts_and_paths() {
        assert!(Ty::parse("&[Bucket<_, _>]").fits(&Ty::parse("&[Bucket<u8, u8>]")));
        assert!(Ty::parse("geo::Square").fits(&Ty::parse("Square")));
        assert!(!Ty::parse("&mut Vec<_>").fits(&Ty::parse("&Vec<u8>")));
        assert!(!Ty::parse("Vec<String>").fits(&Ty::parse("Vec<&str>")));
    }

    #[test]
    fn widening_is_what_std_converts_exactly() {
        let widens =
            |to: &str, from: &str| Number::of(to).unwrap().widens(Number::of(from).unwrap());
        assert!(widens("i64", "i32"));
        assert!(widens("f64", "u32"));
        assert!(widens("f64", "f32"));
        assert!(widens("i32", "u16"));
        assert!(widens("usize", "u16"));
        assert!(widens("isize", "u8"));
        assert!(!widens("f32", "u32"), "f32 has a 24-bit mantissa");
        assert!(!widens("u64", "usize"));
        assert!(!widens("usize", "u32"));
        assert!(!widens("u32", "i8"));
        assert!(!widens("i64", "f64"));
        assert!(!widens("i32", "u32"));
        assert_eq!(Number::of("u7"), None);
        assert_eq!(Number::of("f16x"), None);
    }
}
