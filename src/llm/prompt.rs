//! The prompt for one group of diagnostics: a template per error family (built in from
//! `prompts/`, each replaceable by a file of the same name in `--llm-prompts DIR`) filled with
//! the rendered diagnostics, numbered source around their spans, the definitions of the items
//! they name, the crate's edition and `rustc --explain`'s text. Rendering is pure; reading the
//! override directory is the only I/O, done once when the run starts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::index::ItemIndex;
use crate::patch::Sources;

use super::excerpt;

/// The built-in templates, by file name.
const BUILT_IN: [(&str, &str); 7] = [
    ("system.md", include_str!("../../prompts/system.md")),
    ("common.md", include_str!("../../prompts/common.md")),
    ("borrow.md", include_str!("../../prompts/borrow.md")),
    ("trait-item.md", include_str!("../../prompts/trait-item.md")),
    ("lifetime.md", include_str!("../../prompts/lifetime.md")),
    (
        "missing-value.md",
        include_str!("../../prompts/missing-value.md"),
    ),
    ("default.md", include_str!("../../prompts/default.md")),
];

#[derive(Debug, thiserror::Error)]
#[error("cannot read the prompt template {}: {source}", path.display())]
pub struct TemplateError {
    path: PathBuf,
    source: std::io::Error,
}

/// The templates a run uses.
#[derive(Clone, Debug)]
pub struct Templates {
    by_name: BTreeMap<&'static str, String>,
}

impl Default for Templates {
    fn default() -> Templates {
        Templates {
            by_name: BUILT_IN
                .iter()
                .map(|(name, text)| (*name, (*text).to_owned()))
                .collect(),
        }
    }
}

impl Templates {
    /// The built-in templates, each replaced by the file of its name in `dir` when there is one.
    pub fn with_overrides(dir: &Path) -> Result<Templates, TemplateError> {
        let mut templates = Templates::default();
        for (name, text) in templates.by_name.iter_mut() {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(found) => *text = found,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(TemplateError { path, source }),
            }
        }
        Ok(templates)
    }

    fn get(&self, name: &str) -> &str {
        self.by_name.get(name).map_or("", String::as_str)
    }
}

/// The template of an error code's family.
pub fn family(code: Option<&str>) -> &'static str {
    match code.unwrap_or("") {
        "E0499" | "E0502" | "E0503" | "E0505" | "E0506" | "E0382" | "E0507" | "E0596" => {
            "borrow.md"
        }
        "E0046" => "trait-item.md",
        "E0106" | "E0597" | "E0716" | "E0621" | "E0495" | "E0515" => "lifetime.md",
        "E0061" | "E0063" | "E0060" => "missing-value.md",
        _ => "default.md",
    }
}

/// What a prompt is made of.
#[derive(Debug)]
pub struct PromptInput<'a> {
    /// One group: diagnostics of one code and, where they have one, one file.
    pub diagnostics: &'a [Diagnostic],
    /// The files as the worker sees them (the round's base with the stage's fixes).
    pub texts: &'a Sources,
    pub index: &'a ItemIndex,
    /// `rustc --explain`'s text for the code, when there is one.
    pub explain: Option<&'a str>,
}

/// A rendered prompt and the files it showed (the only ones a reply may edit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
    pub shown: BTreeSet<PathBuf>,
}

pub fn render(templates: &Templates, input: &PromptInput<'_>) -> Prompt {
    let code = input
        .diagnostics
        .first()
        .and_then(|d| d.code.as_ref())
        .map(|code| code.as_str().to_owned());
    let (sources, shown) = excerpt::numbered(input.diagnostics, input.texts);
    let diagnostics: String = input
        .diagnostics
        .iter()
        .map(|d| format!("```text\n{}\n```\n", d.rendered.trim_end()))
        .collect();
    let definitions = excerpt::definitions(input.diagnostics, input.texts, input.index);
    let edition = input.diagnostics.iter().find_map(|d| d.file()).map_or_else(
        || "2015".to_owned(),
        |file| excerpt::edition(file, input.texts),
    );
    let or_none = |text: String| {
        if text.trim().is_empty() {
            "(none)".to_owned()
        } else {
            text
        }
    };
    let code_text = code.clone().unwrap_or_else(|| "an error".to_owned());
    let user = templates
        .get(family(code.as_deref()))
        .replace("{{common}}", templates.get("common.md"))
        .replace("{{code}}", &code_text)
        .replace("{{edition}}", &edition)
        .replace("{{diagnostics}}", &diagnostics)
        .replace("{{sources}}", &or_none(sources))
        .replace("{{definitions}}", &or_none(definitions))
        .replace(
            "{{explain}}",
            &or_none(input.explain.unwrap_or_default().trim().to_owned()),
        );
    Prompt {
        system: templates.get("system.md").to_owned(),
        user,
        shown,
    }
}

#[cfg(test)]
#[path = "prompt/tests.rs"]
mod tests;
