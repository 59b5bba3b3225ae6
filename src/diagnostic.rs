//! Domain types for one compiler diagnostic, converted from cargo's wire format at the parse boundary.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::edit::Edit;
use crate::error_code::ErrorCode;
use crate::phase::Phase;
use crate::position::Position;

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
    /// rustc says the suggestion may hold placeholders; only those whose text holds none are
    /// kept (`Box<ListNode>`, `State::Failed(_)`), and tried last.
    HasPlaceholders,
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
    /// The source text under the span, as rustc quoted it (`post.tags`).
    pub text: String,
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
    /// The source text under the primary span, as rustc quoted it (`&post`); empty without one.
    pub primary_text: String,
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

/// What identifies a diagnostic across edits, which an edit elsewhere must leave unchanged: no
/// line and no byte offset, since every edit above a diagnostic moves it, but what rustc says and
/// the source text it points at. Two errors of one message in one file differ by the text under
/// their primary span (`conut` and `sumary`) or, at one place, by their causes (the same `&post`
/// borrowed after moving `post.tags` or after moving `post.title`). Errors equal in all of these
/// are interchangeable: they are counted, never numbered, since fixing the first of two would
/// renumber the second.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub code: Option<ErrorCode>,
    /// rustc's message; of one error worded for two targets, parsing keeps the same wording
    /// whichever target reported first (see `parse::parse_stream`).
    pub message: String,
    pub file: Option<PathBuf>,
    /// The source text under the primary span, whitespace collapsed, cut after
    /// [`QUOTED_CHARS`] characters.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
    /// The secondary spans in the checkout, each `label: text` in rustc's order, the text as
    /// `at` is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
}

impl Identity {
    /// Whether two identities name the same place: all but the causes. rustc reports one error
    /// at a place even when it has several causes (a value moved twice before a borrow): the
    /// next cause shows only once the first is fixed.
    pub fn same_place(&self, other: &Identity) -> bool {
        self.code == other.code
            && self.message == other.message
            && self.file == other.file
            && self.at == other.at
    }

    /// Whether two identities are of one wording in one file: code, message and file.
    pub fn same_wording(&self, other: &Identity) -> bool {
        self.code == other.code && self.message == other.message && self.file == other.file
    }
}

/// How many characters of a span's text an identity keeps: enough to tell places apart, while a
/// span over a whole block does not make every event carry the block.
pub const QUOTED_CHARS: usize = 80;

/// `text` with every run of whitespace made one space and cut after [`QUOTED_CHARS`]
/// characters: re-indenting a block leaves its identity as it was.
fn quoted(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

/// `text` with the paths in front of type names inside backticks left out: `&geo_core::Square`
/// → `&Square`, `Vec<std::string::String>` → `Vec<String>`. rustc writes a type with or without
/// its path depending on which other items of that name the compiled target sees, so a library
/// and its test harness (which may define another `Square`) word one error two ways. A type name
/// is told by Rust's naming convention (its first letter is upper case); other paths, such as
/// the `std::colections` of an unresolved import, are kept, and so is the prose outside
/// backticks.
pub fn without_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, part) in text.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        if index % 2 == 0 {
            out.push_str(part);
        } else {
            out.push_str(&without_type_paths(part));
        }
    }
    out
}

/// Each path `a::b::C` whose last segment starts with an upper-case letter, made `C`.
fn without_type_paths(quoted: &str) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(quoted.len());
    let mut rest = quoted;
    while let Some(start) = rest.find(is_word) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        // The longest `word(::word)*` here.
        let mut end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        let mut last = 0;
        while rest[end..].starts_with("::") && rest[end + 2..].starts_with(is_word) {
            last = end + 2;
            end = last
                + rest[last..]
                    .find(|c: char| !is_word(c))
                    .unwrap_or(rest.len() - last);
        }
        let path = &rest[..end];
        let name = &path[last..];
        let is_type = name.starts_with(|c: char| c.is_uppercase());
        out.push_str(if is_type { name } else { path });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
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
            primary_text: String::new(),
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
            at: quoted(&self.primary_text),
            causes: self
                .secondary
                .iter()
                .map(|secondary| {
                    let label = secondary
                        .label
                        .as_deref()
                        .map_or(String::new(), without_paths);
                    format!("{label}: {}", quoted(&secondary.text))
                })
                .collect(),
        }
    }

    pub fn phase(&self) -> Phase {
        Phase::of(self.code.as_ref())
    }

    pub fn file(&self) -> Option<&Path> {
        self.primary.as_ref().map(|span| span.file.as_path())
    }

    /// Where reports place it: the primary span's line and column, in the file outside the
    /// workspace for an external one; `None` when rustc gave it no span.
    pub fn position(&self) -> Option<Position> {
        let span = self.primary.as_ref()?;
        let file = match &self.location {
            Location::External(path) => path.clone(),
            _ => span.file.clone(),
        };
        Some(Position {
            file,
            line: span.line,
            column: span.column,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_lose_their_paths_and_other_paths_stay() {
        let cases = [
            (
                "no field `sid` on type `&geo_core::Square`",
                "no field `sid` on type `&Square`",
            ),
            (
                "expected `Vec<std::string::String>`, found `&a::b::Thing<'_, c::D>`",
                "expected `Vec<String>`, found `&Thing<'_, D>`",
            ),
            (
                "unresolved import `std::colections`",
                "unresolved import `std::colections`",
            ),
            (
                "the trait bound `<T as x::Tr>::Out: std::fmt::Debug` is not satisfied",
                "the trait bound `<T as Tr>::Out: Debug` is not satisfied",
            ),
            (
                "a::B outside backticks `::x`",
                "a::B outside backticks `::x`",
            ),
        ];
        for (message, wanted) in cases {
            assert_eq!(without_paths(message), wanted, "{message}");
        }
    }

    #[test]
    fn the_identity_keeps_what_is_said_and_quoted_but_no_position() {
        let at = |line: usize, byte: usize| Span {
            file: PathBuf::from("src/lib.rs"),
            byte_start: byte,
            byte_end: byte + 5,
            line,
            column: 9,
        };
        let mut moved = Diagnostic::for_test(
            Some("E0382"),
            "borrow of partially moved value: `post`",
            at(27, 822),
        );
        moved.primary_text = "&post".to_owned();
        moved.secondary.push(LabeledSpan {
            span: at(26, 735),
            label: Some("value partially moved here".to_owned()),
            text: "post.tags".to_owned(),
        });
        let mut shifted = moved.clone();
        shifted.primary = Some(at(30, 900));
        shifted.secondary[0].span = at(29, 810);
        assert_eq!(moved.identity(), shifted.identity());
        assert_eq!(moved.identity().at, "&post");
        assert_eq!(
            moved.identity().causes,
            ["value partially moved here: post.tags"]
        );

        let mut other_cause = moved.clone();
        other_cause.secondary[0].text = "post.title".to_owned();
        assert_ne!(moved.identity(), other_cause.identity());
        assert!(moved.identity().same_place(&other_cause.identity()));

        let mut elsewhere = moved.clone();
        elsewhere.primary_text = "&other".to_owned();
        assert!(!moved.identity().same_place(&elsewhere.identity()));
        assert!(moved.identity().same_wording(&elsewhere.identity()));

        let mut reindented = moved.clone();
        reindented.primary_text = "match x {\n        1 => a,\n    }".to_owned();
        let mut flat = moved.clone();
        flat.primary_text = "match x { 1 => a, }".to_owned();
        assert_eq!(reindented.identity(), flat.identity());
        let mut long = moved.clone();
        long.primary_text = "x".repeat(200);
        assert_eq!(long.identity().at.chars().count(), QUOTED_CHARS + 1);
    }

    #[test]
    fn code_label_names_codeless_errors_syntax() {
        assert_eq!(code_label(None), "syntax");
        assert_eq!(code_label(ErrorCode::parse("E0308").as_ref()), "E0308");
    }
}
