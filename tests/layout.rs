//! Worktrees that build like the user's tree: symbolic links, line endings, ignored inputs,
//! submodules and path dependencies outside the repository.

use std::path::Path;

use predicates::prelude::*;

use crate::util::{Project, Scenario};

/// A module whose only error rustc fixes by itself (a typo'd local).
const TYPO: &str = "pub fn g() -> i32 {\n    let counter = 1;\n    countr\n}\n";

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// Every file under `dir` with its bytes, `.git` and `target` left out.
fn tree_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let name = entry.file_name();
            if name == ".git" || name == "target" {
                continue;
            }
            let kind = entry.file_type().unwrap();
            let relative = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            if kind.is_symlink() {
                let target = std::fs::read_link(entry.path()).unwrap();
                out.push((relative, target.display().to_string().into_bytes()));
            } else if kind.is_dir() {
                stack.push(entry.path());
            } else {
                out.push((relative, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs the repair, which must turn the crate green by fixing `countr`, and leave no trace.
fn assert_repaired_green(project: &Project) {
    project
        .fix_swarm()
        .assert()
        .code(0)
        .stdout(predicate::str::contains("the build is green (1 → 0 errors"));
    assert!(project.read("src/lib.rs").contains("    counter\n"));
    project.assert_no_trace();
}

fn committed(project: &Project) {
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "layout"]);
}

#[cfg(unix)]
#[test]
fn an_absolute_link_inside_the_repository_is_fixed_in_the_file_it_leads_to() {
    let project = Scenario::package()
        .file(
            "src/lib.rs",
            "mod linked;\npub fn f() -> i32 {\n    linked::g()\n}\n",
        )
        .file("src/real.rs", TYPO)
        .create();
    let real = project.path().join("src/real.rs");
    link(&real, &project.path().join("src/linked.rs"));
    committed(&project);
    // Uncommitted work in the file the link leads to must survive too.
    let edited = format!("// mine\n{TYPO}");
    project.write("src/real.rs", &edited);

    project
        .fix_swarm()
        .arg("--allow-dirty")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("src/real.rs"));

    assert_eq!(
        project.read("src/real.rs"),
        edited.replace("    countr\n", "    counter\n")
    );
    assert_eq!(
        std::fs::read_link(project.path().join("src/linked.rs")).unwrap(),
        real,
        "the link itself must stay as it was"
    );
    assert!(project.cargo(&["check", "-q"]).status.success());
    project.assert_no_trace();
}

#[cfg(unix)]
#[test]
fn a_link_leading_outside_the_repository_is_never_edited_and_loses_no_scope() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("ext.rs"), TYPO).unwrap();
    let project = Scenario::package()
        .file(
            "src/lib.rs",
            "mod ext;\npub fn f() -> i32 {\n    let total = ext::g();\n    totl\n}\n",
        )
        .create();
    link(
        &outside.path().join("ext.rs"),
        &project.path().join("src/ext.rs"),
    );
    committed(&project);
    let before = tree_bytes(project.path());

    project
        .fix_swarm()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("outside the workspace"))
        .stderr(predicate::str::contains("panicked").not());

    assert_eq!(
        std::fs::read_to_string(outside.path().join("ext.rs")).unwrap(),
        TYPO
    );
    let after = tree_bytes(project.path());
    let changed: Vec<&String> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(changed, ["src/lib.rs"], "only the crate's own file changes");
    assert!(project.read("src/lib.rs").contains("    total\n"));
    project.assert_no_trace();
}

/// The crate of `TYPO` with CRLF line endings, as Windows checkouts have them.
fn crlf_project(configure: impl FnOnce(&Project)) -> Project {
    let project = Scenario::package().file("src/lib.rs", "").create();
    configure(&project);
    project.write("src/lib.rs", &TYPO.replace('\n', "\r\n"));
    committed(&project);
    assert_eq!(project.git(&["status", "--porcelain"]), "");
    project
}

fn assert_fixed_with_crlf_kept(project: &Project) {
    project
        .fix_swarm()
        .assert()
        .code(0)
        .stdout(predicate::str::contains("the build is green"));
    assert_eq!(
        project.read("src/lib.rs"),
        TYPO.replace('\n', "\r\n").replace("countr\r", "counter\r")
    );
    project.assert_no_trace();
}

#[test]
fn crlf_files_from_gitattributes_are_fixed_on_their_own_bytes() {
    let project = crlf_project(|project| project.write(".gitattributes", "*.rs text eol=crlf\n"));
    assert_fixed_with_crlf_kept(&project);
}

#[test]
fn crlf_files_from_core_autocrlf_are_fixed_on_their_own_bytes() {
    let project = crlf_project(|project| {
        project.git(&["config", "core.autocrlf", "true"]);
    });
    assert_fixed_with_crlf_kept(&project);
}

#[test]
fn ignored_files_the_build_reads_reach_the_worktrees() {
    // `gen.rs` (a generated source) and `words.txt` (data) are ignored by git, yet compiled.
    let project = Scenario::package()
        .file(
            "src/lib.rs",
            "include!(\"gen.rs\");\npub const WORDS: &str = include_str!(\"../data/words.txt\");\n\
             pub fn g() -> i32 {\n    let counter = GENERATED;\n    countr\n}\n",
        )
        .create();
    project.write(".gitignore", "target/\nCargo.lock\nsrc/gen.rs\ndata/\n");
    committed(&project);
    std::fs::create_dir_all(project.path().join("data")).unwrap();
    project.write("src/gen.rs", "pub const GENERATED: i32 = 1;\n");
    project.write("data/words.txt", "alpha beta\n");
    // The user's own (failing) build leaves the dep-info that names `words.txt`.
    assert!(!project.cargo(&["check", "-q"]).status.success());

    assert_eq!(project.git(&["status", "--porcelain"]), "");
    assert_repaired_green(&project);
    assert_eq!(
        project.read("src/gen.rs"),
        "pub const GENERATED: i32 = 1;\n"
    );
    assert!(project.cargo(&["check", "-q"]).status.success());
}

#[test]
fn a_path_dependency_inside_a_submodule_is_built_in_the_worktrees() {
    let dependency = Scenario::package()
        .file(
            "Cargo.toml",
            "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/lib.rs", "pub fn one() -> i32 {\n    1\n}\n")
        .create();
    let project = Scenario::package()
        .file(
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
             [dependencies]\ndep = { path = \"vendor/dep\" }\n",
        )
        .file(
            "src/lib.rs",
            "pub fn g() -> i32 {\n    let counter = dep::one();\n    countr\n}\n",
        )
        .create();
    let url = dependency.path().display().to_string();
    project.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &url,
        "vendor/dep",
    ]);
    project.write(".gitignore", "target/\nCargo.lock\n");
    committed(&project);
    let submodule_before = tree_bytes(&project.path().join("vendor/dep"));

    assert_repaired_green(&project);
    assert_eq!(
        tree_bytes(&project.path().join("vendor/dep")),
        submodule_before
    );
}

#[test]
fn a_relative_path_dependency_outside_the_repository_is_found_from_the_worktrees() {
    // `../<dir>/a` depends on `../b` in turn: both lie outside the repository.
    let outside = tempfile::tempdir().unwrap();
    for (name, manifest_extra, source) in [
        (
            "a",
            "[dependencies]\nb = { path = \"../b\" }\n",
            "pub fn one() -> i32 {\n    b::one()\n}\n",
        ),
        ("b", "", "pub fn one() -> i32 {\n    1\n}\n"),
    ] {
        let dir = outside.path().join(name);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{manifest_extra}"
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        std::fs::write(dir.join("src/lib.rs"), source).unwrap();
    }
    let relative = format!(
        "../{}/a",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let project = Scenario::package()
        .file(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
                 [dependencies]\na = {{ path = \"{relative}\" }}\n"
            ),
        )
        .file(
            "src/lib.rs",
            "pub fn g() -> i32 {\n    let counter = a::one();\n    countr\n}\n",
        )
        .create();
    project.write(".gitignore", "target/\nCargo.lock\n");
    committed(&project);
    let outside_before = tree_bytes(outside.path());

    assert_repaired_green(&project);
    assert_eq!(tree_bytes(outside.path()), outside_before);
}

#[test]
fn a_workspace_member_outside_the_repository_is_found_from_the_worktrees() {
    let outside = tempfile::tempdir().unwrap();
    let project = Scenario::package().file("src/lib.rs", "").create();
    let repo_name = project.path().file_name().unwrap().to_string_lossy();
    let member = outside.path().join("member");
    std::fs::create_dir_all(member.join("src")).unwrap();
    let back = format!("../../{repo_name}");
    std::fs::write(
        member.join("Cargo.toml"),
        format!(
            "[package]\nname = \"member\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             workspace = \"{back}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        member.join("src/lib.rs"),
        "pub fn one() -> i32 {\n    1\n}\n",
    )
    .unwrap();
    let relative = format!(
        "../{}/member",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    project.write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [workspace]\nmembers = [\".\", \"{relative}\"]\n\n\
             [dependencies]\nmember = {{ path = \"{relative}\" }}\n"
        ),
    );
    project.write(
        "src/lib.rs",
        "pub fn g() -> i32 {\n    let counter = member::one();\n    countr\n}\n",
    );
    project.write(".gitignore", "target/\nCargo.lock\n");
    committed(&project);
    let outside_before = tree_bytes(outside.path());

    assert_repaired_green(&project);
    assert_eq!(tree_bytes(outside.path()), outside_before);
}
