//! What a generation works with: the kinds of mutation, the sites where one applies, what rustc
//! should say there, and a base file as the finders read it.

use std::collections::BTreeSet;

use crate::lex::{Kind as TokKind, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    LocalTypo,
    MethodTypo,
    FieldTypo,
    StructFieldTypo,
    MethodParens,
    RemoveMut,
    RemoveClone,
    RemoveRef,
    RemoveToString,
    RemoveDerive,
    RemoveUse,
    ImportTypo,
    RemoveLifetime,
    DropArgument,
    DropField,
    MoveItem,
    RenameMember,
}

/// The kinds a generation uses unless `--kinds` says otherwise: those whose errors rustc's own
/// suggestions repair. The bundled fixtures were generated with exactly these, in this order.
pub const KINDS: [Kind; 13] = [
    Kind::LocalTypo,
    Kind::MethodTypo,
    Kind::FieldTypo,
    Kind::StructFieldTypo,
    Kind::MethodParens,
    Kind::RemoveMut,
    Kind::RemoveClone,
    Kind::RemoveRef,
    Kind::RemoveToString,
    Kind::RemoveDerive,
    Kind::RemoveUse,
    Kind::ImportTypo,
    Kind::RemoveLifetime,
];

/// Kinds only `--kinds` asks for: holes that rustc marks with a placeholder at most, for a repair
/// that fills them from the code.
pub const HOLE_KINDS: [Kind; 2] = [Kind::DropArgument, Kind::DropField];

/// Kinds only `--kinds` asks for: one change (an item moved to another module, a member
/// renamed) that leaves many old paths or names behind, which rustc does not point to.
pub const REFACTOR_KINDS: [Kind; 2] = [Kind::MoveItem, Kind::RenameMember];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::LocalTypo => "local-typo",
            Kind::MethodTypo => "method-typo",
            Kind::FieldTypo => "field-typo",
            Kind::StructFieldTypo => "struct-field-typo",
            Kind::MethodParens => "method-parens",
            Kind::RemoveMut => "remove-mut",
            Kind::RemoveClone => "remove-clone",
            Kind::RemoveRef => "remove-ref",
            Kind::RemoveToString => "remove-to-string",
            Kind::RemoveDerive => "remove-derive",
            Kind::RemoveUse => "remove-use",
            Kind::ImportTypo => "import-typo",
            Kind::RemoveLifetime => "remove-lifetime",
            Kind::DropArgument => "drop-argument",
            Kind::DropField => "drop-field",
            Kind::MoveItem => "move-item",
            Kind::RenameMember => "rename-member",
        }
    }

    /// A short phrase for the fixture description, for `count` of them.
    pub fn phrase(self, count: usize) -> String {
        let (one, many) = match self {
            Kind::LocalTypo => ("local-name typo", "local-name typos"),
            Kind::MethodTypo => ("method-name typo", "method-name typos"),
            Kind::FieldTypo => ("field-access typo", "field-access typos"),
            Kind::StructFieldTypo => ("struct-literal field typo", "struct-literal field typos"),
            Kind::MethodParens => (
                "method call without parentheses",
                "method calls without parentheses",
            ),
            Kind::RemoveMut => ("missing `mut`", "missing `mut`s"),
            Kind::RemoveClone => ("removed `.clone()`", "removed `.clone()`s"),
            Kind::RemoveRef => ("removed `&`", "removed `&`s"),
            Kind::RemoveToString => ("removed `.to_string()`", "removed `.to_string()`s"),
            Kind::RemoveDerive => ("removed derive", "removed derives"),
            Kind::RemoveUse => ("deleted `use` line", "deleted `use` lines"),
            Kind::ImportTypo => ("import typo", "import typos"),
            Kind::RemoveLifetime => ("removed lifetime", "removed lifetimes"),
            Kind::DropArgument => ("dropped call argument", "dropped call arguments"),
            Kind::DropField => (
                "dropped struct-literal field",
                "dropped struct-literal fields",
            ),
            Kind::MoveItem => (
                "item moved to another module",
                "items moved to other modules",
            ),
            Kind::RenameMember => (
                "field or method renamed at its definition only",
                "fields or methods renamed at their definitions only",
            ),
        };
        format!("{} {}", count, if count == 1 { one } else { many })
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        KINDS
            .iter()
            .chain(&HOLE_KINDS)
            .chain(&REFACTOR_KINDS)
            .copied()
            .find(|kind| kind.name() == name)
    }

    /// Whether rustc's own suggestions (MachineApplicable or MaybeIncorrect) repair its errors.
    pub fn fixed_by_rustc(self) -> bool {
        !HOLE_KINDS.contains(&self) && !REFACTOR_KINDS.contains(&self)
    }

    pub fn is_typo(self) -> bool {
        matches!(
            self,
            Kind::LocalTypo
                | Kind::MethodTypo
                | Kind::FieldTypo
                | Kind::StructFieldTypo
                | Kind::ImportTypo
        )
    }
}

/// How a mutation uses the function bodies (regions) it affects.
///
/// rustc skips borrow checking of a body whose type checking failed, and an expression whose
/// type is an error hides further errors that depend on it. So a borrow-check mutation needs
/// its body to itself (`Exclusive`); of the mutations that can leave an error type behind
/// (`Dependent`), a body gets at most one; `Independent` ones (a misspelt struct-literal field,
/// a literal without `.to_string()`) can share a body with anything but an `Exclusive` one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occ {
    Exclusive,
    Dependent,
    Independent,
}

#[derive(Clone, Debug)]
pub struct Expected {
    pub code: String,
    pub file: usize,
    /// Byte offset in the clean text where the error is expected (for its line).
    pub offset: usize,
}

#[derive(Clone, Debug)]
pub struct Site {
    pub kind: Kind,
    pub file: usize,
    /// Byte ranges of the clean text to delete.
    pub deletions: Vec<(usize, usize)>,
    /// For typos: the byte range of the identifier to misspell (for `RenameMember`, the
    /// definition to rename).
    pub rename: Option<(usize, usize)>,
    /// Text inserted into a file: (file, byte offset in its clean text, text). Only a moved
    /// item is written somewhere else than the site's file.
    pub insertions: Vec<(usize, usize, String)>,
    /// (file, line) pairs nothing else may touch.
    pub lines: Vec<(usize, usize)>,
    pub occupancy: Vec<(usize, Occ)>,
    pub expected: Vec<Expected>,
    pub what: String,
}

pub struct SourceFile {
    pub path: String,
    pub text: String,
    pub tokens: Vec<Token>,
    pub line_starts: Vec<usize>,
    /// Global region (function body) of each token.
    pub region_of: Vec<Option<usize>>,
    pub excluded_lines: BTreeSet<usize>,
    /// Markers: token index they are attached to, and body.
    pub markers: Vec<(usize, String)>,
}

impl SourceFile {
    pub fn tok(&self, index: usize) -> &str {
        let token = &self.tokens[index];
        &self.text[token.start..token.end]
    }

    pub fn is(&self, index: usize, text: &str) -> bool {
        index < self.tokens.len() && self.tok(index) == text
    }

    pub fn is_ident(&self, index: usize) -> bool {
        index < self.tokens.len() && self.tokens[index].kind == TokKind::Ident
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(index) => index + 1,
            Err(index) => index,
        }
    }

    pub fn token_line(&self, index: usize) -> usize {
        self.line_of(self.tokens[index].start)
    }

    /// Byte range of the whole line holding `offset`, including its newline.
    pub fn line_range(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        (start, end)
    }
}
