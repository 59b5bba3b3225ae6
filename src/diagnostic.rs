//! Domain types for one compiler diagnostic, converted from cargo's wire format at the parse boundary.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::phase::Phase;

/// The name a scope of diagnostics goes by: its error code, or `syntax` for errors that have none
/// (the parser's errors carry no code).
pub fn code_label(code: Option<&ErrorCode>) -> &str {
    code.map_or("syntax", ErrorCode::as_str)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warning,
    /// Notes, help, failure notes and anything rustc adds later: never counted.
    Other,
}

/// How sure rustc is of a suggestion, in rustc's own terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    MachineApplicable,
    MaybeIncorrect,
    Unspecified,
}

/// A location in a source file. Paths are relative to the root of the git checkout, with `/`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub file: PathBuf,
    /// Byte offsets into the file, end exclusive.
    pub byte_start: usize,
    pub byte_end: usize,
    /// 1-based line and column (columns count characters, as rustc does).
    pub line: usize,
    pub column: usize,
}

/// A secondary span of a diagnostic with rustc's label on it ("value moved here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabeledSpan {
    pub span: Span,
    pub label: Option<String>,
}

/// Where a diagnostic's primary span lies, which decides whether we may edit it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "path")]
pub enum Location {
    /// A source file of the checkout, which a specialist may edit.
    Workspace,
    /// A registry crate, the standard library or a file generated under OUT_DIR: never edited.
    External(PathBuf),
    /// rustc gave no span at all.
    Nowhere,
}

/// One alternative way rustc offers to resolve a diagnostic: all of its edits go together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    pub code: Option<ErrorCode>,
    pub message: String,
    pub primary: Option<Span>,
    pub location: Location,
    /// rustc's label on the primary span ("expected `String`, found `&str`"), if any.
    pub label: Option<String>,
    /// The other spans in the checkout's files, with their labels.
    pub secondary: Vec<LabeledSpan>,
    /// rustc's notes and help messages ("the following trait bounds were not satisfied: …"),
    /// which rule-based specialists read.
    pub notes: Vec<String>,
    /// rustc's suggestions without placeholders, one entry per alternative, in rustc's order.
    pub suggestions: Vec<Suggestion>,
    /// rustc's suggestions with placeholders (`(input, /* &[u8] */, true)`): never applied as they
    /// are, but they say where a missing value goes and of which type.
    #[serde(default)]
    pub placeholders: Vec<Suggestion>,
    pub rendered: String,
}

/// What identifies a diagnostic across edits: code, message and file, but not the line, since
/// every edit above a diagnostic moves it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub code: Option<ErrorCode>,
    pub message: String,
    pub file: Option<PathBuf>,
}

impl Diagnostic {
    /// An error in the workspace with nothing but a code, a message and a primary span: what
    /// unit tests build their inputs from.
    #[cfg(test)]
    pub(crate) fn for_test(code: Option<&str>, message: &str, primary: Span) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            code: code.and_then(ErrorCode::parse),
            message: message.to_owned(),
            primary: Some(primary),
            location: Location::Workspace,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            suggestions: Vec::new(),
            placeholders: Vec::new(),
            rendered: String::new(),
        }
    }

    /// An error of `code` on 1-based `line` of `src/lib.rs`, for unit tests that need only lines.
    #[cfg(test)]
    pub(crate) fn error_on_line(code: &str, message: &str, line: usize) -> Diagnostic {
        let span = Span {
            file: PathBuf::from("src/lib.rs"),
            byte_start: line * 10,
            byte_end: line * 10 + 3,
            line,
            column: 5,
        };
        Diagnostic::for_test(Some(code), message, span)
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    pub fn identity(&self) -> Identity {
        Identity {
            code: self.code.clone(),
            message: self.message.clone(),
            file: self.primary.as_ref().map(|span| span.file.clone()),
        }
    }

    pub fn phase(&self) -> Phase {
        Phase::of(self.code.as_ref())
    }

    pub fn file(&self) -> Option<&Path> {
        self.primary.as_ref().map(|span| span.file.as_path())
    }

    /// `path:line:column` for reports, or `(no location)`.
    pub fn position(&self) -> String {
        match (&self.location, &self.primary) {
            (Location::External(path), Some(span)) => {
                format!("{}:{}:{}", path.display(), span.line, span.column)
            }
            (_, Some(span)) => format!("{}:{}:{}", span.file.display(), span.line, span.column),
            _ => "(no location)".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_label_names_codeless_errors_syntax() {
        assert_eq!(code_label(None), "syntax");
        assert_eq!(code_label(ErrorCode::parse("E0308").as_ref()), "E0308");
    }
}
