use super::*;

/// The rewrites of `expression` from `found` into `expected` in an open place, as text.
fn derived(expected: &str, found: &str, expression: &str) -> Vec<String> {
    derived_at(Place::Open, expected, found, expression)
}

fn derived_at(place: Place, expected: &str, found: &str, expression: &str) -> Vec<String> {
    rewrites(
        &Ty::parse(expected),
        &Ty::parse(found),
        &Expr::read(expression),
        place,
    )
    .into_iter()
    .map(|rewrite| rewrite.text)
    .collect()
}

#[test]
fn reference_layers_are_added_and_removed() {
    assert_eq!(
        derived("&[Bucket<K, _>]", "Vec<Bucket<K, V>>", "buckets"),
        ["&buckets", "buckets.as_slice()"]
    );
    assert_eq!(derived("&mut V", "V", "value"), ["&mut value"]);
    assert_eq!(derived("&mut Vec<_>", "Vec<_>", "a.b"), ["&mut a.b"]);
    assert_eq!(
        derived("&str", "String", "s + \"x\""),
        ["&(s + \"x\")", "(s + \"x\").as_str()"]
    );
    assert_eq!(
        derived("&[u8]", "[u8; 4]", "bytes"),
        ["&bytes", "&bytes[..]"]
    );
    assert_eq!(derived("Item", "&Item", "i"), ["i.clone()"]);
    assert_eq!(derived("u32", "&u32", "n"), ["*n"]);
    assert_eq!(derived("u32", "&mut u32", "n"), ["*n"]);
    assert_eq!(derived("&str", "&&str", "s"), ["*s"]);
}

#[test]
fn borrowed_views_become_owned_values() {
    assert_eq!(derived("String", "&str", "name"), ["name.to_string()"]);
    assert_eq!(derived("String", "&&str", "name"), ["(*name).to_string()"]);
    assert_eq!(derived("Vec<u32>", "&[u32]", "xs"), ["xs.to_vec()"]);
    assert_eq!(
        derived("Vec<String>", "&[&str]", "xs"),
        ["xs.iter().map(|item| (*item).to_string()).collect::<Vec<_>>()"]
    );
    assert_eq!(derived("PathBuf", "&Path", "p"), ["p.to_path_buf()"]);
    assert_eq!(derived("String", "char", "c"), ["c.to_string()"]);
}

#[test]
fn wrappers_take_what_converts_into_their_value() {
    assert_eq!(
        derived("Option<String>", "&str", "name"),
        ["Some(name.to_string())"]
    );
    assert_eq!(derived("Option<u64>", "u32", "x"), ["Some(x.into())"]);
    assert_eq!(
        derived("Result<Vec<u32>, ()>", "&[u32]", "v"),
        ["Ok(v.to_vec())"]
    );
    assert_eq!(derived("Option<Item>", "&Item", "i"), ["Some(i.clone())"]);
    assert_eq!(
        derived("Option<String>", "&String", "s"),
        ["Some(s.clone())"]
    );
    assert_eq!(derived("Box<Node>", "Node", "n"), ["Box::new(n)"]);
    assert_eq!(
        derived("Option<&str>", "&String", "s"),
        ["Some(s)", "Some(s.as_str())"]
    );
}

#[test]
fn numbers_widen_through_references_and_narrow_only_by_cast() {
    assert_eq!(derived("u64", "&u32", "x"), ["(*x).into()"]);
    assert_eq!(
        derived_at(Place::Operand, "u64", "&u32", "x"),
        ["u64::from(*x)"]
    );
    assert_eq!(derived("f64", "f32", "r.volts"), ["r.volts.into()"]);
    assert_eq!(
        derived_at(Place::Operand, "f64", "u32", "a + b"),
        ["f64::from(a + b)"]
    );
    assert_eq!(derived("i64", "f64", "total"), ["total as i64"]);
    assert_eq!(derived("u64", "usize", "v.len()"), ["v.len() as u64"]);
    assert_eq!(derived("Option<u64>", "usize", "n"), ["Some(n as u64)"]);
}

#[test]
fn elements_convert_inside_their_containers() {
    assert_eq!(
        derived("Option<String>", "Option<&str>", "name"),
        ["name.map(|item| item.to_string())"]
    );
    assert_eq!(
        derived("Option<&str>", "Option<String>", "name"),
        ["name.as_deref()"]
    );
    assert_eq!(
        derived("Option<Item>", "Option<&Item>", "first"),
        ["first.cloned()"]
    );
    assert_eq!(
        derived("Option<u8>", "Option<&u8>", "first"),
        ["first.copied()"]
    );
    assert_eq!(
        derived("Vec<String>", "Vec<&str>", "words"),
        ["words.into_iter().map(|item| item.to_string()).collect::<Vec<_>>()"]
    );
    assert_eq!(
        derived("Result<u64, String>", "Result<u32, String>", "r"),
        ["r.map(|item| item.into())"]
    );
    assert!(derived("Result<u64, Error>", "Result<u32, String>", "r").is_empty());
}

#[test]
fn unrelated_types_give_nothing() {
    assert!(derived("Config", "Settings", "s").is_empty());
    assert!(derived("&mut Vec<_>", "&Vec<_>", "w").is_empty());
    assert!(derived("u64", "{integer}", "1").is_empty());
}
