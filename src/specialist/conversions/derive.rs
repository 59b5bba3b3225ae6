//! The type difference: from the type rustc expected and the one it found, the rewrites of an
//! expression that turn the second into the first, the most direct first. Reference layers
//! (`&`, `&mut`, `*`, `.clone()`), the borrowed and owned forms of strings and sequences
//! (`.as_str()`, `&x[..]`, `.to_string()`, `.to_vec()`), `Some`/`Ok`/`Box::new` wrapping, lossless
//! number widening (`.into()`), and the same inside `Option`, `Result` and `Vec` (`.map(…)`).

use super::expr::Expr;
use super::ty::{Number, Ty};

/// How deep the derivation looks through layers (`Some(x.to_string())` is two).
const DEPTH: usize = 3;

/// The name of the element inside a `.map(|item| …)`.
const ITEM: &str = "item";

/// Where the expression stands, which decides between forms that mean the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Where the expected type is the place's own (a `let` with a type, an argument, a field, a
    /// returned value): `.into()` knows its target there.
    Open,
    /// An operand of an operator or a receiver, where `.into()` would leave the target open
    /// (`a + b.into()` has several `Add` impls to choose from): `u64::from(b)` names it.
    Operand,
}

/// Rewrites of `e`, of type `found`, into a value of type `expected`, the most direct first; none
/// when the derivation sees no way. One rewrite per meaning: `.to_string()` and not also
/// `.to_owned()` and `String::from`, `*x` for a plain `Copy` value and `.clone()` otherwise, since
/// each alternative costs a gate run and equal meanings never differ in the tests.
pub fn rewrites(expected: &Ty, found: &Ty, e: &Expr, place: Place) -> Vec<Expr> {
    let mut out = derive(expected, found, e, place, DEPTH);
    out.retain(|rewrite| rewrite != e);
    let mut seen = Vec::new();
    out.retain(|rewrite| {
        let new = !seen.contains(&rewrite.text);
        seen.push(rewrite.text.clone());
        new
    });
    out
}

fn derive(expected: &Ty, found: &Ty, e: &Expr, place: Place, depth: usize) -> Vec<Expr> {
    if expected.fits(found) {
        return vec![e.clone()];
    }
    let Some(depth) = depth.checked_sub(1) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match (expected, found) {
        // One reference layer to add: `&x`, `&mut x`, and the borrowed views of owned values.
        (Ty::Ref { mutable, to }, found) if !matches!(found, Ty::Ref { .. }) => {
            out.extend(borrow(*mutable, to, found, e));
        }
        // One reference layer to remove: `*x` or a clone, or the owned form of a borrowed view;
        // then what converts from the value behind it (`u64::from(*x)`).
        (expected, Ty::Ref { mutable, to }) if !matches!(expected, Ty::Ref { .. }) => {
            out.extend(own(expected, to, e));
            out.extend(wrap(expected, found, e, depth));
            out.extend(inside(expected, found, e, depth));
            if out.is_empty() && (!*mutable || to.is_copy()) {
                out.extend(derive(expected, to, &e.prefix("*"), place, depth));
            }
            return out;
        }
        (
            Ty::Ref { mutable, to },
            Ty::Ref {
                mutable: found_mutable,
                to: found_to,
            },
        ) => {
            if matches!(**found_to, Ty::Ref { .. }) {
                // `&&T` where `&T` is expected.
                out.extend(derive(expected, found_to, &e.prefix("*"), place, depth));
            } else if !*mutable || *found_mutable {
                // A deref coercion the place did not make (inside `Some(…)`, say), and its
                // explicit form.
                out.extend(coerce(to, found_to, e));
            }
        }
        _ => {}
    }
    out.extend(wrap(expected, found, e, depth));
    out.extend(convert(expected, found, e, place));
    out.extend(inside(expected, found, e, depth));
    out
}

/// A reference to `found` where one to `to` is expected, by deref coercion: `&String` as `&str`,
/// `&Vec<T>` as `&[T]`, `&Box<T>` as `&T`, `&mut T` as `&T`: the expression itself, then its
/// explicit form.
fn coerce(to: &Ty, found: &Ty, e: &Expr) -> Vec<Expr> {
    if to.is("str") && found.is("String") {
        return vec![e.clone(), e.method("as_str()")];
    }
    if let Ty::Slice(element) = to
        && found.arg_of("Vec").is_some_and(|of| element.fits(of))
    {
        return vec![e.clone(), e.method("as_slice()")];
    }
    if found.arg_of("Box").is_some_and(|boxed| to.fits(boxed)) || to.fits(found) {
        return vec![e.clone()];
    }
    Vec::new()
}

/// `&e` or `&mut e` for a `&to` from a `found`, and the borrowed views of owned strings and
/// sequences.
fn borrow(mutable: bool, to: &Ty, found: &Ty, e: &Expr) -> Vec<Expr> {
    let operator = if mutable { "&mut " } else { "&" };
    let mut out = Vec::new();
    if to.fits(found) {
        out.push(e.prefix(operator));
    }
    if to.is("str") && found.is("String") {
        out.push(e.prefix(operator));
        out.push(e.method(if mutable { "as_mut_str()" } else { "as_str()" }));
    }
    if let Ty::Slice(element) = to {
        let sequence = found
            .arg_of("Vec")
            .or(match found {
                Ty::Array(of, _) => Some(&**of),
                _ => None,
            })
            .or(found.arg_of("Box").and_then(|boxed| match boxed {
                Ty::Slice(of) => Some(&**of),
                _ => None,
            }));
        if sequence.is_some_and(|of| element.fits(of)) {
            out.push(e.prefix(operator));
            if found.arg_of("Vec").is_some() {
                out.push(e.method(if mutable {
                    "as_mut_slice()"
                } else {
                    "as_slice()"
                }));
            } else {
                out.push(e.full_range().prefix(operator));
            }
        }
    }
    out
}

/// An owned `expected` from a reference to `to`: `*e` for a plain `Copy` value, else
/// `e.clone()` (which every `Copy` type has too), `.to_string()` from `&str`, `.to_vec()` from
/// `&[T]`, `.to_path_buf()` from `&Path`.
fn own(expected: &Ty, to: &Ty, e: &Expr) -> Vec<Expr> {
    if expected.fits(to) {
        return vec![if to.is_copy() {
            e.prefix("*")
        } else {
            e.method("clone()")
        }];
    }
    let to_owned = |borrowed: &str, owned: &str| expected.is(owned) && to.is(borrowed);
    if to_owned("str", "String") {
        return vec![e.method("to_string()")];
    }
    if to_owned("Path", "PathBuf") {
        return vec![e.method("to_path_buf()")];
    }
    if to_owned("OsStr", "OsString") {
        return vec![e.method("to_os_string()")];
    }
    if let (Some(element), Ty::Slice(of)) = (expected.arg_of("Vec"), to)
        && element.fits(of)
    {
        return vec![e.method("to_vec()")];
    }
    Vec::new()
}

/// `Some(…)`, `Ok(…)`, `Box::new(…)` around each rewrite into the wrapped type, for a `found`
/// that is not already such a wrapper.
fn wrap(expected: &Ty, found: &Ty, e: &Expr, depth: usize) -> Vec<Expr> {
    let wrapper = [("Option", "Some"), ("Result", "Ok"), ("Box", "Box::new")]
        .into_iter()
        .find(|(name, _)| expected.args_of(name).is_some() && found.name() != Some(name));
    let Some((name, constructor)) = wrapper else {
        return Vec::new();
    };
    let Some(inner) = expected.arg_of(name) else {
        return Vec::new();
    };
    derive(inner, found, e, Place::Open, depth)
        .into_iter()
        .map(|rewrite| rewrite.call(constructor))
        .collect()
}

/// Conversions between owned values: numbers (`.into()`, or `T::from` in an operand, where the
/// value is kept exactly; else `as`), and `String` from a `char`.
fn convert(expected: &Ty, found: &Ty, e: &Expr, place: Place) -> Vec<Expr> {
    let (Some(to), Some(from)) = (expected.name(), found.name()) else {
        return Vec::new();
    };
    if let (Some(wide), Some(narrow)) = (Number::of(to), Number::of(from))
        && matches!(found, Ty::Path { .. })
    {
        return vec![if !wide.widens(narrow) {
            e.cast(to)
        } else if place == Place::Open {
            e.method("into()")
        } else {
            e.call(&format!("{to}::from"))
        }];
    }
    if expected.is("String") && found.is("char") {
        return vec![e.method("to_string()")];
    }
    Vec::new()
}

/// The conversion of the elements inside `Option`, `Result` and `Vec` (and of a borrowed slice or
/// `Vec` into an owned `Vec`): `.map(|item| …)`, and the named shortcuts (`.as_deref()`,
/// `.cloned()`, `.copied()`).
fn inside(expected: &Ty, found: &Ty, e: &Expr, depth: usize) -> Vec<Expr> {
    let item = Expr::read(ITEM);
    let closures = |to: &Ty, from: &Ty| -> Vec<String> {
        derive(to, from, &item, Place::Open, depth)
            .into_iter()
            .filter(|rewrite| *rewrite != item)
            .map(|rewrite| format!("|{ITEM}| {}", rewrite.text))
            .collect()
    };
    let mut out = Vec::new();
    for name in ["Option", "Result"] {
        if let (Some(to), Some(from)) = (expected.args_of(name), found.args_of(name))
            && to.len() == from.len()
            && to.iter().zip(from).skip(1).all(|(a, b)| a.fits(b))
            && let (Some(to), Some(from)) = (to.first(), from.first())
        {
            let named = shortcuts(to, from, e);
            if named.is_empty() {
                out.extend(
                    closures(to, from)
                        .into_iter()
                        .map(|closure| e.method(&format!("map({closure})"))),
                );
            }
            out.extend(named);
        }
    }
    if let Some(to) = expected.arg_of("Vec") {
        if let Some(from) = found.arg_of("Vec") {
            out.extend(closures(to, from).into_iter().map(|closure| {
                e.method(&format!("into_iter().map({closure}).collect::<Vec<_>>()"))
            }));
        }
        let borrowed = match found {
            Ty::Ref { to: of, .. } => match &**of {
                Ty::Slice(element) => Some(&**element),
                other => other.arg_of("Vec"),
            },
            _ => None,
        };
        // `.to_vec()` (from `own`) is the copy of elements that fit as they are.
        if let Some(from) = borrowed.filter(|from| !to.fits(from)) {
            let reference = Ty::Ref {
                mutable: false,
                to: Box::new(from.clone()),
            };
            out.extend(
                closures(to, &reference)
                    .into_iter()
                    .map(|closure| e.method(&format!("iter().map({closure}).collect::<Vec<_>>()"))),
            );
        }
    }
    out
}

/// The named methods for an `Option`'s element: `.as_deref()` (`Option<&str>` from
/// `Option<String>`), `.cloned()`/`.copied()` (`Option<T>` from `Option<&T>`).
fn shortcuts(to: &Ty, from: &Ty, e: &Expr) -> Vec<Expr> {
    if let Ty::Ref { mutable: false, to } = to
        && (to.is("str") && from.is("String")
            || matches!(**to, Ty::Slice(_)) && from.arg_of("Vec").is_some())
    {
        return vec![e.method("as_deref()")];
    }
    if let Ty::Ref { to: referent, .. } = from
        && to.fits(referent)
    {
        return vec![e.method(if to.is_copy() { "copied()" } else { "cloned()" })];
    }
    Vec::new()
}

#[cfg(test)]
mod tests;
