//! What the workspace defines, read from its sources with patterns rather than a parser: items
//! with their module paths and crate names. Approximate on purpose: it only has to propose
//! candidates, and the gate checks every one.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::patch::Sources;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Struct,
    Enum,
    Union,
    Trait,
    Fn,
    Type,
    Const,
    Static,
    Mod,
}

/// One named item defined at a module's top level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    pub kind: ItemKind,
    pub public: bool,
    pub file: PathBuf,
    /// Byte offset of the start of the line holding the item's keyword.
    pub line_start: usize,
    /// The crate's source directory (`core-lib/src`), which tells one crate from another.
    pub crate_dir: PathBuf,
    /// The crate's name as code names it (`core_lib`).
    pub crate_name: String,
    /// Module path inside the crate (`["geometry", "shapes"]`).
    pub modules: Vec<String>,
}

impl Item {
    /// How code in `from` names this item in a `use`: `crate::…` inside its own crate, the crate's
    /// name from another.
    pub fn path_from(&self, from: &Path) -> String {
        let root = match crate_of(from) {
            Some((dir, _)) if dir == self.crate_dir => "crate".to_owned(),
            _ => self.crate_name.clone(),
        };
        let mut path = vec![root];
        path.extend(self.modules.iter().cloned());
        path.push(self.name.clone());
        path.join("::")
    }
}

static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(pub(?:\([^)]*\))?\s+)?(?:(?:async|const|unsafe|extern\s+\x22C\x22)\s+)*(struct|enum|union|trait|fn|type|const|static|mod)\s+([A-Za-z_][A-Za-z0-9_]*)",
    )
    .expect("valid regex")
});

static PACKAGE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?ms)^\[package\].*?^name\s*=\s*"([^"]+)""#).expect("valid regex")
});

/// How far an item is visible: `pub(crate)` and the like are `Restricted`, which counts as public
/// inside its crate and as private from another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Private,
    Restricted,
    Public,
}

/// An item keyword line of a text, at a module's top level (column 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundItem {
    pub name: String,
    pub kind: ItemKind,
    pub visibility: Visibility,
    /// Byte offset of the start of the line holding the item's keyword.
    pub line_start: usize,
}

/// The items a text defines at its top level, in text order: what both the workspace's index and
/// the dependencies' (`crate::api`) read.
pub fn items_in(text: &str) -> impl Iterator<Item = FoundItem> + '_ {
    ITEM.captures_iter(text).map(|found| {
        let kind = match &found[2] {
            "struct" => ItemKind::Struct,
            "enum" => ItemKind::Enum,
            "union" => ItemKind::Union,
            "trait" => ItemKind::Trait,
            "fn" => ItemKind::Fn,
            "type" => ItemKind::Type,
            "const" => ItemKind::Const,
            "static" => ItemKind::Static,
            _ => ItemKind::Mod,
        };
        let visibility = match found.get(1).map(|v| v.as_str()) {
            None => Visibility::Private,
            Some(v) if v.starts_with("pub(") => Visibility::Restricted,
            Some(_) => Visibility::Public,
        };
        FoundItem {
            name: found[3].to_owned(),
            kind,
            visibility,
            line_start: found.get(0).expect("group 0").start(),
        }
    })
}

/// The crate a source file belongs to: its source directory and its module path, for files
/// under a `src/` directory (binaries under `src/bin` and `src/main.rs` count as their own crate).
pub fn crate_of(file: &Path) -> Option<(PathBuf, Vec<String>)> {
    let components: Vec<&str> = file.iter().filter_map(|c| c.to_str()).collect();
    let src = components.iter().rposition(|c| *c == "src")?;
    let crate_dir: PathBuf = components[..=src].iter().collect();
    let inside = &components[src + 1..];
    let mut modules: Vec<String> = inside.iter().map(|c| (*c).to_owned()).collect();
    let last = modules.pop()?;
    let stem = last.strip_suffix(".rs")?;
    if modules.first().is_some_and(|m| m == "bin") || (modules.is_empty() && stem == "main") {
        return Some((file.to_owned(), Vec::new()));
    }
    if !(modules.is_empty() && stem == "lib") && stem != "mod" {
        modules.push(stem.to_owned());
    }
    Some((crate_dir, modules))
}

/// The items of every workspace source file, in file order.
#[derive(Clone, Debug, Default)]
pub struct ItemIndex {
    items: Vec<Item>,
}

impl ItemIndex {
    pub fn build(sources: &Sources) -> ItemIndex {
        #[cfg(test)]
        BUILDS.with(|builds| builds.set(builds.get() + 1));
        let mut items = Vec::new();
        for path in sources.paths() {
            let Some((crate_dir, modules)) = crate_of(path) else {
                continue;
            };
            let text = sources.get(path).unwrap_or_default();
            let crate_name = crate_name(sources, &crate_dir);
            for found in items_in(text) {
                items.push(Item {
                    name: found.name,
                    kind: found.kind,
                    public: found.visibility != Visibility::Private,
                    file: path.to_owned(),
                    line_start: found.line_start,
                    crate_dir: crate_dir.clone(),
                    crate_name: crate_name.clone(),
                    modules: modules.clone(),
                });
            }
        }
        ItemIndex { items }
    }

    pub fn named(&self, name: &str) -> Vec<&Item> {
        self.items.iter().filter(|item| item.name == name).collect()
    }

    /// The struct, enum or union called `name`, preferring one in the crate of `near`.
    pub fn type_named(&self, name: &str, near: &Path) -> Option<&Item> {
        let home = crate_of(near).map(|(dir, _)| dir);
        let types: Vec<&Item> = self
            .items
            .iter()
            .filter(|item| item.name == name)
            .filter(|item| {
                matches!(
                    item.kind,
                    ItemKind::Struct | ItemKind::Enum | ItemKind::Union
                )
            })
            .collect();
        types
            .iter()
            .find(|item| Some(&item.crate_dir) == home.as_ref())
            .or(types.first())
            .copied()
    }
}

#[cfg(test)]
thread_local! {
    /// Indexes built on this thread: what shows that a round builds its index once.
    static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many indexes this thread has built so far.
#[cfg(test)]
pub(crate) fn builds_on_this_thread() -> usize {
    BUILDS.with(std::cell::Cell::get)
}

/// The crate's name from the `Cargo.toml` beside its `src`, with `-` as `_`.
fn crate_name(sources: &Sources, crate_dir: &Path) -> String {
    let manifest = crate_dir
        .parent()
        .map_or_else(|| PathBuf::from("Cargo.toml"), |dir| dir.join("Cargo.toml"));
    sources
        .get(&manifest)
        .and_then(|text| PACKAGE_NAME.captures(text))
        .map_or_else(|| "crate".to_owned(), |found| found[1].replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn sources(files: &[(&str, &str)]) -> Sources {
        Sources::new(
            files
                .iter()
                .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    #[test]
    fn module_paths_follow_cargo_layout() {
        let module =
            |path: &str| crate_of(Path::new(path)).map(|(dir, modules)| (dir, modules.join("::")));
        assert_eq!(
            module("src/lib.rs"),
            Some((PathBuf::from("src"), String::new()))
        );
        assert_eq!(
            module("src/a/b.rs"),
            Some((PathBuf::from("src"), "a::b".to_owned()))
        );
        assert_eq!(
            module("src/a/mod.rs"),
            Some((PathBuf::from("src"), "a".to_owned()))
        );
        assert_eq!(
            module("core-lib/src/shapes.rs"),
            Some((PathBuf::from("core-lib/src"), "shapes".to_owned()))
        );
        assert_eq!(
            module("src/main.rs"),
            Some((PathBuf::from("src/main.rs"), String::new()))
        );
        assert_eq!(module("build.rs"), None);
    }

    #[test]
    fn items_are_found_with_their_paths_across_crates() {
        let index = ItemIndex::build(&sources(&[
            (
                "core-lib/Cargo.toml",
                "[package]\nname = \"core-lib\"\nversion = \"0.1.0\"\n",
            ),
            ("core-lib/src/lib.rs", "pub mod shapes;\n"),
            (
                "core-lib/src/shapes.rs",
                "/// A polygon.\npub struct Polygon {\n    pub points: Vec<(f64, f64)>,\n}\nfn helper() {}\n",
            ),
            ("app/src/main.rs", "fn main() {}\n"),
        ]));
        let polygon = index.named("Polygon")[0];
        assert_eq!(polygon.kind, ItemKind::Struct);
        assert!(polygon.public);
        assert_eq!(
            polygon.path_from(Path::new("app/src/main.rs")),
            "core_lib::shapes::Polygon"
        );
        assert_eq!(
            polygon.path_from(Path::new("core-lib/src/lib.rs")),
            "crate::shapes::Polygon"
        );
        assert!(!index.named("helper")[0].public);
        assert_eq!(
            index.type_named("Polygon", Path::new("app/src/main.rs")),
            Some(polygon)
        );
    }
}
