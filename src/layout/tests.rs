use super::*;

fn layout(links: &[(&str, &str)], files: &[&str]) -> Layout {
    Layout::new(
        PathBuf::from("/repo"),
        links
            .iter()
            .map(|(link, target)| (PathBuf::from(link), PathBuf::from(target)))
            .collect(),
        files.iter().map(PathBuf::from).collect(),
    )
}

fn inside(path: &str) -> Resolved {
    Resolved::Inside(PathBuf::from(path))
}

fn outside(path: &str) -> Resolved {
    Resolved::Outside(PathBuf::from(path))
}

#[test]
fn plain_files_resolve_to_themselves() {
    let layout = layout(&[], &["src/lib.rs"]);
    assert_eq!(
        layout.resolve(Path::new("src/lib.rs")),
        inside("src/lib.rs")
    );
    assert_eq!(
        layout.resolve(Path::new("src/./lib.rs")),
        inside("src/lib.rs")
    );
    assert_eq!(
        layout.resolve(Path::new("src/gone.rs")),
        outside("/repo/src/gone.rs")
    );
    assert_eq!(
        layout.resolve(Path::new("../elsewhere/x.rs")),
        outside("/elsewhere/x.rs")
    );
}

#[test]
fn links_resolve_like_the_file_system() {
    let layout = layout(
        &[
            ("src/abs.rs", "/repo/src/real.rs"),
            ("src/rel.rs", "real.rs"),
            ("src/up.rs", "../shared/common.rs"),
            ("src/away.rs", "../../outside/lib.rs"),
            ("src/etc.rs", "/etc/passwd"),
            ("src/common", "../shared"),
            ("src/chain.rs", "rel.rs"),
            ("src/loop.rs", "loop.rs"),
        ],
        &["src/real.rs", "shared/common.rs"],
    );
    let resolve = |path: &str| layout.resolve(Path::new(path));
    assert_eq!(resolve("src/abs.rs"), inside("src/real.rs"));
    assert_eq!(resolve("src/rel.rs"), inside("src/real.rs"));
    assert_eq!(resolve("src/up.rs"), inside("shared/common.rs"));
    assert_eq!(resolve("src/chain.rs"), inside("src/real.rs"));
    assert_eq!(resolve("src/common/common.rs"), inside("shared/common.rs"));
    assert_eq!(resolve("src/away.rs"), outside("/outside/lib.rs"));
    assert_eq!(resolve("src/etc.rs"), outside("/etc/passwd"));
    assert_eq!(resolve("src/loop.rs"), outside("/repo/src/loop.rs"));
}

#[test]
fn dot_dot_climbs_from_where_links_led_and_paths_may_come_back_in() {
    let layout = layout(
        &[
            ("src/bin", "../tools/bin"),
            ("src/again.rs", "../../repo/src/real.rs"),
            ("src/abs.rs", "/elsewhere/../repo/src/real.rs"),
            ("root", "/repo"),
        ],
        &["src/real.rs", "tools/shared/mod.rs", "tools/bin/main.rs"],
    );
    let resolve = |path: &str| layout.resolve(Path::new(path));
    assert_eq!(
        resolve("src/bin/../shared/mod.rs"),
        inside("tools/shared/mod.rs")
    );
    assert_eq!(resolve("src/again.rs"), inside("src/real.rs"));
    assert_eq!(resolve("src/abs.rs"), inside("src/real.rs"));
    assert_eq!(resolve("../repo/src/real.rs"), inside("src/real.rs"));
    assert_eq!(resolve("root/src/real.rs"), inside("src/real.rs"));
    assert_eq!(
        layout.retargets(),
        [
            (PathBuf::from("root"), PathBuf::from(".")),
            (PathBuf::from("src/abs.rs"), PathBuf::from("real.rs")),
            (PathBuf::from("src/again.rs"), PathBuf::from("real.rs")),
        ]
    );
}

#[test]
fn worktrees_retarget_links_that_would_lead_elsewhere_there() {
    let layout = layout(
        &[
            ("src/abs.rs", "/repo/src/real.rs"),
            ("src/deep/abs.rs", "/repo/shared/common.rs"),
            ("src/rel.rs", "real.rs"),
            ("src/away.rs", "../../outside/lib.rs"),
            ("src/etc.rs", "/etc/passwd"),
        ],
        &["src/real.rs", "shared/common.rs"],
    );
    assert_eq!(
        layout.retargets(),
        [
            (PathBuf::from("src/abs.rs"), PathBuf::from("real.rs")),
            (
                PathBuf::from("src/away.rs"),
                PathBuf::from("/outside/lib.rs")
            ),
            (
                PathBuf::from("src/deep/abs.rs"),
                PathBuf::from("../../shared/common.rs")
            ),
        ]
    );
}

#[test]
fn a_mirror_nests_the_worktree_as_deep_as_paths_climb() {
    let repo = Path::new("/home/u/proj/repo");
    assert_eq!(Mirror::new(repo, &[]), Mirror::default());
    assert_eq!(
        Mirror::new(repo, &[PathBuf::from("/home/u/proj/repo/inner")]),
        Mirror::default()
    );
    assert_eq!(
        Mirror::new(
            repo,
            &[
                PathBuf::from("/home/u/proj/dep"),
                PathBuf::from("/home/u/proj/dep/sub"),
                PathBuf::from("/home/u/other/x"),
            ]
        ),
        Mirror {
            nesting: PathBuf::from("proj/repo"),
            links: vec![
                (PathBuf::from("other"), PathBuf::from("/home/u/other")),
                (PathBuf::from("proj/dep"), PathBuf::from("/home/u/proj/dep")),
            ],
        }
    );
}

#[test]
fn dep_info_names_what_a_compilation_read() {
    let text = "/t/debug/deps/demo-1.d: src/lib.rs src/gen.rs /abs/dir\\ with\\ space/x.rs\n\n\
                src/lib.rs:\nsrc/gen.rs:\n";
    assert_eq!(
        dep_info_sources(text),
        [
            PathBuf::from("/abs/dir with space/x.rs"),
            PathBuf::from("src/gen.rs"),
            PathBuf::from("src/lib.rs"),
        ]
    );
}

#[test]
fn inputs_are_held_but_marked() {
    let layout = layout(&[("src/gen.rs", "../gen/out.rs")], &["src/lib.rs"])
        .with_inputs([PathBuf::from("gen")]);
    assert_eq!(
        layout.resolve(Path::new("src/gen.rs")),
        inside("gen/out.rs")
    );
    assert!(layout.is_input(Path::new("gen/out.rs")));
    assert!(!layout.is_input(Path::new("src/lib.rs")));
}
