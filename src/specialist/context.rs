//! `Context`: what a round gives its specialists to read: the round's sources, and the index of
//! what they define, built the first time a rule asks for it and then shared.

use std::sync::OnceLock;

use crate::api::DependencyIndex;
use crate::index::ItemIndex;
use crate::patch::Sources;

/// A round's sources and their index. The round owns both; every specialist of every worker of
/// the round reads them through a `Context`, so the index is built at most once per round, and not
/// at all in a round whose rules never need it.
#[derive(Clone, Copy, Debug)]
pub struct Context<'r> {
    sources: &'r Sources,
    index: &'r OnceLock<ItemIndex>,
    dependencies: &'r DependencyIndex,
}

impl<'r> Context<'r> {
    /// `index` is the cell for the index of `sources`, and of nothing else: the round's, empty until
    /// a rule first asks.
    pub fn new(sources: &'r Sources, index: &'r OnceLock<ItemIndex>) -> Context<'r> {
        Context {
            sources,
            index,
            dependencies: DependencyIndex::empty(),
        }
    }

    /// The same context, with the API of the dependencies the round's errors name.
    pub fn with_dependencies(self, dependencies: &'r DependencyIndex) -> Context<'r> {
        Context {
            dependencies,
            ..self
        }
    }

    /// The API of the dependencies the round's errors name (empty when none, or unknown).
    pub fn dependencies(&self) -> &'r DependencyIndex {
        self.dependencies
    }

    pub fn sources(&self) -> &'r Sources {
        self.sources
    }

    /// What the sources define, indexed on first use.
    pub fn index(&self) -> &'r ItemIndex {
        self.index.get_or_init(|| ItemIndex::build(self.sources))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::index;
    use crate::plan::Scope;
    use crate::specialist::embedded;
    use crate::specialist::testing::{diagnostic, sources, span_of, with_secondary};

    const LIB: &str = "pub mod shapes;\npub mod report;\n\n\
                       pub struct Book {\n    pub title: String,\n}\n\
                       pub fn pages(b: &Book) -> usize {\n    b.name.len()\n}\n";
    const SHAPES: &str = "pub struct Rect {\n    pub w: u32,\n}\n";
    const REPORT: &str = "//! Reports.\n\npub fn unit() -> Rect {\n    Rect { w: 1 }\n}\n\
                          pub fn same(a: &Rect, b: &Rect) -> bool {\n    a == b\n}\n\
                          pub fn twice(owned: String) -> usize {\n    let t = owned;\n    owned.len() + t.len()\n}\n";

    fn workspace() -> Sources {
        sources(&[
            ("src/lib.rs", LIB),
            ("src/shapes.rs", SHAPES),
            ("src/report.rs", REPORT),
        ])
    }

    fn scope(id: &str, diagnostics: Vec<Diagnostic>) -> Scope {
        Scope {
            id: id.to_owned(),
            code: diagnostics[0].code.clone(),
            phase: diagnostics[0].phase(),
            files: diagnostics
                .iter()
                .filter_map(|d| d.file().map(PathBuf::from))
                .collect(),
            diagnostics,
        }
    }

    /// Every embedded specialist over every scope, through one context: `(specialist, proposals)`.
    fn propose_all(scopes: &[Scope], context: &Context<'_>) -> Vec<(&'static str, usize)> {
        let mut proposed = Vec::new();
        for specialist in embedded() {
            for scope in scopes {
                let count = specialist.propose(scope, context).len();
                if count > 0 {
                    proposed.push((specialist.name(), count));
                }
            }
        }
        proposed
    }

    #[test]
    fn the_index_is_built_once_for_every_rule_and_diagnostic_of_a_round() {
        let sources = workspace();
        let at = |file: &str, needle: &str, nth: usize| span_of(&sources, file, needle, nth);
        let scopes = [
            scope(
                "E0412",
                vec![diagnostic(
                    "E0412",
                    "cannot find type `Rect` in this scope",
                    at("src/report.rs", "Rect", 0),
                )],
            ),
            scope(
                "E0422",
                vec![diagnostic(
                    "E0422",
                    "cannot find struct, variant or union type `Rect` in this scope",
                    at("src/report.rs", "Rect", 1),
                )],
            ),
            scope(
                "E0609",
                vec![diagnostic(
                    "E0609",
                    "no field `name` on type `&Book`",
                    at("src/lib.rs", "name", 0),
                )],
            ),
            scope(
                "E0369",
                vec![diagnostic(
                    "E0369",
                    "binary operation `==` cannot be applied to type `&Rect`",
                    at("src/report.rs", "a == b", 0),
                )],
            ),
        ];
        let cell = OnceLock::new();
        let context = Context::new(&sources, &cell);
        let before = index::builds_on_this_thread();
        let proposed = propose_all(&scopes, &context);
        assert_eq!(index::builds_on_this_thread() - before, 1);
        // Three rules read the index, for four diagnostics in four scopes.
        assert_eq!(
            proposed,
            [
                ("field-names", 1),
                ("missing-derives", 1),
                ("workspace-paths", 1),
                ("workspace-paths", 1)
            ]
        );
        assert!(cell.get().is_some());
    }

    #[test]
    fn a_round_whose_rules_never_read_the_index_does_not_build_it() {
        let sources = workspace();
        let error = with_secondary(
            diagnostic(
                "E0382",
                "borrow of moved value: `owned`",
                span_of(&sources, "src/report.rs", "owned.len()", 0),
            ),
            span_of(&sources, "src/report.rs", "owned", 1),
            "value moved here",
        );
        let cell = OnceLock::new();
        let context = Context::new(&sources, &cell);
        let before = index::builds_on_this_thread();
        let proposed = propose_all(&[scope("E0382", vec![error])], &context);
        assert_eq!(proposed, [("moves", 1)]);
        assert_eq!(index::builds_on_this_thread() - before, 0);
        assert!(cell.get().is_none());
    }
}
