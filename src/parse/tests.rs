use super::*;

fn root() -> SourceRoot {
    SourceRoot {
        checkout: PathBuf::from("/repo"),
        workspace: PathBuf::from("crates"),
        layout: None,
    }
}

#[test]
fn file_names_resolve_against_the_workspace_root() {
    let root = root();
    assert_eq!(
        root.locate("app/src/main.rs"),
        Ok(PathBuf::from("crates/app/src/main.rs"))
    );
    assert_eq!(
        root.locate("/repo/target/debug/build/x-1/out/gen.rs"),
        Err(PathBuf::from("/repo/target/debug/build/x-1/out/gen.rs"))
    );
    assert_eq!(
        root.relative(Path::new("/repo/src/lib.rs")),
        Some(PathBuf::from("src/lib.rs"))
    );
    assert_eq!(root.locate("../src/x.rs"), Ok(PathBuf::from("src/x.rs")));
    assert_eq!(
        root.locate("/home/u/.cargo/registry/src/serde/lib.rs"),
        Err(PathBuf::from("/home/u/.cargo/registry/src/serde/lib.rs"))
    );
    assert_eq!(
        root.locate("../../etc/passwd"),
        Err(PathBuf::from("/etc/passwd"))
    );
}

#[test]
fn placeholders_are_told_from_complete_code() {
    for complete in [
        "State::Failed(_)",
        "Box<",
        ": Vec<_>",
        "#[inline]",
        "0..=9",
        "x..",
    ] {
        assert!(!has_placeholder(complete), "{complete}");
    }
    for placeholder in ["(value, /* i32 */)", "todo!()", "Point { ... }", "f(…)"] {
        assert!(has_placeholder(placeholder), "{placeholder}");
    }
}

#[test]
fn malformed_lines_become_problems_not_failures() {
    let stream = "not json\n{\"reason\":\"build-finished\",\"success\":false}\n\n{\"reason\":";
    let parsed = parse_stream(stream, &root());
    assert_eq!(parsed.build_succeeded, Some(false));
    assert_eq!(parsed.problems.len(), 2);
    assert_eq!(parsed.problems[0].line, 1);
    assert_eq!(parsed.problems[1].line, 4);
    assert!(parsed.diagnostics.is_empty());
}
