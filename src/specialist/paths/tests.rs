use super::*;
use crate::patch::Sources;
use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

fn workspace(report: &str) -> Sources {
    sources(&[
        ("src/lib.rs", "pub mod geometry;\npub mod report;\n"),
        ("src/geometry/mod.rs", "pub mod round;\npub mod angular;\n"),
        (
            "src/geometry/round.rs",
            "pub struct Circle {\n    pub r: f64,\n}\n",
        ),
        (
            "src/geometry/angular.rs",
            "pub struct Rect;\nimpl Rect {\n    pub fn unit() -> Rect {\n        Rect\n    }\n}\n",
        ),
        ("src/report.rs", report),
    ])
}

#[test]
fn a_name_that_moved_away_is_rewritten_and_its_neighbours_in_the_tree_kept() {
    // `render` is still defined in this file; `Circle` moved to another module.
    let report = "pub fn render() -> u32 {\n    1\n}\n\n#[cfg(test)]\nmod tests {\n    use super::{render, Circle};\n}\n";
    let sources = workspace(report);
    let error = diagnostic(
        "E0432",
        "unresolved import `super::Circle`",
        span_of(&sources, "src/report.rs", "Circle", 0),
    );
    let results = outcomes(&WorkspacePaths, error, &sources);
    assert_eq!(
        results[0].1,
        report.replace(
            "    use super::{render, Circle};",
            "    use crate::report::render;\n    use crate::geometry::round::Circle;"
        )
    );
}

#[test]
fn a_use_of_a_deleted_module_is_rewritten_name_by_name() {
    let sources = workspace(
        "//! Reports.\n    pub use crate::shapes::{Circle, Rect as Square};\n\nfn f() {}\n",
    );
    let error = diagnostic(
        "E0432",
        "unresolved import `crate::shapes`",
        span_of(&sources, "src/report.rs", "crate::shapes", 0),
    );
    let results = outcomes(&WorkspacePaths, error, &sources);
    assert_eq!(
        results[0].1,
        "//! Reports.\n    pub use crate::geometry::round::Circle;\n    pub use crate::geometry::angular::Rect as Square;\n\nfn f() {}\n"
    );
}

#[test]
fn a_qualified_path_is_replaced_in_place() {
    let sources =
        workspace("pub fn unit() -> f64 {\n    let _ = shapes::Rect::unit();\n    1.0\n}\n");
    let error = diagnostic(
        "E0433",
        "cannot find `Rect` in `shapes`",
        span_of(&sources, "src/report.rs", "Rect", 0),
    );
    let results = outcomes(&WorkspacePaths, error, &sources);
    assert!(
        results[0]
            .1
            .contains("let _ = crate::geometry::angular::Rect::unit();"),
        "{}",
        results[0].1
    );
}

#[test]
fn a_bare_name_gets_a_use_line() {
    let sources = workspace("//! Reports.\n\npub fn unit() -> Rect {\n    Rect\n}\n");
    let error = diagnostic(
        "E0412",
        "cannot find type `Rect` in this scope",
        span_of(&sources, "src/report.rs", "Rect", 0),
    );
    let results = outcomes(&WorkspacePaths, error, &sources);
    assert_eq!(
        results[0].1,
        "//! Reports.\nuse crate::geometry::angular::Rect;\n\npub fn unit() -> Rect {\n    Rect\n}\n"
    );
}

#[test]
fn a_name_two_crates_define_is_imported_from_the_files_own_crate() {
    // Two similar members, both with a `text` module: a name that moved away in `beta` is taken
    // from `beta`'s own `text`, not from `alpha`, which `beta` does not depend on.
    let lib = "pub mod text;\npub mod report;\n";
    let text = "pub fn initials(s: &str) -> String {\n    s.to_owned()\n}\n";
    let report = "pub fn r() -> u32 {\n    1\n}\n\n#[cfg(test)]\nmod tests {\n    use super::{initials, r};\n}\n";
    let sources = crate::specialist::testing::sources(&[
        ("alpha/Cargo.toml", "[package]\nname = \"alpha\"\n"),
        ("alpha/src/lib.rs", lib),
        ("alpha/src/text.rs", text),
        ("beta/Cargo.toml", "[package]\nname = \"beta\"\n"),
        ("beta/src/lib.rs", lib),
        ("beta/src/text.rs", text),
        ("beta/src/report.rs", report),
    ]);
    let error = diagnostic(
        "E0432",
        "unresolved import `super::initials`",
        span_of(&sources, "beta/src/report.rs", "initials", 0),
    );
    let results = outcomes(&WorkspacePaths, error, &sources);
    assert_eq!(
        results[0].1,
        report.replace(
            "    use super::{initials, r};",
            "    use crate::text::initials;\n    use crate::report::r;"
        )
    );
}

#[test]
fn a_kept_name_of_a_test_modules_use_is_the_files_own_though_another_module_has_one() {
    // `parse` is defined in this file and in `geometry`; `Circle` moved away.
    let report = "pub fn parse() -> u32 {\n    1\n}\n\n#[cfg(test)]\nmod tests {\n    use super::{parse, Circle};\n}\n";
    let mut files = vec![("src/lib.rs", "pub mod geometry;\npub mod report;\n")];
    let geometry = "pub mod round;\npub fn parse() -> u8 {\n    0\n}\n";
    files.push(("src/geometry.rs", geometry));
    files.push(("src/geometry/round.rs", "pub struct Circle;\n"));
    files.push(("src/report.rs", report));
    let sources = crate::specialist::testing::sources(&files);
    let error = diagnostic(
        "E0432",
        "unresolved import `super::Circle`",
        span_of(&sources, "src/report.rs", "Circle", 0),
    );
    let results = outcomes(&WorkspacePaths, error, &sources);
    assert_eq!(
        results[0].1,
        report.replace(
            "    use super::{parse, Circle};",
            "    use crate::report::parse;\n    use crate::geometry::round::Circle;"
        )
    );
}
