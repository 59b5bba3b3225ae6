//! What fills a hole of a type: a binding whose type fits (as it is, or borrowed), and the type's
//! obvious empty value when one is made up.

use super::super::bindings::Binding;

/// How `binding` is passed where `expected` is wanted, if its type fits: as it is, or borrowed
/// (`&table` for `&[u8]` from a `Vec<u8>`). With no type to compare, `None`.
pub(super) fn passed(binding: &Binding, expected: Option<&str>) -> Option<String> {
    let (ty, expected) = (binding.ty.as_deref()?, expected?);
    if fits(ty, expected) {
        return Some(binding.name.clone());
    }
    let (borrow, target) = if let Some(target) = expected.strip_prefix("&mut") {
        ("&mut ", target)
    } else {
        ("&", expected.strip_prefix('&')?)
    };
    let owned = fits(ty, target)
        || (target == "str" && ty == "String")
        || target
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .is_some_and(|item| fits(ty, &format!("Vec<{item}>")));
    (owned && !ty.starts_with('&')).then(|| format!("{borrow}{}", binding.name))
}

const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];
const FLOATS: &[&str] = &["f32", "f64"];

/// Whether a binding of type `ty` (normalized; `_` for what the code leaves to inference) is one of
/// type `expected`.
pub(super) fn fits(ty: &str, expected: &str) -> bool {
    match ty {
        _ if ty == expected => true,
        // rustc leaves to inference what the callee is generic over (`&_` for `HashMap::get_mut`'s
        // `&Q`): any type of that shape fits.
        _ if expected.contains('_') && !ty.contains('_') => fits(expected, ty),
        "{integer}" => INTEGERS.contains(&expected) || expected == "{integer}",
        "{float}" => FLOATS.contains(&expected) || expected == "{float}",
        _ if ty.contains('_') => {
            let parts: Vec<&str> = ty.split('_').collect();
            let (first, last) = (parts[0], parts[parts.len() - 1]);
            expected.starts_with(first)
                && expected.ends_with(last)
                && expected.len() > first.len() + last.len()
        }
        _ => false,
    }
}

/// The obvious empty value of `ty`, or `Default::default()` for a type with no obvious one (or
/// none known); none for a borrow of anything but a string or a slice (a default value cannot be
/// borrowed for long).
pub(super) fn empty_value(ty: Option<&str>) -> Option<String> {
    let Some(ty) = ty else {
        return Some("Default::default()".to_owned());
    };
    let value = match ty {
        _ if INTEGERS.contains(&ty) || ty == "{integer}" => "0",
        _ if FLOATS.contains(&ty) || ty == "{float}" => "0.0",
        "bool" => "false",
        "String" => "String::new()",
        "&str" => "\"\"",
        "()" => "()",
        _ if ty.starts_with("Vec<") => "Vec::new()",
        _ if ty.starts_with("Option<") => "None",
        _ if ty.starts_with("&[") => "&[]",
        _ if ty.starts_with("&mut[") => "&mut []",
        _ if ty.starts_with('&') => return None,
        _ => "Default::default()",
    };
    Some(value.to_owned())
}
