//! Builders for specialists' unit tests.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::diagnostic::{Diagnostic, LabeledSpan, Span};
use crate::edit::{self, Edit};
use crate::patch::Sources;
use crate::plan::Scope;
use crate::specialist::{Context, Specialist};

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
        text: String::new(),
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
    let index = OnceLock::new();
    specialist
        .propose(&scope, &Context::new(sources, &index))
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
