//! `CrateApi`: what one crate offers the code that depends on it, read from its sources with the
//! workspace index's patterns: its public items at every public path (re-exports followed through
//! `pub use` chains and globs), the methods of its types and traits, which traits it implements
//! for which types, and its `#[deprecated]` notes. Pure: the texts are handed in. Approximate on
//! purpose, like `ItemIndex`: it only feeds proposals, which the gate checks.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;

use super::item_text::{
    Deprecation, Method, TraitImpl, deprecation_before, doc_before, read_methods,
};
use super::uses::{UseLeaf, use_leaves};
use crate::index::{self, ItemKind, Visibility};

/// An item as code outside the crate can name it. An item re-exported at several paths appears
/// once per path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicItem {
    /// The name at this path (a re-export's alias, if any).
    pub name: String,
    /// The whole path, the crate's name first: `["rand", "distr", "Uniform"]`.
    pub path: Vec<String>,
    /// `None` for what the crate re-exports from another crate.
    pub kind: Option<ItemKind>,
    pub deprecation: Option<Deprecation>,
    /// Its `///` documentation, lines joined: what tells apart two successors of a removed item.
    pub doc: String,
}

impl PublicItem {
    pub fn path_text(&self) -> String {
        self.path.join("::")
    }
}

/// What one crate offers, as code that depends on it sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrateApi {
    /// The crate's name as code names it (`env_logger`).
    pub name: String,
    pub items: Vec<PublicItem>,
    pub methods: Vec<Method>,
    pub impls: Vec<TraitImpl>,
}

/// A module's own definitions and `use`s.
#[derive(Debug, Default)]
struct Module {
    defs: Vec<Def>,
    uses: Vec<UseLeaf>,
}

#[derive(Debug)]
struct Def {
    name: String,
    kind: ItemKind,
    visibility: Visibility,
    deprecation: Option<Deprecation>,
    doc: String,
}

/// What a name in a module stands for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    /// The `nth` definition of a module.
    Def(Vec<String>, usize),
    Module(Vec<String>),
    /// A path into another crate.
    External(Vec<String>),
}

type Exports = BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<(Target, bool)>>>;

/// How many passes re-export chains get to settle, and how deep a public path may go.
const PASSES: usize = 12;
const MAX_DEPTH: usize = 8;

impl CrateApi {
    /// Reads a crate from its sources: `files` maps paths under `src/` (the library's root as
    /// `src/lib.rs`) to their texts; `name` is the crate's name as code names it.
    pub fn read(name: &str, files: &BTreeMap<PathBuf, String>) -> CrateApi {
        let mut modules: BTreeMap<Vec<String>, Module> = BTreeMap::new();
        let mut methods = Vec::new();
        let mut impls = Vec::new();
        for (path, text) in files {
            let Some((_, module_path)) = index::crate_of(path) else {
                continue;
            };
            let module = modules.entry(module_path).or_default();
            for found in index::items_in(text) {
                module.defs.push(Def {
                    deprecation: deprecation_before(text, found.line_start),
                    doc: doc_before(text, found.line_start),
                    name: found.name,
                    kind: found.kind,
                    visibility: found.visibility,
                });
            }
            module.uses.extend(use_leaves(text));
            read_methods(text, &mut methods, &mut impls);
        }
        let exports = exports(&modules);
        CrateApi {
            name: name.to_owned(),
            items: public_items(name, &modules, &exports),
            methods,
            impls,
        }
    }

    /// The public items called `name`, shortest path first.
    pub fn named(&self, name: &str) -> Vec<&PublicItem> {
        let mut found: Vec<&PublicItem> = self.items.iter().filter(|i| i.name == name).collect();
        found.sort_by_key(|item| item.path.len());
        found
    }

    /// Whether some public path ends in `name`.
    pub fn has(&self, name: &str) -> bool {
        self.items.iter().any(|item| item.name == name)
    }

    /// The methods of type `type_name`: its own, and those of the traits the crate implements for
    /// it or for every type; with the trait's name for a trait's.
    pub fn methods_of(&self, type_name: &str) -> Vec<&Method> {
        let traits: BTreeSet<&str> = self
            .impls
            .iter()
            .filter(|i| i.self_type.as_deref().is_none_or(|t| t == type_name))
            .map(|i| i.trait_name.as_str())
            .collect();
        self.methods
            .iter()
            .filter(|m| {
                if m.of_trait {
                    traits.contains(m.owner.as_str())
                } else {
                    m.owner == type_name
                }
            })
            .collect()
    }
}

/// Every name of every module, with what it stands for and whether it is `pub`: definitions and
/// child modules first, then `use`s resolved pass by pass, so that chains of re-exports settle.
fn exports(modules: &BTreeMap<Vec<String>, Module>) -> Exports {
    let mut exports: Exports = BTreeMap::new();
    for (path, module) in modules {
        let names = exports.entry(path.clone()).or_default();
        for (nth, def) in module.defs.iter().enumerate() {
            let public = def.visibility == Visibility::Public;
            let mut child = path.clone();
            child.push(def.name.clone());
            let target = if def.kind == ItemKind::Mod {
                Target::Module(child)
            } else {
                Target::Def(path.clone(), nth)
            };
            names
                .entry(def.name.clone())
                .or_default()
                .insert((target, public));
        }
    }
    // A module file whose `mod` line the patterns missed (indented, under `cfg`) is still a child.
    for path in modules.keys() {
        if let Some((last, parent)) = path.split_last() {
            let names = exports.entry(parent.to_vec()).or_default();
            let entry = names.entry(last.clone()).or_default();
            if !entry.iter().any(|(t, _)| matches!(t, Target::Module(_))) {
                entry.insert((Target::Module(path.clone()), false));
            }
        }
    }
    for _ in 0..PASSES {
        let mut added = Vec::new();
        for (path, module) in modules {
            for leaf in &module.uses {
                let public = leaf.visibility == Visibility::Public;
                if leaf.glob {
                    let Some(Target::Module(from)) = resolve_module(&exports, path, &leaf.path)
                    else {
                        continue;
                    };
                    for (name, targets) in exports.get(&from).into_iter().flatten() {
                        for (target, exported) in targets {
                            if *exported {
                                added.push((path.clone(), name.clone(), target.clone(), public));
                            }
                        }
                    }
                } else if let Some(name) = &leaf.name {
                    for target in resolve(&exports, path, &leaf.path) {
                        added.push((path.clone(), name.clone(), target, public));
                    }
                }
            }
        }
        let mut changed = false;
        for (path, name, target, public) in added {
            let entry = exports.entry(path).or_default().entry(name).or_default();
            if !entry.contains(&(target.clone(), public))
                && !entry.contains(&(target.clone(), true))
            {
                entry.remove(&(target.clone(), false));
                entry.insert((target, public));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    exports
}

/// Where a `use` path written in module `from` starts: a module of this crate and how many
/// segments that took, or `None` for another crate.
fn start(exports: &Exports, from: &[String], path: &[String]) -> Option<(Vec<String>, usize)> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some((Vec::new(), 1)),
        "self" => Some((from.to_vec(), 1)),
        "super" => {
            let supers = path.iter().take_while(|s| *s == "super").count();
            let keep = from.len().checked_sub(supers)?;
            Some((from[..keep].to_vec(), supers))
        }
        _ => {
            // Edition 2018 resolves a first segment in the module, 2015 at the crate's root.
            let module_named = |module: &[String]| {
                exports
                    .get(module)
                    .and_then(|names| names.get(first))
                    .and_then(|targets| {
                        targets.iter().find_map(|(t, _)| match t {
                            Target::Module(p) => Some(p.clone()),
                            _ => None,
                        })
                    })
            };
            module_named(from)
                .or_else(|| module_named(&[]))
                .map(|module| (module, 1))
        }
    }
}

/// What a non-glob `use` path stands for: one target per namespace it names.
fn resolve(exports: &Exports, from: &[String], path: &[String]) -> Vec<Target> {
    let Some((mut module, used)) = start(exports, from, path) else {
        return vec![Target::External(path.to_vec())];
    };
    let rest = &path[used..];
    let Some((last, middle)) = rest.split_last() else {
        return vec![Target::Module(module)];
    };
    for (n, segment) in middle.iter().enumerate() {
        match step(exports, &module, segment) {
            Some(Target::Module(next)) => module = next,
            Some(Target::External(outer)) => {
                let mut path = outer;
                path.extend(rest[n + 1..].iter().cloned());
                return vec![Target::External(path)];
            }
            _ => return Vec::new(),
        }
    }
    exports
        .get(&module)
        .and_then(|names| names.get(last))
        .map(|targets| targets.iter().map(|(t, _)| t.clone()).collect())
        .unwrap_or_default()
}

/// The module (or other crate's path) a glob's path names.
fn resolve_module(exports: &Exports, from: &[String], path: &[String]) -> Option<Target> {
    resolve(exports, from, path)
        .into_iter()
        .find(|t| matches!(t, Target::Module(_) | Target::External(_)))
}

/// The module or other crate a name of `module` leads into.
fn step(exports: &Exports, module: &[String], segment: &str) -> Option<Target> {
    exports
        .get(module)?
        .get(segment)?
        .iter()
        .map(|(t, _)| t)
        .find(|t| matches!(t, Target::Module(_) | Target::External(_)))
        .cloned()
}

/// Every public path, walked from the crate's root through public modules and re-exports,
/// shortest first (breadth first; a module is entered once, at its shortest public path).
fn public_items(
    crate_name: &str,
    modules: &BTreeMap<Vec<String>, Module>,
    exports: &Exports,
) -> Vec<PublicItem> {
    let mut items = Vec::new();
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut queue: VecDeque<(Vec<String>, Vec<String>)> =
        VecDeque::from([(Vec::new(), vec![crate_name.to_owned()])]);
    seen.insert(Vec::new());
    while let Some((module, public_path)) = queue.pop_front() {
        for (name, targets) in exports.get(&module).into_iter().flatten() {
            let mut path = public_path.clone();
            path.push(name.clone());
            for (target, public) in targets {
                if !public {
                    continue;
                }
                let (kind, deprecation, doc) = match target {
                    Target::Def(at, nth) => {
                        let def = &modules[at].defs[*nth];
                        (Some(def.kind), def.deprecation.clone(), def.doc.clone())
                    }
                    Target::Module(inner) => {
                        if path.len() < MAX_DEPTH && seen.insert(inner.clone()) {
                            queue.push_back((inner.clone(), path.clone()));
                        }
                        (Some(ItemKind::Mod), None, String::new())
                    }
                    Target::External(_) => (None, None, String::new()),
                };
                let item = PublicItem {
                    name: name.clone(),
                    path: path.clone(),
                    kind,
                    deprecation,
                    doc,
                };
                if !items.contains(&item) {
                    items.push(item);
                }
            }
        }
    }
    items
}
