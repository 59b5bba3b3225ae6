//! Where the output goes: a person's terminal (live progress bars) or a pipeline's log (plain,
//! timestamped lines), and whether that log is GitHub Actions' (log groups, annotations). Read
//! from the environment once, at the edge, and handed to the reporters.

/// What the reporters may assume of the place they write to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terminal {
    /// Live, redrawn progress: only on a terminal, and never in CI, whose logs keep every redraw.
    pub live: bool,
    /// GitHub Actions reads `::group::` and `::error` workflow commands from the log.
    pub github_actions: bool,
}

impl Terminal {
    /// Reads `CI` and `GITHUB_ACTIONS` through `var`, and whether stderr is a terminal.
    pub fn detect(var: impl Fn(&str) -> Option<String>, stderr_is_terminal: bool) -> Terminal {
        let set = |name: &str| {
            var(name).is_some_and(|value| {
                let value = value.trim();
                !value.is_empty() && value != "0" && !value.eq_ignore_ascii_case("false")
            })
        };
        Terminal {
            live: stderr_is_terminal && !set("CI"),
            github_actions: set("GITHUB_ACTIONS"),
        }
    }

    /// `detect` on this process's environment and stderr.
    pub fn of_this_process() -> Terminal {
        use std::io::IsTerminal as _;
        Terminal::detect(
            |name| std::env::var(name).ok(),
            std::io::stderr().is_terminal(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(vars: &[(&str, &str)], terminal: bool) -> Terminal {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        Terminal::detect(
            |name| {
                vars.iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, value)| value.clone())
            },
            terminal,
        )
    }

    #[test]
    fn ci_or_no_terminal_means_no_live_progress() {
        assert!(detect(&[], true).live);
        assert!(!detect(&[], false).live);
        assert!(!detect(&[("CI", "true")], true).live);
        assert!(!detect(&[("CI", "1")], true).live);
        assert!(detect(&[("CI", "false")], true).live);
        assert!(detect(&[("CI", "")], true).live);
    }

    #[test]
    fn github_actions_is_recognised_by_its_variable() {
        assert!(detect(&[("GITHUB_ACTIONS", "true")], false).github_actions);
        assert!(!detect(&[("CI", "true")], false).github_actions);
        assert!(!detect(&[("GITHUB_ACTIONS", "false")], false).github_actions);
    }
}
