//! Which bumped dependency an error names: the crate whose item a diagnostic's message names, for
//! the summary to say that the error may be the bump's rather than the code's. Pure.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::dependencies::{DependencyIndex, mentions};
use super::uses::use_leaves;
use crate::diagnostic::Diagnostic;
use crate::specialist::scan;

/// A name or a path: `Uuid`, `uuid::Uuid`.
static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*").expect("valid regex")
});

static PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)::[A-Za-z_]").expect("valid regex")
});

/// The crate of `bumped` (names as code gives them) whose item the error `diagnostic` names, in
/// the file whose text is `text`: a quoted path that starts with the crate (`heck::CamelCase`,
/// "could not find `adapter` in `uuid`"); else a quoted name the file imports from the crate (the
/// type `Uuid` of `use uuid::Uuid;`); else a quoted name that the crate's version before the bump
/// had and its version now lacks, in a file that uses the crate (the method `to_camel_case`).
/// `None` when none does: a bump is only named where the error points at it.
pub fn bumped_crate_named(
    diagnostic: &Diagnostic,
    text: Option<&str>,
    bumped: &BTreeSet<String>,
    index: &DependencyIndex,
) -> Option<String> {
    if !diagnostic.is_error() || bumped.is_empty() {
        return None;
    }
    let quoted = scan::backticked(&diagnostic.message);
    let in_path = quoted.iter().find_map(|q| {
        let bare = q.trim_start_matches("::");
        let by_path = PATH
            .captures_iter(&format!(" {bare}"))
            .map(|c| c[1].to_owned())
            .find(|first| bumped.contains(first));
        // A bare crate name is a crate only where the message says so: `log` alone may be a
        // local variable's name.
        let as_crate = bumped.contains(bare)
            && (diagnostic.message.contains(&format!("crate `{bare}`"))
                || diagnostic.message.contains(&format!("in `{bare}`")));
        by_path.or_else(|| as_crate.then(|| bare.to_owned()))
    });
    if in_path.is_some() {
        return in_path;
    }
    let text = text?;
    // Single names only: a path's last segment is of the path's crate, not of the import.
    let names: Vec<&str> = quoted
        .iter()
        .flat_map(|q| IDENTIFIER.find_iter(q).map(|m| m.as_str()))
        .filter(|name| !name.contains("::"))
        .collect();
    let leaves = use_leaves(text);
    let imported = names.iter().find_map(|name| {
        leaves.iter().find_map(|leaf| {
            let first = leaf.path.first()?;
            (leaf.name.as_deref() == Some(*name) && bumped.contains(first)).then(|| first.clone())
        })
    });
    if imported.is_some() {
        return imported;
    }
    let missing = *quoted.first()?;
    bumped
        .iter()
        .filter(|krate| {
            mentions(text, krate) || leaves.iter().any(|leaf| leaf.path.first() == Some(*krate))
        })
        .find(|krate| {
            let Some(api) = index.get(krate) else {
                return false;
            };
            let Some((_, previous)) = &api.previous else {
                return false;
            };
            let had = |api: &super::CrateApi| {
                api.has(missing) || api.methods.iter().any(|m| m.name == missing)
            };
            had(previous) && !had(&api.current)
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::api::{CrateApi, DependencyApi};
    use crate::specialist::testing::{diagnostic, sources, span_of};

    fn crate_api(text: &str) -> CrateApi {
        CrateApi::read(
            "heck",
            &BTreeMap::from([(PathBuf::from("src/lib.rs"), text.to_owned())]),
        )
    }

    /// `heck` bumped: 0.3 had the trait `CamelCase` with `to_camel_case`; 0.5 renamed both.
    fn index() -> DependencyIndex {
        let before = "pub trait CamelCase { fn to_camel_case(&self) -> String; }\n";
        let after = "pub trait ToUpperCamelCase { fn to_upper_camel_case(&self) -> String; }\n";
        let mut index = DependencyIndex::default();
        index.insert(
            "heck",
            Arc::new(DependencyApi {
                version: "0.5.0".to_owned(),
                current: crate_api(after),
                previous: Some(("0.3.3".to_owned(), crate_api(before))),
            }),
        );
        index
    }

    /// The crate `bumped_crate_named` finds for an error of `code` and `message` on `needle` in
    /// `text`, with `heck` and `uuid` bumped.
    fn named(code: &str, message: &str, text: &str, needle: &str) -> Option<String> {
        let files = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(code, message, span_of(&files, "src/lib.rs", needle, 0));
        let bumped: BTreeSet<String> = ["heck".to_owned(), "uuid".to_owned()].into();
        bumped_crate_named(&error, Some(text), &bumped, &index())
    }

    #[test]
    fn a_quoted_path_or_a_named_crate_is_the_bumped_crates() {
        let text = "use heck::CamelCase;\nuse uuid::adapter::Hyphenated;\n";
        let found = named(
            "E0432",
            "unresolved import `heck::CamelCase`",
            text,
            "CamelCase",
        );
        assert_eq!(found.as_deref(), Some("heck"));
        let found = named(
            "E0432",
            "unresolved import `uuid::adapter`",
            text,
            "adapter",
        );
        assert_eq!(found.as_deref(), Some("uuid"));
        let found = named(
            "E0433",
            "failed to resolve: could not find `adapter` in `uuid`",
            text,
            "adapter",
        );
        assert_eq!(found.as_deref(), Some("uuid"));
    }

    #[test]
    fn a_type_imported_from_the_crate_or_a_method_the_bump_removed_is_the_crates() {
        let text = "use uuid::Uuid;\nuse heck::CamelCase;\n\
                    fn f(u: Uuid) -> String { u.to_simple().to_string() + &\"a\".to_camel_case() }\n";
        let found = named(
            "E0599",
            "no method named `to_simple` found for struct `Uuid` in the current scope",
            text,
            "to_simple",
        );
        assert_eq!(found.as_deref(), Some("uuid"));
        let found = named(
            "E0599",
            "no method named `to_camel_case` found for reference `&'static str` in the current \
             scope",
            text,
            "to_camel_case",
        );
        assert_eq!(found.as_deref(), Some("heck"));
    }

    #[test]
    fn an_error_that_names_nothing_of_a_bumped_crate_has_no_origin() {
        let text = "use heck::CamelCase;\nfn f(log: u8) { let x = logg; }\n";
        // The crate's name as a variable's, a name no bumped crate had, a path of another crate.
        for message in [
            "cannot find value `logg` in this scope",
            "cannot find value `heck` in this scope",
            "unresolved import `hecks::CamelCase`",
            "failed to resolve: use of undeclared crate or module `other_heck`",
        ] {
            assert_eq!(named("E0425", message, text, "logg"), None, "{message}");
        }
        // A crate that was not bumped is nobody's origin, even named.
        let files = sources(&[("src/lib.rs", text)]);
        let error = diagnostic(
            "E0432",
            "unresolved import `heck::CamelCase`",
            span_of(&files, "src/lib.rs", "CamelCase", 0),
        );
        let bumped: BTreeSet<String> = ["uuid".to_owned()].into();
        assert_eq!(
            bumped_crate_named(&error, Some(text), &bumped, &index()),
            None
        );
    }
}
