//! A place in a source file as reports give it: the file, and rustc's 1-based line and column.
//! Machines get it as an object (`{file, line, column}`), so that no consumer splits a path that
//! may hold colons itself; people get `file:line:column`.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// Relative to the checkout's root for a file of the workspace; absolute outside it.
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters, as rustc counts them.
    pub column: usize,
}

impl Position {
    /// `file:line:column` read back (the file may hold colons itself); `None` for text without a
    /// line and column, such as `(no location)`.
    pub fn parse(text: &str) -> Option<Position> {
        let mut parts = text.rsplitn(3, ':');
        let column = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        let file = parts.next().filter(|file| !file.is_empty())?;
        Some(Position {
            file: PathBuf::from(file),
            line,
            column,
        })
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// What people read for a position that may be missing (rustc gave the diagnostic no span).
pub fn label(position: Option<&Position>) -> String {
    position.map_or_else(|| "(no location)".to_owned(), Position::to_string)
}

/// `file:line`, the short form a summary line leads with.
pub fn short(position: Option<&Position>) -> String {
    position.map_or_else(
        || "(no location)".to_owned(),
        |at| format!("{}:{}", at.file.display(), at.line),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_reads_as_file_line_column_and_travels_as_an_object() {
        let at = Position {
            file: PathBuf::from("src/a:b.rs"),
            line: 12,
            column: 5,
        };
        assert_eq!(label(Some(&at)), "src/a:b.rs:12:5");
        assert_eq!(short(Some(&at)), "src/a:b.rs:12");
        assert_eq!(label(None), "(no location)");
        assert_eq!(Position::parse("src/a:b.rs:12:5"), Some(at.clone()));
        assert_eq!(Position::parse("(no location)"), None);
        assert_eq!(Position::parse(":1:2"), None);
        assert_eq!(
            serde_json::to_value(&at).unwrap(),
            serde_json::json!({"file": "src/a:b.rs", "line": 12, "column": 5})
        );
    }
}
