//! Names the workspace still defines but elsewhere: an item moved to another module (E0432,
//! E0433), or a `use` deleted (E0412, E0422, E0423, E0425, E0433). Every definition of the name in
//! the workspace's index is an alternative: the import's path corrected, or a `use` line added.

use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::index::{self, ItemIndex};
use crate::patch::Sources;
use crate::plan::Scope;

use super::{Rule, Specialist, propose_with, replace, text_of};

#[derive(Clone, Copy, Debug, Default)]
pub struct WorkspacePaths;

impl Specialist for WorkspacePaths {
    fn name(&self) -> &'static str {
        "workspace-paths"
    }

    fn propose(&self, scope: &Scope, sources: &Sources) -> Vec<crate::candidate::Proposal> {
        propose_with(self, scope, sources)
    }
}

impl Rule for WorkspacePaths {
    fn codes(&self) -> &'static [&'static str] {
        &[
            "E0412", "E0422", "E0423", "E0425", "E0432", "E0433", "E0531",
        ]
    }

    fn alternatives(&self, diagnostic: &Diagnostic, sources: &Sources) -> Vec<(String, Vec<Edit>)> {
        let Some(primary) = &diagnostic.primary else {
            return Vec::new();
        };
        let Some(spanned) = text_of(sources, primary) else {
            return Vec::new();
        };
        // The missing name: the last segment of the span (`crate::old::Thing` → `Thing`), or the
        // one the message names.
        let name = spanned.rsplit("::").next().unwrap_or(spanned).trim();
        let name = if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            index::backticked(&diagnostic.message)
                .last()
                .map_or("", |n| n.rsplit("::").next().unwrap_or(n))
        } else {
            name
        };
        if name.is_empty() {
            return Vec::new();
        }
        let index = ItemIndex::build(sources);
        let file = &primary.file;
        let text = sources.get(file).unwrap_or_default();
        let in_use_line = line_of(text, primary.byte_start)
            .trim_start()
            .starts_with("use ")
            || line_of(text, primary.byte_start)
                .trim_start()
                .starts_with("pub use ");
        let mut out = Vec::new();
        for item in index.named(name) {
            if item.file == *file {
                continue;
            }
            let path = item.path_from(file);
            if in_use_line && spanned.contains("::") {
                out.push((
                    format!("`{name}` is defined at `{path}`"),
                    vec![replace(primary, &path)],
                ));
            } else if !in_use_line {
                let at = index::use_insertion_point(text);
                let edit = Edit {
                    file: file.clone(),
                    start: at,
                    end: at,
                    replacement: format!("use {path};\n"),
                };
                out.push((format!("import `{path}`"), vec![edit]));
            }
        }
        out
    }
}

/// The line holding byte `at`.
fn line_of(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialist::testing::{diagnostic, outcomes, sources, span_of};

    fn workspace() -> Sources {
        sources(&[
            ("src/lib.rs", "pub mod shapes;\npub mod report;\n"),
            ("src/shapes/mod.rs", "pub mod circle;\n"),
            (
                "src/shapes/circle.rs",
                "pub struct Circle {\n    pub r: f64,\n}\n",
            ),
            (
                "src/report.rs",
                "//! Reports.\nuse crate::geometry::Circle;\n\npub fn area(c: &Circle) -> f64 {\n    c.r * c.r\n}\n",
            ),
        ])
    }

    #[test]
    fn a_moved_item_gets_its_import_path_corrected() {
        let sources = workspace();
        let error = diagnostic(
            "E0432",
            "unresolved import `crate::geometry`",
            span_of(&sources, "src/report.rs", "crate::geometry::Circle", 0),
        );
        let results = outcomes(&WorkspacePaths, error, &sources);
        assert_eq!(results.len(), 1);
        assert!(
            results[0]
                .1
                .contains("use crate::shapes::circle::Circle;\n"),
            "{}",
            results[0].1
        );
    }

    #[test]
    fn a_name_used_without_its_use_gets_one() {
        let sources = sources(&[
            ("src/lib.rs", "pub mod shapes;\npub mod report;\n"),
            ("src/shapes.rs", "pub struct Circle;\n"),
            (
                "src/report.rs",
                "//! Reports.\n\npub fn unit() -> Circle {\n    Circle\n}\n",
            ),
        ]);
        let error = diagnostic(
            "E0412",
            "cannot find type `Circle` in this scope",
            span_of(&sources, "src/report.rs", "Circle", 0),
        );
        let results = outcomes(&WorkspacePaths, error, &sources);
        assert_eq!(
            results[0].1,
            "//! Reports.\nuse crate::shapes::Circle;\n\npub fn unit() -> Circle {\n    Circle\n}\n"
        );
    }
}
