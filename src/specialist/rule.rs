//! Rules: specialists that guess fixes from what rustc says and what the workspace defines. A rule
//! is the codes it handles and the alternatives it offers for one diagnostic of them; the one
//! implementation of `Specialist` for every rule picks those diagnostics, refuses spans that do not
//! fit the text, and drops empty and repeated alternatives. A rule may also offer values it makes
//! up, after its other alternatives and marked as such, for the tests to decide.

use std::fmt;

use crate::candidate::{Alternative, Proposal};
use crate::diagnostic::{Applicability, Diagnostic, Span};
use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::patch::Sources;
use crate::plan::Scope;

use super::{Context, Specialist, Tier};

/// A rule: per diagnostic of its codes, alternative edit sets, each with a label.
pub trait Rule: Send + Sync + fmt::Debug {
    /// The specialist's name in reports.
    const NAME: &'static str;

    /// The codes of the diagnostics the rule reads; it never sees any other.
    const CODES: &'static [ErrorCode];

    /// Ways to fix `diagnostic`, likeliest first, as `(label, edits)`. Every span of the diagnostic
    /// lies on character boundaries of the context's sources.
    /// None by default: a rule that only reads the dependencies offers `dependency_alternatives`.
    fn alternatives(
        &self,
        _diagnostic: &Diagnostic,
        _context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        Vec::new()
    }

    /// Ways to fix `diagnostic` read from the dependencies' API rather than guessed from the
    /// workspace's text: where a dependency offers an item now, what replaced a method or trait it
    /// removed, what its deprecation notes name. Offered by `FromDependencies<Self>`, beside rustc's
    /// own suggestions. None by default.
    fn dependency_alternatives(
        &self,
        _diagnostic: &Diagnostic,
        _context: &Context<'_>,
    ) -> Vec<(String, Vec<Edit>)> {
        Vec::new()
    }

    /// Ways to fix `diagnostic` that write values the code never had (`0`, `Vec::new()`), likeliest
    /// first: tried after `alternatives`, and accepted only by passing tests. None by default.
    fn inventions(&self, _diagnostic: &Diagnostic, _context: &Context<'_>) -> Vec<Invention> {
        Vec::new()
    }
}

/// An alternative that makes values up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invention {
    pub label: String,
    pub edits: Vec<Edit>,
    /// The code it writes for each value it makes up (`0`, `len: Vec::new()`).
    pub values: Vec<String>,
}

impl<R: Rule> Specialist for R {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn tier(&self) -> Tier {
        Tier::Rule
    }

    fn propose(&self, scope: &Scope, context: &Context<'_>) -> Vec<Proposal> {
        proposals::<R>(scope, context, |diagnostic| {
            let found = self
                .alternatives(diagnostic, context)
                .into_iter()
                .map(|(label, edits)| Invention {
                    label,
                    edits,
                    values: Vec::new(),
                });
            found.chain(self.inventions(diagnostic, context)).collect()
        })
    }
}

/// A rule's knowledge of the dependencies' API, as a specialist of its own tier. When a bump
/// breaks the build, rustc's suggestions are spellings near the wrong name among what is in scope
/// (`AsSnakeCase` for a trait `SnakeCase`); the dependency's sources say what replaced it
/// (`ToSnakeCase`, the trait that has the methods `SnakeCase` had). Neither is sure, so they are
/// tried side by side and the gate keeps the better, where a rule's guess would only be tried after
/// rustc's had passed or failed.
#[derive(Clone, Copy, Debug, Default)]
pub struct FromDependencies<R>(pub R);

impl<R: Rule> Specialist for FromDependencies<R> {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn tier(&self) -> Tier {
        Tier::Dependencies
    }

    fn propose(&self, scope: &Scope, context: &Context<'_>) -> Vec<Proposal> {
        proposals::<R>(scope, context, |diagnostic| {
            self.0
                .dependency_alternatives(diagnostic, context)
                .into_iter()
                .map(|(label, edits)| Invention {
                    label,
                    edits,
                    values: Vec::new(),
                })
                .collect()
        })
    }
}

/// One proposal per diagnostic of `R`'s codes whose spans fit the text and for which `offers`
/// gives at least one distinct, non-empty alternative.
fn proposals<R: Rule>(
    scope: &Scope,
    context: &Context<'_>,
    offers: impl Fn(&Diagnostic) -> Vec<Invention>,
) -> Vec<Proposal> {
    let handled = |diagnostic: &&Diagnostic| {
        diagnostic
            .code
            .as_ref()
            .is_some_and(|code| R::CODES.contains(code))
    };
    scope
        .diagnostics
        .iter()
        .filter(handled)
        .filter(|diagnostic| spans_fit(diagnostic, context.sources()))
        .filter_map(|diagnostic| {
            let alternatives = distinct(R::NAME, offers(diagnostic));
            (!alternatives.is_empty()).then(|| Proposal {
                target: diagnostic.identity(),
                site: diagnostic.primary.clone(),
                alternatives,
            })
        })
        .collect()
}

/// A rule's alternatives without the empty ones and without repeated edits (the first label is
/// kept).
fn distinct(by: &'static str, labeled: Vec<Invention>) -> Vec<Alternative> {
    let mut alternatives: Vec<Alternative> = Vec::new();
    for Invention {
        label,
        edits,
        values,
    } in labeled
    {
        if !edits.is_empty() && !alternatives.iter().any(|a| a.edits == edits) {
            alternatives.push(Alternative {
                label,
                by,
                applicability: Applicability::Unspecified,
                edits,
                invented: values,
            });
        }
    }
    alternatives
}

/// Whether every span of `diagnostic` lies on character boundaries of the text the rules will
/// read. Rules slice the text at these offsets; a span that does not fit means the text is not
/// what rustc compiled (a file changed, a link read as text), and slicing it would panic.
fn spans_fit(diagnostic: &Diagnostic, sources: &Sources) -> bool {
    let fits = |span: &Span| text_of(sources, span).is_some();
    diagnostic.primary.as_ref().is_some_and(fits)
        && diagnostic
            .secondary
            .iter()
            .all(|labeled| sources.get(&labeled.span.file).is_none() || fits(&labeled.span))
}

/// The source text a span covers.
pub(super) fn text_of<'s>(sources: &'s Sources, span: &Span) -> Option<&'s str> {
    sources.get(&span.file)?.get(span.byte_start..span.byte_end)
}

/// Replaces what `span` covers with `replacement`.
pub(super) fn replace(span: &Span, replacement: &str) -> Edit {
    Edit::new(&span.file, span.byte_start..span.byte_end, replacement)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::specialist::testing::{diagnostic, sources, span_of};

    /// Offers its edits twice, once empty, for E0425 only.
    #[derive(Debug)]
    struct Twice;

    impl Rule for Twice {
        const NAME: &'static str = "twice";
        const CODES: &'static [ErrorCode] = &[ErrorCode::from_static("E0425")];

        fn alternatives(
            &self,
            diagnostic: &Diagnostic,
            _context: &Context<'_>,
        ) -> Vec<(String, Vec<Edit>)> {
            let edit = replace(diagnostic.primary.as_ref().expect("span"), "count");
            vec![
                ("none".to_owned(), Vec::new()),
                ("first".to_owned(), vec![edit.clone()]),
                ("again".to_owned(), vec![edit]),
            ]
        }
    }

    #[test]
    fn a_rule_sees_only_its_codes_and_offers_each_edit_set_once() {
        let sources = sources(&[("src/lib.rs", "fn f() -> u8 { countr }\n")]);
        let span = span_of(&sources, "src/lib.rs", "countr", 0);
        let wanted = diagnostic("E0425", "cannot find value `countr`", span.clone());
        let other = diagnostic("E0308", "mismatched types", span);
        let scope = Scope {
            id: "mixed".to_owned(),
            code: None,
            phase: wanted.phase(),
            files: [std::path::PathBuf::from("src/lib.rs")].into(),
            diagnostics: vec![other, wanted.clone()],
        };
        let index = OnceLock::new();
        let proposals = Twice.propose(&scope, &Context::new(&sources, &index));
        assert_eq!(Twice.tier(), Tier::Rule);
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals[0].target, wanted.identity());
        let labels: Vec<&str> = proposals[0]
            .alternatives
            .iter()
            .map(|a| a.label.as_str())
            .collect();
        assert_eq!(labels, ["first"]);
    }
}
