//! A model's reply read as aider's `diff` edit format: blocks of a path line, then
//! `<<<<<<< SEARCH`, the original lines, `=======`, the replacement lines, `>>>>>>> REPLACE`,
//! usually inside a code fence. Pure: text in, blocks or the reason there are none out.

use serde::{Deserialize, Serialize};

/// The largest reply read at all: a reply that rewrites more than this is not a repair.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// One SEARCH/REPLACE block as the model wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Block {
    /// The path as written on the line before the block (workspace-relative, unchecked).
    pub path: String,
    /// The exact original text, every line ending in `\n`.
    pub search: String,
    pub replace: String,
}

/// Why a reply held no usable block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Malformed {
    #[error("the reply holds no SEARCH/REPLACE block")]
    NoBlock,
    #[error("the reply is {bytes} bytes, more than the {limit} allowed")]
    TooLarge { bytes: usize, limit: usize },
    #[error("the block at line {line} has no file path on the line before it")]
    NoPath { line: usize },
    #[error("the block at line {line} is not closed by `=======` and `>>>>>>> REPLACE`")]
    Unclosed { line: usize },
    #[error("the block at line {line} has an empty SEARCH part")]
    EmptySearch { line: usize },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Search,
    Divider,
    Replace,
}

/// Which marker `line` is, if any: five to nine of the marker's characters, as aider accepts.
fn marker(line: &str) -> Option<Marker> {
    let line = line.trim_end();
    let run = |c: char, rest: &str| {
        let count = line.chars().take_while(|x| *x == c).count();
        (5..=9).contains(&count) && line[count..].trim() == rest
    };
    if run('<', "SEARCH") {
        Some(Marker::Search)
    } else if run('=', "") {
        Some(Marker::Divider)
    } else if run('>', "REPLACE") {
        Some(Marker::Replace)
    } else {
        None
    }
}

/// A line that names a file: one word with a dot or a slash, stripped of the backticks, stars
/// and colon a model puts around it. Prose (words with spaces) is not a path.
fn path_on(line: &str) -> Option<String> {
    let trimmed = line
        .trim()
        .trim_matches(|c| c == '`' || c == '*')
        .trim_end_matches(':');
    let plausible = !trimmed.is_empty()
        && !trimmed.contains(char::is_whitespace)
        && (trimmed.contains('.') || trimmed.contains('/'))
        && !trimmed.starts_with("```");
    plausible.then(|| trimmed.to_owned())
}

/// Reads every block of `reply`, or says why there is none to use. A block without a path
/// takes the path of the block before it (aider's convention for several blocks in one fence).
pub fn parse(reply: &str) -> Result<Vec<Block>, Malformed> {
    if reply.len() > MAX_REPLY_BYTES {
        return Err(Malformed::TooLarge {
            bytes: reply.len(),
            limit: MAX_REPLY_BYTES,
        });
    }
    let lines: Vec<&str> = reply.lines().collect();
    let mut blocks = Vec::new();
    let mut path: Option<String> = None;
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at];
        if marker(line) != Some(Marker::Search) {
            if let Some(named) = path_on(line) {
                path = Some(named);
            }
            at += 1;
            continue;
        }
        let start = at + 1;
        let Some(path) = path.clone() else {
            return Err(Malformed::NoPath { line: start });
        };
        let (search, replace, next) = body(&lines, start)?;
        if search.is_empty() {
            return Err(Malformed::EmptySearch { line: start });
        }
        blocks.push(Block {
            path,
            search,
            replace,
        });
        at = next;
    }
    if blocks.is_empty() {
        return Err(Malformed::NoBlock);
    }
    Ok(blocks)
}

/// The SEARCH and REPLACE parts of the block whose SEARCH marker is on line `start` (1-based,
/// so index `start` is the line after it), and the index after its REPLACE marker.
fn body(lines: &[&str], start: usize) -> Result<(String, String, usize), Malformed> {
    let unclosed = Malformed::Unclosed { line: start };
    let divider = (start..lines.len())
        .find(|&i| marker(lines[i]) == Some(Marker::Divider))
        .ok_or(unclosed.clone())?;
    let end = (divider + 1..lines.len())
        .find(|&i| marker(lines[i]) == Some(Marker::Replace))
        .ok_or(unclosed.clone())?;
    if lines[start..divider]
        .iter()
        .any(|line| marker(line).is_some())
    {
        return Err(unclosed);
    }
    let joined = |part: &[&str]| part.iter().map(|line| format!("{line}\n")).collect();
    Ok((
        joined(&lines[start..divider]),
        joined(&lines[divider + 1..end]),
        end + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_read_with_their_paths() {
        let reply = "Here is the fix.\n\nsrc/lib.rs\n```rust\n<<<<<<< SEARCH\n    let a = 1;\n=======\n    let a = 2;\n>>>>>>> REPLACE\n```\n\n`src/main.rs`\n```rust\n<<<<<<< SEARCH\nfn main() {\n=======\nfn main() -> () {\n>>>>>>> REPLACE\n<<<<<<< SEARCH\n}\n=======\n}\n\n>>>>>>> REPLACE\n```\n";
        let blocks = parse(reply).unwrap();
        assert_eq!(
            blocks,
            [
                Block {
                    path: "src/lib.rs".to_owned(),
                    search: "    let a = 1;\n".to_owned(),
                    replace: "    let a = 2;\n".to_owned()
                },
                Block {
                    path: "src/main.rs".to_owned(),
                    search: "fn main() {\n".to_owned(),
                    replace: "fn main() -> () {\n".to_owned()
                },
                Block {
                    path: "src/main.rs".to_owned(),
                    search: "}\n".to_owned(),
                    replace: "}\n\n".to_owned()
                },
            ]
        );
    }

    #[test]
    fn prose_alone_has_no_block() {
        assert_eq!(
            parse("You should borrow `v` mutably only once.\n"),
            Err(Malformed::NoBlock)
        );
    }

    #[test]
    fn a_block_needs_a_path_its_markers_and_a_search_part() {
        assert_eq!(
            parse("<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"),
            Err(Malformed::NoPath { line: 1 })
        );
        assert_eq!(
            parse("src/lib.rs\n<<<<<<< SEARCH\na\n=======\nb\n"),
            Err(Malformed::Unclosed { line: 2 })
        );
        assert_eq!(
            parse("src/lib.rs\n<<<<<<< SEARCH\na\n<<<<<<< SEARCH\n=======\nb\n>>>>>>> REPLACE\n"),
            Err(Malformed::Unclosed { line: 2 })
        );
        assert_eq!(
            parse("src/lib.rs\n<<<<<<< SEARCH\n=======\nb\n>>>>>>> REPLACE\n"),
            Err(Malformed::EmptySearch { line: 2 })
        );
    }

    #[test]
    fn an_oversized_reply_is_not_read() {
        let reply = "x".repeat(MAX_REPLY_BYTES + 1);
        assert_eq!(
            parse(&reply),
            Err(Malformed::TooLarge {
                bytes: MAX_REPLY_BYTES + 1,
                limit: MAX_REPLY_BYTES
            })
        );
    }
}
