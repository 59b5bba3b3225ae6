use std::collections::BTreeMap;

use super::*;
use crate::parse::{SourceRoot, parse_stream};

fn data(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    std::fs::read_to_string(path).expect("recording exists")
}

/// The recorded `suggestions-mixed` check and its `src/lib.rs` (the note's first Rust block).
fn recorded() -> (Vec<Diagnostic>, Sources) {
    let root = SourceRoot {
        checkout: PathBuf::from("/tmp/recordings/suggestions-mixed"),
        workspace: PathBuf::new(),
        layout: None,
    };
    let parsed = parse_stream(&data("suggestions-mixed.jsonl"), &root);
    let note = data("suggestions-mixed.md");
    let lib = note
        .split("```rust\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let texts = Sources::new(BTreeMap::from([
        (PathBuf::from("src/lib.rs"), lib.to_owned()),
        (
            PathBuf::from("Cargo.toml"),
            "[package]\nname = \"suggestions-mixed\"\nedition = \"2021\"\n".to_owned(),
        ),
    ]));
    (parsed.errors().cloned().collect(), texts)
}

#[test]
fn a_missing_trait_item_prompt_carries_what_a_model_needs() {
    let (errors, texts) = recorded();
    let e0046: Vec<Diagnostic> = errors
        .into_iter()
        .filter(|d| d.code.as_ref().is_some_and(|c| c.as_str() == "E0046"))
        .collect();
    assert_eq!(e0046.len(), 1);
    let index = ItemIndex::build(&texts);
    let prompt = render(
        &Templates::default(),
        &PromptInput {
            diagnostics: &e0046,
            texts: &texts,
            index: &index,
            explain: Some("An implementation is missing some trait items."),
        },
    );
    assert_eq!(prompt.shown, BTreeSet::from([PathBuf::from("src/lib.rs")]));
    let user = &prompt.user;
    // The family's template, the edition, rustc's report and its explanation.
    assert!(user.starts_with("An implementation misses items its trait requires: E0046."));
    assert!(user.contains("Edition: 2021"));
    assert!(user.contains("error[E0046]: not all trait items implemented, missing: `name`"));
    assert!(user.contains("An implementation is missing some trait items."));
    // Numbered lines around the span (line 15), from line 1 to the end of the file.
    assert!(user.contains("src/lib.rs (lines 1-"));
    assert!(user.contains("   15 | impl Shape for Square {\n"));
    // The trait the message names, whole, from the index.
    assert!(user.contains(
        "src/lib.rs (line 7)\n```rust\npub trait Shape {\n    fn area(&self) -> f64;\n    fn name(&self) -> String;\n}\n```"
    ));
    assert!(prompt.system.contains("<<<<<<< SEARCH"));
    assert!(prompt.system.contains("No `unsafe`"));
}

#[test]
fn every_family_has_its_template_and_overrides_replace_built_ins() {
    assert_eq!(family(Some("E0502")), "borrow.md");
    assert_eq!(family(Some("E0106")), "lifetime.md");
    assert_eq!(family(Some("E0063")), "missing-value.md");
    assert_eq!(family(None), "default.md");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("default.md"), "Custom {{code}}").unwrap();
    let templates = Templates::with_overrides(dir.path()).unwrap();
    assert_eq!(templates.get("default.md"), "Custom {{code}}");
    assert_eq!(
        templates.get("borrow.md"),
        Templates::default().get("borrow.md")
    );
}
