use super::*;

fn at(text: &str, needle: &str) -> usize {
    text.find(needle).expect("needle")
}

fn described(bindings: &[Binding]) -> Vec<String> {
    bindings
        .iter()
        .map(|b| match &b.ty {
            Some(ty) => format!("{}: {ty}", b.name),
            None => b.name.clone(),
        })
        .collect()
}

#[test]
fn parameters_and_earlier_lets_of_the_enclosing_fn_are_in_scope() {
    let text = "fn other(x: u8) { let hidden = 1; }\n\
                pub fn decode<'a>(&self, input: &'a [u8], mut strict: bool) -> usize {\n\
                \x20   let decode_table = vec![1u8, 2];\n\
                \x20   let (start, end) = (0, input.len());\n\
                \x20   { let inner: u32 = 3; }\n\
                \x20   let name = String::from(\"x\");\n\
                \x20   let later = run(input, true);\n\
                \x20   let after = 2;\n\
                \x20   later\n\
                }\n";
    let bindings = in_scope(text, at(text, "run(input"));
    assert_eq!(
        described(&bindings),
        [
            "input: &[u8]",
            "strict: bool",
            "decode_table: Vec<_>",
            "start",
            "end",
            "name: String"
        ]
    );
}

#[test]
fn block_bindings_count_only_inside_their_block_and_later_lets_shadow() {
    let text = "fn f(items: Vec<u32>) -> u32 {\n\
                \x20   let total = 0;\n\
                \x20   for item in &items { let total: u64 = 1; use_it(item); }\n\
                \x20   if let Some(first) = items.first() { call(first); }\n\
                \x20   let total = \"t\";\n\
                \x20   end(total)\n\
                }\n";
    assert_eq!(
        described(&in_scope(text, at(text, "use_it"))),
        ["items: Vec<u32>", "item", "total: u64"]
    );
    assert_eq!(
        described(&in_scope(text, at(text, "call("))),
        ["items: Vec<u32>", "total: {integer}", "first"]
    );
    assert_eq!(
        described(&in_scope(text, at(text, "end("))),
        ["items: Vec<u32>", "total: &str"]
    );
}

#[test]
fn closure_parameters_count_inside_the_closure_and_unused_bindings_are_marked() {
    let text = "fn sums(rows: usize, spare: &str, label: &str) -> Vec<f64> {\n\
                    let left = 3;\n\
                    let doubled: Vec<usize> = (0..rows).map(|row| row * 2).collect();\n\
                    (0..rows).map(|row: usize| self.row()).chain(other(label, |x| x))\n\
                }\n";
    let site = at(text, "self.row()");
    let bindings = in_scope(text, site);
    let described: Vec<(&str, Option<&str>, bool)> = bindings
        .iter()
        .map(|b| (b.name.as_str(), b.ty.as_deref(), b.unused))
        .collect();
    assert_eq!(
        described,
        [
            ("rows", Some("usize"), false),
            ("spare", Some("&str"), true),
            ("label", Some("&str"), false),
            ("left", Some("{integer}"), true),
            ("doubled", Some("Vec<usize>"), true),
            ("row", Some("usize"), false)
        ]
    );
    // The other closures' `row` and `x` end before the site, or start after it.
    assert!(
        !in_scope(text, at(text, "other("))
            .iter()
            .any(|b| b.name == "row")
    );
}

#[test]
fn nothing_is_in_scope_outside_a_function_body() {
    let text = "const LIMIT: usize = 3;\nstatic NAMES: [&str; 1] = [\"a\"];\n";
    assert!(in_scope(text, at(text, "3;")).is_empty());
}

#[test]
fn parameter_lists_name_what_they_can() {
    assert_eq!(
        parameters("&mut self, (a, b): (u8, u8), map: &HashMap<String, Vec<u8>>"),
        [
            (None, "(u8,u8)".to_owned()),
            (
                Some("map".to_owned()),
                "&HashMap<String,Vec<u8>>".to_owned()
            )
        ]
    );
    assert_eq!(normalize("&'a mut [u8]"), "&mut[u8]");
}

#[test]
fn a_match_arms_bindings_count_inside_its_arm_only() {
    let text = "fn eval(expr: &Expr, env: &Env) -> f64 {\n\
                    match expr {\n\
                        Expr::Number(value) => *value,\n\
                        Expr::Variable(name) => env\n\
                            .lookup(),\n\
                        Expr::Point { x, y: top, .. } if x > 0 => {\n\
                            top.near()\n\
                        }\n\
                        Color::Red | Expr::Pair(Color::Blue, MAX) => 0.0,\n\
                    }\n\
                }\n";
    let names =
        |site: usize| -> Vec<String> { in_scope(text, site).into_iter().map(|b| b.name).collect() };
    assert_eq!(names(at(text, ".lookup()")), ["expr", "env", "name"]);
    assert_eq!(names(at(text, "top.near()")), ["expr", "env", "x", "top"]);
    // An arm's bindings end with it; variants and constants in patterns bind nothing.
    assert_eq!(names(at(text, "0.0")), ["expr", "env"]);
}
