//! `DependencyIndex`: the APIs of the dependencies a round's errors name, each as its locked
//! version offers it and, after a lockfile bump, as the version before offered it; and what
//! follows from comparing the two: what the old version's `#[deprecated]` notes name as the
//! replacement of an item or method, and what replaced what the new version removed. Pure.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

use regex::Regex;

use super::crate_api::{CrateApi, PublicItem};
use super::item_text::Method;
use crate::diagnostic::Diagnostic;
use crate::index::ItemKind;
use crate::patch::Sources;
use crate::specialist::scan;

/// One dependency: its API now and, when the lockfile was bumped, before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyApi {
    pub version: String,
    pub current: CrateApi,
    /// The version before the bump and its API, when its sources were on this machine.
    pub previous: Option<(String, CrateApi)>,
}

/// What a deprecation note says replaced an item or a method: the one name or path it gives
/// that the current version has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Noted {
    pub note: String,
    /// As the note writes it, without call parentheses: `rng`, `Builder::from_env`.
    pub replacement: String,
}

/// A method a type offers now, with the path of the trait to import for a trait's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodOffer {
    pub name: String,
    pub arguments: usize,
    pub trait_path: Option<String>,
    /// It replaces the missing method: a note named it, or it has the signature of the missing
    /// one, which the new version removed.
    pub replaces: bool,
}

/// The dependencies' APIs, by the name code gives each crate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DependencyIndex {
    crates: BTreeMap<String, Arc<DependencyApi>>,
}

static EMPTY: DependencyIndex = DependencyIndex {
    crates: BTreeMap::new(),
};

static IDENTIFIER_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.?[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*(?:\(\))?")
        .expect("valid regex")
});

impl DependencyIndex {
    /// An index of no crate.
    pub fn empty() -> &'static DependencyIndex {
        &EMPTY
    }

    pub fn insert(&mut self, name: &str, api: Arc<DependencyApi>) {
        self.crates.insert(name.to_owned(), api);
    }

    pub fn get(&self, name: &str) -> Option<&DependencyApi> {
        self.crates.get(name).map(Arc::as_ref)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.crates.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.crates.is_empty()
    }

    /// What crate `krate` offers now at public paths ending in `name`, shortest path first.
    pub fn public_named(&self, krate: &str, name: &str) -> Vec<&PublicItem> {
        self.crates
            .get(krate)
            .map(|api| api.current.named(name))
            .unwrap_or_default()
    }

    /// The item that replaced `name`, which the previous version of `krate` had and the current
    /// one has at no path: items of the same kind that the current version added, the likeliest
    /// name first (most words in common, then the nearest spelling).
    pub fn renamed_items(&self, krate: &str, name: &str) -> Vec<&PublicItem> {
        let Some(api) = self.crates.get(krate) else {
            return Vec::new();
        };
        let Some((_, previous)) = &api.previous else {
            return Vec::new();
        };
        if api.current.has(name) {
            return Vec::new();
        }
        let Some(old) = previous.named(name).into_iter().next() else {
            return Vec::new();
        };
        let mut added: Vec<&PublicItem> = api
            .current
            .items
            .iter()
            .filter(|item| item.kind == old.kind && !previous.has(&item.name))
            .collect();
        // Equally like names (`ToUpperCamelCase`, `ToLowerCamelCase` for `CamelCase`) are told
        // apart by how much of the old item's documentation they keep.
        added.sort_by_key(|item| {
            (
                likeness(name, &item.name),
                std::cmp::Reverse(shared_words(&old.doc, &item.doc)),
                item.path.len(),
            )
        });
        let mut seen = BTreeSet::new();
        added.retain(|item| seen.insert(item.name.clone()));
        added
    }

    /// What the deprecation notes of `krate` (its previous version's, then its current one's)
    /// say replaced the item or method `name`: only notes that name exactly one thing the current
    /// version has.
    pub fn noted_replacements(&self, krate: &str, name: &str) -> Vec<Noted> {
        let Some(api) = self.crates.get(krate) else {
            return Vec::new();
        };
        let versions = api.previous.iter().map(|(_, p)| p).chain([&api.current]);
        let mut out: Vec<Noted> = Vec::new();
        for version in versions {
            let notes = version
                .items
                .iter()
                .filter(|i| i.name == name)
                .filter_map(|i| i.deprecation.as_ref())
                .chain(
                    version
                        .methods
                        .iter()
                        .filter(|m| m.name == name)
                        .filter_map(|m| m.deprecation.as_ref()),
                );
            for note in notes.filter_map(|d| d.note.as_ref()) {
                let named = named_in_note(note, name, &api.current);
                if let [one] = named.as_slice() {
                    let noted = Noted {
                        note: note.clone(),
                        replacement: one.clone(),
                    };
                    if !out.contains(&noted) {
                        out.push(noted);
                    }
                }
            }
        }
        out
    }

    /// The methods `type_name` offers now in the crates `crates`, for a call of `missing` with
    /// `arguments` arguments: those that replace it first (named by a note, or the same signature
    /// as `missing` had where the new version removed it), then those taking as many arguments,
    /// by likeness of name.
    pub fn methods_for(
        &self,
        crates: &BTreeSet<String>,
        type_name: &str,
        missing: &str,
        arguments: usize,
    ) -> Vec<MethodOffer> {
        let mut offers = Vec::new();
        for krate in crates {
            let Some(api) = self.crates.get(krate) else {
                continue;
            };
            let noted: BTreeSet<String> = self
                .noted_replacements(krate, missing)
                .into_iter()
                .map(|n| n.replacement.rsplit("::").next().unwrap_or("").to_owned())
                .collect();
            let old: Vec<&Method> = api
                .previous
                .iter()
                .flat_map(|(_, p)| p.methods.iter())
                .filter(|m| m.name == missing)
                .collect();
            let offered = api.current.methods_of(type_name);
            let removed_now = !offered.iter().any(|m| m.name == missing);
            let was_there: BTreeSet<&str> = api
                .previous
                .iter()
                .flat_map(|(_, p)| p.methods.iter().map(|m| m.name.as_str()))
                .collect();
            for method in offered {
                if method.name == missing {
                    continue;
                }
                let same_signature = removed_now
                    && !was_there.contains(method.name.as_str())
                    && old.iter().any(|o| o.signature == method.signature);
                let replaces = noted.contains(&method.name) || same_signature;
                if !replaces && method.arguments != arguments {
                    continue;
                }
                let trait_path = method.of_trait.then(|| {
                    api.current
                        .named(&method.owner)
                        .into_iter()
                        .find(|i| i.kind == Some(ItemKind::Trait))
                        .map_or_else(
                            || format!("{krate}::{}", method.owner),
                            PublicItem::path_text,
                        )
                });
                let offer = MethodOffer {
                    name: method.name.clone(),
                    arguments: method.arguments,
                    trait_path,
                    replaces,
                };
                if !offers.contains(&offer) {
                    offers.push(offer);
                }
            }
        }
        offers.sort_by_key(|o| (!o.replaces, likeness(missing, &o.name)));
        offers
    }

    /// What the index knows, as lines a person or a model can read: each crate's version (and
    /// the one before a bump), and the deprecation notes of what the previous version had and
    /// the current one lost.
    pub fn notes(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (name, api) in &self.crates {
            match &api.previous {
                Some((before, previous)) => {
                    lines.push(format!("{name}: {before} -> {}", api.version));
                    for item in &previous.items {
                        if api.current.has(&item.name) {
                            continue;
                        }
                        let note = item
                            .deprecation
                            .as_ref()
                            .and_then(|d| d.note.as_deref())
                            .map_or(String::new(), |n| format!(" (deprecated: {n})"));
                        lines.push(format!("  removed `{}`{note}", item.path_text()));
                    }
                }
                None => lines.push(format!("{name}: {}", api.version)),
            }
        }
        lines
    }
}

/// How unlike a new name is to an old one, smaller for likelier: the old name's words it lacks
/// (`to_upper_camel_case` lacks none of `to_camel_case`'s), the words it adds, then the edit
/// distance.
fn likeness(from: &str, to: &str) -> (usize, usize, usize) {
    let a = words(from);
    let b = words(to);
    (
        a.difference(&b).count(),
        b.difference(&a).count(),
        scan::edit_distance(from, to),
    )
}

/// How many distinct words two texts share.
fn shared_words(a: &str, b: &str) -> usize {
    let words = |text: &str| -> BTreeSet<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    words(a).intersection(&words(b)).count()
}

/// The lower-cased words of a snake_case or CamelCase name.
fn words(name: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    let mut word = String::new();
    for c in name.chars() {
        if (c == '_' || c.is_uppercase()) && !word.is_empty() {
            words.insert(std::mem::take(&mut word));
        }
        if c != '_' {
            word.extend(c.to_lowercase());
        }
    }
    if !word.is_empty() {
        words.insert(word);
    }
    words
}

/// The names and paths a note gives that `current` has (as an item, a method, or a path whose
/// last segment is one), other than `old` itself: backticked ones when the note has any, else
/// every word that looks like code.
fn named_in_note(note: &str, old: &str, current: &CrateApi) -> Vec<String> {
    let quoted = scan::backticked(note);
    let candidates: Vec<&str> = if quoted.is_empty() {
        IDENTIFIER_PATH
            .find_iter(note)
            .map(|m| m.as_str())
            .filter(|w| w.contains('_') || w.contains("::") || w.ends_with("()"))
            .collect()
    } else {
        quoted
    };
    let mut named: Vec<String> = Vec::new();
    for candidate in candidates {
        let cleaned = candidate
            .trim()
            .trim_start_matches('.')
            .trim_end_matches("()")
            .trim_start_matches("Self::");
        let cleaned = cleaned
            .strip_prefix(&format!("{}::", current.name))
            .unwrap_or(cleaned);
        let last = cleaned.rsplit("::").next().unwrap_or(cleaned);
        let exists = current.has(last) || current.methods.iter().any(|m| m.name == last);
        if exists && last != old && !cleaned.is_empty() && !named.iter().any(|n| n == cleaned) {
            named.push(cleaned.to_owned());
        }
    }
    named
}

/// The crates of `index` that `text` (a source file) imports from or names in a path.
pub fn crates_used_by(text: &str, index: &DependencyIndex) -> BTreeSet<String> {
    let names: BTreeSet<String> = index.names().map(str::to_owned).collect();
    let mut used = BTreeSet::new();
    for leaf in super::uses::use_leaves(text) {
        if let Some(first) = leaf.path.first().filter(|f| names.contains(*f)) {
            used.insert(first.clone());
        }
    }
    for name in names {
        if mentions(text, &name) {
            used.insert(name);
        }
    }
    used
}

/// Whether `text` has a path starting with the crate `name` (`name::…`, not `other_name::…`).
pub(super) fn mentions(text: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    text.match_indices(&needle).any(|(at, _)| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The crates of `dependencies` (names as code gives them) that a round's errors name: the
/// first segment of a path in a message, or a crate the erroneous files import from.
pub fn named_crates(
    diagnostics: &[Diagnostic],
    sources: &Sources,
    dependencies: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut files = BTreeSet::new();
    for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
        for quoted in scan::backticked(&diagnostic.message) {
            let first = quoted
                .trim_start_matches("::")
                .split("::")
                .next()
                .unwrap_or("");
            if dependencies.contains(first) {
                named.insert(first.to_owned());
            }
        }
        if let Some(file) = diagnostic.file() {
            files.insert(file.to_owned());
        }
    }
    for file in files {
        let Some(text) = sources.get(&file) else {
            continue;
        };
        for leaf in super::uses::use_leaves(text) {
            if let Some(first) = leaf.path.first().filter(|f| dependencies.contains(*f)) {
                named.insert(first.clone());
            }
        }
        for dependency in dependencies {
            if mentions(text, dependency) {
                named.insert(dependency.clone());
            }
        }
    }
    named
}
