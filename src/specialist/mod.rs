//! Specialists: pure functions from a scope's diagnostics and sources to proposed fixes.

mod arguments;
mod conversions;
mod derives;
mod fields;
mod methods;
mod moves;
mod mutability;
mod paths;
mod scan;
mod suggestion;

use std::fmt;

pub use arguments::ExtraArguments;
pub use conversions::Conversions;
pub use derives::MissingDerives;
pub use fields::FieldNames;
pub use methods::RenamedMethods;
pub use moves::Moves;
pub use mutability::MissingMut;
pub use paths::WorkspacePaths;
pub use suggestion::RustcSuggestions;

use crate::candidate::{Alternative, Proposal};
use crate::diagnostic::{Applicability, Diagnostic, Span};
use crate::edit::Edit;
use crate::patch::Sources;
use crate::plan::Scope;

/// Whose knowledge a proposal comes from, which decides when it is tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// rustc's own suggestions: tried first.
    Compiler,
    /// Rules' guesses: tried only for what rustc's suggestions left unfixed.
    Rule,
}

/// A kind of worker's expertise. It proposes; the gate decides. It does no I/O, so that it can be
/// tested on recorded diagnostics and run on any thread.
pub trait Specialist: Send + Sync + fmt::Debug {
    fn name(&self) -> &'static str;

    fn tier(&self) -> Tier {
        Tier::Rule
    }

    /// Proposals for the diagnostics of `scope` this specialist can address, in scope order.
    fn propose(&self, scope: &Scope, sources: &Sources) -> Vec<Proposal>;
}

/// Every specialist of the embedded engine, rustc's suggestions first: where rustc has a fix, it is
/// tried before the rules' guesses.
pub fn embedded() -> Vec<Box<dyn Specialist>> {
    vec![
        Box::new(RustcSuggestions),
        Box::new(FieldNames),
        Box::new(ExtraArguments),
        Box::new(MissingDerives),
        Box::new(WorkspacePaths),
        Box::new(MissingMut),
        Box::new(RenamedMethods),
        Box::new(Moves),
        Box::new(Conversions),
    ]
}

/// A rule: per diagnostic of its codes, alternative edit sets, each with a label.
trait Rule {
    fn codes(&self) -> &'static [&'static str];
    fn alternatives(&self, diagnostic: &Diagnostic, sources: &Sources) -> Vec<(String, Vec<Edit>)>;
}

/// Runs a rule over a scope's diagnostics of its codes.
fn propose_with(rule: &dyn Rule, scope: &Scope, sources: &Sources) -> Vec<Proposal> {
    let wanted = |d: &&Diagnostic| {
        d.code
            .as_ref()
            .is_some_and(|code| rule.codes().contains(&code.as_str()))
    };
    scope
        .diagnostics
        .iter()
        .filter(wanted)
        .filter(|diagnostic| spans_fit(diagnostic, sources))
        .filter_map(|diagnostic| {
            let mut alternatives: Vec<Alternative> = Vec::new();
            for (label, edits) in rule.alternatives(diagnostic, sources) {
                if !edits.is_empty() && !alternatives.iter().any(|a| a.edits == edits) {
                    alternatives.push(Alternative {
                        label,
                        applicability: Applicability::Unspecified,
                        edits,
                    });
                }
            }
            (!alternatives.is_empty()).then(|| Proposal {
                target: diagnostic.identity(),
                alternatives,
            })
        })
        .collect()
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
fn text_of<'s>(sources: &'s Sources, span: &Span) -> Option<&'s str> {
    sources.get(&span.file)?.get(span.byte_start..span.byte_end)
}

fn replace(span: &Span, replacement: &str) -> Edit {
    Edit {
        file: span.file.clone(),
        start: span.byte_start,
        end: span.byte_end,
        replacement: replacement.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builders for specialists' unit tests.

    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use crate::diagnostic::{Diagnostic, LabeledSpan, Span};
    use crate::edit::{self, Edit};
    use crate::patch::Sources;
    use crate::plan::Scope;
    use crate::specialist::Specialist;

    pub fn sources(files: &[(&str, &str)]) -> Sources {
        Sources::new(
            files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    /// The span of the `nth` occurrence (0-based) of `needle` in `file`.
    pub fn span_of(sources: &Sources, file: &str, needle: &str, nth: usize) -> Span {
        let text = sources.get(std::path::Path::new(file)).expect("file");
        let start = text.match_indices(needle).nth(nth).expect("needle").0;
        let line = text[..start].matches('\n').count() + 1;
        let column = start - text[..start].rfind('\n').map_or(0, |at| at + 1) + 1;
        Span {
            file: PathBuf::from(file),
            byte_start: start,
            byte_end: start + needle.len(),
            line,
            column,
        }
    }

    pub fn diagnostic(code: &str, message: &str, primary: Span) -> Diagnostic {
        Diagnostic::for_test(Some(code), message, primary)
    }

    pub fn with_secondary(mut diagnostic: Diagnostic, span: Span, label: &str) -> Diagnostic {
        diagnostic.secondary.push(LabeledSpan {
            span,
            label: Some(label.to_owned()),
        });
        diagnostic
    }

    /// Each alternative the specialist proposes, applied: `(label, text of the file it changes)`.
    pub fn outcomes(
        specialist: &dyn Specialist,
        diagnostic: Diagnostic,
        sources: &Sources,
    ) -> Vec<(String, String)> {
        let scope = Scope {
            id: "test".to_owned(),
            code: diagnostic.code.clone(),
            phase: diagnostic.phase(),
            files: diagnostic.file().map(PathBuf::from).into_iter().collect(),
            diagnostics: vec![diagnostic],
        };
        specialist
            .propose(&scope, sources)
            .into_iter()
            .flat_map(|proposal| proposal.alternatives)
            .map(|alternative| {
                let by_file = edit::by_file(&alternative.edits);
                let texts: Vec<String> = by_file
                    .iter()
                    .map(|(path, edits): (&&std::path::Path, &Vec<Edit>)| {
                        edit::apply_edits(path, sources.get(path).expect("file"), edits)
                            .expect("applies")
                    })
                    .collect();
                (alternative.label, texts.join("\n--- next file ---\n"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{diagnostic, sources};
    use super::*;
    use crate::plan::Scope;

    #[test]
    fn spans_past_the_text_make_no_proposal_and_no_panic() {
        // The text is a link's target path, as git stores a link; rustc's offsets are into the
        // file it leads to. Every specialist must see that and propose nothing.
        let sources = sources(&[("src/linked.rs", "../../outside/real.rs")]);
        for code in [
            "E0425", "E0432", "E0433", "E0596", "E0599", "E0308", "E0061", "E0382",
        ] {
            let primary = Span {
                file: std::path::PathBuf::from("src/linked.rs"),
                byte_start: 30,
                byte_end: 36,
                line: 3,
                column: 5,
            };
            let error = diagnostic(code, "cannot find value `countr` in this scope", primary);
            let scope = Scope {
                id: code.to_owned(),
                code: error.code.clone(),
                phase: error.phase(),
                files: [std::path::PathBuf::from("src/linked.rs")].into(),
                diagnostics: vec![error],
            };
            for specialist in embedded() {
                assert!(specialist.propose(&scope, &sources).is_empty(), "{code}");
            }
        }
    }
}
