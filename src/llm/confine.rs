//! Where a model may write, enforced by the code that applies its edits and not by the prompt:
//! only `.rs` files of workspace members that the prompt showed, never a build script, a
//! manifest, `.cargo/`, a proc-macro crate, or a path that leaves the workspace, unless the user
//! widened it with `--llm-allow GLOB`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::patch::Sources;

/// Why a path named in a reply may not be edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "kebab-case")]
pub enum PathRefusal {
    #[error("it is an absolute path")]
    Absolute,
    #[error("it leaves the workspace through `..`")]
    ParentDir,
    #[error("it is not a Rust source file")]
    NotRust,
    #[error("it is a build script")]
    BuildScript,
    #[error("it is a cargo manifest or lockfile")]
    Manifest,
    #[error("it lies under `.cargo/`")]
    CargoDir,
    #[error("it belongs to a proc-macro crate")]
    ProcMacro,
    #[error("it is, or passes through, a symbolic link")]
    Link,
    #[error("it is not a file of the workspace")]
    Unknown,
    #[error("it was not shown in the prompt (only the files shown may be edited)")]
    NotShown,
}

/// A glob of `--llm-allow`: `*` within a path segment, `**` across segments, `?` one character.
#[derive(Clone, Debug)]
pub struct AllowGlob {
    text: String,
    regex: Regex,
}

impl AllowGlob {
    pub fn new(text: &str) -> Result<AllowGlob, regex::Error> {
        let mut pattern = String::from("^");
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let (piece, used) = match c {
                '*' if rest.starts_with("**/") => ("(?:.*/)?".to_owned(), 3),
                '*' if rest.starts_with("**") => (".*".to_owned(), 2),
                '*' => ("[^/]*".to_owned(), 1),
                '?' => ("[^/]".to_owned(), 1),
                other => (regex::escape(&other.to_string()), other.len_utf8()),
            };
            pattern.push_str(&piece);
            rest = &rest[used..];
        }
        pattern.push('$');
        Ok(AllowGlob {
            text: text.to_owned(),
            regex: Regex::new(&pattern)?,
        })
    }

    pub fn matches(&self, path: &Path) -> bool {
        self.regex.is_match(&path.to_string_lossy())
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

static PROC_MACRO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*proc[-_]macro\s*=\s*true").expect("valid regex"));

/// The files one prompt showed, and what the user allowed beyond them.
#[derive(Clone, Debug, Default)]
pub struct Confinement {
    pub shown: BTreeSet<PathBuf>,
    pub allow: Vec<AllowGlob>,
    /// Paths that are, or pass through, a symbolic link (the layout's view of the tree).
    pub links: Vec<PathBuf>,
}

impl Confinement {
    /// The workspace-relative path `written` names, if a model may edit it.
    pub fn admit(&self, written: &str, sources: &Sources) -> Result<PathBuf, PathRefusal> {
        let path = normalized(written)?;
        if self.links.iter().any(|link| path.starts_with(link)) {
            return Err(PathRefusal::Link);
        }
        // What the user allowed by name goes past the fixed rules, never out of the workspace.
        let allowed = self.allow.iter().any(|glob| glob.matches(&path));
        if !allowed {
            fixed_rules(&path)?;
        }
        if sources.get(&path).is_none() {
            return Err(PathRefusal::Unknown);
        }
        if allowed {
            return Ok(path);
        }
        if in_proc_macro_crate(&path, sources) {
            return Err(PathRefusal::ProcMacro);
        }
        if !self.shown.contains(&path) {
            return Err(PathRefusal::NotShown);
        }
        Ok(path)
    }
}

/// The files no model edits unless the user allows them by name.
fn fixed_rules(path: &Path) -> Result<(), PathRefusal> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "Cargo.toml" || name == "Cargo.lock" {
        return Err(PathRefusal::Manifest);
    }
    if path.components().any(|c| c.as_os_str() == ".cargo") {
        return Err(PathRefusal::CargoDir);
    }
    if name == "build.rs" {
        return Err(PathRefusal::BuildScript);
    }
    if path.extension().is_none_or(|ext| ext != "rs") {
        return Err(PathRefusal::NotRust);
    }
    Ok(())
}

/// `written` as a relative path without `.` components, refused when absolute or climbing out.
fn normalized(written: &str) -> Result<PathBuf, PathRefusal> {
    let raw = Path::new(written);
    let mut path = PathBuf::new();
    for component in raw.components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(PathRefusal::ParentDir),
            Component::RootDir | Component::Prefix(_) => return Err(PathRefusal::Absolute),
        }
    }
    Ok(path)
}

/// Whether the nearest manifest above `path` declares a proc-macro library.
fn in_proc_macro_crate(path: &Path, sources: &Sources) -> bool {
    path.ancestors()
        .skip(1)
        .find_map(|dir| sources.get(&dir.join("Cargo.toml")))
        .is_some_and(|manifest| PROC_MACRO.is_match(manifest))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn sources() -> Sources {
        let files = [
            ("Cargo.toml", "[package]\nname = \"app\"\n"),
            ("build.rs", "fn main() {}\n"),
            ("src/lib.rs", "pub fn a() {}\n"),
            ("src/other.rs", "pub fn b() {}\n"),
            ("derive/Cargo.toml", "[lib]\nproc-macro = true\n"),
            ("derive/src/lib.rs", "\n"),
            ("linked/src/lib.rs", "\n"),
            (".cargo/x.rs", "\n"),
            ("README.md", "\n"),
        ];
        Sources::new(
            files
                .into_iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_owned()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn confinement(allow: &[&str]) -> Confinement {
        Confinement {
            shown: ["src/lib.rs", "derive/src/lib.rs", "linked/src/lib.rs"]
                .into_iter()
                .map(PathBuf::from)
                .collect(),
            allow: allow.iter().map(|g| AllowGlob::new(g).unwrap()).collect(),
            links: vec![PathBuf::from("linked")],
        }
    }

    #[test]
    fn only_shown_rust_files_of_the_workspace_are_admitted() {
        let sources = sources();
        let admit = |path: &str| confinement(&[]).admit(path, &sources);
        assert_eq!(admit("src/lib.rs"), Ok(PathBuf::from("src/lib.rs")));
        assert_eq!(admit("./src/lib.rs"), Ok(PathBuf::from("src/lib.rs")));
        assert_eq!(admit("/etc/x.rs"), Err(PathRefusal::Absolute));
        assert_eq!(admit("../x.rs"), Err(PathRefusal::ParentDir));
        assert_eq!(admit("src/../../x.rs"), Err(PathRefusal::ParentDir));
        assert_eq!(admit("Cargo.toml"), Err(PathRefusal::Manifest));
        assert_eq!(admit("Cargo.lock"), Err(PathRefusal::Manifest));
        assert_eq!(admit("build.rs"), Err(PathRefusal::BuildScript));
        assert_eq!(admit(".cargo/x.rs"), Err(PathRefusal::CargoDir));
        assert_eq!(admit("README.md"), Err(PathRefusal::NotRust));
        assert_eq!(admit("src/new.rs"), Err(PathRefusal::Unknown));
        assert_eq!(admit("derive/src/lib.rs"), Err(PathRefusal::ProcMacro));
        assert_eq!(admit("linked/src/lib.rs"), Err(PathRefusal::Link));
        assert_eq!(admit("src/other.rs"), Err(PathRefusal::NotShown));
    }

    #[test]
    fn allow_globs_widen_but_never_out_of_the_workspace() {
        let sources = sources();
        let wide = confinement(&["src/**", "build.rs", "Cargo.toml"]);
        for path in ["src/other.rs", "build.rs", "Cargo.toml"] {
            assert_eq!(wide.admit(path, &sources), Ok(PathBuf::from(path)));
        }
        assert_eq!(
            confinement(&[]).admit("Cargo.toml", &sources),
            Err(PathRefusal::Manifest)
        );
        let everything = confinement(&["**"]);
        assert_eq!(
            everything.admit("../x.rs", &sources),
            Err(PathRefusal::ParentDir)
        );
        assert_eq!(
            everything.admit("/x.rs", &sources),
            Err(PathRefusal::Absolute)
        );
        assert_eq!(
            everything.admit("linked/src/lib.rs", &sources),
            Err(PathRefusal::Link)
        );
        let glob = AllowGlob::new("**/*.rs").unwrap();
        assert!(glob.matches(Path::new("src/a/b.rs")) && glob.matches(Path::new("b.rs")));
        assert!(
            !AllowGlob::new("src/*.rs")
                .unwrap()
                .matches(Path::new("src/a/b.rs"))
        );
    }
}
