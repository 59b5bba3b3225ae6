//! What a lockfile bump changed: the crates whose locked version differs between an earlier
//! `Cargo.lock` and the current one. Pure: both texts are handed in.

use std::collections::{BTreeMap, BTreeSet};

/// A crate locked at `from` before and at `to` now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bump {
    /// The package's name as the lockfile spells it (`env_logger`, `ordered-float`).
    pub package: String,
    pub from: String,
    pub to: String,
}

/// The versions of each package a lockfile locks; empty for a text that is not one.
fn locked(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut packages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Ok(lock) = text.parse::<toml::Table>() else {
        return packages;
    };
    let entries = lock.get("package").and_then(toml::Value::as_array);
    for entry in entries.into_iter().flatten() {
        let name = entry.get("name").and_then(toml::Value::as_str);
        let version = entry.get("version").and_then(toml::Value::as_str);
        if let (Some(name), Some(version)) = (name, version) {
            packages
                .entry(name.to_owned())
                .or_default()
                .insert(version.to_owned());
        }
    }
    packages
}

/// The packages locked at another version now than in `earlier`: for each, the newest version
/// that went, and each version that came. A package only added or only removed is no bump.
pub fn bumps(earlier: &str, current: &str) -> Vec<Bump> {
    let before = locked(earlier);
    let mut out = Vec::new();
    for (package, now) in locked(current) {
        let Some(then) = before.get(&package) else {
            continue;
        };
        let Some(from) = then.difference(&now).max_by(|a, b| compare(a, b)) else {
            continue;
        };
        for to in now.difference(then) {
            out.push(Bump {
                package: package.clone(),
                from: from.clone(),
                to: to.clone(),
            });
        }
    }
    out
}

/// Orders versions by their numeric parts.
fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['.', '-', '+'])
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(packages: &[(&str, &str)]) -> String {
        let mut text = String::from("version = 4\n");
        for (name, version) in packages {
            text.push_str(&format!(
                "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n"
            ));
        }
        text
    }

    #[test]
    fn a_changed_version_is_a_bump_and_an_added_crate_is_not() {
        let earlier = lock(&[("app", "0.1.0"), ("heck", "0.3.3"), ("log", "0.4.20")]);
        let current = lock(&[
            ("app", "0.1.0"),
            ("heck", "0.5.0"),
            ("log", "0.4.20"),
            ("memchr", "2.7.0"),
        ]);
        assert_eq!(
            bumps(&earlier, &current),
            [Bump {
                package: "heck".to_owned(),
                from: "0.3.3".to_owned(),
                to: "0.5.0".to_owned(),
            }]
        );
        assert!(bumps("not a lockfile", &current).is_empty());
    }
}
