//! `error_message`: what cargo said on stderr when it failed, as one error to show after our own
//! `error:` line, rather than stacked under it with its progress lines.

/// cargo's stderr as the tail of one message: its status lines (`Compiling`, `Checking`,
/// `Locking`, …, right-aligned verbs) dropped, and the `error: ` of its first error taken off, so
/// that the caller's own `error:` introduces it. `Caused by:` chains, notes and help lines stay.
pub fn error_message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|line| !is_status(line)).collect();
    let first_error = lines.iter().position(|line| line.starts_with("error"));
    let lines = match first_error {
        // What came before the error (warnings about the manifest) is kept after it: the error
        // is what the user came to read.
        Some(at) => {
            let mut ordered = vec![lines[at].strip_prefix("error: ").unwrap_or(lines[at])];
            ordered.extend(&lines[at + 1..]);
            ordered.extend(&lines[..at]);
            ordered
        }
        None => lines,
    };
    let text = lines.join("\n");
    text.trim().to_owned()
}

/// A cargo status line: a capitalised verb right-aligned in twelve columns.
fn is_status(line: &str) -> bool {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let verb = trimmed.split(' ').next().unwrap_or("");
    indent > 0
        && indent + verb.len() == 12
        && verb.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && verb.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_error_without_its_prefix_and_without_status_lines() {
        let stderr = "    Updating crates.io index\n     Locking 2 packages\n\
                      error: failed to parse manifest at `/p/Cargo.toml`\n\nCaused by:\n  \
                      TOML parse error at line 3\n";
        assert_eq!(
            error_message(stderr),
            "failed to parse manifest at `/p/Cargo.toml`\n\nCaused by:\n  TOML parse error at line 3"
        );
    }

    #[test]
    fn warnings_before_the_error_follow_it() {
        let stderr = "warning: unused manifest key: x\nerror: no such package `y`\n";
        assert_eq!(
            error_message(stderr),
            "no such package `y`\nwarning: unused manifest key: x"
        );
    }

    #[test]
    fn text_without_an_error_is_kept() {
        assert_eq!(error_message("  something odd\n"), "something odd");
    }
}
