//! The dependency index on a fake registry package (`tests/data/registry/`): what a crate offers
//! at which public path, its methods and deprecation notes, and what a bump from the version
//! beside it changed, read through the same edge the engine reads cargo's sources with; and a
//! whole run on a crate whose bumped path dependency leaves an error, summed up with its origin.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cargo_fix_swarm::api::{CrateApi, DependencyApi, DependencyIndex, Noted};
use cargo_fix_swarm::dependency_sources::{read_library, sibling_version};
use cargo_fix_swarm::index::ItemKind;
use serde_json::json;

use crate::util::Scenario;

fn registry() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/registry/index.test-0000")
}

fn read(version: &str) -> CrateApi {
    let root = registry().join(format!("figures-{version}/src/lib.rs"));
    CrateApi::read("figures", &read_library(&root).expect("readable"))
}

/// The index the engine builds after a bump from 0.1.0 to 0.2.0, the earlier version found
/// beside the current one.
fn bumped() -> DependencyIndex {
    let current_root = registry().join("figures-0.2.0/src/lib.rs");
    let previous_root = sibling_version(&current_root, "figures", "0.1.0").expect("beside it");
    assert_eq!(previous_root, registry().join("figures-0.1.0/src/lib.rs"));
    let mut index = DependencyIndex::default();
    index.insert(
        "figures",
        Arc::new(DependencyApi {
            version: "0.2.0".to_owned(),
            current: read("0.2.0"),
            previous: Some(("0.1.0".to_owned(), read("0.1.0"))),
        }),
    );
    index
}

fn paths(api: &CrateApi, name: &str) -> Vec<String> {
    api.named(name).iter().map(|i| i.path_text()).collect()
}

#[test]
fn public_paths_follow_pub_use_chains_and_globs_but_not_private_modules() {
    let api = read("0.2.0");
    assert_eq!(paths(&api, "Polygon"), ["figures::shape::Polygon"]);
    assert_eq!(
        paths(&api, "URL_SAFE"),
        ["figures::general_purpose::URL_SAFE"]
    );
    assert_eq!(
        paths(&api, "Measure"),
        ["figures::Measure", "figures::shape::measure::Measure"]
    );
    assert_eq!(api.named("Measure")[0].kind, Some(ItemKind::Trait));
    assert_eq!(paths(&api, "general_purpose"), ["figures::general_purpose"]);
    // Private modules have no public path of their own.
    assert!(paths(&api, "polygon").is_empty());
    assert!(paths(&api, "engine").is_empty());
    assert!(paths(&api, "secret").is_empty());
}

#[test]
fn deprecation_notes_are_read_from_multi_line_and_one_line_attributes() {
    let api = read("0.2.0");
    let area = api.named("area")[0]
        .deprecation
        .clone()
        .expect("deprecated");
    assert_eq!(area.since.as_deref(), Some("0.2.0"));
    assert_eq!(area.note.as_deref(), Some("Use `area_of` instead"));
    assert!(api.named("area_of")[0].deprecation.is_none());
    let old = read("0.1.0");
    let length = old
        .methods
        .iter()
        .find(|m| m.name == "length")
        .expect("a trait method");
    assert!(length.of_trait);
    assert_eq!(length.owner, "Measure");
    assert_eq!(
        length.deprecation.as_ref().and_then(|d| d.note.as_deref()),
        Some("Renamed to `perimeter`")
    );
}

#[test]
fn a_types_methods_include_its_traits_but_not_private_ones() {
    let api = read("0.2.0");
    let methods: BTreeSet<(String, String, usize)> = api
        .methods_of("Polygon")
        .iter()
        .map(|m| (m.owner.clone(), m.name.clone(), m.arguments))
        .collect();
    let expected: BTreeSet<(String, String, usize)> = [
        ("Measure", "perimeter", 0),
        ("Measure", "scaled", 1),
        ("Polygon", "side_count", 0),
    ]
    .iter()
    .map(|(o, n, a)| ((*o).to_owned(), (*n).to_owned(), *a))
    .collect();
    assert_eq!(methods, expected);
}

#[test]
fn a_bump_tells_what_replaced_what_the_new_version_removed() {
    let index = bumped();
    let crates: BTreeSet<String> = ["figures".to_owned()].into();
    // Renamed with the same signature and no note: the rename comes first.
    let offers = index.methods_for(&crates, "Polygon", "sides", 0);
    assert_eq!(offers[0].name, "side_count");
    assert!(offers[0].replaces);
    assert_eq!(offers[0].trait_path, None);
    // A trait method the old version's note names, with the trait to import.
    let offers = index.methods_for(&crates, "Polygon", "length", 0);
    assert_eq!(offers[0].name, "perimeter");
    assert_eq!(offers[0].trait_path.as_deref(), Some("figures::Measure"));
    // Notes that name one thing the new version has, with and without backticks.
    assert_eq!(
        index.noted_replacements("figures", "fold_sum"),
        [Noted {
            note: "use fold_total instead".to_owned(),
            replacement: "fold_total".to_owned(),
        }]
    );
    assert_eq!(
        index.noted_replacements("figures", "area")[0].replacement,
        "area_of"
    );
    // A moved item keeps its name: found at its new path, not as a rename.
    assert_eq!(
        index.public_named("figures", "URL_SAFE")[0].path_text(),
        "figures::general_purpose::URL_SAFE"
    );
    assert!(index.renamed_items("figures", "URL_SAFE").is_empty());
    let notes = index.notes();
    assert_eq!(notes[0], "figures: 0.1.0 -> 0.2.0");
    assert!(
        notes.contains(
            &"  removed `figures::fold_sum` (deprecated: use fold_total instead)".to_owned()
        ),
        "{notes:#?}"
    );
}

/// A dependency `figures` of version `version` whose library is `lib`, with a changelog.
fn figures(version: &str, lib: &str) -> [(String, String); 3] {
    let dir = format!("vendor/figures-{version}");
    [
        (
            format!("{dir}/Cargo.toml"),
            format!("[package]\nname = \"figures\"\nversion = \"{version}\"\nedition = \"2021\"\n"),
        ),
        (format!("{dir}/src/lib.rs"), lib.to_owned()),
        (
            format!("{dir}/CHANGELOG.md"),
            format!("# {version}\n\n- `parse_level` is gone.\n"),
        ),
    ]
}

fn manifest(version: &str) -> String {
    format!(
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nfigures = {{ path = \"vendor/figures-{version}\" }}\n\n\
         [workspace]\nexclude = [\"vendor\"]\n"
    )
}

/// A crate whose dependency, bumped in the last commit (its lockfile with it), removed a function
/// the crate imports, with nothing like it in its place: the error is left, and the summary says
/// which crate changed between which versions and where its changelog is. A path dependency
/// stands in for a registry's: the lockfile and the sources beside each other are the same.
#[test]
fn an_error_a_bump_leaves_names_the_crate_its_versions_and_its_changelog() {
    let old = figures(
        "0.1.0",
        "pub fn parse_level(text: &str) -> u8 {\n    text.len() as u8\n}\n",
    );
    let new = figures("0.2.0", "pub const VERSION: u8 = 2;\n");
    let mut scenario = Scenario::package()
        .file("Cargo.toml", &manifest("0.1.0"))
        .file(
            "src/lib.rs",
            "use figures::parse_level;\n\npub fn level() -> u8 {\n    parse_level(\"info\")\n}\n",
        );
    for (path, text) in old.iter().chain(&new) {
        scenario = scenario.file(path, text);
    }
    let project = scenario.create();
    let locked = project.cargo(&["generate-lockfile", "--offline"]);
    assert!(locked.status.success(), "{locked:?}");
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "lock figures 0.1.0"]);
    project.write("Cargo.toml", &manifest("0.2.0"));
    let locked = project.cargo(&["generate-lockfile", "--offline"]);
    assert!(locked.status.success(), "{locked:?}");
    project.git(&["commit", "-q", "-am", "bump figures to 0.2.0"]);

    let output = project.fix_swarm().args(["-j", "1"]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let root = std::fs::canonicalize(project.path()).unwrap();
    let lines: Vec<String> = stdout
        .lines()
        .filter(|line| line.trim_start().starts_with("dependency: "))
        .map(|line| {
            line.replace(&root.display().to_string(), "[project]")
                .replace(&project.path().display().to_string(), "[project]")
        })
        .collect();
    insta::assert_snapshot!("bumped-dependency-origin", lines.join("\n"));

    // The machine report carries it as data, in the shape the schema gives it.
    let output = project
        .fix_swarm()
        .args(["-j", "1", "--message-format", "json"])
        .output()
        .unwrap();
    let events = crate::schema::assert_valid_lines(&String::from_utf8(output.stdout).unwrap());
    let summary = &events.last().expect("the last event")["summary"];
    let origin = &summary["unfixed"][0]["origin"];
    assert_eq!(
        (&origin["crate"], &origin["from"], &origin["to"]),
        (&json!("figures"), &json!("0.1.0"), &json!("0.2.0")),
        "{summary:#}"
    );
    assert!(
        origin["changelog"]
            .as_str()
            .is_some_and(|path| path.ends_with("vendor/figures-0.2.0/CHANGELOG.md")),
        "{origin}"
    );
}
