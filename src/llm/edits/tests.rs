use std::collections::BTreeMap;

use super::*;
use crate::llm::confine::AllowGlob;

const LIB: &str = "pub fn push_twice(v: &mut Vec<u8>) {\n    let first = &v[0];\n    v.push(*first);\n}\n\nfn one() -> u8 {\n    1\n}\n\nfn also_one() -> u8 {\n    1\n}\n";

fn base() -> Sources {
    let files = [
        ("Cargo.toml", "[package]\nname = \"app\"\n"),
        ("build.rs", "fn main() {}\n"),
        ("src/lib.rs", LIB),
        ("src/crlf.rs", "fn a() {\r\n    1\r\n}\r\n"),
    ];
    Sources::new(
        files
            .into_iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_owned()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn shown() -> Confinement {
    Confinement {
        shown: ["src/lib.rs", "src/crlf.rs"]
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        ..Confinement::default()
    }
}

fn block(path: &str, search: &str, replace: &str) -> String {
    format!("{path}\n```rust\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n```\n")
}

fn apply(reply: &str) -> Result<Applied, ReplyRefusal> {
    apply_reply(reply, &base(), &[], &shown())
}

#[test]
fn a_unique_search_becomes_edits_against_the_base() {
    let reply = block(
        "src/lib.rs",
        "    let first = &v[0];\n    v.push(*first);\n",
        "    let first = v[0];\n    v.push(first);\n",
    );
    let applied = apply(&reply).unwrap();
    assert_eq!(applied.files, [PathBuf::from("src/lib.rs")]);
    let patch = crate::patch::Patch::from_edits(&base(), &applied.edits).unwrap();
    let after = &patch.files[Path::new("src/lib.rs")].after;
    assert_eq!(
        after,
        &LIB.replace("&v[0];\n    v.push(*first)", "v[0];\n    v.push(first)")
    );
}

#[test]
fn the_reply_builds_on_the_stage_and_keeps_its_other_files() {
    let stage = vec![
        Edit::insert(Path::new("src/lib.rs"), 0, "// staged\n"),
        Edit::insert(Path::new("src/crlf.rs"), 0, "// other\r\n"),
    ];
    // The SEARCH text exists only once the stage is applied.
    let reply = block("src/lib.rs", "// staged\n", "// staged, then edited\n");
    let applied = apply_reply(&reply, &base(), &stage, &shown()).unwrap();
    let patch = crate::patch::Patch::from_edits(&base(), &applied.edits).unwrap();
    assert!(
        patch.files[Path::new("src/lib.rs")]
            .after
            .starts_with("// staged, then edited\npub fn")
    );
    assert!(
        patch.files[Path::new("src/crlf.rs")]
            .after
            .starts_with("// other\r\n")
    );
}

#[test]
fn crlf_files_take_the_models_lines_with_their_line_ends() {
    let applied = apply(&block("src/crlf.rs", "    1\n", "    2\n")).unwrap();
    let patch = crate::patch::Patch::from_edits(&base(), &applied.edits).unwrap();
    assert_eq!(
        patch.files[Path::new("src/crlf.rs")].after,
        "fn a() {\r\n    2\r\n}\r\n"
    );
}

#[test]
fn a_search_not_in_the_file_is_refused_with_the_closest_lines() {
    let refusal = apply(&block("src/lib.rs", "    let first = &v[1];\n", "x\n")).unwrap_err();
    assert_eq!(
        refusal,
        ReplyRefusal::NotFound {
            block: 1,
            path: PathBuf::from("src/lib.rs"),
            closest: Some((2, "    let first = &v[0];\n".to_owned())),
        }
    );
    assert!(refusal.to_string().contains("from line 2"));
}

#[test]
fn a_search_matching_twice_is_refused() {
    assert_eq!(
        apply(&block("src/lib.rs", "    1\n", "    2\n")),
        Err(ReplyRefusal::Ambiguous {
            block: 1,
            path: PathBuf::from("src/lib.rs"),
            count: 2
        })
    );
}

#[test]
fn prose_without_a_block_is_refused() {
    assert_eq!(
        apply("Clone the value before pushing it."),
        Err(ReplyRefusal::Malformed {
            problem: Malformed::NoBlock
        })
    );
}

#[test]
fn paths_outside_the_confinement_are_refused_whatever_the_text() {
    for (path, reason) in [
        ("build.rs", PathRefusal::BuildScript),
        ("Cargo.toml", PathRefusal::Manifest),
        ("../x.rs", PathRefusal::ParentDir),
        ("/etc/passwd.rs", PathRefusal::Absolute),
    ] {
        assert_eq!(
            apply(&block(path, "fn main() {}\n", "fn main() { }\n")),
            Err(ReplyRefusal::Path {
                path: path.to_owned(),
                reason
            }),
            "{path}"
        );
    }
    // One bad block refuses the good ones with it.
    let mixed = block(
        "src/lib.rs",
        "    let first = &v[0];\n",
        "    let first = v[0];\n",
    ) + &block("build.rs", "fn main() {}\n", "fn main() { }\n");
    assert!(matches!(apply(&mixed), Err(ReplyRefusal::Path { .. })));
    let allowed = Confinement {
        allow: vec![AllowGlob::new("build.rs").unwrap()],
        ..shown()
    };
    let reply = block("build.rs", "fn main() {}\n", "fn main() { }\n");
    assert!(apply_reply(&reply, &base(), &[], &allowed).is_ok());
}

#[test]
fn overlapping_blocks_and_blocks_that_change_nothing_are_refused() {
    let overlapping = block("src/lib.rs", "    let first = &v[0];\n", "a\n")
        + &block("src/lib.rs", "&v[0];\n    v.push(*first);\n", "b\n");
    assert_eq!(
        apply(&overlapping),
        Err(ReplyRefusal::Overlap {
            path: PathBuf::from("src/lib.rs")
        })
    );
    let same = block(
        "src/lib.rs",
        "    v.push(*first);\n",
        "    v.push(*first);\n",
    );
    assert_eq!(apply(&same), Err(ReplyRefusal::NoChange));
}

#[test]
fn the_meaning_guard_and_the_unsafe_rule_apply() {
    let stub = block("src/lib.rs", "    v.push(*first);\n", "    todo!();\n");
    assert!(matches!(
        apply(&stub),
        Err(ReplyRefusal::Meaning(Refusal::Silences(_)))
    ));
    let deleted = block("src/lib.rs", "fn one() -> u8 {\n    1\n}\n", "");
    assert!(matches!(
        apply(&deleted),
        Err(ReplyRefusal::Meaning(Refusal::DeletesItem(_)))
    ));
    let allow = block(
        "src/lib.rs",
        "fn one() -> u8 {\n",
        "#[allow(dead_code)]\nfn one() -> u8 {\n",
    );
    assert!(matches!(
        apply(&allow),
        Err(ReplyRefusal::Meaning(Refusal::Silences(_)))
    ));
    let unsafe_block = block(
        "src/lib.rs",
        "    v.push(*first);\n",
        "    unsafe { v.push(*first) };\n",
    );
    assert_eq!(
        apply(&unsafe_block),
        Err(ReplyRefusal::AddsUnsafe {
            path: PathBuf::from("src/lib.rs")
        })
    );
}

#[test]
fn refusals_read_back_as_written_with_one_kind_key_each() {
    let refusals = [
        ReplyRefusal::Malformed {
            problem: Malformed::TooLarge {
                bytes: 90_000,
                limit: 60_000,
            },
        },
        ReplyRefusal::NotFound {
            block: 1,
            path: PathBuf::from("src/lib.rs"),
            closest: Some((3, "fn a() {}".to_owned())),
        },
        ReplyRefusal::NoChange,
    ];
    for refusal in refusals {
        let json = serde_json::to_string(&refusal).unwrap();
        assert_eq!(
            json.matches("\"kind\"").count(),
            {
                if matches!(refusal, ReplyRefusal::Malformed { .. }) {
                    2
                } else {
                    1
                }
            },
            "{json}"
        );
        assert!(!json.contains("\"kind\":\"malformed\",\"kind\""), "{json}");
        let back: ReplyRefusal = serde_json::from_str(&json).unwrap();
        assert_eq!(back, refusal, "{json}");
    }
}
