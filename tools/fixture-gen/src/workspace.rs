//! The layout of the output: one crate (the default), or with `--members N` a virtual workspace
//! of N copies of the base, each mutated on its own.
//!
//! Generation stays per member: the site finders and `apply` work on the base's `src/...`
//! paths, and a member's directory is put in front of them only when writing, predicting and
//! verifying. With one member that directory is empty, and the output is the single crate it
//! has always been, byte for byte.

use std::path::{Path, PathBuf};

use crate::sites::SourceFile;
use crate::{Mutation, Prediction};

/// The base's package name; a member's is this with `-a`, `-b`, ... after it.
const PACKAGE: &str = "shopkeeper";

/// The most members `--members` takes: one letter each.
pub const MAX_MEMBERS: usize = 26;

/// One crate of the output, with the mutations chosen for it.
pub struct Member {
    /// Its directory under the output, empty for the single crate.
    pub dir: String,
    pub mutations: Vec<Mutation>,
    /// The text of each base file after the mutations.
    pub outputs: Vec<String>,
    /// The errors the mutations should give, with file indices into the base.
    pub predicted: Vec<Prediction>,
}

impl Member {
    /// `path` (a base path such as `src/money.rs`) as seen from the output's root, which is
    /// also how cargo names it in a workspace's short messages.
    pub fn path(&self, path: &str) -> String {
        if self.dir.is_empty() {
            path.to_string()
        } else {
            format!("{}/{}", self.dir, path)
        }
    }

    /// The package name, in backquotes, for descriptions.
    pub fn quoted(&self) -> String {
        format!("`{}`", self.dir)
    }
}

/// The directory (and package name) of member `index` of `count`: empty for a single crate.
pub fn member_dir(index: usize, count: usize) -> String {
    if count == 1 {
        String::new()
    } else {
        format!("{}-{}", PACKAGE, (b'a' + index as u8) as char)
    }
}

/// The wanted number of mutations of each member: `wanted` split evenly, the first members
/// taking one more when it does not divide; `max` (None) for every member.
pub fn shares(wanted: Option<usize>, count: usize) -> Vec<Option<usize>> {
    (0..count)
        .map(|index| wanted.map(|n| n / count + usize::from(index < n % count)))
        .collect()
}

/// "`a`, `b` and `c`".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// The root manifest of a workspace of these members.
fn workspace_manifest(members: &[Member]) -> String {
    let names: Vec<String> = members.iter().map(|m| format!("\"{}\"", m.dir)).collect();
    format!(
        "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
        names.join(", ")
    )
}

/// A member's manifest: the base's under the member's package name, without the base's
/// `[workspace]` table (the member belongs to the root's).
fn member_manifest(base: &str, name: &str) -> String {
    let package = base.replacen(
        &format!("name = \"{}\"", PACKAGE),
        &format!("name = \"{}\"", name),
        1,
    );
    let without_workspace = match package.find("[workspace]") {
        Some(at) => &package[..at],
        None => &package,
    };
    format!("{}\n", without_workspace.trim_end())
}

/// Writes the output: `Cargo.toml`, `fixture.toml` and the sources of every member. Refuses a
/// non-empty directory without a `fixture.toml`; replaces `src/` and the member directories
/// (`shopkeeper-*`) of an earlier output, so that a change of `--members` leaves nothing stale.
pub fn write_output(
    out: &Path,
    base_manifest: &str,
    files: &[SourceFile],
    members: &[Member],
    fixture_toml: &str,
) -> Result<(), String> {
    if out.exists() {
        let entries = std::fs::read_dir(out).map_err(|e| format!("{}: {}", out.display(), e))?;
        let names: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        if !names.is_empty() && !out.join("fixture.toml").is_file() {
            return Err(format!(
                "{} exists and holds no fixture.toml; refusing to overwrite it",
                out.display()
            ));
        }
        let stale = names
            .iter()
            .filter(|name| *name == "src" || name.starts_with(&format!("{}-", PACKAGE)))
            .map(|name| out.join(name))
            .filter(|path| path.is_dir());
        for path in stale {
            std::fs::remove_dir_all(&path).map_err(|e| format!("{}: {}", path.display(), e))?;
        }
    }
    let write = |path: PathBuf, text: &str| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {}", parent.display(), e))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {}", path.display(), e))
    };
    if let [single] = members {
        debug_assert!(single.dir.is_empty());
        write(out.join("Cargo.toml"), base_manifest)?;
    } else {
        write(out.join("Cargo.toml"), &workspace_manifest(members))?;
        for member in members {
            let manifest = member_manifest(base_manifest, &member.dir);
            write(out.join(member.path("Cargo.toml")), &manifest)?;
        }
    }
    write(out.join("fixture.toml"), fixture_toml)?;
    for member in members {
        for (file, text) in files.iter().zip(&member.outputs) {
            write(out.join(member.path(&file.path)), text)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wanted_count_is_split_evenly_and_max_stays_max() {
        assert_eq!(shares(Some(7), 1), vec![Some(7)]);
        assert_eq!(shares(Some(7), 2), vec![Some(4), Some(3)]);
        assert_eq!(shares(Some(0), 3), vec![Some(0); 3]);
        assert_eq!(shares(None, 2), vec![None, None]);
    }

    #[test]
    fn members_are_lettered_and_a_single_crate_has_no_directory() {
        assert_eq!(member_dir(0, 1), "");
        assert_eq!(member_dir(0, 2), "shopkeeper-a");
        assert_eq!(member_dir(1, 2), "shopkeeper-b");
        let member = Member {
            dir: member_dir(1, 2),
            mutations: Vec::new(),
            outputs: Vec::new(),
            predicted: Vec::new(),
        };
        assert_eq!(member.path("src/lib.rs"), "shopkeeper-b/src/lib.rs");
        assert_eq!(
            and_list(&["`a`".into(), "`b`".into(), "`c`".into()]),
            "`a`, `b` and `c`"
        );
    }

    #[test]
    fn a_member_manifest_is_the_base_renamed_without_its_workspace_table() {
        let manifest = member_manifest(crate::MANIFEST, "shopkeeper-a");
        assert!(manifest.contains("name = \"shopkeeper-a\"\n"));
        assert!(!manifest.contains("[workspace]"));
        assert!(manifest.ends_with("[dependencies]\n"));
        let members: Vec<Member> = (0..2)
            .map(|index| Member {
                dir: member_dir(index, 2),
                mutations: Vec::new(),
                outputs: Vec::new(),
                predicted: Vec::new(),
            })
            .collect();
        assert_eq!(
            workspace_manifest(&members),
            "[workspace]\nmembers = [\"shopkeeper-a\", \"shopkeeper-b\"]\nresolver = \"2\"\n"
        );
    }
}
